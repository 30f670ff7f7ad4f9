-- When each device last synced, so supervisors see a phone that has gone quiet.
ALTER TABLE devices ADD COLUMN last_sync_at INTEGER;
