//! Gold labels as the server stores them: validated against the spec's own `RunGoldLabel`
//! schema, and rendered once, at import, into the exact JSON the API serves.
//!
//! Values round-trip as imported: `object_value` keeps its JSON text (big numbers, key order,
//! unicode), `null` stays `null` and absent stays absent. Only the properties the schema gives a
//! format are normalized, by that format: `date-time` to RFC 3339 in UTC, `uuid` to the
//! lowercase hyphenated form. So a property added to the spec is handled by codegen alone.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, Datelike as _, SecondsFormat, Utc};
use refactor_types::RunGoldLabel;
use serde_json::Value;
use serde_json::value::RawValue;
use uuid::Uuid;

/// A record's top-level properties as their JSON text, exactly as written. A property written
/// twice is refused: which of the two a reader keeps is up to the reader.
struct RawFields(HashMap<String, Box<RawValue>>);

impl<'de> serde::Deserialize<'de> for RawFields {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = RawFields;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a label object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawFields, A::Error> {
                let mut fields = HashMap::new();
                while let Some((name, value)) = map.next_entry::<String, Box<RawValue>>()? {
                    if fields.contains_key(&name) {
                        return Err(serde::de::Error::custom(format!(
                            "property {name:?} appears twice"
                        )));
                    }
                    fields.insert(name, value);
                }
                Ok(RawFields(fields))
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

/// The formats a label property is normalized by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `format: date-time`: served in RFC 3339, in UTC.
    DateTime,
    /// `format: uuid`: served lowercase and hyphenated.
    Uuid,
    /// Anything else: served as written (minified).
    AsWritten,
}

/// The spec's `RunGoldLabel` schema: its properties in order with their formats, and a
/// validator.
pub struct LabelSchema {
    properties: Vec<(String, Format)>,
    validator: jsonschema::Validator,
}

/// The schema of the spec this server was generated from (`refactor_types::OPENAPI_DOCUMENT`).
pub static LABEL_SCHEMA: LazyLock<LabelSchema> = LazyLock::new(|| {
    LabelSchema::from_document(refactor_types::OPENAPI_DOCUMENT)
        .unwrap_or_else(|error| panic!("the embedded spec must describe RunGoldLabel: {error}"))
});

impl LabelSchema {
    fn from_document(json: &str) -> Result<Self, String> {
        let document: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let schema = document
            .pointer("/components/schemas/RunGoldLabel")
            .ok_or("no RunGoldLabel component")?;
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .ok_or("RunGoldLabel has no properties")?
            .iter()
            .map(|(name, property)| (name.clone(), format_of(&document, property)))
            .collect();
        let validator_schema = import_schema(&document);
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&validator_schema)
            .map_err(|e| e.to_string())?;
        Ok(Self {
            properties,
            validator,
        })
    }
}

/// The format of a property's schema, through `$ref`s and one-schema wrappers (`allOf: [X]`, a
/// nullable `anyOf`/`oneOf` of `X` and `{type: "null"}`).
fn format_of(document: &Value, schema: &Value) -> Format {
    let mut schema = schema;
    // Bounded: a reference cycle without a format has none.
    for _ in 0..16 {
        if let Some(pointer) = schema.get("$ref").and_then(Value::as_str) {
            match pointer.strip_prefix('#').and_then(|p| document.pointer(p)) {
                Some(target) => schema = target,
                None => return Format::AsWritten,
            }
            continue;
        }
        let wrapped = ["allOf", "anyOf", "oneOf"].iter().find_map(|keyword| {
            let alternatives: Vec<&Value> = schema
                .get(*keyword)?
                .as_array()?
                .iter()
                .filter(|alternative| alternative.get("type") != Some(&Value::from("null")))
                .collect();
            match alternatives.as_slice() {
                [only] => Some(*only),
                _ => None,
            }
        });
        if let Some(inner) = wrapped {
            schema = inner;
            continue;
        }
        break;
    }
    match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => Format::DateTime,
        Some("uuid") => Format::Uuid,
        _ => Format::AsWritten,
    }
}

