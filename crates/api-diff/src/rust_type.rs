//! The Rust type typify gives a schema, as far as a change report needs it: whether existing
//! code still compiles depends on whether the type changed, not on whether the spec did
//! (`minimum: 0` -> `minimum: 1` turns `u64` into `NonZeroU64`; `maxLength` added turns a
//! `String` into a validating newtype; a `uuid` format turns it into `uuid::Uuid`).
//!
//! The rules follow typify 0.8 (`convert.rs`: `convert_string`, `convert_integer`,
//! `convert_number`; `structs.rs`: optional properties). They are shallow: an array is `Vec`,
//! an object a struct or a map, whatever is inside, because changes inside are reported at
//! their own place.

use refactor_openapi::naming::type_name;
use refactor_openapi::resolve;
use serde_json::Value;

/// The head of the Rust type of `schema` (`String`, `NonZeroU32`, `Vec`, `RunGoldLabel`, ...).
/// `nullable` is left out: [`field_wrapper`] says where it adds an `Option` or a `Nullable`.
pub fn rust_type(document: &Value, schema: &Value) -> String {
    if let Some(name) = referenced_name(schema) {
        return type_name(&name);
    }
    let schema = resolve::through_aliases(document, schema);
    if schema.get("enum").is_some() {
        return "enum".to_owned();
    }
    if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
        return "enum".to_owned();
    }
    if schema.get("allOf").is_some() {
        return "struct".to_owned();
    }
    let format = schema.get("format").and_then(Value::as_str);
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => string_type(schema, format).to_owned(),
        Some("integer") => schema
            .as_object()
            .map_or("i64", refactor_openapi::integers::typify_integer_type)
            .to_owned(),
        Some("number") => match format {
            Some("float") => "f32".to_owned(),
            _ => "f64".to_owned(),
        },
        Some("boolean") => "bool".to_owned(),
        Some("array") => "Vec".to_owned(),
        Some("object") if is_map(schema) => "Map".to_owned(),
        Some("object") => "struct".to_owned(),
        _ if schema.get("properties").is_some() => "struct".to_owned(),
        _ => "serde_json::Value".to_owned(),
    }
}

/// The component a schema names through `$ref` (or a one-member `allOf` of one).
pub fn referenced_name(schema: &Value) -> Option<String> {
    let mut current = schema;
    for _ in 0..resolve::MAX_CHAIN {
        if let Some(reference) = current.get("$ref").and_then(Value::as_str) {
            return reference
                .strip_prefix("#/components/schemas/")
                .map(|name| name.replace("~1", "/").replace("~0", "~"));
        }
        match current
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([only]) => current = only,
            _ => return None,
        }
    }
    None
}

/// What wraps a property's type in its struct (see the generator's `presence` step).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldWrapper {
    /// `T`: required and not nullable, or an optional one-value tag with its `default`.
    None,
    /// `Option<T>`: required and nullable, optional and not nullable, or a nullable tag with its
    /// default value.
    Option,
    /// `Nullable<T>`: optional and nullable (absent, null and a value apart).
    Nullable,
}

impl FieldWrapper {
    /// The field's type around the property's type `T`, e.g. `Nullable<T>`.
    pub fn spelled(self) -> &'static str {
        match self {
            Self::None => "T",
            Self::Option => "Option<T>",
            Self::Nullable => "Nullable<T>",
        }
    }
}

/// What wraps a property of this schema in its struct.
pub fn field_wrapper(document: &Value, schema: &Value, required: bool) -> FieldWrapper {
    let resolved = resolve::through_aliases(document, schema);
    let default = |schema: &Value| schema.get("default").filter(|d| !d.is_null()).is_some();
    // The generator keeps an optional property's own default only where the property admits one
    // value (a `const` tag): any other would be sent for a property nobody set.
    let one_value = schema
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|values| values.len() == 1);
    let has_default =
        (default(schema) && one_value) || (!std::ptr::eq(resolved, schema) && default(resolved));
    // The generator makes a `Nullable` of a property that is itself nullable; one that
    // references a nullable type is an `Option` of that type, which holds the `null` itself.
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        return if required || has_default {
            FieldWrapper::Option
        } else {
            FieldWrapper::Nullable
        };
    }
    if required {
        return FieldWrapper::None;
    }
    if has_default {
        FieldWrapper::None
    } else {
        FieldWrapper::Option
    }
}

/// Whether the schema admits `null` (`nullable: true` on it or on what it aliases).
pub fn is_nullable(document: &Value, schema: &Value) -> bool {
    let mut current = schema;
    for _ in 0..resolve::MAX_CHAIN {
        if current.get("nullable") == Some(&Value::Bool(true)) {
            return true;
        }
        let next = resolve::through_references(document, current);
        let next = match next
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([only]) => only,
            _ => next,
        };
        if std::ptr::eq(next, current) {
            return false;
        }
        current = next;
    }
    false
}

