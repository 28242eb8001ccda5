// The spec-independent part of every generated server-api crate: JSON bodies that may arrive
// pre-encoded, response helpers, UUID parameters in their one spec form, and the error type in
// the spec's shape. The generator emits this file's items verbatim into each server-api crate's
// `generated.rs` (so a workspace generated from any spec stands alone); the crate around it
// compiles, lints and tests it. Items the generated response enums call are private there, so
// here they are allowed to look unused.

/// A JSON response body: a value serialized when the response is sent, or bytes already
/// encoded from such a value (a cache, or a store that renders JSON itself).
#[derive(Clone, Debug)]
pub struct JsonBody<T>(JsonBodyRepr<T>);

#[derive(Clone, Debug)]
enum JsonBodyRepr<T> {
    Value(T),
    Document(::serde_json::Value),
    Encoded(::bytes::Bytes),
}

impl<T: ::serde::Serialize> JsonBody<T> {
    /// A body that serializes `value` when the response is sent.
    pub fn new(value: T) -> Self {
        Self(JsonBodyRepr::Value(value))
    }

    /// A body of JSON that is already the encoding of a `T`, sent as is.
    ///
    /// The caller vouches for the bytes; debug builds check that they decode as a `T`.
    pub fn from_encoded(json: impl ::std::convert::Into<::bytes::Bytes>) -> Self
    where
        T: ::serde::de::DeserializeOwned,
    {
        let json = json.into();
        debug_assert!(
            ::serde_json::from_slice::<T>(&json).is_ok(),
            "JsonBody::from_encoded: the bytes are not the JSON of the body type",
        );
        Self(JsonBodyRepr::Encoded(json))
    }

    /// A body of a JSON document that already has the shape of a `T`.
    ///
    /// The caller vouches for the shape; debug builds check that it decodes as a `T`.
    pub fn from_document(document: ::serde_json::Value) -> Self
    where
        T: ::serde::de::DeserializeOwned,
    {
        debug_assert!(
            ::serde_json::from_value::<T>(document.clone()).is_ok(),
            "JsonBody::from_document: the document does not have the body type's shape",
        );
        Self(JsonBodyRepr::Document(document))
    }

    /// Encodes `value` now, e.g. to keep the bytes in a cache and send them many times.
    pub fn encode(value: &T) -> ::std::result::Result<Self, ::serde_json::Error> {
        Ok(Self(JsonBodyRepr::Encoded(
            ::serde_json::to_vec(value)?.into(),
        )))
    }

    /// A body of `null`, whatever `T` is: what a [`DescribedResponse`] sends to show its status
    /// and headers. Never sent to a client.
    #[doc(hidden)]
    pub fn placeholder() -> Self {
        Self(JsonBodyRepr::Document(::serde_json::Value::Null))
    }

    /// The encoded bytes, when the body holds them.
    pub fn encoded(&self) -> ::std::option::Option<&::bytes::Bytes> {
        match &self.0 {
            JsonBodyRepr::Encoded(json) => Some(json),
            JsonBodyRepr::Value(_) | JsonBodyRepr::Document(_) => None,
        }
    }

    #[allow(dead_code, reason = "the generated response enums send their bodies with it")]
    fn into_response(
        self,
        status: ::http::StatusCode,
    ) -> ::std::result::Result<::http::Response<::dropshot::Body>, ::dropshot::HttpError> {
        let encoded = match self.0 {
            JsonBodyRepr::Encoded(json) => return json_response(status, json),
            JsonBodyRepr::Value(value) => ::serde_json::to_vec(&value),
            JsonBodyRepr::Document(document) => ::serde_json::to_vec(&document),
        };
        let json =
            encoded.map_err(|e| ::dropshot::HttpError::for_internal_error(e.to_string()))?;
        json_response(status, json.into())
    }
}

