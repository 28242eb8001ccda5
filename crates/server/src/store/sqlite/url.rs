//! `sqlite:` URLs as the store reads them: the scheme in any case (sqlx strips only a
//! lower-case one), malformed ones refused with sqlx's reason, in-memory ones recognised.

use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;

use crate::store::{StoreError, redacted};

/// What a `sqlite:` URL names.
pub(super) struct SqliteUrl {
    /// How to connect.
    pub connect: SqliteConnectOptions,
    /// Whether the database lives in memory (`sqlite::memory:`, `sqlite://:memory:`,
    /// `?mode=memory`): then it is one of its own, shared by the pool's connections and gone
    /// with them.
    pub in_memory: bool,
    /// Whether the file is opened the default way (no query parameters but `mode=rw` or
    /// `mode=rwc`), so that a connection of another library opened on the same path alone
    /// shares its locks and its WAL index with sqlx's (`vfs`, `mode=ro`, `immutable`, `cache`
    /// would not).
    pub plain: bool,
}

impl SqliteUrl {
    /// Reads `url`, whose scheme is `sqlite` in any case.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let invalid = |reason: String| StoreError::InvalidUrl {
            url: redacted(url),
            reason,
        };
        let rest = url
            .split_once(':')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("sqlite"))
            .map(|(_, rest)| rest)
            .ok_or_else(|| invalid("the scheme is not `sqlite:`".to_owned()))?;
        let connect = SqliteConnectOptions::from_str(&format!("sqlite:{rest}"))
            .map_err(|error| invalid(error.to_string()))?;
        let (database, query) = rest
            .trim_start_matches("//")
            .split_once('?')
            .unwrap_or((rest.trim_start_matches("//"), ""));
        let parameters = query.split('&').filter(|parameter| !parameter.is_empty());
        let in_memory =
            database == ":memory:" || query.split('&').any(|parameter| parameter == "mode=memory");
        let plain = !in_memory
            && parameters
                .clone()
                .all(|parameter| matches!(parameter, "mode=rw" | "mode=rwc"));
        if in_memory {
            // sqlx gives `:memory:` a name of its own that the pool's connections share; an
            // unnamed `?mode=memory` would be another database on every connection.
            let connect = SqliteConnectOptions::from_str("sqlite::memory:")
                .map_err(|error| invalid(error.to_string()))?;
            return Ok(Self {
                connect,
                in_memory,
                plain,
            });
        }
        Ok(Self {
            connect,
            in_memory,
            plain,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn read(url: &str) -> SqliteUrl {
        SqliteUrl::parse(url).unwrap_or_else(|error| panic!("{url}: {error}"))
    }

    #[test]
    fn files_in_any_spelling_of_the_scheme() {
        for url in [
            "sqlite://data/refactor.db",
            "SQLite://data/refactor.db",
            "sqlite:data/refactor.db",
        ] {
            let parsed = read(url);
            assert!(!parsed.in_memory, "{url}");
            assert_eq!(
                parsed.connect.get_filename(),
                Path::new("data/refactor.db"),
                "{url}"
            );
        }
    }

    #[test]
    fn memory_in_every_form_sqlx_reads() {
        for url in [
            "sqlite::memory:",
            "sqlite://:memory:",
            "sqlite://?mode=memory",
            "sqlite:x.db?cache=shared&mode=memory",
        ] {
            assert!(read(url).in_memory, "{url}");
        }
    }

    #[test]
    fn only_a_file_opened_the_default_way_is_plain() {
        for url in [
            "sqlite://data/refactor.db",
            "sqlite://data/refactor.db?mode=rwc",
            "sqlite:data/refactor.db?mode=rw",
        ] {
            assert!(read(url).plain, "{url}");
        }
        for url in [
            "sqlite://data/refactor.db?mode=ro",
            "sqlite://data/refactor.db?immutable=true",
            "sqlite://data/refactor.db?vfs=unix-excl",
            "sqlite://data/refactor.db?mode=rwc&cache=shared",
            "sqlite::memory:",
        ] {
            assert!(!read(url).plain, "{url}");
        }
    }

    #[test]
    fn a_malformed_url_says_why() {
        let Err(error) = SqliteUrl::parse("sqlite://x.db?mode=bogus") else {
            panic!("accepted a bogus mode");
        };
        let message = error.to_string();
        assert!(
            message.contains("sqlite://x.db?mode=bogus") && message.contains("bogus"),
            "{message}"
        );
        assert!(matches!(error, StoreError::InvalidUrl { .. }));
    }
}
