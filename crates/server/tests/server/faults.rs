//! A store that fails answers 503 in the spec's error shape, and the server recovers when the
//! store does.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use bytes::Bytes;
use refactor_server::import::ImportBatch;
use refactor_server::store::{GoldLabelStore, ImportReport, RunLabels, StoreError};
use uuid::Uuid;

use crate::support::{base_url, claims, hs_token, hs256, start};

/// Answers one fixed empty run, or fails while `down` is set.
struct FlakyStore {
    down: Arc<AtomicBool>,
}

impl FlakyStore {
    fn available(&self) -> Result<(), StoreError> {
        if self.down.load(Ordering::SeqCst) {
            Err(StoreError::Unavailable("disk I/O error".into()))
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl GoldLabelStore for FlakyStore {
    async fn run_labels(&self, _run: Uuid) -> Result<Option<RunLabels>, StoreError> {
        self.available()?;
        Ok(Some(RunLabels {
            owner: "acme".into(),
            json: Bytes::from_static(b"[]"),
        }))
    }

    async fn version(&self) -> Result<u64, StoreError> {
        self.available()?;
        Ok(0)
    }

    async fn import(&self, _batch: &ImportBatch) -> Result<ImportReport, StoreError> {
        Ok(ImportReport::default())
    }
}

#[tokio::test]
async fn an_unavailable_store_is_503_with_the_spec_body_until_it_recovers() {
    let down = Arc::new(AtomicBool::new(true));
    let server = start(
        Box::new(FlakyStore {
            down: Arc::clone(&down),
        }),
        hs256(),
    )
    .await;
    let url = format!(
        "{}/v1/run/{}/gold-labels",
        base_url(&server),
        Uuid::from_u128(1)
    );
    let get = || async {
        let response = reqwest::Client::new()
            .get(&url)
            .bearer_auth(hs_token(&claims("acme")))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (
            status,
            response.json::<serde_json::Value>().await.expect("json"),
        )
    };
    let (status, body) = get().await;
    assert_eq!(status, 503);
    let message = body["error"].as_str().expect("the spec's error shape");
    assert!(
        !message.contains("disk I/O"),
        "internal detail leaked: {message}"
    );
    assert_eq!(body.as_object().map(|b| b.len()), Some(1), "{body}");

    down.store(false, Ordering::SeqCst);
    assert_eq!(get().await, (200, serde_json::json!([])));
}
