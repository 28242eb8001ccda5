//! Paths as dropshot's router can hold them.
//!
//! dropshot keeps one tree of path segments: at each position a segment is either literal or a
//! variable, and a variable has one name across every route through it. A variable named
//! differently in two routes is renamed (path parameter names are not on the wire, so nothing
//! changes for clients), with a warning. A literal beside a variable (`/items/search` beside
//! `/items/{id}`) cannot be routed at all: that is an error naming both paths, which an overlay
//! can resolve by removing or moving one route.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::operations::HTTP_METHODS;
use crate::error::{SpecError, Warning};
use crate::pointer::Pointer;
use crate::resolve;

/// One position in the route tree.
#[derive(Default)]
struct Node {
    literals: BTreeMap<String, (Node, String)>,
    /// The variable's name, the node below it, and the first path that declared it.
    variable: Option<(String, Box<Node>, String)>,
}

/// A path whose variables get the names the route tree already uses.
struct Rename {
    from: String,
    to: String,
    /// `(old name, new name)` of each renamed variable.
    variables: Vec<(String, String)>,
}

enum Segment<'a> {
    Literal(&'a str),
    Variable(&'a str),
}

fn segment(text: &str) -> Option<Segment<'_>> {
    match text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        Some(name) if !name.contains(['{', '}']) => Some(Segment::Variable(name)),
        Some(_) => None,
        None if text.contains(['{', '}']) => None,
        None => Some(Segment::Literal(text)),
    }
}

