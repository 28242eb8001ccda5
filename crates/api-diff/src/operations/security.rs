//! Security: the ways to authenticate an operation accepts (its own requirements, or the
//! document's), compared as sets.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Operation;
use crate::catalogue::{ANONYMOUS, OperationChange};
use crate::schema::Documents;

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

pub(super) fn compare_security(
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
