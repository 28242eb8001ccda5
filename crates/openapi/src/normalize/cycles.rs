//! References must lead somewhere. A `$ref` (or an `allOf`, `anyOf`, `oneOf` or `not`
//! subschema) that comes back to where it started without passing through an object's
//! properties or an array's items describes no value: validating anything against it never
//! ends (JSON Schema calls such a schema invalid), the types generated for it recurse forever
//! when they decode, and every step that follows references would follow it forever. Each such
//! cycle is a located error here, right after [`super::references`] has found every reference.
//!
//! Recursion through properties, items or additional properties (a tree, a linked list) is a
//! value of finite size and is not a cycle in this sense.

use std::collections::HashMap;

use serde_json::Value;

use super::references::Reference;
use crate::error::SpecError;
use crate::pointer::Pointer;
use crate::resolve;

/// Keywords whose subschemas apply to the same value as the schema that holds them.
const SAME_VALUE_LISTS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// One move to another place that applies to the same value.
#[derive(Debug, Clone)]
struct Step {
    /// The member that makes the move (a `$ref`, or a subschema).
    via: Pointer,
    /// Where it leads.
    to: Pointer,
}

/// Where the search is in one place: the place, its steps and the next one to take.
struct Frame {
    place: Pointer,
    steps: Vec<Step>,
    next: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visit {
    /// On the path being searched: reaching it again closes a cycle.
    OnPath,
    /// Searched completely: no cycle through it.
    Done,
}

/// Fails, naming the `$ref` that closes it, when any reference of `references` starts a cycle.
pub(crate) fn references_terminate(
    document: &Value,
    references: &[Reference],
) -> Result<(), SpecError> {
    let mut visits: HashMap<Pointer, Visit> = HashMap::new();
    for reference in references {
        if visits.contains_key(&reference.target) {
            continue;
        }
        // Depth-first without recursion: a chain of references may be as long as the document.
        visits.insert(reference.target.clone(), Visit::OnPath);
        let mut path = vec![Frame::at(document, reference.target.clone())];
        while let Some(frame) = path.last_mut() {
            let Some(step) = frame.steps.get(frame.next).cloned() else {
                visits.insert(frame.place.clone(), Visit::Done);
                path.pop();
                continue;
            };
            frame.next += 1;
            match visits.get(&step.to) {
                Some(Visit::Done) => {}
                Some(Visit::OnPath) => return Err(cycle(&path, &step)),
                None => {
                    visits.insert(step.to.clone(), Visit::OnPath);
                    path.push(Frame::at(document, step.to));
                }
            }
        }
    }
    Ok(())
}

impl Frame {
    fn at(document: &Value, place: Pointer) -> Self {
        let steps = document
            .pointer(place.as_str())
            .map(|value| same_value_steps(&place, value))
            .unwrap_or_default();
        Self {
            place,
            steps,
            next: 0,
        }
    }
}

/// The places `value` (at `place`) sends the same value on to: its `$ref`'s target and its
/// `allOf`/`anyOf`/`oneOf`/`not` subschemas.
fn same_value_steps(place: &Pointer, value: &Value) -> Vec<Step> {
    let Value::Object(members) = value else {
        return Vec::new();
    };
    let mut steps = Vec::new();
    if let Some(target) = members
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(resolve::pointer_of)
    {
        steps.push(Step {
            via: place.key("$ref"),
            to: target,
        });
    }
    for keyword in SAME_VALUE_LISTS {
        if let Some(Value::Array(subschemas)) = members.get(keyword) {
            let list = place.key(keyword);
            steps.extend((0..subschemas.len()).map(|index| Step {
                via: list.index(index),
                to: list.index(index),
            }));
        }
    }
    if members.get("not").is_some_and(Value::is_object) {
        let not = place.key("not");
        steps.push(Step {
            via: not.clone(),
            to: not,
        });
    }
    steps
}

/// The error for `closing`, the step from the top of `path` back onto it.
fn cycle(path: &[Frame], closing: &Step) -> SpecError {
    let start = path
        .iter()
        .position(|frame| frame.place == closing.to)
        .unwrap_or_default();
    let places: Vec<String> = path[start..]
        .iter()
        .map(|frame| frame.place.to_string())
        .chain(std::iter::once(closing.to.to_string()))
        .collect();
    SpecError::unsupported(
        &closing.via,
        "reference cycle",
        format!(
            "{} comes back to where it started without reaching a definition: a reference \
             must end at one, and a schema may recur only through an object's properties or \
             an array's items (validating a value against this one would never end)",
            places.join(" -> ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::references::resolved_references;

    fn problem(document: &Value) -> Option<String> {
        let references = resolved_references(document).expect("references resolve");
        references_terminate(document, &references)
            .err()
            .and_then(|e| e.problem().map(|p| format!("{}: {}", p.pointer, p.detail)))
    }

    fn schemas(schemas: Value) -> Value {
        json!({
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/A"}}
            }}}}}},
            "components": {"schemas": schemas}
        })
    }

    #[test]
    fn a_schema_that_is_a_reference_to_itself_is_located() {
        let found = problem(&schemas(json!({"A": {"$ref": "#/components/schemas/A"}})));
        assert_eq!(
            found
                .as_deref()
                .and_then(|p| p.split_once(':'))
                .map(|p| p.0),
            Some("/components/schemas/A/$ref"),
            "{found:?}"
        );
        assert!(found.is_some_and(|p| {
            p.contains("/components/schemas/A -> /components/schemas/A comes back")
        }));
    }

    #[test]
    fn aliases_in_a_ring_are_a_cycle() {
        let found = problem(&schemas(json!({
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/C"},
            "C": {"$ref": "#/components/schemas/A"}
        })))
        .unwrap_or_default();
        assert!(
            found.contains("/components/schemas/A -> /components/schemas/B -> /components/schemas/C -> /components/schemas/A"),
            "{found}"
        );
    }

    #[test]
    fn compositions_that_come_back_are_cycles() {
        for composed in [
            json!({"allOf": [{"$ref": "#/components/schemas/A"}]}),
            json!({"allOf": [{"type": "object"}, {"$ref": "#/components/schemas/A"}]}),
            json!({"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/A"}]}),
            json!({"anyOf": [{"allOf": [{"$ref": "#/components/schemas/A"}]}]}),
            json!({"not": {"$ref": "#/components/schemas/A"}}),
        ] {
            let found = problem(&schemas(json!({"A": composed}))).unwrap_or_default();
            assert!(
                found.contains("comes back to where it started"),
                "{composed}: {found}"
            );
        }
    }

    #[test]
    fn recursion_through_properties_items_and_maps_is_a_tree() {
        let document = schemas(json!({
            "A": {"type": "object", "properties": {
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/A"}},
                "parent": {"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true},
                "named": {"additionalProperties": {"$ref": "#/components/schemas/B"}}
            }},
            "B": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "string"}]}
        }));
        assert_eq!(problem(&document), None);
    }

    #[test]
    fn responses_and_parameters_that_refer_to_themselves_are_located() {
        let document = json!({"paths": {"/a": {"get": {
            "parameters": [{"$ref": "#/components/parameters/P"}],
            "responses": {"200": {"$ref": "#/components/responses/R"}}
        }}}, "components": {
            "parameters": {"P": {"$ref": "#/components/parameters/Q"}, "Q": {"$ref": "#/components/parameters/P"}},
            "responses": {"R": {"$ref": "#/components/responses/R"}}
        }});
        let found = problem(&document).unwrap_or_default();
        assert!(
            found.starts_with("/components/parameters/Q/$ref:")
                || found.starts_with("/components/responses/R/$ref:"),
            "{found}"
        );
    }

    #[test]
    fn shared_definitions_reached_twice_are_not_cycles() {
        let document = schemas(json!({
            "A": {"allOf": [{"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/C"}]},
            "B": {"allOf": [{"$ref": "#/components/schemas/D"}]},
            "C": {"allOf": [{"$ref": "#/components/schemas/D"}]},
            "D": {"type": "object"}
        }));
        assert_eq!(problem(&document), None);
    }
}
