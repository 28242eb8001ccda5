//! Conformance: does an implementation's OpenAPI document (dropshot's, from the generated trait)
//! say what the normalized spec says?
//!
//! The walk lines the documents up by operation (method and path), parameter (location and
//! name), response status and component, compares every schema keyword by keyword, and reports
//! each difference with its place. Differences that do not matter on the wire are excused by a
//! named rule in [`rules::RULES`]; everything else is a disagreement.

mod align;
mod client;
mod difference;
mod responses;
pub mod rules;
mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value};

pub use align::Pair;
pub use client::{ClientOutcome, ClientProbe, ClientResult, client_probes, compare_client};
pub use difference::{Difference, Place, Segment};
pub use responses::compare_responses;
pub use rules::{Action, Facts, RULES, Rule};

use self::align::{component, reference_name};
use self::schema::{SchemaWalk, normalize_whitespace};
use crate::normalize::operations::HTTP_METHODS;
use crate::resolve;

/// The outcome of a comparison.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Differences no rule allows.
    pub disagreements: Vec<Difference>,
    /// Differences a rule allows, with the rule.
    pub allowed: Vec<(Difference, &'static Rule)>,
}

impl Comparison {
    /// Differences judged by the allowance rules, and differences no rule may excuse.
    fn judged(differences: Vec<(Difference, Facts)>, strict: Vec<Difference>) -> Self {
        let mut comparison = Self::default();
        for (difference, facts) in differences {
            match rules::allowing_rule(&difference, &facts) {
                Some(rule) => comparison.allowed.push((difference, rule)),
                None => comparison.disagreements.push(difference),
            }
        }
        comparison.disagreements.extend(strict);
        comparison
    }

    /// This comparison and `other`'s findings together.
    pub fn and(mut self, other: Self) -> Self {
        self.disagreements.extend(other.disagreements);
        self.allowed.extend(other.allowed);
        self
    }

    /// Whether the documents agree (up to the allowed differences).
    pub fn agrees(&self) -> bool {
        self.disagreements.is_empty()
    }

    /// The allowed differences, one line each with the rule that allows it: what a conformance
    /// test pins as expected output, so a new excuse fails until it is reviewed.
    pub fn allowed_report(&self) -> String {
        self.allowed
            .iter()
            .map(|(difference, rule)| format!("[{}] {difference}\n", rule.name))
            .collect()
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.agrees() {
            writeln!(f, "the documents agree")?;
        } else {
            writeln!(f, "{} disagreement(s):", self.disagreements.len())?;
            for difference in &self.disagreements {
                writeln!(f, "  - {difference}")?;
            }
        }
        if !self.allowed.is_empty() {
            writeln!(f, "{} allowed difference(s):", self.allowed.len())?;
            for (difference, rule) in &self.allowed {
                writeln!(f, "  - [{}] {difference}", rule.name)?;
            }
        }
        Ok(())
    }
}

/// `version` as the semantic version dropshot's document requires: its leading numbers, padded
/// (`1.0` -> `1.0.0`, `v2` -> `2.0.0`, `2023-01-01` -> `2023.0.0`); `0.0.0` when it has none.
pub fn semver_text(version: &str) -> String {
    let core = version.trim().trim_start_matches(['v', 'V']);
    let core = core.split(['-', '+']).next().unwrap_or_default();
    let mut parts: Vec<String> = Vec::new();
    for part in core.split('.').take(3) {
        match part.parse::<u64>() {
            Ok(number) => parts.push(number.to_string()),
            Err(_) => break,
        }
    }
    if parts.is_empty() {
        return "0.0.0".to_owned();
    }
    parts.resize(3, "0".to_owned());
    parts.join(".")
}

/// Compares the normalized `spec` with an `implementation`'s document.
pub fn compare(spec: &Value, implementation: &Value) -> Comparison {
    let mut walk = SchemaWalk::new(spec, implementation);
    compare_document(spec, implementation, &mut walk);
    Comparison::judged(walk.differences, Vec::new())
}

