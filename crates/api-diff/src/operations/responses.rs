//! Responses: statuses added or removed, bodies added or removed, media types, and body
//! schemas compared as responses.

use std::collections::BTreeMap;

use refactor_openapi::Pointer;
use refactor_openapi::normalize::is_json_media_type;
use refactor_openapi::resolve;
use refactor_openapi::status::{Status, is_extension};
use serde_json::Value;

use super::{Operation, content, essence};
use crate::catalogue::OperationChange;
use crate::report::{Change, Direction};
use crate::schema::{Documents, Role, compare_schemas};
use crate::site::{Root, Site};

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

pub(super) fn compare_responses(
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
