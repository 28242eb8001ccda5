//! Comparing two schemas keyword by keyword, following `$ref`s on either side.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::difference::{Difference, Place, Segment};
use super::rules::Facts;
use crate::naming::type_name;

/// Keywords compared by value when either side has them.
const VALUE_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "default",
    "readOnly",
    "writeOnly",
    "title",
    "example",
];

/// Walks schema pairs; collects differences with their facts.
pub(super) struct SchemaWalk<'a> {
    spec: &'a Value,
    implementation: &'a Value,
    /// Component pairs already compared (by spec name), so recursive types terminate.
    compared: BTreeSet<String>,
    /// Implementation components reached through a `$ref`.
    pub reached_implementation: BTreeSet<String>,
    /// What was found.
    pub differences: Vec<(Difference, Facts)>,
}

impl<'a> SchemaWalk<'a> {
    pub(super) fn new(spec: &'a Value, implementation: &'a Value) -> Self {
        Self {
            spec,
            implementation,
            compared: BTreeSet::new(),
            reached_implementation: BTreeSet::new(),
            differences: Vec::new(),
        }
    }

    pub(super) fn report(
        &mut self,
        place: Place,
        expected: Option<&Value>,
        actual: Option<&Value>,
        facts: Facts,
    ) {
        self.differences.push((
            Difference {
                place,
                expected: expected.cloned(),
                actual: actual.cloned(),
            },
            facts,
        ));
    }

    /// Compares the spec's component `name` with the implementation's component of the same Rust
    /// name, once.
    pub(super) fn compare_component(&mut self, name: &str, facts: Facts) {
        if !self.compared.insert(name.to_owned()) {
            return;
        }
        let place = Place::default().then(Segment::Component(name.to_owned()));
        let rust_name = type_name(name);
        let expected = component(self.spec, name);
        let actual = component(self.implementation, &rust_name);
        self.reached_implementation.insert(rust_name);
        let facts = Facts {
            alias_component: expected.is_some_and(is_alias),
            ..facts
        };
        match (expected, actual) {
            (Some(expected), Some(actual)) => self.compare(&place, expected, actual, facts),
            (expected, actual) => self.report(place, expected, actual, facts),
        }
    }

