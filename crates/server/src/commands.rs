//! What each command does, from parsed arguments to output.

use std::path::Path;

use anyhow::Context as _;

use crate::auth::{Authenticator, ClaimRequirements, DevTokenIssuer, load_or_create_secret};
use crate::cli::{ImportArgs, JwtArgs, LogLevel, ServeArgs, StorageArgs, TokenArgs};
use crate::demo::{DEMO_ACCOUNT, DEMO_RUN, load_demo};
use crate::import::read_import;
use crate::store::GoldLabelStore;
use crate::{serve, store};

/// `serve`: open the store, optionally load the demo, serve until a signal.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let store = open(&args.storage).await?;
    let (auth, dev_secret) = authenticator(&args.jwt, &args.storage.data_dir)?;
    if args.demo {
        let report = load_demo(store.as_ref())
            .await
            .context("failed to load the demo data")?;
        eprintln!(
            "demo data: {} labels created, {} unchanged",
            report.labels_created, report.labels_unchanged
        );
    }
    let options = serve::ServeOptions {
        bind: args.bind,
        log_level: log_level(args.log_level),
        cache_size: args.cache_size,
    };
    let server = serve::start(store, auth, &options).await?;
    let base_url = format!("http://{}", server.local_addr());
    println!(
        "listening on {base_url} (database {})",
        store::redacted(&args.storage.database_url())
    );
    if args.demo {
        print_demo_access(
            &base_url,
            dev_secret.as_deref(),
            &args.jwt.claims.requirements(),
        )?;
    }
    serve::run_until_signal(server).await
}

fn print_demo_access(
    base_url: &str,
    dev_secret: Option<&[u8]>,
    claims: &ClaimRequirements,
) -> anyhow::Result<()> {
    let Some(secret) = dev_secret else {
        println!(
            "demo: tokens are verified with --jwt-public-key; sign one for account {DEMO_ACCOUNT:?} yourself"
        );
        return Ok(());
    };
    let token = DevTokenIssuer::new(secret)?.issue(
        DEMO_ACCOUNT,
        None,
        std::time::Duration::from_secs(12 * 3600),
        claims,
    )?;
    println!("development token for account {DEMO_ACCOUNT:?} (valid 12h):\n{token}");
    println!(
        "try:\ncurl -H 'Authorization: Bearer {token}' {base_url}/v1/run/{DEMO_RUN}/gold-labels"
    );
    Ok(())
}

/// `token`: print a development token.
pub fn token(args: TokenArgs) -> anyhow::Result<()> {
    let secret = match args.jwt_secret {
        Some(secret) => secret.into_bytes(),
        None => load_or_create_secret(&args.data_dir)?,
    };
    let claims = args.claims.requirements();
    let token = DevTokenIssuer::new(&secret)?.issue(
        &args.account,
        args.subject.as_deref(),
        args.ttl,
        &claims,
    )?;
    println!("{token}");
    Ok(())
}

/// `import`: validate the whole file, then write it in one transaction.
pub async fn import(args: ImportArgs) -> anyhow::Result<()> {
    // Validate before touching the database: a bad file changes nothing, not even migrations.
    let batch = read_import(&args.file)?;
    let store = open(&args.storage).await?;
    eprintln!(
        "writing {} runs and {} labels to {} in one transaction",
        batch.runs.len(),
        batch.labels.len(),
        store::redacted(&args.storage.database_url())
    );
    let report = store
        .import(&batch)
        .await
        .with_context(|| format!("failed to import {}", args.file.display()))?;
    eprintln!(
        "imported {}: {} runs created; labels: {} created, {} updated, {} unchanged",
        args.file.display(),
        report.runs_created,
        report.labels_created,
        report.labels_updated,
        report.labels_unchanged
    );
    Ok(())
}

/// `openapi`: print the document the server implements.
pub fn openapi() -> anyhow::Result<()> {
    println!("{}", refactor_types::OPENAPI_DOCUMENT);
    Ok(())
}

/// `migrate`: create and migrate the database.
pub async fn migrate(args: StorageArgs) -> anyhow::Result<()> {
    open(&args).await?;
    eprintln!(
        "database {} is up to date",
        store::redacted(&args.database_url())
    );
    Ok(())
}

async fn open(storage: &StorageArgs) -> anyhow::Result<Box<dyn GoldLabelStore>> {
    let url = storage.database_url();
    if store::Backend::of(&url) == Some(store::Backend::Sqlite) {
        std::fs::create_dir_all(&storage.data_dir)
            .with_context(|| format!("failed to create {}", storage.data_dir.display()))?;
    }
    store::open_store(&url, &storage.store_options())
        .await
        .with_context(|| format!("failed to open the database {}", store::redacted(&url)))
}

/// The authenticator, and the HS256 secret when tokens can be issued locally.
fn authenticator(
    jwt: &JwtArgs,
    data_dir: &Path,
) -> anyhow::Result<(Authenticator, Option<Vec<u8>>)> {
    let claims = jwt.claims.requirements();
    if let Some(path) = &jwt.jwt_public_key {
        return Ok((Authenticator::public_key(path, &claims)?, None));
    }
    let secret = match &jwt.jwt_secret {
        Some(secret) => secret.clone().into_bytes(),
        None => load_or_create_secret(data_dir)?,
    };
    Ok((Authenticator::hs256(&secret, &claims)?, Some(secret)))
}

fn log_level(level: LogLevel) -> slog::Level {
    match level {
        LogLevel::Trace => slog::Level::Trace,
        LogLevel::Debug => slog::Level::Debug,
        LogLevel::Info => slog::Level::Info,
        LogLevel::Warn => slog::Level::Warning,
        LogLevel::Error => slog::Level::Error,
    }
}
