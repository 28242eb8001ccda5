//! Per-run freshness on every backend: servers on one database (replicas, each with its own
//! cache) serve a write made elsewhere within the poll interval, re-read only the runs it
//! touched, and never serve half of an import.

use std::time::{Duration, Instant};

use refactor_conformance::in_memory::sample_labels;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{
    TestDatabase, base_url, claims, hs_token, hs256, on_every_backend, seed, start,
};

const WRITTEN: Uuid = Uuid::from_u128(0xA1);
const UNTOUCHED: Uuid = Uuid::from_u128(0xA2);

on_every_backend!(
    a_write_elsewhere_reaches_every_replica_and_evicts_only_its_runs,
    a_replica_never_serves_half_an_import,
);

/// Labels of `run` with ids of their own and `name` as their output.
fn labels(run: Uuid, count: usize, name: &str) -> Vec<Value> {
    let base = run.as_u128() << 16;
    sample_labels(run, "acme", count)
        .into_iter()
        .enumerate()
        .map(|(index, mut label)| {
            label["id"] = json!(Uuid::from_u128(base + index as u128));
            label["output_resource_name"] = json!(name);
            label
        })
        .collect()
}

async fn get_labels(url: &str) -> Vec<Value> {
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(hs_token(&claims("acme")))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200, "{url}");
    response.json().await.expect("labels")
}

async fn a_write_elsewhere_reaches_every_replica_and_evicts_only_its_runs(db: TestDatabase) {
    let writer = db.store().await;
    seed(writer.as_ref(), &labels(WRITTEN, 3, "before"), &[]).await;
    seed(writer.as_ref(), &labels(UNTOUCHED, 3, "kept"), &[]).await;
    let replicas = [
        start(db.store().await, hs256()).await,
        start(db.store().await, hs256()).await,
    ];
    let url = |server, run| format!("{}/v1/run/{run}/gold-labels", base_url(server));
    for replica in &replicas {
        for run in [WRITTEN, UNTOUCHED] {
            get_labels(&url(replica, run)).await; // Cached now.
        }
    }
    let misses: Vec<u64> = replicas
        .iter()
        .map(|replica| replica.app_private().store.stats().misses)
        .collect();

    // Another process writes one run.
    let written = labels(WRITTEN, 3, "after");
    seed(writer.as_ref(), &written, &[]).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    for (replica, misses) in replicas.iter().zip(misses) {
        while get_labels(&url(replica, WRITTEN)).await != written {
            assert!(
                Instant::now() < deadline,
                "the write never reached a replica"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(
            get_labels(&url(replica, UNTOUCHED)).await,
            labels(UNTOUCHED, 3, "kept")
        );
        assert_eq!(
            replica.app_private().store.stats().misses,
            misses + 1,
            "only the written run was read again"
        );
    }
}

async fn a_replica_never_serves_half_an_import(db: TestDatabase) {
    let writer = db.store().await;
    let count = 200;
    seed(
        writer.as_ref(),
        &labels(WRITTEN, count, "generation-0"),
        &[],
    )
    .await;
    let replica = start(db.store().await, hs256()).await;
    let url = format!("{}/v1/run/{WRITTEN}/gold-labels", base_url(&replica));

    let reader = async {
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let served = get_labels(&url).await;
            let names: std::collections::BTreeSet<&str> = served
                .iter()
                .map(|label| label["output_resource_name"].as_str().unwrap_or_default())
                .collect();
            assert_eq!(served.len(), count);
            assert_eq!(names.len(), 1, "one response mixes two imports: {names:?}");
            seen.extend(names.into_iter().map(str::to_owned));
        }
        seen
    };
    let imports = async {
        for generation in 1..=5 {
            let batch = labels(WRITTEN, count, &format!("generation-{generation}"));
            seed(writer.as_ref(), &batch, &[]).await;
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
    };
    let (seen, ()) = tokio::join!(reader, imports);
    assert!(seen.len() > 1, "the reader saw no import: {seen:?}");
}
