-- Campaigns (专项任务): each campaign as a supervisor started it, and every household task of
-- every steward's campaign document, for the progress and the answers' export. Temporary
-- stewards (临时红色管家) belong to one campaign and lose access at `active_until`.
CREATE TABLE campaigns (
    id          TEXT PRIMARY KEY,
    place_id    TEXT NOT NULL REFERENCES places(id),
    spec        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    closed_at   INTEGER
);

CREATE TABLE campaign_task_index (
    doc_id       TEXT NOT NULL,
    household_id TEXT NOT NULL,
    campaign_id  TEXT NOT NULL,
    compound_id  TEXT NOT NULL,
    steward_id   TEXT NOT NULL,
    temporary    INTEGER NOT NULL,
    handed_to    TEXT,
    name         TEXT NOT NULL,
    address      TEXT NOT NULL,
    answers      TEXT NOT NULL,
    answered_at  INTEGER,
    answered_by  TEXT,
    PRIMARY KEY (doc_id, household_id)
);
CREATE INDEX campaign_task_index_campaign ON campaign_task_index(campaign_id, compound_id);

ALTER TABLE stewards ADD COLUMN campaign_id TEXT;
ALTER TABLE stewards ADD COLUMN active_until INTEGER;
