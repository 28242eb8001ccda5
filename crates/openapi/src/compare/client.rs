//! Conformance of the generated client: which responses it decodes as success, which as the
//! spec's typed error, and which it refuses as unexpected, against what the spec documents.
//!
//! A probe server answers each call with one status (and an example of the body the spec gives
//! that status); the client's outcome must be what the spec says of that status: a documented
//! success is `Success`, a documented error (4xx, 5xx, or `default` beside a success) is
//! `ErrorResponse`, anything else `Unexpected`. The request the client sent must be the spec's
//! method and path. Nothing here is excused by a rule.

use serde_json::{Map, Value};

use super::difference::{Difference, Place, Segment};
use super::rules::Facts;
use super::{Comparison, operations};
use crate::examples::example_instance;
use crate::resolve;
use crate::status::{Status, is_extension};

/// One call a client conformance test makes: an operation, and the response the probe server
/// answers it with.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientProbe {
    /// The operation id (the client's method is named after it).
    pub operation_id: String,
    /// Its method, uppercase.
    pub method: String,
    /// Its path template.
    pub path: String,
    /// The status the probe server answers with.
    pub status: u16,
    /// The JSON body it answers with, if any: an example of the spec's schema for the status.
    pub body: Option<Value>,
}

/// What the client made of a probe's response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientOutcome {
    /// Decoded as the operation's success.
    Success,
    /// Decoded as the operation's typed error.
    ErrorResponse,
    /// Refused as a response the operation does not document.
    Unexpected,
    /// Anything else (a body it could not decode, a request it could not build), described.
    Failed(String),
}

/// A probe, what the client sent for it, and what the client made of the answer.
#[derive(Debug, Clone)]
pub struct ClientResult {
    /// The probe.
    pub probe: ClientProbe,
    /// The request's method and path as the probe server received them, if it received one.
    pub request: Option<(String, String)>,
    /// The client's outcome.
    pub outcome: ClientOutcome,
}

/// The probes for every operation of `spec`: each documented status (a range by its first free
/// code, `default` by a code nothing else covers), and one success, one client error and one
/// server error status the operation does not document.
pub fn client_probes(spec: &Value) -> Vec<ClientProbe> {
    let mut probes = Vec::new();
    for ((method, path), operation) in operations(spec) {
        if operation.contains_key("x-dropshot-websocket") {
            continue;
        }
        let Some(operation_id) = operation.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let responses = responses(spec, operation);
        let mut codes: Vec<u16> = Vec::new();
        for (status, _) in &responses {
            let code = match status {
                Status::Code(code) => Some(*code),
                Status::Range(digit) => first_free(&responses, u16::from(*digit) * 100),
                Status::Default => only_default(&responses),
            };
            codes.extend(code);
        }
        // Statuses the operation does not document, where something is left undocumented.
        for base in [200, 400, 500] {
            if let Some(code) = first_free(&responses, base)
                && !codes.contains(&code)
                && covering(&responses, code).is_none()
            {
                codes.push(code);
            }
        }
        // Redirects are the HTTP client's to follow (reqwest does), never a call's answer.
        codes.retain(|code| (200..300).contains(code) || *code >= 400);
        codes.sort_unstable();
        codes.dedup();
        for status in codes {
            let body = covering(&responses, status)
                .and_then(|response| json_schema(response))
                .and_then(|schema| example_instance(spec, schema).ok());
            probes.push(ClientProbe {
                operation_id: operation_id.to_owned(),
                method: method.clone(),
                path: path.clone(),
                status,
                body,
            });
        }
    }
    probes
}

/// Compares what the client did with what `spec` says of each probe.
pub fn compare_client(spec: &Value, results: &[ClientResult]) -> Comparison {
    let operations = operations(spec);
    let mut disagreements = Vec::new();
    let mut judged = Vec::new();
    for result in results {
        let probe = &result.probe;
        let place = Place::default()
            .then(Segment::Document(CLIENT.into()))
            .then(Segment::Operation {
                method: probe.method.clone(),
                path: probe.path.clone(),
            });
        let Some(operation) = operations.get(&(probe.method.clone(), probe.path.clone())) else {
            disagreements.push(Difference {
                place,
                expected: None,
                actual: Some(Value::String(probe.operation_id.clone())),
            });
            continue;
        };
        let sent = result
            .request
            .as_ref()
            .map(|(method, path)| format!("{method} {path}"));
        if !result.request.as_ref().is_some_and(|(method, path)| {
            *method == probe.method && path_matches(&probe.path, path)
        }) {
            disagreements.push(Difference {
                place: place.then(Segment::Keyword("client request".into())),
                expected: Some(Value::String(format!("{} {}", probe.method, probe.path))),
                actual: sent.map(Value::String),
            });
        }
        let expected = expected_outcome(spec, operation, probe.status);
        if expected != result.outcome {
            let difference = Difference {
                place: place
                    .then(Segment::Response(probe.status.to_string()))
                    .then(Segment::Keyword(CLIENT_OUTCOME.into())),
                expected: Some(Value::String(describe(&expected))),
                actual: Some(Value::String(describe(&result.outcome))),
            };
            let facts = Facts {
                redirect_success: redirects_only(&responses(spec, operation)),
                ..Facts::default()
            };
            judged.push((difference, facts));
        }
    }
    Comparison::judged(judged, disagreements)
}

