//! A bounded cache of encoded responses in front of any store.
//!
//! Serving a cached run is a sharded map lookup and a reference-counted clone of bytes encoded
//! once. The cache holds at most its size in bytes (each entry weighs its encoded response, its
//! owner and a fixed overhead, so remembered misses count too) and evicts by quick_cache's
//! CLOCK-Pro policy, which keeps the runs asked for often over those asked for once. Concurrent
//! misses of one run wait for a single load.
//!
//! Freshness, across processes and replicas: every [`POLL_INTERVAL`] the cache asks the store
//! what changed since the version it last applied ([`GoldLabelStore::changes_since`], one
//! indexed query) and drops just those runs; when the store cannot tell, everything. So a write
//! by any process shows within one poll interval, and a write to one run leaves every other run
//! cached. While the store cannot be reached, the cache answers nothing and every request goes
//! to the store, which reports its own unavailability (503).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use quick_cache::sync::Cache;
use quick_cache::{DefaultHashBuilder, Lifecycle, OptionsBuilder, Weighter};
use uuid::Uuid;

use super::{Changes, GoldLabelStore, ImportReport, PoolStatus, RunLabels, StoreError};
use crate::import::ImportBatch;

/// How often the store is asked what changed.
pub const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// The default cache size: 256 MiB holds about 9,000 runs of 100 labels (29 KB each), the
/// working set of a busy service, and with the server's own ~20 MiB fits a 512 MiB container.
pub const DEFAULT_CACHE_SIZE: u64 = 256 * 1024 * 1024;

/// What an entry costs beside its bytes: the map slot (key, value, the cache's bookkeeping)
/// and the allocations' headers.
const ENTRY_OVERHEAD: u64 = 160;

/// A run as cached: its labels, or `None` for a run that does not exist.
type Entry = Option<RunLabels>;

/// Weighs an entry by the memory it holds.
#[derive(Debug, Clone, Copy)]
struct Bytes;

impl Weighter<Uuid, Entry> for Bytes {
    fn weight(&self, _run: &Uuid, entry: &Entry) -> u64 {
        ENTRY_OVERHEAD
            + entry.as_ref().map_or(0, |labels| {
                u64::try_from(labels.json.len() + labels.owner.len()).unwrap_or(u64::MAX)
            })
    }
}

/// Counts evictions (and runs too large to be admitted at all).
#[derive(Debug, Clone, Default)]
struct Evictions(Arc<AtomicU64>);

impl Lifecycle<Uuid, Entry> for Evictions {
    type RequestState = ();

    fn on_evict(&self, _state: &mut (), _run: Uuid, _entry: Entry) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

type Runs = Cache<Uuid, Entry, Bytes, DefaultHashBuilder, Evictions>;

/// What the cache holds and how it fared, since the process started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    /// Requests answered from memory.
    pub hits: u64,
    /// Requests that went to the store.
    pub misses: u64,
    /// Entries evicted to stay within the size.
    pub evictions: u64,
    /// Bytes held now (see [`ENTRY_OVERHEAD`]).
    pub bytes: u64,
    /// Entries held now.
    pub entries: u64,
    /// The most bytes it holds.
    pub capacity: u64,
}

/// How current the cache is with the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    /// The store version whose changes the cache has applied.
    pub version: u64,
    /// How long ago the store last answered the poll: below [`POLL_INTERVAL`] plus a query's
    /// time while the store is reachable, growing while it is not.
    pub lag: Duration,
    /// Whether the cache serves (the store answered the last poll).
    pub serving: bool,
}

/// The state shared by the cache and its poller.
struct Shared {
    store: Box<dyn GoldLabelStore>,
    runs: Runs,
    evictions: Evictions,
    hits: AtomicU64,
    misses: AtomicU64,
    /// Whether the last poll reached the store; while not, the cache answers nothing.
    serving: AtomicBool,
    /// The version whose changes are applied; held by one refresh at a time.
    applied: tokio::sync::Mutex<u64>,
    /// The applied version, for readers that must not wait on a refresh.
    applied_version: AtomicU64,
    /// When the store last answered a poll, in milliseconds after `started`.
    answered_at: AtomicU64,
    started: Instant,
}

