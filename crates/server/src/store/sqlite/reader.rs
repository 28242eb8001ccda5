//! Stored responses read on the thread that asks for them.
//!
//! sqlx runs each SQLite connection on a worker thread of its own: a query is a message to that
//! thread and a wake-up back, and on a cache miss those two thread hops cost more than the read
//! itself (a third of the server's time went to the scheduler on the working-set row of
//! BENCHMARKS.md). A run's response is one row found by primary key in pages SQLite keeps
//! cached, tens of microseconds, so [`Readers`] reads it with rusqlite right where the request
//! runs, from a small pool of query-only connections. Writes, migrations and everything else
//! stay on sqlx.
//!
//! In WAL mode a reader does not wait for writers; it waits only while another connection holds
//! the whole file (recovering it after a crash, say), and then for at most
//! [`READER_BUSY_TIMEOUT`] before the read is handed to sqlx ([`ReadError::Busy`]), which waits
//! off the request's thread. The connections never checkpoint, not even when they close, so
//! they never write to the database. [`Readers::close`] waits for reads in flight before
//! closing the connections, so a store that reopens a replaced file can remove the old file's
//! companions knowing no connection of this process still holds them (see [`super::file`]).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::Duration;

use bytes::Bytes;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension as _};
use uuid::Uuid;

use super::RUN_LABELS;
use crate::store::{RunLabels, StoreError};

/// How long a read waits for a file held by another connection before sqlx takes it over.
pub const READER_BUSY_TIMEOUT: Duration = Duration::from_millis(20);

/// Why [`Readers`] did not answer.
#[derive(Debug)]
pub enum ReadError {
    /// The file was held by another connection for longer than [`READER_BUSY_TIMEOUT`], or the
    /// readers are closed: ask sqlx, which waits off the request's thread.
    Busy,
    /// The database could not be read.
    Failed(StoreError),
}

/// Read-only connections to one database file.
#[derive(Debug)]
pub struct Readers {
    path: PathBuf,
    /// Idle connections kept for the next reads; more reads at once open more connections, and
    /// those beyond this many are closed when they finish.
    keep: usize,
    /// The idle connections, `None` once closed. A read holds the read lock while it uses a
    /// connection, so [`Readers::close`] (the write lock) waits for the reads in flight.
    idle: RwLock<Option<Mutex<Vec<Connection>>>>,
}

impl Readers {
    /// Readers of the database file at `path`, keeping up to `keep` idle connections.
    pub fn new(path: &Path, keep: usize) -> Self {
        Self {
            path: path.to_owned(),
            keep,
            idle: RwLock::new(Some(Mutex::new(Vec::new()))),
        }
    }

    /// The run `run` with its owner and stored response (the store's `RUN_LABELS` query), or
    /// `None` when there is no such run.
    pub fn run_labels(&self, run: Uuid) -> Result<Option<RunLabels>, ReadError> {
        let open = self.idle.read().unwrap_or_else(PoisonError::into_inner);
        let Some(idle) = open.as_ref() else {
            return Err(ReadError::Busy); // Closed: the file is being reopened.
        };
        let pooled = idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let connection = match pooled {
            Some(connection) => connection,
            None => self.open().map_err(read_error)?,
        };
        let read = read_run_labels(&connection, run);
        if read.is_ok() {
            let mut idle = idle.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < self.keep {
                idle.push(connection);
            }
        }
        read.map_err(read_error)
    }

    /// Waits for the reads in flight, then closes every connection; later reads fail.
    pub fn close(&self) {
        let closed = self
            .idle
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        drop(closed);
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        // Read-write flags (never creating), `query_only` and no checkpoint on close: a
        // read-only connection could not create the `-shm` it needs when the file's last other
        // connection has just closed, and these ones write nothing all the same.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let connection = Connection::open_with_flags(&self.path, flags)?;
        connection.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
        connection.busy_timeout(READER_BUSY_TIMEOUT)?;
        connection.pragma_update(None, "query_only", true)?;
        Ok(connection)
    }
}