    /// Compares two schemas at `place`.
    pub(super) fn compare(
        &mut self,
        place: &Place,
        expected: &Value,
        actual: &Value,
        facts: Facts,
    ) {
        // Rule single-allof-wrapper: `{allOf: [X], ...}` is X with the siblings.
        let expected = unwrap_single_all_of(expected);
        let actual = unwrap_single_all_of(actual);
        // Rule all-of-merged: typify merges an `allOf` of objects into one struct.
        let expected = merge_all_of(self.spec, &expected);
        let actual = merge_all_of(self.implementation, &actual);
        let expected_ref = reference_name(&expected);
        let actual_ref = reference_name(&actual);
        match (expected_ref, actual_ref) {
            (Some(expected_name), Some(actual_name)) => {
                // Rule component-names-as-rust-types; a component that only wraps another
                // reference is that reference's type.
                let expected_name = &wrapped_reference(self.spec, expected_name);
                if type_name(expected_name) != actual_name {
                    self.report(
                        place.then(Segment::Keyword("$ref".into())),
                        Some(&Value::String(expected_name.to_owned())),
                        Some(&Value::String(actual_name.to_owned())),
                        facts,
                    );
                } else {
                    self.compare_component(expected_name, Facts::default());
                }
                self.compare_nullable(place, &expected, &actual, facts);
                return;
            }
            (Some(expected_name), None) => {
                if let Some(resolved) = component(self.spec, expected_name) {
                    let mut merged = with_siblings(resolved, &expected);
                    // Rule aliases-inline: a transparent newtype's schema is its inner type's,
                    // without the newtype's documentation.
                    if is_alias(resolved)
                        && let Some(merged) = merged.as_object_mut()
                    {
                        merged.remove("description");
                    }
                    self.compare(place, &merged, &actual, facts);
                } else {
                    self.report(
                        place.then(Segment::Keyword("$ref".into())),
                        expected.get("$ref"),
                        None,
                        facts,
                    );
                }
                return;
            }
            (None, Some(actual_name)) => {
                if let Some(resolved) = component(self.implementation, actual_name) {
                    self.reached_implementation.insert(actual_name.to_owned());
                    let merged = with_siblings(resolved, &actual);
                    self.compare(place, &expected, &merged, facts);
                } else {
                    self.report(
                        place.then(Segment::Keyword("$ref".into())),
                        None,
                        actual.get("$ref"),
                        facts,
                    );
                }
                return;
            }
            (None, None) => {}
        }
        // Rule any-of-structs-merged: typify reads an `anyOf` of structs as one struct of optional
        // parts, unless it sees the alternatives exclude each other (then it is a union).
        let is_union =
            |schema: &Value| schema.get("anyOf").is_some() || schema.get("oneOf").is_some();
        let expected = if is_union(&actual) {
            expected
        } else {
            merge_any_of_structs(self.spec, &expected)
        };
        let (Some(expected), Some(actual)) = (expected.as_object(), actual.as_object()) else {
            if expected != actual {
                self.report(place.clone(), Some(&expected), Some(&actual), facts);
            }
            return;
        };
        // Rule implied-types: an enum of strings is a string, a schema with properties an object.
        let (expected_type, actual_type) = (implied_type(expected), implied_type(actual));
        if expected_type != actual_type {
            self.report(
                place.then(Segment::Keyword("type".into())),
                expected_type.as_ref(),
                actual_type.as_ref(),
                facts,
            );
        }
        for keyword in VALUE_KEYWORDS.iter().filter(|k| **k != "type") {
            let (e, a) = (expected.get(*keyword), actual.get(*keyword));
            if !same_value(e, a) {
                self.report(place.then(Segment::Keyword((*keyword).into())), e, a, facts);
            }
        }
        self.compare_text(place, "description", expected, actual, facts);
        self.compare_nullable(
            place,
            &Value::Object(expected.clone()),
            &Value::Object(actual.clone()),
            facts,
        );
        self.compare_sets(place, "enum", expected, actual, facts);
        // Rule required-nullable-as-option: a required nullable property need not be required.
        let mut expected_required = expected.clone();
        if let Some(Value::Array(required)) = expected_required.get_mut("required") {
            let actual_required = actual.get("required").and_then(Value::as_array);
            let properties = expected.get("properties").and_then(Value::as_object);
            required.retain(|name| {
                let nullable = name
                    .as_str()
                    .and_then(|n| properties?.get(n))
                    .is_some_and(|p| p.get("nullable") == Some(&Value::Bool(true)));
                !nullable || actual_required.is_some_and(|a| a.contains(name))
            });
        }
        self.compare_sets(place, "required", &expected_required, actual, facts);
        self.compare_properties(place, expected, actual, facts);
        match (expected.get("items"), actual.get("items")) {
            (Some(e), Some(a)) => self.compare(&place.then(Segment::Items), e, a, facts),
            (None, None) => {}
            (e, a) => self.report(place.then(Segment::Items), e, a, facts),
        }
        self.compare_additional_properties(place, expected, actual, facts);
        self.compare_alternatives(place, "allOf", expected, actual, facts);
        // Rule unions-as-untagged-enums: a `oneOf` and an `anyOf` are one union.
        let union = |schema: &Map<String, Value>| {
            let mut union = schema.clone();
            if let Some(alternatives) = union.remove("oneOf") {
                union.insert("anyOf".to_owned(), alternatives);
            }
            union
        };
        self.compare_alternatives(place, "anyOf", &union(expected), &union(actual), facts);
        if let (Some(e), Some(a)) = (expected.get("not"), actual.get("not")) {
            self.compare(&place.then(Segment::Keyword("not".into())), e, a, facts);
        } else if expected.contains_key("not") || actual.contains_key("not") {
            self.report(
                place.then(Segment::Keyword("not".into())),
                expected.get("not"),
                actual.get("not"),
                facts,
            );
        }
    }

    fn compare_nullable(&mut self, place: &Place, expected: &Value, actual: &Value, facts: Facts) {
        let nullable = |schema: &Value| schema.get("nullable") == Some(&Value::Bool(true));
        if nullable(expected) != nullable(actual) {
            self.report(
                place.then(Segment::Keyword("nullable".into())),
                expected.get("nullable"),
                actual.get("nullable"),
                facts,
            );
        }
    }

    fn compare_text(
        &mut self,
        place: &Place,
        keyword: &str,
        expected: &Map<String, Value>,
        actual: &Map<String, Value>,
        facts: Facts,
    ) {
        let text = |map: &Map<String, Value>| {
            map.get(keyword)
                .and_then(Value::as_str)
                .map(normalize_whitespace)
        };
        if text(expected) != text(actual) {
            self.report(
                place.then(Segment::Keyword(keyword.into())),
                expected.get(keyword),
                actual.get(keyword),
                facts,
            );
        }
    }

