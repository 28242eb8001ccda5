//! `cargo xtask bench`: the numbers users compare generators and servers by, measured the way
//! they would, and written to `BENCHMARKS.md`.
//!
//! 1. Codegen: whole-process wall time of the release generator (`codegen --check`, which
//!    generates everything in memory) on the seed spec and on the nexus spec of the corpus.
//! 2. Server: the release `refactor-server` on a temporary data dir, driven by `wrk` (installed
//!    from Debian's packages when missing) with 64 connections on loopback: runs of 10 to 10,000
//!    labels, the 404 path and the 401 path; requests/s, p50, p99, errors and peak RSS.
//! 3. Client: the criterion bench `refactor-client/benches/decode.rs`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use serde_json::{Value, json};

/// How long and how often to measure.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Runs per measurement (min/median/max are over these).
    pub runs: usize,
    /// Duration of each load run.
    pub duration: Duration,
}

impl Plan {
    /// The full plan: several runs of 10 s.
    pub const FULL: Self = Self {
        runs: 3,
        duration: Duration::from_secs(10),
    };
    /// A quick look: one short run each.
    pub const QUICK: Self = Self {
        runs: 1,
        duration: Duration::from_secs(3),
    };
}

/// min, median and max of `values`.
fn spread(values: &[f64]) -> (f64, f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN);
    (
        sorted.first().copied().unwrap_or(f64::NAN),
        median,
        sorted.last().copied().unwrap_or(f64::NAN),
    )
}

/// A target and how the run fared against it.
struct Check {
    target: String,
    measured: String,
    met: bool,
}

/// Runs everything and returns the Markdown report.
///
/// With `postgres` (a database the bench may import its runs into), the server is also measured
/// on PostgreSQL.
pub fn run(
    root: &Path,
    corpus: &Path,
    plan: Plan,
    postgres: Option<&str>,
) -> anyhow::Result<String> {
    cargo(
        root,
        &["build", "--release", "-p", "xtask", "-p", "refactor-server"],
    )?;
    let mut checks = Vec::new();
    let mut report = header(plan)?;
    report.push_str(&codegen_section(root, corpus, plan, &mut checks)?);
    report.push_str(&server_section(root, plan, postgres, &mut checks)?);
    report.push_str(&client_section(root, plan, &mut checks)?);
    report.push_str("## Targets\n\n| target | measured | met |\n|---|---|---|\n");
    for check in &checks {
        let _ = writeln!(
            report,
            "| {} | {} | {} |",
            check.target,
            check.measured,
            if check.met { "yes" } else { "**no**" }
        );
    }
    report.push_str(NOTES);
    Ok(report)
}

/// Where the time goes, and why the design looks the way it does.
const NOTES: &str = "
## Where the time goes

- **Serving a run** is a map lookup and a reference-counted clone of bytes encoded once: each label
  is stored as the JSON the API serves, a run's labels come out of SQLite as one `group_concat`
  (one indexed query), and `CachedStore` keeps the encoded array until the store's version
  changes. The version is polled every 50 ms (one primary-key read), which makes a write by any
  process or replica visible within 50 ms without a query per request. What is left per request
  is hyper and dropshot (routing, extractors), HS256 verification of the token (base64, HMAC,
  claims parsing) and the request log.
- **PostgreSQL** rows match SQLite's because neither database is on the request path once a
  run is cached: each replica reads the store's version every 50 ms and a run's labels once per
  write (one `string_agg` over the same index). A write costs each replica one uncached read
  per run it serves.
- **The request log** is dropshot's `request completed` line, formatted by a background thread into
  a buffer flushed when full or every 100 ms. dropshot's default logger formats and flushes each
  record and filters levels only after queueing, which alone costs several thousand requests per
  second (see `../shared/DESIGN.md`); filtering before the queue makes `--log-level warn` free.
- **Large runs** are bounded by copying the response into the socket: throughput in bytes stays flat
  from 1,000 labels up, and memory does not grow with connections because every response shares
  the cached bytes.
- **Codegen** of the seed is dominated by process start-up and progenitor's type space; the nexus
  spec by progenitor and typify (the client and the types are generated from two type spaces) and
  prettyplease. Locating warnings reads the source once for all of them (a lookup per warning
  re-read the 436 KB document 104 times and took a second).
