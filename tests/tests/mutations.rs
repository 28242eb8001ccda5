//! The mutation catalogue: realistic changes to the spec (`spec/openapi.yaml` with its overlay)
//! while the generated code stays as it is. The conformance checks (the trait's document, what
//! the generated server sends, what the client makes of every status) must fail on every one,
//! naming the change; the freshness test is left out, since it catches anything.
//!
//! The README's table lists the catalogue; `cargo test --test mutations -- --nocapture` prints
//! each change's disagreements. They are not pinned: they quote the spec's schemas, so any spec
//! change (the spec owners' workflow: edit, `cargo xtask codegen`, test) would rewrite them.

use std::fmt::Write as _;

use refactor_conformance::harness;
use refactor_conformance::spec::original_spec;
use serde_json::{Value, json};

/// A change to the spec, and a fragment of the place its disagreement must name.
struct Mutation {
    name: &'static str,
    names: &'static str,
    apply: fn(&mut Value),
}

const PATH: &str = "/v1/run/{id}/gold-labels";

fn operation(spec: &mut Value) -> &mut Value {
    &mut spec["paths"][PATH]["get"]
}

fn responses(spec: &mut Value) -> &mut serde_json::Map<String, Value> {
    operation(spec)["responses"]
        .as_object_mut()
        .expect("the operation has responses")
}

fn label(spec: &mut Value) -> &mut Value {
    &mut spec["components"]["schemas"]["RunGoldLabel"]
}

fn property<'a>(spec: &'a mut Value, name: &str) -> &'a mut Value {
    &mut label(spec)["properties"][name]
}

fn properties(spec: &mut Value) -> &mut serde_json::Map<String, Value> {
    label(spec)["properties"]
        .as_object_mut()
        .expect("RunGoldLabel has properties")
}

fn required(spec: &mut Value) -> &mut Vec<Value> {
    label(spec)["required"]
        .as_array_mut()
        .expect("RunGoldLabel requires properties")
}

fn error_response() -> Value {
    json!({"$ref": "#/components/responses/NotFoundError"})
}

fn rename_key(map: &mut serde_json::Map<String, Value>, from: &str, to: &str) {
    if let Some(value) = map.remove(from) {
        map.insert(to.to_owned(), value);
    }
}

