//! Shared pieces of the conformance tests: the generated harness (`harness`, from
//! `cargo xtask codegen`: the stub server, the trait's and the response enums' documents, the
//! client probes), the spec as the tests read it, a JSON Schema validator built from the spec's
//! own schemas, an in-memory implementation of the generated trait, and a round-trip harness
//! that runs the generated client against any implementation.

#[rustfmt::skip]
#[path = "generated.rs"]
pub mod harness;
pub mod in_memory;
pub mod round_trip;
pub mod spec;
