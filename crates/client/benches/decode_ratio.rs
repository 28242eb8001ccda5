//! The generated/plain decode ratio, measured in pairs.
//!
//! criterion times each decoder in its own stretch of seconds; on a shared 2-core machine the
//! machine's state drifts between those stretches (frequency, the other tenant, the heap), and
//! the ratio of two separately measured medians moves by more than the decoders differ. This
//! bench decodes the same bytes with each decoder back to back (generated types, hand-written
//! structs of strings, `serde_json::Value`), alternating the order, and reports the median of
//! the per-round ratios, which that drift cancels out of.
//!
//! `cargo bench -p refactor-client --bench decode_ratio` prints one JSON object:
//! `{"pairs": N, "ratio_median": R, "ratio_p10": R, "ratio_p90": R, "value_ratio_median": R,
//! "generated_ms_median": T, "plain_ms_median": T}`, ratios being generated / plain structs
//! except `value_ratio_median`, generated / `Value`. `cargo xtask bench` uses it for the 1.2x target.

use std::hint::black_box;
use std::time::{Duration, Instant};

use refactor_client::types::RunGoldLabel;
use serde::de::DeserializeOwned;
use serde_json::Value;

mod common;

use common::{labels_json, PlainLabel};

/// Pairs measured after the warm-up; odd, so that the median is one of them.
const PAIRS: usize = 201;
/// Pairs decoded first and thrown away (heap growth, caches, frequency ramp-up).
const WARM_UP: usize = 20;

/// Decodes `bytes` as a `Vec<T>` and returns how long it took; panics if it does not decode
/// into the bench's 10,000 labels, so a broken decoder cannot look fast. (`Value` decodes each
/// label as one element too.)
fn time_decode<T: DeserializeOwned>(bytes: &[u8]) -> Duration {
    let start = Instant::now();
    let decoded = serde_json::from_slice::<Vec<T>>(black_box(bytes));
    let elapsed = start.elapsed();
    match decoded {
        Ok(labels) if labels.len() == 10_000 => drop(black_box(labels)),
        Ok(labels) => panic!("decoded {} labels instead of 10,000", labels.len()),
        Err(error) => panic!("the bench's labels failed to decode: {error}"),
    }
    elapsed
}

/// The value at quantile `q` (0..=1) of sorted `values`.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index]
}

fn main() {
    // `cargo bench` passes `--bench`; there is nothing to filter.
    let bytes = labels_json();
    let mut ratios = Vec::with_capacity(PAIRS);
    let mut value_ratios = Vec::with_capacity(PAIRS);
    let mut generated = Vec::with_capacity(PAIRS);
    let mut plain = Vec::with_capacity(PAIRS);
    for pair in 0..WARM_UP + PAIRS {
        let (generated_time, plain_time, value_time) = if pair % 2 == 0 {
            let g = time_decode::<RunGoldLabel>(&bytes);
            let p = time_decode::<PlainLabel>(&bytes);
            (g, p, time_decode::<Value>(&bytes))
        } else {
            let v = time_decode::<Value>(&bytes);
            let p = time_decode::<PlainLabel>(&bytes);
            (time_decode::<RunGoldLabel>(&bytes), p, v)
        };
        if pair < WARM_UP {
            continue;
        }
        let g = generated_time.as_secs_f64();
        let p = plain_time.as_secs_f64();
        let v = value_time.as_secs_f64();
        ratios.push(g / p);
        value_ratios.push(g / v);
        generated.push(g * 1e3);
        plain.push(p * 1e3);
    }
    for values in [&mut ratios, &mut value_ratios, &mut generated, &mut plain] {
        values.sort_by(f64::total_cmp);
    }
    println!(
        "{}",
        serde_json::json!({
            "pairs": PAIRS,
            "ratio_median": quantile(&ratios, 0.5),
            "ratio_p10": quantile(&ratios, 0.1),
            "ratio_p90": quantile(&ratios, 0.9),
            "value_ratio_median": quantile(&value_ratios, 0.5),
            "generated_ms_median": quantile(&generated, 0.5),
            "plain_ms_median": quantile(&plain, 0.5),
        })
    );
}
