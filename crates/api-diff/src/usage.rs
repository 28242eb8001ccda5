//! Where each component schema is used: in requests, in responses, and by which operations,
//! following references from component to component. A change inside a component is judged in
//! the directions it is used in.

use std::collections::{BTreeMap, BTreeSet};

use refactor_openapi::naming::method_name;
use refactor_openapi::normalize::operations::operation_addresses;
use refactor_openapi::resolve;
use serde_json::Value;

use crate::report::Direction;

/// How one component is used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Use {
    /// In requests, responses or both.
    pub directions: BTreeSet<Direction>,
    /// By these operations' trait methods and client calls.
    pub operations: BTreeSet<String>,
}

/// How every used component of a document is used, by component name.
pub fn component_uses(document: &Value) -> BTreeMap<String, Use> {
    let references = component_references(document);
    let mut uses: BTreeMap<String, Use> = BTreeMap::new();
    for address in operation_addresses(document) {
        let Some(operation) = document.pointer(address.pointer.as_str()) else {
            continue;
        };
        let method = operation
            .get("operationId")
            .and_then(Value::as_str)
            .map(method_name)
            .unwrap_or_default();
        let mut roots: Vec<(Direction, &Value)> = Vec::new();
        if let Some(parameters) = operation.get("parameters").and_then(Value::as_array) {
            roots.extend(
                parameters
                    .iter()
                    .map(|p| (Direction::Request, resolve::through_references(document, p))),
            );
        }
        if let Some(body) = operation.get("requestBody") {
            roots.push((
                Direction::Request,
                resolve::through_references(document, body),
            ));
        }
        if let Some(responses) = operation.get("responses").and_then(Value::as_object) {
            roots.extend(responses.values().map(|r| {
                (
                    Direction::Response,
                    resolve::through_references(document, r),
                )
            }));
        }
        for (direction, root) in roots {
            let mut pending = Vec::new();
            collect_schema_references(root, &mut pending);
            let mut reached = BTreeSet::new();
            while let Some(name) = pending.pop() {
                if !reached.insert(name.clone()) {
                    continue;
                }
                if let Some(next) = references.get(&name) {
                    pending.extend(next.iter().cloned());
                }
            }
            for name in reached {
                let entry = uses.entry(name).or_default();
                entry.directions.insert(direction);
                entry.operations.insert(method.clone());
            }
        }
    }
    uses
}

/// The components each component schema refers to.
fn component_references(document: &Value) -> BTreeMap<String, Vec<String>> {
    document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .map(|(name, schema)| {
                    let mut names = Vec::new();
                    collect_schema_references(schema, &mut names);
                    (name.clone(), names)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every component schema referred to anywhere inside `value`.
fn collect_schema_references(value: &Value, names: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(name) = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                names.push(name.replace("~1", "/").replace("~0", "~"));
            }
            for child in object.values() {
                collect_schema_references(child, names);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_schema_references(item, names);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn uses_follow_references_between_components() {
        let document = json!({
            "paths": {"/labels": {
                "get": {"operationId": "listLabels", "responses": {"200": {"description": "", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}}},
                "post": {"operationId": "createLabel", "requestBody": {"content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Label"}}}},
                    "responses": {"204": {"description": ""}}}
            }},
            "components": {"schemas": {
                "Page": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Label"}}}},
                "Label": {"type": "object"},
                "Unused": {"type": "object"}
            }}
        });
        let uses = component_uses(&document);
        assert_eq!(
            uses["Label"].directions,
            BTreeSet::from([Direction::Request, Direction::Response])
        );
        assert_eq!(
            uses["Page"].directions,
            BTreeSet::from([Direction::Response])
        );
        assert_eq!(
            uses["Label"].operations,
            BTreeSet::from(["create_label".to_owned(), "list_labels".to_owned()])
        );
        assert!(!uses.contains_key("Unused"));
    }
}
