//! One body type per operation for its successes and one for its errors, as progenitor needs:
//! it reads all success responses (and `default`) as one Rust type and all error responses as
//! another, and panics (`response_types.len() <= 1`) when they differ.
//!
//! Runs after inline schemas are hoisted, so equal structures are already equal references.
//! Each change is a warning:
//! - `default` beside a 2xx is the error case: it becomes `4XX` and `5XX`;
//! - successes with different JSON schemas share a hoisted `oneOf` of them;
//! - successes of different kinds (a body and no body) keep the kind of the lowest status;
//! - error responses without a JSON body get the operation's error schema (the generated server
//!   sends that body with every error anyway); different error schemas share a `oneOf`.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::inline_schemas::is_json_media_type;
use super::operations::operation_addresses;
use super::rust_names::ComponentNames;
use crate::error::{SpecError, Warning};
use crate::naming::type_name;
use crate::pointer::Pointer;
use crate::resolve;
use crate::status::Status;

/// What a response carries, as progenitor tells types apart.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// No content.
    Empty,
    /// A JSON body of this schema (canonical text).
    Json(String),
    /// Content that is not JSON.
    Raw,
}

/// Makes every operation's success and error responses each one type.
pub(crate) fn unify_response_kinds(
    document: &mut Value,
    warnings: &mut Vec<Warning>,
) -> Result<(), SpecError> {
    for address in operation_addresses(document) {
        let op_name = document
            .pointer(address.pointer.key("operationId").as_str())
            .and_then(Value::as_str)
            .map(type_name)
            .unwrap_or_default();
        let responses_pointer = address.pointer.key("responses");
        let Some(Value::Object(mut responses)) =
            document.pointer(responses_pointer.as_str()).cloned()
        else {
            continue;
        };
        // Resolve referenced responses: the fix may need to edit them for this operation alone.
        for response in responses.values_mut() {
            if let Some(target) = response
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|reference| resolve::target(document, reference))
            {
                *response = target.clone();
            }
        }
        let before = responses.clone();
        split_default(&mut responses, &responses_pointer, warnings);
        unify_successes(
            document,
            &mut responses,
            &responses_pointer,
            &op_name,
            warnings,
        );
        unify_errors(
            document,
            &mut responses,
            &responses_pointer,
            &op_name,
            warnings,
        );
        if responses != before
            && let Some(slot) = document.pointer_mut(responses_pointer.as_str())
        {
            *slot = Value::Object(responses);
        }
    }
    Ok(())
}

fn is_success(key: &str) -> bool {
    Status::parse(key).is_some_and(Status::is_success)
}

fn is_error(key: &str) -> bool {
    Status::parse(key).is_some_and(Status::is_error)
}

fn kind(response: &Value) -> Kind {
    let Some(content) = response
        .get("content")
        .and_then(Value::as_object)
        .filter(|c| !c.is_empty())
    else {
        return Kind::Empty;
    };
    match content.iter().find(|(media, _)| is_json_media_type(media)) {
        Some((_, media)) => Kind::Json(
            media
                .get("schema")
                .map(Value::to_string)
                .unwrap_or_default(),
        ),
        None => Kind::Raw,
    }
}

fn json_schema(response: &Value) -> Option<Value> {
    response
        .get("content")?
        .as_object()?
        .iter()
        .find(|(media, _)| is_json_media_type(media))
        .and_then(|(_, media)| media.get("schema"))
        .cloned()
}

/// `default` beside a 2xx: the errors. progenitor would read it as a second success type.
fn split_default(
    responses: &mut Map<String, Value>,
    pointer: &Pointer,
    warnings: &mut Vec<Warning>,
) {
    if !responses.keys().any(|s| is_success(s)) {
        return;
    }
    let Some(default) = responses.shift_remove("default") else {
        return;
    };
    for range in ["4XX", "5XX"] {
        responses.entry(range).or_insert_with(|| default.clone());
    }
    warnings.push(Warning::new(
        &pointer.key("default"),
        "default",
        "documented as `4XX` and `5XX`: beside a 2xx, `default` describes the errors",
    ));
}

fn unify_successes(
    document: &mut Value,
    responses: &mut Map<String, Value>,
    pointer: &Pointer,
    op_name: &str,
    warnings: &mut Vec<Warning>,
) {
    let statuses: Vec<String> = responses
        .keys()
        .filter(|s| is_success(s) || s.as_str() == "default")
        .cloned()
        .collect();
    let kinds: BTreeSet<Kind> = statuses.iter().map(|s| kind(&responses[s])).collect();
    if kinds.len() <= 1 {
        return;
    }
    if kinds.iter().all(|k| matches!(k, Kind::Json(_))) {
        let name = combine_schemas(
            document,
            &statuses,
            responses,
            &format!("{op_name}Response"),
        );
        warnings.push(Warning::new(
            pointer,
            "responses",
            format!("the success responses have different schemas; each is documented as `{name}`, one of them"),
        ));
        return;
    }
    // Keep the kind of the lowest success status (three-character statuses and ranges sort as
    // numbers, `default` after them); the others cannot share its Rust type.
    let Some(lowest) = statuses.iter().min() else {
        return;
    };
    let keep = kind(&responses[lowest]);
    for status in &statuses {
        if kind(&responses[status]) != keep {
            responses.shift_remove(status);
            warnings.push(Warning::new(
                &pointer.key(status),
                status,
                format!("dropped: its body differs in kind from `{lowest}`'s, and an operation has one success type"),
            ));
        }
    }
}

