//! Comparing operations: matched by method and path (path variables by position, so renaming
//! `{id}` to `{run_id}` is no new route), then their ids, parameters, request bodies, responses
//! and security. Schemas met on the way are compared in their direction; components they name
//! are left to the component pass.

use std::collections::{BTreeMap, BTreeSet};

use refactor_openapi::Pointer;
use refactor_openapi::naming::{field_name, method_name};
use refactor_openapi::normalize::is_json_media_type;
use refactor_openapi::normalize::operations::{OperationAddress, operation_addresses};
use refactor_openapi::resolve;
use refactor_openapi::status::{Status, is_extension};
use serde_json::{Map, Value};

use crate::catalogue::{ANONYMOUS, OperationChange};
use crate::report::{Change, Direction, OperationChanges};
use crate::schema::{Documents, Role, compare_schemas};
use crate::site::{Root, Site};

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
    compare_parameters(documents, old, new, &mut push, &mut schema_changes);
    compare_request_bodies(documents, old, new, &mut push, &mut schema_changes);
    compare_responses(documents, old, new, &mut push, &mut schema_changes);
    if let Some(change) = compare_security(documents, old, new) {
        push(change, &pointer.key("security"));
    }
    changes.extend(schema_changes);
    changes
}

/// A parameter: its key (location, and name or position in the path), the object, its index.
struct Parameter<'a> {
    location: String,
    name: String,
    object: &'a Value,
    index: usize,
}

fn parameters<'a>(
    document: &'a Value,
    operation: &Operation<'a>,
) -> BTreeMap<(String, String), Parameter<'a>> {
    let variables: Vec<&str> = operation
        .address
        .path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split('}').next())
        .collect();
    let mut by_key = BTreeMap::new();
    let Some(list) = operation.object.get("parameters").and_then(Value::as_array) else {
        return by_key;
    };
    for (index, parameter) in list.iter().enumerate() {
        let object = resolve::through_references(document, parameter);
        let name = object
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let location = object.get("in").and_then(Value::as_str).unwrap_or_default();
        let key = match variables.iter().position(|v| *v == name) {
            Some(position) if location == "path" => format!("#{position}"),
            _ => name.to_owned(),
        };
        by_key.insert(
            (location.to_owned(), key),
            Parameter {
                location: location.to_owned(),
                name: name.to_owned(),
                object,
                index,
            },
        );
    }
    by_key
}

fn is_required(parameter: &Parameter<'_>) -> bool {
    parameter.location == "path" || parameter.object.get("required") == Some(&Value::Bool(true))
}

fn compare_parameters(
    documents: Documents<'_>,
    old: &Operation<'_>,
    new: &Operation<'_>,
    push: &mut impl FnMut(OperationChange, &Pointer),
    schema_changes: &mut Vec<Change>,
) {
    let old_parameters = parameters(documents.old, old);
    let new_parameters = parameters(documents.new, new);
    let has_location = |parameters: &BTreeMap<(String, String), Parameter<'_>>, location: &str| {
        parameters.values().any(|p| p.location == location)
    };
    let label = |p: &Parameter<'_>| format!("{} parameter `{}`", p.location, p.name);
    let parameters_struct =
        |p: &Parameter<'_>| Root::parameters_struct(&new.operation_id, &p.location);
    let old_list = old.address.pointer.key("parameters");
    let new_list = new.address.pointer.key("parameters");
    for (key, parameter) in &old_parameters {
        if new_parameters.contains_key(key) {
            continue;
        }
        push(
            OperationChange::ParameterRemoved {
                label: label(parameter),
                field: format!(
                    "{}::{}",
                    Root::parameters_struct(&old.operation_id, &parameter.location),
                    field_name(&parameter.name)
                ),
                struct_gone: !has_location(&new_parameters, &parameter.location),
            },
            &old_list.index(parameter.index),
        );
    }
    for (key, parameter) in &new_parameters {
        let at = new_list.index(parameter.index);
        let Some(old_parameter) = old_parameters.get(key) else {
            push(
                OperationChange::ParameterAdded {
                    label: label(parameter),
                    field: field_name(&parameter.name),
                    required: is_required(parameter),
                    new_struct: (!has_location(&old_parameters, &parameter.location))
                        .then(|| parameters_struct(parameter)),
                },
                &at,
            );
            continue;
        };
        let field = format!(
            "{}::{}",
            parameters_struct(parameter),
            field_name(&parameter.name)
        );
        if field_name(&old_parameter.name) != field_name(&parameter.name) {
            let from = format!(
                "{}::{}",
                Root::parameters_struct(&old.operation_id, &old_parameter.location),
                field_name(&old_parameter.name)
            );
            push(
                OperationChange::ParameterRenamed {
                    from,
                    to: field.clone(),
                },
                &at,
            );
        }
        match (is_required(old_parameter), is_required(parameter)) {
            (false, true) => push(
                OperationChange::ParameterBecameRequired {
                    label: label(parameter),
                    field,
                },
                &at,
            ),
            (true, false) => push(
                OperationChange::ParameterBecameOptional {
                    label: label(parameter),
                    field,
                },
                &at,
            ),
            _ => {}
        }
        let site = Site::at(
            Root::Parameter {
                location: parameter.location.clone(),
                name: parameter.name.clone(),
                method: new.method.clone(),
                parameters_struct: parameters_struct(parameter),
            },
            at.key("schema"),
        );
        let any = Value::Bool(true);
        let findings = compare_schemas(
            documents,
            &site,
            &old_list.index(old_parameter.index).key("schema"),
            old_parameter.object.get("schema").unwrap_or(&any),
            parameter.object.get("schema").unwrap_or(&any),
            Role {
                required: Some(is_required(parameter)),
            },
        );
        schema_changes.extend(
            findings
                .into_iter()
                .map(|finding| finding.into_change(Direction::Request)),
        );
    }
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

