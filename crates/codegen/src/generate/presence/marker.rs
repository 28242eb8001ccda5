//! The mark that carries "this property is nullable" through typify to the property's field.
//!
//! typify gives an optional property `Option<T>` whether or not the spec makes it nullable, so
//! its output no longer says which optional fields may be `null`. The only text typify carries
//! from a property's schema to the property's field is the schema's `description` (the field's
//! doc comment), and it carries it through everything that reshapes schemas (merged `allOf`s,
//! inline types, renamed fields). So the copy of the document typify reads has a mark appended
//! to the description of every nullable property, and the field rewrite takes the mark off the
//! field's doc comment. typify also documents an inline type with its schema's description: the
//! mark is taken off every other doc comment too, and a type documented by the mark alone gets
//! the doc typify gives a type without a description, its name in backticks.

use refactor_openapi::normalize::schema_walk::visit_schemas_mut;
use serde_json::Value;
use syn::{Attribute, Expr, ExprLit, Fields, Item, Lit, LitStr, Meta, parse_quote};

/// Appended to a nullable property's description; chosen so no spec's text ends with it.
const MARK: &str = "@refactor-codegen:nullable-property";

/// `document` with every nullable property's description marked, for typify to read.
pub fn marked_for_typify(document: &Value) -> anyhow::Result<Value> {
    let mut marked = document.clone();
    visit_schemas_mut(&mut marked, &mut |_, schema| {
        let Some(Value::Object(properties)) = schema.get_mut("properties") else {
            return Ok(());
        };
        for property in properties.values_mut() {
            let Value::Object(property) = property else {
                continue;
            };
            if property.get("nullable") != Some(&Value::Bool(true)) {
                continue;
            }
            let description = match property.get("description").and_then(Value::as_str) {
                Some(text) => format!("{text}\n\n{MARK}"),
                None => MARK.to_owned(),
            };
            property.insert("description".to_owned(), Value::String(description));
        }
        Ok(())
    })
    .map_err(|error| anyhow::anyhow!("failed to mark the nullable properties: {error}"))?;
    Ok(marked)
}

/// Whether a field's doc comments carried the mark; takes it off.
pub fn take_mark(attributes: &mut Vec<Attribute>) -> bool {
    unmark(attributes) != Unmarked::Unchanged
}

/// Takes the mark off every doc comment left in `items` (types, variants, modules); a type that
/// was documented by the mark alone is documented by its name, as typify documents a type
/// without a description.
pub fn strip_marks(items: &mut [Item]) {
    for item in items {
        match item {
            Item::Struct(item) => {
                unmark_type(&mut item.attrs, &item.ident);
                strip_fields(&mut item.fields);
            }
            Item::Enum(item) => {
                unmark_type(&mut item.attrs, &item.ident);
                for variant in &mut item.variants {
                    unmark(&mut variant.attrs);
                    strip_fields(&mut variant.fields);
                }
            }
            Item::Type(item) => unmark_type(&mut item.attrs, &item.ident),
            Item::Mod(item) => {
                if let Some((_, items)) = &mut item.content {
                    strip_marks(items);
                }
            }
            _ => {}
        }
    }
}

fn strip_fields(fields: &mut Fields) {
    for field in fields {
        unmark(&mut field.attrs);
    }
}

