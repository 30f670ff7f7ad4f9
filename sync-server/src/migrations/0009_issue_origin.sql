-- Where an issue came from (双向沟通): a steward's report, or a resident's matter the property
-- company passed on to a steward and the branch. Rows written before are a steward's; the read
-- model is rebuilt at start anyway (read_model::VERSION 4).
ALTER TABLE issue_index ADD COLUMN origin TEXT NOT NULL DEFAULT 'steward';
