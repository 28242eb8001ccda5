//! `cargo xtask corpus [DIR]`: generates a standalone workspace for every spec of a corpus,
//! builds it, runs its conformance test, and writes the results to `docs/corpus.md`.
//!
//! The corpus is not copied into the project: it is read from `DIR`, `REFACTOR_SPEC_CORPUS`, or
//! `../shared/specs`. Workspaces go under `target/corpus/`, built with one shared target
//! directory so the libraries compile once; each spec's own artifacts are removed after its run.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;

use refactor_codegen::standalone::Standalone;
use refactor_codegen::workspace::SpecInput;
use refactor_codegen::write::Mode;

/// Where the corpus is when no directory is given.
pub fn default_corpus_dir(workspace_root: &Path) -> PathBuf {
    std::env::var_os("REFACTOR_SPEC_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root.join("../shared/specs"))
}

/// The specs of a corpus directory (YAML and JSON files), sorted by name; a file is itself.
pub fn corpus_specs(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if dir.is_file() {
        return Ok(vec![dir.to_owned()]);
    }
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("failed to read the corpus at {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json")
        })
        .collect();
    specs.sort();
    Ok(specs)
}

/// How far one spec got.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Generation failed with this (located) error.
    NotGenerated(String),
    /// The generated workspace does not compile.
    DoesNotCompile(String),
    /// It compiles, but its conformance test fails.
    ConformanceFails(String),
    /// Everything passes.
    Passes,
}

/// One row of the corpus table.
#[derive(Debug, Clone)]
pub struct CorpusResult {
    /// The spec's file name.
    pub file: String,
    /// The warnings generation printed.
    pub warnings: Vec<String>,
    /// How far it got.
    pub outcome: Outcome,
}

/// Where each spec's reviewed list of allowed differences is kept, and whether a run checks the
/// lists or refreshes them.
#[derive(Debug, Clone)]
pub struct Excuses {
    /// `docs/corpus/`: one `<name>.allowed.txt` per spec (and per spec with its overlay).
    pub dir: PathBuf,
    /// Fail on a difference from the list (`--check`) instead of writing the new list.
    pub check: bool,
}

impl Excuses {
    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.allowed.txt"))
    }
}

/// Generates, builds and tests every spec of `specs`, under `scratch`. A spec with an overlay
/// in `overlays` (`<stem>.overlay.yaml`) runs a second time with it.
pub fn run_corpus(
    specs: &[PathBuf],
    overlays: &Path,
    scratch: &Path,
    excuses: &Excuses,
) -> anyhow::Result<Vec<CorpusResult>> {
    let target_dir = scratch.join("target");
    let mut results = Vec::new();
    for spec in specs {
        let file = spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = file.split('.').next().unwrap_or("spec").to_owned();
        results.push(run_one(
            spec,
            &file,
            &stem,
            None,
            scratch,
            &target_dir,
            excuses,
        )?);
        let overlay = overlays.join(format!("{stem}.overlay.yaml"));
        if overlay.is_file() {
            let label = format!("{file}` + `corpus-overlays/{stem}.overlay.yaml");
            results.push(run_one(
                spec,
                &label,
                &format!("{stem}-overlaid"),
                Some(overlay),
                scratch,
                &target_dir,
                excuses,
            )?);
        }
    }
    Ok(results)
}

fn run_one(
    spec: &Path,
    label: &str,
    name: &str,
    overlay: Option<PathBuf>,
    scratch: &Path,
    target_dir: &Path,
    excuses: &Excuses,
) -> anyhow::Result<CorpusResult> {
    eprintln!("corpus: {label}");
    let out = scratch.join(name);
    let file_label = spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let standalone = Standalone {
        input: SpecInput {
            spec: spec.to_owned(),
            label: file_label,
            overlay,
        },
        out: out.clone(),
        // Named after the file: two specs may share a title (both petstores do).
        name: Some(name.to_owned()),
    };
    let file = label.to_owned();
    let (files, warnings) = match standalone.generate_with_warnings() {
        Ok(generated) => generated,
        Err(error) => {
            return Ok(CorpusResult {
                file,
                warnings: Vec::new(),
                outcome: Outcome::NotGenerated(format!("{error:#}")),
            });
        }
    };
    standalone
        .write_files(&files, Mode::Write)
        .with_context(|| format!("failed to write {}", out.display()))?;
    let manifest = out.join("Cargo.toml");
    // The reviewed list of allowed differences goes where the workspace's test pins it; a run
    // that refreshes the lists lets the test write it, and keeps what it wrote.
    let reviewed = excuses.file(name);
    let pinned = out.join("conformance/allowed-differences.txt");
    if reviewed.is_file() {
        std::fs::copy(&reviewed, &pinned)
            .with_context(|| format!("failed to copy {}", reviewed.display()))?;
    }
    let overwrite = !excuses.check;
    let outcome = match cargo(&manifest, target_dir, &["test", "--no-run"], false)? {
        Err(log) => Outcome::DoesNotCompile(log),
        Ok(()) => match cargo(&manifest, target_dir, &["test"], overwrite)? {
            Err(log) => Outcome::ConformanceFails(log),
            Ok(()) => Outcome::Passes,
        },
    };
    if overwrite && pinned.is_file() {
        std::fs::create_dir_all(&excuses.dir)
            .with_context(|| format!("failed to create {}", excuses.dir.display()))?;
        std::fs::copy(&pinned, &reviewed)
            .with_context(|| format!("failed to write {}", reviewed.display()))?;
    }
    // The spec's own crates are of no use to the next spec (the libraries stay): removing them
    // keeps the shared target directory at one spec's size, not the corpus's (tens of GB).
    if let Err(log) = cargo(&manifest, target_dir, &["clean", "--workspace"], false)? {
        eprintln!("corpus: could not remove {name}'s build artifacts (continuing): {log}");
    }
    Ok(CorpusResult {
        file,
        warnings,
        outcome,
    })
}

