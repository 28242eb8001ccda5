//! How the comparison lines up two schemas that say the same thing in different words: each
//! function here is the action of one alignment rule of [`super::rules::RULES`], which the walk
//! runs from the table, in the table's order.

use serde_json::{Map, Value};

use crate::naming::type_name;

/// The two schemas about to be compared, in the documents they come from. An alignment rule
/// rewrites `expected` (the spec's) and `actual` (the implementation's) into the forms that are
/// compared keyword by keyword.
#[derive(Debug)]
pub struct Pair<'a> {
    /// The normalized spec.
    pub spec: &'a Value,
    /// The implementation's document.
    pub implementation: &'a Value,
    /// The spec's schema.
    pub expected: Value,
    /// The implementation's schema.
    pub actual: Value,
}

/// Rule single-allof-wrapper: `{allOf: [X], ...}` (or a one-alternative `anyOf`/`oneOf`) is X
/// with the siblings.
pub(super) fn unwrap_single_alternative(pair: &mut Pair<'_>) {
    pair.expected = unwrap_single(&pair.expected);
    pair.actual = unwrap_single(&pair.actual);
}

fn unwrap_single(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    for keyword in ["allOf", "anyOf", "oneOf"] {
        if let Some([only]) = object
            .get(keyword)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            let mut merged = object.clone();
            merged.remove(keyword);
            return with_siblings(only, &Value::Object(merged));
        }
    }
    schema.clone()
}

/// Rule all-of-merged: typify merges an `allOf` of objects into one struct.
pub(super) fn merge_all_of_objects(pair: &mut Pair<'_>) {
    pair.expected = merge_all_of(pair.spec, &pair.expected);
    pair.actual = merge_all_of(pair.implementation, &pair.actual);
}

/// Rule any-of-structs-merged: typify reads an `anyOf` of structs as one struct of optional
/// parts, unless it sees the alternatives exclude each other (then the implementation documents
/// a union, compared alternative by alternative).
pub(super) fn merge_any_of_structs(pair: &mut Pair<'_>) {
    let is_union = |schema: &Value| schema.get("anyOf").is_some() || schema.get("oneOf").is_some();
    if both_inline(pair) && !is_union(&pair.actual) {
        pair.expected = merged_any_of_structs(pair.spec, &pair.expected);
    }
}

/// Rule unions-as-untagged-enums: a `oneOf` and an `anyOf` are one union.
pub(super) fn one_of_as_any_of(pair: &mut Pair<'_>) {
    for schema in [&mut pair.expected, &mut pair.actual] {
        if let Some(object) = schema.as_object_mut()
            && let Some(alternatives) = object.remove("oneOf")
        {
            object.insert("anyOf".to_owned(), alternatives);
        }
    }
}

/// Rule implied-types: an enum of strings is a string, a schema with properties an object, and
/// JSON Schema's `type: "null"` is OpenAPI 3.0's `enum: [null]` (how dropshot writes `()`).
pub(super) fn imply_types(pair: &mut Pair<'_>) {
    for schema in [&mut pair.expected, &mut pair.actual] {
        if let Some(object) = schema.as_object_mut()
            && object.get("type").and_then(Value::as_str) == Some("null")
        {
            object.insert("type".to_owned(), Value::String("string".to_owned()));
            object.insert("enum".to_owned(), Value::Array(vec![Value::Null]));
        }
        if let Some(object) = schema.as_object_mut()
            && reference_name_of(object).is_none()
            && !object.contains_key("type")
            && let Some(implied) = implied_type(object)
        {
            object.insert("type".to_owned(), implied);
        }
    }
}

/// Rule component-names-as-rust-types: the implementation's component for the spec's `name`,
/// under the Rust name typify gives it; a component that only wraps another reference is that
/// reference's type.
pub(super) fn rust_component_name(spec: &Value, name: &str) -> String {
    type_name(&wrapped_reference(spec, name))
}

/// Rule error-statuses-as-ranges: the implementation's responses a spec response may be
/// documented under: itself, or for an error the range that covers it.
pub(super) fn statuses_with_ranges(status: &str, error_response: bool) -> Vec<String> {
    if !error_response {
        return vec![status.to_owned()];
    }
    let range = match status.chars().next() {
        Some('5') => "5XX",
        _ => "4XX",
    };
    vec![status.to_owned(), range.to_owned()]
}

/// Rule media-types-by-kind: JSON media types compare as `application/json` with their schema,
/// everything else as bytes.
pub(super) fn media_kind(media_type: &str) -> (&'static str, bool) {
    if crate::normalize::is_json_media_type(media_type) {
        ("application/json", true)
    } else {
        ("application/octet-stream", false)
    }
}

/// Neither side is a reference: the rules that read a schema's own keywords apply once both
/// references are resolved (the walk resolves them and compares again).
fn both_inline(pair: &Pair<'_>) -> bool {
    reference_name(&pair.expected).is_none() && reference_name(&pair.actual).is_none()
}

