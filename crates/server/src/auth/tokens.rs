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
