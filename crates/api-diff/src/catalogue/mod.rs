//! Every kind of change the report knows, its stable id, its message, and who it breaks: one
//! reviewed model of verdicts, in the manner of oasdiff's checker, but in the terms of the
//! generated crates.
//!
//! Two questions decide each verdict, for each party:
//! - **compiles**: does code written against the old generated crates still compile against the
//!   new ones? A Rust type that changes (`Option<String>` -> `String`, a field or variant that
//!   disappears, a client call that gains an argument, a trait method more) breaks the code
//!   that names it, whichever side that is.
//! - **behaves**: does existing code still work with the other side? Following the contract:
//!   a request schema that accepts less breaks the clients that send it, a response schema that
//!   allows more breaks the clients that decode it, and what the contract newly requires of a
//!   server (a property it must send, a credential it must check) breaks the implementations
//!   that do not do it yet.
//!
//! Schema changes are judged per direction: the same change has one id and verdict in a
//! request (`request-property-...`) and another in a response (`response-property-...`).
//!
//! One module per kind of thing that changes: [`schema`] (a schema, judged per direction),
//! [`operation`] (an operation itself), [`component`] (components outside any operation).

pub mod component;
pub mod operation;
pub mod schema;

pub use component::ComponentChange;
pub use operation::{ANONYMOUS, OperationChange};
pub use schema::SchemaChange;

/// How a change moves the set of values a schema accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Every old value is still valid, and more are.
    Widened,
    /// Every new value was valid, and some old ones no longer are.
    Narrowed,
    /// Neither: some old values are refused and some new ones allowed.
    Incomparable,
}
