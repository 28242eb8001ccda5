//! The Rust integer typify chooses for an integer schema (typify-impl's `convert_integer`):
//! shared by the generator, which spells parameters the way typify spells properties (so a
//! parameter has one type in the client and in the server trait), and by api-diff, which says
//! what a spec change does to the generated types.

use serde_json::{Map, Value};

/// The integer formats typify knows, most to least restrictive: format, type, the `NonZero`
/// type it uses for a minimum of 1, and the type's range.
const INTEGER_FORMATS: &[(&str, &str, &str, f64, f64)] = &[
    ("int8", "i8", "NonZeroU8", i8::MIN as f64, i8::MAX as f64),
    ("uint8", "u8", "NonZeroU8", u8::MIN as f64, u8::MAX as f64),
    (
        "int16",
        "i16",
        "NonZeroU16",
        i16::MIN as f64,
        i16::MAX as f64,
    ),
    (
        "uint16",
        "u16",
        "NonZeroU16",
        u16::MIN as f64,
        u16::MAX as f64,
    ),
    ("int", "i32", "NonZeroU32", i32::MIN as f64, i32::MAX as f64),
    (
        "int32",
        "i32",
        "NonZeroU32",
        i32::MIN as f64,
        i32::MAX as f64,
    ),
    (
        "uint",
        "u32",
        "NonZeroU32",
        u32::MIN as f64,
        u32::MAX as f64,
    ),
    (
        "uint32",
        "u32",
        "NonZeroU32",
        u32::MIN as f64,
        u32::MAX as f64,
    ),
    (
        "int64",
        "i64",
        "NonZeroU64",
        i64::MIN as f64,
        i64::MAX as f64,
    ),
    (
        "uint64",
        "u64",
        "NonZeroU64",
        u64::MIN as f64,
        u64::MAX as f64,
    ),
];

/// The name of the integer type typify picks for `schema` from its format and bounds, e.g.
/// `i64`, `u8` or `NonZeroU64` (a `NonZero` type lives in `std::num`). An exclusive bound (3.0's
/// boolean or 3.1's number) moves the bound by one, as progenitor converts them.
pub fn typify_integer_type(schema: &Map<String, Value>) -> &'static str {
    let bound = |inclusive: &str, exclusive: &str, step: f64| {
        let value = schema.get(inclusive).and_then(Value::as_f64);
        match schema.get(exclusive) {
            Some(Value::Bool(true)) => value.map(|v| v + step),
            Some(Value::Number(n)) => n.as_f64().map(|v| v + step),
            _ => value,
        }
    };
    let mut min = bound("minimum", "exclusiveMinimum", 1.0);
    let mut max = bound("maximum", "exclusiveMaximum", -1.0);
    let multiple = schema.get("multipleOf").is_some();
    if let Some(format) = schema.get("format").and_then(Value::as_str)
        && let Some((_, ty, non_zero, lowest, highest)) =
            INTEGER_FORMATS.iter().find(|(f, ..)| *f == format)
    {
        let fits = min.is_none_or(|m| m >= *lowest) && max.is_none_or(|m| m <= *highest);
        if !multiple && fits {
            return if min == Some(1.0) { non_zero } else { ty };
        }
        min = min.or(Some(*lowest));
        max = max.or(Some(*highest));
    }
    let same = |a: f64, b: f64| (a - b).abs() <= f64::EPSILON;
    let chosen =
        INTEGER_FORMATS
            .iter()
            .rev()
            .find_map(|&(_, ty, non_zero, lowest, highest)| match (min, max) {
                (Some(1.0), _) => Some(non_zero),
                (None, Some(max)) => same(highest, max).then_some(ty),
                (Some(min), None) => same(lowest, min).then_some(ty),
                (Some(min), Some(max)) => (same(lowest, min) && same(highest, max)).then_some(ty),
                (None, None) => None,
            });
    chosen.unwrap_or("i64")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn of(schema: Value) -> &'static str {
        typify_integer_type(schema.as_object().expect("an object"))
    }

    #[test]
    fn formats_and_bounds_choose_as_typify_does() {
        assert_eq!(of(json!({"type": "integer"})), "i64");
        assert_eq!(of(json!({"type": "integer", "format": "int32"})), "i32");
        assert_eq!(of(json!({"type": "integer", "format": "uint8"})), "u8");
        assert_eq!(of(json!({"type": "integer", "minimum": 1})), "NonZeroU64");
        assert_eq!(
            of(json!({"type": "integer", "format": "int32", "minimum": 1})),
            "NonZeroU32"
        );
        assert_eq!(of(json!({"type": "integer", "minimum": 0})), "u64");
        assert_eq!(
            of(json!({"type": "integer", "minimum": 0, "maximum": 255})),
            "u8"
        );
        assert_eq!(
            of(json!({"type": "integer", "exclusiveMinimum": 0})),
            "NonZeroU64"
        );
        // typify keeps the format's range when a multiple is required.
        assert_eq!(
            of(json!({"type": "integer", "format": "int32", "multipleOf": 2})),
            "i32"
        );
    }
}
