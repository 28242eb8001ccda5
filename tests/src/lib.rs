//! Shared pieces of the conformance tests: the spec as the tests read it, a JSON Schema
//! validator built from the spec's own schemas, an in-memory implementation of the generated
//! trait, and a round-trip harness that runs the generated client against any implementation.

pub mod in_memory;
pub mod round_trip;
pub mod spec;
