//! `cargo xtask api-diff OLD NEW`: what changed between two specs and whom it breaks, as text,
//! Markdown or JSON. Both specs go through the generator's own load, overlay and normalize, so
//! the comparison sees what codegen sees; a generated types file (`generated.rs`) stands for
//! the normalized document it embeds.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::ValueEnum;
use refactor_api_diff::{Report, diff, render};
use refactor_codegen::change_report::embedded_document;
use refactor_codegen::workspace::{SpecInput, load_normalized};
use serde_json::Value;

/// The report's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For a terminal.
    Text,
    /// For a pull-request comment.
    Markdown,
    /// For tools: the `refactor-api-diff/1` format (see the README).
    Json,
}

/// When the command fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// On any change that breaks clients or servers.
    Breaking,
    /// On a breaking change that `info.version` does not announce with a major bump.
    Unannounced,
}

/// One side of the comparison.
#[derive(Debug, Clone)]
pub struct Side {
    /// The spec, or a generated types file.
    pub spec: PathBuf,
    /// An overlay applied to the spec before normalization.
    pub overlay: Option<PathBuf>,
}

/// Loads, compares and prints; fails as `fail_on` asks.
pub fn run(old: &Side, new: &Side, format: Format, fail_on: Option<FailOn>) -> anyhow::Result<()> {
    let report = diff(&normalized(old)?, &normalized(new)?);
    print!("{}", rendered(&report, format)?);
    match fail_on {
        Some(FailOn::Breaking) if report.breaking => {
            bail!("the API has breaking changes (--fail-on breaking)")
        }
        Some(FailOn::Unannounced) if report.breaking_without_major_bump() => {
            bail!(
                "the API has breaking changes without a major version bump (--fail-on unannounced)"
            )
        }
        _ => Ok(()),
    }
}

/// The report in `format`.
pub fn rendered(report: &Report, format: Format) -> anyhow::Result<String> {
    Ok(match format {
        Format::Text => render::text(report),
        Format::Markdown => render::markdown(report),
        Format::Json => {
            let mut json =
                serde_json::to_string_pretty(report).context("failed to render the report")?;
            json.push('\n');
            json
        }
    })
}

/// The normalized document of one side.
fn normalized(side: &Side) -> anyhow::Result<Value> {
    if side.spec.extension().is_some_and(|ext| ext == "rs") {
        if side.overlay.is_some() {
            bail!(
                "{}: a generated file embeds a normalized document; an overlay cannot apply to it",
                side.spec.display()
            );
        }
        return embedded(&side.spec);
    }
    let input = SpecInput {
        label: side.spec.display().to_string(),
        spec: side.spec.clone(),
        overlay: side.overlay.clone(),
    };
    // Degraded constructs were warned about when the spec was generated from; the report is
    // about what changed.
    Ok(load_normalized(&input)?.document)
}

fn embedded(path: &Path) -> anyhow::Result<Value> {
    let source = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read {}", path.display()))?;
    let json = embedded_document(&source)
        .with_context(|| format!("{}: no OPENAPI_DOCUMENT in it", path.display()))?;
    serde_json::from_str(json)
        .with_context(|| format!("{}: its OPENAPI_DOCUMENT is not JSON", path.display()))
}