/// Where this comparison's places start: what the generated client does.
const CLIENT: &str = "the client";

/// The keyword of a difference about what the client made of a response.
pub const CLIENT_OUTCOME: &str = "client outcome";

/// Whether the operation's only successes are redirects (3xx).
fn redirects_only(responses: &[(Status, Value)]) -> bool {
    let successes: Vec<&Status> = responses
        .iter()
        .map(|(status, _)| status)
        .filter(|status| !status.is_error() && **status != Status::Default)
        .collect();
    !successes.is_empty()
        && successes
            .iter()
            .all(|status| matches!(status, Status::Code(300..=399) | Status::Range(3)))
}

/// How an outcome reads in a report.
pub fn describe(outcome: &ClientOutcome) -> String {
    match outcome {
        ClientOutcome::Success => SUCCESS.to_owned(),
        ClientOutcome::ErrorResponse => "decoded as the typed error".to_owned(),
        ClientOutcome::Unexpected => "refused as unexpected".to_owned(),
        ClientOutcome::Failed(why) => format!("failed: {why}"),
    }
}

/// How [`ClientOutcome::Success`] reads in a report.
pub const SUCCESS: &str = "decoded as the success";

/// What the spec says a client should make of `status` from `operation`: a status the operation
/// documents (by its code, its range or `default`) is a success when it is a 2xx and an error
/// otherwise, as HTTP reads it; anything else is unexpected.
fn expected_outcome(spec: &Value, operation: &Map<String, Value>, status: u16) -> ClientOutcome {
    let responses = responses(spec, operation);
    if covering(&responses, status).is_none() {
        ClientOutcome::Unexpected
    } else if (200..300).contains(&status) {
        ClientOutcome::Success
    } else {
        ClientOutcome::ErrorResponse
    }
}

/// The operation's responses, references followed, by status.
fn responses(spec: &Value, operation: &Map<String, Value>) -> Vec<(Status, Value)> {
    operation
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(key, _)| !is_extension(key))
        .filter_map(|(key, response)| {
            let status = Status::parse(key)?;
            Some((status, resolve::through_references(spec, response).clone()))
        })
        .collect()
}

/// The response that covers `code`: its own, else its range's, else `default`.
fn covering(responses: &[(Status, Value)], code: u16) -> Option<&Value> {
    let find = |wanted: Status| {
        responses
            .iter()
            .find(|(status, _)| *status == wanted)
            .map(|(_, response)| response)
    };
    let digit = u8::try_from(code / 100).unwrap_or(0);
    find(Status::Code(code))
        .or_else(|| find(Status::Range(digit)))
        .or_else(|| find(Status::Default))
}

/// The first code from `base` up (within its hundred) that no response names by its own code.
fn first_free(responses: &[(Status, Value)], base: u16) -> Option<u16> {
    // 418 and 299 first: statuses an API rarely documents on purpose.
    let preferred = match base {
        200 => [299, 203],
        400 => [418, 499],
        500 => [599, 507],
        _ => [base, base + 1],
    };
    preferred.into_iter().chain(base..base + 100).find(|code| {
        !responses
            .iter()
            .any(|(status, _)| *status == Status::Code(*code))
    })
}

/// A code only `default` covers (no code or range of its own), if any.
fn only_default(responses: &[(Status, Value)]) -> Option<u16> {
    [599, 507, 418, 499, 299, 203].into_iter().find(|code| {
        let digit = u8::try_from(code / 100).unwrap_or(0);
        !responses
            .iter()
            .any(|(status, _)| *status == Status::Code(*code) || *status == Status::Range(digit))
    })
}

