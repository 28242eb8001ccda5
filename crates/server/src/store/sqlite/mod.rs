//! The embedded SQLite store (the default): WAL journal, a connection pool, migrations compiled
//! in. Several processes on one machine may share the file (an `import` beside a running
//! server); replicas on several machines need the PostgreSQL store. Stored responses are read
//! on the calling thread ([`reader`]); everything else goes through sqlx's pool.
//!
//! Every operation first checks that the path still holds the file the pool opened: a deleted
//! database is reported unavailable (not served from the unlinked copy the connections still
//! hold), and a replaced one (restored from a backup) is reopened.

mod file;
mod reader;
mod url;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use sqlx::Row as _;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use uuid::Uuid;

use sqlx::migrate::Migrator;

use super::rules::StoredIdentity;
use super::write::{self, ImportTransaction};
use super::{
    Changes, GoldLabelStore, ImportReport, PoolStatus, RunLabels, StoreError, StoreOptions,
    check_migrated, unavailable,
};
use crate::import::{ImportBatch, LabelRecord, RunRecord};
use file::{DatabaseFile, FileIdentity, FileState};
use reader::{ReadError, Readers};
use url::SqliteUrl;

/// How long SQLite waits on a lock held by another connection or process.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// A run's owner and its stored response (aggregated from its labels for a run that has none
/// stored, which only a database written by another program can hold); no row when there is
/// no such run. `group_concat(... ORDER BY ...)` needs SQLite 3.44 (the bundled one is newer).
const RUN_LABELS: &str = "
    SELECT r.account_id, coalesce(p.body, '[' || coalesce(
        (SELECT group_concat(l.body, ',' ORDER BY l.created_at_seconds, l.created_at_nanos, l.id)
         FROM gold_labels l WHERE l.run_id = r.id), '') || ']')
    FROM runs r LEFT JOIN run_responses p ON p.run_id = r.id
    WHERE r.id = ?1";

/// Rewrites the stored response of each run in the JSON array `?1` from its labels.
/// `group_concat(... ORDER BY ...)` needs SQLite 3.44 (the bundled one is newer).
const STORE_RESPONSES: &str = "
    INSERT INTO run_responses (run_id, body)
    SELECT run.value, '[' || coalesce(
        (SELECT group_concat(l.body, ',' ORDER BY l.created_at_seconds, l.created_at_nanos, l.id)
         FROM gold_labels l WHERE l.run_id = run.value), '') || ']'
    FROM json_each(?1) AS run WHERE true
    ON CONFLICT (run_id) DO UPDATE SET body = excluded.body";

/// Gold labels in a SQLite database file.
#[derive(Debug)]
pub struct SqliteStore {
    connect: SqliteConnectOptions,
    options: StoreOptions,
    /// The database file, unless the database lives in memory.
    file: Option<DatabaseFile>,
    /// Whether stored responses are read on the calling thread: the file is opened the default
    /// way (see [`SqliteUrl::plain`]).
    plain: bool,
    /// The file as opened now.
    open: RwLock<Opened>,
    /// Held while a replaced file is reopened, so it is reopened once. Between a failed attempt
    /// and the next it holds the old pool's `-wal` and `-shm` not yet removed (`None` while the
    /// old pool is open): they can be told apart only while its connections hold them.
    reopening: tokio::sync::Mutex<Option<Vec<(PathBuf, FileIdentity)>>>,
    /// How many times a replaced file was reopened: part of the version, because another
    /// file's counter says nothing about what a cache took from this one.
    reopened: AtomicU64,
}

/// A database file as a store has it open.
#[derive(Debug, Clone)]
struct Opened {
    /// The pool for everything but reading stored responses.
    pool: SqlitePool,
    /// The identity of the file opened, unless the database lives in memory.
    identity: Option<FileIdentity>,
    /// Connections that read stored responses on the calling thread, unless the database
    /// lives in memory (where every connection would open a database of its own) or is not
    /// opened the default way.
    readers: Option<Arc<Readers>>,
}

impl Opened {
    async fn close(&self) {
        self.pool.close().await;
        if let Some(readers) = &self.readers {
            readers.close();
        }
    }
}

/// The low bits of [`SqliteStore`]'s version count writes, the bits above count reopened files.
const WRITE_BITS: u32 = 40;
const WRITE_MASK: u64 = (1 << WRITE_BITS) - 1;

/// The migrations, compiled in.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

