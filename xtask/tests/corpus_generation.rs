//! Every spec of the public corpus generates (or fails with its located error) exactly as
//! `docs/corpus.md` records. The corpus is read in place, never copied: `$REFACTOR_SPEC_CORPUS`,
//! else `../shared/specs`; without it the test says how to run it and passes.
//!
//! Building and conformance-testing the generated workspaces is `cargo xtask corpus --check`.

use std::path::Path;

use refactor_codegen::standalone::Standalone;
use refactor_codegen::workspace::SpecInput;
use xtask::corpus::{corpus_specs, default_corpus_dir};

#[test]
fn corpus_specs_generate_as_recorded() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = default_corpus_dir(&root);
    if !dir.is_dir() {
        eprintln!(
            "skipped: no spec corpus at {}; set REFACTOR_SPEC_CORPUS to its directory to run this test",
            dir.display()
        );
        return;
    }
    let page = std::fs::read_to_string(root.join("docs/corpus.md")).expect("docs/corpus.md exists");
    let scratch = std::env::temp_dir().join(format!("corpus-generation-{}", std::process::id()));
    for spec in corpus_specs(&dir).expect("the corpus lists") {
        let file = spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let recorded_generated = page.contains(&format!("| `{file}` | yes |"));
        let recorded_refused = page.contains(&format!("| `{file}` | no |"));
        assert!(
            recorded_generated || recorded_refused,
            "docs/corpus.md has no row for {file}"
        );
        let standalone = Standalone {
            input: SpecInput {
                spec: spec.clone(),
                label: file.clone(),
                overlay: None,
            },
            out: scratch.join(&file),
            name: Some("corpus".to_owned()),
        };
        let generated = standalone.generate_with_warnings();
        assert_eq!(
            generated.is_ok(),
            recorded_generated,
            "{file}: docs/corpus.md says generated = {recorded_generated}, now: {:?}",
            generated.err().map(|e| format!("{e:#}"))
        );
    }
}

/// The framework-written documents are in the project, so this one never skips.
#[test]
fn producer_documents_generate_as_recorded() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let page = std::fs::read_to_string(root.join("docs/corpus.md")).expect("docs/corpus.md exists");
    let scratch = std::env::temp_dir().join(format!("producer-generation-{}", std::process::id()));
    for producer in xtask::corpus::producers(&root).expect("the producers list") {
        let label = format!("{}/openapi.json", producer.folder);
        let row = format!("| `{label}` | {} | yes |", producer.framework);
        assert!(
            page.contains(&row),
            "docs/corpus.md has no row {row:?} (generated, with the README's versions)"
        );
        let standalone = Standalone {
            input: SpecInput {
                spec: producer.spec.clone(),
                label: label.clone(),
                overlay: None,
            },
            out: scratch.join(&producer.folder),
            name: Some("producer".to_owned()),
        };
        if let Err(error) = standalone.generate_with_warnings() {
            panic!("{label} does not generate: {error:#}");
        }
    }
}
