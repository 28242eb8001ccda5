//! Where progenitor or typify failed: a failure on the whole document narrowed down to one
//! schema, so the error names a JSON pointer (and, through it, the file and line) instead of a
//! bare library message such as "value does not conform to the given schema".
//!
//! The libraries convert a document in one call and do not say which schema they were
//! converting. So the call is repeated on smaller documents: each component schema with the
//! components it references (the first that fails alone, and whose references do not, is the
//! one), then, inside it, with one subschema at a time replaced by `{}` (the failure is in the
//! subschema whose replacement makes it go away; the search descends as far as that holds).
//! When every component converts alone, the operations are tried one by one the same way. It
//! only runs after a failure, on documents a fraction of the original's size.

use std::collections::{BTreeMap, BTreeSet};

use refactor_openapi::{Pointer, SpecError};
use serde_json::{Map, Value, json};

/// Keywords whose value is one subschema.
const SINGLE_SUBSCHEMA: &[&str] = &["items", "additionalProperties", "not"];
/// Keywords whose value is a list of subschemas.
const SUBSCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf"];

/// The pointer of the schema (or operation) `fails` fails on, narrowed as far as it goes;
/// `None` when no smaller document fails.
fn locate_failure(document: &Value, fails: &dyn Fn(&Value) -> bool) -> Option<Pointer> {
    let components = component_schemas(document);
    if let Some(name) = failing_component(document, &components, fails) {
        let closure = closure(&components, &name);
        let base = skeleton(document, &components, &closure, None);
        let pointer = Pointer::root().key("components").key("schemas").key(&name);
        return Some(narrow(&base, pointer, fails));
    }
    let all: BTreeSet<String> = components.keys().cloned().collect();
    for operation in refactor_openapi::normalize::operations::operation_addresses(document) {
        let Some(body) = document.pointer(operation.pointer.as_str()) else {
            continue;
        };
        let single = skeleton(
            document,
            &components,
            &all,
            Some((&operation.path, operation.method, body)),
        );
        if fails(&single) {
            let pointer = Pointer::root()
                .key("paths")
                .key(&operation.path)
                .key(operation.method);
            return Some(narrow(&single, pointer, fails));
        }
    }
    None
}

/// The component schemas by name.
fn component_schemas(document: &Value) -> BTreeMap<String, Value> {
    document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .map(|(name, schema)| (name.clone(), schema.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The first component (in document order) that fails with its references while each of its
/// references converts.
fn failing_component(
    document: &Value,
    components: &BTreeMap<String, Value>,
    fails: &dyn Fn(&Value) -> bool,
) -> Option<String> {
    let every: BTreeSet<String> = components.keys().cloned().collect();
    if !fails(&skeleton(document, components, &every, None)) {
        return None;
    }
    let order: Vec<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut verdicts: BTreeMap<String, bool> = BTreeMap::new();
    let mut verdict = |name: &str| -> bool {
        if let Some(known) = verdicts.get(name) {
            return *known;
        }
        let failed = fails(&skeleton(
            document,
            components,
            &closure(components, name),
            None,
        ));
        verdicts.insert(name.to_owned(), failed);
        failed
    };
    for name in &order {
        if !verdict(name) {
            continue;
        }
        let references = closure(components, name);
        if references
            .iter()
            .filter(|other| *other != name)
            .all(|other| !verdict(other))
        {
            return Some(name.clone());
        }
    }
    None
}

/// `name` and every component it references, directly or not.
fn closure(components: &BTreeMap<String, Value>, name: &str) -> BTreeSet<String> {
    let mut reached = BTreeSet::new();
    let mut pending = vec![name.to_owned()];
    while let Some(next) = pending.pop() {
        if !reached.insert(next.clone()) {
            continue;
        }
        if let Some(schema) = components.get(&next) {
            references(schema, &mut pending);
        }
    }
    reached
}

fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                found.push(name.to_owned());
            }
            map.values().for_each(|child| references(child, found));
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, found)),
        _ => {}
    }
}

/// A document with `document`'s header, the `names` components, and at most one operation.
fn skeleton(
    document: &Value,
    components: &BTreeMap<String, Value>,
    names: &BTreeSet<String>,
    operation: Option<(&str, &str, &Value)>,
) -> Value {
    let schemas: Map<String, Value> = names
        .iter()
        .filter_map(|name| Some((name.clone(), components.get(name)?.clone())))
        .collect();
    let mut paths = Map::new();
    if let Some((path, method, body)) = operation {
        paths.insert(path.to_owned(), json!({ method: body }));
    }
    let mut skeleton = json!({
        "openapi": document.get("openapi").cloned().unwrap_or(json!("3.0.3")),
        "info": document.get("info").cloned().unwrap_or(json!({"title": "", "version": ""})),
        "paths": paths,
        "components": {"schemas": schemas},
    });
    // Operations may reference the other component kinds.
    if let (Some(Value::Object(own)), Some(Value::Object(target))) =
        (document.get("components"), skeleton.get_mut("components"))
    {
        for (kind, entries) in own {
            if kind != "schemas" {
                target.insert(kind.clone(), entries.clone());
            }
        }
    }
    skeleton
}

/// Descends from `pointer` into the part whose replacement by a plain one makes `document`
/// convert, as long as there is one.
fn narrow(document: &Value, mut pointer: Pointer, fails: &dyn Fn(&Value) -> bool) -> Pointer {
    'descend: loop {
        let Some(node) = document.pointer(pointer.as_str()) else {
            return pointer;
        };
        for (child, plain) in parts(node, &pointer) {
            let mut trial = document.clone();
            if let Some(slot) = trial.pointer_mut(child.as_str()) {
                *slot = plain;
            }
            if !fails(&trial) {
                pointer = child;
                continue 'descend;
            }
        }
        return pointer;
    }
}

