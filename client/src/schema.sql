-- The device store. Automerge documents are the source of truth (docs + doc_changes); every
-- other table is a projection of them, rewritten in the same SQLite transaction as the change
-- that caused it, so the two never disagree.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per document: its last compacted save, and the heads the server is known to have.
CREATE TABLE IF NOT EXISTS docs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    snapshot     BLOB NOT NULL,
    synced_heads BLOB NOT NULL DEFAULT x'',
    -- Set when the server refused this document's changes; the words say why.
    rejected     TEXT
);

-- Documents to reconcile with the sync protocol because the server was restored from a backup
-- (a response with `resync`): kept until the server's heads equal this device's, so a sync
-- that fails half-way through, after the new cursor was stored, still brings them back.
CREATE TABLE IF NOT EXISTS reconcile (
    doc_id TEXT PRIMARY KEY
);

-- Changes since the snapshot, in the order they were written (local edits and pulled changes).
CREATE TABLE IF NOT EXISTS doc_changes (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    data   BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS doc_changes_doc ON doc_changes(doc_id, seq);

-- Local edits the server has not acknowledged yet: "N changes waiting".
CREATE TABLE IF NOT EXISTS pending (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    what   TEXT NOT NULL,
    at     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS pending_doc ON pending(doc_id, seq);

-- Projection ------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS households (
    id           TEXT PRIMARY KEY,
    compound_id  TEXT NOT NULL,
    steward_id   TEXT,
    building     TEXT NOT NULL,
    unit         TEXT NOT NULL,
    room         TEXT NOT NULL,
    head_name    TEXT NOT NULL,
    member_count INTEGER NOT NULL,
    phone        TEXT,
    party_member INTEGER,
    key_service  TEXT,
    notes        TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS visits (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL,
    at           INTEGER NOT NULL,
    recorded_at  INTEGER NOT NULL,
    method       TEXT NOT NULL,
    summary      TEXT NOT NULL,
    opinions     TEXT NOT NULL,
    hardships    TEXT NOT NULL,
    answers      TEXT NOT NULL,
    follow_up    INTEGER NOT NULL,
    by_id        TEXT
);
CREATE INDEX IF NOT EXISTS visits_household ON visits(household_id, at);
CREATE INDEX IF NOT EXISTS visits_at ON visits(at);

CREATE TABLE IF NOT EXISTS must_visits (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL,
    trigger_code TEXT NOT NULL,
    date         INTEGER NOT NULL,
    note         TEXT NOT NULL,
    raised_at    INTEGER NOT NULL,
    answered_by  TEXT,
    answered_at  INTEGER
);
CREATE INDEX IF NOT EXISTS must_visits_household ON must_visits(household_id);

CREATE TABLE IF NOT EXISTS timely (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL,
    kind         TEXT NOT NULL,
    raised_at    INTEGER NOT NULL,
    note         TEXT NOT NULL,
    resolved_at  INTEGER
);
CREATE INDEX IF NOT EXISTS timely_household ON timely(household_id);

CREATE TABLE IF NOT EXISTS issues (
    id          TEXT PRIMARY KEY,
    compound_id TEXT NOT NULL,
    reporter_id TEXT NOT NULL,
    reported_at INTEGER NOT NULL,
    category    TEXT NOT NULL,
    place       TEXT NOT NULL,
    description TEXT NOT NULL,
    route       TEXT NOT NULL,
    status      TEXT NOT NULL,
    -- steward, or property_company for a matter the property company passed on.
    origin      TEXT NOT NULL DEFAULT 'steward'
);

CREATE TABLE IF NOT EXISTS issue_events (
    id       TEXT PRIMARY KEY,
    issue_id TEXT NOT NULL,
    at       INTEGER NOT NULL,
    by_id    TEXT,
    role     TEXT NOT NULL,
    text     TEXT NOT NULL,
    status   TEXT
);
CREATE INDEX IF NOT EXISTS issue_events_issue ON issue_events(issue_id, at);

CREATE TABLE IF NOT EXISTS plan_items (
    plan_id      TEXT NOT NULL,
    month        TEXT NOT NULL,
    household_id TEXT NOT NULL,
    PRIMARY KEY (plan_id, household_id)
);
CREATE INDEX IF NOT EXISTS plan_items_month ON plan_items(month);

CREATE TABLE IF NOT EXISTS compounds (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    deadlines TEXT NOT NULL
);

-- Joint meetings the steward called: one row each, for the list (the meeting screen reads the
-- document's projection whole).
CREATE TABLE IF NOT EXISTS meetings (
    id          TEXT PRIMARY KEY,
    compound_id TEXT NOT NULL,
    held_at     INTEGER NOT NULL,
    place       TEXT NOT NULL,
    attendees   INTEGER NOT NULL,
    decisions   INTEGER NOT NULL,
    -- Decisions not yet done, and of those the ones past their deadline's instant.
    open        INTEGER NOT NULL,
    next_deadline INTEGER
);

-- The steward's campaigns (专项任务): one row per campaign document, for the list (the campaign
-- screen reads the document's projection whole: its form and tasks).
CREATE TABLE IF NOT EXISTS campaigns (
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL,
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    temporary   INTEGER NOT NULL,
    closed_at   INTEGER,
    -- Tasks this steward answers for (not handed over), and of those the answered ones.
    tasks       INTEGER NOT NULL,
    answered    INTEGER NOT NULL
);

-- The steward's teams (志愿服务队、文化宣传队): one row each, for the list (the team screen reads
-- the document's projection whole: members and activities).
CREATE TABLE IF NOT EXISTS teams (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    members     INTEGER NOT NULL,
    activities  INTEGER NOT NULL,
    last_activity_at INTEGER
);

-- Half-filled forms, so a visit being typed survives the app being killed. Personal data:
-- cleared on sign-out with everything else.
CREATE TABLE IF NOT EXISTS drafts (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