impl SqliteStore {
    /// Opens `sqlite://PATH`, creating the file and applying migrations; or, for
    /// `sqlite::memory:`, a database that lives as long as the store.
    pub async fn open(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        let SqliteUrl {
            connect,
            in_memory,
            plain,
        } = SqliteUrl::parse(url)?;
        let connect = connect
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let file = (!in_memory).then(|| DatabaseFile::new(connect.get_filename()));
        let pool = connect_and_migrate(&connect, options, in_memory).await?;
        let identity = file.as_ref().map(DatabaseFile::identity).transpose()?;
        let opened = Opened {
            pool,
            identity,
            readers: file
                .as_ref()
                .and_then(|file| readers_of(file, plain, options)),
        };
        Ok(Self {
            // Reopening never creates: a missing file stays missing until it is restored.
            connect: connect.create_if_missing(false),
            options: *options,
            file,
            plain,
            open: RwLock::new(opened),
            reopening: tokio::sync::Mutex::new(None),
            reopened: AtomicU64::new(0),
        })
    }

    /// The pool to use now: an error when the database file is gone, a new pool when the file
    /// was replaced.
    async fn pool(&self) -> Result<SqlitePool, StoreError> {
        Ok(self.opened().await?.pool)
    }

    /// The file as open now: an error when the database file is gone, the file opened anew when
    /// it was replaced.
    async fn opened(&self) -> Result<Opened, StoreError> {
        let current = self.current();
        let (Some(file), Some(identity)) = (&self.file, current.identity) else {
            return Ok(current);
        };
        match file.state(identity)? {
            FileState::Same => Ok(current),
            FileState::Replaced(_) => {
                let mut old_companions = self.reopening.lock().await;
                let current = self.current();
                let now = file.identity()?;
                if current.identity == Some(now) {
                    return Ok(current); // Reopened while this task waited.
                }
                // The old file's `-wal` and `-shm`, identified while its connections hold them,
                // stay behind when they close (SQLite does not checkpoint a moved file); the
                // new file must not read them as its own. Once the old pool is closed, what
                // appears at those paths belongs to someone else: a retry after a failed reopen
                // removes only what the first attempt identified and could not remove.
                let companions = match old_companions.take() {
                    Some(left) => left,
                    None => {
                        let companions = file.companions();
                        current.close().await;
                        companions
                    }
                };
                let removed = file.remove_stale(&companions);
                *old_companions = Some(if removed.is_ok() {
                    Vec::new()
                } else {
                    companions
                });
                removed?;
                let reopened = Opened {
                    pool: connect_and_migrate(&self.connect, &self.options, false).await?,
                    identity: Some(now),
                    readers: readers_of(file, self.plain, &self.options),
                };
                *self
                    .open
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = reopened.clone();
                *old_companions = None;
                self.reopened.fetch_add(1, Ordering::AcqRel);
                Ok(reopened)
            }
        }
    }

    fn current(&self) -> Opened {
        self.open
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// Readers of `file`, keeping as many idle connections as the pool may open, when it is opened
/// the `plain` way (see [`SqliteUrl::plain`]): other connections would not share its locks.
fn readers_of(file: &DatabaseFile, plain: bool, options: &StoreOptions) -> Option<Arc<Readers>> {
    let keep = usize::try_from(options.max_connections).unwrap_or(usize::MAX);
    plain.then(|| Arc::new(Readers::new(file.path(), keep)))
}

async fn connect_and_migrate(
    connect: &SqliteConnectOptions,
    options: &StoreOptions,
    in_memory: bool,
) -> Result<SqlitePool, StoreError> {
    let mut pool = SqlitePoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        // sqlx pings a pooled connection before lending it by default: for SQLite a round trip
        // to the connection's worker thread that checks nothing a query would not, and on a
        // cache miss as costly as the query itself (BENCHMARKS.md, the working-set row).
        .test_before_acquire(false);
    if in_memory {
        // An in-memory database ends with its last connection: keep one, for good.
        pool = pool
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None);
    }
    let pool = pool
        .connect_with(connect.clone())
        .await
        .map_err(unavailable)?;
    MIGRATOR
        .run(&pool)
        .await
        .map_err(|error| StoreError::Unavailable(format!("migrations failed: {error}")))?;
    Ok(pool)
}

#[async_trait]
impl GoldLabelStore for SqliteStore {
    async fn run_labels(&self, run: Uuid) -> Result<Option<RunLabels>, StoreError> {
        let opened = self.opened().await?;
        if let Some(readers) = &opened.readers {
            match readers.run_labels(run) {
                Ok(found) => return Ok(found),
                Err(ReadError::Failed(error)) => return Err(error),
                Err(ReadError::Busy) => {} // sqlx waits for the file, off this thread.
            }
        }
        let row = sqlx::query(RUN_LABELS)
            .bind(run.to_string())
            .fetch_optional(&opened.pool)
            .await
            .map_err(unavailable)?;
        Ok(row.map(|row| RunLabels::from_response(row.get(0), row.get(1))))
    }

