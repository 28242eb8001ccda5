//! Changes to an operation itself: its existence and id, parameters, request body, responses and
//! security. Their verdicts name the trait method and client call.

use crate::report::{Aspect, Change, Effect, Party};

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
