//! The catalogue: every case of `catalogue/cases.yaml` is one change to `catalogue/base.yaml`,
//! made by overlay actions, normalized as codegen normalizes, and compared. Each case must get
//! the verdicts it expects, and the whole report of every case is pinned in
//! `catalogue/expected.txt` (`EXPECTORATE=overwrite` refreshes it).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use refactor_api_diff::{Report, diff};
use refactor_openapi::overlay::apply_overlay;
use refactor_openapi::{SourceDocument, normalize};
use serde_json::{Value, json};

fn catalogue_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/catalogue")
}

fn read(name: &str) -> Value {
    let path = catalogue_dir().join(name);
    SourceDocument::read(&path)
        .unwrap_or_else(|error| panic!("{error}"))
        .value()
        .clone()
}

/// The base document with a case's actions (`old` or `new`) applied, normalized.
fn document(base: &Value, case: &Value, side: &str) -> Value {
    let mut document = base.clone();
    if let Some(actions) = case.get(side) {
        let overlay = json!({"overlay": "1.0.0", "info": {"title": side, "version": "1"}, "actions": actions});
        apply_overlay(&mut document, &overlay)
            .unwrap_or_else(|error| panic!("{}: {side}: {error}", case["name"]));
    }
    normalize(&document)
        .unwrap_or_else(|error| panic!("{}: {side}: {error}", case["name"]))
        .document
}

/// One case's report, a line per change and per effect.
fn render(name: &str, report: &Report) -> String {
    let mut out = format!("## {name}\n");
    for change in report.changes() {
        let _ = writeln!(
            out,
            "{} [{}]: {}",
            change.verdict.label(),
            change.id,
            change.message
        );
        for effect in &change.effects {
            let _ = writeln!(
                out,
                "    {:?} {:?}: {}",
                effect.party, effect.aspect, effect.reason
            );
        }
    }
    if report.is_empty() {
        out.push_str("no change\n");
    }
    out
}

/// The expectations of a case that its report does not meet.
fn unmet(case: &Value, report: &Report) -> Vec<String> {
    let name = case["name"].as_str().unwrap_or_default();
    match &case["expect"] {
        Value::String(none) if none == "none" => {
            if report.is_empty() {
                Vec::new()
            } else {
                vec![format!("{name}: expected no change")]
            }
        }
        Value::Object(expected) => expected
            .iter()
            .filter_map(|(id, verdict)| {
                let found = report.changes().any(|change| {
                    change.id == *id
                        && serde_json::to_value(change.verdict).ok().as_ref() == Some(verdict)
                });
                (!found).then(|| format!("{name}: expected {id} {verdict}"))
            })
            .collect(),
        other => vec![format!(
            "{name}: `expect` must be `none` or a map, not {other}"
        )],
    }
}

#[test]
fn every_case_gets_its_verdict() {
    let base = read("base.yaml");
    let cases = read("cases.yaml");
    let cases = cases.as_array().expect("a list of cases");
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut output = String::new();
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().expect("a name");
        let report = diff(&document(&base, case, "old"), &document(&base, case, "new"));
        output.push_str(&render(name, &report));
        output.push('\n');
        failures.extend(unmet(case, &report));
    }
    for failure in &failures {
        eprintln!("unmet: {failure}");
    }
    expectorate::assert_contents(catalogue_dir().join("expected.txt"), &output);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_readme_documents_every_id_of_the_catalogue() {
    let readme =
        std::fs::read_to_string(catalogue_dir().join("../../../../README.md")).expect("the README");
    let expected =
        std::fs::read_to_string(catalogue_dir().join("expected.txt")).expect("expected.txt");
    let ids = expected
        .lines()
        .filter_map(|line| line.split_once(" [")?.1.split_once(']'))
        .map(|(id, _)| id.to_owned());
    let undocumented: Vec<String> = ids
        .filter(|id| {
            let schema_change = ["request-", "response-"].iter().find_map(|direction| {
                let rest = id.strip_prefix(direction)?;
                ["parameter-", "body-", "property-", "schema-"]
                    .iter()
                    .find_map(|subject| rest.strip_prefix(subject))
            });
            let documented = readme.contains(&format!("`{id}`"))
                || schema_change.is_some_and(|change| readme.contains(&format!("`…-{change}`")));
            !documented
        })
        .collect();
    assert!(
        undocumented.is_empty(),
        "not in the README: {undocumented:?}"
    );
}
