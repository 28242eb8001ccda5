//! Starting real servers on temporary databases of every backend, and minting tokens of every
//! kind.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dropshot::HttpServer;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use refactor_server::api::AppState;
use refactor_server::auth::{Authenticator, ClaimRequirements};
use refactor_server::import::parse_import;
use refactor_server::serve;
use refactor_server::store::{Backend, GoldLabelStore, SqliteStore, StoreOptions, open_store};
use serde_json::{Value, json};
use sqlx::Connection as _;

/// The HS256 secret the test servers use.
pub const SECRET: &[u8] = b"test-secret-of-at-least-32-bytes!!";

/// A SQLite store in `dir`.
pub async fn sqlite_store(dir: &Path) -> Box<dyn GoldLabelStore> {
    let url = format!("sqlite://{}", dir.join("refactor.db").display());
    Box::new(
        SqliteStore::open(&url, &StoreOptions::default())
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}")),
    )
}

/// The variable naming the PostgreSQL server the tests use.
const POSTGRES_URL_VARIABLE: &str = "REFACTOR_TEST_POSTGRES_URL";
/// Set (by CI) to fail rather than skip when there is no PostgreSQL server.
const POSTGRES_REQUIRED_VARIABLE: &str = "REFACTOR_TEST_POSTGRES_REQUIRED";

/// A fresh, empty database of one backend, with a data dir for the server's other files: a
/// SQLite file in a temporary directory, or a PostgreSQL schema of its own (dropped afterwards)
/// on the server `REFACTOR_TEST_POSTGRES_URL` names.
pub struct TestDatabase {
    backend: Backend,
    url: String,
    data_dir: tempfile::TempDir,
    postgres_schema: Option<(String, String)>,
}

impl TestDatabase {
    /// A fresh database, or `None` (after saying how to run them) when the PostgreSQL tests
    /// have no server.
    pub async fn new(backend: Backend) -> Option<Self> {
        let data_dir = tempfile::tempdir().expect("tempdir");
        match backend {
            Backend::Sqlite => {
                let url = format!("sqlite://{}", data_dir.path().join("refactor.db").display());
                Some(Self {
                    backend,
                    url,
                    data_dir,
                    postgres_schema: None,
                })
            }
            Backend::Postgres => {
                let Ok(server) = std::env::var(POSTGRES_URL_VARIABLE) else {
                    assert!(
                        std::env::var_os(POSTGRES_REQUIRED_VARIABLE).is_none(),
                        "{POSTGRES_REQUIRED_VARIABLE} is set but {POSTGRES_URL_VARIABLE} is not"
                    );
                    eprintln!(
                        "skipped: no PostgreSQL server. Run `eval \"$(.ci/postgres)\"` (or set \
                         {POSTGRES_URL_VARIABLE}=postgres://USER@HOST/DATABASE) to run the PostgreSQL tests"
                    );
                    return None;
                };
                let schema = format!("refactor_test_{}", uuid::Uuid::new_v4().simple());
                let mut connection = sqlx::PgConnection::connect(&server)
                    .await
                    .unwrap_or_else(|e| panic!("connect to {POSTGRES_URL_VARIABLE}: {e}"));
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&mut connection)
                    .await
                    .unwrap_or_else(|e| panic!("create schema {schema}: {e}"));
                let separator = if server.contains('?') { '&' } else { '?' };
                // The schema doubles as the application name, so a test can find its connections.
                let url = format!(
                    "{server}{separator}options[search_path]={schema}&application_name={schema}"
                );
                Some(Self {
                    backend,
                    url,
                    data_dir,
                    postgres_schema: Some((server, schema)),
                })
            }
        }
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The PostgreSQL server's address (host and port).
    pub fn postgres_address(&self) -> String {
        let url = url::Url::parse(&self.url).expect("a PostgreSQL URL");
        format!(
            "{}:{}",
            url.host_str().expect("a host"),
            url.port().unwrap_or(5432)
        )
    }

    /// This database's URL with the server reached at `address` instead (a proxy).
    pub fn url_via(&self, address: std::net::SocketAddr) -> String {
        let mut url = url::Url::parse(&self.url).expect("a PostgreSQL URL");
        url.set_ip_host(address.ip()).expect("an IP host");
        url.set_port(Some(address.port())).expect("a port");
        url.to_string()
    }

    /// Terminates every PostgreSQL connection this database's stores hold, as a database restart
    /// or a failover would. Returns how many there were.
    pub async fn kill_connections(&self) -> i64 {
        let (server, schema) = self
            .postgres_schema
            .as_ref()
            .expect("a PostgreSQL database");
        let mut connection = sqlx::PgConnection::connect(server).await.expect("connect");
        sqlx::query_scalar(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
        )
        .bind(schema)
        .fetch_one(&mut connection)
        .await
        .expect("terminate connections")
    }

    /// The server's data dir (the SQLite file and the development JWT secret live there).
    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// A store on this database (each call opens another, as another process would).
    pub async fn store(&self) -> Box<dyn GoldLabelStore> {
        open_store(&self.url, &StoreOptions::default())
            .await
            .unwrap_or_else(|e| panic!("open {}: {e}", self.url))
    }

    /// `refactor-server <subcommand>` on this database.
    pub fn command(&self, subcommand: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_refactor-server"));
        command
            .arg(subcommand)
            .arg("--data-dir")
            .arg(self.data_dir())
            .arg("--database")
            .arg(&self.url)
            .env_remove("REFACTOR_DATABASE");
        command
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server, schema)) = self.postgres_schema.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot block on itself: use a thread.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut connection = sqlx::PgConnection::connect(&server).await?;
                sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                    .execute(&mut connection)
                    .await?;
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
            })
        })
        .join();
        if let Ok(Err(error)) = dropped {
            eprintln!("warning: could not drop a test schema: {error}");
        }
    }
}

