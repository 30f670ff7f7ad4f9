-- The half-year steward evaluation (每半年考核评价): the community's score and comment per steward
-- and half year (the indicators beside them are computed from the read model when asked for);
-- and when each must-visit was answered, for how fast must-visits are answered. Rebuilt with
-- the rest of the read model (VERSION 9).
CREATE TABLE evaluations (
    steward_id   TEXT NOT NULL REFERENCES stewards(id),
    half         TEXT NOT NULL,
    score        INTEGER NOT NULL,
    comment      TEXT NOT NULL,
    evaluated_by TEXT NOT NULL,
    evaluated_at INTEGER NOT NULL,
    PRIMARY KEY (steward_id, half)
);

ALTER TABLE must_visit_index ADD COLUMN answered_at INTEGER;