const CATALOGUE: &[Mutation] = &[
    // Statuses.
    Mutation {
        name: "404 changed to 403",
        names: "response 403",
        apply: |spec| rename_key(responses(spec), "404", "403"),
    },
    Mutation {
        name: "409 added",
        names: "response 409",
        apply: |spec| {
            responses(spec).insert("409".into(), error_response());
        },
    },
    Mutation {
        name: "401 removed",
        names: "response 401",
        apply: |spec| {
            responses(spec).remove("401");
        },
    },
    Mutation {
        name: "400 (the overlay's) removed",
        names: "response 400",
        apply: |spec| {
            responses(spec).remove("400");
        },
    },
    Mutation {
        name: "success status 200 changed to 201",
        names: "response 201",
        apply: |spec| rename_key(responses(spec), "200", "201"),
    },
    Mutation {
        name: "success status 202 added",
        names: "response 202",
        apply: |spec| {
            let ok = responses(spec)["200"].clone();
            responses(spec).insert("202".into(), ok);
        },
    },
    Mutation {
        name: "404 body changed to a string",
        names: "response 404",
        apply: |spec| {
            responses(spec).insert(
                "404".into(),
                json!({"description": "Not Found", "content": {"application/json": {"schema": {"type": "string"}}}}),
            );
        },
    },
    Mutation {
        name: "error body property retyped",
        names: "response 404",
        apply: |spec| {
            spec["components"]["responses"]["NotFoundError"]["content"]["application/json"]["schema"]
                ["properties"]["error"] = json!({"type": "integer"});
        },
    },
    // Security.
    Mutation {
        name: "bearer scheme changed to an API key",
        names: "WWW-Authenticate",
        apply: |spec| {
            spec["components"]["securitySchemes"]["BearerAuth"] =
                json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"});
        },
    },
    Mutation {
        name: "bearer scheme changed to basic",
        names: "WWW-Authenticate",
        apply: |spec| {
            spec["components"]["securitySchemes"]["BearerAuth"] =
                json!({"type": "http", "scheme": "basic"});
        },
    },
    Mutation {
        name: "operation made public (security: [])",
        names: "WWW-Authenticate",
        apply: |spec| operation(spec)["security"] = json!([]),
    },
    Mutation {
        name: "global security removed",
        names: "WWW-Authenticate",
        apply: |spec| {
            if let Some(document) = spec.as_object_mut() {
                document.remove("security");
            }
        },
    },
    // Paths and methods.
    Mutation {
        name: "path renamed",
        names: "/v1/runs/{id}/gold-labels",
        apply: |spec| {
            let paths = spec["paths"].as_object_mut().expect("paths");
            rename_key(paths, PATH, "/v1/runs/{id}/gold-labels");
        },
    },
    Mutation {
        name: "method changed from GET to POST",
        names: "POST /v1/run/{id}/gold-labels",
        apply: |spec| {
            let item = spec["paths"][PATH].as_object_mut().expect("path item");
            rename_key(item, "get", "post");
        },
    },
    Mutation {
        name: "operation added",
        names: "DELETE /v1/run/{id}/gold-labels",
        apply: |spec| {
            spec["paths"][PATH]["delete"] = json!({
                "operationId": "delete_run_gold_labels",
                "responses": {"204": {"description": "deleted"}}
            });
        },
    },
    Mutation {
        name: "operation removed",
        names: "GET /v1/run/{id}/gold-labels",
        apply: |spec| spec["paths"] = json!({}),
    },
    Mutation {
        name: "operation id renamed",
        names: "operationId",
        apply: |spec| operation(spec)["operationId"] = json!("get_run_labels"),
    },
    // Parameters.
    Mutation {
        name: "path parameter retyped (uuid to integer)",
        names: "path parameter `id`",
        apply: |spec| {
            spec["paths"][PATH]["parameters"][0]["schema"] = json!({"type": "integer"});
        },
    },
    Mutation {
        name: "path parameter loses its uuid format",
        names: "path parameter `id` › schema › format",
        apply: |spec| spec["paths"][PATH]["parameters"][0]["schema"] = json!({"type": "string"}),
    },
    Mutation {
        name: "path variable renamed",
        names: "/v1/run/{run_id}/gold-labels",
        apply: |spec| {
            let paths = spec["paths"].as_object_mut().expect("paths");
            rename_key(paths, PATH, "/v1/run/{run_id}/gold-labels");
            spec["paths"]["/v1/run/{run_id}/gold-labels"]["parameters"][0]["name"] =
                json!("run_id");
        },
    },
    Mutation {
        name: "required query parameter added",
        names: "query parameter `limit`",
        apply: |spec| {
            operation(spec)["parameters"] = json!([{
                "name": "limit", "in": "query", "required": true,
                "schema": {"type": "integer", "minimum": 1}
            }]);
        },
    },
    Mutation {
        name: "optional query parameter added",
        names: "query parameter `cursor`",
        apply: |spec| {
            operation(spec)["parameters"] =
                json!([{"name": "cursor", "in": "query", "schema": {"type": "string"}}]);
        },
    },
    Mutation {
        name: "required header parameter added",
        names: "header parameter `X-Request-Id`",
        apply: |spec| {
            operation(spec)["parameters"] = json!([{
                "name": "X-Request-Id", "in": "header", "required": true,
                "schema": {"type": "string", "format": "uuid"}
            }]);
        },
    },
    // Request bodies.
    Mutation {
        name: "request body added",
        names: "request body",
        apply: |spec| {
            operation(spec)["requestBody"] = json!({
                "required": true,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunGoldLabel"}}}
            });
        },
    },
    // Properties.
    Mutation {
        name: "optional property added",
        names: "property `confidence`",
        apply: |spec| {
            properties(spec).insert("confidence".into(), json!({"type": "number"}));
        },
    },
    Mutation {
        name: "required property added",
        names: "property `source`",
        apply: |spec| {
            properties(spec).insert("source".into(), json!({"type": "string"}));
            required(spec).push(json!("source"));
        },
    },
    Mutation {
        name: "property removed",
        names: "property `updated_by`",
        apply: |spec| {
            properties(spec).remove("updated_by");
        },
    },
    Mutation {
        name: "property renamed",
        names: "property `text`",
        apply: |spec| rename_key(properties(spec), "text_value", "text"),
    },
    Mutation {
        name: "property retyped (boolean to string)",
        names: "property `object_value_is_partial` › type",
        apply: |spec| property(spec, "object_value_is_partial")["type"] = json!("string"),
    },
    Mutation {
        name: "property format changed (date-time to date)",
        names: "property `created_at` › format",
        apply: |spec| property(spec, "created_at")["format"] = json!("date"),
    },
    Mutation {
        name: "required property made optional",
        names: "required",
        apply: |spec| required(spec).retain(|name| name != "account_id"),
    },
    Mutation {
        name: "optional property made required",
        names: "required",
        apply: |spec| required(spec).push(json!("updated_at")),
    },
    Mutation {
        name: "nullable added to a required property",
        names: "property `account_id` › nullable",
        apply: |spec| property(spec, "account_id")["nullable"] = json!(true),
    },
    Mutation {
        name: "nullable removed from an optional property",
        names: "property `text_value` › nullable",
        apply: |spec| {
            if let Some(text) = property(spec, "text_value").as_object_mut() {
                text.remove("nullable");
            }
        },
    },
    Mutation {
        name: "nullable added to an optional property",
        names: "property `updated_at` › nullable",
        apply: |spec| {
            property(spec, "updated_at")["nullable"] = json!(true);
        },
    },
    Mutation {
        name: "enum added to a string property",
        names: "property `output_resource_name` › enum",
        apply: |spec| {
            property(spec, "output_resource_name")["enum"] = json!(["summary", "answer"]);
        },
    },
    Mutation {
        name: "additionalProperties: false added",
        names: "additionalProperties",
        apply: |spec| label(spec)["additionalProperties"] = json!(false),
    },
    Mutation {
        name: "free-form object property narrowed to strings",
        names: "property `object_value` › additionalProperties",
        apply: |spec| {
            property(spec, "object_value")["additionalProperties"] = json!({"type": "string"});
        },
    },
    Mutation {
        name: "array response changed to an object",
        names: "response 200",
        apply: |spec| {
            responses(spec)["200"]["content"]["application/json"]["schema"] =
                json!({"$ref": "#/components/schemas/RunGoldLabel"});
        },
    },
    Mutation {
        name: "array items retyped",
        names: "items",
        apply: |spec| {
            responses(spec)["200"]["content"]["application/json"]["schema"]["items"] =
                json!({"type": "string"});
        },
    },
    Mutation {
        name: "maxLength added to a plain string property",
        names: "property `output_resource_name` › maxLength",
        apply: |spec| property(spec, "output_resource_name")["maxLength"] = json!(64),
    },
    Mutation {
        name: "pattern added to a plain string property",
        names: "property `account_id` › pattern",
        apply: |spec| property(spec, "account_id")["pattern"] = json!("^acct-[0-9]+$"),
    },
];

