//! The comparison's own behaviour on small documents; the conformance crate runs it on the seed.

use serde_json::{Value, json};

use super::*;

fn document(label: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/labels/{id}": {"get": {
            "operationId": "get_label",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Label"}}}}}
        }}},
        "components": {"schemas": {"Label": label}}
    })
}

fn label() -> Value {
    json!({"type": "object", "required": ["id"], "properties": {
        "id": {"type": "string", "format": "uuid"},
        "text": {"type": "string"}
    }})
}

#[test]
fn identical_documents_agree() {
    let comparison = compare(&document(label()), &document(label()));
    assert!(comparison.agrees(), "{comparison}");
    assert!(comparison.allowed.is_empty(), "{comparison}");
}

#[test]
fn optional_property_made_nullable_disagrees() {
    let mut actual = label();
    actual["properties"]["text"]["nullable"] = json!(true);
    let comparison = compare(&document(label()), &document(actual));
    assert_eq!(comparison.disagreements.len(), 1, "{comparison}");
    assert_eq!(
        comparison.disagreements[0].place.to_string(),
        "schema Label › property `text` › nullable"
    );
}

#[test]
fn required_property_made_nullable_disagrees() {
    let mut actual = label();
    actual["properties"]["id"]["nullable"] = json!(true);
    let comparison = compare(&document(label()), &document(actual));
    assert_eq!(comparison.disagreements.len(), 1, "{comparison}");
    assert_eq!(
        comparison.disagreements[0].place.to_string(),
        "schema Label › property `id` › nullable"
    );
}

#[test]
fn missing_property_disagrees() {
    let mut actual = label();
    if let Some(p) = actual["properties"].as_object_mut() {
        p.remove("text");
    }
    let comparison = compare(&document(label()), &document(actual));
    assert_eq!(
        comparison.disagreements[0].place.to_string(),
        "schema Label › property `text`"
    );
}

