//! `cargo xtask spec-change-demo`: proves, on a scratch copy of the workspace, that the main job
//! works when the spec grows.
//!
//! 1. A new optional property is added to `RunGoldLabel` in the copy's spec.
//! 2. `cargo test --workspace` must fail there, on the freshness test (the generated files are
//!    stale), not on anything else.
//! 3. `cargo xtask codegen` regenerates them.
//! 4. `cargo test --workspace` must pass, hand-written code untouched.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail, ensure};

/// The property the demo adds, inserted before this anchor line of the spec.
const ANCHOR: &str = "        updated_at:\n";
const NEW_PROPERTY: &str = "        review_note:\n          type: string\n          nullable: true\n          description: A note left by the reviewer of the gold label\n";

/// Runs the demo under `scratch` (the copy and its own target directory live there).
pub fn run(workspace_root: &Path, scratch: &Path) -> anyhow::Result<()> {
    let copy = scratch.join("workspace");
    copy_tracked_files(workspace_root, &copy)?;
    let spec = copy.join("spec/openapi.yaml");
    let text = std::fs::read_to_string(&spec)
        .with_context(|| format!("failed to read {}", spec.display()))?;
    ensure!(
        text.contains(ANCHOR),
        "the spec no longer has the anchor line {ANCHOR:?}"
    );
    std::fs::write(
        &spec,
        text.replacen(ANCHOR, &format!("{NEW_PROPERTY}{ANCHOR}"), 1),
    )?;
    eprintln!(
        "spec-change-demo: added `review_note` to RunGoldLabel in {}",
        spec.display()
    );

    let target_dir = scratch.join("target");
    // The copy's live round trips run the producers' apps from this workspace's venv (the copy
    // has none of its own; CI requires them to run).
    let producers_python = workspace_root.join("target/producers-venv/bin/python");
    let in_copy = |args: &[&str]| {
        let mut command = cargo(&copy, &target_dir, args);
        if producers_python.is_file() && std::env::var_os("REFACTOR_PRODUCERS_PYTHON").is_none() {
            command.env("REFACTOR_PRODUCERS_PYTHON", &producers_python);
        }
        command
    };
    ensure!(
        succeeds(in_copy(&["test", "--workspace", "--no-run"]))?,
        "the copy's tests do not build before codegen"
    );
    // Captured, so that the failure this step expects is not printed as if it were one.
    let stale = in_copy(&["test", "--workspace", "--quiet"])
        .output()
        .context("failed to run cargo test")?;
    ensure!(
        !stale.status.success(),
        "`cargo test` passed although the generated files were stale"
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&stale.stdout),
        String::from_utf8_lossy(&stale.stderr)
    );
    let Some(reason) = said
        .lines()
        .find(|line| line.starts_with("generated files are stale"))
    else {
        bail!("`cargo test` failed before codegen, but not on stale generated files:\n{said}");
    };
    eprintln!(
        "spec-change-demo: `cargo test --workspace` failed before codegen, as it must: {reason}"
    );

    ensure!(
        succeeds(in_copy(&["xtask", "codegen"]))?,
        "`cargo xtask codegen` failed"
    );
    ensure!(
        succeeds(in_copy(&["test", "--workspace", "--quiet"]))?,
        "`cargo test --workspace` failed after `cargo xtask codegen`"
    );
    let types = std::fs::read_to_string(copy.join("crates/types/src/generated.rs"))?;
    ensure!(
        types.contains("pub review_note:"),
        "the regenerated types lack the new property"
    );
    eprintln!("spec-change-demo: after `cargo xtask codegen`, everything compiles and passes");
    Ok(())
}

/// A cargo command in `dir` with its own target directory (announced on stderr).
fn cargo(dir: &Path, target_dir: &Path, args: &[&str]) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("spec-change-demo: cargo {}", args.join(" "));
    let mut command = Command::new(cargo);
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        // A scratch copy built once: incremental caches would only cost disk.
        .env("CARGO_INCREMENTAL", "0");
    command
}

/// Runs `command` with inherited output; `Ok(false)` when it ran and failed.
fn succeeds(mut command: Command) -> anyhow::Result<bool> {
    let status = command
        .status()
        .with_context(|| format!("failed to run {command:?}"))?;
    Ok(status.success())
}

/// Copies the files git tracks (and any untracked, unignored ones) from `root` to `to`.
fn copy_tracked_files(root: &Path, to: &Path) -> anyhow::Result<()> {
    let output = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output()
        .context("failed to run git ls-files")?;
    if !output.status.success() {
        bail!(
            "git ls-files failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    if to.exists() {
        std::fs::remove_dir_all(to).with_context(|| format!("failed to clear {}", to.display()))?;
    }
    for name in output.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let relative = PathBuf::from(String::from_utf8_lossy(name).into_owned());
        let source = root.join(&relative);
        if !source.is_file() {
            continue;
        }
        let destination = to.join(&relative);
        if let Some(parent) = destination.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(&source, &destination)
            .with_context(|| format!("failed to copy {}", relative.display()))?;
    }
    Ok(())
}
