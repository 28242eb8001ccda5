//! Response objects repaired where real specs get them slightly wrong, each repair a warning:
//! operations without responses, unknown fields in a response, a JSON media type without a
//! schema, a `schema` that references a response object instead of a schema, cookie parameters.

use serde_json::{Map, Value, json};

use super::inline_schemas::is_json_media_type;
use super::operations::operation_addresses;
use crate::error::{SpecError, Warning};
use crate::pointer::Pointer;
use crate::resolve;
use crate::status::{Status, is_extension};

/// The fields a Response Object may have (OpenAPI 3.0.3 section 4.7.17).
const RESPONSE_FIELDS: &[&str] = &["description", "headers", "content", "links", "$ref"];

/// Repairs every operation's responses and parameters, and the reusable responses.
pub(crate) fn repair_responses(
    document: &mut Value,
    warnings: &mut Vec<Warning>,
) -> Result<(), SpecError> {
    // Repairs read other parts of the document (referenced responses) that they never change.
    let snapshot = document.clone();
    for address in operation_addresses(document) {
        let Some(Value::Object(operation)) = document.pointer_mut(address.pointer.as_str()) else {
            continue;
        };
        drop_cookie_parameters(&snapshot, operation, &address.pointer, warnings);
        let responses_pointer = address.pointer.key("responses");
        drop_keys_that_are_not_statuses(operation, &responses_pointer, warnings);
        let has_responses = operation
            .get("responses")
            .and_then(Value::as_object)
            .is_some_and(|r| !r.is_empty());
        if !has_responses {
            warnings.push(Warning::new(
                &responses_pointer,
                "responses",
                "the operation documents no response; documented as `200` without a body",
            ));
            operation.insert(
                "responses".to_owned(),
                json!({"200": {"description": "success (the spec documents no response)"}}),
            );
        }
        if let Some(Value::Object(responses)) = operation.get_mut("responses") {
            for (status, response) in responses.iter_mut() {
                if is_extension(status) {
                    continue;
                }
                repair_response(
                    &snapshot,
                    response,
                    &responses_pointer.key(status),
                    warnings,
                )?;
            }
        }
    }
    let snapshot = document.clone();
    if let Some(Value::Object(responses)) = document.pointer_mut("/components/responses") {
        let pointer = Pointer::root().key("components").key("responses");
        for (name, response) in responses.iter_mut() {
            repair_response(&snapshot, response, &pointer.key(name), warnings)?;
        }
    }
    Ok(())
}

/// Drops the responses whose keys are neither statuses ([`Status::parse`]: HTTP's 100 to 599,
/// `1XX` to `5XX`, `default`) nor extensions: nothing can send them, openapiv3 skips most of
/// them (so the client would not know them), and the server trait cannot express them.
fn drop_keys_that_are_not_statuses(
    operation: &mut Map<String, Value>,
    pointer: &Pointer,
    warnings: &mut Vec<Warning>,
) {
    let Some(Value::Object(responses)) = operation.get_mut("responses") else {
        return;
    };
    responses.retain(|key, _| {
        let keep = is_extension(key) || Status::parse(key).is_some();
        if !keep {
            warnings.push(Warning::new(
                &pointer.key(key),
                key,
                "dropped: a response key is an HTTP status code (`404`), a range (`4XX`) or `default`",
            ));
        }
        keep
    });
}

/// Drops cookie parameters, also those reached through a `$ref` (read in `document`).
fn drop_cookie_parameters(
    document: &Value,
    operation: &mut Map<String, Value>,
    pointer: &Pointer,
    warnings: &mut Vec<Warning>,
) {
    let Some(Value::Array(parameters)) = operation.get_mut("parameters") else {
        return;
    };
    let mut index = 0;
    parameters.retain(|parameter| {
        let keep = resolve::through_references(document, parameter)
            .get("in")
            .and_then(Value::as_str)
            != Some("cookie");
        if !keep {
            warnings.push(Warning::new(
                &pointer.key("parameters").index(index),
                "in: cookie",
                "dropped: neither dropshot nor progenitor handles cookie parameters",
            ));
        }
        index += 1;
        keep
    });
    // An empty list is no list, as `path_parameters_match_template` leaves it: normalizing
    // the result again must not change it.
    if parameters.is_empty() {
        operation.remove("parameters");
    }
}

