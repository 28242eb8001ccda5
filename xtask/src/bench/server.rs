//! Server: the release server on SQLite (and PostgreSQL when given) under `wrk`, one run of
//! 10 to 10,000 labels, the 404 and 401 paths, and the quiet log level.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, ensure};
use serde_json::{Value, json};

use super::load::{Load, ensure_wrk, measure};
use super::process::Server;
use super::{Check, Plan, spread};

/// What one load row measures.
#[derive(Debug, Clone, Copy)]
enum Case {
    /// The run of this many labels.
    Labels(u32),
    /// A run that does not exist (404).
    UnknownRun,
    /// The 100-label run without a token (401).
    NoToken,
}

/// A server configuration and the rows measured on it.
struct Setup<'a> {
    /// Appended to each row's name.
    suffix: &'static str,
    log_level: &'static str,
    /// `--database`; `None` is the SQLite file in the data dir.
    database: Option<&'a str>,
    cases: Vec<Case>,
}

/// The setups measured: SQLite at the default log level with every case, SQLite with
/// `--log-level warn`, and PostgreSQL when a database is given.
fn setups<'a>(sizes: &[u32], postgres: Option<&'a str>) -> Vec<Setup<'a>> {
    let mut everything: Vec<Case> = sizes.iter().map(|size| Case::Labels(*size)).collect();
    everything.extend([Case::UnknownRun, Case::NoToken]);
    let mut setups = vec![
        Setup {
            suffix: "",
            log_level: "info",
            database: None,
            cases: everything,
        },
        Setup {
            suffix: ", `--log-level warn`",
            log_level: "warn",
            database: None,
            cases: vec![Case::Labels(100)],
        },
    ];
    if let Some(url) = postgres {
        setups.push(Setup {
            suffix: ", PostgreSQL",
            log_level: "info",
            database: Some(url),
            cases: vec![Case::Labels(100), Case::Labels(1_000)],
        });
    }
    setups
}

pub(super) fn server_section(
    root: &Path,
    plan: Plan,
    postgres: Option<&str>,
    checks: &mut Vec<Check>,
) -> anyhow::Result<String> {
    ensure_wrk()?;
    let server_binary = super::release_binary(root, "refactor-server");
    let data = ScratchDir::new("bench-server")?;
    let sizes = [10_u32, 100, 1_000, 10_000];
    let dataset = data.path().join("labels.json");
    std::fs::write(&dataset, serde_json::to_vec(&dataset_json(&sizes))?)?;
    let data_arg = data.path().display().to_string();
    let token = sign_token(&server_binary, &data_arg)?;

    let mut text = String::from(
        "## Server\n\n`refactor-server serve` (release, HS256 JWT checked on every request, one log line \
         per request at the default `info` level; SQLite in a temporary data dir unless the row says \
         PostgreSQL, which runs on the same machine) under `wrk -t2 -c64 -d<duration> --latency` on \
         loopback. Errors are socket errors, timeouts and unexpected statuses. Peak RSS is the \
         server's `VmHWM`, reset before each run.\n\n\
         | case | requests/s (min / median / max) | p50 | p99 | errors | peak RSS | response bytes |\n\
         |---|---|---|---|---|---|---|\n",
    );
    let (mut peak_rss, mut total_errors) = (0.0_f64, 0_u64);
    let mut per_size: Vec<(String, f64, usize)> = Vec::new();
    for setup in setups(&sizes, postgres) {
        import(&server_binary, &data_arg, setup.database, &dataset)?;
        let mut server = Server::start(&server_binary, &data_arg, setup.database, setup.log_level)?;
        for case in &setup.cases {
            let (name, url, token, success) = match *case {
                Case::Labels(size) => (
                    format!("{size} labels"),
                    run_url(&server.base_url, size),
                    Some(token.as_str()),
                    true,
                ),
                Case::UnknownRun => (
                    "unknown run (404)".to_owned(),
                    format!("{}/v1/run/{}/gold-labels", server.base_url, uuid_of(999)),
                    Some(token.as_str()),
                    false,
                ),
                Case::NoToken => (
                    "no token (401)".to_owned(),
                    run_url(&server.base_url, 100),
                    None,
                    false,
                ),
            };
            let label = format!("{name}{}", setup.suffix);
            let bytes = response_bytes(&url, token)?;
            let loads = (0..plan.runs)
                .map(|_| measure(&mut server, &url, token, plan.duration, success))
                .collect::<anyhow::Result<Vec<Load>>>()?;
            let (min, median, max) = spread(
                &loads
                    .iter()
                    .map(|l| l.requests_per_second)
                    .collect::<Vec<_>>(),
            );
            let middle = loads
                .iter()
                .min_by(|a, b| {
                    (a.requests_per_second - median)
                        .abs()
                        .total_cmp(&(b.requests_per_second - median).abs())
                })
                .context("no load runs")?;
            let errors: u64 = loads.iter().map(|l| l.errors).sum();
            let rss = loads.iter().map(|l| l.peak_rss_mib).fold(0.0, f64::max);
            let _ = writeln!(
                text,
                "| {label} | {min:.0} / **{median:.0}** / {max:.0} | {:.2} ms | {:.2} ms | {errors} | {rss:.1} MiB | {bytes} |",
                middle.p50_ms, middle.p99_ms
            );
            if label == "100 labels" {
                checks.push(Check {
                    target: "100 labels: >= 18,000 requests/s (moonshot 24,000)".into(),
                    measured: format!("{median:.0}"),
                    met: median >= 18_000.0,
                });
                checks.push(Check {
                    target: "100 labels, every request logged: >= 32,000 requests/s (1.5x the best peer)"
                        .into(),
                    measured: format!("{median:.0}"),
                    met: median >= 32_000.0,
                });
                checks.push(Check {
                    target: "100 labels: p99 <= 10 ms".into(),
                    measured: format!("{:.2} ms", middle.p99_ms),
                    met: middle.p99_ms <= 10.0,
                });
            }
            peak_rss = peak_rss.max(rss);
            total_errors += errors;
            per_size.push((label, median, bytes));
        }
        server.stop();
    }
    if postgres.is_none() {
        text.push_str(
            "\nPostgreSQL rows: `cargo xtask bench --postgres postgres://USER@HOST/DATABASE` (for \
             example the server `.ci/postgres` starts).\n",
        );
    }
    text.push('\n');
    checks.push(Check {
        target: "peak RSS <= 64 MiB".into(),
        measured: format!("{peak_rss:.1} MiB"),
        met: peak_rss <= 64.0,
    });
    checks.push(Check {
        target: "zero errors".into(),
        measured: total_errors.to_string(),
        met: total_errors == 0,
    });
    // Linear cost: from 1,000 labels up, bytes per second should stay within a factor of two.
    let throughput: Vec<f64> = per_size
        .iter()
        .filter(|(label, ..)| label == "1000 labels" || label == "10000 labels")
        .map(|(_, rps, bytes)| rps * *bytes as f64)
        .collect();
    if let [small, large] = throughput.as_slice() {
        let ratio = small / large;
        checks.push(Check {
            target: "cost linear in labels (bytes/s at 1,000 vs 10,000 labels within 2x)".into(),
            measured: format!("{:.0} vs {:.0} MB/s", small / 1e6, large / 1e6),
            met: (0.5..=2.0).contains(&ratio),
        });
    }
    Ok(text)
}

