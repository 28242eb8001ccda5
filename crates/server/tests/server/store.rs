//! The store's behaviour, one suite for every backend: what a run reads back, in which order,
//! byte for byte; what an import creates, updates, leaves and refuses; what other processes and
//! replicas on the same database see.

use std::path::Path;

use refactor_conformance::in_memory::sample_labels;
use refactor_server::import::{ImportBatch, parse_import};
use refactor_server::store::{Backend, GoldLabelStore, ImportReport, StoreError};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{TestDatabase, on_every_backend};

const RUN: Uuid = Uuid::from_u128(0xA1);

on_every_backend!(
    unknown_runs_are_none_and_runs_without_labels_are_empty,
    labels_come_back_by_created_at_to_the_nanosecond_then_by_id,
    bodies_come_back_byte_for_byte,
    an_import_reports_what_it_changed_and_bumps_the_version_only_then,
    a_conflicting_import_writes_nothing,
    concurrent_imports_through_several_stores_land_exactly_once,
    another_store_on_the_same_database_sees_every_write,
    a_nul_character_is_stored_or_refused_without_a_trace,
    each_write_lists_the_runs_it_changed,
    a_database_from_before_stored_responses_serves_every_run_after_migrating,
    an_import_larger_than_a_statement_lands_whole,
    a_run_without_a_stored_response_is_served_from_its_labels,
);

fn batch(labels: &[Value], empty_runs: &[(Uuid, &str)]) -> ImportBatch {
    let runs: Vec<Value> = empty_runs
        .iter()
        .map(|(id, account)| json!({"id": id, "account_id": account}))
        .collect();
    let file = json!({"runs": runs, "gold_labels": labels}).to_string();
    parse_import(Path::new("<test>"), &file).unwrap_or_else(|e| panic!("batch: {e}"))
}

async fn import(store: &dyn GoldLabelStore, labels: &[Value]) -> Result<ImportReport, StoreError> {
    store.import(&batch(labels, &[])).await
}

/// The run's labels as JSON values, or `None` when there is no such run.
async fn read(store: &dyn GoldLabelStore, run: Uuid) -> Option<Vec<Value>> {
    let run = store.run_labels(run).await.expect("read")?;
    Some(serde_json::from_slice(&run.json).expect("the store serves JSON"))
}