/// The JSON Schema of `RunGoldLabel`, unknown properties refused so a typo is not lost silently.
fn import_schema(document: &Value) -> Value {
    let mut schema = refactor_openapi::json_schema::component_schema(document, "RunGoldLabel")
        .unwrap_or(Value::Bool(false));
    if let Some(label) = schema.pointer_mut("/components/schemas/RunGoldLabel")
        && let Some(label) = label.as_object_mut()
    {
        label.insert("additionalProperties".to_owned(), Value::Bool(false));
    }
    schema
}

/// A label ready to store: the columns that select and order it, and the JSON to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLabel {
    /// The label's id.
    pub id: Uuid,
    /// The run it belongs to.
    pub run_id: Uuid,
    /// The account that owns it.
    pub account_id: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The label as the API serves it.
    pub body: String,
}

/// Why a record is not a valid label; `field` is a JSON pointer into the record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct LabelError {
    /// Where in the record (`/created_at`, or `/` for the record itself).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl LabelError {
    pub(crate) fn at(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Validates one record of an import (its JSON text) against the spec's schema and renders the
/// label to store.
pub fn stored_label(record: &RawValue) -> Result<StoredLabel, LabelError> {
    LABEL_SCHEMA.stored_label(record)
}

impl LabelSchema {
    /// Validates one record of an import (its JSON text) and renders the label to store.
    fn stored_label(&self, record: &RawValue) -> Result<StoredLabel, LabelError> {
        let schema = self;
        let value: Value =
            serde_json::from_str(record.get()).map_err(|error| unreadable(record, &error))?;
        if let Some(error) = schema.validator.iter_errors(&value).next() {
            let field = error.instance_path().to_string();
            let field = if field.is_empty() {
                "/".to_owned()
            } else {
                field
            };
            return Err(LabelError::at(&field, error.to_string()));
        }
        // The validator has checked types and formats; these reads cannot fail on a valid record.
        let fields: serde_json::Map<String, Value> = match value {
            Value::Object(fields) => fields,
            _ => return Err(LabelError::at("/", "a label must be an object")),
        };
        let raw_fields: RawFields =
            serde_json::from_str(record.get()).map_err(|e| LabelError::at("/", e.to_string()))?;
        let id = uuid_field(&fields, "id")?;
        let run_id = uuid_field(&fields, "run_id")?;
        let account_id = fields
            .get("account_id")
            .and_then(Value::as_str)
            .ok_or_else(|| LabelError::at("/account_id", "required"))?
            .to_owned();
        let created_at = timestamp_field(&fields, "created_at")?
            .ok_or_else(|| LabelError::at("/created_at", "required"))?;

        let mut body = String::with_capacity(record.get().len());
        body.push('{');
        for (name, format) in &schema.properties {
            let Some(raw) = raw_fields.0.get(name) else {
                continue;
            };
            if body.len() > 1 {
                body.push(',');
            }
            body.push_str(
                &serde_json::to_string(name).map_err(|e| LabelError::at("/", e.to_string()))?,
            );
            body.push(':');
            let rendered = match (format, fields.get(name)) {
                (Format::DateTime, Some(Value::String(text))) => {
                    let at = parse_timestamp(name, text)?;
                    format!("\"{}\"", at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
                }
                (Format::Uuid, Some(Value::String(text))) => {
                    format!("\"{}\"", hyphenated_uuid(name, text)?)
                }
                _ => minified(raw.get()),
            };
            body.push_str(&rendered);
        }
        body.push('}');
        readable_in_a_response(&body, &fields)?;
        Ok(StoredLabel {
            id,
            run_id,
            account_id,
            created_at,
            body,
        })
    }
}

/// The API serves labels inside an array, which the generated client must decode: a label it
/// could not read there (serde_json stops at 128 levels, and the types' decoders use some) would
/// make its whole run unreadable. Refused here, naming the field that nests too deeply.
fn readable_in_a_response(
    body: &str,
    fields: &serde_json::Map<String, Value>,
) -> Result<(), LabelError> {
    let error = match serde_json::from_str::<Vec<RunGoldLabel>>(&format!("[{body}]")) {
        Ok(_) => return Ok(()),
        Err(error) => error,
    };
    if !error.to_string().contains("recursion limit") {
        return Err(LabelError::at(
            "/",
            format!("the API's types cannot decode this label: {error}"),
        ));
    }
    let deepest = fields
        .iter()
        .max_by_key(|(_, value)| depth(value))
        .map_or_else(|| "/".to_owned(), |(name, _)| format!("/{name}"));
    Err(LabelError::at(
        &deepest,
        "nested too deeply: a response holding this label could not be read (JSON readers \
         such as serde_json stop at 128 levels, and the API wraps labels in an array)",
    ))
}

/// How many arrays and objects deep `value` goes (a scalar is 0).
fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(value, 0)];
    while let Some((value, level)) = pending.pop() {
        match value {
            Value::Array(items) => pending.extend(items.iter().map(|item| (item, level + 1))),
            Value::Object(fields) => pending.extend(fields.values().map(|v| (v, level + 1))),
            _ => continue,
        }
        deepest = deepest.max(level + 1);
    }
    deepest
}

