//! `cargo xtask bench`: the numbers users compare generators and servers by, measured the way
//! they would, and written to `BENCHMARKS.md`.
//!
//! 1. Codegen: whole-process wall time of the release generator (`codegen --check`, which
//!    generates everything in memory) on the seed spec and on the nexus spec of the corpus.
//! 2. Server: the release `refactor-server` on a temporary data dir, driven by `wrk` (installed
//!    from Debian's packages when missing) with 64 connections on loopback: runs of 10 to 10,000
//!    labels, the 404 path and the 401 path; requests/s, p50, p99, errors and peak RSS.
//! 3. Client: the criterion bench `refactor-client/benches/decode.rs` for times, and the paired
//!    bench `refactor-client/benches/decode_ratio.rs` for the generated/plain ratio.
//! 4. Soak: the server under load long enough for 100,000s of requests, its memory sampled.

mod client;
mod codegen;
mod load;
mod process;
mod scale;
mod server;
mod soak;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context as _, ensure};

use client::client_section;
use codegen::codegen_section;
use scale::scale_section;
use server::server_section;
use soak::soak_section;

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
    // `REFACTOR_BENCH_ONLY=scale,server` measures only the sections named (for a quick look; the
    // page then lacks the others).
    let only = std::env::var("REFACTOR_BENCH_ONLY").ok();
    let wanted = |section: &str| {
        only.as_deref()
            .is_none_or(|only| only.split(',').any(|name| name.trim() == section))
    };
    if wanted("codegen") {
        report.push_str(&codegen_section(root, corpus, plan, &mut checks)?);
    }
    if wanted("server") {
        report.push_str(&server_section(root, plan, postgres, &mut checks)?);
    }
    if wanted("scale") {
        report.push_str(&scale_section(root, plan, postgres, &mut checks)?);
    }
    if wanted("soak") {
        report.push_str(&soak_section(root, plan, &mut checks)?);
    }
    if wanted("client") {
        report.push_str(&client_section(root, plan, &mut checks)?);
    }
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

- **Serving a run** is a lookup in the bounded response cache (quick_cache, sharded, counted in
  bytes) and a reference-counted clone of bytes encoded once. A run that is not cached is one
  primary-key read: each run's response is stored as the JSON array the API serves
  (`run_responses`, rewritten by every import that changes the run), so a miss costs no
  aggregation and no re-encoding, and concurrent misses of one run share one read. What is left
  per request is hyper and dropshot (routing, extractors), HS256 verification of the token
  (base64, HMAC, claims parsing), the request log and the request metrics.
- **Freshness** costs one indexed query every 50 ms per process: the change log (`run_changes`)
  lists the runs each store version changed, and each process drops just those from its cache.
  A write therefore costs every replica one read of each run it touched, not of every run.
- **PostgreSQL** rows match SQLite's because neither database is on the request path once a
  run is cached.
- **Many runs** cost memory bandwidth more than lookups: with 2,000 runs (56 MiB) cached and
  asked for at random, `perf record` puts about a third of the server's time in the kernel
  copying responses into the socket (`_copy_from_iter`) from memory no longer in the CPU's
  caches, where the hot run's one response always is. A working set larger than the cache adds
  one primary-key read of the stored response per miss. On SQLite it is read on the request's
  own thread (rusqlite, query-only connections): through sqlx each query was a message to the
  connection's worker thread and a wake-up back, and `perf` put a third of the server's time on
  this row in the scheduler.
- **The request log** is dropshot's `request completed` line, formatted by a background thread into
  a buffer flushed when full or every 100 ms. dropshot's default logger formats and flushes each
  record and filters levels only after queueing, which alone costs several thousand requests per
  second (see `../shared/DESIGN.md`); filtering before the queue makes `--log-level warn` free.
- **Large runs** are bounded by copying the response into the socket: throughput in bytes stays flat
  from 1,000 labels up, and memory does not grow with connections because every response shares
  the cached bytes.
- **Codegen** of the seed is dominated by process start-up and progenitor's type space; the nexus
  spec by progenitor and typify (the client and the types are generated from two type spaces) and
  prettyplease. Once the document is normalized, the server API and the harness are generated
  on a thread of their own, and the client on a third once typify has modelled the types. The
  dev build optimizes the libraries that do most of the work (syn, proc-macro2, quote,
  prettyplease, typify, progenitor, openapiv3, serde_json, the YAML parser, heck, unicode-ident,
  clap), most without debug assertions, and builds xtask itself at opt-level 1 (`Cargo.toml`);
  a third of the instructions left are the allocator's, most of them for syn's parsing. The
  `xtask` binary is linked at a fixed address (`xtask/build.rs`: the dynamic loader no longer
  applies 43,000 relocations at each start, about 0.4 ms) and sets glibc's allocator for a short
  run (`xtask/src/allocator.rs`: no `mmap`, trim or heap growth call per block, 0.3 ms). The
  file the linker wrote starts slower than a copy of it, by 0.5 to 1 ms here; evicted from the
  page cache and read back in one pass, it starts as fast as the copy. The dev row measures the
  linker's file, as `cargo xtask` runs it. Locating warnings reads the source once for all of
  them (a lookup per warning re-read the 436 KB document 104 times and took a second).
- **Client decoding** into the generated types costs what decoding into hand-written structs of
  plain strings does, which check nothing, and less than decoding into `serde_json::Value`; the
  generated types parse three `Uuid`s and two timestamps per label on the way. chrono's own
  `Deserialize` for `DateTime<Utc>` goes through its generic `FromStr` (a format-item
  interpreter): `perf record` on `decode_ratio` put a tenth of the generated decoder's time
  there, 160 ns a timestamp where `DateTime::parse_from_rfc3339` takes 26 ns, and the ratio was
  1.22x. The generator now gives every `date-time` field a `deserialize_with` that tries
  `parse_from_rfc3339` first and falls back to chrono's parser, so it accepts exactly what it
  accepted before (`crates/types/tests/timestamps.rs`). Most of the rest is the `object_value`
  maps, which every decoder builds. The client's response path adds reqwest's body handling
  around the same `from_slice`.
";

/// The target dir cargo builds into: `CARGO_TARGET_DIR` when set, else `target/` in the
/// workspace.
pub(crate) fn target_dir(root: &Path) -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |dir| root.join(dir))
}

/// A release binary of the workspace.
fn release_binary(root: &Path, name: &str) -> std::path::PathBuf {
    target_dir(root).join("release").join(name)
}

pub(crate) fn cargo(root: &Path, args: &[&str]) -> anyhow::Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_is_min_median_max() {
        assert_eq!(spread(&[3.0, 1.0, 2.0]), (1.0, 2.0, 3.0));
    }
}
