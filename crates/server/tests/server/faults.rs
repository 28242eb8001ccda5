//! A store that fails answers 503 in the spec's error shape, and the server recovers when the
//! store does: any store, then the SQLite file deleted, replaced, locked or made read-only
//! under the server.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use bytes::Bytes;
use refactor_server::import::ImportBatch;
use refactor_server::store::{GoldLabelStore, ImportReport, RunLabels, StoreError};
use sqlx::Connection as _;
use uuid::Uuid;

use crate::support::{base_url, claims, hs_token, hs256, start, until_status};

/// Answers one fixed empty run, or fails while `down` is set.
struct FlakyStore {
    down: Arc<AtomicBool>,
}

impl FlakyStore {
    fn available(&self) -> Result<(), StoreError> {
        if self.down.load(Ordering::SeqCst) {
            Err(StoreError::Unavailable("disk I/O error".into()))
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl GoldLabelStore for FlakyStore {
    async fn run_labels(&self, _run: Uuid) -> Result<Option<RunLabels>, StoreError> {
        self.available()?;
        Ok(Some(RunLabels {
            owner: "acme".into(),
            json: Bytes::from_static(b"[]"),
        }))
    }

    async fn version(&self) -> Result<u64, StoreError> {
        self.available()?;
        Ok(0)
    }

    async fn import(&self, _batch: &ImportBatch) -> Result<ImportReport, StoreError> {
        Ok(ImportReport::default())
    }
}

#[tokio::test]
async fn an_unavailable_store_is_503_with_the_spec_body_until_it_recovers() {
    let down = Arc::new(AtomicBool::new(true));
    let server = start(
        Box::new(FlakyStore {
            down: Arc::clone(&down),
        }),
        hs256(),
    )
    .await;
    let url = format!(
        "{}/v1/run/{}/gold-labels",
        base_url(&server),
        Uuid::from_u128(1)
    );
    let get = || async {
        let response = reqwest::Client::new()
            .get(&url)
            .bearer_auth(hs_token(&claims("acme")))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (
            status,
            response.json::<serde_json::Value>().await.expect("json"),
        )
    };
    let (status, body) = get().await;
    assert_eq!(status, 503);
    let message = body["error"].as_str().expect("the spec's error shape");
    assert!(
        !message.contains("disk I/O"),
        "internal detail leaked: {message}"
    );
    assert_eq!(body.as_object().map(|b| b.len()), Some(1), "{body}");

    down.store(false, Ordering::SeqCst);
    assert_eq!(get().await, (200, serde_json::json!([])));
}

/// The spec's error body, and nothing about the database in it.
fn assert_spec_error(body: &serde_json::Value) {
    let message = body["error"].as_str().expect("the spec's error shape");
    assert!(
        !message.contains("refactor.db"),
        "an internal detail leaked: {message}"
    );
    assert_eq!(
        body.as_object().map(serde_json::Map::len),
        Some(1),
        "{body}"
    );
}

/// A server on a SQLite store in a temporary dir, serving three labels of one run of `acme`.
struct Serving {
    dir: tempfile::TempDir,
    server: dropshot::HttpServer<refactor_server::api::AppState>,
    run: Uuid,
    labels: Vec<serde_json::Value>,
    /// The run's labels URL.
    url: String,
    /// A token of `acme`.
    token: String,
}

/// Starts [`Serving`] and checks that it serves the labels.
async fn serving_sqlite() -> Serving {
    let run = Uuid::from_u128(0xA1);
    let labels = refactor_conformance::in_memory::sample_labels(run, "acme", 3);
    let dir = tempfile::tempdir().expect("tempdir");
    let store = crate::support::sqlite_store(dir.path()).await;
    crate::support::seed(store.as_ref(), &labels, &[]).await;
    let server = start(store, hs256()).await;
    let url = format!("{}/v1/run/{run}/gold-labels", base_url(&server));
    let token = hs_token(&claims("acme"));
    assert_eq!(
        until_status(&url, &token, 200).await,
        serde_json::json!(labels)
    );
    Serving {
        dir,
        server,
        run,
        labels,
        url,
        token,
    }
}

/// A consistent copy of the SQLite database at `from`, written to `to`.
async fn copy_database(from: &std::path::Path, to: &std::path::Path) {
    let mut connection = sqlx::SqliteConnection::connect(&format!("sqlite://{}", from.display()))
        .await
        .expect("connect");
    sqlx::query(&format!("VACUUM INTO '{}'", to.display()))
        .execute(&mut connection)
        .await
        .expect("copy the database");
}

#[tokio::test]
async fn a_deleted_database_file_is_503_until_it_is_restored() {
    let Serving {
        dir,
        server: _server,
        labels,
        url,
        token,
        ..
    } = serving_sqlite().await;

    // A consistent copy to restore from, then the database goes away under the server.
    let database = dir.path().join("refactor.db");
    let backup = dir.path().join("backup.db");
    copy_database(&database, &backup).await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", database.display()));
    }
    // Not the unlinked copy the server's connections still hold: 503, in the spec's shape.
    assert_spec_error(&until_status(&url, &token, 503).await);

    std::fs::rename(&backup, &database).expect("restore");
    assert_eq!(
        until_status(&url, &token, 200).await,
        serde_json::json!(labels)
    );
}

#[tokio::test]
async fn a_replaced_database_file_is_served_from_the_new_file() {
    let Serving {
        dir,
        server: _server,
        labels,
        url,
        token,
        ..
    } = serving_sqlite().await;

    // Another database with the same write count but other labels, moved over the file: the
    // cache must not mistake it for the one it read.
    let other = tempfile::tempdir().expect("tempdir");
    let replacement = crate::support::sqlite_store(other.path()).await;
    let mut relabelled = labels.clone();
    relabelled[0]["output_resource_name"] = serde_json::json!("replaced");
    crate::support::seed(replacement.as_ref(), &relabelled, &[]).await;
    drop(replacement);
    let staged = dir.path().join("staged.db");
    copy_database(&other.path().join("refactor.db"), &staged).await;
    std::fs::rename(&staged, dir.path().join("refactor.db")).expect("replace");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let served = until_status(&url, &token, 200).await;
        if served == serde_json::json!(relabelled) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the replaced file is not served: {served}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn a_replacement_that_cannot_be_opened_is_503_and_its_journal_is_left_alone() {
    let Serving {
        dir,
        server: _server,
        labels,
        url,
        token,
        ..
    } = serving_sqlite().await;
    let database = dir.path().join("refactor.db");
    let backup = dir.path().join("backup.db");
    copy_database(&database, &backup).await;

    // A database from a newer build (a migration this one does not know) is moved over the
    // file: every reopen fails its migrations.
    let newer = dir.path().join("newer.db");
    copy_database(&database, &newer).await;
    let mut connection = sqlx::SqliteConnection::connect(&format!("sqlite://{}", newer.display()))
        .await
        .expect("connect");
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99999999, 'from a newer build', TRUE, x'00', 0)",
    )
    .execute(&mut connection)
    .await
    .expect("a migration from the future");
    drop(connection);
    std::fs::rename(&newer, &database).expect("replace");
    assert_spec_error(&until_status(&url, &token, 503).await);

    // Another process works on the new file meanwhile, its journal at `refactor.db-wal`: the
    // retries that follow, every poll and request, must not take it for the old file's.
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", database.display()))
        .await
        .expect("connect");
    for statement in [
        "PRAGMA journal_mode = WAL",
        "PRAGMA wal_autocheckpoint = 0",
        "CREATE TABLE notes (note TEXT)",
        "INSERT INTO notes VALUES ('kept')",
    ] {
        sqlx::query(statement)
            .execute(&mut other)
            .await
            .expect(statement);
    }
    let journal = dir.path().join("refactor.db-wal");
    assert!(journal.exists(), "the other process journals");
    for _ in 0..5 {
        assert_spec_error(&until_status(&url, &token, 503).await);
        tokio::time::sleep(refactor_server::store::POLL_INTERVAL).await;
    }
    // Its committed write is still in that journal (no checkpoint ran): a new reader sees it
    // only if the journal is still the one it wrote.
    let mut reader = sqlx::SqliteConnection::connect(&format!("sqlite://{}", database.display()))
        .await
        .expect("connect");
    let note: Result<String, _> = sqlx::query_scalar("SELECT note FROM notes")
        .fetch_one(&mut reader)
        .await;
    assert_eq!(
        note.ok().as_deref(),
        Some("kept"),
        "a retry removed the journal of a file it had not opened"
    );
    drop((reader, other));

    std::fs::rename(&backup, &database).expect("restore");
    assert_eq!(
        until_status(&url, &token, 200).await,
        serde_json::json!(labels)
    );
}

#[tokio::test]
async fn a_write_lock_held_elsewhere_stops_imports_with_a_clear_error_not_reads() {
    let Serving {
        dir,
        server: _server,
        run,
        labels,
        url,
        token,
    } = serving_sqlite().await;

    // Another process holds the write lock (an import, a backup tool, a hand-run transaction).
    let database = format!("sqlite://{}", dir.path().join("refactor.db").display());
    let mut locker = sqlx::SqliteConnection::connect(&database)
        .await
        .expect("connect");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut locker)
        .await
        .expect("lock");
    sqlx::query("UPDATE store_version SET version = version")
        .execute(&mut locker)
        .await
        .expect("write");

