//! An in-memory implementation of the generated trait: the smallest server that honours the
//! spec (bearer token, account scoping, 200/401/404), used to test the generated code alone.

use std::collections::HashMap;

use dropshot::{HttpServer, RequestContext, ServerBuilder};
use refactor_server_api::{
    ApiError, ListRunGoldLabelsPath, ListRunGoldLabelsResponse, RefactorApi, refactor_api_mod,
};
use refactor_types::RunGoldLabel;
use serde_json::{Value, json};
use uuid::Uuid;

/// What the in-memory server knows: one token per account, and runs with their labels.
#[derive(Debug, Default)]
pub struct InMemoryStore {
    tokens: HashMap<String, String>,
    runs: HashMap<Uuid, (String, Vec<RunGoldLabel>)>,
}

impl InMemoryStore {
    /// Accepts `token` as the bearer token of `account`.
    pub fn with_token(mut self, token: &str, account: &str) -> Self {
        self.tokens.insert(token.to_owned(), account.to_owned());
        self
    }

    /// Adds a run of `account` holding `labels` (JSON objects in the spec's `RunGoldLabel` shape).
    pub fn with_run(mut self, run: Uuid, account: &str, labels: &[Value]) -> Self {
        let labels = labels
            .iter()
            .map(|label| {
                serde_json::from_value(label.clone())
                    .unwrap_or_else(|e| panic!("fixture label {label}: {e}"))
            })
            .collect();
        self.runs.insert(run, (account.to_owned(), labels));
        self
    }

    fn account_of(&self, headers: &http::HeaderMap) -> Option<&str> {
        let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
        let token = value.strip_prefix("Bearer ")?;
        self.tokens.get(token).map(String::as_str)
    }
}

/// The implementation type of the trait.
pub enum InMemoryApi {}

impl RefactorApi for InMemoryApi {
    type Context = InMemoryStore;

    async fn list_run_gold_labels(
        rqctx: RequestContext<Self::Context>,
        path: dropshot::Path<ListRunGoldLabelsPath>,
    ) -> Result<ListRunGoldLabelsResponse, ApiError> {
        let store = rqctx.context();
        let Some(account) = store.account_of(rqctx.request.headers()) else {
            return Ok(ListRunGoldLabelsResponse::unauthorized(
                "missing or invalid bearer token",
            ));
        };
        let run = path.into_inner().id;
        Ok(
            match store.runs.get(&run).filter(|(owner, _)| owner == account) {
                Some((_, labels)) => ListRunGoldLabelsResponse::Ok(labels.clone().into()),
                None => ListRunGoldLabelsResponse::not_found(format!("run {run} not found")),
            },
        )
    }
}

/// Serves `store` on an ephemeral loopback port.
pub fn serve(store: InMemoryStore) -> HttpServer<InMemoryStore> {
    let api = refactor_api_mod::api_description::<InMemoryApi>()
        .unwrap_or_else(|error| panic!("the trait's description must build: {error}"));
    let config = dropshot::ConfigDropshot {
        bind_address: "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
        ..Default::default()
    };
    let log = dropshot::ConfigLogging::StderrTerminal {
        level: dropshot::ConfigLoggingLevel::Warn,
    }
    .to_logger("in-memory")
    .unwrap_or_else(|error| panic!("logger: {error}"));
    ServerBuilder::new(api, store, log)
        .config(config)
        .start()
        .unwrap_or_else(|error| panic!("the server must start: {error}"))
}

/// `count` labels of `run` for `account`, mixing text and object values, in the spec's shape.
/// Each optional nullable property is, label by label, a value, `null` or absent, so a round
/// trip shows whether the three are kept apart.
pub fn sample_labels(run: Uuid, account: &str, count: usize) -> Vec<Value> {
    (0..count)
        .map(|index| {
            let mut label = json!({
                "id": Uuid::from_u128(0x1000 + index as u128),
                "account_id": account,
                "run_id": run,
                "output_resource_name": format!("output-{index}"),
                "created_at": format!("2026-01-01T00:00:{:02}Z", index % 60),
            });
            let mut set = |name: &str, value: Value| label[name] = value;
            match index % 3 {
                0 => {
                    set("text_value", json!(format!("label {index} ✓")));
                    set("updated_by", Value::Null);
                }
                1 => {
                    set("text_value", Value::Null);
                    set(
                        "object_value",
                        json!({"score": index, "tags": ["a", "b"], "nested": {"ok": true}}),
                    );
                    set("object_value_is_partial", json!(index % 2 == 0));
                    set("updated_by", json!("reviewer-2"));
                    set("updated_at", json!("2026-01-02T00:00:00Z"));
                }
                _ => {
                    set("object_value", Value::Null);
                    set("object_value_is_partial", Value::Null);
                }
            }
            match index % 4 {
                0 | 2 => set("created_by", json!("user-1")),
                1 => set("created_by", Value::Null),
                _ => {}
            }
            label
        })
        .collect()
}
