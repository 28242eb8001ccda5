//! The server's tests, in one binary: conformance against the real server, the auth matrix,
//! commands, import, restart, store faults, a round-trip property, the store's behaviour on
//! every backend, and replicas sharing one PostgreSQL database.

mod auth_matrix;
mod commands;
mod conformance;
mod faults;
mod import;
mod properties;
mod replicas;
mod restart;
mod store;
mod support;
