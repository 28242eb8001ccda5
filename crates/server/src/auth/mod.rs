//! Bearer JWT authentication: which account a request acts for.
//!
//! Development: HS256 with a shared secret (from `--jwt-secret` or a file generated once in the
//! data dir). Production: an RS256 or ES256 public key (`--jwt-public-key`). Only the configured
//! key's algorithm is accepted, so neither `alg: none` nor an HS256 token signed with a public
//! key (algorithm confusion) gets through. `exp` is required, `nbf` honoured, and issuer and
//! audience are enforced when configured.

mod pem;
mod secret;
mod tokens;

use std::path::Path;

use http::HeaderMap;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

pub use secret::{SecretError, load_or_create_secret};
pub use tokens::{DevTokenIssuer, TokenError};

/// Why a request is not authenticated; the message is safe to send to the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization` header.
    #[error("missing bearer token")]
    Missing,
    /// An `Authorization` header of another scheme, or malformed.
    #[error("the Authorization header must be `Bearer <token>`")]
    NotBearer,
    /// The token did not verify.
    #[error("invalid bearer token: {0}")]
    Invalid(String),
}

/// The claims the server reads.
#[derive(Debug, Deserialize)]
struct Claims {
    /// Read as any JSON value, so that a missing or non-string one gets its own reason.
    account_id: Option<serde_json::Value>,
}

/// How tokens are verified.
#[derive(Clone)]
pub struct Authenticator {
    key: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("algorithms", &self.validation.algorithms)
            .finish_non_exhaustive()
    }
}

/// Optional claims the server enforces when set.
#[derive(Debug, Clone, Default)]
pub struct ClaimRequirements {
    /// The `iss` a token must carry.
    pub issuer: Option<String>,
    /// An `aud` a token must carry.
    pub audience: Option<String>,
}

/// Why the verification key could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key file could not be read.
    #[error("failed to read the JWT public key {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not an RSA or EC public key in PEM.
    #[error("{path} is not an RSA or EC (P-256) public key in PEM form: {reason}")]
    NotAPublicKey {
        /// The file.
        path: String,
        /// What it is instead.
        reason: &'static str,
    },
    /// The HMAC secret is unusable.
    #[error("the JWT secret is unusable: {0}")]
    Secret(String),
}

impl Authenticator {
    /// Verifies HS256 tokens signed with `secret`.
    pub fn hs256(secret: &[u8], claims: &ClaimRequirements) -> Result<Self, KeyError> {
        let key = DecodingKey::from_secret(secret).map_err(|e| KeyError::Secret(e.to_string()))?;
        Ok(Self::new(key, Algorithm::HS256, claims))
    }

    /// Verifies RS256 or ES256 tokens with the PEM public key at `path` (the key type decides).
    pub fn public_key(path: &Path, claims: &ClaimRequirements) -> Result<Self, KeyError> {
        let shown = path.display().to_string();
        let pem = std::fs::read(path).map_err(|source| KeyError::Read {
            path: shown.clone(),
            source,
        })?;
        if let Some(reason) = pem::unusable_public_key(&pem) {
            return Err(KeyError::NotAPublicKey {
                path: shown,
                reason,
            });
        }
        if let Ok(key) = DecodingKey::from_rsa_pem(&pem) {
            return Ok(Self::new(key, Algorithm::RS256, claims));
        }
        if let Ok(key) = DecodingKey::from_ec_pem(&pem) {
            return Ok(Self::new(key, Algorithm::ES256, claims));
        }
        Err(KeyError::NotAPublicKey {
            path: shown,
            reason: "neither jsonwebtoken's RSA nor its EC reader takes it",
        })
    }

