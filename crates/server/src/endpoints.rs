//! The production endpoints beside the API: unauthenticated, outside the API trait and kept out
//! of its OpenAPI document (`unpublished`).
//!
//! - `GET /healthz`: the process is alive (200);
//! - `GET /readyz`: the store is reachable and migrated (200), or 503 with the API's error body
//!   `{"error": "..."}`, so that a load balancer drains a replica whose database is gone;
//! - `GET /metrics`: Prometheus metrics (see [`crate::metrics`]);
//! - `GET /openapi.json`: the document the server implements (what `refactor-server openapi`
//!   prints).

use dropshot::{ApiDescription, Body, HttpError, RequestContext, endpoint};
use http::{Response, StatusCode, header};

use crate::api::AppState;
use crate::store::{GoldLabelStore as _, StoreError};

/// The endpoints as the metrics name them: method, path and operation.
pub const ROUTES: [(&str, &str, &str); 4] = [
    ("GET", "/healthz", "healthz"),
    ("GET", "/readyz", "readyz"),
    ("GET", "/metrics", "metrics"),
    ("GET", "/openapi.json", "openapi"),
];

/// Adds the endpoints to `api`.
pub fn register(
    api: &mut ApiDescription<AppState>,
) -> Result<(), dropshot::ApiDescriptionRegisterError> {
    api.register(healthz)?;
    api.register(readyz)?;
    api.register(metrics)?;
    api.register(openapi)
}

fn respond(
    status: StatusCode,
    content_type: &str,
    body: impl Into<Body>,
) -> Result<Response<Body>, HttpError> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "no-store")
        .body(body.into())
        .map_err(|error| HttpError::for_internal_error(error.to_string()))
}

/// The process is alive.
#[endpoint { method = GET, path = "/healthz", unpublished = true }]
async fn healthz(_rqctx: RequestContext<AppState>) -> Result<Response<Body>, HttpError> {
    respond(StatusCode::OK, "application/json", r#"{"status":"ok"}"#)
}

/// The store is reachable and migrated.
#[endpoint { method = GET, path = "/readyz", unpublished = true }]
async fn readyz(rqctx: RequestContext<AppState>) -> Result<Response<Body>, HttpError> {
    let reason = match rqctx.context().store.ready().await {
        Ok(()) => return respond(StatusCode::OK, "application/json", r#"{"status":"ready"}"#),
        // Unauthenticated: say what is wrong, not where (the log has the detail).
        Err(StoreError::NotMigrated(_)) => "not ready: the database is not migrated",
        Err(_) => "not ready: the database is unavailable",
    };
    let body = serde_json::json!({ "error": reason }).to_string();
    respond(StatusCode::SERVICE_UNAVAILABLE, "application/json", body)
}

/// Prometheus metrics.
#[endpoint { method = GET, path = "/metrics", unpublished = true }]
async fn metrics(rqctx: RequestContext<AppState>) -> Result<Response<Body>, HttpError> {
    let text = rqctx.context().metrics.encode();
    respond(StatusCode::OK, crate::metrics::CONTENT_TYPE, text)
}

/// The OpenAPI document this server implements.
#[endpoint { method = GET, path = "/openapi.json", unpublished = true }]
async fn openapi(_rqctx: RequestContext<AppState>) -> Result<Response<Body>, HttpError> {
    respond(
        StatusCode::OK,
        "application/json",
        refactor_types::OPENAPI_DOCUMENT,
    )
}
