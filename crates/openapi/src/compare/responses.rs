//! Conformance of what the generated server code does: every operation's response enum and body
//! extractor, as a described document (see the server runtime's `described_document`), against
//! the spec's responses and request body, exactly.
//!
//! dropshot documents an endpoint's errors as `4XX`/`5XX` ranges and one success response, so
//! its document cannot say which statuses an operation answers; the response enum can. Here the
//! statuses must be the spec's, one for one (an added, removed or changed status disagrees), each
//! body of the kind and schema the spec gives for its status, and the `WWW-Authenticate`
//! challenge of each 401 (and of the operation) the one the operation's effective security
//! calls for (none for a public operation); a request body required exactly when the spec
//! requires it (dropshot writes every body as required in its own document, so this is where an
//! optional body is checked). Only body schemas pass through the comparison's
//! rules (the same alignment and allowances as dropshot's document); nothing about statuses or
//! challenges is excused.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::difference::{Difference, Place, Segment};
use super::rules::{self, Facts};
use super::schema::SchemaWalk;
use super::{Comparison, operations};
use crate::resolve;
use crate::security;
use crate::status::is_extension;

/// Where this comparison's places start: what the generated server code does.
const SENT: &str = "the generated server";

/// The key under which a described operation or response names its challenge.
const CHALLENGE: &str = "x-challenge";

/// Compares the spec's responses with the `described` document of the generated code.
pub fn compare_responses(spec: &Value, described: &Value) -> Comparison {
    let root = Place::default().then(Segment::Document(SENT.into()));
    let mut walk = SchemaWalk::under(root.clone(), spec, described);
    let mut strict = Vec::new();
    let spec_operations = operations(spec);
    let described_operations = operations(described);
    let keys: BTreeSet<&(String, String)> = spec_operations
        .keys()
        .chain(described_operations.keys())
        .collect();
    for key in keys {
        let place = root.then(Segment::Operation {
            method: key.0.clone(),
            path: key.1.clone(),
        });
        match (spec_operations.get(key), described_operations.get(key)) {
            (Some(expected), Some(actual)) => {
                compare_operation(&place, spec, expected, actual, &mut walk, &mut strict);
            }
            // An operation without a response enum is a WebSocket channel: its upgrade is
            // dropshot's, compared in dropshot's document.
            (Some(expected), None) if expected.contains_key("x-dropshot-websocket") => {}
            (expected, actual) => strict.push(Difference {
                place,
                expected: expected.and_then(|op| op.get("operationId")).cloned(),
                actual: actual.and_then(|op| op.get("operationId")).cloned(),
            }),
        }
    }
    Comparison::judged(walk.differences, strict)
}

fn compare_operation(
    place: &Place,
    spec: &Value,
    expected: &Map<String, Value>,
    actual: &Map<String, Value>,
    walk: &mut SchemaWalk<'_>,
    strict: &mut Vec<Difference>,
) {
    let challenge = security::challenge(spec, expected).map(Value::String);
    let actual_challenge = actual.get(CHALLENGE).filter(|c| !c.is_null()).cloned();
    if challenge != actual_challenge {
        strict.push(Difference {
            place: place.then(Segment::Keyword("security (WWW-Authenticate)".into())),
            expected: challenge.clone(),
            actual: actual_challenge,
        });
    }
    let body_required = |document: &Value, operation: &Map<String, Value>| {
        operation.get("requestBody").map(|body| {
            resolve::through_references(document, body).get("required") == Some(&Value::Bool(true))
        })
    };
    let (expected_body, actual_body) = (
        body_required(spec, expected),
        body_required(walk.implementation(), actual),
    );
    if expected_body != actual_body {
        strict.push(Difference {
            place: place
                .then(Segment::RequestBody)
                .then(Segment::Keyword("required".into())),
            expected: expected_body.map(Value::Bool),
            actual: actual_body.map(Value::Bool),
        });
    }
    let empty = Map::new();
    let responses = |document: &Value, operation: &Map<String, Value>| -> BTreeMap<String, Value> {
        operation
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty)
            .iter()
            .filter(|(status, _)| !is_extension(status))
            .map(|(status, response)| {
                let response = resolve::through_references(document, response).clone();
                (status_key(status), response)
            })
            .collect()
    };
    let (expected_responses, actual_responses) = (
        responses(spec, expected),
        responses(walk.implementation(), actual),
    );
    let statuses: BTreeSet<&String> = expected_responses
        .keys()
        .chain(actual_responses.keys())
        .collect();
    for status in statuses {
        let response_place = place.then(Segment::Response(status.clone()));
        let (Some(expected), Some(actual)) =
            (expected_responses.get(status), actual_responses.get(status))
        else {
            strict.push(Difference {
                place: response_place,
                expected: expected_responses.get(status).map(status_summary),
                actual: actual_responses.get(status).map(status_summary),
            });
            continue;
        };
        if let Some(error) = actual.get("x-send-error") {
            strict.push(Difference {
                place: response_place.then(Segment::Keyword("sent".into())),
                expected: Some(Value::String("a response".into())),
                actual: Some(error.clone()),
            });
            continue;
        }
        let expected_challenge = if status == "401" {
            challenge.clone()
        } else {
            None
        };
        let actual_challenge = actual.get(CHALLENGE).filter(|c| !c.is_null()).cloned();
        if expected_challenge != actual_challenge {
            strict.push(Difference {
                place: response_place.then(Segment::Keyword("WWW-Authenticate".into())),
                expected: expected_challenge,
                actual: actual_challenge,
            });
        }
        compare_body(&response_place, expected, actual, walk, strict);
    }
}

/// What a response is, in a disagreement about its presence: its description and media types.
fn status_summary(response: &Value) -> Value {
    let media: Vec<Value> = response
        .get("content")
        .and_then(Value::as_object)
        .map(|content| content.keys().cloned().map(Value::String).collect())
        .unwrap_or_default();
    let mut summary = Map::new();
    if let Some(description) = response.get("description") {
        summary.insert("description".into(), description.clone());
    }
    summary.insert("content".into(), Value::Array(media));
    Value::Object(summary)
}

/// The body's kind (JSON, bytes, none) must match; JSON schemas are compared.
fn compare_body(
    place: &Place,
    expected: &Value,
    actual: &Value,
    walk: &mut SchemaWalk<'_>,
    strict: &mut Vec<Difference>,
) {
    let by_kind = |response: &Value| -> BTreeMap<String, Value> {
        response
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(media_type, media)| {
                let (kind, schema_compared) = rules::media_kind(media_type);
                let schema = if schema_compared {
                    media.get("schema").cloned().unwrap_or(Value::Bool(true))
                } else {
                    Value::Bool(true)
                };
                (kind, schema)
            })
            .collect()
    };
    let (expected, actual) = (by_kind(expected), by_kind(actual));
    let kinds: BTreeSet<&String> = expected.keys().chain(actual.keys()).collect();
    for kind in kinds {
        let media_place = place.then(Segment::Media(kind.clone()));
        match (expected.get(kind), actual.get(kind)) {
            (Some(e), Some(a)) => walk.compare(&media_place, e, a, Facts::default()),
            (e, a) => strict.push(Difference {
                place: media_place,
                expected: e.cloned(),
                actual: a.cloned(),
            }),
        }
    }
}

/// A response key with ranges in one spelling (`4xx` is `4XX`).
fn status_key(status: &str) -> String {
    if status.len() == 3 && status.ends_with(['x', 'X']) {
        status.to_ascii_uppercase()
    } else {
        status.to_owned()
    }
}
