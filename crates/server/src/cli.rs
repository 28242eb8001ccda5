//! The command line: every flag is also an environment variable `REFACTOR_<FLAG>`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::auth::ClaimRequirements;
use crate::store::StoreOptions;

/// The reference server of the re-factor API.
#[derive(Debug, Parser)]
#[command(name = "refactor-server", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The server's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (creating and migrating the database first).
    Serve(ServeArgs),
    /// Print a signed development token (HS256) for an account.
    Token(TokenArgs),
    /// Import gold labels from a JSON file, all or nothing, idempotent by id.
    Import(ImportArgs),
    /// Create the database if needed and apply its migrations.
    Migrate(StorageArgs),
    /// Print the OpenAPI document this server implements (JSON): the spec with its overlay,
    /// normalized as the generated crates were generated from it.
    Openapi,
}

/// Where data lives.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Directory for the database and the development JWT secret.
    #[arg(long, env = "REFACTOR_DATA_DIR", default_value = "./refactor-data")]
    pub data_dir: PathBuf,
    /// Database URL: sqlite://PATH, or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE for
    /// replicas sharing one database [default: sqlite://<data-dir>/refactor.db].
    #[arg(long, env = "REFACTOR_DATABASE", hide_env_values = true)]
    pub database: Option<String>,
    /// Most database connections this process opens [default: two per core].
    #[arg(long, env = "REFACTOR_DATABASE_MAX_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..))]
    pub database_max_connections: Option<u32>,
    /// How long a request waits for a database connection before answering 503.
    #[arg(long, env = "REFACTOR_DATABASE_ACQUIRE_TIMEOUT", default_value = "2s", value_parser = parse_duration)]
    pub database_acquire_timeout: Duration,
}

impl StorageArgs {
    /// The database URL, defaulting to a SQLite file in the data dir.
    pub fn database_url(&self) -> String {
        self.database.clone().unwrap_or_else(|| {
            // sqlx reads `?` as the start of parameters and decodes `%XX` in the path.
            let path = self.data_dir.join("refactor.db").display().to_string();
            format!("sqlite://{}", path.replace('%', "%25").replace('?', "%3F"))
        })
    }

    /// The connection pool's settings.
    pub fn store_options(&self) -> StoreOptions {
        let defaults = StoreOptions::default();
        StoreOptions {
            max_connections: self
                .database_max_connections
                .unwrap_or(defaults.max_connections),
            acquire_timeout: self.database_acquire_timeout,
        }
    }
}

/// How tokens are verified.
#[derive(Debug, Clone, Args)]
pub struct JwtArgs {
    /// HS256 secret for development tokens [default: generated once into <data-dir>/jwt-secret].
    #[arg(long, env = "REFACTOR_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// PEM public key (RSA for RS256, EC P-256 for ES256) for production tokens; replaces HS256.
    #[arg(long, env = "REFACTOR_JWT_PUBLIC_KEY", conflicts_with = "jwt_secret")]
    pub jwt_public_key: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub claims: ClaimArgs,
}

/// The issuer and audience every token carries: required by `serve`, written by `token` (and
/// by `serve --demo`), so one environment configures both.
#[derive(Debug, Clone, Args)]
pub struct ClaimArgs {
    /// The `iss` claim every token must carry (and development tokens get).
    #[arg(long, env = "REFACTOR_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// The `aud` claim every token must carry (and development tokens get).
    #[arg(long, env = "REFACTOR_JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
}

impl ClaimArgs {
    /// As the authenticator and the token issuer take them.
    pub fn requirements(&self) -> ClaimRequirements {
        ClaimRequirements {
            issuer: self.jwt_issuer.clone(),
            audience: self.jwt_audience.clone(),
        }
    }
}

/// Log verbosity.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogLevel {
    /// Everything, including request start.
    Trace,
    /// Debugging detail.
    Debug,
    /// One line per request (the default).
    Info,
    /// Problems only.
    Warn,
    /// Errors only.
    Error,
}

/// `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "REFACTOR_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Load the demo data (idempotent) and print a development token and a curl command.
    #[arg(long, env = "REFACTOR_DEMO")]
    pub demo: bool,
    /// Log verbosity.
    #[arg(long, env = "REFACTOR_LOG_LEVEL", value_enum, default_value = "info")]
    pub log_level: LogLevel,
    /// The most memory the response cache holds: `256MiB`, `64M`, `1GiB` or bytes. Entries are
    /// counted by their encoded size (plus a fixed overhead) and the least useful evicted.
    #[arg(long, env = "REFACTOR_CACHE_SIZE", default_value = "256MiB", value_parser = parse_size)]
    pub cache_size: u64,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub storage: StorageArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub jwt: JwtArgs,
}

/// `token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The account the token acts for (its `account_id` claim).
    #[arg(long, env = "REFACTOR_ACCOUNT")]
    pub account: String,
    /// The `sub` claim [default: the account].
    #[arg(long, env = "REFACTOR_SUBJECT")]
    pub subject: Option<String>,
    /// How long the token is valid: `90s`, `30m`, `12h`, `7d`.
    #[arg(long, env = "REFACTOR_TTL", default_value = "12h", value_parser = parse_duration)]
    pub ttl: Duration,
    /// Directory holding the development JWT secret.
    #[arg(long, env = "REFACTOR_DATA_DIR", default_value = "./refactor-data")]
    pub data_dir: PathBuf,
    /// HS256 secret [default: the one in <data-dir>/jwt-secret].
    #[arg(long, env = "REFACTOR_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub claims: ClaimArgs,
}

/// `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// JSON file: `{"runs": [...], "gold_labels": [...]}` or an array of gold labels.
    #[arg(env = "REFACTOR_FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub storage: StorageArgs,
}

/// Parses `90s`, `30m`, `12h`, `7d` (a bare number is seconds).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 30m or 12h"))?;
    let seconds = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?} (use s, m, h or d)"
            ));
        }
    };
    number
        .checked_mul(seconds)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("{text:?} is too long"))
}

/// Parses a size in bytes: `512`, `64K`/`64KiB`, `256M`/`256MiB`, `1G`/`1GiB` (binary units;
/// `KB`, `MB`, `GB` are read the same way, as memory sizes usually are).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size like 256MiB or 1GiB"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?} (use KiB, MiB or GiB)"
            ));
        }
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("{text:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_the_usual_units() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(604_800)));
        assert!(parse_duration("12 parsecs").is_err());
    }

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("64K"), Ok(64 * 1024));
        assert_eq!(parse_size("256MiB"), Ok(256 * 1024 * 1024));
        assert_eq!(parse_size("1 GiB"), Ok(1 << 30));
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("MiB").is_err());
        assert!(parse_size("99999999999999G").is_err());
    }

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory as _;
        Cli::command().debug_assert();
    }
}
