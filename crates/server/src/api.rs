//! The implementation of the generated `RefactorApi` trait: authenticate, ask the store, answer
//! in the spec's shapes. Handlers hold no SQL and no JWT details.

use dropshot::{Path, RequestContext};
use refactor_server_api::{
    ApiError, JsonBody, ListRunGoldLabelsPath, ListRunGoldLabelsResponse, RefactorApi,
};

use std::sync::Arc;

use crate::auth::Authenticator;
use crate::metrics::Metrics;
use crate::store::{CachedStore, GoldLabelStore as _};

/// What every request can reach.
pub struct AppState {
    /// Where labels live, behind the response cache.
    pub store: Arc<CachedStore>,
    /// How bearer tokens are verified.
    pub auth: Authenticator,
    /// What `GET /metrics` reports.
    pub metrics: Arc<Metrics>,
}

/// The server's implementation of the API trait.
pub enum ServerApi {}

impl RefactorApi for ServerApi {
    type Context = AppState;

    async fn list_run_gold_labels(
        rqctx: RequestContext<Self::Context>,
        path: Path<ListRunGoldLabelsPath>,
    ) -> Result<ListRunGoldLabelsResponse, ApiError> {
        let state = rqctx.context();
        let account = match state.auth.authenticate(rqctx.request.headers()) {
            Ok(account) => account,
            Err(error) => return Ok(ListRunGoldLabelsResponse::unauthorized(error.to_string())),
        };
        let run = path.into_inner().id;
        let visible = state
            .store
            .run_labels(run)
            .await
            .map(|found| found.and_then(|r| r.visible_to(&account)));
        match visible {
            Ok(Some(json)) => Ok(ListRunGoldLabelsResponse::Ok(JsonBody::from_encoded(json))),
            // An unknown run and another account's run get the same answer: nothing leaks.
            Ok(None) => Ok(ListRunGoldLabelsResponse::not_found(format!(
                "run {run} not found"
            ))),
            Err(error) => Err(ApiError::unavailable(
                "the database is unavailable; try again later",
            )
            .with_internal_message(error.to_string())),
        }
    }
}
