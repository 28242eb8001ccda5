//! The round trip: the generated client calls a running implementation, and every raw response
//! body is validated against the spec's own schema. Any implementation of the trait can be put
//! through it (the in-memory one here, the real server in its own tests).

use refactor_client::{Client, Error};
use serde_json::Value;
use uuid::Uuid;

use crate::spec::ResponseSchemas;

/// The spec's path template of the operation under test.
pub const PATH: &str = "/v1/run/{id}/gold-labels";

/// A running server and what it is known to hold.
pub struct Target {
    /// e.g. `http://127.0.0.1:41234`.
    pub base_url: String,
    /// A token the server accepts.
    pub token: String,
    /// Validators from the spec.
    pub schemas: ResponseSchemas,
}

/// A raw response: status, headers, body.
pub struct RawResponse {
    /// The status.
    pub status: u16,
    /// The headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body, parsed as JSON.
    pub body: Value,
}

impl Target {
    /// A target for `base_url`, authenticating with `token`.
    pub fn new(base_url: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            token: token.into(),
            schemas: ResponseSchemas::from_spec(),
        }
    }

    /// The generated client with the target's token.
    pub fn client(&self) -> Client {
        self.client_with(&self.token)
    }

    /// The generated client with another token.
    pub fn client_with(&self, token: &str) -> Client {
        Client::with_bearer_token(&self.base_url, token)
            .unwrap_or_else(|error| panic!("client: {error}"))
    }

    /// A raw `GET` of the labels of `run` (any string, to send malformed ids too).
    pub async fn raw_get(&self, run: &str, authorization: Option<&str>) -> RawResponse {
        let url = format!("{}{}", self.base_url, PATH.replace("{id}", run));
        let mut request = reqwest::Client::new().get(url);
        if let Some(authorization) = authorization {
            request = request.header(reqwest::header::AUTHORIZATION, authorization);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|error| panic!("request failed: {error}"));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response
            .bytes()
            .await
            .unwrap_or_else(|error| panic!("body: {error}"));
        let body = serde_json::from_slice(&bytes).unwrap_or_else(|error| {
            panic!(
                "body is not JSON ({error}): {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        RawResponse {
            status,
            headers,
            body,
        }
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    /// `run` lists exactly `expected` (JSON in the spec's shape, in order), raw and through the client.
    pub async fn assert_lists(&self, run: Uuid, expected: &[Value]) {
        let raw = self.raw_get(&run.to_string(), Some(&self.bearer())).await;
        assert_eq!(raw.status, 200, "raw body: {}", raw.body);
        self.assert_valid("200", &raw.body);
        assert_eq!(
            raw.body,
            Value::Array(expected.to_vec()),
            "the raw body is the stored labels"
        );

        let labels = self
            .client()
            .list_run_gold_labels(&run)
            .await
            .unwrap_or_else(|error| panic!("client: {error}"));
        assert_eq!(labels.status().as_u16(), 200);
        let decoded =
            serde_json::to_value(labels.into_inner()).unwrap_or_else(|error| panic!("{error}"));
        // Decoded and encoded again, each label is what the server sent: a `null` property
        // stays `null`, an absent one stays absent.
        assert_eq!(
            decoded,
            Value::Array(expected.to_vec()),
            "the client decodes exactly what was stored"
        );
    }

    /// Without a valid token (`authorization` as sent, or none): 401, a challenge, the spec's body.
    pub async fn assert_unauthorized(&self, run: Uuid, authorization: Option<&str>) {
        let raw = self.raw_get(&run.to_string(), authorization).await;
        assert_eq!(raw.status, 401, "raw body: {}", raw.body);
        let challenge = raw
            .headers
            .get(reqwest::header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok());
        assert!(
            challenge.is_some_and(|c| c.starts_with("Bearer")),
            "WWW-Authenticate: {challenge:?}"
        );
        self.assert_valid("401", &raw.body);
        assert!(
            raw.body["error"].is_string(),
            "the body says why: {}",
            raw.body
        );

        let token = authorization
            .and_then(|a| a.strip_prefix("Bearer "))
            .unwrap_or("");
        let client = if token.is_empty() {
            Client::new(&self.base_url)
        } else {
            self.client_with(token)
        };
        self.assert_client_error(client.list_run_gold_labels(&run).await, 401);
    }

    /// `run` is not visible with the target's token: 404 with the spec's body, no data.
    pub async fn assert_not_found(&self, run: Uuid) {
        let raw = self.raw_get(&run.to_string(), Some(&self.bearer())).await;
        assert_eq!(raw.status, 404, "raw body: {}", raw.body);
        self.assert_valid("404", &raw.body);
        assert!(raw.body["error"].is_string(), "{}", raw.body);
        self.assert_client_error(self.client().list_run_gold_labels(&run).await, 404);
    }

    /// A malformed id is refused in the spec's error shape, not dropshot's; so are the forms
    /// of a UUID other than the hyphenated one `format: uuid` means (which `Uuid` would read).
    pub async fn assert_malformed_id_refused(&self) {
        let id = "0d3e0000-0000-4000-8000-000000000001";
        for malformed in [
            "not-a-uuid".to_owned(),
            id.replace('-', ""),
            format!("{{{id}}}"),
            format!("urn:uuid:{id}"),
        ] {
            let raw = self.raw_get(&malformed, Some(&self.bearer())).await;
            assert_eq!(raw.status, 400, "{malformed}: raw body: {}", raw.body);
            // The spec documents no 400; its error body is the one every error uses.
            self.assert_valid("404", &raw.body);
            assert!(
                raw.body["error"].as_str().is_some_and(|e| !e.is_empty()),
                "{}",
                raw.body
            );
        }
    }

    fn assert_valid(&self, status: &str, body: &Value) {
        if let Err(violations) = self.schemas.validate("GET", PATH, status, body) {
            panic!("the {status} body violates the spec's schema: {violations}\nbody: {body}");
        }
    }

    fn assert_client_error<T: std::fmt::Debug>(
        &self,
        result: Result<T, Error<refactor_types::ErrorBody>>,
        status: u16,
    ) {
        match result {
            Err(Error::ErrorResponse(response)) => {
                assert_eq!(response.status().as_u16(), status);
                assert!(
                    response.error.as_deref().is_some_and(|e| !e.is_empty()),
                    "{response:?}"
                );
            }
            other => panic!("expected a {status} error response, got {other:?}"),
        }
    }
}