    async fn version(&self) -> Result<u64, StoreError> {
        let pool = self.pool().await?;
        let writes: i64 = sqlx::query_scalar("SELECT version FROM store_version WHERE id = 1")
            .fetch_one(&pool)
            .await
            .map_err(unavailable)?;
        Ok(self.composite_version(writes))
    }

    async fn import(&self, batch: &ImportBatch) -> Result<ImportReport, StoreError> {
        // IMMEDIATE takes the write lock up front, so concurrent imports (other processes
        // included) wait for each other within the busy timeout instead of failing to upgrade a
        // read, and commit their versions in order.
        let pool = self.pool().await?;
        let tx = pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(unavailable)?;
        write::import(SqliteImport(tx), batch).await
    }

    async fn changes_since(&self, seen: u64) -> Result<Changes, StoreError> {
        let pool = self.pool().await?;
        let seen_writes = seen & WRITE_MASK;
        // One statement, one snapshot: the version and the log entries agree.
        let rows = sqlx::query(
            "SELECT s.version, c.version, c.run_id
             FROM store_version s LEFT JOIN run_changes c ON c.version > ?1 AND c.version <= s.version
             WHERE s.id = 1",
        )
        .bind(i64::try_from(seen_writes).unwrap_or(i64::MAX))
        .fetch_all(&pool)
        .await
        .map_err(unavailable)?;
        let writes = rows
            .first()
            .map(|row| row.get::<i64, _>(0))
            .ok_or_else(|| StoreError::Unavailable("store_version has no row".into()))?;
        let now = self.composite_version(writes);
        if seen >> WRITE_BITS != now >> WRITE_BITS {
            return Ok(Changes::everything(now)); // Another file since `seen`.
        }
        let entries = rows.iter().filter_map(|row| {
            let version = row.get::<Option<i64>, _>(1)?;
            let run = row.get::<Option<String>, _>(2)?.parse().ok()?;
            Some((u64::try_from(version).ok()?, run))
        });
        let changes = Changes::from_log(seen_writes, now & WRITE_MASK, entries);
        Ok(Changes {
            version: now,
            runs: changes.runs,
        })
    }

    async fn ready(&self) -> Result<(), StoreError> {
        let pool = self.pool().await?;
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&pool)
                .await
                .map_err(unavailable)?;
        check_migrated(&MIGRATOR, &applied)
    }

    fn pool_status(&self) -> Option<PoolStatus> {
        Some(PoolStatus::of(&self.current().pool))
    }
}

impl SqliteStore {
    /// The store's version from the count of writes in the file: the number of reopened files
    /// above [`WRITE_BITS`], the writes below.
    fn composite_version(&self, writes: i64) -> u64 {
        let reopened = self.reopened.load(Ordering::Acquire);
        (reopened << WRITE_BITS) | (u64::try_from(writes).unwrap_or_default() & WRITE_MASK)
    }
}

