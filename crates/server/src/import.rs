//! Import files: JSON, either `{"runs": [...], "gold_labels": [...]}` or a bare array of labels.
//!
//! Parsing validates every record against the spec's `RunGoldLabel` schema and checks the
//! records against each other, so the store receives a batch that is whole and consistent; the
//! store then writes it in one transaction. Errors name the file, the record and the field.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::labels::{LabelError, StoredLabel, hyphenated_uuid, stored_label};

/// A run: the account that owns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    /// The run's id.
    pub id: Uuid,
    /// Its account.
    pub account_id: String,
    /// The record that listed it (`runs[1]`) or, for a run implied by its labels, the first
    /// of them (`gold_labels[0]`).
    pub source: String,
}

/// A validated label and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelRecord {
    /// The record in the file: `gold_labels[3]`, or `[3]` in a bare array.
    pub source: String,
    /// The label to store.
    pub label: StoredLabel,
}

/// Everything one import writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportBatch {
    /// Runs, listed or implied by labels.
    pub runs: Vec<RunRecord>,
    /// Labels, in file order.
    pub labels: Vec<LabelRecord>,
}

/// Why a file cannot be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("failed to read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not JSON of either accepted shape.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A record is invalid.
    #[error("{}: {record}: {error}", path.display())]
    Record {
        /// The file.
        path: PathBuf,
        /// e.g. `gold_labels[3]` or `runs[0]`.
        record: String,
        /// The field and the problem.
        error: LabelError,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FullFile<'a> {
    #[serde(default, borrow)]
    runs: Vec<&'a RawValue>,
    #[serde(borrow)]
    gold_labels: Vec<&'a RawValue>,
}

/// Reads and validates the import file at `path`.
pub fn read_import(path: &Path) -> Result<ImportBatch, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_import(path, &text)
}

/// Validates an import file's `text`; `path` is used in messages.
pub fn parse_import(path: &Path, text: &str) -> Result<ImportBatch, ImportError> {
    let syntax = |error: serde_json::Error| ImportError::Syntax {
        path: path.to_owned(),
        line: error.line(),
        column: error.column(),
        message: error.to_string(),
    };
    let (runs, records, prefix) = if text.trim_start().starts_with('[') {
        let records: Vec<&RawValue> = serde_json::from_str(text).map_err(syntax)?;
        (Vec::new(), records, "[")
    } else {
        let file: FullFile<'_> = serde_json::from_str(text).map_err(syntax)?;
        (file.runs, file.gold_labels, "gold_labels[")
    };
    let record_error = |record: &str, error: LabelError| ImportError::Record {
        path: path.to_owned(),
        record: record.to_owned(),
        error,
    };

    let mut batch = ImportBatch::default();
    // Each run's place in `batch.runs`, which holds its account and the record naming it.
    let mut runs_by_id: HashMap<Uuid, usize> = HashMap::new();
    for (index, run) in runs.into_iter().enumerate() {
        let here = format!("runs[{index}]");
        let run = run_entry(run, &here).map_err(|error| record_error(&here, error))?;
        if let Some(first) = runs_by_id.get(&run.id).map(|&at| &batch.runs[at]) {
            if first.account_id != run.account_id {
                return Err(record_error(
                    &here,
                    LabelError::at(
                        "/account_id",
                        format!(
                            "run {} is already listed for account {:?} by {}",
                            run.id, first.account_id, first.source
                        ),
                    ),
                ));
            }
            continue;
        }
        runs_by_id.insert(run.id, batch.runs.len());
        batch.runs.push(run);
    }

    let mut seen_labels: HashMap<Uuid, usize> = HashMap::new();
    for (index, record) in records.into_iter().enumerate() {
        let here = format!("{prefix}{index}]");
        let label = stored_label(record).map_err(|error| record_error(&here, error))?;
        if let Some(first) = seen_labels.insert(label.id, index) {
            return Err(record_error(
                &here,
                LabelError::at(
                    "/id",
                    format!("label {} is also {prefix}{first}]", label.id),
                ),
            ));
        }
        match runs_by_id.get(&label.run_id).map(|&at| &batch.runs[at]) {
            Some(run) if run.account_id != label.account_id => {
                return Err(record_error(
                    &here,
                    LabelError::at(
                        "/account_id",
                        format!(
                            "run {} belongs to account {:?} ({}), not {:?}",
                            label.run_id, run.account_id, run.source, label.account_id
                        ),
                    ),
                ));
            }
            Some(_) => {}
            None => {
                runs_by_id.insert(label.run_id, batch.runs.len());
                batch.runs.push(RunRecord {
                    id: label.run_id,
                    account_id: label.account_id.clone(),
                    source: here.clone(),
                });
            }
        }
        batch.labels.push(LabelRecord {
            source: here,
            label,
        });
    }
    Ok(batch)
}

