//! Writing generated files, or checking them: one code path for both, as in rust-analyzer's
//! `ensure_file_contents`. Writes are atomic and happen only after every file was generated.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use similar::TextDiff;

/// What to do with generated files that differ from the ones on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Replace them.
    Write,
    /// Report them (a unified diff on stderr) and fail; write nothing.
    Check,
}

/// A file the generator produces: where (relative to the output root) and what.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Path relative to the root.
    pub path: PathBuf,
    /// The complete contents.
    pub contents: String,
}

/// Brings every file under `root` to its generated contents, or checks that it already is.
///
/// `rerun` is the command that regenerates the files, shown when a check fails. Returns the
/// files that changed (or would change).
pub fn ensure_files(
    root: &Path,
    files: &[OutputFile],
    mode: Mode,
    rerun: &str,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut stale = Vec::new();
    for file in files {
        let target = root.join(&file.path);
        let current = match fs::read_to_string(&target) {
            Ok(current) => Some(current),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => {
                return Err(error).with_context(|| format!("failed to read {}", target.display()));
            }
        };
        if current.as_deref() != Some(file.contents.as_str()) {
            stale.push((file, target, current));
        }
    }
    match mode {
        Mode::Check => {
            for (file, _, current) in &stale {
                let old = current.as_deref().unwrap_or_default();
                let label = file.path.display().to_string();
                let diff = TextDiff::from_lines(old, &file.contents);
                eprint!(
                    "{}",
                    diff.unified_diff().context_radius(3).header(&label, &label)
                );
            }
            if !stale.is_empty() {
                let names: Vec<String> = stale
                    .iter()
                    .map(|(f, ..)| f.path.display().to_string())
                    .collect();
                bail!(
                    "generated files are stale: {}\nrun `{rerun}` to regenerate them",
                    names.join(", ")
                );
            }
        }
        Mode::Write => write_atomically(
            stale
                .iter()
                .map(|(file, target, _)| (target.as_path(), file.contents.as_str())),
        )?,
    }
    Ok(stale
        .into_iter()
        .map(|(file, ..)| file.path.clone())
        .collect())
}

/// Writes every file to a temporary sibling first, then renames them all into place, so an
/// error leaves each target either untouched or complete.
fn write_atomically<'a>(files: impl Iterator<Item = (&'a Path, &'a str)>) -> anyhow::Result<()> {
    let mut staged: Vec<(PathBuf, &Path)> = Vec::new();
    let result = (|| {
        for (target, contents) in files {
            let parent = target
                .parent()
                .context("a generated file needs a parent directory")?;
            fs::create_dir_all(parent)
                .with_context(|| format!("failed to create {}", parent.display()))?;
            let file_name = target
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("generated");
            let temporary = parent.join(format!(".{file_name}.{}.tmp", std::process::id()));
            fs::write(&temporary, contents)
                .with_context(|| format!("failed to write {}", temporary.display()))?;
            staged.push((temporary, target));
        }
        for (temporary, target) in &staged {
            fs::rename(temporary, target)
                .with_context(|| format!("failed to replace {}", target.display()))?;
        }
        Ok(())
    })();
    if result.is_err() {
        for (temporary, _) in &staged {
            // Best effort: a leftover temporary file is harmless, a missing target is not.
            let _ = fs::remove_file(temporary);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: contents.into(),
        }
    }

    #[test]
    fn check_mode_reports_stale_files_and_writes_nothing() {
        let root = scratch("check");
        fs::write(root.join("a.rs"), "old\n").expect("seed");
        let error = ensure_files(
            &root,
            &[file("a.rs", "new\n")],
            Mode::Check,
            "cargo xtask codegen",
        )
        .expect_err("stale");
        assert!(error.to_string().contains("cargo xtask codegen"), "{error}");
        assert_eq!(
            fs::read_to_string(root.join("a.rs")).expect("read"),
            "old\n"
        );
    }

    #[test]
    fn write_mode_replaces_only_changed_files() {
        let root = scratch("write");
        fs::write(root.join("same.rs"), "same\n").expect("seed");
        let changed = ensure_files(
            &root,
            &[file("same.rs", "same\n"), file("dir/new.rs", "new\n")],
            Mode::Write,
            "",
        )
        .expect("written");
        assert_eq!(changed, [PathBuf::from("dir/new.rs")]);
        assert_eq!(
            fs::read_to_string(root.join("dir/new.rs")).expect("read"),
            "new\n"
        );
        let leftovers = fs::read_dir(root.join("dir")).expect("dir").count();
        assert_eq!(leftovers, 1, "no temporary files are left behind");
    }
}
