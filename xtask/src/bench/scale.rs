//! Scale: the server with many runs and steady writes, each figure beside the hot run measured
//! on the same server in the same bench.
//!
//! 2,000 runs of 100 labels are imported; wrk's Lua script asks for a run chosen at random per
//! request. The hot run is the same script with one run (so the load generator costs the same),
//! measured just before each of the row's runs: the ratio is the median of those pairs'.
//! Writes come from another process: a loop that runs `refactor-server import` at a set rate,
//! each import rewriting one of the 2,000 runs (so each invalidates a run the load reads, on
//! every replica). The working-set row gives the server a cache a tenth of the runs' bytes.
//! With a PostgreSQL database, two replicas share it and the load is split between them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context as _, ensure};
use serde_json::{Value, json};

use super::load::{Load, Target, ensure_wrk, measure_many};
use super::process::Server;
use super::server::{ScratchDir, import, response_bytes, sign_token};
use super::{Check, Plan, spread};

/// Runs in the dataset.
const RUNS: u32 = 2_000;
/// Labels per run.
const LABELS: u32 = 100;

/// A run of the scale dataset (apart from the server section's runs).
fn run_id(n: u32) -> String {
    format!("00000000-0000-4000-9000-{n:012}")
}

/// Run `n`'s labels, their outputs named `output`.
fn run_labels(n: u32, output: &str) -> Vec<Value> {
    (0..LABELS)
        .map(|index| {
            let mut label = json!({
                "id": format!("{n:08x}-0000-4000-9000-{index:012}"),
                "account_id": "bench",
                "run_id": run_id(n),
                "output_resource_name": format!("{output}-{}", index % 7),
                "created_by": "annotator-3",
                "created_at": format!("2026-01-01T00:{:02}:{:02}Z", index / 60 % 60, index % 60),
            });
            if index % 2 == 0 {
                label["text_value"] =
                    json!(format!("gold answer number {index}, «with» some text ✓"));
            } else {
                label["object_value"] =
                    json!({"label": "positive", "score": index, "spans": [[1, 4], [7, 9]]});
                label["object_value_is_partial"] = json!(index % 3 == 0);
            }
            label
        })
        .collect()
}

/// wrk's script: each request asks for one of `runs` runs at random (per-thread seeds).
fn script(runs: u32) -> String {
    format!(
        r#"local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  math.randomseed(os.time() * 1000 + id * 7919)
end
function request()
  local n = math.random(1, {runs})
  return wrk.format("GET", string.format("/v1/run/00000000-0000-4000-9000-%012d/gold-labels", n))
end
"#
    )
}

/// Where the section's files live and how to reach the server binary.
struct Bench<'a> {
    binary: PathBuf,
    data: &'a ScratchDir,
    token: String,
    plan: Plan,
    hot_script: PathBuf,
    random_script: PathBuf,
}

/// One measured row and the hot run measured beside it.
struct Row {
    case: String,
    measured: Measured,
    hot: Measured,
    /// The row's requests/s over the hot run's, run by run (each pair measured back to back).
    ratios: Vec<f64>,
}

impl Row {
    /// The median of the pairs' ratios: the machine's other load drifts less within a pair
    /// than across the section.
    fn ratio(&self) -> f64 {
        spread(&self.ratios).1
    }
}

