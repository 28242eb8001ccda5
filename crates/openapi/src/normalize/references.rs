//! Every `$ref` must name something in the document: a dangling or external reference is a
//! located error here, before a generator meets it (progenitor and typify panic on one). The
//! references found are handed on to [`super::cycles`].

use serde_json::Value;

use crate::error::SpecError;
use crate::pointer::Pointer;
use crate::resolve;

/// Members whose values are data (examples, defaults, enumerations, extensions), where a
/// `$ref` is just a key.
fn holds_data(key: &str) -> bool {
    matches!(key, "example" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// Maps whose keys are names (of properties, schemas, responses, headers, ...), not keywords:
/// `default` there is a property called "default", or the default response.
fn maps_names(key: &str) -> bool {
    matches!(
        key,
        "properties"
            | "patternProperties"
            | "$defs"
            | "definitions"
            | "schemas"
            | "responses"
            | "parameters"
            | "headers"
            | "requestBodies"
            | "securitySchemes"
            | "links"
            | "callbacks"
            | "pathItems"
            | "webhooks"
            | "content"
            | "encoding"
    )
}

/// What the members of an object are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Members {
    /// Keywords of the document's structure.
    Keywords,
    /// Names, each of a schema.
    Names,
    /// Keywords of an Example Object, whose `value` is data.
    Example,
}

/// A `$ref` of the document's structure and what it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reference {
    /// The `$ref` member.
    pub at: Pointer,
    /// The place it names (escaped, percent-escapes decoded).
    pub target: Pointer,
}

/// Every `$ref` of `document`'s structure (not those in examples or other data), each checked to
/// be a local JSON pointer (`#/...`) that resolves in `document`.
pub(crate) fn resolved_references(document: &Value) -> Result<Vec<Reference>, SpecError> {
    let mut references = Vec::new();
    // Depth-first over the document's structure, without recursion.
    let mut pending = vec![(Pointer::root(), document, Members::Keywords)];
    while let Some((pointer, value, members_are)) = pending.pop() {
        match value {
            Value::Object(members) => {
                if members_are != Members::Names
                    && let Some(reference) = members.get("$ref")
                {
                    let at = pointer.key("$ref");
                    if let Some(target) = check_reference(document, &at, reference)? {
                        references.push(Reference { at, target });
                    }
                }
                for (key, member) in members {
                    let at = pointer.key(key);
                    if members_are == Members::Names {
                        pending.push((at, member, Members::Keywords));
                        continue;
                    }
                    if holds_data(key) || (members_are == Members::Example && key == "value") {
                        continue;
                    }
                    match (key.as_str(), member) {
                        // A schema's `examples` (3.1) is a list of data.
                        ("examples", Value::Array(_)) => {}
                        ("examples", Value::Object(examples)) => pending.extend(
                            examples
                                .iter()
                                .map(|(name, example)| (at.key(name), example, Members::Example)),
                        ),
                        _ if maps_names(key) => pending.push((at, member, Members::Names)),
                        _ => pending.push((at, member, Members::Keywords)),
                    }
                }
            }
            Value::Array(items) => {
                pending.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(index, item)| (pointer.index(index), item, Members::Keywords)),
                );
            }
            _ => {}
        }
    }
    Ok(references)
}

/// The place a `$ref` names, when it is a string (`None` otherwise); an error when it names
/// nothing in `document`.
fn check_reference(
    document: &Value,
    at: &Pointer,
    reference: &Value,
) -> Result<Option<Pointer>, SpecError> {
    // `$ref` is also an ordinary property name inside `properties` and examples; only a string
    // is a reference, and those elsewhere are checked too strictly to be worth telling apart.
    let Value::String(reference) = reference else {
        return Ok(None);
    };
    if !reference.starts_with('#') {
        return Err(SpecError::unsupported(
            at,
            "$ref",
            format!(
                "`{reference}` refers outside the document; bundle the spec into one file first \
                 (for example with `redocly bundle`)"
            ),
        ));
    }
    match resolve::pointer_of(reference)
        .filter(|target| document.pointer(target.as_str()).is_some())
    {
        Some(target) => Ok(Some(target)),
        None => Err(SpecError::unsupported(
            at,
            "$ref",
            format!("`{reference}` names nothing in the document"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn problem(document: &Value) -> Option<String> {
        resolved_references(document)
            .err()
            .and_then(|e| e.problem().map(|p| format!("{}: {}", p.pointer, p.detail)))
    }

    #[test]
    fn local_references_that_resolve_pass() {
        let document = json!({
            "paths": {"/a/{id}": {"get": {"x": {"$ref": "#/components/schemas/A"}}}},
            "components": {"schemas": {"A": {"properties": {"self": {"$ref": "#/components/schemas/A"}}}}},
            "x-path": {"$ref": "#/paths/~1a~1%7Bid%7D"}
        });
        assert_eq!(problem(&document), None);
    }

    #[test]
    fn a_dangling_reference_names_its_place() {
        let document = json!({"paths": {"/a": {"get": {"schema": {"items": {"$ref": "#/components/schemas/Gone"}}}}}});
        assert_eq!(
            problem(&document).as_deref(),
            Some(
                "/paths/~1a/get/schema/items/$ref: `#/components/schemas/Gone` names nothing in the document"
            )
        );
    }

    #[test]
    fn references_in_data_are_data() {
        let document = json!({
            "components": {
                "schemas": {"A": {"example": {"$ref": "nowhere"}, "default": {"$ref": "#/nowhere"}, "examples": [{"$ref": "x"}]}},
                "examples": {"E": {"value": {"$ref": "#/not/a/reference"}}},
                "x-vendor": {"$ref": "elsewhere.yaml"}
            }
        });
        assert_eq!(problem(&document), None);
        let document =
            json!({"components": {"examples": {"E": {"$ref": "#/components/examples/F"}}}});
        assert!(problem(&document).is_some_and(|p| p.contains("examples/F` names nothing")));
    }

    #[test]
    fn the_default_response_and_a_header_named_default_are_structure() {
        // Found by the `normalize_spec` fuzz target: `default` was read as data everywhere, so
        // a dangling reference in the default response reached the generators.
        let document = json!({"paths": {"/a": {"get": {"responses": {"default": {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Gone"}}}
        }}}}}});
        assert!(
            problem(&document).is_some_and(|p| p.starts_with("/paths/~1a/get/responses/default/")),
            "{:?}",
            problem(&document)
        );
        let document =
            json!({"components": {"headers": {"default": {"$ref": "#/components/headers/Gone"}}}});
        assert!(problem(&document).is_some_and(|p| p.contains("headers/Gone` names nothing")));
    }

    #[test]
    fn a_property_named_like_a_keyword_is_a_schema() {
        let document = json!({"components": {"schemas": {"A": {"properties": {
            "default": {"$ref": "#/components/schemas/Gone"}
        }}}}});
        assert!(
            problem(&document)
                .is_some_and(|p| p.starts_with("/components/schemas/A/properties/default/$ref"))
        );
    }

    #[test]
    fn external_references_are_refused() {
        let document = json!({"components": {"schemas": {"A": {"$ref": "common.yaml#/Thing"}}}});
        let found = problem(&document).unwrap_or_default();
        assert!(
            found.starts_with("/components/schemas/A/$ref: `common.yaml#/Thing` refers outside"),
            "{found}"
        );
    }
}
