//! The types crate: every component schema as a Rust type (serde + schemars), via progenitor's
//! typify type space so the client sees exactly the same types.

use openapiv3::OpenAPI;
use progenitor_impl::{GenerationSettings, Generator, TypeImpl};
use refactor_openapi::SpecError;
use serde::Deserialize as _;
use serde_json::Value;
use typify::TypeDetails;

use super::constrained_strings::document_constraints;
use super::failures::located_library_error;
use super::library_call;
use super::presence::{TypesFile, with_presence};
use super::type_index::TypeIndex;

/// A named type of the types crate and the traits typify implemented for it.
pub struct NamedType {
    /// The Rust name, e.g. `RunGoldLabel`.
    pub name: String,
    /// Implementations the client's generator may rely on.
    pub impls: Vec<TypeImpl>,
}

/// The types of a document as typify models them, before they are rendered.
pub struct TypesOutput {
    /// Every named type (struct, enum, newtype) in the types crate.
    pub named_types: Vec<NamedType>,
    /// The generator that holds the type space.
    generator: Generator,
}

impl TypesOutput {
    /// The types crate's `generated.rs` but its runtime ([`super::presence::RUNTIME`]).
    pub fn file(&self) -> anyhow::Result<TypesFile> {
        let mut file = with_presence(self.generator.get_type_space().to_stream())?;
        document_constraints(&mut file.items)?;
        Ok(file)
    }
}

/// Models the types of `input` (the document as typify reads it, see
/// [`super::typify_input`], with its nullable properties marked, see
/// [`super::presence::marked_for_typify`]); a schema typify cannot convert, or converts into a type no value
/// decodes into, is a [`SpecError`] at its pointer.
pub fn generate_types(input: &Value) -> anyhow::Result<TypesOutput> {
    let spec = parse(input)?;
    let generator = match run(&spec) {
        Ok(generator) => generator,
        Err(message) => {
            let fails = |document: &Value| parse(document).is_ok_and(|spec| run(&spec).is_err());
            return Err(located_library_error(input, &fails, &message));
        }
    };
    let type_space = generator.get_type_space();
    uninhabited_types_refused(&generator, input)?;
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
        named_types,
        generator,
    })
}

/// The document as openapiv3 reads it.
pub(crate) fn parse(document: &Value) -> anyhow::Result<OpenAPI> {
    OpenAPI::deserialize(document).map_err(|error| {
        anyhow::anyhow!("the normalized document is not OpenAPI 3.0 as openapiv3 reads it: {error}")
    })
}

/// Runs progenitor over the whole document, which fills the type space with everything the
/// operations use (normalization has already hoisted every inline type into a component).
fn run(spec: &OpenAPI) -> Result<Generator, String> {
    let mut settings = GenerationSettings::new();
    settings.with_derive("schemars::JsonSchema");
    let mut generator = Generator::new(&settings);
    match library_call("progenitor (types)", || generator.generate_tokens(spec)) {
        Ok(Ok(_)) => Ok(generator),
        Ok(Err(error)) => Err(error.to_string()),
        Err(panic) => Err(panic.to_string()),
    }
}

/// An enum without variants decodes nothing: typify writes one for a schema it could not model
/// (or one no value satisfies). Writing it would give a workspace whose every use of the type
/// fails at run time, so it is a located error instead.
fn uninhabited_types_refused(generator: &Generator, input: &Value) -> anyhow::Result<()> {
    let empty: Vec<String> = generator
        .get_type_space()
        .iter_types()
        .filter(|ty| matches!(ty.details(), TypeDetails::Enum(e) if e.variants().next().is_none()))
        .map(|ty| ty.name())
        .collect();
    let Some(name) = empty.first() else {
        return Ok(());
    };
    let index = TypeIndex::of(input);
    Err(SpecError::unsupported(
        &index.pointer_of(name),
        "schema",
        format!(
            "typify makes this schema `{name}`, an enum without variants that no value decodes \
             into (it cannot model the schema, or no value satisfies it); restate the schema in \
             spec/overlay.yaml"
        ),
    )
    .into())
}
