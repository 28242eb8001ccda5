//! Client: the criterion decode bench for absolute times, and the paired decode-ratio bench for
//! the generated/plain ratio, several runs each, with a steady heap.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, ensure};
use serde_json::Value;

use super::{Check, Plan, spread};

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

pub(super) fn client_section(
    root: &Path,
    plan: Plan,
    checks: &mut Vec<Check>,
) -> anyhow::Result<String> {
    let runs = plan.runs;
    // Per decoder, the median time of each criterion run; and the paired ratios of each run.
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); DECODERS.len()];
    let mut ratios = Vec::new();
    let mut value_ratios = Vec::new();
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
        for (all, estimate) in times.iter_mut().zip(estimates) {
            all.push(estimate);
        }
        let paired = decode_ratio(root)?;
        ratios.push(paired.ratio_median);
        value_ratios.push(paired.value_ratio_median);
    }
    let mut text = format!(
        "## Client\n\nDecoding 10,000 labels (criterion, `crates/client/benches/decode.rs`, {runs} run(s)) with \
         `serde_json::from_slice` on the same bytes: into the generated client's types, into \
         hand-written structs of plain strings (nothing parsed or checked), into `serde_json::Value`; \
         and the generated client's whole response path (`ResponseValue::from_response`). Each run's \
         figure is criterion's median. The ratios come from `crates/client/benches/decode_ratio.rs`, \
         which decodes the same bytes with each decoder back to back in 201 rounds, alternating the \
         order, and takes the median of the per-round ratios: criterion's separately measured \
         medians drift apart on this shared machine by more than the decoders differ. Both run \
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
    let (_, value_ratio, _) = spread(&value_ratios);
    let _ = writeln!(
        text,
        "\n`generated_types` / `plain_structs`, paired: **{ratio:.2}x** (runs: {}); \
         `generated_types` / `plain_value`, paired: **{value_ratio:.2}x** (runs: {}).",
        joined(&ratios),
        joined(&value_ratios)
    );
    checks.push(Check {
        target: "client decode within 1.2x of plain serde_json (structs of strings)".into(),
        measured: format!("{ratio:.2}x (vs `serde_json::Value`: {value_ratio:.2}x)"),
        met: ratio <= 1.2,
    });
    text.push('\n');
    Ok(text)
}

/// The figures of `decode_ratio` used here.
struct PairedRatios {
    ratio_median: f64,
    value_ratio_median: f64,
}

/// Runs the paired decode-ratio bench once.
fn decode_ratio(root: &Path) -> anyhow::Result<PairedRatios> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["bench", "-p", "refactor-client", "--bench", "decode_ratio"])
        .env("GLIBC_TUNABLES", STEADY_HEAP)
        .current_dir(root)
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("failed to run cargo bench --bench decode_ratio")?;
    ensure!(
        output.status.success(),
        "cargo bench -p refactor-client --bench decode_ratio failed"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|line| line.starts_with('{'))
        .context("decode_ratio printed no JSON line")?;
    let printed: Value =
        serde_json::from_str(line).with_context(|| format!("decode_ratio printed {line:?}"))?;
    let figure = |key: &str| {
        printed[key]
            .as_f64()
            .with_context(|| format!("decode_ratio printed no {key}: {line}"))
    };
    Ok(PairedRatios {
        ratio_median: figure("ratio_median")?,
        value_ratio_median: figure("value_ratio_median")?,
    })
}

/// `values` with two decimals, comma-separated.
fn joined(values: &[f64]) -> String {
    values
        .iter()
        .map(|value| format!("{value:.2}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Criterion's median estimate of `id` (nanoseconds) from its last run.
fn criterion_median(root: &Path, id: &str) -> Option<f64> {
    let path = super::target_dir(root).join(format!(
        "criterion/decode_10000_labels/{id}/new/estimates.json"
    ));
    let value: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    value.pointer("/median/point_estimate")?.as_f64()
}
