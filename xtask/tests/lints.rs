//! xtask spells out the workspace's lints instead of inheriting them (it denies unsafe code
//! rather than forbidding it, for its calls into glibc): they must not drift apart.

use std::path::Path;

fn manifest(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).expect("the manifest is readable");
    text.parse().expect("the manifest is TOML")
}

#[test]
fn xtask_lints_are_the_workspace_lints_but_unsafe_code() {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = manifest(&xtask_dir.join("../Cargo.toml"));
    let xtask = manifest(&xtask_dir.join("Cargo.toml"));
    let mut expected = workspace["workspace"]["lints"]
        .as_table()
        .expect("the workspace has a lints table")
        .clone();
    let rust = expected
        .get_mut("rust")
        .and_then(toml::Value::as_table_mut)
        .expect("the workspace has Rust lints");
    assert_eq!(rust["unsafe_code"].as_str(), Some("forbid"));
    rust.insert("unsafe_code".into(), "deny".into());
    assert_eq!(xtask["lints"].as_table(), Some(&expected));
}
