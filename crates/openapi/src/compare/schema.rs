//! Comparing two schemas keyword by keyword, following `$ref`s on either side.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::align::{Pair, component, is_alias, reference_name, with_siblings};
use super::difference::{Difference, Place, Segment};
use super::rules::{self, Facts};

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
    /// Where the places of component differences start (the document root by default).
    root: Place,
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
            root: Place::default(),
            reached_implementation: BTreeSet::new(),
            differences: Vec::new(),
        }
    }

    /// A walk whose component differences are placed under `root`.
    pub(super) fn under(root: Place, spec: &'a Value, implementation: &'a Value) -> Self {
        Self {
            root,
            ..Self::new(spec, implementation)
        }
    }

    /// The implementation's document.
    pub(super) fn implementation(&self) -> &'a Value {
        self.implementation
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
        let place = self.root.then(Segment::Component(name.to_owned()));
        let rust_name = rules::implementation_component(self.spec, name);
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

    /// Compares two schemas at `place`, once the alignment rules have lined them up.
    pub(super) fn compare(
        &mut self,
        place: &Place,
        expected: &Value,
        actual: &Value,
        facts: Facts,
    ) {
        let mut pair = Pair {
            spec: self.spec,
            implementation: self.implementation,
            expected: expected.clone(),
            actual: actual.clone(),
        };
        rules::align(&mut pair);
        let Pair {
            expected, actual, ..
        } = pair;
        match (reference_name(&expected), reference_name(&actual)) {
            (Some(expected_name), Some(actual_name)) => {
                let implementation_name = rules::implementation_component(self.spec, expected_name);
                if implementation_name != actual_name {
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
        // `true` and `{}` are one schema: any value.
        if accepts_anything(&expected) && accepts_anything(&actual) {
            return;
        }
        let (Some(expected), Some(actual)) = (expected.as_object(), actual.as_object()) else {
            if expected != actual {
                self.report(place.clone(), Some(&expected), Some(&actual), facts);
            }
            return;
        };
        let bounded = Facts {
            spec_lower_bound: bound(expected, "minimum", "exclusiveMinimum", 1.0),
            spec_upper_bound: bound(expected, "maximum", "exclusiveMaximum", -1.0),
            ..facts
        };
        for keyword in VALUE_KEYWORDS {
            let (e, a) = (expected.get(*keyword), actual.get(*keyword));
            if !same_value(e, a) {
                self.report(
                    place.then(Segment::Keyword((*keyword).into())),
                    e,
                    a,
                    bounded,
                );
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
        self.compare_sets(place, "required", expected, actual, facts);
        self.compare_properties(place, expected, actual, facts);
        match (expected.get("items"), actual.get("items")) {
            (Some(e), Some(a)) => self.compare(&place.then(Segment::Items), e, a, facts),
            (None, None) => {}
            (e, a) => self.report(place.then(Segment::Items), e, a, facts),
        }
        self.compare_additional_properties(place, expected, actual, facts);
        self.compare_alternatives(place, "allOf", expected, actual, facts);
        self.compare_alternatives(place, "anyOf", expected, actual, facts);
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
        let names: BTreeSet<&String> = expected_properties
            .keys()
            .chain(actual_properties.keys())
            .collect();
        for name in names {
            let property_place = place.then(Segment::Property(name.clone()));
            match (expected_properties.get(name), actual_properties.get(name)) {
                (Some(e), Some(a)) => self.compare(&property_place, e, a, facts),
                (e, a) => self.report(property_place, e, a, facts),
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
            self.compare(
                &place.then(Segment::Alternative(keyword.into(), index)),
                e,
                a,
                facts,
            );
        }
    }
}

/// The schema that accepts any value: `true`, or an object without a keyword that constrains
/// (annotations aside; `nullable` adds `null` to a type, and without one every value, `null`
/// included, is allowed already: `{nullable: true}` is any value, as typify reads it).
fn accepts_anything(schema: &Value) -> bool {
    match schema {
        Value::Bool(accepts) => *accepts,
        Value::Object(object) => object.keys().all(|key| {
            matches!(
                key.as_str(),
                "description"
                    | "title"
                    | "example"
                    | "examples"
                    | "default"
                    | "deprecated"
                    | "nullable"
            ) || key.starts_with("x-")
        }),
        _ => false,
    }
}

/// A schema's inclusive bound from its `bound` keyword (moved by `step` when the 3.0 boolean
/// `exclusive` keyword says the bound itself is excluded).
fn bound(schema: &Map<String, Value>, bound: &str, exclusive: &str, step: f64) -> Option<f64> {
    let value = schema.get(bound)?.as_f64()?;
    Some(if schema.get(exclusive) == Some(&Value::Bool(true)) {
        value + step
    } else {
        value
    })
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
