//! Inline schemas that would become Rust types are hoisted into named `components/schemas`.
//!
//! progenitor names every inline response schema `<OperationId>Response` and reuses a type by
//! name without comparing structure: two different inline error bodies silently collapse into
//! one, and a string error beside an object error panics. Hoisting first gives each distinct
//! structure one component, shared by every place that uses it, and a name the types crate, the
//! client and the server trait all agree on. Structurally identical inline schemas (annotations
//! aside) become one component; an inline schema identical to an existing component becomes a
//! reference to it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::operations::{HTTP_METHODS, resolve_ref};
use super::rust_names::ComponentNames;
use crate::error::SpecError;
use crate::naming::type_name as pascal_case;
use crate::pointer::Pointer;
use crate::status::Status;

/// Annotations that do not make two schemas different types.
const ANNOTATIONS: &[&str] = &[
    "description",
    "example",
    "examples",
    "externalDocs",
    "deprecated",
];

/// What a place that holds a schema is used for; it decides the name of a hoisted type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A success response body.
    Success,
    /// An error response body (4xx, 5xx, or `default` beside a 2xx).
    Error,
    /// A request body.
    Request,
    /// A parameter.
    Parameter,
}

/// A place whose inline schema may need hoisting.
#[derive(Debug)]
struct Site {
    /// Pointer to the schema itself.
    schema: Pointer,
    /// The name a type hoisted from here alone would get.
    name: String,
    role: Role,
}

/// Hoists every inline schema that would become a named Rust type; returns the new components
/// and where each was first found.
pub(crate) fn hoist_inline_schemas(
    document: &mut Value,
) -> Result<BTreeMap<String, Pointer>, SpecError> {
    let sites = collect_sites(document)?;
    let mut groups: Vec<Group> = Vec::new();
    for site in sites {
        let Some(schema) = document.pointer(site.schema.as_str()) else {
            continue;
        };
        let Some((schema_pointer, name_suffix)) = hoistable_part(schema) else {
            continue;
        };
        let pointer = if schema_pointer.is_empty() {
            site.schema.clone()
        } else {
            site.schema.key(schema_pointer)
        };
        let Some(schema) = document.pointer(pointer.as_str()) else {
            continue;
        };
        let key = structural_key(schema);
        let name = format!("{}{name_suffix}", site.name);
        match groups.iter_mut().find(|group| group.key == key) {
            Some(group) => group.members.push((pointer, site.role)),
            None => groups.push(Group {
                key,
                schema: schema.clone(),
                first_name: name,
                members: vec![(pointer, site.role)],
            }),
        }
    }
    let existing = existing_components(document);
    let error_only_groups = groups.iter().filter(|g| g.is_error_only()).count();
    let mut names = ComponentNames::of(document);
    let mut origins = BTreeMap::new();
    for group in groups {
        let name = match existing.get(&group.key) {
            Some(name) => name.clone(),
            None => {
                let wanted = group.title().unwrap_or_else(|| {
                    if error_only_groups == 1 && group.is_error_only() {
                        "ErrorBody".to_owned()
                    } else {
                        group.first_name.clone()
                    }
                });
                // A taken name gets a number: deterministic, and nothing is degraded.
                let name = names.claim(&wanted);
                insert_component(document, &name, group.schema.clone());
                if let Some((pointer, _)) = group.members.first() {
                    origins.insert(name.clone(), pointer.clone());
                }
                name
            }
        };
        let reference = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
        for (pointer, _) in &group.members {
            if let Some(slot) = document.pointer_mut(pointer.as_str()) {
                *slot = reference.clone();
            }
        }
    }
    Ok(origins)
}

/// Inline schemas with one structure.
struct Group {
    key: String,
    schema: Value,
    first_name: String,
    members: Vec<(Pointer, Role)>,
}

impl Group {
    fn is_error_only(&self) -> bool {
        self.members.iter().all(|(_, role)| *role == Role::Error)
    }

