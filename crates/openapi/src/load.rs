//! Loading an OpenAPI document from YAML or JSON text into a `serde_json::Value`, keeping enough of
//! the source to point at the line of any JSON pointer later.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::error::SpecError;
use crate::pointer::Pointer;

/// A document as loaded from a file: its value and the text it came from.
#[derive(Debug, Clone)]
pub struct SourceDocument {
    path: PathBuf,
    text: String,
    value: Value,
}

impl SourceDocument {
    /// Reads and parses `path`; `.json` files are read as JSON, anything else as YAML.
    pub fn read(path: &Path) -> Result<Self, SpecError> {
        let text = std::fs::read_to_string(path).map_err(|source| SpecError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(path, text)
    }

    /// Parses `text`, which was read from `path` (used for the format and in messages).
    pub fn parse(path: &Path, text: String) -> Result<Self, SpecError> {
        let is_json = path.extension().is_some_and(|ext| ext == "json");
        let value = if is_json {
            parse_json(&text).map_err(|error| SpecError::Syntax {
                path: path.to_owned(),
                line: error.line(),
                column: error.column(),
                message: error.to_string(),
            })?
        } else {
            parse_yaml(&text).map_err(|error| SpecError::Syntax {
                path: path.to_owned(),
                line: error.line,
                column: error.column,
                message: error.message,
            })?
        };
        Ok(Self {
            path: path.to_owned(),
            text,
            value,
        })
    }

    /// The file the document was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The parsed document.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The 1-based line where the node at `pointer` starts, when the pointer exists in the source.
    ///
    /// This re-reads the source (JSON is YAML too), so it is meant for error paths only.
    pub fn line_of(&self, pointer: &str) -> Option<usize> {
        self.lines_of([pointer]).remove(pointer)
    }

    /// The lines of several pointers, found in one reading of the source.
    pub fn lines_of<'a>(
        &self,
        pointers: impl IntoIterator<Item = &'a str>,
    ) -> HashMap<String, usize> {
        let mut finder = LineFinder::new(pointers);
        if finder.targets.is_empty() {
            return HashMap::new();
        }
        let mut parser = Parser::new_from_str(&self.text);
        // A document that parsed once parses again; a failure only leaves lines unknown.
        let _ = parser.load(&mut finder, false);
        finder.found
    }
}

/// A YAML syntax or structure error with its position.
#[derive(Debug)]
struct YamlError {
    line: usize,
    column: usize,
    message: String,
}

impl YamlError {
    fn at(mark: Marker, message: impl Into<String>) -> Self {
        Self {
            line: mark.line(),
            column: mark.col(),
            message: message.into(),
        }
    }
}

fn parse_yaml(text: &str) -> Result<Value, YamlError> {
    let mut builder = ValueBuilder::default();
    let mut parser = Parser::new_from_str(text);
    parser
        .load(&mut builder, false)
        .map_err(|error| YamlError::at(*error.marker(), error.info()))?;
    if let Some(error) = builder.error {
        return Err(error);
    }
    builder.root.ok_or_else(|| YamlError {
        line: 1,
        column: 1,
        message: "the document is empty".to_owned(),
    })
}

/// The deepest nesting of collections a document may have. Real specs stay far below it (the
/// deepest in the corpus is under 30); past it, recursive code (normalization, typify, even
/// dropping the value) would risk the stack.
pub const MAX_DEPTH: usize = 128;

/// The most values aliases may copy, in all: a document of aliases of aliases (a "billion
/// laughs") would otherwise expand exponentially.
pub const MAX_ALIAS_EXPANSION: usize = 1_000_000;

/// A collection under construction.
enum Frame {
    Sequence {
        anchor: usize,
        items: Vec<Value>,
    },
    Mapping {
        anchor: usize,
        entries: Map<String, Value>,
        pending_key: Option<String>,
        start: Marker,
    },
}

