//! Decoding 10,000 gold labels into the generated client's types against plain serde_json on
//! the same bytes (hand-written structs of strings, and `serde_json::Value`), and the generated
//! client's whole response path.
//!
//! `cargo bench -p refactor-client --bench decode` (and `cargo xtask bench`, which records the
//! results in BENCHMARKS.md).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use refactor_client::types::RunGoldLabel;
use refactor_client::ResponseValue;
use serde_json::Value;

mod common;

use common::{labels_json, PlainLabel};

fn decode(c: &mut Criterion) {
    let bytes = labels_json();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut group = c.benchmark_group("decode_10000_labels");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("generated_types", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<Vec<RunGoldLabel>>(black_box(&bytes))
                    .map(|l| l.len())
                    .ok(),
            )
        })
    });
    group.bench_function("plain_structs", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<Vec<PlainLabel>>(black_box(&bytes))
                    .map(|l| l.len())
                    .ok(),
            )
        })
    });
    group.bench_function("plain_value", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Value>(black_box(&bytes)).ok()))
    });
    // The whole response path of the generated client (reqwest body, progenitor's decoding);
    // building the response, which copies the bytes into it, is setup.
    group.bench_function("generated_client_response", |b| {
        b.iter_batched(
            || reqwest::Response::from(http::Response::new(bytes.clone())),
            |response| {
                let decoded = runtime.block_on(
                    ResponseValue::<Vec<RunGoldLabel>>::from_response::<()>(response),
                );
                black_box(
                    decoded
                        .map(ResponseValue::into_inner)
                        .map(|labels| labels.len())
                        .ok(),
                )
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
