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
    an_import_killed_midway_leaves_the_store_as_before,
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

async fn an_import_killed_midway_leaves_the_store_as_before(db: TestDatabase) {
    let before = sample_labels(RUN, "acme", 3);
    assert!(
        import(
            &db,
            &write(db.data_dir(), "before.json", &Value::Array(before.clone()))
        )
        .status
        .success()
    );
    let big_run = Uuid::from_u128(0xB2);
    let big: Vec<Value> = (0..5_000_u128)
        .map(|index| {
            json!({
                "id": Uuid::from_u128(0xB200_0000 + index), "account_id": "acme", "run_id": big_run,
                "output_resource_name": format!("output-{index}"), "text_value": "x".repeat(50),
                "created_at": "2026-01-01T00:00:00Z"
            })
        })
        .collect();
    let file = write(db.data_dir(), "big.json", &Value::Array(big.clone()));

    // How long the write phase of a whole import takes here (from the import saying it is
    // writing to its exit), on a scratch database of the same backend; the kills land from the
    // moment the import starts writing to well before it would finish, so inside the transaction.
    let scratch = TestDatabase::new(db.backend())
        .await
        .expect("the same backend is there");
    let (mut child, writing) = start_writing(&scratch, &file);
    assert!(child.wait().expect("wait for the import").success());
    let write_phase = writing.elapsed();

    let store = db.store().await;
    let version = store.version().await.expect("version");
    let mut interrupted = 0;
    for fraction in [0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7] {
        let (mut child, _) = start_writing(&db, &file);
        tokio::time::sleep(write_phase.mul_f64(fraction)).await;
        if child.try_wait().expect("poll the import").is_none() {
            interrupted += 1;
        }
        child.kill().expect("kill the import");
        child.wait().expect("reap the import");
        // All or nothing: the big run is absent or whole, and nothing else moved.
        match store.run_labels(big_run).await.expect("read") {
            None => {
                assert_eq!(
                    store.version().await.expect("version"),
                    version,
                    "a killed import changed the version"
                );
            }
            Some(run) => {
                let served: Vec<Value> = serde_json::from_slice(&run.json).expect("json");
                assert_eq!(
                    served.len(),
                    big.len(),
                    "a killed import left part of its labels"
                );
            }
        }
        let kept: Vec<Value> = serde_json::from_slice(
            &store
                .run_labels(RUN)
                .await
                .expect("read")
                .expect("run")
                .json,
        )
        .expect("json");
        assert_eq!(kept, before);
    }
    assert!(
        interrupted >= 4,
        "only {interrupted} imports were still running when killed ({write_phase:?} to write)"
    );

    // And the database takes the import afterwards.
    assert!(import(&db, &file).status.success());
    let run = store
        .run_labels(big_run)
        .await
        .expect("read")
        .expect("the big run");
    assert_eq!(
        serde_json::from_slice::<Vec<Value>>(&run.json)
            .expect("json")
            .len(),
        big.len()
    );
}

/// Starts an import of `file` and returns it once it says it is writing to the database, with
/// the moment it said so.
fn start_writing(db: &TestDatabase, file: &Path) -> (std::process::Child, std::time::Instant) {
    use std::io::BufRead as _;

    let mut child = db
        .command("import")
        .arg(file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start an import");
    let stderr = child.stderr.take().expect("piped stderr");
    let mut lines = std::io::BufReader::new(stderr).lines();
    let mut said = String::new();
    while let Some(line) = lines.next() {
        let line = line.expect("read the import's stderr");
        if line.starts_with("writing ") {
            let writing = std::time::Instant::now();
            // Keep reading, so that the import's last words do not meet a closed pipe.
            std::thread::spawn(move || lines.for_each(drop));
            return (child, writing);
        }
        said.push_str(&line);
        said.push('\n');
    }
    let status = child.wait().expect("reap the import");
    panic!("the import never said it was writing ({status}); it said:\n{said}");
}