    fn compare_sets(
        &mut self,
        place: &Place,
        keyword: &str,
        expected: &Map<String, Value>,
        actual: &Map<String, Value>,
        facts: Facts,
    ) {
        let set = |map: &Map<String, Value>| -> BTreeSet<String> {
            map.get(keyword)
                .and_then(Value::as_array)
                .map(|values| values.iter().map(Value::to_string).collect())
                .unwrap_or_default()
        };
        if set(expected) != set(actual) {
            self.report(
                place.then(Segment::Keyword(keyword.into())),
                expected.get(keyword),
                actual.get(keyword),
                facts,
            );
        }
    }

    fn compare_properties(
        &mut self,
        place: &Place,
        expected: &Map<String, Value>,
        actual: &Map<String, Value>,
        facts: Facts,
    ) {
        let empty = Map::new();
        let expected_properties = expected
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let actual_properties = actual
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required: BTreeSet<&str> = expected
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let names: BTreeSet<&String> = expected_properties
            .keys()
            .chain(actual_properties.keys())
            .collect();
        for name in names {
            let property_place = place.then(Segment::Property(name.clone()));
            let property_facts = Facts {
                optional_property: !required.contains(name.as_str()),
                ..facts
            };
            match (expected_properties.get(name), actual_properties.get(name)) {
                (Some(e), Some(a)) => self.compare(&property_place, e, a, property_facts),
                (e, a) => self.report(property_place, e, a, property_facts),
            }
        }
    }

    fn compare_additional_properties(
        &mut self,
        place: &Place,
        expected: &Map<String, Value>,
        actual: &Map<String, Value>,
        facts: Facts,
    ) {
        // `true`, `{}` and absence all allow any additional property.
        let open = |value: Option<&Value>| match value {
            None | Some(Value::Bool(true)) => true,
            Some(Value::Object(map)) => map.is_empty(),
            Some(_) => false,
        };
        let (e, a) = (
            expected.get("additionalProperties"),
            actual.get("additionalProperties"),
        );
        if (open(e) && open(a)) || e == a {
            return;
        }
        match (e, a) {
            (Some(e @ Value::Object(_)), Some(a @ Value::Object(_))) => {
                self.compare(&place.then(Segment::AdditionalProperties), e, a, facts);
            }
            _ => self.report(place.then(Segment::AdditionalProperties), e, a, facts),
        }
    }

    fn compare_alternatives(
        &mut self,
        place: &Place,
        keyword: &str,
        expected: &Map<String, Value>,
        actual: &Map<String, Value>,
        facts: Facts,
    ) {
        let empty = Vec::new();
        let e = expected
            .get(keyword)
            .and_then(Value::as_array)
            .unwrap_or(&empty);
        let a = actual
            .get(keyword)
            .and_then(Value::as_array)
            .unwrap_or(&empty);
        if e.len() != a.len() {
            self.report(
                place.then(Segment::Keyword(keyword.into())),
                expected.get(keyword),
                actual.get(keyword),
                facts,
            );
            return;
        }
        for (index, (e, a)) in e.iter().zip(a).enumerate() {
            // Rule null-alternatives: a null-only alternative makes the union nullable.
            if e.as_object()
                .is_some_and(|e| e.len() == 1 && e.get("nullable") == Some(&Value::Bool(true)))
            {
                continue;
            }
            self.compare(
                &place.then(Segment::Alternative(keyword.into(), index)),
                e,
                a,
                facts,
            );
        }
    }
}

/// A schema typify turns into a transparent newtype, which schemars documents inline: anything
/// but a struct (an object with properties), a union of several alternatives, or an enum.
fn is_alias(schema: &Value) -> bool {
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

/// The schema's `type`, or the one its other keywords imply.
fn implied_type(schema: &Map<String, Value>) -> Option<Value> {
    if let Some(ty) = schema.get("type") {
        return Some(ty.clone());
    }
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
fn merge_any_of_structs(document: &Value, schema: &Value) -> Value {
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

fn unwrap_single_all_of(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    // A one-alternative `anyOf`/`oneOf` is its alternative too (typify reads them so).
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

/// `base` with the keywords of `wrapper` other than `$ref` laid over it.
fn with_siblings(base: &Value, wrapper: &Value) -> Value {
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

/// Numbers compare by value (`0` and `0.0` agree); everything else structurally.
fn same_value(expected: Option<&Value>, actual: Option<&Value>) -> bool {
    match (expected, actual) {
        (Some(Value::Number(e)), Some(Value::Number(a))) => e.as_f64() == a.as_f64(),
        (e, a) => e == a,
    }
}

/// Collapses runs of whitespace, so reflowed documentation compares equal.
pub(super) fn normalize_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
