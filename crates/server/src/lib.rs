//! `refactor-server`: the reference implementation of the generated `RefactorApi` trait.
//!
//! One module per job: [`auth`] (bearer JWTs), [`labels`] (validating and rendering labels),
//! [`import`] (import files), [`store`] (the storage trait, SQLite and PostgreSQL, the response
//! cache), [`api`] (the trait implementation), [`endpoints`] (health, readiness, metrics and the
//! document), [`metrics`] (Prometheus), [`serve`] (the HTTP server), [`demo`] (demo data),
//! [`cli`] and [`commands`] (the command line).

pub mod api;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod demo;
pub mod endpoints;
pub mod import;
pub mod labels;
pub mod logging;
pub mod metrics;
pub mod serve;
pub mod store;
