//! `cargo xtask corpus [DIR]`: generates a standalone workspace for every document real
//! frameworks wrote (`fixtures/producers/*/openapi.json`, committed with the apps that wrote
//! them) and for every spec of the public corpus, builds it, runs its conformance test, and
//! writes the results to `docs/corpus.md`, the producers with their framework versions.
//!
//! The public corpus is not copied into the project: it is read from `DIR`,
//! `REFACTOR_SPEC_CORPUS`, or `../shared/specs`. Workspaces go under `target/corpus/`, built with
//! one shared target directory so the libraries compile once; each spec's own artifacts are
//! removed after its run.

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

/// A document a framework wrote, from `fixtures/producers/<folder>/openapi.json`.
#[derive(Debug, Clone)]
pub struct Producer {
    /// The folder, e.g. `fastapi`.
    pub folder: String,
    /// The document.
    pub spec: PathBuf,
    /// The framework and the versions that wrote it, as `fixtures/producers/README.md` records
    /// them (`FastAPI 0.165.0, pydantic 2.14.4 ...`).
    pub framework: String,
}

/// Where the producers are, under the workspace root.
pub const PRODUCERS: &str = "fixtures/producers";

/// Every producer folder with an `openapi.json`, sorted, each with the framework its README row
/// names; a folder the README does not list is an error (its versions would go unrecorded).
pub fn producers(root: &Path) -> anyhow::Result<Vec<Producer>> {
    let dir = root.join(PRODUCERS);
    let readme_path = dir.join("README.md");
    let readme = std::fs::read_to_string(&readme_path)
        .with_context(|| format!("failed to read {}", readme_path.display()))?;
    let mut folders: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| format!("failed to read {}", dir.display()))?
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("openapi.json").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    folders
        .into_iter()
        .map(|folder| {
            let framework = framework_of(&readme, &folder).with_context(|| {
                format!(
                    "{} has no row for `{folder}/` naming its framework and versions",
                    readme_path.display()
                )
            })?;
            Ok(Producer {
                spec: dir.join(&folder).join("openapi.json"),
                folder,
                framework,
            })
        })
        .collect()
}

/// The second cell of the README table row whose first cell is `` `folder/` ``.
fn framework_of(readme: &str, folder: &str) -> Option<String> {
    let first_cell = format!("`{folder}/`");
    readme.lines().find_map(|line| {
        let mut cells = line.trim().strip_prefix('|')?.split('|').map(str::trim);
        (cells.next()? == first_cell)
            .then(|| cells.next().map(str::to_owned))
            .flatten()
    })
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

/// Where a corpus run builds (`scratch`, with one shared target dir) and how it treats the
/// reviewed lists of allowed differences.
#[derive(Debug, Clone)]
pub struct Runner {
    /// The generated workspaces go here, each in a directory named after its spec.
    pub scratch: PathBuf,
    /// The lists of allowed differences.
    pub excuses: Excuses,
}

impl Runner {
    fn target_dir(&self) -> PathBuf {
        self.scratch.join("target")
    }

    /// Generates, builds and tests every producer's document as published (no overlay).
    pub fn run_producers(&self, producers: &[Producer]) -> anyhow::Result<Vec<CorpusResult>> {
        producers
            .iter()
            .map(|producer| {
                let label = format!("{}/openapi.json", producer.folder);
                let mut result = self.run_one(
                    &producer.spec,
                    &label,
                    &label,
                    &format!("producer-{}", producer.folder),
                    None,
                )?;
                result.framework = Some(producer.framework.clone());
                Ok(result)
            })
            .collect()
    }
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
    /// For a producer's document, the framework and versions that wrote it.
    pub framework: Option<String>,
}

impl Runner {
    /// Generates, builds and tests every spec of `specs`. A spec with an overlay in `overlays`
    /// (`<stem>.overlay.yaml`) runs a second time with it.
    pub fn run_corpus(
        &self,
        specs: &[PathBuf],
        overlays: &Path,
    ) -> anyhow::Result<Vec<CorpusResult>> {
        let mut results = Vec::new();
        for spec in specs {
            let file = spec
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let stem = file.split('.').next().unwrap_or("spec").to_owned();
            results.push(self.run_one(spec, &file, &file, &stem, None)?);
            let overlay = overlays.join(format!("{stem}.overlay.yaml"));
            if overlay.is_file() {
                let label = format!("{file}` + `corpus-overlays/{stem}.overlay.yaml");
                results.push(self.run_one(
                    spec,
                    &label,
                    &file,
                    &format!("{stem}-overlaid"),
                    Some(overlay),
                )?);
            }
        }
        Ok(results)
    }

    /// One spec: `label` names the row, `file_label` the file in messages, `name` the workspace
    /// (and its list of allowed differences).
    fn run_one(
        &self,
        spec: &Path,
        label: &str,
        file_label: &str,
        name: &str,
        overlay: Option<PathBuf>,
    ) -> anyhow::Result<CorpusResult> {
        eprintln!("corpus: {label}");
        let out = self.scratch.join(name);
        let target_dir = self.target_dir();
        let file_label = file_label.to_owned();
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
                    framework: None,
                });
            }
        };
        standalone
            .write_files(&files, Mode::Write)
            .with_context(|| format!("failed to write {}", out.display()))?;
        let manifest = out.join("Cargo.toml");
        // The reviewed list of allowed differences goes where the workspace's test pins it; a run
        // that refreshes the lists lets the test write it, and keeps what it wrote.
        let reviewed = self.excuses.file(name);
        let pinned = out.join("conformance/allowed-differences.txt");
        if reviewed.is_file() {
            std::fs::copy(&reviewed, &pinned)
                .with_context(|| format!("failed to copy {}", reviewed.display()))?;
        }
        let overwrite = !self.excuses.check;
        let outcome = match cargo(&manifest, &target_dir, &["test", "--no-run"], false)? {
            Err(log) => Outcome::DoesNotCompile(log),
            Ok(()) => match cargo(&manifest, &target_dir, &["test"], overwrite)? {
                Err(log) => Outcome::ConformanceFails(log),
                Ok(()) => Outcome::Passes,
            },
        };
        if overwrite && pinned.is_file() {
            std::fs::create_dir_all(&self.excuses.dir)
                .with_context(|| format!("failed to create {}", self.excuses.dir.display()))?;
            std::fs::copy(&pinned, &reviewed)
                .with_context(|| format!("failed to write {}", reviewed.display()))?;
        }
        // The spec's own crates are of no use to the next spec (the libraries stay): removing them
        // keeps the shared target directory at one spec's size, not the corpus's (tens of GB).
        if let Err(log) = cargo(&manifest, &target_dir, &["clean", "--workspace"], false)? {
            eprintln!("corpus: could not remove {name}'s build artifacts (continuing): {log}");
        }
        Ok(CorpusResult {
            file,
            warnings,
            outcome,
            framework: None,
        })
    }
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
    if !plain
        .iter()
        .any(|result| matches!(result.outcome, Outcome::NotGenerated(_)))
    {
        return "\n".to_owned();
    }
    "\nA spec that is not generated fails with a located error (file, line, JSON pointer, \
     construct), quoted in its section below, and nothing is written.\n\n"
        .to_owned()
}