/// The catalogue's disagreements, one section per change.
async fn catalogue_report() -> (String, Vec<String>) {
    let mut report = String::new();
    let mut unnoticed = Vec::new();
    for mutation in CATALOGUE {
        let mut spec = original_spec();
        (mutation.apply)(&mut spec);
        let normalized = refactor_openapi::normalize(&spec)
            .unwrap_or_else(|error| {
                panic!("{}: the mutated spec normalizes: {error}", mutation.name)
            })
            .document;
        let comparison = harness::conformance(&normalized).await;
        let places: Vec<String> = comparison
            .disagreements
            .iter()
            .map(|d| d.place.to_string())
            .collect();
        if !places.iter().any(|place| place.contains(mutation.names)) {
            unnoticed.push(format!(
                "{}: no disagreement names {:?}:\n{comparison}",
                mutation.name, mutation.names
            ));
        }
        let _ = writeln!(report, "## {}", mutation.name);
        for difference in &comparison.disagreements {
            let _ = writeln!(report, "- {difference}");
        }
        report.push('\n');
    }
    (report, unnoticed)
}

#[tokio::test]
async fn every_change_of_the_catalogue_is_a_named_disagreement() {
    assert!(CATALOGUE.len() >= 30);
    let (report, unnoticed) = catalogue_report().await;
    assert!(unnoticed.is_empty(), "{}", unnoticed.join("\n\n"));
    println!("{report}");
}

#[test]
fn the_readme_lists_the_catalogue() {
    let readme = include_str!("../../README.md");
    for mutation in CATALOGUE {
        assert!(
            readme.contains(&format!("| {} |", mutation.name)),
            "README.md does not list the mutation {:?}",
            mutation.name
        );
    }
}
