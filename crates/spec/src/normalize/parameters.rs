//! Path-level parameters copied into each operation of the path, where the operation does not
//! override them, so every generator reads one parameter list per operation.

use serde_json::Value;

use super::operations::{HTTP_METHODS, deref};
use crate::error::SpecError;
use crate::pointer::Pointer;

/// Moves each path item's `parameters` into its operations (OpenAPI 3.0 section 4.7.9.1: an
/// operation's parameter with the same name and location overrides the path's).
pub(crate) fn inline_path_parameters(document: &mut Value) -> Result<(), SpecError> {
    let Some(Value::Object(paths)) = document.get("paths") else {
        return Ok(());
    };
    // Decide first (reading `$ref`s needs the whole document), then edit.
    let mut edits = Vec::new();
    for (path, item) in paths {
        let item_pointer = Pointer::root().key("paths").key(path);
        let Some(Value::Array(shared)) = item.get("parameters") else {
            continue;
        };
        let shared_keys = shared
            .iter()
            .enumerate()
            .map(|(index, p)| {
                parameter_key(document, p, &item_pointer.key("parameters").index(index))
            })
            .collect::<Result<Vec<_>, _>>()?;
        for method in HTTP_METHODS {
            let Some(operation) = item.get(*method) else {
                continue;
            };
            let op_pointer = item_pointer.key(method);
            let own = match operation.get("parameters") {
                Some(Value::Array(own)) => own.clone(),
                _ => Vec::new(),
            };
            let own_keys = own
                .iter()
                .enumerate()
                .map(|(index, p)| {
                    parameter_key(document, p, &op_pointer.key("parameters").index(index))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mut merged: Vec<Value> = shared
                .iter()
                .zip(&shared_keys)
                .filter(|(_, key)| !own_keys.contains(key))
                .map(|(parameter, _)| parameter.clone())
                .collect();
            merged.extend(own);
            edits.push((path.clone(), *method, merged));
        }
        edits.push((path.clone(), "", Vec::new()));
    }
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return Ok(());
    };
    for (path, method, parameters) in edits {
        let Some(Value::Object(item)) = paths.get_mut(&path) else {
            continue;
        };
        if method.is_empty() {
            item.remove("parameters");
        } else if let Some(Value::Object(operation)) = item.get_mut(method) {
            operation.insert("parameters".to_owned(), Value::Array(parameters));
        }
    }
    Ok(())
}

/// A parameter's identity: its name and location.
fn parameter_key(
    document: &Value,
    parameter: &Value,
    at: &Pointer,
) -> Result<(String, String), SpecError> {
    let object = deref(document, parameter, at)?;
    let field = |name: &str| {
        object
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| {
                SpecError::unsupported(
                    at,
                    "parameter",
                    format!("a parameter needs a string `{name}`"),
                )
            })
    };
    Ok((field("name")?, field("in")?))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn path_parameters_move_into_operations_unless_overridden() {
        let mut document = json!({
            "paths": {"/a/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"$ref": "#/components/parameters/Limit"}
                ],
                "get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}]},
                "delete": {}
            }},
            "components": {"parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}}}
        });
        inline_path_parameters(&mut document).expect("inlined");
        let item = &document["paths"]["/a/{id}"];
        assert!(item.get("parameters").is_none());
        assert_eq!(
            item["get"]["parameters"],
            json!([
                {"$ref": "#/components/parameters/Limit"},
                {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}
            ])
        );
        assert_eq!(item["delete"]["parameters"][0]["schema"]["type"], "string");
    }

    #[test]
    fn dangling_parameter_reference_is_located() {
        let mut document = json!({"paths": {"/a": {
            "parameters": [{"$ref": "#/components/parameters/Missing"}],
            "get": {}
        }}});
        let error = inline_path_parameters(&mut document).expect_err("dangling");
        assert_eq!(
            error.problem().map(|p| p.pointer.as_str()),
            Some("/paths/~1a/parameters/0/$ref")
        );
    }
}
