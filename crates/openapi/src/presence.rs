//! Presence: whether each property and parameter may be absent (`required`) and whether it may
//! be `null` (`nullable`), the same in an implementation's document as in the spec.
//!
//! A narrow, strict check beside the general comparison ([`crate::compare`]): it reports every
//! property or parameter whose `required` or `nullable` differs, with no rule to excuse it. It
//! lines the documents up as the comparison does (components by Rust name, operations by method
//! and path, parameters by location and name) and follows both schemas through references,
//! one-element wrappers (`allOf: [$ref]` is how schemars writes a nullable reference), merged
//! `allOf`s, items, maps and union alternatives, so nested inline objects are checked too.
//! Where the two schemas do not line up (a union typify merged into a struct, say) it checks
//! nothing: telling shapes apart is the comparison's job.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value};

use crate::naming::type_name;
use crate::normalize::operations::HTTP_METHODS;
use crate::resolve::through_references;

/// A property or parameter whose presence differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceMismatch {
    /// Where, e.g. ``schema RunGoldLabel › property `text_value` ``.
    pub place: String,
    /// `required` or `nullable`.
    pub keyword: &'static str,
    /// What the spec says.
    pub spec: bool,
    /// What the implementation's document says.
    pub implementation: bool,
}

impl fmt::Display for PresenceMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} › {}: the spec says {}, the implementation {}",
            self.place, self.keyword, self.spec, self.implementation
        )
    }
}

/// Every property and parameter of `spec` (normalized) whose `required` or `nullable` differs
/// in `implementation`.
pub fn presence_mismatches(spec: &Value, implementation: &Value) -> Vec<PresenceMismatch> {
    let mut walk = Walk {
        spec,
        implementation,
        seen: BTreeSet::new(),
        mismatches: Vec::new(),
    };
    if let Some(Value::Object(components)) = spec.pointer("/components/schemas") {
        for (name, schema) in components {
            if let Some(actual) = component(implementation, &type_name(name)) {
                walk.schemas(&format!("schema {name}"), schema, actual);
            }
        }
    }
    for (path, method, expected) in operations(spec) {
        let Some(actual) = implementation
            .get("paths")
            .and_then(|paths| paths.get(path))
            .and_then(|item| item.get(method))
        else {
            continue;
        };
        walk.operation(
            &format!("{} {path}", method.to_uppercase()),
            expected,
            actual,
        );
    }
    walk.mismatches
}

struct Walk<'a> {
    spec: &'a Value,
    implementation: &'a Value,
    /// Schema pairs already walked (by their text), so recursive types terminate.
    seen: BTreeSet<(String, String)>,
    mismatches: Vec<PresenceMismatch>,
}

impl<'a> Walk<'a> {
    fn report(&mut self, place: &str, keyword: &'static str, spec: bool, implementation: bool) {
        if spec != implementation {
            self.mismatches.push(PresenceMismatch {
                place: place.to_owned(),
                keyword,
                spec,
                implementation,
            });
        }
    }

    fn operation(&mut self, place: &str, expected: &'a Value, actual: &'a Value) {
        let (spec, implementation) = (self.spec, self.implementation);
        for parameter in list(expected, "parameters") {
            let parameter = through_references(spec, parameter);
            let (Some(name), Some(location)) = (text(parameter, "name"), text(parameter, "in"))
            else {
                continue;
            };
            let Some(other) = list(actual, "parameters")
                .iter()
                .map(|p| through_references(implementation, p))
                .find(|p| text(p, "name") == Some(name) && text(p, "in") == Some(location))
            else {
                continue;
            };
            let place = format!("{place} › {location} parameter `{name}`");
            self.report(
                &place,
                "required",
                flag(parameter, "required"),
                flag(other, "required"),
            );
            if let (Some(e), Some(a)) = (parameter.get("schema"), other.get("schema")) {
                self.report(&place, "nullable", flag(e, "nullable"), flag(a, "nullable"));
                self.schemas(&place, e, a);
            }
        }
        let body = |document: &'a Value, operation: &'a Value| {
            let body = through_references(document, operation.get("requestBody")?);
            body.pointer("/content/application~1json/schema")
                .or_else(|| first_media_schema(body))
        };
        if let (Some(e), Some(a)) = (body(spec, expected), body(implementation, actual)) {
            self.schemas(&format!("{place} › request body"), e, a);
        }
        if let (Some(Value::Object(expected)), Some(Value::Object(actual))) =
            (expected.get("responses"), actual.get("responses"))
        {
            for (status, response) in expected {
                let (Some(e), Some(a)) = (
                    first_media_schema(through_references(spec, response)),
                    actual
                        .get(status)
                        .and_then(|r| first_media_schema(through_references(implementation, r))),
                ) else {
                    continue;
                };
                self.schemas(&format!("{place} › response {status}"), e, a);
            }
        }
    }

