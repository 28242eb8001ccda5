//! The change report: what changed, grouped by operation and by schema, and who each change
//! breaks. This is also the JSON format (`cargo xtask api-diff --format json`), so every field
//! here is part of a stable, documented interface.

use serde::Serialize;

/// Which way the data of a schema flows, which decides who a change to it breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Sent by clients, read by servers: parameters and request bodies.
    Request,
    /// Sent by servers, read by clients: response bodies.
    Response,
}

impl Direction {
    /// `request` or `response`, as change ids start.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Response => "response",
        }
    }
}

/// Who a change can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Party {
    /// Code calling the API: through the generated client, or an existing client build.
    Clients,
    /// Code implementing the API: implementations of the generated server trait.
    Servers,
}

/// How a change breaks a party's existing code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aspect {
    /// The code no longer compiles against the regenerated crates.
    Compiles,
    /// The code still compiles (or is an existing build) but no longer works with the other
    /// side: requests are refused, responses fail to decode, the contract is not honoured.
    Behaves,
}

/// One way a change breaks one party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Effect {
    /// Who.
    pub party: Party,
    /// How.
    pub aspect: Aspect,
    /// Why, naming the Rust item where there is one.
    pub reason: String,
}

/// The summary of a change's effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Breaks existing clients and existing servers.
    BreakingForClientsAndServers,
    /// Breaks existing clients only.
    BreakingForClients,
    /// Breaks existing servers only.
    BreakingForServers,
    /// Breaks no one.
    Compatible,
}

impl Verdict {
    /// The verdict of a list of effects.
    pub fn of(effects: &[Effect]) -> Self {
        let clients = effects.iter().any(|e| e.party == Party::Clients);
        let servers = effects.iter().any(|e| e.party == Party::Servers);
        match (clients, servers) {
            (true, true) => Self::BreakingForClientsAndServers,
            (true, false) => Self::BreakingForClients,
            (false, true) => Self::BreakingForServers,
            (false, false) => Self::Compatible,
        }
    }

    /// Whether anyone is broken.
    pub fn is_breaking(self) -> bool {
        self != Self::Compatible
    }

    /// How the report prints it: `breaking for clients`, ...
    pub fn label(self) -> &'static str {
        match self {
            Self::BreakingForClientsAndServers => "breaking for clients and servers",
            Self::BreakingForClients => "breaking for clients",
            Self::BreakingForServers => "breaking for servers",
            Self::Compatible => "compatible",
        }
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The kind of change, stable across releases (`response-property-removed`).
    pub id: String,
    /// The summary of `effects`.
    pub verdict: Verdict,
    /// The direction the changed schema was checked in, for changes to schemas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// Where, as a JSON pointer into the new normalized document (the old one for removals).
    pub pointer: String,
    /// What changed, naming the Rust item where it helps.
    pub message: String,
    /// Who it breaks and why; empty when compatible.
    pub effects: Vec<Effect>,
}

impl Change {
    /// A change whose verdict follows from its effects.
    pub fn new(
        id: String,
        direction: Option<Direction>,
        pointer: String,
        message: String,
        effects: Vec<Effect>,
    ) -> Self {
        Self {
            id,
            verdict: Verdict::of(&effects),
            direction,
            pointer,
            message,
            effects,
        }
    }
}

/// The changes of one operation (its parameters, bodies, responses and security; schemas it
/// only names by reference are reported with the schema).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationChanges {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template (the new one, when the operation exists in both).
    pub path: String,
    /// The operation id (the new one, when the operation exists in both).
    pub operation_id: String,
    /// The trait method and client call, e.g. `list_run_gold_labels`.
    pub rust_method: String,
    /// What changed.
    pub changes: Vec<Change>,
}

/// The changes of one component schema, reported once however many operations use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaChanges {
    /// The component's name, as in `#/components/schemas/NAME`.
    pub name: String,
    /// The Rust type, e.g. `RunGoldLabel`.
    pub rust_type: String,
    /// The directions its changes were checked in: where both documents use it (both, when
    /// no operation does).
    pub directions: Vec<Direction>,
    /// The operations (trait methods and client calls) that use it, in either document.
    pub used_by: Vec<String>,
    /// What changed.
    pub changes: Vec<Change>,
}

/// Whether `info.version` moved as the changes require.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionCheck {
    /// `major-bumped`, `not-bumped` or `not-semver`.
    pub outcome: VersionOutcome,
    /// The old `info.version`.
    pub old: String,
    /// The new `info.version`.
    pub new: String,
    /// A sentence saying so.
    pub message: String,
}

/// The outcome of the version check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VersionOutcome {
    /// The major version (the minor one for 0.x) went up: breaking changes are announced.
    MajorBumped,
    /// A breaking change came without a major bump.
    NotBumped,
    /// A version is not `MAJOR.MINOR...`: the bump cannot be judged.
    NotSemver,
}

/// Everything that changed between two documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The format of this JSON, `refactor-api-diff/1`; bumped when a field changes meaning.
    pub format: &'static str,
    /// Whether any change breaks anyone.
    pub breaking: bool,
    /// Changes per operation, in the new document's order (removed operations last).
    pub operations: Vec<OperationChanges>,
    /// Changes per component schema, by name.
    pub schemas: Vec<SchemaChanges>,
    /// Changes to the document's security schemes.
    pub security_schemes: Vec<Change>,
    /// Present when there is a breaking change: whether `info.version` announces it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<VersionCheck>,
}

/// The value of [`Report::format`].
pub const FORMAT: &str = "refactor-api-diff/1";

impl Report {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty() && self.schemas.is_empty() && self.security_schemes.is_empty()
    }

    /// Every change, operations first.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.operations
            .iter()
            .flat_map(|o| &o.changes)
            .chain(self.schemas.iter().flat_map(|s| &s.changes))
            .chain(&self.security_schemes)
    }

    /// Whether a breaking change came without the major version bump that announces it.
    pub fn breaking_without_major_bump(&self) -> bool {
        self.version
            .as_ref()
            .is_some_and(|v| v.outcome == VersionOutcome::NotBumped)
    }
}
