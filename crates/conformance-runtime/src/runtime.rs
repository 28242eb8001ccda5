// The spec-independent part of every generated conformance harness: a probe server, the loop
// that runs the generated client against it (see `refactor_openapi::compare::client`), the
// trait's document and the stub's server from dropshot, and how a call of the stub is recorded
// (`record` and its kin, which the harness's calls use). The
// generator emits this file's items verbatim into each harness; the crate around it compiles,
// lints and tests it.

/// A server on loopback that answers every request with the status and body a test chose last,
/// and remembers the request's method and path. One connection per request.
pub struct ProbeServer {
    address: ::std::net::SocketAddr,
    state: ::std::sync::Arc<::std::sync::Mutex<ProbeState>>,
    task: ::tokio::task::JoinHandle<()>,
}

#[derive(Default)]
struct ProbeState {
    status: u16,
    body: ::std::option::Option<::std::vec::Vec<u8>>,
    request: ::std::option::Option<(::std::string::String, ::std::string::String)>,
}

impl ProbeServer {
    /// Starts the server on an ephemeral loopback port.
    pub async fn start() -> ::std::io::Result<Self> {
        let listener = ::tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let state = ::std::sync::Arc::new(::std::sync::Mutex::new(ProbeState {
            status: 500,
            ..ProbeState::default()
        }));
        let shared = ::std::sync::Arc::clone(&state);
        let task = ::tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                // A connection that breaks off only fails the call that made it.
                let _ = answer(stream, &shared).await;
            }
        });
        Ok(Self {
            address,
            state,
            task,
        })
    }

    /// The base URL to give a client.
    pub fn url(&self) -> ::std::string::String {
        format!("http://{}", self.address)
    }

    /// Answers the next requests with `status` and, when given, `body` as JSON.
    pub fn answer(&self, status: u16, body: ::std::option::Option<&::serde_json::Value>) {
        let mut state = lock(&self.state);
        state.status = status;
        state.body = body.map(|body| body.to_string().into_bytes());
        state.request = None;
    }

    /// The method and path of the last request since [`ProbeServer::answer`], if one came.
    pub fn take_request(
        &self,
    ) -> ::std::option::Option<(::std::string::String, ::std::string::String)> {
        lock(&self.state).request.take()
    }
}

impl Drop for ProbeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock(
    state: &::std::sync::Mutex<ProbeState>,
) -> ::std::sync::MutexGuard<'_, ProbeState> {
    // A poisoned lock only means a test panicked holding it; the state is still usable.
    state
        .lock()
        .unwrap_or_else(::std::sync::PoisonError::into_inner)
}

/// Reads one request (its head, and a body of `Content-Length` bytes) and writes the chosen
/// answer.
async fn answer(
    mut stream: ::tokio::net::TcpStream,
    state: &::std::sync::Mutex<ProbeState>,
) -> ::std::io::Result<()> {
    use ::tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut received = ::std::vec::Vec::new();
    let mut buffer = [0_u8; 4096];
    let head_end = loop {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Ok(());
        }
        received.extend_from_slice(&buffer[..read]);
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = ::std::string::String::from_utf8_lossy(&received[..head_end]).into_owned();
    let body_length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while received.len() < head_end + body_length {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        received.extend_from_slice(&buffer[..read]);
    }
    let mut request_line = head.lines().next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let path = request_line.next().unwrap_or_default().to_owned();
    let (status, body) = {
        let mut state = lock(state);
        state.request = Some((method, path));
        (state.status, state.body.clone())
    };
    let mut response = format!("HTTP/1.1 {status} Probe\r\nconnection: close\r\n");
    let body = match body {
        Some(body) => {
            response.push_str("content-type: application/json\r\n");
            body
        }
        None => ::std::vec::Vec::new(),
    };
    response.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    stream.write_all(response.as_bytes()).await?;
    stream.write_all(&body).await?;
    stream.shutdown().await
}