    // WAL readers never wait for a writer: the server keeps serving.
    assert_eq!(
        until_status(&url, &token, 200).await,
        serde_json::json!(labels)
    );
    // A write waits out the busy timeout, then fails saying why, and writes nothing.
    let writer = crate::support::sqlite_store(dir.path()).await;
    let mut more = refactor_conformance::in_memory::sample_labels(Uuid::from_u128(0xA2), "acme", 1);
    more[0]["id"] = serde_json::json!(Uuid::new_v4());
    let file = serde_json::Value::Array(more.clone()).to_string();
    let batch = refactor_server::import::parse_import(std::path::Path::new("<more>"), &file)
        .expect("batch");
    let error = writer.import(&batch).await.expect_err("locked");
    assert!(
        matches!(&error, StoreError::Unavailable(message) if message.contains("database is locked")),
        "{error}"
    );

    sqlx::query("COMMIT")
        .execute(&mut locker)
        .await
        .expect("commit");
    locker.close().await.expect("release");
    assert_eq!(
        writer
            .import(&batch)
            .await
            .expect("the lock is gone")
            .labels_created,
        1
    );
    let url = url.replace(&run.to_string(), &Uuid::from_u128(0xA2).to_string());
    assert_eq!(
        until_status(&url, &token, 200).await,
        serde_json::json!(more)
    );
}

