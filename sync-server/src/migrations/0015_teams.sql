-- Volunteer and culture teams (志愿服务队、文化宣传队) and their activities, from the team
-- documents: what the console's teams report and the district's figures count. Rebuilt with the
-- rest of the read model (VERSION 10).
CREATE TABLE team_index (
    id               TEXT PRIMARY KEY,
    compound_id      TEXT NOT NULL,
    steward_id       TEXT NOT NULL,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    members          INTEGER NOT NULL,
    steward_members  INTEGER NOT NULL,
    resident_members INTEGER NOT NULL
);
CREATE INDEX team_index_compound ON team_index(compound_id);

CREATE TABLE activity_index (
    id           TEXT PRIMARY KEY,
    team_id      TEXT NOT NULL,
    compound_id  TEXT NOT NULL,
    steward_id   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    held_at      INTEGER NOT NULL,
    place        TEXT NOT NULL,
    participants INTEGER NOT NULL,
    role         TEXT NOT NULL
);
CREATE INDEX activity_index_compound_held ON activity_index(compound_id, held_at);
CREATE INDEX activity_index_team ON activity_index(team_id);
