//! The embedded SQLite store (the default): WAL journal, a connection pool, migrations compiled
//! in. Several processes on one machine may share the file (an `import` beside a running
//! server); replicas on several machines need the PostgreSQL store.
//!
//! Every operation first checks that the path still holds the file the pool opened: a deleted
//! database is reported unavailable (not served from the unlinked copy the connections still
//! hold), and a replaced one (restored from a backup) is reopened.

mod file;
mod url;

use std::path::PathBuf;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use sqlx::Row as _;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use uuid::Uuid;

use sqlx::migrate::Migrator;

use super::rules::{LabelWrite, StoredIdentity};
use super::write::{self, ImportTransaction};
use super::{
    Changes, GoldLabelStore, ImportReport, PoolStatus, RunLabels, StoreError, StoreOptions,
    check_migrated, unavailable,
};
use crate::import::{ImportBatch, LabelRecord, RunRecord};
use file::{DatabaseFile, FileIdentity, FileState};
use url::SqliteUrl;

/// How long SQLite waits on a lock held by another connection or process.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// A run's owner and its stored response; no row when there is no such run.
const RUN_LABELS: &str = "
    SELECT r.account_id, p.body
    FROM runs r LEFT JOIN run_responses p ON p.run_id = r.id
    WHERE r.id = ?1";

/// Rewrites run `?1`'s stored response from its labels. `group_concat(... ORDER BY ...)` needs
/// SQLite 3.44 (the bundled one is newer).
const STORE_RESPONSE: &str = "
    INSERT INTO run_responses (run_id, body)
    SELECT ?1, '[' || coalesce(
        (SELECT group_concat(body, ',' ORDER BY created_at_seconds, created_at_nanos, id)
         FROM gold_labels WHERE run_id = ?1), '') || ']'
    ON CONFLICT (run_id) DO UPDATE SET body = excluded.body";

/// Gold labels in a SQLite database file.
#[derive(Debug)]
pub struct SqliteStore {
    connect: SqliteConnectOptions,
    options: StoreOptions,
    /// The database file, unless the database lives in memory.
    file: Option<DatabaseFile>,
    /// The pool and the identity of the file it opened.
    open: RwLock<(SqlitePool, Option<FileIdentity>)>,
    /// Held while a replaced file is reopened, so it is reopened once. Between a failed attempt
    /// and the next it holds the old pool's `-wal` and `-shm` not yet removed (`None` while the
    /// old pool is open): they can be told apart only while its connections hold them.
    reopening: tokio::sync::Mutex<Option<Vec<(PathBuf, FileIdentity)>>>,
    /// How many times a replaced file was reopened: part of the version, because another
    /// file's counter says nothing about what a cache took from this one.
    reopened: AtomicU64,
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
        let SqliteUrl { connect, in_memory } = SqliteUrl::parse(url)?;
        let connect = connect
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let file = (!in_memory).then(|| DatabaseFile::new(connect.get_filename()));
        let pool = connect_and_migrate(&connect, options, in_memory).await?;
        let identity = file.as_ref().map(DatabaseFile::identity).transpose()?;
        Ok(Self {
            // Reopening never creates: a missing file stays missing until it is restored.
            connect: connect.create_if_missing(false),
            options: *options,
            file,
            open: RwLock::new((pool, identity)),
            reopening: tokio::sync::Mutex::new(None),
            reopened: AtomicU64::new(0),
        })
    }

    /// The pool to use now: an error when the database file is gone, a new pool when the file
    /// was replaced.
    async fn pool(&self) -> Result<SqlitePool, StoreError> {
        let (pool, opened) = self.current();
        let (Some(file), Some(opened)) = (&self.file, opened) else {
            return Ok(pool);
        };
        match file.state(opened)? {
            FileState::Same => Ok(pool),
            FileState::Replaced(_) => {
                let mut old_companions = self.reopening.lock().await;
                let (pool, opened) = self.current();
                let now = file.identity()?;
                if opened == Some(now) {
                    return Ok(pool); // Reopened while this task waited.
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
                        pool.close().await;
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
                let reopened = connect_and_migrate(&self.connect, &self.options, false).await?;
                *self
                    .open
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) =
                    (reopened.clone(), Some(now));
                *old_companions = None;
                self.reopened.fetch_add(1, Ordering::AcqRel);
                Ok(reopened)
            }
        }
    }

    fn current(&self) -> (SqlitePool, Option<FileIdentity>) {
        self.open
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

async fn connect_and_migrate(
    connect: &SqliteConnectOptions,
    options: &StoreOptions,
    in_memory: bool,
) -> Result<SqlitePool, StoreError> {
    let mut pool = SqlitePoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout);
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
        let row = sqlx::query(RUN_LABELS)
            .bind(run.to_string())
            .fetch_optional(&self.pool().await?)
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
        Some(PoolStatus::of(&self.current().0))
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

/// An import's SQLite transaction.
struct SqliteImport(sqlx::Transaction<'static, sqlx::Sqlite>);

#[async_trait]
impl ImportTransaction for SqliteImport {
    async fn run_owner(&mut self, run: Uuid) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT account_id FROM runs WHERE id = ?1")
            .bind(run.to_string())
            .fetch_optional(&mut *self.0)
            .await
            .map_err(unavailable)
    }

    async fn insert_run(&mut self, run: &RunRecord) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO runs (id, account_id) VALUES (?1, ?2)")
            .bind(run.id.to_string())
            .bind(&run.account_id)
            .execute(&mut *self.0)
            .await
            .map(drop)
            .map_err(unavailable)
    }

    async fn stored_label(&mut self, id: Uuid) -> Result<Option<StoredIdentity>, StoreError> {
        let row = sqlx::query("SELECT run_id, account_id, body FROM gold_labels WHERE id = ?1")
            .bind(id.to_string())
            .fetch_optional(&mut *self.0)
            .await
            .map_err(unavailable)?;
        Ok(row.map(|row| StoredIdentity {
            run_id: row.get(0),
            account_id: row.get(1),
            body: row.get(2),
        }))
    }

    async fn write_label(
        &mut self,
        record: &LabelRecord,
        write: LabelWrite,
    ) -> Result<(), StoreError> {
        let statement = match write {
            LabelWrite::Update => {
                "UPDATE gold_labels SET created_at_seconds = ?4, created_at_nanos = ?5, body = ?6
                 WHERE id = ?1 AND run_id = ?2 AND account_id = ?3"
            }
            LabelWrite::Create => {
                "INSERT INTO gold_labels (id, run_id, account_id, created_at_seconds, created_at_nanos, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
            }
            LabelWrite::Unchanged => return Ok(()),
        };
        let label = &record.label;
        sqlx::query(statement)
            .bind(label.id.to_string())
            .bind(label.run_id.to_string())
            .bind(&label.account_id)
            .bind(label.created_at.timestamp())
            .bind(i64::from(label.created_at.timestamp_subsec_nanos()))
            .bind(&label.body)
            .execute(&mut *self.0)
            .await
            .map(drop)
            .map_err(unavailable)
    }

    async fn store_responses(&mut self, runs: &[Uuid]) -> Result<(), StoreError> {
        for run in runs {
            sqlx::query(STORE_RESPONSE)
                .bind(run.to_string())
                .execute(&mut *self.0)
                .await
                .map_err(unavailable)?;
        }
        Ok(())
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
        for run in runs {
            sqlx::query("INSERT INTO run_changes (version, run_id) VALUES (?1, ?2)")
                .bind(version)
                .bind(run.to_string())
                .execute(&mut *self.0)
                .await
                .map_err(unavailable)?;
        }
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