fn unify_errors(
    document: &mut Value,
    responses: &mut Map<String, Value>,
    pointer: &Pointer,
    op_name: &str,
    warnings: &mut Vec<Warning>,
) {
    let statuses: Vec<String> = responses.keys().filter(|s| is_error(s)).cloned().collect();
    let kinds: BTreeSet<Kind> = statuses.iter().map(|s| kind(&responses[s])).collect();
    if kinds.len() <= 1 {
        return;
    }
    let json_statuses: Vec<String> = statuses
        .iter()
        .filter(|s| matches!(kind(&responses[*s]), Kind::Json(_)))
        .cloned()
        .collect();
    let json_kinds: BTreeSet<Kind> = json_statuses.iter().map(|s| kind(&responses[s])).collect();
    let schema = match json_kinds.len() {
        0 => return,
        1 => json_schema(&responses[&json_statuses[0]]).unwrap_or(json!({})),
        _ => {
            let name = combine_schemas(
                document,
                &json_statuses,
                responses,
                &format!("{op_name}Error"),
            );
            warnings.push(Warning::new(
                pointer,
                "responses",
                format!("the error responses have different schemas; each is documented as `{name}`, one of them"),
            ));
            json!({ "$ref": format!("#/components/schemas/{name}") })
        }
    };
    for status in &statuses {
        if matches!(kind(&responses[status]), Kind::Json(_)) {
            continue;
        }
        if let Some(Value::Object(response)) = responses.get_mut(status) {
            response.insert(
                "content".to_owned(),
                json!({"application/json": {"schema": schema.clone()}}),
            );
        }
        warnings.push(Warning::new(
            &pointer.key(status),
            status,
            "documented with the operation's JSON error body: an operation has one error type, and the \
             generated server sends that body with every error",
        ));
    }
}

/// Adds component `wanted` (made unique) as `oneOf` the distinct JSON schemas of `statuses` and
/// points each of them at it; returns the name.
fn combine_schemas(
    document: &mut Value,
    statuses: &[String],
    responses: &mut Map<String, Value>,
    wanted: &str,
) -> String {
    let mut alternatives: Vec<Value> = Vec::new();
    for status in statuses {
        if let Some(schema) = json_schema(&responses[status])
            && !alternatives.contains(&schema)
        {
            alternatives.push(schema);
        }
    }
    let name = ComponentNames::of(document).claim(wanted);
    if let Value::Object(top) = document {
        let components = top.entry("components").or_insert_with(|| json!({}));
        if let Value::Object(components) = components {
            let schemas = components.entry("schemas").or_insert_with(|| json!({}));
            if let Value::Object(schemas) = schemas {
                schemas.insert(name.clone(), json!({ "oneOf": alternatives }));
            }
        }
    }
    let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
    for status in statuses {
        if let Some(Value::Object(content)) =
            responses.get_mut(status).and_then(|r| r.get_mut("content"))
            && let Some((_, media)) = content
                .iter_mut()
                .find(|(media, _)| is_json_media_type(media))
            && let Value::Object(media) = media
        {
            media.insert("schema".to_owned(), reference.clone());
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_response(schema: Value) -> Value {
        json!({"description": "d", "content": {"application/json": {"schema": schema}}})
    }

    fn unified(responses: Value) -> (Value, Vec<Warning>) {
        let mut document =
            json!({"paths": {"/a": {"get": {"operationId": "get_a", "responses": responses}}}});
        let mut warnings = Vec::new();
        unify_response_kinds(&mut document, &mut warnings).expect("unified");
        (document, warnings)
    }

    #[test]
    fn default_beside_a_success_becomes_the_error_ranges() {
        let error = json_response(json!({"$ref": "#/components/schemas/Error"}));
        let (document, warnings) =
            unified(json!({"200": json_response(json!({"type": "string"})), "default": error}));
        let responses = &document["paths"]["/a"]["get"]["responses"];
        assert!(responses.get("default").is_none());
        assert_eq!(responses["4XX"], error);
        assert_eq!(responses["5XX"], error);
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn different_success_schemas_become_one_of() {
        let (document, _) = unified(json!({
            "200": json_response(json!({"type": "string"})),
            "201": json_response(json!({"type": "integer"}))
        }));
        assert_eq!(
            document["components"]["schemas"]["GetAResponse"],
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})
        );
        assert_eq!(
            document["paths"]["/a"]["get"]["responses"]["201"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/GetAResponse"})
        );
    }

    #[test]
    fn a_success_of_another_kind_than_the_lowest_is_dropped_in_any_order() {
        let with_body = json_response(json!({"type": "string"}));
        let without = json!({"description": "none"});
        for responses in [
            json!({"200": with_body, "204": without}),
            json!({"204": without, "200": with_body}),
        ] {
            let (document, warnings) = unified(responses);
            let kept = &document["paths"]["/a"]["get"]["responses"];
            assert!(kept.get("204").is_none(), "{kept}");
            assert_eq!(kept["200"], with_body);
            assert_eq!(
                warnings[0].0.pointer.as_str(),
                "/paths/~1a/get/responses/204"
            );
        }
    }

    #[test]
    fn error_responses_without_body_get_the_error_schema() {
        let error = json!({"$ref": "#/components/schemas/Error"});
        let (document, _) = unified(json!({
            "200": {"description": "ok"},
            "400": json_response(error.clone()),
            "404": {"description": "missing"}
        }));
        assert_eq!(
            document["paths"]["/a"]["get"]["responses"]["404"]["content"]["application/json"]["schema"],
            error
        );
    }
}
