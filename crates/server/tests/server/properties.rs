//! Property: any valid `RunGoldLabel` (any unicode, nested object values, `null` against absent,
//! timestamps from year 0 to 9999 to the nanosecond) imported, served and decoded by the generated
//! client comes back equal, raw and decoded (and encoded again), on SQLite and PostgreSQL.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, SecondsFormat, TimeZone as _, Utc};
use proptest::prelude::*;
use refactor_conformance::round_trip::Target;
use refactor_server::store::Backend;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::support::{TestDatabase, base_url, claims, hs_token, hs256, seed, start};

/// A property that is absent, `null`, or has a value.
#[derive(Debug, Clone)]
enum Field<T> {
    Absent,
    Null,
    Value(T),
}

fn field<T: std::fmt::Debug + Clone + 'static>(
    value: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Field<T>> {
    prop_oneof![
        1 => Just(Field::Absent),
        1 => Just(Field::Null),
        3 => value.prop_map(Field::Value),
    ]
}

/// Any JSON value, nested a few levels: every scalar kind, unicode keys and strings.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(any::<String>(), json_value(), 0..6)
        .prop_map(|map| map.into_iter().collect())
}

/// Any instant of years 0 to 9999, to the nanosecond.
fn timestamp() -> impl Strategy<Value = DateTime<Utc>> {
    let first = Utc
        .with_ymd_and_hms(0, 1, 1, 0, 0, 0)
        .single()
        .map_or(0, |t| t.timestamp());
    let last = Utc
        .with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
        .single()
        .map_or(0, |t| t.timestamp());
    // Whole seconds, milliseconds and microseconds as often as full nanoseconds: each is
    // written with its own number of digits.
    let nanos = prop_oneof![
        Just(0_u32),
        (0..1_000_u32).prop_map(|millis| millis * 1_000_000),
        (0..1_000_000_u32).prop_map(|micros| micros * 1_000),
        0..1_000_000_000_u32,
    ];
    (first..=last, nanos).prop_map(|(seconds, nanos)| {
        Utc.timestamp_opt(seconds, nanos)
            .single()
            .unwrap_or_default()
    })
}

/// One label's generated parts; the id, account and run are assigned per run.
#[derive(Debug, Clone)]
struct LabelParts {
    output_resource_name: String,
    text_value: Field<String>,
    object_value: Field<Map<String, Value>>,
    object_value_is_partial: Field<bool>,
    created_by: Field<String>,
    created_at: DateTime<Utc>,
    updated_by: Field<String>,
    updated_at: Option<DateTime<Utc>>,
}

fn label_parts() -> impl Strategy<Value = LabelParts> {
    (
        any::<String>(),
        field(any::<String>()),
        field(json_object()),
        field(any::<bool>()),
        field(any::<String>()),
        timestamp(),
        field(any::<String>()),
        proptest::option::of(timestamp()),
    )
        .prop_map(
            |(
                output_resource_name,
                text_value,
                object_value,
                object_value_is_partial,
                created_by,
                created_at,
                updated_by,
                updated_at,
            )| LabelParts {
                output_resource_name,
                text_value,
                object_value,
                object_value_is_partial,
                created_by,
                created_at,
                updated_by,
                updated_at,
            },
        )
}

/// How the API writes a timestamp.
fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The label as the API serves it: properties in the spec's order, absent ones left out.
fn label_json(parts: &LabelParts, id: Uuid, run: Uuid, account: &str) -> Value {
    let mut label = Map::new();
    let mut put = |name: &str, value: Field<Value>| match value {
        Field::Absent => {}
        Field::Null => {
            label.insert(name.to_owned(), Value::Null);
        }
        Field::Value(value) => {
            label.insert(name.to_owned(), value);
        }
    };
    let string = |field: &Field<String>| map_field(field, |s| json!(s));
    put("id", Field::Value(json!(id)));
    put("account_id", Field::Value(json!(account)));
    put("run_id", Field::Value(json!(run)));
    put(
        "output_resource_name",
        Field::Value(json!(parts.output_resource_name)),
    );
    put("text_value", string(&parts.text_value));
    put(
        "object_value",
        map_field(&parts.object_value, |map| Value::Object(map.clone())),
    );
    put(
        "object_value_is_partial",
        map_field(&parts.object_value_is_partial, |b| json!(b)),
    );
    put("created_by", string(&parts.created_by));
    put("created_at", Field::Value(json!(rfc3339(parts.created_at))));
    put("updated_by", string(&parts.updated_by));
    put(
        "updated_at",
        parts
            .updated_at
            .map_or(Field::Absent, |at| Field::Value(json!(rfc3339(at)))),
    );
    Value::Object(label)
}

fn map_field<T>(field: &Field<T>, to_json: impl Fn(&T) -> Value) -> Field<Value> {
    match field {
        Field::Absent => Field::Absent,
        Field::Null => Field::Null,
        Field::Value(value) => Field::Value(to_json(value)),
    }
}

#[test]
fn any_valid_label_comes_back_equal_raw_and_through_the_client_on_sqlite() {
    any_valid_label_comes_back_equal(Backend::Sqlite);
}

#[test]
fn any_valid_label_comes_back_equal_raw_and_through_the_client_on_postgres() {
    any_valid_label_comes_back_equal(Backend::Postgres);
}

/// Labels imported into `backend`, served by the real server, and compared raw and as decoded
/// by the generated client and encoded again: byte for byte the JSON the server sent, each
/// `null` still `null` and each absent property still absent.
fn any_valid_label_comes_back_equal(backend: Backend) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let Some((db, server)) = runtime.block_on(async {
        let db = TestDatabase::new(backend).await?;
        let server = start(db.store().await, hs256()).await;
        Some((db, server))
    }) else {
        // Without a PostgreSQL server, `TestDatabase::new` said it skipped.
        return;
    };
    // Writes go through a store of their own, as an `import` in another process would.
    let writer = runtime.block_on(db.store());
    let runs = AtomicU64::new(0);
    let config = ProptestConfig {
        cases: 128,
        ..ProptestConfig::default()
    };
    proptest!(config, |(
        account in "\\PC{1,12}",
        first_id in any::<u128>(),
        labels in prop::collection::vec(label_parts(), 0..8),
    )| {
        let run = Uuid::from_u128(0xABCD_0000 + u128::from(runs.fetch_add(1, Ordering::SeqCst)));
        let mut expected: Vec<Value> = labels
            .iter()
            .enumerate()
            .map(|(index, parts)| label_json(parts, Uuid::from_u128(first_id.wrapping_add(index as u128)), run, &account))
            .collect();
        // The API's order: created_at, then id.
        let order = |label: &Value| {
            let at = label["created_at"].as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
            (at, label["id"].as_str().map(str::to_owned))
        };
        expected.sort_by_key(order);
        runtime.block_on(async {
            seed(writer.as_ref(), &expected, &[(run, account.as_str())]).await;
            Target::new(base_url(&server), hs_token(&claims(&account))).assert_lists(run, &expected).await;
        });
    });
}
