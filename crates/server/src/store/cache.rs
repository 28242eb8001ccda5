//! A cache of encoded responses in front of any store.
//!
//! Serving a run is a map lookup and a reference-counted clone of bytes already encoded. The
//! cache stays correct across processes and replicas by polling the store's version (one cheap
//! query every [`POLL_INTERVAL`]): when any writer (an `import` in another process, another
//! replica) bumps it, every entry is dropped. So a write shows within one poll interval. While the
//! version cannot be read, the cache answers nothing and every request goes to the store, which
//! reports its own unavailability (503).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use uuid::Uuid;

use super::{GoldLabelStore, ImportReport, RunLabels, StoreError};
use crate::import::ImportBatch;

/// How often the store's version is read.
pub const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// The most bytes the cache holds (see [`cost`]); past it the cache starts over.
const MAX_CACHED_BYTES: usize = 32 * 1024 * 1024;

/// No version could be read: nothing cached is known to be current.
const UNKNOWN: u64 = u64::MAX;

/// What the cache knows of one run at one store version.
#[derive(Clone)]
struct Entry {
    version: u64,
    run: Option<RunLabels>,
}

#[derive(Default)]
struct Entries {
    runs: HashMap<Uuid, Entry>,
    bytes: usize,
}

/// The state shared by the cache and its poller.
struct Shared {
    store: Box<dyn GoldLabelStore>,
    version: AtomicU64,
    entries: RwLock<Entries>,
}

/// A store whose reads are served from memory while the store's version is unchanged.
pub struct CachedStore {
    shared: Arc<Shared>,
    poller: tokio::task::JoinHandle<()>,
}

impl CachedStore {
    /// Caches `store`, polling its version in the background (needs a Tokio runtime).
    pub async fn new(store: Box<dyn GoldLabelStore>) -> Self {
        let version = store.version().await.unwrap_or(UNKNOWN);
        let shared = Arc::new(Shared {
            store,
            version: AtomicU64::new(version),
            entries: RwLock::new(Entries::default()),
        });
        let poller = tokio::spawn(poll(Arc::clone(&shared)));
        Self { shared, poller }
    }
}

impl Drop for CachedStore {
    fn drop(&mut self) {
        self.poller.abort();
    }
}

/// Reads the store's version every poll interval; a change empties the cache.
async fn poll(shared: Arc<Shared>) {
    let mut interval = tokio::time::interval(POLL_INTERVAL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let version = shared.store.version().await.unwrap_or(UNKNOWN);
        if shared.version.swap(version, Ordering::AcqRel) != version {
            shared.clear();
        }
    }
}

impl Shared {
    fn clear(&self) {
        if let Ok(mut entries) = self.entries.write() {
            *entries = Entries::default();
        }
    }

    fn lookup(&self, run: Uuid, version: u64) -> Option<Option<RunLabels>> {
        let entries = self.entries.read().ok()?;
        let entry = entries.runs.get(&run)?;
        (entry.version == version).then(|| entry.run.clone())
    }

    fn remember(&self, run: Uuid, version: u64, labels: Option<RunLabels>) {
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        let added = cost(labels.as_ref());
        if entries.bytes + added > MAX_CACHED_BYTES {
            *entries = Entries::default();
        }
        let replaced = entries.runs.insert(
            run,
            Entry {
                version,
                run: labels,
            },
        );
        let removed = replaced.map_or(0, |entry| cost(entry.run.as_ref()));
        entries.bytes = (entries.bytes + added).saturating_sub(removed);
    }
}

/// What an entry holds in memory: its map slot, so that remembered misses (any UUID a client
/// with a valid token asks for) count too, and the encoded response.
fn cost(labels: Option<&RunLabels>) -> usize {
    std::mem::size_of::<(Uuid, Entry)>() + labels.map_or(0, |l| l.json.len() + l.owner.len())
}

#[async_trait]
impl GoldLabelStore for CachedStore {
    async fn run_labels(&self, run: Uuid) -> Result<Option<RunLabels>, StoreError> {
        let version = self.shared.version.load(Ordering::Acquire);
        if version != UNKNOWN
            && let Some(cached) = self.shared.lookup(run, version)
        {
            return Ok(cached);
        }
        let labels = self.shared.store.run_labels(run).await?;
        if version != UNKNOWN {
            self.shared.remember(run, version, labels.clone());
        }
        Ok(labels)
    }

