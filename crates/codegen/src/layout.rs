//! What a generated workspace is made of: its crates, the libraries each one depends on, and the
//! generated source each one holds. This workspace, standalone workspaces and the snapshot
//! fixtures are three mappings of this one description to paths.

use crate::generate::GeneratedSources;

/// A crate the generator writes (or, in this workspace, whose `generated.rs` it writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeneratedCrate {
    /// Every schema as a Rust type.
    Types,
    /// The progenitor client, using the types crate's types.
    Client,
    /// The dropshot API trait servers implement.
    ServerApi,
    /// The conformance harness: a stub server and a call of every operation.
    Conformance,
}

impl GeneratedCrate {
    /// Every crate, dependencies before their dependents.
    pub const ALL: [Self; 4] = [
        Self::Types,
        Self::Client,
        Self::ServerApi,
        Self::Conformance,
    ];

    /// Its directory in a standalone workspace, and the suffix of its package name.
    pub fn dir(self) -> &'static str {
        match self {
            Self::Types => "types",
            Self::Client => "client",
            Self::ServerApi => "server-api",
            Self::Conformance => "conformance",
        }
    }

    /// Its module name where the crates are modules of one crate (the snapshot fixtures).
    pub fn module(self) -> &'static str {
        match self {
            Self::Types => "types",
            Self::Client => "client",
            Self::ServerApi => "server_api",
            Self::Conformance => "harness",
        }
    }

    /// One line saying what it is, for its `lib.rs`.
    pub fn summary(self) -> &'static str {
        match self {
            Self::Types => "The API's types, generated from the spec.",
            Self::Client => "The API's client, generated with progenitor.",
            Self::ServerApi => "The API as a dropshot API trait.",
            Self::Conformance => {
                "The conformance harness: a stub server and a call of every operation."
            }
        }
    }

    /// The libraries its generated source uses, as named in `[workspace.dependencies]`.
    pub fn libraries(self) -> &'static [&'static str] {
        match self {
            Self::Types => &[
                "chrono",
                "regress",
                "schemars",
                "serde",
                "serde_json",
                "uuid",
            ],
            Self::Client => &[
                "base64",
                "bytes",
                "chrono",
                "futures",
                "futures-core",
                "progenitor-client",
                "rand",
                "reqwest",
                "serde",
                "serde_json",
                "uuid",
            ],
            Self::ServerApi => &[
                "async-trait",
                "bytes",
                "chrono",
                "dropshot",
                "http",
                "schemars",
                "serde",
                "serde_json",
                "uuid",
            ],
            Self::Conformance => &[
                "dropshot",
                "expectorate",
                "progenitor-client",
                "refactor-openapi",
                "serde",
                "serde_json",
                "tokio",
            ],
        }
    }

    /// The generated crates it depends on.
    pub fn generated_dependencies(self) -> &'static [GeneratedCrate] {
        match self {
            Self::Types => &[],
            Self::Client | Self::ServerApi => &[Self::Types],
            Self::Conformance => &[Self::Types, Self::Client, Self::ServerApi],
        }
    }

    /// The generated crates it re-exports under their module name (`pub use <crate> as <module>`),
    /// so the harness reaches the client the way the snapshot fixtures do.
    pub fn reexports(self) -> &'static [GeneratedCrate] {
        match self {
            Self::Client => &[Self::Types],
            Self::Conformance => &[Self::Client],
            Self::Types | Self::ServerApi => &[],
        }
    }

    /// Its generated source.
    pub fn source(self, sources: &GeneratedSources) -> &str {
        match self {
            Self::Types => &sources.types,
            Self::Client => &sources.client,
            Self::ServerApi => &sources.server_api,
            Self::Conformance => &sources.harness,
        }
    }
}

/// Every library some generated crate uses, sorted and without repeats.
pub fn all_libraries() -> Vec<&'static str> {
    let mut libraries: Vec<&'static str> = GeneratedCrate::ALL
        .iter()
        .flat_map(|krate| krate.libraries().iter().copied())
        .collect();
    libraries.sort_unstable();
    libraries.dedup();
    libraries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_come_before_their_dependents() {
        for (index, krate) in GeneratedCrate::ALL.iter().enumerate() {
            for dependency in krate.generated_dependencies() {
                let position = GeneratedCrate::ALL.iter().position(|k| k == dependency);
                assert!(
                    position.is_some_and(|p| p < index),
                    "{krate:?} -> {dependency:?}"
                );
            }
        }
    }

    #[test]
    fn reexported_crates_are_dependencies() {
        for krate in GeneratedCrate::ALL {
            for reexport in krate.reexports() {
                assert!(krate.generated_dependencies().contains(reexport));
            }
        }
    }
}
