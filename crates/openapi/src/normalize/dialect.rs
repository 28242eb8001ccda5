//! OpenAPI 3.1 (JSON Schema 2020-12) schemas rewritten in the OpenAPI 3.0.3 dialect that
//! progenitor, typify and openapiv3 accept.
//!
//! Every rewrite keeps the set of accepted instances. What 3.0 cannot express is refused with the
//! construct and its pointer; annotations 3.0 lacks are dropped with a warning.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::schema_walk::visit_schemas_mut;
use super::unions;
use crate::error::{SpecError, Warning};
use crate::pointer::Pointer;

/// Keywords that change validation and have no 3.0 equivalent.
const UNEXPRESSIBLE: &[&str] = &[
    "prefixItems",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "$dynamicRef",
    "$dynamicAnchor",
    "$defs",
];

/// Annotations without a 3.0 equivalent; dropping them changes no instance's validity.
const DROPPED_ANNOTATIONS: &[&str] = &[
    "$comment",
    "$schema",
    "$id",
    "$anchor",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
];

/// Rewrites every schema of `document` into the 3.0 dialect.
pub(crate) fn to_openapi_30_schemas(
    document: &mut Value,
    warnings: &mut Vec<Warning>,
) -> Result<(), SpecError> {
    let structs = struct_components(document);
    let scalars = unions::scalar_components(document);
    visit_schemas_mut(document, &mut |pointer, schema| {
        rewrite_schema(pointer, schema, &scalars, warnings)?;
        any_of_as_one_of(pointer, schema, &structs, warnings);
        Ok(())
    })
}

/// The property names of each component schema that is a struct (an object with properties);
/// maps (`additionalProperties` only) and everything else are absent.
fn struct_components(document: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return BTreeMap::new();
    };
    schemas
        .iter()
        .filter_map(|(name, schema)| Some((name.clone(), property_names(schemas, schema, 0)?)))
        .collect()
}

/// The properties of a struct schema, following `allOf` and references a few levels deep.
fn property_names(
    schemas: &Map<String, Value>,
    schema: &Value,
    depth: usize,
) -> Option<BTreeSet<String>> {
    if depth > 8 {
        return None;
    }
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        return property_names(schemas, schemas.get(name)?, depth + 1);
    }
    let mut names: BTreeSet<String> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let mut is_struct = !names.is_empty();
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        names.extend(property_names(schemas, part, depth + 1)?);
        is_struct = true;
    }
    is_struct.then_some(names)
}

fn rewrite_schema(
    pointer: &Pointer,
    schema: &mut Map<String, Value>,
    scalars: &BTreeMap<String, Value>,
    warnings: &mut Vec<Warning>,
) -> Result<(), SpecError> {
    // First, so that the keywords merged in from an alternative are rewritten with the rest.
    let component_root =
        pointer.tokens().count() == 3 && pointer.as_str().starts_with("/components/schemas/");
    unions::rewrite_null_alternative(schema, component_root);
    unions::merge_single_alternative(schema);
    unions::inline_constrained_scalar(schema, scalars);
    rewrite_property_names(pointer, schema, warnings);
    if let Some(keyword) = UNEXPRESSIBLE.iter().find(|k| schema.contains_key(**k)) {
        return Err(SpecError::unsupported(
            &pointer.key(keyword),
            *keyword,
            "this JSON Schema keyword has no OpenAPI 3.0 equivalent; remove it in spec/overlay.yaml \
             or restate the schema without it",
        ));
    }
    for keyword in DROPPED_ANNOTATIONS {
        if schema.remove(*keyword).is_some() {
            warnings.push(Warning::new(
                &pointer.key(keyword),
                *keyword,
                "annotation dropped: OpenAPI 3.0 has no such keyword and it does not affect validation",
            ));
        }
    }
    rewrite_type_array(pointer, schema)?;
    rewrite_const(pointer, schema)?;
    rewrite_examples(pointer, schema, warnings);
    rewrite_exclusive_bound(schema, "exclusiveMinimum", "minimum", |bound, limit| {
        bound >= limit
    });
    rewrite_exclusive_bound(schema, "exclusiveMaximum", "maximum", |bound, limit| {
        bound <= limit
    });
    integer_bounds_inclusive(schema);
    array_items_present(schema);
    rewrite_pattern_properties(pointer, schema, warnings);
    unions::distribute_type_keywords(schema);
    drop_union_default(pointer, schema, warnings);
    drop_required_without_property(pointer, schema, warnings);
    Ok(())
}

