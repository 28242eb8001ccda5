//! Request bodies in the forms progenitor's client can send and dropshot's server can read: one
//! media type, one of JSON, form-urlencoded, raw bytes (`application/octet-stream`, schema
//! `string`/`binary`) or text (`text/plain`, schema `string`). Anything else is degraded with a
//! warning; a body whose content is empty is dropped.

use serde_json::{Map, Value, json};

use super::inline_schemas::is_json_media_type;
use super::operations::operation_addresses;
use crate::error::{SpecError, Warning};
use crate::pointer::Pointer;
use crate::resolve;

/// How a body is sent and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum BodyForm {
    Json,
    FormUrlencoded,
    OctetStream,
    Text,
    Other,
}

fn form_of(media_type: &str) -> BodyForm {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    match essence {
        _ if is_json_media_type(essence) => BodyForm::Json,
        "application/x-www-form-urlencoded" => BodyForm::FormUrlencoded,
        "application/octet-stream" => BodyForm::OctetStream,
        "text/plain" => BodyForm::Text,
        _ => BodyForm::Other,
    }
}

/// Brings every operation's request body into a form both libraries handle.
pub(crate) fn normalize_request_bodies(
    document: &mut Value,
    warnings: &mut Vec<Warning>,
) -> Result<(), SpecError> {
    for address in operation_addresses(document) {
        let body_pointer = address.pointer.key("requestBody");
        let Some(body) = document.pointer(body_pointer.as_str()) else {
            continue;
        };
        // A referenced body is copied into the operation before it is changed.
        let mut body = match body.get("$ref").and_then(Value::as_str) {
            Some(reference) => resolve::target(document, reference)
                .cloned()
                .ok_or_else(|| {
                    SpecError::unsupported(
                        &body_pointer.key("$ref"),
                        "$ref",
                        format!("{reference:?} names nothing in the document"),
                    )
                })?,
            None => body.clone(),
        };
        let before = body.clone();
        let keep = normalize_body(&mut body, &body_pointer, warnings)?;
        let Some(Value::Object(operation)) = document.pointer_mut(address.pointer.as_str()) else {
            continue;
        };
        if !keep {
            operation.remove("requestBody");
        } else if body != before {
            operation.insert("requestBody".to_owned(), body);
        }
    }
    Ok(())
}

/// Returns whether the operation keeps a body at all.
fn normalize_body(
    body: &mut Value,
    pointer: &Pointer,
    warnings: &mut Vec<Warning>,
) -> Result<bool, SpecError> {
    let Some(Value::Object(content)) = body.get_mut("content") else {
        warnings.push(Warning::new(
            pointer,
            "requestBody",
            "dropped: a request body without content",
        ));
        return Ok(false);
    };
    if content.is_empty() {
        warnings.push(Warning::new(
            pointer,
            "requestBody",
            "dropped: a request body without media types",
        ));
        return Ok(false);
    }
    if content.len() > 1 {
        let preferred = content
            .keys()
            .min_by_key(|media_type| form_of(media_type))
            .cloned()
            .unwrap_or_default();
        let dropped: Vec<String> = content
            .keys()
            .filter(|k| **k != preferred)
            .cloned()
            .collect();
        content.retain(|media_type, _| *media_type == preferred);
        warnings.push(Warning::new(
            &pointer.key("content"),
            "content",
            format!("kept `{preferred}` and dropped {dropped:?}: the client sends one media type"),
        ));
    }
    let Some((media_type, media)) = content.iter_mut().next() else {
        return Ok(false);
    };
    let media_pointer = pointer.key("content").key(media_type);
    let Value::Object(media) = media else {
        return Err(SpecError::unsupported(
            &media_pointer,
            "media type",
            "a media type must be an object",
        ));
    };
    match form_of(media_type) {
        BodyForm::Json => {
            if !media.contains_key("schema") {
                media.insert("schema".to_owned(), json!({}));
                warnings.push(Warning::new(
                    &media_pointer,
                    "schema",
                    "no schema: documented as any JSON value",
                ));
            }
        }
        BodyForm::FormUrlencoded => {
            if !media.contains_key("schema") {
                return Err(SpecError::unsupported(
                    &media_pointer,
                    "schema",
                    "a form body needs a schema of its fields",
                ));
            }
        }
        BodyForm::OctetStream => {
            require_string_schema(media, &media_pointer, Some("binary"), warnings)
        }
        BodyForm::Text => require_string_schema(media, &media_pointer, None, warnings),
        BodyForm::Other => {
            let original = media_type.clone();
            let mut replacement = Map::new();
            replacement.insert(
                "schema".to_owned(),
                json!({"type": "string", "format": "binary"}),
            );
            content.clear();
            content.insert(
                "application/octet-stream".to_owned(),
                Value::Object(replacement),
            );
            warnings.push(Warning::new(
                &media_pointer,
                &original,
                format!(
                    "sent and read as raw bytes (`application/octet-stream`): the client cannot encode \
                     `{original}`; callers pass the encoded body"
                ),
            ));
        }
    }
    Ok(true)
}

fn require_string_schema(
    media: &mut Map<String, Value>,
    pointer: &Pointer,
    format: Option<&str>,
    warnings: &mut Vec<Warning>,
) {
    let wanted = match format {
        Some(format) => json!({"type": "string", "format": format}),
        None => json!({"type": "string"}),
    };
    let schema = media.get("schema");
    let fits = schema.is_some_and(|s| {
        s.get("type").and_then(Value::as_str) == Some("string")
            && s.get("format").and_then(Value::as_str) == format
            && [
                "pattern",
                "enum",
                "minLength",
                "maxLength",
                "nullable",
                "default",
            ]
            .iter()
            .all(|k| s.get(*k).is_none())
    });
    if !fits {
        if schema.is_some() {
            warnings.push(Warning::new(
                &pointer.key("schema"),
                "schema",
                format!("documented as {wanted}: the client sends this media type as an unconstrained string"),
            ));
        }
        media.insert("schema".to_owned(), wanted);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(body: Value) -> (Value, Vec<Warning>) {
        let mut document =
            json!({"paths": {"/a": {"post": {"requestBody": body, "responses": {}}}}});
        let mut warnings = Vec::new();
        normalize_request_bodies(&mut document, &mut warnings).expect("normalized");
        (
            document["paths"]["/a"]["post"]
                .get("requestBody")
                .cloned()
                .unwrap_or(Value::Null),
            warnings,
        )
    }

    #[test]
    fn several_media_types_keep_json() {
        let (body, warnings) = normalized(json!({"content": {
            "application/xml": {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "object"}}
        }}));
        assert_eq!(body["content"].as_object().map(|c| c.len()), Some(1));
        assert!(body["content"].get("application/json").is_some());
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn multipart_becomes_raw_bytes_with_a_warning() {
        let (body, warnings) =
            normalized(json!({"content": {"multipart/form-data": {"schema": {"type": "object"}}}}));
        assert_eq!(
            body["content"]["application/octet-stream"]["schema"],
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(warnings[0].0.construct, "multipart/form-data");
    }

    #[test]
    fn an_octet_stream_body_gets_the_binary_string_schema() {
        let (body, _) = normalized(json!({"content": {"application/octet-stream": {}}}));
        assert_eq!(
            body["content"]["application/octet-stream"]["schema"],
            json!({"type": "string", "format": "binary"})
        );
    }
}
