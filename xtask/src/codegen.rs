//! `cargo xtask codegen`: load the spec, normalize it, generate the three crates, and write or
//! check them.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use refactor_spec::{SourceDocument, SpecError, Warning, normalize};

use crate::generate::{CrateNames, GeneratedSources, generate_sources};
use crate::write::{Mode, OutputFile, ensure_files};

/// The command that regenerates the main workspace, shown when a check fails.
pub const RERUN: &str = "cargo xtask codegen";

/// Where the main workspace keeps its spec and its generated files.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The workspace root.
    pub root: PathBuf,
}

impl Workspace {
    /// The workspace this xtask was built in.
    pub fn of_xtask() -> Self {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        Self {
            root: manifest_dir.parent().unwrap_or(manifest_dir).to_owned(),
        }
    }

    /// The spec, relative to the root.
    pub const SPEC: &'static str = "spec/openapi.yaml";

    /// The generated files, relative to the root, paired with their sources.
    pub fn output_files(sources: GeneratedSources) -> Vec<OutputFile> {
        vec![
            OutputFile {
                path: "crates/types/src/generated.rs".into(),
                contents: sources.types,
            },
            OutputFile {
                path: "crates/client/src/generated.rs".into(),
                contents: sources.client,
            },
            OutputFile {
                path: "crates/server-api/src/generated.rs".into(),
                contents: sources.server_api,
            },
        ]
    }

    /// The names that tie the main workspace's crates together.
    pub fn crate_names() -> CrateNames {
        CrateNames {
            types_crate: "refactor_types".to_owned(),
            api_trait: "RefactorApi".to_owned(),
        }
    }

    /// Generates every file of the workspace in memory.
    pub fn generate(&self) -> anyhow::Result<Vec<OutputFile>> {
        let spec_path = self.root.join(Self::SPEC);
        let document = load_normalized(&spec_path, Self::SPEC)?;
        let sources = generate_sources(&document, &Self::crate_names(), Self::SPEC)
            .with_context(|| format!("failed to generate code from {}", Self::SPEC))?;
        Ok(Self::output_files(sources))
    }

    /// Generates and writes (or checks) every generated file; returns the ones that changed.
    pub fn codegen(&self, mode: Mode) -> anyhow::Result<Vec<PathBuf>> {
        let files = self.generate()?;
        ensure_files(&self.root, &files, mode, RERUN)
    }
}

/// Loads and normalizes the spec at `path`, printing its warnings located by `label` and line.
pub fn load_normalized(path: &Path, label: &str) -> anyhow::Result<serde_json::Value> {
    let source = SourceDocument::read(path)?;
    let locate =
        |error: SpecError| error.located(PathBuf::from(label), |pointer| source.line_of(pointer));
    let normalized = normalize(source.value()).map_err(locate)?;
    for warning in &normalized.warnings {
        eprintln!("{}", describe_warning(&source, label, warning));
    }
    Ok(normalized.document)
}

fn describe_warning(source: &SourceDocument, label: &str, warning: &Warning) -> String {
    match source.line_of(warning.0.pointer.as_str()) {
        Some(line) => format!("warning: {label}:{line}: {warning}"),
        None => format!("warning: {label}: {warning}"),
    }
}
