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
    account_id: String,
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
        let data = jsonwebtoken::decode::<Claims>(token.trim(), &self.key, &self.validation)
            .map_err(|error| AuthError::Invalid(describe(&error)))?;
        if data.claims.account_id.is_empty() {
            return Err(AuthError::Invalid(
                "the account_id claim is empty".to_owned(),
            ));
        }
        Ok(data.claims.account_id)
    }
}

/// A short reason for the client, without echoing the token.
fn describe(error: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
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
