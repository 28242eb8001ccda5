//! A client that authenticates every request with a bearer token (RFC 6750).

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};

use crate::Client;

/// Why a bearer-token client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BearerTokenError {
    /// The token has characters a header cannot carry.
    #[error("the bearer token cannot be sent in an Authorization header")]
    InvalidToken,
    /// reqwest could not build its client.
    #[error("failed to build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

impl Client {
    /// A client for `base_url` that sends `Authorization: Bearer <token>` with every request.
    ///
    /// Timeouts match [`Client::new`]'s (15 s). The token is marked sensitive, so it is left out
    /// of debug output.
    pub fn with_bearer_token(base_url: &str, token: &str) -> Result<Self, BearerTokenError> {
        let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| BearerTokenError::InvalidToken)?;
        value.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, value);
        let timeout = Duration::from_secs(15);
        let http = reqwest::ClientBuilder::new()
            .default_headers(headers)
            .connect_timeout(timeout)
            .timeout(timeout)
            .build()?;
        Ok(Self::new_with_client(base_url, http))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_with_a_newline_is_refused() {
        assert!(matches!(
            Client::with_bearer_token("http://localhost", "a\nb"),
            Err(BearerTokenError::InvalidToken)
        ));
    }
}
