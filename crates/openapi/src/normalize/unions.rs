//! Unions with keywords beside them, rewritten so typify reads them as JSON Schema does.
//!
//! JSON Schema applies a union and its sibling keywords to the same instance, so
//! `{oneOf: [{type: number}, {type: null}], maximum: 1}` is a nullable number of at most 1.
//! typify reads the siblings as one more schema to merge with every alternative and loses
//! alternatives on the way (the number above became an enum without variants; `{type: [object,
//! array], additionalProperties: {}}` became a map only). So, before typify sees them:
//! - a null alternative beside one other (`anyOf: [X, {type: "null"}]`, pydantic's
//!   `Optional[X]`) makes `X` nullable, merged into the schema;
//! - a union of one inline alternative (msgspec's `oneOf: [X]` with constraints next to it) is
//!   that alternative, merged;
//! - a reference to a scalar component beside constraints of its type (`allOf: [{$ref: Ratio}],
//!   maximum: 1`) is that component's schema with the constraints, inline;
//! - keywords that constrain one JSON type only (`maximum`, `maxLength`, `items`,
//!   `additionalProperties`, ...) move into the alternatives of that type, which is where JSON
//!   Schema applies them anyway.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Keywords that document a schema without constraining it; on a clash the outer one is kept.
const ANNOTATIONS: &[&str] = &["description", "title", "example", "examples", "deprecated"];

/// `anyOf`/`oneOf: [X, null]` (3.0's `[X, {nullable: true}]`, 3.1's `[X, {type: "null"}]`) ->
/// `X` made nullable: merged into the schema when it is inline and no keyword clashes, else
/// `allOf: [X], nullable: true`, the form typify reads as `Option<X>`. Several non-null
/// alternatives stay a union, made nullable as a whole (not at a component's root, where
/// typify would read the nullable union as a second type of the component's name).
pub(super) fn rewrite_null_alternative(schema: &mut Map<String, Value>, component_root: bool) {
    for keyword in ["anyOf", "oneOf"] {
        let Some(Value::Array(alternatives)) = schema.get(keyword) else {
            continue;
        };
        let (nulls, others): (Vec<Value>, Vec<Value>) =
            alternatives.iter().cloned().partition(is_null_only);
        if nulls.is_empty() || others.is_empty() || (component_root && others.len() > 1) {
            continue;
        }
        schema.remove(keyword);
        match <[Value; 1]>::try_from(others) {
            Ok([only]) => {
                if !merge_into(schema, &only) {
                    schema.insert("allOf".to_owned(), Value::Array(vec![only]));
                }
            }
            // The union without its null alternative, made nullable as a whole.
            Err(others) => {
                schema.insert(keyword.to_owned(), Value::Array(others));
            }
        }
        schema.insert("nullable".to_owned(), Value::Bool(true));
        return;
    }
}

/// `oneOf`/`anyOf`/`allOf: [X]` with `X` inline -> `X`'s keywords in the schema itself, when no
/// keyword (other than an annotation) is in both.
pub(super) fn merge_single_alternative(schema: &mut Map<String, Value>) {
    for keyword in ["oneOf", "anyOf", "allOf"] {
        let Some(Value::Array(alternatives)) = schema.get(keyword) else {
            continue;
        };
        let [only] = alternatives.as_slice() else {
            continue;
        };
        // `allOf: [$ref]` is the 3.0 idiom for a reference with siblings: nothing to merge.
        let only = only.clone();
        if mergeable(schema, &only) {
            schema.remove(keyword);
            merge_into(schema, &only);
        }
        return;
    }
}

/// `allOf: [{$ref: C}]` beside keywords that constrain one JSON type, where `C` is a scalar
/// component (a string, number or integer): `C`'s keywords merged in, when none clashes. The
/// value is then a plain scalar rather than `C`'s newtype, but one the constraints apply to.
pub(super) fn inline_constrained_scalar(
    schema: &mut Map<String, Value>,
    scalars: &BTreeMap<String, Value>,
) {
    let constrained = TYPE_KEYWORDS
        .iter()
        .flat_map(|(_, keywords)| keywords.iter())
        .any(|keyword| schema.contains_key(*keyword));
    let Some(Value::Array(parts)) = schema.get("allOf") else {
        return;
    };
    let [part] = parts.as_slice() else {
        return;
    };
    let Some(target) = part
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix("#/components/schemas/"))
        .and_then(|name| scalars.get(name))
        .cloned()
    else {
        return;
    };
    if constrained && mergeable(schema, &target) {
        schema.remove("allOf");
        merge_into(schema, &target);
    }
}

