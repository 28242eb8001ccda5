//! The server-api crate: a `#[dropshot::api_description]` trait with one method per operation,
//! the extractor structs of its parameters, one response enum per operation, and the error type
//! in the spec's shape. Everything here is our own generator (quote), not a library's.

mod dispatch;
mod error_body;
pub(crate) mod model;
mod operation;
mod runtime;
mod rust_types;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

pub use operation::{EndpointArgument, EndpointSignature};
pub use runtime::RUNTIME;

use super::CrateNames;

/// The server-api crate's source, and what implementing its trait takes.
pub struct ServerApiOutput {
    /// `generated.rs` but its runtime ([`RUNTIME`]), unformatted.
    pub tokens: TokenStream,
    /// The operations as read from the document.
    pub operations: Vec<model::Operation>,
    /// Each operation's endpoint signature, in the same order.
    pub signatures: Vec<EndpointSignature>,
}

/// Generates the server-api crate's `generated.rs` for a normalized `document`.
pub fn generate_server_api(
    document: &Value,
    names: &CrateNames,
) -> anyhow::Result<ServerApiOutput> {
    let operations = model::operations(document)?;
    let errors = error_body::error_types(document, &operations, &names.types_path)?;
    let api_errors = errors.types.iter().map(runtime::api_error);
    let dispatchers = dispatch::dispatchers(&operations)?;
    let dispatched: Vec<usize> = dispatchers
        .iter()
        .flat_map(|d| d.operations.iter().copied())
        .collect();
    let generated = operations
        .iter()
        .enumerate()
        .map(|(index, op)| {
            operation::operation_items(
                op,
                &names.types_path,
                errors.for_operation(op),
                dispatched.contains(&index),
            )
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let support_items = generated.iter().map(|g| &g.items);
    let trait_methods = generated.iter().map(|g| &g.trait_method);
    let api_trait = format_ident!("{}", names.api_trait);
    let trait_doc = trait_documentation(document, &names.api_trait);
    let signatures: Vec<EndpointSignature> =
        generated.iter().map(|g| g.signature.clone()).collect();
    let described = described_operations(&operations, &signatures);
    let main_error = &errors.types[0].rust_name;
    let dispatch::DispatcherItems {
        items: dispatch_items,
        trait_methods: dispatch_methods,
    } = dispatch::dispatcher_items(&dispatchers, &operations, &signatures, main_error);
    let documentation: Vec<(proc_macro2::Ident, TokenStream)> = generated
        .iter()
        .filter_map(|g| {
            g.documentation_endpoint
                .clone()
                .map(|function| (g.signature.method.clone(), function))
        })
        .collect();
    let documentation = dispatch::documentation_module(&documentation);
    let tokens = quote! {
        #(#api_errors)*
        #(#support_items)*
        #dispatch_items
        #described
        #documentation

        #(#[doc = #trait_doc])*
        #[::dropshot::api_description]
        pub trait #api_trait {
            /// What every endpoint reaches through `rqctx.context()`: stores, keys, settings.
            type Context;

            #(#trait_methods)*

            #dispatch_methods
        }
    };
    Ok(ServerApiOutput {
        tokens,
        operations,
        signatures,
    })
}

/// `described_operations()`: every operation (but WebSocket channels, which send no response
/// of their own) with the described responses of its response enum.
fn described_operations(
    operations: &[model::Operation],
    signatures: &[EndpointSignature],
) -> TokenStream {
    let entries = operations
        .iter()
        .zip(signatures)
        .filter(|(op, _)| !op.websocket)
        .map(|(op, signature)| {
            let model::Operation {
                operation_id,
                http_method,
                path,
                ..
            } = op;
            let response = format_ident!("{}Response", op.type_prefix);
            let challenge = match &op.challenge {
                Some(challenge) => quote! { ::std::option::Option::Some(#challenge) },
                None => quote! { ::std::option::Option::None },
            };
            let body_required = match signature.arguments.iter().find(|a| a.name == "body") {
                Some(body) => {
                    let ty = body.ty(None);
                    quote! { ::std::option::Option::Some(body_required::<#ty>()) }
                }
                None => quote! { ::std::option::Option::None },
            };
            quote! {
                DescribedOperation {
                    operation_id: #operation_id,
                    method: #http_method,
                    path: #path,
                    challenge: #challenge,
                    request_body_required: #body_required,
                    responses: #response::described_responses(),
                }
            }
        });
    quote! {
        /// Every operation as the generated code serves it, for conformance tests: see
        /// [`described_document`].
        #[doc(hidden)]
        pub fn described_operations() -> ::std::vec::Vec<DescribedOperation> {
            ::std::vec![#(#entries),*]
        }
    }
}

fn trait_documentation(document: &Value, api_trait: &str) -> Vec<String> {
    let info = document.get("info");
    let field = |key| {
        info.and_then(|i| i.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let module = format!("{}_mod", refactor_openapi::naming::field_name(api_trait));
    let mut lines = vec![format!(
        " {} (version {}): the server side.",
        field("title"),
        field("version")
    )];
    if !field("description").is_empty() {
        lines.push(String::new());
        lines.extend(field("description").lines().map(|line| format!(" {line}")));
    }
    lines.extend([
        String::new(),
        format!(
            " Implement this trait, then serve `{module}::api_description::<YourImpl>()`; \
             `{module}::stub_api_description()` describes the API without an implementation."
        ),
    ]);
    lines
}
