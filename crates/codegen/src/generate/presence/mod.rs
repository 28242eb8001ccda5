//! Null is not absent: each property's field holds exactly what the spec allows it to be, and
//! writes back exactly what it holds.
//!
//! typify reads an optional property and a nullable one alike: both become `Option<T>`, `None`
//! is skipped when writing, and `null` reads as `None`. So a `null` the server sent comes back
//! absent, a client cannot send `null` to clear a field (a PATCH body's `{"text_value": null}`
//! goes out as `{}`), an optional property that may not be `null` accepts it, and schemars
//! documents every `Option` as nullable and not required. This step rewrites typify's output:
//!
//! | spec | field | serde | schemars documents |
//! |---|---|---|---|
//! | required | `T` | (typify's) | `T`, required |
//! | required, nullable | `Option<T>` | `deserialize_with = Option::deserialize` (typify's): missing is an error, `None` is written as `null` | `with = "presence::Required<Option<T>>"`: `T` nullable, required |
//! | optional | `Option<T>` | `default`, `skip_serializing_if = Option::is_none`, `deserialize_with = presence::deserialize_some`: `null` is refused | `with = "T"`: `T`, not required (the `default`) |
//! | optional, nullable | `presence::Nullable<T>` | `default`, `skip_serializing_if = Nullable::is_absent` | `T` nullable, not required |
//!
//! An optional array or map is the optional case too (`Option<Vec<T>>`): typify's own field
//! reads absent as empty and leaves an empty one out, so `[]` would not survive a round trip.
//! One-value tags with their default (the only defaults `typify_input` leaves) and flattened
//! parts keep typify's fields. The design is in the README ("Null is not absent").
//!
//! Three modules: [`marker`] carries "nullable" through typify to the fields, [`fields`]
//! rewrites them, [`runtime`] emits the `presence` module they name.

mod fields;
mod marker;
mod runtime;

use anyhow::Context as _;
use proc_macro2::TokenStream;

pub use marker::marked_for_typify;
pub use runtime::RUNTIME;

use super::format::append_spaced;
use super::timestamps;

/// The types crate's items, and the fixed text that follows them.
pub struct TypesFile {
    /// typify's items, rewritten.
    pub items: syn::File,
    /// The timestamp helpers ([`timestamps::helper_module`]) and the `Nullable` re-export, as
    /// the file prints them.
    pub tail: String,
}

/// typify's output (from a document [`marked_for_typify`]) with every field holding what its
/// property's presence allows, and timestamps decoded fast; its items name the `presence` runtime
/// ([`RUNTIME`], appended when the file is rendered).
pub fn with_presence(tokens: TokenStream) -> anyhow::Result<TypesFile> {
    let mut items: syn::File = syn::parse2(tokens).context("typify's output is not valid Rust")?;
    let timestamps = fields::rewrite_fields(&mut items.items)?;
    marker::strip_marks(&mut items.items);
    let mut tail = String::new();
    if !timestamps.is_empty() {
        tail.push_str(&timestamps::helper_module(&timestamps));
    }
    if let Some(reexport) = runtime::reexport(&items.items) {
        append_spaced(&mut tail, reexport);
    }
    Ok(TypesFile { items, tail })
}
