//! Normalizing a normalized document changes nothing: the invariant the `normalize_spec` fuzz
//! target checks on arbitrary input, checked here on every spec the project knows: the seed,
//! the fixtures, the hostile specs, the documents real frameworks wrote (`fixtures/producers`)
//! and the public corpus (`$REFACTOR_SPEC_CORPUS`, else
//! `../shared/specs`, read in place when present).

use std::path::{Path, PathBuf};

use refactor_openapi::{SourceDocument, normalize};

fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut specs: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json")
        })
        .collect();
    specs.sort();
    specs
}

#[test]
fn normalizing_twice_is_normalizing_once() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = std::env::var_os("REFACTOR_SPEC_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/specs"));
    let mut specs = vec![root.join("spec/openapi.yaml")];
    for dir in [
        root.join("fixtures/specs"),
        root.join("tests/hostile-specs"),
        corpus,
    ] {
        specs.extend(specs_in(&dir));
    }
    for producer in ["fastapi", "litestar", "django-ninja", "nestjs", "utoipa"] {
        specs.push(
            root.join("fixtures/producers")
                .join(producer)
                .join("openapi.json"),
        );
    }
    let mut normalized_count = 0;
    for spec in &specs {
        let Ok(source) = SourceDocument::read(spec) else {
            continue;
        };
        let Ok(once) = normalize(source.value()) else {
            continue;
        };
        normalized_count += 1;
        let twice = normalize(&once.document)
            .unwrap_or_else(|e| panic!("{}: the normalized document fails: {e}", spec.display()));
        assert!(
            twice.document == once.document,
            "{}: normalizing the normalized document changed it",
            spec.display()
        );
    }
    // The seed and the six fixtures at least; the hostile specs are refused.
    assert!(
        normalized_count >= 7,
        "only {normalized_count} specs normalized"
    );
}
