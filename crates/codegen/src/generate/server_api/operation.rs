//! One operation's part of the server-api crate: its parameter structs, its response enum (with
//! the `dropshot::HttpResponse` impl that documents the success response) and its trait method.

use anyhow::{Context as _, bail};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::error_body::ErrorBody;
use super::model::{Operation, Parameter, RequestBody, Response, ResponseBody, Status};
use super::rust_types::rust_type;

/// What one operation contributes to the generated file.
pub struct OperationItems {
    /// Structs, the response enum and its impls.
    pub items: TokenStream,
    /// The `#[endpoint]` method of the trait (a plain method for an operation a dispatcher
    /// serves).
    pub trait_method: TokenStream,
    /// For an operation a dispatcher serves: a free `#[dropshot::endpoint]` function of the same
    /// signature that documents it (dropshot's router cannot hold its route beside the
    /// dispatcher's, so the trait's description cannot).
    pub documentation_endpoint: Option<TokenStream>,
    /// The method's signature, for code that implements the trait (the conformance stub).
    pub signature: EndpointSignature,
}

/// One extractor argument of an endpoint method, e.g. `path: ::dropshot::Path<ListRunGoldLabelsPath>`.
#[derive(Debug, Clone)]
pub struct EndpointArgument {
    /// The argument's name.
    pub name: proc_macro2::Ident,
    /// The extractor, e.g. `::dropshot::Path`.
    pub extractor: TokenStream,
    /// Whether `extractor` names an item of the server-api crate itself (`OptionalBody`).
    pub local_extractor: bool,
    /// What it extracts: a struct of the server-api crate (`local`), or a full type path.
    pub inner: TokenStream,
    /// Whether `inner` names an item of the server-api crate itself.
    pub local: bool,
}