fn repair_response(
    document: &Value,
    response: &mut Value,
    pointer: &Pointer,
    warnings: &mut Vec<Warning>,
) -> Result<(), SpecError> {
    let Value::Object(fields) = response else {
        return Err(SpecError::unsupported(
            pointer,
            "response",
            "a response must be an object",
        ));
    };
    if let Some(reference) = fields.get("$ref") {
        let reference = reference.as_str().unwrap_or_default();
        if reference.starts_with("#/components/responses/") {
            return Ok(());
        }
        if !reference.starts_with("#/components/schemas/") {
            return Err(SpecError::unsupported(
                &pointer.key("$ref"),
                "$ref",
                format!(
                    "{reference:?} is not a response; a response `$ref` names `#/components/responses/...`"
                ),
            ));
        }
        // A schema where its response belongs: the one reading that says what the spec means.
        warnings.push(Warning::new(
            &pointer.key("$ref"),
            "$ref",
            format!("{reference:?} names a schema, not a response; documented as a response with that JSON body"),
        ));
        let content = json!({"application/json": {"schema": {"$ref": reference}}});
        *fields = Map::from_iter([
            ("description".to_owned(), Value::String(String::new())),
            ("content".to_owned(), content),
        ]);
        return Ok(());
    }
    let unknown: Vec<String> = fields
        .keys()
        .filter(|key| !is_extension(key) && !RESPONSE_FIELDS.contains(&key.as_str()))
        .cloned()
        .collect();
    for key in unknown {
        fields.remove(&key);
        warnings.push(Warning::new(
            &pointer.key(&key),
            &key,
            "dropped: not a field of a Response Object (a schema belongs under `content`)",
        ));
    }
    if fields
        .remove("headers")
        .is_some_and(|headers| headers.as_object().is_some_and(|h| !h.is_empty()))
    {
        warnings.push(Warning::new(
            &pointer.key("headers"),
            "headers",
            "dropped: the generated responses carry a status and a body, so the trait cannot \
             send the headers documented here (a server sets them itself)",
        ));
    }
    if !fields.contains_key("description") {
        fields.insert("description".to_owned(), Value::String(String::new()));
        warnings.push(Warning::new(
            pointer,
            "description",
            "the required description is missing; left empty",
        ));
    }
    let Some(Value::Object(content)) = fields.get_mut("content") else {
        return Ok(());
    };
    for (media_type, media) in content.iter_mut() {
        let media_pointer = pointer.key("content").key(media_type);
        if media.is_null() {
            // `application/json:` with nothing after it, in YAML.
            *media = json!({});
            warnings.push(Warning::new(
                &media_pointer,
                media_type,
                "the media type is empty (null); read as a Media Type Object without fields",
            ));
        }
        let Value::Object(media) = media else {
            return Err(SpecError::unsupported(
                &media_pointer,
                media_type,
                "a media type must be an object (a Media Type Object)",
            ));
        };
        match media.get("schema") {
            None if is_json_media_type(media_type) => {
                media.insert("schema".to_owned(), json!({}));
                warnings.push(Warning::new(
                    &media_pointer,
                    "schema",
                    "the JSON media type has no schema; documented as any JSON value",
                ));
            }
            Some(schema) => {
                if let Some(replacement) =
                    schema_of_referenced_response(document, schema, &media_pointer, warnings)?
                {
                    media.insert("schema".to_owned(), replacement);
                }
            }
            None => {}
        }
    }
    Ok(())
}

