//! Client of the re-factor API, generated with progenitor from `spec/openapi.yaml` by
//! `cargo xtask codegen`, using the types of `refactor-types`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = refactor_client::Client::with_bearer_token("http://127.0.0.1:8080", "<token>")?;
//! let run = uuid::Uuid::nil();
//! for label in client.list_run_gold_labels(&run).await?.into_inner() {
//!     println!("{} {:?}", label.output_resource_name, label.text_value);
//! }
//! # Ok(())
//! # }
//! ```

mod bearer;
#[rustfmt::skip]
mod generated;

pub use bearer::BearerTokenError;
pub use generated::*;
/// The API's types, shared with the server trait (`refactor-types`).
pub use refactor_types as types;