- **Client decoding** into the generated types costs about what decoding into plain strings does
  (within run-to-run noise either way): parsing a `Uuid` or a `DateTime<Utc>` in place costs
  about as much as allocating the `String` it replaces. Most of the rest is the `object_value`
  maps, which every decoder builds. The client's response path adds reqwest's body handling around the same
  `from_slice`.
";

fn cargo(root: &Path, args: &[&str]) -> anyhow::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(args)
        .current_dir(root)
        .status()
        .context("failed to run cargo")?;
    ensure!(status.success(), "cargo {} failed", args.join(" "));
    Ok(())
}

fn header(plan: Plan) -> anyhow::Result<String> {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_owned())
        })
        .and_then(|kib| kib.parse::<u64>().ok())
        .map_or_else(
            || "unknown".to_owned(),
            |kib| format!("{:.1} GiB", kib as f64 / 1024.0 / 1024.0),
        );
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let mut text = String::from("# Benchmarks\n\n");
    let _ = writeln!(
        text,
        "Written by `cargo xtask bench` (release builds): this page is its output.\n\n\
         Machine: {cores} cores ({cpu}), {memory}; the load generator shares the cores with the server. \
         {} run(s) per load figure, each of {} s; codegen runs are counted in its table.\n",
        plan.runs,
        plan.duration.as_secs()
    );
    Ok(text)
}

fn codegen_section(
    root: &Path,
    corpus: &Path,
    plan: Plan,
    checks: &mut Vec<Check>,
) -> anyhow::Result<String> {
    let generator = root.join("target/release/xtask");
    let mut text = String::from(
        "## Codegen\n\nWhole-process wall time of the release generator: `xtask codegen --check` loads, \
         normalizes and generates every crate in memory and compares (no writes).\n\n\
         | spec | target | runs | min | median | max |\n|---|---|---|---|---|---|\n",
    );
    // Process start-up dominates the seed's figure, so it gets many runs after a warm-up that
    // brings the binary into the page cache.
    time_command(&generator, &["codegen", "--check"], root, 1)?;
    let seed_runs = plan.runs.max(21);
    let seed = time_command(&generator, &["codegen", "--check"], root, seed_runs)?;
    let _ = writeln!(
        text,
        "| `spec/openapi.yaml` (1 operation) | <= 15 ms | {seed_runs} | {} |",
        ms_row(seed)
    );
    checks.push(Check {
        target: "codegen of the seed <= 15 ms".into(),
        measured: format!("{:.1} ms", seed.1),
        met: seed.1 <= 15.0,
    });
    let nexus = corpus.join("progenitor-nexus.json");
    if nexus.is_file() {
        let out = std::env::temp_dir().join(format!("bench-nexus-{}", std::process::id()));
        let spec = nexus.display().to_string();
        let out_text = out.display().to_string();
        time_command(
            &generator,
            &["codegen", "--spec", &spec, "--out", &out_text],
            root,
            1,
        )?;
        let nexus_runs = plan.runs.max(5);
        let timing = time_command(
            &generator,
            &["codegen", "--check", "--spec", &spec, "--out", &out_text],
            root,
            nexus_runs,
        )?;
        let _ = writeln!(
            text,
            "| `progenitor-nexus.json` (193 operations) | < 1 s | {nexus_runs} | {} |",
            ms_row(timing)
        );
        checks.push(Check {
            target: "codegen of nexus < 1 s".into(),
            measured: format!("{:.0} ms", timing.1),
            met: timing.1 < 1000.0,
        });
        let _ = std::fs::remove_dir_all(out);
    } else {
        let _ = writeln!(
            text,
            "| `progenitor-nexus.json` | < 1 s | 0 | (no corpus at {}) | | |",
            corpus.display()
        );
    }
    text.push('\n');
    Ok(text)
}

fn ms_row((min, median, max): (f64, f64, f64)) -> String {
    format!("{min:.1} ms | {median:.1} ms | {max:.1} ms")
}

fn time_command(
    program: &Path,
    args: &[&str],
    dir: &Path,
    runs: usize,
) -> anyhow::Result<(f64, f64, f64)> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let output = Command::new(program)
            .args(args)
            .current_dir(dir)
            .output()
            .context("failed to run the generator")?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        ensure!(
            output.status.success(),
            "{} {} failed: {}",
            program.display(),
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(spread(&times))
}

/// One load measurement.
struct Load {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
    peak_rss_mib: f64,
}

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

