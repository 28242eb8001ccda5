//! Constrained strings documented as they are checked.
//!
//! typify makes a string schema with `pattern`, `minLength` or `maxLength` a newtype whose
//! `FromStr` and `Deserialize` check them, and derives `JsonSchema` for it: a transparent newtype,
//! so schemars documents a plain string and the constraints are lost (typify's own source says
//! "if a user were to derive schemars::JsonSchema, it wouldn't be accurate"). Each such newtype
//! gets a `JsonSchema` of its own instead, read from the checks typify wrote in its `FromStr`: the
//! string with its pattern and lengths, documented like the derive would (inline, with the type's
//! doc as description). So dropshot's document says what the types enforce, and the conformance
//! comparison needs no excuse for it.

use std::collections::BTreeMap;

use anyhow::Context as _;
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::punctuated::Punctuated;
use syn::{Attribute, Fields, Item, ItemImpl, ItemStruct, Meta, Path, Token, Type};

/// The constraints a newtype's `FromStr` checks.
#[derive(Debug, Default, PartialEq, Eq)]
struct Constraints {
    pattern: Option<String>,
    min_length: Option<u32>,
    max_length: Option<u32>,
}

/// Documents every constrained string newtype of `file` (typify's type space) with its
/// constraints.
pub fn document_constraints(file: &mut syn::File) -> anyhow::Result<()> {
    let constrained: BTreeMap<String, Constraints> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(item) => from_str_checks(item),
            _ => None,
        })
        .collect();
    let mut schemas = Vec::new();
    for item in &mut file.items {
        let Item::Struct(item) = item else { continue };
        let name = item.ident.to_string();
        let Some(constraints) = constrained.get(&name) else {
            continue;
        };
        if !is_string_newtype(item) || !remove_json_schema_derive(&mut item.attrs) {
            continue;
        }
        schemas.push(json_schema_impl(item, constraints));
    }
    for schema in schemas {
        file.items
            .push(syn::parse2(schema).context("a constrained string's JsonSchema impl")?);
    }
    Ok(())
}

/// The type an `impl FromStr for T` is for and the constraints its body checks, if it checks
/// any.
fn from_str_checks(item: &ItemImpl) -> Option<(String, Constraints)> {
    let (_, trait_path, _) = item.trait_.as_ref()?;
    if trait_path.segments.last()?.ident != "FromStr" {
        return None;
    }
    let Type::Path(self_type) = item.self_ty.as_ref() else {
        return None;
    };
    let name = self_type.path.segments.last()?.ident.to_string();
    let mut tokens = Vec::new();
    flatten(item.to_token_stream(), &mut tokens);
    let constraints = Constraints {
        pattern: pattern(&tokens),
        min_length: length(&tokens, '<'),
        max_length: length(&tokens, '>'),
    };
    (constraints != Constraints::default()).then_some((name, constraints))
}

/// Every token of `stream`, groups opened (a group's delimiter kept as the group itself, empty).
fn flatten(stream: TokenStream, out: &mut Vec<TokenTree>) {
    for tree in stream {
        match &tree {
            TokenTree::Group(group) => {
                out.push(TokenTree::Group(proc_macro2::Group::new(
                    group.delimiter(),
                    TokenStream::new(),
                )));
                flatten(group.stream(), out);
            }
            _ => out.push(tree),
        }
    }
}

/// The argument of `Regex::new("...")`, as typify writes the pattern check.
fn pattern(tokens: &[TokenTree]) -> Option<String> {
    tokens.windows(6).find_map(|window| match window {
        [
            TokenTree::Ident(regex),
            TokenTree::Punct(_),
            TokenTree::Punct(_),
            TokenTree::Ident(new),
            TokenTree::Group(arguments),
            TokenTree::Literal(literal),
        ] if regex == "Regex"
            && new == "new"
            && arguments.delimiter() == Delimiter::Parenthesis =>
        {
            syn::parse_str::<syn::LitStr>(&literal.to_string())
                .ok()
                .map(|text| text.value())
        }
        _ => None,
    })
}