/// The results as the Markdown page `docs/corpus.md`: the producers' documents, then the
/// public corpus, then the details (errors and warnings) of every row that has any.
pub fn render_markdown(
    producers: &[CorpusResult],
    results: &[CorpusResult],
    command: &str,
) -> String {
    let mut page = String::from(
        "# Corpus results\n\nEach document below is generated into a standalone workspace, built, and \
         put through that workspace's own conformance test (the trait's OpenAPI agrees with the spec \
         under the shared comparison; every client call reaches its endpoint on a stub server):\n\n\
         - the documents real frameworks wrote for a small app of ours (`fixtures/producers/`, \
         committed with the apps and the script that rewrites them), as published, with no overlay;\n\
         - every spec of the public corpus (the directory `cargo xtask corpus` reads: `DIR`, else \
         `$REFACTOR_SPEC_CORPUS`, else `../shared/specs/`; not copied into the project).\n\n",
    );
    let _ = writeln!(
        page,
        "Reproduce with `{command}`; this page is its output.\n"
    );
    let passing = |rows: &[&CorpusResult]| {
        rows.iter()
            .filter(|r| matches!(r.outcome, Outcome::Passes))
            .count()
    };
    if !producers.is_empty() {
        page.push_str(
            "## Documents written by frameworks\n\n\
             | document | written by | generated | compiles | conformance | warnings |\n\
             |---|---|---|---|---|---|\n",
        );
        for result in producers {
            let (generated, compiles, conformance) = verdicts(&result.outcome);
            let _ = writeln!(
                page,
                "| `{}` | {} | {generated} | {compiles} | {conformance} | {} |",
                result.file,
                result.framework.as_deref().unwrap_or("-"),
                result.warnings.len()
            );
        }
        let rows: Vec<&CorpusResult> = producers.iter().collect();
        let _ = writeln!(
            page,
            "\n{} of {} framework documents pass as published.\n",
            passing(&rows),
            rows.len()
        );
        page.push_str("## Public corpus\n\n");
    }
    page.push_str(
        "| spec | generated | compiles | conformance | warnings |\n|---|---|---|---|---|\n",
    );
    for result in results {
        let (generated, compiles, conformance) = verdicts(&result.outcome);
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
    let _ = writeln!(
        page,
        "\n{} of {} specs pass as published.",
        passing(&plain),
        plain.len()
    );
    if !overlaid.is_empty() {
        let _ = writeln!(
            page,
            "With the project's overlays (`corpus-overlays/`), {} of those {} pass.",
            passing(&overlaid),
            overlaid.len()
        );
    }
    page.push_str(&refusals(&plain));
    for result in producers.iter().chain(results) {
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

/// The generated, compiles and conformance cells of a row.
fn verdicts(outcome: &Outcome) -> (&'static str, &'static str, &'static str) {
    match outcome {
        Outcome::NotGenerated(_) => ("no", "-", "-"),
        Outcome::DoesNotCompile(_) => ("yes", "no", "-"),
        Outcome::ConformanceFails(_) => ("yes", "yes", "no"),
        Outcome::Passes => ("yes", "yes", "passes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_producer_has_its_framework_and_versions() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let producers = producers(&root).expect("the producers list");
        let folders: Vec<&str> = producers.iter().map(|p| p.folder.as_str()).collect();
        assert_eq!(
            folders,
            ["django-ninja", "fastapi", "litestar", "nestjs", "utoipa"]
        );
        let fastapi = &producers[1];
        assert!(
            fastapi.framework.starts_with("FastAPI 0."),
            "{}",
            fastapi.framework
        );
    }

    #[test]
    fn a_folder_the_readme_does_not_list_has_no_framework() {
        let readme = "| folder | framework |\n|---|---|\n| `fastapi/` | FastAPI 1.0 | x |\n";
        assert_eq!(
            framework_of(readme, "fastapi").as_deref(),
            Some("FastAPI 1.0")
        );
        assert_eq!(framework_of(readme, "litestar"), None);
    }
}
