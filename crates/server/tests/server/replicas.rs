//! Two `refactor-server` processes on one PostgreSQL database behave as one service: what is
//! imported into the database is served by both, and either keeps serving while the other is down.
//! A replica whose connections die (a database restart, a failover) reconnects by itself.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use refactor_conformance::in_memory::sample_labels;
use refactor_conformance::round_trip::Target;
use refactor_server::store::Backend;
use serde_json::Value;
use uuid::Uuid;

use crate::support::{
    SECRET, TestDatabase, base_url, claims, hs_token, hs256, seed, start, until_status,
};

/// How long a replica may take to show a write (its cache polls the version every 50 ms).
const CONVERGENCE: Duration = Duration::from_secs(5);

/// A server process, killed when dropped.
struct Replica {
    child: Child,
    base_url: String,
}

impl Replica {
    fn start(db: &TestDatabase) -> Self {
        let mut child = db
            .command("serve")
            .args(["--bind", "127.0.0.1:0", "--log-level", "warn"])
            .env(
                "REFACTOR_JWT_SECRET",
                std::str::from_utf8(SECRET).expect("utf-8 secret"),
            )
            .stdout(Stdio::piped())
            .spawn()
            .expect("start refactor-server serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = receiver
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_default();
        let mut replica = Self {
            child,
            base_url: String::new(),
        };
        // "listening on http://127.0.0.1:PORT (database ...)"
        replica.base_url = line
            .strip_prefix("listening on ")
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("the replica did not start: {line:?}"))
            .to_owned();
        replica
    }

    fn target(&self) -> Target {
        Target::new(self.base_url.clone(), hs_token(&claims("acme")))
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn import(db: &TestDatabase, labels: &[Value]) {
    let file = db
        .data_dir()
        .join(format!("import-{}.json", Uuid::new_v4()));
    std::fs::write(&file, Value::Array(labels.to_vec()).to_string()).expect("write");
    let output = db
        .command("import")
        .arg(&file)
        .output()
        .expect("run import");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Waits until `replica` serves `labels` for `run`, then asserts it exactly.
async fn assert_serves(replica: &Replica, run: Uuid, labels: &[Value]) {
    let deadline = Instant::now() + CONVERGENCE;
    let url = format!("{}/v1/run/{run}/gold-labels", replica.base_url);
    let token = hs_token(&claims("acme"));
    loop {
        let response = reqwest::Client::new()
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .expect("request");
        let served = response.status().is_success()
            && response
                .json::<Vec<Value>>()
                .await
                .is_ok_and(|v| v.len() == labels.len());
        if served || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    replica.target().assert_lists(run, labels).await;
}

#[tokio::test]
async fn two_replicas_serve_one_database_and_survive_each_other() {
    let Some(db) = TestDatabase::new(Backend::Postgres).await else {
        return;
    };
    let first = Replica::start(&db);
    let second = Replica::start(&db);
    let run = Uuid::from_u128(0xA1);
    first.target().assert_not_found(run).await;
    second.target().assert_not_found(run).await;

    let labels = sample_labels(run, "acme", 5);
    import(&db, &labels);
    assert_serves(&first, run, &labels).await;
    assert_serves(&second, run, &labels).await;

    // One replica down: the other serves what was there and what is written meanwhile.
    first.stop();
    let later_run = Uuid::from_u128(0xA2);
    let later = sample_labels(later_run, "acme", 3)
        .into_iter()
        .map(|mut label| {
            label["id"] = serde_json::json!(Uuid::new_v4());
            label
        })
        .collect::<Vec<_>>();
    import(&db, &later);
    assert_serves(&second, run, &labels).await;
    assert_serves(&second, later_run, &later).await;

    // And a replica started afterwards serves everything.
    let restarted = Replica::start(&db);
    assert_serves(&restarted, later_run, &later).await;
    second.stop();
    assert_serves(&restarted, run, &labels).await;
}

#[tokio::test]
async fn a_replica_reconnects_when_its_connections_are_killed() {
    let Some(db) = TestDatabase::new(Backend::Postgres).await else {
        return;
    };
    let run = Uuid::from_u128(0xA1);
    let labels = sample_labels(run, "acme", 3);
    let store = db.store().await;
    seed(store.as_ref(), &labels, &[]).await;
    let server = start(store, hs256()).await;
    let target = Target::new(base_url(&server), hs_token(&claims("acme")));
    target.assert_lists(run, &labels).await;

    assert!(
        db.kill_connections().await > 0,
        "the server held no connection"
    );
    // Written through a new connection; the server must reconnect to see it and serve it.
    let later_run = Uuid::from_u128(0xA2);
    let later: Vec<Value> = sample_labels(later_run, "acme", 2)
        .into_iter()
        .map(|mut label| {
            label["id"] = serde_json::json!(Uuid::new_v4());
            label
        })
        .collect();
    import(&db, &later);
    let url = format!("{}/v1/run/{later_run}/gold-labels", base_url(&server));
    until_status(&url, &hs_token(&claims("acme")), 200).await;
    target.assert_lists(later_run, &later).await;
    target.assert_lists(run, &labels).await;
}