    /// Walks a pair of schemas that stand for the same value.
    fn schemas(&mut self, place: &str, expected: &Value, actual: &Value) {
        let expected = resolved(self.spec, expected);
        let actual = resolved(self.implementation, actual);
        if !self.seen.insert((expected.to_string(), actual.to_string())) {
            return;
        }
        let expected = merged_all_of(self.spec, expected);
        let actual = merged_all_of(self.implementation, actual);
        let properties = |schema: &Map<String, Value>| {
            schema
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let required = |schema: &Map<String, Value>| -> BTreeSet<String> {
            schema
                .get("required")
                .and_then(Value::as_array)
                .map(|names| {
                    names
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (expected_required, actual_required) = (required(&expected), required(&actual));
        let actual_properties = properties(&actual);
        for (name, e) in properties(&expected) {
            let Some(a) = actual_properties.get(&name) else {
                continue;
            };
            let place = format!("{place} › property `{name}`");
            self.report(
                &place,
                "required",
                expected_required.contains(&name),
                actual_required.contains(&name),
            );
            self.report(
                &place,
                "nullable",
                flag(&e, "nullable"),
                flag(a, "nullable"),
            );
            self.schemas(&place, &e, a);
        }
        for keyword in ["items", "additionalProperties"] {
            if let (Some(e @ Value::Object(_)), Some(a @ Value::Object(_))) =
                (expected.get(keyword), actual.get(keyword))
            {
                self.schemas(&format!("{place} › {keyword}"), e, a);
            }
        }
        let alternatives = |schema: &Map<String, Value>| {
            ["oneOf", "anyOf"]
                .iter()
                .find_map(|k| schema.get(*k).and_then(Value::as_array).cloned())
                .unwrap_or_default()
        };
        let (e, a) = (alternatives(&expected), alternatives(&actual));
        if e.len() == a.len() {
            for (index, (e, a)) in e.into_iter().zip(a).enumerate() {
                self.schemas(&format!("{place} › alternative {index}"), &e, &a);
            }
        }
    }
}

/// `schema` through `$ref`s and one-element `allOf`/`anyOf`/`oneOf` wrappers, to the schema that
/// says what the value is.
fn resolved<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    let mut current = schema;
    for _ in 0..32 {
        if let Some(name) = reference_name(current) {
            match component(document, name) {
                Some(target) => current = target,
                None => break,
            }
            continue;
        }
        let wrapped = ["allOf", "anyOf", "oneOf"].iter().find_map(|keyword| {
            match current.get(*keyword)?.as_array()?.as_slice() {
                [only] => Some(only),
                _ => None,
            }
        });
        match wrapped {
            Some(only) if current.get("properties").is_none() => current = only,
            _ => break,
        }
    }
    current
}

/// An `allOf` of objects as one object (properties and `required` united), as typify merges it;
/// anything else as it is.
fn merged_all_of(document: &Value, schema: &Value) -> Map<String, Value> {
    let mut merged = schema.as_object().cloned().unwrap_or_default();
    let Some(Value::Array(parts)) = merged.remove("allOf") else {
        return merged;
    };
    let mut properties = merged
        .remove("properties")
        .and_then(|p| p.as_object().cloned())
        .unwrap_or_default();
    let mut required: Vec<Value> = merged
        .remove("required")
        .and_then(|r| r.as_array().cloned())
        .unwrap_or_default();
    for part in &parts {
        let part = merged_all_of(document, resolved(document, part));
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
    merged.insert("required".to_owned(), Value::Array(required));
    merged
}

fn component<'a>(document: &'a Value, name: &str) -> Option<&'a Value> {
    document.get("components")?.get("schemas")?.get(name)
}

fn reference_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

fn flag(value: &Value, key: &str) -> bool {
    value.get(key) == Some(&Value::Bool(true))
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The schema of the first media type of a request body or response.
fn first_media_schema(holder: &Value) -> Option<&Value> {
    holder
        .get("content")?
        .as_object()?
        .values()
        .find_map(|media| media.get("schema"))
}

/// `(path, method, operation)` of every operation.
fn operations(document: &Value) -> Vec<(&str, &str, &Value)> {
    let Some(Value::Object(paths)) = document.get("paths") else {
        return Vec::new();
    };
    paths
        .iter()
        .flat_map(|(path, item)| {
            HTTP_METHODS
                .iter()
                .filter_map(move |method| item.get(*method).map(|op| (path.as_str(), *method, op)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn document(properties: Value, required: Value) -> Value {
        json!({"components": {"schemas": {"Label": {
            "type": "object",
            "properties": properties,
            "required": required,
        }}}})
    }

    fn places(spec: &Value, implementation: &Value) -> Vec<String> {
        presence_mismatches(spec, implementation)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn the_same_presence_agrees() {
        let spec = document(
            json!({"a": {"type": "string", "nullable": true}, "b": {"type": "string"}}),
            json!(["a"]),
        );
        assert!(places(&spec, &spec).is_empty());
    }

    #[test]
    fn an_optional_property_documented_nullable_is_a_mismatch() {
        let spec = document(json!({"b": {"type": "string"}}), json!([]));
        let implementation = document(
            json!({"b": {"type": "string", "nullable": true}}),
            json!([]),
        );
        assert_eq!(
            places(&spec, &implementation),
            [
                "schema Label › property `b` › nullable: the spec says false, the implementation true"
            ]
        );
    }

    #[test]
    fn a_required_nullable_property_documented_optional_is_a_mismatch() {
        let spec = document(
            json!({"a": {"type": "string", "nullable": true}}),
            json!(["a"]),
        );
        let implementation = document(
            json!({"a": {"type": "string", "nullable": true}}),
            json!([]),
        );
        assert_eq!(
            places(&spec, &implementation),
            [
                "schema Label › property `a` › required: the spec says true, the implementation false"
            ]
        );
    }

    #[test]
    fn nested_objects_are_followed_through_references_and_wrappers() {
        let spec = json!({"components": {"schemas": {"Outer": {
            "type": "object",
            "properties": {"inner": {"type": "object", "nullable": true, "properties": {
                "x": {"type": "integer"}
            }}}
        }}}});
        let implementation = json!({"components": {"schemas": {
            "Outer": {"type": "object", "properties": {"inner": {
                "allOf": [{"$ref": "#/components/schemas/OuterInner"}], "nullable": true
            }}},
            "OuterInner": {"type": "object", "properties": {"x": {"type": "integer", "nullable": true}}}
        }}});
        assert_eq!(
            places(&spec, &implementation),
            [
                "schema Outer › property `inner` › property `x` › nullable: the spec says false, the implementation true"
            ]
        );
    }

    #[test]
    fn all_of_parts_are_merged_before_properties_are_compared() {
        let spec = json!({"components": {"schemas": {
            "Base": {"type": "object", "properties": {"id": {"type": "string"}}},
            "Named": {"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "required": ["id"], "properties": {"name": {"type": "string"}}}
            ]}
        }}});
        let implementation = json!({"components": {"schemas": {
            "Named": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string"}, "name": {"type": "string", "nullable": true}
            }}
        }}});
        assert_eq!(
            places(&spec, &implementation),
            [
                "schema Named › property `name` › nullable: the spec says false, the implementation true"
            ]
        );
    }

    #[test]
    fn parameters_compare_required_and_nullable() {
        let operation = |nullable: bool, required: bool| {
            json!({"paths": {"/items": {"get": {"parameters": [{
                "name": "limit", "in": "query", "required": required,
                "schema": {"type": "integer", "nullable": nullable}
            }]}}}})
        };
        assert_eq!(
            places(&operation(false, false), &operation(true, false)),
            [
                "GET /items › query parameter `limit` › nullable: the spec says false, the implementation true"
            ]
        );
        assert_eq!(
            places(&operation(false, true), &operation(false, false)),
            [
                "GET /items › query parameter `limit` › required: the spec says true, the implementation false"
            ]
        );
    }

    #[test]
    fn referenced_parameters_bodies_and_responses_are_checked() {
        let operation = json!({
            "parameters": [{"$ref": "#/components/parameters/Limit"}],
            "requestBody": {"$ref": "#/components/requestBodies/Patch"},
            "responses": {"404": {"$ref": "#/components/responses/Missing"}}
        });
        let document = |nullable: bool| {
            json!({
                "paths": {"/labels": {"patch": operation}},
                "components": {
                    "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {
                        "type": "integer", "nullable": nullable
                    }}},
                    "requestBodies": {"Patch": {"content": {"application/json": {"schema": {
                        "type": "object", "properties": {"text": {"type": "string", "nullable": nullable}}
                    }}}}},
                    "responses": {"Missing": {"description": "missing", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {"code": {"type": "string", "nullable": nullable}}
                    }}}}}
                }
            })
        };
        assert_eq!(
            places(&document(false), &document(true)),
            [
                "PATCH /labels › query parameter `limit` › nullable: the spec says false, the implementation true",
                "PATCH /labels › request body › property `text` › nullable: the spec says false, the implementation true",
                "PATCH /labels › response 404 › property `code` › nullable: the spec says false, the implementation true",
            ]
        );
    }
}
