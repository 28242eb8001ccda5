//! Path-level parameters copied into each operation of the path, where the operation does not
//! override them, so every generator reads one parameter list per operation.

use serde_json::{Map, Value};

use super::operations::{HTTP_METHODS, deref};
use crate::error::{SpecError, Warning};
use crate::pointer::Pointer;
use crate::resolve;

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
            // The operation's own first, so that their pointers (in warnings and errors of
            // later passes) stay those of the source; generators order arguments themselves.
            let mut merged = own;
            merged.extend(
                shared
                    .iter()
                    .zip(&shared_keys)
                    .filter(|(_, key)| !own_keys.contains(key))
                    .map(|(parameter, _)| parameter.clone()),
            );
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

/// Parameters whose schema is not a scalar (an array, an object) become strings, with a warning:
/// dropshot's extractors read only scalar parameters, so there is no faithful form. The value
/// arrives as one string that the caller encodes (say, comma-separated) and the implementation
/// splits. Runs on path-level and operation lists before they are merged, so each warning
/// names the parameter where the source has it, once.
pub(crate) fn scalar_parameters(
    document: &mut Value,
    warnings: &mut Vec<Warning>,
) -> Result<(), SpecError> {
    let mut lists: Vec<Pointer> = super::operations::operation_addresses(document)
        .into_iter()
        .map(|address| address.pointer.key("parameters"))
        .collect();
    if let Some(Value::Object(paths)) = document.get("paths") {
        lists.extend(
            paths
                .keys()
                .map(|path| Pointer::root().key("paths").key(path).key("parameters")),
        );
    }
    let mut edits = Vec::new();
    for list in lists {
        let Some(Value::Array(parameters)) = document.pointer(list.as_str()) else {
            continue;
        };
        for (index, parameter) in parameters.iter().enumerate() {
            let at = list.index(index);
            let parameter = deref(document, parameter, &at)?;
            let Some(schema) = parameter.get("schema") else {
                continue;
            };
            if !is_scalar(document, schema) {
                let mut replacement = parameter.clone();
                let description = format!(
                    "{}(Sent as one string: the spec's schema is not a scalar, which dropshot cannot read.)",
                    parameter
                        .get("description")
                        .and_then(Value::as_str)
                        .map(|d| format!("{d} "))
                        .unwrap_or_default()
                );
                replacement.insert("schema".to_owned(), serde_json::json!({"type": "string"}));
                replacement.insert("description".to_owned(), Value::String(description));
                replacement.remove("style");
                replacement.remove("explode");
                edits.push((at, Value::Object(replacement)));
            }
        }
    }
    for (at, replacement) in edits {
        warnings.push(Warning::new(
            &at.key("schema"),
            "parameter schema",
            "documented as a string: dropshot reads only scalar parameters; the caller encodes the \
             values (say, comma-separated) and the implementation decodes them",
        ));
        if let Some(slot) = document.pointer_mut(at.as_str()) {
            *slot = replacement;
        }
    }
    Ok(())
}

/// Parameters carry no null: a query string, header or path segment has no null to send, and
/// an optional parameter's absence is already "no value" (FastAPI and Litestar write
/// `anyOf: [X, {type: "null"}]` for every `Optional` parameter, meaning just that). So a
/// parameter schema's `nullable` (and a `null` in its `enum`) is dropped: the parameter is `X`,
/// optional as declared. A required nullable parameter loses a value nobody can send, with a
/// warning.
pub(crate) fn parameters_not_nullable(document: &mut Value, warnings: &mut Vec<Warning>) {
    let mut parameters: Vec<Pointer> = Vec::new();
    let mut lists: Vec<Pointer> = super::operations::operation_addresses(document)
        .into_iter()
        .map(|address| address.pointer.key("parameters"))
        .collect();
    if let Some(Value::Object(paths)) = document.get("paths") {
        lists.extend(
            paths
                .keys()
                .map(|path| Pointer::root().key("paths").key(path).key("parameters")),
        );
    }
    for list in lists {
        if let Some(Value::Array(entries)) = document.pointer(list.as_str()) {
            parameters.extend((0..entries.len()).map(|index| list.index(index)));
        }
    }
    if let Some(Value::Object(components)) = document.pointer("/components/parameters") {
        let base = Pointer::root().key("components").key("parameters");
        parameters.extend(components.keys().map(|name| base.key(name)));
    }
    for at in parameters {
        let Some(Value::Object(parameter)) = document.pointer_mut(at.as_str()) else {
            continue;
        };
        let required = parameter.get("required") == Some(&Value::Bool(true));
        let location = parameter
            .get("in")
            .and_then(Value::as_str)
            .unwrap_or("query")
            .to_owned();
        let Some(Value::Object(schema)) = parameter.get_mut("schema") else {
            continue;
        };
        if !without_null(schema) {
            continue;
        }
        if required {
            warnings.push(Warning::new(
                &at.key("schema"),
                "nullable",
                format!(
                    "dropped: a {location} parameter cannot carry null; documented as a required \
                     value"
                ),
            ));
        }
    }
}

