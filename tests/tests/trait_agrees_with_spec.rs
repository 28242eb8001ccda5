//! The OpenAPI document of the generated trait says what the normalized spec says, up to the
//! named rules of `refactor_openapi::compare::rules`; and the comparison notices drift.

use refactor_conformance::spec::{normalized_spec, trait_document};
use refactor_openapi::compare::compare;
use serde_json::{Value, json};

#[test]
fn trait_document_agrees_with_the_normalized_spec() {
    let comparison = compare(&normalized_spec(), &trait_document());
    assert!(comparison.agrees(), "{comparison}");
    // Print the excused differences so a reviewer sees what the rules allowed.
    println!("{comparison}");
}

/// The spec with one edit, compared with the unchanged trait: the comparison must fail there.
fn drifted(edit: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut spec = normalized_spec();
    edit(&mut spec);
    let comparison = compare(&spec, &trait_document());
    assert!(
        !comparison.agrees(),
        "the drift went unnoticed:\n{comparison}"
    );
    comparison
        .disagreements
        .iter()
        .map(|d| d.place.to_string())
        .collect()
}

fn label_property<'a>(spec: &'a mut Value, name: &str) -> &'a mut Value {
    &mut spec["components"]["schemas"]["RunGoldLabel"]["properties"][name]
}

#[test]
fn a_removed_property_is_drift() {
    let places = drifted(|spec| {
        if let Some(properties) =
            spec["components"]["schemas"]["RunGoldLabel"]["properties"].as_object_mut()
        {
            properties.remove("updated_by");
        }
    });
    assert_eq!(places, ["schema RunGoldLabel › property `updated_by`"]);
}

#[test]
fn an_added_property_is_drift() {
    let places = drifted(|spec| *label_property(spec, "score") = json!({"type": "number"}));
    assert_eq!(places, ["schema RunGoldLabel › property `score`"]);
}

#[test]
fn a_changed_format_is_drift() {
    let places = drifted(|spec| label_property(spec, "created_at")["format"] = json!("date"));
    assert_eq!(
        places,
        ["schema RunGoldLabel › property `created_at` › format"]
    );
}

#[test]
fn a_changed_nullability_is_drift() {
    let places = drifted(|spec| label_property(spec, "account_id")["nullable"] = json!(true));
    assert_eq!(
        places,
        ["schema RunGoldLabel › property `account_id` › nullable"]
    );
}

#[test]
fn a_newly_required_property_is_drift() {
    // `updated_at` is not nullable: requiring it is a change the types must follow. (Requiring
    // a nullable property is one too; `presence_as_the_spec_says.rs` checks that strictly.)
    let places = drifted(|spec| {
        if let Some(required) =
            spec["components"]["schemas"]["RunGoldLabel"]["required"].as_array_mut()
        {
            required.push(json!("updated_at"));
        }
    });
    // The field is documented as not required (an `Option` written only when `Some`).
    assert_eq!(places, ["schema RunGoldLabel › required"]);
}

#[test]
fn a_missing_operation_is_drift() {
    let places = drifted(|spec| {
        let operation = spec["paths"]["/v1/run/{id}/gold-labels"]["get"].take();
        spec["paths"]["/v1/run/{id}/gold-labels"] = json!({"put": operation});
    });
    assert!(
        places.contains(&"GET /v1/run/{id}/gold-labels".to_owned()),
        "{places:?}"
    );
    assert!(
        places.contains(&"PUT /v1/run/{id}/gold-labels".to_owned()),
        "{places:?}"
    );
}

#[test]
fn a_changed_parameter_is_drift() {
    let places = drifted(|spec| {
        spec["paths"]["/v1/run/{id}/gold-labels"]["get"]["parameters"][0]["schema"] =
            json!({"type": "integer"});
    });
    assert_eq!(
        places,
        [
            "GET /v1/run/{id}/gold-labels › path parameter `id` › schema › type",
            "GET /v1/run/{id}/gold-labels › path parameter `id` › schema › format"
        ]
    );
}

#[test]
fn a_changed_error_body_is_drift() {
    let places = drifted(|spec| {
        spec["components"]["schemas"]["ErrorBody"]["properties"]["error"]["type"] =
            json!("integer");
    });
    assert_eq!(places, ["schema ErrorBody › property `error` › type"]);
}

#[test]
fn a_renamed_operation_is_drift() {
    let places = drifted(|spec| {
        spec["paths"]["/v1/run/{id}/gold-labels"]["get"]["operationId"] = json!("get_labels");
    });
    assert_eq!(places, ["GET /v1/run/{id}/gold-labels › operationId"]);
}
