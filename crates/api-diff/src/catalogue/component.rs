//! Changes to components outside any operation: schemas added or removed (their Rust types)
//! and security schemes.

use crate::report::{Aspect, Change, Effect, Party};

/// A change to the document's components outside any operation.
#[derive(Debug, Clone, PartialEq)]
pub enum ComponentChange {
    /// A component schema added: a new Rust type.
    SchemaAdded(String),
    /// A component schema removed: its Rust type is gone.
    SchemaRemoved(String),
    /// A security scheme added.
    SecuritySchemeAdded(String),
    /// A security scheme removed.
    SecuritySchemeRemoved(String),
    /// A security scheme's definition changed.
    SecuritySchemeChanged(String),
}

impl ComponentChange {
    /// The change.
    pub fn into_change(self, pointer: String) -> Change {
        let (id, message, effects) = match self {
            Self::SchemaAdded(name) => (
                "schema-added",
                format!("schema `{name}` added: type `{}`", rust_type_name(&name)),
                Vec::new(),
            ),
            Self::SchemaRemoved(name) => {
                let rust = rust_type_name(&name);
                (
                    "schema-removed",
                    format!("schema `{name}` removed: type `{rust}`"),
                    vec![
                        Effect {
                            party: Party::Clients,
                            aspect: Aspect::Compiles,
                            reason: format!("client code naming `{rust}` no longer compiles"),
                        },
                        Effect {
                            party: Party::Servers,
                            aspect: Aspect::Compiles,
                            reason: format!("server code naming `{rust}` no longer compiles"),
                        },
                    ],
                )
            }
            Self::SecuritySchemeAdded(name) => (
                "security-scheme-added",
                format!("security scheme `{name}` added"),
                Vec::new(),
            ),
            Self::SecuritySchemeRemoved(name) => (
                "security-scheme-removed",
                format!("security scheme `{name}` removed"),
                Vec::new(),
            ),
            Self::SecuritySchemeChanged(name) => (
                "security-scheme-changed",
                format!("security scheme `{name}` changed"),
                vec![
                    Effect {
                        party: Party::Clients,
                        aspect: Aspect::Behaves,
                        reason: format!(
                            "existing clients present `{name}` credentials the old way: they are refused"
                        ),
                    },
                    Effect {
                        party: Party::Servers,
                        aspect: Aspect::Behaves,
                        reason: format!(
                            "existing implementations check `{name}` credentials the old way"
                        ),
                    },
                ],
            ),
        };
        Change::new(id.to_owned(), None, pointer, message, effects)
    }
}

fn rust_type_name(name: &str) -> String {
    refactor_openapi::naming::type_name(name)
}
