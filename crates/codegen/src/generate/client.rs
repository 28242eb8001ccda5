//! The client crate: progenitor's client, with every type replaced by the types crate's, so the
//! client defines no type of its own.

use anyhow::bail;
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator};
use serde_json::Value;
use typify::TypeDetails;

use super::failures::located_library_error;
use super::library_call;
use super::types::{NamedType, parse};

/// Generates the client of `input` (the document as progenitor reads it), reusing
/// `named_types` from the types crate at `types_path` (`::refactor_types`). A failure inside
/// progenitor is a [`SpecError`] at the operation or schema it failed on.
pub fn generate_client(
    input: &Value,
    types_path: &str,
    named_types: &[NamedType],
) -> anyhow::Result<TokenStream> {
    let spec = parse(input)?;
    let (tokens, generator) = match run(&spec, types_path, named_types) {
        Ok(generated) => generated,
        Err(message) => {
            let fails = |document: &Value| {
                parse(document).is_ok_and(|spec| run(&spec, types_path, named_types).is_err())
            };
            return Err(located_library_error(input, &fails, &message));
        }
    };
    let own_types: Vec<String> = generator
        .get_type_space()
        .iter_types()
        .filter(|ty| {
            matches!(
                ty.details(),
                TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_)
            )
        })
        .map(|ty| ty.name())
        .collect();
    if !own_types.is_empty() {
        bail!(
            "the client would define its own copies of {own_types:?}: an inline schema was not \
             hoisted into components (a generator bug; please report it with the spec)"
        );
    }
    Ok(tokens)
}

fn run(
    spec: &OpenAPI,
    types_path: &str,
    named_types: &[NamedType],
) -> Result<(TokenStream, Generator), String> {
    let mut settings = GenerationSettings::new();
    for ty in named_types {
        settings.with_replacement(
            &ty.name,
            format!("{types_path}::{}", ty.name),
            ty.impls.iter().copied(),
        );
    }
    let mut generator = Generator::new(&settings);
    match library_call("progenitor (client)", || generator.generate_tokens(spec)) {
        Ok(Ok(tokens)) => Ok((tokens, generator)),
        Ok(Err(error)) => Err(error.to_string()),
        Err(panic) => Err(panic.to_string()),
    }
}
