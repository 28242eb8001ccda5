//! The server's tests, in one binary: conformance against the real server, the auth matrix,
//! commands, the production endpoints, import, restart, store faults, a round-trip property, the
//! store's behaviour on every backend, per-run freshness, and replicas sharing one PostgreSQL
//! database.

mod auth_matrix;
mod commands;
mod conformance;
mod endpoints;
mod faults;
mod freshness;
mod import;
mod properties;
mod replicas;
mod restart;
mod store;
mod support;
