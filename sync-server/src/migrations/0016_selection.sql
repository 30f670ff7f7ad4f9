-- Selecting a steward (选任流程): one row per application, the whole record as JSON beside the
-- columns the console filters on. Server-side only (no phone holds an application), so this is
-- not part of the read model and is never rebuilt: it is the record itself.
CREATE TABLE selection_applications (
    id           TEXT PRIMARY KEY,
    compound_id  TEXT NOT NULL REFERENCES places(id),
    community_id TEXT NOT NULL REFERENCES places(id),
    stage        TEXT NOT NULL,
    version      INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    record       TEXT NOT NULL
);
CREATE INDEX selection_applications_by_compound ON selection_applications (compound_id, stage);
