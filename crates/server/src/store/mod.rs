//! Where gold labels live: a small trait so handlers never see the database, and its SQLite
//! implementation (the default, embedded).

mod sqlite;

use async_trait::async_trait;
use bytes::Bytes;
use uuid::Uuid;

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

/// Gold label storage. Every method is one transaction; reads are one indexed query.
#[async_trait]
pub trait GoldLabelStore: Send + Sync + 'static {
    /// The labels of `run` as a JSON array in the API's order (created_at, then id), or `None`
    /// when no run of that id belongs to `account`: the two cases are not told apart.
    async fn run_labels_json(&self, account: &str, run: Uuid) -> Result<Option<Bytes>, StoreError>;

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
