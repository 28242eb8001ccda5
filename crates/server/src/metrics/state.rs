//! Metrics read at scrape time from the cache, the store's freshness and the connection pool.

use std::sync::Arc;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric as _};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::registry::Unit;

use crate::store::{CachedStore, GoldLabelStore as _};

/// Reads the cache and the store behind it on every scrape.
#[derive(Clone)]
pub(super) struct StateCollector {
    cache: Arc<CachedStore>,
}

impl std::fmt::Debug for StateCollector {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("StateCollector")
            .finish_non_exhaustive()
    }
}

impl StateCollector {
    pub(super) fn new(cache: Arc<CachedStore>) -> Self {
        Self { cache }
    }
}

fn counter(
    encoder: &mut DescriptorEncoder<'_>,
    name: &str,
    help: &str,
    value: u64,
) -> std::fmt::Result {
    ConstCounter::new(value).encode(encoder.encode_descriptor(
        name,
        help,
        None,
        MetricType::Counter,
    )?)
}

fn gauge(
    encoder: &mut DescriptorEncoder<'_>,
    name: &str,
    help: &str,
    unit: Option<&Unit>,
    value: impl prometheus_client::encoding::EncodeGaugeValue,
) -> std::fmt::Result {
    ConstGauge::new(value).encode(encoder.encode_descriptor(name, help, unit, MetricType::Gauge)?)
}

impl Collector for StateCollector {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> std::fmt::Result {
        let stats = self.cache.stats();
        let e = &mut encoder;
        counter(
            e,
            "refactor_cache_hits",
            "Runs answered from the response cache",
            stats.hits,
        )?;
        counter(
            e,
            "refactor_cache_misses",
            "Runs read from the store",
            stats.misses,
        )?;
        counter(
            e,
            "refactor_cache_evictions",
            "Cached runs evicted to stay within the cache size",
            stats.evictions,
        )?;
        gauge(
            e,
            "refactor_cache",
            "Bytes the response cache holds",
            Some(&Unit::Bytes),
            stats.bytes,
        )?;
        gauge(
            e,
            "refactor_cache_capacity",
            "The response cache's size",
            Some(&Unit::Bytes),
            stats.capacity,
        )?;
        gauge(
            e,
            "refactor_cache_entries",
            "Runs the response cache holds",
            None,
            stats.entries,
        )?;

        let freshness = self.cache.freshness();
        gauge(
            e,
            "refactor_store_version",
            "The store version whose changes the cache has applied",
            None,
            freshness.version,
        )?;
        gauge(
            e,
            "refactor_store_version_lag",
            "Time since the store last answered the cache's poll for changes",
            Some(&Unit::Seconds),
            freshness.lag.as_secs_f64(),
        )?;

        if let Some(pool) = self.cache.pool_status() {
            let connections = Family::<[(&str, &str); 1], Gauge>::default();
            connections
                .get_or_create(&[("state", "in_use")])
                .set(i64::from(pool.in_use()));
            connections
                .get_or_create(&[("state", "idle")])
                .set(i64::from(pool.idle));
            connections.encode(e.encode_descriptor(
                "refactor_db_connections",
                "Database connections open, by state",
                None,
                MetricType::Gauge,
            )?)?;
            gauge(
                e,
                "refactor_db_connections_max",
                "The most database connections the pool opens",
                None,
                pool.max,
            )?;
        }
        Ok(())
    }
}
