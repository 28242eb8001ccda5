//! The smallest implementation of the generated trait: every run is empty, every token accepted.
//!
//! ```sh
//! cargo run -p refactor-server-api --example minimal_server
//! curl -H 'Authorization: Bearer anything' http://127.0.0.1:8080/v1/run/00000000-0000-0000-0000-000000000000/gold-labels
//! ```

use dropshot::{
    ConfigDropshot, ConfigLogging, ConfigLoggingLevel, Path, RequestContext, ServerBuilder,
};
use refactor_server_api::{
    ApiError, ListRunGoldLabelsPath, ListRunGoldLabelsResponse, RefactorApi, refactor_api_mod,
};

/// The implementation: a type (it is never constructed) naming the context and the endpoints.
enum MinimalApi {}

impl RefactorApi for MinimalApi {
    type Context = ();

    async fn list_run_gold_labels(
        rqctx: RequestContext<Self::Context>,
        _path: Path<ListRunGoldLabelsPath>,
    ) -> Result<ListRunGoldLabelsResponse, ApiError> {
        if !rqctx
            .request
            .headers()
            .contains_key(http::header::AUTHORIZATION)
        {
            // Sent with `WWW-Authenticate: Bearer`, as the spec's security scheme requires.
            return Ok(ListRunGoldLabelsResponse::unauthorized(
                "missing bearer token",
            ));
        }
        Ok(ListRunGoldLabelsResponse::Ok(Vec::new().into()))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let api = refactor_api_mod::api_description::<MinimalApi>()?;
    let log = ConfigLogging::StderrTerminal {
        level: ConfigLoggingLevel::Info,
    }
    .to_logger("minimal")?;
    let config = ConfigDropshot {
        bind_address: "127.0.0.1:8080".parse()?,
        ..Default::default()
    };
    let server = ServerBuilder::new(api, (), log).config(config).start()?;
    server.await?;
    Ok(())
}
