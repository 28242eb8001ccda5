//! The probe server and the outcome of a call, with a plain HTTP client.

use super::*;

/// A minimal HTTP/1.1 GET over a TCP stream, so the test needs no client library.
async fn get(url: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream = tokio::net::TcpStream::connect(host)
        .await
        .expect("connects");
    let request = format!(
        "GET /{path} HTTP/1.1\r\nhost: {host}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("writes");
    let mut text = String::new();
    stream.read_to_string(&mut text).await.expect("reads");
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    (status, body)
}

#[tokio::test]
async fn the_server_answers_what_it_was_told_and_remembers_the_request() {
    let server = ProbeServer::start().await.expect("starts");
    server.answer(404, Some(&serde_json::json!({"error": "no"})));
    let (status, body) = get(&format!("{}/runs/7?x=1", server.url())).await;
    assert_eq!(status, 404);
    assert_eq!(body, r#"{"error":"no"}"#);
    assert_eq!(
        server.take_request(),
        Some(("GET".to_owned(), "/runs/7?x=1".to_owned()))
    );
    assert_eq!(server.take_request(), None);
}

#[test]
fn outcomes_follow_the_error_kind() {
    use refactor_openapi::compare::ClientOutcome;
    let ok: Result<(), progenitor_client::Error<()>> = Ok(());
    assert_eq!(client_outcome(ok), ClientOutcome::Success);
    let invalid: Result<(), progenitor_client::Error<()>> =
        Err(progenitor_client::Error::InvalidRequest("no".into()));
    assert!(matches!(client_outcome(invalid), ClientOutcome::Failed(_)));
}

/// An error response of `status` whose body is `message`.
fn error_response(status: u16, message: &str) -> progenitor_client::Error<String> {
    progenitor_client::Error::ErrorResponse(progenitor_client::ResponseValue::new(
        message.to_owned(),
        http::StatusCode::from_u16(status).expect("a status"),
        http::HeaderMap::new(),
    ))
}

#[test]
fn only_the_stubs_501_counts_as_reaching_the_endpoint() {
    let mut missing = Vec::new();
    record::<(), String>(&mut missing, "stubbed", Err(error_response(501, "stub")));
    record::<(), String>(&mut missing, "succeeded", Ok(()));
    record::<(), String>(
        &mut missing,
        "refused",
        Err(progenitor_client::Error::InvalidRequest("no id".into())),
    );
    record::<(), String>(&mut missing, "not found", Err(error_response(404, "gone")));
    assert_eq!(
        missing,
        [
            ("succeeded", "succeeded; the stub answers 501".to_owned()),
            ("refused", "invalid request: no id (status None)".to_owned()),
            ("not found", "error response (status Some(404))".to_owned()),
        ]
    );
}

#[test]
fn a_named_call_must_reach_its_own_method() {
    let stub = |method: &str| {
        error_response(
            501,
            &format!("`{method}` is not implemented by the conformance stub"),
        )
    };
    let mut missing = Vec::new();
    record_named::<(), String>(&mut missing, "list_a", "list_a", Err(stub("list_a")));
    assert_eq!(missing, []);
    record_named::<(), String>(&mut missing, "list_a", "list_a", Err(stub("list_b")));
    assert_eq!(missing.len(), 1);
    assert!(
        missing[0].1.starts_with("reached another operation:") && missing[0].1.contains("list_b"),
        "{missing:?}"
    );
}

#[test]
fn an_upgrade_is_reached_when_it_succeeds() {
    let mut missing = Vec::new();
    record_upgrade::<(), String>(&mut missing, "channel", Ok(()));
    record_upgrade::<(), String>(&mut missing, "closed", Err(error_response(501, "stub")));
    assert_eq!(
        missing,
        [("closed", "error response (status Some(501))".to_owned())]
    );
}

#[test]
fn examples_decode_into_the_type_the_call_expects() {
    let id: u64 = example(serde_json::json!(7));
    assert_eq!(id, 7);
}

/// An endpoint for the descriptions below.
#[dropshot::endpoint { method = GET, path = "/extra/{id}" }]
async fn extra_endpoint(
    _rqctx: dropshot::RequestContext<()>,
    _path: dropshot::Path<ExtraPath>,
) -> Result<dropshot::HttpResponseOk<String>, dropshot::HttpError> {
    Ok(dropshot::HttpResponseOk(String::new()))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
#[allow(dead_code)]
struct ExtraPath {
    id: String,
}

#[test]
fn the_trait_document_is_titled_like_the_spec_and_holds_the_dispatched_operations() {
    let spec = serde_json::json!({
        "info": {"title": "Labels", "version": "2.1", "description": "Gold labels."}
    });
    let mut dispatched = dropshot::ApiDescription::new();
    dispatched.register(extra_endpoint).expect("registers");
    let document = dropshot_document(&spec, &dropshot::ApiDescription::<()>::new(), &[dispatched]);
    assert_eq!(document["info"]["title"], "Labels");
    assert_eq!(document["info"]["version"], "2.1.0");
    assert_eq!(document["info"]["description"], "Gold labels.");
    assert!(
        document["paths"]["/extra/{id}"]["get"].is_object(),
        "{document:#}"
    );
}

#[tokio::test]
async fn a_description_is_served_on_loopback() {
    let mut api = dropshot::ApiDescription::new();
    api.register(extra_endpoint).expect("registers");
    let server = serve_on_loopback(api, "test");
    assert!(server.local_addr().ip().is_loopback());
    let (status, _) = get(&format!("http://{}/extra/7", server.local_addr())).await;
    assert_eq!(status, 200);
    server.close().await.expect("closes");
}
