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
use serde_json::{json, Value};

/// 10,000 labels in the API's JSON: text values and object values, as the server sends them.
fn labels_json() -> Vec<u8> {
    let labels: Vec<Value> = (0..10_000_u32)
        .map(|index| {
            let mut label = json!({
                "id": format!("00000000-0000-4000-8000-{index:012}"),
                "account_id": "acme",
                "run_id": "00000000-0000-4000-8000-00000000beef",
                "output_resource_name": format!("output-{}", index % 7),
                "created_by": "annotator-3",
                "created_at": format!("2026-01-01T00:{:02}:{:02}Z", index / 60 % 60, index % 60),
            });
            if index % 2 == 0 {
                label["text_value"] = json!(format!("gold answer number {index} with some text"));
            } else {
                label["object_value"] =
                    json!({"label": "positive", "score": index, "spans": [[1, 4], [7, 9]]});
                label["object_value_is_partial"] = json!(false);
            }
            label
        })
        .collect();
    serde_json::to_vec(&labels).unwrap_or_default()
}

/// What a hand-written client would decode into: the same fields, as plain strings and JSON
/// values, with nothing parsed or checked.
#[derive(serde::Deserialize)]
#[allow(dead_code, reason = "decoded only to be measured")]
struct PlainLabel {
    id: String,
    account_id: String,
    run_id: String,
    output_resource_name: String,
    text_value: Option<String>,
    object_value: Option<serde_json::Map<String, Value>>,
    object_value_is_partial: Option<bool>,
    created_by: Option<String>,
    created_at: String,
    updated_by: Option<String>,
    updated_at: Option<String>,
}

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