/// Why a record that is well-formed JSON cannot be read as a value (a number beyond f64, too
/// deep), at the field that fails, without the parser's position inside the record (which
/// would read as a line of the file).
fn unreadable(record: &RawValue, error: &serde_json::Error) -> LabelError {
    let fields: std::collections::BTreeMap<String, &RawValue> =
        serde_json::from_str(record.get()).unwrap_or_default();
    let field = fields
        .iter()
        .find(|(_, raw)| serde_json::from_str::<Value>(raw.get()).is_err())
        .map_or_else(|| "/".to_owned(), |(name, _)| format!("/{name}"));
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    LabelError::at(&field, text.strip_suffix(&position).unwrap_or(&text))
}

fn uuid_field(fields: &serde_json::Map<String, Value>, name: &str) -> Result<Uuid, LabelError> {
    let text = fields
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| LabelError::at(&format!("/{name}"), "required"))?;
    hyphenated_uuid(name, text)
}

/// A UUID in the hyphenated form of the spec's `format: uuid` (`Uuid` itself also reads the
/// simple, braced and URN forms).
pub(crate) fn hyphenated_uuid(name: &str, text: &str) -> Result<Uuid, LabelError> {
    let field = format!("/{name}");
    if text.len() != 36 {
        return Err(LabelError::at(
            &field,
            format!("{text:?} is not a hyphenated UUID (8-4-4-4-12 hex digits)"),
        ));
    }
    text.parse()
        .map_err(|e| LabelError::at(&field, format!("{text:?} is not a UUID: {e}")))
}

fn timestamp_field(
    fields: &serde_json::Map<String, Value>,
    name: &str,
) -> Result<Option<DateTime<Utc>>, LabelError> {
    match fields.get(name) {
        Some(Value::String(text)) => parse_timestamp(name, text).map(Some),
        _ => Ok(None),
    }
}

/// A date-time as stored and served: in UTC, which must keep it within the four-digit years
/// RFC 3339 can write (`0000-01-01T00:00:00+00:01` is 31 December of year -1 in UTC).
fn parse_timestamp(name: &str, text: &str) -> Result<DateTime<Utc>, LabelError> {
    let at = DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|e| {
            LabelError::at(
                &format!("/{name}"),
                format!("{text:?} is not an RFC 3339 date-time: {e}"),
            )
        })?;
    if !(0..=9999).contains(&at.year()) {
        return Err(LabelError::at(
            &format!("/{name}"),
            format!(
                "{text:?} falls outside the years 0000 to 9999 in UTC, where it is served, and \
                 RFC 3339 cannot write it there"
            ),
        ));
    }
    Ok(at)
}

