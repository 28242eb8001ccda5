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
use refactor_openapi::naming::type_name;
use refactor_openapi::resolve;

/// Properties that hold an error's human-readable message, in order of preference.
const MESSAGE_PROPERTIES: &[&str] = &["error", "message", "detail", "title", "description", "msg"];

/// The name of the body generated for specs without an error schema.
pub const GENERATED_ERROR_BODY: &str = "ApiErrorBody";

/// An error type of the server trait and the body it sends.
#[derive(Debug)]
pub struct ErrorBody {
    /// The Rust type, e.g. `ApiError`.
    pub rust_name: proc_macro2::Ident,
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

/// The error types of the trait: `ApiError` for the schema most error responses use (the first
/// one seen on a tie), and one more per other error schema an operation uses (dropshot gives
/// each endpoint one error type).
#[derive(Debug)]
pub struct ErrorTypes {
    /// `ApiError`, and the others in the order operations first use them.
    pub types: Vec<ErrorBody>,
}

impl ErrorTypes {
    /// The error type of an operation: the one of its error schema, or `ApiError`.
    pub fn for_operation(&self, operation: &Operation) -> &ErrorBody {
        operation_error_schema(operation)
            .and_then(|schema| self.types.iter().find(|t| t.schema == *schema))
            .unwrap_or(&self.types[0])
    }
}

/// The schema of an operation's error responses (one, after normalization).
fn operation_error_schema(operation: &Operation) -> Option<&Value> {
    operation
        .responses
        .iter()
        .filter(|r| r.status.is_error())
        .find_map(|r| r.body.json_schema())
}

/// Chooses the error types for `operations` of `document`.
pub fn error_types(
    document: &Value,
    operations: &[Operation],
    types_path: &str,
) -> anyhow::Result<ErrorTypes> {
    let mut counts: Vec<(&Value, usize, &str)> = Vec::new();
    for operation in operations {
        for response in operation.responses.iter().filter(|r| r.status.is_error()) {
            let Some(schema) = response.body.json_schema() else {
                continue;
            };
            match counts.iter_mut().find(|(known, ..)| *known == schema) {
                Some((_, count, _)) => *count += 1,
                None => counts.push((schema, 1, &operation.type_prefix)),
            }
        }
    }
    let Some(main) = counts
        .iter()
        .rev()
        .max_by_key(|(_, count, _)| *count)
        .map(|(schema, ..)| *schema)
    else {
        return Ok(ErrorTypes {
            types: vec![generated_body()],
        });
    };
    let mut types = vec![error_type(
        document,
        main,
        types_path,
        format_ident!("ApiError"),
    )?];
    for (schema, _, first_user) in &counts {
        if *schema == main {
            continue;
        }
        let base = component_name(schema)
            .map(|name| type_name(&name))
            .unwrap_or_else(|| (*first_user).to_owned());
        types.push(error_type(
            document,
            schema,
            types_path,
            format_ident!("{base}ApiError"),
        )?);
    }
    Ok(ErrorTypes { types })
}

fn component_name(schema: &Value) -> Option<String> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_owned)
}

fn error_type(
    document: &Value,
    schema: &Value,
    types_path: &str,
    rust_name: proc_macro2::Ident,
) -> anyhow::Result<ErrorBody> {
    let component = component_name(schema);
    let type_path = match &component {
        Some(name) => component_type(types_path, name),
        None => rust_type(schema, types_path)?,
    };
    Ok(ErrorBody {
        rust_name,
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
        rust_name: format_ident!("ApiError"),
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
    let resolved = resolve::through_aliases(document, schema);
    if resolved.get("type").and_then(Value::as_str) == Some("string") {
        return quote! { ::serde_json::Value::String(message) };
    }
    // A pattern no example is found for leaves the template empty; the message still goes in.
    let template =
        example_instance(document, schema).unwrap_or_else(|_| Value::Object(Default::default()));
    let string_properties: Vec<&str> = resolved
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| {
            properties
                .iter()
                .filter(|(_, property)| {
                    resolve::through_aliases(document, property)
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