fn server_section(
    root: &Path,
    plan: Plan,
    postgres: Option<&str>,
    checks: &mut Vec<Check>,
) -> anyhow::Result<String> {
    ensure_wrk()?;
    let server_binary = root.join("target/release/refactor-server");
    let data = tempdir("bench-server")?;
    let sizes = [10_u32, 100, 1_000, 10_000];
    let dataset = data.join("labels.json");
    std::fs::write(&dataset, serde_json::to_vec(&dataset_json(&sizes))?)?;
    let data_arg = data.display().to_string();
    let token = Command::new(&server_binary)
        .args(["token", "--account", "bench", "--data-dir", &data_arg])
        .output()
        .context("failed to sign a token")?;
    let token = String::from_utf8_lossy(&token.stdout).trim().to_owned();

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
    let _ = std::fs::remove_dir_all(&data);
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
fn import(
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

fn ensure_wrk() -> anyhow::Result<()> {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return Ok(());
    }
    eprintln!("bench: installing wrk from Debian's packages");
    let status = Command::new("apt-get")
        .args(["install", "-y", "wrk"])
        .status()
        .context("failed to run apt-get")?;
    ensure!(
        status.success(),
        "wrk is missing and `apt-get install -y wrk` failed"
    );
    Ok(())
}

fn tempdir(name: &str) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn uuid_of(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn run_url(base: &str, size: u32) -> String {
    format!("{base}/v1/run/{}/gold-labels", uuid_of(size))
}

/// One run per size, each with that many labels mixing text and object values.
fn dataset_json(sizes: &[u32]) -> Value {
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

fn response_bytes(url: &str, token: Option<&str>) -> anyhow::Result<usize> {
    let mut command = Command::new("curl");
    command.args(["-s", url]);
    if let Some(token) = token {
        command.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    Ok(command.output().context("failed to run curl")?.stdout.len())
}

/// A running server.
struct Server {
    child: Child,
    base_url: String,
}

impl Server {
    fn start(
        binary: &Path,
        data_dir: &str,
        database: Option<&str>,
        log_level: &str,
    ) -> anyhow::Result<Self> {
        let port = free_port()?;
        let bind = format!("127.0.0.1:{port}");
        let log =
            std::fs::File::create(std::env::temp_dir().join(format!("bench-server-{port}.log")))?;
        let mut command = Command::new(binary);
        command.args([
            "serve",
            "--bind",
            &bind,
            "--data-dir",
            data_dir,
            "--log-level",
            log_level,
        ]);
        if let Some(database) = database {
            command.args(["--database", database]);
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .context("failed to start refactor-server")?;
        let base_url = format!("http://{bind}");
        for _ in 0..100 {
            if std::net::TcpStream::connect(&bind).is_ok() {
                return Ok(Self { child, base_url });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("refactor-server did not start listening on {bind}")
    }

    fn reset_peak_rss(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
    }

    fn peak_rss_mib(&self) -> f64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            })
            .map_or(f64::NAN, |kib| kib / 1024.0)
    }

    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn measure(
    server: &mut Server,
    url: &str,
    token: Option<&str>,
    duration: Duration,
    success: bool,
) -> anyhow::Result<Load> {
    server.reset_peak_rss();
    let mut command = Command::new("wrk");
    command.args([
        "-t2",
        "-c64",
        &format!("-d{}s", duration.as_secs()),
        "--latency",
    ]);
    if let Some(token) = token {
        command.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    let output = command.arg(url).output().context("failed to run wrk")?;
    ensure!(
        output.status.success(),
        "wrk failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let number_after = |prefix: &str| -> Option<f64> {
        text.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .and_then(|l| {
                l.trim_start()
                    .strip_prefix(prefix)?
                    .split_whitespace()
                    .next()
                    .map(str::to_owned)
            })
            .and_then(|v| parse_latency_ms(&v).or_else(|| v.parse().ok()))
    };
    let requests_per_second =
        number_after("Requests/sec:").context("wrk printed no Requests/sec")?;
    let socket_errors: u64 = text
        .lines()
        .find(|l| l.contains("Socket errors:"))
        .map(|l| {
            l.split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    let non_2xx = number_after("Non-2xx or 3xx responses:").unwrap_or(0.0) as u64;
    let total: u64 = text
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    // A 404 or 401 case expects every response to be one.
    let unexpected = if success {
        non_2xx
    } else {
        total.saturating_sub(non_2xx)
    };
    Ok(Load {
        requests_per_second,
        p50_ms: number_after("50%").unwrap_or(f64::NAN),
        p99_ms: number_after("99%").unwrap_or(f64::NAN),
        errors: socket_errors + unexpected,
        peak_rss_mib: server.peak_rss_mib(),
    })
}

/// wrk's `1.23ms`, `456.00us`, `1.20s` in milliseconds.
fn parse_latency_ms(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    match unit {
        "us" => Some(number / 1000.0),
        "ms" => Some(number),
        "s" => Some(number * 1000.0),
        _ => None,
    }
}

/// glibc settings for the decode bench: keep freed memory in the heap instead of unmapping it,
/// so that each iteration does not fault in its megabytes afresh. Without them, whether an
/// iteration's large vectors get fresh pages from the kernel varies from run to run and moves
/// every figure by up to 50%, more than the decoders differ.
const STEADY_HEAP: &str =
    "glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=4294967295";

/// The decoders of `crates/client/benches/decode.rs`, the plain baseline second.
const DECODERS: [&str; 4] = [
    "generated_types",
    "plain_structs",
    "plain_value",
    "generated_client_response",
];

fn client_section(root: &Path, plan: Plan, checks: &mut Vec<Check>) -> anyhow::Result<String> {
    let runs = plan.runs;
    // Per decoder, the median time of each criterion run; and the generated/plain ratio of each.
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); DECODERS.len()];
    let mut ratios = Vec::new();
    for _ in 0..runs {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args([
                "bench",
                "-p",
                "refactor-client",
                "--bench",
                "decode",
                "--",
                "--noplot",
            ])
            .env("GLIBC_TUNABLES", STEADY_HEAP)
            .current_dir(root)
            .status()
            .context("failed to run cargo bench")?;
        ensure!(status.success(), "cargo bench -p refactor-client failed");
        let estimates: Vec<f64> = DECODERS
            .iter()
            .map(|id| {
                criterion_median(root, id)
                    .with_context(|| format!("criterion wrote no estimate for {id}"))
            })
            .collect::<anyhow::Result<_>>()?;
        ratios.push(estimates[0] / estimates[1]);
        for (all, estimate) in times.iter_mut().zip(estimates) {
            all.push(estimate);
        }
    }
    let mut text = format!(
        "## Client\n\nDecoding 10,000 labels (criterion, `crates/client/benches/decode.rs`, {runs} run(s)) with \
         `serde_json::from_slice` on the same bytes: into the generated client's types, into \
         hand-written structs of plain strings (nothing parsed or checked), into `serde_json::Value`; \
         and the generated client's whole response path (`ResponseValue::from_response`). Each run's \
         figure is criterion's median; the ratio is the median of the runs' ratios. The bench runs \
         with `GLIBC_TUNABLES={STEADY_HEAP}`: glibc keeps freed memory instead of unmapping it after \
         every iteration, whose page faults otherwise move every figure by up to 50% from run to \
         run.\n\n| decoder | min | median | max |\n|---|---|---|---|\n"
    );
    for (id, all) in DECODERS.iter().zip(&times) {
        let (min, median, max) = spread(all);
        let _ = writeln!(
            text,
            "| `{id}` | {:.2} ms | {:.2} ms | {:.2} ms |",
            min / 1e6,
            median / 1e6,
            max / 1e6
        );
    }
    let (_, ratio, _) = spread(&ratios);
    let _ = writeln!(
        text,
        "\n`generated_types` / `plain_structs`: **{ratio:.2}x** (runs: {}).",
        ratios
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    checks.push(Check {
        target: "client decode within 1.2x of plain serde_json".into(),
        measured: format!("{ratio:.2}x"),
        met: ratio <= 1.2,
    });
    text.push('\n');
    Ok(text)
}

/// Criterion's median estimate of `id` (nanoseconds) from its last run.
fn criterion_median(root: &Path, id: &str) -> Option<f64> {
    let path = root.join(format!(
        "target/criterion/decode_10000_labels/{id}/new/estimates.json"
    ));
    let value: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    value.pointer("/median/point_estimate")?.as_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_latencies_read_in_milliseconds() {
        assert_eq!(parse_latency_ms("456.00us"), Some(0.456));
        assert_eq!(parse_latency_ms("1.50ms"), Some(1.5));
        assert_eq!(parse_latency_ms("1.20s"), Some(1200.0));
    }

    #[test]
    fn spread_is_min_median_max() {
        assert_eq!(spread(&[3.0, 1.0, 2.0]), (1.0, 2.0, 3.0));
    }
}