    fn title(&self) -> Option<String> {
        self.schema
            .get("title")
            .and_then(Value::as_str)
            .map(pascal_case)
            .filter(|t| !t.is_empty())
    }
}

/// Every response, request body and parameter schema of the document, in document order.
fn collect_sites(document: &Value) -> Result<Vec<Site>, SpecError> {
    let mut sites = Vec::new();
    let mut component_roles: BTreeMap<String, Role> = BTreeMap::new();
    if let Some(Value::Object(paths)) = document.get("paths") {
        for (path, item) in paths {
            for method in HTTP_METHODS {
                let Some(operation) = item.get(*method).and_then(Value::as_object) else {
                    continue;
                };
                let op_pointer = Pointer::root().key("paths").key(path).key(method);
                let op_name = pascal_case(
                    operation
                        .get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or(method),
                );
                collect_operation_sites(
                    document,
                    operation,
                    &op_pointer,
                    &op_name,
                    &mut sites,
                    &mut component_roles,
                )?;
            }
        }
    }
    if let Some(Value::Object(components)) = document.get("components") {
        let pointer = Pointer::root().key("components");
        for (section, role) in [("responses", None), ("requestBodies", Some(Role::Request))] {
            let Some(Value::Object(entries)) = components.get(section) else {
                continue;
            };
            for (name, entry) in entries {
                let entry_pointer = pointer.key(section).key(name);
                let role = role.unwrap_or_else(|| {
                    component_roles
                        .get(&format!("#/components/responses/{name}"))
                        .copied()
                        .unwrap_or(Role::Success)
                });
                let base = if name.ends_with("Body") {
                    pascal_case(name)
                } else {
                    format!("{}Body", pascal_case(name))
                };
                push_content_sites(entry, &entry_pointer, &base, role, &mut sites);
            }
        }
        if let Some(Value::Object(parameters)) = components.get("parameters") {
            for (name, parameter) in parameters {
                let schema_pointer = pointer.key("parameters").key(name).key("schema");
                if parameter.get("schema").is_some() {
                    sites.push(Site {
                        schema: schema_pointer,
                        name: pascal_case(name),
                        role: Role::Parameter,
                    });
                }
            }
        }
    }
    Ok(sites)
}

fn collect_operation_sites(
    document: &Value,
    operation: &Map<String, Value>,
    op_pointer: &Pointer,
    op_name: &str,
    sites: &mut Vec<Site>,
    component_roles: &mut BTreeMap<String, Role>,
) -> Result<(), SpecError> {
    if let Some(Value::Array(parameters)) = operation.get("parameters") {
        for (index, parameter) in parameters.iter().enumerate() {
            let (Some(name), Some(_)) = (
                parameter.get("name").and_then(Value::as_str),
                parameter.get("schema"),
            ) else {
                continue;
            };
            sites.push(Site {
                schema: op_pointer.key("parameters").index(index).key("schema"),
                name: format!("{op_name}{}", pascal_case(name)),
                role: Role::Parameter,
            });
        }
    }
    if let Some(body) = operation.get("requestBody")
        && body.get("$ref").is_none()
    {
        push_content_sites(
            body,
            &op_pointer.key("requestBody"),
            &format!("{op_name}Body"),
            Role::Request,
            sites,
        );
    }
    let Some(Value::Object(responses)) = operation.get("responses") else {
        return Ok(());
    };
    let has_success = responses.keys().any(|code| code.starts_with('2'));
    let error_count = responses
        .keys()
        .filter(|code| is_error_code(code, has_success))
        .count();
    for (code, response) in responses {
        let role = if is_error_code(code, has_success) {
            Role::Error
        } else {
            Role::Success
        };
        let response_pointer = op_pointer.key("responses").key(code);
        if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
            resolve_ref(document, reference, &response_pointer.key("$ref"))?;
            let known = component_roles.entry(reference.to_owned()).or_insert(role);
            if *known != role {
                // Used both ways: name it as a plain response body.
                *known = Role::Success;
            }
            continue;
        }
        let name = match role {
            Role::Error if error_count > 1 => format!("{op_name}Error{}", code.to_uppercase()),
            Role::Error => format!("{op_name}Error"),
            _ => format!("{op_name}Response"),
        };
        push_content_sites(response, &response_pointer, &name, role, sites);
    }
    Ok(())
}