    async fn version(&self) -> Result<u64, StoreError> {
        self.shared.store.version().await
    }

    async fn import(&self, batch: &ImportBatch) -> Result<ImportReport, StoreError> {
        let report = self.shared.store.import(batch).await?;
        // This process wrote: do not wait for the poll to notice.
        self.shared.version.store(
            self.shared.store.version().await.unwrap_or(UNKNOWN),
            Ordering::Release,
        );
        self.shared.clear();
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use bytes::Bytes;

    use super::*;

    /// Counts reads; its version is whatever the test sets.
    #[derive(Default)]
    struct Counting {
        reads: Arc<AtomicUsize>,
        version: Arc<AtomicU64>,
        down: Arc<std::sync::atomic::AtomicBool>,
    }

    #[async_trait]
    impl GoldLabelStore for Counting {
        async fn run_labels(&self, _run: Uuid) -> Result<Option<RunLabels>, StoreError> {
            if self.down.load(Ordering::SeqCst) {
                return Err(StoreError::Unavailable("down".into()));
            }
            self.reads.fetch_add(1, Ordering::SeqCst);
            Ok(Some(RunLabels {
                owner: "acme".into(),
                json: Bytes::from_static(b"[]"),
            }))
        }

        async fn version(&self) -> Result<u64, StoreError> {
            if self.down.load(Ordering::SeqCst) {
                return Err(StoreError::Unavailable("down".into()));
            }
            Ok(self.version.load(Ordering::SeqCst))
        }

        async fn import(&self, _batch: &ImportBatch) -> Result<ImportReport, StoreError> {
            Ok(ImportReport::default())
        }
    }

    #[tokio::test]
    async fn repeated_reads_hit_the_store_once_until_the_version_changes() {
        let store = Counting::default();
        let (reads, version) = (Arc::clone(&store.reads), Arc::clone(&store.version));
        let cache = CachedStore::new(Box::new(store)).await;
        for _ in 0..5 {
            cache.run_labels(Uuid::nil()).await.expect("read");
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);

        version.store(1, Ordering::SeqCst);
        tokio::time::sleep(POLL_INTERVAL * 3).await;
        cache.run_labels(Uuid::nil()).await.expect("read");
        assert_eq!(reads.load(Ordering::SeqCst), 2, "a new version refetches");
    }

    #[tokio::test]
    async fn misses_count_against_the_bound() {
        let cache = CachedStore::new(Box::new(Counting::default())).await;
        let most = MAX_CACHED_BYTES / cost(None);
        for index in 0..=most {
            cache
                .shared
                .remember(Uuid::from_u128(index as u128), 0, None);
        }
        let entries = cache.shared.entries.read().expect("lock");
        assert!(
            entries.runs.len() <= most,
            "{} misses kept",
            entries.runs.len()
        );
        assert!(entries.bytes <= MAX_CACHED_BYTES);
    }

    #[tokio::test]
    async fn remembering_a_run_again_counts_it_once() {
        let cache = CachedStore::new(Box::new(Counting::default())).await;
        let labels = RunLabels {
            owner: "acme".into(),
            json: Bytes::from_static(b"[1, 2, 3]"),
        };
        for _ in 0..3 {
            cache.shared.remember(Uuid::nil(), 0, Some(labels.clone()));
        }
        let entries = cache.shared.entries.read().expect("lock");
        assert_eq!(entries.bytes, cost(Some(&labels)));
    }

    #[tokio::test]
    async fn an_unreadable_version_bypasses_the_cache() {
        let store = Counting::default();
        let (reads, down) = (Arc::clone(&store.reads), Arc::clone(&store.down));
        let cache = CachedStore::new(Box::new(store)).await;
        cache.run_labels(Uuid::nil()).await.expect("read");
        down.store(true, Ordering::SeqCst);
        tokio::time::sleep(POLL_INTERVAL * 3).await;
        assert!(
            cache.run_labels(Uuid::nil()).await.is_err(),
            "no stale answer while the store is down"
        );
        down.store(false, Ordering::SeqCst);
        tokio::time::sleep(POLL_INTERVAL * 3).await;
        cache.run_labels(Uuid::nil()).await.expect("recovered");
        assert_eq!(reads.load(Ordering::SeqCst), 2);
    }
}
