//! Comparing two schemas keyword by keyword, following their structure (properties, items,
//! map values, alternatives) but not their references: a `$ref` to the same component on both
//! sides ends the walk, because that component is compared once, on its own, with every
//! direction it is used in.

use std::collections::{BTreeMap, BTreeSet};

use refactor_openapi::Pointer;
use refactor_openapi::resolve;
use serde_json::{Map, Value};

use crate::catalogue::{Relation, SchemaChange};
use crate::report::{Aspect, Change, Direction, Verdict};
use crate::rust_type::{FieldWrapper, field_wrapper, is_nullable, referenced_name, rust_type};
use crate::site::{Site, Step};

/// How deep a walk through inline schemas goes: normalized documents are far shallower, and a
/// walk through renamed components that refer to each other stops here at the latest.
const MAX_DEPTH: usize = 64;

/// The two documents a comparison reads schemas from.
#[derive(Clone, Copy)]
pub struct Documents<'a> {
    /// The old document.
    pub old: &'a Value,
    /// The new document.
    pub new: &'a Value,
}

/// A change and where it is.
#[derive(Debug, Clone)]
pub struct Finding {
    /// What changed.
    pub change: SchemaChange,
    /// Where.
    pub site: Site,
    /// Inside a schema that now names another type: that rename already breaks the code using
    /// it, so only the change's behaviour counts.
    pub within_renamed: bool,
}

impl Finding {
    /// The change, judged in `direction`.
    pub fn into_change(self, direction: Direction) -> Change {
        let mut change = self.change.into_change(&self.site, direction);
        if self.within_renamed {
            change
                .effects
                .retain(|effect| effect.aspect == Aspect::Behaves);
            change.verdict = Verdict::of(&change.effects);
        }
        change
    }
}

/// What a schema is compared as: whether it is a required field matters for its Rust type.
#[derive(Debug, Clone, Copy)]
pub struct Role {
    /// `Some(required)` for a property or parameter; `None` for a body or a component.
    pub required: Option<bool>,
}

/// Compares the schemas `old` and `new` found at `site` (whose pointer is into the new
/// document; `old_pointer` is the same place in the old one).
pub fn compare_schemas(
    documents: Documents<'_>,
    site: &Site,
    old_pointer: &Pointer,
    old: &Value,
    new: &Value,
    role: Role,
) -> Vec<Finding> {
    let mut walk = Walk {
        documents,
        findings: Vec::new(),
        renamed_pairs: BTreeSet::new(),
        within_renamed: 0,
    };
    walk.compare(site, old_pointer, old, new, role, 0);
    walk.findings
}

struct Walk<'a> {
    documents: Documents<'a>,
    findings: Vec<Finding>,
    /// Pairs of components compared in place because one replaced the other.
    renamed_pairs: BTreeSet<(String, String)>,
    /// How many renamed pairs the walk is inside.
    within_renamed: usize,
}

