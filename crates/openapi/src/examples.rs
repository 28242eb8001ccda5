//! A small valid instance of a schema: what the generated conformance test sends for each
//! parameter and body (so every client call reaches its endpoint instead of failing to parse),
//! and what a probe server answers with (so a client's decoding of each documented response is
//! tested).
//!
//! The spec's own `example` or `default` is taken when it fits what the generated types check
//! (a constrained string's `pattern` and lengths); otherwise a value is made from the schema.

use serde_json::{Map, Value, json};

use crate::patterns;
use crate::resolve;

/// How deep to follow nested required objects before giving up on a recursive schema.
const MAX_DEPTH: usize = 16;

/// No string was found for a `pattern` (and length bounds) of the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoExample {
    /// The pattern.
    pub pattern: String,
}

/// A small instance of `schema`, with `$ref`s resolved against `document`.
pub fn example_instance(document: &Value, schema: &Value) -> Result<Value, NoExample> {
    instance(document, schema, 0)
}

/// Whether `value` passes the checks the generated type of `schema` makes when decoding it: a
/// string's `pattern` and lengths (typify's newtypes check those, not numeric bounds).
pub fn fits(document: &Value, schema: &Value, value: &Value) -> bool {
    let schema = resolve::through_aliases(document, schema);
    let (Some(object), Some(text)) = (schema.as_object(), value.as_str()) else {
        return true;
    };
    let length = text.chars().count() as u64;
    let (min, max) = length_bounds(object);
    let pattern_ok = match object.get("pattern").and_then(Value::as_str) {
        Some(pattern) => regress::Regex::new(pattern).is_ok_and(|regex| regex.find(text).is_some()),
        None => true,
    };
    pattern_ok && (min..=max).contains(&length)
}

fn length_bounds(object: &Map<String, Value>) -> (u64, u64) {
    (
        object.get("minLength").and_then(Value::as_u64).unwrap_or(0),
        object
            .get("maxLength")
            .and_then(Value::as_u64)
            .unwrap_or(u64::MAX),
    )
}

fn instance(document: &Value, schema: &Value, depth: usize) -> Result<Value, NoExample> {
    let Some(object) = schema.as_object() else {
        return Ok(Value::Null);
    };
    if depth > MAX_DEPTH {
        return Ok(Value::Null);
    }
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        let target = resolve::target(document, reference).unwrap_or(&Value::Null);
        return instance(document, target, depth + 1);
    }
    for key in ["example", "default"] {
        if let Some(value) = object
            .get(key)
            .filter(|v| !v.is_null() && fits(document, schema, v))
        {
            return Ok(value.clone());
        }
    }
    if let Some(first) = object
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|values| values.first())
    {
        return Ok(first.clone());
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(first) = object
            .get(keyword)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            return instance(document, first, depth + 1);
        }
    }
    if let Some(Value::Array(parts)) = object.get("allOf") {
        let mut merged = Map::new();
        for part in parts {
            match instance(document, part, depth + 1)? {
                Value::Object(fields) => merged.extend(fields),
                other if parts.len() == 1 => return Ok(other),
                _ => {}
            }
        }
        merge_object_keywords(document, object, &mut merged, depth)?;
        return Ok(Value::Object(merged));
    }
    Ok(match object.get("type").and_then(Value::as_str) {
        Some("string") => string_instance(object)?,
        Some("integer") => number_instance(object, true),
        Some("number") => number_instance(object, false),
        Some("boolean") => Value::Bool(false),
        Some("array") => {
            let count = object.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let item = instance(
                document,
                object.get("items").unwrap_or(&Value::Null),
                depth + 1,
            )?;
            Value::Array((0..count).map(|_| item.clone()).collect())
        }
        Some("object") => {
            let mut fields = Map::new();
            merge_object_keywords(document, object, &mut fields, depth)?;
            Value::Object(fields)
        }
        _ if object.contains_key("properties") => {
            let mut fields = Map::new();
            merge_object_keywords(document, object, &mut fields, depth)?;
            Value::Object(fields)
        }
        _ if object.get("nullable") == Some(&Value::Bool(true)) => Value::Null,
        _ => json!({}),
    })
}

/// Adds the required properties of an object schema.
fn merge_object_keywords(
    document: &Value,
    object: &Map<String, Value>,
    fields: &mut Map<String, Value>,
    depth: usize,
) -> Result<(), NoExample> {
    let Some(properties) = object.get("properties").and_then(Value::as_object) else {
        return Ok(());
    };
    let required = object
        .get("required")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for name in required.iter().filter_map(Value::as_str) {
        if let Some(property) = properties.get(name) {
            fields.insert(name.to_owned(), instance(document, property, depth + 1)?);
        }
    }
    Ok(())
}