/// Defines, for each named `async fn case(db: TestDatabase)` of the calling module, a test in
/// module `sqlite` and one in module `postgres` that run it on a fresh database of that backend.
macro_rules! on_every_backend {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let backend = refactor_server::store::Backend::Sqlite;
                    if let Some(db) = $crate::support::TestDatabase::new(backend).await {
                        super::$case(db).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let backend = refactor_server::store::Backend::Postgres;
                    if let Some(db) = $crate::support::TestDatabase::new(backend).await {
                        super::$case(db).await;
                    }
                }
            )*
        }
    };
}
pub(crate) use on_every_backend;

/// Imports `labels` (the spec's JSON shape) and `empty_runs` into `store`.
pub async fn seed(store: &dyn GoldLabelStore, labels: &[Value], empty_runs: &[(uuid::Uuid, &str)]) {
    let runs: Vec<Value> = empty_runs
        .iter()
        .map(|(id, account)| json!({"id": id, "account_id": account}))
        .collect();
    let file = json!({"runs": runs, "gold_labels": labels});
    let batch = parse_import(Path::new("<seed>"), &file.to_string())
        .unwrap_or_else(|e| panic!("seed: {e}"));
    store
        .import(&batch)
        .await
        .unwrap_or_else(|e| panic!("seed import: {e}"));
}

/// Serves `store` with `auth` on an ephemeral port.
pub async fn start(store: Box<dyn GoldLabelStore>, auth: Authenticator) -> HttpServer<AppState> {
    let bind = "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}"));
    serve::start(store, auth, &serve::ServeOptions::quiet(bind))
        .await
        .unwrap_or_else(|e| panic!("start: {e}"))
}

/// The base URL of `server`.
pub fn base_url(server: &HttpServer<AppState>) -> String {
    format!("http://{}", server.local_addr())
}

/// The HS256 authenticator of the test servers.
pub fn hs256() -> Authenticator {
    Authenticator::hs256(SECRET, &ClaimRequirements::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// A test fixture's path.
pub fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn now() -> i64 {
    i64::try_from(jsonwebtoken::get_current_timestamp()).unwrap_or(i64::MAX)
}

/// Claims for `account` expiring in an hour; edit them for the case at hand.
pub fn claims(account: &str) -> Value {
    json!({"sub": "tester", "account_id": account, "iat": now(), "exp": now() + 3600})
}

/// Shifts a timestamp claim by `by` from now.
pub fn at(by: Duration, future: bool) -> i64 {
    let by = i64::try_from(by.as_secs()).unwrap_or(0);
    if future { now() + by } else { now() - by }
}

/// Signs `claims` with `algorithm` and `key`.
pub fn sign(claims: &Value, algorithm: Algorithm, key: &EncodingKey) -> String {
    jsonwebtoken::encode(&Header::new(algorithm), claims, key)
        .unwrap_or_else(|e| panic!("sign: {e}"))
}

/// An HS256 token with the test secret.
pub fn hs_token(claims: &Value) -> String {
    let key = EncodingKey::from_secret(SECRET).unwrap_or_else(|e| panic!("{e}"));
    sign(claims, Algorithm::HS256, &key)
}

/// An unsigned token (`alg: none`), as an attacker would send it.
pub fn unsigned_token(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.")
}

/// Polls `url` with `token` until it answers `status` (or ten seconds pass); returns the body.
pub async fn until_status(url: &str, token: &str, status: u16) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let response = reqwest::Client::new()
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        let answered = response.status().as_u16();
        let body: serde_json::Value = response.json().await.expect("every answer is JSON");
        if answered == status {
            return body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still {answered} instead of {status}: {body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

/// A TCP proxy on loopback that can be stopped (every connection through it cut, new ones
/// refused) and started again on the same address: a database server that stops and returns.
pub struct Proxy {
    address: std::net::SocketAddr,
    target: String,
    tasks: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Proxy {
    /// Forwards a free loopback port to `target`.
    pub async fn start(target: &str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let address = listener.local_addr().expect("the proxy's address");
        let proxy = Self {
            address,
            target: target.to_owned(),
            tasks: std::sync::Arc::default(),
        };
        proxy.serve(listener);
        proxy
    }

    /// Where clients connect.
    pub fn address(&self) -> std::net::SocketAddr {
        self.address
    }

    fn serve(&self, listener: tokio::net::TcpListener) {
        let (target, tasks) = (self.target.clone(), std::sync::Arc::clone(&self.tasks));
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let target = target.clone();
                let forward = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                if let Ok(mut tasks) = tasks.lock() {
                    tasks.push(forward);
                }
            }
        });
        if let Ok(mut tasks) = self.tasks.lock() {
            tasks.push(accept);
        }
    }

    /// Cuts every connection and stops listening.
    pub fn stop(&self) {
        if let Ok(mut tasks) = self.tasks.lock() {
            for task in tasks.drain(..) {
                task.abort();
            }
        }
    }

    /// Listens again on the same address.
    pub async fn restart(&self) {
        // The aborted listener closes asynchronously: retry the bind briefly.
        for _ in 0..100 {
            if let Ok(listener) = tokio::net::TcpListener::bind(self.address).await {
                self.serve(listener);
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the proxy could not listen on {} again", self.address);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `GET url` without a token: the status and the body as text.
pub async fn get(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.expect("request");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

/// Polls `GET url` (no token) until it answers `status` (or ten seconds pass); returns the body.
pub async fn until_get(url: &str, status: u16) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (answered, body) = get(url).await;
        if answered == status {
            return body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{url}: still {answered} instead of {status}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
