//! The generated code agrees with the spec it was generated from (`spec/openapi.yaml` with
//! `spec/overlay.yaml`, normalized as the generator reads it): dropshot's document of the trait,
//! what the response enums send, and what the client makes of every documented and undocumented
//! status. The differences the comparison's rules allow are pinned.

use refactor_conformance::harness;
use refactor_conformance::spec::normalized_spec;

#[tokio::test]
async fn the_generated_code_agrees_with_the_spec() {
    let comparison = harness::conformance(&normalized_spec()).await;
    assert!(comparison.agrees(), "{comparison}");
    // A new excuse fails here until it is reviewed and the file refreshed with
    // `EXPECTORATE=overwrite`.
    expectorate::assert_contents(
        "expected/allowed-differences.txt",
        &comparison.allowed_report(),
    );
}

#[tokio::test]
async fn every_client_call_reaches_its_endpoint() {
    let server = harness::start_stub();
    let client = refactor_client::Client::new(&format!("http://{}", server.local_addr()));
    let missing = harness::calls_missing_their_endpoint(&client).await;
    assert!(missing.is_empty(), "{missing:#?}");
}
