//! The generator as a library: `spec/openapi.yaml` (or any spec) in, the types, client and
//! server-api crates out.
//!
//! The pipeline's steps are modules: loading and normalizing live in `refactor-openapi` (shared
//! with the conformance tests); [`generate`] produces the sources; [`write`] writes or checks
//! them; [`workspace`] ties them together for this workspace, [`standalone`] for a workspace of
//! its own, [`fixtures`] for the snapshot fixtures; [`change_report`] says what a regeneration
//! changes in the API. `xtask` is the command line over it.

pub mod change_report;
pub mod fixtures;
pub mod generate;
pub mod layout;
pub mod standalone;
pub mod vendor;
pub mod workspace;
pub mod write;
