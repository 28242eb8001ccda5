//! What the server trait is generated from: the operations of a normalized document, with their
//! parameters, bodies, responses and security, read once into plain structs.

use std::collections::BTreeMap;

use anyhow::{Context as _, anyhow, bail};
use refactor_openapi::Pointer;
use refactor_openapi::naming::{field_name, method_name, type_name};
use refactor_openapi::normalize::is_json_media_type;
use refactor_openapi::normalize::operations::{deref, operation_addresses};
use refactor_openapi::routes::{RouteHost, route_hosts};
pub use refactor_openapi::status::Status;
use refactor_openapi::status::is_extension;
use serde_json::{Map, Value};

/// One operation of the API.
#[derive(Debug)]
pub struct Operation {
    /// The id as the spec spells it (dropshot's `operation_id`).
    pub operation_id: String,
    /// The trait method, e.g. `list_run_gold_labels`.
    pub method_name: String,
    /// The prefix of the operation's generated types, e.g. `ListRunGoldLabels`.
    pub type_prefix: String,
    /// `GET`, `POST`, ...
    pub http_method: String,
    /// The path template, e.g. `/v1/run/{id}/gold-labels`.
    pub path: String,
    /// First paragraph of the endpoint's documentation.
    pub summary: Option<String>,
    /// The rest of the endpoint's documentation.
    pub description: Option<String>,
    /// Whether the spec marks the operation deprecated.
    pub deprecated: bool,
    /// The operation's tags.
    pub tags: Vec<String>,
    /// Parameters by location.
    pub path_params: Vec<Parameter>,
    /// Query parameters.
    pub query_params: Vec<Parameter>,
    /// Header parameters.
    pub header_params: Vec<Parameter>,
    /// The JSON request body, if any.
    pub request_body: Option<RequestBody>,
    /// Whether the request must carry its body (`requestBody.required`).
    pub request_body_required: bool,
    /// Every documented response, in the spec's order.
    pub responses: Vec<Response>,
    /// The `WWW-Authenticate` challenge a 401 of this operation carries, from its security.
    pub challenge: Option<String>,
    /// A dropshot WebSocket channel (`x-dropshot-websocket`): the client upgrades the connection.
    pub websocket: bool,
    /// Where dropshot's router serves the path: its own route, or (a literal beside a
    /// variable) the variable's route, with the literals a dispatcher checks.
    pub route: RouteHost,
}

/// A path, query or header parameter.
#[derive(Debug)]
pub struct Parameter {
    /// The name on the wire.
    pub name: String,
    /// The Rust field.
    pub field: String,
    /// Its documentation.
    pub description: Option<String>,
    /// Whether the request must carry it.
    pub required: bool,
    /// Its schema.
    pub schema: Value,
    /// The parameter's own example, if the spec gives one.
    pub example: Option<Value>,
}

/// A request body, in one of the forms normalization leaves.
#[derive(Debug)]
pub enum RequestBody {
    /// `application/json` with this schema.
    Json(Value),
    /// `application/x-www-form-urlencoded` with this schema.
    Form(Value),
    /// `application/octet-stream`: bytes.
    Bytes,
    /// `text/plain`: a string.
    Text,
}

/// A documented response.
#[derive(Debug)]
pub struct Response {
    /// Which statuses it covers.
    pub status: Status,
    /// The spec's description.
    pub description: String,
    /// What it carries.
    pub body: ResponseBody,
}

/// A response's content.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// No content.
    Empty,
    /// JSON of this schema.
    Json(Value),
    /// Bytes of this media type (`*/*` becomes `application/octet-stream`).
    Raw(String),
}

impl ResponseBody {
    /// The JSON schema, for a JSON body.
    pub fn json_schema(&self) -> Option<&Value> {
        match self {
            Self::Json(schema) => Some(schema),
            Self::Empty | Self::Raw(_) => None,
        }
    }
}

/// Reads every operation of `document`.
pub fn operations(document: &Value) -> anyhow::Result<Vec<Operation>> {
    let paths = document
        .get("paths")
        .and_then(Value::as_object)
        .map(|paths| paths.keys().map(String::as_str).collect::<Vec<_>>())
        .unwrap_or_default();
    let hosts: BTreeMap<String, RouteHost> = route_hosts(paths)
        .map_err(|unroutable| {
            anyhow!(
                "the path {} has a segment dropshot cannot match: {:?}",
                unroutable.path,
                unroutable.segment
            )
        })?
        .into_iter()
        .collect();
    operation_addresses(document)
        .into_iter()
        .map(|address| {
            let operation = document
                .pointer(address.pointer.as_str())
                .and_then(Value::as_object)
                .ok_or_else(|| anyhow!("no operation at {}", address.pointer))?;
            let route = hosts.get(&address.path).cloned().ok_or_else(|| {
                anyhow!(
                    "{}: the path is not among the document's paths",
                    address.pointer
                )
            })?;
            read_operation(
                document,
                operation,
                &address.path,
                address.method,
                &address.pointer,
            )
            .map(|operation| Operation { route, ..operation })
            .with_context(|| format!("at {}", address.pointer))
        })
        .collect()
}