/// typify reads `anyOf` as a struct of optional flattened alternatives, which serde can only
/// fill from structs whose properties do not overlap. Otherwise (a scalar, an array, a map, or
/// structs sharing a property) `oneOf`, an untagged enum where the first alternative that fits
/// wins, accepts what the `anyOf` accepts.
fn any_of_as_one_of(
    pointer: &Pointer,
    schema: &mut Map<String, Value>,
    structs: &BTreeMap<String, BTreeSet<String>>,
    warnings: &mut Vec<Warning>,
) {
    let Some(Value::Array(alternatives)) = schema.get("anyOf") else {
        return;
    };
    // The properties of each alternative, when it is a struct.
    let parts: Vec<Option<BTreeSet<String>>> = alternatives
        .iter()
        .map(|alternative| {
            let reference = alternative.get("$ref").and_then(Value::as_str);
            match reference.and_then(|r| r.strip_prefix("#/components/schemas/")) {
                Some(name) => structs.get(name).cloned(),
                None => alternative
                    .get("properties")
                    .and_then(Value::as_object)
                    .filter(|p| !p.is_empty())
                    .map(|p| p.keys().cloned().collect()),
            }
        })
        .collect();
    // typify's struct of flattened parts works for structs with distinct properties only.
    let mut seen = BTreeSet::new();
    let disjoint_structs = parts.iter().all(|part| {
        part.as_ref()
            .is_some_and(|names| names.iter().all(|name| seen.insert(name.clone())))
    });
    if schema.contains_key("oneOf") || disjoint_structs {
        return;
    }
    if let Some(alternatives) = schema.remove("anyOf") {
        schema.insert("oneOf".to_owned(), alternatives);
    }
    warnings.push(Warning::new(
        &pointer.key("anyOf"),
        "anyOf",
        "read as `oneOf` (an untagged enum accepting the first alternative that fits): typify merges \
         `anyOf` alternatives into one struct, which only structs with distinct properties can fill",
    ));
}

/// `required` naming a property the schema does not declare: a spec mistake that typify would
/// turn into a required field of any type. Dropping the entry accepts every instance the spec
/// accepted.
fn drop_required_without_property(
    pointer: &Pointer,
    schema: &mut Map<String, Value>,
    warnings: &mut Vec<Warning>,
) {
    let Some(Value::Object(properties)) = schema.get("properties") else {
        return;
    };
    let declared: Vec<String> = properties.keys().cloned().collect();
    let Some(Value::Array(required)) = schema.get_mut("required") else {
        return;
    };
    let missing: Vec<String> = required
        .iter()
        .filter_map(Value::as_str)
        .filter(|name| !declared.iter().any(|d| d == name))
        .map(str::to_owned)
        .collect();
    if missing.is_empty() {
        return;
    }
    required.retain(|name| {
        name.as_str()
            .is_none_or(|name| !missing.iter().any(|m| m == name))
    });
    if required.is_empty() {
        schema.remove("required");
    }
    warnings.push(Warning::new(
        &pointer.key("required"),
        "required",
        format!("dropped {missing:?}: required but not among the schema's properties"),
    ));
}

/// A non-null `default` beside a reference or a union: typify checks defaults against the
/// schema and cannot check them against unions, so it refuses the whole spec. A default is an
/// annotation (validation ignores it); dropping it loses only the generated default value.
fn drop_union_default(
    pointer: &Pointer,
    schema: &mut Map<String, Value>,
    warnings: &mut Vec<Warning>,
) {
    let composite = schema.get("type").is_none()
        && ["$ref", "allOf", "anyOf", "oneOf"]
            .iter()
            .any(|k| schema.contains_key(*k));
    if composite && schema.get("default").is_some_and(|d| !d.is_null()) {
        schema.remove("default");
        warnings.push(Warning::new(
            &pointer.key("default"),
            "default",
            "dropped: typify cannot check a default against a reference or union (the field has no generated default)",
        ));
    }
}

