//! Walking a document's operations: the HTTP methods of a path item, and `$ref` lookups.

use serde_json::{Map, Value};

use crate::error::SpecError;
use crate::pointer::Pointer;
use crate::resolve;

/// The HTTP methods a path item may hold, in the order the OpenAPI specification lists them.
pub const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation's address in the document.
#[derive(Debug, Clone)]
pub struct OperationAddress {
    /// The path template, e.g. `/v1/run/{id}/gold-labels`.
    pub path: String,
    /// The lowercase method, e.g. `get`.
    pub method: &'static str,
    /// The pointer to the operation object.
    pub pointer: Pointer,
}

/// Every operation of `document`, in document order.
pub fn operation_addresses(document: &Value) -> Vec<OperationAddress> {
    let Some(Value::Object(paths)) = document.get("paths") else {
        return Vec::new();
    };
    let paths_pointer = Pointer::root().key("paths");
    let mut addresses = Vec::new();
    for (path, item) in paths {
        let Value::Object(item) = item else { continue };
        for method in HTTP_METHODS {
            if item.get(*method).is_some_and(Value::is_object) {
                addresses.push(OperationAddress {
                    path: path.clone(),
                    method,
                    pointer: paths_pointer.key(path).key(method),
                });
            }
        }
    }
    addresses
}

/// The object at `pointer`, if there is one.
pub fn object_at<'a>(document: &'a Value, pointer: &Pointer) -> Option<&'a Map<String, Value>> {
    document
        .pointer(pointer.as_str())
        .and_then(Value::as_object)
}

/// Follows a local `$ref` (`#/components/...`) to the object it names.
pub fn resolve_ref<'a>(
    document: &'a Value,
    reference: &str,
    at: &Pointer,
) -> Result<&'a Map<String, Value>, SpecError> {
    if !reference.starts_with('#') {
        return Err(SpecError::unsupported(
            at,
            "$ref",
            format!("only local references are supported, not {reference:?}"),
        ));
    }
    resolve::target(document, reference)
        .and_then(Value::as_object)
        .ok_or_else(|| {
            SpecError::unsupported(
                at,
                "$ref",
                format!("{reference:?} names nothing in the document"),
            )
        })
}

/// The object itself, or the object its `$ref` names.
pub fn deref<'a>(
    document: &'a Value,
    value: &'a Value,
    at: &Pointer,
) -> Result<&'a Map<String, Value>, SpecError> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => resolve_ref(document, reference, &at.key("$ref")),
        None => value
            .as_object()
            .ok_or_else(|| SpecError::unsupported(at, "object", "expected an object here")),
    }
}
