//! Paths as dropshot's router can hold them.
//!
//! dropshot keeps one tree of path segments, and a variable has one name across every route
//! through its position (see [`crate::routes`]). A variable named differently in two routes is
//! renamed (path parameter names are not on the wire, so nothing changes for clients), with a
//! warning. A literal beside a variable (`/items/search` beside `/items/{id}`) stays as it is:
//! the generated trait serves it through the variable's route, and the literal route wins.

use serde_json::{Map, Value};

use super::operations::HTTP_METHODS;
use crate::error::{SpecError, Warning};
use crate::pointer::Pointer;
use crate::resolve;
use crate::routes::route_hosts;

/// Renames path variables to one name per route position.
pub(crate) fn routable_paths(
    document: &mut Value,
    warnings: &mut Vec<Warning>,
) -> Result<(), SpecError> {
    let Some(Value::Object(paths)) = document.get("paths") else {
        return Ok(());
    };
    let paths_pointer = Pointer::root().key("paths");
    let hosts = route_hosts(paths.keys().map(String::as_str)).map_err(|unroutable| {
        SpecError::unsupported(
            &paths_pointer.key(&unroutable.path),
            "path",
            format!(
                "the segment {:?} mixes text and a variable; dropshot matches a variable only as a whole segment",
                unroutable.segment
            ),
        )
    })?;
    let mut renames = Vec::new();
    for (path, host) in hosts {
        if host.renames.is_empty() {
            continue;
        }
        let at = paths_pointer.key(&path);
        let renamed_segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|segment| {
                let own = segment.trim_start_matches('{').trim_end_matches('}');
                match host.renames.iter().find(|(from, _)| from == own) {
                    Some((_, to)) if segment.starts_with('{') => format!("{{{to}}}"),
                    _ => segment.to_owned(),
                }
            })
            .collect();
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
        let to = format!("/{}", renamed_segments.join("/"));
        renames.push((path, to, host.renames));
    }
    for (old, new, variables) in renames {
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
    fn a_literal_beside_a_variable_stays_as_it_is() {
        let mut document = json!({"paths": {"/items/{id}": {}, "/items/search": {}}});
        let mut warnings = Vec::new();
        routable_paths(&mut document, &mut warnings).expect("routable");
        assert!(document["paths"].get("/items/search").is_some());
        assert!(warnings.is_empty());
    }
}