/// What the client made of a response, from the result of its call.
pub fn client_outcome<T, E>(
    result: ::std::result::Result<T, ::progenitor_client::Error<E>>,
) -> ::refactor_openapi::compare::ClientOutcome {
    use ::progenitor_client::Error;
    use ::refactor_openapi::compare::ClientOutcome;
    match result {
        Ok(_) => ClientOutcome::Success,
        Err(Error::ErrorResponse(_)) => ClientOutcome::ErrorResponse,
        Err(Error::UnexpectedResponse(_)) => ClientOutcome::Unexpected,
        Err(Error::InvalidResponsePayload(_, error)) => {
            ClientOutcome::Failed(format!("the body did not decode: {error}"))
        }
        Err(Error::InvalidRequest(message)) => {
            ClientOutcome::Failed(format!("invalid request: {message}"))
        }
        Err(Error::CommunicationError(error)) => {
            ClientOutcome::Failed(format!("communication error: {error}"))
        }
        Err(Error::ResponseBodyError(error)) => {
            ClientOutcome::Failed(format!("response body error: {error}"))
        }
        Err(Error::InvalidUpgrade(error)) => {
            ClientOutcome::Failed(format!("invalid upgrade: {error}"))
        }
        Err(Error::Custom(message)) => ClientOutcome::Failed(format!("custom error: {message}")),
    }
}

/// Runs `call` (which calls the client's method for an operation id, against `server`, and
/// returns its [`client_outcome`]) for every probe of `spec`, with the server answering each
/// probe's status and body.
pub async fn probe_client(
    spec: &::serde_json::Value,
    server: &ProbeServer,
    mut call: impl AsyncFnMut(&str) -> ::refactor_openapi::compare::ClientOutcome,
) -> ::std::vec::Vec<::refactor_openapi::compare::ClientResult> {
    let mut results = ::std::vec::Vec::new();
    for probe in ::refactor_openapi::compare::client_probes(spec) {
        server.answer(probe.status, probe.body.as_ref());
        let outcome = call(&probe.operation_id).await;
        let request = server.take_request();
        results.push(::refactor_openapi::compare::ClientResult {
            probe,
            request,
            outcome,
        });
    }
    results
}

