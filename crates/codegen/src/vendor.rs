//! The one library of ours a standalone workspace needs, `refactor-openapi` (its conformance test
//! compares the trait with the spec through it), vendored into the workspace as source.
//!
//! The crate's sources are embedded in the generator when it is built, and its manifest is
//! rewritten to stand alone: every `workspace = true` is replaced by what this workspace's
//! manifest says. So a generated workspace depends on nothing but the registry: it can be
//! committed into another repository and moved to another machine.

use std::path::PathBuf;

use anyhow::{Context as _, anyhow};
use include_dir::{Dir, DirEntry, include_dir};
use toml::{Table, Value};

use crate::write::OutputFile;

/// `crates/openapi`, as it was when the generator was built.
static OPENAPI_CRATE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../openapi");

/// This workspace's manifest: the versions and settings members inherit.
pub const WORKSPACE_MANIFEST: &str = include_str!("../../../Cargo.toml");

/// The vendored crate's package name.
pub const OPENAPI_PACKAGE: &str = "refactor-openapi";

/// Where the vendored crate goes, relative to the generated workspace's root.
pub const OPENAPI_DIR: &str = "vendor/refactor-openapi";

/// The files of the vendored `refactor-openapi`: its standalone manifest and its sources.
pub fn openapi_files(banner: &str) -> anyhow::Result<Vec<OutputFile>> {
    let manifest = OPENAPI_CRATE
        .get_file("Cargo.toml")
        .and_then(|file| file.contents_utf8())
        .context("the embedded refactor-openapi has no Cargo.toml")?;
    let mut files = vec![OutputFile {
        path: PathBuf::from(OPENAPI_DIR).join("Cargo.toml"),
        contents: format!(
            "{banner}{}",
            standalone_manifest(manifest, WORKSPACE_MANIFEST)?
        ),
    }];
    let sources = OPENAPI_CRATE
        .get_dir("src")
        .context("the embedded refactor-openapi has no src/")?;
    collect_sources(sources, &mut files)?;
    Ok(files)
}

