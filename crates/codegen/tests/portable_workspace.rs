//! A standalone workspace stands alone: generated, moved away from where it was written, with
//! nothing in it pointing back into this checkout, it builds and passes its own conformance test
//! with nothing but the registry.

use std::path::{Path, PathBuf};
use std::process::Command;

use refactor_codegen::standalone::Standalone;
use refactor_codegen::workspace::{SpecInput, Workspace};
use refactor_codegen::write::Mode;

/// Every file under `dir`, relative paths with their contents.
fn files_under(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).expect("readable dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                found.push((path.strip_prefix(dir).expect("under dir").to_owned(), text));
            }
        }
    }
    found
}

#[test]
fn a_moved_standalone_workspace_builds_and_passes_its_tests() {
    let checkout = Workspace::this_checkout().root;
    let checkout = checkout.canonicalize().unwrap_or(checkout);
    let scratch = tempfile::tempdir().expect("a scratch dir");
    let written = scratch.path().join("written");
    let standalone = Standalone {
        input: SpecInput {
            spec: checkout.join(Workspace::SPEC),
            label: Workspace::SPEC.to_owned(),
            overlay: Some(checkout.join(Workspace::OVERLAY)),
        },
        out: written.clone(),
        name: Some("portable".to_owned()),
    };
    standalone.codegen(Mode::Write).expect("the seed generates");

    // Moved: the place it was written is gone.
    let moved = scratch.path().join("elsewhere/portable");
    std::fs::create_dir_all(moved.parent().expect("a parent")).expect("a new home");
    std::fs::rename(&written, &moved).expect("the workspace moves");
    assert!(!written.exists());

    let checkout_text = checkout.display().to_string();
    for (path, text) in files_under(&moved) {
        assert!(
            !text.contains(&checkout_text),
            "{} names the generator's checkout ({checkout_text})",
            path.display()
        );
    }

    // Built with the libraries the corpus run shares (only the registry's crates are reused).
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .arg("test")
        .current_dir(&moved)
        .env("CARGO_TARGET_DIR", checkout.join("target/corpus"))
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        // A new workspace has no reviewed list of allowed differences yet: this writes it.
        .env("EXPECTORATE", "overwrite")
        .output()
        .expect("cargo runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "cargo test failed:\n{log}");
    assert!(
        log.contains("test the_generated_code_agrees_with_the_spec ... ok"),
        "{log}"
    );
    assert!(
        log.contains("test every_client_call_reaches_its_endpoint ... ok"),
        "{log}"
    );
}