/// An import's SQLite transaction. Each step is one statement over a JSON array of its records
/// (`json_each`), so it costs one call into SQLite's thread whatever the number of records.
struct SqliteImport(sqlx::Transaction<'static, sqlx::Sqlite>);

/// Ids as a JSON array of their hyphenated text, as the tables store them.
fn id_list(ids: &[Uuid]) -> String {
    serde_json::Value::from(ids.iter().map(Uuid::to_string).collect::<Vec<_>>()).to_string()
}

/// Labels as a JSON array of their columns.
fn label_list(records: &[&LabelRecord]) -> String {
    let labels: Vec<serde_json::Value> = records
        .iter()
        .map(|record| {
            let label = &record.label;
            serde_json::json!({
                "id": label.id,
                "run_id": label.run_id,
                "account_id": label.account_id,
                "seconds": label.created_at.timestamp(),
                "nanos": label.created_at.timestamp_subsec_nanos(),
                "body": label.body,
            })
        })
        .collect();
    serde_json::Value::Array(labels).to_string()
}

#[async_trait]
impl ImportTransaction for SqliteImport {
    async fn run_owners(&mut self, runs: &[Uuid]) -> Result<HashMap<Uuid, String>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.id, r.account_id FROM json_each(?1) j JOIN runs r ON r.id = j.value",
        )
        .bind(id_list(runs))
        .fetch_all(&mut *self.0)
        .await
        .map_err(unavailable)?;
        Ok(rows
            .iter()
            .filter_map(|row| Some((row.get::<String, _>(0).parse().ok()?, row.get(1))))
            .collect())
    }

    async fn insert_runs(&mut self, runs: &[&RunRecord]) -> Result<(), StoreError> {
        let runs: Vec<serde_json::Value> = runs
            .iter()
            .map(|run| serde_json::json!({"id": run.id, "account_id": run.account_id}))
            .collect();
        sqlx::query(
            "INSERT INTO runs (id, account_id)
             SELECT value ->> 'id', value ->> 'account_id' FROM json_each(?1)",
        )
        .bind(serde_json::Value::Array(runs).to_string())
        .execute(&mut *self.0)
        .await
        .map(drop)
        .map_err(unavailable)
    }

    async fn stored_labels(
        &mut self,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, StoredIdentity>, StoreError> {
        let rows = sqlx::query(
            "SELECT g.id, g.run_id, g.account_id, g.body
             FROM json_each(?1) j JOIN gold_labels g ON g.id = j.value",
        )
        .bind(id_list(ids))
        .fetch_all(&mut *self.0)
        .await
        .map_err(unavailable)?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                let id = row.get::<String, _>(0).parse().ok()?;
                Some((
                    id,
                    StoredIdentity {
                        run_id: row.get(1),
                        account_id: row.get(2),
                        body: row.get(3),
                    },
                ))
            })
            .collect())
    }

    async fn write_labels(
        &mut self,
        creates: &[&LabelRecord],
        updates: &[&LabelRecord],
    ) -> Result<(), StoreError> {
        if !creates.is_empty() {
            sqlx::query(
                "INSERT INTO gold_labels (id, run_id, account_id, created_at_seconds, created_at_nanos, body)
                 SELECT value ->> 'id', value ->> 'run_id', value ->> 'account_id',
                        value ->> 'seconds', value ->> 'nanos', value ->> 'body'
                 FROM json_each(?1)",
            )
            .bind(label_list(creates))
            .execute(&mut *self.0)
            .await
            .map_err(unavailable)?;
        }
        if !updates.is_empty() {
            sqlx::query(
                "UPDATE gold_labels
                 SET created_at_seconds = new.seconds, created_at_nanos = new.nanos, body = new.body
                 FROM (SELECT value ->> 'id' AS id, value ->> 'seconds' AS seconds,
                              value ->> 'nanos' AS nanos, value ->> 'body' AS body
                       FROM json_each(?1)) AS new
                 WHERE gold_labels.id = new.id",
            )
            .bind(label_list(updates))
            .execute(&mut *self.0)
            .await
            .map_err(unavailable)?;
        }
        Ok(())
    }

    async fn store_responses(&mut self, runs: &[Uuid]) -> Result<(), StoreError> {
        sqlx::query(STORE_RESPONSES)
            .bind(id_list(runs))
            .execute(&mut *self.0)
            .await
            .map(drop)
            .map_err(unavailable)
    }

    async fn bump_version(&mut self) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "UPDATE store_version SET version = version + 1 WHERE id = 1 RETURNING version",
        )
        .fetch_one(&mut *self.0)
        .await
        .map_err(unavailable)
    }

    async fn record_changes(
        &mut self,
        version: i64,
        runs: &[Uuid],
        prune: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO run_changes (version, run_id) SELECT ?1, value FROM json_each(?2)",
        )
        .bind(version)
        .bind(id_list(runs))
        .execute(&mut *self.0)
        .await
        .map_err(unavailable)?;
        sqlx::query("DELETE FROM run_changes WHERE version <= ?1")
            .bind(prune)
            .execute(&mut *self.0)
            .await
            .map(drop)
            .map_err(unavailable)
    }

    async fn commit(self) -> Result<(), StoreError> {
        self.0.commit().await.map_err(unavailable)
    }
}
