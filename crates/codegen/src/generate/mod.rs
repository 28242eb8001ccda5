//! Generation: one normalized document in, the three generated crates' sources out.
//!
//! Each crate has its own module: [`types`] (typify via progenitor), [`client`] (progenitor, with
//! the types crate's types), [`server_api`] (our own dropshot trait generator). All three read
//! the same normalized document, so they cannot disagree about it.

pub mod client;
pub mod constrained_strings;
pub mod examples;
mod failures;
pub mod format;
pub mod harness;
pub mod presence;
pub mod server_api;
pub mod timestamps;
pub mod type_index;
pub mod types;
pub mod typify_input;

use std::panic::{AssertUnwindSafe, catch_unwind};

use anyhow::{Context as _, anyhow};
use refactor_openapi::SpecError;
use serde_json::Value;

use self::format::{FileHeader, render, render_file};

/// Names that tie the generated crates together.
#[derive(Debug, Clone)]
pub struct CrateNames {
    /// The types crate (or module) as generated code names it, e.g. `::refactor_types`.
    pub types_path: String,
    /// The client crate (or module), e.g. `::refactor_client`.
    pub client_path: String,
    /// The server-api crate (or module), e.g. `::refactor_server_api`.
    pub server_api_path: String,
    /// The server API trait, e.g. `RefactorApi`.
    pub api_trait: String,
}

/// The three generated sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedSources {
    /// `crates/types/src/generated.rs`.
    pub types: String,
    /// `crates/client/src/generated.rs`.
    pub client: String,
    /// `crates/server-api/src/generated.rs`.
    pub server_api: String,
    /// The conformance harness of a generated workspace (see [`harness`]).
    pub harness: String,
}

/// Generates all three crates from a normalized document; `spec_label` goes into the banners.
///
/// The two halves share nothing but the document: the types and the client (typify and
/// progenitor), and the server API trait and the harness (our own generator). They run on
/// threads of their own (the first half on two, see [`types_and_client`]), which halves the
/// wait on a machine with two cores; an error is reported as if they had run one after the
/// other (the types' first).
pub fn generate_sources(
    document: &Value,
    names: &CrateNames,
    spec_label: &str,
) -> anyhow::Result<GeneratedSources> {
    let (library_half, own_half) = std::thread::scope(|scope| {
        let own_half = scope.spawn(|| server_api_and_harness(document, names, spec_label));
        let library_half = types_and_client(document, names, spec_label);
        (library_half, ours("server-api", own_half.join()))
    });
    let (types, client) = library_half?;
    let (server_api, harness) = own_half?;
    Ok(GeneratedSources {
        types,
        client,
        server_api,
        harness,
    })
}

/// The types crate's and the client crate's sources.
///
/// The client needs only the types' names: once typify has modelled the types, the client is
/// generated on a thread of its own while the types are rendered.
fn types_and_client(
    document: &Value,
    names: &CrateNames,
    spec_label: &str,
) -> anyhow::Result<(String, String)> {
    const TYPES_STAGE: &str = "failed to generate the types crate";
    let input = typify_input::typify_input(document);
    // The types come from a copy that tells nullable properties apart (see `presence`).
    let marked = presence::marked_for_typify(&input)?;
    let types = types::generate_types(&marked).map_err(|error| in_stage(error, TYPES_STAGE))?;
    let named_types = &types.named_types;
    let (types_source, client_source) = std::thread::scope(|scope| {
        let client_source =
            scope.spawn(|| client_source(&input, &names.types_path, named_types, spec_label));
        let types_source = catch_unwind(AssertUnwindSafe(|| {
            types
                .file()
                .map_err(|error| in_stage(error, TYPES_STAGE))
                .and_then(|file| types_source(&file, document, spec_label))
        }));
        (
            ours("types", types_source),
            ours("client", client_source.join()),
        )
    });
    Ok((types_source?, client_source?))
}

/// The types crate's source from its items.
fn types_source(
    file: &presence::TypesFile,
    document: &Value,
    spec_label: &str,
) -> anyhow::Result<String> {
    let mut source = render_file(
        &file.items,
        &FileHeader {
            spec_label,
            inner_attributes: "#![allow(missing_docs, clippy::all)]",
        },
        &file.tail,
        Some(&presence::RUNTIME),
    );
    source.push_str(&document_constant(document)?);
    Ok(source)
}

