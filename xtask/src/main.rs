//! `cargo xtask`: the project's task runner.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use xtask::codegen::{SpecInput, Workspace};
use xtask::standalone::Standalone;
use xtask::write::Mode;

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
    /// Prove on a scratch copy that adding a property to the spec fails `cargo test` until
    /// `cargo xtask codegen` runs, and passes after it (takes a full build the first time).
    SpecChangeDemo,
}

fn main() -> ExitCode {
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
                _ => Workspace::of_xtask().codegen(mode)?,
            };
            if changed.is_empty() {
                eprintln!("generated files are up to date");
            }
            for path in &changed {
                eprintln!("wrote {}", path.display());
            }
        }
        Command::SpecChangeDemo => {
            let workspace = Workspace::of_xtask();
            let scratch = workspace.root.join("target/spec-change-demo");
            xtask::spec_change_demo::run(&workspace.root, &scratch)?;
        }
    }
    Ok(())
}