impl Walk<'_> {
    fn report(&mut self, change: SchemaChange, site: &Site) {
        self.findings.push(Finding {
            change,
            site: site.clone(),
            within_renamed: self.within_renamed > 0,
        });
    }

    fn compare(
        &mut self,
        site: &Site,
        old_pointer: &Pointer,
        old: &Value,
        new: &Value,
        role: Role,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let Documents {
            old: old_doc,
            new: new_doc,
        } = self.documents;
        match (referenced_name(old), referenced_name(new)) {
            (Some(old_name), Some(new_name)) if old_name == new_name => {
                // The component is compared on its own; only a wrapper's `nullable` is here.
                self.compare_nullable(site, old, new, role, Nullability::OfWrapper);
                return;
            }
            (Some(old_name), Some(new_name)) => {
                self.report(
                    SchemaChange::TypeRenamed {
                        from: refactor_openapi::naming::type_name(&old_name),
                        to: refactor_openapi::naming::type_name(&new_name),
                    },
                    site,
                );
                if !self.renamed_pairs.insert((old_name, new_name)) {
                    return;
                }
                self.within_renamed += 1;
                self.compare_resolved(site, old_pointer, old, new, role, depth);
                self.within_renamed -= 1;
                return;
            }
            (None, None) => {}
            (_, _) => {
                // A reference on one side only: a rename when the structure keeps its type
                // (`string` -> a named string type), else a type change, reported below.
                let (from, to) = (rust_type(old_doc, old), rust_type(new_doc, new));
                let same_type = type_of(resolve::through_aliases(old_doc, old))
                    == type_of(resolve::through_aliases(new_doc, new));
                if from != to && same_type {
                    self.report(SchemaChange::TypeRenamed { from, to }, site);
                    self.within_renamed += 1;
                    self.compare_resolved(site, old_pointer, old, new, role, depth);
                    self.within_renamed -= 1;
                    return;
                }
            }
        }
        self.compare_resolved(site, old_pointer, old, new, role, depth);
    }

    /// Compares two schemas through their aliases, keyword by keyword.
    fn compare_resolved(
        &mut self,
        site: &Site,
        old_pointer: &Pointer,
        old: &Value,
        new: &Value,
        role: Role,
        depth: usize,
    ) {
        let (old_doc, new_doc) = (self.documents.old, self.documents.new);
        let o = resolve::through_aliases(old_doc, old);
        let n = resolve::through_aliases(new_doc, new);
        if self.compare_type(site, (old, o), (new, n)) {
            return;
        }
        let mut rust_change = {
            let (from, to) = (rust_type(old_doc, o), rust_type(new_doc, n));
            (from != to).then_some((from, to))
        };
        self.compare_format(site, o, n, &mut rust_change);
        self.compare_nullable(site, old, new, role, Nullability::Followed);
        self.compare_enum(site, o, n);
        self.compare_constraints(site, o, n, &mut rust_change);
        self.compare_object(site, old_pointer, o, n, depth);
        if let (Some(old_items), Some(new_items)) = (o.get("items"), n.get("items")) {
            self.compare(
                &site.step(Step::Items, site.pointer.key("items")),
                &old_pointer.key("items"),
                old_items,
                new_items,
                Role { required: None },
                depth + 1,
            );
        }
        for keyword in ["oneOf", "anyOf", "allOf"] {
            self.compare_members(site, old_pointer, o, n, keyword, depth);
        }
    }

    /// Reports a change of type; true when it did (nothing below it is worth comparing).
    /// `old` and `new` as written, and as resolved.
    fn compare_type(
        &mut self,
        site: &Site,
        (old, o): (&Value, &Value),
        (new, n): (&Value, &Value),
    ) -> bool {
        let (from, to) = (type_of(o), type_of(n));
        if from == to {
            return false;
        }
        let relation = match (from, to) {
            (Some("integer"), Some("number")) | (Some(_), None) => Relation::Widened,
            (Some("number"), Some("integer")) | (None, Some(_)) => Relation::Narrowed,
            _ => Relation::Incomparable,
        };
        let (rust_from, rust_to) = (
            rust_type(self.documents.old, old),
            rust_type(self.documents.new, new),
        );
        self.report(
            SchemaChange::TypeChanged {
                from: from.unwrap_or("any").to_owned(),
                to: to.unwrap_or("any").to_owned(),
                relation,
                rust: (rust_from != rust_to).then_some((rust_from, rust_to)),
            },
            site,
        );
        true
    }

    fn compare_format(
        &mut self,
        site: &Site,
        o: &Value,
        n: &Value,
        rust_change: &mut Option<(String, String)>,
    ) {
        let from = o.get("format").and_then(Value::as_str);
        let to = n.get("format").and_then(Value::as_str);
        if from == to {
            return;
        }
        let relation = match (from, to) {
            (None, Some(_)) => Relation::Narrowed,
            (Some(_), None) => Relation::Widened,
            (Some(from), Some(to)) => match (integer_width(from), integer_width(to)) {
                (Some(a), Some(b)) if a < b => Relation::Widened,
                (Some(a), Some(b)) if a > b => Relation::Narrowed,
                _ => Relation::Incomparable,
            },
            (None, None) => Relation::Incomparable,
        };
        self.report(
            SchemaChange::FormatChanged {
                from: from.map(str::to_owned),
                to: to.map(str::to_owned),
                relation,
                rust: rust_change.take(),
            },
            site,
        );
    }

    fn compare_nullable(
        &mut self,
        site: &Site,
        old: &Value,
        new: &Value,
        role: Role,
        nullability: Nullability,
    ) {
        let (old_doc, new_doc) = (self.documents.old, self.documents.new);
        let (was, is) = match nullability {
            Nullability::Followed => (is_nullable(old_doc, old), is_nullable(new_doc, new)),
            Nullability::OfWrapper => {
                let own = |schema: &Value| schema.get("nullable") == Some(&Value::Bool(true));
                (own(old), own(new))
            }
        };
        if was == is {
            return;
        }
        let (from, to) = match role.required {
            Some(required) => (
                field_wrapper(old_doc, old, required),
                field_wrapper(new_doc, new, required),
            ),
            // Not a property (an item, a parameter's schema): a nullable value is an `Option`.
            None if is => (FieldWrapper::None, FieldWrapper::Option),
            None => (FieldWrapper::Option, FieldWrapper::None),
        };
        let rust = (from != to).then(|| (from.spelled().to_owned(), to.spelled().to_owned()));
        let change = if is {
            SchemaChange::BecameNullable { rust }
        } else {
            SchemaChange::BecameNotNullable { rust }
        };
        self.report(change, site);
    }

    fn compare_enum(&mut self, site: &Site, o: &Value, n: &Value) {
        let values = |schema: &Value| {
            schema.get("enum").and_then(Value::as_array).map(|values| {
                values
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
            })
        };
        match (values(o), values(n)) {
            (None, Some(_)) => self.report(SchemaChange::BecameEnum, site),
            (Some(_), None) => self.report(SchemaChange::EnumRemoved, site),
            (Some(old), Some(new)) => {
                for value in old.iter().filter(|v| !new.contains(v)) {
                    self.report(SchemaChange::EnumValueRemoved(format!("`{value}`")), site);
                }
                for value in new.iter().filter(|v| !old.contains(v)) {
                    self.report(SchemaChange::EnumValueAdded(format!("`{value}`")), site);
                }
            }
            (None, None) => {}
        }
    }

    fn compare_constraints(
        &mut self,
        site: &Site,
        o: &Value,
        n: &Value,
        rust_change: &mut Option<(String, String)>,
    ) {
        for (keyword, bound) in CONSTRAINTS {
            let (from, to) = (o.get(*keyword), n.get(*keyword));
            if from == to {
                continue;
            }
            let text = |value: Option<&Value>| value.map_or("none".to_owned(), Value::to_string);
            let what = format!("`{keyword}` {} -> {}", text(from), text(to));
            let tightened = match bound {
                Bound::Lower | Bound::Upper | Bound::Flag => {
                    let (from, to) = (number(*bound, from), number(*bound, to));
                    Some(match bound {
                        Bound::Upper => to < from,
                        _ => to > from,
                    })
                }
                Bound::Other => match (from, to) {
                    (None, Some(_)) => Some(true),
                    (Some(_), None) => Some(false),
                    _ => None,
                },
            };
            let rust = rust_change.take();
            let change = match tightened {
                Some(true) => SchemaChange::ConstraintTightened { what, rust },
                Some(false) => SchemaChange::ConstraintRelaxed { what, rust },
                None => SchemaChange::ConstraintChanged { what, rust },
            };
            self.report(change, site);
        }
    }

    fn compare_object<'a>(
        &mut self,
        site: &Site,
        old_pointer: &Pointer,
        o: &'a Value,
        n: &'a Value,
        depth: usize,
    ) {
        let properties = |schema: &'a Value| -> BTreeMap<&'a str, &'a Value> {
            schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|properties| properties.iter().map(|(k, v)| (k.as_str(), v)).collect())
                .unwrap_or_default()
        };
        let required = |schema: &'a Value| -> BTreeSet<&'a str> {
            schema
                .get("required")
                .and_then(Value::as_array)
                .map(|names| names.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default()
        };
        let closed =
            |schema: &Value| schema.get("additionalProperties") == Some(&Value::Bool(false));
        let (old_properties, new_properties) = (properties(o), properties(n));
        let (old_required, new_required) = (required(o), required(n));
        let (closed_before, closed_after) = (closed(o), closed(n));
        let (old_doc, new_doc) = (self.documents.old, self.documents.new);
        let old_properties_pointer = old_pointer.key("properties");
        let new_properties_pointer = site.pointer.key("properties");
        for (name, old_property) in &old_properties {
            let old_at = old_properties_pointer.key(name);
            let Some(new_property) = new_properties.get(name) else {
                let removed = site.step(Step::Property((*name).to_owned()), old_at);
                let was_required = old_required.contains(name);
                self.report(
                    SchemaChange::PropertyRemoved {
                        was_required,
                        closed_after,
                    },
                    &removed,
                );
                continue;
            };
            let here = site.step(
                Step::Property((*name).to_owned()),
                new_properties_pointer.key(name),
            );
            let (was, is) = (old_required.contains(name), new_required.contains(name));
            if was != is {
                let (from, to) = (
                    field_wrapper(old_doc, old_property, was),
                    field_wrapper(new_doc, new_property, is),
                );
                let rust =
                    (from != to).then(|| (from.spelled().to_owned(), to.spelled().to_owned()));
                let change = if is {
                    SchemaChange::PropertyBecameRequired { rust }
                } else {
                    SchemaChange::PropertyBecameOptional { rust }
                };
                self.report(change, &here);
            }
            self.compare(
                &here,
                &old_at,
                old_property,
                new_property,
                Role { required: Some(is) },
                depth + 1,
            );
        }
        for name in new_properties
            .keys()
            .filter(|n| !old_properties.contains_key(*n))
        {
            let added = site.step(
                Step::Property((*name).to_owned()),
                new_properties_pointer.key(name),
            );
            self.report(
                SchemaChange::PropertyAdded {
                    required: new_required.contains(name),
                    closed_before,
                },
                &added,
            );
        }
        match (closed_before, closed_after) {
            (false, true) => self.report(SchemaChange::AdditionalPropertiesForbidden, site),
            (true, false) => self.report(SchemaChange::AdditionalPropertiesAllowed, site),
            _ => {}
        }
        let values = |schema: &Value| match schema.get("additionalProperties") {
            Some(Value::Object(values)) => Some(Value::Object(values.clone())),
            _ => None,
        };
        let (old_values, new_values) = (values(o), values(n));
        if old_values.is_some() || new_values.is_some() {
            let any = Value::Object(Map::new());
            self.compare(
                &site.step(Step::Values, site.pointer.key("additionalProperties")),
                &old_pointer.key("additionalProperties"),
                old_values.as_ref().unwrap_or(&any),
                new_values.as_ref().unwrap_or(&any),
                Role { required: None },
                depth + 1,
            );
        }
    }

    /// `oneOf`, `anyOf` and `allOf` members, matched by the component they name, or else by
    /// their type and position among the inline members of that type.
    fn compare_members(
        &mut self,
        site: &Site,
        old_pointer: &Pointer,
        o: &Value,
        n: &Value,
        keyword: &'static str,
        depth: usize,
    ) {
        let old_members = members(o, keyword);
        let new_members = members(n, keyword);
        if old_members.is_empty() && new_members.is_empty() {
            return;
        }
        let shown = |key: &str, member: &Value, index: usize| {
            if key.starts_with('`') {
                key.to_owned()
            } else {
                let kind = type_of(member).unwrap_or("schema");
                format!("inline `{kind}` (member {})", index + 1)
            }
        };
        let change = |shown: String, added: bool| match (keyword, added) {
            ("allOf", true) => SchemaChange::AllOfChanged(format!("member {shown} added")),
            ("allOf", false) => SchemaChange::AllOfChanged(format!("member {shown} removed")),
            (_, true) => SchemaChange::VariantAdded(shown),
            (_, false) => SchemaChange::VariantRemoved(shown),
        };
        for (key, (index, member)) in old_members
            .iter()
            .filter(|(k, _)| !new_members.contains_key(*k))
        {
            self.report(change(shown(key, member, *index), false), site);
        }
        for (key, (index, new_member)) in &new_members {
            let pointer = site.pointer.key(keyword).index(*index);
            let here = site.step(Step::Member(keyword, index + 1), pointer);
            match old_members.get(key) {
                None => self.report(change(shown(key, new_member, *index), true), site),
                Some((old_index, old_member)) => self.compare(
                    &here,
                    &old_pointer.key(keyword).index(*old_index),
                    old_member,
                    new_member,
                    Role { required: None },
                    depth + 1,
                ),
            }
        }
    }
}

