-- Each change_log row carries a running digest of the log up to it: chain(n) =
-- SHA-256(chain(n - 1) || hash(n)), chain(0) empty. A device's cursor names a sequence number and
-- the chain there, so a cursor from another history (the server restored from a backup, then
-- given other changes) is never taken for this one, even where the same change landed on the
-- same number. Rows from before this migration get theirs when the store opens.
ALTER TABLE change_log ADD COLUMN chain BLOB;
