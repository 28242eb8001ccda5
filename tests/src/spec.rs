//! The spec as the tests see it: as the team means it (with its overlay), its normalized form,
//! and JSON Schema validators for response bodies built from the spec's schemas.

use refactor_codegen::workspace::{SpecInput, Workspace, load_normalized, load_overlaid};
use serde_json::Value;

/// What the generator reads: `spec/openapi.yaml` with `spec/overlay.yaml`.
pub fn spec_input() -> SpecInput {
    Workspace::this_checkout().spec_input()
}

/// The spec as the team means it: `spec/openapi.yaml` (OpenAPI 3.1 for the seed) with the
/// overlay applied, before normalization.
pub fn original_spec() -> Value {
    load_overlaid(&spec_input())
        .map(|(_, document)| document)
        .unwrap_or_else(|error| panic!("the spec must load: {error:#}"))
}

/// The spec after normalization: what the generator read.
pub fn normalized_spec() -> Value {
    load_normalized(&spec_input())
        .unwrap_or_else(|error| panic!("the spec must normalize: {error:#}"))
        .document
}

/// Validates response bodies against the schemas the spec documents for them.
pub struct ResponseSchemas {
    spec: Value,
}

impl ResponseSchemas {
    /// Validators over the spec as written, with its overlay (`spec/openapi.yaml`,
    /// `spec/overlay.yaml`).
    pub fn from_spec() -> Self {
        Self {
            spec: original_spec(),
        }
    }

    /// The JSON Schema of the body of `status` for the operation at `method path`.
    pub fn schema(&self, method: &str, path: &str, status: &str) -> Value {
        let operation = &self.spec["paths"][path][method.to_ascii_lowercase()];
        let mut response = &operation["responses"][status];
        if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
            response = self
                .spec
                .pointer(reference.trim_start_matches('#'))
                .unwrap_or(&Value::Null);
        }
        let schema = response
            .pointer("/content/application~1json/schema")
            .unwrap_or_else(|| panic!("{method} {path} documents no JSON body for {status}"));
        refactor_openapi::json_schema::standalone_schema(&self.spec, schema)
    }

    /// Checks `body` against the spec's schema for `status`; the error lists every violation.
    pub fn validate(
        &self,
        method: &str,
        path: &str,
        status: &str,
        body: &Value,
    ) -> Result<(), String> {
        let schema = self.schema(method, path, status);
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|error| format!("the spec's schema does not compile: {error}"))?;
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }
}
