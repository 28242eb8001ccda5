//! Running the HTTP server: dropshot with the generated API description, one log line per
//! request, and a graceful stop on SIGINT or SIGTERM.

use std::net::SocketAddr;

use anyhow::{Context as _, anyhow};
use dropshot::{ConfigDropshot, HttpServer, ServerBuilder};
use refactor_server_api::refactor_api_mod;

use crate::api::{AppState, ServerApi};
use crate::auth::Authenticator;
use crate::logging::server_logger;
use crate::store::{CachedStore, GoldLabelStore};

/// Starts serving `store` with `auth` on `bind` (port 0 picks a free port); reads are cached
/// (see [`CachedStore`]).
pub async fn start(
    store: Box<dyn GoldLabelStore>,
    auth: Authenticator,
    bind: SocketAddr,
    log_level: slog::Level,
) -> anyhow::Result<HttpServer<AppState>> {
    let state = AppState {
        store: Box::new(CachedStore::new(store).await),
        auth,
    };
    let api = refactor_api_mod::api_description::<ServerApi>()
        .map_err(|error| anyhow!("the API description does not build: {error}"))?;
    // dropshot logs one `request completed` line per request (request id, status, latency).
    let log = server_logger(log_level);
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
