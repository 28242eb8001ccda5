//! Types of the re-factor API, generated from `spec/openapi.yaml` by `cargo xtask codegen`.
//!
//! Every component schema of the spec is a type here (serde + schemars), shared by the client
//! (`refactor-client`) and the server trait (`refactor-server-api`).

#[rustfmt::skip]
mod generated;
pub use generated::*;
