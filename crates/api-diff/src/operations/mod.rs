//! Comparing operations: matched by method and path (path variables by position, so renaming
//! `{id}` to `{run_id}` is no new route), then their ids, parameters, request bodies, responses
//! and security. Schemas met on the way are compared in their direction; components they name
//! are left to the component pass.
//!
//! One module per part of an operation: [`parameters`], [`request_body`], [`responses`],
//! [`security`].

mod parameters;
mod request_body;
mod responses;
mod security;

use std::collections::BTreeMap;

use refactor_openapi::Pointer;
use refactor_openapi::naming::method_name;
use refactor_openapi::normalize::is_json_media_type;
use refactor_openapi::normalize::operations::{OperationAddress, operation_addresses};
use serde_json::{Map, Value};

use crate::catalogue::OperationChange;
use crate::report::{Change, OperationChanges};
use crate::schema::Documents;

/// One side's view of an operation.
struct Operation<'a> {
    address: OperationAddress,
    object: &'a Map<String, Value>,
    operation_id: String,
    method: String,
}

impl<'a> Operation<'a> {
    fn read(document: &'a Value, address: OperationAddress) -> Option<Self> {
        let object = document.pointer(address.pointer.as_str())?.as_object()?;
        let operation_id = object
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Some(Self {
            method: method_name(&operation_id),
            operation_id,
            address,
            object,
        })
    }

    /// The route: method and path, variables by position.
    fn route(&self) -> (String, String) {
        (
            self.address.method.to_owned(),
            route_template(&self.address.path),
        )
    }
}

/// `/runs/{id}/labels` -> `/runs/{}/labels`.
fn route_template(path: &str) -> String {
    let mut template = String::with_capacity(path.len());
    let mut in_variable = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_variable = true;
                template.push('{');
            }
            '}' => {
                in_variable = false;
                template.push('}');
            }
            _ if in_variable => {}
            c => template.push(c),
        }
    }
    template
}

/// Compares every operation; returns the ones that changed, the new document's order first.
pub fn compare_operations(documents: Documents<'_>) -> Vec<OperationChanges> {
    let old_operations: Vec<Operation<'_>> = operation_addresses(documents.old)
        .into_iter()
        .filter_map(|address| Operation::read(documents.old, address))
        .collect();
    let mut old_by_route: BTreeMap<(String, String), &Operation<'_>> = old_operations
        .iter()
        .map(|operation| (operation.route(), operation))
        .collect();
    let context_unchanged = operation_context_unchanged(documents);
    let mut groups = Vec::new();
    for address in operation_addresses(documents.new) {
        let Some(new) = Operation::read(documents.new, address) else {
            continue;
        };
        let changes = match old_by_route.remove(&new.route()) {
            // Schemas it names are compared with the components.
            Some(old) if context_unchanged && old.object == new.object => Vec::new(),
            Some(old) => compare_operation(documents, old, &new),
            None => vec![
                OperationChange::EndpointAdded
                    .into_change(&new.method, new.address.pointer.as_str().to_owned()),
            ],
        };
        push_group(&mut groups, &new, changes);
    }
    for old in old_operations
        .iter()
        .filter(|o| old_by_route.contains_key(&o.route()))
    {
        let removed = OperationChange::EndpointRemoved
            .into_change(&old.method, old.address.pointer.as_str().to_owned());
        push_group(&mut groups, old, vec![removed]);
    }
    groups
}

/// Whether everything an operation reads besides its own object and the component schemas is
/// the same in both documents: the document's security, and the components its `$ref`s name.
fn operation_context_unchanged(documents: Documents<'_>) -> bool {
    let same = |pointer: &str| documents.old.pointer(pointer) == documents.new.pointer(pointer);
    same("/security")
        && [
            "parameters",
            "requestBodies",
            "responses",
            "headers",
            "securitySchemes",
        ]
        .iter()
        .all(|component| same(&format!("/components/{component}")))
}

fn push_group(groups: &mut Vec<OperationChanges>, operation: &Operation<'_>, changes: Vec<Change>) {
    if changes.is_empty() {
        return;
    }
    groups.push(OperationChanges {
        method: operation.address.method.to_ascii_uppercase(),
        path: operation.address.path.clone(),
        operation_id: operation.operation_id.clone(),
        rust_method: operation.method.clone(),
        changes,
    });
}

fn compare_operation(
    documents: Documents<'_>,
    old: &Operation<'_>,
    new: &Operation<'_>,
) -> Vec<Change> {
    let mut changes = Vec::new();
    let method = new.method.as_str();
    let pointer = &new.address.pointer;
    let mut push = |change: OperationChange, at: &Pointer| {
        changes.push(change.into_change(method, at.as_str().to_owned()));
    };
    if old.method != new.method {
        push(
            OperationChange::OperationIdChanged {
                from: old.method.clone(),
            },
            &pointer.key("operationId"),
        );
    }
    let deprecated = |o: &Operation<'_>| o.object.get("deprecated") == Some(&Value::Bool(true));
    if !deprecated(old) && deprecated(new) {
        push(
            OperationChange::EndpointDeprecated,
            &pointer.key("deprecated"),
        );
    }
    let mut schema_changes = Vec::new();
    parameters::compare_parameters(documents, old, new, &mut push, &mut schema_changes);
    request_body::compare_request_bodies(documents, old, new, &mut push, &mut schema_changes);
    responses::compare_responses(documents, old, new, &mut push, &mut schema_changes);
    if let Some(change) = security::compare_security(documents, old, new) {
        push(change, &pointer.key("security"));
    }
    changes.extend(schema_changes);
    changes
}

/// A body's content: its media type and schema, in the one media type normalization leaves
/// for a request, or the JSON one of a response.
fn content(body: &Value) -> Option<(&str, Option<&Value>)> {
    let content = body.get("content")?.as_object()?;
    let (media_type, media) = content
        .iter()
        .find(|(media_type, _)| is_json_media_type(media_type))
        .or_else(|| content.iter().next())?;
    Some((media_type.as_str(), media.get("schema")))
}

/// The part of a media type that says what it is: `application/json; charset=utf-8` ->
/// `application/json`.
fn essence(media_type: &str) -> &str {
    media_type.split(';').next().unwrap_or_default().trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_ignore_variable_names() {
        assert_eq!(
            route_template("/runs/{id}/labels/{label}"),
            "/runs/{}/labels/{}"
        );
    }
}
