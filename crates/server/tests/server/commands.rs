//! `migrate` on every backend, and what the commands say about a database they cannot use.

use std::process::Command;

use crate::support::{TestDatabase, on_every_backend};

on_every_backend!(migrate_creates_the_schema_once_and_serving_finds_it);

async fn migrate_creates_the_schema_once_and_serving_finds_it(db: TestDatabase) {
    for _ in 0..2 {
        let output = db.command("migrate").output().expect("run migrate");
        let message = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{message}");
        assert!(message.contains("is up to date"), "{message}");
    }
    // The migrated database is what a store opens: the version exists and nothing is stored.
    let store = db.store().await;
    assert_eq!(store.version().await.expect("version"), 0);
}

fn migrate(database: &str) -> (bool, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = Command::new(env!("CARGO_BIN_EXE_refactor-server"))
        .args([
            "migrate",
            "--database",
            database,
            "--database-acquire-timeout",
            "3s",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .expect("run migrate");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_default_database_is_in_a_data_dir_whose_name_looks_like_a_url() {
    let parent = tempfile::tempdir().expect("tempdir");
    let data_dir = parent.path().join("q?x=1%41#a");
    let output = Command::new(env!("CARGO_BIN_EXE_refactor-server"))
        .arg("migrate")
        .arg("--data-dir")
        .arg(&data_dir)
        .output()
        .expect("run migrate");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(data_dir.join("refactor.db").is_file());
}

#[test]
fn an_unreachable_database_is_a_clear_error_without_the_password() {
    // Port 1 on loopback refuses connections at once.
    let (ok, message) = migrate("postgres://app:hunter2@127.0.0.1:1/labels");
    assert!(!ok);
    assert!(
        message.contains("failed to open the database postgres://app:***@127.0.0.1:1/labels"),
        "{message}"
    );
    assert!(
        !message.contains("hunter2"),
        "the password leaked: {message}"
    );
}

#[test]
fn an_unknown_scheme_names_the_ones_that_work() {
    let (ok, message) = migrate("mysql://root:hunter2@db/labels");
    assert!(!ok);
    assert!(
        message.contains("expected sqlite://PATH or postgres://"),
        "{message}"
    );
    assert!(
        !message.contains("hunter2"),
        "the password leaked: {message}"
    );
}

#[tokio::test]
async fn a_server_stopped_by_sigterm_logs_every_request_it_served() {
    use std::io::{BufRead as _, BufReader, Read as _};
    use std::process::Stdio;

    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = Command::new(env!("CARGO_BIN_EXE_refactor-server"))
        .args(["serve", "--bind", "127.0.0.1:0", "--log-level", "info"])
        .arg("--data-dir")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start refactor-server serve");
    let mut stdout = BufReader::new(server.stdout.take().expect("piped stdout"));
    let mut stderr = server.stderr.take().expect("piped stderr");
    let logged = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut listening = String::new();
    stdout.read_line(&mut listening).expect("read stdout");
    let base_url = listening
        .strip_prefix("listening on ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("the server did not start: {listening:?}"))
        .to_owned();

    let requests = 5;
    for _ in 0..requests {
        let status = reqwest::get(format!(
            "{base_url}/v1/run/{}/gold-labels",
            uuid::Uuid::nil()
        ))
        .await
        .expect("request")
        .status();
        assert_eq!(status, 401);
    }
    // At once, well within the log's flush interval.
    // The shell's own `kill`: minimal systems may have no kill binary.
    let killed = Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", server.id())])
        .status()
        .expect("run kill");
    assert!(killed.success());
    assert!(server.wait().expect("wait").success(), "a clean stop");
    let log = logged.join().expect("stderr reader");
    assert_eq!(log.matches("request completed").count(), requests, "{log}");
}
