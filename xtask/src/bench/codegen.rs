//! Codegen: whole-process wall time of the release generator on the seed spec and on the nexus
//! spec of the corpus, and of the dev build (what `cargo xtask codegen` runs) beside the release
//! build on the seed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, ensure};
use refactor_codegen::workspace::Workspace;

use super::{Check, Plan, release_binary, spread};

pub(super) fn codegen_section(
    root: &Path,
    corpus: &Path,
    plan: Plan,
    checks: &mut Vec<Check>,
) -> anyhow::Result<String> {
    let generator = release_binary(root, "xtask");
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
    let peer = std::env::var_os("REFACTOR_BENCH_OPENAPI_TO_RUST").map(PathBuf::from);
    let side_by_side = dev_beside_release(root, seed_runs, peer.as_deref())?;
    let _ = writeln!(
        text,
        "| `spec/openapi.yaml`, dev build (`cargo xtask codegen`'s binary) | <= 1.2x release | {seed_runs} | {} |",
        ms_row(side_by_side.dev)
    );
    let _ = writeln!(
        text,
        "| `spec/openapi.yaml`, release build, alternating with the dev runs | | {seed_runs} | {} |",
        ms_row(side_by_side.release)
    );
    if let Some(peer) = side_by_side.peer {
        let _ = writeln!(
            text,
            "| `spec/openapi.yaml`, openapi-to-rust 0.23 (`generate --output-dir`), alternating | | {seed_runs} | {} |",
            ms_row(peer)
        );
    }
    let ratio = side_by_side.dev.1 / side_by_side.release.1;
    checks.push(Check {
        target: "codegen of the seed, dev build, <= 1.2x the release build (openapi-to-rust's CLI measured 1.18x)".into(),
        measured: format!(
            "{:.1} ms vs {:.1} ms: {ratio:.2}x",
            side_by_side.dev.1, side_by_side.release.1
        ),
        met: ratio <= 1.2,
    });
    if let Some(peer) = side_by_side.peer {
        checks.push(Check {
            target: "codegen of the seed, dev build, no slower than openapi-to-rust's CLI".into(),
            measured: format!("{:.1} ms vs {:.1} ms", side_by_side.dev.1, peer.1),
            met: side_by_side.dev.1 <= peer.1,
        });
    }
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

/// min, median and max of a timing, in milliseconds.
type Spread = (f64, f64, f64);

/// The seed's codegen by the dev build, the release build and (when given) openapi-to-rust.
struct SideBySide {
    dev: Spread,
    release: Spread,
    peer: Option<Spread>,
}

/// The dev and the release generator (and the peer's CLI, when given) on the seed, run
/// alternately so all see the same machine.
fn dev_beside_release(root: &Path, runs: usize, peer: Option<&Path>) -> anyhow::Result<SideBySide> {
    super::cargo(root, &["build", "-p", "xtask"])?;
    let dev = super::target_dir(root).join("debug/xtask");
    let release = release_binary(root, "xtask");
    let args = ["codegen", "--check"];
    let peer_out =
        std::env::temp_dir().join(format!("bench-openapi-to-rust-{}", std::process::id()));
    let peer_out_text = peer_out.display().to_string();
    let peer_args = [
        "generate",
        Workspace::SPEC,
        "--output-dir",
        peer_out_text.as_str(),
    ];
    time_command(&dev, &args, root, 1)?;
    let (mut dev_times, mut release_times, mut peer_times) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        dev_times.push(time_command(&dev, &args, root, 1)?.1);
        release_times.push(time_command(&release, &args, root, 1)?.1);
        if let Some(peer) = peer {
            peer_times.push(time_command(peer, &peer_args, root, 1)?.1);
        }
    }
    let _ = std::fs::remove_dir_all(&peer_out);
    Ok(SideBySide {
        dev: spread(&dev_times),
        release: spread(&release_times),
        peer: peer.map(|_| spread(&peer_times)),
    })
}

fn ms_row((min, median, max): Spread) -> String {
    format!("{min:.1} ms | {median:.1} ms | {max:.1} ms")
}

fn time_command(program: &Path, args: &[&str], dir: &Path, runs: usize) -> anyhow::Result<Spread> {
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