/// Builds a `serde_json::Value` from YAML events, resolving anchors and aliases.
#[derive(Default)]
struct ValueBuilder {
    stack: Vec<Frame>,
    /// Anchored values and how many values each holds.
    anchors: Vec<(usize, Value, usize)>,
    /// Values copied by aliases so far.
    alias_expansion: usize,
    root: Option<Value>,
    error: Option<YamlError>,
}

/// How many values `value` holds, itself included (iteratively: values may be deep).
fn value_count(value: &Value) -> usize {
    let mut count = 0;
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        count += 1;
        match value {
            Value::Array(items) => pending.extend(items),
            Value::Object(members) => pending.extend(members.values()),
            _ => {}
        }
    }
    count
}

impl ValueBuilder {
    fn push_value(&mut self, value: Value, anchor: usize, mark: Marker) {
        if anchor != 0 {
            self.anchors
                .push((anchor, value.clone(), value_count(&value)));
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(value);
                }
            }
            Some(Frame::Sequence { items, .. }) => items.push(value),
            Some(Frame::Mapping {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => match mapping_key(&value) {
                    Some(key) if entries.contains_key(&key) => {
                        self.fail(mark, format!("duplicate key `{key}`"));
                    }
                    Some(key) if key == "<<" => self.fail(
                        mark,
                        "a merge key (`<<`) is YAML 1.1 only, and JSON has no such thing; \
                         write the merged keys out",
                    ),
                    Some(key) => *pending_key = Some(key),
                    None => self.fail(mark, "a mapping key must be a scalar"),
                },
                Some(key) => {
                    entries.insert(key, value);
                }
            },
        }
    }

    fn fail(&mut self, mark: Marker, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(YamlError::at(mark, message));
        }
    }
}

impl MarkedEventReceiver for ValueBuilder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = if tag.is_some() || style != TScalarStyle::Plain {
                    // Quoted scalars are strings; so are explicitly tagged ones (`!!str 1`).
                    Value::String(text)
                } else {
                    plain_scalar(text)
                };
                self.push_value(value, anchor, mark);
            }
            Event::Alias(anchor) => {
                match self.anchors.iter().rev().find(|(id, ..)| *id == anchor) {
                    Some((_, value, count)) => {
                        self.alias_expansion = self.alias_expansion.saturating_add(*count);
                        if self.alias_expansion > MAX_ALIAS_EXPANSION {
                            self.fail(
                            mark,
                            format!("aliases copy more than {MAX_ALIAS_EXPANSION} values (aliases of aliases?)"),
                        );
                            return;
                        }
                        let value = value.clone();
                        self.push_value(value, 0, mark);
                    }
                    None => self.fail(mark, "alias to an unknown anchor"),
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_DEPTH => {
                self.fail(
                    mark,
                    format!("collections are nested more than {MAX_DEPTH} deep"),
                );
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Sequence {
                anchor,
                items: Vec::new(),
            }),
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Mapping {
                anchor,
                entries: Map::new(),
                pending_key: None,
                start: mark,
            }),
            Event::SequenceEnd => {
                if let Some(Frame::Sequence { anchor, items }) = self.stack.pop() {
                    self.push_value(Value::Array(items), anchor, mark);
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Mapping {
                    anchor,
                    entries,
                    pending_key,
                    start,
                }) = self.stack.pop()
                {
                    if pending_key.is_some() {
                        self.fail(start, "a mapping key has no value");
                    }
                    self.push_value(Value::Object(entries), anchor, mark);
                }
            }
            Event::DocumentStart if self.root.is_some() => {
                self.fail(mark, "the file holds more than one YAML document");
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

/// Resolves a plain scalar by the YAML 1.2 core schema, as JSON would read it.
fn plain_scalar(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(integer) = text.parse::<i64>() {
        return Value::Number(integer.into());
    }
    if let Ok(integer) = text.parse::<u64>() {
        return Value::Number(integer.into());
    }
    let looks_numeric = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && text.bytes().any(|b| b.is_ascii_digit());
    if looks_numeric && let Some(number) = text.parse::<f64>().ok().and_then(Number::from_f64) {
        return Value::Number(number);
    }
    Value::String(text)
}

/// Mapping keys become strings: `200:` and `"200":` are the same response code.
/// JSON text as a value, refusing duplicate keys as YAML does: serde_json keeps the last one
/// without a word, and readers of the spec disagree on which one counts.
fn parse_json(text: &str) -> Result<Value, serde_json::Error> {
    use serde::de::DeserializeSeed as _;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = strict_json::StrictValue.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

mod strict_json {
    //! A `serde_json::Value` that refuses duplicate object keys.

    use std::fmt;

    use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Number, Value};

    pub(super) struct StrictValue;

    impl<'de> DeserializeSeed<'de> for StrictValue {
        type Value = Value;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
            deserializer.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for StrictValue {
        type Value = Value;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a JSON value")
        }

        fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
            Ok(Value::Bool(value))
        }

        fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
            Ok(Value::Number(value.into()))
        }

        fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
            Ok(Value::Number(value.into()))
        }

        fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
            Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
        }

        fn visit_str<E>(self, value: &str) -> Result<Value, E> {
            Ok(Value::String(value.to_owned()))
        }

        fn visit_string<E>(self, value: String) -> Result<Value, E> {
            Ok(Value::String(value))
        }

        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<Value, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = sequence.next_element_seed(StrictValue)? {
                items.push(item);
            }
            Ok(Value::Array(items))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut members = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                if members.contains_key(&key) {
                    return Err(A::Error::custom(format!("duplicate key `{key}`")));
                }
                let value = map.next_value_seed(StrictValue)?;
                members.insert(key, value);
            }
            Ok(Value::Object(members))
        }
    }
}