/// Removes `nullable` and a `null` enum value from a parameter schema, unwrapping the
/// `allOf: [X]` that a nullable reference leaves behind; whether there was any.
fn without_null(schema: &mut Map<String, Value>) -> bool {
    let nullable = schema.remove("nullable") == Some(Value::Bool(true));
    let mut null_value = false;
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        let before = values.len();
        values.retain(|value| !value.is_null());
        null_value = values.len() != before;
    }
    if !(nullable || null_value) {
        return false;
    }
    let only_wrapper = schema
        .keys()
        .all(|key| matches!(key.as_str(), "allOf" | "description" | "title"));
    if only_wrapper
        && let Some(Value::Array(parts)) = schema.get("allOf")
        && let [only] = parts.as_slice()
        && let Value::Object(only) = only.clone()
    {
        *schema = only;
    }
    true
}

/// Whether a parameter schema is a string, number, integer or boolean (an enum of them too).
fn is_scalar(document: &Value, schema: &Value) -> bool {
    let resolved = resolve::through_aliases(document, schema);
    match resolved.get("type").and_then(Value::as_str) {
        Some("string" | "integer" | "number" | "boolean") => true,
        Some(_) => false,
        None => resolved
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| {
                values
                    .iter()
                    .all(|v| v.is_string() || v.is_number() || v.is_boolean() || v.is_null())
            }),
    }
}

