//! Every kind of change the report knows, its stable id, its message, and who it breaks: one
//! reviewed model of verdicts, in the manner of oasdiff's checker, but in the terms of the
//! generated crates.
//!
//! Two questions decide each verdict, for each party:
//! - **compiles**: does code written against the old generated crates still compile against the
//!   new ones? A Rust type that changes (`Option<String>` -> `String`, a field or variant that
//!   disappears, a client call that gains an argument, a trait method more) breaks the code
//!   that names it, whichever side that is.
//! - **behaves**: does existing code still work with the other side? Following the contract:
//!   a request schema that accepts less breaks the clients that send it, a response schema that
//!   allows more breaks the clients that decode it, and what the contract newly requires of a
//!   server (a property it must send, a credential it must check) breaks the implementations
//!   that do not do it yet.
//!
//! Schema changes are judged per direction: the same change has one id and verdict in a
//! request (`request-property-...`) and another in a response (`response-property-...`).

use crate::report::{Aspect, Change, Direction, Effect, Party};
use crate::site::Site;

/// How a change moves the set of values a schema accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Every old value is still valid, and more are.
    Widened,
    /// Every new value was valid, and some old ones no longer are.
    Narrowed,
    /// Neither: some old values are refused and some new ones allowed.
    Incomparable,
}

/// A change found inside a schema, before the direction it is used in is known.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaChange {
    /// `type` changed (or the schema became or stopped being an object or array).
    TypeChanged {
        /// The old type, as the spec spells it.
        from: String,
        /// The new type.
        to: String,
        /// How the accepted values moved.
        relation: Relation,
        /// The Rust types, when they differ.
        rust: Option<(String, String)>,
    },
    /// `format` changed, was added or removed.
    FormatChanged {
        /// The old format.
        from: Option<String>,
        /// The new format.
        to: Option<String>,
        /// How the accepted values moved.
        relation: Relation,
        /// The Rust types, when they differ.
        rust: Option<(String, String)>,
    },
    /// `nullable: true` added.
    BecameNullable {
        /// The field's Rust type gained an `Option`.
        rust_changed: bool,
    },
    /// `nullable: true` removed.
    BecameNotNullable {
        /// The field's Rust type lost its `Option`.
        rust_changed: bool,
    },
    /// An enum value added.
    EnumValueAdded(String),
    /// An enum value removed.
    EnumValueRemoved(String),
    /// A free value restricted to an enum.
    BecameEnum,
    /// An enum restriction lifted.
    EnumRemoved,
    /// A bound (`maximum`, `maxLength`, `pattern`, ...) now accepts less.
    ConstraintTightened {
        /// The keyword and its change, e.g. "`maxLength` 100 -> 50".
        what: String,
        /// The Rust types, when they differ.
        rust: Option<(String, String)>,
    },
    /// A bound now accepts more.
    ConstraintRelaxed {
        /// The keyword and its change.
        what: String,
        /// The Rust types, when they differ.
        rust: Option<(String, String)>,
    },
    /// A bound changed in a way that neither only tightens nor only relaxes (`pattern`).
    ConstraintChanged {
        /// The keyword and its change.
        what: String,
        /// The Rust types, when they differ.
        rust: Option<(String, String)>,
    },
    /// A property added; the site is the property.
    PropertyAdded {
        /// Whether it is required.
        required: bool,
        /// Whether the old object refused unknown properties (`additionalProperties: false`).
        closed_before: bool,
    },
    /// A property removed; the site is the property.
    PropertyRemoved {
        /// Whether it was required.
        was_required: bool,
        /// Whether the new object refuses unknown properties.
        closed_after: bool,
    },
    /// A property became required.
    PropertyBecameRequired {
        /// The field lost its `Option`.
        rust_changed: bool,
    },
    /// A property became optional.
    PropertyBecameOptional {
        /// The field gained an `Option`.
        rust_changed: bool,
    },
    /// `additionalProperties: false` added.
    AdditionalPropertiesForbidden,
    /// `additionalProperties: false` removed.
    AdditionalPropertiesAllowed,
    /// A `oneOf`/`anyOf` alternative added.
    VariantAdded(String),
    /// A `oneOf`/`anyOf` alternative removed.
    VariantRemoved(String),
    /// An `allOf` member added or removed.
    AllOfChanged(String),
    /// The schema now names another component.
    TypeRenamed {
        /// The old component.
        from: String,
        /// The new component.
        to: String,
    },
}

