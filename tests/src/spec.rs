//! The spec as the tests see it: the file, its normalized form, the trait's own document, and
//! JSON Schema validators for response bodies built from the spec's schemas.

use std::path::{Path, PathBuf};

use refactor_openapi::{SourceDocument, normalize};
use serde_json::Value;

/// The workspace's `spec/openapi.yaml`.
pub fn spec_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml")
}

/// The spec as written (OpenAPI 3.1 for the seed).
pub fn original_spec() -> Value {
    SourceDocument::read(&spec_path())
        .map(|document| document.value().clone())
        .unwrap_or_else(|error| panic!("the spec must load: {error}"))
}

/// The spec after normalization: what the generator read.
pub fn normalized_spec() -> Value {
    normalize(&original_spec())
        .unwrap_or_else(|error| panic!("the spec must normalize: {error}"))
        .document
}

/// The OpenAPI document dropshot derives from the generated trait, titled like the spec.
pub fn trait_document() -> Value {
    let spec = normalized_spec();
    let text = |pointer: &str| {
        spec.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let version = dropshot::semver::Version::parse(&text("/info/version"))
        .unwrap_or_else(|error| panic!("the spec's version must be semver: {error}"));
    let description = refactor_server_api::refactor_api_mod::stub_api_description()
        .unwrap_or_else(|error| panic!("the trait must describe itself: {error}"));
    let mut openapi = description.openapi(text("/info/title"), version);
    openapi.description(text("/info/description"));
    openapi
        .json()
        .unwrap_or_else(|error| panic!("dropshot must render the document: {error}"))
}

/// Validates response bodies against the schemas the spec documents for them.
pub struct ResponseSchemas {
    spec: Value,
}

impl ResponseSchemas {
    /// Validators over the spec as written (`spec/openapi.yaml`).
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