fn read_run_labels(connection: &Connection, run: Uuid) -> rusqlite::Result<Option<RunLabels>> {
    let mut statement = connection.prepare_cached(RUN_LABELS)?;
    statement
        .query_row([run.to_string()], |row| {
            let owner: String = row.get(0)?;
            let body = row.get_ref(1)?.as_bytes()?;
            Ok(RunLabels {
                owner,
                json: Bytes::copy_from_slice(body),
            })
        })
        .optional()
}

fn read_error(error: rusqlite::Error) -> ReadError {
    match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => ReadError::Busy,
        _ => ReadError::Failed(StoreError::Unavailable(error.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: Uuid = Uuid::from_u128(0xA1);

    /// A database with the tables `RUN_LABELS` reads and one run whose response is stored.
    fn database() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("refactor.db");
        let connection = Connection::open(&path).expect("create");
        connection
            .execute_batch(&format!(
                "PRAGMA journal_mode = WAL;
                 CREATE TABLE runs (id TEXT PRIMARY KEY, account_id TEXT NOT NULL);
                 CREATE TABLE run_responses (run_id TEXT PRIMARY KEY, body TEXT NOT NULL);
                 CREATE TABLE gold_labels (id TEXT PRIMARY KEY, run_id TEXT NOT NULL,
                     created_at_seconds INTEGER, created_at_nanos INTEGER, body TEXT NOT NULL);
                 INSERT INTO runs VALUES ('{RUN}', 'acme');
                 INSERT INTO run_responses VALUES ('{RUN}', '[{{\"id\":1}}]');"
            ))
            .expect("schema");
        (dir, path)
    }

    fn readers(path: &Path) -> Readers {
        Readers::new(path, 2)
    }

    #[test]
    fn a_run_is_its_owner_and_stored_response_and_an_unknown_run_is_none() {
        let (_dir, path) = database();
        let readers = readers(&path);
        let run = readers.run_labels(RUN).expect("read").expect("the run");
        assert_eq!(
            (run.owner.as_str(), &run.json[..]),
            ("acme", &b"[{\"id\":1}]"[..])
        );
        assert_eq!(
            readers.run_labels(Uuid::from_u128(0xB2)).expect("read"),
            None
        );
    }

    #[test]
    fn readers_cannot_write() {
        let (_dir, path) = database();
        let connection = readers(&path).open().expect("open");
        let write = connection.execute("DELETE FROM runs", []);
        assert!(write.is_err(), "a reader wrote: {write:?}");
    }

    #[test]
    fn closed_readers_refuse_to_read() {
        let (_dir, path) = database();
        let readers = readers(&path);
        readers.run_labels(RUN).expect("read before closing");
        readers.close();
        let read = readers.run_labels(RUN);
        assert!(
            matches!(read, Err(ReadError::Busy)),
            "read after closing: {read:?}"
        );
    }

    #[test]
    fn a_file_held_by_another_connection_is_handed_over_without_waiting_long() {
        let (_dir, path) = database();
        let holder = Connection::open(&path).expect("open");
        holder
            .execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;")
            .expect("hold the file");
        let started = std::time::Instant::now();
        let read = readers(&path).run_labels(RUN);
        assert!(matches!(read, Err(ReadError::Busy)), "{read:?}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "waited {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn closing_checkpoints_nothing() {
        let (_dir, path) = database();
        let wal = path.with_extension("db-wal");
        let readers = readers(&path);
        readers.run_labels(RUN).expect("read");
        assert!(wal.exists(), "the writer's WAL is there");
        let before = std::fs::metadata(&wal).expect("wal").len();
        readers.close();
        assert_eq!(std::fs::metadata(&wal).expect("wal").len(), before);
    }

    #[test]
    fn a_missing_file_is_unavailable_not_created() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("missing.db");
        let read = readers(&path).run_labels(RUN);
        assert!(
            matches!(read, Err(ReadError::Failed(StoreError::Unavailable(_)))),
            "{read:?}"
        );
        assert!(!path.exists(), "a reader created the database file");
    }
}