/// The component schemas that are plain scalars (a `type` of string, number or integer, no
/// reference or union), by name.
pub(super) fn scalar_components(document: &Value) -> BTreeMap<String, Value> {
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return BTreeMap::new();
    };
    schemas
        .iter()
        .filter(|(_, schema)| {
            let scalar = matches!(
                schema.get("type").and_then(Value::as_str),
                Some("string" | "number" | "integer")
            );
            let composite = ["$ref", "allOf", "anyOf", "oneOf", "not"]
                .iter()
                .any(|keyword| schema.get(*keyword).is_some());
            scalar && !composite
        })
        .map(|(name, schema)| (name.clone(), schema.clone()))
        .collect()
}

/// Keywords that constrain instances of one JSON type only, by that type.
const TYPE_KEYWORDS: &[(&str, &[&str])] = &[
    (
        "number",
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
    ),
    ("string", &["minLength", "maxLength", "pattern"]),
    ("array", &["items", "minItems", "maxItems", "uniqueItems"]),
    (
        "object",
        &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
        ],
    ),
];

/// Moves the keywords beside a `oneOf`/`anyOf` that constrain one JSON type into the inline
/// alternatives of that type (`integer` counts as `number`), when every alternative is inline,
/// names its type and has none of the keywords itself: the instances each keyword constrains
/// are exactly those alternatives'.
pub(super) fn distribute_type_keywords(schema: &mut Map<String, Value>) {
    for keyword in ["oneOf", "anyOf"] {
        let Some(Value::Array(alternatives)) = schema.get(keyword) else {
            continue;
        };
        let Some(families) = alternatives
            .iter()
            .map(type_family)
            .collect::<Option<Vec<&str>>>()
        else {
            return;
        };
        let moved: Vec<(&str, &str)> = TYPE_KEYWORDS
            .iter()
            .flat_map(|(family, keywords)| keywords.iter().map(move |name| (*family, *name)))
            .filter(|(_, name)| schema.contains_key(*name))
            .collect();
        let clash = moved.iter().any(|(_, name)| {
            alternatives
                .iter()
                .any(|alternative| alternative.get(*name).is_some())
        });
        if moved.is_empty() || clash {
            return;
        }
        let values: Vec<(&str, &str, Value)> = moved
            .iter()
            .filter_map(|(family, name)| Some((*family, *name, schema.remove(*name)?)))
            .collect();
        if let Some(Value::Array(alternatives)) = schema.get_mut(keyword) {
            for (alternative, family) in alternatives.iter_mut().zip(families) {
                if let Value::Object(alternative) = alternative {
                    for (_, name, value) in values.iter().filter(|(f, _, _)| *f == family) {
                        alternative.insert((*name).to_owned(), value.clone());
                    }
                }
            }
        }
        return;
    }
}

/// The JSON type family of an inline alternative with a `type` (`integer` is a `number`).
fn type_family(alternative: &Value) -> Option<&'static str> {
    let alternative = alternative.as_object()?;
    if alternative.contains_key("$ref") {
        return None;
    }
    let name = alternative.get("type")?.as_str()?;
    TYPE_KEYWORDS
        .iter()
        .map(|(family, _)| *family)
        .chain(["boolean"])
        .find(|family| *family == name || (name == "integer" && *family == "number"))
}

/// Whether `part` is an inline schema none of whose constraining keywords `schema` has.
fn mergeable(schema: &Map<String, Value>, part: &Value) -> bool {
    part.as_object().is_some_and(|part| {
        !part.contains_key("$ref")
            && !part
                .keys()
                .any(|key| schema.contains_key(key) && !ANNOTATIONS.contains(&key.as_str()))
    })
}

