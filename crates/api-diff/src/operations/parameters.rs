//! Parameters: matched by location and name (path parameters by their position in the path),
//! added, removed, renamed, made required or optional, and their schemas compared as requests.

use std::collections::BTreeMap;

use refactor_openapi::Pointer;
use refactor_openapi::naming::field_name;
use refactor_openapi::resolve;
use serde_json::Value;

use super::Operation;
use crate::catalogue::OperationChange;
use crate::report::{Change, Direction};
use crate::schema::{Documents, Role, compare_schemas};
use crate::site::{Root, Site};

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

pub(super) fn compare_parameters(
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
