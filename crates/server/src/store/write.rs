//! The import transaction, once for every backend: read what is stored under each run and
//! label, apply the [`rules`](super::rules), write, rewrite the changed runs' stored responses,
//! bump the store's version and list the runs the import changed (see
//! [`changes`](super::changes)), all or nothing. A backend only says
//! how each step reads or writes its tables ([`ImportTransaction`]).

use std::collections::BTreeSet;

use async_trait::async_trait;
use uuid::Uuid;

use super::rules::{self, LabelWrite, StoredIdentity};
use super::{ImportReport, StoreError};
use crate::import::{ImportBatch, LabelRecord, RunRecord};

/// One backend's open write transaction. Dropping it without [`commit`](Self::commit) rolls
/// it back. Concurrent imports must be serialized by the backend when it begins one (so that
/// versions are committed in order and each run and label is created once).
#[async_trait]
pub trait ImportTransaction: Send {
    /// The account stored for run `run`, if the run exists.
    async fn run_owner(&mut self, run: Uuid) -> Result<Option<String>, StoreError>;

    /// Stores a new run.
    async fn insert_run(&mut self, run: &RunRecord) -> Result<(), StoreError>;

    /// What is stored under label id `id`, if anything.
    async fn stored_label(&mut self, id: Uuid) -> Result<Option<StoredIdentity>, StoreError>;

    /// Creates or updates (`write` is never [`LabelWrite::Unchanged`]) one label.
    async fn write_label(
        &mut self,
        record: &LabelRecord,
        write: LabelWrite,
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
    for run in &batch.runs {
        let owner = tx.run_owner(run.id).await?;
        if rules::run_needs_creating(run, owner.as_deref())? {
            tx.insert_run(run).await?;
            report.runs_created += 1;
            changed_runs.insert(run.id);
        }
    }
    for record in &batch.labels {
        let stored = tx.stored_label(record.label.id).await?;
        let write = rules::label_write(record, stored.as_ref())?;
        if write != LabelWrite::Unchanged {
            tx.write_label(record, write).await?;
            changed_runs.insert(record.label.run_id);
        }
        report.count(write);
    }
    if report.changed_anything() {
        let runs: Vec<Uuid> = changed_runs.into_iter().collect();
        tx.store_responses(&runs).await?;
        let version = tx.bump_version().await?;
        tx.record_changes(version, &runs, version - super::changes::RETAINED_VERSIONS)
            .await?;
    }
    tx.commit().await?;
    Ok(report)
}