/// JSON text without the whitespace between tokens; strings are copied untouched.
pub fn minified(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn raw(value: &str) -> Box<RawValue> {
        RawValue::from_string(value.to_owned()).expect("valid JSON")
    }

    fn label(extra: &str) -> String {
        format!(
            r#"{{"id":"6F9619FF-8B86-D011-B42D-00CF4FC964FF","account_id":"acme","run_id":"00000000-0000-0000-0000-0000000000a1","output_resource_name":"out","created_at":"2026-01-01T01:00:00.5+01:00"{extra}}}"#
        )
    }

    #[test]
    fn a_label_is_rendered_in_spec_order_with_normalized_ids_and_timestamps() {
        let stored = stored_label(&raw(&label(r#","text_value":null"#))).expect("valid");
        assert_eq!(
            stored.body,
            r#"{"id":"6f9619ff-8b86-d011-b42d-00cf4fc964ff","account_id":"acme","run_id":"00000000-0000-0000-0000-0000000000a1","output_resource_name":"out","text_value":null,"created_at":"2026-01-01T00:00:00.500Z"}"#
        );
        assert_eq!(stored.account_id, "acme");
    }

    #[test]
    fn timestamps_that_leave_four_digit_years_in_utc_are_refused() {
        for (created_at, allowed) in [
            ("0000-01-01T00:00:00Z", true),
            ("9999-12-31T23:59:59.999999999Z", true),
            ("0000-01-01T00:00:00+00:01", false),
            ("9999-12-31T23:59:00-00:01", false),
        ] {
            let text = label("").replace("2026-01-01T01:00:00.5+01:00", created_at);
            let stored = stored_label(&raw(&text));
            assert_eq!(stored.is_ok(), allowed, "{created_at}: {stored:?}");
            if let Err(error) = stored {
                assert_eq!(error.field, "/created_at");
            }
        }
    }

    #[test]
    fn a_label_too_deep_to_serve_in_an_array_is_refused_at_its_field() {
        let nested = |levels: usize| format!("{}1{}", "[".repeat(levels), "]".repeat(levels));
        let readable = (1..200)
            .map(|levels| label(&format!(r#","object_value":{{"a":{}}}"#, nested(levels))))
            .take_while(|text| stored_label(&raw(text)).is_ok())
            .last()
            .expect("a shallow label is accepted");
        let response = format!("[{}]", stored_label(&raw(&readable)).expect("valid").body);
        serde_json::from_str::<Vec<RunGoldLabel>>(&response)
            .expect("the deepest accepted label decodes in a response");
        let too_deep = readable
            .replacen(r#""a":"#, r#""a":["#, 1)
            .replacen('}', "]}", 1);
        let error = stored_label(&raw(&too_deep)).expect_err("one level deeper is refused");
        assert_eq!(error.field, "/object_value", "{error}");
    }

    #[test]
    fn a_number_beyond_f64_is_refused_at_its_field_without_a_record_position() {
        let text = label(",\n\n  \"object_value\": {\"x\": 1e400}");
        let error = stored_label(&raw(&text)).expect_err("1e400");
        assert_eq!(error.field, "/object_value");
        assert_eq!(error.message, "number out of range");
    }

    #[test]
    fn object_values_keep_their_exact_json() {
        let object =
            r#"{"big": 123456789012345678901234567890, "z": "é", "a": [1.50, {"x": null}]}"#;
        let stored =
            stored_label(&raw(&label(&format!(r#","object_value":{object}"#)))).expect("valid");
        let served: Value = serde_json::from_str(&stored.body).expect("json");
        assert!(stored.body.contains(r#""object_value":{"big":123456789012345678901234567890,"z":"é","a":[1.50,{"x":null}]}"#), "{}", stored.body);
        assert_eq!(served["object_value"]["z"], json!("é"));
    }

    #[test]
    fn a_missing_required_field_names_the_field() {
        let error = stored_label(&raw(r#"{"id":"6f9619ff-8b86-d011-b42d-00cf4fc964ff"}"#))
            .expect_err("invalid");
        assert_eq!(error.field, "/", "{error}");
        assert!(error.message.contains("account_id"), "{error}");
    }

    #[test]
    fn a_bad_format_names_the_field() {
        let error =
            stored_label(&raw(&label(r#","updated_at":"yesterday""#))).expect_err("invalid");
        assert_eq!(error.field, "/updated_at", "{error}");
    }

    #[test]
    fn an_unknown_property_is_refused() {
        let error = stored_label(&raw(&label(r#","text_valeu":"typo""#))).expect_err("invalid");
        assert!(error.message.contains("text_valeu"), "{error}");
    }

    #[test]
    fn a_property_written_twice_is_refused() {
        let error = stored_label(&raw(&label(r#","account_id":"globex""#))).expect_err("invalid");
        assert!(
            error.message.contains("\"account_id\" appears twice"),
            "{error}"
        );
    }

    /// The embedded document with properties added to `RunGoldLabel`, as a spec change would.
    fn schema_with(properties: Value) -> LabelSchema {
        let mut document: Value =
            serde_json::from_str(refactor_types::OPENAPI_DOCUMENT).expect("the document");
        let label = document
            .pointer_mut("/components/schemas/RunGoldLabel/properties")
            .and_then(Value::as_object_mut)
            .expect("RunGoldLabel's properties");
        for (name, schema) in properties.as_object().expect("an object") {
            label.insert(name.clone(), schema.clone());
        }
        LabelSchema::from_document(&document.to_string()).expect("a schema")
    }

    #[test]
    fn properties_are_normalized_by_their_format_not_their_name() {
        let schema = schema_with(json!({
            "reviewed_at": {"type": "string", "format": "date-time"},
            "reviewer_id": {"type": "string", "format": "uuid", "nullable": true},
            "due": {"allOf": [{"type": "string", "format": "date-time"}]},
            "updated_on": {"type": "string"},
        }));
        let text = label(
            r#","reviewed_at":"2026-01-01T01:00:00+01:00","reviewer_id":"6F9619FF-8B86-D011-B42D-00CF4FC964FF","due":"2026-03-01T00:00:00.000-02:00","updated_on":"2026-01-01T01:00:00+01:00""#,
        );
        let stored = schema.stored_label(&raw(&text)).expect("valid");
        for expected in [
            r#""reviewed_at":"2026-01-01T00:00:00Z""#,
            r#""reviewer_id":"6f9619ff-8b86-d011-b42d-00cf4fc964ff""#,
            r#""due":"2026-03-01T02:00:00Z""#,
            // No format: served as written, whatever its name suggests.
            r#""updated_on":"2026-01-01T01:00:00+01:00""#,
        ] {
            assert!(
                stored.body.contains(expected),
                "{expected} in {}",
                stored.body
            );
        }
    }

    #[test]
    fn a_property_with_a_format_is_refused_in_another_form_at_its_field() {
        let schema = schema_with(json!({"reviewed_at": {"type": "string", "format": "date-time"}}));
        let error = schema
            .stored_label(&raw(&label(r#","reviewed_at":"next tuesday""#)))
            .expect_err("not a date-time");
        assert_eq!(error.field, "/reviewed_at", "{error}");
    }

    #[test]
    fn minify_keeps_whitespace_inside_strings() {
        assert_eq!(
            minified("{ \"a b\" : [ 1 , \"c\\\" d\" ] }"),
            r#"{"a b":[1,"c\" d"]}"#
        );
    }
}
