//! `cargo xtask`: the project's task runner.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use refactor_codegen::standalone::Standalone;
use refactor_codegen::workspace::{SpecInput, Workspace};
use refactor_codegen::write::{Mode, OutputFile, ensure_files};
use xtask::corpus;

mod allocator;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Tasks of the re-factor workspace")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the types, client and server-api crates from spec/openapi.yaml.
    Codegen {
        /// Write nothing; print a diff and fail when a generated file is stale.
        #[arg(long)]
        check: bool,
        /// Generate a standalone workspace from this spec instead of the project's crates.
        #[arg(long, requires = "out")]
        spec: Option<PathBuf>,
        /// The directory of the standalone workspace.
        #[arg(long, requires = "spec")]
        out: Option<PathBuf>,
        /// The crates' name prefix [default: from the spec's info.title].
        #[arg(long, requires = "spec")]
        name: Option<String>,
        /// An OpenAPI Overlay 1.0 document applied to --spec before generation.
        #[arg(long, requires = "spec")]
        overlay: Option<PathBuf>,
    },
    /// Report what changed between two specs and whom it breaks: by operation and by schema,
    /// each change with an id and a verdict (breaking for clients, for servers, or compatible).
    ApiDiff {
        /// The old spec (YAML or JSON), or a generated types file (`generated.rs`).
        old: PathBuf,
        /// The new spec, or a generated types file.
        new: PathBuf,
        /// An OpenAPI Overlay 1.0 document applied to OLD before normalization.
        #[arg(long)]
        old_overlay: Option<PathBuf>,
        /// An OpenAPI Overlay 1.0 document applied to NEW before normalization.
        #[arg(long)]
        new_overlay: Option<PathBuf>,
        /// The report's form.
        #[arg(long, value_enum, default_value = "text")]
        format: xtask::api_diff::Format,
        /// Exit non-zero on any breaking change, or on one without a major version bump.
        #[arg(long, value_enum)]
        fail_on: Option<xtask::api_diff::FailOn>,
    },
    /// Generate, build and conformance-test a workspace for every document of
    /// fixtures/producers and every spec of a corpus; write the results to docs/corpus.md and
    /// each spec's allowed differences to docs/corpus/.
    Corpus {
        /// The corpus [default: $REFACTOR_SPEC_CORPUS, else ../shared/specs].
        dir: Option<PathBuf>,
        /// Fail when docs/corpus.md or an allowed-differences list differs from the results,
        /// instead of writing them.
        #[arg(long)]
        check: bool,
    },
    /// Measure codegen, the server under load and client decoding (release builds); write
    /// BENCHMARKS.md.
    Bench {
        /// One short run per figure instead of several 10 s runs.
        #[arg(long)]
        quick: bool,
        /// Also measure the server on this PostgreSQL database (the bench imports its runs
        /// into it), e.g. the one `.ci/postgres` starts.
        #[arg(long, env = "REFACTOR_BENCH_POSTGRES_URL")]
        postgres: Option<String>,
    },
    /// Regenerate the snapshot fixtures (fixtures/snapshots) from fixtures/specs.
    Snapshots {
        /// Write nothing; fail when a snapshot is stale.
        #[arg(long)]
        check: bool,
    },
    /// Prove on a scratch copy that adding a property to the spec fails `cargo test` until
    /// `cargo xtask codegen` runs, and passes after it (takes a full build the first time).
    SpecChangeDemo,
}

fn main() -> ExitCode {
    // A refused setting only costs speed: the run goes on with glibc's defaults.
    let _ = allocator::tune_for_a_short_run();
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Codegen {
            check,
            spec,
            out,
            name,
            overlay,
        } => {
            let mode = if check { Mode::Check } else { Mode::Write };
            let changed = match (spec, out) {
                (Some(spec), Some(out)) => {
                    let input = SpecInput {
                        label: spec.display().to_string(),
                        spec,
                        overlay,
                    };
                    Standalone { input, out, name }.codegen(mode)?
                }
                _ => Workspace::this_checkout().codegen(mode)?,
            };
            if changed.is_empty() {
                eprintln!("generated files are up to date");
            }
            for path in &changed {
                eprintln!("wrote {}", path.display());
            }
        }
        Command::ApiDiff {
            old,
            new,
            old_overlay,
            new_overlay,
            format,
            fail_on,
        } => {
            use xtask::api_diff::Side;
            let old = Side {
                spec: old,
                overlay: old_overlay,
            };
            let new = Side {
                spec: new,
                overlay: new_overlay,
            };
            xtask::api_diff::run(&old, &new, format, fail_on)?;
        }
        Command::Corpus { dir, check } => {
            let workspace = Workspace::this_checkout();
            let dir = dir.unwrap_or_else(|| corpus::default_corpus_dir(&workspace.root));
            let specs = corpus::corpus_specs(&dir)?;
            let overlays = workspace.root.join("corpus-overlays");
            let runner = corpus::Runner {
                scratch: workspace.root.join("target/corpus"),
                excuses: corpus::Excuses {
                    dir: workspace.root.join("docs/corpus"),
                    check,
                },
            };
            if dir.is_file() {
                // One spec: report, and leave the corpus page alone.
                let results = runner.run_corpus(&specs, &overlays)?;
                println!(
                    "{}",
                    corpus::render_markdown(&[], &results, "cargo xtask corpus")
                );
                return Ok(());
            }
            let producers = corpus::producers(&workspace.root)?;
            let producer_results = runner.run_producers(&producers)?;
            let results = runner.run_corpus(&specs, &overlays)?;
            let page = corpus::render_markdown(&producer_results, &results, "cargo xtask corpus");
            let results: Vec<corpus::CorpusResult> =
                producer_results.into_iter().chain(results).collect();
            let file = OutputFile {
                path: "docs/corpus.md".into(),
                contents: page,
            };
            let mode = if check { Mode::Check } else { Mode::Write };
            ensure_files(&workspace.root, &[file], mode, "cargo xtask corpus")?;
            let passing = results
                .iter()
                .filter(|r| matches!(r.outcome, corpus::Outcome::Passes))
                .count();
            eprintln!(
                "corpus: {passing} of {} specs pass; see docs/corpus.md",
                results.len()
            );
        }
        Command::Bench { quick, postgres } => {
            let workspace = Workspace::this_checkout();
            let plan = if quick {
                xtask::bench::Plan::QUICK
            } else {
                xtask::bench::Plan::FULL
            };
            let corpus = corpus::default_corpus_dir(&workspace.root);
            let report = xtask::bench::run(&workspace.root, &corpus, plan, postgres.as_deref())?;
            std::fs::write(workspace.root.join("BENCHMARKS.md"), &report)
                .context("failed to write BENCHMARKS.md")?;
            println!("{report}");
        }
        Command::Snapshots { check } => {
            let workspace = Workspace::this_checkout();
            let files = refactor_codegen::fixtures::snapshot_files(&workspace.root)?;
            let mode = if check { Mode::Check } else { Mode::Write };
            let dir = refactor_codegen::fixtures::fixtures_dir(&workspace.root);
            for path in ensure_files(&dir, &files, mode, "cargo xtask snapshots")? {
                eprintln!("wrote fixtures/{}", path.display());
            }
        }
        Command::SpecChangeDemo => {
            let workspace = Workspace::this_checkout();
            let scratch = workspace.root.join("target/spec-change-demo");
            xtask::spec_change_demo::run(&workspace.root, &scratch)?;
        }
    }
    Ok(())
}
