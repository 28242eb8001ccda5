//! Each field of typify's structs and struct variants, rewritten to hold what its property's
//! presence allows (see [`super`] for the four cases) and to decode timestamps fast.
//!
//! typify's output says how it read each property: a required nullable one is an `Option` with
//! `deserialize_with = "::std::option::Option::deserialize"` (so a missing one is an error), an
//! optional one without a default is an `Option` with
//! `skip_serializing_if = "::std::option::Option::is_none"`, and the [`marker`](super::marker)
//! says which of those the spec makes nullable; an optional array or map is a collection with a
//! bare `default` and `skip_serializing_if = "<collection>::is_empty"`, which becomes an `Option`
//! of it. Anything else (a required value, an optional one-value tag with its default, a
//! flattened part) keeps typify's type and attributes.

use std::collections::BTreeSet;

use anyhow::{Context as _, bail};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{
    Attribute, Field, Fields, GenericArgument, Item, LitStr, PathArguments, Type, parse_quote,
};

use super::super::timestamps::{TimestampField, is_timestamp};
use super::marker::take_mark;

/// typify's `deserialize_with` for a required `Option`.
const REQUIRED_OPTION: &str = "::std::option::Option::deserialize";
/// typify's `skip_serializing_if` for an optional `Option`.
const SKIP_NONE: &str = "::std::option::Option::is_none";

/// Rewrites the fields of every struct and struct variant in `items`; returns the timestamp
/// readers the fields now name.
pub fn rewrite_fields(items: &mut [Item]) -> anyhow::Result<BTreeSet<TimestampField>> {
    let mut timestamps = BTreeSet::new();
    for item in items {
        let (name, fields): (String, Vec<&mut Fields>) = match item {
            Item::Struct(item) => (item.ident.to_string(), vec![&mut item.fields]),
            Item::Enum(item) => (
                item.ident.to_string(),
                item.variants.iter_mut().map(|v| &mut v.fields).collect(),
            ),
            _ => continue,
        };
        for field in fields.into_iter().flat_map(|fields| fields.iter_mut()) {
            let field_name = field.ident.as_ref().map(ToString::to_string);
            let reader = rewrite_field(field).with_context(|| {
                format!(
                    "failed to rewrite field `{}` of `{name}`",
                    field_name.unwrap_or_default()
                )
            })?;
            timestamps.extend(reader);
        }
    }
    Ok(timestamps)
}

