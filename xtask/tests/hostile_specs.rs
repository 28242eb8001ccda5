//! Hostile specs against the generator binary: broken YAML, a dangling `$ref`, a `$ref` cycle,
//! duplicate operation ids, Swagger 2.0, an unknown `openapi` version, schemas typify or
//! progenitor reject, a type without values, a pattern no example is found for, aliases of
//! aliases, nesting far too deep, and a 50 MB document. Each ends in a located error or in output, never a panic or a
//! hang; and a failing run leaves the generated tree byte for byte as it was. (Recursive
//! schemas are a fixture, `fixtures/specs/recursive.yaml`, compiled and conformance-tested.)

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longer than any of these may take in a debug build on a slow machine: past it, a hang.
const HANG: Duration = Duration::from_secs(600);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn hostile(name: &str) -> PathBuf {
    root().join("tests/hostile-specs").join(name)
}

/// What a run of the generator did.
struct Outcome {
    success: bool,
    stderr: String,
}

/// `xtask codegen --spec SPEC --out OUT`, killed (and failed) if it takes longer than [`HANG`].
fn generate(spec: &Path, out: &Path) -> Outcome {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("codegen")
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the generator");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the generator") {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            panic!("the generator hung on {}", spec.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = reader.join().expect("stderr reader");
    assert!(
        !stderr.contains("panicked"),
        "the generator panicked on {}:\n{stderr}",
        spec.display()
    );
    Outcome {
        success: status.success(),
        stderr,
    }
}

/// Every file under `dir` and its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read the output tree") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.insert(
                    path.clone(),
                    std::fs::read(&path).expect("read a generated file"),
                );
            }
        }
    }
    files
}

/// A workspace generated from the seed spec, to fail into.
fn generated_workspace(name: &str) -> (tempfile::TempDir, PathBuf) {
    let scratch = tempfile::tempdir().expect("tempdir");
    let out = scratch.path().join(name);
    let seed = generate(&root().join("spec/openapi.yaml"), &out);
    assert!(seed.success, "the seed spec generates: {}", seed.stderr);
    (scratch, out)
}

/// `spec` fails with an error that names `location` (file:line) and says `message`, and leaves
/// a previously generated tree exactly as it was.
fn assert_refused(spec: &Path, location: &str, message: &str) {
    let (_scratch, out) = generated_workspace("workspace");
    let before = tree(&out);
    let outcome = generate(spec, &out);
    assert!(!outcome.success, "{} was accepted", spec.display());
    let first_line = outcome
        .stderr
        .lines()
        .find(|line| line.starts_with("error:"))
        .unwrap_or_default();
    assert!(
        first_line.contains(location),
        "not located at {location}: {}",
        outcome.stderr
    );
    assert!(
        first_line.contains(message),
        "does not say {message:?}: {}",
        outcome.stderr
    );
    assert!(
        tree(&out) == before,
        "a failing run changed the generated tree ({})",
        spec.display()
    );
}

#[test]
fn malformed_yaml_is_a_syntax_error_at_its_line_and_column() {
    assert_refused(
        &hostile("malformed-yaml.yaml"),
        "malformed-yaml.yaml:10:23:",
        "quoted scalar",
    );
}

#[test]
fn a_dangling_ref_is_named_where_it_is() {
    assert_refused(
        &hostile("dangling-ref.yaml"),
        "dangling-ref.yaml:17: at /paths/~1things/get/responses/200/content/application~1json/schema/items/$ref",
        "`#/components/schemas/Thing` names nothing in the document",
    );
}

#[test]
fn duplicate_operation_ids_name_both_operations() {
    assert_refused(
        &hostile("duplicate-operation-ids.yaml"),
        "duplicate-operation-ids.yaml:14: at /paths/~1others/get/operationId",
        "already taken by the operation at /paths/~1things/get",
    );
}

#[test]
fn a_reference_cycle_is_named_where_it_closes() {
    assert_refused(
        &hostile("reference-cycle.yaml"),
        "reference-cycle.yaml:23: at /components/schemas/Filter/allOf/0/$ref",
        "/components/schemas/Filter -> /components/schemas/Filter/allOf/0 -> /components/schemas/Filter comes back to where it started",
    );
}

#[test]
fn swagger_2_is_refused_with_what_to_do() {
    assert_refused(
        &hostile("swagger-2.yaml"),
        "swagger-2.yaml:1: at /swagger",
        "convert the document to OpenAPI 3",
    );
}

#[test]
fn an_unknown_openapi_version_is_refused() {
    assert_refused(
        &hostile("unknown-version.yaml"),
        "unknown-version.yaml:1: at /openapi",
        "\"4.0.0\" is not supported",
    );
}

#[test]
fn a_schema_typify_rejects_is_named_where_it_is() {
    assert_refused(
        &hostile("default-typify-rejects.yaml"),
        "default-typify-rejects.yaml:32: at /components/schemas/Task/properties/level: `schema`",
        "typify cannot convert this schema: type error value does not conform",
    );
}