/// The parts directly under a schema or an operation, each with a plain stand-in: `{}` for a
/// schema, a string parameter of the same name for a parameter (the failure may be in its
/// `style` or `content` rather than its schema).
fn parts(node: &Value, pointer: &Pointer) -> Vec<(Pointer, Value)> {
    let Some(object) = node.as_object() else {
        return Vec::new();
    };
    let any = || json!({});
    let mut children = Vec::new();
    if let Some(Value::Object(properties)) = object.get("properties") {
        children.extend(
            properties
                .keys()
                .map(|name| (pointer.key("properties").key(name), any())),
        );
    }
    children.extend(
        SINGLE_SUBSCHEMA
            .iter()
            .filter(|key| object.get(**key).is_some_and(Value::is_object))
            .map(|key| (pointer.key(key), any())),
    );
    for key in SUBSCHEMA_LISTS {
        if let Some(Value::Array(items)) = object.get(*key) {
            children.extend((0..items.len()).map(|index| (pointer.key(key).index(index), any())));
        }
    }
    // An operation: its parameters (their schemas first), and its bodies' schemas.
    if let Some(Value::Array(parameters)) = object.get("parameters") {
        for (index, parameter) in parameters.iter().enumerate() {
            let at = pointer.key("parameters").index(index);
            if parameter.get("schema").is_some() {
                children.push((at.key("schema"), any()));
            }
            let plain = json!({
                "name": parameter.get("name").cloned().unwrap_or(json!("p")),
                "in": parameter.get("in").cloned().unwrap_or(json!("query")),
                "required": parameter.get("required").cloned().unwrap_or(json!(false)),
                "schema": {"type": "string"},
            });
            children.push((at, plain));
        }
    }
    let mut bodies: Vec<(Pointer, &Value)> = Vec::new();
    if let Some(body) = object.get("requestBody") {
        bodies.push((pointer.key("requestBody"), body));
    }
    if let Some(Value::Object(responses)) = object.get("responses") {
        bodies.extend(
            responses
                .iter()
                .map(|(code, response)| (pointer.key("responses").key(code), response)),
        );
    }
    for (at, body) in bodies {
        if let Some(Value::Object(content)) = body.get("content") {
            for (media_type, media) in content {
                if media.get("schema").is_some() {
                    children.push((at.key("content").key(media_type).key("schema"), any()));
                }
            }
        }
    }
    children
}

/// The error for a library failure on `input`: located at the part `fails` narrows it to, with
/// the library that failed and its `message`.
pub(crate) fn located_library_error(
    input: &Value,
    fails: &dyn Fn(&Value) -> bool,
    message: &str,
) -> anyhow::Error {
    let Some(pointer) = locate_failure(input, fails) else {
        return anyhow::anyhow!(
            "progenitor failed on the document, and on no smaller part of it alone: {message}"
        );
    };
    let in_component = pointer.as_str().starts_with("/components/");
    let last = pointer.tokens().last().unwrap_or_default();
    let construct = if last == "schema" || in_component {
        "schema"
    } else if pointer.as_str().contains("/parameters/") {
        "parameter"
    } else {
        "operation"
    };
    let detail = if in_component {
        format!(
            "typify cannot convert this schema: {message}{}",
            hint(message)
        )
    } else {
        format!(
            "progenitor cannot generate this {construct}: {message}{}",
            hint(message)
        )
    };
    SpecError::unsupported(&pointer, construct, detail).into()
}

/// What typify's terser messages mean.
fn hint(message: &str) -> &'static str {
    if message.contains("value does not conform") {
        " (typify checks each `default` and `enum` value against its schema, and this one's does \
         not fit)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails when any schema anywhere has `"bad": true`.
    fn has_bad(value: &Value) -> bool {
        match value {
            Value::Object(map) => {
                map.get("bad") == Some(&Value::Bool(true)) || map.values().any(has_bad)
            }
            Value::Array(items) => items.iter().any(has_bad),
            _ => false,
        }
    }

    #[test]
    fn a_failing_property_of_a_component_is_found() {
        let document = json!({"openapi": "3.0.3", "info": {}, "paths": {}, "components": {"schemas": {
            "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
            "B": {"type": "object", "properties": {
                "fine": {"type": "string"},
                "kind": {"type": "string", "bad": true}
            }}
        }}});
        let pointer = locate_failure(&document, &has_bad).expect("located");
        assert_eq!(pointer.as_str(), "/components/schemas/B/properties/kind");
    }

    #[test]
    fn a_parameter_failing_outside_its_schema_is_found() {
        let document = json!({"openapi": "3.0.3", "info": {}, "paths": {"/a": {"get": {
            "parameters": [
                {"name": "fine", "in": "query", "schema": {"type": "string"}},
                {"name": "p", "in": "query", "style": "spaceDelimited", "bad": true, "schema": {}}
            ],
            "responses": {}
        }}}});
        let pointer = locate_failure(&document, &has_bad).expect("located");
        assert_eq!(pointer.as_str(), "/paths/~1a/get/parameters/1");
    }

    #[test]
    fn a_failing_parameter_of_an_operation_is_found() {
        let document = json!({"openapi": "3.0.3", "info": {}, "paths": {"/a": {"get": {
            "parameters": [{"name": "p", "in": "query", "schema": {"bad": true}}],
            "responses": {}
        }}}});
        let pointer = locate_failure(&document, &has_bad).expect("located");
        assert_eq!(pointer.as_str(), "/paths/~1a/get/parameters/0/schema");
    }
}