fn string_instance(object: &Map<String, Value>) -> Result<Value, NoExample> {
    let text = match object
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default()
    {
        "uuid" => "00000000-0000-0000-0000-000000000000".to_owned(),
        "date-time" => "2000-01-01T00:00:00Z".to_owned(),
        "date" => "2000-01-01".to_owned(),
        "time" => "00:00:00".to_owned(),
        "ip" | "ipv4" => "127.0.0.1".to_owned(),
        "ipv6" => "::1".to_owned(),
        "uri" | "url" => "http://localhost/".to_owned(),
        "email" => "someone@example.com".to_owned(),
        "hostname" => "localhost".to_owned(),
        _ => match object.get("pattern").and_then(Value::as_str) {
            Some(pattern) => matching_string(pattern, object).ok_or_else(|| NoExample {
                pattern: pattern.to_owned(),
            })?,
            None => {
                let length = object
                    .get("minLength")
                    .and_then(Value::as_u64)
                    .unwrap_or(1)
                    .max(1);
                "x".repeat(usize::try_from(length).unwrap_or(1))
            }
        },
    };
    Ok(Value::String(text))
}

/// Strings that match many real-world patterns (names, slugs, codes, versions, hashes), for
/// patterns [`patterns::matching_string`] cannot walk (look-arounds, back-references).
const PATTERN_CANDIDATES: &[&str] = &[
    "x",
    "abc",
    "a1",
    "abc-def",
    "abc123",
    "ABC",
    "Abc",
    "a",
    "0",
    "1",
    "00",
    "v1",
    "1.0.0",
    "2000-01-01",
    "00:00:00",
    "abc.def",
    "abc_def",
    "ab",
    "aa",
    "AAA",
    "x-1",
    "abc def",
    "0a",
    "ff",
    "deadbeef",
    "00000000-0000-0000-0000-000000000000",
    "a@b.c",
    "http://localhost/",
    "127.0.0.1",
    "/",
    "+1",
];

/// A string matching `pattern` (ECMA-262, as typify checks it) and the schema's length bounds:
/// one made from the pattern, else the first candidate that matches.
fn matching_string(pattern: &str, object: &Map<String, Value>) -> Option<String> {
    let (min, max) = length_bounds(object);
    if let Some(text) = patterns::matching_string(pattern, min, max) {
        return Some(text);
    }
    let regex = regress::Regex::new(pattern).ok()?;
    PATTERN_CANDIDATES
        .iter()
        .find(|candidate| {
            let length = candidate.chars().count() as u64;
            (min..=max).contains(&length) && regex.find(candidate).is_some()
        })
        .map(|candidate| (*candidate).to_owned())
}

fn number_instance(object: &Map<String, Value>, integer: bool) -> Value {
    let minimum = object.get("minimum").and_then(Value::as_f64);
    let exclusive = object.get("exclusiveMinimum") == Some(&Value::Bool(true));
    let mut value = minimum.unwrap_or(0.0);
    if exclusive {
        value += 1.0;
    }
    if let Some(maximum) = object.get("maximum").and_then(Value::as_f64)
        && value > maximum
    {
        value = maximum;
    }
    if integer {
        // Saturating cast: a JSON integer bound beyond i64 is not a realistic parameter.
        json!(value.ceil() as i64)
    } else {
        json!(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_properties_get_instances_of_their_formats() {
        let document = json!({"components": {"schemas": {"Pet": {
            "type": "object", "required": ["id", "born", "kind"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "born": {"type": "string", "format": "date"},
                "kind": {"type": "string", "enum": ["cat", "dog"]},
                "name": {"type": "string"}
            }
        }}}});
        let pet = example_instance(&document, &json!({"$ref": "#/components/schemas/Pet"}))
            .expect("an example");
        assert_eq!(
            pet,
            json!({"id": "00000000-0000-0000-0000-000000000000", "born": "2000-01-01", "kind": "cat"})
        );
    }

    #[test]
    fn patterned_strings_get_a_matching_example() {
        let name =
            json!({"type": "string", "pattern": "^[a-z][a-z0-9-]*[a-zA-Z0-9]$", "maxLength": 63});
        assert_eq!(example_instance(&Value::Null, &name), Ok(json!("aa")));
    }

    #[test]
    fn numbers_respect_their_bounds() {
        assert_eq!(
            example_instance(&Value::Null, &json!({"type": "integer", "minimum": 5})),
            Ok(json!(5))
        );
        assert_eq!(
            example_instance(
                &Value::Null,
                &json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})
            ),
            Ok(json!(1))
        );
    }

    #[test]
    fn recursive_schemas_terminate() {
        let document = json!({"components": {"schemas": {"Node": {
            "type": "object", "required": ["next"], "properties": {"next": {"$ref": "#/components/schemas/Node"}}
        }}}});
        let node = example_instance(&document, &json!({"$ref": "#/components/schemas/Node"}));
        assert!(node.is_ok_and(|node| node.is_object()));
    }

    #[test]
    fn an_example_that_misses_the_pattern_is_not_used() {
        let code = json!({"type": "string", "pattern": "^[A-Z]{2}$", "example": "abc"});
        assert_eq!(example_instance(&Value::Null, &code), Ok(json!("AA")));
    }

    #[test]
    fn a_pattern_no_string_is_found_for_is_reported() {
        let impossible = json!({"type": "string", "pattern": "^(?=a)b$"});
        assert_eq!(
            example_instance(&Value::Null, &impossible),
            Err(NoExample {
                pattern: "^(?=a)b$".to_owned()
            })
        );
    }
}
