//! The bytes the decode benches decode, and the hand-written structs they compare with.

use serde_json::{json, Value};

/// 10,000 labels in the API's JSON: text values and object values, as the server sends them.
pub fn labels_json() -> Vec<u8> {
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
pub struct PlainLabel {
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
