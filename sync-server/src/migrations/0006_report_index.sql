-- Read model for the reports: the records of the projections as rows, kept by every commit (and
-- rebuilt from the projections at start when `read_model` in server_meta is behind), so a
-- town's or district's reports are SQL over indexed rows instead of parsing every projection.
ALTER TABLE household_index ADD COLUMN profile_complete INTEGER NOT NULL DEFAULT 0;

CREATE TABLE visit_index (
    visit_id     TEXT PRIMARY KEY,
    household_id TEXT NOT NULL,
    compound_id  TEXT NOT NULL,
    -- Who made it (NULL: counted for the household's steward).
    by_steward   TEXT,
    at           INTEGER NOT NULL,
    recorded_at  INTEGER NOT NULL,
    method       TEXT NOT NULL,
    summary      TEXT NOT NULL,
    -- "[类别] 文字；[类别] 文字", as the ledger prints them.
    opinions     TEXT NOT NULL,
    hardships    TEXT NOT NULL,
    follow_up    INTEGER NOT NULL
);
CREATE INDEX visit_index_compound_at ON visit_index(compound_id, at);
CREATE INDEX visit_index_household ON visit_index(household_id, at);

CREATE TABLE must_visit_index (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL,
    compound_id  TEXT NOT NULL,
    trigger      TEXT NOT NULL,
    date         INTEGER NOT NULL,
    answered     INTEGER NOT NULL
);
CREATE INDEX must_visit_index_open ON must_visit_index(compound_id, answered);
CREATE INDEX must_visit_index_household ON must_visit_index(household_id);

CREATE TABLE timely_index (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL,
    compound_id  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    raised_at    INTEGER NOT NULL,
    resolved_at  INTEGER
);
CREATE INDEX timely_index_compound ON timely_index(compound_id, raised_at);
CREATE INDEX timely_index_household ON timely_index(household_id);

CREATE TABLE issue_index (
    id             TEXT PRIMARY KEY,
    compound_id    TEXT NOT NULL,
    reporter_id    TEXT NOT NULL,
    reported_at    INTEGER NOT NULL,
    category       TEXT NOT NULL,
    place          TEXT NOT NULL,
    description    TEXT NOT NULL,
    route          TEXT NOT NULL,
    status         TEXT NOT NULL,
    comments       INTEGER NOT NULL,
    last_update_at INTEGER NOT NULL
);
CREATE INDEX issue_index_compound ON issue_index(compound_id, reported_at);

CREATE TABLE plan_index (
    plan_id      TEXT NOT NULL,
    steward_id   TEXT NOT NULL,
    compound_id  TEXT NOT NULL,
    month        TEXT NOT NULL,
    household_id TEXT NOT NULL,
    PRIMARY KEY (plan_id, household_id)
);
CREATE INDEX plan_index_month ON plan_index(compound_id, month);
