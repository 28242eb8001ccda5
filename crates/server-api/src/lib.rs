//! The re-factor API as a dropshot API trait, generated from `spec/openapi.yaml` by
//! `cargo xtask codegen`.
//!
//! Server teams implement [`RefactorApi`] and serve
//! `refactor_api_mod::api_description::<TheirImpl>()`; see the README for an example.

#[rustfmt::skip]
mod generated;
pub use generated::*;
