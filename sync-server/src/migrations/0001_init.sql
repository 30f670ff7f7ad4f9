-- Red Steward sync server, schema 1.

CREATE TABLE server_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE places (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    name      TEXT NOT NULL,
    parent_id TEXT REFERENCES places(id)
);

CREATE TABLE stewards (
    id          TEXT PRIMARY KEY,
    compound_id TEXT NOT NULL REFERENCES places(id),
    name        TEXT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    place_id      TEXT REFERENCES places(id)
);

-- Tokens are stored as SHA-256 hex, never in the clear.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    expires_at INTEGER NOT NULL
);

CREATE TABLE enrolments (
    code_hash  TEXT PRIMARY KEY,
    steward_id TEXT NOT NULL REFERENCES stewards(id),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    device_id  TEXT
);

CREATE TABLE devices (
    id         TEXT PRIMARY KEY,
    steward_id TEXT NOT NULL REFERENCES stewards(id),
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- Documents: a compacted snapshot plus increments (one row per change since it).
CREATE TABLE docs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    compound_id TEXT NOT NULL,
    steward_id  TEXT,
    snapshot    BLOB NOT NULL,
    last_seq    INTEGER NOT NULL,
    -- The change at which the document entered its steward's scope (assignment).
    scope_seq   INTEGER NOT NULL,
    inc_bytes   INTEGER NOT NULL DEFAULT 0,
    inc_count   INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX docs_steward ON docs(steward_id, last_seq);
CREATE INDEX docs_compound ON docs(compound_id);

-- Every change ever stored, content-addressed by (document, change hash). Its seq orders the
-- feed devices pull from; rows are never deleted (compaction deletes only increments).
CREATE TABLE change_log (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id      TEXT NOT NULL,
    hash        BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (doc_id, hash)
);
CREATE INDEX change_log_doc ON change_log(doc_id, seq);
CREATE INDEX change_log_hash ON change_log(hash);

CREATE TABLE increments (
    doc_id TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    data   BLOB NOT NULL,
    PRIMARY KEY (doc_id, seq)
);

CREATE TABLE revocations (
    steward_id TEXT NOT NULL,
    doc_id     TEXT NOT NULL,
    seq        INTEGER NOT NULL
);
CREATE INDEX revocations_steward ON revocations(steward_id, seq);

-- Read model: each document's projection as JSON, kept up to date by every commit.
CREATE TABLE projections (
    doc_id      TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    compound_id TEXT NOT NULL,
    steward_id  TEXT,
    seq         INTEGER NOT NULL,
    json        TEXT NOT NULL
);
CREATE INDEX projections_compound ON projections(compound_id, seq);
CREATE INDEX projections_steward ON projections(steward_id, seq);

-- When the server first saw each record (visit, must-visit, timely response, timeline entry).
CREATE TABLE first_seen (
    record_id TEXT PRIMARY KEY,
    at        INTEGER NOT NULL
);
