//! Every way a token can be wrong gets a 401 with the spec's body and a challenge, never data;
//! a valid token of another account gets the same 404 as an unknown run.

use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey};
use refactor_conformance::in_memory::sample_labels;
use refactor_conformance::round_trip::Target;
use refactor_server::auth::{Authenticator, ClaimRequirements};
use serde_json::json;
use uuid::Uuid;

use crate::support::{
    at, base_url, claims, fixture, hs_token, hs256, seed, sign, sqlite_store, start, unsigned_token,
};

const RUN: Uuid = Uuid::from_u128(0xA1);

async fn hs256_target() -> (
    dropshot::HttpServer<refactor_server::api::AppState>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = sqlite_store(dir.path()).await;
    seed(store.as_ref(), &sample_labels(RUN, "acme", 3), &[]).await;
    (start(store, hs256()).await, dir)
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[tokio::test]
async fn missing_wrong_scheme_and_garbage_are_401() {
    let (server, _dir) = hs256_target().await;
    let target = Target::new(base_url(&server), "unused");
    target.assert_unauthorized(RUN, None).await;
    target
        .assert_unauthorized(RUN, Some("Basic YWNtZTpzZWNyZXQ="))
        .await;
    target
        .assert_unauthorized(RUN, Some(&format!("Token {}", hs_token(&claims("acme")))))
        .await;
    target
        .assert_unauthorized(RUN, Some("Bearer not.a.jwt"))
        .await;
    target.assert_unauthorized(RUN, Some("Bearer ")).await;
}

#[tokio::test]
async fn a_wrong_signature_is_401() {
    let (server, _dir) = hs256_target().await;
    let other = EncodingKey::from_secret(b"another-secret-another-secret-!!").expect("key");
    let token = sign(&claims("acme"), Algorithm::HS256, &other);
    Target::new(base_url(&server), "unused")
        .assert_unauthorized(RUN, Some(&bearer(&token)))
        .await;
}

#[tokio::test]
async fn expired_future_and_exp_less_tokens_are_401() {
    let (server, _dir) = hs256_target().await;
    let target = Target::new(base_url(&server), "unused");
    let mut expired = claims("acme");
    expired["exp"] = json!(at(Duration::from_secs(60), false));
    target
        .assert_unauthorized(RUN, Some(&bearer(&hs_token(&expired))))
        .await;

    let mut not_yet = claims("acme");
    not_yet["nbf"] = json!(at(Duration::from_secs(600), true));
    target
        .assert_unauthorized(RUN, Some(&bearer(&hs_token(&not_yet))))
        .await;

    let mut no_exp = claims("acme");
    no_exp.as_object_mut().map(|c| c.remove("exp"));
    target
        .assert_unauthorized(RUN, Some(&bearer(&hs_token(&no_exp))))
        .await;
}

#[tokio::test]
async fn alg_none_is_401() {
    let (server, _dir) = hs256_target().await;
    let token = unsigned_token(&claims("acme"));
    Target::new(base_url(&server), "unused")
        .assert_unauthorized(RUN, Some(&bearer(&token)))
        .await;
}

#[tokio::test]
async fn a_valid_token_of_another_account_is_404_like_an_unknown_run() {
    let (server, _dir) = hs256_target().await;
    let target = Target::new(base_url(&server), hs_token(&claims("globex")));
    target.assert_not_found(RUN).await;
    let unknown = target
        .raw_get(
            &Uuid::from_u128(0xFFFF).to_string(),
            Some(&bearer(&target.token)),
        )
        .await;
    let others = target
        .raw_get(&RUN.to_string(), Some(&bearer(&target.token)))
        .await;
    assert_eq!(
        unknown.body["error"]
            .as_str()
            .map(|m| m.replace(&Uuid::from_u128(0xFFFF).to_string(), "ID")),
        others.body["error"]
            .as_str()
            .map(|m| m.replace(&RUN.to_string(), "ID")),
        "the two 404s must not be told apart"
    );
}

async fn public_key_target(
    public_key: &str,
    requirements: &ClaimRequirements,
) -> (
    dropshot::HttpServer<refactor_server::api::AppState>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = sqlite_store(dir.path()).await;
    seed(store.as_ref(), &sample_labels(RUN, "acme", 3), &[]).await;
    let auth = Authenticator::public_key(&fixture(public_key), requirements).expect("public key");
    (start(store, auth).await, dir)
}

fn key_from(
    file: &str,
    parse: fn(&[u8]) -> Result<EncodingKey, jsonwebtoken::errors::Error>,
) -> EncodingKey {
    parse(&std::fs::read(fixture(file)).expect("fixture")).expect("key")
}

#[tokio::test]
async fn rs256_tokens_verify_and_hs256_signed_with_the_public_key_is_401() {
    let (server, _dir) = public_key_target("rs256-public.pem", &ClaimRequirements::default()).await;
    let token = sign(
        &claims("acme"),
        Algorithm::RS256,
        &key_from("rs256-private.pem", EncodingKey::from_rsa_pem),
    );
    let target = Target::new(base_url(&server), token);
    target
        .assert_lists(RUN, &sample_labels(RUN, "acme", 3))
        .await;

    // Algorithm confusion: the public key (which anyone has) used as an HMAC secret.
    let public_pem = std::fs::read(fixture("rs256-public.pem")).expect("fixture");
    let confused = sign(
        &claims("acme"),
        Algorithm::HS256,
        &EncodingKey::from_secret(&public_pem).expect("key"),
    );
    target
        .assert_unauthorized(RUN, Some(&bearer(&confused)))
        .await;
    target
        .assert_unauthorized(RUN, Some(&bearer(&unsigned_token(&claims("acme")))))
        .await;
}

#[tokio::test]
async fn es256_tokens_verify() {
    let (server, _dir) = public_key_target("es256-public.pem", &ClaimRequirements::default()).await;
    let token = sign(
        &claims("acme"),
        Algorithm::ES256,
        &key_from("es256-private.pem", EncodingKey::from_ec_pem),
    );
    Target::new(base_url(&server), token)
        .assert_lists(RUN, &sample_labels(RUN, "acme", 3))
        .await;
}

#[tokio::test]
async fn issuer_and_audience_are_enforced_when_configured() {
    let requirements = ClaimRequirements {
        issuer: Some("https://issuer.example".into()),
        audience: Some("refactor".into()),
    };
    let (server, _dir) = public_key_target("rs256-public.pem", &requirements).await;
    let key = key_from("rs256-private.pem", EncodingKey::from_rsa_pem);
    let mut good = claims("acme");
    good["iss"] = json!("https://issuer.example");
    good["aud"] = json!("refactor");
    let target = Target::new(base_url(&server), sign(&good, Algorithm::RS256, &key));
    target
        .assert_lists(RUN, &sample_labels(RUN, "acme", 3))
        .await;

    for (claim, value) in [
        ("iss", json!("https://evil.example")),
        ("aud", json!("other")),
    ] {
        let mut bad = good.clone();
        bad[claim] = value;
        target
            .assert_unauthorized(RUN, Some(&bearer(&sign(&bad, Algorithm::RS256, &key))))
            .await;
    }
    let mut missing = good.clone();
    missing.as_object_mut().map(|c| c.remove("aud"));
    target
        .assert_unauthorized(RUN, Some(&bearer(&sign(&missing, Algorithm::RS256, &key))))
        .await;
}
