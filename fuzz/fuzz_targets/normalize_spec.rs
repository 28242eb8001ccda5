//! Fuzzes loading and normalizing a spec: any bytes, read as YAML (and JSON, which YAML
//! contains), must give a document or a located error, never a panic, a hang or unbounded
//! memory. A document that normalizes must be a fixed point of normalization, and every warning
//! must point into the source it was loaded from.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use refactor_openapi::{SourceDocument, normalize};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for path in ["fuzz.yaml", "fuzz.json"] {
        let Ok(source) = SourceDocument::parse(Path::new(path), text.to_owned()) else {
            continue;
        };
        let Ok(normalized) = normalize(source.value()) else {
            continue;
        };
        for warning in &normalized.warnings {
            // Locating may find no line (a pointer to a value normalization added), but it
            // must not panic.
            let _ = source.line_of(warning.0.pointer.as_str());
        }
        match normalize(&normalized.document) {
            Ok(again) => assert_eq!(
                again.document, normalized.document,
                "normalizing a normalized document changed it"
            ),
            Err(error) => panic!("a normalized document does not normalize again: {error}"),
        }
    }
});