impl EndpointArgument {
    /// The argument's type; local items are prefixed with `crate_path` when given.
    pub fn ty(&self, crate_path: Option<&TokenStream>) -> TokenStream {
        let EndpointArgument {
            extractor, inner, ..
        } = self;
        let local = |item: &TokenStream, is_local: bool| match crate_path {
            Some(prefix) if is_local => quote! { #prefix::#item },
            _ => item.clone(),
        };
        let (extractor, inner) = (
            local(extractor, self.local_extractor),
            local(inner, self.local),
        );
        quote! { #extractor<#inner> }
    }
}

/// An endpoint method's name, extractor arguments and response enum.
#[derive(Debug, Clone)]
pub struct EndpointSignature {
    /// The method, e.g. `list_run_gold_labels`.
    pub method: proc_macro2::Ident,
    /// The extractor arguments after `rqctx`.
    pub arguments: Vec<EndpointArgument>,
    /// The response enum, e.g. `ListRunGoldLabelsResponse`; `None` for a WebSocket channel.
    pub response: Option<proc_macro2::Ident>,
    /// The error type, e.g. `ApiError`.
    pub error: proc_macro2::Ident,
}

/// Generates the items of `op`.
pub fn operation_items(
    op: &Operation,
    types_path: &str,
    error: &ErrorBody,
    dispatched: bool,
) -> anyhow::Result<OperationItems> {
    let mut items = TokenStream::new();
    let mut arguments = Vec::new();
    let path_extractor = (&op.path_params, "Path", quote! { ::dropshot::Path }, "path");
    let query_extractor = (
        &op.query_params,
        "Query",
        quote! { ::dropshot::Query },
        "query",
    );
    // A channel takes its query before its path (dropshot's channel signature).
    let (first, second) = if op.websocket {
        (query_extractor, path_extractor)
    } else {
        (path_extractor, query_extractor)
    };
    for (params, suffix, extractor, argument) in [
        first,
        second,
        (
            &op.header_params,
            "Headers",
            quote! { ::dropshot::Header },
            "headers",
        ),
    ] {
        if params.is_empty() {
            continue;
        }
        let name = format_ident!("{}{suffix}", op.type_prefix);
        let doc = format!(
            " {suffix} parameters of `{}` (`{} {}`).",
            op.operation_id, op.http_method, op.path
        );
        items.extend(parameter_struct(&name, &doc, params, types_path)?);
        arguments.push(EndpointArgument {
            name: format_ident!("{argument}"),
            extractor,
            local_extractor: false,
            inner: quote! { #name },
            local: true,
        });
    }
    let mut content_type = None;
    let body_extractor = match &op.request_body {
        Some(RequestBody::Json(schema) | RequestBody::Form(schema)) => {
            let ty = rust_type(schema, types_path).context("request body")?;
            if matches!(op.request_body, Some(RequestBody::Form(_))) {
                content_type = Some("application/x-www-form-urlencoded");
            }
            Some((quote! { ::dropshot::TypedBody }, ty))
        }
        Some(RequestBody::Bytes | RequestBody::Text) => {
            Some((quote! { ::dropshot::UntypedBody }, TokenStream::new()))
        }
        None => None,
    };
    if let Some((extractor, inner)) = body_extractor {
        let untyped = inner.is_empty();
        let argument = match (op.request_body_required, untyped) {
            (true, _) => EndpointArgument {
                name: format_ident!("body"),
                extractor,
                local_extractor: false,
                inner,
                local: false,
            },
            // A body the spec makes optional: absent is `None`, and the body is documented as
            // not required.
            (false, false) => EndpointArgument {
                name: format_ident!("body"),
                extractor: quote! { OptionalBody },
                local_extractor: true,
                inner: quote! { #extractor<#inner> },
                local: false,
            },
            (false, true) => EndpointArgument {
                name: format_ident!("body"),
                extractor: quote! { OptionalBody },
                local_extractor: true,
                inner: extractor,
                local: false,
            },
        };
        arguments.push(argument);
    }
    if op.websocket {
        return Ok(channel_items(op, items, arguments));
    }
    let response = format_ident!("{}Response", op.type_prefix);
    items.extend(response_enum(op, &response, types_path, error)?);

    let method = format_ident!("{}", op.method_name);
    let http_method = format_ident!("{}", op.http_method);
    let path = &op.path;
    let operation_id = &op.operation_id;
    let tags = &op.tags;
    let tags = (!tags.is_empty()).then(|| quote! { tags = [#(#tags),*], });
    let deprecated = op.deprecated.then(|| quote! { deprecated = true, });
    let content_type = content_type.map(|media_type| quote! { content_type = #media_type, });
    let doc = endpoint_documentation(op);
    let error_type = &error.rust_name;
    let declared = arguments.iter().map(|argument| {
        let (name, ty) = (&argument.name, argument.ty(None));
        quote! { #name: #ty }
    });
    let endpoint = quote! {
        #[endpoint {
            method = #http_method,
            path = #path,
            operation_id = #operation_id,
            #tags
            #deprecated
            #content_type
        }]
    };
    let (trait_method, documentation_endpoint) = if dispatched {
        let served = format!(
            " Served through the dispatcher of `{} {}` (dropshot's router holds a literal \
             segment or a variable at one position, not both; the literal route wins).",
            op.http_method, op.route.pattern
        );
        let documented = arguments.iter().map(|argument| {
            let name = format_ident!("_{}", argument.name);
            let ty = argument.ty(Some(&quote! { super }));
            quote! { #name: #ty }
        });
        let message = format!("`{method}` is documented here and served by the trait");
        (
            quote! {
                #(#[doc = #doc])*
                #[doc = ""]
                #[doc = #served]
                fn #method(
                    rqctx: ::dropshot::RequestContext<Self::Context>,
                    #(#declared),*
                ) -> impl ::std::future::Future<
                    Output = ::std::result::Result<#response, #error_type>,
                > + Send + 'static;
            },
            Some(quote! {
                #(#[doc = #doc])*
                #[::dropshot::endpoint {
                    method = #http_method,
                    path = #path,
                    operation_id = #operation_id,
                    #tags
                    #deprecated
                    #content_type
                }]
                pub async fn #method(
                    _rqctx: ::dropshot::RequestContext<()>,
                    #(#documented),*
                ) -> ::std::result::Result<super::#response, super::#error_type> {
                    Err(super::#error_type::new(::dropshot::ErrorStatusCode::NOT_IMPLEMENTED, #message))
                }
            }),
        )
    } else {
        (
            quote! {
                #(#[doc = #doc])*
                #endpoint
                async fn #method(
                    rqctx: ::dropshot::RequestContext<Self::Context>,
                    #(#declared),*
                ) -> ::std::result::Result<#response, #error_type>;
            },
            None,
        )
    };
    Ok(OperationItems {
        items,
        trait_method,
        documentation_endpoint,
        signature: EndpointSignature {
            method,
            arguments,
            response: Some(response),
            error: error.rust_name.clone(),
        },
    })
}

/// A WebSocket operation as a dropshot channel: the upgrade is dropshot's, the conversation the
/// implementation's.
fn channel_items(
    op: &Operation,
    items: TokenStream,
    arguments: Vec<EndpointArgument>,
) -> OperationItems {
    let method = format_ident!("{}", op.method_name);
    let path = &op.path;
    let operation_id = &op.operation_id;
    let tags = &op.tags;
    let tags = (!tags.is_empty()).then(|| quote! { tags = [#(#tags),*], });
    let deprecated = op.deprecated.then(|| quote! { deprecated = true, });
    let doc = endpoint_documentation(op);
    let declared = arguments.iter().map(|argument| {
        let (name, ty) = (&argument.name, argument.ty(None));
        quote! { #name: #ty }
    });
    let trait_method = quote! {
        #(#[doc = #doc])*
        #[channel {
            protocol = WEBSOCKETS,
            path = #path,
            operation_id = #operation_id,
            #tags
            #deprecated
        }]
        async fn #method(
            rqctx: ::dropshot::RequestContext<Self::Context>,
            #(#declared,)*
            upgraded: ::dropshot::WebsocketConnection,
        ) -> ::dropshot::WebsocketChannelResult;
    };
    OperationItems {
        items,
        trait_method,
        documentation_endpoint: None,
        signature: EndpointSignature {
            method,
            arguments,
            response: None,
            error: format_ident!("ApiError"),
        },
    }
}

/// dropshot reads the first doc line as the summary and the rest as the description.
fn endpoint_documentation(op: &Operation) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    if let Some(summary) = &op.summary {
        lines.extend(summary.lines().map(|line| format!(" {line}")));
    }
    if let Some(description) = &op.description {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(description.lines().map(|line| format!(" {line}")));
    }
    lines
}

fn parameter_struct(
    name: &proc_macro2::Ident,
    doc: &str,
    params: &[Parameter],
    types_path: &str,
) -> anyhow::Result<TokenStream> {
    let fields = params
        .iter()
        .map(|param| {
            let value_ty = rust_type(&param.schema, types_path)
                .with_context(|| format!("parameter `{}`", param.name))?;
            let strict_uuid = hyphenated_uuid_attribute(&value_ty, param.required);
            let (ty, optional) = if param.required {
                (value_ty, None)
            } else {
                let optional = optional_parameter_attributes(&param.schema, &value_ty)
                    .with_context(|| format!("parameter `{}`", param.name))?;
                (quote! { ::std::option::Option<#value_ty> }, Some(optional))
            };
            let field = format_ident!("{}", param.field);
            let rename = (param.field != param.name).then(|| {
                let wire = &param.name;
                quote! { #[serde(rename = #wire)] }
            });
            let doc = param.description.as_ref().map(|d| {
                let lines = d.lines().map(|line| format!(" {line}"));
                quote! { #(#[doc = #lines])* }
            });
            Ok(quote! {
                #doc
                #rename
                #optional
                #strict_uuid
                pub #field: #ty,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, ::serde::Deserialize, ::serde::Serialize, ::schemars::JsonSchema)]
        pub struct #name {
            #(#fields)*
        }
    })
}

/// The attribute that reads a `format: uuid` parameter only in its hyphenated form, for a
/// parameter whose value is of type `ty` (`None` for any other type). See `hyphenated_uuid` in
/// the runtime.
fn hyphenated_uuid_attribute(ty: &TokenStream, required: bool) -> Option<TokenStream> {
    if ty.to_string() != quote!(::uuid::Uuid).to_string() {
        return None;
    }
    Some(if required {
        quote! { #[serde(deserialize_with = "hyphenated_uuid::required")] }
    } else {
        quote! { #[serde(deserialize_with = "hyphenated_uuid::optional")] }
    })
}

/// The attributes of an optional parameter whose value is of type `ty`: absent is `None`
/// (`default`), and unless the spec makes it nullable, schemars documents it as `ty`, not as a
/// nullable `Option` (the `default` keeps it not required).
fn optional_parameter_attributes(
    schema: &serde_json::Value,
    ty: &TokenStream,
) -> anyhow::Result<TokenStream> {
    if schema.get("nullable") == Some(&serde_json::Value::Bool(true)) {
        return Ok(quote! { #[serde(default)] });
    }
    let spelled: String = ty
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if syn::parse_str::<syn::Type>(&spelled).is_err() {
        bail!("`{ty}` does not spell a type without its spaces");
    }
    Ok(quote! {
        #[serde(default)]
        #[schemars(with = #spelled)]
    })
}

/// How a response's status is spelled in Rust.
struct StatusSpelling {
    variant: proc_macro2::Ident,
    /// An expression of type `http::StatusCode`, or `None` when the variant carries it.
    constant: Option<TokenStream>,
}

fn status_spelling(status: Status) -> StatusSpelling {
    match status {
        Status::Code(code) => match well_known_status(code) {
            Some(constant) => StatusSpelling {
                variant: format_ident!(
                    "{}",
                    refactor_openapi::naming::type_name(&constant.to_ascii_lowercase())
                ),
                constant: Some({
                    let constant = format_ident!("{constant}");
                    quote! { ::http::StatusCode::#constant }
                }),
            },
            None => StatusSpelling {
                variant: format_ident!("Status{code}"),
                constant: Some({
                    let code = Literal::u16_unsuffixed(code);
                    quote! { ::http::StatusCode::from_u16(#code).unwrap_or(::http::StatusCode::INTERNAL_SERVER_ERROR) }
                }),
            },
        },
        Status::Range(digit) => StatusSpelling {
            variant: format_ident!("Status{digit}xx"),
            constant: None,
        },
        Status::Default => StatusSpelling {
            variant: format_ident!("Default"),
            constant: None,
        },
    }
}

/// `http::StatusCode`'s constant for the codes APIs commonly document.
fn well_known_status(code: u16) -> Option<&'static str> {
    Some(match code {
        200 => "OK",
        201 => "CREATED",
        202 => "ACCEPTED",
        203 => "NON_AUTHORITATIVE_INFORMATION",
        204 => "NO_CONTENT",
        205 => "RESET_CONTENT",
        206 => "PARTIAL_CONTENT",
        300 => "MULTIPLE_CHOICES",
        301 => "MOVED_PERMANENTLY",
        302 => "FOUND",
        303 => "SEE_OTHER",
        304 => "NOT_MODIFIED",
        307 => "TEMPORARY_REDIRECT",
        308 => "PERMANENT_REDIRECT",
        400 => "BAD_REQUEST",
        401 => "UNAUTHORIZED",
        402 => "PAYMENT_REQUIRED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        406 => "NOT_ACCEPTABLE",
        408 => "REQUEST_TIMEOUT",
        409 => "CONFLICT",
        410 => "GONE",
        411 => "LENGTH_REQUIRED",
        412 => "PRECONDITION_FAILED",
        413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        416 => "RANGE_NOT_SATISFIABLE",
        422 => "UNPROCESSABLE_ENTITY",
        423 => "LOCKED",
        428 => "PRECONDITION_REQUIRED",
        429 => "TOO_MANY_REQUESTS",
        500 => "INTERNAL_SERVER_ERROR",
        501 => "NOT_IMPLEMENTED",
        502 => "BAD_GATEWAY",
        503 => "SERVICE_UNAVAILABLE",
        504 => "GATEWAY_TIMEOUT",
        _ => return None,
    })
}

/// The operation's response enum and its `dropshot::HttpResponse` implementation.
fn response_enum(
    op: &Operation,
    name: &proc_macro2::Ident,
    types_path: &str,
    error: &ErrorBody,
) -> anyhow::Result<TokenStream> {
    // The first response that is not an error documents the endpoint (a 303 of a login counts).
    let Some(success) = op
        .responses
        .iter()
        .find(|r| !r.status.is_error() && r.status != Status::Default)
        .or_else(|| op.responses.iter().find(|r| r.status == Status::Default))
    else {
        bail!("`{}` documents no success response", op.operation_id);
    };
    let mut variants = Vec::new();
    let mut to_result_arms = Vec::new();
    let mut status_arms = Vec::new();
    let mut constructors = Vec::new();
    let mut described = Vec::new();
    for response in &op.responses {
        let StatusSpelling { variant, constant } = status_spelling(response.status);
        let payload = match &response.body {
            ResponseBody::Json(schema) => {
                let ty = rust_type(schema, types_path)
                    .with_context(|| format!("response {:?}", response.status))?;
                Some(quote! { JsonBody<#ty> })
            }
            ResponseBody::Raw(_) => Some(quote! { RawBody }),
            ResponseBody::Empty => None,
        };
        let challenge = (response.status == Status::Code(401))
            .then_some(())
            .and(op.challenge.as_deref());
        variants.push(variant_declaration(
            response,
            &variant,
            constant.is_none(),
            payload.as_ref(),
            challenge,
        ));

        let status = constant.clone().unwrap_or_else(|| quote! { status });
        let send = match &response.body {
            ResponseBody::Json(_) => quote! { body.into_response(#status) },
            ResponseBody::Raw(media_type) => quote! { raw_response(#status, #media_type, body) },
            ResponseBody::Empty => quote! { empty_response(#status) },
        };
        let send = match challenge {
            Some(challenge) => quote! { with_challenge(#send, #challenge) },
            None => send,
        };
        let pattern = match (constant.is_some(), payload.is_some()) {
            (true, true) => quote! { Self::#variant(body) },
            (true, false) => quote! { Self::#variant },
            (false, true) => quote! { Self::#variant(status, body) },
            (false, false) => quote! { Self::#variant(status) },
        };
        to_result_arms.push(quote! { #pattern => #send, });
        let status_pattern = match (constant.is_some(), payload.is_some()) {
            (true, true) => quote! { Self::#variant(_) },
            (true, false) => quote! { Self::#variant },
            (false, true) => quote! { Self::#variant(status, _) },
            (false, false) => quote! { Self::#variant(status) },
        };
        let status_value = constant.clone().unwrap_or_else(|| quote! { *status });
        status_arms.push(quote! { #status_pattern => #status_value, });
        described.push(described_response(
            response,
            &variant,
            constant.is_some(),
            types_path,
        )?);

        let carries_error_body =
            response.status.is_error() && response.body.json_schema() == Some(&error.schema);
        if carries_error_body && constant.is_some() {
            let error_type = &error.rust_name;
            let function = format_ident!(
                "{}",
                refactor_openapi::naming::field_name(&variant.to_string())
            );
            let doc = format!(
                " A `{}` response whose error body carries `message`.",
                status_text(response.status)
            );
            constructors.push(quote! {
                #[doc = #doc]
                pub fn #function(message: impl ::std::convert::Into<::std::string::String>) -> Self {
                    Self::#variant(JsonBody::from_document(#error_type::body_with_message(message.into())))
                }
            });
        }
    }
    let metadata = success_metadata(success, types_path)?;
    let doc = format!(
        " Every response of `{}` (`{} {}`) that the spec documents.",
        op.operation_id, op.http_method, op.path
    );
    let described_doc = " How each variant is sent (status, body, headers), for conformance \
                         tests: see [`DescribedResponse`].";
    let constructors = quote! {
        impl #name {
            #(#constructors)*

            #[doc = #described_doc]
            #[doc(hidden)]
            pub fn described_responses() -> ::std::vec::Vec<DescribedResponse> {
                ::std::vec![#(#described),*]
            }
        }
    };
    Ok(quote! {
        #[doc = #doc]
        ///
        /// The success variant documents the endpoint's response in the API description; the
        /// others are sent with the status and body the spec describes.
        #[derive(Debug)]
        pub enum #name {
            #(#variants)*
        }

        #constructors

        impl ::dropshot::HttpResponse for #name {
            fn to_result(self) -> ::std::result::Result<::http::Response<::dropshot::Body>, ::dropshot::HttpError> {
                match self {
                    #(#to_result_arms)*
                }
            }

            fn response_metadata() -> ::dropshot::ApiEndpointResponse {
                #metadata
            }

            fn status_code(&self) -> ::http::StatusCode {
                match self {
                    #(#status_arms)*
                }
            }
        }
    })
}

/// The [`DescribedResponse`] of one variant: its spec status, its body, and how to send it with a
/// placeholder payload.
fn described_response(
    response: &Response,
    variant: &proc_macro2::Ident,
    fixed_status: bool,
    types_path: &str,
) -> anyhow::Result<TokenStream> {
    let status = status_text(response.status);
    let (body, payload) = match &response.body {
        ResponseBody::Json(schema) => {
            let ty = rust_type(schema, types_path).with_context(|| format!("response {status}"))?;
            (
                quote! { DescribedBody::Json(|generator| generator.subschema_for::<#ty>()) },
                Some(quote! { JsonBody::placeholder() }),
            )
        }
        ResponseBody::Raw(media_type) => (
            quote! { DescribedBody::Raw(#media_type) },
            Some(quote! { RawBody(::bytes::Bytes::new()) }),
        ),
        ResponseBody::Empty => (quote! { DescribedBody::Empty }, None),
    };
    let value = match (fixed_status, payload) {
        (true, Some(payload)) => quote! { Self::#variant(#payload) },
        (true, None) => quote! { Self::#variant },
        (false, Some(payload)) => quote! { Self::#variant(status, #payload) },
        (false, None) => quote! { Self::#variant(status) },
    };
    let ignore = fixed_status.then(|| quote! { let _ = status; });
    Ok(quote! {
        DescribedResponse {
            status: #status,
            body: #body,
            send: |status| {
                #ignore
                ::dropshot::HttpResponse::to_result(#value)
            },
        }
    })
}

fn status_text(status: Status) -> String {
    match status {
        Status::Code(code) => code.to_string(),
        Status::Range(digit) => format!("{digit}XX"),
        Status::Default => "default".to_owned(),
    }
}

fn variant_declaration(
    response: &Response,
    variant: &proc_macro2::Ident,
    carries_status: bool,
    payload: Option<&TokenStream>,
    challenge: Option<&str>,
) -> TokenStream {
    let mut doc = vec![format!(
        " `{}`: {}",
        status_text(response.status),
        response.description.trim()
    )];
    if let Some(challenge) = challenge {
        doc.push(String::new());
        doc.push(format!(
            " Sent with `WWW-Authenticate: {challenge}` (RFC 9110 section 11.6.1), as the \
             operation's security scheme requires."
        ));
    }
    let fields = match (carries_status, payload) {
        (false, Some(payload)) => quote! { (#payload) },
        (false, None) => quote! {},
        (true, Some(payload)) => quote! { (::http::StatusCode, #payload) },
        (true, None) => quote! { (::http::StatusCode) },
    };
    quote! {
        #(#[doc = #doc])*
        #variant #fields,
    }
}

/// The success response as dropshot documents it: taken from dropshot's own typed response, so
/// the schema is generated exactly as for `HttpResponseOk<T>`, then given the spec's status and
/// description.
fn success_metadata(success: &Response, types_path: &str) -> anyhow::Result<TokenStream> {
    let base = match &success.body {
        ResponseBody::Json(schema) => {
            let ty = rust_type(schema, types_path)?;
            quote! { <::dropshot::HttpResponseOk<#ty> as ::dropshot::HttpResponse>::response_metadata() }
        }
        ResponseBody::Raw(_) => quote! {
            <::dropshot::HttpResponseOk<::dropshot::FreeformBody> as ::dropshot::HttpResponse>::response_metadata()
        },
        ResponseBody::Empty => quote! {
            <::dropshot::HttpResponseUpdatedNoContent as ::dropshot::HttpResponse>::response_metadata()
        },
    };
    let status = match success.status {
        Status::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote! { ::http::StatusCode::from_u16(#code).ok() }
        }
        Status::Range(_) | Status::Default => quote! { ::std::option::Option::None },
    };
    let description = &success.description;
    Ok(quote! {
        let mut metadata = #base;
        metadata.success = #status;
        metadata.description = Some(#description.to_owned());
        metadata
    })
}
