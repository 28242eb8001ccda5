//! Does `info.version` announce a breaking change? Semver's rule: the major version goes up
//! (below 1.0, the minor one). Unlike oasdiff, an unchanged version is reported too: the
//! generated client sends `info.version` as its `api-version` header, so it is what a server
//! can tell old clients by, and a breaking change under the same version hides from it.

use serde_json::Value;

use crate::report::{VersionCheck, VersionOutcome};

/// The version check of a report with a breaking change.
pub fn check_version(old: &Value, new: &Value) -> VersionCheck {
    let version = |document: &Value| {
        document
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (old, new) = (version(old), version(new));
    let (outcome, message) = match (release_line(&old), release_line(&new)) {
        (Some(from), Some(to)) if to > from => (
            VersionOutcome::MajorBumped,
            format!("info.version {old} -> {new} announces the breaking changes"),
        ),
        (Some(_), Some(_)) if old == new => (
            VersionOutcome::NotBumped,
            format!("breaking changes without a major version bump: info.version is still {new}"),
        ),
        (Some(_), Some(_)) => (
            VersionOutcome::NotBumped,
            format!("breaking changes without a major version bump: info.version {old} -> {new}"),
        ),
        _ => (
            VersionOutcome::NotSemver,
            format!(
                "info.version {old} -> {new}: not both MAJOR.MINOR versions, so whether they announce the breaking changes cannot be told"
            ),
        ),
    };
    VersionCheck {
        outcome,
        old,
        new,
        message,
    }
}

/// The part of a version that must go up for a breaking change: `(major, 0)`, or `(0, minor)`
/// below 1.0. A leading `v` and any pre-release or build suffix are ignored.
fn release_line(version: &str) -> Option<(u64, u64)> {
    let trimmed = version.trim();
    let core = trimmed.trim_start_matches(['v', 'V']);
    let core = core.split(['-', '+']).next()?;
    // `2024-01-01` is a date, not version 2024; `v2` is a version.
    if !core.contains('.') && !trimmed.starts_with(['v', 'V']) {
        return None;
    }
    let mut parts = core.split('.');
    let major: u64 = parts.next()?.parse().ok()?;
    let minor: u64 = match parts.next() {
        Some(minor) => minor.parse().ok()?,
        None => 0,
    };
    Some(if major == 0 { (0, minor) } else { (major, 0) })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn outcome(old: &str, new: &str) -> VersionOutcome {
        check_version(
            &json!({"info": {"version": old}}),
            &json!({"info": {"version": new}}),
        )
        .outcome
    }

    #[test]
    fn a_major_bump_announces_a_breaking_change() {
        assert_eq!(outcome("1.4.2", "2.0.0"), VersionOutcome::MajorBumped);
        assert_eq!(outcome("v1", "v2.0-rc.1"), VersionOutcome::MajorBumped);
    }

    #[test]
    fn below_one_the_minor_version_is_the_major_one() {
        assert_eq!(outcome("0.3.1", "0.4.0"), VersionOutcome::MajorBumped);
        assert_eq!(outcome("0.3.1", "0.3.2"), VersionOutcome::NotBumped);
    }

    #[test]
    fn a_minor_bump_or_none_does_not() {
        assert_eq!(outcome("1.0.0", "1.1.0"), VersionOutcome::NotBumped);
        assert_eq!(outcome("1.0.0", "1.0.0"), VersionOutcome::NotBumped);
        assert_eq!(outcome("2.0.0", "1.0.0"), VersionOutcome::NotBumped);
    }

    #[test]
    fn dates_are_not_semantic_versions() {
        assert_eq!(
            outcome("2024-01-01", "2024-02-01"),
            VersionOutcome::NotSemver
        );
    }
}
