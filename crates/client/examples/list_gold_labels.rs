//! Lists the gold labels of a run.
//!
//! ```sh
//! cargo run -p refactor-client --example list_gold_labels -- <run-id>
//! ```
//! with `REFACTOR_URL` (default `http://127.0.0.1:8080`) and `REFACTOR_TOKEN` set, e.g. to the
//! values `refactor-server serve --demo` prints.

use refactor_client::types::Nullable;
use refactor_client::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url =
        std::env::var("REFACTOR_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".to_owned());
    let token =
        std::env::var("REFACTOR_TOKEN").map_err(|_| "set REFACTOR_TOKEN to a bearer token")?;
    let run: uuid::Uuid = std::env::args()
        .nth(1)
        .ok_or("usage: list_gold_labels <run-id>")?
        .parse()?;

    let client = Client::with_bearer_token(&base_url, &token)?;
    match client.list_run_gold_labels(&run).await {
        Ok(labels) => {
            for label in labels.into_inner() {
                // Each optional value is absent, null or a value (`Nullable`).
                let value = match (&label.text_value, &label.object_value) {
                    (Nullable::Value(text), _) => text.clone(),
                    (_, Nullable::Value(object)) => {
                        serde_json::Value::Object(object.clone()).to_string()
                    }
                    (Nullable::Null, _) | (_, Nullable::Null) => "null".to_owned(),
                    (Nullable::Absent, Nullable::Absent) => String::new(),
                };
                println!(
                    "{} {} {value}",
                    label.created_at, label.output_resource_name
                );
            }
            Ok(())
        }
        // 401 and 404 arrive as the spec's error body, with their status.
        Err(Error::ErrorResponse(response)) => Err(format!(
            "{}: {}",
            response.status(),
            response.error.as_deref().unwrap_or("no message")
        )
        .into()),
        Err(other) => Err(other.into()),
    }
}