impl<T: ::serde::Serialize> ::std::convert::From<T> for JsonBody<T> {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

fn json_response(
    status: ::http::StatusCode,
    json: ::bytes::Bytes,
) -> ::std::result::Result<::http::Response<::dropshot::Body>, ::dropshot::HttpError> {
    ::http::Response::builder()
        .status(status)
        .header(::http::header::CONTENT_TYPE, ::dropshot::CONTENT_TYPE_JSON)
        .body(::dropshot::Body::from(json))
        .map_err(|e| ::dropshot::HttpError::for_internal_error(e.to_string()))
}

/// A body that is not JSON: bytes, sent with the media type the spec documents.
#[derive(Clone, Debug)]
pub struct RawBody(pub ::bytes::Bytes);

#[allow(dead_code, reason = "not every API uses every helper")]
fn raw_response(
    status: ::http::StatusCode,
    media_type: &'static str,
    body: RawBody,
) -> ::std::result::Result<::http::Response<::dropshot::Body>, ::dropshot::HttpError> {
    ::http::Response::builder()
        .status(status)
        .header(::http::header::CONTENT_TYPE, media_type)
        .body(::dropshot::Body::from(body.0))
        .map_err(|e| ::dropshot::HttpError::for_internal_error(e.to_string()))
}

#[allow(dead_code, reason = "not every API uses every helper")]
fn empty_response(
    status: ::http::StatusCode,
) -> ::std::result::Result<::http::Response<::dropshot::Body>, ::dropshot::HttpError> {
    ::http::Response::builder()
        .status(status)
        .body(::dropshot::Body::empty())
        .map_err(|e| ::dropshot::HttpError::for_internal_error(e.to_string()))
}

/// Adds the `WWW-Authenticate` challenge a 401 must carry (RFC 9110 section 11.6.1).
#[allow(dead_code, reason = "not every API uses every helper")]
fn with_challenge(
    response: ::std::result::Result<::http::Response<::dropshot::Body>, ::dropshot::HttpError>,
    challenge: &'static str,
) -> ::std::result::Result<::http::Response<::dropshot::Body>, ::dropshot::HttpError> {
    let mut response = response?;
    response.headers_mut().insert(
        ::http::header::WWW_AUTHENTICATE,
        ::http::HeaderValue::from_static(challenge),
    );
    Ok(response)
}

/// A request body the spec makes optional (`requestBody.required` is false): `None` when the
/// request carries none (no `Content-Length` and no `Transfer-Encoding`, or a length of 0),
/// otherwise what the body extractor `B` reads. Documented as `B` is, but not required.
#[derive(Debug)]
pub struct OptionalBody<B>(pub ::std::option::Option<B>);

impl<B> OptionalBody<B> {
    /// The body, if the request carried one.
    pub fn into_inner(self) -> ::std::option::Option<B> {
        self.0
    }
}

#[::async_trait::async_trait]
impl<B: ::dropshot::ExclusiveExtractor + 'static> ::dropshot::ExclusiveExtractor
    for OptionalBody<B>
{
    async fn from_request<Context: ::dropshot::ServerContext>(
        rqctx: &::dropshot::RequestContext<Context>,
        request: ::http::Request<::dropshot::Body>,
    ) -> ::std::result::Result<Self, ::dropshot::HttpError> {
        let headers = request.headers();
        let length = headers
            .get(::http::header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .map(str::trim);
        let chunked = headers.contains_key(::http::header::TRANSFER_ENCODING);
        if length == Some("0") || (length.is_none() && !chunked) {
            return Ok(Self(None));
        }
        B::from_request(rqctx, request).await.map(|body| Self(Some(body)))
    }

    fn metadata(
        content_type: ::dropshot::ApiEndpointBodyContentType,
    ) -> ::dropshot::ExtractorMetadata {
        let mut metadata = B::metadata(content_type);
        for parameter in &mut metadata.parameters {
            parameter.required = false;
        }
        metadata
    }
}

/// `format: uuid` parameters read only in the hyphenated form RFC 9562 writes and JSON
/// Schema's `uuid` format requires: `Uuid`'s own parser also takes 32 bare hex digits,
/// braces and `urn:uuid:`, which the spec does not allow (and a client could not rely on).
#[allow(dead_code, reason = "not every API has a uuid parameter")]
mod hyphenated_uuid {
    type Text<'de> = ::std::borrow::Cow<'de, str>;

    pub fn required<'de, D: ::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> ::std::result::Result<::uuid::Uuid, D::Error> {
        let text = <Text<'de> as ::serde::Deserialize>::deserialize(deserializer)?;
        parse(&text).map_err(<D::Error as ::serde::de::Error>::custom)
    }

    pub fn optional<'de, D: ::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> ::std::result::Result<::std::option::Option<::uuid::Uuid>, D::Error> {
        let text =
            <::std::option::Option<Text<'de>> as ::serde::Deserialize>::deserialize(deserializer)?;
        text.map(|text| parse(&text))
            .transpose()
            .map_err(<D::Error as ::serde::de::Error>::custom)
    }

