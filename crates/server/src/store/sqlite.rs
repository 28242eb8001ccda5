//! The embedded SQLite store (the default): WAL journal, a connection pool, migrations compiled
//! in. Several processes on one machine may share the file (an `import` beside a running
//! server); replicas on several machines need the PostgreSQL store.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::Row as _;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use uuid::Uuid;

use super::rules::{self, LabelWrite, StoredIdentity};
use super::{
    GoldLabelStore, ImportReport, RunLabels, StoreError, StoreOptions, json_array, redacted,
    unavailable,
};
use crate::import::ImportBatch;

/// How long SQLite waits on a lock held by another connection or process.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// A run's owner and its labels as one JSON array text; no row when there is no such run.
/// `group_concat(... ORDER BY ...)` needs SQLite 3.44 (the bundled one is newer).
const RUN_LABELS: &str = "
    SELECT r.account_id,
           group_concat(l.body, ',' ORDER BY l.created_at_seconds, l.created_at_nanos, l.id)
    FROM runs r LEFT JOIN gold_labels l ON l.run_id = r.id
    WHERE r.id = ?1
    GROUP BY r.id";

/// Gold labels in a SQLite database file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens `sqlite://PATH`, creating the file and applying migrations.
    pub async fn open(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        let connect = SqliteConnectOptions::from_str(url)
            .map_err(|_| StoreError::UnsupportedUrl(redacted(url)))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await
            .map_err(unavailable)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|error| StoreError::Unavailable(format!("migrations failed: {error}")))?;
        Ok(Self { pool })
    }
}

#[async_trait]
impl GoldLabelStore for SqliteStore {
    async fn run_labels(&self, run: Uuid) -> Result<Option<RunLabels>, StoreError> {
        let row = sqlx::query(RUN_LABELS)
            .bind(run.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(row.map(|row| {
            let bodies: Option<String> = row.get(1);
            RunLabels {
                owner: row.get(0),
                json: json_array(bodies.as_deref().unwrap_or_default()),
            }
        }))
    }

    async fn version(&self) -> Result<u64, StoreError> {
        let version: i64 = sqlx::query_scalar("SELECT version FROM store_version WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(u64::try_from(version).unwrap_or_default())
    }

    async fn import(&self, batch: &ImportBatch) -> Result<ImportReport, StoreError> {
        let mut report = ImportReport::default();
        // Dropping the transaction without committing rolls it back: all or nothing. IMMEDIATE
        // takes the write lock up front, so concurrent imports (other processes included) wait
        // for each other within the busy timeout instead of failing to upgrade a read.
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(unavailable)?;
        for run in &batch.runs {
            let owner: Option<String> =
                sqlx::query_scalar("SELECT account_id FROM runs WHERE id = ?1")
                    .bind(run.id.to_string())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(unavailable)?;
            if rules::run_needs_creating(run, owner.as_deref())? {
                sqlx::query("INSERT INTO runs (id, account_id) VALUES (?1, ?2)")
                    .bind(run.id.to_string())
                    .bind(&run.account_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(unavailable)?;
                report.runs_created += 1;
            }
        }
        for record in &batch.labels {
            let label = &record.label;
            let stored =
                sqlx::query("SELECT run_id, account_id, body FROM gold_labels WHERE id = ?1")
                    .bind(label.id.to_string())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(unavailable)?
                    .map(|row| StoredIdentity {
                        run_id: row.get(0),
                        account_id: row.get(1),
                        body: row.get(2),
                    });
            let write = rules::label_write(record, stored.as_ref())?;
            let statement = match write {
                LabelWrite::Unchanged => {
                    report.count(write);
                    continue;
                }
                LabelWrite::Create => {
                    "INSERT INTO gold_labels (id, run_id, account_id, created_at_seconds, created_at_nanos, body)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                }
                LabelWrite::Update => {
                    "UPDATE gold_labels SET created_at_seconds = ?4, created_at_nanos = ?5, body = ?6
                     WHERE id = ?1 AND run_id = ?2 AND account_id = ?3"
                }
            };
            sqlx::query(statement)
                .bind(label.id.to_string())
                .bind(label.run_id.to_string())
                .bind(&label.account_id)
                .bind(label.created_at.timestamp())
                .bind(i64::from(label.created_at.timestamp_subsec_nanos()))
                .bind(&label.body)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
            report.count(write);
        }
        if report.changed_anything() {
            sqlx::query("UPDATE store_version SET version = version + 1 WHERE id = 1")
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        }
        tx.commit().await.map_err(unavailable)?;
        Ok(report)
    }
}