/// Imports the bench dataset (idempotent) into the data dir's SQLite file or `database`.
pub(super) fn import(
    binary: &Path,
    data_dir: &str,
    database: Option<&str>,
    dataset: &Path,
) -> anyhow::Result<()> {
    let mut command = Command::new(binary);
    command
        .arg("import")
        .arg(dataset)
        .args(["--data-dir", data_dir]);
    if let Some(database) = database {
        command.args(["--database", database]);
    }
    let output = command
        .output()
        .context("failed to import the bench data")?;
    ensure!(
        output.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}

/// A fresh directory under the system's temp dir for one section's data and server logs
/// (gigabytes at the `info` level under load), removed when dropped, also when the bench fails.
pub(super) struct ScratchDir(PathBuf);

impl ScratchDir {
    pub(super) fn new(name: &str) -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("failed to create {}", dir.display()))?;
        Ok(Self(dir))
    }

    pub(super) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn uuid_of(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

pub(super) fn run_url(base: &str, size: u32) -> String {
    format!("{base}/v1/run/{}/gold-labels", uuid_of(size))
}

/// One run per size, each with that many labels mixing text and object values.
pub(super) fn dataset_json(sizes: &[u32]) -> Value {
    let mut labels = Vec::new();
    for &size in sizes {
        for index in 0..size {
            let mut label = json!({
                "id": format!("{:08x}-0000-4000-8000-{index:012}", size),
                "account_id": "bench",
                "run_id": uuid_of(size),
                "output_resource_name": format!("output-{}", index % 7),
                "created_by": "annotator-3",
                "created_at": format!("2026-01-01T{:02}:{:02}:{:02}Z", index / 3600 % 24, index / 60 % 60, index % 60),
            });
            if index % 2 == 0 {
                label["text_value"] =
                    json!(format!("gold answer number {index}, «with» some text ✓"));
            } else {
                label["object_value"] =
                    json!({"label": "positive", "score": index, "spans": [[1, 4], [7, 9]]});
                label["object_value_is_partial"] = json!(index % 3 == 0);
            }
            labels.push(label);
        }
    }
    json!({"gold_labels": labels})
}

pub(super) fn response_bytes(url: &str, token: Option<&str>) -> anyhow::Result<usize> {
    let mut command = Command::new("curl");
    command.args(["-s", url]);
    if let Some(token) = token {
        command.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    Ok(command.output().context("failed to run curl")?.stdout.len())
}

/// A development token for the bench's account, signed by `binary` with the data dir's secret.
pub(super) fn sign_token(binary: &Path, data_dir: &str) -> anyhow::Result<String> {
    let output = Command::new(binary)
        .args(["token", "--account", "bench", "--data-dir", data_dir])
        .output()
        .context("failed to run refactor-server token")?;
    ensure!(
        output.status.success(),
        "refactor-server token failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
