//! Where gold labels live: a small trait so handlers never see the database, with a SQLite
//! implementation (the default, embedded) and a PostgreSQL one (for replicas on a shared
//! database). Both write imports through one transaction ([`write`]), apply the same import
//! [`rules`], record which runs each write changed ([`changes`]) and serve byte-identical JSON.

mod cache;
mod changes;
mod postgres;
mod rules;
mod sqlite;
mod write;

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use uuid::Uuid;

pub use cache::{CacheStats, CachedStore, DEFAULT_CACHE_SIZE, Freshness, POLL_INTERVAL};
pub use changes::Changes;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

use crate::import::ImportBatch;

/// What went wrong in the store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or written now; the request may succeed later.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The write contradicts what is stored (a run of another account, say); nothing was written.
    #[error("{0}")]
    Conflict(String),
    /// A record holds a value this database cannot store; nothing was written.
    #[error("{0}")]
    Unstorable(String),
    /// The database URL is malformed (shown without its password).
    #[error("invalid database URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL, redacted.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database is reachable but lacks migrations this server needs.
    #[error("the database is not migrated: {0}")]
    NotMigrated(String),
    /// The database URL names nothing this server can open (shown without its password).
    #[error(
        "unsupported database URL {0:?} (expected sqlite://PATH or postgres://USER@HOST/DATABASE)"
    )]
    UnsupportedUrl(String),
}

/// How a store pools its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// The most connections one process's pool opens (SQLite keeps as many query-only ones
    /// again for reads on the request's thread, see `sqlite::reader`).
    pub max_connections: u32,
    /// How long a request waits for a connection before the store reports itself unavailable.
    pub acquire_timeout: Duration,
}

impl Default for StoreOptions {
    /// Two connections per core, a two-second wait.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self {
            max_connections: u32::try_from(cores * 2).unwrap_or(8).max(2),
            acquire_timeout: Duration::from_secs(2),
        }
    }
}

/// How an import changed the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Runs written for the first time.
    pub runs_created: usize,
    /// Labels written for the first time.
    pub labels_created: usize,
    /// Labels whose stored JSON changed.
    pub labels_updated: usize,
    /// Labels already stored exactly so.
    pub labels_unchanged: usize,
}

/// A run's owner and its labels as the API serves them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLabels {
    /// The account that owns the run.
    pub owner: String,
    /// The labels as one JSON array, in the API's order (created_at, then id).
    pub json: Bytes,
}

impl RunLabels {
    /// The labels, if `account` may see them: another account's run is the same `None` as a run
    /// that does not exist, so a caller cannot tell the two apart.
    pub fn visible_to(self, account: &str) -> Option<Bytes> {
        (self.owner == account).then_some(self.json)
    }
}

/// Gold label storage. Every method is one transaction; reads are one indexed query.
#[async_trait]
pub trait GoldLabelStore: Send + Sync + 'static {
    /// The run `run` with its owner and labels, or `None` when there is no such run. Callers
    /// scope the answer to the requesting account with [`RunLabels::visible_to`].
    async fn run_labels(&self, run: Uuid) -> Result<Option<RunLabels>, StoreError>;

    /// A number every write increases: equal numbers mean nothing changed in between.
    async fn version(&self) -> Result<u64, StoreError>;

    /// Writes `batch` atomically; idempotent by id.
    async fn import(&self, batch: &ImportBatch) -> Result<ImportReport, StoreError>;

    /// The version now and the runs written since version `seen`. A store without a change
    /// log says that anything may have changed whenever its version moved.
    async fn changes_since(&self, seen: u64) -> Result<Changes, StoreError> {
        let version = self.version().await?;
        Ok(if version == seen {
            Changes::none(version)
        } else {
            Changes::everything(version)
        })
    }

    /// Whether the store can serve: the database is reachable and has every migration this
    /// server needs.
    async fn ready(&self) -> Result<(), StoreError> {
        self.version().await.map(drop)
    }

    /// The connection pool's use now, for a store that has one.
    fn pool_status(&self) -> Option<PoolStatus> {
        None
    }
}

/// How many database connections a store holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open.
    pub open: u32,
    /// Open connections not in use.
    pub idle: u32,
    /// The most connections the pool opens.
    pub max: u32,
}

impl PoolStatus {
    /// Of a sqlx pool.
    fn of<DB: sqlx::Database>(pool: &sqlx::Pool<DB>) -> Self {
        Self {
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        }
    }

    /// Connections in use now.
    pub fn in_use(&self) -> u32 {
        self.open.saturating_sub(self.idle)
    }
}

/// Whether every migration of `migrator` is among the `applied` versions the database lists.
fn check_migrated(migrator: &sqlx::migrate::Migrator, applied: &[i64]) -> Result<(), StoreError> {
    let missing: Vec<String> = migrator
        .iter()
        .filter(|migration| !applied.contains(&migration.version))
        .map(|migration| format!("{} ({})", migration.version, migration.description))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(StoreError::NotMigrated(format!(
            "missing migrations {}",
            missing.join(", ")
        )))
    }
}