/// Merges the inline schema `part` into `schema` when [`mergeable`]; whether it did.
fn merge_into(schema: &mut Map<String, Value>, part: &Value) -> bool {
    let Some(part) = part.as_object().filter(|_| mergeable(schema, part)) else {
        return false;
    };
    for (key, value) in part {
        if !schema.contains_key(key) {
            schema.insert(key.clone(), value.clone());
        }
    }
    true
}

/// A schema that accepts only null: `{nullable: true}` (3.0), `{type: "null"}` or
/// `{type: ["null"]}` (3.1), with nothing else but a description or title.
pub(super) fn is_null_only(schema: &Value) -> bool {
    let Some(schema) = schema.as_object() else {
        return false;
    };
    let null_type = match schema.get("type") {
        None => schema.get("nullable") == Some(&Value::Bool(true)),
        Some(Value::String(name)) => name == "null",
        Some(Value::Array(names)) => names.iter().all(|name| name == "null") && !names.is_empty(),
        Some(_) => false,
    };
    null_type
        && schema
            .keys()
            .all(|k| matches!(k.as_str(), "nullable" | "type" | "description" | "title"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn nullable(mut schema: Value, component_root: bool) -> Value {
        if let Some(object) = schema.as_object_mut() {
            rewrite_null_alternative(object, component_root);
        }
        schema
    }

    fn single(mut schema: Value) -> Value {
        if let Some(object) = schema.as_object_mut() {
            merge_single_alternative(object);
        }
        schema
    }

    #[test]
    fn a_null_alternative_beside_constraints_becomes_one_nullable_schema() {
        let schema = nullable(
            json!({"oneOf": [{"type": "number"}, {"type": "null"}], "maximum": 1}),
            false,
        );
        assert_eq!(
            schema,
            json!({"type": "number", "maximum": 1, "nullable": true})
        );
    }

    #[test]
    fn a_nullable_reference_stays_a_wrapper() {
        let schema = nullable(
            json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}),
            false,
        );
        assert_eq!(
            schema,
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
    }

    #[test]
    fn clashing_keywords_keep_the_wrapper() {
        let schema = nullable(
            json!({"anyOf": [{"type": "number", "maximum": 2}, {"type": "null"}], "maximum": 1}),
            false,
        );
        assert_eq!(
            schema,
            json!({"allOf": [{"type": "number", "maximum": 2}], "maximum": 1, "nullable": true})
        );
    }

    #[test]
    fn several_alternatives_stay_a_nullable_union() {
        let schema = nullable(
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}),
            false,
        );
        assert_eq!(
            schema,
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn keywords_of_one_type_move_into_its_alternatives() {
        let mut schema = json!({"oneOf": [{"type": "object"}, {"type": "array"}],
            "additionalProperties": {}, "maxItems": 3, "nullable": true});
        if let Some(object) = schema.as_object_mut() {
            distribute_type_keywords(object);
        }
        assert_eq!(
            schema,
            json!({"oneOf": [{"type": "object", "additionalProperties": {}},
                {"type": "array", "maxItems": 3}], "nullable": true})
        );
    }

    #[test]
    fn a_constrained_reference_to_a_scalar_is_the_scalar_constrained() {
        let scalars = scalar_components(&json!({"components": {"schemas": {
            "Ratio": {"type": "number", "description": "A ratio."}
        }}}));
        let mut schema = json!({"allOf": [{"$ref": "#/components/schemas/Ratio"}], "maximum": 1, "nullable": true});
        if let Some(object) = schema.as_object_mut() {
            inline_constrained_scalar(object, &scalars);
        }
        assert_eq!(
            schema,
            json!({"maximum": 1, "nullable": true, "type": "number", "description": "A ratio."})
        );
    }

    #[test]
    fn a_union_of_one_merges_with_its_constraints() {
        let schema = single(json!({"oneOf": [{"type": "string"}], "maxLength": 64}));
        assert_eq!(schema, json!({"type": "string", "maxLength": 64}));
    }

    #[test]
    fn an_outer_annotation_wins_over_the_alternative_s() {
        let schema = single(
            json!({"allOf": [{"type": "string", "description": "inner"}], "description": "outer"}),
        );
        assert_eq!(schema, json!({"type": "string", "description": "outer"}));
    }
}