/// The JSON schema of a response's body, if it has a JSON body.
fn json_schema(response: &Value) -> Option<&Value> {
    response
        .get("content")?
        .as_object()?
        .iter()
        .find(|(media_type, _)| crate::normalize::is_json_media_type(media_type))
        .map(|(_, media)| media.get("schema").unwrap_or(&Value::Bool(true)))
}

/// Whether a request path matches a path template (`{name}` matches one non-empty segment).
fn path_matches(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let template: Vec<&str> = template.split('/').collect();
    let segments: Vec<&str> = path.split('/').collect();
    template.len() == segments.len()
        && template.iter().zip(&segments).all(|(expected, actual)| {
            match expected.strip_prefix('{') {
                Some(_) if expected.ends_with('}') => !actual.is_empty(),
                _ => expected == actual || segment_template_matches(expected, actual),
            }
        })
}

/// A segment that mixes literal text and variables (`{name}.json`) matches by its literal parts.
fn segment_template_matches(template: &str, actual: &str) -> bool {
    if !template.contains('{') {
        return false;
    }
    let literals: Vec<&str> = template
        .split(['{', '}'])
        .enumerate()
        .filter(|(index, _)| index % 2 == 0)
        .map(|(_, literal)| literal)
        .collect();
    let mut rest = actual;
    for (index, literal) in literals.iter().enumerate() {
        if literal.is_empty() {
            continue;
        }
        match rest.find(literal) {
            Some(position) if index > 0 || position == 0 => {
                rest = &rest[position + literal.len()..]
            }
            _ => return false,
        }
    }
    literals
        .last()
        .is_none_or(|last| last.is_empty() || rest.is_empty())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec(responses: Value) -> Value {
        json!({"paths": {"/runs/{id}": {"get": {"operationId": "get_run", "responses": responses}}}})
    }

    fn statuses(spec: &Value) -> Vec<u16> {
        client_probes(spec).iter().map(|p| p.status).collect()
    }

    #[test]
    fn documented_and_undocumented_statuses_are_probed() {
        let spec = spec(json!({"200": {"description": "ok"}, "404": {"description": "no"}}));
        assert_eq!(statuses(&spec), [200, 299, 404, 418, 599]);
    }

    #[test]
    fn ranges_and_default_are_probed_where_nothing_else_answers() {
        let spec = spec(
            json!({"200": {"description": "ok"}, "4XX": {"description": "e"}, "default": {"description": "d"}}),
        );
        assert_eq!(statuses(&spec), [200, 418, 599]);
        let expected: Vec<ClientOutcome> = [200, 299, 418, 503]
            .iter()
            .map(|code| {
                let operation = spec["paths"]["/runs/{id}"]["get"].as_object().cloned();
                expected_outcome(&spec, &operation.unwrap_or_default(), *code)
            })
            .collect();
        assert_eq!(
            expected,
            [
                ClientOutcome::Success,
                ClientOutcome::Success,
                ClientOutcome::ErrorResponse,
                ClientOutcome::ErrorResponse
            ]
        );
    }

    #[test]
    fn a_wrong_outcome_and_a_wrong_path_disagree() {
        let spec = spec(json!({"200": {"description": "ok"}, "404": {"description": "no"}}));
        let probe = |status| ClientProbe {
            operation_id: "get_run".into(),
            method: "GET".into(),
            path: "/runs/{id}".into(),
            status,
            body: None,
        };
        let results = [
            ClientResult {
                probe: probe(404),
                request: Some(("GET".into(), "/runs/7".into())),
                outcome: ClientOutcome::Unexpected,
            },
            ClientResult {
                probe: probe(200),
                request: Some(("GET".into(), "/run/7".into())),
                outcome: ClientOutcome::Success,
            },
        ];
        let places: Vec<String> = compare_client(&spec, &results)
            .disagreements
            .iter()
            .map(|d| d.place.to_string())
            .collect();
        assert_eq!(
            places,
            [
                "the client › GET /runs/{id} › response 404 › client outcome",
                "the client › GET /runs/{id} › client request"
            ]
        );
    }

    #[test]
    fn templates_match_their_paths() {
        assert!(path_matches("/runs/{id}/labels", "/runs/7/labels?limit=1"));
        assert!(!path_matches("/runs/{id}/labels", "/runs/7"));
        assert!(!path_matches("/runs/{id}", "/runs/"));
        assert!(path_matches("/files/{name}.json", "/files/a.json"));
        assert!(!path_matches("/files/{name}.json", "/files/a.yaml"));
    }
}