fn compare_request_bodies(
    documents: Documents<'_>,
    old: &Operation<'_>,
    new: &Operation<'_>,
    push: &mut impl FnMut(OperationChange, &Pointer),
    schema_changes: &mut Vec<Change>,
) {
    let body = |document: &'_ Value, operation: &Operation<'_>| -> Option<Value> {
        let body = operation.object.get("requestBody")?;
        Some(resolve::through_references(document, body).clone())
    };
    let at = new.address.pointer.key("requestBody");
    let required = |body: &Value| body.get("required") == Some(&Value::Bool(true));
    match (body(documents.old, old), body(documents.new, new)) {
        (None, None) => {}
        (None, Some(new_body)) => push(
            OperationChange::RequestBodyAdded {
                required: required(&new_body),
            },
            &at,
        ),
        (Some(_), None) => push(
            OperationChange::RequestBodyRemoved,
            &old.address.pointer.key("requestBody"),
        ),
        (Some(old_body), Some(new_body)) => {
            match (required(&old_body), required(&new_body)) {
                (false, true) => push(OperationChange::RequestBodyBecameRequired, &at),
                (true, false) => push(OperationChange::RequestBodyBecameOptional, &at),
                _ => {}
            }
            let (Some((old_type, old_schema)), Some((new_type, new_schema))) =
                (content(&old_body), content(&new_body))
            else {
                return;
            };
            if essence(old_type) != essence(new_type) {
                push(
                    OperationChange::RequestBodyMediaTypeChanged {
                        from: old_type.to_owned(),
                        to: new_type.to_owned(),
                    },
                    &at.key("content"),
                );
                return;
            }
            let site = Site::at(
                Root::RequestBody {
                    method: new.method.clone(),
                },
                at.key("content").key(new_type).key("schema"),
            );
            let any = Value::Bool(true);
            let findings = compare_schemas(
                documents,
                &site,
                &old.address
                    .pointer
                    .key("requestBody")
                    .key("content")
                    .key(old_type)
                    .key("schema"),
                old_schema.unwrap_or(&any),
                new_schema.unwrap_or(&any),
                Role { required: None },
            );
            schema_changes.extend(
                findings
                    .into_iter()
                    .map(|finding| finding.into_change(Direction::Request)),
            );
        }
    }
}

