//! The runtime's behaviour, as the generated crates rely on it.

use schemars::JsonSchema as _;

use super::*;

#[derive(Clone, Copy, Debug)]
enum MessageShape {}

#[derive(serde::Serialize, schemars::JsonSchema)]
struct MessageBody {
    error: String,
}

impl ErrorBodyShape for MessageShape {
    type Body = MessageBody;

    fn with_message(message: String) -> serde_json::Value {
        serde_json::json!({ "error": message })
    }
}

type TestError = ApiErrorOf<MessageShape>;

#[test]
fn an_error_carries_its_message_in_the_body_shape() {
    let error = TestError::not_found("no such run");
    assert_eq!(error.status(), dropshot::ErrorStatusCode::NOT_FOUND);
    assert_eq!(error.body(), &serde_json::json!({ "error": "no such run" }));
    assert_eq!(
        serde_json::to_value(&error).ok(),
        Some(serde_json::json!({ "error": "no such run" }))
    );
}

#[test]
fn dropshot_errors_keep_their_status_and_hide_the_internal_message() {
    let error = TestError::from(dropshot::HttpError::for_bad_request(
        None,
        "bad parameter".to_owned(),
    ));
    assert_eq!(error.status(), dropshot::ErrorStatusCode::BAD_REQUEST);
    assert_eq!(error.body()["error"], "bad parameter");
    let internal = TestError::internal("the disk is on fire");
    assert_eq!(internal.body()["error"], "internal error");
    assert!(internal.to_string().contains("the disk is on fire"));
}

#[test]
fn an_error_is_documented_as_its_body() {
    assert_eq!(TestError::schema_name(), MessageBody::schema_name());
}

#[test]
fn only_hyphenated_uuids_are_read() {
    let hyphenated = "67e55044-10b1-426f-9247-bb680e5fe0c8";
    assert!(hyphenated_uuid::parse(hyphenated).is_ok());
    for other in [
        "67e5504410b1426f9247bb680e5fe0c8",
        "{67e55044-10b1-426f-9247-bb680e5fe0c8}",
        "urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8",
    ] {
        assert!(hyphenated_uuid::parse(other).is_err(), "{other}");
    }
}

#[test]
fn an_encoded_body_is_sent_as_is_with_the_json_media_type() {
    let body = JsonBody::<Vec<u32>>::encode(&vec![1, 2]).expect("encodes");
    assert_eq!(body.encoded().map(|b| b.as_ref()), Some(&b"[1,2]"[..]));
    let response = body
        .into_response(http::StatusCode::OK)
        .expect("a response");
    assert_eq!(response.status(), http::StatusCode::OK);
    assert_eq!(
        response.headers()[http::header::CONTENT_TYPE],
        dropshot::CONTENT_TYPE_JSON
    );
}

#[test]
fn a_challenge_is_added_to_the_response() {
    let response = with_challenge(empty_response(http::StatusCode::UNAUTHORIZED), "Bearer")
        .expect("a response");
    assert_eq!(response.headers()[http::header::WWW_AUTHENTICATE], "Bearer");
}
