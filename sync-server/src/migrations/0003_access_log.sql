-- Who read which households' personal records, and when: every opening of a household's page,
-- every pull and every report that carries household records. Admins read it
-- (`GET /v1/access-log`). Rows are only ever added.
CREATE TABLE access_log (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    at       INTEGER NOT NULL,
    user_id  TEXT NOT NULL,
    username TEXT NOT NULL,
    action   TEXT NOT NULL,
    -- A JSON array of the households' ids.
    records  TEXT NOT NULL
);
CREATE INDEX access_log_at ON access_log(at);
