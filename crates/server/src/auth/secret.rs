//! The development HS256 secret: generated once, kept in the data dir, readable only by its owner.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The file that holds the secret, inside the data dir.
pub const SECRET_FILE: &str = "jwt-secret";

/// Why the secret could not be read or created.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// Reading or writing the file failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The file exists but holds no usable secret.
    #[error("{0} holds no secret (delete it to generate a new one; existing tokens stop working)")]
    Empty(PathBuf),
    /// The system has no randomness to offer.
    #[error("failed to generate a secret: {0}")]
    Random(String),
}

/// The secret in `data_dir`, created (32 random bytes, hex, mode 0600) when missing.
pub fn load_or_create_secret(data_dir: &Path) -> Result<Vec<u8>, SecretError> {
    let path = data_dir.join(SECRET_FILE);
    let io = |action: &'static str, path: &Path| {
        let path = path.to_owned();
        move |source| SecretError::Io {
            action,
            path,
            source,
        }
    };
    std::fs::create_dir_all(data_dir).map_err(io("failed to create", data_dir))?;
    match std::fs::read_to_string(&path) {
        Ok(text) if text.trim().is_empty() => Err(SecretError::Empty(path)),
        Ok(text) => Ok(text.trim().as_bytes().to_vec()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let hex = random_hex()?;
            // Written whole under a name of its own, then linked into place: the secret file
            // appears complete or not at all, so a process starting at the same moment never
            // reads it half written.
            let draft = data_dir.join(format!(".{SECRET_FILE}.{}", random_hex()?));
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let written = options
                .open(&draft)
                .and_then(|mut file| file.write_all(hex.as_bytes()))
                .map_err(io("failed to write", &draft));
            let linked = written.and_then(|()| {
                std::fs::hard_link(&draft, &path).map_err(io("failed to create", &path))
            });
            let _ = std::fs::remove_file(&draft);
            match linked {
                Ok(()) => Ok(hex.into_bytes()),
                // Another process created it first: use theirs.
                Err(SecretError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::AlreadyExists =>
                {
                    load_or_create_secret(data_dir)
                }
                Err(error) => Err(error),
            }
        }
        Err(error) => Err(io("failed to read", &path)(error)),
    }
}

/// 32 random bytes as 64 hex digits.
fn random_hex() -> Result<String, SecretError> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_created_once_with_owner_only_permissions() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = load_or_create_secret(dir.path()).expect("created");
        let second = load_or_create_secret(dir.path()).expect("read");
        assert_eq!(first, second);
        assert_eq!(first.len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join(SECRET_FILE))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("read dir")
            .map(|entry| entry.expect("entry").file_name())
            .collect();
        assert_eq!(left, [SECRET_FILE], "no draft is left behind");
    }

    #[test]
    fn processes_starting_together_agree_on_one_secret() {
        for _ in 0..20 {
            let dir = tempfile::tempdir().expect("tempdir");
            let secrets: Vec<Result<Vec<u8>, String>> = std::thread::scope(|scope| {
                let starts: Vec<_> = (0..8)
                    .map(|_| scope.spawn(|| load_or_create_secret(dir.path())))
                    .collect();
                starts
                    .into_iter()
                    .map(|start| {
                        start
                            .join()
                            .expect("no panic")
                            .map_err(|error| error.to_string())
                    })
                    .collect()
            });
            let first = secrets[0].clone().expect("a secret");
            for secret in &secrets {
                assert_eq!(secret.as_ref(), Ok(&first));
            }
        }
    }
}
