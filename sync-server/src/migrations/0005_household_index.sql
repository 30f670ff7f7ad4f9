-- Read model: one row per household for the console's search and lists, kept by every commit
-- (and filled from the projections at start when it falls behind them).
CREATE TABLE household_index (
    doc_id           TEXT PRIMARY KEY,
    compound_id      TEXT NOT NULL,
    steward_id       TEXT,
    head_name        TEXT NOT NULL,
    address          TEXT NOT NULL,
    -- The address with its numbers zero-padded, so building 10 sorts after building 9.
    address_key      TEXT NOT NULL,
    -- NULL while the steward has not found out.
    party_member     INTEGER,
    -- Key-service reason codes between commas (",elderly_alone,illness,"), "," for none, NULL unknown.
    key_service      TEXT,
    open_must_visits INTEGER NOT NULL,
    visits           INTEGER NOT NULL,
    last_visit_at    INTEGER
);
CREATE INDEX household_index_compound ON household_index(compound_id, address_key);
CREATE INDEX household_index_steward ON household_index(steward_id, address_key);
