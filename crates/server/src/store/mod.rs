//! Where gold labels live: a small trait so handlers never see the database, and its SQLite
//! implementation (the default, embedded).

mod cache;
mod sqlite;

use async_trait::async_trait;
use bytes::Bytes;
use uuid::Uuid;

pub use cache::CachedStore;
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
    /// The database URL names nothing this server can open.
    #[error("unsupported database URL {0:?} (expected sqlite://PATH)")]
    UnsupportedUrl(String),
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
}

/// Opens (creating and migrating) the store at `database_url`.
pub async fn open_store(database_url: &str) -> Result<Box<dyn GoldLabelStore>, StoreError> {
    if database_url.starts_with("sqlite:") {
        Ok(Box::new(SqliteStore::open(database_url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(database_url.to_owned()))
    }
}
