//! The presence runtime every generated types crate carries: the module `presence` (the
//! `Nullable` type and the helpers the fields' attributes name), and `Nullable` re-exported
//! beside the types.
//!
//! The runtime is a real source file, `crates/types-runtime/src/presence.rs`, compiled, linted
//! and tested as the crate `refactor-types-runtime`; it is emitted here verbatim (as tokens) so
//! a workspace generated from any spec stands alone.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Item;

/// The runtime's source.
const RUNTIME: &str = include_str!("../../../../types-runtime/src/presence.rs");

/// The module `presence`, and `pub use presence::Nullable` unless a generated type of `items`
/// is called `Nullable` (then it is `presence::Nullable`).
pub fn runtime_items(items: &[Item]) -> anyhow::Result<TokenStream> {
    let file = super::super::format::source_tokens(RUNTIME, "presence")?;
    let taken = items.iter().any(|item| match item {
        Item::Struct(item) => item.ident == "Nullable",
        Item::Enum(item) => item.ident == "Nullable",
        Item::Type(item) => item.ident == "Nullable",
        _ => false,
    });
    let reexport = (!taken).then(|| quote! { pub use presence::Nullable; });
    Ok(quote! {
        pub mod presence {
            #file
        }

        #reexport
    })
}
