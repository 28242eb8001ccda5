//! Development tokens: HS256 JWTs for an account, signed with the development secret.

use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use super::ClaimRequirements;

/// Why a token could not be issued.
#[derive(Debug, thiserror::Error)]
#[error("failed to sign a development token: {0}")]
pub struct TokenError(String);

#[derive(Serialize)]
struct Claims<'a> {
    sub: &'a str,
    account_id: &'a str,
    iat: u64,
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<&'a str>,
}

/// Signs development tokens.
pub struct DevTokenIssuer {
    key: EncodingKey,
}

impl DevTokenIssuer {
    /// An issuer signing with the HS256 `secret`.
    pub fn new(secret: &[u8]) -> Result<Self, TokenError> {
        Ok(Self {
            key: EncodingKey::from_secret(secret).map_err(|e| TokenError(e.to_string()))?,
        })
    }

    /// A token for `account`, for `subject` (defaults to the account), valid for `ttl`, with
    /// the issuer and audience a server with `required` claims accepts.
    pub fn issue(
        &self,
        account: &str,
        subject: Option<&str>,
        ttl: Duration,
        required: &ClaimRequirements,
    ) -> Result<String, TokenError> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: subject.unwrap_or(account),
            account_id: account,
            iat: now,
            exp: now.saturating_add(ttl.as_secs()),
            iss: required.issuer.as_deref(),
            aud: required.audience.as_deref(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.key)
            .map_err(|e| TokenError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderMap;

    use super::*;
    use crate::auth::Authenticator;

    fn headers(token: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let value = format!("Bearer {token}").parse().expect("header value");
        headers.insert(http::header::AUTHORIZATION, value);
        headers
    }

    #[test]
    fn tokens_carry_the_issuer_and_audience_the_server_requires() {
        let required = ClaimRequirements {
            issuer: Some("https://issuer.example".into()),
            audience: Some("refactor".into()),
        };
        let server = Authenticator::hs256(b"secret", &required).expect("authenticator");
        let issuer = DevTokenIssuer::new(b"secret").expect("issuer");
        let hour = Duration::from_secs(3600);
        let token = issuer.issue("acme", None, hour, &required).expect("token");
        assert_eq!(
            server.authenticate(&headers(&token)).as_deref().ok(),
            Some("acme")
        );
        let plain = issuer
            .issue("acme", None, hour, &ClaimRequirements::default())
            .expect("token");
        assert!(server.authenticate(&headers(&plain)).is_err());
    }
}
