//! Routes dropshot's router cannot hold side by side: a literal segment beside a variable one
//! (`/items/search` beside `/items/{id}`; dropshot issue #199).
//!
//! Every operation stays a trait method of its own, and every client call stays as the spec
//! says. dropshot registers one endpoint per method at the variable's route, a *dispatcher* with
//! a default body: it reads the route's variables, and when they hold a literal route's
//! segments it serves that operation (the literal route wins, as in every mainstream router,
//! the leftmost literal first), otherwise the variable's own operation (or the router's 404 when
//! there is none). Each operation's parameters and body are read by dropshot's own extractors,
//! called from the dispatcher. The dispatcher is unpublished; each operation it serves is
//! documented by a free `#[dropshot::endpoint]` of the same signature in
//! `dispatched_documentation`, which the conformance harness adds to the trait's document.

use std::collections::BTreeMap;

use anyhow::bail;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use refactor_openapi::naming::{field_name, type_name};

use super::model::Operation;
use super::operation::{EndpointArgument, EndpointSignature};

/// The operations one dispatcher serves: one method at one route.
#[derive(Debug)]
pub struct Dispatcher<'a> {
    /// The method, uppercase.
    pub method: &'a str,
    /// The route dropshot registers (the variable's).
    pub route: &'a str,
    /// The operations served through it, by index: literal routes first (leftmost literal
    /// first), then the variable's own operation, if any.
    pub operations: Vec<usize>,
}

/// The dispatchers `operations` need: one per method and route where some operation's literal
/// segment sits beside a variable.
pub fn dispatchers(operations: &[Operation]) -> anyhow::Result<Vec<Dispatcher<'_>>> {
    let mut groups: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (index, op) in operations.iter().enumerate() {
        groups
            .entry((op.http_method.as_str(), op.route.pattern.as_str()))
            .or_default()
            .push(index);
    }
    let mut dispatchers = Vec::new();
    for ((method, route), mut members) in groups {
        if !members
            .iter()
            .any(|index| operations[*index].route.is_dispatched())
        {
            continue;
        }
        if let Some(channel) = members.iter().find(|index| operations[**index].websocket) {
            bail!(
                "the WebSocket channel `{}` ({method} {}) shares dropshot's route {route} with a \
                 literal route; a channel cannot be dispatched",
                operations[*channel].operation_id,
                operations[*channel].path
            );
        }
        // Literal routes first, the leftmost literal first; the variable's own operation last.
        members.sort_by_key(|index| {
            let op = &operations[*index];
            let positions: Vec<usize> = op
                .route
                .constraints
                .iter()
                .filter_map(|(variable, _)| op.route.pattern.find(&format!("{{{variable}}}")))
                .collect();
            (positions.is_empty(), positions)
        });
        dispatchers.push(Dispatcher {
            method,
            route,
            operations: members,
        });
    }
    Ok(dispatchers)
}

/// Names derived from a dispatcher's method and route, e.g. `dispatch_get_items_id`.
fn dispatch_name(dispatcher: &Dispatcher<'_>) -> String {
    let route: String = dispatcher
        .route
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    field_name(&format!(
        "dispatch_{}_{route}",
        dispatcher.method.to_ascii_lowercase()
    ))
}

/// What the dispatchers add: items (route structs, response enums) and trait methods.
pub struct DispatcherItems {
    /// Route structs and response enums.
    pub items: TokenStream,
    /// The dispatchers' `#[endpoint]` methods, with their default bodies.
    pub trait_methods: TokenStream,
}