fn compare_document(spec: &Value, implementation: &Value, walk: &mut SchemaWalk<'_>) {
    let root = Place::default();
    for key in ["title", "version"] {
        let (e, a) = (
            spec.pointer(&format!("/info/{key}")),
            implementation.pointer(&format!("/info/{key}")),
        );
        if e != a {
            let version_as_semver = key == "version"
                && e.and_then(Value::as_str).map(semver_text).as_deref()
                    == a.and_then(Value::as_str);
            walk.report(
                root.then(Segment::Document("info".into()))
                    .then(Segment::Keyword(key.into())),
                e,
                a,
                Facts {
                    version_as_semver,
                    ..Facts::default()
                },
            );
        }
    }
    for (key, pointer) in [
        ("security", "/security"),
        ("securitySchemes", "/components/securitySchemes"),
        ("servers", "/servers"),
    ] {
        let present =
            |document: &Value| document.pointer(pointer).filter(|v| !is_empty(v)).cloned();
        let (e, a) = (present(spec), present(implementation));
        if e != a {
            walk.report(
                root.then(Segment::Document(key.into())),
                e.as_ref(),
                a.as_ref(),
                Facts::default(),
            );
        }
    }
    let spec_operations = operations(spec);
    let implementation_operations = operations(implementation);
    let keys: BTreeSet<&(String, String)> = spec_operations
        .keys()
        .chain(implementation_operations.keys())
        .collect();
    for key in keys {
        let place = root.then(Segment::Operation {
            method: key.0.clone(),
            path: key.1.clone(),
        });
        match (spec_operations.get(key), implementation_operations.get(key)) {
            (Some(e), Some(a)) => compare_operation(&place, spec, implementation, e, a, walk),
            (e, a) => walk.report(
                place,
                e.and_then(|op| op.get("operationId")),
                a.and_then(|op| op.get("operationId")),
                Facts::default(),
            ),
        }
    }
    let reachable = reachable_components(spec);
    if let Some(Value::Object(components)) = spec.pointer("/components/schemas") {
        for name in components.keys() {
            let facts = Facts {
                unreachable_component: !reachable.contains(name),
                ..Facts::default()
            };
            walk.compare_component(name, facts);
        }
    }
    if let Some(Value::Object(components)) = implementation.pointer("/components/schemas") {
        for name in components.keys() {
            if !walk.reached_implementation.contains(name) {
                walk.report(
                    root.then(Segment::Component(name.clone())),
                    None,
                    components.get(name),
                    Facts::default(),
                );
            }
        }
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

/// Operations by (uppercase method, path).
pub(super) fn operations(document: &Value) -> BTreeMap<(String, String), &Map<String, Value>> {
    let mut found = BTreeMap::new();
    if let Some(Value::Object(paths)) = document.get("paths") {
        for (path, item) in paths {
            for method in HTTP_METHODS {
                if let Some(Value::Object(operation)) = item.get(*method) {
                    found.insert((method.to_ascii_uppercase(), path.clone()), operation);
                }
            }
        }
    }
    found
}

fn compare_operation(
    place: &Place,
    spec: &Value,
    implementation: &Value,
    expected: &Map<String, Value>,
    actual: &Map<String, Value>,
    walk: &mut SchemaWalk<'_>,
) {
    let keyword = |name: &str| place.then(Segment::Keyword(name.into()));
    if expected.get("operationId") != actual.get("operationId") {
        walk.report(
            keyword("operationId"),
            expected.get("operationId"),
            actual.get("operationId"),
            Facts::default(),
        );
    }
    let text = |op: &Map<String, Value>, key: &str| {
        op.get(key)
            .and_then(Value::as_str)
            .map(normalize_whitespace)
    };
    let joined = |op: &Map<String, Value>| {
        normalize_whitespace(&format!(
            "{} {}",
            text(op, "summary").unwrap_or_default(),
            text(op, "description").unwrap_or_default()
        ))
    };
    let same_documentation_text = joined(expected) == joined(actual);
    for key in ["summary", "description"] {
        if text(expected, key) != text(actual, key) {
            walk.report(
                keyword(key),
                expected.get(key),
                actual.get(key),
                Facts {
                    same_documentation_text,
                    ..Facts::default()
                },
            );
        }
    }
    let flag = |op: &Map<String, Value>| op.get("deprecated") == Some(&Value::Bool(true));
    if flag(expected) != flag(actual) {
        walk.report(
            keyword("deprecated"),
            expected.get("deprecated"),
            actual.get("deprecated"),
            Facts::default(),
        );
    }
    let tags = |op: &Map<String, Value>| -> BTreeSet<String> {
        op.get("tags")
            .and_then(Value::as_array)
            .map(|t| t.iter().map(Value::to_string).collect())
            .unwrap_or_default()
    };
    if tags(expected) != tags(actual) {
        walk.report(
            keyword("tags"),
            expected.get("tags"),
            actual.get("tags"),
            Facts::default(),
        );
    }
    compare_parameters(place, spec, implementation, expected, actual, walk);
    compare_request_body(place, spec, implementation, expected, actual, walk);
    let websocket_operation = actual.contains_key("x-dropshot-websocket");
    compare_operation_responses(
        place,
        spec,
        implementation,
        expected,
        actual,
        websocket_operation,
        walk,
    );
}

fn compare_parameters(
    place: &Place,
    spec: &Value,
    implementation: &Value,
    expected: &Map<String, Value>,
    actual: &Map<String, Value>,
    walk: &mut SchemaWalk<'_>,
) {
    let parameters =
        |document: &Value, op: &Map<String, Value>| -> BTreeMap<(String, String), Value> {
            op.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| resolve(document, p))
                .filter_map(|p| {
                    let key = (
                        p.get("in")?.as_str()?.to_owned(),
                        p.get("name")?.as_str()?.to_owned(),
                    );
                    Some((key, p))
                })
                .collect()
        };
    let (expected, actual) = (
        parameters(spec, expected),
        parameters(implementation, actual),
    );
    let keys: BTreeSet<&(String, String)> = expected.keys().chain(actual.keys()).collect();
    for key in keys {
        let place = place.then(Segment::Parameter {
            location: key.0.clone(),
            name: key.1.clone(),
        });
        let (Some(e), Some(a)) = (expected.get(key), actual.get(key)) else {
            walk.report(place, expected.get(key), actual.get(key), Facts::default());
            continue;
        };
        let required = |p: &Value| p.get("required") == Some(&Value::Bool(true));
        if required(e) != required(a) {
            walk.report(
                place.then(Segment::Keyword("required".into())),
                e.get("required"),
                a.get("required"),
                Facts::default(),
            );
        }
        // A parameter without a description of its own is described by its type (dropshot moves
        // an inline type's description onto the parameter; a spec may reference a described
        // component): each side's parameter reads as its own description, else its type's.
        let described = |document: &Value, p: &Value| {
            let own = p.get("description").cloned();
            own.or_else(|| {
                resolve(document, p.get("schema")?)
                    .get("description")
                    .cloned()
            })
        };
        let (spec_description, implementation_description) =
            (described(spec, e), described(implementation, a));
        let text = |d: &Option<Value>| d.as_ref().and_then(Value::as_str).map(normalize_whitespace);
        if text(&spec_description) != text(&implementation_description) {
            walk.report(
                place.then(Segment::Keyword("description".into())),
                spec_description.as_ref(),
                implementation_description.as_ref(),
                Facts::default(),
            );
        }
        let schema = |p: &Value| p.get("schema").cloned().unwrap_or(Value::Bool(true));
        walk.compare(
            &place.then(Segment::Keyword("schema".into())),
            &schema(e),
            &schema(a),
            Facts::default(),
        );
    }
}

fn compare_request_body(
    place: &Place,
    spec: &Value,
    implementation: &Value,
    expected: &Map<String, Value>,
    actual: &Map<String, Value>,
    walk: &mut SchemaWalk<'_>,
) {
    let place = place.then(Segment::RequestBody);
    let (e, a) = (
        expected.get("requestBody").map(|b| resolve(spec, b)),
        actual
            .get("requestBody")
            .map(|b| resolve(implementation, b)),
    );
    let (Some(e), Some(a)) = (&e, &a) else {
        if e.is_some() || a.is_some() {
            walk.report(place, e.as_ref(), a.as_ref(), Facts::default());
        }
        return;
    };
    let required = |b: &Value| b.get("required") == Some(&Value::Bool(true));
    if required(e) != required(a) {
        walk.report(
            place.then(Segment::Keyword("required".into())),
            e.get("required"),
            a.get("required"),
            Facts::default(),
        );
    }
    compare_content(&place, e, a, walk, Facts::default());
}

fn compare_operation_responses(
    place: &Place,
    spec: &Value,
    implementation: &Value,
    expected: &Map<String, Value>,
    actual: &Map<String, Value>,
    websocket_operation: bool,
    walk: &mut SchemaWalk<'_>,
) {
    let empty = Map::new();
    let expected = expected
        .get("responses")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let actual = actual
        .get("responses")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let has_success = expected.keys().any(|status| status.starts_with('2'));
    let mut matched_actual = BTreeSet::new();
    let mut success_documented = false;
    for (status, response) in expected {
        let response = resolve(spec, response);
        let error_response = status.starts_with('4')
            || status.starts_with('5')
            || (status == "default" && has_success);
        let candidates = rules::response_candidates(status, error_response);
        let response_place = place.then(Segment::Response(status.clone()));
        let facts = Facts {
            error_response,
            additional_success: !error_response && success_documented,
            websocket_operation,
            ..Facts::default()
        };
        let Some((actual_status, actual_response)) = candidates.iter().find_map(|c| {
            actual
                .get(c)
                .map(|r| (c.clone(), resolve(implementation, r)))
        }) else {
            walk.report(response_place, Some(&response), None, facts);
            continue;
        };
        matched_actual.insert(actual_status);
        success_documented |= !error_response;
        let description = |r: &Value| {
            r.get("description")
                .and_then(Value::as_str)
                .map(normalize_whitespace)
        };
        if description(&response) != description(&actual_response) {
            walk.report(
                response_place.then(Segment::Keyword("description".into())),
                response.get("description"),
                actual_response.get("description"),
                facts,
            );
        }
        compare_content(&response_place, &response, &actual_response, walk, facts);
    }
    for (status, response) in actual {
        if !matched_actual.contains(status) {
            walk.report(
                place.then(Segment::Response(status.clone())),
                None,
                Some(response),
                Facts {
                    websocket_operation,
                    ..Facts::default()
                },
            );
        }
    }
}

/// Compares the `content` maps of two bodies by kind (rule media-types-by-kind): JSON media
/// types as `application/json`, everything else as bytes, whose schemas are not compared.
fn compare_content(
    place: &Place,
    expected: &Value,
    actual: &Value,
    walk: &mut SchemaWalk<'_>,
    facts: Facts,
) {
    let by_kind = |body: &Value| -> BTreeMap<String, Value> {
        let mut kinds = BTreeMap::new();
        for (media_type, media) in body
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let (kind, schema_compared) = rules::media_kind(media_type);
            let schema = if schema_compared {
                media.get("schema").cloned().unwrap_or(Value::Bool(true))
            } else {
                Value::Bool(true)
            };
            kinds.entry(kind).or_insert(schema);
        }
        kinds
    };
    let (e, a) = (by_kind(expected), by_kind(actual));
    let kinds: BTreeSet<&String> = e.keys().chain(a.keys()).collect();
    for kind in kinds {
        let media_place = place.then(Segment::Media(kind.clone()));
        match (e.get(kind), a.get(kind)) {
            (Some(e), Some(a)) => walk.compare(&media_place, e, a, facts),
            (e, a) => walk.report(media_place, e, a, facts),
        }
    }
}