    pub fn parse(text: &str) -> ::std::result::Result<::uuid::Uuid, ::std::string::String> {
        // Of the forms `Uuid` reads, only the hyphenated one has 36 characters.
        if text.len() != 36 {
            return Err(format!(
                "{text:?} is not a UUID in its hyphenated form (8-4-4-4-12 hex digits)"
            ));
        }
        ::uuid::Uuid::try_parse(text).map_err(|error| format!("{text:?} is not a UUID: {error}"))
    }
}

/// The shape of an error body: the type that documents it, and how a message fills it. The
/// generated crate implements it once per error body its operations use.
pub trait ErrorBodyShape: 'static {
    /// The type the body is documented as (and serializes like).
    type Body: ::schemars::JsonSchema;

    /// The body carrying `message`, as JSON.
    fn with_message(message: ::std::string::String) -> ::serde_json::Value;
}

/// An error response sent with the body `Shape` describes (the generated crate names each one,
/// e.g. `pub type ApiError = ApiErrorOf<ApiErrorShape>`).
///
/// Every `Err` an endpoint returns is sent with this body, and so are dropshot's own errors (a
/// malformed path parameter, a body that does not parse): clients always see the spec's error
/// shape. A documented response that needs headers, such as a 401 with its `WWW-Authenticate`
/// challenge, is a variant of the operation's response enum instead.
#[derive(Clone, Debug)]
pub struct ApiErrorOf<Shape> {
    status: ::dropshot::ErrorStatusCode,
    message: ::std::string::String,
    internal_message: ::std::option::Option<::std::string::String>,
    body: ::serde_json::Value,
    shape: ::std::marker::PhantomData<fn() -> Shape>,
}

impl<Shape: ErrorBodyShape> ApiErrorOf<Shape> {
    /// An error with `status` whose body carries `message`.
    pub fn new(
        status: ::dropshot::ErrorStatusCode,
        message: impl ::std::convert::Into<::std::string::String>,
    ) -> Self {
        let message = message.into();
        Self {
            status,
            body: Self::body_with_message(message.clone()),
            message,
            internal_message: None,
            shape: ::std::marker::PhantomData,
        }
    }

    /// The spec's error body carrying `message`, as JSON.
    pub fn body_with_message(message: ::std::string::String) -> ::serde_json::Value {
        Shape::with_message(message)
    }

    /// 400 Bad Request.
    pub fn bad_request(message: impl ::std::convert::Into<::std::string::String>) -> Self {
        Self::new(::dropshot::ErrorStatusCode::BAD_REQUEST, message)
    }

    /// 404 Not Found.
    pub fn not_found(message: impl ::std::convert::Into<::std::string::String>) -> Self {
        Self::new(::dropshot::ErrorStatusCode::NOT_FOUND, message)
    }

    /// 500 Internal Server Error; `internal` is logged, never sent.
    pub fn internal(internal: impl ::std::convert::Into<::std::string::String>) -> Self {
        Self::new(
            ::dropshot::ErrorStatusCode::INTERNAL_SERVER_ERROR,
            "internal error",
        )
        .with_internal_message(internal)
    }

    /// 503 Service Unavailable.
    pub fn unavailable(message: impl ::std::convert::Into<::std::string::String>) -> Self {
        Self::new(::dropshot::ErrorStatusCode::SERVICE_UNAVAILABLE, message)
    }