/// dropshot's OpenAPI document of `description`, titled and described like `spec`, with the
/// documents of the operations a dispatcher serves (`dispatched`, see the server-api crate's
/// `dispatched_documentation`) merged in: the trait's document as the harness compares it.
pub fn dropshot_document<C: ::dropshot::ServerContext>(
    spec: &::serde_json::Value,
    description: &::dropshot::ApiDescription<C>,
    dispatched: &[::dropshot::ApiDescription<()>],
) -> ::serde_json::Value {
    let text = |pointer: &str| {
        spec.pointer(pointer)
            .and_then(::serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let version = ::dropshot::semver::Version::parse(&::refactor_openapi::compare::semver_text(
        &text("/info/version"),
    ))
    .expect("semver_text always yields a semantic version");
    let mut openapi = description.openapi(text("/info/title"), version.clone());
    openapi.description(text("/info/description"));
    let mut document = openapi.json().expect("dropshot renders its document");
    for description in dispatched {
        let extra = description
            .openapi(text("/info/title"), version.clone())
            .json()
            .expect("dropshot renders its document");
        merge_documents(&mut document, &extra);
    }
    document
}

/// Serves `api` (without a context) on an ephemeral loopback port, logging errors only, as
/// `name`.
pub fn serve_on_loopback(
    api: ::dropshot::ApiDescription<()>,
    name: &str,
) -> ::dropshot::HttpServer<()> {
    let config = ::dropshot::ConfigDropshot {
        bind_address: ([127, 0, 0, 1], 0).into(),
        ..Default::default()
    };
    let log = ::dropshot::ConfigLogging::StderrTerminal {
        level: ::dropshot::ConfigLoggingLevel::Error,
    }
    .to_logger(name)
    .expect("a logger");
    ::dropshot::ServerBuilder::new(api, (), log)
        .config(config)
        .start()
        .expect("the server starts")
}

/// Adds the operations and components of `extra` (an OpenAPI document) to `document`: how the
/// harness adds the documentation of the operations a dispatcher serves to the trait's document.
pub fn merge_documents(document: &mut ::serde_json::Value, extra: &::serde_json::Value) {
    use ::serde_json::{Map, Value};
    let mut merge = |pointer: &str, key: &str| {
        let Some(Value::Object(additions)) = extra.pointer(pointer) else {
            return;
        };
        let mut target = &mut *document;
        for part in pointer.trim_start_matches('/').split('/') {
            let Some(object) = target.as_object_mut() else {
                return;
            };
            target = object
                .entry(part)
                .or_insert_with(|| Value::Object(Map::new()));
        }
        let Some(target) = target.as_object_mut() else {
            return;
        };
        for (name, addition) in additions {
            match (target.get_mut(name), addition) {
                // A path item: its methods are added beside the ones already there.
                (Some(Value::Object(existing)), Value::Object(methods)) if key == "paths" => {
                    existing.extend(methods.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                (Some(_), _) => {}
                (None, addition) => {
                    target.insert(name.clone(), addition.clone());
                }
            }
        }
    };
    merge("/paths", "paths");
    merge("/components/schemas", "schemas");
    merge("/components/responses", "responses");
}

/// A call reached its endpoint when the stub answered its 501.
#[allow(dead_code)]
fn record<T, E>(
    missing: &mut Vec<(&'static str, String)>,
    operation: &'static str,
    result: ::std::result::Result<T, ::progenitor_client::Error<E>>,
) {
    match result {
        Err(error) if error.status().map(|s| s.as_u16()) == Some(501) => {}
        Err(error) => missing.push((operation, describe(&error))),
        Ok(_) => missing.push((operation, "succeeded; the stub answers 501".to_owned())),
    }
}

/// As [`record`], and when the typed error body carries the stub's message, it must name
/// the operation's `method`: the call reached its own endpoint (a dispatcher chose right).
#[allow(dead_code)]
fn record_named<T, E: ::std::fmt::Debug>(
    missing: &mut Vec<(&'static str, String)>,
    operation: &'static str,
    method: &'static str,
    result: ::std::result::Result<T, ::progenitor_client::Error<E>>,
) {
    match result {
        Err(::progenitor_client::Error::ErrorResponse(body)) if body.status().as_u16() == 501 => {
            let text = format!("{:?}", body.into_inner());
            if text.contains("is not implemented by the conformance stub")
                && !text.contains(&format!("`{method}`"))
            {
                missing.push((operation, format!("reached another operation: {text}")));
            }
        }
        other => record(missing, operation, other),
    }
}

/// A WebSocket channel is reached when the upgrade succeeds.
#[allow(dead_code)]
fn record_upgrade<T, E>(
    missing: &mut Vec<(&'static str, String)>,
    operation: &'static str,
    result: ::std::result::Result<T, ::progenitor_client::Error<E>>,
) {
    if let Err(error) = result {
        missing.push((operation, describe(&error)));
    }
}

/// What went wrong with a call, without requiring the error body to be printable.
fn describe<E>(error: &::progenitor_client::Error<E>) -> String {
    use ::progenitor_client::Error;
    let kind = match error {
        Error::InvalidRequest(message) => format!("invalid request: {message}"),
        Error::Custom(message) => format!("custom error: {message}"),
        Error::CommunicationError(e) => format!("communication error: {e}"),
        Error::InvalidUpgrade(e) => format!("invalid upgrade: {e}"),
        Error::ErrorResponse(_) => "error response".to_owned(),
        Error::ResponseBodyError(e) => format!("response body error: {e}"),
        Error::InvalidResponsePayload(_, e) => format!("invalid response payload: {e}"),
        Error::UnexpectedResponse(_) => "unexpected response".to_owned(),
    };
    format!("{kind} (status {:?})", error.status())
}

/// A value of the parameter type the call site expects, from its JSON.
#[allow(dead_code)]
fn example<T: ::serde::de::DeserializeOwned>(value: ::serde_json::Value) -> T {
    ::serde_json::from_value(value).expect("the example fits the parameter's type")
}
