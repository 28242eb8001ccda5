//! The import transaction, once for every backend: read what is stored under the batch's runs
//! and labels, apply the [`rules`](super::rules) to every record before writing anything, write,
//! rewrite the changed runs' stored responses, bump the store's version and list the runs the
//! import changed (see [`changes`](super::changes)), all or nothing. A backend only says how
//! each step reads or writes its tables ([`ImportTransaction`]); each step takes many records
//! at once, so a database across a network costs a few round trips per import, not a few per
//! label.

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use uuid::Uuid;

use super::rules::{self, LabelWrite, StoredIdentity};
use super::{ImportReport, StoreError};
use crate::import::{ImportBatch, LabelRecord, RunRecord};

/// How many records one statement reads or writes at most.
pub const CHUNK: usize = 1_000;

/// One backend's open write transaction. Dropping it without [`commit`](Self::commit) rolls
/// it back. Concurrent imports must be serialized by the backend when it begins one (so that
/// versions are committed in order and each run and label is created once).
#[async_trait]
pub trait ImportTransaction: Send {
    /// The account stored for each of `runs` that exists.
    async fn run_owners(&mut self, runs: &[Uuid]) -> Result<HashMap<Uuid, String>, StoreError>;

    /// Stores new runs.
    async fn insert_runs(&mut self, runs: &[&RunRecord]) -> Result<(), StoreError>;

    /// What is stored under each of the label ids `ids` that exists.
    async fn stored_labels(
        &mut self,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, StoredIdentity>, StoreError>;

    /// Stores new labels (`creates`) and replaces stored ones (`updates`).
    async fn write_labels(
        &mut self,
        creates: &[&LabelRecord],
        updates: &[&LabelRecord],
    ) -> Result<(), StoreError>;

    /// Rewrites the stored response of each of `runs` from its labels.
    async fn store_responses(&mut self, runs: &[Uuid]) -> Result<(), StoreError>;

    /// Increases the store's version by one and returns the new version.
    async fn bump_version(&mut self) -> Result<i64, StoreError>;

    /// Lists `runs` as changed at `version` and forgets the entries of versions up to `prune`.
    async fn record_changes(
        &mut self,
        version: i64,
        runs: &[Uuid],
        prune: i64,
    ) -> Result<(), StoreError>;

    /// Makes everything written visible at once.
    async fn commit(self) -> Result<(), StoreError>;
}

/// Writes `batch` through `tx`, idempotent by id: what is stored exactly so is left alone, and
/// an import that changes nothing changes no version.
pub async fn import<T: ImportTransaction>(
    mut tx: T,
    batch: &ImportBatch,
) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport::default();
    let mut changed_runs = BTreeSet::new();

    let mut owners = HashMap::new();
    let run_ids: Vec<Uuid> = batch.runs.iter().map(|run| run.id).collect();
    for chunk in run_ids.chunks(CHUNK) {
        owners.extend(tx.run_owners(chunk).await?);
    }
    let mut new_runs = Vec::new();
    for run in &batch.runs {
        if rules::run_needs_creating(run, owners.get(&run.id).map(String::as_str))? {
            new_runs.push(run);
            changed_runs.insert(run.id);
        }
    }
    report.runs_created = new_runs.len();

    let mut stored = HashMap::new();
    let label_ids: Vec<Uuid> = batch.labels.iter().map(|r| r.label.id).collect();
    for chunk in label_ids.chunks(CHUNK) {
        stored.extend(tx.stored_labels(chunk).await?);
    }
    let (mut creates, mut updates) = (Vec::new(), Vec::new());
    for record in &batch.labels {
        let write = rules::label_write(record, stored.get(&record.label.id))?;
        match write {
            LabelWrite::Create => creates.push(record),
            LabelWrite::Update => updates.push(record),
            LabelWrite::Unchanged => {}
        }
        if write != LabelWrite::Unchanged {
            changed_runs.insert(record.label.run_id);
        }
        report.count(write);
    }

    // Every record is checked: write.
    for chunk in new_runs.chunks(CHUNK) {
        tx.insert_runs(chunk).await?;
    }
    for chunk in creates.chunks(CHUNK) {
        tx.write_labels(chunk, &[]).await?;
    }
    for chunk in updates.chunks(CHUNK) {
        tx.write_labels(&[], chunk).await?;
    }
    if report.changed_anything() {
        let runs: Vec<Uuid> = changed_runs.into_iter().collect();
        for chunk in runs.chunks(CHUNK) {
            tx.store_responses(chunk).await?;
        }
        let version = tx.bump_version().await?;
        for chunk in runs.chunks(CHUNK) {
            tx.record_changes(version, chunk, version - super::changes::RETAINED_VERSIONS)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(report)
}
