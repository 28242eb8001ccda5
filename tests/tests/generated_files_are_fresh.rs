//! The checked-in generated files are what `cargo xtask codegen` would write now.

use refactor_codegen::workspace::Workspace;
use refactor_codegen::write::Mode;

#[test]
fn generated_files_match_the_spec() {
    let stale = Workspace::this_checkout().codegen(Mode::Check);
    assert!(
        stale.is_ok(),
        "{:#}",
        stale.err().map(anyhow_text).unwrap_or_default()
    );
}

fn anyhow_text(error: anyhow::Error) -> String {
    format!("{error:#}")
}
