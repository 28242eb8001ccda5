-- A counter every write bumps, in the write's transaction: readers (the response cache of every
-- server replica) compare it to decide whether what they hold is still current.
CREATE TABLE store_version (
    id integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);

INSERT INTO store_version (id, version) VALUES (1, 0);
