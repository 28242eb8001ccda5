-- Each run's response as the API serves it: its labels' bodies as one JSON array, in the API's
-- order (created_at, then id). Every import that changes a run rewrites its row in the same
-- transaction, so a request for a run that is not cached is one primary-key read and no
-- re-encoding, however many labels the run has.
CREATE TABLE run_responses (
    run_id uuid PRIMARY KEY REFERENCES runs (id),
    body text NOT NULL
);

INSERT INTO run_responses (run_id, body)
SELECT r.id,
       '[' || coalesce(string_agg(l.body, ',' ORDER BY l.created_at, l.created_at_nanos, l.id), '') || ']'
FROM runs r LEFT JOIN gold_labels l ON l.run_id = r.id
GROUP BY r.id;