/// The client crate's source, its types those of the types crate at `types_path`.
fn client_source(
    input: &Value,
    types_path: &str,
    named_types: &[types::NamedType],
    spec_label: &str,
) -> anyhow::Result<String> {
    let client = client::generate_client(input, types_path, named_types)
        .map_err(|error| in_stage(error, "failed to generate the client crate"))?;
    render(
        client,
        &FileHeader {
            spec_label,
            inner_attributes: "#![allow(missing_docs, dead_code, clippy::all, clippy::unwrap_used)]",
        },
        None,
    )
}

/// The server-api crate's source and the conformance harness's.
fn server_api_and_harness(
    document: &Value,
    names: &CrateNames,
    spec_label: &str,
) -> anyhow::Result<(String, String)> {
    let server_api = server_api::generate_server_api(document, names)
        .context("failed to generate the server-api crate")?;
    let harness_tokens = harness::generate_harness(
        document,
        names,
        &server_api.operations,
        &server_api.signatures,
    )
    .map_err(|error| in_stage(error, "failed to generate the conformance harness"))?;
    let server_api_source = render(
        server_api.tokens,
        &FileHeader {
            spec_label,
            // A response enum holds its largest body inline, as the spec shapes it.
            inner_attributes: "#![allow(clippy::large_enum_variant)]",
        },
        Some(&server_api::RUNTIME),
    )?;
    let harness_source = render(
        harness_tokens,
        &FileHeader {
            spec_label,
            inner_attributes: "#![allow(missing_docs, clippy::all)]",
        },
        Some(&harness::RUNTIME),
    )?;
    Ok((server_api_source, harness_source))
}

/// `error` with the stage it happened in, unless it is a located [`SpecError`]: that one stays
/// the outermost error, for the caller to give it its file and line.
fn in_stage(error: anyhow::Error, stage: &'static str) -> anyhow::Error {
    if error.is::<SpecError>() {
        error
    } else {
        error.context(stage)
    }
}

/// `OPENAPI_DOCUMENT`: the normalized document as pretty JSON in a raw string, so code that needs
/// the spec's own schemas at run time (validating an import, say) reads exactly what the types
/// were generated from.
fn document_constant(document: &Value) -> anyhow::Result<String> {
    let json = serde_json::to_string_pretty(document)
        .context("failed to render the normalized document")?;
    let hashes = "#".repeat(longest_hash_run(&json) + 1);
    Ok(format!(
        "\n/// The normalized OpenAPI document (3.0.3) these types were generated from, as JSON.\n\
         pub const OPENAPI_DOCUMENT: &str = r{hashes}\"{json}\"{hashes};\n"
    ))
}

/// The longest run of `#` right after a `"`, so the raw string's delimiter cannot occur inside.
fn longest_hash_run(text: &str) -> usize {
    text.split('"')
        .skip(1)
        .map(|after_quote| after_quote.chars().take_while(|c| *c == '#').count())
        .max()
        .unwrap_or(0)
}

/// Runs a generator library, turning a panic inside it into an error.
///
/// progenitor and typify assert on inputs they do not handle; normalization is meant to keep
/// those inputs away, and this is the net for whatever it misses.
pub(crate) fn library_call<T>(library: &str, call: impl FnOnce() -> T) -> anyhow::Result<T> {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = catch_unwind(AssertUnwindSafe(call));
    std::panic::set_hook(previous_hook);
    outcome.map_err(|payload| anyhow!("{library} panicked: {}", panic_message(&*payload)))
}

/// The `outcome` of our own `part` of the generator, a panic in it an error with its message: a
/// panic of ours is a bug, reported like a library's (see [`library_call`], whose silenced panic
/// hook may be the one in force while it happens on another thread).
fn ours<T>(part: &str, outcome: std::thread::Result<anyhow::Result<T>>) -> anyhow::Result<T> {
    outcome.unwrap_or_else(|panic| {
        Err(anyhow!(
            "the {part} generator panicked: {}",
            panic_message(&*panic)
        ))
    })
}

/// A panic's message, as `panic!` gave it.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("no message")
}
