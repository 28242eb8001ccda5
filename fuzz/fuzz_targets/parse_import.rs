//! Fuzzes the import parser: any bytes must give a batch or an error naming the record and
//! field, never a panic. A batch that parses must hold only labels the generated client
//! decodes, each equal to what the store indexes it by, and runs consistent with them.

#![no_main]

use std::collections::HashMap;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use refactor_server::import::parse_import;
use refactor_types::RunGoldLabel;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(batch) = parse_import(Path::new("fuzz.json"), text) else {
        return;
    };
    let owners: HashMap<_, _> = batch
        .runs
        .iter()
        .map(|run| (run.id, run.account_id.as_str()))
        .collect();
    assert_eq!(owners.len(), batch.runs.len(), "a run is listed twice");
    for record in &batch.labels {
        let stored = &record.label;
        let decoded: RunGoldLabel = serde_json::from_str(&stored.body).unwrap_or_else(|error| {
            panic!(
                "label {} is stored as JSON the client cannot decode: {error}",
                record.source
            )
        });
        assert_eq!(decoded.id, stored.id);
        assert_eq!(decoded.run_id, stored.run_id);
        assert_eq!(decoded.account_id, stored.account_id);
        assert_eq!(decoded.created_at, stored.created_at);
        assert_eq!(
            owners.get(&stored.run_id).copied(),
            Some(stored.account_id.as_str()),
            "label {}'s run is missing from the batch or owned by another account",
            record.source
        );
    }
});