/// The dispatchers' items and trait methods; `error` is the dispatchers' error type.
pub fn dispatcher_items(
    dispatchers: &[Dispatcher<'_>],
    operations: &[Operation],
    signatures: &[EndpointSignature],
    error: &proc_macro2::Ident,
) -> DispatcherItems {
    let mut items = TokenStream::new();
    let mut trait_methods = TokenStream::new();
    for dispatcher in dispatchers {
        let name = dispatch_name(dispatcher);
        let method_ident = format_ident!("{name}");
        let response = format_ident!("{}", type_name(&name));
        let route_struct = format_ident!("{}Route", type_name(&name));
        let variables = route_variables(dispatcher.route);
        let fields = variables.iter().map(|variable| {
            let field = format_ident!("{}", field_name(variable));
            let rename = (field != variable).then(|| quote! { #[serde(rename = #variable)] });
            quote! { #rename pub #field: ::std::string::String, }
        });
        let route_doc = format!(
            " The variables of `{} {}`, as its dispatcher reads them.",
            dispatcher.method, dispatcher.route
        );
        let response_doc = format!(
            " What the dispatcher of `{} {}` sends: the response of the operation it served.",
            dispatcher.method, dispatcher.route
        );
        let variants = dispatcher.operations.iter().map(|index| {
            let variant = format_ident!("{}", operations[*index].type_prefix);
            let inner = signatures[*index]
                .response
                .clone()
                .unwrap_or_else(|| format_ident!("Never"));
            quote! { #variant(#inner), }
        });
        let delegate = |call: TokenStream| {
            let arms = dispatcher.operations.iter().map(move |index| {
                let variant = format_ident!("{}", operations[*index].type_prefix);
                quote! { Self::#variant(response) => response.#call, }
            });
            quote! { match self { #(#arms)* } }
        };
        let to_result = delegate(quote! { to_result() });
        let status_code = delegate(quote! { status_code() });
        let documented = dispatcher
            .operations
            .last()
            .and_then(|index| signatures[*index].response.clone());
        items.extend(quote! {
            #[doc = #route_doc]
            #[doc(hidden)]
            #[derive(Clone, Debug, ::serde::Deserialize, ::schemars::JsonSchema)]
            pub struct #route_struct {
                #(#fields)*
            }

            #[doc = #response_doc]
            #[doc(hidden)]
            #[derive(Debug)]
            pub enum #response {
                #(#variants)*
            }

            impl ::dropshot::HttpResponse for #response {
                fn to_result(self) -> ::std::result::Result<::http::Response<::dropshot::Body>, ::dropshot::HttpError> {
                    #to_result
                }

                fn response_metadata() -> ::dropshot::ApiEndpointResponse {
                    <#documented as ::dropshot::HttpResponse>::response_metadata()
                }

                fn status_code(&self) -> ::http::StatusCode {
                    #status_code
                }
            }
        });
        let branches = dispatcher.operations.iter().map(|index| {
            let op = &operations[*index];
            let fallback = op.route.constraints.is_empty();
            let served = serve(op, &signatures[*index], &response, error, fallback);
            if fallback {
                quote! { #served }
            } else {
                let checks = op.route.constraints.iter().map(|(variable, literal)| {
                    let field = format_ident!("{}", field_name(variable));
                    quote! { route.#field == #literal }
                });
                quote! {
                    if #(#checks)&&* {
                        #served
                    }
                }
            }
        });
        let has_fallback = dispatcher
            .operations
            .last()
            .is_some_and(|index| operations[*index].route.constraints.is_empty());
        // The request itself is read only by a body extractor.
        let reads_body = dispatcher.operations.iter().any(|index| {
            signatures[*index]
                .arguments
                .iter()
                .any(|argument| argument.name == "body")
        });
        let raw = if reads_body {
            format_ident!("raw")
        } else {
            format_ident!("_raw")
        };
        let not_found = (!has_fallback).then(|| {
            quote! {
                drop((rqctx, #raw));
                Err(::dropshot::HttpError::for_not_found(
                    None,
                    "no route found (no path in router)".to_owned(),
                )
                .into())
            }
        });
        let method = format_ident!("{}", dispatcher.method);
        let route = dispatcher.route;
        let doc = format!(
            " Serves `{} {}` and the literal routes beside it (see the module docs of the \
             generator's `dispatch`); implemented here, not by the server.",
            dispatcher.method, dispatcher.route
        );
        trait_methods.extend(quote! {
            #[doc = #doc]
            #[endpoint {
                method = #method,
                path = #route,
                operation_id = #name,
                unpublished = true,
            }]
            async fn #method_ident(
                rqctx: ::dropshot::RequestContext<Self::Context>,
                route: ::dropshot::Path<#route_struct>,
                #raw: ::dropshot::RawRequest,
            ) -> ::std::result::Result<#response, #error> {
                let route = route.into_inner();
                #(#branches)*
                #not_found
            }
        });
    }
    DispatcherItems {
        items,
        trait_methods,
    }
}

/// Reads `op`'s arguments with dropshot's extractors and calls its trait method: the value of
/// the dispatcher's body for its `fallback` (the variable's own operation), a `return` otherwise.
fn serve(
    op: &Operation,
    signature: &EndpointSignature,
    response: &proc_macro2::Ident,
    error: &proc_macro2::Ident,
    fallback: bool,
) -> TokenStream {
    let method = &signature.method;
    let variant = format_ident!("{}", op.type_prefix);
    let reads = signature.arguments.iter().map(|argument: &EndpointArgument| {
        let name = &argument.name;
        let ty = argument.ty(None);
        if name == "body" {
            quote! {
                let #name = <#ty as ::dropshot::ExclusiveExtractor>::from_request(&rqctx, raw.into_inner()).await?;
            }
        } else {
            quote! {
                let #name = <#ty as ::dropshot::SharedExtractor>::from_request(&rqctx).await?;
            }
        }
    });
    let names = signature.arguments.iter().map(|argument| &argument.name);
    let call = quote! {
        Self::#method(rqctx, #(#names),*)
            .await
            .map(#response::#variant)
            .map_err(#error::from_other)
    };
    if fallback {
        quote! { #(#reads)* #call }
    } else {
        quote! { #(#reads)* return #call; }
    }
}

/// The variable names of a route, in order.
fn route_variables(route: &str) -> Vec<String> {
    route
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

/// The module of documentation endpoints for the dispatched operations, and the function that
/// describes each in an `ApiDescription` of its own.
pub fn documentation_module(endpoints: &[(proc_macro2::Ident, TokenStream)]) -> TokenStream {
    let functions = endpoints.iter().map(|(_, function)| function);
    let registrations = endpoints.iter().map(|(name, _)| {
        quote! {
            let mut api = ::dropshot::ApiDescription::new();
            api.register(#name)?;
            descriptions.push(api);
        }
    });
    quote! {
        /// dropshot endpoints that document the operations a dispatcher serves: their routes
        /// cannot stand beside the dispatcher's in one router, so the trait's description cannot
        /// hold them; each has the trait method's signature and is never served.
        #[doc(hidden)]
        pub mod dispatched_documentation {
            #(#functions)*

            /// One description per dispatched operation.
            pub fn descriptions() -> ::std::result::Result<
                ::std::vec::Vec<::dropshot::ApiDescription<()>>,
                ::dropshot::ApiDescriptionRegisterError,
            > {
                #[allow(unused_mut)]
                let mut descriptions = ::std::vec::Vec::new();
                #(#registrations)*
                Ok(descriptions)
            }
        }
    }
}
