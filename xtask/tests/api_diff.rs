//! `cargo xtask api-diff` and the report `cargo xtask codegen --spec/--out` prints, run as the
//! binary, on the seed spec and edits of it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("xtask runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The seed spec with `edit` applied to its text, in `dir`.
fn edited_seed(dir: &Path, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let seed = std::fs::read_to_string(root().join("spec/openapi.yaml")).expect("the seed");
    let path = dir.join(name);
    std::fs::write(&path, edit(seed)).expect("written");
    path
}

/// The seed without `updated_by`: a breaking change for clients and servers.
fn seed_without_updated_by(dir: &Path, version: &str) -> PathBuf {
    edited_seed(dir, &format!("without-updated-by-{version}.yaml"), |seed| {
        seed.replace(
            "        updated_by:\n          type: string\n          nullable: true\n          description: ID of the user who last updated the gold label\n",
            "",
        )
        .replace("  version: 1.0.0", &format!("  version: {version}"))
    })
}

fn path_text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

#[test]
fn a_spec_against_itself_has_no_changes() {
    let output = xtask(&["api-diff", "spec/openapi.yaml", "spec/openapi.yaml"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "no API changes\n");
}

#[test]
fn fail_on_breaking_fails_on_a_removed_property() {
    let dir = tempfile::tempdir().expect("a scratch dir");
    let new = seed_without_updated_by(dir.path(), "1.0.0");
    let output = xtask(&[
        "api-diff",
        "spec/openapi.yaml",
        path_text(&new),
        "--fail-on",
        "breaking",
    ]);
    assert!(!output.status.success());
    assert!(
        stdout(&output).contains("[response-property-removed]"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("--fail-on breaking"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn fail_on_unannounced_accepts_a_breaking_change_with_a_major_bump() {
    let dir = tempfile::tempdir().expect("a scratch dir");
    let bumped = seed_without_updated_by(dir.path(), "2.0.0");
    let output = xtask(&[
        "api-diff",
        "spec/openapi.yaml",
        path_text(&bumped),
        "--fail-on",
        "unannounced",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let unbumped = seed_without_updated_by(dir.path(), "1.1.0");
    let output = xtask(&[
        "api-diff",
        "spec/openapi.yaml",
        path_text(&unbumped),
        "--fail-on",
        "unannounced",
    ]);
    assert!(!output.status.success());
}

#[test]
fn the_json_report_names_each_change_with_its_id_and_verdict() {
    let dir = tempfile::tempdir().expect("a scratch dir");
    let new = seed_without_updated_by(dir.path(), "1.0.0");
    let output = xtask(&[
        "api-diff",
        "spec/openapi.yaml",
        path_text(&new),
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["format"], "refactor-api-diff/1");
    let schema = &report["schemas"][0];
    assert_eq!(schema["name"], "RunGoldLabel");
    let change = &schema["changes"][0];
    assert_eq!(change["id"], "response-property-removed");
    assert_eq!(change["verdict"], "breaking-for-clients-and-servers");
    assert_eq!(
        change["pointer"],
        "/components/schemas/RunGoldLabel/properties/updated_by"
    );
    assert_eq!(report["version"]["outcome"], "not-bumped");
}

#[test]
fn the_markdown_report_is_a_table_per_group() {
    let dir = tempfile::tempdir().expect("a scratch dir");
    let new = seed_without_updated_by(dir.path(), "1.0.0");
    let output = xtask(&[
        "api-diff",
        "spec/openapi.yaml",
        path_text(&new),
        "--format",
        "markdown",
    ]);
    let markdown = stdout(&output);
    assert!(markdown.starts_with("### API changes\n"), "{markdown}");
    assert!(
        markdown.contains("| breaking for clients and servers | property `updated_by` of `RunGoldLabel` removed<br>`response-property-removed` |"),
        "{markdown}"
    );
}

#[test]
fn an_unreadable_spec_is_a_located_error() {
    let output = xtask(&[
        "api-diff",
        "spec/openapi.yaml",
        "tests/hostile-specs/malformed-yaml.yaml",
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("tests/hostile-specs/malformed-yaml.yaml:"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_checked_in_types_file_stands_for_the_spec_it_came_from() {
    let output = xtask(&[
        "api-diff",
        "crates/types/src/generated.rs",
        "spec/openapi.yaml",
        "--new-overlay",
        "spec/overlay.yaml",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "no API changes\n");
}

#[test]
fn standalone_codegen_reports_changes_only_when_the_spec_changed() {
    let dir = tempfile::tempdir().expect("a scratch dir");
    let out = dir.path().join("workspace");
    let out = path_text(&out);
    let first = xtask(&["codegen", "--spec", "spec/openapi.yaml", "--out", out]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        !stderr(&first).contains("API changes"),
        "{}",
        stderr(&first)
    );
    let again = xtask(&[
        "codegen",
        "--spec",
        "spec/openapi.yaml",
        "--out",
        out,
        "--check",
    ]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        !stderr(&again).contains("API changes"),
        "{}",
        stderr(&again)
    );
    let changed = seed_without_updated_by(dir.path(), "1.0.0");
    let check = xtask(&[
        "codegen",
        "--spec",
        path_text(&changed),
        "--out",
        out,
        "--check",
    ]);
    assert!(!check.status.success(), "stale files fail the check");
    let report = stderr(&check);
    assert!(
        report.contains("API changes since types/src/generated.rs was generated"),
        "{report}"
    );
    assert!(report.contains("[response-property-removed]"), "{report}");
    assert!(
        report.contains("warning: breaking changes without a major version bump"),
        "{report}"
    );
}

#[test]
fn the_readme_shows_the_report_the_tool_prints() {
    let dir = tempfile::tempdir().expect("a scratch dir");
    let changed = edited_seed(dir.path(), "confidence.yaml", |seed| {
        seed.replace(
            "        updated_by:\n          type: string\n          nullable: true\n          description: ID of the user who last updated the gold label\n",
            "        confidence:\n          type: number\n          format: double\n          nullable: true\n          description: How sure the labeller was, from 0 to 1\n",
        )
    });
    let output = xtask(&[
        "api-diff",
        "crates/types/src/generated.rs",
        path_text(&changed),
        "--new-overlay",
        "spec/overlay.yaml",
    ]);
    let readme = std::fs::read_to_string(root().join("README.md")).expect("the README");
    let shown = format!(
        "API changes since crates/types/src/generated.rs was generated:\n{}",
        stdout(&output)
    );
    assert!(readme.contains(&shown), "the README should show:\n{shown}");
}
