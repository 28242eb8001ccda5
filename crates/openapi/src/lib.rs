//! The spec side of the project: loading OpenAPI documents, normalizing them to the dialect the
//! generators accept, and comparing two documents semantically (conformance).
//!
//! Shared by the generator (`xtask`) and by every conformance test, so that "normalized" and
//! "agrees with the spec" mean one thing everywhere.

pub mod compare;
pub mod error;
pub mod examples;
pub mod integers;
pub mod json_schema;
pub mod load;
pub mod naming;
pub mod normalize;
pub mod overlay;
pub mod patterns;
pub mod pointer;
pub mod presence;
pub mod resolve;
pub mod routes;
pub mod security;
pub mod status;

pub use error::{Problem, SpecError, Warning};
pub use load::SourceDocument;
pub use normalize::{Normalized, normalize};
pub use pointer::Pointer;