#[test]
fn a_hoisted_schema_typify_rejects_is_named_where_the_source_has_it() {
    assert_refused(
        &hostile("hoisted-default-typify-rejects.yaml"),
        "hoisted-default-typify-rejects.yaml:13: at /paths/~1tasks/get/parameters/0/schema",
        "typify cannot convert this schema",
    );
}

#[test]
fn a_parameter_progenitor_rejects_is_named_where_it_is() {
    assert_refused(
        &hostile("parameter-progenitor-rejects.yaml"),
        "parameter-progenitor-rejects.yaml:14: at /paths/~1tasks/get/parameters/1: `parameter`",
        "progenitor cannot generate this parameter: unexpected or unhandled format",
    );
}

#[test]
fn a_type_without_values_is_refused_where_its_schema_is() {
    assert_refused(
        &hostile("uninhabited-type.yaml"),
        "uninhabited-type.yaml:22: at /components/schemas/Reading/properties/value",
        "an enum without variants that no value decodes into",
    );
}

#[test]
fn a_pattern_no_example_is_found_for_is_refused_with_what_to_do() {
    assert_refused(
        &hostile("pattern-without-example.yaml"),
        "pattern-without-example.yaml:8: at /paths/~1tasks~1{code}/get",
        "found no string matching \"^(?=x)y$\"; give it an `example`",
    );
}

#[test]
fn aliases_of_aliases_are_refused_before_they_expand() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let spec = scratch.path().join("billion-laughs.yaml");
    let mut text =
        String::from("openapi: 3.0.3\ninfo: {title: laughs, version: '1'}\npaths: {}\nx-laughs:\n");
    text.push_str("  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..12 {
        let aliases = vec![format!("*l{}", level - 1); 10].join(", ");
        text.push_str(&format!("  l{level}: &l{level} [{aliases}]\n"));
    }
    std::fs::write(&spec, text).expect("write");
    assert_refused(
        &spec,
        "billion-laughs.yaml:10:",
        "aliases copy more than 1000000 values",
    );
}

#[test]
fn nesting_far_too_deep_is_refused_where_it_gets_too_deep() {
    let scratch = tempfile::tempdir().expect("tempdir");
    // A schema nested 100,000 objects deep, as JSON on one line and as YAML on many.
    let depth = 100_000;
    let json = scratch.path().join("deep.json");
    let nested = format!(
        "{}{{\"type\": \"string\"}}{}",
        "{\"type\": \"object\", \"properties\": {\"a\": ".repeat(depth),
        "}}".repeat(depth)
    );
    std::fs::write(
        &json,
        format!(r#"{{"openapi": "3.0.3", "info": {{"title": "deep", "version": "1"}}, "paths": {{}}, "components": {{"schemas": {{"Deep": {nested}}}}}}}"#),
    )
    .expect("write");
    // JSON is read by serde_json, whose limit is the same 128.
    assert_refused(&json, "deep.json:1:", "recursion limit exceeded");

    let yaml = scratch.path().join("deep.yaml");
    let mut text = String::from(
        "openapi: 3.0.3\ninfo: {title: deep, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Deep:\n",
    );
    for level in 0..200 {
        let indent = "  ".repeat(level + 3);
        text.push_str(&format!(
            "{indent}type: object\n{indent}properties:\n{indent}  a:\n"
        ));
    }
    std::fs::write(&yaml, text).expect("write");
    assert_refused(&yaml, "deep.yaml:", "nested more than 128 deep");
}

#[test]
fn a_50_mb_document_generates() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let spec = scratch.path().join("big.json");
    // 6,200 operations, each with its own 20-property component schema and long descriptions.
    let mut paths = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    for index in 0..6_200 {
        let properties: serde_json::Map<String, serde_json::Value> = (0..20)
            .map(|field| {
                (
                    format!("field_{field}"),
                    serde_json::json!({"type": "string", "description": "x".repeat(200)}),
                )
            })
            .collect();
        schemas.insert(
            format!("Thing{index}"),
            serde_json::json!({"type": "object", "properties": properties, "description": "d".repeat(1_000)}),
        );
        paths.insert(
            format!("/things{index}/{{id}}"),
            serde_json::json!({"get": {
                "operationId": format!("get_thing_{index}"),
                "description": "y".repeat(2_000),
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": format!("#/components/schemas/Thing{index}")}
                }}}}
            }}),
        );
    }
    let document = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "Big", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": schemas}
    });
    let bytes = serde_json::to_vec(&document).expect("json");
    assert!(bytes.len() > 50_000_000, "{} bytes", bytes.len());
    std::fs::write(&spec, bytes).expect("write");
    let out = scratch.path().join("big");
    let outcome = generate(&spec, &out);
    assert!(outcome.success, "{}", outcome.stderr);
    let client = std::fs::read_to_string(out.join("client/src/generated.rs")).expect("the client");
    assert!(
        client.contains("pub async fn get_thing_6199"),
        "the last operation is generated"
    );
}
