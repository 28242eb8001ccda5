//! Changes inside a schema: the same change gets one id and verdict per direction it is used
//! in, `{request|response}-{subject}-{change}`.

use super::Relation;
use crate::report::{Aspect, Change, Direction, Effect, Party};
use crate::site::Site;

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
        /// The field's type around the value's, when it changed (`Option<T>` to `Nullable<T>`).
        rust: Option<(String, String)>,
    },
    /// `nullable: true` removed.
    BecameNotNullable {
        /// The field's type around the value's, when it changed.
        rust: Option<(String, String)>,
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
        /// The field's type around the value's, when it changed (`Option<T>` to `T`).
        rust: Option<(String, String)>,
    },
    /// A property became optional.
    PropertyBecameOptional {
        /// The field's type around the value's, when it changed.
        rust: Option<(String, String)>,
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
            Self::BecameNullable {
                rust: Some((from, to)),
            }
            | Self::BecameNotNullable {
                rust: Some((from, to)),
            } => {
                compile(format!("its type changes from `{from}` to `{to}`"));
            }
            Self::PropertyBecameRequired {
                rust: Some((from, to)),
            }
            | Self::PropertyBecameOptional {
                rust: Some((from, to)),
            } => {
                compile(format!("the field changes from `{from}` to `{to}`"));
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
