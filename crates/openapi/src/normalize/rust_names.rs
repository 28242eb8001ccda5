//! One spec name, one Rust name: names that differ in the spec but not in Rust (`Pet` and
//! `pet`, `page-size` and `page_size`, `4XX` and `4xx`) would generate code that does not
//! compile, so they are refused where the second one stands; names the normalizer invents are
//! chosen free of them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::operations::operation_addresses;
use crate::error::SpecError;
use crate::naming::{field_name, type_name};
use crate::pointer::Pointer;
use crate::resolve;
use crate::status::Status;

/// The Rust type names of a document's components, to choose new component names from.
pub(super) struct ComponentNames {
    taken: BTreeSet<String>,
}

impl ComponentNames {
    /// The names `document`'s components already have.
    pub(super) fn of(document: &Value) -> Self {
        let taken = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| schemas.keys().map(|name| type_name(name)).collect())
            .unwrap_or_default();
        Self { taken }
    }

    /// `wanted`, or `wanted2`, `wanted3`, ...: the first name whose Rust type name no
    /// component has yet, now taken.
    pub(super) fn claim(&mut self, wanted: &str) -> String {
        let name = std::iter::once(wanted.to_owned())
            .chain((2..).map(|n| format!("{wanted}{n}")))
            .find(|candidate| !self.taken.contains(&type_name(candidate)))
            .unwrap_or_else(|| wanted.to_owned());
        self.taken.insert(type_name(&name));
        name
    }
}

/// Refuses component schemas, parameters of one operation and responses of one operation
/// whose Rust names coincide.
pub(crate) fn rust_names_are_distinct(document: &Value) -> Result<(), SpecError> {
    if let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        let pointer = Pointer::root().key("components").key("schemas");
        distinct(
            schemas
                .keys()
                .map(|name| (name.as_str(), pointer.key(name))),
            type_name,
            "schema",
            "the type",
        )?;
    }
    for address in operation_addresses(document) {
        let Some(operation) = document.pointer(address.pointer.as_str()) else {
            continue;
        };
        if let Some(parameters) = operation.get("parameters").and_then(Value::as_array) {
            let pointer = address.pointer.key("parameters");
            distinct(
                parameters
                    .iter()
                    .enumerate()
                    .filter_map(|(index, parameter)| {
                        let name = resolve::through_references(document, parameter)
                            .get("name")
                            .and_then(Value::as_str)?;
                        Some((name, pointer.index(index)))
                    }),
                field_name,
                "parameters",
                "the argument",
            )?;
        }
        if let Some(responses) = operation.get("responses").and_then(Value::as_object) {
            let pointer = address.pointer.key("responses");
            distinct(
                responses.keys().map(|key| (key.as_str(), pointer.key(key))),
                |key| {
                    Status::parse(key)
                        .map_or_else(|| key.to_owned(), |status| format!("{status:?}"))
                },
                "responses",
                "the response",
            )?;
        }
    }
    Ok(())
}

/// The first name of `names` whose `rust` form an earlier one has, as a located error.
fn distinct<'a>(
    names: impl Iterator<Item = (&'a str, Pointer)>,
    rust: impl Fn(&str) -> String,
    construct: &str,
    what: &str,
) -> Result<(), SpecError> {
    let mut seen: BTreeMap<String, (&str, Pointer)> = BTreeMap::new();
    for (name, pointer) in names {
        let rust_name = rust(name);
        if let Some((first, first_pointer)) = seen.get(&rust_name) {
            return Err(SpecError::unsupported(
                &pointer,
                construct,
                format!(
                    "{name:?} and {first:?} (at {first_pointer}) are {what} `{rust_name}` in Rust; \
                     rename one in spec/overlay.yaml"
                ),
            ));
        }
        seen.insert(rust_name, (name, pointer));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn refused_at(document: Value) -> String {
        rust_names_are_distinct(&document)
            .expect_err("refused")
            .problem()
            .expect("located")
            .pointer
            .as_str()
            .to_owned()
    }

    #[test]
    fn component_names_that_are_one_type_are_refused() {
        let document = json!({"components": {"schemas": {"Pet": {}, "pet": {}}}});
        assert_eq!(refused_at(document), "/components/schemas/pet");
    }

    #[test]
    fn parameters_that_are_one_argument_are_refused() {
        let document = json!({"paths": {"/a": {"get": {"parameters": [
            {"name": "page-size", "in": "query"},
            {"$ref": "#/components/parameters/PageSize"}
        ], "responses": {"200": {"description": "ok"}}}}},
        "components": {"parameters": {"PageSize": {"name": "page_size", "in": "header"}}}});
        assert_eq!(refused_at(document), "/paths/~1a/get/parameters/1");
    }

    #[test]
    fn one_range_in_two_cases_is_refused() {
        let document = json!({"paths": {"/a": {"get": {"responses": {
            "4XX": {"description": "a"}, "4xx": {"description": "b"}
        }}}}});
        assert_eq!(refused_at(document), "/paths/~1a/get/responses/4xx");
    }

    #[test]
    fn invented_names_avoid_taken_rust_names() {
        let document =
            json!({"components": {"schemas": {"get_a_response": {}, "GetAResponse2": {}}}});
        let mut names = ComponentNames::of(&document);
        assert_eq!(names.claim("GetAResponse"), "GetAResponse3");
        assert_eq!(names.claim("get-a-response"), "get-a-response4");
        assert_eq!(names.claim("Other"), "Other");
    }
}
