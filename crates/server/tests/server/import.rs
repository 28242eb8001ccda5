//! Import through the command line on every backend: a good file round-trips, a file with one
//! bad record writes nothing, and importing again changes nothing.

use std::path::Path;

use refactor_conformance::in_memory::sample_labels;
use refactor_conformance::round_trip::Target;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{TestDatabase, base_url, claims, hs_token, hs256, on_every_backend, start};

const RUN: Uuid = Uuid::from_u128(0xA1);

on_every_backend!(
    a_good_file_round_trips_and_reimport_is_a_no_op,
    big_numbers_in_object_values_are_served_exactly_as_imported,
    one_bad_record_writes_nothing_and_says_where,
);

fn import(db: &TestDatabase, file: &Path) -> std::process::Output {
    db.command("import")
        .arg(file)
        .output()
        .expect("run refactor-server import")
}

fn write(dir: &Path, name: &str, value: &Value) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(value).expect("json")).expect("write");
    path
}

/// Labels whose values stress the round trip: unicode, nested objects, big numbers, nulls.
fn tricky_labels() -> Vec<Value> {
    let mut labels = sample_labels(RUN, "acme", 4);
    labels[0]["text_value"] = json!("emoji 🧪, CJK 漢字, RTL עברית, quote \" and backslash \\");
    labels[1]["object_value"] =
        json!({"deep": {"deeper": [1, 2, {"deepest": null}]}, "n": -0.5e-3});
    labels[2]["created_by"] = Value::Null;
    labels
}

async fn a_good_file_round_trips_and_reimport_is_a_no_op(db: TestDatabase) {
    let file = write(db.data_dir(), "labels.json", &Value::Array(tricky_labels()));
    let first = import(&db, &file);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let again = import(&db, &file);
    let report = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{report}");
    assert!(
        report.contains("0 created, 0 updated, 4 unchanged"),
        "{report}"
    );

    let server = start(db.store().await, hs256()).await;
    Target::new(base_url(&server), hs_token(&claims("acme")))
        .assert_lists(RUN, &tricky_labels())
        .await;
}

async fn big_numbers_in_object_values_are_served_exactly_as_imported(db: TestDatabase) {
    let label = serde_json::to_string(&sample_labels(RUN, "acme", 1)[0]).expect("json");
    let with_big_number = label.replacen(
        '{',
        r#"{"object_value": {"big": 123456789012345678901234567890.000000000001},"#,
        1,
    );
    let file = db.data_dir().join("big.json");
    std::fs::write(&file, format!("[{with_big_number}]")).expect("write");
    let output = import(&db, &file);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let server = start(db.store().await, hs256()).await;
    let body = reqwest::Client::new()
        .get(format!("{}/v1/run/{RUN}/gold-labels", base_url(&server)))
        .bearer_auth(hs_token(&claims("acme")))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert!(
        body.contains(r#""object_value":{"big":123456789012345678901234567890.000000000001}"#),
        "{body}"
    );
}

async fn one_bad_record_writes_nothing_and_says_where(db: TestDatabase) {
    let good = write(
        db.data_dir(),
        "good.json",
        &Value::Array(sample_labels(RUN, "acme", 2)),
    );
    assert!(import(&db, &good).status.success());

    let mut labels = sample_labels(Uuid::from_u128(0xA2), "acme", 3);
    labels[2]["run_id"] = json!("not-a-uuid");
    let bad = write(
        db.data_dir(),
        "bad.json",
        &json!({"runs": [], "gold_labels": labels}),
    );
    let output = import(&db, &bad);
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(message.contains("gold_labels[2]: /run_id"), "{message}");

    // A conflict found only by the store (a run of another account) also writes nothing.
    let mut conflicting = sample_labels(Uuid::from_u128(0xA3), "acme", 2);
    conflicting.push(json!({
        "id": Uuid::from_u128(0xC0), "account_id": "globex", "run_id": RUN,
        "output_resource_name": "o", "created_at": "2026-01-01T00:00:00Z"
    }));
    let output = import(
        &db,
        &write(db.data_dir(), "conflict.json", &Value::Array(conflicting)),
    );
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("belongs to account"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let server = start(db.store().await, hs256()).await;
    let target = Target::new(base_url(&server), hs_token(&claims("acme")));
    target
        .assert_lists(RUN, &sample_labels(RUN, "acme", 2))
        .await;
    target.assert_not_found(Uuid::from_u128(0xA2)).await;
    target.assert_not_found(Uuid::from_u128(0xA3)).await;
}
