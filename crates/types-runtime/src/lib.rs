//! The runtime every generated types crate carries: [`presence::Nullable`] and the helpers the
//! generated fields name in their serde and schemars attributes.
//!
//! `src/presence.rs` is appended verbatim (as text, comments included) to each generated
//! types crate as its module `presence`, so a generated workspace needs no crate of ours. It is
//! a module here too, so it is compiled, linted and tested exactly as it is used.

pub mod presence;

#[cfg(test)]
mod tests;
