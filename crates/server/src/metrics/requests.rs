//! Request metrics from dropshot's own `request completed` record.
//!
//! dropshot has no middleware, but it logs one `request completed` record per response with its
//! status and latency, for every response it sends: the handler's, the extractors' (a malformed
//! id) and the router's (no such path). This drain reads those records, ahead of the log's level
//! filter, so the metrics are complete at any log level; it costs a few field visits per
//! request.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use slog::{Drain, KV as _, Key, OwnedKVList, Record, Serializer};

use super::Metrics;

/// The message dropshot logs when it has sent a response.
const REQUEST_COMPLETED: &str = "request completed";

/// A slog drain that counts requests into [`Metrics`].
pub struct RequestMetricsDrain {
    metrics: Arc<Metrics>,
}

impl RequestMetricsDrain {
    /// Counts into `metrics`.
    pub fn new(metrics: Arc<Metrics>) -> Self {
        Self { metrics }
    }
}

// The metrics are atomics: a panic while counting leaves nothing half-updated that a logger
// reached after the unwind could observe.
impl std::panic::RefUnwindSafe for RequestMetricsDrain {}
impl std::panic::UnwindSafe for RequestMetricsDrain {}

impl Drain for RequestMetricsDrain {
    type Ok = ();
    type Err = slog::Never;

    fn log(&self, record: &Record<'_>, values: &OwnedKVList) -> Result<(), slog::Never> {
        if record.msg().as_str() != Some(REQUEST_COMPLETED) {
            return Ok(());
        }
        let mut fields = Fields::default();
        // The record holds the status and latency, the request's logger its method and URI.
        let _ = record.kv().serialize(record, &mut fields);
        let _ = values.serialize(record, &mut fields);
        if let (Some(status), Some(latency_us)) = (fields.status, fields.latency_us) {
            self.metrics.observe(
                fields.method.as_deref().unwrap_or_default(),
                fields.uri.as_deref().unwrap_or_default(),
                status,
                Duration::from_micros(u64::try_from(latency_us).unwrap_or(u64::MAX)),
            );
        }
        Ok(())
    }
}

/// The fields of a `request completed` record the metrics need.
#[derive(Default)]
struct Fields {
    status: Option<u16>,
    latency_us: Option<u128>,
    method: Option<String>,
    uri: Option<String>,
}

impl Serializer for Fields {
    fn emit_arguments(&mut self, _key: Key, _value: &fmt::Arguments<'_>) -> slog::Result {
        Ok(())
    }

    fn emit_u16(&mut self, key: Key, value: u16) -> slog::Result {
        if key == "response_code" {
            self.status = Some(value);
        }
        Ok(())
    }

    fn emit_u128(&mut self, key: Key, value: u128) -> slog::Result {
        if key == "latency_us" {
            self.latency_us = Some(value);
        }
        Ok(())
    }

    fn emit_u64(&mut self, key: Key, value: u64) -> slog::Result {
        if key == "latency_us" {
            self.latency_us = Some(u128::from(value));
        }
        Ok(())
    }

    fn emit_str(&mut self, key: Key, value: &str) -> slog::Result {
        // The innermost logger's value comes first; keep it.
        if key == "method" && self.method.is_none() {
            self.method = Some(value.to_owned());
        } else if key == "uri" && self.uri.is_none() {
            self.uri = Some(value.to_owned());
        }
        Ok(())
    }
}
