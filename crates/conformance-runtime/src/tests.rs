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
    let request = format!("GET /{path} HTTP/1.1\r\nhost: {host}\r\ncontent-length: 0\r\n\r\n");
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
