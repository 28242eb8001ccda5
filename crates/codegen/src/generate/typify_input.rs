//! The normalized document as progenitor and typify read it: the same schemas, without the
//! property defaults that typify would turn into values nobody set.
//!
//! typify gives an optional property with a `default` a plain field filled with that default
//! (`#[serde(default)] priority: i64`), serialized every time: a client could not leave the
//! property out, so a PATCH sent `priority: 0` for every field the caller did not touch, and a
//! server could not tell an absent value from the default. Without the default the field is an
//! `Option`, absent stays absent both ways, and the implementation applies the spec's default
//! (the comparison's `defaults-not-documented`). A property that admits one value only (a
//! `const` tag with its `default`, as pydantic writes discriminators) keeps its default: the
//! value is always the one the spec allows, and servers that require the tag get it.
//!
//! The normalized document itself (`OPENAPI_DOCUMENT`, the comparison) keeps every default.

use refactor_openapi::normalize::schema_walk::visit_schemas_mut;
use serde_json::{Map, Value};

/// `document` without the defaults of optional properties that admit more than one value.
pub fn typify_input(document: &Value) -> Value {
    let mut document = document.clone();
    // The visitor never fails.
    let _ = visit_schemas_mut(&mut document, &mut |_, schema| {
        drop_optional_defaults(schema);
        Ok(())
    });
    document
}

fn drop_optional_defaults(schema: &mut Map<String, Value>) {
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let Some(Value::Object(properties)) = schema.get_mut("properties") else {
        return;
    };
    for (name, property) in properties.iter_mut() {
        let Value::Object(property) = property else {
            continue;
        };
        if required.contains(name) || admits_one_value(property) {
            continue;
        }
        property.remove("default");
    }
}

/// A schema whose `enum` has a single value (a 3.1 `const`, after normalization).
fn admits_one_value(schema: &Map<String, Value>) -> bool {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|values| values.len() == 1)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn optional_properties_lose_their_defaults_but_single_value_tags_keep_them() {
        let document = json!({"components": {"schemas": {"Update": {
            "type": "object", "required": ["id"],
            "properties": {
                "id": {"type": "integer", "default": 1},
                "priority": {"type": "integer", "default": 0},
                "kind": {"type": "string", "enum": ["span"], "default": "span"}
            }
        }}}});
        let input = typify_input(&document);
        let properties = &input["components"]["schemas"]["Update"]["properties"];
        assert_eq!(properties["id"]["default"], 1);
        assert_eq!(properties["priority"].get("default"), None);
        assert_eq!(properties["kind"]["default"], "span");
    }
}
