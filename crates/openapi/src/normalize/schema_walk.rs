//! Finding every schema object in an OpenAPI document, wherever it sits.
//!
//! Outside schemas, a schema is the value of a `schema` key (parameters, media types, headers) or
//! an entry of `components/schemas`. Inside a schema, subschemas sit under the JSON Schema
//! applicator keywords. Examples, defaults, enums and extensions hold data, not schemas, and are
//! never entered.

use serde_json::{Map, Value};

use crate::error::SpecError;
use crate::pointer::Pointer;

/// Called once per schema object, parent before children, with the schema's pointer.
pub type SchemaVisitor<'a> =
    dyn FnMut(&Pointer, &mut Map<String, Value>) -> Result<(), SpecError> + 'a;

/// Keys whose values are data rather than parts of the document.
const DATA_KEYS: &[&str] = &["example", "examples", "default", "enum", "const"];

/// Keywords whose value is one subschema.
const SINGLE_SUBSCHEMA: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
    "contentSchema",
];

/// Keywords whose value is an array of subschemas.
const SUBSCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];

/// Keywords whose value maps names to subschemas.
const SUBSCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Visits every schema in `document`.
pub fn visit_schemas_mut(
    document: &mut Value,
    visitor: &mut SchemaVisitor<'_>,
) -> Result<(), SpecError> {
    walk_document(document, &Pointer::root(), visitor)
}

fn walk_document(
    value: &mut Value,
    pointer: &Pointer,
    visitor: &mut SchemaVisitor<'_>,
) -> Result<(), SpecError> {
    match value {
        Value::Object(map) => {
            let in_components = pointer.as_str() == "/components";
            for (key, child) in map.iter_mut() {
                let child_pointer = pointer.key(key);
                if key.starts_with("x-") || DATA_KEYS.contains(&key.as_str()) {
                    continue;
                } else if key == "schema" {
                    walk_schema(child, &child_pointer, visitor)?;
                } else if in_components && key == "schemas" {
                    if let Value::Object(schemas) = child {
                        for (name, schema) in schemas.iter_mut() {
                            walk_schema(schema, &child_pointer.key(name), visitor)?;
                        }
                    }
                } else {
                    walk_document(child, &child_pointer, visitor)?;
                }
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter_mut()
            .enumerate()
            .try_for_each(|(index, item)| walk_document(item, &pointer.index(index), visitor)),
        _ => Ok(()),
    }
}

/// Visits the schema at `pointer` and then its subschemas.
pub fn walk_schema(
    value: &mut Value,
    pointer: &Pointer,
    visitor: &mut SchemaVisitor<'_>,
) -> Result<(), SpecError> {
    let Value::Object(schema) = value else {
        // `true`/`false` schemas have nothing to visit.
        return Ok(());
    };
    visitor(pointer, schema)?;
    for (key, child) in schema.iter_mut() {
        let child_pointer = pointer.key(key);
        let key = key.as_str();
        if SINGLE_SUBSCHEMA.contains(&key) {
            match child {
                // `items` as an array is the draft-4 tuple form.
                Value::Array(items) => {
                    for (index, item) in items.iter_mut().enumerate() {
                        walk_schema(item, &child_pointer.index(index), visitor)?;
                    }
                }
                _ => walk_schema(child, &child_pointer, visitor)?,
            }
        } else if SUBSCHEMA_LISTS.contains(&key) {
            if let Value::Array(items) = child {
                for (index, item) in items.iter_mut().enumerate() {
                    walk_schema(item, &child_pointer.index(index), visitor)?;
                }
            }
        } else if SUBSCHEMA_MAPS.contains(&key)
            && let Value::Object(entries) = child
        {
            for (name, entry) in entries.iter_mut() {
                walk_schema(entry, &child_pointer.key(name), visitor)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn visits_component_parameter_and_nested_schemas_but_not_examples() {
        let mut document = json!({
            "paths": {"/a": {"get": {
                "parameters": [{"name": "p", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"content": {"application/json": {
                    "schema": {"type": "array", "items": {"type": "integer"}},
                    "example": {"schema": {"type": "ignored"}}
                }}}}
            }}},
            "components": {"schemas": {"A": {
                "properties": {"schema": {"type": "object"}},
                "allOf": [{"type": "object"}]
            }}}
        });
        let mut seen = Vec::new();
        visit_schemas_mut(&mut document, &mut |pointer, _| {
            seen.push(pointer.as_str().to_owned());
            Ok(())
        })
        .expect("walk");
        assert_eq!(
            seen,
            [
                "/paths/~1a/get/parameters/0/schema",
                "/paths/~1a/get/responses/200/content/application~1json/schema",
                "/paths/~1a/get/responses/200/content/application~1json/schema/items",
                "/components/schemas/A",
                "/components/schemas/A/properties/schema",
                "/components/schemas/A/allOf/0",
            ]
        );
    }
}
