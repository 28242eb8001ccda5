//! Every spec the project knows, against itself, reports nothing; and against a copy without
//! operations, reports each of its operations. Run over the seed, the fixtures and the public
//! corpus (`$REFACTOR_SPEC_CORPUS`, else `../shared/specs`; skipped, saying so, when absent),
//! with the corpus overlays where the corpus needs them.

use std::path::{Path, PathBuf};

use refactor_api_diff::diff;
use refactor_openapi::normalize::operations::operation_addresses;
use refactor_openapi::overlay::apply_overlay;
use refactor_openapi::{SourceDocument, normalize};
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut specs: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json")
        })
        .collect();
    specs.sort();
    specs
}

/// The seed, the fixtures and, when present, the corpus, each normalized as codegen does it
/// (a corpus spec with its overlay from `corpus-overlays/`).
fn normalized_specs() -> Vec<(PathBuf, Value)> {
    let root = root();
    let mut specs = vec![root.join("spec/openapi.yaml")];
    specs.extend(specs_in(&root.join("fixtures/specs")));
    let corpus = std::env::var_os("REFACTOR_SPEC_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/specs"));
    let corpus_specs = specs_in(&corpus);
    if corpus_specs.is_empty() {
        eprintln!(
            "skipping the corpus: no specs in {} (set REFACTOR_SPEC_CORPUS to run it)",
            corpus.display()
        );
    }
    specs.extend(corpus_specs);
    let mut normalized = Vec::new();
    for spec in specs {
        let source = SourceDocument::read(&spec).unwrap_or_else(|e| panic!("{e}"));
        let mut document = source.value().clone();
        let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned());
        let overlay = root.join(format!(
            "corpus-overlays/{}.overlay.yaml",
            stem.unwrap_or_default()
        ));
        if overlay.exists() {
            let overlay = SourceDocument::read(&overlay).unwrap_or_else(|e| panic!("{e}"));
            apply_overlay(&mut document, overlay.value()).unwrap_or_else(|e| panic!("{e}"));
        }
        // Specs the generator refuses have no generated files to compare with.
        if let Ok(done) = normalize(&document) {
            normalized.push((spec, done.document));
        }
    }
    normalized
}

#[test]
fn a_spec_against_itself_reports_nothing() {
    let specs = normalized_specs();
    assert!(specs.len() >= 7, "only {} specs", specs.len());
    for (spec, document) in &specs {
        let report = diff(document, document);
        assert!(
            report.is_empty(),
            "{}:\n{}",
            spec.display(),
            refactor_api_diff::render::text(&report)
        );
    }
}

/// `schema` and every schema inside it with a description set: a change the report ignores,
/// but one that makes every schema differ, so the whole walk runs.
fn describe_schema(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    object.insert("description".into(), json!("edited"));
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        properties.values_mut().for_each(describe_schema);
    }
    for keyword in ["items", "additionalProperties"] {
        if let Some(inner) = object.get_mut(keyword) {
            describe_schema(inner);
        }
    }
    for keyword in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = object.get_mut(keyword) {
            members.iter_mut().for_each(describe_schema);
        }
    }
}

/// The schemas of a request body or response.
fn describe_content(body: &mut Value) {
    if let Some(Value::Object(content)) = body.get_mut("content") {
        for media in content.values_mut() {
            if let Some(schema) = media.get_mut("schema") {
                describe_schema(schema);
            }
        }
    }
}

/// Every operation, parameter, body and schema of `document` with a description set.
fn documentation_edited(document: &Value) -> Value {
    let mut edited = document.clone();
    if let Some(Value::Object(schemas)) = edited.pointer_mut("/components/schemas") {
        schemas.values_mut().for_each(describe_schema);
    }
    for address in operation_addresses(document) {
        let Some(Value::Object(operation)) = edited.pointer_mut(address.pointer.as_str()) else {
            continue;
        };
        operation.insert("description".into(), json!("edited"));
        if let Some(Value::Array(parameters)) = operation.get_mut("parameters") {
            for parameter in parameters {
                parameter["description"] = json!("edited");
                if let Some(schema) = parameter.get_mut("schema") {
                    describe_schema(schema);
                }
            }
        }
        if let Some(Value::Object(responses)) = operation.get_mut("responses") {
            responses.values_mut().for_each(describe_content);
        }
        if let Some(body) = operation.get_mut("requestBody") {
            describe_content(body);
        }
    }
    edited
}

#[test]
fn documentation_edits_report_nothing() {
    for (spec, document) in normalized_specs() {
        let edited = documentation_edited(&document);
        assert_ne!(edited, document, "{}", spec.display());
        let report = diff(&document, &edited);
        assert!(
            report.is_empty(),
            "{}:\n{}",
            spec.display(),
            refactor_api_diff::render::text(&report)
        );
    }
}

#[test]
fn against_a_copy_without_operations_every_operation_is_added() {
    for (spec, document) in normalized_specs() {
        let mut without = document.clone();
        without["paths"] = json!({});
        let report = diff(&without, &document);
        let added = report
            .changes()
            .filter(|change| change.id == "endpoint-added")
            .count();
        assert_eq!(
            added,
            operation_addresses(&document).len(),
            "{}",
            spec.display()
        );
    }
}
