//! The server's tests, in one binary: conformance against the real server, the auth matrix,
//! import, restart, and store faults.

mod auth_matrix;
mod conformance;
mod faults;
mod import;
mod restart;
mod support;
