//! Starting real servers on temporary data dirs, and minting tokens of every kind.

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dropshot::HttpServer;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use refactor_server::api::AppState;
use refactor_server::auth::{Authenticator, ClaimRequirements};
use refactor_server::import::parse_import;
use refactor_server::serve;
use refactor_server::store::{GoldLabelStore, SqliteStore};
use serde_json::{Value, json};

/// The HS256 secret the test servers use.
pub const SECRET: &[u8] = b"test-secret-of-at-least-32-bytes!!";

/// A SQLite store in `dir`.
pub async fn sqlite_store(dir: &Path) -> Box<dyn GoldLabelStore> {
    let url = format!("sqlite://{}", dir.join("refactor.db").display());
    Box::new(
        SqliteStore::open(&url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}")),
    )
}

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
    serve::start(store, auth, bind, slog::Level::Warning)
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