fn ids(labels: &[Value]) -> Vec<String> {
    labels
        .iter()
        .map(|label| label["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn unknown_runs_are_none_and_runs_without_labels_are_empty(db: TestDatabase) {
    let store = db.store().await;
    let empty = Uuid::from_u128(0xE);
    store
        .import(&batch(&[], &[(empty, "acme")]))
        .await
        .expect("import");
    let run = store
        .run_labels(empty)
        .await
        .expect("read")
        .expect("the run exists");
    assert_eq!((run.owner.as_str(), &run.json[..]), ("acme", &b"[]"[..]));
    assert_eq!(
        store.run_labels(Uuid::from_u128(0xF)).await.expect("read"),
        None
    );
}

async fn labels_come_back_by_created_at_to_the_nanosecond_then_by_id(db: TestDatabase) {
    let store = db.store().await;
    let label = |id: u128, created_at: &str| {
        let mut label = sample_labels(RUN, "acme", 1).remove(0);
        label["id"] = json!(Uuid::from_u128(id));
        label["created_at"] = json!(created_at);
        label
    };
    // Imported in scrambled order; the expected order is by time, then id for equal times.
    let labels = [
        label(9, "9999-12-31T23:59:59.999999999Z"),
        label(8, "2026-01-01T00:00:01.000000100Z"),
        // Just before the second above: rounding to microseconds would make them equal.
        label(7, "2026-01-01T00:00:00.999999600Z"),
        // Within one microsecond, against the order of their ids.
        label(5, "2026-01-01T00:00:00.000000002Z"),
        label(6, "2026-01-01T00:00:00.000000001Z"),
        label(3, "2026-01-01T01:00:00+01:00"),
        label(4, "2026-01-01T00:00:00Z"),
        label(2, "1969-12-31T23:59:59.999999999Z"),
        label(1, "0000-01-01T00:00:00Z"),
        // A leap second lies between the last instant of its minute and the next minute.
        label(12, "2017-01-01T00:00:00.2Z"),
        label(11, "2016-12-31T23:59:60.5Z"),
        label(10, "2016-12-31T23:59:59.9999995Z"),
    ];
    import(store.as_ref(), &labels).await.expect("import");
    let served = read(store.as_ref(), RUN).await.expect("the run exists");
    let expected: Vec<String> = [1_u128, 2, 10, 11, 12, 3, 4, 6, 5, 7, 8, 9]
        .iter()
        .map(|id| Uuid::from_u128(*id).to_string())
        .collect();
    assert_eq!(ids(&served), expected);
}

async fn bodies_come_back_byte_for_byte(db: TestDatabase) {
    let store = db.store().await;
    let mut labels = sample_labels(RUN, "acme", 3);
    labels[0]["text_value"] =
        json!("emoji 🧪, CJK 漢字, RTL עברית, quote \" and backslash \\, tab \t");
    labels[1]
        .as_object_mut()
        .and_then(|label| label.remove("object_value"));
    let record = serde_json::to_string(&labels[1]).expect("json").replacen(
        '{',
        r#"{"object_value": {"z": 1.50, "a": [1.5E+300, -0.0, 12345678901234567890123], "m": {"": null}},"#,
        1,
    );
    let file = format!("[{}, {record}, {}]", labels[0], labels[2]);
    let batch = parse_import(Path::new("<test>"), &file).expect("batch");
    let expected: Vec<String> = batch
        .labels
        .iter()
        .map(|record| record.label.body.clone())
        .collect();
    store.import(&batch).await.expect("import");
    let served = store
        .run_labels(RUN)
        .await
        .expect("read")
        .expect("the run exists");
    // Keys in written order, numbers as written: JSON text, not a re-encoding of parsed values.
    assert_eq!(
        std::str::from_utf8(&served.json).expect("utf-8"),
        format!("[{}]", expected.join(","))
    );
    assert!(
        expected[1].contains(
            r#""object_value":{"z":1.50,"a":[1.5E+300,-0.0,12345678901234567890123],"m":{"":null}}"#
        ),
        "{}",
        expected[1]
    );
}

async fn an_import_reports_what_it_changed_and_bumps_the_version_only_then(db: TestDatabase) {
    let store = db.store().await;
    let start = store.version().await.expect("version");
    let mut labels = sample_labels(RUN, "acme", 3);
    let first = import(store.as_ref(), &labels).await.expect("import");
    assert_eq!((first.runs_created, first.labels_created), (1, 3));
    let after_first = store.version().await.expect("version");
    assert!(after_first > start);

    let again = import(store.as_ref(), &labels).await.expect("import");
    assert_eq!(
        (
            again.runs_created,
            again.labels_created,
            again.labels_unchanged
        ),
        (0, 0, 3)
    );
    assert_eq!(
        store.version().await.expect("version"),
        after_first,
        "a no-op import changes no version"
    );

    labels[1]["output_resource_name"] = json!("renamed");
    let changed = import(store.as_ref(), &labels).await.expect("import");
    assert_eq!((changed.labels_updated, changed.labels_unchanged), (1, 2));
    assert!(store.version().await.expect("version") > after_first);
    assert_eq!(
        read(store.as_ref(), RUN).await.expect("run")[1]["output_resource_name"],
        "renamed"
    );
}

async fn a_conflicting_import_writes_nothing(db: TestDatabase) {
    let store = db.store().await;
    let labels = sample_labels(RUN, "acme", 2);
    import(store.as_ref(), &labels).await.expect("import");
    let version = store.version().await.expect("version");
    let before = read(store.as_ref(), RUN).await;

    // A new run that would be fine, then a run of another account: the first is not kept.
    let fine = sample_labels(Uuid::from_u128(0xA2), "acme", 1)
        .into_iter()
        .map(|mut label| {
            label["id"] = json!(Uuid::from_u128(0xF1));
            label
        });
    let mut stolen = sample_labels(RUN, "globex", 1);
    stolen[0]["id"] = json!(Uuid::from_u128(0xF2));
    let attempt: Vec<Value> = fine.chain(stolen).collect();
    let error = import(store.as_ref(), &attempt)
        .await
        .expect_err("a run of another account");
    assert!(
        matches!(&error, StoreError::Conflict(message) if message.contains("belongs to account \"acme\"")),
        "{error}"
    );

    // A stored label moved to another run of the same account.
    let mut moved = labels[0].clone();
    moved["run_id"] = json!(Uuid::from_u128(0xA3));
    let error = import(store.as_ref(), &[moved])
        .await
        .expect_err("a label changing runs");
    assert!(
        matches!(&error, StoreError::Conflict(message) if message.contains("is stored for run")),
        "{error}"
    );

    assert_eq!(store.version().await.expect("version"), version);
    assert_eq!(read(store.as_ref(), RUN).await, before);
    assert_eq!(read(store.as_ref(), Uuid::from_u128(0xA2)).await, None);
    assert_eq!(read(store.as_ref(), Uuid::from_u128(0xA3)).await, None);
}

async fn concurrent_imports_through_several_stores_land_exactly_once(db: TestDatabase) {
    // Two stores are two processes (or replicas); each import overlaps every other one.
    let stores = [db.store().await, db.store().await];
    let runs: Vec<Uuid> = (0..4_u128).map(|n| Uuid::from_u128(0xC0 + n)).collect();
    let all_labels: Vec<Vec<Value>> = runs
        .iter()
        .enumerate()
        .map(|(n, run)| {
            sample_labels(*run, "acme", 5)
                .into_iter()
                .enumerate()
                .map(|(i, mut label)| {
                    label["id"] = json!(Uuid::from_u128(0x5000 + (n as u128) * 100 + i as u128));
                    label
                })
                .collect()
        })
        .collect();
    let imports = (0..8).map(|attempt| {
        let store = &stores[attempt % 2];
        // Each attempt imports two neighbouring runs: every run is written by four attempts.
        let labels: Vec<Value> = [attempt % 4, (attempt + 1) % 4]
            .iter()
            .flat_map(|n| all_labels[*n].clone())
            .collect();
        async move { import(store.as_ref(), &labels).await }
    });
    let reports = futures::future::join_all(imports).await;
    let created: usize = reports
        .iter()
        .map(|report| {
            report
                .as_ref()
                .expect("every import succeeds")
                .labels_created
        })
        .sum();
    let runs_created: usize = reports
        .iter()
        .map(|report| report.as_ref().map_or(0, |r| r.runs_created))
        .sum();
    assert_eq!(
        (created, runs_created),
        (20, 4),
        "each label and run is created exactly once"
    );
    for (run, labels) in runs.iter().zip(&all_labels) {
        assert_eq!(read(stores[0].as_ref(), *run).await.expect("run"), *labels);
    }
}

async fn another_store_on_the_same_database_sees_every_write(db: TestDatabase) {
    let writer = db.store().await;
    let reader = db.store().await;
    let before = reader.version().await.expect("version");
    let labels = sample_labels(RUN, "acme", 2);
    import(writer.as_ref(), &labels).await.expect("import");
    assert!(reader.version().await.expect("version") > before);
    assert_eq!(read(reader.as_ref(), RUN).await.expect("run"), labels);
}

async fn a_nul_character_is_stored_or_refused_without_a_trace(db: TestDatabase) {
    let store = db.store().await;
    let mut labels = sample_labels(RUN, "acme", 2);
    labels[1]["object_value"] = json!({"note": "before\u{0}after"});
    match db.backend() {
        // SQLite stores any JSON text.
        Backend::Sqlite => {
            import(store.as_ref(), &labels).await.expect("import");
            assert_eq!(read(store.as_ref(), RUN).await.expect("run"), labels);
        }
        // PostgreSQL's jsonb cannot hold \u0000: the import names the label and writes nothing.
        Backend::Postgres => {
            let version = store.version().await.expect("version");
            let error = import(store.as_ref(), &labels)
                .await
                .expect_err("jsonb refuses \\u0000");
            let message = error.to_string();
            assert!(matches!(error, StoreError::Unstorable(_)), "{message}");
            assert!(
                message.contains(&format!(
                    "label {} (gold_labels[1])",
                    labels[1]["id"].as_str().unwrap_or_default()
                )),
                "{message}"
            );
            assert_eq!(read(store.as_ref(), RUN).await, None);
            assert_eq!(store.version().await.expect("version"), version);
        }
    }
}

#[tokio::test]
async fn an_in_memory_sqlite_database_lives_as_long_as_its_store() {
    let options = refactor_server::store::StoreOptions::default();
    for url in ["sqlite::memory:", "SQLITE://?mode=memory"] {
        let store = refactor_server::store::open_store(url, &options)
            .await
            .unwrap_or_else(|error| panic!("{url}: {error}"));
        let labels = sample_labels(RUN, "acme", 3);
        import(store.as_ref(), &labels).await.expect("import");
        // More readers at once than one connection: every connection sees the one database.
        let reads = futures::future::join_all((0..8).map(|_| read(store.as_ref(), RUN))).await;
        for read in reads {
            assert_eq!(read.as_ref(), Some(&labels), "{url}");
        }
    }
    // Two stores are two databases.
    let first = refactor_server::store::open_store("sqlite::memory:", &options)
        .await
        .expect("open");
    let second = refactor_server::store::open_store("sqlite::memory:", &options)
        .await
        .expect("open");
    import(first.as_ref(), &sample_labels(RUN, "acme", 1))
        .await
        .expect("import");
    assert_eq!(read(second.as_ref(), RUN).await, None);
}

async fn each_write_lists_the_runs_it_changed(db: TestDatabase) {
    let store = db.store().await;
    let reader = db.store().await;
    let start = reader.version().await.expect("version");
    let (first, second, empty) = (
        Uuid::from_u128(0xA1),
        Uuid::from_u128(0xA2),
        Uuid::from_u128(0xA3),
    );
    let mut labels = sample_labels(first, "acme", 2);
    store
        .import(&batch(&labels, &[(empty, "acme")]))
        .await
        .expect("import");
    let after_first = reader.changes_since(start).await.expect("changes");
    let mut created = vec![first, empty];
    created.sort();
    assert_eq!(after_first.runs, Some(created));

    // A no-op import lists nothing; a change to one label lists its run alone.
    import(store.as_ref(), &labels).await.expect("import");
    labels[1]["output_resource_name"] = json!("renamed");
    let mut other = sample_labels(second, "acme", 1);
    other[0]["id"] = json!(Uuid::from_u128(0xF00));
    import(store.as_ref(), &labels).await.expect("import");
    let after_rename = reader
        .changes_since(after_first.version)
        .await
        .expect("changes");
    assert_eq!(after_rename.runs, Some(vec![first]));
    import(store.as_ref(), &other).await.expect("import");
    let both = reader
        .changes_since(after_first.version)
        .await
        .expect("changes");
    assert_eq!(both.runs, Some(vec![first, second]));
    let now = reader.changes_since(both.version).await.expect("changes");
    assert_eq!((now.version, now.runs), (both.version, Some(vec![])));

    // A version bumped by a writer that lists nothing: the reader cannot tell, and says so.
    execute(&db, "UPDATE store_version SET version = version + 1").await;
    let unknown = reader.changes_since(both.version).await.expect("changes");
    assert_eq!(unknown.runs, None);
}

async fn a_database_from_before_stored_responses_serves_every_run_after_migrating(
    db: TestDatabase,
) {
    let store = db.store().await;
    let labels = sample_labels(RUN, "acme", 3);
    let empty = Uuid::from_u128(0xE);
    store
        .import(&batch(&labels, &[(empty, "acme")]))
        .await
        .expect("import");
    drop(store);
    // Back to the schema before migration 4, with the data it had then.
    for statement in [
        "DROP TABLE run_responses",
        "DELETE FROM _sqlx_migrations WHERE version = 4",
    ] {
        execute(&db, statement).await;
    }
    let store = db.store().await;
    assert_eq!(read(store.as_ref(), RUN).await, Some(labels));
    assert_eq!(read(store.as_ref(), empty).await, Some(vec![]));
}

/// Runs `statement` on `db` through a connection of its own.
async fn execute(db: &TestDatabase, statement: &str) {
    use sqlx::Connection as _;
    match db.backend() {
        Backend::Sqlite => {
            let mut connection = sqlx::SqliteConnection::connect(db.url())
                .await
                .expect("connect");
            sqlx::query(statement)
                .execute(&mut connection)
                .await
                .expect(statement);
        }
        Backend::Postgres => {
            let mut connection = sqlx::PgConnection::connect(db.url())
                .await
                .expect("connect");
            sqlx::query(statement)
                .execute(&mut connection)
                .await
                .expect(statement);
        }
    }
}

async fn an_import_larger_than_a_statement_lands_whole(db: TestDatabase) {
    // More labels than one statement writes (1,000), over runs that span statements too.
    let runs: Vec<Uuid> = (0..3_u128).map(|n| Uuid::from_u128(0xB0 + n)).collect();
    let mut labels: Vec<Value> = runs
        .iter()
        .enumerate()
        .flat_map(|(n, run)| {
            sample_labels(*run, "acme", 850)
                .into_iter()
                .enumerate()
                .map(move |(i, mut label)| {
                    label["id"] = json!(Uuid::from_u128(0x10_0000 * (n as u128 + 1) + i as u128));
                    label
                })
        })
        .collect();
    let store = db.store().await;
    let first = import(store.as_ref(), &labels).await.expect("import");
    assert_eq!((first.runs_created, first.labels_created), (3, 2_550));
    let again = import(store.as_ref(), &labels).await.expect("import");
    assert_eq!(again.labels_unchanged, 2_550);
    for label in &mut labels {
        label["output_resource_name"] = json!("renamed");
    }
    let renamed = import(store.as_ref(), &labels).await.expect("import");
    assert_eq!(renamed.labels_updated, 2_550);
    let by_id = |labels: &mut Vec<Value>| labels.sort_by_key(|label| label["id"].to_string());
    for (n, run) in runs.iter().enumerate() {
        let mut served = read(store.as_ref(), *run).await.expect("the run exists");
        let mut expected = labels[n * 850..(n + 1) * 850].to_vec();
        by_id(&mut served);
        by_id(&mut expected);
        assert!(served == expected, "run {n} is not served as imported");
    }
}

async fn a_run_without_a_stored_response_is_served_from_its_labels(db: TestDatabase) {
    let store = db.store().await;
    let labels = sample_labels(RUN, "acme", 3);
    import(store.as_ref(), &labels).await.expect("import");
    // As another program writing the tables might leave it.
    execute(&db, "DELETE FROM run_responses").await;
    assert_eq!(read(store.as_ref(), RUN).await, Some(labels));
}
