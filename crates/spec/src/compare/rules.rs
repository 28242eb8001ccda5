//! The differences between a spec and a dropshot implementation's document that are allowed, one
//! named rule each, with the reason.
//!
//! Two kinds: *alignment* rules say how the comparison lines the two documents up (it applies
//! them while walking); *allowance* rules excuse a difference the walk reported. Every rule is
//! listed in [`RULES`], so a report can name the rule behind each excused difference and the
//! README can list them all.

use serde_json::Value;

use super::difference::{Difference, Segment};

/// Facts the walk knows about a difference that a rule may need.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// The difference is inside a property the spec does not require.
    pub optional_property: bool,
    /// The difference is about a component no operation of the spec reaches.
    pub unreachable_component: bool,
    /// Summary and description differ, but read together they say the same.
    pub same_documentation_text: bool,
    /// The difference is about an error response (4xx, 5xx, or `default` beside a success).
    pub error_response: bool,
    /// The spec's `info.version` read as a semantic version is the implementation's.
    pub version_as_semver: bool,
}

/// A difference that is allowed, and why.
#[derive(Debug)]
pub struct Rule {
    /// A short name for reports.
    pub name: &'static str,
    /// Why the difference does not matter on the wire.
    pub why: &'static str,
    /// For allowance rules: whether the rule excuses a difference.
    pub allows: Option<fn(&Difference, &Facts) -> bool>,
}

/// Every rule of the comparison.
pub const RULES: &[Rule] = &[
    Rule {
        name: "error-statuses-as-ranges",
        why: "dropshot documents an endpoint's error type once, as `4XX` and `5XX` responses; each \
              explicit 4xx/5xx (and `default` error) response of the spec is compared with the \
              range that covers it",
        allows: None,
    },
    Rule {
        name: "server-error-range",
        why: "dropshot adds `4XX`/`5XX` responses with the error type to every endpoint; the server \
              may send them (a malformed parameter, an unavailable database), always in the spec's \
              error shape",
        allows: Some(|d, _| {
            d.expected.is_none()
                && matches!(d.place.last(), Some(Segment::Response(status)) if status == "4XX" || status == "5XX")
        }),
    },
    Rule {
        name: "error-response-description",
        why: "dropshot describes its shared error responses by the error type's name; the spec's \
              per-status descriptions are documentation only",
        allows: Some(|d, facts| {
            facts.error_response
                && matches!(d.place.last(), Some(Segment::Keyword(k)) if k == "description")
        }),
    },
    Rule {
        name: "optional-is-nullable-in-rust",
        why: "typify maps an optional property to `Option<T>` and schemars documents every \
              `Option<T>` as nullable; the types skip `None` when serializing, so a null is never \
              sent where the spec only allows the property to be absent",
        allows: Some(|d, facts| {
            facts.optional_property
                && matches!(d.place.last(), Some(Segment::Keyword(k)) if k == "nullable")
                && d.actual == Some(Value::Bool(true))
                && matches!(d.expected, None | Some(Value::Bool(false)))
        }),
    },
    Rule {
        name: "single-allof-wrapper",
        why: "schemars writes a nullable reference as `allOf: [$ref]` beside `nullable`; a \
              one-element `allOf` is the schema it wraps",
        allows: None,
    },
    Rule {
        name: "component-names-as-rust-types",
        why: "components are compared under the Rust name typify gives them (`run-label` and \
              `RunLabel` are one type)",
        allows: None,
    },
    Rule {
        name: "type-name-as-description",
        why: "typify documents a schema without a description by its name, and schemars turns the \
              doc comment into a description",
        allows: Some(|d, _| {
            let Some(Segment::Keyword(keyword)) = d.place.last() else {
                return false;
            };
            let name = d.place.0.iter().rev().find_map(|s| match s {
                Segment::Component(name) => Some(name.as_str()),
                _ => None,
            });
            keyword == "description"
                && d.expected.is_none()
                && name.is_some_and(|name| {
                    d.actual.as_ref().and_then(Value::as_str)
                        == Some(format!("`{}`", crate::naming::type_name(name)).as_str())
                })
        }),
    },
    Rule {
        name: "container-titles",
        why: "schemars titles the schemas of unnamed containers (`Array_of_RunGoldLabel`); a \
              title is an annotation",
        allows: Some(|d, _| {
            matches!(d.place.last(), Some(Segment::Keyword(k)) if k == "title")
                && d.expected.is_none()
                && d.actual
                    .as_ref()
                    .and_then(Value::as_str)
                    .is_some_and(|title| {
                        ["Array_of_", "Set_of_", "Map_of_", "Nullable_"]
                            .iter()
                            .any(|prefix| title.starts_with(prefix))
                    })
        }),
    },
    Rule {
        name: "examples-are-documentation",
        why: "typify does not carry `example` into the types, so schemars cannot document it",
        allows: Some(|d, _| {
            matches!(d.place.last(), Some(Segment::Keyword(k)) if k == "example")
                && d.actual.is_none()
        }),
    },
    Rule {
        name: "documentation-reflowed",
        why: "dropshot takes an endpoint's summary from the first line of its doc comment and the \
              description from the rest; the text is the same",
        allows: Some(|_, facts| facts.same_documentation_text),
    },
    Rule {
        name: "security-not-described",
        why: "dropshot has no security schemes; authentication is the implementation's job, and \
              its 401 responses carry the scheme's `WWW-Authenticate` challenge",
        allows: Some(|d, _| {
            d.actual.is_none()
                && matches!(d.place.last(), Some(Segment::Document(key)) if key == "security" || key == "securitySchemes")
        }),
    },
    Rule {
        name: "servers-not-described",
        why: "where the API is deployed is configuration, not part of the trait",
        allows: Some(|d, _| {
            d.actual.is_none()
                && matches!(d.place.last(), Some(Segment::Document(key)) if key == "servers")
        }),
    },
    Rule {
        name: "api-version-as-semver",
        why: "dropshot's document takes a semantic version; a spec version such as `1.0` or `v2` \
              is compared as `1.0.0` or `2.0.0`",
        allows: Some(|_, facts| facts.version_as_semver),
    },
    Rule {
        name: "unreachable-components",
        why: "dropshot documents the schemas its endpoints use; a spec component no operation \
              reaches has no endpoint to appear through",
        allows: Some(|d, facts| facts.unreachable_component && d.actual.is_none()),
    },
];

/// The rule that allows `difference`, if any.
pub fn allowing_rule(difference: &Difference, facts: &Facts) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|rule| rule.allows.is_some_and(|allows| allows(difference, facts)))
}
