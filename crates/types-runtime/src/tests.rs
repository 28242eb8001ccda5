//! The runtime's behaviour, as the generated types rely on it: a struct with the four kinds of
//! property, spelled with exactly the attributes the generator writes.

use schemars::r#gen::SchemaSettings;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::presence::{self, Nullable};

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
struct Label {
    required: String,
    #[serde(deserialize_with = "::std::option::Option::deserialize")]
    #[schemars(with = "presence::Required<::std::option::Option<String>>")]
    required_nullable: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "::std::option::Option::is_none",
        deserialize_with = "presence::deserialize_some"
    )]
    #[schemars(with = "String")]
    optional: Option<String>,
    #[serde(default, skip_serializing_if = "presence::Nullable::is_absent")]
    optional_nullable: Nullable<String>,
    #[serde(default, skip_serializing_if = "presence::Nullable::is_absent")]
    optional_nullable_object: Nullable<Inner>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
struct Inner {
    x: i64,
}

fn decoded(value: &Value) -> Result<Label, serde_json::Error> {
    Label::deserialize(value)
}

fn round_trip(value: Value) -> Value {
    let label = decoded(&value).unwrap_or_else(|error| panic!("{value}: {error}"));
    serde_json::to_value(label).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn every_allowed_combination_is_written_back_as_it_was_read() {
    for required_nullable in [json!(null), json!("r")] {
        for optional in [None, Some(json!("o"))] {
            for optional_nullable in [None, Some(json!(null)), Some(json!("n"))] {
                for object in [None, Some(json!(null)), Some(json!({"x": 1}))] {
                    let mut value =
                        json!({"required": "a", "required_nullable": required_nullable});
                    let mut put = |name: &str, property: &Option<Value>| {
                        if let Some(property) = property {
                            value[name] = property.clone();
                        }
                    };
                    put("optional", &optional);
                    put("optional_nullable", &optional_nullable);
                    put("optional_nullable_object", &object);
                    assert_eq!(round_trip(value.clone()), value);
                }
            }
        }
    }
}

#[test]
fn absent_null_and_a_value_are_three_states() {
    let read = |optional_nullable: Option<Value>| {
        let mut value = json!({"required": "a", "required_nullable": null});
        if let Some(property) = optional_nullable {
            value["optional_nullable"] = property;
        }
        decoded(&value).map(|label| label.optional_nullable).ok()
    };
    assert_eq!(read(None), Some(Nullable::Absent));
    assert_eq!(read(Some(json!(null))), Some(Nullable::Null));
    assert_eq!(
        read(Some(json!("n"))),
        Some(Nullable::Value("n".to_owned()))
    );
}

#[test]
fn a_required_nullable_property_must_be_there_and_is_always_written() {
    assert!(decoded(&json!({"required": "a"})).is_err());
    let label = decoded(&json!({"required": "a", "required_nullable": null})).expect("valid");
    assert_eq!(label.required_nullable, None);
    assert_eq!(
        serde_json::to_value(label).expect("encodes"),
        json!({"required": "a", "required_nullable": null})
    );
}

#[test]
fn an_optional_property_that_is_not_nullable_refuses_null() {
    let error = decoded(&json!({"required": "a", "required_nullable": null, "optional": null}))
        .expect_err("null is not a string");
    assert!(error.to_string().contains("invalid type: null"), "{error}");
}

fn schema() -> Value {
    // dropshot documents types with schemars' OpenAPI 3.0 settings.
    let generator = SchemaSettings::openapi3().into_generator();
    let schema = generator.into_root_schema_for::<Label>();
    serde_json::to_value(schema).expect("a schema is JSON")
}

#[test]
fn the_schema_requires_exactly_the_required_properties() {
    assert_eq!(
        schema()["required"],
        json!(["required", "required_nullable"])
    );
}

#[test]
fn the_schema_makes_exactly_the_nullable_properties_nullable() {
    let schema = schema();
    let nullable = |name: &str| schema["properties"][name]["nullable"] == json!(true);
    assert!(!nullable("required"));
    assert!(nullable("required_nullable"));
    assert!(!nullable("optional"));
    assert!(nullable("optional_nullable"));
    assert!(nullable("optional_nullable_object"));
    assert_eq!(schema["properties"]["optional"], json!({"type": "string"}));
    assert_eq!(
        schema["properties"]["optional_nullable_object"],
        json!({"allOf": [{"$ref": "#/components/schemas/Inner"}], "nullable": true})
    );
}

#[test]
fn the_schema_documents_no_default_for_an_absent_property() {
    let schema = schema();
    for name in ["optional", "optional_nullable"] {
        assert!(
            schema["properties"][name].get("default").is_none(),
            "{name}"
        );
    }
}

#[test]
fn values_convert_into_nullable() {
    assert_eq!(Nullable::from(3), Nullable::Value(3));
    assert_eq!(Nullable::from(Some(3)), Nullable::Value(3));
    assert_eq!(Nullable::<i32>::from(None), Nullable::Null);
    assert_eq!(Nullable::from("text"), Nullable::Value("text".to_owned()));
    assert_eq!(Nullable::<i32>::default(), Nullable::Absent);
}

#[test]
fn a_patch_leaves_clears_or_replaces() {
    let mut stored = Some(1);
    Nullable::Absent.apply_to(&mut stored);
    assert_eq!(stored, Some(1));
    Nullable::Value(2).apply_to(&mut stored);
    assert_eq!(stored, Some(2));
    Nullable::Null.apply_to(&mut stored);
    assert_eq!(stored, None);
}

#[test]
fn accessors_tell_the_states_apart() {
    let value = Nullable::Value("v".to_owned());
    assert!(value.is_value() && !value.is_null() && !value.is_absent());
    assert_eq!(value.as_value().map(String::as_str), Some("v"));
    assert_eq!(value.as_ref().map(String::len), Nullable::Value(1));
    assert_eq!(value.clone().into_option(), Some(Some("v".to_owned())));
    assert_eq!(Nullable::<i32>::Null.into_option(), Some(None));
    assert_eq!(Nullable::<i32>::Absent.into_option(), None);
    assert_eq!(Option::<Option<i32>>::from(Nullable::Null), Some(None));
    assert_eq!(value.into_value(), Some("v".to_owned()));
    let mut number = Nullable::Value(1);
    if let Nullable::Value(n) = number.as_mut() {
        *n += 1;
    }
    assert_eq!(number, Nullable::Value(2));
}

#[test]
fn absent_is_the_default_for_any_value_type() {
    // No `T: Default` needed: a struct of `Nullable`s of any type derives `Default`.
    struct NoDefault;
    assert!(Nullable::<NoDefault>::default().is_absent());
}
