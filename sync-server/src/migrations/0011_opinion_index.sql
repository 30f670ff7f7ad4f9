-- Every opinion heard on a visit, by category: the district's year counts its opinions and
-- suggestions by kind. Rebuilt with the rest of the read model (VERSION 6).
CREATE TABLE opinion_index (
    visit_id     TEXT NOT NULL,
    n            INTEGER NOT NULL,
    household_id TEXT NOT NULL,
    compound_id  TEXT NOT NULL,
    at           INTEGER NOT NULL,
    category     TEXT NOT NULL,
    PRIMARY KEY (household_id, visit_id, n)
);
-- Covering: a place's counts for a period read the index alone.
CREATE INDEX opinion_index_compound_at ON opinion_index(compound_id, at, category);
