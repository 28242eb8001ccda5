//! The conformance harness of a generated workspace: a stub implementation of the trait that
//! answers every operation with 501 in the spec's error shape, the trait's own OpenAPI document,
//! the document of what its response enums send, one call of every operation through the
//! generated client, and the client's outcome for every probe of the spec.
//!
//! Every generated workspace runs it (a standalone one, each fixture of the project's snapshot
//! tests, and this workspace's `tests/`): [`conformance`](self) compares the spec with the
//! trait's document, with what the response enums send (statuses, bodies, challenges, exactly),
//! and with what the client makes of each documented and undocumented status; and every client
//! call must reach its endpoint (the stub's 501, never the router's 404 or 405), which proves
//! client and server agree on every method and path. The spec-independent part is the real file
//! `crates/conformance-runtime/src/runtime.rs`, emitted verbatim.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use refactor_openapi::status::Status;
use refactor_openapi::{Pointer, SpecError, resolve};
use serde_json::Value;

use super::CrateNames;
use super::examples::{NoExample, example_instance, fits};
use super::format::Runtime;
use super::server_api::model::{Operation, Parameter, RequestBody};
use super::server_api::{EndpointArgument, EndpointSignature};

/// The harness runtime, its items at the file's root.
pub const RUNTIME: Runtime = Runtime {
    source: include_str!("../../../conformance-runtime/src/runtime.rs"),
    module: None,
};