    /// The same error sent as it is (status, message, body) under this error type: how a
    /// dispatcher returns an error of an operation whose error body is another.
    pub fn from_other<Other>(other: ApiErrorOf<Other>) -> Self {
        Self {
            status: other.status,
            message: other.message,
            internal_message: other.internal_message,
            body: other.body,
            shape: ::std::marker::PhantomData,
        }
    }

    /// Adds detail for the server's log that the client never sees.
    pub fn with_internal_message(
        mut self,
        message: impl ::std::convert::Into<::std::string::String>,
    ) -> Self {
        self.internal_message = Some(message.into());
        self
    }

    /// The status the response is sent with.
    pub fn status(&self) -> ::dropshot::ErrorStatusCode {
        self.status
    }

    /// The message the body carries.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The body the response is sent with.
    pub fn body(&self) -> &::serde_json::Value {
        &self.body
    }
}

impl<Shape: ErrorBodyShape> ::std::convert::From<::dropshot::HttpError> for ApiErrorOf<Shape> {
    fn from(error: ::dropshot::HttpError) -> Self {
        Self::new(error.status_code, error.external_message)
            .with_internal_message(error.internal_message)
    }
}

impl<Shape> ::std::fmt::Display for ApiErrorOf<Shape> {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match &self.internal_message {
            Some(internal) if *internal != self.message => {
                write!(
                    f,
                    "{}: {} ({})",
                    self.status.as_u16(),
                    self.message,
                    internal
                )
            }
            _ => write!(f, "{}: {}", self.status.as_u16(), self.message),
        }
    }
}

impl<Shape: ::std::fmt::Debug> ::std::error::Error for ApiErrorOf<Shape> {}

impl<Shape: ErrorBodyShape> ::dropshot::HttpResponseError for ApiErrorOf<Shape> {
    fn status_code(&self) -> ::dropshot::ErrorStatusCode {
        self.status
    }
}

impl<Shape> ::serde::Serialize for ApiErrorOf<Shape> {
    fn serialize<S: ::serde::Serializer>(
        &self,
        serializer: S,
    ) -> ::std::result::Result<S::Ok, S::Error> {
        self.body.serialize(serializer)
    }
}

/// Documented as the spec's error body, which is exactly what it serializes to.
impl<Shape: ErrorBodyShape> ::schemars::JsonSchema for ApiErrorOf<Shape> {
    fn schema_name() -> ::std::string::String {
        <Shape::Body as ::schemars::JsonSchema>::schema_name()
    }

    fn is_referenceable() -> bool {
        <Shape::Body as ::schemars::JsonSchema>::is_referenceable()
    }

    fn schema_id() -> ::std::borrow::Cow<'static, str> {
        <Shape::Body as ::schemars::JsonSchema>::schema_id()
    }

    fn json_schema(
        generator: &mut ::schemars::r#gen::SchemaGenerator,
    ) -> ::schemars::schema::Schema {
        <Shape::Body as ::schemars::JsonSchema>::json_schema(generator)
    }
}

/// One variant of an operation's response enum as conformance tests read it. The generator
/// writes it beside the variant it describes; [`described_document`] checks it by sending the
/// variant, so what the document says is what the enum sends.
#[derive(Clone, Copy, Debug)]
pub struct DescribedResponse {
    /// The response key as the spec writes it: `200`, `4XX`, `default`.
    pub status: &'static str,
    /// What its body is.
    pub body: DescribedBody,
    /// Sends the variant with a placeholder body; a variant that carries its status (a range or
    /// `default`) is sent with the given one.
    pub send: fn(
        ::http::StatusCode,
    )
        -> ::std::result::Result<::http::Response<::dropshot::Body>, ::dropshot::HttpError>,
}