fn mapping_key(value: &Value) -> Option<String> {
    match value {
        Value::String(key) => Some(key.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null => Some("null".to_owned()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// Walks YAML events, tracking the JSON pointer of each node, until it meets `target`.
struct LineFinder {
    targets: HashSet<String>,
    /// For each open collection: its pointer, and for mappings whether the next scalar is a key.
    path: Vec<(Pointer, Position)>,
    found: HashMap<String, usize>,
}

enum Position {
    Sequence(usize),
    MappingKey,
    MappingValue(String),
}

impl LineFinder {
    fn new<'a>(targets: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            targets: targets.into_iter().map(str::to_owned).collect(),
            path: Vec::new(),
            found: HashMap::new(),
        }
    }

    /// The pointer of the node that starts now, and advances the parent's position.
    fn next_node(&mut self) -> Option<Pointer> {
        let Some((parent, position)) = self.path.last_mut() else {
            return Some(Pointer::root());
        };
        match position {
            Position::Sequence(index) => {
                let pointer = parent.index(*index);
                *index += 1;
                Some(pointer)
            }
            Position::MappingKey => None,
            Position::MappingValue(key) => {
                let pointer = parent.key(key);
                *position = Position::MappingKey;
                Some(pointer)
            }
        }
    }

    fn visit(&mut self, pointer: &Pointer, mark: Marker) {
        if self.targets.contains(pointer.as_str()) {
            self.found
                .entry(pointer.as_str().to_owned())
                .or_insert(mark.line());
        }
    }
}

impl MarkedEventReceiver for LineFinder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(text, ..) => {
                if let Some((_, position @ Position::MappingKey)) = self.path.last_mut() {
                    *position = Position::MappingValue(text);
                } else if let Some(pointer) = self.next_node() {
                    self.visit(&pointer, mark);
                }
            }
            Event::Alias(_) => {
                if let Some((_, position @ Position::MappingKey)) = self.path.last_mut() {
                    *position = Position::MappingValue(String::new());
                } else if let Some(pointer) = self.next_node() {
                    self.visit(&pointer, mark);
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                let pointer = self.next_node().unwrap_or_else(Pointer::root);
                self.visit(&pointer, mark);
                let position = if matches!(event, Event::SequenceStart(..)) {
                    Position::Sequence(0)
                } else {
                    Position::MappingKey
                };
                self.path.push((pointer, position));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.path.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        SourceDocument::parse(Path::new("t.yaml"), text.to_owned())
            .expect("valid yaml")
            .value
    }

    #[test]
    fn integer_response_codes_become_string_keys() {
        let value = yaml("responses:\n  200:\n    description: ok\n");
        assert!(value["responses"]["200"].is_object());
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        let value = yaml("a: '1'\nb: 1\nc: 1.5\nd: true\ne: ~\nf: 1.0.0\n");
        assert_eq!(value["a"], Value::String("1".into()));
        assert_eq!(value["b"], serde_json::json!(1));
        assert_eq!(value["c"], serde_json::json!(1.5));
        assert_eq!(value["d"], Value::Bool(true));
        assert_eq!(value["e"], Value::Null);
        assert_eq!(value["f"], Value::String("1.0.0".into()));
    }

    #[test]
    fn aliases_copy_their_anchor() {
        let value = yaml("a: &x {b: 1}\nc: *x\n");
        assert_eq!(value["c"], serde_json::json!({"b": 1}));
    }

    #[test]
    fn syntax_errors_carry_the_line() {
        let error = SourceDocument::parse(Path::new("t.yaml"), "a: [1, 2\nb: 3\n".to_owned())
            .expect_err("unclosed flow sequence");
        assert!(
            matches!(error, SpecError::Syntax { line, .. } if line >= 1),
            "{error}"
        );
    }

    #[test]
    fn nesting_past_the_limit_is_refused_where_it_happens() {
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let error = parse_yaml(&deep).expect_err("too deep");
        assert!(
            error.message.contains("nested more than 128 deep"),
            "{}",
            error.message
        );
        assert_eq!((error.line, error.column), (1, MAX_DEPTH));
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_yaml(&fine).is_ok());
    }

    #[test]
    fn aliases_of_aliases_stop_before_they_explode() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let aliases = vec![format!("*a{}", level - 1); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{aliases}]\n"));
        }
        let error = parse_yaml(&text).expect_err("a billion laughs");
        assert!(
            error.message.contains("aliases copy more than"),
            "{}",
            error.message
        );
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let error = SourceDocument::parse(Path::new("t.yaml"), "a: 1\na: 2\n".to_owned())
            .expect_err("duplicate key");
        assert!(error.to_string().contains("duplicate key `a`"), "{error}");
    }

    #[test]
    fn duplicate_json_keys_are_refused_with_their_line() {
        let text = "{\n  \"paths\": {\n    \"/a\": {},\n    \"/a\": {}\n  }\n}\n";
        let error =
            SourceDocument::parse(Path::new("t.json"), text.to_owned()).expect_err("duplicate key");
        assert!(
            matches!(&error, SpecError::Syntax { line: 4, message, .. } if message.contains("duplicate key `/a`")),
            "{error}"
        );
        let fine = SourceDocument::parse(
            Path::new("t.json"),
            "{\"a\": [1, -2, 1.5, null, true, \"x\"]}".to_owned(),
        )
        .expect("valid");
        assert_eq!(
            fine.value,
            serde_json::json!({"a": [1, -2, 1.5, null, true, "x"]})
        );
    }

    #[test]
    fn yaml_merge_keys_are_refused() {
        let error = SourceDocument::parse(
            Path::new("t.yaml"),
            "a: &a {x: 1}\nb:\n  <<: *a\n".to_owned(),
        )
        .expect_err("merge key");
        assert!(error.to_string().contains("merge key"), "{error}");
    }

    #[test]
    fn line_of_finds_nested_keys_in_yaml_and_json() {
        let doc = SourceDocument::parse(
            Path::new("t.yaml"),
            "paths:\n  /a/{id}:\n    get:\n      responses: {}\n".to_owned(),
        )
        .expect("valid");
        assert_eq!(doc.line_of("/paths/~1a~1{id}/get/responses"), Some(4));
        let doc = SourceDocument::parse(
            Path::new("t.json"),
            "{\n \"a\": [\n  1,\n  {\"b\": 2}\n ]\n}\n".to_owned(),
        )
        .expect("valid");
        assert_eq!(doc.line_of("/a/1/b"), Some(4));
        assert_eq!(doc.line_of("/missing"), None);
    }
}