/// Rewrites one field; returns the timestamp reader it names, if any.
fn rewrite_field(field: &mut Field) -> anyhow::Result<Option<TimestampField>> {
    let nullable = take_mark(&mut field.attrs);
    let Some(mut serde) = SerdeMetas::of(&field.attrs) else {
        // An attribute this rewrite does not read: typify's field is left as it is.
        return Ok(None);
    };
    if serde.has("flatten") || serde.has("with") || serde.has("serialize_with") {
        return Ok(None);
    }
    let Some(inner) = option_inner(&field.ty).cloned() else {
        if is_empty_when_absent(&serde) {
            // An optional array or map: typify's field reads absent as empty and writes empty
            // as absent, so `[]` could be neither read back nor sent (a PATCH clearing a list).
            // An `Option` of it keeps the two apart, and refuses `null` as any optional does.
            let collection = field.ty.clone();
            field.ty = parse_quote!(::std::option::Option<#collection>);
            serde.set("skip_serializing_if", SKIP_NONE);
            serde.set("deserialize_with", "presence::deserialize_some");
            serde.replace_in(&mut field.attrs);
            let documented = spelled(&quote!(#collection))?;
            field
                .attrs
                .push(parse_quote!(#[schemars(with = #documented)]));
            return Ok(None);
        }
        // `T`: required, or optional with a default value.
        if is_timestamp(&field.ty) && !serde.has("deserialize_with") {
            serde.set("deserialize_with", TimestampField::Value.deserializer());
            serde.replace_in(&mut field.attrs);
            return Ok(Some(TimestampField::Value));
        }
        return Ok(None);
    };
    let timestamp = is_timestamp(&inner);
    let reader = if serde.value("deserialize_with") == Some(REQUIRED_OPTION) {
        // Required and nullable: always written; schemars is told it is required.
        let documented = spelled(&quote!(presence::Required<::std::option::Option<#inner>>))?;
        field
            .attrs
            .push(parse_quote!(#[schemars(with = #documented)]));
        timestamp.then_some(TimestampField::NullAsNone)
    } else if serde.value("skip_serializing_if") == Some(SKIP_NONE)
        && !serde.has("default")
        && !serde.has("deserialize_with")
    {
        serde.set("default", "");
        if nullable {
            // Optional and nullable: absent, null and a value kept apart.
            field.ty = parse_quote!(presence::Nullable<#inner>);
            serde.set("skip_serializing_if", "presence::Nullable::is_absent");
            timestamp.then_some(TimestampField::Nullable)
        } else {
            // Optional, not nullable: `null` refused, documented as `T` (not nullable).
            if !timestamp {
                serde.set("deserialize_with", "presence::deserialize_some");
            }
            let documented = spelled(&quote!(#inner))?;
            field
                .attrs
                .push(parse_quote!(#[schemars(with = #documented)]));
            timestamp.then_some(TimestampField::Some)
        }
    } else if serde.has("default") && !serde.has("deserialize_with") {
        // Optional with a default value: a nullable one-value tag (the only defaults
        // `typify_input` leaves on optional properties).
        timestamp.then_some(TimestampField::NullAsNone)
    } else {
        return Ok(None);
    };
    if let Some(reader) = reader {
        serde.set("deserialize_with", reader.deserializer());
    }
    serde.replace_in(&mut field.attrs);
    Ok(reader)
}

/// typify's optional array or map: filled with empty when absent (a bare `default`), left out
/// when empty (`skip_serializing_if = "<collection>::is_empty"`).
fn is_empty_when_absent(serde: &SerdeMetas) -> bool {
    serde.has("default")
        && serde.value("default").is_none()
        && !serde.has("deserialize_with")
        && serde
            .value("skip_serializing_if")
            .is_some_and(|skip| skip.ends_with("::is_empty"))
}

/// `T` of `::std::option::Option<T>` as typify spells it.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    let names: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    if path.qself.is_some()
        || path.path.leading_colon.is_none()
        || names != ["std", "option", "Option"]
    {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &path.path.segments.last()?.arguments else {
        return None;
    };
    match arguments.args.first() {
        Some(GenericArgument::Type(inner)) if arguments.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// A type as the text of an attribute value, without the spaces token streams print.
fn spelled(ty: &TokenStream) -> anyhow::Result<String> {
    let text: String = ty
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if syn::parse_str::<Type>(&text).is_err() {
        bail!("`{ty}` does not spell a type without its spaces");
    }
    Ok(text)
}

/// A field's `#[serde(...)]` entries in order: a name and, for `name = "value"`, the value.
struct SerdeMetas(Vec<(String, Option<String>)>);

impl SerdeMetas {
    /// The entries of every `serde` attribute; `None` if one is not of that form.
    fn of(attributes: &[Attribute]) -> Option<Self> {
        let mut metas = Vec::new();
        for attribute in attributes.iter().filter(|a| a.path().is_ident("serde")) {
            attribute
                .parse_nested_meta(|meta| {
                    let name = meta
                        .path
                        .get_ident()
                        .map(ToString::to_string)
                        .ok_or_else(|| meta.error("a serde entry with a path"))?;
                    let value = if meta.input.peek(syn::Token![=]) {
                        Some(meta.value()?.parse::<LitStr>()?.value())
                    } else {
                        None
                    };
                    metas.push((name, value));
                    Ok(())
                })
                .ok()?;
        }
        Some(Self(metas))
    }

    fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Sets `name` (to `value`, or bare when `value` is empty).
    fn set(&mut self, name: &str, value: &str) {
        let value = (!value.is_empty()).then(|| value.to_owned());
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = value,
            None => self.0.push((name.to_owned(), value)),
        }
    }

    /// Replaces the `serde` attributes in `attributes` by one holding these entries: the ones
    /// this rewrite does not set first, in their order, then `default`, `skip_serializing_if`
    /// and `deserialize_with`.
    fn replace_in(&self, attributes: &mut Vec<Attribute>) {
        const SET: [&str; 3] = ["default", "skip_serializing_if", "deserialize_with"];
        let kept = self.0.iter().filter(|(n, _)| !SET.contains(&n.as_str()));
        let set = SET
            .iter()
            .filter_map(|name| self.0.iter().find(|(n, _)| n == name));
        let entries = kept.chain(set).map(|(name, value)| {
            let name = format_ident!("{name}");
            match value {
                Some(value) => quote!(#name = #value),
                None => quote!(#name),
            }
        });
        let attribute: Attribute = parse_quote!(#[serde(#(#entries),*)]);
        let position = attributes
            .iter()
            .position(|a| a.path().is_ident("serde"))
            .unwrap_or(attributes.len());
        attributes.retain(|a| !a.path().is_ident("serde"));
        attributes.insert(position.min(attributes.len()), attribute);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(tokens: TokenStream) -> (String, BTreeSet<TimestampField>) {
        let mut file: syn::File = syn::parse2(tokens).expect("valid Rust");
        let timestamps = rewrite_fields(&mut file.items).expect("rewrites");
        (quote!(#file).to_string().replace(' ', ""), timestamps)
    }

    #[test]
    fn a_required_nullable_field_is_documented_as_required() {
        let (out, _) = rewritten(quote! {
            pub struct Label {
                #[serde(deserialize_with = "::std::option::Option::deserialize")]
                pub note: ::std::option::Option<::std::string::String>,
            }
        });
        assert!(out.contains(
            r#"#[serde(deserialize_with="::std::option::Option::deserialize")]#[schemars(with="presence::Required<::std::option::Option<::std::string::String>>")]pubnote:::std::option::Option<::std::string::String>"#
        ), "{out}");
    }

    #[test]
    fn an_optional_field_refuses_null_and_is_documented_as_not_nullable() {
        let (out, _) = rewritten(quote! {
            pub struct Label {
                #[serde(rename = "Note", skip_serializing_if = "::std::option::Option::is_none")]
                pub note: ::std::option::Option<::std::string::String>,
            }
        });
        assert!(out.contains(
            r#"#[serde(rename="Note",default,skip_serializing_if="::std::option::Option::is_none",deserialize_with="presence::deserialize_some")]#[schemars(with="::std::string::String")]pubnote:::std::option::Option<::std::string::String>"#
        ), "{out}");
    }

    #[test]
    fn an_optional_nullable_field_is_a_nullable() {
        let mark = "@refactor-codegen:nullable-property";
        let (out, _) = rewritten(quote! {
            pub struct Label {
                #[doc = #mark]
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub note: ::std::option::Option<::std::string::String>,
            }
        });
        assert!(out.contains(
            r#"#[serde(default,skip_serializing_if="presence::Nullable::is_absent")]pubnote:presence::Nullable<::std::string::String>"#
        ), "{out}");
        assert!(!out.contains("refactor-codegen"), "{out}");
    }

    #[test]
    fn timestamps_get_the_reader_of_their_presence() {
        let mark = "@refactor-codegen:nullable-property";
        let (out, timestamps) = rewritten(quote! {
            pub enum Event {
                Seen {
                    at: ::chrono::DateTime<::chrono::offset::Utc>,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    until: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                    #[doc = #mark]
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    closed: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                    #[serde(deserialize_with = "::std::option::Option::deserialize")]
                    reviewed: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                },
            }
        });
        assert!(
            out.contains(r#"#[serde(deserialize_with="rfc3339::deserialize")]at"#),
            "{out}"
        );
        assert!(out.contains(r#"#[serde(default,skip_serializing_if="::std::option::Option::is_none",deserialize_with="rfc3339::deserialize_some")]#[schemars(with="::chrono::DateTime<::chrono::offset::Utc>")]until"#), "{out}");
        assert!(out.contains(r#"#[serde(default,skip_serializing_if="presence::Nullable::is_absent",deserialize_with="rfc3339::deserialize_nullable")]closed:presence::Nullable<"#), "{out}");
        assert!(out.contains(r#"#[serde(deserialize_with="rfc3339::deserialize_option")]#[schemars(with="presence::Required<"#), "{out}");
        assert_eq!(
            timestamps.into_iter().collect::<Vec<_>>(),
            [
                TimestampField::Value,
                TimestampField::NullAsNone,
                TimestampField::Some,
                TimestampField::Nullable
            ]
        );
    }

    #[test]
    fn fields_typify_gives_a_default_or_flattens_keep_their_type() {
        let (out, timestamps) = rewritten(quote! {
            pub struct Label {
                #[serde(default = "defaults::label_seen")]
                pub seen: ::std::option::Option<bool>,
                #[serde(flatten, default, skip_serializing_if = "::std::option::Option::is_none")]
                pub subtype_0: ::std::option::Option<Other>,
                pub name: ::std::string::String,
            }
        });
        assert!(
            out.contains(
                r#"#[serde(default="defaults::label_seen")]pubseen:::std::option::Option<bool>"#
            ),
            "{out}"
        );
        assert!(out.contains(r#"#[serde(flatten,default,skip_serializing_if="::std::option::Option::is_none")]pubsubtype_0"#), "{out}");
        assert!(!out.contains("schemars"), "{out}");
        assert!(timestamps.is_empty());
    }

    #[test]
    fn optional_arrays_and_maps_become_options_of_them() {
        let (out, _) = rewritten(quote! {
            pub struct Label {
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub tags: ::std::vec::Vec<::std::string::String>,
                #[serde(default, skip_serializing_if = ":: std :: collections :: HashMap::is_empty")]
                pub counts: ::std::collections::HashMap<::std::string::String, i64>,
                pub required: ::std::vec::Vec<::std::string::String>,
            }
        });
        let optional = r#"#[serde(default,skip_serializing_if="::std::option::Option::is_none",deserialize_with="presence::deserialize_some")]"#;
        assert!(
            out.contains(&format!(
                r#"{optional}#[schemars(with="::std::vec::Vec<::std::string::String>")]pubtags:::std::option::Option<::std::vec::Vec<::std::string::String>>"#
            )),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                r#"{optional}#[schemars(with="::std::collections::HashMap<::std::string::String,i64>")]pubcounts:::std::option::Option<::std::collections::HashMap<::std::string::String,i64>>"#
            )),
            "{out}"
        );
        assert!(
            out.contains("pubrequired:::std::vec::Vec<::std::string::String>"),
            "{out}"
        );
    }
}