/// `type: [T, "null"]` -> `type: T, nullable: true`; several non-null types become an `anyOf`.
/// `type: "null"` alone (outside a union, where it is an optional's null alternative) has no
/// 3.0 form.
fn rewrite_type_array(pointer: &Pointer, schema: &mut Map<String, Value>) -> Result<(), SpecError> {
    let type_pointer = pointer.key("type");
    if schema.get("type").and_then(Value::as_str) == Some("null") {
        return Err(only_null(&type_pointer));
    }
    let Some(Value::Array(types)) = schema.get("type") else {
        return Ok(());
    };
    let mut names = Vec::with_capacity(types.len());
    for (index, entry) in types.iter().enumerate() {
        match entry.as_str() {
            Some(name) => names.push(name.to_owned()),
            None => {
                return Err(SpecError::unsupported(
                    &type_pointer.index(index),
                    "type",
                    "type names must be strings",
                ));
            }
        }
    }
    let nullable = names.iter().any(|name| name == "null");
    names.retain(|name| name != "null");
    schema.remove("type");
    match names.as_slice() {
        [] => return Err(only_null(&type_pointer)),
        [single] => {
            schema.insert("type".to_owned(), Value::String(single.clone()));
        }
        several => {
            if schema.contains_key("oneOf") {
                return Err(SpecError::unsupported(
                    &type_pointer,
                    "type",
                    "a list of types beside `oneOf` has no OpenAPI 3.0 form",
                ));
            }
            // JSON types are disjoint: exactly one (`oneOf`) is at least one (`anyOf`).
            let alternatives = several.iter().map(|name| json!({ "type": name })).collect();
            schema.insert("oneOf".to_owned(), Value::Array(alternatives));
        }
    }
    if nullable {
        schema.insert("nullable".to_owned(), Value::Bool(true));
    }
    Ok(())
}

fn only_null(type_pointer: &Pointer) -> SpecError {
    SpecError::unsupported(
        type_pointer,
        "type: \"null\"",
        "a schema that only accepts null has no OpenAPI 3.0 form (as one alternative of an \
         `anyOf`/`oneOf` it makes the union nullable)",
    )
}

/// `const: v` -> `enum: [v]`.
fn rewrite_const(pointer: &Pointer, schema: &mut Map<String, Value>) -> Result<(), SpecError> {
    let Some(value) = schema.remove("const") else {
        return Ok(());
    };
    if let Some(existing) = schema.get("enum") {
        let includes = existing
            .as_array()
            .is_some_and(|values| values.contains(&value));
        if !includes {
            return Err(SpecError::unsupported(
                &pointer.key("const"),
                "const",
                "`const` and `enum` together accept no value",
            ));
        }
    }
    if value.is_null() {
        schema.insert("nullable".to_owned(), Value::Bool(true));
    }
    schema.insert("enum".to_owned(), Value::Array(vec![value]));
    Ok(())
}

/// A schema's `examples` array -> its first entry as `example`.
fn rewrite_examples(
    pointer: &Pointer,
    schema: &mut Map<String, Value>,
    warnings: &mut Vec<Warning>,
) {
    let Some(examples) = schema.remove("examples") else {
        return;
    };
    match examples {
        Value::Array(mut values) if !values.is_empty() => {
            if !schema.contains_key("example") {
                schema.insert("example".to_owned(), values.swap_remove(0));
            }
        }
        _ => warnings.push(Warning::new(
            &pointer.key("examples"),
            "examples",
            "dropped: a schema's `examples` must be a non-empty array",
        )),
    }
}