pub(super) fn scale_section(
    root: &Path,
    plan: Plan,
    postgres: Option<&str>,
    checks: &mut Vec<Check>,
) -> anyhow::Result<String> {
    ensure_wrk()?;
    let data = ScratchDir::new("bench-scale")?;
    let dataset = data.path().join("runs.json");
    let labels: Vec<Value> = (1..=RUNS).flat_map(|n| run_labels(n, "output")).collect();
    std::fs::write(
        &dataset,
        serde_json::to_vec(&json!({ "gold_labels": labels }))?,
    )?;
    let data_arg = data.path().display().to_string();
    let binary = super::release_binary(root, "refactor-server");
    let bench = Bench {
        token: sign_token(&binary, &data_arg)?,
        binary,
        data: &data,
        plan,
        hot_script: data.path().join("hot.lua"),
        random_script: data.path().join("random.lua"),
    };
    std::fs::write(&bench.hot_script, script(1))?;
    std::fs::write(&bench.random_script, script(RUNS))?;

    import(&bench.binary, &data_arg, None, &dataset)?;

    let mut rows = Vec::new();
    // SQLite, the default cache (which holds every run).
    let servers = vec![Server::start_with(
        &bench.binary,
        &data_arg,
        None,
        "warn",
        &[],
    )?];
    let response_bytes = u64::try_from(response_bytes(
        &format!("{}/v1/run/{}/gold-labels", servers[0].base_url, run_id(1)),
        Some(&bench.token),
    )?)?;
    let working_set = u64::from(RUNS) * response_bytes;
    let small_cache = working_set / 10;
    bench.warm(&servers)?;
    for (case, rate) in [
        (format!("{RUNS} runs at random"), None),
        (format!("{RUNS} runs at random, 1 import/s"), Some(1)),
        (format!("{RUNS} runs at random, 10 imports/s"), Some(10)),
    ] {
        rows.push(bench.row(case, &servers, rate.map(|r| (r, None)))?);
    }
    servers.into_iter().for_each(Server::stop);

    // SQLite, a cache a tenth of the runs' bytes.
    let cache_arg = small_cache.to_string();
    let servers = vec![Server::start_with(
        &bench.binary,
        &data_arg,
        None,
        "warn",
        &["--cache-size", &cache_arg],
    )?];
    bench.warm(&servers)?;
    rows.push(bench.row(
        format!(
            "{RUNS} runs at random, working set ({:.0} MiB) ten times the cache ({:.1} MiB)",
            mib(working_set),
            mib(small_cache)
        ),
        &servers,
        None,
    )?);
    servers.into_iter().for_each(Server::stop);

    // PostgreSQL, two replicas.
    let mut postgres_rows = Vec::new();
    if let Some(url) = postgres {
        import(&bench.binary, &data_arg, Some(url), &dataset)?;
        let replicas = vec![
            Server::start_with(&bench.binary, &data_arg, Some(url), "warn", &[])?,
            Server::start_with(&bench.binary, &data_arg, Some(url), "warn", &[])?,
        ];
        bench.warm(&replicas)?;
        for (case, rate) in [
            (
                format!("{RUNS} runs at random, PostgreSQL, 2 replicas"),
                None,
            ),
            (
                format!("{RUNS} runs at random, 1 import/s, PostgreSQL, 2 replicas"),
                Some(1),
            ),
            (
                format!("{RUNS} runs at random, 10 imports/s, PostgreSQL, 2 replicas"),
                Some(10),
            ),
        ] {
            postgres_rows.push(bench.row(case, &replicas, rate.map(|r| (r, Some(url))))?);
        }
        replicas.into_iter().for_each(Server::stop);
    }

    let mut text = format!(
        "## Scale\n\n{RUNS} runs of {LABELS} labels ({:.0} MiB of responses, {response_bytes} bytes \
         each) served by the release server at `--log-level warn`, SQLite unless the row says \
         PostgreSQL (two replicas on one database, the 64 connections split between them). wrk's \
         Lua script picks the run per request. Each row is measured beside its hot run: the same \
         script with one run, on the same server, run back to back with the row ({} pair(s) of \
         {} s); \"vs hot\" is the median of the pairs' ratios, so the rest of the machine's load \
         drifts as little as possible between the two. Imports come from another process: a loop \
         running `refactor-server import` at the rate given, each import rewriting one of the \
         {RUNS} runs (so each invalidates a run the load reads, on every replica; the rate \
         achieved is in the row). The working-set row runs a server with `--cache-size \
         {small_cache}`. Peak RSS is the server's `VmHWM` during the row (the larger \
         replica's).\n\n\
         | case | requests/s (min / median / max) | hot run (median) | vs hot | p50 | p99 | errors | peak RSS |\n\
         |---|---|---|---|---|---|---|---|\n",
        mib(working_set),
        bench.plan.runs,
        bench.plan.duration.as_secs()
    );
    for row in rows.iter().chain(&postgres_rows) {
        let (min, median, max) = row.measured.spread;
        let load = &row.measured.load;
        let case = match row.measured.imports_per_second {
            Some(rate) => format!("{} ({rate:.1}/s achieved)", row.case),
            None => row.case.clone(),
        };
        let _ = writeln!(
            text,
            "| {case} | {min:.0} / **{median:.0}** / {max:.0} | {:.0} | **{:.2}x** | {:.2} ms | {:.2} ms | {} | {:.1} MiB |",
            row.hot.spread.1,
            row.ratio(),
            load.p50_ms,
            load.p99_ms,
            load.errors,
            load.peak_rss_mib
        );
    }
    text.push('\n');
    if postgres.is_none() {
        text.push_str(
            "PostgreSQL rows: `cargo xtask bench --postgres postgres://USER@HOST/DATABASE`.\n\n",
        );
    }
    scale_checks(&rows, &postgres_rows, small_cache, checks);
    Ok(text)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1024.0 / 1024.0
}

