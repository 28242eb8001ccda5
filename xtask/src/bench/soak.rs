//! Soak: the server under `wrk` long enough for far more than 100,000 requests (the 100-label
//! run, 64 connections), its resident memory sampled every second: zero errors, and memory flat
//! once warm.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::load::{ensure_wrk, measure};
use super::process::Server;
use super::server::{ScratchDir, dataset_json, import, run_url, sign_token};
use super::{Check, Plan};

/// The fewest requests a soak must serve.
const REQUESTS: u64 = 100_000;

/// Memory may grow this much from the end of warm-up (a tenth of the run) to the end.
const FLAT_MIB: f64 = 4.0;

pub(super) fn soak_section(
    root: &Path,
    plan: Plan,
    checks: &mut Vec<Check>,
) -> anyhow::Result<String> {
    ensure_wrk()?;
    let binary = super::release_binary(root, "refactor-server");
    let data = ScratchDir::new("bench-soak")?;
    let dataset = data.path().join("labels.json");
    std::fs::write(&dataset, serde_json::to_vec(&dataset_json(&[100]))?)?;
    let data_arg = data.path().display().to_string();
    import(&binary, &data_arg, None, &dataset)?;
    let token = sign_token(&binary, &data_arg)?;

    let mut server = Server::start(&binary, &data_arg, None, "info")?;
    let duration = plan.duration * 6;
    let samples = Arc::new(Mutex::new(Vec::new()));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (samples, done, pid) = (Arc::clone(&samples), Arc::clone(&done), server.pid());
        std::thread::spawn(move || {
            while !done.load(Ordering::Acquire) {
                if let Some(rss) = resident_mib(pid)
                    && let Ok(mut samples) = samples.lock()
                {
                    samples.push(rss);
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        })
    };
    let url = run_url(&server.base_url, 100);
    let load = measure(&mut server, &url, Some(&token), duration, true);
    done.store(true, Ordering::Release);
    let _ = sampler.join();
    server.stop();
    drop(data);
    let load = load?;

    let samples = samples.lock().map(|s| s.clone()).unwrap_or_default();
    let warm = samples.get(samples.len() / 10).copied().unwrap_or(f64::NAN);
    let end = samples.last().copied().unwrap_or(f64::NAN);
    let peak = samples.iter().copied().fold(0.0, f64::max);
    let growth = end - warm;
    let mut text = format!(
        "## Soak\n\nThe 100-label run for {} s under `wrk -t2 -c64` (release, SQLite, every request \
         logged), the server's resident memory read every second.\n\n\
         | requests | requests/s | errors | RSS warm (10%) | RSS at the end | RSS peak |\n|---|---|---|---|---|---|\n",
        duration.as_secs()
    );
    let _ = writeln!(
        text,
        "| {} | {:.0} | {} | {warm:.1} MiB | {end:.1} MiB | {peak:.1} MiB |\n",
        load.requests, load.requests_per_second, load.errors
    );
    checks.push(Check {
        target: format!("soak: >= {REQUESTS} requests with zero errors"),
        measured: format!("{} requests, {} errors", load.requests, load.errors),
        met: load.requests >= REQUESTS && load.errors == 0,
    });
    checks.push(Check {
        target: format!("soak: RSS flat (grows <= {FLAT_MIB} MiB after warm-up)"),
        measured: format!("{growth:+.1} MiB"),
        met: growth <= FLAT_MIB,
    });
    Ok(text)
}

/// The resident memory of process `pid` now (`VmRSS`).
fn resident_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kib / 1024.0)
}
