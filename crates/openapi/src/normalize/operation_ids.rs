//! Operation ids: progenitor needs one per operation and names client methods after them; dropshot
//! names trait methods after them. Missing ids are derived from the operation's own method and
//! path, so adding an operation never renames another.

use std::collections::BTreeMap;

use serde_json::Value;

use super::operations::operation_addresses;
use crate::error::SpecError;
use crate::naming::method_name;
use crate::pointer::Pointer;

/// Gives every operation an `operationId` and checks that the ids stay distinct as Rust names.
pub(crate) fn assign_operation_ids(document: &mut Value) -> Result<(), SpecError> {
    let mut seen: BTreeMap<String, Pointer> = BTreeMap::new();
    for address in operation_addresses(document) {
        let Some(Value::Object(operation)) = document.pointer_mut(address.pointer.as_str()) else {
            continue;
        };
        let id_pointer = address.pointer.key("operationId");
        let id = match operation.get("operationId") {
            Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
            Some(Value::String(_)) | None => {
                let derived = derive_operation_id(address.method, &address.path);
                operation.insert("operationId".to_owned(), Value::String(derived.clone()));
                derived
            }
            Some(_) => {
                return Err(SpecError::unsupported(
                    &id_pointer,
                    "operationId",
                    "an operation id must be a string",
                ));
            }
        };
        let rust_name = method_name(&id);
        if let Some(first) = seen.get(&rust_name) {
            return Err(SpecError::unsupported(
                &id_pointer,
                "operationId",
                format!(
                    "{id:?} is the Rust name `{rust_name}`, already taken by the operation at {first}; \
                     give one of them another operationId in spec/overlay.yaml"
                ),
            ));
        }
        seen.insert(rust_name, address.pointer.clone());
    }
    Ok(())
}

/// `GET /v1/run/{id}/gold-labels` -> `list_run_gold_labels`.
///
/// The verb comes from the method (a GET of a collection lists, of an item gets); the noun from
/// the path's literal segments, without version prefixes such as `v1`.
pub fn derive_operation_id(method: &str, path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let is_parameter = |segment: &str| segment.starts_with('{') && segment.ends_with('}');
    let ends_with_parameter = segments.last().is_some_and(|s| is_parameter(s));
    let verb = match method {
        "get" if ends_with_parameter || segments.is_empty() => "get",
        "get" => "list",
        "post" => "create",
        "put" => "replace",
        "patch" => "update",
        other => other,
    };
    let nouns: Vec<&str> = segments
        .iter()
        .copied()
        .filter(|s| !is_parameter(s) && !is_version_segment(s))
        .collect();
    let noun = if nouns.is_empty() {
        "root".to_owned()
    } else {
        nouns.join("_")
    };
    method_name(&format!("{verb}_{noun}"))
}

/// `v1`, `v2`, `V10`: an API version prefix, not a resource.
fn is_version_segment(segment: &str) -> bool {
    let mut chars = segment.chars();
    matches!(chars.next(), Some('v' | 'V'))
        && segment.len() > 1
        && chars.all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn seed_operation_is_list_run_gold_labels() {
        assert_eq!(
            derive_operation_id("get", "/v1/run/{id}/gold-labels"),
            "list_run_gold_labels"
        );
    }

    #[test]
    fn verbs_follow_method_and_item_or_collection() {
        assert_eq!(derive_operation_id("get", "/v1/run/{id}"), "get_run");
        assert_eq!(derive_operation_id("post", "/pets"), "create_pets");
        assert_eq!(derive_operation_id("put", "/pets/{petId}"), "replace_pets");
        assert_eq!(derive_operation_id("patch", "/pets/{petId}"), "update_pets");
        assert_eq!(
            derive_operation_id("delete", "/pets/{petId}"),
            "delete_pets"
        );
        assert_eq!(derive_operation_id("get", "/"), "get_root");
        assert_eq!(
            derive_operation_id("get", "/admin/userList.json"),
            "list_admin_user_list_json"
        );
    }

    #[test]
    fn existing_ids_are_kept_and_missing_ones_derived() {
        let mut document = json!({"paths": {"/a": {
            "get": {"operationId": "fetchA"},
            "post": {}
        }}});
        assign_operation_ids(&mut document).expect("assigned");
        assert_eq!(document["paths"]["/a"]["get"]["operationId"], "fetchA");
        assert_eq!(document["paths"]["/a"]["post"]["operationId"], "create_a");
    }

    #[test]
    fn ids_equal_as_rust_names_are_refused_with_both_places() {
        let mut document = json!({"paths": {
            "/a": {"get": {"operationId": "getThing"}},
            "/b": {"get": {"operationId": "get_thing"}}
        }});
        let error = assign_operation_ids(&mut document).expect_err("collision");
        let message = error.to_string();
        assert!(message.contains("/paths/~1b/get/operationId"), "{message}");
        assert!(message.contains("/paths/~1a/get"), "{message}");
        assert!(message.contains("overlay"), "{message}");
    }
}
