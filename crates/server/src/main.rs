//! The `refactor-server` binary.

use std::process::ExitCode;

use clap::Parser as _;
use refactor_server::cli::{Cli, Command};
use refactor_server::commands;

#[tokio::main]
async fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Serve(args) => commands::serve(args).await,
        Command::Token(args) => commands::token(args),
        Command::Import(args) => commands::import(args).await,
        Command::Migrate(args) => commands::migrate(args).await,
        Command::Openapi => commands::openapi(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
