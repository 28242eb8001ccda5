//! The spec's error body: which schema `ApiError` sends, and how to fill it from a message.
//!
//! dropshot gives an endpoint one error type; ours sends the spec's error body, so extractor
//! failures (a malformed UUID) come back in the same shape as the errors the implementation
//! returns. The body is the schema most error responses use; a spec that documents none gets a
//! generated `ApiErrorBody` (`{"error": "..."}`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::model::Operation;
use super::rust_types::{component_type, rust_type};
use crate::generate::examples::{example_instance, json_macro};

/// Properties that hold an error's human-readable message, in order of preference.
const MESSAGE_PROPERTIES: &[&str] = &["error", "message", "detail", "title", "description", "msg"];

/// The name of the body generated for specs without an error schema.
pub const GENERATED_ERROR_BODY: &str = "ApiErrorBody";

/// The error body `ApiError` sends.
#[derive(Debug)]
pub struct ErrorBody {
    /// The type documenting it, e.g. `::refactor_types::ErrorBody`.
    pub type_path: TokenStream,
    /// The spec's component, when the error schema is one.
    pub component: Option<String>,
    /// The error schema as the responses reference it (`Value::Null` for the generated body).
    pub schema: Value,
    /// An expression of type `serde_json::Value`: the body carrying `message: String`.
    pub from_message: TokenStream,
    /// Items to emit with it (the generated body type, when the spec has none).
    pub items: TokenStream,
}

/// Chooses the error body for `operations` of `document`: the schema most error responses use
/// (the first one seen on a tie).
pub fn error_body(
    document: &Value,
    operations: &[Operation],
    types_path: &str,
) -> anyhow::Result<ErrorBody> {
    let mut counts: Vec<(&Value, usize)> = Vec::new();
    for operation in operations {
        for response in operation.responses.iter().filter(|r| r.status.is_error()) {
            let Some(schema) = response.body.json_schema() else {
                continue;
            };
            match counts.iter_mut().find(|(known, _)| *known == schema) {
                Some((_, count)) => *count += 1,
                None => counts.push((schema, 1)),
            }
        }
    }
    let Some(schema) = counts
        .iter()
        .rev()
        .max_by_key(|(_, count)| *count)
        .map(|(schema, _)| *schema)
    else {
        return Ok(generated_body());
    };
    let component = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_owned);
    let type_path = match &component {
        Some(name) => component_type(types_path, name),
        None => rust_type(schema, types_path)?,
    };
    Ok(ErrorBody {
        type_path,
        from_message: filled_with_message(document, schema),
        component,
        schema: schema.clone(),
        items: TokenStream::new(),
    })
}

/// `{"error": message}`, documented by a generated struct.
fn generated_body() -> ErrorBody {
    let ident = format_ident!("{GENERATED_ERROR_BODY}");
    ErrorBody {
        type_path: quote! { #ident },
        component: None,
        schema: Value::Null,
        from_message: quote! { ::serde_json::json!({ "error": message }) },
        items: quote! {
            /// The error body of this API: the spec documents none, so errors say what went wrong
            /// in `{"error": "..."}`.
            #[derive(Clone, Debug, ::serde::Deserialize, ::serde::Serialize, ::schemars::JsonSchema)]
            pub struct #ident {
                /// What went wrong.
                pub error: ::std::string::String,
            }
        },
    }
}

/// A small valid instance of the error schema with its message property set to `message`.
fn filled_with_message(document: &Value, schema: &Value) -> TokenStream {
    let resolved = resolve(document, schema);
    if resolved.get("type").and_then(Value::as_str) == Some("string") {
        return quote! { ::serde_json::Value::String(message) };
    }
    let template = example_instance(document, schema);
    let string_properties: Vec<&str> = resolved
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| {
            properties
                .iter()
                .filter(|(_, property)| {
                    resolve(document, property)
                        .get("type")
                        .and_then(Value::as_str)
                        == Some("string")
                })
                .map(|(name, _)| name.as_str())
                .collect()
        })
        .unwrap_or_default();
    let field = MESSAGE_PROPERTIES
        .iter()
        .find(|wanted| string_properties.contains(wanted))
        .copied()
        .or_else(|| string_properties.first().copied());
    let template = json_macro(&template);
    match field {
        Some(field) => quote! {{
            let mut body = #template;
            body[#field] = ::serde_json::Value::String(message);
            body
        }},
        // No string property to carry the message: the body is the template, the message is logged.
        None => quote! {{
            let _ = message;
            #template
        }},
    }
}

fn resolve<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    let reference = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'));
    match reference.and_then(|pointer| document.pointer(pointer)) {
        Some(target) => resolve(document, target),
        None => match schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([only]) => resolve(document, only),
            _ => schema,
        },
    }
}
