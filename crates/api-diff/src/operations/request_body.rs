//! The request body: added, removed, made required or optional, its media type, and its schema
//! compared as a request.

use refactor_openapi::Pointer;
use refactor_openapi::resolve;
use serde_json::Value;

use super::{Operation, content, essence};
use crate::catalogue::OperationChange;
use crate::report::{Change, Direction};
use crate::schema::{Documents, Role, compare_schemas};
use crate::site::{Root, Site};

pub(super) fn compare_request_bodies(
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