/// Runs cargo on a generated workspace; `Err(tail of the output)` when it fails. With
/// `overwrite`, expected-output files are written rather than checked.
fn cargo(
    manifest: &Path,
    target_dir: &Path,
    args: &[&str],
    overwrite: bool,
) -> anyhow::Result<Result<(), String>> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    if overwrite {
        command.env("EXPECTORATE", "overwrite");
    } else {
        command.env_remove("EXPECTORATE");
    }
    let output = command
        .args(args)
        .arg("--manifest-path")
        .arg(manifest)
        .env("CARGO_TARGET_DIR", target_dir)
        // One-shot builds: incremental caches and debug info would only cost disk and link time.
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .output()
        .with_context(|| format!("failed to run cargo {}", args.join(" ")))?;
    if output.status.success() {
        return Ok(Ok(()));
    }
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    let interesting: Vec<&str> = text
        .lines()
        .filter(|line| {
            line.starts_with("error")
                || line.contains("panicked")
                || line.contains("disagreement")
                || line.trim_start().starts_with("- ")
        })
        .take(12)
        .collect();
    Ok(Err(interesting.join("\n")))
}

/// What the page says of the specs that were not generated, from their errors.
fn refusals(plain: &[&CorpusResult]) -> String {
    let refused: Vec<&str> = plain
        .iter()
        .filter_map(|result| match &result.outcome {
            Outcome::NotGenerated(log) => Some(log.as_str()),
            _ => None,
        })
        .collect();
    if refused.is_empty() {
        return "\n".to_owned();
    }
    let mut text = String::from(
        "\nA spec that is not generated fails with a located error (file, line, JSON pointer, \
         construct), quoted in its section below, and nothing is written.",
    );
    let unroutable = refused
        .iter()
        .filter(|log| log.contains("dropshot cannot route"))
        .count();
    if unroutable > 0 {
        let _ = write!(
            text,
            " {unroutable} of {} put a literal path segment beside a variable one at the same \
             position: dropshot's router takes one or the other at each position, so no trait can \
             serve both, and dropping routes silently would not be faithful. The error says to \
             resolve it with an overlay; the rows with `corpus-overlays/` show the rest of each API \
             generated that way.",
            refused.len()
        );
    }
    text.push_str("\n\n");
    text
}

/// The results as the Markdown page `docs/corpus.md`.
pub fn render_markdown(results: &[CorpusResult], command: &str) -> String {
    let mut page = String::from(
        "# Corpus results\n\nEvery spec of the public corpus (the directory `cargo xtask corpus` reads: \
         `DIR`, else `$REFACTOR_SPEC_CORPUS`, else `../shared/specs/`; not copied into the project), \
         generated into a standalone workspace, built, and put through that workspace's own conformance test \
         (the trait's OpenAPI agrees with the spec under the shared comparison; every client call reaches its \
         endpoint on a stub server).\n\n",
    );
    let _ = writeln!(
        page,
        "Reproduce with `{command}`; this page is its output.\n"
    );
    page.push_str(
        "| spec | generated | compiles | conformance | warnings |\n|---|---|---|---|---|\n",
    );
    for result in results {
        let (generated, compiles, conformance) = match &result.outcome {
            Outcome::NotGenerated(_) => ("no", "-", "-"),
            Outcome::DoesNotCompile(_) => ("yes", "no", "-"),
            Outcome::ConformanceFails(_) => ("yes", "yes", "no"),
            Outcome::Passes => ("yes", "yes", "passes"),
        };
        let _ = writeln!(
            page,
            "| `{}` | {generated} | {compiles} | {conformance} | {} |",
            result.file,
            result.warnings.len()
        );
    }
    let (overlaid, plain): (Vec<&CorpusResult>, Vec<&CorpusResult>) = results
        .iter()
        .partition(|r| r.file.contains("corpus-overlays/"));
    let passing = |rows: &[&CorpusResult]| {
        rows.iter()
            .filter(|r| matches!(r.outcome, Outcome::Passes))
            .count()
    };
    let _ = writeln!(
        page,
        "\n{} of {} specs pass as published.",
        passing(&plain),
        plain.len()
    );
    if !overlaid.is_empty() {
        let _ = writeln!(
            page,
            "With the project's overlays (`corpus-overlays/`, which remove the routes dropshot's router \
             cannot hold), {} of those {} pass too.",
            passing(&overlaid),
            overlaid.len()
        );
    }
    page.push_str(&refusals(&plain));
    for result in results {
        if result.warnings.is_empty() && matches!(result.outcome, Outcome::Passes) {
            continue;
        }
        let _ = writeln!(page, "## `{}`\n", result.file);
        match &result.outcome {
            Outcome::Passes => {}
            Outcome::NotGenerated(log)
            | Outcome::DoesNotCompile(log)
            | Outcome::ConformanceFails(log) => {
                let _ = writeln!(page, "```text\n{}\n```\n", log.trim());
            }
        }
        if !result.warnings.is_empty() {
            let _ = writeln!(page, "Degraded, with a warning each:\n");
            for warning in &result.warnings {
                let _ = writeln!(page, "- {}", warning.trim_start_matches("warning: "));
            }
            page.push('\n');
        }
    }
    page
}
