//! Where a changed schema sits, and how the report names it: in the spec's words (`property
//! `updated_by` of `RunGoldLabel``) and in the generated crates' (`RunGoldLabel::updated_by`,
//! argument `limit` of client call `list_items`).

use refactor_openapi::Pointer;
use refactor_openapi::naming::{field_name, type_name};

/// What kind of place a schema change is at; the middle part of a schema change's id
/// (`response-property-removed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A parameter's own schema.
    Parameter,
    /// A request or response body's own schema, when it is not a component.
    Body,
    /// A property of an object, at any depth (items and map values of one included).
    Property,
    /// A component schema's own top level (an enum type, say).
    Schema,
}

impl Subject {
    /// As ids spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Parameter => "parameter",
            Self::Body => "body",
            Self::Property => "property",
            Self::Schema => "schema",
        }
    }
}

/// The schema a walk starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// `#/components/schemas/NAME`.
    Component(String),
    /// A parameter of an operation.
    Parameter {
        /// `path`, `query` or `header`.
        location: String,
        /// The name on the wire.
        name: String,
        /// The trait method and client call.
        method: String,
        /// The generated struct holding the operation's parameters of this location.
        parameters_struct: String,
    },
    /// An operation's request body.
    RequestBody {
        /// The trait method and client call.
        method: String,
    },
    /// The body of one response of an operation.
    ResponseBody {
        /// The trait method and client call.
        method: String,
        /// The response's key: `200`, `4XX`, `default`.
        status: String,
    },
}

impl Root {
    /// The generated struct of an operation's parameters of one location.
    pub fn parameters_struct(operation_id: &str, location: &str) -> String {
        let suffix = match location {
            "path" => "Path",
            "query" => "Query",
            _ => "Headers",
        };
        format!("{}{suffix}", type_name(operation_id))
    }
}

/// One step from a schema into a part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A property, by its name in the spec.
    Property(String),
    /// An array's items.
    Items,
    /// A map's values (`additionalProperties`).
    Values,
    /// One alternative of a `oneOf` or `anyOf`, or a member of an `allOf`, 1-based.
    Member(&'static str, usize),
}

/// A place in a schema, with its names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Where the walk started.
    pub root: Root,
    /// The steps from there.
    pub steps: Vec<Step>,
    /// The JSON pointer, into the document the schema comes from.
    pub pointer: Pointer,
}

impl Site {
    /// The root itself.
    pub fn at(root: Root, pointer: Pointer) -> Self {
        Self {
            root,
            steps: Vec::new(),
            pointer,
        }
    }

    /// This site, one step further, at `pointer`.
    pub fn step(&self, step: Step, pointer: Pointer) -> Self {
        let mut steps = self.steps.clone();
        steps.push(step);
        Self {
            root: self.root.clone(),
            steps,
            pointer,
        }
    }

    /// The subject of changes here.
    pub fn subject(&self) -> Subject {
        if self.steps.iter().any(|s| matches!(s, Step::Property(_))) {
            return Subject::Property;
        }
        match self.root {
            Root::Component(_) => Subject::Schema,
            Root::Parameter { .. } => Subject::Parameter,
            Root::RequestBody { .. } | Root::ResponseBody { .. } => Subject::Body,
        }
    }

    /// The steps as a path: `meta.kind`, `tags[]`, `labels{}`, `value<oneOf 2>`.
    fn path(&self) -> String {
        let mut path = String::new();
        for step in &self.steps {
            match step {
                Step::Property(name) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(name);
                }
                Step::Items => path.push_str("[]"),
                Step::Values => path.push_str("{}"),
                Step::Member(keyword, index) => path.push_str(&format!("<{keyword} {index}>")),
            }
        }
        path
    }

    /// The spec's name for the place: "property `updated_by` of `RunGoldLabel`".
    pub fn label(&self) -> String {
        let path = self.path();
        let owner = match &self.root {
            Root::Component(name) => format!("`{name}`"),
            Root::Parameter { location, name, .. } => format!("{location} parameter `{name}`"),
            Root::RequestBody { .. } => "the request body".to_owned(),
            Root::ResponseBody { status, .. } => format!("the `{status}` response body"),
        };
        match (self.subject(), path.is_empty()) {
            (_, true) => owner,
            (Subject::Property, false) => format!("property `{path}` of {owner}"),
            (_, false) => match path.as_str() {
                "[]" => format!("the items of {owner}"),
                "{}" => format!("the values of {owner}"),
                _ => format!("`{path}` of {owner}"),
            },
        }
    }

    /// The Rust item client code names here: `RunGoldLabel::updated_by`, "argument `limit`
    /// of `list_items`".
    pub fn client_item(&self) -> String {
        self.item(Party::Client)
    }

    /// The Rust item server code names here: `ListItemsQuery::limit`.
    pub fn server_item(&self) -> String {
        self.item(Party::Server)
    }

    fn item(&self, party: Party) -> String {
        let path = self.path();
        let at = |item: String| {
            if path.is_empty() {
                item
            } else {
                format!("{item} (at `{path}`)")
            }
        };
        match &self.root {
            Root::Component(name) => match self.steps.as_slice() {
                [] => format!("`{}`", type_name(name)),
                [Step::Property(property)] => {
                    format!("`{}::{}`", type_name(name), field_name(property))
                }
                _ => at(format!("`{}`", type_name(name))),
            },
            Root::Parameter {
                name,
                method,
                parameters_struct,
                ..
            } => match party {
                Party::Client => at(format!("argument `{}` of `{method}`", field_name(name))),
                Party::Server => at(format!("`{parameters_struct}::{}`", field_name(name))),
            },
            Root::RequestBody { method } => match party {
                Party::Client => at(format!("the `body` argument of `{method}`")),
                Party::Server => at(format!("the `TypedBody` of `{method}`")),
            },
            Root::ResponseBody { method, status } => match party {
                Party::Client => at(format!("the `{status}` value `{method}` returns")),
                Party::Server => at(format!("the `{status}` variant `{method}` responds with")),
            },
        }
    }
}

#[derive(Clone, Copy)]
enum Party {
    Client,
    Server,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component_site(steps: Vec<Step>) -> Site {
        Site {
            root: Root::Component("run-gold_label".into()),
            steps,
            pointer: Pointer::root(),
        }
    }

    #[test]
    fn a_property_of_a_component_is_a_field_of_its_type() {
        let site = component_site(vec![Step::Property("updated-by".into())]);
        assert_eq!(site.subject(), Subject::Property);
        assert_eq!(site.label(), "property `updated-by` of `run-gold_label`");
        assert_eq!(site.client_item(), "`RunGoldLabel::updated_by`");
    }

    #[test]
    fn nested_places_are_paths() {
        let site = component_site(vec![
            Step::Property("meta".into()),
            Step::Items,
            Step::Property("kind".into()),
        ]);
        assert_eq!(site.label(), "property `meta[].kind` of `run-gold_label`");
        assert_eq!(site.server_item(), "`RunGoldLabel` (at `meta[].kind`)");
    }

    #[test]
    fn a_parameter_is_an_argument_for_clients_and_a_field_for_servers() {
        let site = Site::at(
            Root::Parameter {
                location: "query".into(),
                name: "page-size".into(),
                method: "list_items".into(),
                parameters_struct: Root::parameters_struct("listItems", "query"),
            },
            Pointer::root(),
        );
        assert_eq!(site.subject(), Subject::Parameter);
        assert_eq!(site.client_item(), "argument `page_size` of `list_items`");
        assert_eq!(site.server_item(), "`ListItemsQuery::page_size`");
    }
}
