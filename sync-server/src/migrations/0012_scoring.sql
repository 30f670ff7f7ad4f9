-- Stewards score their compound's property company (评价物业) under the housing bureau's rules.
-- The rules of each period as published (the compounds' documents carry the current ones to the
-- phones); and every criterion of every submitted score document, for the report. Drafts are not
-- indexed: only submitted scores count.
CREATE TABLE scoring_rules (
    period       TEXT PRIMARY KEY,
    json         TEXT NOT NULL,
    published_at INTEGER NOT NULL
);

CREATE TABLE score_index (
    doc_id       TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    compound_id  TEXT NOT NULL,
    steward_id   TEXT NOT NULL,
    period       TEXT NOT NULL,
    points       INTEGER NOT NULL,
    comment      TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    PRIMARY KEY (doc_id, criterion_id)
);
CREATE INDEX score_index_period ON score_index(period, compound_id);