#[test]
fn inline_schema_is_compared_with_the_component_it_replaces() {
    let mut actual = document(label());
    actual["paths"]["/labels/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] =
        label();
    actual["components"] = json!({});
    let comparison = compare(&document(label()), &actual);
    let places: Vec<String> = comparison
        .disagreements
        .iter()
        .map(|d| d.place.to_string())
        .collect();
    assert_eq!(
        places,
        ["schema Label"],
        "only the missing shared type, not the response: {comparison}"
    );
}

#[test]
fn changed_parameter_disagrees() {
    let mut actual = document(label());
    actual["paths"]["/labels/{id}"]["get"]["parameters"][0]["schema"] = json!({"type": "integer"});
    let comparison = compare(&document(label()), &actual);
    let places: Vec<String> = comparison
        .disagreements
        .iter()
        .map(|d| d.place.to_string())
        .collect();
    assert_eq!(
        places,
        [
            "GET /labels/{id} › path parameter `id` › schema › type",
            "GET /labels/{id} › path parameter `id` › schema › format"
        ]
    );
}

#[test]
fn missing_operation_disagrees() {
    let mut actual = document(label());
    actual["paths"] = json!({});
    let comparison = compare(&document(label()), &actual);
    assert!(
        comparison
            .disagreements
            .iter()
            .any(|d| d.place.to_string() == "GET /labels/{id}"),
        "{comparison}"
    );
}

#[test]
fn every_rule_has_a_name_and_a_reason() {
    for rule in RULES {
        assert!(!rule.name.is_empty() && rule.why.len() > 20, "{rule:?}");
    }
}

#[test]
fn versions_read_as_semver() {
    assert_eq!(semver_text("1.0"), "1.0.0");
    assert_eq!(semver_text("v2"), "2.0.0");
    assert_eq!(semver_text("1.2.3-beta.1"), "1.2.3");
    assert_eq!(semver_text("2023-01-01"), "2023.0.0");
    assert_eq!(semver_text("latest"), "0.0.0");
    assert_eq!(semver_text("01.002.3"), "1.2.3");
}

fn counter(spec_count: Value, implementation_count: Value) -> Comparison {
    let with = |count: Value| document(json!({"type": "object", "properties": {"count": count}}));
    compare(&with(spec_count), &with(implementation_count))
}

#[test]
fn an_unsigned_type_where_the_spec_allows_no_negative_value_is_allowed() {
    let comparison = counter(
        json!({"type": "integer", "minimum": 0}),
        json!({"type": "integer", "format": "uint64", "minimum": 0}),
    );
    assert!(comparison.agrees(), "{comparison}");
    assert_eq!(comparison.allowed[0].1.name, "numeric-width-chosen");
}

#[test]
fn an_unsigned_type_where_the_spec_allows_negatives_disagrees() {
    let comparison = counter(
        json!({"type": "integer"}),
        json!({"type": "integer", "format": "uint64", "minimum": 0}),
    );
    let places: Vec<String> = comparison
        .disagreements
        .iter()
        .map(|d| d.place.to_string())
        .collect();
    assert_eq!(
        places,
        [
            "schema Label › property `count` › format",
            "schema Label › property `count` › minimum"
        ]
    );
}

#[test]
fn a_narrower_type_only_where_the_bounds_fit() {
    let fits = counter(
        json!({"type": "integer", "minimum": -5, "maximum": 100}),
        json!({"type": "integer", "format": "int8", "minimum": -5, "maximum": 100}),
    );
    assert!(fits.agrees(), "{fits}");
    let too_wide = counter(
        json!({"type": "integer", "minimum": -5, "maximum": 1000}),
        json!({"type": "integer", "format": "int8", "minimum": -5, "maximum": 1000}),
    );
    assert!(!too_wide.agrees(), "{too_wide}");
}

#[test]
fn a_component_only_merged_into_an_all_of_may_be_absent() {
    let mut spec = document(json!({"allOf": [
        {"$ref": "#/components/schemas/Base"},
        {"type": "object", "properties": {"text": {"type": "string"}}}
    ]}));
    spec["components"]["schemas"]["Base"] = json!({"type": "object", "required": ["id"],
        "properties": {"id": {"type": "string", "format": "uuid"}}});
    let comparison = compare(&spec, &document(label()));
    assert!(comparison.agrees(), "{comparison}");
    assert!(
        comparison
            .allowed
            .iter()
            .any(|(_, rule)| rule.name == "unreachable-components"),
        "{comparison}"
    );
}

/// The seed's document with its path parameter's schema a reference to `Id`, described `text`.
fn parameter_of_described_type(text: &str) -> Value {
    let mut document = document(label());
    document["paths"]["/labels/{id}"]["get"]["parameters"][0]["schema"] =
        json!({"$ref": "#/components/schemas/Id"});
    document["components"]["schemas"]["Id"] =
        json!({"type": "string", "format": "uuid", "description": text});
    document
}

#[test]
fn a_parameter_is_described_by_its_type_when_it_has_no_description() {
    let spec = parameter_of_described_type("A label's id");
    let mut implementation = document(label());
    implementation["paths"]["/labels/{id}"]["get"]["parameters"][0]["description"] =
        json!("A label's id");
    let comparison = compare(&spec, &implementation);
    assert!(
        !comparison
            .disagreements
            .iter()
            .any(|d| d.place.to_string().ends_with("description")),
        "{comparison}"
    );
    implementation["paths"]["/labels/{id}"]["get"]["parameters"][0]["description"] =
        json!("Another text");
    let comparison = compare(&spec, &implementation);
    assert!(
        comparison
            .disagreements
            .iter()
            .any(|d| d.place.to_string() == "GET /labels/{id} › path parameter `id` › description"),
        "{comparison}"
    );
}

#[test]
fn a_null_only_alternative_is_any_value() {
    // OpenAPI 3.0's `{nullable: true}` has no type: it allows every value, as `{}` does (typify
    // makes it a `serde_json::Value` alternative, which schemars documents as `{}`).
    let union = |last: Value| json!({"anyOf": [{"type": "string"}, {"type": "integer"}, last]});
    let comparison = compare(
        &document(union(json!({"nullable": true}))),
        &document(union(json!({}))),
    );
    assert!(comparison.agrees(), "{comparison}");
    let comparison = compare(
        &document(union(json!({"nullable": true}))),
        &document(union(json!({"type": "boolean"}))),
    );
    assert!(!comparison.agrees(), "{comparison}");
}
