//! From a Rust type name back to the schema it came from.
//!
//! After normalization a type is named either by its component (`Label` is
//! `/components/schemas/Label`) or by the title normalization gave an inline schema (`SpanKind`
//! is `/components/schemas/Span/properties/kind`). Other inline schemas are named by typify from
//! their place, as normalization would have (`Label` + `confidence` -> `LabelConfidence`), and
//! the types typify derives on its own after one of those with a suffix (`LabelValueVariant0`,
//! `CountsInner`), so the longest known name a type's name starts with is the schema it is part
//! of.

use std::collections::BTreeMap;

use refactor_openapi::Pointer;
use refactor_openapi::naming::type_name;
use refactor_openapi::normalize::schema_walk::visit_schemas_mut;
use serde_json::Value;

/// Known type names and their schemas' pointers.
pub struct TypeIndex {
    names: BTreeMap<String, Pointer>,
}

impl TypeIndex {
    /// The names of `document`'s components and titled schemas.
    pub fn of(document: &Value) -> Self {
        let mut names = BTreeMap::new();
        let mut copy = document.clone();
        // The visitor never fails.
        let _ = visit_schemas_mut(&mut copy, &mut |pointer, schema| {
            let is_component = pointer.tokens().count() == 3
                && pointer.as_str().starts_with("/components/schemas/");
            if is_component && let Some(name) = pointer.tokens().last() {
                names.insert(type_name(&name), pointer.clone());
            }
            if let Some(title) = schema.get("title").and_then(Value::as_str) {
                names
                    .entry(type_name(title))
                    .or_insert_with(|| pointer.clone());
            }
            Ok(())
        });
        if let Some(Value::Object(schemas)) = document.pointer("/components/schemas") {
            let base = Pointer::root().key("components").key("schemas");
            for (name, schema) in schemas {
                derived_names(schema, &type_name(name), &base.key(name), &mut names);
            }
        }
        Self { names }
    }

    /// The schema named `name`, or the one the longest known prefix of it names; the document's
    /// `components/schemas` when none does.
    pub fn pointer_of(&self, name: &str) -> Pointer {
        (1..=name.len())
            .rev()
            .filter(|end| name.is_char_boundary(*end))
            .find_map(|end| self.names.get(&name[..end]))
            .cloned()
            .unwrap_or_else(|| Pointer::root().key("components").key("schemas"))
    }
}

/// The names typify derives for the untitled parts of the schema `name` at `pointer`: a
/// property's `{name}_{property}`, items' `{name}_item`, a map's values' `{name}_value`; a
/// known name (a title, a component) is kept.
fn derived_names(
    schema: &Value,
    name: &str,
    pointer: &Pointer,
    names: &mut BTreeMap<String, Pointer>,
) {
    let Some(object) = schema.as_object() else {
        return;
    };
    let mut parts: Vec<(String, Pointer, &Value)> = Vec::new();
    if let Some(Value::Object(properties)) = object.get("properties") {
        for (property, subschema) in properties {
            parts.push((
                format!("{name}_{property}"),
                pointer.key("properties").key(property),
                subschema,
            ));
        }
    }
    for (keyword, suffix) in [("items", "item"), ("additionalProperties", "value")] {
        if let Some(subschema) = object.get(keyword).filter(|s| s.is_object()) {
            parts.push((format!("{name}_{suffix}"), pointer.key(keyword), subschema));
        }
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(alternatives)) = object.get(keyword) {
            for (index, alternative) in alternatives.iter().enumerate() {
                derived_names(alternative, name, &pointer.key(keyword).index(index), names);
            }
        }
    }
    for (wanted, at, subschema) in parts {
        let own = subschema
            .get("title")
            .and_then(Value::as_str)
            .map_or_else(|| type_name(&wanted), type_name);
        names.entry(own.clone()).or_insert_with(|| at.clone());
        derived_names(subschema, &own, &at, names);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_map_to_their_component_or_titled_schema() {
        let index = TypeIndex::of(&json!({"components": {"schemas": {
            "label": {"properties": {"kind": {"title": "LabelKind", "enum": ["a"]}}}
        }}}));
        assert_eq!(
            index.pointer_of("Label").as_str(),
            "/components/schemas/label"
        );
        assert_eq!(
            index.pointer_of("LabelKind").as_str(),
            "/components/schemas/label/properties/kind"
        );
        assert_eq!(
            index.pointer_of("LabelKindInner").as_str(),
            "/components/schemas/label/properties/kind"
        );
    }

    #[test]
    fn untitled_parts_map_to_their_place() {
        let index = TypeIndex::of(&json!({"components": {"schemas": {
            "Reading": {"properties": {"ratio": {"allOf": [{"type": "number"}], "maximum": 1}}}
        }}}));
        assert_eq!(
            index.pointer_of("ReadingRatio").as_str(),
            "/components/schemas/Reading/properties/ratio"
        );
    }
}
