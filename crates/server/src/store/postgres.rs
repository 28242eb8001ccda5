//! The PostgreSQL store: one database shared by any number of stateless server replicas (and by
//! servers speaking its wire protocol, such as CockroachDB and YugabyteDB), migrations compiled in.
//!
//! Replicas need no coordination beyond the database: every write is one transaction that also
//! bumps `store_version` and lists the runs it changed (which every replica's response cache
//! polls, dropping just those runs), imports are serialized
//! by a transaction-scoped advisory lock, and sqlx's migrator takes its own advisory lock, so
//! replicas starting together migrate once.

use std::collections::HashMap;
use std::str::FromStr;

use async_trait::async_trait;
use chrono::{DateTime, SubsecRound as _, Timelike as _, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;
use sqlx::Row as _;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use uuid::Uuid;

use sqlx::migrate::Migrator;

use super::rules::StoredIdentity;
use super::write::{self, ImportTransaction};
use super::{
    Changes, GoldLabelStore, ImportReport, PoolStatus, RunLabels, StoreError, StoreOptions,
    check_migrated, redacted, unavailable,
};
use crate::import::{ImportBatch, LabelRecord, RunRecord};

/// The migrations, compiled in.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// The advisory lock every import holds for its transaction ("refactor" in ASCII): imports from
/// several replicas or processes run one after another, so each sees the others' runs.
const IMPORT_LOCK: i64 = 0x7265_6661_6374_6f72;

/// A run's owner and its stored response (aggregated from its labels for a run that has none
/// stored, which only a database written by another program can hold); no row when there is
/// no such run.
const RUN_LABELS: &str = "
    SELECT r.account_id, coalesce(p.body, '[' || coalesce(
        (SELECT string_agg(l.body, ',' ORDER BY l.created_at, l.created_at_nanos, l.id)
         FROM gold_labels l WHERE l.run_id = r.id), '') || ']')
    FROM runs r LEFT JOIN run_responses p ON p.run_id = r.id
    WHERE r.id = $1";

/// Rewrites each of the runs `$1`'s stored response from its labels.
const STORE_RESPONSES: &str = "
    INSERT INTO run_responses (run_id, body)
    SELECT run.id, '[' || coalesce(
        (SELECT string_agg(l.body, ',' ORDER BY l.created_at, l.created_at_nanos, l.id)
         FROM gold_labels l WHERE l.run_id = run.id), '') || ']'
    FROM unnest($1::uuid[]) AS run (id)
    ON CONFLICT (run_id) DO UPDATE SET body = excluded.body";

const INSERT_LABEL: &str = "
    INSERT INTO gold_labels (id, run_id, account_id, created_at, created_at_nanos, object_value, body)
    VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)";

const UPDATE_LABEL: &str = "
    UPDATE gold_labels SET created_at = $4, created_at_nanos = $5, object_value = $6::jsonb, body = $7
    WHERE id = $1 AND run_id = $2 AND account_id = $3";

/// Many labels at once, from one array per column ([`LabelColumns`]).
const INSERT_LABELS: &str = "
    INSERT INTO gold_labels (id, run_id, account_id, created_at, created_at_nanos, object_value, body)
    SELECT id, run_id, account_id, created_at, created_at_nanos, object_value::jsonb, body
    FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::int[], $6::text[], $7::text[])
        AS new (id, run_id, account_id, created_at, created_at_nanos, object_value, body)";

const UPDATE_LABELS: &str = "
    UPDATE gold_labels g
    SET created_at = new.created_at, created_at_nanos = new.created_at_nanos,
        object_value = new.object_value::jsonb, body = new.body
    FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::int[], $6::text[], $7::text[])
        AS new (id, run_id, account_id, created_at, created_at_nanos, object_value, body)
    WHERE g.id = new.id AND g.run_id = new.run_id AND g.account_id = new.account_id";

/// SQLSTATEs of values PostgreSQL refuses to store: a NUL character in text (22021), `\u0000` in
/// jsonb (22P05), a time out of range (22008).
const UNSTORABLE_VALUES: [&str; 3] = ["22021", "22P05", "22008"];

