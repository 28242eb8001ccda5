//! How the generated types hold a property that may be absent, `null`, or both.
//!
//! The spec says two things of each property: whether it is required, and whether it is nullable.
//! The fields hold exactly what the two allow, and write back exactly what they hold:
//!
//! | required | nullable | field | absent | `null` |
//! |---|---|---|---|---|
//! | yes | no | `T` | refused | refused |
//! | yes | yes | `Option<T>`, always written | refused | `None` |
//! | no | no | `Option<T>`, written when `Some` | `None` | refused |
//! | no | yes | [`Nullable<T>`], written unless absent | [`Nullable::Absent`] | [`Nullable::Null`] |
//!
//! This module is the same in every generated types crate; the generator emits it verbatim.

use ::std::marker::PhantomData;

use ::serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A property that is optional *and* nullable: absent, `null`, or a value, kept apart.
///
/// Decoding gives [`Absent`](Self::Absent) for a property that is not there, [`Null`](Self::Null)
/// for `null` and [`Value`](Self::Value) otherwise; encoding writes exactly that (an absent
/// property is left out). That is what a PATCH body needs to say "clear this field"
/// (`Null`) apart from "leave it" (`Absent`):
///
/// ```ignore
/// let patch = LabelPatch { text_value: Nullable::Null, ..Default::default() };
/// // {"text_value": null}
/// ```
///
/// `Nullable::from(value)` is a value, `Nullable::from(option)` a value or `null`, and
/// `Nullable::default()` absent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// Not in the object: not sent, or not received.
    #[default]
    Absent,
    /// `null`.
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the property is absent.
    pub const fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the property is `null`.
    pub const fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Whether the property has a value.
    pub const fn is_value(&self) -> bool {
        matches!(self, Self::Value(_))
    }

    /// The value, if there is one (`None` for both absent and `null`).
    pub const fn as_value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value, if there is one (`None` for both absent and `null`).
    pub fn into_value(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// A `Nullable` of a reference to the value.
    pub const fn as_ref(&self) -> Nullable<&T> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(value),
        }
    }

    /// A `Nullable` of a mutable reference to the value.
    pub fn as_mut(&mut self) -> Nullable<&mut T> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(value),
        }
    }

    /// The value mapped by `f`; absent and `null` stay what they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(f(value)),
        }
    }

    /// As a double option: absent is `None`, `null` is `Some(None)`, a value `Some(Some(value))`.
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Self::Absent => None,
            Self::Null => Some(None),
            Self::Value(value) => Some(Some(value)),
        }
    }

    /// Applies the property to `target` as a patch does: absent leaves it, `null` clears it,
    /// a value replaces it.
    pub fn apply_to(self, target: &mut Option<T>) {
        match self {
            Self::Absent => {}
            Self::Null => *target = None,
            Self::Value(value) => *target = Some(value),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    /// A value.
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// A value, or `null` for `None`.
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Self::Value)
    }
}

impl From<&str> for Nullable<::std::string::String> {
    /// A string value.
    fn from(value: &str) -> Self {
        Self::Value(value.to_owned())
    }
}

impl<T> From<Nullable<T>> for Option<Option<T>> {
    fn from(value: Nullable<T>) -> Self {
        value.into_option()
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    /// `null` or the value. An absent property is left out by its field's
    /// `skip_serializing_if`; written anywhere else, absent is `null` too.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Absent | Self::Null => serializer.serialize_none(),
            Self::Value(value) => serializer.serialize_some(value),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    /// `null` or a value; an absent property is its field's `default`, [`Nullable::Absent`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Self::from)
    }
}

impl<T: ::schemars::JsonSchema> ::schemars::JsonSchema for Nullable<T> {
    /// Documented as `Option<T>` is: `T`'s schema, nullable. (Its field's `default` makes it
    /// not required.)
    fn is_referenceable() -> bool {
        false
    }

    fn schema_name() -> ::std::string::String {
        <Option<T> as ::schemars::JsonSchema>::schema_name()
    }

    fn schema_id() -> ::std::borrow::Cow<'static, str> {
        <Option<T> as ::schemars::JsonSchema>::schema_id()
    }

    fn json_schema(
        generator: &mut ::schemars::r#gen::SchemaGenerator,
    ) -> ::schemars::schema::Schema {
        <Option<T> as ::schemars::JsonSchema>::json_schema(generator)
    }
}

/// Reads an optional property that is not nullable: a value is `Some`, and `null` is refused as
/// `T` refuses it (`Option<T>`'s own `Deserialize` would read it as absent). An absent property
/// is its field's `default`, `None`.
pub fn deserialize_some<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Documentation only: `T` as a property that is always present, for a required property that
/// is nullable (`Option<T>`, which schemars alone documents as not required).
///
/// Used as `#[schemars(with = "presence::Required<Option<T>>")]`; never constructed.
pub struct Required<T>(PhantomData<T>);

impl<T: ::schemars::JsonSchema> ::schemars::JsonSchema for Required<T> {
    fn is_referenceable() -> bool {
        false
    }

    fn schema_name() -> ::std::string::String {
        T::schema_name()
    }

    fn schema_id() -> ::std::borrow::Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(
        generator: &mut ::schemars::r#gen::SchemaGenerator,
    ) -> ::schemars::schema::Schema {
        T::json_schema(generator)
    }
}
