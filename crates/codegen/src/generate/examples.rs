//! Example values as Rust: the `serde_json::json!` expression of an instance that
//! `refactor_openapi::examples` built.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

pub use refactor_openapi::examples::{NoExample, example_instance, fits};

/// `value` as a `serde_json::json!` expression.
pub fn json_macro(value: &Value) -> TokenStream {
    let inner = json_tokens(value);
    quote! { ::serde_json::json!(#inner) }
}

fn json_tokens(value: &Value) -> TokenStream {
    match value {
        Value::Null => quote! { null },
        Value::Bool(flag) => quote! { #flag },
        Value::Number(number) => {
            // A JSON number is valid Rust tokens (a literal, maybe negated); fall back to null.
            number
                .to_string()
                .parse()
                .unwrap_or_else(|_| quote! { null })
        }
        Value::String(text) => {
            let literal = Literal::string(text);
            quote! { #literal }
        }
        Value::Array(items) => {
            let items = items.iter().map(json_tokens);
            quote! { [#(#items),*] }
        }
        Value::Object(fields) => {
            let fields = fields.iter().map(|(key, value)| {
                let key = Literal::string(key);
                let value = json_tokens(value);
                quote! { #key: #value }
            });
            quote! { {#(#fields),*} }
        }
    }
}
