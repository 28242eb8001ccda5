//! The differences between a spec and a dropshot implementation's document that are allowed, one
//! named rule each, with the reason.
//!
//! Every rule is an entry of [`RULES`] that carries its own action, and the walk runs the
//! actions from the table: *alignment* rules say how the comparison lines the two documents up
//! (rewriting a pair of schemas, naming a component, matching a response or a media type);
//! *allowance* rules excuse a difference the walk reported. So a report names the rule behind
//! each excused difference, the README lists them all, and no rule lives outside the table.

use serde_json::Value;

use super::align::{self, Pair};
use super::difference::{Difference, Segment};

/// Facts the walk knows about a difference that a rule may need.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Facts {
    /// The difference is about a component no operation of the spec reaches.
    pub unreachable_component: bool,
    /// Summary and description differ, but read together they say the same.
    pub same_documentation_text: bool,
    /// The difference is about an error response (4xx, 5xx, or `default` beside a success).
    pub error_response: bool,
    /// The spec's `info.version` read as a semantic version is the implementation's.
    pub version_as_semver: bool,
    /// The difference is about a spec component that is an alias (an array or a scalar), not
    /// an object or a union.
    pub alias_component: bool,
    /// The difference is a non-error response the implementation does not document, beside a
    /// success response it does.
    pub additional_success: bool,
    /// The difference is inside a WebSocket channel operation (`x-dropshot-websocket`).
    pub websocket_operation: bool,
    /// The difference is about an operation whose only successes are redirects (3xx).
    pub redirect_success: bool,
    /// The least value the spec's schema here allows (`minimum`, `exclusiveMinimum`), if any.
    pub spec_lower_bound: Option<f64>,
    /// The greatest value the spec's schema here allows (`maximum`, `exclusiveMaximum`), if any.
    pub spec_upper_bound: Option<f64>,
}

/// Formats typify gives integers and numbers whose spec leaves the width open.
const NUMERIC_FORMATS: &[&str] = &[
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "uint", "float",
    "double",
];

/// String formats typify maps to a Rust type of their own (so schemars documents them).
const TYPED_STRING_FORMATS: &[&str] = &["uuid", "date-time", "date", "ip", "ipv4", "ipv6"];

/// Validation keywords the generated types do not carry.
const UNENFORCED_BOUNDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

fn keyword(difference: &Difference) -> Option<&str> {
    match difference.place.last() {
        Some(Segment::Keyword(keyword)) => Some(keyword.as_str()),
        _ => None,
    }
}

/// A numeric format typify chose where the spec left the width open (or said `uint`/`int`),
/// whose values hold every value the spec's bounds allow: an unsigned type only where the spec
/// allows no negative value, a narrower type only where the spec's bounds fit it.
fn width_chosen(expected: Option<&Value>, actual: Option<&Value>, facts: &Facts) -> bool {
    let Some(actual) = actual.and_then(Value::as_str) else {
        return false;
    };
    let chosen = match expected.and_then(Value::as_str) {
        None => NUMERIC_FORMATS.contains(&actual),
        // `int` and `uint` name no width; typify reads them as 32 bits, as the spec's format.
        Some("uint") => return actual == "uint32" || actual == "uint",
        Some("int") => return actual == "int32" || actual == "int",
        // A minimum of 1 makes typify pick the unsigned `NonZero` type of the same width.
        Some(signed) if signed.starts_with("int") => actual == format!("u{signed}"),
        Some(_) => false,
    };
    chosen && holds_the_spec_bounds(actual, expected.and_then(Value::as_str), facts)
}

