//! The generated client against the generated trait, served by the in-memory implementation:
//! 200, 401 and 404 (and dropshot's own 400) come back as the spec says, and every raw body
//! validates against the spec's own schema.

use refactor_conformance::in_memory::{InMemoryStore, sample_labels, serve};
use refactor_conformance::round_trip::{PATH, Target};
use serde_json::json;
use uuid::Uuid;

const TOKEN: &str = "token-of-acme";
const RUN: Uuid = Uuid::from_u128(0xA1);
const EMPTY_RUN: Uuid = Uuid::from_u128(0xA2);
const OTHER_ACCOUNTS_RUN: Uuid = Uuid::from_u128(0xB1);

fn store() -> InMemoryStore {
    InMemoryStore::default()
        .with_token(TOKEN, "acme")
        .with_token("token-of-globex", "globex")
        .with_run(RUN, "acme", &sample_labels(RUN, "acme", 5))
        .with_run(EMPTY_RUN, "acme", &[])
        .with_run(
            OTHER_ACCOUNTS_RUN,
            "globex",
            &sample_labels(OTHER_ACCOUNTS_RUN, "globex", 2),
        )
}

fn target(server: &dropshot::HttpServer<InMemoryStore>) -> Target {
    Target::new(format!("http://{}", server.local_addr()), TOKEN)
}

#[tokio::test]
async fn labels_of_a_run_round_trip() {
    let server = serve(store());
    target(&server)
        .assert_lists(RUN, &sample_labels(RUN, "acme", 5))
        .await;
}

#[tokio::test]
async fn a_run_without_labels_is_an_empty_list() {
    let server = serve(store());
    target(&server).assert_lists(EMPTY_RUN, &[]).await;
}

#[tokio::test]
async fn missing_and_wrong_tokens_are_401_with_a_challenge() {
    let server = serve(store());
    let target = target(&server);
    target.assert_unauthorized(RUN, None).await;
    target
        .assert_unauthorized(RUN, Some("Bearer not-a-token"))
        .await;
    target
        .assert_unauthorized(RUN, Some("Basic YWNtZTpzZWNyZXQ="))
        .await;
}

#[tokio::test]
async fn unknown_runs_and_other_accounts_runs_are_404() {
    let server = serve(store());
    let target = target(&server);
    target.assert_not_found(Uuid::from_u128(0xFFFF)).await;
    target.assert_not_found(OTHER_ACCOUNTS_RUN).await;
}

#[tokio::test]
async fn a_malformed_id_is_400_in_the_spec_error_shape() {
    let server = serve(store());
    target(&server).assert_malformed_id_refused().await;
}

#[test]
fn the_validator_rejects_bodies_the_spec_does_not_allow() {
    let schemas = refactor_conformance::spec::ResponseSchemas::from_spec();
    let label = &sample_labels(RUN, "acme", 1)[0];
    assert!(
        schemas
            .validate("GET", PATH, "200", &json!([label]))
            .is_ok()
    );
    let mut bad_uuid = label.clone();
    bad_uuid["id"] = json!("not-a-uuid");
    assert!(
        schemas
            .validate("GET", PATH, "200", &json!([bad_uuid]))
            .is_err()
    );
    let mut missing_required = label.clone();
    if let Some(l) = missing_required.as_object_mut() {
        l.remove("created_at");
    }
    assert!(
        schemas
            .validate("GET", PATH, "200", &json!([missing_required]))
            .is_err()
    );
    assert!(
        schemas
            .validate("GET", PATH, "401", &json!({"error": 5}))
            .is_err()
    );
}
