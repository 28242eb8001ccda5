//! `format: date-time` fields decoded by chrono's RFC 3339 parser.
//!
//! typify types a `date-time` as `chrono::DateTime<Utc>`, whose `Deserialize` goes through
//! chrono's generic `FromStr` for `DateTime<FixedOffset>`: a format-item interpreter that takes
//! 160 ns a timestamp where `DateTime::parse_from_rfc3339` takes 26 ns, and the largest part of
//! what decoding the generated types costs over plain strings (BENCHMARKS.md, "Client"). Each
//! field holding a timestamp (`DateTime<Utc>`, `Option<DateTime<Utc>>` or
//! `Nullable<DateTime<Utc>>`, see [`super::presence`]) gets a `deserialize_with` that tries the
//! RFC 3339 parser first and falls back to chrono's `FromStr`, so every string accepted before
//! is accepted now, as the same instant, with the same error otherwise. The field types,
//! serialization and the schemars schema (which ignores `deserialize_with`) do not change.

use std::collections::BTreeSet;

use quote::quote;
use syn::Type;

/// How a timestamp field holds its value, which decides the function that reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimestampField {
    /// `DateTime<Utc>`.
    Value,
    /// `Option<DateTime<Utc>>`, `null` read as `None`.
    NullAsNone,
    /// `Option<DateTime<Utc>>`, `null` refused (`None` is an absent property).
    Some,
    /// `Nullable<DateTime<Utc>>`.
    Nullable,
}

impl TimestampField {
    /// The `deserialize_with` path, in the helper module.
    pub fn deserializer(self) -> &'static str {
        match self {
            Self::Value => "rfc3339::deserialize",
            Self::NullAsNone => "rfc3339::deserialize_option",
            Self::Some => "rfc3339::deserialize_some",
            Self::Nullable => "rfc3339::deserialize_nullable",
        }
    }
}

/// Whether `ty` is `chrono::DateTime<Utc>` as typify spells it.
pub fn is_timestamp(ty: &Type) -> bool {
    quote!(#ty).to_string().replace(' ', "") == "::chrono::DateTime<::chrono::offset::Utc>"
}

/// The module the timestamp fields' `deserialize_with` paths name, with the functions `used`
/// (and what they call): a function no field names would be dead code.
///
/// It is fixed text, formatted as the generated file prints it: building it as tokens and
/// printing it cost a twentieth of a seed's generation (a test checks every combination is
/// prettyplease's own formatting of itself).
pub fn helper_module(used: &BTreeSet<TimestampField>) -> String {
    let reads_null =
        used.contains(&TimestampField::NullAsNone) || used.contains(&TimestampField::Nullable);
    // `deserialize` is what the others call, so it is there whenever any is; a module of only
    // `Value` fields names it directly.
    let mut module = String::from(MODULE_START);
    for (wanted, function) in [
        (reads_null, DESERIALIZE_OPTION),
        (used.contains(&TimestampField::Some), DESERIALIZE_SOME),
        (
            used.contains(&TimestampField::Nullable),
            DESERIALIZE_NULLABLE,
        ),
    ] {
        if wanted {
            module.push('\n');
            module.push_str(function);
        }
    }
    module.push_str("}\n");
    module
}

/// The module up to and including `deserialize`, which every timestamp field reads through.
const MODULE_START: &str = r#"/// `format: date-time` values parsed by chrono's RFC 3339 parser, with chrono's general
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

    pub(super) fn deserialize<'de, D: ::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<Utc>, D::Error> {
        deserializer.deserialize_str(Timestamp)
    }
"#;
/// `deserialize_option`, for `Option<DateTime<Utc>>` fields that read `null` as `None`.
const DESERIALIZE_OPTION: &str = r#"    struct OptionalTimestamp;
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

    pub(super) fn deserialize_option<'de, D: ::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        deserializer.deserialize_option(OptionalTimestamp)
    }
"#;
/// `deserialize_some`, for `Option<DateTime<Utc>>` fields that refuse `null`.
const DESERIALIZE_SOME: &str = r#"    pub(super) fn deserialize_some<'de, D: ::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        deserialize(deserializer).map(Some)
    }
"#;
/// `deserialize_nullable`, for `Nullable<DateTime<Utc>>` fields.
const DESERIALIZE_NULLABLE: &str = r#"    pub(super) fn deserialize_nullable<'de, D: ::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<super::presence::Nullable<DateTime<Utc>>, D::Error> {
        deserialize_option(deserializer).map(super::presence::Nullable::from)
    }
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    /// Every combination of helpers is a module that prettyplease prints (and the generator
    /// spaces) exactly as written, holding the functions used and no other.
    #[test]
    fn every_helper_module_is_printed_as_written() {
        let fields = [
            TimestampField::Value,
            TimestampField::NullAsNone,
            TimestampField::Some,
            TimestampField::Nullable,
        ];
        for subset in 1..16_u8 {
            let used: BTreeSet<TimestampField> = (0..4)
                .filter(|bit| subset & (1 << bit) != 0)
                .map(|bit| fields[bit])
                .collect();
            let text = helper_module(&used);
            let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{used:?}: {e}"));
            let printed = crate::generate::format::space_out_items(&prettyplease::unparse(&file));
            assert_eq!(printed, text, "{used:?}");
            for field in fields {
                let name = field.deserializer().trim_start_matches("rfc3339::");
                let needed = used.contains(&field)
                    || field == TimestampField::Value
                    || (field == TimestampField::NullAsNone
                        && used.contains(&TimestampField::Nullable));
                assert_eq!(
                    text.contains(&format!("fn {name}<")),
                    needed,
                    "{used:?}: {name}"
                );
            }
        }
    }

    #[test]
    fn timestamps_are_told_by_typify_s_spelling() {
        assert!(is_timestamp(&parse_quote!(
            ::chrono::DateTime<::chrono::offset::Utc>
        )));
        assert!(!is_timestamp(&parse_quote!(
            ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>
        )));
        assert!(!is_timestamp(&parse_quote!(::std::string::String)));
    }
}
