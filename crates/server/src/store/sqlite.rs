//! The embedded SQLite store: WAL journal, a connection pool, migrations compiled in.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use sqlx::Row as _;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use uuid::Uuid;

use super::{GoldLabelStore, ImportReport, RunLabels, StoreError};
use crate::import::ImportBatch;

/// How long a request waits for a pooled connection before the store reports itself unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);
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
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|_| StoreError::UnsupportedUrl(url.to_owned()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let connections = std::thread::available_parallelism().map_or(4, |n| n.get() * 2);
        let pool = SqlitePoolOptions::new()
            .max_connections(u32::try_from(connections).unwrap_or(8))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(unavailable)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|error| StoreError::Unavailable(format!("migrations failed: {error}")))?;
        Ok(Self { pool })
    }
}

/// `[` + comma-separated label bodies + `]`.
fn json_array(bodies: &str) -> Bytes {
    let mut json = Vec::with_capacity(bodies.len() + 2);
    json.push(b'[');
    json.extend_from_slice(bodies.as_bytes());
    json.push(b']');
    Bytes::from(json)
}

fn unavailable(error: sqlx::Error) -> StoreError {
    StoreError::Unavailable(error.to_string())
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
        // Dropping the transaction without committing rolls it back: all or nothing.
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        for run in &batch.runs {
            let owner: Option<String> =
                sqlx::query_scalar("SELECT account_id FROM runs WHERE id = ?1")
                    .bind(run.id.to_string())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(unavailable)?;
            match owner {
                Some(owner) if owner == run.account_id => {}
                Some(owner) => {
                    return Err(StoreError::Conflict(format!(
                        "run {} belongs to account {owner:?}, not {:?}",
                        run.id, run.account_id
                    )));
                }
                None => {
                    sqlx::query("INSERT INTO runs (id, account_id) VALUES (?1, ?2)")
                        .bind(run.id.to_string())
                        .bind(&run.account_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(unavailable)?;
                    report.runs_created += 1;
                }
            }
        }
        for record in &batch.labels {
            let label = &record.label;
            let existing =
                sqlx::query("SELECT run_id, account_id, body FROM gold_labels WHERE id = ?1")
                    .bind(label.id.to_string())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(unavailable)?;
            let seconds = label.created_at.timestamp();
            let nanos = i64::from(label.created_at.timestamp_subsec_nanos());
            match existing {
                Some(row) => {
                    let (run_id, account_id, body): (String, String, String) =
                        (row.get(0), row.get(1), row.get(2));
                    if run_id != label.run_id.to_string() || account_id != label.account_id {
                        return Err(StoreError::Conflict(format!(
                            "label {} (record {}) is stored for run {run_id} of account {account_id:?}",
                            label.id, record.index
                        )));
                    }
                    if body == label.body {
                        report.labels_unchanged += 1;
                        continue;
                    }
                    sqlx::query(
                        "UPDATE gold_labels SET created_at_seconds = ?2, created_at_nanos = ?3, body = ?4 WHERE id = ?1",
                    )
                    .bind(label.id.to_string())
                    .bind(seconds)
                    .bind(nanos)
                    .bind(&label.body)
                    .execute(&mut *tx)
                    .await
                    .map_err(unavailable)?;
                    report.labels_updated += 1;
                }
                None => {
                    sqlx::query(
                        "INSERT INTO gold_labels (id, run_id, account_id, created_at_seconds, created_at_nanos, body)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )
                    .bind(label.id.to_string())
                    .bind(label.run_id.to_string())
                    .bind(&label.account_id)
                    .bind(seconds)
                    .bind(nanos)
                    .bind(&label.body)
                    .execute(&mut *tx)
                    .await
                    .map_err(unavailable)?;
                    report.labels_created += 1;
                }
            }
        }
        let changed = report.runs_created + report.labels_created + report.labels_updated > 0;
        if changed {
            sqlx::query("UPDATE store_version SET version = version + 1 WHERE id = 1")
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        }
        tx.commit().await.map_err(unavailable)?;
        Ok(report)
    }
}