/// A store whose reads are served from a bounded memory cache, kept fresh per run.
pub struct CachedStore {
    shared: Arc<Shared>,
    poller: tokio::task::JoinHandle<()>,
}

impl CachedStore {
    /// Caches `store` in at most `capacity` bytes, polling its changes in the background (needs
    /// a Tokio runtime).
    pub async fn new(store: Box<dyn GoldLabelStore>, capacity: u64) -> Self {
        let evictions = Evictions::default();
        // quick_cache sizes its tables from an estimate of the entries; runs of ~100 labels.
        let estimated_entries = usize::try_from(capacity / (16 * 1024))
            .unwrap_or(usize::MAX)
            .clamp(64, 1 << 20);
        let options = OptionsBuilder::new()
            .estimated_items_capacity(estimated_entries)
            .weight_capacity(capacity)
            .build()
            .unwrap_or_else(|error| panic!("cache options are valid by construction: {error:?}"));
        let runs = Cache::with_options(
            options,
            Bytes,
            DefaultHashBuilder::default(),
            evictions.clone(),
        );
        let version = store.version().await.ok();
        let started = Instant::now();
        let shared = Arc::new(Shared {
            store,
            runs,
            evictions,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            serving: AtomicBool::new(version.is_some()),
            applied: tokio::sync::Mutex::new(version.unwrap_or(0)),
            applied_version: AtomicU64::new(version.unwrap_or(0)),
            answered_at: AtomicU64::new(0),
            started,
        });
        let poller = tokio::spawn(poll(Arc::clone(&shared)));
        Self { shared, poller }
    }

    /// Counters and sizes, for metrics.
    pub fn stats(&self) -> CacheStats {
        let shared = &self.shared;
        CacheStats {
            hits: shared.hits.load(Ordering::Relaxed),
            misses: shared.misses.load(Ordering::Relaxed),
            evictions: shared.evictions.0.load(Ordering::Relaxed),
            bytes: shared.runs.weight(),
            entries: u64::try_from(shared.runs.len()).unwrap_or(u64::MAX),
            capacity: shared.runs.capacity(),
        }
    }

    /// How current the cache is, for metrics.
    pub fn freshness(&self) -> Freshness {
        let shared = &self.shared;
        let answered = Duration::from_millis(shared.answered_at.load(Ordering::Acquire));
        Freshness {
            version: shared.applied_version.load(Ordering::Acquire),
            lag: shared.started.elapsed().saturating_sub(answered),
            serving: shared.serving.load(Ordering::Acquire),
        }
    }

    /// Applies the store's changes now, as the next poll would.
    pub async fn refresh(&self) {
        self.shared.refresh().await;
    }
}

impl Drop for CachedStore {
    fn drop(&mut self) {
        self.poller.abort();
    }
}

/// Applies the store's changes every poll interval.
async fn poll(shared: Arc<Shared>) {
    let mut interval = tokio::time::interval(POLL_INTERVAL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        shared.refresh().await;
    }
}

impl Shared {
    async fn refresh(&self) {
        let mut applied = self.applied.lock().await;
        let changes = match self.store.changes_since(*applied).await {
            Ok(changes) => changes,
            Err(_) => {
                self.serving.store(false, Ordering::Release);
                return;
            }
        };
        let Changes { version, runs } = changes;
        match runs {
            Some(runs) if runs.is_empty() => {}
            // Removing a run (or clearing) also drops a load of it in flight, whose read may
            // predate the write: the loader's insert then fails, and the next request reads
            // again. A load that starts after the removal reads after the write.
            Some(runs) => {
                for run in &runs {
                    self.runs.remove(run);
                }
            }
            None => self.runs.clear(),
        }
        *applied = version;
        self.applied_version.store(version, Ordering::Release);
        let since_start = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.answered_at.store(since_start, Ordering::Release);
        self.serving.store(true, Ordering::Release);
    }

