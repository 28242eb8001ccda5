//! Data survives a restart of the server on the same data dir.

use refactor_conformance::in_memory::sample_labels;
use refactor_conformance::round_trip::Target;
use uuid::Uuid;

use crate::support::{base_url, claims, hs_token, hs256, seed, sqlite_store, start};

#[tokio::test]
async fn labels_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = Uuid::from_u128(0xA1);
    let labels = sample_labels(run, "acme", 4);
    {
        let store = sqlite_store(dir.path()).await;
        seed(store.as_ref(), &labels, &[]).await;
        let server = start(store, hs256()).await;
        server.close().await.expect("stop");
    }
    let server = start(sqlite_store(dir.path()).await, hs256()).await;
    Target::new(base_url(&server), hs_token(&claims("acme")))
        .assert_lists(run, &labels)
        .await;
}
