//! Normalization: any supported OpenAPI document -> the OpenAPI 3.0.3 dialect every generator
//! reads, as a pure function over the document value.
//!
//! The steps run in a fixed order, each in its own module:
//! 1. [`version`]: the `openapi` field and 3.1-only top-level members; [`references`]: every
//!    `$ref` resolves inside the document; [`cycles`]: and leads to a definition, not back to
//!    itself;
//! 2. [`dialect`]: 3.1 schema keywords in their 3.0 form;
//! 3. [`parameters`]: path-level parameters copied into each operation; non-scalar parameters
//!    (which dropshot cannot read) sent as strings;
//!    [`routes`]: paths as dropshot's router holds them;
//! 4. [`responses`] and [`request_bodies`]: malformed responses repaired and request bodies
//!    brought to forms client and server handle (with warnings);
//! 5. [`operation_ids`]: a derived id for every operation without one;
//! 6. [`inline_schemas`]: inline schemas that would become types hoisted into components;
//! 7. [`response_kinds`]: one success type and one error type per operation.

mod cycles;
mod dialect;
mod inline_schemas;
pub mod operation_ids;
pub mod operations;
mod parameters;
mod references;
mod request_bodies;
mod response_kinds;
mod responses;
mod routes;
mod rust_names;
pub mod schema_walk;
mod type_names;
mod unions;
mod version;

use std::collections::BTreeMap;

use serde_json::Value;

pub use inline_schemas::{is_form_media_type, is_json_media_type};
pub use version::NORMALIZED_VERSION;

use crate::error::{SpecError, Warning};
use crate::pointer::Pointer;

/// A normalized document and what normalization had to degrade on the way.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The OpenAPI 3.0.3 document.
    pub document: Value,
    /// One entry per degraded construct.
    pub warnings: Vec<Warning>,
    /// Where the components normalization made of inline schemas came from.
    pub origins: Origins,
}

/// The components normalization made of inline schemas, by name, and where in the source
/// document each one was (its first use), so a problem found in one can be shown there.
#[derive(Debug, Clone, Default)]
pub struct Origins(pub BTreeMap<String, Pointer>);

impl Origins {
    /// The pointer into the source document of a place in the normalized one: the same, except
    /// inside a component made of an inline schema, which is where that schema was.
    pub fn source_pointer(&self, pointer: &Pointer) -> Pointer {
        let mut tokens = pointer.tokens();
        let (Some(components), Some(schemas), Some(name)) =
            (tokens.next(), tokens.next(), tokens.next())
        else {
            return pointer.clone();
        };
        match self.0.get(&name) {
            Some(origin) if components == "components" && schemas == "schemas" => {
                tokens.fold(origin.clone(), |at, token| at.key(&token))
            }
            _ => pointer.clone(),
        }
    }
}

/// Normalizes `document`; errors and warnings name JSON pointers into it.
pub fn normalize(document: &Value) -> Result<Normalized, SpecError> {
    let mut document = document.clone();
    let mut warnings = Vec::new();
    version::to_openapi_303(&mut document, &mut warnings)?;
    let references = references::resolved_references(&document)?;
    cycles::references_terminate(&document, &references)?;
    dialect::to_openapi_30_schemas(&mut document, &mut warnings)?;
    parameters::scalar_parameters(&mut document, &mut warnings)?;
    parameters::parameters_not_nullable(&mut document, &mut warnings);
    parameters::inline_path_parameters(&mut document)?;
    parameters::path_parameters_match_template(&mut document, &mut warnings)?;
    routes::routable_paths(&mut document, &mut warnings)?;
    responses::repair_responses(&mut document, &mut warnings)?;
    request_bodies::normalize_request_bodies(&mut document, &mut warnings)?;
    operation_ids::assign_operation_ids(&mut document)?;
    let origins = Origins(inline_schemas::hoist_inline_schemas(&mut document)?);
    response_kinds::unify_response_kinds(&mut document, &mut warnings)?;
    type_names::name_inline_types(&mut document)?;
    rust_names::rust_names_are_distinct(&document)?;
    Ok(Normalized {
        document,
        warnings,
        origins,
    })
}
