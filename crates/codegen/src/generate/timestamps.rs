//! `format: date-time` fields decoded by chrono's RFC 3339 parser.
//!
//! typify types a `date-time` as `chrono::DateTime<Utc>`, whose `Deserialize` goes through
//! chrono's generic `FromStr` for `DateTime<FixedOffset>`: a format-item interpreter that takes
//! 160 ns a timestamp where `DateTime::parse_from_rfc3339` takes 26 ns, and the largest part of
//! what decoding the generated types costs over plain strings (BENCHMARKS.md, "Client"). Each
//! struct field of type `DateTime<Utc>` or `Option<DateTime<Utc>>` gets a `deserialize_with`
//! that tries the RFC 3339 parser first and falls back to chrono's `FromStr`, so every string
//! accepted before is accepted now, as the same instant, with the same error otherwise. The
//! field types, serialization and the schemars schema (which ignores `deserialize_with`) do not
//! change.

use anyhow::Context as _;
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Field, Fields, Item, Type, parse_quote};

/// `tokens` (typify's type space) with every top-level struct's timestamp fields decoded by the
/// RFC 3339 fast path, and the helper module that does it when any field needs it.
pub fn with_rfc3339_timestamps(tokens: TokenStream) -> anyhow::Result<TokenStream> {
    let mut file: syn::File = syn::parse2(tokens).context("typify's output is not valid Rust")?;
    let mut rewritten = Vec::new();
    for item in &mut file.items {
        let Item::Struct(item) = item else { continue };
        let Fields::Named(fields) = &mut item.fields else {
            continue;
        };
        rewritten.extend(fields.named.iter_mut().filter_map(rewrite_field));
    }
    if !rewritten.is_empty() {
        let optional = rewritten
            .iter()
            .any(|kind| matches!(kind, Timestamp::Optional));
        file.items.push(helper_module(optional));
    }
    Ok(quote!(#file))
}

/// What a field holds, as far as this rewrite cares.
enum Timestamp {
    Required,
    Optional,
}

/// Adds the `deserialize_with` a timestamp field needs and says which kind it was; `None` for
/// any other field, and for one whose serde attributes already choose how it is deserialized.
fn rewrite_field(field: &mut Field) -> Option<Timestamp> {
    let kind = timestamp_kind(&field.ty)?;
    let serde = SerdeAttributes::of(&field.attrs);
    if serde.has_with {
        return None;
    }
    let attribute: Attribute = match kind {
        Timestamp::Required => parse_quote!(#[serde(deserialize_with = "rfc3339::deserialize")]),
        // serde defaults a missing `Option` field to `None` only without `deserialize_with`.
        Timestamp::Optional if serde.has_default => {
            parse_quote!(#[serde(deserialize_with = "rfc3339::deserialize_option")])
        }
        Timestamp::Optional => {
            parse_quote!(#[serde(default, deserialize_with = "rfc3339::deserialize_option")])
        }
    };
    field.attrs.push(attribute);
    Some(kind)
}

fn timestamp_kind(ty: &Type) -> Option<Timestamp> {
    let text = quote!(#ty).to_string().replace(' ', "");
    match text.as_str() {
        "::chrono::DateTime<::chrono::offset::Utc>" => Some(Timestamp::Required),
        "::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>" => {
            Some(Timestamp::Optional)
        }
        _ => None,
    }
}

/// The serde field attributes that matter here.
#[derive(Default)]
struct SerdeAttributes {
    has_default: bool,
    has_with: bool,
}

impl SerdeAttributes {
    fn of(attributes: &[Attribute]) -> Self {
        let mut found = Self::default();
        for attribute in attributes.iter().filter(|a| a.path().is_ident("serde")) {
            // An attribute serde itself would reject is left for serde to report.
            let _ = attribute.parse_nested_meta(|meta| {
                if meta.path.is_ident("default") {
                    found.has_default = true;
                }
                if ["with", "deserialize_with"]
                    .iter()
                    .any(|name| meta.path.is_ident(name))
                {
                    found.has_with = true;
                }
                // Skip the value (`= "..."`), if any.
                if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
        }
        found
    }
}

/// The module the rewritten fields' `deserialize_with` paths name; its `Option` half only when
/// an optional field uses it (unused items would warn in the generated crate).
fn helper_module(optional: bool) -> Item {
    let (optional_visitor, optional_function) = if optional {
        (
            quote! {
                struct OptionalTimestamp;

                impl<'de> ::serde::de::Visitor<'de> for OptionalTimestamp {
                    type Value = Option<DateTime<Utc>>;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("an RFC 3339 date and time or null")
                    }

                    fn visit_none<E: ::serde::de::Error>(self) -> Result<Self::Value, E> {
                        Ok(None)
                    }

                    fn visit_unit<E: ::serde::de::Error>(self) -> Result<Self::Value, E> {
                        Ok(None)
                    }

                    fn visit_some<D: ::serde::Deserializer<'de>>(
                        self,
                        deserializer: D,
                    ) -> Result<Self::Value, D::Error> {
                        deserialize(deserializer).map(Some)
                    }
                }
            },
            quote! {
                pub(super) fn deserialize_option<'de, D: ::serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> Result<Option<DateTime<Utc>>, D::Error> {
                    deserializer.deserialize_option(OptionalTimestamp)
                }
            },
        )
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    parse_quote! {
        /// `format: date-time` values parsed by chrono's RFC 3339 parser, with chrono's general
        /// parser (what `DateTime`'s own `Deserialize` uses) for anything it does not accept.
        mod rfc3339 {
            use ::chrono::{DateTime, FixedOffset, Utc};

            fn parse<E: ::serde::de::Error>(text: &str) -> Result<DateTime<Utc>, E> {
                DateTime::parse_from_rfc3339(text)
                    .or_else(|_| text.parse::<DateTime<FixedOffset>>())
                    .map(|time| time.with_timezone(&Utc))
                    .map_err(E::custom)
            }

            struct Timestamp;

            impl<'de> ::serde::de::Visitor<'de> for Timestamp {
                type Value = DateTime<Utc>;

                fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str("an RFC 3339 date and time")
                }

                fn visit_str<E: ::serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
                    parse(text)
                }
            }

            #optional_visitor

            pub(super) fn deserialize<'de, D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<DateTime<Utc>, D::Error> {
                deserializer.deserialize_str(Timestamp)
            }

            #optional_function
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(tokens: TokenStream) -> String {
        with_rfc3339_timestamps(tokens)
            .expect("valid Rust")
            .to_string()
            .replace(' ', "")
    }

    #[test]
    fn timestamp_fields_get_the_fast_path_and_the_module_is_added() {
        let out = rewritten(quote! {
            pub struct Label {
                pub created_at: ::chrono::DateTime<::chrono::offset::Utc>,
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub updated_at: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                pub name: ::std::string::String,
            }
        });
        assert!(out.contains(r#"#[serde(deserialize_with="rfc3339::deserialize")]pubcreated_at"#));
        assert!(out.contains(
            r#"#[serde(default,deserialize_with="rfc3339::deserialize_option")]pubupdated_at"#
        ));
        assert!(out.contains("modrfc3339"));
        assert_eq!(out.matches("deserialize_with").count(), 2);
    }

    #[test]
    fn only_required_timestamps_leave_out_the_option_helpers() {
        let out = rewritten(quote! {
            pub struct Label {
                pub created_at: ::chrono::DateTime<::chrono::offset::Utc>,
            }
        });
        assert!(out.contains("fndeserialize<"));
        assert!(!out.contains("OptionalTimestamp"), "{out}");
        assert!(!out.contains("deserialize_option"), "{out}");
    }

    #[test]
    fn a_field_with_its_own_default_or_deserializer_keeps_it() {
        let out = rewritten(quote! {
            pub struct Label {
                #[serde(default)]
                pub seen_at: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                #[serde(with = "custom")]
                pub other_at: ::chrono::DateTime<::chrono::offset::Utc>,
            }
        });
        assert!(out.contains(
            r#"#[serde(default)]#[serde(deserialize_with="rfc3339::deserialize_option")]pubseen_at"#
        ));
        assert!(out.contains(r#"#[serde(with="custom")]pubother_at"#));
    }

    #[test]
    fn without_timestamps_nothing_changes() {
        let out = rewritten(quote! {
            pub struct Label { pub name: ::std::string::String }
        });
        assert!(!out.contains("rfc3339"));
    }
}
