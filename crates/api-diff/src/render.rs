//! The report as text (for a terminal) and as Markdown (for a pull-request comment). JSON is the
//! report's own `Serialize`.

use std::fmt::Write as _;

use crate::report::{Aspect, Change, Party, Report, VersionOutcome};

/// A one-line count: `3 changes: 2 breaking (2 for clients, 1 for servers), 1 compatible`.
pub fn summary(report: &Report) -> String {
    let changes: Vec<&Change> = report.changes().collect();
    let breaking = changes.iter().filter(|c| c.verdict.is_breaking()).count();
    let breaks = |party: Party| {
        changes
            .iter()
            .filter(|c| c.effects.iter().any(|e| e.party == party))
            .count()
    };
    format!(
        "{} change{}: {breaking} breaking ({} for clients, {} for servers), {} compatible",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" },
        breaks(Party::Clients),
        breaks(Party::Servers),
        changes.len() - breaking
    )
}

fn party(party: Party) -> &'static str {
    match party {
        Party::Clients => "clients",
        Party::Servers => "servers",
    }
}

fn aspect(aspect: Aspect) -> &'static str {
    match aspect {
        Aspect::Compiles => "compile",
        Aspect::Behaves => "behaviour",
    }
}

/// The groups of a report, each with its heading parts.
fn groups(report: &Report) -> Vec<(String, &[Change])> {
    let mut groups: Vec<(String, &[Change])> = Vec::new();
    for operation in &report.operations {
        groups.push((
            format!(
                "{} {}: `{}`",
                operation.method, operation.path, operation.rust_method
            ),
            &operation.changes,
        ));
    }
    for schema in &report.schemas {
        let mut heading = format!("schema {}: type `{}`", schema.name, schema.rust_type);
        if !schema.used_by.is_empty() {
            let directions: Vec<String> = schema
                .directions
                .iter()
                .map(|d| format!("{}s", d.as_str()))
                .collect();
            let users: Vec<String> = schema.used_by.iter().map(|u| format!("`{u}`")).collect();
            let _ = write!(
                heading,
                ", in {} of {}",
                directions.join(" and "),
                users.join(", ")
            );
        }
        groups.push((heading, &schema.changes));
    }
    if !report.security_schemes.is_empty() {
        groups.push(("security schemes".to_owned(), &report.security_schemes));
    }
    groups
}

/// The version check's line, if the report has one.
fn version_line(report: &Report) -> Option<String> {
    let check = report.version.as_ref()?;
    let kind = match check.outcome {
        VersionOutcome::NotBumped => "warning",
        VersionOutcome::MajorBumped | VersionOutcome::NotSemver => "note",
    };
    Some(format!("{kind}: {}", check.message))
}

/// The report for a terminal.
pub fn text(report: &Report) -> String {
    if report.is_empty() {
        return "no API changes\n".to_owned();
    }
    let mut out = format!("{}\n", summary(report));
    for (heading, changes) in groups(report) {
        let _ = writeln!(out, "\n{heading}");
        for change in changes {
            let _ = writeln!(out, "  {} [{}]", change.verdict.label(), change.id);
            let _ = writeln!(out, "    {}", change.message);
            for effect in &change.effects {
                let _ = writeln!(
                    out,
                    "    - {} ({}): {}",
                    party(effect.party),
                    aspect(effect.aspect),
                    effect.reason
                );
            }
        }
    }
    if let Some(line) = version_line(report) {
        let _ = writeln!(out, "\n{line}");
    }
    out
}

/// The report as a Markdown section for a pull-request comment.
pub fn markdown(report: &Report) -> String {
    let mut out = String::from("### API changes\n\n");
    if report.is_empty() {
        out.push_str("None.\n");
        return out;
    }
    let _ = writeln!(out, "{}.", summary(report));
    if let Some(check) = &report.version {
        let lead = match check.outcome {
            VersionOutcome::NotBumped => "**Warning:**",
            VersionOutcome::MajorBumped | VersionOutcome::NotSemver => "**Note:**",
        };
        let _ = writeln!(out, "\n> {lead} {}", check.message);
    }
    for (heading, changes) in groups(report) {
        let _ = writeln!(out, "\n#### {}\n", table_cell(&heading));
        out.push_str("| verdict | change | why |\n|---|---|---|\n");
        for change in changes {
            let why: Vec<String> = change
                .effects
                .iter()
                .map(|e| format!("{} ({}): {}", party(e.party), aspect(e.aspect), e.reason))
                .collect();
            let _ = writeln!(
                out,
                "| {} | {}<br>`{}` | {} |",
                change.verdict.label(),
                table_cell(&change.message),
                change.id,
                table_cell(&why.join("<br>"))
            );
        }
    }
    out
}

/// Text that stays inside one Markdown table cell.
fn table_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
