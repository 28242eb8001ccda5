//! This workspace's generation (`cargo xtask codegen`): load the spec, normalize it, generate the
//! three crates, and write or check them.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use refactor_openapi::normalize::Origins;
use refactor_openapi::overlay::apply_overlay;
use refactor_openapi::{SourceDocument, SpecError, normalize};

use crate::generate::{CrateNames, GeneratedSources, generate_sources};
use crate::layout::GeneratedCrate;
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
    /// The workspace this generator was built in (`crates/codegen` is two levels down).
    pub fn this_checkout() -> Self {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = manifest_dir.ancestors().nth(2).unwrap_or(manifest_dir);
        Self {
            root: root.to_owned(),
        }
    }

    /// The spec, relative to the root.
    pub const SPEC: &'static str = "spec/openapi.yaml";

    /// The generated crates of this workspace: the harness is a module of the hand-written
    /// conformance crate, `tests/`.
    pub const CRATES: [GeneratedCrate; 4] = GeneratedCrate::ALL;

    /// The generated files, relative to the root: `crates/<crate>/src/generated.rs`, and the
    /// harness at `tests/src/generated.rs`.
    pub fn output_files(sources: &GeneratedSources) -> Vec<OutputFile> {
        Self::CRATES
            .iter()
            .map(|krate| OutputFile {
                path: Self::crate_dir(*krate).join("src/generated.rs"),
                contents: krate.source(sources).to_owned(),
            })
            .collect()
    }

    /// A generated crate's directory, relative to the root.
    pub fn crate_dir(krate: GeneratedCrate) -> PathBuf {
        match krate {
            GeneratedCrate::Conformance => PathBuf::from("tests"),
            _ => Path::new("crates").join(krate.dir()),
        }
    }

    /// The names that tie the main workspace's crates together.
    pub fn crate_names() -> CrateNames {
        CrateNames {
            types_path: "::refactor_types".to_owned(),
            client_path: "::refactor_client".to_owned(),
            server_api_path: "::refactor_server_api".to_owned(),
            api_trait: "RefactorApi".to_owned(),
        }
    }

    /// The spec and, when the workspace has one, `spec/overlay.yaml`.
    pub fn spec_input(&self) -> SpecInput {
        let overlay = self.root.join(Self::OVERLAY);
        SpecInput {
            spec: self.root.join(Self::SPEC),
            label: Self::SPEC.to_owned(),
            overlay: overlay.exists().then_some(overlay),
        }
    }

    /// The optional overlay, relative to the root.
    pub const OVERLAY: &'static str = "spec/overlay.yaml";

    /// Generates every file of the workspace in memory.
    pub fn generate(&self) -> anyhow::Result<Vec<OutputFile>> {
        let loaded = load_normalized(&self.spec_input())?;
        print_warnings(&loaded.warnings);
        let sources = generate_sources(&loaded.document, &Self::crate_names(), Self::SPEC)
            .map_err(|error| loaded.source.locate(error))
            .with_context(|| format!("failed to generate code from {}", Self::SPEC))?;
        Ok(Self::output_files(&sources))
    }

    /// Generates and writes (or checks) every generated file; returns the ones that changed.
    pub fn codegen(&self, mode: Mode) -> anyhow::Result<Vec<PathBuf>> {
        let files = self.generate()?;
        let types_file = Path::new("crates/types/src/generated.rs");
        crate::change_report::print_changes(&self.root, types_file, &files);
        ensure_files(&self.root, &files, mode, RERUN)
    }
}

/// Prints warnings to stderr, one per line.
pub fn print_warnings(warnings: &[String]) {
    for warning in warnings {
        eprintln!("{warning}");
    }
}

/// A spec to generate from.
#[derive(Debug, Clone)]
pub struct SpecInput {
    /// The spec file (YAML or JSON).
    pub spec: PathBuf,
    /// How messages and banners name it, e.g. `spec/openapi.yaml`.
    pub label: String,
    /// An OpenAPI Overlay 1.0 document applied before normalization.
    pub overlay: Option<PathBuf>,
}

/// A normalized spec and its warnings, each located by file and line.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The normalized document.
    pub document: serde_json::Value,
    /// One line per degraded construct: `warning: FILE:LINE: at POINTER: ...`.
    pub warnings: Vec<String>,
    /// Where the document came from, to locate errors found while generating from it.
    pub source: Source,
}

/// The source of a normalized document: its file, and where its invented components came from.
#[derive(Debug, Clone)]
pub struct Source {
    document: SourceDocument,
    label: String,
    origins: Origins,
}

impl Source {
    /// `error` with the file and line of its pointer when it is a [`SpecError`] about a place
    /// in the normalized document (a schema typify could not convert, say); anything else as is.
    pub fn locate(&self, error: anyhow::Error) -> anyhow::Error {
        let error = match error.downcast::<SpecError>() {
            Ok(error) => error,
            Err(other) => return other,
        };
        let Some(problem) = error.problem().cloned() else {
            return error.into();
        };
        let source_pointer = self.origins.source_pointer(&problem.pointer);
        // The nearest enclosing node the source has (normalization may have added the rest).
        let mut candidates = vec![source_pointer.as_str().to_owned()];
        let mut text = source_pointer.as_str();
        while let Some((parent, _)) = text.rsplit_once('/') {
            candidates.push(parent.to_owned());
            text = parent;
        }
        let lines = self
            .document
            .lines_of(candidates.iter().map(String::as_str));
        let line = candidates
            .iter()
            .find_map(|pointer| lines.get(pointer).copied());
        let problem = refactor_openapi::Problem {
            pointer: if source_pointer == problem.pointer {
                problem.pointer
            } else {
                source_pointer
            },
            ..problem
        };
        SpecError::Unsupported {
            path: Some(PathBuf::from(&self.label)),
            line,
            problem,
        }
        .into()
    }
}

/// Loads the spec and applies its overlay: the document as the team means it, before
/// normalization (its source is kept to locate errors and warnings).
pub fn load_overlaid(input: &SpecInput) -> anyhow::Result<(SourceDocument, serde_json::Value)> {
    let source = SourceDocument::read(&input.spec)?;
    let mut document = source.value().clone();
    if let Some(overlay_path) = &input.overlay {
        let overlay = SourceDocument::read(overlay_path)?;
        apply_overlay(&mut document, overlay.value()).map_err(|error| {
            error.located(overlay_path.clone(), |pointer| overlay.line_of(pointer))
        })?;
    }
    Ok((source, document))
}

/// Loads the spec, applies its overlay and normalizes it.
pub fn load_normalized(input: &SpecInput) -> anyhow::Result<Loaded> {
    let (source, document) = load_overlaid(input)?;
    let label = input.label.as_str();
    // Pointers into the overlaid document usually exist in the spec file too; when not (the
    // overlay added them), the message names the pointer alone.
    let locate =
        |error: SpecError| error.located(PathBuf::from(label), |pointer| source.line_of(pointer));
    let normalized = normalize(&document).map_err(locate)?;
    // One reading of the source locates every warning (a spec may have hundreds).
    let lines = source.lines_of(normalized.warnings.iter().map(|w| w.0.pointer.as_str()));
    let warnings = normalized
        .warnings
        .iter()
        .map(|warning| match lines.get(warning.0.pointer.as_str()) {
            Some(line) => format!("warning: {label}:{line}: {warning}"),
            None => format!("warning: {label}: {warning}"),
        })
        .collect();
    Ok(Loaded {
        document: normalized.document,
        warnings,
        source: Source {
            document: source,
            label: label.to_owned(),
            origins: normalized.origins,
        },
    })
}