/// Renames path variables to one name per route position, and refuses literal/variable clashes.
pub(crate) fn routable_paths(
    document: &mut Value,
    warnings: &mut Vec<Warning>,
) -> Result<(), SpecError> {
    let Some(Value::Object(paths)) = document.get("paths") else {
        return Ok(());
    };
    let paths_pointer = Pointer::root().key("paths");
    let mut root = Node::default();
    let mut renames: Vec<Rename> = Vec::new();
    for path in paths.keys() {
        let at = paths_pointer.key(path);
        let mut node = &mut root;
        let mut renamed_segments = Vec::new();
        let mut renamed = Vec::new();
        for text in path.split('/').filter(|s| !s.is_empty()) {
            let Some(segment) = segment(text) else {
                return Err(SpecError::unsupported(
                    &at,
                    "path",
                    format!(
                        "the segment {text:?} mixes text and a variable; dropshot matches a variable only as a whole segment"
                    ),
                ));
            };
            match segment {
                Segment::Literal(literal) => {
                    if let Some((name, _, first)) = &node.variable {
                        return Err(clash(&at, path, first, &format!("{{{name}}}")));
                    }
                    renamed_segments.push(literal.to_owned());
                    node = &mut node
                        .literals
                        .entry(literal.to_owned())
                        .or_insert_with(|| (Node::default(), path.clone()))
                        .0;
                }
                Segment::Variable(name) => {
                    if let Some((literal, (_, first))) = node.literals.iter().next() {
                        return Err(clash(&at, path, first, literal));
                    }
                    let (known, child, _) = node.variable.get_or_insert_with(|| {
                        (name.to_owned(), Box::new(Node::default()), path.clone())
                    });
                    if known != name {
                        renamed.push((name.to_owned(), known.clone()));
                    }
                    renamed_segments.push(format!("{{{known}}}"));
                    node = child;
                }
            }
        }
        if !renamed.is_empty() {
            let variables: Vec<&String> = renamed_segments
                .iter()
                .filter(|segment| segment.starts_with('{'))
                .collect();
            if let Some(twice) = variables
                .iter()
                .enumerate()
                .find_map(|(index, name)| variables[..index].contains(name).then_some(name))
            {
                return Err(SpecError::unsupported(
                    &at,
                    "path",
                    format!(
                        "dropshot names a variable by its position, as the paths before it do, which \
                         would name two variables of `{path}` {twice}; rename one in an overlay"
                    ),
                ));
            }
            renames.push(Rename {
                from: path.clone(),
                to: format!("/{}", renamed_segments.join("/")),
                variables: renamed,
            });
        }
    }
    for Rename {
        from: old,
        to: new,
        variables,
    } in renames
    {
        rename_path(document, &old, &new, &variables)?;
        warnings.push(Warning::new(
            &paths_pointer.key(&old),
            "path",
            format!(
                "routed as `{new}`: dropshot needs one name per path variable position ({}); the URL is unchanged",
                variables.iter().map(|(from, to)| format!("`{from}` -> `{to}`")).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    Ok(())
}

fn clash(at: &Pointer, path: &str, first: &str, other: &str) -> SpecError {
    SpecError::unsupported(
        at,
        "path",
        format!(
            "dropshot cannot route `{path}` beside `{first}`: at one position its router takes either the \
             literal or the variable (`{other}`), never both. Remove or move one of the routes with an \
             overlay action to generate the rest"
        ),
    )
}

/// Moves path item `old` to `new`, renaming its path parameters.
fn rename_path(
    document: &mut Value,
    old: &str,
    new: &str,
    variables: &[(String, String)],
) -> Result<(), SpecError> {
    let Some(mut renamed) = document
        .get("paths")
        .and_then(|paths| paths.get(old))
        .cloned()
    else {
        return Ok(());
    };
    rename_parameters(document, &mut renamed, variables);
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return Ok(());
    };
    if paths.contains_key(new) {
        return Err(SpecError::unsupported(
            &Pointer::root().key("paths").key(old),
            "path",
            format!(
                "`{old}` and `{new}` are the same route to dropshot; merge them into one path item"
            ),
        ));
    }
    let entries: Vec<(String, Value)> = std::mem::take(paths).into_iter().collect();
    let mut rebuilt = Map::new();
    let mut renamed = Some(renamed);
    for (path, item) in entries {
        match renamed.take_if(|_| path == old) {
            Some(renamed) => rebuilt.insert(new.to_owned(), renamed),
            None => rebuilt.insert(path, item),
        };
    }
    *paths = rebuilt;
    Ok(())
}

/// Renames the path parameters of `item` (a copy of a path item of `document`) named in
/// `variables`; a referenced one is copied into the operation first, so that the shared
/// definition keeps its name for the other paths that use it.
fn rename_parameters(document: &Value, item: &mut Value, variables: &[(String, String)]) {
    let Value::Object(item) = item else { return };
    for method in HTTP_METHODS {
        let Some(Value::Array(parameters)) = item
            .get_mut(*method)
            .and_then(|op| op.get_mut("parameters"))
        else {
            continue;
        };
        for parameter in parameters.iter_mut() {
            let definition = resolve::through_references(document, parameter);
            if definition.get("in").and_then(Value::as_str) != Some("path") {
                continue;
            }
            let Some(name) = definition.get("name").and_then(Value::as_str) else {
                continue;
            };
            if let Some((_, to)) = variables.iter().find(|(from, _)| from == name) {
                let mut renamed = definition.clone();
                renamed["name"] = Value::String(to.clone());
                *parameter = renamed;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn path_param(name: &str) -> Value {
        json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
    }

    #[test]
    fn differently_named_variables_are_renamed_with_a_warning() {
        let mut document = json!({"paths": {
            "/pets/{petId}": {"get": {"parameters": [path_param("petId")]}},
            "/pets/{id}/toys": {"get": {"parameters": [path_param("id")]}}
        }});
        let mut warnings = Vec::new();
        routable_paths(&mut document, &mut warnings).expect("routable");
        let toys = &document["paths"]["/pets/{petId}/toys"]["get"]["parameters"][0];
        assert_eq!(toys["name"], "petId");
        assert_eq!(warnings[0].0.pointer.as_str(), "/paths/~1pets~1{id}~1toys");
    }

    #[test]
    fn a_referenced_path_parameter_is_renamed_in_a_copy() {
        let mut document = json!({
            "paths": {
                "/pets/{petId}": {"get": {"parameters": [path_param("petId")]}},
                "/pets/{id}/toys": {"get": {"parameters": [{"$ref": "#/components/parameters/Id"}]}}
            },
            "components": {"parameters": {"Id": path_param("id")}}
        });
        routable_paths(&mut document, &mut Vec::new()).expect("routable");
        let toys = &document["paths"]["/pets/{petId}/toys"]["get"]["parameters"][0];
        assert_eq!(toys, &path_param("petId"));
        assert_eq!(document["components"]["parameters"]["Id"]["name"], "id");
    }

    #[test]
    fn a_rename_that_would_name_two_variables_alike_is_an_error() {
        let mut document = json!({"paths": {
            "/pets/{id}": {"get": {"parameters": [path_param("id")]}},
            "/pets/{petId}/toys/{id}": {"get": {"parameters": [path_param("petId"), path_param("id")]}}
        }});
        let error = routable_paths(&mut document, &mut Vec::new()).expect_err("two ids");
        let problem = error.problem().expect("located");
        assert_eq!(
            problem.pointer.as_str(),
            "/paths/~1pets~1{petId}~1toys~1{id}"
        );
        assert!(problem.detail.contains("{id}"), "{problem}");
    }

    #[test]
    fn a_literal_beside_a_variable_is_an_error_naming_both_paths() {
        let mut document = json!({"paths": {"/items/{id}": {}, "/items/search": {}}});
        let error = routable_paths(&mut document, &mut Vec::new()).expect_err("clash");
        let problem = error.problem().expect("located");
        assert_eq!(problem.pointer.as_str(), "/paths/~1items~1search");
        assert!(problem.detail.contains("/items/{id}"), "{problem}");
    }
}
