-- Joint meetings (联席会议) and their decisions (商定事项), as the console's reports read them:
-- kept by every commit beside the meeting's projection, rebuilt with the rest of the read model.
CREATE TABLE meeting_index (
    id          TEXT PRIMARY KEY,
    compound_id TEXT NOT NULL,
    convener_id TEXT NOT NULL,
    held_at     INTEGER NOT NULL,
    place       TEXT NOT NULL,
    topics      TEXT NOT NULL,
    attendees   INTEGER NOT NULL,
    -- The parties that came, codes comma-separated.
    parties     TEXT NOT NULL,
    decisions   INTEGER NOT NULL
);
CREATE INDEX meeting_index_compound_held ON meeting_index(compound_id, held_at);

-- Keyed by meeting and decision: a decision's id is unique only within its meeting as far as
-- anything a phone sends can be trusted.
CREATE TABLE decision_index (
    meeting_id        TEXT NOT NULL,
    id                TEXT NOT NULL,
    compound_id       TEXT NOT NULL,
    convener_id       TEXT NOT NULL,
    held_at           INTEGER NOT NULL,
    text              TEXT NOT NULL,
    party             TEXT NOT NULL,
    deadline          INTEGER,
    status            TEXT NOT NULL,
    done_at           INTEGER,
    follow_ups        INTEGER NOT NULL,
    last_follow_up    TEXT,
    last_follow_up_at INTEGER,
    PRIMARY KEY (meeting_id, id)
);
CREATE INDEX decision_index_compound_party ON decision_index(compound_id, party, status);