impl SchemaChange {
    /// The part of the id after `{direction}-{subject}-`.
    fn suffix(&self) -> &'static str {
        match self {
            Self::TypeChanged { .. } => "type-changed",
            Self::FormatChanged { .. } => "format-changed",
            Self::BecameNullable { .. } => "became-nullable",
            Self::BecameNotNullable { .. } => "became-not-nullable",
            Self::EnumValueAdded(_) => "enum-value-added",
            Self::EnumValueRemoved(_) => "enum-value-removed",
            Self::BecameEnum => "became-enum",
            Self::EnumRemoved => "enum-removed",
            Self::ConstraintTightened { .. } => "constraint-tightened",
            Self::ConstraintRelaxed { .. } => "constraint-relaxed",
            Self::ConstraintChanged { .. } => "constraint-changed",
            Self::PropertyAdded { required: true, .. } => "added-required",
            Self::PropertyAdded {
                required: false, ..
            } => "added-optional",
            Self::PropertyRemoved { .. } => "removed",
            Self::PropertyBecameRequired { .. } => "became-required",
            Self::PropertyBecameOptional { .. } => "became-optional",
            Self::AdditionalPropertiesForbidden => "additional-properties-forbidden",
            Self::AdditionalPropertiesAllowed => "additional-properties-allowed",
            Self::VariantAdded(_) => "variant-added",
            Self::VariantRemoved(_) => "variant-removed",
            Self::AllOfChanged(_) => "all-of-changed",
            Self::TypeRenamed { .. } => "type-renamed",
        }
    }

    /// What changed, at `site`.
    fn message(&self, site: &Site) -> String {
        let at = site.label();
        match self {
            Self::TypeChanged { from, to, .. } => {
                format!("type of {at} changed from `{from}` to `{to}`")
            }
            Self::FormatChanged { from, to, .. } => match (from, to) {
                (None, Some(to)) => format!("format `{to}` added to {at}"),
                (Some(from), None) => format!("format `{from}` removed from {at}"),
                (from, to) => format!(
                    "format of {at} changed from `{}` to `{}`",
                    from.as_deref().unwrap_or_default(),
                    to.as_deref().unwrap_or_default()
                ),
            },
            Self::BecameNullable { .. } => format!("{at} became nullable"),
            Self::BecameNotNullable { .. } => format!("{at} is no longer nullable"),
            Self::EnumValueAdded(value) => format!("enum value {value} added to {at}"),
            Self::EnumValueRemoved(value) => format!("enum value {value} removed from {at}"),
            Self::BecameEnum => format!("{at} restricted to a list of enum values"),
            Self::EnumRemoved => format!("{at} no longer restricted to a list of enum values"),
            Self::ConstraintTightened { what, .. } => format!("{at} tightened: {what}"),
            Self::ConstraintRelaxed { what, .. } => format!("{at} relaxed: {what}"),
            Self::ConstraintChanged { what, .. } => format!("{at} changed: {what}"),
            Self::PropertyAdded { required: true, .. } => format!("required {at} added"),
            Self::PropertyAdded {
                required: false, ..
            } => format!("optional {at} added"),
            Self::PropertyRemoved { .. } => format!("{at} removed"),
            Self::PropertyBecameRequired { .. } => format!("{at} became required"),
            Self::PropertyBecameOptional { .. } => format!("{at} became optional"),
            Self::AdditionalPropertiesForbidden => {
                format!("{at} no longer allows properties it does not list")
            }
            Self::AdditionalPropertiesAllowed => {
                format!("{at} now allows properties it does not list")
            }
            Self::VariantAdded(variant) => format!("alternative {variant} added to {at}"),
            Self::VariantRemoved(variant) => format!("alternative {variant} removed from {at}"),
            Self::AllOfChanged(what) => format!("`allOf` of {at} changed: {what}"),
            Self::TypeRenamed { from, to } => format!("{at} changed from `{from}` to `{to}`"),
        }
    }

    /// Who the change breaks when the schema at `site` is used in `direction`.
    fn effects(&self, site: &Site, direction: Direction) -> Vec<Effect> {
        let mut effects = Vec::new();
        let mut compile = |why: String| effects.extend(compile_effects(site, &why));
        match self {
            Self::TypeChanged { rust, .. }
            | Self::FormatChanged { rust, .. }
            | Self::ConstraintTightened { rust, .. }
            | Self::ConstraintRelaxed { rust, .. }
            | Self::ConstraintChanged { rust, .. } => {
                if let Some((from, to)) = rust {
                    compile(format!("its type changes from `{from}` to `{to}`"));
                }
            }
            Self::BecameNullable { rust_changed: true } => {
                compile("its type gains an `Option`".to_owned());
            }
            Self::BecameNotNullable { rust_changed: true } => {
                compile("its type loses its `Option`".to_owned());
            }
            Self::PropertyBecameRequired { rust_changed: true } => {
                compile("the field loses its `Option`".to_owned());
            }
            Self::PropertyBecameOptional { rust_changed: true } => {
                compile("the field becomes an `Option`".to_owned());
            }
            Self::EnumValueRemoved(value) => {
                compile(format!("the variant for {value} is gone"));
            }
            Self::BecameEnum => compile("it becomes an enum".to_owned()),
            Self::EnumRemoved => compile("it is no longer an enum".to_owned()),
            Self::PropertyRemoved { .. } => compile("the field is gone".to_owned()),
            Self::VariantRemoved(variant) => compile(format!("the variant for {variant} is gone")),
            Self::AllOfChanged(_) => compile("the merged struct changes".to_owned()),
            Self::TypeRenamed { from, to } => {
                compile(format!("it is `{to}` now, not `{from}`"));
            }
            _ => {}
        }
        // Adding a variant breaks the reader's exhaustive `match`es, not the writer's code.
        if let Self::EnumValueAdded(_) | Self::VariantAdded(_) = self {
            let (party, item) = match direction {
                Direction::Request => (Party::Servers, site.server_item()),
                Direction::Response => (Party::Clients, site.client_item()),
            };
            effects.push(Effect {
                party,
                aspect: Aspect::Compiles,
                reason: format!("a `match` on {item} that lists every variant no longer compiles"),
            });
        }
        effects.extend(self.behaviour(site, direction));
        effects
    }

    /// The contract's side of the verdict: who existing code stops working for.
    fn behaviour(&self, site: &Site, direction: Direction) -> Option<Effect> {
        let at = site.label();
        let clients = |reason: String| Effect {
            party: Party::Clients,
            aspect: Aspect::Behaves,
            reason,
        };
        let servers = |reason: String| Effect {
            party: Party::Servers,
            aspect: Aspect::Behaves,
            reason,
        };
        let relation = match self {
            Self::TypeChanged { relation, .. } | Self::FormatChanged { relation, .. } => *relation,
            Self::BecameNullable { .. }
            | Self::EnumValueAdded(_)
            | Self::EnumRemoved
            | Self::ConstraintRelaxed { .. }
            | Self::AdditionalPropertiesAllowed
            | Self::VariantAdded(_) => Relation::Widened,
            Self::BecameNotNullable { .. }
            | Self::EnumValueRemoved(_)
            | Self::BecameEnum
            | Self::ConstraintTightened { .. }
            | Self::AdditionalPropertiesForbidden
            | Self::VariantRemoved(_) => Relation::Narrowed,
            Self::ConstraintChanged { .. } | Self::AllOfChanged(_) => Relation::Incomparable,
            Self::PropertyAdded {
                required,
                closed_before,
            } => {
                return match direction {
                    Direction::Request if *required => Some(clients(format!(
                        "existing clients do not send {at}: their calls are refused"
                    ))),
                    Direction::Response if *closed_before => Some(clients(format!(
                        "existing clients refuse responses with {at}: the old type denies unknown fields"
                    ))),
                    Direction::Response if *required => Some(servers(format!(
                        "existing implementations do not send {at}: new clients fail to decode their responses"
                    ))),
                    _ => None,
                };
            }
            Self::PropertyRemoved {
                was_required,
                closed_after,
            } => {
                return match direction {
                    Direction::Request if *closed_after => Some(clients(format!(
                        "existing clients still send {at}: the new type refuses unknown fields"
                    ))),
                    Direction::Response if *was_required => Some(clients(format!(
                        "existing clients require {at}: they fail to decode responses without it"
                    ))),
                    _ => None,
                };
            }
            Self::PropertyBecameRequired { .. } => {
                return Some(match direction {
                    Direction::Request => clients(format!(
                        "existing clients may leave out {at}: those calls are refused"
                    )),
                    Direction::Response => servers(format!(
                        "existing implementations may leave out {at}: new clients fail to decode those responses"
                    )),
                });
            }
            Self::PropertyBecameOptional { .. } => {
                return match direction {
                    Direction::Request => None,
                    Direction::Response => Some(clients(format!(
                        "existing clients require {at}: they fail to decode responses without it"
                    ))),
                };
            }
            Self::TypeRenamed { .. } => return None,
        };
        match (direction, relation) {
            (Direction::Request, Relation::Narrowed | Relation::Incomparable) => Some(clients(
                format!("existing clients may send values of {at} that are now refused"),
            )),
            (Direction::Response, Relation::Widened | Relation::Incomparable) => Some(clients(
                format!("existing clients may receive values of {at} they cannot decode"),
            )),
            _ => None,
        }
    }

    /// The change, used in `direction` at `site`.
    pub fn into_change(self, site: &Site, direction: Direction) -> Change {
        Change::new(
            format!(
                "{}-{}-{}",
                direction.as_str(),
                site.subject().as_str(),
                self.suffix()
            ),
            Some(direction),
            site.pointer.as_str().to_owned(),
            self.message(site),
            self.effects(site, direction),
        )
    }
}

