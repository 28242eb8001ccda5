//! What changed between two normalized OpenAPI documents, and whom it breaks: the report
//! `cargo xtask codegen` prints before it writes, and `cargo xtask api-diff` prints for any two
//! specs.
//!
//! Both documents are normalized by the caller (`refactor-openapi`), so the comparison sees what
//! the generator sees. The steps are modules:
//! - [`operations`]: operations matched by route; their ids, parameters, bodies, responses and
//!   security compared; the schemas met there compared in their direction;
//! - [`usage`]: where each component schema is used (requests, responses, which operations);
//! - [`schema`]: two schemas keyword by keyword; a reference to one component on both sides ends
//!   the walk, so every component is compared once ([`diff`]), in the directions it is used in;
//! - [`catalogue`]: every kind of change, its stable id and its verdict, in the terms of the
//!   generated crates ([`rust_type`] says when a Rust type changes, [`site`] names the item);
//! - [`version`]: whether `info.version` announces a breaking change;
//! - [`report`] is the result (and the JSON format), [`render`] its text and Markdown forms.

pub mod catalogue;
pub mod operations;
pub mod render;
pub mod report;
pub mod rust_type;
pub mod schema;
pub mod site;
pub mod usage;
pub mod version;

use std::collections::BTreeSet;

use refactor_openapi::Pointer;
use refactor_openapi::naming::type_name;
use serde_json::Value;

pub use report::{
    Aspect, Change, Direction, Effect, FORMAT, OperationChanges, Party, Report, SchemaChanges,
    Verdict, VersionCheck, VersionOutcome,
};

use crate::catalogue::ComponentChange;
use crate::schema::{Documents, Role, compare_schemas};
use crate::site::{Root, Site};

/// Compares two normalized documents.
pub fn diff(old: &Value, new: &Value) -> Report {
    let documents = Documents { old, new };
    let operations = operations::compare_operations(documents);
    let schemas = compare_components(documents);
    let security_schemes = compare_security_schemes(old, new);
    let mut report = Report {
        format: FORMAT,
        breaking: false,
        operations,
        schemas,
        security_schemes,
        version: None,
    };
    let breaking = report.changes().any(|c| c.verdict.is_breaking());
    report.breaking = breaking;
    if report.breaking {
        report.version = Some(version::check_version(old, new));
    }
    report
}

fn schema_names(document: &Value) -> BTreeSet<&str> {
    document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// Every component schema, once: added, removed, or compared in the directions both documents
/// use it in.
fn compare_components(documents: Documents<'_>) -> Vec<SchemaChanges> {
    let old_uses = usage::component_uses(documents.old);
    let new_uses = usage::component_uses(documents.new);
    let old_names = schema_names(documents.old);
    let new_names = schema_names(documents.new);
    let schemas = Pointer::root().key("components").key("schemas");
    let mut groups = Vec::new();
    for name in old_names.union(&new_names) {
        let pointer = schemas.key(name);
        let old_use = old_uses.get(*name).cloned().unwrap_or_default();
        let new_use = new_uses.get(*name).cloned().unwrap_or_default();
        let mut directions: BTreeSet<Direction> = old_use
            .directions
            .intersection(&new_use.directions)
            .copied()
            .collect();
        if directions.is_empty() {
            // Used on one side only, or by no operation: its Rust type may still be named
            // anywhere, so judge it both ways.
            directions = BTreeSet::from([Direction::Request, Direction::Response]);
        }
        let changes = match (old_names.contains(name), new_names.contains(name)) {
            (true, true) => {
                let (Some(old), Some(new)) = (
                    documents.old.pointer(pointer.as_str()),
                    documents.new.pointer(pointer.as_str()),
                ) else {
                    continue;
                };
                if old == new {
                    continue;
                }
                let site = Site::at(Root::Component((*name).to_owned()), pointer.clone());
                let findings = compare_schemas(
                    documents,
                    &site,
                    &pointer,
                    old,
                    new,
                    Role { required: None },
                );
                findings
                    .into_iter()
                    .flat_map(|finding| {
                        directions
                            .iter()
                            .map(move |direction| finding.clone().into_change(*direction))
                    })
                    .collect()
            }
            (false, _) => vec![
                ComponentChange::SchemaAdded((*name).to_owned())
                    .into_change(pointer.as_str().to_owned()),
            ],
            (_, false) => vec![
                ComponentChange::SchemaRemoved((*name).to_owned())
                    .into_change(pointer.as_str().to_owned()),
            ],
        };
        if changes.is_empty() {
            continue;
        }
        let mut used_by: Vec<String> = old_use
            .operations
            .union(&new_use.operations)
            .cloned()
            .collect();
        used_by.retain(|method| !method.is_empty());
        groups.push(SchemaChanges {
            name: (*name).to_owned(),
            rust_type: type_name(name),
            directions: directions.into_iter().collect(),
            used_by,
            changes,
        });
    }
    groups
}

/// Security schemes added, removed or changed (descriptions and `bearerFormat`, which the
/// specification calls documentation, aside).
fn compare_security_schemes(old: &Value, new: &Value) -> Vec<Change> {
    let schemes = |document: &Value| {
        document
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (old_schemes, new_schemes) = (schemes(old), schemes(new));
    let pointer = Pointer::root().key("components").key("securitySchemes");
    let without_description = |scheme: &Value| {
        let mut scheme = scheme.clone();
        if let Some(object) = scheme.as_object_mut() {
            object.remove("description");
            object.remove("bearerFormat");
        }
        scheme
    };
    let mut changes = Vec::new();
    for (name, old_scheme) in &old_schemes {
        let change = match new_schemes.get(name) {
            None => ComponentChange::SecuritySchemeRemoved(name.clone()),
            Some(new_scheme)
                if without_description(old_scheme) != without_description(new_scheme) =>
            {
                ComponentChange::SecuritySchemeChanged(name.clone())
            }
            Some(_) => continue,
        };
        changes.push(change.into_change(pointer.key(name).as_str().to_owned()));
    }
    for name in new_schemes.keys().filter(|n| !old_schemes.contains_key(*n)) {
        changes.push(
            ComponentChange::SecuritySchemeAdded(name.clone())
                .into_change(pointer.key(name).as_str().to_owned()),
        );
    }
    changes
}
