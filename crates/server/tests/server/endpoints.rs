//! The production endpoints: `/healthz`, `/readyz` (which follows the database away and back,
//! on every backend), `/metrics` and `/openapi.json`, all without a token and all outside the
//! API's document.

use std::time::Duration;

use refactor_conformance::in_memory::sample_labels;
use refactor_server::store::{Backend, StoreOptions, open_store};
use serde_json::Value;
use uuid::Uuid;

use crate::support::{
    Proxy, TestDatabase, base_url, claims, get, hs_token, hs256, on_every_backend, seed, start,
    until_get,
};

const RUN: Uuid = Uuid::from_u128(0xA1);

on_every_backend!(readyz_is_503_while_a_migration_is_missing);

#[tokio::test]
async fn healthz_answers_without_a_token() {
    let db = TestDatabase::new(Backend::Sqlite).await.expect("SQLite");
    let server = start(db.store().await, hs256()).await;
    let (status, body) = get(&format!("{}/healthz", base_url(&server))).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));
}

/// `readyz` on SQLite: the database file deleted is 503 in the API's error shape, restored 200.
#[tokio::test]
async fn readyz_follows_a_sqlite_database_away_and_back() {
    let db = TestDatabase::new(Backend::Sqlite).await.expect("SQLite");
    let server = start(db.store().await, hs256()).await;
    let url = format!("{}/readyz", base_url(&server));
    assert_eq!(until_get(&url, 200).await, r#"{"status":"ready"}"#);

    let database = db.data_dir().join("refactor.db");
    let moved = db.data_dir().join("moved.db");
    std::fs::rename(&database, &moved).expect("take the database away");
    assert_error_body(&until_get(&url, 503).await, "the database is unavailable");

    std::fs::rename(&moved, &database).expect("bring it back");
    assert_eq!(until_get(&url, 200).await, r#"{"status":"ready"}"#);
}

/// `readyz` on PostgreSQL: the server reaches the database through a proxy that stops (every
/// connection cut, new ones refused, as when the database stops) and starts again.
#[tokio::test]
async fn readyz_follows_a_postgres_database_away_and_back() {
    let Some(db) = TestDatabase::new(Backend::Postgres).await else {
        return;
    };
    let proxy = Proxy::start(&db.postgres_address()).await;
    let options = StoreOptions {
        acquire_timeout: Duration::from_millis(500),
        ..StoreOptions::default()
    };
    let store = open_store(&db.url_via(proxy.address()), &options)
        .await
        .expect("open through the proxy");
    let server = start(store, hs256()).await;
    let url = format!("{}/readyz", base_url(&server));
    assert_eq!(until_get(&url, 200).await, r#"{"status":"ready"}"#);

    proxy.stop();
    assert_error_body(&until_get(&url, 503).await, "the database is unavailable");
    // The API itself says 503 too, in the same shape.
    let run_url = format!("{}/v1/run/{RUN}/gold-labels", base_url(&server));
    crate::support::until_status(&run_url, &hs_token(&claims("acme")), 503).await;

    proxy.restart().await;
    assert_eq!(until_get(&url, 200).await, r#"{"status":"ready"}"#);
}

async fn readyz_is_503_while_a_migration_is_missing(db: TestDatabase) {
    let server = start(db.store().await, hs256()).await;
    let url = format!("{}/readyz", base_url(&server));
    assert_eq!(until_get(&url, 200).await, r#"{"status":"ready"}"#);

    // As if the database were restored from a backup taken before the newest migration.
    let forget =
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT max(version) FROM _sqlx_migrations)";
    execute(&db, forget).await;
    assert_error_body(&until_get(&url, 503).await, "the database is not migrated");
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

/// `body` is the API's error shape, `{"error": "..."}`, saying `reason`.
fn assert_error_body(body: &str, reason: &str) {
    let body: Value = serde_json::from_str(body).expect("JSON");
    let message = body["error"].as_str().unwrap_or_default();
    assert!(message.contains(reason), "{body}");
    assert_eq!(
        body.as_object().map(serde_json::Map::len),
        Some(1),
        "{body}"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_operation_and_status_and_report_the_cache() {
    let db = TestDatabase::new(Backend::Sqlite).await.expect("SQLite");
    let store = db.store().await;
    seed(store.as_ref(), &sample_labels(RUN, "acme", 2), &[]).await;
    let server = start(store, hs256()).await;
    let base = base_url(&server);
    let client = reqwest::Client::new();
    let token = hs_token(&claims("acme"));
    let run_url = format!("{base}/v1/run/{RUN}/gold-labels");
    for (url, token, status) in [
        (run_url.as_str(), Some(&token), 200),
        (run_url.as_str(), Some(&token), 200),
        (run_url.as_str(), None, 401),
        (
            &format!("{base}/v1/run/{}/gold-labels", Uuid::from_u128(9)),
            Some(&token),
            404,
        ),
        // The extractor's error and the router's are counted too.
        (
            &format!("{base}/v1/run/not-a-uuid/gold-labels"),
            Some(&token),
            400,
        ),
        (&format!("{base}/nowhere"), None, 404),
    ] {
        let mut request = client.get(url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let answered = request.send().await.expect("request").status().as_u16();
        assert_eq!(answered, status, "{url}");
    }

    let response = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("metrics");
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response.headers()[http::header::CONTENT_TYPE]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = response.text().await.expect("text");
    for line in [
        r#"refactor_http_requests_total{operation="list_run_gold_labels",status="200"} 2"#,
        r#"refactor_http_requests_total{operation="list_run_gold_labels",status="401"} 1"#,
        r#"refactor_http_requests_total{operation="list_run_gold_labels",status="404"} 1"#,
        r#"refactor_http_requests_total{operation="list_run_gold_labels",status="400"} 1"#,
        r#"refactor_http_requests_total{operation="unmatched",status="404"} 1"#,
        r#"refactor_http_request_duration_seconds_count{operation="list_run_gold_labels"} 5"#,
        // The two reads of the run: one miss, one hit; the unknown run: one miss.
        "refactor_cache_hits_total 1",
        "refactor_cache_misses_total 2",
        "refactor_cache_evictions_total 0",
        "refactor_cache_capacity_bytes 268435456",
        "refactor_cache_entries 2",
        "refactor_db_connections_max ",
        r#"refactor_db_connections{state="in_use"} "#,
        "refactor_store_version 1",
        "refactor_store_version_lag_seconds ",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(line)),
            "no line starting {line:?} in:\n{text}"
        );
    }
    let bytes: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("refactor_cache_bytes "))
        .and_then(|v| v.parse().ok())
        .expect("refactor_cache_bytes");
    assert!(bytes > 0.0, "{text}");
}

#[tokio::test]
async fn openapi_json_is_the_document_the_openapi_command_prints() {
    let db = TestDatabase::new(Backend::Sqlite).await.expect("SQLite");
    let server = start(db.store().await, hs256()).await;
    let (status, served) = get(&format!("{}/openapi.json", base_url(&server))).await;
    assert_eq!(status, 200);
    let printed = std::process::Command::new(env!("CARGO_BIN_EXE_refactor-server"))
        .arg("openapi")
        .output()
        .expect("run refactor-server openapi");
    assert!(printed.status.success());
    assert_eq!(
        served,
        String::from_utf8_lossy(&printed.stdout).trim_end(),
        "GET /openapi.json and `refactor-server openapi` differ"
    );
}

#[test]
fn the_production_endpoints_stay_out_of_the_api_document() {
    let document = |api: dropshot::ApiDescription<refactor_server::api::AppState>| {
        api.openapi("re-factor", dropshot::semver::Version::new(0, 0, 0))
            .json()
            .expect("the document")
    };
    let served = document(refactor_server::serve::api_description().expect("the server's API"));
    let trait_only = document(
        refactor_server_api::refactor_api_mod::api_description::<refactor_server::api::ServerApi>()
            .expect("the trait's API"),
    );
    assert_eq!(served, trait_only);
    let paths = served["paths"].as_object().expect("paths");
    for path in ["/healthz", "/readyz", "/metrics", "/openapi.json"] {
        assert!(!paths.contains_key(path), "{path} is in the API's document");
    }
}
