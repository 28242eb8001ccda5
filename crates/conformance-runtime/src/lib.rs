//! The runtime every generated conformance harness carries: [`ProbeServer`], which answers a
//! client's call with the status a test chose, and [`probe_client`], which runs the client
//! against it for every probe of the spec and records what the client made of each answer;
//! [`dropshot_document`] and [`serve_on_loopback`] give the trait's document and serve the stub;
//! `record` and its kin tell whether a call of the generated stub reached its endpoint.
//!
//! `src/runtime.rs` is appended verbatim (as text, comments included) to each generated
//! harness, at the root of the module, and is included here at the root too, so it is compiled,
//! linted and tested exactly as it is used. This workspace's harness (`tests/src/generated.rs`)
//! carries it like every other.

include!("runtime.rs");

#[cfg(test)]
mod tests;
