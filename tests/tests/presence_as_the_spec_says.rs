//! The trait's OpenAPI document (what schemars derives from the generated types and extractors)
//! says of every property and parameter exactly what the spec says: required or not, nullable or
//! not. No rule excuses a difference here.

use refactor_conformance::harness::trait_document;
use refactor_conformance::spec::normalized_spec;
use refactor_openapi::presence::presence_mismatches;

#[test]
fn properties_and_parameters_are_required_and_nullable_as_the_spec_says() {
    let mismatches = presence_mismatches(&normalized_spec(), &trait_document());
    let listed: Vec<String> = mismatches.iter().map(ToString::to_string).collect();
    assert!(listed.is_empty(), "{listed:#?}");
}

#[test]
fn every_presence_of_the_label_is_checked() {
    // The check sees each of the spec's four cases: required, required and nullable (none in
    // the seed), optional, and optional and nullable. Flipping any property's nullability or
    // requiredness in the spec is a mismatch.
    let spec = normalized_spec();
    let implementation = trait_document();
    let properties = spec["components"]["schemas"]["RunGoldLabel"]["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    assert!(
        properties.len() >= 5,
        "the label has its properties: {properties:?}"
    );
    for name in properties {
        let mut flipped = spec.clone();
        let property = &mut flipped["components"]["schemas"]["RunGoldLabel"]["properties"][&name];
        let nullable = property["nullable"] == serde_json::json!(true);
        property["nullable"] = serde_json::json!(!nullable);
        let mismatches = presence_mismatches(&flipped, &implementation);
        assert_eq!(mismatches.len(), 1, "{name}: {mismatches:?}");
        assert_eq!(mismatches[0].keyword, "nullable");

        let mut flipped = spec.clone();
        let required = flipped["components"]["schemas"]["RunGoldLabel"]["required"]
            .as_array_mut()
            .expect("the label requires properties");
        let position = required.iter().position(|r| r == &serde_json::json!(name));
        match position {
            Some(index) => {
                required.remove(index);
            }
            None => required.push(serde_json::json!(name)),
        }
        let mismatches = presence_mismatches(&flipped, &implementation);
        assert_eq!(mismatches.len(), 1, "{name}: {mismatches:?}");
        assert_eq!(mismatches[0].keyword, "required");
    }
}