/// `4xx`, `5xx`, and `default` when the operation also documents a success.
fn is_error_code(code: &str, has_success: bool) -> bool {
    match Status::parse(code) {
        Some(Status::Default) => has_success,
        status => status.is_some_and(Status::is_error),
    }
}

/// One site per JSON media type of a response or request body.
fn push_content_sites(
    holder: &Value,
    pointer: &Pointer,
    name: &str,
    role: Role,
    sites: &mut Vec<Site>,
) {
    let Some(Value::Object(content)) = holder.get("content") else {
        return;
    };
    for (media_type, media) in content {
        // Form encodings are typed too: progenitor turns a form body's schema into a type.
        let typed = is_json_media_type(media_type)
            || (role == Role::Request && is_form_media_type(media_type));
        if typed && media.get("schema").is_some() {
            sites.push(Site {
                schema: pointer.key("content").key(media_type).key("schema"),
                name: name.to_owned(),
                role,
            });
        }
    }
}

/// `application/x-www-form-urlencoded` and `multipart/form-data`.
pub fn is_form_media_type(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/x-www-form-urlencoded" || essence == "multipart/form-data"
}

/// `application/json`, `application/json; charset=utf-8`, `application/problem+json`, ...
pub fn is_json_media_type(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The part of a schema that needs a name, as a pointer relative to it, and the name's suffix:
/// the schema itself (`""`), or an array's items (`"items"`, suffix `Item`).
fn hoistable_part(schema: &Value) -> Option<(&'static str, &'static str)> {
    if needs_name(schema) {
        return Some(("", ""));
    }
    let items = schema.get("items")?;
    (schema.get("type").and_then(Value::as_str) == Some("array") && needs_name(items))
        .then_some(("items", "Item"))
}

/// Whether typify would turn this schema into a named type (struct, enum, alias of a union).
pub(super) fn needs_name(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else {
        return false;
    };
    if object.contains_key("$ref") {
        return false;
    }
    if object.contains_key("enum") {
        return true;
    }
    for keyword in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(alternatives)) = object.get(keyword) {
            // `allOf: [$ref]` (often beside `nullable`) is the referenced type itself.
            let is_wrapper = alternatives.len() == 1 && alternatives[0].get("$ref").is_some();
            return !is_wrapper;
        }
    }
    // typify makes a constrained string a newtype (its constructor checks the constraint).
    let constrained_string = object.get("type").and_then(Value::as_str) == Some("string")
        && ["pattern", "minLength", "maxLength"]
            .iter()
            .any(|k| object.contains_key(*k));
    constrained_string
        || object
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty())
}

/// A canonical text of the schema without annotations: equal texts mean one type.
///
/// The schema's JSON with every object's keys sorted (the top level's annotations left out),
/// written straight into the text.
pub(super) fn structural_key(schema: &Value) -> String {
    fn write(key: &mut String, value: &Value, top: bool) {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map
                    .iter()
                    .filter(|(name, _)| !(top && ANNOTATIONS.contains(&name.as_str())))
                    .collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                key.push('{');
                for (index, (name, value)) in entries.into_iter().enumerate() {
                    if index > 0 {
                        key.push(',');
                    }
                    write_string(key, name);
                    key.push(':');
                    write(key, value, false);
                }
                key.push('}');
            }
            Value::Array(items) => {
                key.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        key.push(',');
                    }
                    write(key, item, false);
                }
                key.push(']');
            }
            Value::String(text) => write_string(key, text),
            scalar => key.push_str(&scalar.to_string()),
        }
    }
    /// A JSON string literal, escaped as serde_json escapes it.
    fn write_string(key: &mut String, text: &str) {
        key.push_str(&Value::from(text).to_string());
    }
    let mut key = String::new();
    write(&mut key, schema, true);
    key
}