/// Opens (creating and migrating) the store at `database_url`: `sqlite://PATH` (or
/// `sqlite::memory:`, a database of this process alone) or
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?PARAMS]` (also `postgresql://`).
pub async fn open_store(
    database_url: &str,
    options: &StoreOptions,
) -> Result<Box<dyn GoldLabelStore>, StoreError> {
    match Backend::of(database_url) {
        Some(Backend::Sqlite) => Ok(Box::new(SqliteStore::open(database_url, options).await?)),
        Some(Backend::Postgres) => Ok(Box::new(PostgresStore::open(database_url, options).await?)),
        None => Err(StoreError::UnsupportedUrl(redacted(database_url))),
    }
}

/// The kinds of database a URL can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite:`: a file on this machine.
    Sqlite,
    /// `postgres:` or `postgresql:`: a server, shareable by replicas.
    Postgres,
}

impl Backend {
    /// The backend `database_url` names, by its scheme.
    pub fn of(database_url: &str) -> Option<Self> {
        let scheme = database_url.split_once(':')?.0;
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Some(Self::Sqlite),
            "postgres" | "postgresql" => Some(Self::Postgres),
            _ => None,
        }
    }
}

/// `url` with its passwords (in the user info, or a `password`/`sslpassword` query parameter)
/// replaced by `***`, for messages and logs. A URL whose credentials cannot be told apart (a
/// password with an unescaped `/`, `?` or `#` in it) shows only its scheme.
pub fn redacted(url: &str) -> String {
    let Some((scheme, _)) = url.split_once(':') else {
        return url.to_owned(); // No scheme: no credentials either.
    };
    let hidden = || format!("{scheme}://*** (not shown: its credentials cannot be told apart)");
    let Ok(mut parsed) = url::Url::parse(url) else {
        return hidden();
    };
    let has_user_info = !parsed.username().is_empty() || parsed.password().is_some();
    if url.contains('@') && !has_user_info {
        return hidden(); // An `@` outside the user info: part of a misplaced password.
    }
    let mut changed = false;
    if parsed.password().is_some() {
        changed = parsed.set_password(Some("***")).is_ok();
    }
    let is_secret = |key: &str| key.to_ascii_lowercase().contains("password");
    if parsed.query_pairs().any(|(key, _)| is_secret(&key)) {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(key, value)| {
                let value = if is_secret(&key) { "***".into() } else { value };
                (key.into_owned(), value.into_owned())
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
        changed = true;
    }
    if changed {
        parsed.to_string()
    } else {
        url.to_owned()
    }
}

impl RunLabels {
    /// A run as both backends' `RUN_LABELS` query returns it: its owner and its response.
    fn from_response(owner: String, body: String) -> Self {
        Self {
            owner,
            json: Bytes::from(body),
        }
    }
}

/// A database error as the store's (transient) unavailability.
fn unavailable(error: sqlx::Error) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend_by_scheme() {
        assert_eq!(Backend::of("sqlite://./refactor.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::of("postgres://u@h/db"), Some(Backend::Postgres));
        assert_eq!(Backend::of("PostgreSQL://u@h/db"), Some(Backend::Postgres));
        assert_eq!(Backend::of("mysql://u@h/db"), None);
        assert_eq!(Backend::of("refactor.db"), None);
    }

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redacted("postgres://app:s3cret@db:5432/labels?sslmode=require"),
            "postgres://app:***@db:5432/labels?sslmode=require"
        );
        assert_eq!(
            redacted("postgres://app@db/labels"),
            "postgres://app@db/labels"
        );
        assert_eq!(
            redacted("postgres://app:p@ss:word@db/labels"),
            "postgres://app:***@db/labels"
        );
        assert_eq!(redacted("sqlite://./refactor.db"), "sqlite://./refactor.db");
        assert_eq!(redacted("sqlite::memory:"), "sqlite::memory:");
        assert_eq!(
            redacted("postgres://app@db/x?sslmode=require&password=s3cret"),
            "postgres://app@db/x?sslmode=require&password=***"
        );
        assert_eq!(
            redacted("postgres://app@db/x?sslpassword=s3cret"),
            "postgres://app@db/x?sslpassword=***"
        );
        for unescaped in [
            "postgres://app:p#ss@db/x",
            "postgres://app:12/ss@db/x",
            "postgres://app:p?ss@db/x",
        ] {
            let shown = redacted(unescaped);
            assert!(!shown.contains("ss@db"), "{unescaped} -> {shown}");
            assert!(shown.starts_with("postgres://***"), "{shown}");
        }
        let error = StoreError::UnsupportedUrl(redacted("mysql://root:hunter2@db/x")).to_string();
        assert!(!error.contains("hunter2"), "{error}");
    }
}
