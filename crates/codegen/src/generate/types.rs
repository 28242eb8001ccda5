//! The types crate: every component schema as a Rust type (serde + schemars), via progenitor's
//! typify type space so the client sees exactly the same types.

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator, TypeImpl};
use typify::TypeDetails;

use super::library_call;
use super::presence::with_presence;

/// A named type of the types crate and the traits typify implemented for it.
pub struct NamedType {
    /// The Rust name, e.g. `RunGoldLabel`.
    pub name: String,
    /// Implementations the client's generator may rely on.
    pub impls: Vec<TypeImpl>,
}

/// The generated types and the generator that holds their type space.
pub struct TypesOutput {
    /// The types crate's `generated.rs`, unformatted.
    pub tokens: TokenStream,
    /// Every named type (struct, enum, newtype) in the types crate.
    pub named_types: Vec<NamedType>,
    /// The generator, kept for its type space (field names, required properties).
    pub generator: Generator,
}

/// Generates the types of `spec`, which must be the normalized document
/// [`marked_for_typify`](super::presence::marked_for_typify).
pub fn generate_types(spec: &OpenAPI) -> anyhow::Result<TypesOutput> {
    let mut settings = GenerationSettings::new();
    settings.with_derive("schemars::JsonSchema");
    let mut generator = Generator::new(&settings);
    // Running the whole client generation fills the type space with everything the operations
    // use; normalization has already hoisted every inline type into a component.
    library_call("progenitor (types)", || generator.generate_tokens(spec))??;
    let type_space = generator.get_type_space();
    let tokens = with_presence(type_space.to_stream())?;
    let named_types = type_space
        .iter_types()
        .filter(|ty| {
            matches!(
                ty.details(),
                TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_)
            )
        })
        .map(|ty| NamedType {
            name: ty.name(),
            impls: [
                TypeImpl::Default,
                TypeImpl::Display,
                TypeImpl::FromStr,
                TypeImpl::FromStringIrrefutable,
            ]
            .into_iter()
            .filter(|candidate| ty.has_impl(*candidate))
            .collect(),
        })
        .collect();
    Ok(TypesOutput {
        tokens,
        named_types,
        generator,
    })
}
