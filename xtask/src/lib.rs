//! The project's generator: `cargo xtask codegen [--check]` turns `spec/openapi.yaml` into the
//! types, client and server-api crates.
//!
//! The pipeline's steps are modules: loading and normalizing live in `refactor-spec` (shared with
//! the conformance tests); [`generate`] produces the sources; [`write`] writes or checks them;
//! [`codegen`] ties them together for the workspace.

pub mod bench;
pub mod codegen;
pub mod corpus;
pub mod fixtures;
pub mod generate;
pub mod spec_change_demo;
pub mod standalone;
pub mod write;