fn responses<'a>(document: &'a Value, operation: &Operation<'a>) -> BTreeMap<String, &'a Value> {
    operation
        .object
        .get("responses")
        .and_then(Value::as_object)
        .map(|responses| {
            responses
                .iter()
                .filter(|(key, _)| !is_extension(key))
                .map(|(key, response)| {
                    (key.clone(), resolve::through_references(document, response))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn compare_responses(
    documents: Documents<'_>,
    old: &Operation<'_>,
    new: &Operation<'_>,
    push: &mut impl FnMut(OperationChange, &Pointer),
    schema_changes: &mut Vec<Change>,
) {
    let old_responses = responses(documents.old, old);
    let new_responses = responses(documents.new, new);
    let success = |status: &str| Status::parse(status).is_some_and(Status::is_success);
    let old_at = old.address.pointer.key("responses");
    let new_at = new.address.pointer.key("responses");
    for status in old_responses
        .keys()
        .filter(|s| !new_responses.contains_key(*s))
    {
        push(
            OperationChange::ResponseStatusRemoved {
                status: status.clone(),
                success: success(status),
            },
            &old_at.key(status),
        );
    }
    for (status, new_response) in &new_responses {
        let at = new_at.key(status);
        let Some(old_response) = old_responses.get(status) else {
            push(
                OperationChange::ResponseStatusAdded {
                    status: status.clone(),
                    success: success(status),
                },
                &at,
            );
            continue;
        };
        let status = status.clone();
        match (content(old_response), content(new_response)) {
            (None, None) => {}
            (None, Some(_)) => push(OperationChange::ResponseBodyAdded { status }, &at),
            (Some(_), None) => push(OperationChange::ResponseBodyRemoved { status }, &at),
            (Some((old_type, old_schema)), Some((new_type, new_schema))) => {
                let kind = |media_type: &str| {
                    if is_json_media_type(media_type) {
                        "json".to_owned()
                    } else {
                        essence(media_type).to_owned()
                    }
                };
                if kind(old_type) != kind(new_type) {
                    push(
                        OperationChange::ResponseMediaTypeChanged {
                            status,
                            from: old_type.to_owned(),
                            to: new_type.to_owned(),
                        },
                        &at.key("content"),
                    );
                    continue;
                }
                let site = Site::at(
                    Root::ResponseBody {
                        method: new.method.clone(),
                        status: status.clone(),
                    },
                    at.key("content").key(new_type).key("schema"),
                );
                let any = Value::Bool(true);
                let findings = compare_schemas(
                    documents,
                    &site,
                    &old_at
                        .key(&status)
                        .key("content")
                        .key(old_type)
                        .key("schema"),
                    old_schema.unwrap_or(&any),
                    new_schema.unwrap_or(&any),
                    Role { required: None },
                );
                schema_changes.extend(
                    findings
                        .into_iter()
                        .map(|finding| finding.into_change(Direction::Response)),
                );
            }
        }
    }
}

/// The ways to authenticate an operation accepts: one entry per security requirement (an
/// alternative), naming its schemes and scopes; [`ANONYMOUS`] for an empty one or none at all.
fn security_alternatives(document: &Value, operation: &Operation<'_>) -> BTreeSet<String> {
    let requirements = operation
        .object
        .get("security")
        .or_else(|| document.get("security"))
        .and_then(Value::as_array);
    let Some(requirements) = requirements else {
        return BTreeSet::from([ANONYMOUS.to_owned()]);
    };
    if requirements.is_empty() {
        return BTreeSet::from([ANONYMOUS.to_owned()]);
    }
    requirements
        .iter()
        .filter_map(Value::as_object)
        .map(|requirement| {
            if requirement.is_empty() {
                return ANONYMOUS.to_owned();
            }
            let mut schemes: Vec<String> = requirement
                .iter()
                .map(|(scheme, scopes)| {
                    let mut scopes: Vec<&str> = scopes
                        .as_array()
                        .map(|s| s.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    scopes.sort_unstable();
                    if scopes.is_empty() {
                        format!("`{scheme}`")
                    } else {
                        format!("`{scheme}` (scopes {})", scopes.join(", "))
                    }
                })
                .collect();
            schemes.sort();
            schemes.join(" + ")
        })
        .collect()
}

fn compare_security(
    documents: Documents<'_>,
    old: &Operation<'_>,
    new: &Operation<'_>,
) -> Option<OperationChange> {
    let old_alternatives = security_alternatives(documents.old, old);
    let new_alternatives = security_alternatives(documents.new, new);
    if old_alternatives == new_alternatives {
        return None;
    }
    Some(OperationChange::SecurityChanged {
        removed: old_alternatives
            .difference(&new_alternatives)
            .cloned()
            .collect(),
        added: new_alternatives
            .difference(&old_alternatives)
            .cloned()
            .collect(),
    })
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
