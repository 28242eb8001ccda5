//! What a comparison reports: a place in the API and how the two documents differ there.

use std::fmt;

use serde_json::Value;

/// One step of the way from the document root to a difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A top-level member of the document (`info`, `security`, `servers`, ...).
    Document(String),
    /// An operation, by method and path.
    Operation {
        /// Uppercase method.
        method: String,
        /// Path template.
        path: String,
    },
    /// A parameter of an operation.
    Parameter {
        /// `path`, `query`, `header`, `cookie`.
        location: String,
        /// The name on the wire.
        name: String,
    },
    /// An operation's request body.
    RequestBody,
    /// A response, by its key (`200`, `4XX`, `default`).
    Response(String),
    /// A media type of a body.
    Media(String),
    /// A component schema, by name.
    Component(String),
    /// A property of an object schema.
    Property(String),
    /// An array's items.
    Items,
    /// An object's additional properties.
    AdditionalProperties,
    /// An alternative of `allOf`/`oneOf`/`anyOf`.
    Alternative(String, usize),
    /// A keyword of a schema or an operation (`type`, `format`, `operationId`, ...).
    Keyword(String),
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Document(key) => write!(f, "{key}"),
            Self::Operation { method, path } => write!(f, "{method} {path}"),
            Self::Parameter { location, name } => write!(f, "{location} parameter `{name}`"),
            Self::RequestBody => f.write_str("request body"),
            Self::Response(status) => write!(f, "response {status}"),
            Self::Media(media) => write!(f, "{media}"),
            Self::Component(name) => write!(f, "schema {name}"),
            Self::Property(name) => write!(f, "property `{name}`"),
            Self::Items => f.write_str("items"),
            Self::AdditionalProperties => f.write_str("additionalProperties"),
            Self::Alternative(keyword, index) => write!(f, "{keyword}[{index}]"),
            Self::Keyword(keyword) => write!(f, "{keyword}"),
        }
    }
}

/// A place in the API.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place(pub Vec<Segment>);

impl Place {
    /// This place, one step further.
    pub fn then(&self, segment: Segment) -> Self {
        let mut segments = self.0.clone();
        segments.push(segment);
        Self(segments)
    }

    /// The last step, if any.
    pub fn last(&self) -> Option<&Segment> {
        self.0.last()
    }

    /// Whether the place is inside a schema property (rather than an operation's own keyword).
    pub fn property(&self) -> Option<&str> {
        self.0.iter().rev().find_map(|s| match s {
            Segment::Property(name) => Some(name.as_str()),
            _ => None,
        })
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, segment) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(" › ")?;
            }
            write!(f, "{segment}")?;
        }
        Ok(())
    }
}

/// How the two documents differ at a place.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Where.
    pub place: Place,
    /// What the spec says there, if anything.
    pub expected: Option<Value>,
    /// What the implementation's document says there, if anything.
    pub actual: Option<Value>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |value: &Option<Value>| match value {
            Some(value) => value.to_string(),
            None => "(absent)".to_owned(),
        };
        write!(
            f,
            "{}: spec {} vs implementation {}",
            self.place,
            show(&self.expected),
            show(&self.actual)
        )
    }
}