/// Makes each operation's path parameters the variables of its path template: a variable
/// without a declared parameter gets a string one, a declared path parameter the template does
/// not name is dropped; both with a warning (progenitor panics on either).
pub(crate) fn path_parameters_match_template(
    document: &mut Value,
    warnings: &mut Vec<Warning>,
) -> Result<(), SpecError> {
    let mut edits = Vec::new();
    for address in super::operations::operation_addresses(document) {
        let variables: Vec<String> = address
            .path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(str::to_owned)
            .collect();
        let parameters_pointer = address.pointer.key("parameters");
        let parameters = match document.pointer(parameters_pointer.as_str()) {
            Some(Value::Array(parameters)) => parameters.clone(),
            _ => Vec::new(),
        };
        let mut kept = Vec::new();
        let mut declared = Vec::new();
        for (index, parameter) in parameters.into_iter().enumerate() {
            let at = parameters_pointer.index(index);
            let resolved = deref(document, &parameter, &at)?;
            let (name, location) = (
                resolved
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                resolved
                    .get("in")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            );
            if location == "path" && !variables.contains(&name) {
                warnings.push(Warning::new(
                    &at,
                    "in: path",
                    format!("dropped: the path template has no `{{{name}}}`"),
                ));
                continue;
            }
            if location == "path" {
                declared.push(name);
            }
            kept.push(parameter);
        }
        for variable in variables.iter().filter(|v| !declared.contains(v)) {
            warnings.push(Warning::new(
                &address.pointer,
                "path",
                format!(
                    "`{{{variable}}}` has no declared parameter; documented as a required string"
                ),
            ));
            kept.push(serde_json::json!({"name": variable, "in": "path", "required": true, "schema": {"type": "string"}}));
        }
        edits.push((parameters_pointer, kept));
    }
    for (pointer, parameters) in edits {
        let Some((operation_pointer, _)) = pointer.as_str().rsplit_once('/') else {
            continue;
        };
        if let Some(Value::Object(operation)) = document.pointer_mut(operation_pointer) {
            if parameters.is_empty() {
                operation.remove("parameters");
            } else {
                operation.insert("parameters".to_owned(), Value::Array(parameters));
            }
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
                {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                {"$ref": "#/components/parameters/Limit"}
            ])
        );
        assert_eq!(item["delete"]["parameters"][0]["schema"]["type"], "string");
    }

    #[test]
    fn array_query_parameters_become_strings_with_a_warning() {
        let mut document = json!({"paths": {"/a": {"get": {"parameters": [
            {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "limit", "in": "query", "schema": {"type": "integer"}}
        ]}}}});
        let mut warnings = Vec::new();
        scalar_parameters(&mut document, &mut warnings).expect("degraded");
        let parameters = &document["paths"]["/a"]["get"]["parameters"];
        assert_eq!(parameters[0]["schema"], json!({"type": "string"}));
        assert_eq!(parameters[1]["schema"], json!({"type": "integer"}));
        assert_eq!(
            warnings[0].0.pointer.as_str(),
            "/paths/~1a/get/parameters/0/schema"
        );
    }

    #[test]
    fn a_path_level_array_parameter_is_degraded_where_the_source_has_it() {
        let mut document = json!({"paths": {"/a": {
            "parameters": [{"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}],
            "get": {"parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}]},
            "put": {}
        }}});
        let mut warnings = Vec::new();
        scalar_parameters(&mut document, &mut warnings).expect("degraded");
        inline_path_parameters(&mut document).expect("inlined");
        let pointers: Vec<&str> = warnings.iter().map(|w| w.0.pointer.as_str()).collect();
        assert_eq!(pointers, ["/paths/~1a/parameters/0/schema"]);
        let get = &document["paths"]["/a"]["get"]["parameters"];
        assert_eq!(
            get[0]["name"], "limit",
            "the operation's own keep their places"
        );
        assert_eq!(get[1]["schema"], json!({"type": "string"}));
        assert_eq!(
            document["paths"]["/a"]["put"]["parameters"][0]["schema"],
            json!({"type": "string"})
        );
    }

    #[test]
    fn nullable_parameters_lose_their_null() {
        let mut document = json!({"paths": {"/a/{id}": {"get": {"parameters": [
            {"name": "status", "in": "query", "schema": {"allOf": [{"$ref": "#/components/schemas/S"}], "nullable": true}},
            {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["a", null], "nullable": true}},
            {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "nullable": true}}
        ]}}}});
        let mut warnings = Vec::new();
        parameters_not_nullable(&mut document, &mut warnings);
        let parameters = &document["paths"]["/a/{id}"]["get"]["parameters"];
        assert_eq!(
            parameters[0]["schema"],
            json!({"$ref": "#/components/schemas/S"})
        );
        assert_eq!(
            parameters[1]["schema"],
            json!({"type": "string", "enum": ["a"]})
        );
        assert_eq!(parameters[2]["schema"], json!({"type": "integer"}));
        let pointers: Vec<&str> = warnings.iter().map(|w| w.0.pointer.as_str()).collect();
        assert_eq!(pointers, ["/paths/~1a~1{id}/get/parameters/2/schema"]);
    }

    #[test]
    fn template_variables_and_path_parameters_are_made_to_match() {
        let mut document = json!({"paths": {"/a/{id}": {"post": {"parameters": [
            {"name": "gone", "in": "path", "required": true, "schema": {"type": "string"}}
        ]}}}});
        let mut warnings = Vec::new();
        path_parameters_match_template(&mut document, &mut warnings).expect("matched");
        assert_eq!(
            document["paths"]["/a/{id}"]["post"]["parameters"],
            json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}])
        );
        assert_eq!(warnings.len(), 2);
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
