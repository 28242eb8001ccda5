//! The spec-independent part of every server-api crate (`JsonBody`, `ApiErrorOf`, response
//! helpers), and the items that bind its error type to the spec's error bodies.
//!
//! The runtime is a real source file, `crates/server-runtime/src/runtime.rs`, compiled, linted
//! and tested as the crate `refactor-server-runtime`; it is appended verbatim to every server-api
//! crate's `generated.rs` (see [`Runtime`]).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::error_body::ErrorBody;
use crate::generate::format::Runtime;

/// The server runtime, its items at the file's root.
pub const RUNTIME: Runtime = Runtime {
    source: include_str!("../../../../server-runtime/src/runtime.rs"),
    module: None,
};

/// The error type of one error body: a shape (how a message fills the body, which type
/// documents it) and `ApiErrorOf` over it, named e.g. `ApiError`.
pub fn api_error(error: &ErrorBody) -> TokenStream {
    let name = &error.rust_name;
    let shape = format_ident!("{name}Shape");
    let ErrorBody {
        type_path,
        component,
        from_message,
        items,
        ..
    } = error;
    let type_doc = match component {
        Some(component) => format!(
            " An error response with the spec's error body, [`{component}`]({}).",
            type_path.to_string().replace(' ', "")
        ),
        None => " An error response with the API's error body.".to_owned(),
    };
    let shape_doc = format!(" The error body [`{name}`] sends.");
    quote! {
        #items

        #[doc = #shape_doc]
        #[derive(Clone, Copy, Debug)]
        pub enum #shape {}

        impl ErrorBodyShape for #shape {
            type Body = #type_path;

            fn with_message(message: ::std::string::String) -> ::serde_json::Value {
                #from_message
            }
        }

        #[doc = #type_doc]
        ///
        /// See [`ApiErrorOf`] for what it does.
        pub type #name = ApiErrorOf<#shape>;
    }
}
