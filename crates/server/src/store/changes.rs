//! Per-run freshness: every write records, in its own transaction, the runs it changed under the
//! store version it created (table `run_changes`). A reader that last saw version `V` asks for
//! the changes after `V` and drops just those runs from its cache. When it cannot tell what
//! changed (the entries it needs were pruned, a writer that keeps no change log bumped the
//! version, the database was replaced), it is told so and starts over.

use std::collections::BTreeSet;

use uuid::Uuid;

/// How many of the latest versions' entries an import keeps: a reader more imports behind than
/// this (one that could not reach the database for a long while) empties its cache instead.
pub const RETAINED_VERSIONS: i64 = 10_000;

/// What changed in the store since a version a reader saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The store's version now.
    pub version: u64,
    /// The runs written since, or `None` when the store cannot tell: anything may have changed.
    pub runs: Option<Vec<Uuid>>,
}

impl Changes {
    /// Nothing changed: the store is still at `version`.
    pub fn none(version: u64) -> Self {
        Self {
            version,
            runs: Some(Vec::new()),
        }
    }

    /// Everything may have changed.
    pub fn everything(version: u64) -> Self {
        Self {
            version,
            runs: None,
        }
    }

    /// The changes from `seen` to `now`, given the change log's entries after `seen` (pairs of
    /// version and run). Every write that changed something bumped the version by one and
    /// listed at least one run, so the log covers the interval exactly when it holds every
    /// version from `seen + 1` to `now`; otherwise the reader cannot know what it missed.
    pub fn from_log(seen: u64, now: u64, entries: impl IntoIterator<Item = (u64, Uuid)>) -> Self {
        if now == seen {
            return Self::none(now);
        }
        if now < seen {
            return Self::everything(now); // Another database, or one restored from a backup.
        }
        let mut versions = BTreeSet::new();
        let mut runs = BTreeSet::new();
        for (version, run) in entries {
            if version > seen && version <= now {
                versions.insert(version);
                runs.insert(run);
            }
        }
        if u64::try_from(versions.len()).ok() == Some(now - seen) {
            Self {
                version: now,
                runs: Some(runs.into_iter().collect()),
            }
        } else {
            Self::everything(now)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn a_complete_log_names_each_changed_run_once() {
        let changes = Changes::from_log(4, 6, [(5, run(1)), (6, run(2)), (6, run(1))]);
        assert_eq!(changes.runs, Some(vec![run(1), run(2)]));
        assert_eq!(changes.version, 6);
    }

    #[test]
    fn an_unchanged_version_changes_nothing() {
        assert_eq!(Changes::from_log(6, 6, []), Changes::none(6));
    }

    #[test]
    fn a_version_missing_from_the_log_means_anything_changed() {
        // Version 5 was pruned, or written by a writer that keeps no log.
        assert_eq!(
            Changes::from_log(4, 6, [(6, run(2))]),
            Changes::everything(6)
        );
    }

    #[test]
    fn a_version_going_back_means_another_database() {
        assert_eq!(Changes::from_log(9, 3, []), Changes::everything(3));
    }
}