/// Follows a local `$ref` of a parameter, body or response; anything else is itself.
fn resolve(document: &Value, value: &Value) -> Value {
    resolve::through_references(document, value).clone()
}

/// The component schemas the spec's operations reach, directly or through other components.
///
/// A component named only as a part of a several-part `allOf` is not reached as a type of its
/// own: typify merges the parts into one struct (`all-of-merged`); what it names is reached.
fn reachable_components(spec: &Value) -> BTreeSet<String> {
    let mut reached = BTreeSet::new();
    let mut merged = BTreeSet::new();
    let mut pending = References::default();
    collect_references(
        spec.get("paths").unwrap_or(&Value::Null),
        spec,
        &mut pending,
    );
    loop {
        let (name, newly) = if let Some(name) = pending.types.pop() {
            let newly = reached.insert(name.clone());
            (name, newly)
        } else if let Some(name) = pending.merged.pop() {
            let newly = merged.insert(name.clone());
            (name, newly)
        } else {
            break;
        };
        if newly && let Some(schema) = component(spec, &name) {
            collect_references(schema, spec, &mut pending);
        }
    }
    reached
}

/// Component schemas found under a value: named as types, or as parts of a merged `allOf`.
#[derive(Default)]
struct References {
    types: Vec<String>,
    merged: Vec<String>,
}

/// Every component schema named by a `$ref` under `value`, following references to other
/// component kinds (responses, parameters, request bodies) on the way.
fn collect_references(value: &Value, spec: &Value, found: &mut References) {
    match value {
        Value::Object(map) => {
            if let Some(name) = reference_name(value) {
                found.types.push(name.to_owned());
            } else if let Some(target) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|reference| resolve::target(spec, reference))
            {
                collect_references(target, spec, found);
            }
            for (key, child) in map {
                match child.as_array() {
                    Some(parts) if key == "allOf" && parts.len() > 1 => {
                        for part in parts {
                            match reference_name(part) {
                                Some(name) => found.merged.push(name.to_owned()),
                                None => collect_references(part, spec, found),
                            }
                        }
                    }
                    _ => collect_references(child, spec, found),
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_references(item, spec, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