/// Existing components by structure, so an identical inline schema reuses one.
fn existing_components(document: &Value) -> BTreeMap<String, String> {
    let Some(Value::Object(schemas)) = document.pointer("/components/schemas") else {
        return BTreeMap::new();
    };
    let mut by_key = BTreeMap::new();
    for (name, schema) in schemas {
        by_key
            .entry(structural_key(schema))
            .or_insert_with(|| name.clone());
    }
    by_key
}

fn insert_component(document: &mut Value, name: &str, schema: Value) {
    let Value::Object(top) = document else { return };
    let components = top
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(components) = components else {
        return;
    };
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(schemas) = schemas {
        schemas.insert(name.to_owned(), schema);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn hoist(mut document: Value) -> Value {
        hoist_inline_schemas(&mut document).expect("hoisted");
        document
    }

    fn error_body() -> Value {
        json!({"type": "object", "properties": {"error": {"type": "string"}}})
    }

    #[test]
    fn identical_component_error_bodies_become_one_error_body() {
        let document = hoist(json!({
            "paths": {"/a": {"get": {"operationId": "get_a", "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"}
            }}}},
            "components": {"responses": {
                "Unauthorized": {"description": "u", "content": {"application/json": {"schema": error_body()}}},
                "NotFound": {"description": "n", "content": {"application/json": {"schema": error_body()}}}
            }}
        }));
        assert_eq!(document["components"]["schemas"]["ErrorBody"], error_body());
        for name in ["Unauthorized", "NotFound"] {
            assert_eq!(
                document["components"]["responses"][name]["content"]["application/json"]["schema"],
                json!({"$ref": "#/components/schemas/ErrorBody"})
            );
        }
        assert_eq!(
            document["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"type": "string"}),
            "scalars stay inline"
        );
    }

    #[test]
    fn different_inline_errors_stay_apart() {
        let other = json!({"type": "object", "properties": {"error": {"type": "string"}, "code": {"type": "integer"}}});
        let document = hoist(json!({
            "paths": {"/a": {"get": {"operationId": "getA", "responses": {
                "200": {"description": "ok"},
                "401": {"description": "u", "content": {"application/json": {"schema": error_body()}}},
                "404": {"description": "n", "content": {"application/json": {"schema": other}}}
            }}}}
        }));
        let schemas = document["components"]["schemas"]
            .as_object()
            .expect("schemas");
        assert_eq!(
            schemas.keys().collect::<Vec<_>>(),
            ["GetAError401", "GetAError404"]
        );
        assert_eq!(schemas["GetAError404"], other);
    }

    #[test]
    fn inline_schema_equal_to_a_component_reuses_it() {
        let document = hoist(json!({
            "paths": {"/a": {"post": {"operationId": "create_a",
                "requestBody": {"content": {"application/json": {"schema": error_body()}}},
                "responses": {"204": {"description": "done"}}
            }}},
            "components": {"schemas": {"Message": error_body()}}
        }));
        assert_eq!(
            document["paths"]["/a"]["post"]["requestBody"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/Message"})
        );
        assert_eq!(
            document["components"]["schemas"].as_object().map(Map::len),
            Some(1)
        );
    }

    #[test]
    fn array_of_inline_objects_hoists_the_items() {
        let document = hoist(json!({
            "paths": {"/a": {"get": {"operationId": "list_a", "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": error_body()}}}}
            }}}}
        }));
        assert_eq!(
            document["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"type": "array", "items": {"$ref": "#/components/schemas/ListAResponseItem"}})
        );
    }

    #[test]
    fn taken_names_get_a_number() {
        let document = hoist(json!({
            "paths": {"/a": {"get": {"operationId": "get_a", "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": error_body()}}}
            }}}},
            "components": {"schemas": {"GetAResponse": {"type": "string"}}}
        }));
        assert!(
            document["components"]["schemas"]
                .get("GetAResponse2")
                .is_some()
        );
    }
}