    async fn run_labels(&self, run: Uuid) -> Result<Entry, StoreError> {
        if !self.serving.load(Ordering::Acquire) {
            return self.store.run_labels(run).await;
        }
        if let Some(entry) = self.runs.get(&run) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(entry);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        // One load per run: concurrent misses wait for it (and load themselves if it fails).
        let guard = match self.runs.get_value_or_guard_async(&run).await {
            Ok(entry) => return Ok(entry),
            Err(guard) => guard,
        };
        let entry = self.store.run_labels(run).await?;
        // Not kept when the run was invalidated meanwhile (the placeholder is gone).
        let _ = guard.insert(entry.clone());
        Ok(entry)
    }
}

#[async_trait]
impl GoldLabelStore for CachedStore {
    async fn run_labels(&self, run: Uuid) -> Result<Option<RunLabels>, StoreError> {
        self.shared.run_labels(run).await
    }

    async fn version(&self) -> Result<u64, StoreError> {
        self.shared.store.version().await
    }

    async fn import(&self, batch: &ImportBatch) -> Result<ImportReport, StoreError> {
        let report = self.shared.store.import(batch).await?;
        // This process wrote: do not wait for the poll to notice.
        self.shared.refresh().await;
        Ok(report)
    }

    async fn changes_since(&self, seen: u64) -> Result<Changes, StoreError> {
        self.shared.store.changes_since(seen).await
    }

    async fn ready(&self) -> Result<(), StoreError> {
        self.shared.store.ready().await
    }

