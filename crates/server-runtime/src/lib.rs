//! The runtime every generated server-api crate carries: [`JsonBody`], [`ApiErrorOf`] and the
//! response helpers the generated response enums call.
//!
//! `src/runtime.rs` is appended verbatim (as text, comments included) to each generated
//! `generated.rs`, at the root of the crate, so a generated workspace needs no crate of ours.
//! It is included here at the root too, so it is compiled, linted and tested exactly as it is
//! used.

include!("runtime.rs");

#[cfg(test)]
mod tests;
