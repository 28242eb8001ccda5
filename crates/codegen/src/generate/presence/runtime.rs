//! The presence runtime every generated types crate carries: the module `presence` (the
//! `Nullable` type and the helpers the fields' attributes name), and `Nullable` re-exported
//! beside the types.
//!
//! The runtime is a real source file, `crates/types-runtime/src/presence.rs`, compiled, linted
//! and tested as the crate `refactor-types-runtime`; it is appended verbatim to every types
//! crate's `generated.rs` as the module `presence` (see [`Runtime`]).

use syn::Item;

use crate::generate::format::Runtime;

/// The presence runtime, as the module `presence`.
pub const RUNTIME: Runtime = Runtime {
    source: include_str!("../../../../types-runtime/src/presence.rs"),
    module: Some("presence"),
};

/// `pub use presence::Nullable`, unless a generated type of `items` is called `Nullable` (then
/// it is `presence::Nullable`).
pub fn reexport(items: &[Item]) -> Option<&'static str> {
    let taken = items.iter().any(|item| match item {
        Item::Struct(item) => item.ident == "Nullable",
        Item::Enum(item) => item.ident == "Nullable",
        Item::Type(item) => item.ident == "Nullable",
        _ => false,
    });
    (!taken).then_some("pub use presence::Nullable;\n")
}
