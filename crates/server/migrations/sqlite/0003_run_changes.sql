-- Which runs each write changed, under the store version the write created (in the write's
-- transaction): a reader that last saw version V drops from its cache just the runs listed after
-- V. Imports keep the entries of the latest versions only; a reader further behind finds
-- versions missing and starts over.
CREATE TABLE run_changes (
    version INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    PRIMARY KEY (version, run_id)
) WITHOUT ROWID;