/// The targets of the scale rows.
fn scale_checks(rows: &[Row], postgres_rows: &[Row], small_cache: u64, checks: &mut Vec<Check>) {
    let ratio = Row::ratio;
    let find = |rows: &[Row], needle: &str| -> Option<usize> {
        rows.iter().position(|row| row.case.contains(needle))
    };
    if let Some(at) = find(rows, "1 import/s") {
        let row = &rows[at];
        checks.push(Check {
            target: format!(
                "{RUNS} runs at random, 1 import/s: >= 0.5x the hot run (moonshot 0.8x)"
            ),
            measured: format!("{:.2}x", ratio(row)),
            met: ratio(row) >= 0.5,
        });
        checks.push(Check {
            target: format!("{RUNS} runs at random, 1 import/s: p99 <= 15 ms, zero errors"),
            measured: format!(
                "{:.2} ms, {} errors",
                row.measured.load.p99_ms, row.measured.load.errors
            ),
            met: row.measured.load.p99_ms <= 15.0 && row.measured.load.errors == 0,
        });
    }
    if let Some(at) = find(rows, "10 imports/s") {
        let row = &rows[at];
        checks.push(Check {
            target: format!("{RUNS} runs at random, 10 imports/s: >= 0.4x the hot run"),
            measured: format!("{:.2}x", ratio(row)),
            met: ratio(row) >= 0.4,
        });
    }
    if let Some(at) = find(rows, "ten times the cache") {
        let row = &rows[at];
        checks.push(Check {
            target: "working set ten times the cache: >= 0.3x the hot run".into(),
            measured: format!("{:.2}x", ratio(row)),
            met: ratio(row) >= 0.3,
        });
        let limit = mib(small_cache) + 64.0;
        checks.push(Check {
            target: "working set ten times the cache: peak RSS <= cache size + 64 MiB".into(),
            measured: format!(
                "{:.1} MiB (limit {limit:.1} MiB)",
                row.measured.load.peak_rss_mib
            ),
            met: row.measured.load.peak_rss_mib <= limit,
        });
    }
    for row in postgres_rows
        .iter()
        .filter(|row| row.case.contains("import"))
    {
        let floor = if row.case.contains("10 imports") {
            0.4
        } else {
            0.5
        };
        checks.push(Check {
            target: format!("{}: >= {floor}x its hot run, zero errors", row.case),
            measured: format!("{:.2}x, {} errors", ratio(row), row.measured.load.errors),
            met: ratio(row) >= floor && row.measured.load.errors == 0,
        });
    }
    let errors: u64 = rows
        .iter()
        .chain(postgres_rows)
        .map(|r| r.measured.load.errors)
        .sum();
    checks.push(Check {
        target: "scale rows: zero errors".into(),
        measured: errors.to_string(),
        met: errors == 0,
    });
}

/// Loads measured over the plan's runs: the spread of requests/s, the median run, and the
/// imports per second achieved meanwhile (in that run).
struct Measured {
    spread: (f64, f64, f64),
    load: Load,
    imports_per_second: Option<f64>,
}

impl Bench<'_> {
    fn targets<'s>(servers: &'s [Server]) -> Vec<Target<'s>> {
        servers
            .iter()
            .map(|server| Target {
                server,
                url: server.base_url.clone(),
            })
            .collect()
    }

    /// Every run asked for once (the first misses are not the rows' concern).
    fn warm(&self, servers: &[Server]) -> anyhow::Result<()> {
        measure_many(
            &Self::targets(servers),
            Some(&self.random_script),
            Some(&self.token),
            Duration::from_secs(3),
            true,
        )
        .map(drop)
    }

    /// The plan's runs of the row on `servers` (the random script, with imports at `rate` per
    /// second into the database given, or the data dir's SQLite file, meanwhile), each just
    /// after a run of the hot script.
    fn row(
        &self,
        case: String,
        servers: &[Server],
        imports: Option<(u32, Option<&str>)>,
    ) -> anyhow::Result<Row> {
        let targets = Self::targets(servers);
        let (mut hot, mut loads, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..self.plan.runs {
            let duration = self.plan.duration;
            let token = Some(self.token.as_str());
            let hot_load = measure_many(&targets, Some(&self.hot_script), token, duration, true)?;
            let importer = imports
                .map(|(rate, database)| Importer::start(self, rate, database))
                .transpose()?;
            let load = measure_many(&targets, Some(&self.random_script), token, duration, true);
            let achieved = importer.map(Importer::stop).transpose()?;
            let load = load?;
            ratios.push(load.requests_per_second / hot_load.requests_per_second);
            hot.push((hot_load, None));
            loads.push((load, achieved));
        }
        Ok(Row {
            case,
            measured: Measured::of(loads)?,
            hot: Measured::of(hot)?,
            ratios,
        })
    }
}