/// A `schema: {$ref: '#/components/responses/X'}` names a response, not a schema: use that
/// response's JSON schema.
fn schema_of_referenced_response(
    document: &Value,
    schema: &Value,
    pointer: &Pointer,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Value>, SpecError> {
    let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
        return Ok(None);
    };
    if !reference.starts_with("#/components/responses/") {
        return Ok(None);
    }
    let at = pointer.key("schema").key("$ref");
    let target = resolve::target(document, reference).ok_or_else(|| {
        SpecError::unsupported(
            &at,
            "$ref",
            format!("{reference:?} names nothing in the document"),
        )
    })?;
    let replacement = target
        .get("content")
        .and_then(Value::as_object)
        .and_then(|content| content.iter().find(|(media, _)| is_json_media_type(media)))
        .and_then(|(_, media)| media.get("schema"))
        .cloned()
        .ok_or_else(|| {
            SpecError::unsupported(
                &at,
                "$ref",
                format!("{reference:?} is a response without a JSON schema, not a schema"),
            )
        })?;
    warnings.push(Warning::new(
        &at,
        "$ref",
        format!("{reference:?} names a response, not a schema; used that response's JSON schema"),
    ));
    Ok(Some(replacement))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repaired(mut document: Value) -> (Value, Vec<Warning>) {
        let mut warnings = Vec::new();
        repair_responses(&mut document, &mut warnings).expect("repaired");
        (document, warnings)
    }

    #[test]
    fn an_operation_without_responses_gets_a_200_and_a_warning() {
        let (document, warnings) = repaired(json!({"paths": {"/a": {"get": {"responses": {}}}}}));
        assert!(document["paths"]["/a"]["get"]["responses"]["200"].is_object());
        assert_eq!(warnings[0].0.pointer.as_str(), "/paths/~1a/get/responses");
    }

    #[test]
    fn unknown_response_fields_are_dropped_with_their_pointer() {
        let (document, warnings) = repaired(json!({"paths": {"/a": {"get": {"responses": {
            "200": {"type": "string", "description": "ok"}
        }}}}}));
        assert!(
            document["paths"]["/a"]["get"]["responses"]["200"]
                .get("type")
                .is_none()
        );
        assert_eq!(
            warnings[0].0.pointer.as_str(),
            "/paths/~1a/get/responses/200/type"
        );
    }

    #[test]
    fn a_schema_referencing_a_response_uses_its_schema() {
        let (document, warnings) = repaired(json!({
            "paths": {"/a": {"get": {"responses": {"401": {"description": "no", "content": {
                "application/json": {"schema": {"$ref": "#/components/responses/Unauthorized"}}
            }}}}}},
            "components": {"responses": {"Unauthorized": {"description": "u", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
            }}}}
        }));
        assert_eq!(
            document["paths"]["/a"]["get"]["responses"]["401"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/Error"})
        );
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn cookie_parameters_are_dropped() {
        let (document, warnings) = repaired(json!({"paths": {"/a": {"get": {
            "parameters": [{"name": "s", "in": "cookie"}, {"name": "q", "in": "query"}],
            "responses": {"200": {"description": "ok"}}
        }}}}));
        assert_eq!(
            document["paths"]["/a"]["get"]["parameters"],
            json!([{"name": "q", "in": "query"}])
        );
        assert_eq!(
            warnings[0].0.pointer.as_str(),
            "/paths/~1a/get/parameters/0"
        );
    }

    #[test]
    fn cookie_parameters_reached_through_a_reference_are_dropped() {
        let (document, warnings) = repaired(json!({
            "paths": {"/a": {"get": {
                "parameters": [{"$ref": "#/components/parameters/Session"}],
                "responses": {"200": {"description": "ok"}}
            }}},
            "components": {"parameters": {"Session": {"name": "s", "in": "cookie"}}}
        }));
        assert!(document["paths"]["/a"]["get"].get("parameters").is_none());
        assert_eq!(
            warnings[0].0.pointer.as_str(),
            "/paths/~1a/get/parameters/0"
        );
    }

    #[test]
    fn response_headers_are_dropped_with_a_warning() {
        let (document, warnings) = repaired(json!({"paths": {"/a": {"post": {
            "responses": {"201": {"description": "made", "headers": {"Location": {"schema": {"type": "string"}}}}}
        }}}}));
        assert!(
            document["paths"]["/a"]["post"]["responses"]["201"]
                .get("headers")
                .is_none()
        );
        assert_eq!(
            warnings[0].0.pointer.as_str(),
            "/paths/~1a/post/responses/201/headers"
        );
    }

    #[test]
    fn an_empty_json_media_type_is_any_json_value() {
        // Found by the `normalize_spec` fuzz target: a `null` media type beside a success with
        // a schema was combined into a `oneOf` of one alternative, which the next
        // normalization wrapped in another.
        let (document, warnings) = repaired(json!({"paths": {"/a": {"get": {
            "responses": {"201": {"description": "ok", "content": {"application/json": null}}}
        }}}}));
        assert_eq!(
            document["paths"]["/a"]["get"]["responses"]["201"]["content"]["application/json"],
            json!({"schema": {}})
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(
            warnings[0].0.pointer.as_str(),
            "/paths/~1a/get/responses/201/content/application~1json"
        );
    }

    #[test]
    fn a_media_type_that_is_not_an_object_is_a_located_error() {
        let document = json!({"paths": {"/a": {"get": {
            "responses": {"200": {"description": "ok", "content": {"application/json": "text"}}}
        }}}});
        let error = repair_responses(&mut document.clone(), &mut Vec::new())
            .expect_err("a string is not a media type");
        assert!(
            error
                .to_string()
                .contains("/paths/~1a/get/responses/200/content/application~1json"),
            "{error}"
        );
    }

    #[test]
    fn keys_that_are_not_statuses_are_dropped_and_extensions_kept() {
        // Found by the `normalize_spec` fuzz target: a key such as `z schema` was repaired as a
        // response (and the repair undone by the next normalization); openapiv3 skips it.
        let (document, warnings) = repaired(json!({"paths": {"/a": {"get": {
            "responses": {
                "200": {"description": "ok"},
                "4XX": {"description": "client"},
                "default": {"description": "other"},
                "x-note": "kept",
                "z schema": {"type": "object"},
                "60": {"description": "too short"},
                "600": {"description": "not HTTP"},
                "6XX": {"description": "not HTTP either"},
                "4YY": {"description": "not a range"},
                "4xx": {"description": "a range, as openapiv3 reads it"}
            }
        }}}}));
        let keys: Vec<&String> = document["paths"]["/a"]["get"]["responses"]
            .as_object()
            .map(|r| r.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["200", "4XX", "default", "x-note", "4xx"]);
        assert_eq!(warnings.len(), 5, "{warnings:?}");
        assert_eq!(
            warnings[0].0.pointer.as_str(),
            "/paths/~1a/get/responses/z schema"
        );
    }

    #[test]
    fn a_response_ref_to_a_schema_becomes_a_response_with_that_body() {
        // Found by the `normalize_spec` fuzz target: such a reference was resolved into a
        // "response" that was a schema, which only the next normalization repaired.
        let (document, warnings) = repaired(json!({"paths": {"/a": {"get": {
            "responses": {"409": {"$ref": "#/components/schemas/Error"}}
        }}}}));
        assert_eq!(
            document["paths"]["/a"]["get"]["responses"]["409"],
            json!({"description": "", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}
            }}})
        );
        assert_eq!(
            warnings[0].0.pointer.as_str(),
            "/paths/~1a/get/responses/409/$ref"
        );
    }

    #[test]
    fn a_response_ref_to_anything_else_is_a_located_error() {
        let mut document = json!({"paths": {"/a": {"get": {
            "responses": {"409": {"$ref": "#/components/parameters/Id"}}
        }}}});
        let error = repair_responses(&mut document, &mut Vec::new()).expect_err("not a response");
        assert!(
            error
                .to_string()
                .contains("/paths/~1a/get/responses/409/$ref"),
            "{error}"
        );
    }

    #[test]
    fn an_operation_left_without_parameters_has_no_parameter_list() {
        // Found by the `normalize_spec` fuzz target: the empty list left here was removed by
        // the next normalization, so normalizing was not idempotent.
        let (document, _) = repaired(json!({"paths": {"/a": {"get": {
            "parameters": [{"name": "s", "in": "cookie"}],
            "responses": {"200": {"description": "ok"}}
        }}}}));
        assert_eq!(document["paths"]["/a"]["get"].get("parameters"), None);
    }
}
