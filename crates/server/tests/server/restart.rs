//! Data survives a restart of the server on the same database.

use refactor_conformance::in_memory::sample_labels;
use refactor_conformance::round_trip::Target;
use uuid::Uuid;

use crate::support::{
    TestDatabase, base_url, claims, hs_token, hs256, on_every_backend, seed, start,
};

on_every_backend!(labels_survive_a_restart);

async fn labels_survive_a_restart(db: TestDatabase) {
    let run = Uuid::from_u128(0xA1);
    let labels = sample_labels(run, "acme", 4);
    {
        let store = db.store().await;
        seed(store.as_ref(), &labels, &[]).await;
        let server = start(store, hs256()).await;
        server.close().await.expect("stop");
    }
    let server = start(db.store().await, hs256()).await;
    Target::new(base_url(&server), hs_token(&claims("acme")))
        .assert_lists(run, &labels)
        .await;
}
