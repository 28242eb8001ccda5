-- Runs and their gold labels, as in the SQLite migrations in PostgreSQL's types. Each label is
-- stored as the JSON the API serves (`body`, byte for byte: jsonb would reorder keys and rewrite
-- numbers), beside the columns that select and order it, so a request is one indexed query and
-- no re-encoding.
CREATE TABLE runs (
    id uuid PRIMARY KEY,
    account_id text NOT NULL
);

CREATE TABLE gold_labels (
    id uuid PRIMARY KEY,
    run_id uuid NOT NULL REFERENCES runs (id),
    account_id text NOT NULL,
    -- created_at truncated to the microsecond (timestamptz's precision), and the nanoseconds
    -- within its second: ordering by both is the exact order of the full-precision times.
    created_at timestamptz NOT NULL,
    created_at_nanos integer NOT NULL,
    -- A copy of the label's object_value for queries by hand; the API serves `body`.
    object_value jsonb,
    body text NOT NULL
);

CREATE INDEX gold_labels_by_run ON gold_labels (run_id, created_at, created_at_nanos, id);