/// Generates the harness module for `operations` (with their `signatures`, in the same order),
/// but its runtime ([`RUNTIME`], appended when the file is rendered).
pub fn generate_harness(
    document: &Value,
    names: &CrateNames,
    operations: &[Operation],
    signatures: &[EndpointSignature],
) -> anyhow::Result<TokenStream> {
    let server = parse_path(&names.server_api_path)?;
    let client = parse_path(&names.client_path)?;
    let types = parse_path(&names.types_path)?;
    let api_trait = format_ident!("{}", names.api_trait);
    let module = format_ident!(
        "{}_mod",
        refactor_openapi::naming::field_name(&names.api_trait)
    );

    let stub_methods = signatures
        .iter()
        .map(|signature| stub_method(&server, signature));
    let calls = operations
        .iter()
        .map(|operation| client_call(document, operation))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let records = operations.iter().zip(&calls).map(|(operation, call)| {
        let operation_id = &operation.operation_id;
        // The stub's message can be read back only from a typed (JSON) error body; progenitor
        // reads a `default` body as the error type too.
        let typed_error = operation.responses.iter().any(|r| {
            (r.status.is_error() || r.status == Status::Default) && r.body.json_schema().is_some()
        });
        if operation.websocket {
            quote! { record_upgrade(&mut missing, #operation_id, #call.await); }
        } else if typed_error {
            let method = &operation.method_name;
            quote! { record_named(&mut missing, #operation_id, #method, #call.await); }
        } else {
            quote! { record(&mut missing, #operation_id, #call.await); }
        }
    });
    let probe_arms = operations
        .iter()
        .zip(&calls)
        .filter(|(operation, _)| !operation.websocket)
        .map(|(operation, call)| {
            let operation_id = &operation.operation_id;
            quote! { #operation_id => client_outcome(#call.await), }
        });

    Ok(quote! {
        use ::serde_json::Value;

        /// Implements every operation with a 501 in the spec's error shape.
        pub enum Stub {}

        impl #server::#api_trait for Stub {
            type Context = ();

            #(#stub_methods)*
        }

        /// The normalized spec the crates were generated from.
        pub fn spec_document() -> Value {
            ::serde_json::from_str(#types::OPENAPI_DOCUMENT).expect("the embedded spec is JSON")
        }

        /// The OpenAPI document dropshot derives from the trait, titled like the spec.
        pub fn trait_document() -> Value {
            dropshot_document(
                &spec_document(),
                &#server::#module::stub_api_description().expect("the trait describes itself"),
                &#server::dispatched_documentation::descriptions().expect("each documents itself"),
            )
        }

        /// Serves the stub on an ephemeral loopback port.
        pub fn start_stub() -> ::dropshot::HttpServer<()> {
            serve_on_loopback(
                #server::#module::api_description::<Stub>().expect("the trait's description builds"),
                "conformance-stub",
            )
        }

        /// Calls every operation through the client; returns `(operation, status)` for each call
        /// that did not get the stub's 501.
        pub async fn calls_missing_their_endpoint(client: &#client::Client) -> Vec<(&'static str, String)> {
            let mut missing = Vec::new();
            #(#records)*
            missing
        }

        /// What the response enums send, as a document (see the server-api crate's
        /// `described_document`).
        pub fn described_document() -> Value {
            #server::described_document(&#server::described_operations())
        }

        /// The client's outcome for every probe of `spec` (see
        /// `refactor_openapi::compare::client_probes`), each call answered by a probe server.
        pub async fn client_outcomes(spec: &Value) -> Vec<::refactor_openapi::compare::ClientResult> {
            let server = ProbeServer::start().await.expect("the probe server starts");
            let client = #client::Client::new(&server.url());
            probe_client(spec, &server, async |operation_id: &str| match operation_id {
                #(#probe_arms)*
                other => ::refactor_openapi::compare::ClientOutcome::Failed(
                    format!("the client has no call for {other}"),
                ),
            })
            .await
        }

        /// `spec` against the generated code: the trait's OpenAPI document, what its response
        /// enums send, and what the client makes of every probe.
        pub async fn conformance(spec: &Value) -> ::refactor_openapi::compare::Comparison {
            let outcomes = client_outcomes(spec).await;
            ::refactor_openapi::compare::compare(spec, &trait_document())
                .and(::refactor_openapi::compare::compare_responses(spec, &described_document()))
                .and(::refactor_openapi::compare::compare_client(spec, &outcomes))
        }
    })
}

fn parse_path(path: &str) -> anyhow::Result<TokenStream> {
    let path: syn::Path =
        syn::parse_str(path).map_err(|e| anyhow::anyhow!("{path:?} is not a Rust path: {e}"))?;
    Ok(quote! { #path })
}

fn stub_method(server: &TokenStream, signature: &EndpointSignature) -> TokenStream {
    let EndpointSignature {
        method,
        arguments,
        response,
        error,
    } = signature;
    let arguments = arguments.iter().map(|argument: &EndpointArgument| {
        let name = format_ident!("_{}", argument.name);
        let ty = argument.ty(Some(server));
        quote! { #name: #ty }
    });
    let Some(response) = response else {
        // A channel: accept the upgrade and close.
        return quote! {
            async fn #method(
                _rqctx: ::dropshot::RequestContext<()>,
                #(#arguments,)*
                _upgraded: ::dropshot::WebsocketConnection,
            ) -> ::dropshot::WebsocketChannelResult {
                Ok(())
            }
        };
    };
    let message = format!("`{method}` is not implemented by the conformance stub");
    quote! {
        async fn #method(
            _rqctx: ::dropshot::RequestContext<()>,
            #(#arguments),*
        ) -> ::std::result::Result<#server::#response, #server::#error> {
            Err(#server::#error::new(::dropshot::ErrorStatusCode::NOT_IMPLEMENTED, #message))
        }
    }
}

/// One call of `operation` with example arguments (a future of its result), in progenitor's
/// positional order: path parameters as the path names them, then query and header parameters
/// by name, then the body.
fn client_call(document: &Value, operation: &Operation) -> anyhow::Result<TokenStream> {
    let method = format_ident!("{}", operation.method_name);
    let mut arguments = Vec::new();
    let mut path_params: Vec<&Parameter> = operation.path_params.iter().collect();
    path_params.sort_by_key(|p| {
        operation
            .path
            .find(&format!("{{{}}}", p.name))
            .unwrap_or(usize::MAX)
    });
    let no_example = |what: String| {
        move |NoExample { pattern }| {
            let pointer = Pointer::root()
                .key("paths")
                .key(&operation.path)
                .key(&operation.http_method.to_lowercase());
            SpecError::unsupported(
                &pointer,
                "pattern",
                format!(
                    "the conformance harness needs an example of {what} and found no string \
                     matching {pattern:?}; give it an `example` in spec/overlay.yaml"
                ),
            )
        }
    };
    for param in path_params {
        arguments.push(
            argument(document, param, true)
                .map_err(no_example(format!("parameter `{}`", param.name)))?,
        );
    }
    for params in [&operation.query_params, &operation.header_params] {
        let mut sorted: Vec<&Parameter> = params.iter().collect();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        for param in sorted {
            arguments.push(
                argument(document, param, param.required)
                    .map_err(no_example(format!("parameter `{}`", param.name)))?,
            );
        }
    }
    match &operation.request_body {
        Some(RequestBody::Json(schema) | RequestBody::Form(schema)) => {
            let example = example_instance(document, schema)
                .map_err(no_example("the request body".to_owned()))?;
            arguments.push(value_argument(document, schema, example));
        }
        Some(RequestBody::Bytes) => arguments.push(quote! { ::std::vec::Vec::<u8>::new() }),
        Some(RequestBody::Text) => arguments.push(quote! { ::std::string::String::new() }),
        None => {}
    }
    Ok(quote! { client.#method(#(#arguments),*) })
}

/// An argument expression of the form progenitor's method takes for `schema`: by value for
/// scalars and simple enums, `&str` for plain strings, a reference otherwise; `None` when optional.
fn argument(document: &Value, param: &Parameter, required: bool) -> Result<TokenStream, NoExample> {
    if !required {
        return Ok(quote! { None });
    }
    let example = match &param.example {
        Some(example) if fits(document, &param.schema, example) => example.clone(),
        _ => example_instance(document, &param.schema)?,
    };
    Ok(value_argument(document, &param.schema, example))
}

fn value_argument(document: &Value, schema: &Value, example: Value) -> TokenStream {
    let json = example.to_string();
    let value = quote! { example(::serde_json::from_str(#json).expect("example JSON")) };
    match passing(document, schema) {
        Passing::Str => {
            let text = example.as_str().unwrap_or("x").to_owned();
            quote! { #text }
        }
        Passing::Value => value,
        Passing::Reference => quote! { &#value },
    }
}

/// How typify passes a parameter of this schema (see `type_parameter_ident`).
enum Passing {
    Str,
    Value,
    Reference,
}

fn passing(document: &Value, schema: &Value) -> Passing {
    // The client replaces every named type with the types crate's, and progenitor passes a
    // replaced type by reference whatever it is.
    if schema.get("$ref").is_some() {
        return Passing::Reference;
    }
    let resolved = resolve::through_references(document, schema);
    if let Some(values) = resolved.get("enum").and_then(Value::as_array) {
        // An enum of strings is a fieldless Rust enum, passed by value.
        return if values.iter().all(Value::is_string) {
            Passing::Value
        } else {
            Passing::Reference
        };
    }
    match resolved.get("type").and_then(Value::as_str) {
        Some("integer" | "number" | "boolean") => Passing::Value,
        Some("string") if is_plain_string(resolved) && schema.get("$ref").is_none() => Passing::Str,
        _ => Passing::Reference,
    }
}

/// A string typify maps to `String` (no format it knows, no constraints that make a newtype).
fn is_plain_string(schema: &Value) -> bool {
    let typed_format = matches!(
        schema.get("format").and_then(Value::as_str),
        Some("uuid" | "date-time" | "date" | "ip" | "ipv4" | "ipv6")
    );
    !typed_format
        && ["pattern", "minLength", "maxLength"]
            .iter()
            .all(|k| schema.get(*k).is_none())
}
