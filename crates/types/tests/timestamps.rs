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

/// A label; `updated_at` (optional, not nullable) is left out when `None`.
fn label(created_at: &str, updated_at: Option<serde_json::Value>) -> serde_json::Value {
    let mut label = json!({
        "id": "00000000-0000-4000-8000-000000000001",
        "account_id": "acme",
        "run_id": "00000000-0000-4000-8000-00000000beef",
        "output_resource_name": "answer",
        "created_at": created_at,
    });
    if let Some(updated_at) = updated_at {
        label["updated_at"] = updated_at;
    }
    label
}

#[test]
fn the_fast_path_accepts_what_chrono_accepts_as_the_same_instant() {
    for text in TIMESTAMPS {
        let expected = serde_json::from_value::<DateTime<Utc>>(json!(text)).ok();
        let required = serde_json::from_value::<RunGoldLabel>(label(text, None))
            .ok()
            .map(|label| label.created_at);
        assert_eq!(required, expected, "created_at {text:?}");
        let optional = serde_json::from_value::<RunGoldLabel>(label(
            "2026-01-01T00:00:00Z",
            Some(json!(text)),
        ))
        .ok()
        .map(|label| label.updated_at);
        assert_eq!(optional, expected.map(Some), "updated_at {text:?}");
    }
}

#[test]
fn an_optional_timestamp_may_be_absent_but_not_null_or_another_type() {
    // `updated_at` is optional but not nullable in the spec.
    let absent = serde_json::from_value::<RunGoldLabel>(label("2026-01-01T00:00:00Z", None));
    assert_eq!(absent.map(|l| l.updated_at).ok(), Some(None));
    let null =
        serde_json::from_value::<RunGoldLabel>(label("2026-01-01T00:00:00Z", Some(json!(null))));
    assert!(null.is_err(), "{null:?}");
    let number =
        serde_json::from_value::<RunGoldLabel>(label("2026-01-01T00:00:00Z", Some(json!(17))));
    assert!(number.is_err());
    let mut missing = label("2026-01-01T00:00:00Z", None);
    missing
        .as_object_mut()
        .map(|fields| fields.remove("created_at"));
    let error =
        serde_json::from_value::<RunGoldLabel>(missing).expect_err("created_at is required");
    assert!(error.to_string().contains("created_at"), "{error}");
}
