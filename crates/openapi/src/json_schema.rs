//! OpenAPI 3.0 schemas as plain JSON Schema, for validators: `nullable: true` becomes a `null`
//! type, and component references resolve against the document's components.

use serde_json::{Map, Value, json};

/// A self-contained JSON Schema for `schema` of the normalized `document`: its `$ref`s to
/// `#/components/schemas/...` resolve because the converted components travel with it.
pub fn standalone_schema(document: &Value, schema: &Value) -> Value {
    let mut root = match as_json_schema(schema) {
        Value::Object(map) => map,
        // `true`/`false` schemas: wrap so the components have somewhere to live.
        other => {
            let mut map = Map::new();
            map.insert("allOf".to_owned(), json!([other]));
            map
        }
    };
    if let Some(components) = document.get("components") {
        root.insert("components".to_owned(), as_json_schema(components));
    }
    Value::Object(root)
}

/// The JSON Schema of the component schema `name`, if the document has it.
pub fn component_schema(document: &Value, name: &str) -> Option<Value> {
    document.pointer(&format!("/components/schemas/{name}"))?;
    Some(standalone_schema(
        document,
        &json!({ "$ref": format!("#/components/schemas/{name}") }),
    ))
}

/// Rewrites OpenAPI's `nullable` into JSON Schema, everywhere under `value`.
fn as_json_schema(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut converted: Map<String, Value> = map
                .iter()
                .map(|(key, child)| (key.clone(), as_json_schema(child)))
                .collect();
            if converted.get("nullable") == Some(&Value::Bool(true)) {
                converted.remove("nullable");
                allow_null(&mut converted);
            }
            Value::Object(converted)
        }
        Value::Array(items) => Value::Array(items.iter().map(as_json_schema).collect()),
        other => other.clone(),
    }
}

fn allow_null(schema: &mut Map<String, Value>) {
    if let Some(Value::Array(values)) = schema.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    match schema.get("type").cloned() {
        Some(Value::String(ty)) => {
            schema.insert("type".to_owned(), json!([ty, "null"]));
        }
        Some(_) => {}
        None => {
            // A typeless nullable schema (`allOf: [$ref]`, `oneOf`, ...): null or the schema.
            let inner = Value::Object(std::mem::take(schema));
            schema.insert("anyOf".to_owned(), json!([inner, {"type": "null"}]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_types_accept_null() {
        let document = json!({"components": {"schemas": {"A": {"type": "object", "properties": {
            "s": {"type": "string", "nullable": true},
            "e": {"enum": ["x"], "type": "string", "nullable": true},
            "r": {"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": true}
        }}, "B": {"type": "integer"}}}});
        let schema = component_schema(&document, "A").expect("component");
        let a = &schema["components"]["schemas"]["A"]["properties"];
        assert_eq!(a["s"]["type"], json!(["string", "null"]));
        assert_eq!(a["e"]["enum"], json!(["x", null]));
        assert_eq!(a["r"]["anyOf"][1], json!({"type": "null"}));
        assert_eq!(schema["$ref"], "#/components/schemas/A");
    }
}