/// A described response's body.
#[derive(Clone, Copy, Debug)]
pub enum DescribedBody {
    /// No content.
    Empty,
    /// JSON of the variant's payload type, as schemars documents it.
    Json(fn(&mut ::schemars::r#gen::SchemaGenerator) -> ::schemars::schema::Schema),
    /// Bytes of this media type.
    Raw(&'static str),
}

/// An operation as the generated server code serves it.
#[derive(Clone, Debug)]
pub struct DescribedOperation {
    /// The operation id.
    pub operation_id: &'static str,
    /// The method, uppercase.
    pub method: &'static str,
    /// The path template.
    pub path: &'static str,
    /// The `WWW-Authenticate` challenge of its security, if any.
    pub challenge: ::std::option::Option<&'static str>,
    /// Whether its body extractor requires a body (`None` without a body), as the extractor
    /// itself documents it.
    pub request_body_required: ::std::option::Option<bool>,
    /// Every variant of its response enum.
    pub responses: ::std::vec::Vec<DescribedResponse>,
}

/// Whether the body extractor `B` requires a body, as its own metadata says.
pub fn body_required<B: ::dropshot::ExclusiveExtractor>() -> bool {
    B::metadata(::dropshot::ApiEndpointBodyContentType::Json)
        .parameters
        .iter()
        .any(|parameter| parameter.required)
}

/// The operations as an OpenAPI document of what their response enums send: each variant is
/// sent, and listed under the status it was sent with (its described key when the status falls
/// under it), with the media type and `WWW-Authenticate` challenge (`x-challenge`) it was sent
/// with and its payload's schema (components as dropshot documents them, under
/// `components/schemas`). The operation's challenge is its `x-challenge`.
pub fn described_document(operations: &[DescribedOperation]) -> ::serde_json::Value {
    use ::serde_json::{Map, Value, json};
    let mut generator =
        ::schemars::r#gen::SchemaGenerator::new(::schemars::r#gen::SchemaSettings::openapi3());
    let mut paths = Map::new();
    for operation in operations {
        let mut responses = Map::new();
        for response in &operation.responses {
            let (key, described) = described_response(response, &mut generator);
            responses.insert(key, described);
        }
        let item = paths
            .entry(operation.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        let mut described = json!({
            "operationId": operation.operation_id,
            "x-challenge": operation.challenge,
            "responses": responses,
        });
        if let Some(required) = operation.request_body_required {
            described["requestBody"] = json!({ "required": required });
        }
        item[operation.method.to_ascii_lowercase()] = described;
    }
    let schemas: Map<String, Value> = generator
        .definitions()
        .iter()
        .map(|(name, schema)| {
            let schema = ::serde_json::to_value(schema).unwrap_or(Value::Null);
            (name.clone(), schema)
        })
        .collect();
    json!({ "paths": paths, "components": { "schemas": schemas } })
}

/// One response of [`described_document`]: its key and its object.
fn described_response(
    response: &DescribedResponse,
    generator: &mut ::schemars::r#gen::SchemaGenerator,
) -> (::std::string::String, ::serde_json::Value) {
    use ::serde_json::{Map, Value, json};
    let probe = probe_status(response.status);
    let sent = match (response.send)(probe) {
        Ok(sent) => sent,
        Err(error) => {
            let key = response.status.to_owned();
            return (key, json!({ "x-send-error": error.internal_message }));
        }
    };
    let status = sent.status();
    let key = if status == probe {
        response.status.to_owned()
    } else {
        status.as_u16().to_string()
    };
    let header = |name: ::http::header::HeaderName| {
        sent.headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let mut content = Map::new();
    if let Some(media_type) = header(::http::header::CONTENT_TYPE) {
        let schema = match response.body {
            DescribedBody::Json(schema) => ::serde_json::to_value(schema(generator))
                .unwrap_or(Value::Null),
            DescribedBody::Raw(_) | DescribedBody::Empty => Value::Bool(true),
        };
        content.insert(media_type, json!({ "schema": schema }));
    }
    let mut described = json!({ "x-challenge": header(::http::header::WWW_AUTHENTICATE) });
    if !content.is_empty() {
        described["content"] = Value::Object(content);
    }
    (key, described)
}

/// The status a described response is sent with: its own code, the first of its range, or
/// (for `default`) 500.
fn probe_status(status: &str) -> ::http::StatusCode {
    let code = match status.as_bytes() {
        [digit @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] => u16::from(digit - b'0') * 100,
        _ => status.parse().unwrap_or(500),
    };
    ::http::StatusCode::from_u16(code).unwrap_or(::http::StatusCode::INTERNAL_SERVER_ERROR)
}
