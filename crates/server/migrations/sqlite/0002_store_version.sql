-- A counter every write bumps, in the write's transaction: readers (the response cache of every
-- server process) compare it to decide whether what they hold is still current.
CREATE TABLE store_version (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    version INTEGER NOT NULL
);

INSERT INTO store_version (id, version) VALUES (1, 0);