/// An object typify makes a `Map`: no properties, only (possibly implicit) additional ones.
fn is_map(schema: &Value) -> bool {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_none_or(|properties| properties.is_empty())
        && schema.get("additionalProperties") != Some(&Value::Bool(false))
}

fn string_type(schema: &Value, format: Option<&str>) -> &'static str {
    match format {
        Some("uuid") => "uuid::Uuid",
        Some("date") => "chrono::NaiveDate",
        Some("date-time") => "chrono::DateTime<Utc>",
        Some("ip") => "std::net::IpAddr",
        Some("ipv4") => "std::net::Ipv4Addr",
        Some("ipv6") => "std::net::Ipv6Addr",
        _ if ["minLength", "maxLength", "pattern"]
            .iter()
            .any(|keyword| schema.get(*keyword).is_some()) =>
        {
            "a validating String newtype"
        }
        _ => "String",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn of(schema: Value) -> String {
        rust_type(&json!({}), &schema)
    }

    #[test]
    fn integers_follow_format_and_bounds_as_typify_does() {
        assert_eq!(of(json!({"type": "integer"})), "i64");
        assert_eq!(of(json!({"type": "integer", "minimum": 0})), "u64");
        assert_eq!(of(json!({"type": "integer", "minimum": 1})), "NonZeroU64");
        assert_eq!(
            of(json!({"type": "integer", "format": "int32", "minimum": 1, "maximum": 100})),
            "NonZeroU32"
        );
        assert_eq!(
            of(json!({"type": "integer", "format": "int32", "minimum": 0})),
            "i32"
        );
        assert_eq!(
            of(
                json!({"type": "integer", "format": "int32", "minimum": 0, "exclusiveMinimum": true})
            ),
            "NonZeroU32"
        );
    }

    #[test]
    fn string_constraints_and_formats_change_the_type() {
        assert_eq!(of(json!({"type": "string"})), "String");
        assert_eq!(
            of(json!({"type": "string", "maxLength": 3})),
            "a validating String newtype"
        );
        assert_eq!(
            of(json!({"type": "string", "format": "uuid", "maxLength": 36})),
            "uuid::Uuid"
        );
    }

    #[test]
    fn references_are_the_named_type() {
        let document = json!({"components": {"schemas": {"run-label": {"type": "object"}}}});
        let schema = json!({"allOf": [{"$ref": "#/components/schemas/run-label"}]});
        assert_eq!(rust_type(&document, &schema), "RunLabel");
    }

    #[test]
    fn optional_fields_are_options_unless_they_are_tags_with_a_default() {
        let document = json!({});
        let wrapper = |schema: Value, required: bool| field_wrapper(&document, &schema, required);
        assert_eq!(
            wrapper(json!({"type": "string"}), false),
            FieldWrapper::Option
        );
        assert_eq!(wrapper(json!({"type": "string"}), true), FieldWrapper::None);
        // An optional array is an `Option` too: `[]` and absent apart.
        assert_eq!(
            wrapper(json!({"type": "array"}), false),
            FieldWrapper::Option
        );
        // The generator drops the default of a property that admits more than one value.
        assert_eq!(
            wrapper(json!({"type": "string", "default": "a"}), false),
            FieldWrapper::Option
        );
        assert_eq!(
            wrapper(
                json!({"type": "string", "enum": ["span"], "default": "span"}),
                false
            ),
            FieldWrapper::None
        );
    }

    #[test]
    fn nullable_fields_are_options_when_required_and_nullables_when_optional() {
        let document = json!({});
        let wrapper = |schema: Value, required: bool| field_wrapper(&document, &schema, required);
        let nullable = json!({"type": "string", "nullable": true});
        assert_eq!(wrapper(nullable.clone(), true), FieldWrapper::Option);
        assert_eq!(wrapper(nullable, false), FieldWrapper::Nullable);
        assert_eq!(
            wrapper(json!({"type": "array", "nullable": true}), false),
            FieldWrapper::Nullable
        );
        assert_eq!(
            wrapper(
                json!({"type": "string", "nullable": true, "default": "a"}),
                false
            ),
            FieldWrapper::Nullable
        );
        assert_eq!(
            wrapper(
                json!({"type": "string", "nullable": true, "default": null}),
                false
            ),
            FieldWrapper::Nullable
        );
        // A reference to a nullable type: an `Option` of the type, which holds the null.
        let document =
            json!({"components": {"schemas": {"Code": {"type": "string", "nullable": true}}}});
        let reference = json!({"$ref": "#/components/schemas/Code"});
        assert_eq!(
            field_wrapper(&document, &reference, false),
            FieldWrapper::Option
        );
    }
}
