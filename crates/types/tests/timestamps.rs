//! The generated types decode `date-time` fields through an RFC 3339 fast path (see
//! `crates/codegen/src/generate/timestamps.rs`); it must accept exactly what chrono's own `Deserialize`
//! accepts, as the same instant, and refuse the rest.

use chrono::{DateTime, Utc};
use refactor_types::RunGoldLabel;
use serde_json::json;

/// Valid, lenient and invalid timestamps, the edges of each.
const TIMESTAMPS: &[&str] = &[
    "2026-01-01T00:00:00Z",
    "2026-01-01T00:00:00.5Z",
    "2026-01-01T00:00:00.123456789Z",
    "2026-01-01T00:00:00.1234567891Z",
    "2026-01-01t00:00:00z",
    "2026-01-01 00:00:00Z",
    "2026-01-01T00:00:00+02:00",
    "2026-01-01T00:00:00-00:00",
    "2026-01-01T00:00:00+0200",
    "2026-01-01T00:00:00+02",
    "2016-12-31T23:59:60Z",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999999Z",
    "+10000-01-01T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T00:00:00",
    "2026-01-01",
    "2026-01-01T00:00Z",
    " 2026-01-01T00:00:00Z",
    "2026-01-01T00:00:00Z ",
    "",
    "not a time",
];

fn label(created_at: &str, updated_at: serde_json::Value) -> serde_json::Value {
    json!({
        "id": "00000000-0000-4000-8000-000000000001",
        "account_id": "acme",
        "run_id": "00000000-0000-4000-8000-00000000beef",
        "output_resource_name": "answer",
        "created_at": created_at,
        "updated_at": updated_at,
    })
}

#[test]
fn the_fast_path_accepts_what_chrono_accepts_as_the_same_instant() {
    for text in TIMESTAMPS {
        let expected = serde_json::from_value::<DateTime<Utc>>(json!(text)).ok();
        let required = serde_json::from_value::<RunGoldLabel>(label(text, json!(null)))
            .ok()
            .map(|label| label.created_at);
        assert_eq!(required, expected, "created_at {text:?}");
        let optional =
            serde_json::from_value::<RunGoldLabel>(label("2026-01-01T00:00:00Z", json!(text)))
                .ok()
                .map(|label| label.updated_at);
        assert_eq!(optional, expected.map(Some), "updated_at {text:?}");
    }
}

#[test]
fn an_optional_timestamp_may_be_null_or_absent_but_not_another_type() {
    let null = serde_json::from_value::<RunGoldLabel>(label("2026-01-01T00:00:00Z", json!(null)));
    assert_eq!(null.map(|l| l.updated_at).ok(), Some(None));
    let mut absent = label("2026-01-01T00:00:00Z", json!(null));
    absent
        .as_object_mut()
        .map(|fields| fields.remove("updated_at"));
    let absent = serde_json::from_value::<RunGoldLabel>(absent);
    assert_eq!(absent.map(|l| l.updated_at).ok(), Some(None));
    let number = serde_json::from_value::<RunGoldLabel>(label("2026-01-01T00:00:00Z", json!(17)));
    assert!(number.is_err());
    let mut missing = label("2026-01-01T00:00:00Z", json!(null));
    missing
        .as_object_mut()
        .map(|fields| fields.remove("created_at"));
    let error =
        serde_json::from_value::<RunGoldLabel>(missing).expect_err("created_at is required");
    assert!(error.to_string().contains("created_at"), "{error}");
}