/// Which `nullable` a comparison reads.
#[derive(Clone, Copy)]
enum Nullability {
    /// The schema's own or, through references, its target's.
    Followed,
    /// Only the schema's own: its target is compared elsewhere.
    OfWrapper,
}

/// The members of a `oneOf`/`anyOf`/`allOf`, by key: `` `Name` `` for a reference, `string 1`
/// for the first inline string member.
fn members<'a>(schema: &'a Value, keyword: &str) -> BTreeMap<String, (usize, &'a Value)> {
    let mut by_key = BTreeMap::new();
    let mut seen_of_type: BTreeMap<String, usize> = BTreeMap::new();
    let Some(list) = schema.get(keyword).and_then(Value::as_array) else {
        return by_key;
    };
    for (index, member) in list.iter().enumerate() {
        let key = match referenced_name(member) {
            Some(name) => format!("`{name}`"),
            None => {
                let kind = type_of(member).unwrap_or("schema").to_owned();
                let count = seen_of_type.entry(kind.clone()).or_default();
                *count += 1;
                format!("inline {kind} {count}")
            }
        };
        by_key.insert(key, (index, member));
    }
    by_key
}

/// The schema's type: its `type`, or what its keywords imply.
fn type_of(schema: &Value) -> Option<&str> {
    if let Some(ty) = schema.get("type").and_then(Value::as_str) {
        return Some(ty);
    }
    if schema.get("properties").is_some() {
        Some("object")
    } else if schema.get("items").is_some() {
        Some("array")
    } else {
        None
    }
}

