//! Which file a SQLite store has open, so that a database file deleted or replaced under a
//! running server is noticed instead of served from the unlinked copy its connections still hold.
//!
//! A replaced file needs care: SQLite does not checkpoint a database whose file has moved when
//! its connections close, so the old file's `-wal` (and `-shm`) stay at the path, where a
//! connection to the new file would read them as its own (SQLite's "how to corrupt a database",
//! section 2.4). [`DatabaseFile::companions`] and [`DatabaseFile::remove_stale`] let the store
//! remove exactly the old file's companions before it opens the new one.

use std::path::{Path, PathBuf};

use crate::store::StoreError;

/// A file's identity on its filesystem: the same path with another identity is another file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileIdentity {
    device: u64,
    inode: u64,
}

/// What the path of the open database holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// The file the store opened.
    Same,
    /// Another file (restored from a backup, created anew): the store must reopen.
    Replaced(FileIdentity),
}

/// The database file of a store.
#[derive(Debug, Clone)]
pub struct DatabaseFile {
    path: PathBuf,
}

impl DatabaseFile {
    /// The file at `path`.
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
        }
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The identity of the file at the path now.
    pub fn identity(&self) -> Result<FileIdentity, StoreError> {
        identity_of(&self.path).map_err(|error| {
            if error.kind() == std::io::ErrorKind::NotFound {
                StoreError::Unavailable(format!(
                    "the database file {} is missing (deleted or moved while the server runs)",
                    self.path.display()
                ))
            } else {
                StoreError::Unavailable(format!("cannot read {}: {error}", self.path.display()))
            }
        })
    }

    /// Whether the path still holds the file with identity `opened`.
    pub fn state(&self, opened: FileIdentity) -> Result<FileState, StoreError> {
        let now = self.identity()?;
        Ok(if now == opened {
            FileState::Same
        } else {
            FileState::Replaced(now)
        })
    }

    /// The `-wal` and `-shm` files at the path now, where they exist: taken while the old
    /// file's connections hold them open, they are the old file's.
    pub fn companions(&self) -> Vec<(PathBuf, FileIdentity)> {
        ["-wal", "-shm"]
            .iter()
            .filter_map(|suffix| {
                let path = PathBuf::from(format!("{}{suffix}", self.path.display()));
                identity_of(&path).ok().map(|identity| (path, identity))
            })
            .collect()
    }

    /// Removes those of `companions` still at their path: the old file left them behind.
    pub fn remove_stale(&self, companions: &[(PathBuf, FileIdentity)]) -> Result<(), StoreError> {
        for (path, identity) in companions {
            if identity_of(path).ok() == Some(*identity) {
                std::fs::remove_file(path).map_err(|error| {
                    StoreError::Unavailable(format!(
                        "cannot remove the old {}: {error}",
                        path.display()
                    ))
                })?;
            }
        }
        Ok(())
    }
}

fn identity_of(path: &Path) -> std::io::Result<FileIdentity> {
    use std::os::unix::fs::MetadataExt as _;
    let metadata = std::fs::metadata(path)?;
    Ok(FileIdentity {
        device: metadata.dev(),
        inode: metadata.ino(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deleted_file_is_missing_and_a_new_one_is_another() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("refactor.db");
        std::fs::write(&path, b"one").expect("write");
        let file = DatabaseFile::new(&path);
        let opened = file.identity().expect("identity");
        assert_eq!(file.state(opened).expect("state"), FileState::Same);

        // Keep the old inode alive, as open connections do, so the new file cannot reuse it.
        let _held = std::fs::File::open(&path).expect("hold");
        std::fs::remove_file(&path).expect("delete");
        let error = file.state(opened).expect_err("missing");
        assert!(error.to_string().contains("is missing"), "{error}");

        std::fs::write(&path, b"two").expect("recreate");
        assert!(matches!(file.state(opened), Ok(FileState::Replaced(_))));
    }

    #[test]
    fn only_the_old_files_companions_are_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("refactor.db");
        let wal = dir.path().join("refactor.db-wal");
        let shm = dir.path().join("refactor.db-shm");
        std::fs::write(&wal, b"old wal").expect("write");
        std::fs::write(&shm, b"old shm").expect("write");
        let file = DatabaseFile::new(&path);
        let companions = file.companions();
        assert_eq!(companions.len(), 2);

        // The new file came with a `-wal` of its own; the old `-shm` stayed.
        let _held = std::fs::File::open(&wal).expect("hold");
        std::fs::remove_file(&wal).expect("delete");
        std::fs::write(&wal, b"new wal").expect("write");
        file.remove_stale(&companions).expect("remove");
        assert_eq!(std::fs::read(&wal).expect("kept"), b"new wal");
        assert!(!shm.exists());
    }
}
