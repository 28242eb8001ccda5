//! Running the HTTP server: dropshot with the generated API description and the production
//! endpoints, one log line per request, metrics, and a graceful stop on SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context as _, anyhow};
use dropshot::{ApiDescription, ConfigDropshot, HttpServer, ServerBuilder};
use refactor_server_api::refactor_api_mod;

use crate::api::{AppState, ServerApi};
use crate::auth::Authenticator;
use crate::endpoints;
use crate::logging::server_logger;
use crate::metrics::{Metrics, Operations, RequestMetricsDrain};
use crate::store::{CachedStore, DEFAULT_CACHE_SIZE, GoldLabelStore};

/// How to serve.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// Where to listen (port 0 picks a free port).
    pub bind: SocketAddr,
    /// The least severe log records written.
    pub log_level: slog::Level,
    /// The most bytes the response cache holds.
    pub cache_size: u64,
}

impl ServeOptions {
    /// On `bind`, logging warnings and worse, with the default cache size.
    pub fn quiet(bind: SocketAddr) -> Self {
        Self {
            bind,
            log_level: slog::Level::Warning,
            cache_size: DEFAULT_CACHE_SIZE,
        }
    }
}

/// The API trait's endpoints and the production endpoints ([`endpoints`]), which stay out of
/// the OpenAPI document.
pub fn api_description() -> anyhow::Result<ApiDescription<AppState>> {
    let mut api = refactor_api_mod::api_description::<ServerApi>()
        .map_err(|error| anyhow!("the API description does not build: {error}"))?;
    endpoints::register(&mut api)
        .map_err(|error| anyhow!("the production endpoints do not register: {error}"))?;
    Ok(api)
}

/// Starts serving `store` with `auth`; reads are cached (see [`CachedStore`]).
pub async fn start(
    store: Box<dyn GoldLabelStore>,
    auth: Authenticator,
    options: &ServeOptions,
) -> anyhow::Result<HttpServer<AppState>> {
    let store = Arc::new(CachedStore::new(store, options.cache_size).await);
    let document: serde_json::Value = serde_json::from_str(refactor_types::OPENAPI_DOCUMENT)
        .context("the embedded OpenAPI document is not JSON")?;
    let operations = Operations::new(&document, endpoints::ROUTES);
    let metrics = Arc::new(Metrics::new(operations, Arc::clone(&store)));
    let state = AppState {
        store,
        auth,
        metrics: Arc::clone(&metrics),
    };
    let api = api_description()?;
    // dropshot logs one `request completed` line per request (request id, status, latency),
    // which the metrics count too.
    let log = server_logger(options.log_level, RequestMetricsDrain::new(metrics));
    let bind = options.bind;
    let config = ConfigDropshot {
        bind_address: bind,
        ..Default::default()
    };
    ServerBuilder::new(api, state, log)
        .config(config)
        .start()
        .map_err(|error| anyhow!("failed to listen on {bind}: {error}"))
}

/// Serves until SIGINT or SIGTERM, then lets in-flight requests finish.
pub async fn run_until_signal(server: HttpServer<AppState>) -> anyhow::Result<()> {
    shutdown_signal().await?;
    eprintln!("shutting down");
    server
        .close()
        .await
        .map_err(|error| anyhow!("shutdown failed: {error}"))
}

#[cfg(unix)]
async fn shutdown_signal() -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate()).context("failed to listen for SIGTERM")?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result.context("failed to listen for SIGINT"),
        _ = terminate.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn shutdown_signal() -> anyhow::Result<()> {
    tokio::signal::ctrl_c()
        .await
        .context("failed to listen for Ctrl-C")
}
