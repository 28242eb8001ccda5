//! The document-level part of the 3.1 -> 3.0.3 rewrite: the version field and the 3.1 top-level
//! members that 3.0 lacks.

use serde_json::{Map, Value};

use crate::error::{SpecError, Warning};
use crate::pointer::Pointer;

/// The version string every normalized document carries.
pub const NORMALIZED_VERSION: &str = "3.0.3";

/// Checks the `openapi` field and rewrites a 3.1 document's top level for 3.0.3.
pub(crate) fn to_openapi_303(
    document: &mut Value,
    warnings: &mut Vec<Warning>,
) -> Result<(), SpecError> {
    let root = Pointer::root();
    let Value::Object(top) = document else {
        return Err(SpecError::unsupported(
            &root,
            "document",
            "an OpenAPI document must be an object",
        ));
    };
    if top.contains_key("swagger") {
        return Err(SpecError::unsupported(
            &root.key("swagger"),
            "swagger",
            "Swagger 2.0 documents are not supported; convert the document to OpenAPI 3 first",
        ));
    }
    let version = match top.get("openapi") {
        Some(Value::String(version)) => version.clone(),
        Some(_) => {
            return Err(SpecError::unsupported(
                &root.key("openapi"),
                "openapi",
                "the version must be a string",
            ));
        }
        None => {
            return Err(SpecError::unsupported(
                &root,
                "openapi",
                "the document has no `openapi` version field",
            ));
        }
    };
    if version.starts_with("3.0.") {
        return Ok(());
    }
    if !version.starts_with("3.1.") {
        return Err(SpecError::unsupported(
            &root.key("openapi"),
            "openapi",
            format!("version {version:?} is not supported (3.0.x and 3.1.x are)"),
        ));
    }
    top.insert(
        "openapi".to_owned(),
        Value::String(NORMALIZED_VERSION.to_owned()),
    );
    drop_member(
        top,
        &root,
        "jsonSchemaDialect",
        "dropped: 3.0 has a fixed schema dialect",
        warnings,
    );
    drop_member(
        top,
        &root,
        "webhooks",
        "dropped: webhooks are requests this API sends, not endpoints it serves",
        warnings,
    );
    if let Some(Value::Object(components)) = top.get_mut("components") {
        drop_member(
            components,
            &root.key("components"),
            "pathItems",
            "dropped: 3.0 has no reusable path items (paths that reference them fail separately)",
            warnings,
        );
    }
    if let Some(Value::Object(info)) = top.get_mut("info")
        && let Some(Value::Object(license)) = info.get_mut("license")
    {
        // An SPDX identifier is 3.1-only metadata; 3.0 licenses have a name and a URL.
        license.remove("identifier");
    }
    top.entry("paths")
        .or_insert_with(|| Value::Object(Map::new()));
    Ok(())
}

fn drop_member(
    object: &mut Map<String, Value>,
    pointer: &Pointer,
    key: &str,
    action: &str,
    warnings: &mut Vec<Warning>,
) {
    if object.remove(key).is_some() {
        warnings.push(Warning::new(&pointer.key(key), key, action));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn openapi_31_becomes_303_with_paths() {
        let mut document = json!({"openapi": "3.1.0", "info": {}, "webhooks": {}});
        let mut warnings = Vec::new();
        to_openapi_303(&mut document, &mut warnings).expect("normalized");
        assert_eq!(document["openapi"], "3.0.3");
        assert_eq!(document["paths"], json!({}));
        assert_eq!(warnings[0].0.construct, "webhooks");
    }

    #[test]
    fn swagger_2_is_refused_by_name() {
        let mut document = json!({"swagger": "2.0"});
        let error = to_openapi_303(&mut document, &mut Vec::new()).expect_err("refused");
        assert!(error.to_string().contains("Swagger 2.0"), "{error}");
    }

    #[test]
    fn unknown_version_is_refused() {
        let mut document = json!({"openapi": "4.0.0"});
        let error = to_openapi_303(&mut document, &mut Vec::new()).expect_err("refused");
        assert_eq!(
            error.problem().map(|p| p.pointer.as_str()),
            Some("/openapi")
        );
    }
}
