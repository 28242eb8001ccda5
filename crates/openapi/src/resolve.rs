//! Following local `$ref`s: one definition of what a reference names, shared by every step that
//! follows one (normalization, comparison, the generators).
//!
//! A reference is `#` and a JSON pointer written as a URI fragment, so percent-escapes are
//! decoded (`#/paths/~1items~1%7Bid%7D` names the path item `/items/{id}`). Normalization
//! refuses references that name nothing and references that come back to themselves, so on a
//! normalized document every chain ends; on any other the chains followed here stop after
//! [`MAX_CHAIN`] steps instead of looping.

use serde_json::Value;

use crate::pointer::Pointer;

/// The most references (and single-entry `allOf` wrappers) followed in one chain.
pub const MAX_CHAIN: usize = 64;

/// The JSON pointer a local reference names; `None` for one outside the document or with
/// percent-escapes that do not decode to UTF-8.
pub fn pointer_of(reference: &str) -> Option<Pointer> {
    let fragment = reference.strip_prefix('#')?;
    percent_decoded(fragment).map(|pointer| Pointer::parse(&pointer))
}

/// What a local reference names in `document`.
pub fn target<'a>(document: &'a Value, reference: &str) -> Option<&'a Value> {
    document.pointer(pointer_of(reference)?.as_str())
}

/// `value`, or what its chain of `$ref`s ends at (the last object whose reference names nothing,
/// if one does not resolve).
pub fn through_references<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..MAX_CHAIN {
        match current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| target(document, reference))
        {
            Some(next) => current = next,
            None => break,
        }
    }
    current
}

/// A schema with its aliases seen through: `$ref`s, and `allOf` wrappers of one subschema (the
/// 3.0 idiom for a reference with siblings).
pub fn through_aliases<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    let mut current = schema;
    for _ in 0..MAX_CHAIN {
        let resolved = through_references(document, current);
        match resolved
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([only]) => current = only,
            _ => return resolved,
        }
    }
    current
}

/// A URI fragment's percent-escapes decoded, or `None` when they do not decode to UTF-8.
fn percent_decoded(fragment: &str) -> Option<String> {
    if !fragment.contains('%') {
        return Some(fragment.to_owned());
    }
    let bytes = fragment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = fragment.get(index + 1..index + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn percent_escapes_are_decoded() {
        let document = json!({"paths": {"/items/{id}": {"get": {}}}});
        assert_eq!(
            target(&document, "#/paths/~1items~1%7Bid%7D"),
            Some(&json!({"get": {}}))
        );
        assert_eq!(pointer_of("#/a%ZZ"), None);
        assert_eq!(pointer_of("other.yaml#/a"), None);
        assert_eq!(pointer_of("#"), Some(Pointer::root()));
    }

    #[test]
    fn chains_are_followed_to_their_end() {
        let document = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"allOf": [{"$ref": "#/components/schemas/C"}]},
            "C": {"type": "string"},
            "Gone": {"$ref": "#/components/schemas/Nowhere"}
        }}});
        let a = &document["components"]["schemas"]["A"];
        assert_eq!(
            through_references(&document, a),
            &document["components"]["schemas"]["B"]
        );
        assert_eq!(through_aliases(&document, a), &json!({"type": "string"}));
        let gone = &document["components"]["schemas"]["Gone"];
        assert_eq!(through_references(&document, gone), gone);
    }

    #[test]
    fn a_cycle_stops_instead_of_looping() {
        let document = json!({"A": {"allOf": [{"$ref": "#/A"}]}});
        let a = &document["A"];
        let stopped_at = through_aliases(&document, a);
        assert!([a, &a["allOf"][0]].contains(&stopped_at), "{stopped_at}");
    }
}