/// Code on both sides that names the item at `site` no longer compiles, because `why`.
fn compile_effects(site: &Site, why: &str) -> [Effect; 2] {
    [
        Effect {
            party: Party::Clients,
            aspect: Aspect::Compiles,
            reason: format!(
                "client code using {} no longer compiles: {why}",
                site.client_item()
            ),
        },
        Effect {
            party: Party::Servers,
            aspect: Aspect::Compiles,
            reason: format!(
                "server code using {} no longer compiles: {why}",
                site.server_item()
            ),
        },
    ]
}

/// A change to an operation itself.
#[derive(Debug, Clone, PartialEq)]
pub enum OperationChange {
    /// A new operation.
    EndpointAdded,
    /// An operation removed.
    EndpointRemoved,
    /// The operation became deprecated.
    EndpointDeprecated,
    /// Same method and path, another operation id.
    OperationIdChanged {
        /// The old trait method and client call.
        from: String,
    },
    /// A parameter added.
    ParameterAdded {
        /// Its location and name, e.g. "query parameter `limit`".
        label: String,
        /// Its Rust field name.
        field: String,
        /// Whether calls must carry it.
        required: bool,
        /// The operation had no parameter of this location: the trait method gains an argument.
        new_struct: Option<String>,
    },
    /// A parameter removed.
    ParameterRemoved {
        /// Its location and name.
        label: String,
        /// The generated field, e.g. `ListItemsQuery::limit`.
        field: String,
        /// The operation has no parameter of this location left.
        struct_gone: bool,
    },
    /// A path parameter renamed (the route is the same: variables match by position).
    ParameterRenamed {
        /// The old generated field, e.g. `GetRunPath::id`.
        from: String,
        /// The new generated field.
        to: String,
    },
    /// A parameter became required.
    ParameterBecameRequired {
        /// Its location and name.
        label: String,
        /// The generated field.
        field: String,
    },
    /// A parameter became optional.
    ParameterBecameOptional {
        /// Its location and name.
        label: String,
        /// The generated field.
        field: String,
    },
    /// A request body added.
    RequestBodyAdded {
        /// Whether calls must carry it.
        required: bool,
    },
    /// The request body removed.
    RequestBodyRemoved,
    /// The request body became required.
    RequestBodyBecameRequired,
    /// The request body became optional.
    RequestBodyBecameOptional,
    /// The request body's media type changed.
    RequestBodyMediaTypeChanged {
        /// The old media type.
        from: String,
        /// The new media type.
        to: String,
    },
    /// A response added.
    ResponseStatusAdded {
        /// Its key.
        status: String,
        /// Whether it is a 2xx.
        success: bool,
    },
    /// A response removed.
    ResponseStatusRemoved {
        /// Its key.
        status: String,
        /// Whether it is a 2xx.
        success: bool,
    },
    /// A response that had no body has one.
    ResponseBodyAdded {
        /// Its key.
        status: String,
    },
    /// A response that had a body has none.
    ResponseBodyRemoved {
        /// Its key.
        status: String,
    },
    /// A response's media type changed.
    ResponseMediaTypeChanged {
        /// Its key.
        status: String,
        /// The old media type.
        from: String,
        /// The new media type.
        to: String,
    },
    /// The operation's security requirements changed.
    SecurityChanged {
        /// Ways to authenticate (alternatives) the new document drops, `anonymous` included.
        removed: Vec<String>,
        /// Ways to authenticate the new document adds.
        added: Vec<String>,
    },
}

