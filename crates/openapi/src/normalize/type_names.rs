//! One Rust type per schema: the names of the types typify makes from inline schemas are
//! chosen here, unique, before typify sees the document.
//!
//! typify names an inline schema after its `title` and, when a type of that name exists, uses
//! the existing type without comparing the two schemas. Frameworks title every property by its
//! name (pydantic gives `Span.kind` and `Choice.kind` both the title `Kind`), so two different
//! schemas became one Rust type (or two items of one name). Titles are annotations, so every
//! title is removed; then each inline schema that becomes a named type (a struct, an enum, a
//! union, a constrained string) is given a title that is its own name: the one typify derives
//! from its place (`Span` + `kind` -> `SpanKind`, `Label` + items -> `LabelItem`), numbered when
//! a component or an earlier inline type already has it. Names depend only on the component and
//! the property path, so adding a schema elsewhere renames nothing but a later namesake.
//! Structurally identical inline schemas (annotations aside) share the first one's name, and so
//! one type, as they did when typify named them after a shared title.

use serde_json::{Map, Value};

use std::collections::BTreeMap;

use super::inline_schemas::{needs_name, structural_key};
use super::rust_names::ComponentNames;
use super::schema_walk::visit_schemas_mut;
use crate::error::SpecError;
use crate::naming::type_name;

/// Removes every schema title, then titles each named inline type of a component with its name.
pub(crate) fn name_inline_types(document: &mut Value) -> Result<(), SpecError> {
    visit_schemas_mut(document, &mut |_, schema| {
        schema.remove("title");
        Ok(())
    })?;
    let mut names = Names {
        taken: ComponentNames::of(document),
        by_structure: BTreeMap::new(),
    };
    let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") else {
        return Ok(());
    };
    for (component, schema) in schemas.iter_mut() {
        if let Value::Object(schema) = schema {
            name_parts(schema, &type_name(component), &mut names);
        }
    }
    Ok(())
}

/// The names given so far.
struct Names {
    taken: ComponentNames,
    /// The name of each inline structure named so far.
    by_structure: BTreeMap<String, String>,
}

/// Names the inline types among the subschemas of `schema`, a type named `name`.
fn name_parts(schema: &mut Map<String, Value>, name: &str, names: &mut Names) {
    for (key, child) in schema.iter_mut() {
        match (key.as_str(), child) {
            ("properties", Value::Object(properties)) => {
                for (property, subschema) in properties.iter_mut() {
                    name_part(subschema, &format!("{name}_{property}"), names);
                }
            }
            ("items", subschema @ Value::Object(_)) => {
                name_part(subschema, &format!("{name}_item"), names);
            }
            ("additionalProperties", subschema @ Value::Object(_)) => {
                name_part(subschema, &format!("{name}_value"), names);
            }
            // Alternatives and parts are named by typify after the union (`NameVariant0`, or
            // after the reference), and their own parts after `name`: typify merges an `allOf`
            // into one struct whose properties are the parts'.
            ("oneOf" | "anyOf" | "allOf", Value::Array(alternatives)) => {
                for alternative in alternatives {
                    if let Value::Object(alternative) = alternative {
                        name_parts(alternative, name, names);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Titles `schema` with a unique name derived from `wanted` when typify makes it a named type,
/// then names its own parts.
fn name_part(schema: &mut Value, wanted: &str, names: &mut Names) {
    let name = if needs_name(schema) {
        let name = names
            .by_structure
            .entry(structural_key(schema))
            .or_insert_with(|| names.taken.claim(&type_name(wanted)))
            .clone();
        if let Value::Object(object) = schema {
            object.insert("title".to_owned(), Value::String(name.clone()));
        }
        name
    } else {
        type_name(wanted)
    };
    if let Value::Object(object) = schema {
        name_parts(object, &name, names);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn named(mut document: Value) -> Value {
        name_inline_types(&mut document).expect("named");
        document
    }

    #[test]
    fn same_titled_properties_of_different_schemas_get_names_of_their_own() {
        let document = named(json!({"components": {"schemas": {
            "Span": {"type": "object", "title": "Span", "properties": {
                "kind": {"type": "string", "enum": ["span"], "title": "Kind"}}},
            "Choice": {"type": "object", "properties": {
                "kind": {"type": "string", "enum": ["choice"], "title": "Kind"}}}
        }}}));
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["Span"].get("title"), None);
        assert_eq!(schemas["Span"]["properties"]["kind"]["title"], "SpanKind");
        assert_eq!(
            schemas["Choice"]["properties"]["kind"]["title"],
            "ChoiceKind"
        );
    }

    #[test]
    fn a_derived_name_a_component_has_gets_a_number() {
        let document = named(json!({"components": {"schemas": {
            "Label": {"type": "object", "properties": {
                "review": {"type": "object", "properties": {"status": {"type": "string", "enum": ["ok"]}}}}},
            "LabelReview": {"type": "object", "properties": {"by": {"type": "string"}}}
        }}}));
        let review = &document["components"]["schemas"]["Label"]["properties"]["review"];
        assert_eq!(review["title"], "LabelReview2");
        assert_eq!(
            review["properties"]["status"]["title"],
            "LabelReview2Status"
        );
    }

    #[test]
    fn identical_inline_schemas_share_a_name() {
        let union = json!({"oneOf": [{"$ref": "#/components/schemas/Span"}, {"$ref": "#/components/schemas/Choice"}]});
        let document = named(json!({"components": {"schemas": {
            "Label": {"type": "object", "properties": {"annotation": union.clone()}},
            "LabelCreate": {"type": "object", "properties": {"annotation": union}}
        }}}));
        let schemas = &document["components"]["schemas"];
        assert_eq!(
            schemas["LabelCreate"]["properties"]["annotation"]["title"],
            "LabelAnnotation"
        );
    }

    #[test]
    fn plain_scalars_get_no_title() {
        let document = named(json!({"components": {"schemas": {"A": {"type": "object",
            "properties": {"name": {"type": "string", "title": "Name"}}}}}}));
        assert_eq!(
            document["components"]["schemas"]["A"]["properties"]["name"],
            json!({"type": "string"})
        );
    }
}
