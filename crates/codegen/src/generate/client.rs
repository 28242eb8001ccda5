//! The client crate: progenitor's client, with every type replaced by the types crate's, so the
//! client defines no type of its own.

use anyhow::bail;
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator};
use typify::TypeDetails;

use super::library_call;
use super::types::NamedType;

/// Generates the client of `spec`, reusing `named_types` from the types crate at `types_path` (`::refactor_types`).
pub fn generate_client(
    spec: &OpenAPI,
    types_path: &str,
    named_types: &[NamedType],
) -> anyhow::Result<TokenStream> {
    let mut settings = GenerationSettings::new();
    for ty in named_types {
        settings.with_replacement(
            &ty.name,
            format!("{types_path}::{}", ty.name),
            ty.impls.iter().copied(),
        );
    }
    let mut generator = Generator::new(&settings);
    let tokens = library_call("progenitor (client)", || generator.generate_tokens(spec))??;
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