/// The values a numeric format holds, if it is one of a fixed width.
fn format_range(format: &str) -> Option<(f64, f64)> {
    Some(match format {
        "int8" => (f64::from(i8::MIN), f64::from(i8::MAX)),
        "uint8" => (0.0, f64::from(u8::MAX)),
        "int16" => (f64::from(i16::MIN), f64::from(i16::MAX)),
        "uint16" => (0.0, f64::from(u16::MAX)),
        "int32" | "int" => (f64::from(i32::MIN), f64::from(i32::MAX)),
        "uint32" | "uint" => (0.0, f64::from(u32::MAX)),
        // The widest integers: a bound beyond them is not a JSON number anyone sends.
        "int64" => (f64::NEG_INFINITY, f64::INFINITY),
        "uint64" => (0.0, f64::INFINITY),
        _ => return None,
    })
}

/// Whether every value the spec allows (its bounds, within its own format's width) fits the
/// numeric format `format` typify chose.
fn holds_the_spec_bounds(format: &str, spec_format: Option<&str>, facts: &Facts) -> bool {
    // `i64`, `f64`: the widest types hold whatever the spec allows.
    if matches!(format, "int64" | "double") {
        return true;
    }
    let Some((low, high)) = format_range(format) else {
        return false;
    };
    let (spec_low, spec_high) = spec_format
        .and_then(format_range)
        .unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
    let lower = facts.spec_lower_bound.map_or(spec_low, |b| b.max(spec_low));
    let upper = facts
        .spec_upper_bound
        .map_or(spec_high, |b| b.min(spec_high));
    lower >= low && upper <= high
}

