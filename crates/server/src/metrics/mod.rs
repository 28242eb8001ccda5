//! Prometheus metrics (`GET /metrics`, the Prometheus text format), in one registry:
//!
//! - `refactor_http_requests_total{operation, status}` and
//!   `refactor_http_request_duration_seconds{operation}`: every response dropshot sends, the
//!   extractor's and the router's errors included (read from its `request completed` record,
//!   see [`requests`]);
//! - `refactor_cache_{hits,misses,evictions}_total`, `refactor_cache_bytes`,
//!   `refactor_cache_entries`, `refactor_cache_capacity_bytes`: the response cache;
//! - `refactor_store_version`, `refactor_store_version_lag_seconds`: the store version the
//!   cache has applied and how long ago the store last answered its poll;
//! - `refactor_db_connections{state}` (`in_use`, `idle`) and `refactor_db_connections_max`.

mod operations;
mod requests;
mod state;

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

pub use operations::{Operations, UNMATCHED};
pub use requests::RequestMetricsDrain;

use crate::store::CachedStore;

/// The `Content-Type` of `GET /metrics`.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    operation: Arc<str>,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: Arc<str>,
}

/// Latency buckets: 100 µs to about 3 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_1, 2.0, 16))
}

/// The server's metrics.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    operations: Operations,
    requests: Family<RequestLabels, Counter>,
    latency: Family<OperationLabels, Histogram, fn() -> Histogram>,
}

impl Metrics {
    /// Metrics of the requests to `operations`, and of `cache` and the store behind it.
    pub fn new(operations: Operations, cache: Arc<CachedStore>) -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<OperationLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "refactor_http_requests",
            "HTTP responses sent, by operation and status",
            requests.clone(),
        );
        registry.register_with_unit(
            "refactor_http_request_duration",
            "Time from a request's arrival to its response, by operation",
            Unit::Seconds,
            latency.clone(),
        );
        registry.register_collector(Box::new(state::StateCollector::new(cache)));
        Self {
            registry,
            operations,
            requests,
            latency,
        }
    }

    /// Counts one response.
    pub fn observe(&self, method: &str, uri: &str, status: u16, latency: Duration) {
        let operation = self.operations.name(method, uri);
        self.requests
            .get_or_create(&RequestLabels {
                operation: Arc::clone(&operation),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&OperationLabels { operation })
            .observe(latency.as_secs_f64());
    }

    /// Everything, in the Prometheus text format.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail, and the encoders fail only when the writer does.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry);
        text
    }
}
