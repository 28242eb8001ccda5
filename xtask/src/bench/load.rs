//! Load generation with `wrk` (installed from Debian's packages when missing) and what it
//! reports.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context as _, ensure};

use super::process::Server;

/// One load measurement.
pub(super) struct Load {
    /// Throughput over the run.
    pub(super) requests_per_second: f64,
    /// Requests completed in the run.
    pub(super) requests: u64,
    /// Median latency.
    pub(super) p50_ms: f64,
    /// 99th percentile latency.
    pub(super) p99_ms: f64,
    /// Socket errors, timeouts and unexpected statuses.
    pub(super) errors: u64,
    /// The server's peak resident memory during the run.
    pub(super) peak_rss_mib: f64,
}

/// Installs `wrk` from Debian's packages when it is missing.
pub(super) fn ensure_wrk() -> anyhow::Result<()> {
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

/// Drives `url` with `wrk -t2 -c64` for `duration`; `success` says whether 2xx is expected.
pub(super) fn measure(
    server: &mut Server,
    url: &str,
    token: Option<&str>,
    duration: Duration,
    success: bool,
) -> anyhow::Result<Load> {
    let target = Target {
        server,
        url: url.to_owned(),
    };
    measure_many(&[target], None, token, duration, success)
}

/// One server under load and the URL wrk is given (with a script, its base).
pub(super) struct Target<'a> {
    pub(super) server: &'a Server,
    pub(super) url: String,
}

/// Drives every target at once for `duration`, 64 connections and two threads shared among
/// them (one wrk process per target), each request's path chosen by the Lua `script` when
/// given; `success` says whether 2xx is expected. Requests and errors add up, latencies and
/// memory are the worst target's.
pub(super) fn measure_many(
    targets: &[Target<'_>],
    script: Option<&Path>,
    token: Option<&str>,
    duration: Duration,
    success: bool,
) -> anyhow::Result<Load> {
    ensure!(!targets.is_empty(), "no target to load");
    let share = targets.len();
    let threads = (2 / share).max(1);
    let connections = 64 / share;
    for target in targets {
        target.server.reset_peak_rss();
    }
    let running = targets
        .iter()
        .map(|target| {
            let mut command = Command::new("wrk");
            command.args([
                &format!("-t{threads}"),
                &format!("-c{connections}"),
                &format!("-d{}s", duration.as_secs()),
                "--latency",
            ]);
            if let Some(token) = token {
                command.args(["-H", &format!("Authorization: Bearer {token}")]);
            }
            if let Some(script) = script {
                command.arg("-s").arg(script);
            }
            command
                .arg(&target.url)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .context("failed to run wrk")
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut loads = Vec::new();
    for (child, target) in running.into_iter().zip(targets) {
        let output = child.wait_with_output().context("failed to wait for wrk")?;
        ensure!(
            output.status.success(),
            "wrk failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut load = parse_wrk(&String::from_utf8_lossy(&output.stdout), success)?;
        load.peak_rss_mib = target.server.peak_rss_mib();
        loads.push(load);
    }
    Ok(Load {
        requests_per_second: loads.iter().map(|l| l.requests_per_second).sum(),
        requests: loads.iter().map(|l| l.requests).sum(),
        p50_ms: loads.iter().map(|l| l.p50_ms).fold(0.0, f64::max),
        p99_ms: loads.iter().map(|l| l.p99_ms).fold(0.0, f64::max),
        errors: loads.iter().map(|l| l.errors).sum(),
        peak_rss_mib: loads.iter().map(|l| l.peak_rss_mib).fold(0.0, f64::max),
    })
}

/// What wrk printed, as a [`Load`] (without memory).
fn parse_wrk(text: &str, success: bool) -> anyhow::Result<Load> {
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
        requests: total,
        p50_ms: number_after("50%").unwrap_or(f64::NAN),
        p99_ms: number_after("99%").unwrap_or(f64::NAN),
        errors: socket_errors + unexpected,
        peak_rss_mib: f64::NAN,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_latencies_read_in_milliseconds() {
        assert_eq!(parse_latency_ms("456.00us"), Some(0.456));
        assert_eq!(parse_latency_ms("1.50ms"), Some(1.5));
        assert_eq!(parse_latency_ms("1.20s"), Some(1200.0));
    }
}
