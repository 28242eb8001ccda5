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