impl OperationChange {
    /// The id.
    fn id(&self) -> &'static str {
        match self {
            Self::EndpointAdded => "endpoint-added",
            Self::EndpointRemoved => "endpoint-removed",
            Self::EndpointDeprecated => "endpoint-deprecated",
            Self::OperationIdChanged { .. } => "operation-id-changed",
            Self::ParameterAdded { required: true, .. } => "request-parameter-added-required",
            Self::ParameterAdded {
                required: false, ..
            } => "request-parameter-added-optional",
            Self::ParameterRemoved { .. } => "request-parameter-removed",
            Self::ParameterRenamed { .. } => "request-parameter-renamed",
            Self::ParameterBecameRequired { .. } => "request-parameter-became-required",
            Self::ParameterBecameOptional { .. } => "request-parameter-became-optional",
            Self::RequestBodyAdded { required: true } => "request-body-added-required",
            Self::RequestBodyAdded { required: false } => "request-body-added-optional",
            Self::RequestBodyRemoved => "request-body-removed",
            Self::RequestBodyBecameRequired => "request-body-became-required",
            Self::RequestBodyBecameOptional => "request-body-became-optional",
            Self::RequestBodyMediaTypeChanged { .. } => "request-body-media-type-changed",
            Self::ResponseStatusAdded { success: true, .. } => "response-success-status-added",
            Self::ResponseStatusAdded { success: false, .. } => "response-non-success-status-added",
            Self::ResponseStatusRemoved { success: true, .. } => "response-success-status-removed",
            Self::ResponseStatusRemoved { success: false, .. } => {
                "response-non-success-status-removed"
            }
            Self::ResponseBodyAdded { .. } => "response-body-added",
            Self::ResponseBodyRemoved { .. } => "response-body-removed",
            Self::ResponseMediaTypeChanged { .. } => "response-media-type-changed",
            Self::SecurityChanged { removed, .. } if removed.iter().any(|r| r == ANONYMOUS) => {
                "security-added"
            }
            Self::SecurityChanged { added, .. } if added.iter().any(|a| a == ANONYMOUS) => {
                "security-removed"
            }
            Self::SecurityChanged { .. } => "security-changed",
        }
    }

    /// What changed, for the operation whose trait method and client call is `method`.
    fn message(&self, method: &str) -> String {
        match self {
            Self::EndpointAdded => {
                format!("operation added: trait method and client call `{method}`")
            }
            Self::EndpointRemoved => {
                format!("operation removed: trait method and client call `{method}`")
            }
            Self::EndpointDeprecated => format!("operation `{method}` deprecated"),
            Self::OperationIdChanged { from } => {
                format!("operation id changed: `{from}` is now `{method}`")
            }
            Self::ParameterAdded {
                label, required, ..
            } => format!(
                "{} {label} added",
                if *required { "required" } else { "optional" }
            ),
            Self::ParameterRemoved { label, .. } => format!("{label} removed"),
            Self::ParameterRenamed { from, to } => {
                format!("path parameter renamed: `{from}` is now `{to}`")
            }
            Self::ParameterBecameRequired { label, .. } => format!("{label} became required"),
            Self::ParameterBecameOptional { label, .. } => format!("{label} became optional"),
            Self::RequestBodyAdded { required } => format!(
                "{} request body added",
                if *required { "required" } else { "optional" }
            ),
            Self::RequestBodyRemoved => "request body removed".to_owned(),
            Self::RequestBodyBecameRequired => "request body became required".to_owned(),
            Self::RequestBodyBecameOptional => "request body became optional".to_owned(),
            Self::RequestBodyMediaTypeChanged { from, to } => {
                format!("request body media type changed from `{from}` to `{to}`")
            }
            Self::ResponseStatusAdded { status, .. } => format!("response `{status}` added"),
            Self::ResponseStatusRemoved { status, .. } => format!("response `{status}` removed"),
            Self::ResponseBodyAdded { status } => format!("response `{status}` now has a body"),
            Self::ResponseBodyRemoved { status } => {
                format!("response `{status}` no longer has a body")
            }
            Self::ResponseMediaTypeChanged { status, from, to } => {
                format!("response `{status}` media type changed from `{from}` to `{to}`")
            }
            Self::SecurityChanged { removed, added } => {
                let list = |items: &[String]| items.join(", ");
                if removed.iter().any(|r| r == ANONYMOUS) {
                    return format!("operation `{method}` now requires {}", list(added));
                }
                if added.iter().any(|a| a == ANONYMOUS) {
                    return format!(
                        "operation `{method}` no longer requires credentials (was {})",
                        list(removed)
                    );
                }
                match (removed.is_empty(), added.is_empty()) {
                    (false, false) => format!(
                        "security changed: accepts {} instead of {}",
                        list(added),
                        list(removed)
                    ),
                    (false, true) => {
                        format!("security narrowed: no longer accepts {}", list(removed))
                    }
                    _ => format!("security widened: now also accepts {}", list(added)),
                }
            }
        }
    }

    /// Who the change breaks, for the operation whose trait method and client call is `method`.
    fn effects(&self, method: &str) -> Vec<Effect> {
        let effect = |party, aspect, reason: String| Effect {
            party,
            aspect,
            reason,
        };
        let client_compiles = |reason: String| effect(Party::Clients, Aspect::Compiles, reason);
        let client_behaves = |reason: String| effect(Party::Clients, Aspect::Behaves, reason);
        let server_compiles = |reason: String| effect(Party::Servers, Aspect::Compiles, reason);
        let server_behaves = |reason: String| effect(Party::Servers, Aspect::Behaves, reason);
        match self {
            Self::EndpointAdded => vec![server_compiles(format!(
                "every implementation of the trait must add the method `{method}`"
            ))],
            Self::EndpointRemoved => vec![
                client_compiles(format!("client code calling `{method}` no longer compiles")),
                client_behaves("existing clients calling it get 404".to_owned()),
                server_compiles(format!(
                    "implementations defining `{method}` no longer compile (not a member of the trait)"
                )),
            ],
            Self::EndpointDeprecated => Vec::new(),
            Self::OperationIdChanged { from } => vec![
                client_compiles(format!("client code calling `{from}` no longer compiles")),
                server_compiles(format!(
                    "implementations defining `{from}` no longer compile: the trait method is `{method}`"
                )),
            ],
            Self::ParameterAdded {
                label,
                field,
                required,
                new_struct,
            } => {
                let mut effects = vec![client_compiles(format!(
                    "calls of `{method}` no longer compile: it takes a new argument `{field}` (progenitor passes every parameter)"
                ))];
                if *required {
                    effects.push(client_behaves(format!(
                        "existing clients do not send {label}: their calls are refused"
                    )));
                }
                if let Some(new_struct) = new_struct {
                    effects.push(server_compiles(format!(
                        "implementations of `{method}` no longer compile: it takes a new argument of type `{new_struct}`"
                    )));
                }
                effects
            }
            Self::ParameterRemoved {
                field, struct_gone, ..
            } => vec![
                client_compiles(format!(
                    "calls of `{method}` no longer compile: it lost an argument"
                )),
                server_compiles(if *struct_gone {
                    format!(
                        "implementations of `{method}` no longer compile: the argument holding `{field}` is gone"
                    )
                } else {
                    format!("server code reading `{field}` no longer compiles")
                }),
            ],
            Self::ParameterRenamed { from, .. } => vec![server_compiles(format!(
                "server code reading `{from}` no longer compiles (client calls pass it by position)"
            ))],
            Self::ParameterBecameRequired { label, field } => vec![
                client_compiles(format!(
                    "calls of `{method}` passing an `Option` for {label} no longer compile"
                )),
                client_behaves(format!(
                    "existing clients may leave out {label}: those calls are refused"
                )),
                server_compiles(format!(
                    "server code reading `{field}` no longer compiles: it loses its `Option`"
                )),
            ],
            Self::ParameterBecameOptional { label, field } => vec![
                client_compiles(format!(
                    "calls of `{method}` no longer compile: {label} is an `Option` now"
                )),
                server_compiles(format!(
                    "server code reading `{field}` no longer compiles: it becomes an `Option`"
                )),
            ],
            Self::RequestBodyAdded { required } => {
                let mut effects = vec![
                    client_compiles(format!(
                        "calls of `{method}` no longer compile: it takes a `body` argument"
                    )),
                    server_compiles(format!(
                        "implementations of `{method}` no longer compile: it takes a `TypedBody` argument"
                    )),
                ];
                if *required {
                    effects.push(client_behaves(
                        "existing clients send no body: their calls are refused".to_owned(),
                    ));
                }
                effects
            }
            Self::RequestBodyRemoved => vec![
                client_compiles(format!(
                    "calls of `{method}` no longer compile: it takes no `body` argument"
                )),
                server_compiles(format!(
                    "implementations of `{method}` no longer compile: it takes no body argument"
                )),
            ],
            Self::RequestBodyBecameRequired => vec![client_behaves(
                "clients that send no body are refused (the generated client always sends one)"
                    .to_owned(),
            )],
            Self::RequestBodyBecameOptional => Vec::new(),
            Self::RequestBodyMediaTypeChanged { .. } => vec![
                client_compiles(format!(
                    "calls of `{method}` no longer compile: the body argument's type changes"
                )),
                client_behaves(
                    "existing clients send the old media type: their calls are refused".to_owned(),
                ),
                server_compiles(format!(
                    "implementations of `{method}` no longer compile: the body extractor changes"
                )),
            ],
            Self::ResponseStatusAdded { status, success } => {
                if *success {
                    vec![client_behaves(format!(
                        "existing clients treat a `{status}` as an unexpected response"
                    ))]
                } else {
                    Vec::new()
                }
            }
            Self::ResponseStatusRemoved { status, .. } => vec![server_compiles(format!(
                "server code returning the `{status}` variant of `{method}`'s response enum no longer compiles"
            ))],
            Self::ResponseBodyAdded { status } => vec![
                client_compiles(format!(
                    "client code using the `{status}` value of `{method}` no longer compiles: it carries a body now"
                )),
                server_compiles(format!(
                    "server code returning the `{status}` variant of `{method}` no longer compiles: it carries a body now"
                )),
            ],
            Self::ResponseBodyRemoved { status } => vec![
                client_compiles(format!(
                    "client code using the `{status}` value of `{method}` no longer compiles: it has no body"
                )),
                client_behaves(format!(
                    "existing clients fail to decode the empty `{status}` response"
                )),
                server_compiles(format!(
                    "server code returning the `{status}` variant of `{method}` no longer compiles: it has no body"
                )),
            ],
            Self::ResponseMediaTypeChanged { status, .. } => vec![
                client_compiles(format!(
                    "client code using the `{status}` value of `{method}` no longer compiles: its type changes"
                )),
                client_behaves(format!(
                    "existing clients fail to decode the `{status}` response"
                )),
                server_compiles(format!(
                    "server code returning the `{status}` variant of `{method}` no longer compiles: its type changes"
                )),
            ],
            Self::SecurityChanged { removed, added } if removed.iter().any(|r| r == ANONYMOUS) => {
                vec![
                    client_behaves(
                        "existing clients calling without credentials are refused (401)".to_owned(),
                    ),
                    server_behaves(format!(
                        "existing implementations that do not check {} serve callers the spec now refuses",
                        added.join(" or ")
                    )),
                ]
            }
            Self::SecurityChanged { removed, added } if added.iter().any(|a| a == ANONYMOUS) => {
                vec![server_behaves(format!(
                    "existing implementations still require {}: they refuse callers without credentials, whom the spec admits",
                    removed.join(" or ")
                ))]
            }
            Self::SecurityChanged { removed, added } => {
                let mut effects = Vec::new();
                if !removed.is_empty() {
                    effects.push(client_behaves(format!(
                        "existing clients calling with {} are refused (401)",
                        removed.join(" or ")
                    )));
                }
                if !added.is_empty() {
                    effects.push(server_behaves(format!(
                        "existing implementations do not accept {}: they refuse callers the spec admits",
                        added.join(" or ")
                    )));
                }
                effects
            }
        }
    }

    /// The change, for the operation whose trait method and client call is `method`.
    pub fn into_change(self, method: &str, pointer: String) -> Change {
        Change::new(
            self.id().to_owned(),
            None,
            pointer,
            self.message(method),
            self.effects(method),
        )
    }
}

/// How a security alternative that needs no credential is named.
pub const ANONYMOUS: &str = "no credentials";

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
