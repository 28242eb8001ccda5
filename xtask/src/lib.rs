//! The project's task runner: the command line over `refactor-codegen` (`cargo xtask codegen`,
//! `cargo xtask api-diff`),
//! and the tasks that drive whole builds: the corpus run, the benchmarks, the spec-change demo.

pub mod api_diff;
pub mod bench;
pub mod corpus;
pub mod spec_change_demo;