/// A schema typify turns into a transparent newtype, which schemars documents inline: anything
/// but a struct (an object with properties), a union of several alternatives, or an enum.
pub(super) fn is_alias(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else {
        return false;
    };
    let is_struct = object
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    let is_union = ["oneOf", "anyOf", "allOf"].iter().any(|k| {
        object
            .get(*k)
            .and_then(Value::as_array)
            .is_some_and(|a| a.len() > 1)
    });
    let is_enum = object
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|values| values.iter().any(|v| !v.is_null()));
    !is_struct && !is_union && !is_enum
}

/// The type a schema's other keywords imply.
fn implied_type(schema: &Map<String, Value>) -> Option<Value> {
    // An enum of strings is a string; `enum: [null]` is how dropshot writes `()`, as a string.
    if let Some(Value::Array(values)) = schema.get("enum")
        && !values.is_empty()
        && values.iter().all(|v| v.is_string() || v.is_null())
    {
        return Some(Value::String("string".to_owned()));
    }
    schema
        .contains_key("properties")
        .then(|| Value::String("object".to_owned()))
}

/// The component schema `name` of `document`.
pub(super) fn component<'a>(document: &'a Value, name: &str) -> Option<&'a Value> {
    document.get("components")?.get("schemas")?.get(name)
}

/// The component a `$ref` names, if the schema is a reference.
pub(super) fn reference_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

fn reference_name_of(schema: &Map<String, Value>) -> Option<&str> {
    schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

/// `allOf` of object schemas (references resolved) as one object schema: properties and
/// `required` united, the siblings kept. Anything else is returned as it is.
fn merge_all_of(document: &Value, schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    let Some(Value::Array(parts)) = object.get("allOf") else {
        return schema.clone();
    };
    let resolved: Vec<Value> = parts
        .iter()
        .map(|part| {
            let part = match reference_name(part).and_then(|name| component(document, name)) {
                Some(target) => target.clone(),
                None => part.clone(),
            };
            merge_all_of(document, &part)
        })
        .collect();
    let is_object = |part: &Value| {
        part.get("properties").is_some()
            || part.get("type").and_then(Value::as_str) == Some("object")
    };
    if resolved.len() < 2 || !resolved.iter().all(is_object) {
        return schema.clone();
    }
    let mut merged = object.clone();
    merged.remove("allOf");
    merged.insert("type".to_owned(), Value::String("object".to_owned()));
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    for part in &resolved {
        if let Some(Value::Object(part_properties)) = part.get("properties") {
            properties.extend(part_properties.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        for name in part
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !required.contains(name) {
                required.push(name.clone());
            }
        }
    }
    merged.insert("properties".to_owned(), Value::Object(properties));
    if !required.is_empty() {
        merged.insert("required".to_owned(), Value::Array(required));
    }
    Value::Object(merged)
}

/// The component a wrapper component (`anyOf`/`oneOf`/`allOf` of one reference, nothing else
/// but annotations) stands for, followed to the end; `name` itself otherwise.
fn wrapped_reference(document: &Value, name: &str) -> String {
    let mut current = name.to_owned();
    for _ in 0..8 {
        let Some(object) = component(document, &current).and_then(Value::as_object) else {
            break;
        };
        let wrapped = ["anyOf", "oneOf", "allOf"].iter().find_map(|keyword| {
            match object.get(*keyword)?.as_array()?.as_slice() {
                [only] => reference_name(only).map(str::to_owned),
                _ => None,
            }
        });
        let only_annotations = object.keys().all(|k| {
            matches!(
                k.as_str(),
                "anyOf" | "oneOf" | "allOf" | "description" | "title" | "example"
            )
        });
        match wrapped {
            Some(inner) if only_annotations => current = inner,
            _ => break,
        }
    }
    current
}

/// `anyOf` of structs with distinct properties as one object whose properties are all
/// theirs, none required (how typify's struct of optional flattened parts reads).
fn merged_any_of_structs(document: &Value, schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    let Some(Value::Array(parts)) = object.get("anyOf") else {
        return schema.clone();
    };
    let mut properties = Map::new();
    for part in parts {
        let part = match reference_name(part).and_then(|name| component(document, name)) {
            Some(target) => merge_all_of(document, target),
            None => part.clone(),
        };
        let Some(Value::Object(part_properties)) = part.get("properties") else {
            return schema.clone();
        };
        for (name, property) in part_properties {
            if properties.insert(name.clone(), property.clone()).is_some() {
                return schema.clone();
            }
        }
    }
    let mut merged = object.clone();
    merged.remove("anyOf");
    merged.insert("type".to_owned(), Value::String("object".to_owned()));
    merged.insert("properties".to_owned(), Value::Object(properties));
    Value::Object(merged)
}

/// `base` with the keywords of `wrapper` other than `$ref` laid over it.
pub(super) fn with_siblings(base: &Value, wrapper: &Value) -> Value {
    let mut merged = base.as_object().cloned().unwrap_or_default();
    // Beside a `$ref`, OpenAPI 3.0 ignores other keywords; annotations there document the
    // reference, not the schema, and are not compared.
    let beside_reference = wrapper.get("$ref").is_some();
    if let Some(wrapper) = wrapper.as_object() {
        for (key, value) in wrapper {
            let annotation = matches!(key.as_str(), "description" | "title" | "example");
            if key != "$ref" && !(beside_reference && annotation) {
                merged.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(merged)
}
