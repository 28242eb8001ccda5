//! The import rules every backend applies, in one place so the backends cannot drift: a run keeps
//! its account, a label keeps its run and its account, and writing the same JSON again is no
//! change. The backends only read what is stored and carry out the decision.

use super::{ImportReport, StoreError};
use crate::import::{LabelRecord, RunRecord};

/// What the store holds under a label's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredIdentity {
    /// The run it is stored for (a UUID's hyphenated lowercase text).
    pub run_id: String,
    /// The account it is stored for.
    pub account_id: String,
    /// The JSON the API serves for it.
    pub body: String,
}

/// What an import does with one label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelWrite {
    /// Not stored yet: insert it.
    Create,
    /// Stored with other JSON: replace it.
    Update,
    /// Stored exactly so: leave it.
    Unchanged,
}

/// Whether `run` must be created, given the owner stored for its id (if any).
pub fn run_needs_creating(run: &RunRecord, stored_owner: Option<&str>) -> Result<bool, StoreError> {
    match stored_owner {
        None => Ok(true),
        Some(owner) if owner == run.account_id => Ok(false),
        Some(owner) => Err(StoreError::Conflict(format!(
            "{}: /account_id: run {} belongs to account {owner:?} in the database, not {:?}",
            run.source, run.id, run.account_id
        ))),
    }
}

/// What to do with `record`, given what is stored under its id (if anything).
pub fn label_write(
    record: &LabelRecord,
    stored: Option<&StoredIdentity>,
) -> Result<LabelWrite, StoreError> {
    let label = &record.label;
    let Some(stored) = stored else {
        return Ok(LabelWrite::Create);
    };
    if stored.run_id != label.run_id.to_string() || stored.account_id != label.account_id {
        let field = if stored.run_id == label.run_id.to_string() {
            "/account_id"
        } else {
            "/run_id"
        };
        return Err(StoreError::Conflict(format!(
            "{}: {field}: label {} is stored for run {} of account {:?}",
            record.source, label.id, stored.run_id, stored.account_id
        )));
    }
    Ok(if stored.body == label.body {
        LabelWrite::Unchanged
    } else {
        LabelWrite::Update
    })
}

impl ImportReport {
    /// Counts one label's write.
    pub fn count(&mut self, write: LabelWrite) {
        match write {
            LabelWrite::Create => self.labels_created += 1,
            LabelWrite::Update => self.labels_updated += 1,
            LabelWrite::Unchanged => self.labels_unchanged += 1,
        }
    }

    /// Whether the import changed anything (and so must bump the store's version).
    pub fn changed_anything(&self) -> bool {
        self.runs_created + self.labels_created + self.labels_updated > 0
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone as _, Utc};
    use uuid::Uuid;

    use super::*;
    use crate::labels::StoredLabel;

    fn record(run: u128, account: &str, body: &str) -> LabelRecord {
        LabelRecord {
            source: "gold_labels[3]".into(),
            label: StoredLabel {
                id: Uuid::from_u128(1),
                run_id: Uuid::from_u128(run),
                account_id: account.to_owned(),
                created_at: Utc.timestamp_opt(0, 0).single().unwrap_or_default(),
                body: body.to_owned(),
            },
        }
    }

    fn stored(run: u128, account: &str, body: &str) -> StoredIdentity {
        StoredIdentity {
            run_id: Uuid::from_u128(run).to_string(),
            account_id: account.to_owned(),
            body: body.to_owned(),
        }
    }

    #[test]
    fn a_run_keeps_its_account() {
        let run = RunRecord {
            id: Uuid::from_u128(7),
            account_id: "acme".into(),
            source: "runs[0]".into(),
        };
        assert_eq!(run_needs_creating(&run, None), Ok(true));
        assert_eq!(run_needs_creating(&run, Some("acme")), Ok(false));
        let error = run_needs_creating(&run, Some("globex"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("belongs to account \"globex\""), "{error}");
    }

    #[test]
    fn a_label_is_created_updated_or_left_by_its_json() {
        let new = record(2, "acme", "{\"a\":1}");
        assert_eq!(label_write(&new, None), Ok(LabelWrite::Create));
        assert_eq!(
            label_write(&new, Some(&stored(2, "acme", "{\"a\":1}"))),
            Ok(LabelWrite::Unchanged)
        );
        assert_eq!(
            label_write(&new, Some(&stored(2, "acme", "{\"a\": 1}"))),
            Ok(LabelWrite::Update)
        );
    }

    #[test]
    fn a_label_keeps_its_run_and_account() {
        let new = record(2, "acme", "{}");
        for (other, field) in [
            (stored(9, "acme", "{}"), "/run_id"),
            (stored(2, "globex", "{}"), "/account_id"),
        ] {
            let error = label_write(&new, Some(&other))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                error.contains(&format!("gold_labels[3]: {field}: label")),
                "{error}"
            );
        }
    }
}