/// Gold labels in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `postgres://...` and applies migrations.
    pub async fn open(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        let connect = PgConnectOptions::from_str(url).map_err(|error| StoreError::InvalidUrl {
            url: redacted(url),
            reason: error.to_string(),
        })?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await
            .map_err(unavailable)?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|error| StoreError::Unavailable(format!("migrations failed: {error}")))?;
        Ok(Self { pool })
    }
}

/// The timestamp PostgreSQL stores (microseconds, truncated so that equal stored times are in the
/// same second) and the nanoseconds within the second that order labels exactly.
///
/// `timestamptz` has no leap seconds: `23:59:60.5` would be stored as `00:00:00.5` of the next
/// day and sort among its labels. It is stored as the last microsecond of its minute instead,
/// where its nanoseconds (10⁹ and more) put it after every other label of that second, as on
/// SQLite.
fn stored_time(created_at: DateTime<Utc>) -> (DateTime<Utc>, i32) {
    let nanos = created_at.timestamp_subsec_nanos();
    let stored = if nanos >= 1_000_000_000 {
        created_at
            .with_nanosecond(999_999_999)
            .unwrap_or(created_at)
    } else {
        created_at
    };
    // Below 2·10⁹ (a leap second's nanoseconds included), so it fits.
    (
        stored.trunc_subsecs(6),
        i32::try_from(nanos).unwrap_or(i32::MAX),
    )
}

/// The label's `object_value` as JSON text, for the queryable jsonb copy.
fn object_value(body: &str) -> Option<&str> {
    #[derive(Deserialize)]
    struct Label<'a> {
        #[serde(borrow)]
        object_value: Option<&'a RawValue>,
    }
    serde_json::from_str::<Label<'_>>(body)
        .ok()?
        .object_value
        .map(RawValue::get)
}

/// A database error while writing `what`: a value PostgreSQL cannot store is the record's fault
/// and says so; anything else is the database's.
fn write_error(error: sqlx::Error, what: impl FnOnce() -> String) -> StoreError {
    if refused(&error) {
        StoreError::Unstorable(format!("PostgreSQL cannot store {}: {error}", what()))
    } else {
        unavailable(error)
    }
}

type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Runs `batch` in a savepoint. When PostgreSQL refuses a value in it, runs the records'
/// statements `one_by_one` instead, so that the error names the record that holds the value
/// (the import then fails and writes nothing).
async fn write_batch<'q, T: Sync>(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    batch: PgQuery<'q>,
    records: &[&'q T],
    one: fn(&'q T) -> (PgQuery<'q>, String),
) -> Result<(), StoreError> {
    let mut savepoint = sqlx::Connection::begin(&mut **tx)
        .await
        .map_err(unavailable)?;
    let error = match batch.execute(&mut *savepoint).await {
        Ok(_) => return savepoint.commit().await.map_err(unavailable),
        Err(error) if refused(&error) => error,
        Err(error) => return Err(unavailable(error)),
    };
    savepoint.rollback().await.map_err(unavailable)?;
    for record in records {
        let (query, what) = one(record);
        query
            .execute(&mut **tx)
            .await
            .map_err(|error| write_error(error, || what))?;
    }
    Err(write_error(error, || "a record of the import".into()))
}

/// One run's insert, and what it is.
fn insert_run(run: &RunRecord) -> (PgQuery<'_>, String) {
    let query = sqlx::query("INSERT INTO runs (id, account_id) VALUES ($1, $2)")
        .bind(run.id)
        .bind(&run.account_id);
    (query, format!("run {}", run.id))
}

/// One label's columns bound to [`INSERT_LABEL`] or [`UPDATE_LABEL`].
fn bind_label<'q>(query: PgQuery<'q>, record: &'q LabelRecord) -> PgQuery<'q> {
    let label = &record.label;
    let (created_at, created_at_nanos) = stored_time(label.created_at);
    query
        .bind(label.id)
        .bind(label.run_id)
        .bind(&label.account_id)
        .bind(created_at)
        .bind(created_at_nanos)
        .bind(object_value(&label.body))
        .bind(&label.body)
}

/// Labels' columns, one array each, for [`INSERT_LABELS`] and [`UPDATE_LABELS`].
struct LabelColumns<'a> {
    ids: Vec<Uuid>,
    runs: Vec<Uuid>,
    accounts: Vec<&'a str>,
    times: Vec<DateTime<Utc>>,
    nanos: Vec<i32>,
    objects: Vec<Option<&'a str>>,
    bodies: Vec<&'a str>,
}