/// Reads one entry of `runs`: an object of exactly `id` (a hyphenated UUID, as the spec's
/// `format: uuid`) and `account_id` (a string).
fn run_entry(entry: &RawValue, source: &str) -> Result<RunRecord, LabelError> {
    let fields: serde_json::Map<String, serde_json::Value> = serde_json::from_str(entry.get())
        .map_err(|_| LabelError::at("/", "a run must be an object of `id` and `account_id`"))?;
    if let Some(unknown) = fields.keys().find(|k| *k != "id" && *k != "account_id") {
        return Err(LabelError::at(
            &format!("/{unknown}"),
            "unknown field: a run has only `id` and `account_id`",
        ));
    }
    let text = |name: &str| match fields.get(name) {
        Some(serde_json::Value::String(text)) => Ok(text.clone()),
        Some(_) => Err(LabelError::at(&format!("/{name}"), "must be a string")),
        None => Err(LabelError::at(&format!("/{name}"), "required")),
    };
    Ok(RunRecord {
        id: hyphenated_uuid("id", &text("id")?)?,
        account_id: text("account_id")?,
        source: source.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(id: u128, run: u128, account: &str) -> String {
        format!(
            r#"{{"id":"{}","account_id":"{account}","run_id":"{}","output_resource_name":"o","created_at":"2026-01-01T00:00:00Z"}}"#,
            Uuid::from_u128(id),
            Uuid::from_u128(run)
        )
    }

    fn parse(text: &str) -> Result<ImportBatch, ImportError> {
        parse_import(Path::new("import.json"), text)
    }

    #[test]
    fn a_bare_array_implies_its_runs() {
        let batch =
            parse(&format!("[{}, {}]", label(1, 10, "a"), label(2, 10, "a"))).expect("valid");
        assert_eq!(
            batch.runs,
            [RunRecord {
                id: Uuid::from_u128(10),
                account_id: "a".into(),
                source: "[0]".into(),
            }]
        );
        assert_eq!(batch.labels.len(), 2);
    }

    #[test]
    fn the_object_form_lists_empty_runs_too() {
        let text = format!(
            r#"{{"runs": [{{"id": "{}", "account_id": "a"}}], "gold_labels": [{}]}}"#,
            Uuid::from_u128(11),
            label(1, 10, "a")
        );
        let batch = parse(&text).expect("valid");
        assert_eq!(batch.runs.len(), 2);
    }

    #[test]
    fn an_invalid_run_names_its_index_and_field() {
        for (run, field) in [
            (
                format!(
                    r#"{{"id": "{}", "account_id": "a"}}"#,
                    Uuid::from_u128(11).simple()
                ),
                "/id",
            ),
            (
                r#"{"id": "00000000-0000-0000-0000-00000000000b"}"#.to_owned(),
                "/account_id",
            ),
            (
                r#"{"id": "00000000-0000-0000-0000-00000000000b", "account_id": "a", "x": 1}"#
                    .to_owned(),
                "/x",
            ),
        ] {
            let text = format!(
                r#"{{"runs": [{{"id": "{}", "account_id": "a"}}, {run}], "gold_labels": []}}"#,
                Uuid::from_u128(12)
            );
            let error = parse(&text).expect_err("invalid run");
            assert_eq!(
                error.to_string().split(": ").take(3).collect::<Vec<_>>(),
                ["import.json", "runs[1]", field],
                "{run}"
            );
        }
    }

    #[test]
    fn an_invalid_record_names_its_index_and_field() {
        let bad = label(2, 10, "a").replace("2026-01-01T00:00:00Z", "soon");
        let error = parse(&format!("[{}, {bad}]", label(1, 10, "a"))).expect_err("invalid");
        assert_eq!(
            error.to_string().split(": ").take(3).collect::<Vec<_>>(),
            ["import.json", "[1]", "/created_at"]
        );
    }

    #[test]
    fn a_label_of_another_account_than_its_run_is_refused() {
        let error =
            parse(&format!("[{}, {}]", label(1, 10, "a"), label(2, 10, "b"))).expect_err("invalid");
        assert!(error.to_string().contains("[1]: /account_id"), "{error}");
    }

    #[test]
    fn duplicate_label_ids_are_refused() {
        let error =
            parse(&format!("[{}, {}]", label(1, 10, "a"), label(1, 10, "a"))).expect_err("invalid");
        assert!(error.to_string().contains("also [0]"), "{error}");
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let error = parse("[\n{\"id\": }\n]").expect_err("invalid");
        assert!(
            matches!(error, ImportError::Syntax { line: 2, .. }),
            "{error}"
        );
    }

    #[test]
    fn unknown_top_level_keys_are_refused() {
        assert!(matches!(
            parse(r#"{"gold_labels": [], "labels": []}"#),
            Err(ImportError::Syntax { .. })
        ));
    }
}