/// Numeric `exclusiveMinimum: n` -> `minimum: n, exclusiveMinimum: true` (and the same for the
/// maximum), keeping whichever of the two bounds is stricter.
fn rewrite_exclusive_bound(
    schema: &mut Map<String, Value>,
    exclusive: &str,
    inclusive: &str,
    exclusive_is_stricter: fn(f64, f64) -> bool,
) {
    let Some(bound) = schema.get(exclusive).filter(|v| v.is_number()).cloned() else {
        return;
    };
    let limit = schema.get(inclusive).and_then(Value::as_f64);
    let bound_f64 = bound.as_f64().unwrap_or_default();
    match limit {
        Some(limit) if !exclusive_is_stricter(bound_f64, limit) => {
            schema.remove(exclusive);
        }
        _ => {
            schema.insert(inclusive.to_owned(), bound);
            schema.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }
}

/// An array without `items` (valid in JSON Schema, not in OpenAPI 3.0, which requires it) has
/// items of any kind: `items: {}`, as the generated `Vec<serde_json::Value>` documents itself.
fn array_items_present(schema: &mut Map<String, Value>) {
    if schema.get("type").and_then(Value::as_str) == Some("array") && !schema.contains_key("items")
    {
        schema.insert("items".to_owned(), json!({}));
    }
}

/// An integer's exclusive bound is the inclusive bound one step inside it
/// (`exclusiveMinimum: 0` is `minimum: 1`), the form typify and schemars write (`NonZeroU64`
/// is documented as `minimum: 1`), so the two documents say the same thing the same way.
fn integer_bounds_inclusive(schema: &mut Map<String, Value>) {
    if schema.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    for (exclusive, inclusive, step) in [
        ("exclusiveMinimum", "minimum", 1.0_f64),
        ("exclusiveMaximum", "maximum", -1.0),
    ] {
        if schema.get(exclusive) != Some(&Value::Bool(true)) {
            continue;
        }
        let Some(bound) = schema.get(inclusive).and_then(Value::as_f64) else {
            continue;
        };
        let inner = if step > 0.0 {
            bound.floor() + 1.0
        } else {
            bound.ceil() - 1.0
        };
        // Integral and within i64 (JSON bounds beyond are not realistic); else left as is.
        if inner.abs() < 9.0e15 {
            schema.insert(inclusive.to_owned(), json!(inner as i64));
            schema.remove(exclusive);
        }
    }
}

/// `propertyNames` (JSON Schema, invalid in OpenAPI 3.0) is dropped: the generated map accepts
/// every key, so it accepts every instance the original accepted. `{type: string}` (what utoipa
/// writes for a `HashMap<String, _>`) constrains nothing, since JSON keys are strings; anything
/// else leaves a warning that the keys are not checked.
fn rewrite_property_names(
    pointer: &Pointer,
    schema: &mut Map<String, Value>,
    warnings: &mut Vec<Warning>,
) {
    let Some(names) = schema.remove("propertyNames") else {
        return;
    };
    let constrains_nothing = match &names {
        Value::Bool(true) => true,
        Value::Object(keywords) => keywords.iter().all(|(key, value)| {
            (key == "type" && value == "string")
                || matches!(
                    key.as_str(),
                    "description" | "title" | "example" | "examples"
                )
        }),
        _ => false,
    };
    if !constrains_nothing {
        warnings.push(Warning::new(
            &pointer.key("propertyNames"),
            "propertyNames",
            "dropped: OpenAPI 3.0 has no such keyword; the generated map accepts any key (keys are not checked)",
        ));
    }
}

/// `patternProperties` (JSON Schema, invalid in OpenAPI 3.0) -> `additionalProperties`.
///
/// The result accepts every instance the original accepted (it only forgets the key patterns),
/// which is the safe direction for generated types.
fn rewrite_pattern_properties(
    pointer: &Pointer,
    schema: &mut Map<String, Value>,
    warnings: &mut Vec<Warning>,
) {
    let Some(Value::Object(patterns)) = schema.remove("patternProperties") else {
        return;
    };
    let action = if schema.contains_key("additionalProperties") {
        "dropped: the schema's `additionalProperties` already covers the other keys"
    } else if patterns.len() == 1 {
        let value_schema = patterns
            .into_iter()
            .next()
            .map(|(_, s)| s)
            .unwrap_or(Value::Bool(true));
        schema.insert("additionalProperties".to_owned(), value_schema);
        "replaced by `additionalProperties` with the pattern's value schema (key pattern not enforced)"
    } else {
        schema.insert("additionalProperties".to_owned(), Value::Bool(true));
        "replaced by `additionalProperties: true` (several patterns; keys and values not enforced)"
    };
    warnings.push(Warning::new(
        &pointer.key("patternProperties"),
        "patternProperties",
        action,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(mut schema: Value) -> Result<(Value, Vec<Warning>), SpecError> {
        let mut warnings = Vec::new();
        let mut document = json!({"components": {"schemas": {"S": schema.take()}}});
        to_openapi_30_schemas(&mut document, &mut warnings)?;
        Ok((document["components"]["schemas"]["S"].take(), warnings))
    }

    #[test]
    fn nullable_type_array_becomes_nullable_type() {
        let (schema, _) = rewrite(json!({"type": ["string", "null"]})).expect("rewrite");
        assert_eq!(schema, json!({"type": "string", "nullable": true}));
    }

    #[test]
    fn several_types_become_one_of() {
        let (schema, _) = rewrite(json!({"type": ["string", "integer"]})).expect("rewrite");
        assert_eq!(
            schema,
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})
        );
    }

    #[test]
    fn const_becomes_single_enum() {
        let (schema, _) = rewrite(json!({"const": "fixed"})).expect("rewrite");
        assert_eq!(schema, json!({"enum": ["fixed"]}));
    }

    #[test]
    fn examples_array_becomes_example() {
        let (schema, _) = rewrite(json!({"type": "integer", "examples": [3, 4]})).expect("rewrite");
        assert_eq!(schema, json!({"type": "integer", "example": 3}));
    }

    #[test]
    fn numeric_exclusive_minimum_becomes_boolean_form() {
        let (schema, _) =
            rewrite(json!({"type": "number", "exclusiveMinimum": 0})).expect("rewrite");
        assert_eq!(
            schema,
            json!({"type": "number", "exclusiveMinimum": true, "minimum": 0})
        );
    }

    #[test]
    fn an_integer_s_exclusive_bounds_become_inclusive_ones() {
        let (schema, _) =
            rewrite(json!({"type": "integer", "exclusiveMinimum": 0.0})).expect("rewrite");
        assert_eq!(schema, json!({"type": "integer", "minimum": 1}));
        let (schema, _) =
            rewrite(json!({"type": "integer", "maximum": 10, "exclusiveMaximum": true}))
                .expect("rewrite");
        assert_eq!(schema, json!({"type": "integer", "maximum": 9}));
    }

    #[test]
    fn an_array_without_items_has_items_of_any_kind() {
        let (schema, _) = rewrite(json!({"type": "array"})).expect("rewrite");
        assert_eq!(schema, json!({"type": "array", "items": {}}));
    }

    #[test]
    fn stricter_inclusive_minimum_wins_over_exclusive_one() {
        let (schema, _) = rewrite(json!({"minimum": 5, "exclusiveMinimum": 1})).expect("rewrite");
        assert_eq!(schema, json!({"minimum": 5}));
    }

    #[test]
    fn nested_schemas_are_rewritten() {
        let (schema, _) =
            rewrite(json!({"properties": {"a": {"type": ["integer", "null"]}}})).expect("rewrite");
        assert_eq!(
            schema["properties"]["a"],
            json!({"type": "integer", "nullable": true})
        );
    }

    #[test]
    fn unexpressible_keyword_names_its_pointer() {
        let error =
            rewrite(json!({"properties": {"a": {"prefixItems": []}}})).expect_err("refused");
        let problem = error.problem().expect("located");
        assert_eq!(
            problem.pointer.as_str(),
            "/components/schemas/S/properties/a/prefixItems"
        );
        assert_eq!(problem.construct, "prefixItems");
    }

    #[test]
    fn any_of_a_reference_or_null_becomes_a_nullable_reference() {
        let (schema, _) =
            rewrite(json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"nullable": true}]}))
                .expect("rewrite");
        assert_eq!(
            schema,
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
    }

    #[test]
    fn any_of_a_type_or_the_null_type_becomes_nullable() {
        for null_type in [json!({"type": "null"}), json!({"type": ["null"]})] {
            let (schema, _) = rewrite(json!({"properties": {"a": {
                "anyOf": [{"type": "string"}, null_type.clone()]
            }}}))
            .expect("rewrite");
            assert_eq!(
                schema["properties"]["a"],
                json!({"type": "string", "nullable": true}),
                "{null_type}"
            );
        }
    }

    #[test]
    fn the_null_type_alone_names_its_pointer() {
        let error = rewrite(json!({"properties": {"a": {"type": "null"}}})).expect_err("refused");
        let problem = error.problem().expect("located");
        assert_eq!(
            problem.pointer.as_str(),
            "/components/schemas/S/properties/a/type"
        );
    }

    #[test]
    fn required_names_without_a_property_are_dropped_with_a_warning() {
        let (schema, warnings) =
            rewrite(json!({"type": "object", "required": ["a", "ghost"], "properties": {"a": {}}}))
                .expect("rewrite");
        assert_eq!(schema["required"], json!(["a"]));
        assert_eq!(
            warnings[0].0.pointer.as_str(),
            "/components/schemas/S/required"
        );
    }

    #[test]
    fn property_names_that_only_say_string_are_dropped_silently() {
        let (schema, warnings) = rewrite(json!({"type": "object",
            "additionalProperties": {"type": "integer"}, "propertyNames": {"type": "string"}}))
        .expect("rewrite");
        assert_eq!(
            schema,
            json!({"type": "object", "additionalProperties": {"type": "integer"}})
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn constraining_property_names_degrade_with_a_warning() {
        let (schema, warnings) = rewrite(json!({"type": "object",
            "additionalProperties": {"type": "integer"}, "propertyNames": {"pattern": "^[a-z]+$"}}))
        .expect("rewrite");
        assert!(schema.get("propertyNames").is_none());
        assert_eq!(
            warnings[0].0.pointer.as_str(),
            "/components/schemas/S/propertyNames"
        );
    }

    #[test]
    fn pattern_properties_degrade_to_additional_properties_with_a_warning() {
        let (schema, warnings) =
            rewrite(json!({"type": "object", "patternProperties": {"^x-": {"type": "string"}}}))
                .expect("rewrite");
        assert_eq!(
            schema,
            json!({"type": "object", "additionalProperties": {"type": "string"}})
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            warnings[0].0.pointer.as_str(),
            "/components/schemas/S/patternProperties"
        );
    }
}