impl<'a> LabelColumns<'a> {
    fn of(records: &[&'a LabelRecord]) -> Self {
        let mut columns = Self {
            ids: Vec::with_capacity(records.len()),
            runs: Vec::with_capacity(records.len()),
            accounts: Vec::with_capacity(records.len()),
            times: Vec::with_capacity(records.len()),
            nanos: Vec::with_capacity(records.len()),
            objects: Vec::with_capacity(records.len()),
            bodies: Vec::with_capacity(records.len()),
        };
        for record in records {
            let label = &record.label;
            let (time, nanos) = stored_time(label.created_at);
            columns.ids.push(label.id);
            columns.runs.push(label.run_id);
            columns.accounts.push(&label.account_id);
            columns.times.push(time);
            columns.nanos.push(nanos);
            columns.objects.push(object_value(&label.body));
            columns.bodies.push(&label.body);
        }
        columns
    }

    fn bind<'q>(&'q self, query: PgQuery<'q>) -> PgQuery<'q> {
        query
            .bind(&self.ids)
            .bind(&self.runs)
            .bind(&self.accounts)
            .bind(&self.times)
            .bind(&self.nanos)
            .bind(&self.objects)
            .bind(&self.bodies)
    }
}

/// Whether PostgreSQL refused a value (see [`UNSTORABLE_VALUES`]).
fn refused(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|database| database.code())
        .is_some_and(|code| UNSTORABLE_VALUES.contains(&code.as_ref()))
}

fn describe(record: &LabelRecord) -> String {
    format!("label {} ({})", record.label.id, record.source)
}

#[async_trait]
impl GoldLabelStore for PostgresStore {
    async fn run_labels(&self, run: Uuid) -> Result<Option<RunLabels>, StoreError> {
        let row = sqlx::query(RUN_LABELS)
            .bind(run)
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(row.map(|row| RunLabels::from_response(row.get(0), row.get(1))))
    }

