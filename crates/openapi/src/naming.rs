//! Rust names derived from spec names, spelled exactly as the generator libraries spell them
//! (typify for types, progenitor for methods), so one spec name is one Rust name everywhere: in
//! the types crate, the client and the server trait.

use heck::{ToPascalCase, ToSnakeCase};

/// The type name typify gives a schema named `name` (`run-gold_label` -> `RunGoldLabel`).
pub fn type_name(name: &str) -> String {
    sanitize(name, |text| text.to_pascal_case(), "X")
}

/// The method name progenitor gives an operation id (`listPets` -> `list_pets`); also the
/// method of the server trait.
pub fn method_name(operation_id: &str) -> String {
    sanitize(operation_id, |text| text.to_snake_case(), "_")
}

/// A field name for a spec property or parameter name (`pet-id` -> `pet_id`, `type` -> `type_`).
pub fn field_name(name: &str) -> String {
    sanitize(name, |text| text.to_snake_case(), "_")
}

/// typify's and progenitor's shared rule: punctuation separates words, the case is applied, a
/// leading non-letter gets a prefix, and a keyword gets a trailing underscore.
fn sanitize(input: &str, to_case: impl Fn(&str) -> String, prefix: &str) -> String {
    let cased = match input {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !unicode_ident::is_xid_continue(c), "-"),
        ),
    };
    let named = match cased.chars().next() {
        None => to_case("x"),
        Some(c) if unicode_ident::is_xid_start(c) => cased,
        Some(_) => format!("{prefix}{cased}"),
    };
    if is_keyword(&named) {
        format!("{named}_")
    } else {
        named
    }
}

fn is_keyword(ident: &str) -> bool {
    matches!(
        ident,
        "_" | "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "Self"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_are_pascal_case() {
        assert_eq!(type_name("RunGoldLabel"), "RunGoldLabel");
        assert_eq!(type_name("run-gold_label"), "RunGoldLabel");
        assert_eq!(type_name("2fa"), "X2fa");
    }

    #[test]
    fn method_names_are_snake_case() {
        assert_eq!(method_name("listPets"), "list_pets");
        assert_eq!(method_name("find pets by-ID"), "find_pets_by_id");
        assert_eq!(method_name("instance.serial.get"), "instance_serial_get");
        assert_eq!(method_name("HTTPServer"), "http_server");
    }

    #[test]
    fn keywords_get_a_trailing_underscore() {
        assert_eq!(field_name("type"), "type_");
    }
}