/// "`Name`": the doc comment typify gives a type without a description.
fn is_type_name_doc(value: Option<&Value>) -> bool {
    value.and_then(Value::as_str).is_some_and(|text| {
        text.len() > 2
            && text.starts_with('`')
            && text.ends_with('`')
            && text[1..text.len() - 1]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// A difference that is allowed, and why.
#[derive(Debug)]
pub struct Rule {
    /// A short name for reports.
    pub name: &'static str,
    /// Why the difference does not matter on the wire.
    pub why: &'static str,
    /// What the walk does with the rule.
    pub action: Action,
}

/// What a rule does, run by the walk from the table.
#[derive(Debug, Clone, Copy)]
pub enum Action {
    /// Rewrites a pair of schemas before they are compared; applied in the table's order.
    Align(fn(&mut Pair<'_>)),
    /// The implementation's component for a spec component's name.
    NameComponent(fn(&Value, &str) -> String),
    /// The implementation's responses a spec response (its status; whether it is an error) may
    /// be documented under, in order of preference.
    MatchResponse(fn(&str, bool) -> Vec<String>),
    /// The kind a media type is compared as, and whether its schema is compared.
    MatchMedia(fn(&str) -> (&'static str, bool)),
    /// Whether the rule excuses a difference the walk reported.
    Allow(fn(&Difference, &Facts) -> bool),
}

/// Every rule of the comparison.
pub const RULES: &[Rule] = &[
    Rule {
        name: "error-statuses-as-ranges",
        why: "dropshot documents an endpoint's error type once, as `4XX` and `5XX` responses; each \
              explicit 4xx/5xx (and `default` error) response of the spec is compared with the \
              range that covers it",
        action: Action::MatchResponse(align::statuses_with_ranges),
    },
    Rule {
        name: "server-error-range",
        why: "dropshot adds `4XX`/`5XX` responses with the error type to every endpoint; the server \
              may send them (a malformed parameter, an unavailable database), always in the spec's \
              error shape",
        action: Action::Allow(|d, _| {
            d.expected.is_none()
                && matches!(d.place.last(), Some(Segment::Response(status)) if status == "4XX" || status == "5XX")
        }),
    },
    Rule {
        name: "channel-responses",
        why: "dropshot documents a WebSocket channel itself: its `101` without content, and its \
              errors (answered by dropshot before the upgrade) with its own `HttpError` body, named \
              `Error` (or `Error2` beside a spec `Error`)",
        action: Action::Allow(|d, facts| {
            let in_response = d.place.0.iter().any(|s| matches!(s, Segment::Response(_)));
            let dropshot_error = matches!(d.place.last(), Some(Segment::Component(name)) if name.starts_with("Error"))
                && d.expected.is_none()
                && d.actual
                    .as_ref()
                    .and_then(|a| a.get("properties"))
                    .and_then(Value::as_object)
                    .is_some_and(|p| {
                        p.contains_key("request_id")
                            && p.contains_key("message")
                            && p.contains_key("error_code")
                    });
            (facts.websocket_operation && in_response) || dropshot_error
        }),
    },
    Rule {
        name: "error-bodies-on-all-errors",
        why: "dropshot documents the endpoint's error body on every error response; the server \
              sends a spec error response that has no content as the spec says, without a body",
        action: Action::Allow(|d, facts| {
            facts.error_response
                && d.expected.is_none()
                && matches!(d.place.last(), Some(Segment::Media(_)))
        }),
    },
    Rule {
        name: "error-response-description",
        why: "dropshot describes its shared error responses by the error type's name; the spec's \
              per-status descriptions are documentation only",
        action: Action::Allow(|d, facts| {
            facts.error_response
                && matches!(d.place.last(), Some(Segment::Keyword(k)) if k == "description")
        }),
    },
    Rule {
        name: "single-allof-wrapper",
        why: "schemars writes a nullable reference as `allOf: [$ref]` beside `nullable`; a \
              one-element `allOf` is the schema it wraps",
        action: Action::Align(align::unwrap_single_alternative),
    },
    Rule {
        name: "all-of-merged",
        why: "typify merges an `allOf` of objects into one struct; the merged object (properties \
              and `required` united) is what is compared",
        action: Action::Align(align::merge_all_of_objects),
    },
    Rule {
        name: "implied-types",
        why: "an `enum` of strings is a string and a schema with `properties` is an object, \
              whether or not `type` says so",
        action: Action::Align(align::imply_types),
    },
    Rule {
        name: "any-of-structs-merged",
        why: "typify reads an `anyOf` of structs with distinct properties as one struct of optional \
              flattened parts; it is compared as the object with all their properties, none required",
        action: Action::Align(align::merge_any_of_structs),
    },
    Rule {
        name: "unions-as-untagged-enums",
        why: "typify turns a `oneOf` into an enum that serde reads untagged, which schemars \
              documents as `anyOf`; the alternatives are compared one by one",
        action: Action::Align(align::one_of_as_any_of),
    },
    Rule {
        name: "component-names-as-rust-types",
        why: "components are compared under the Rust name typify gives them (`run-label` and \
              `RunLabel` are one type)",
        action: Action::NameComponent(align::rust_component_name),
    },
    Rule {
        name: "type-name-as-description",
        why: "typify documents a type without a description by its name (`RunGoldLabel`), and \
              schemars turns the doc comment into a description",
        action: Action::Allow(|d, _| {
            keyword(d) == Some("description")
                && d.expected.is_none()
                && is_type_name_doc(d.actual.as_ref())
        }),
    },
    Rule {
        name: "schema-descriptions-are-documentation",
        why: "a schema's description is documentation, and typify and schemars move it (a \
              field's doc onto the type it names, an inline type documented by its name); schema \
              descriptions are not compared (operations' and parameters' are)",
        action: Action::Allow(|d, _| {
            // Inside a schema: a component, a body's media type, or a parameter's schema.
            let (last, within) = d
                .place
                .0
                .split_last()
                .unwrap_or((&Segment::RequestBody, &[]));
            let in_schema = within.iter().any(|s| {
                matches!(s, Segment::Component(_) | Segment::Media(_))
                    || matches!(s, Segment::Keyword(k) if k == "schema")
            });
            matches!(last, Segment::Keyword(k) if k == "description") && in_schema
        }),
    },
    Rule {
        name: "titles-are-annotations",
        why: "a title is an annotation: typify names types after spec titles, and schemars titles \
              the schemas of unnamed Rust types (`Array_of_RunGoldLabel`)",
        action: Action::Allow(|d, _| keyword(d) == Some("title")),
    },
    Rule {
        name: "request-bodies-required",
        why: "dropshot's `TypedBody` documents its body as required, and the generated client \
              always sends one",
        action: Action::Allow(|d, _| {
            keyword(d) == Some("required")
                && d.actual == Some(Value::Bool(true))
                && d.place.0.iter().any(|s| matches!(s, Segment::RequestBody))
        }),
    },
    Rule {
        name: "media-types-by-kind",
        why: "dropshot documents JSON as `application/json` (without parameters such as \
              `charset`) and any other body as bytes; bodies are compared by kind",
        action: Action::MatchMedia(align::media_kind),
    },
    Rule {
        name: "numeric-width-chosen",
        why: "where the spec leaves an integer's or number's width open, typify picks a Rust type \
              (`i64`, `u64`, `f64`) and schemars documents its format; only a type that holds \
              every value the spec's bounds allow (unsigned only where the spec allows no \
              negative value), so every value the spec allows decodes",
        action: Action::Allow(|d, facts| {
            keyword(d) == Some("format")
                && width_chosen(d.expected.as_ref(), d.actual.as_ref(), facts)
        }),
    },
    Rule {
        name: "string-formats-as-strings",
        why: "a string format without a Rust type of its own (`uri`, `email`, `byte`, ...) is a \
              `String`: documented and sent as a string, not checked",
        action: Action::Allow(|d, _| {
            keyword(d) == Some("format")
                && d.actual.is_none()
                && d.expected
                    .as_ref()
                    .and_then(Value::as_str)
                    .is_some_and(|f| !TYPED_STRING_FORMATS.contains(&f))
        }),
    },
    Rule {
        name: "bounds-not-enforced",
        why: "typify's types do not carry numeric bounds, item counts or property counts \
              (`maximum`, `maxItems`, ...): neither side enforces them; implementations check \
              what they rely on",
        action: Action::Allow(|d, _| {
            let dropped =
                keyword(d).is_some_and(|k| UNENFORCED_BOUNDS.contains(&k)) && d.actual.is_none();
            // An unsigned type documents its own `minimum: 0` in place of the spec's bound.
            let unsigned_floor = keyword(d) == Some("minimum")
                && d.actual.as_ref().and_then(Value::as_f64) == Some(0.0)
                && d.expected
                    .as_ref()
                    .and_then(Value::as_f64)
                    .is_some_and(|m| m > 0.0);
            dropped || unsigned_floor
        }),
    },
    Rule {
        name: "defaults-not-documented",
        why: "parameters and fields without a value are `None` in the generated types; the \
              implementation applies the spec's default, which the trait does not document",
        action: Action::Allow(|d, _| keyword(d) == Some("default") && d.actual.is_none()),
    },
    Rule {
        name: "aliases-inline",
        why: "typify makes a component that names an array or a scalar a transparent newtype, \
              which schemars documents inline where it is used (compared there)",
        action: Action::Allow(|d, facts| {
            facts.alias_component
                && d.actual.is_none()
                && matches!(d.place.last(), Some(Segment::Component(_)))
        }),
    },
    Rule {
        name: "one-success-response",
        why: "dropshot documents one success response per endpoint; the others the spec lists \
              are variants of the operation's response enum, sent as documented",
        action: Action::Allow(|d, facts| facts.additional_success && d.actual.is_none()),
    },
    Rule {
        name: "generated-error-body",
        why: "the spec documents no error body, and a dropshot endpoint needs one: errors are sent \
              as the generated `ApiErrorBody` (`{\"error\": \"...\"}`)",
        action: Action::Allow(|d, _| {
            d.expected.is_none()
                && matches!(d.place.last(), Some(Segment::Component(name)) if name == "ApiErrorBody")
        }),
    },
    Rule {
        name: "examples-are-documentation",
        why: "typify does not carry `example` into the types, so schemars cannot document it",
        action: Action::Allow(|d, _| {
            matches!(d.place.last(), Some(Segment::Keyword(k)) if k == "example")
                && d.actual.is_none()
        }),
    },
    Rule {
        name: "documentation-reflowed",
        why: "dropshot takes an endpoint's summary from the first line of its doc comment and the \
              description from the rest; the text is the same",
        action: Action::Allow(|_, facts| facts.same_documentation_text),
    },
    Rule {
        name: "security-not-described",
        why: "dropshot has no security schemes; authentication is the implementation's job, and \
              its 401 responses carry the scheme's `WWW-Authenticate` challenge",
        action: Action::Allow(|d, _| {
            d.actual.is_none()
                && matches!(d.place.last(), Some(Segment::Document(key)) if key == "security" || key == "securitySchemes")
        }),
    },
    Rule {
        name: "servers-not-described",
        why: "where the API is deployed is configuration, not part of the trait",
        action: Action::Allow(|d, _| {
            d.actual.is_none()
                && matches!(d.place.last(), Some(Segment::Document(key)) if key == "servers")
        }),
    },
    Rule {
        name: "api-version-as-semver",
        why: "dropshot's document takes a semantic version; a spec version such as `1.0` or `v2` \
              is compared as `1.0.0` or `2.0.0`",
        action: Action::Allow(|_, facts| facts.version_as_semver),
    },
    Rule {
        name: "redirects-followed",
        why: "an operation whose success is a redirect (3xx): reqwest follows the redirect, and \
              progenitor's client reads the answer of its target (any 2xx) as the operation's \
              success; the documented redirect itself never reaches the caller",
        action: Action::Allow(|d, facts| {
            facts.redirect_success
                && matches!(d.place.last(), Some(Segment::Keyword(k)) if k == super::client::CLIENT_OUTCOME)
                && d.actual.as_ref().and_then(Value::as_str) == Some(super::client::SUCCESS)
                && d.place
                    .0
                    .iter()
                    .any(|s| matches!(s, Segment::Response(code) if code.starts_with('2')))
        }),
    },
    Rule {
        name: "unreachable-components",
        why: "dropshot documents the schemas its endpoints use; a spec component no operation \
              reaches has no endpoint to appear through",
        action: Action::Allow(|d, facts| facts.unreachable_component && d.actual.is_none()),
    },
];

/// The rule that allows `difference`, if any.
pub fn allowing_rule(difference: &Difference, facts: &Facts) -> Option<&'static Rule> {
    RULES.iter().find(|rule| match rule.action {
        Action::Allow(allows) => allows(difference, facts),
        _ => false,
    })
}

/// Runs every alignment rule on `pair`, in the table's order.
pub(super) fn align(pair: &mut Pair<'_>) {
    for rule in RULES {
        if let Action::Align(align) = rule.action {
            align(pair);
        }
    }
}

/// The implementation's component for the spec's component `name`.
pub(super) fn implementation_component(spec: &Value, name: &str) -> String {
    RULES
        .iter()
        .find_map(|rule| match rule.action {
            Action::NameComponent(name_component) => Some(name_component(spec, name)),
            _ => None,
        })
        .unwrap_or_else(|| name.to_owned())
}

/// The implementation's responses a spec response may be documented under.
pub(super) fn response_candidates(status: &str, error_response: bool) -> Vec<String> {
    RULES
        .iter()
        .find_map(|rule| match rule.action {
            Action::MatchResponse(candidates) => Some(candidates(status, error_response)),
            _ => None,
        })
        .unwrap_or_else(|| vec![status.to_owned()])
}

/// The kind `media_type` is compared as, and whether its schema is compared.
pub(super) fn media_kind(media_type: &str) -> (String, bool) {
    RULES
        .iter()
        .find_map(|rule| match rule.action {
            Action::MatchMedia(kind) => Some(kind(media_type)),
            _ => None,
        })
        .map_or_else(
            || (media_type.to_owned(), true),
            |(kind, compared)| (kind.to_owned(), compared),
        )
}