fn collect_sources(dir: &Dir<'_>, files: &mut Vec<OutputFile>) -> anyhow::Result<()> {
    for entry in dir.entries() {
        match entry {
            DirEntry::Dir(dir) => collect_sources(dir, files)?,
            DirEntry::File(file) => {
                let contents = file
                    .contents_utf8()
                    .with_context(|| format!("{} is not UTF-8", file.path().display()))?;
                files.push(OutputFile {
                    path: PathBuf::from(OPENAPI_DIR).join(file.path()),
                    contents: contents.to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// A member's manifest made to stand alone: `workspace = true` keys take the workspace's
/// values, dependencies the workspace's specification (with the member's own features added),
/// lints and dev-dependencies are dropped, and the library's tests are switched off (they read
/// files of this repository).
pub fn standalone_manifest(member: &str, workspace: &str) -> anyhow::Result<String> {
    let mut member: Table = member
        .parse()
        .context("the member's Cargo.toml does not parse")?;
    let workspace: Table = workspace
        .parse()
        .context("this workspace's Cargo.toml does not parse")?;
    let section = |name: &str| {
        workspace
            .get("workspace")
            .and_then(|w| w.get(name))
            .and_then(Value::as_table)
            .with_context(|| format!("this workspace's Cargo.toml has no [workspace.{name}]"))
    };
    let package_defaults = section("package")?;
    let dependency_defaults = section("dependencies")?;
    if let Some(Value::Table(package)) = member.get_mut("package") {
        for (key, value) in package.iter_mut() {
            if is_inherited(value) {
                *value = package_defaults
                    .get(key)
                    .cloned()
                    .with_context(|| format!("[workspace.package] has no {key}"))?;
            }
        }
    }
    if let Some(Value::Table(dependencies)) = member.get_mut("dependencies") {
        for (name, specification) in dependencies.iter_mut() {
            if is_inherited(specification) {
                let inherited = dependency_defaults
                    .get(name)
                    .with_context(|| format!("[workspace.dependencies] has no {name}"))?;
                *specification = merged_dependency(inherited, specification)?;
            }
        }
    }
    member.remove("lints");
    member.remove("dev-dependencies");
    let mut lib = Table::new();
    lib.insert("test".into(), Value::Boolean(false));
    lib.insert("doctest".into(), Value::Boolean(false));
    member.insert("lib".into(), Value::Table(lib));
    toml::to_string(&member).context("failed to render the vendored manifest")
}

fn is_inherited(value: &Value) -> bool {
    value
        .as_table()
        .and_then(|table| table.get("workspace"))
        .and_then(Value::as_bool)
        == Some(true)
}

/// The workspace's specification of a dependency with the member's additions (features,
/// `optional`) on top.
fn merged_dependency(inherited: &Value, member: &Value) -> anyhow::Result<Value> {
    let mut merged = match inherited {
        Value::String(version) => {
            let mut table = Table::new();
            table.insert("version".into(), Value::String(version.clone()));
            table
        }
        Value::Table(table) => table.clone(),
        other => return Err(anyhow!("a dependency specification cannot be {other}")),
    };
    let Some(member) = member.as_table() else {
        return Ok(Value::Table(merged));
    };
    for (key, value) in member {
        match (key.as_str(), value) {
            ("workspace", _) => {}
            ("features", Value::Array(extra)) => {
                let features = merged
                    .entry("features")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(features) = features {
                    for feature in extra {
                        if !features.contains(feature) {
                            features.push(feature.clone());
                        }
                    }
                }
            }
            _ => {
                merged.insert(key.clone(), value.clone());
            }
        }
    }
    Ok(Value::Table(merged))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKSPACE: &str = r#"
[workspace.package]
version = "0.1.0"
edition = "2024"

[workspace.dependencies]
serde = { version = "1", features = ["derive"] }
heck = "0.5"
"#;

    #[test]
    fn inherited_keys_take_the_workspace_values() {
        let member = r#"
[package]
name = "m"
version.workspace = true
edition.workspace = true

[dependencies]
serde = { workspace = true, features = ["rc"] }
heck.workspace = true
local = "2"

[lints]
workspace = true
"#;
        let manifest: Table = standalone_manifest(member, WORKSPACE)
            .expect("resolves")
            .parse()
            .expect("parses");
        assert_eq!(manifest["package"]["version"].as_str(), Some("0.1.0"));
        assert_eq!(manifest["package"]["edition"].as_str(), Some("2024"));
        assert_eq!(
            manifest["dependencies"]["serde"]["features"],
            Value::Array(vec!["derive".into(), "rc".into()])
        );
        assert_eq!(
            manifest["dependencies"]["heck"]["version"].as_str(),
            Some("0.5")
        );
        assert_eq!(manifest["dependencies"]["local"].as_str(), Some("2"));
        assert!(manifest.get("lints").is_none());
        assert_eq!(manifest["lib"]["test"].as_bool(), Some(false));
    }

    #[test]
    fn a_key_the_workspace_lacks_is_an_error() {
        let member = "[package]\nname = \"m\"\nlicense.workspace = true\n";
        let error = standalone_manifest(member, WORKSPACE).expect_err("no license");
        assert!(error.to_string().contains("license"), "{error}");
    }

    #[test]
    fn the_vendored_crate_carries_its_manifest_and_sources() {
        let files = openapi_files("").expect("vendors");
        let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
        assert!(paths.contains(&format!("{OPENAPI_DIR}/Cargo.toml")));
        assert!(paths.contains(&format!("{OPENAPI_DIR}/src/lib.rs")));
        assert!(paths.contains(&format!("{OPENAPI_DIR}/src/compare/mod.rs")));
        assert!(!paths.iter().any(|p| p.contains("/tests/")), "{paths:?}");
        assert!(
            !files[0].contents.contains("workspace"),
            "{}",
            files[0].contents
        );
    }
}
