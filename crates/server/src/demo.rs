//! Demo data: account `demo` with a run of 100 labels (text and object values) and a run with
//! none. Loading it twice changes nothing.

use std::path::Path;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::import::{ImportError, parse_import};
use crate::store::{GoldLabelStore, ImportReport, StoreError};

/// The demo account.
pub const DEMO_ACCOUNT: &str = "demo";
/// The demo run with 100 labels.
pub const DEMO_RUN: Uuid = Uuid::from_u128(0x0d3e_0000_0000_4000_8000_0000_0000_0001);
/// The demo run without labels.
pub const EMPTY_DEMO_RUN: Uuid = Uuid::from_u128(0x0d3e_0000_0000_4000_8000_0000_0000_0002);

/// The demo data as an import file.
pub fn demo_file() -> Value {
    let labels: Vec<Value> = (0..100_u32).map(demo_label).collect();
    json!({
        "runs": [
            {"id": DEMO_RUN, "account_id": DEMO_ACCOUNT},
            {"id": EMPTY_DEMO_RUN, "account_id": DEMO_ACCOUNT}
        ],
        "gold_labels": labels
    })
}

const OUTPUTS: [&str; 4] = ["summary", "sentiment", "entities", "answer"];
const SENTIMENTS: [&str; 3] = ["positive", "neutral", "negative"];

fn demo_label(index: u32) -> Value {
    let output = OUTPUTS[index as usize % OUTPUTS.len()];
    let mut label = json!({
        "id": Uuid::from_u128(0x0d3e_1abe_0000_4000_8000_0000_0000_0000 + u128::from(index)),
        "account_id": DEMO_ACCOUNT,
        "run_id": DEMO_RUN,
        "output_resource_name": output,
        "created_by": "demo-annotator",
        "created_at": format!("2026-01-{:02}T{:02}:{:02}:00Z", 1 + index / 24 % 28, index % 24, index % 60),
    });
    if index.is_multiple_of(2) {
        label["text_value"] = json!(format!("Gold answer #{index}: «résumé» ✓"));
    } else {
        let sentiment = SENTIMENTS[index as usize % SENTIMENTS.len()];
        label["object_value"] = json!({
            "label": sentiment,
            "confidence": f64::from(index % 10) / 10.0,
            "spans": [{"start": index, "end": index + 7}],
        });
        label["object_value_is_partial"] = json!(index.is_multiple_of(3));
    }
    if index.is_multiple_of(10) {
        label["updated_by"] = json!("demo-reviewer");
        label["updated_at"] = json!("2026-02-01T12:00:00Z");
    }
    label
}

/// Why the demo data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The demo data does not validate against the spec (a bug, or a spec change).
    #[error("the demo data is invalid: {0}")]
    Invalid(#[from] ImportError),
    /// The store refused it.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Loads the demo data (idempotent).
pub async fn load_demo(store: &dyn GoldLabelStore) -> Result<ImportReport, DemoError> {
    let batch = parse_import(Path::new("<demo data>"), &demo_file().to_string())?;
    Ok(store.import(&batch).await?)
}