/// Takes the mark off a type's doc comments; a type documented by the mark alone is documented
/// by its name.
fn unmark_type(attributes: &mut Vec<Attribute>, name: &syn::Ident) {
    if unmark(attributes) == Unmarked::Emptied {
        let doc = format!("`{name}`");
        attributes.insert(0, parse_quote!(#[doc = #doc]));
    }
}

/// What taking the mark off a list of attributes did.
#[derive(Debug, PartialEq, Eq)]
enum Unmarked {
    /// No doc comment carried the mark.
    Unchanged,
    /// The mark followed a description, which is left.
    Trimmed,
    /// A doc comment was the mark alone and is gone.
    Emptied,
}

fn unmark(attributes: &mut Vec<Attribute>) -> Unmarked {
    let mut outcome = Unmarked::Unchanged;
    attributes.retain_mut(|attribute| {
        let Some(text) = doc_text(attribute) else {
            return true;
        };
        if text == MARK {
            outcome = Unmarked::Emptied;
            return false;
        }
        if let Some(description) = text.strip_suffix(MARK).and_then(|t| t.strip_suffix("\n\n")) {
            let description = description.to_owned();
            *attribute = parse_quote!(#[doc = #description]);
            if outcome == Unmarked::Unchanged {
                outcome = Unmarked::Trimmed;
            }
        }
        true
    });
    outcome
}

/// The text of a `#[doc = "..."]` attribute.
fn doc_text(attribute: &Attribute) -> Option<String> {
    let Meta::NameValue(meta) = &attribute.meta else {
        return None;
    };
    if !meta.path.is_ident("doc") {
        return None;
    }
    match &meta.value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(text),
            ..
        }) => Some(LitStr::value(text)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;
    use serde_json::json;

    use super::*;

    #[test]
    fn nullable_properties_are_marked_and_nothing_else() {
        let document = json!({"components": {"schemas": {"Label": {
            "type": "object",
            "nullable": true,
            "properties": {
                "text": {"type": "string", "nullable": true, "description": "Text"},
                "plain": {"type": "string", "description": "Plain"},
                "inner": {"type": "object", "nullable": true, "properties": {
                    "deep": {"type": "integer", "nullable": true}
                }}
            }
        }}}});
        let marked = marked_for_typify(&document).expect("marks");
        let label = &marked["components"]["schemas"]["Label"];
        assert_eq!(
            label.get("description"),
            None,
            "a schema that is not a property"
        );
        assert_eq!(
            label["properties"]["text"]["description"],
            json!(format!("Text\n\n{MARK}"))
        );
        assert_eq!(label["properties"]["plain"]["description"], json!("Plain"));
        assert_eq!(label["properties"]["inner"]["description"], json!(MARK));
        assert_eq!(
            label["properties"]["inner"]["properties"]["deep"]["description"],
            json!(MARK)
        );
    }

    fn field_attributes(tokens: proc_macro2::TokenStream) -> Vec<Attribute> {
        let field: syn::FieldsNamed = parse_quote!({ #tokens pub x: u8 });
        field
            .named
            .into_iter()
            .next()
            .map(|f| f.attrs)
            .unwrap_or_default()
    }

    #[test]
    fn a_field_gives_up_its_mark_and_keeps_its_description() {
        let text = format!("Text\n\n{MARK}");
        let mut attributes = field_attributes(quote!(#[doc = #text]));
        assert!(take_mark(&mut attributes));
        assert_eq!(attributes.len(), 1);
        assert_eq!(doc_text(&attributes[0]).as_deref(), Some("Text"));

        let mut attributes = field_attributes(quote!(#[doc = #MARK]));
        assert!(take_mark(&mut attributes));
        assert!(attributes.is_empty());

        let mut attributes = field_attributes(quote!(#[doc = "Text"]));
        assert!(!take_mark(&mut attributes));
    }

    #[test]
    fn a_type_documented_by_the_mark_alone_is_documented_by_its_name() {
        let text = format!("Title\n\n{MARK}");
        let mut file: syn::File = parse_quote! {
            #[doc = #MARK]
            pub struct LabelInner { pub x: u8 }
            #[doc = #text]
            pub enum LabelKind { A }
        };
        strip_marks(&mut file.items);
        let out = quote!(#file).to_string();
        assert!(
            out.contains("# [doc = \"`LabelInner`\"] pub struct LabelInner"),
            "{out}"
        );
        assert!(
            out.contains("# [doc = \"Title\"] pub enum LabelKind"),
            "{out}"
        );
        assert!(!out.contains(MARK));
    }
}