impl Measured {
    /// The spread of requests/s over `loads` and the run nearest the median.
    fn of(loads: Vec<(Load, Option<f64>)>) -> anyhow::Result<Self> {
        let rates: Vec<f64> = loads.iter().map(|(l, _)| l.requests_per_second).collect();
        let spread = spread(&rates);
        let (load, imports_per_second) = loads
            .into_iter()
            .min_by(|(a, _), (b, _)| {
                (a.requests_per_second - spread.1)
                    .abs()
                    .total_cmp(&(b.requests_per_second - spread.1).abs())
            })
            .context("no load runs")?;
        Ok(Self {
            spread,
            load,
            imports_per_second,
        })
    }
}

/// How many import processes may run at once.
const IMPORTS_IN_FLIGHT: usize = 4;

/// Waits for an import process; counts it when it succeeded.
fn finish(child: Option<std::process::Child>, done: &AtomicU64) -> anyhow::Result<()> {
    let Some(child) = child else {
        return Ok(());
    };
    let output = child
        .wait_with_output()
        .context("failed to wait for the importer")?;
    ensure!(
        output.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    done.fetch_add(1, Ordering::AcqRel);
    Ok(())
}

/// Imports from another process at a fixed rate until stopped.
struct Importer {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<anyhow::Result<()>>,
    done: Arc<AtomicU64>,
    started: Instant,
}

impl Importer {
    fn start(bench: &Bench<'_>, rate: u32, database: Option<&str>) -> anyhow::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicU64::new(0));
        let binary = bench.binary.clone();
        let data_dir = bench.data.path().to_owned();
        let database = database.map(str::to_owned);
        let interval = Duration::from_secs(1) / rate;
        let thread = {
            let (stop, done) = (Arc::clone(&stop), Arc::clone(&done));
            std::thread::spawn(move || -> anyhow::Result<()> {
                let mut next = Instant::now();
                let mut count: u64 = 0;
                // Started on schedule, a few at a time: an import that takes longer than the
                // interval (process start, a busy machine) does not slow the rate.
                let mut running = std::collections::VecDeque::new();
                while !stop.load(Ordering::Acquire) {
                    if running.len() >= IMPORTS_IN_FLIGHT {
                        finish(running.pop_front(), &done)?;
                    }
                    count += 1;
                    // Spread over the runs; every import changes what it writes.
                    let run = u32::try_from(count * 7_919 % u64::from(RUNS)).unwrap_or(0) + 1;
                    let file = data_dir.join(format!("import-{}.json", count % 16));
                    let labels = run_labels(run, &format!("import-{count}"));
                    std::fs::write(&file, serde_json::to_vec(&labels)?)?;
                    let mut command = Command::new(&binary);
                    command
                        .arg("import")
                        .arg(&file)
                        .arg("--data-dir")
                        .arg(&data_dir);
                    if let Some(database) = &database {
                        command.args(["--database", database]);
                    }
                    let child = command
                        .stdout(std::process::Stdio::null())
                        .stderr(std::process::Stdio::piped())
                        .spawn()
                        .context("failed to run the importer")?;
                    running.push_back(child);
                    next += interval;
                    if let Some(wait) = next.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                }
                while let Some(child) = running.pop_front() {
                    finish(Some(child), &done)?;
                }
                Ok(())
            })
        };
        Ok(Self {
            stop,
            thread,
            done,
            started: Instant::now(),
        })
    }

    /// Stops after the imports in progress; returns the imports per second completed while
    /// the load ran.
    fn stop(self) -> anyhow::Result<f64> {
        let elapsed = self.started.elapsed();
        let imports = self.done.load(Ordering::Acquire);
        self.stop.store(true, Ordering::Release);
        self.thread
            .join()
            .map_err(|_| anyhow::anyhow!("the importer panicked"))??;
        Ok(imports as f64 / elapsed.as_secs_f64())
    }
}