    fn pool_status(&self) -> Option<PoolStatus> {
        self.shared.store.pool_status()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::AtomicUsize;

    use super::*;

    /// Counts reads per run; its version and change log are whatever the test sets.
    #[derive(Default)]
    struct Counting {
        reads: Arc<AtomicUsize>,
        log: Arc<Mutex<Vec<Uuid>>>,
        /// Forget the log: every change is "anything may have changed".
        no_log: Arc<AtomicBool>,
        down: Arc<AtomicBool>,
        /// Bytes each run's labels hold.
        size: usize,
        /// How long a read takes.
        delay: Duration,
    }

    impl Counting {
        fn available(&self) -> Result<(), StoreError> {
            if self.down.load(Ordering::SeqCst) {
                Err(StoreError::Unavailable("down".into()))
            } else {
                Ok(())
            }
        }

        fn version_now(&self) -> u64 {
            self.log.lock().map_or(0, |log| log.len() as u64)
        }
    }

    #[async_trait]
    impl GoldLabelStore for Counting {
        async fn run_labels(&self, _run: Uuid) -> Result<Option<RunLabels>, StoreError> {
            self.available()?;
            self.reads.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(self.delay).await;
            Ok(Some(RunLabels {
                owner: "acme".into(),
                json: bytes::Bytes::from(vec![b' '; self.size]),
            }))
        }

        async fn version(&self) -> Result<u64, StoreError> {
            self.available()?;
            Ok(self.version_now())
        }

        async fn import(&self, _batch: &ImportBatch) -> Result<ImportReport, StoreError> {
            Ok(ImportReport::default())
        }

        async fn changes_since(&self, seen: u64) -> Result<Changes, StoreError> {
            self.available()?;
            let log = self.log.lock().map(|log| log.clone()).unwrap_or_default();
            if self.no_log.load(Ordering::SeqCst) {
                return Ok(Changes::everything(log.len() as u64));
            }
            let entries = log
                .iter()
                .enumerate()
                .map(|(index, run)| (index as u64 + 1, *run));
            Ok(Changes::from_log(seen, log.len() as u64, entries))
        }
    }

    fn run(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    async fn settle() {
        tokio::time::sleep(POLL_INTERVAL * 4).await;
    }

    #[tokio::test]
    async fn a_write_to_one_run_leaves_the_others_cached() {
        let store = Counting::default();
        let (reads, log) = (Arc::clone(&store.reads), Arc::clone(&store.log));
        let cache = CachedStore::new(Box::new(store), DEFAULT_CACHE_SIZE).await;
        for n in 0..3 {
            cache.run_labels(run(n)).await.expect("read");
        }
        assert_eq!(reads.load(Ordering::SeqCst), 3);

        log.lock().expect("log").push(run(1));
        settle().await;
        for n in 0..3 {
            cache.run_labels(run(n)).await.expect("read");
        }
        assert_eq!(
            reads.load(Ordering::SeqCst),
            4,
            "only the written run is read again"
        );
    }

    #[tokio::test]
    async fn a_store_that_cannot_tell_what_changed_empties_the_cache() {
        let store = Counting::default();
        let (reads, log, no_log) = (
            Arc::clone(&store.reads),
            Arc::clone(&store.log),
            Arc::clone(&store.no_log),
        );
        let cache = CachedStore::new(Box::new(store), DEFAULT_CACHE_SIZE).await;
        for n in 0..3 {
            cache.run_labels(run(n)).await.expect("read");
        }
        no_log.store(true, Ordering::SeqCst);
        log.lock().expect("log").push(run(1));
        settle().await;
        for n in 0..3 {
            cache.run_labels(run(n)).await.expect("read");
        }
        assert_eq!(reads.load(Ordering::SeqCst), 6);
    }

    #[tokio::test]
    async fn concurrent_misses_of_one_run_load_it_once() {
        let store = Counting {
            delay: Duration::from_millis(20),
            ..Counting::default()
        };
        let reads = Arc::clone(&store.reads);
        let cache = CachedStore::new(Box::new(store), DEFAULT_CACHE_SIZE).await;
        let burst = (0..32).map(|_| cache.run_labels(run(7)));
        for read in futures::future::join_all(burst).await {
            read.expect("read");
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn the_cache_holds_no_more_bytes_than_its_size_under_any_pattern() {
        let capacity = 1024 * 1024;
        let store = Counting {
            size: 10_000,
            ..Counting::default()
        };
        let cache = CachedStore::new(Box::new(store), capacity).await;
        // Ten times the size in runs, then as many unknown runs' worth of misses.
        for n in 0..1_000 {
            cache.run_labels(run(n)).await.expect("read");
            assert!(cache.stats().bytes <= capacity, "{:?}", cache.stats());
        }
        let stats = cache.stats();
        assert!(stats.evictions > 0, "{stats:?}");
        assert!(stats.bytes > capacity / 2, "the cache is used: {stats:?}");
    }

    #[tokio::test]
    async fn an_unreachable_store_bypasses_the_cache_and_its_changes_apply_when_back() {
        let store = Counting::default();
        let (reads, down, log) = (
            Arc::clone(&store.reads),
            Arc::clone(&store.down),
            Arc::clone(&store.log),
        );
        let cache = CachedStore::new(Box::new(store), DEFAULT_CACHE_SIZE).await;
        cache.run_labels(run(1)).await.expect("read");
        cache.run_labels(run(2)).await.expect("read");
        down.store(true, Ordering::SeqCst);
        settle().await;
        assert!(
            cache.run_labels(run(1)).await.is_err(),
            "no stale answer while the store is down"
        );
        assert!(!cache.freshness().serving);
        assert!(cache.freshness().lag >= POLL_INTERVAL * 2);
        // Written while the cache could not see it.
        log.lock().expect("log").push(run(1));
        down.store(false, Ordering::SeqCst);
        settle().await;
        cache.run_labels(run(1)).await.expect("recovered");
        cache.run_labels(run(2)).await.expect("recovered");
        assert_eq!(
            reads.load(Ordering::SeqCst),
            3,
            "run 1 read again, run 2 cached"
        );
        assert_eq!(cache.freshness().version, 1);
    }

    #[tokio::test]
    async fn a_load_that_overlaps_an_invalidation_is_not_kept() {
        let store = Counting {
            delay: Duration::from_millis(20),
            ..Counting::default()
        };
        let (reads, log) = (Arc::clone(&store.reads), Arc::clone(&store.log));
        let cache = CachedStore::new(Box::new(store), DEFAULT_CACHE_SIZE).await;
        // The load takes 20 ms; the write and its invalidation land meanwhile.
        let load = cache.run_labels(run(1));
        let write = async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            log.lock().expect("log").push(run(1));
            cache.refresh().await;
        };
        let (loaded, ()) = tokio::join!(load, write);
        loaded.expect("read");
        cache.run_labels(run(1)).await.expect("read");
        assert_eq!(
            reads.load(Ordering::SeqCst),
            2,
            "the overlapping load was dropped"
        );
    }
}