/// Files made immutable (`chattr +i`: read-only even for root, whom permissions do not stop)
/// for as long as this lives.
struct Immutable(Vec<std::path::PathBuf>);

impl Immutable {
    /// `None` where the file system or the process cannot set the attribute.
    fn set(files: Vec<std::path::PathBuf>) -> Option<Self> {
        let done = std::process::Command::new("chattr")
            .arg("+i")
            .args(&files)
            .status()
            .is_ok_and(|status| status.success());
        done.then_some(Self(files))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .args(&self.0)
            .status();
    }
}

#[tokio::test]
async fn a_read_only_database_keeps_serving_and_refuses_imports_until_writable() {
    let Serving {
        dir,
        server: _server,
        run,
        labels,
        url,
        token,
    } = serving_sqlite().await;

    let files = ["refactor.db", "refactor.db-wal", "refactor.db-shm"]
        .iter()
        .map(|name| dir.path().join(name))
        .filter(|path| path.exists())
        .collect();
    let Some(read_only) = Immutable::set(files) else {
        eprintln!(
            "skipped: `chattr +i` is not available here (it needs e2fsprogs, a file system with \
             the immutable attribute and CAP_LINUX_IMMUTABLE)"
        );
        return;
    };

    // Reads need no write: the server keeps serving.
    assert_eq!(
        until_status(&url, &token, 200).await,
        serde_json::json!(labels)
    );
    // An import fails saying why, and writes nothing.
    let other_run = Uuid::from_u128(0xA2);
    let mut more = refactor_conformance::in_memory::sample_labels(other_run, "acme", 1);
    more[0]["id"] = serde_json::json!(Uuid::new_v4());
    let file = dir.path().join("more.json");
    std::fs::write(&file, serde_json::Value::Array(more.clone()).to_string()).expect("write");
    let import = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_refactor-server"))
            .arg("import")
            .arg(&file)
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("REFACTOR_DATABASE")
            .output()
            .expect("run refactor-server import")
    };
    let refused = import();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && stderr.contains("readonly database"),
        "{stderr}"
    );
    let other_url = url.replace(&run.to_string(), &other_run.to_string());
    assert_spec_error(&until_status(&other_url, &token, 404).await);

    // Writable again: the same import goes through and is served.
    drop(read_only);
    let accepted = import();
    assert!(
        accepted.status.success(),
        "{}",
        String::from_utf8_lossy(&accepted.stderr)
    );
    assert_eq!(
        until_status(&other_url, &token, 200).await,
        serde_json::json!(more)
    );
}