fn read_operation(
    document: &Value,
    operation: &Map<String, Value>,
    path: &str,
    method: &str,
    pointer: &Pointer,
) -> anyhow::Result<Operation> {
    let operation_id = string(operation, "operationId")
        .ok_or_else(|| anyhow!("the operation has no operationId after normalization"))?;
    let mut path_params = Vec::new();
    let mut query_params = Vec::new();
    let mut header_params = Vec::new();
    if let Some(Value::Array(parameters)) = operation.get("parameters") {
        for (index, parameter) in parameters.iter().enumerate() {
            let at = pointer.key("parameters").index(index);
            let parameter = deref(document, parameter, &at)?;
            let name = string(parameter, "name")
                .ok_or_else(|| anyhow!("{at}: a parameter has no name"))?;
            let location = string(parameter, "in").unwrap_or_default();
            let model = Parameter {
                field: field_name(&name),
                description: string(parameter, "description"),
                required: location == "path"
                    || parameter.get("required") == Some(&Value::Bool(true)),
                schema: parameter
                    .get("schema")
                    .cloned()
                    .unwrap_or(Value::Bool(true)),
                example: parameter.get("example").cloned(),
                name,
            };
            match location.as_str() {
                "path" => path_params.push(model),
                "query" => query_params.push(model),
                "header" => header_params.push(model),
                // Cookies have no dropshot extractor; the client does not send them either.
                "cookie" => {}
                other => bail!("{at}: unknown parameter location {other:?}"),
            }
        }
    }
    // In the order the path names them, whatever the order of the list (progenitor orders the
    // client's arguments so too).
    path_params.sort_by_key(|parameter| path.find(&format!("{{{}}}", parameter.name)));
    let (request_body, request_body_required) = match operation.get("requestBody") {
        Some(body) => {
            let at = pointer.key("requestBody");
            let body = deref(document, body, &at)?;
            (
                request_body(body).with_context(|| format!("at {at}"))?,
                body.get("required") == Some(&Value::Bool(true)),
            )
        }
        None => (None, false),
    };
    let mut responses = Vec::new();
    if let Some(Value::Object(entries)) = operation.get("responses") {
        // Extensions are the only keys normalization leaves that are not statuses.
        for (key, response) in entries.iter().filter(|(key, _)| !is_extension(key)) {
            let at = pointer.key("responses").key(key);
            let status = Status::parse(key)
                .ok_or_else(|| anyhow!("{at}: {key:?} is not a response code"))?;
            let response = deref(document, response, &at)?;
            responses.push(Response {
                status,
                description: string(response, "description").unwrap_or_default(),
                body: response_body(response),
            });
        }
    }
    let (summary, description) = documentation(operation);
    Ok(Operation {
        method_name: method_name(&operation_id),
        type_prefix: type_name(&operation_id),
        operation_id,
        http_method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        summary,
        description,
        deprecated: operation.get("deprecated") == Some(&Value::Bool(true)),
        tags: operation
            .get("tags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        path_params,
        query_params,
        header_params,
        request_body,
        request_body_required,
        responses,
        challenge: refactor_openapi::security::challenge(document, operation),
        websocket: operation.contains_key("x-dropshot-websocket"),
        route: RouteHost {
            pattern: path.to_owned(),
            constraints: Vec::new(),
            renames: Vec::new(),
        },
    })
}

fn string(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// A response's body: JSON when it offers JSON, otherwise the first media type's bytes.
fn response_body(response: &Map<String, Value>) -> ResponseBody {
    let Some(content) = response
        .get("content")
        .and_then(Value::as_object)
        .filter(|c| !c.is_empty())
    else {
        return ResponseBody::Empty;
    };
    if let Some((_, media)) = content
        .iter()
        .find(|(media_type, _)| is_json_media_type(media_type))
    {
        return ResponseBody::Json(media.get("schema").cloned().unwrap_or(Value::Bool(true)));
    }
    let media_type = content
        .keys()
        .next()
        .map(String::as_str)
        .unwrap_or_default();
    let concrete = if media_type.contains('*') {
        "application/octet-stream"
    } else {
        media_type
    };
    ResponseBody::Raw(concrete.to_owned())
}

/// The request body, in the one media type normalization leaves.
fn request_body(body: &Map<String, Value>) -> anyhow::Result<Option<RequestBody>> {
    let Some((media_type, media)) = body
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.iter().next())
    else {
        return Ok(None);
    };
    let schema = || media.get("schema").cloned().unwrap_or(Value::Bool(true));
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    Ok(Some(match essence {
        _ if is_json_media_type(essence) => RequestBody::Json(schema()),
        "application/x-www-form-urlencoded" => RequestBody::Form(schema()),
        "application/octet-stream" => RequestBody::Bytes,
        "text/plain" => RequestBody::Text,
        other => bail!("request body of media type {other:?} after normalization"),
    }))
}

/// dropshot documents an endpoint from its doc comment: the first paragraph is the summary.
fn documentation(operation: &Map<String, Value>) -> (Option<String>, Option<String>) {
    let non_empty = |key| string(operation, key).filter(|text| !text.trim().is_empty());
    (non_empty("summary"), non_empty("description"))
}