/// The bound of `value.chars().count() > N` (for `>`) or `< N` (for `<`).
fn length(tokens: &[TokenTree], comparison: char) -> Option<u32> {
    tokens.windows(4).find_map(|window| match window {
        [
            TokenTree::Ident(count),
            TokenTree::Group(_),
            TokenTree::Punct(punct),
            TokenTree::Literal(bound),
        ] if count == "count" && punct.as_char() == comparison => {
            syn::parse_str::<syn::LitInt>(&bound.to_string())
                .ok()?
                .base10_parse()
                .ok()
        }
        _ => None,
    })
}

/// `struct T(String)`, as typify writes a constrained string.
fn is_string_newtype(item: &ItemStruct) -> bool {
    let Fields::Unnamed(fields) = &item.fields else {
        return false;
    };
    let [field] = fields.unnamed.iter().collect::<Vec<_>>()[..] else {
        return false;
    };
    let ty = &field.ty;
    quote!(#ty).to_string().replace(' ', "") == "::std::string::String"
}

/// Removes `schemars::JsonSchema` from the type's derives; false when it was not derived.
fn remove_json_schema_derive(attrs: &mut [Attribute]) -> bool {
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Punctuated<Path, Token![,]> = paths
            .iter()
            .filter(|path| path.segments.last().is_none_or(|s| s.ident != "JsonSchema"))
            .cloned()
            .collect();
        if kept.len() != paths.len() {
            attr.meta = Meta::List(syn::parse_quote!(derive(#kept)));
            return true;
        }
    }
    false
}

/// The `JsonSchema` of a constrained string newtype.
fn json_schema_impl(item: &ItemStruct, constraints: &Constraints) -> TokenStream {
    let name = &item.ident;
    let name_text = name.to_string();
    let doc: Vec<String> = item
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            Meta::NameValue(value) => match &value.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => Some(text.value().trim().to_owned()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let description = (!doc.is_empty()).then(|| {
        let text = doc.join("\n");
        quote! { schema.metadata().description = Some(#text.to_owned()); }
    });
    let pattern = constraints
        .pattern
        .as_ref()
        .map(|pattern| quote! { schema.string().pattern = Some(#pattern.to_owned()); });
    let min = constraints
        .min_length
        .map(|min| quote! { schema.string().min_length = Some(#min); });
    let max = constraints
        .max_length
        .map(|max| quote! { schema.string().max_length = Some(#max); });
    quote! {
        impl schemars::JsonSchema for #name {
            fn schema_name() -> ::std::string::String {
                #name_text.to_owned()
            }

            fn is_referenceable() -> bool {
                false
            }

            fn json_schema(
                generator: &mut schemars::r#gen::SchemaGenerator,
            ) -> schemars::schema::Schema {
                let mut schema =
                    <::std::string::String as schemars::JsonSchema>::json_schema(generator).into_object();
                #description
                #pattern
                #min
                #max
                schemars::schema::Schema::Object(schema)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checks_of_from_str_are_read() {
        let item: ItemImpl = syn::parse_quote! {
            impl ::std::str::FromStr for Code {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    if value.chars().count() > 63usize {
                        return Err("longer than 63 characters".into());
                    }
                    if value.chars().count() < 1usize {
                        return Err("shorter than 1 characters".into());
                    }
                    static PATTERN: ::std::sync::LazyLock<::regress::Regex> = ::std::sync::LazyLock::new(|| {
                        ::regress::Regex::new("^[a-z]+\"$").unwrap()
                    });
                    if PATTERN.find(value).is_none() {
                        return Err("doesn't match".into());
                    }
                    Ok(Self(value.to_string()))
                }
            }
        };
        let (name, constraints) = from_str_checks(&item).expect("checks");
        assert_eq!(name, "Code");
        assert_eq!(
            constraints,
            Constraints {
                pattern: Some("^[a-z]+\"$".to_owned()),
                min_length: Some(1),
                max_length: Some(63),
            }
        );
    }

    #[test]
    fn an_enum_from_str_checks_nothing() {
        let item: ItemImpl = syn::parse_quote! {
            impl ::std::str::FromStr for Kind {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    match value { "a" => Ok(Self::A), _ => Err("invalid value".into()) }
                }
            }
        };
        assert_eq!(from_str_checks(&item), None);
    }
}