    fn new(key: DecodingKey, algorithm: Algorithm, claims: &ClaimRequirements) -> Self {
        let mut validation = Validation::new(algorithm);
        validation.algorithms = vec![algorithm];
        // A configured issuer or audience must be present, not merely match when present.
        let mut required = vec!["exp"];
        if claims.issuer.is_some() {
            required.push("iss");
        }
        if claims.audience.is_some() {
            required.push("aud");
        }
        validation.set_required_spec_claims(&required);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = 0;
        validation.validate_aud = claims.audience.is_some();
        if let Some(audience) = &claims.audience {
            validation.set_audience(&[audience]);
        }
        if let Some(issuer) = &claims.issuer {
            validation.set_issuer(&[issuer]);
        }
        Self { key, validation }
    }

    /// The account the request's bearer token acts for.
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<String, AuthError> {
        let value = headers
            .get(http::header::AUTHORIZATION)
            .ok_or(AuthError::Missing)?;
        let value = value.to_str().map_err(|_| AuthError::NotBearer)?;
        let (scheme, token) = value.split_once(' ').ok_or(AuthError::NotBearer)?;
        // RFC 7235: the scheme is case-insensitive.
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(AuthError::NotBearer);
        }
        let token = token.trim();
        let data = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)
            .map_err(|error| AuthError::Invalid(describe(token, &error)))?;
        let reason = match data.claims.account_id {
            Some(serde_json::Value::String(account)) if !account.is_empty() => return Ok(account),
            Some(serde_json::Value::String(_)) => "the account_id claim is empty",
            Some(_) => "the account_id claim must be a string",
            None => "the account_id claim is required",
        };
        Err(AuthError::Invalid(reason.to_owned()))
    }
}

/// A short reason for the client, without echoing the token.
fn describe(token: &str, error: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        // The header is read first: an unknown `alg` (`none` included) fails to parse.
        ErrorKind::Json(_) if jsonwebtoken::decode_header(token).is_err() => {
            "the token's header is malformed or names an algorithm that is not accepted".to_owned()
        }
        ErrorKind::ExpiredSignature => "the token has expired".to_owned(),
        ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)".to_owned(),
        ErrorKind::InvalidSignature => "the signature does not verify".to_owned(),
        ErrorKind::InvalidAlgorithm => "the token's algorithm is not accepted".to_owned(),
        ErrorKind::InvalidIssuer => "the issuer is not accepted".to_owned(),
        ErrorKind::InvalidAudience => "the audience is not accepted".to_owned(),
        ErrorKind::MissingRequiredClaim(claim) => format!("the {claim} claim is required"),
        _ => "the token is malformed".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderMap;

    use super::*;

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
        let hour = std::time::Duration::from_secs(3600);
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

    #[test]
    fn a_signed_token_without_a_string_account_id_says_so() {
        let server = Authenticator::hs256(b"secret", &ClaimRequirements::default()).expect("auth");
        let key = jsonwebtoken::EncodingKey::from_secret(b"secret").expect("key");
        let exp = jsonwebtoken::get_current_timestamp() + 3600;
        for (claims, reason) in [
            (
                serde_json::json!({"exp": exp}),
                "the account_id claim is required",
            ),
            (
                serde_json::json!({"exp": exp, "account_id": 7}),
                "the account_id claim must be a string",
            ),
            (
                serde_json::json!({"exp": exp, "account_id": ""}),
                "the account_id claim is empty",
            ),
        ] {
            let token = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key)
                .expect("signed");
            let error = server.authenticate(&headers(&token)).expect_err("refused");
            assert!(error.to_string().contains(reason), "{claims}: {error}");
        }
    }

    #[test]
    fn an_unknown_algorithm_is_named_as_such() {
        let server = Authenticator::hs256(b"secret", &ClaimRequirements::default()).expect("auth");
        // {"alg":"none","typ":"JWT"} . {"account_id":"acme","exp":9999999999} . (no signature)
        let token = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJhY2NvdW50X2lkIjoiYWNtZSIsImV4cCI6OTk5OTk5OTk5OX0.";
        let error = server.authenticate(&headers(token)).expect_err("refused");
        assert!(
            error.to_string().contains("algorithm that is not accepted"),
            "{error}"
        );
    }
}
