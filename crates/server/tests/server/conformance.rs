//! The foundation's conformance round trip, against the real server on every backend.

use refactor_conformance::in_memory::sample_labels;
use refactor_conformance::round_trip::Target;
use uuid::Uuid;

use crate::support::{
    TestDatabase, base_url, claims, hs_token, hs256, on_every_backend, seed, start,
};

const RUN: Uuid = Uuid::from_u128(0xA1);
const EMPTY_RUN: Uuid = Uuid::from_u128(0xA2);
const OTHER_ACCOUNTS_RUN: Uuid = Uuid::from_u128(0xB1);

on_every_backend!(the_client_and_the_real_server_agree_with_the_spec);

async fn the_client_and_the_real_server_agree_with_the_spec(db: TestDatabase) {
    let store = db.store().await;
    let mut labels = sample_labels(RUN, "acme", 7);
    labels.extend(
        sample_labels(OTHER_ACCOUNTS_RUN, "globex", 2)
            .into_iter()
            .map(|mut label| {
                // Distinct ids: sample labels number from the same base.
                label["id"] = serde_json::json!(Uuid::new_v4());
                label
            }),
    );
    seed(store.as_ref(), &labels, &[(EMPTY_RUN, "acme")]).await;
    let server = start(store, hs256()).await;
    let target = Target::new(base_url(&server), hs_token(&claims("acme")));

    target.assert_lists(RUN, &labels[..7]).await;
    target.assert_lists(EMPTY_RUN, &[]).await;
    target.assert_not_found(Uuid::from_u128(0xFFFF)).await;
    target.assert_not_found(OTHER_ACCOUNTS_RUN).await;
    target.assert_unauthorized(RUN, None).await;
    target
        .assert_unauthorized(RUN, Some("Bearer garbage"))
        .await;
    target.assert_malformed_id_refused().await;
}
