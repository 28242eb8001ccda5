//! The spec's error body: which component it is and how to build one from a message.
//!
//! dropshot gives an endpoint one error type; ours carries the spec's error body, so extractor
//! failures (a malformed UUID) come back in the same `{"error": "..."}` shape as the errors the
//! implementation returns.

use anyhow::{anyhow, bail};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use refactor_spec::naming::type_name;
use typify::{TypeDetails, TypeSpace, TypeSpaceImpl};

use super::model::Operation;
use super::rust_types::component_type;

/// Properties that hold an error's human-readable message, in order of preference.
const MESSAGE_PROPERTIES: &[&str] = &["error", "message", "detail", "title", "description"];

/// The error body component and how the generated code fills it.
#[derive(Debug)]
pub struct ErrorBody {
    /// The type in the types crate, e.g. `::refactor_types::ErrorBody`.
    pub type_path: TokenStream,
    /// The spec's name of the component, for documentation.
    pub name: String,
    /// An expression of the body type built from `message: String`.
    pub from_message: TokenStream,
}

/// Finds the one schema every error response of `operations` uses.
pub fn error_body(
    operations: &[Operation],
    types_path: &str,
    type_space: &TypeSpace,
) -> anyhow::Result<ErrorBody> {
    let mut names: Vec<String> = Vec::new();
    for operation in operations {
        for response in operation
            .responses
            .iter()
            .filter(|r| !r.status.is_success())
        {
            let Some(schema) = &response.json_schema else {
                continue;
            };
            let name = schema
                .get("$ref")
                .and_then(|r| r.as_str())
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .ok_or_else(|| {
                    anyhow!(
                        "the error response of `{}` is not a component schema after normalization",
                        operation.operation_id
                    )
                })?;
            if !names.iter().any(|known| known == name) {
                names.push(name.to_owned());
            }
        }
    }
    let name = match names.as_slice() {
        [name] => name.clone(),
        [] => {
            bail!("the spec documents no JSON error body; the server trait needs one error schema")
        }
        several => bail!(
            "the spec's error responses use several schemas ({several:?}); the server trait \
             supports one error schema shared by all operations"
        ),
    };
    let rust_name = type_name(&name);
    let ty = type_space
        .iter_types()
        .find(|ty| ty.name() == rust_name)
        .ok_or_else(|| anyhow!("the types crate has no type `{rust_name}` for the error body"))?;
    let TypeDetails::Struct(details) = ty.details() else {
        bail!("the error body `{name}` must be an object schema");
    };
    let properties: Vec<_> = details.properties_info().collect();
    let message = MESSAGE_PROPERTIES
        .iter()
        .find_map(|wanted| properties.iter().find(|p| p.name == *wanted))
        .ok_or_else(|| {
            anyhow!(
                "the error body `{name}` has no message property (one of {MESSAGE_PROPERTIES:?})"
            )
        })?;
    if let Some(other) = properties
        .iter()
        .find(|p| p.required && p.name != message.name)
    {
        bail!(
            "the error body `{name}` requires `{}` besides its message; the generated error type \
             can only fill the message",
            other.name
        );
    }
    let type_path = component_type(types_path, &name);
    let field = format_ident!("{}", message.name);
    let value = if message.required {
        quote! { message }
    } else {
        quote! { ::std::option::Option::Some(message) }
    };
    let from_message = if properties.len() == 1 {
        quote! { #type_path { #field: #value } }
    } else if ty.has_impl(TypeSpaceImpl::Default) {
        quote! { #type_path { #field: #value, ..::std::default::Default::default() } }
    } else {
        bail!("the error body `{name}` has other properties and no default to fill them");
    };
    Ok(ErrorBody {
        type_path,
        name,
        from_message,
    })
}