    async fn version(&self) -> Result<u64, StoreError> {
        let version: i64 = sqlx::query_scalar("SELECT version FROM store_version WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(u64::try_from(version).unwrap_or_default())
    }

    async fn import(&self, batch: &ImportBatch) -> Result<ImportReport, StoreError> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        // Held until the transaction ends: imports commit one after another, in version order.
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(IMPORT_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        write::import(PostgresImport(tx), batch).await
    }

    async fn changes_since(&self, seen: u64) -> Result<Changes, StoreError> {
        // One statement, one snapshot: the version and the log entries agree.
        let rows = sqlx::query(
            "SELECT s.version, c.version, c.run_id
             FROM store_version s LEFT JOIN run_changes c ON c.version > $1 AND c.version <= s.version
             WHERE s.id = 1",
        )
        .bind(i64::try_from(seen).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        let now = rows
            .first()
            .map(|row| row.get::<i64, _>(0))
            .ok_or_else(|| StoreError::Unavailable("store_version has no row".into()))?;
        let entries = rows.iter().filter_map(|row| {
            let version = row.get::<Option<i64>, _>(1)?;
            let run = row.get::<Option<Uuid>, _>(2)?;
            Some((u64::try_from(version).ok()?, run))
        });
        Ok(Changes::from_log(
            seen,
            u64::try_from(now).unwrap_or_default(),
            entries,
        ))
    }

    async fn ready(&self) -> Result<(), StoreError> {
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await
                .map_err(unavailable)?;
        check_migrated(&MIGRATOR, &applied)
    }

    fn pool_status(&self) -> Option<PoolStatus> {
        Some(PoolStatus::of(&self.pool))
    }
}

/// An import's PostgreSQL transaction, holding the import lock.
struct PostgresImport(sqlx::Transaction<'static, sqlx::Postgres>);

#[async_trait]
impl ImportTransaction for PostgresImport {
    async fn run_owners(&mut self, runs: &[Uuid]) -> Result<HashMap<Uuid, String>, StoreError> {
        let rows = sqlx::query("SELECT id, account_id FROM runs WHERE id = ANY($1)")
            .bind(runs)
            .fetch_all(&mut *self.0)
            .await
            .map_err(unavailable)?;
        Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
    }

    async fn insert_runs(&mut self, runs: &[&RunRecord]) -> Result<(), StoreError> {
        let ids: Vec<Uuid> = runs.iter().map(|run| run.id).collect();
        let accounts: Vec<&str> = runs.iter().map(|run| run.account_id.as_str()).collect();
        let batch = sqlx::query(
            "INSERT INTO runs (id, account_id) SELECT * FROM unnest($1::uuid[], $2::text[])",
        )
        .bind(&ids)
        .bind(&accounts);
        write_batch(&mut self.0, batch, runs, insert_run).await
    }

    async fn stored_labels(
        &mut self,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, StoredIdentity>, StoreError> {
        let rows =
            sqlx::query("SELECT id, run_id, account_id, body FROM gold_labels WHERE id = ANY($1)")
                .bind(ids)
                .fetch_all(&mut *self.0)
                .await
                .map_err(unavailable)?;
        Ok(rows
            .iter()
            .map(|row| {
                let identity = StoredIdentity {
                    run_id: row.get::<Uuid, _>(1).to_string(),
                    account_id: row.get(2),
                    body: row.get(3),
                };
                (row.get(0), identity)
            })
            .collect())
    }

    async fn write_labels(
        &mut self,
        creates: &[&LabelRecord],
        updates: &[&LabelRecord],
    ) -> Result<(), StoreError> {
        if !creates.is_empty() {
            let columns = LabelColumns::of(creates);
            let batch = columns.bind(sqlx::query(INSERT_LABELS));
            write_batch(&mut self.0, batch, creates, |record| {
                (
                    bind_label(sqlx::query(INSERT_LABEL), record),
                    describe(record),
                )
            })
            .await?;
        }
        if !updates.is_empty() {
            let columns = LabelColumns::of(updates);
            let batch = columns.bind(sqlx::query(UPDATE_LABELS));
            write_batch(&mut self.0, batch, updates, |record| {
                (
                    bind_label(sqlx::query(UPDATE_LABEL), record),
                    describe(record),
                )
            })
            .await?;
        }
        Ok(())
    }

    async fn store_responses(&mut self, runs: &[Uuid]) -> Result<(), StoreError> {
        sqlx::query(STORE_RESPONSES)
            .bind(runs)
            .execute(&mut *self.0)
            .await
            .map(drop)
            .map_err(unavailable)
    }

    async fn bump_version(&mut self) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "UPDATE store_version SET version = version + 1 WHERE id = 1 RETURNING version",
        )
        .fetch_one(&mut *self.0)
        .await
        .map_err(unavailable)
    }

    async fn record_changes(
        &mut self,
        version: i64,
        runs: &[Uuid],
        prune: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO run_changes (version, run_id) SELECT $1, unnest($2::uuid[])")
            .bind(version)
            .bind(runs)
            .execute(&mut *self.0)
            .await
            .map_err(unavailable)?;
        sqlx::query("DELETE FROM run_changes WHERE version <= $1")
            .bind(prune)
            .execute(&mut *self.0)
            .await
            .map(drop)
            .map_err(unavailable)
    }

    async fn commit(self) -> Result<(), StoreError> {
        self.0.commit().await.map_err(unavailable)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    #[test]
    fn stored_times_order_exactly_across_a_second_boundary() {
        let at = |seconds, nanos| {
            Utc.timestamp_opt(seconds, nanos)
                .single()
                .unwrap_or_default()
        };
        // Rounding would make both 1.000000 s and put the later one first by its nanoseconds.
        let (early, early_nanos) = stored_time(at(0, 999_999_600));
        let (late, late_nanos) = stored_time(at(1, 100));
        assert!((early, early_nanos) < (late, late_nanos));
        assert_eq!(early, at(0, 999_999_000));
        // Before the epoch the truncation still goes down.
        let (before, _) = stored_time(at(-1, 999_999_999));
        assert_eq!(before, at(-1, 999_999_000));
    }

    #[test]
    fn the_object_value_is_copied_as_written() {
        assert_eq!(
            object_value(r#"{"id":1,"object_value":{"b":1.50,"a":[]}}"#),
            Some(r#"{"b":1.50,"a":[]}"#)
        );
        assert_eq!(object_value(r#"{"id":1,"object_value":null}"#), None);
        assert_eq!(object_value(r#"{"id":1}"#), None);
    }
}
