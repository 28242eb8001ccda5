//! Development tokens: HS256 JWTs for an account, signed with the development secret.

use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

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

    /// A token for `account`, for `subject` (defaults to the account), valid for `ttl`.
    pub fn issue(
        &self,
        account: &str,
        subject: Option<&str>,
        ttl: Duration,
    ) -> Result<String, TokenError> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: subject.unwrap_or(account),
            account_id: account,
            iat: now,
            exp: now.saturating_add(ttl.as_secs()),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.key)
            .map_err(|e| TokenError(e.to_string()))
    }
}
