-- Pairing assistance (结对帮扶) as cases, from the household documents: what the district's
-- figures count by need and outcome. Rebuilt with the rest of the read model (VERSION 5).
CREATE TABLE pairing_index (
    household_id   TEXT NOT NULL,
    id             TEXT NOT NULL,
    compound_id    TEXT NOT NULL,
    helper         TEXT NOT NULL,
    need           TEXT NOT NULL,
    description    TEXT NOT NULL,
    opened_at      INTEGER NOT NULL,
    closed_at      INTEGER,
    outcome        TEXT,
    amount_yuan    INTEGER,
    actions        INTEGER NOT NULL,
    last_action_at INTEGER,
    PRIMARY KEY (household_id, id)
);
CREATE INDEX pairing_index_compound_opened ON pairing_index(compound_id, opened_at);