/// The bit width of an integer format.
fn integer_width(format: &str) -> Option<u8> {
    match format {
        "int8" => Some(8),
        "int16" => Some(16),
        "int32" | "int" => Some(32),
        "int64" => Some(64),
        _ => None,
    }
}

/// What kind of bound a constraint keyword is.
#[derive(Clone, Copy)]
enum Bound {
    /// A lower bound: a greater value accepts less.
    Lower,
    /// An upper bound: a smaller value accepts less.
    Upper,
    /// A boolean that accepts less when true.
    Flag,
    /// Anything else: adding it accepts less, removing it more, changing it either.
    Other,
}

/// The constraint keywords, and which way each one bounds.
const CONSTRAINTS: &[(&str, Bound)] = &[
    ("minimum", Bound::Lower),
    ("exclusiveMinimum", Bound::Flag),
    ("maximum", Bound::Upper),
    ("exclusiveMaximum", Bound::Flag),
    ("minLength", Bound::Lower),
    ("maxLength", Bound::Upper),
    ("minItems", Bound::Lower),
    ("maxItems", Bound::Upper),
    ("minProperties", Bound::Lower),
    ("maxProperties", Bound::Upper),
    ("uniqueItems", Bound::Flag),
    ("multipleOf", Bound::Other),
    ("pattern", Bound::Other),
];

/// A bound as a number, absent bounds at the end that accepts everything.
fn number(bound: Bound, value: Option<&Value>) -> f64 {
    match (bound, value) {
        (Bound::Flag, Some(Value::Bool(true))) => 1.0,
        (Bound::Flag, _) => 0.0,
        (_, Some(value)) => value.as_f64().unwrap_or(0.0),
        (Bound::Upper, None) => f64::INFINITY,
        (_, None) => f64::NEG_INFINITY,
    }
}
