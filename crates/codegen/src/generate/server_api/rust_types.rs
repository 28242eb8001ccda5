//! The Rust type of a parameter or body schema, spelled as typify spells it in the types crate.
//!
//! Normalization has hoisted every schema that would need a name into a component, so what is
//! left here is references, scalars, arrays and maps.

use anyhow::bail;
use proc_macro2::TokenStream;
use quote::quote;
use refactor_openapi::naming::type_name;
use serde_json::Value;

/// The Rust type of the component schema `name`, in the types crate or module at `types_path`.
pub fn component_type(types_path: &str, name: &str) -> TokenStream {
    let path = format!("{types_path}::{}", type_name(name));
    // Both parts are valid paths: `types_path` is ours, `type_name` sanitizes like typify.
    syn::parse_str::<syn::Path>(&path).map_or_else(|_| quote! { #path }, |path| quote! { #path })
}

/// The Rust type of `schema`; `types_path` is where component types live.
pub fn rust_type(schema: &Value, types_path: &str) -> anyhow::Result<TokenStream> {
    let ty = non_null_type(schema, types_path)?;
    Ok(if schema.get("nullable") == Some(&Value::Bool(true)) {
        quote! { ::std::option::Option<#ty> }
    } else {
        ty
    })
}

fn non_null_type(schema: &Value, types_path: &str) -> anyhow::Result<TokenStream> {
    let Some(object) = schema.as_object() else {
        return Ok(quote! { ::serde_json::Value });
    };
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        let Some(name) = reference.strip_prefix("#/components/schemas/") else {
            bail!("reference {reference:?} does not name a component schema");
        };
        return Ok(component_type(types_path, name));
    }
    if let Some(Value::Array(alternatives)) = object.get("allOf")
        && let [only] = alternatives.as_slice()
    {
        return non_null_type(only, types_path);
    }
    let format = object
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Ok(match object.get("type").and_then(Value::as_str) {
        Some("string") => match format {
            "uuid" => quote! { ::uuid::Uuid },
            "date-time" => quote! { ::chrono::DateTime<::chrono::offset::Utc> },
            "date" => quote! { ::chrono::naive::NaiveDate },
            _ => quote! { ::std::string::String },
        },
        Some("integer") => integer_type(object),
        Some("number") if format == "float" => quote! { f32 },
        Some("number") => quote! { f64 },
        Some("boolean") => quote! { bool },
        Some("array") => {
            let items = rust_type(
                object.get("items").unwrap_or(&Value::Bool(true)),
                types_path,
            )?;
            quote! { ::std::vec::Vec<#items> }
        }
        Some("object") | None if !object.contains_key("properties") => {
            match object.get("additionalProperties") {
                Some(values @ Value::Object(map)) if !map.is_empty() => {
                    let values = rust_type(values, types_path)?;
                    quote! { ::std::collections::HashMap<::std::string::String, #values> }
                }
                _ if object.get("type").is_some() => {
                    quote! { ::serde_json::Map<::std::string::String, ::serde_json::Value> }
                }
                _ => quote! { ::serde_json::Value },
            }
        }
        other => bail!(
            "no Rust type for a {} schema that was not hoisted into a component",
            other.unwrap_or("typeless")
        ),
    })
}

/// The Rust integer typify chooses for an integer schema, so a parameter has the same type in
/// the client and in the server trait.
fn integer_type(object: &serde_json::Map<String, Value>) -> TokenStream {
    let name = refactor_openapi::integers::typify_integer_type(object);
    let ident = quote::format_ident!("{name}");
    if name.starts_with("NonZero") {
        quote! { ::std::num::#ident }
    } else {
        quote! { #ident }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spelled(schema: Value) -> String {
        rust_type(&schema, "::types")
            .expect("typed")
            .to_string()
            .replace(' ', "")
    }

    #[test]
    fn formats_pick_the_types_path_types() {
        assert_eq!(
            spelled(json!({"type": "string", "format": "uuid"})),
            "::uuid::Uuid"
        );
        assert_eq!(
            spelled(json!({"type": "integer", "format": "int32"})),
            "i32"
        );
        assert_eq!(spelled(json!({"type": "integer", "minimum": 0})), "u64");
        assert_eq!(
            spelled(json!({"type": "integer", "format": "uint32", "minimum": 1})),
            "::std::num::NonZeroU32"
        );
        assert_eq!(spelled(json!({"type": "integer"})), "i64");
        assert_eq!(spelled(json!({"type": "integer", "format": "int"})), "i32");
    }

    #[test]
    fn references_name_the_types_path() {
        assert_eq!(
            spelled(json!({"type": "array", "items": {"$ref": "#/components/schemas/run-label"}})),
            "::std::vec::Vec<::types::RunLabel>"
        );
    }

    #[test]
    fn inline_objects_are_refused() {
        assert!(rust_type(&json!({"type": "object", "properties": {"a": {}}}), "::t").is_err());
    }
}
