-- Runs and their gold labels. Each label is stored as the JSON the API serves, beside the
-- columns that select and order it, so a request is one indexed query and no re-encoding.
CREATE TABLE runs (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE gold_labels (
    id TEXT PRIMARY KEY NOT NULL,
    run_id TEXT NOT NULL REFERENCES runs (id),
    account_id TEXT NOT NULL,
    -- created_at as whole seconds since the epoch and the nanoseconds beyond them: exact order.
    created_at_seconds INTEGER NOT NULL,
    created_at_nanos INTEGER NOT NULL,
    body TEXT NOT NULL
);

CREATE INDEX gold_labels_by_run ON gold_labels (run_id, created_at_seconds, created_at_nanos, id);
