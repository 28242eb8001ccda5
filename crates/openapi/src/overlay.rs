//! OpenAPI Overlay 1.0 documents: what a team adds on top of an upstream spec (an operation id,
//! a missing response) without editing it.
//!
//! Each action's `target` is an RFC 9535 JSONPath (via `serde_json_path`); `update` is merged into
//! every node it selects (objects recursively, arrays by appending) and `remove: true` deletes
//! them. Actions apply in order. A target that selects nothing is an error: an overlay that no
//! longer matches its spec should be noticed, not silently ignored.

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::error::SpecError;
use crate::pointer::Pointer;

/// Applies the overlay document `overlay` to `document`.
pub fn apply_overlay(document: &mut Value, overlay: &Value) -> Result<(), SpecError> {
    let root = Pointer::root();
    match overlay.get("overlay").and_then(Value::as_str) {
        Some(version) if version.starts_with("1.") => {}
        Some(version) => {
            return Err(SpecError::unsupported(
                &root.key("overlay"),
                "overlay",
                format!("overlay version {version:?} is not supported (1.0.x is)"),
            ));
        }
        None => {
            return Err(SpecError::unsupported(
                &root,
                "overlay",
                "not an overlay document: no `overlay` version field",
            ));
        }
    }
    let Some(actions) = overlay.get("actions").and_then(Value::as_array) else {
        return Err(SpecError::unsupported(
            &root.key("actions"),
            "actions",
            "an overlay needs a list of actions",
        ));
    };
    for (index, action) in actions.iter().enumerate() {
        apply_action(document, action, &root.key("actions").index(index))?;
    }
    Ok(())
}

fn apply_action(document: &mut Value, action: &Value, at: &Pointer) -> Result<(), SpecError> {
    let target = action
        .get("target")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            SpecError::unsupported(
                &at.key("target"),
                "target",
                "an action needs a JSONPath `target`",
            )
        })?;
    let path = JsonPath::parse(target).map_err(|error| {
        SpecError::unsupported(
            &at.key("target"),
            "target",
            format!("{target:?} is not a JSONPath: {error}"),
        )
    })?;
    let mut pointers: Vec<String> = path
        .query_located(document)
        .locations()
        .map(|location| location.to_json_pointer())
        .collect();
    if pointers.is_empty() {
        return Err(SpecError::unsupported(
            &at.key("target"),
            "target",
            format!("{target:?} selects nothing in the spec; update or remove the action"),
        ));
    }
    let remove = action
        .get("remove")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if remove {
        // Remove from the back, so array indexes selected earlier stay valid.
        pointers.sort_by(|a, b| document_order(a).cmp(&document_order(b)));
        for pointer in pointers.iter().rev() {
            remove_at(document, pointer);
        }
        return Ok(());
    }
    let Some(update) = action.get("update") else {
        return Err(SpecError::unsupported(
            at,
            "action",
            "an action needs `update` or `remove: true`",
        ));
    };
    for pointer in &pointers {
        if let Some(node) = document.pointer_mut(pointer) {
            merge(node, update);
        }
    }
    Ok(())
}

/// A key that sorts pointers in document order: array indexes as numbers (`/tags/2` before
/// `/tags/10`), a node before what it contains.
fn document_order(pointer: &str) -> Vec<(Option<usize>, &str)> {
    pointer
        .split('/')
        .map(|token| (token.parse().ok(), token))
        .collect()
}

/// Merges `update` into `node`: objects key by key (recursively), arrays by appending, also
/// arrays inside a merged object (an update that lists one more parameter adds it; replacing
/// the operation's whole list would drop the others without a word).
fn merge(node: &mut Value, update: &Value) {
    match (node, update) {
        (Value::Object(node), Value::Object(update)) => merge_objects(node, update),
        (Value::Array(node), Value::Array(update)) => node.extend(update.iter().cloned()),
        (Value::Array(node), update) => node.push(update.clone()),
        (node, update) => *node = update.clone(),
    }
}

fn merge_objects(node: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (key, value) in update {
        match node.get_mut(key) {
            Some(existing @ Value::Object(_)) if value.is_object() => merge(existing, value),
            Some(existing @ Value::Array(_)) if value.is_array() => merge(existing, value),
            _ => {
                node.insert(key.clone(), value.clone());
            }
        }
    }
}

fn remove_at(document: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match document.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = key.parse::<usize>()
                && index < items.len()
            {
                items.remove(index);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec() -> Value {
        json!({"paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}, "put": {}}}, "tags": [{"name": "x"}]})
    }

    fn overlay(actions: Value) -> Value {
        json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions})
    }

    #[test]
    fn update_merges_into_every_selected_object() {
        let mut document = spec();
        apply_overlay(
            &mut document,
            &overlay(json!([{"target": "$.paths['/a'].get", "update": {"operationId": "get_a", "responses": {"404": {"description": "no"}}}}])),
        )
        .expect("applied");
        let get = &document["paths"]["/a"]["get"];
        assert_eq!(get["operationId"], "get_a");
        assert_eq!(
            get["responses"]["200"]["description"], "ok",
            "merged, not replaced"
        );
        assert_eq!(get["responses"]["404"]["description"], "no");
    }

    #[test]
    fn update_appends_to_arrays_and_remove_deletes() {
        let mut document = spec();
        apply_overlay(
            &mut document,
            &overlay(json!([
                {"target": "$.tags", "update": {"name": "y"}},
                {"target": "$.paths['/a'].put", "remove": true}
            ])),
        )
        .expect("applied");
        assert_eq!(document["tags"], json!([{"name": "x"}, {"name": "y"}]));
        assert!(document["paths"]["/a"].get("put").is_none());
    }

    #[test]
    fn update_appends_to_arrays_inside_the_target() {
        let mut document = json!({"paths": {"/a": {"get": {"parameters": [{"name": "q"}]}}}});
        apply_overlay(
            &mut document,
            &overlay(json!([{"target": "$.paths['/a'].get", "update": {"parameters": [{"name": "limit"}]}}])),
        )
        .expect("applied");
        assert_eq!(
            document["paths"]["/a"]["get"]["parameters"],
            json!([{"name": "q"}, {"name": "limit"}])
        );
    }

    #[test]
    fn removals_from_one_array_remove_what_was_selected() {
        let mut document = json!({"tags": (0..12).map(|n| json!({"n": n})).collect::<Vec<_>>()});
        apply_overlay(
            &mut document,
            &overlay(json!([{"target": "$.tags[2,10]", "remove": true}])),
        )
        .expect("applied");
        let left: Vec<&Value> = document["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .map(|tag| &tag["n"])
            .collect();
        assert_eq!(left, [0, 1, 3, 4, 5, 6, 7, 8, 9, 11]);
    }

    #[test]
    fn a_target_that_selects_nothing_is_an_error_naming_the_action() {
        let error = apply_overlay(
            &mut spec(),
            &overlay(json!([{"target": "$.nope", "remove": true}])),
        )
        .expect_err("unmatched");
        assert_eq!(
            error.problem().map(|p| p.pointer.as_str()),
            Some("/actions/0/target")
        );
    }

    #[test]
    fn a_document_without_an_overlay_version_is_refused() {
        assert!(apply_overlay(&mut spec(), &json!({"actions": []})).is_err());
    }
}
