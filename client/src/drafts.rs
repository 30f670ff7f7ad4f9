//! What the app keeps for its own screens: half-filled forms (drafts) and the steward's display
//! preferences. Both are opaque JSON to the store; the UI owns their shape.

use rusqlite::{params, OptionalExtension};
use steward_core::time::now_millis;

use crate::store::{get_meta, set_meta};
use crate::{Store, StoreError};

/// Largest draft kept: a visit form with long notes is a few kilobytes.
const MAX_DRAFT_BYTES: usize = 256 * 1024;

fn check_json(value: &str) -> Result<(), StoreError> {
    if value.len() > MAX_DRAFT_BYTES {
        return Err(StoreError::Invalid(format!("a draft may hold at most {MAX_DRAFT_BYTES} bytes")));
    }
    serde_json::from_str::<serde_json::Value>(value)
        .map(|_| ())
        .map_err(|e| StoreError::Invalid(format!("a draft must be JSON: {e}")))
}

impl Store {
    /// Saves a half-filled form under `key`, replacing the previous one.
    pub fn save_draft(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        check_json(value)?;
        self.conn().execute(
            "INSERT INTO drafts (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![key, value, now_millis()],
        )?;
        Ok(())
    }

    /// The draft saved under `key`, if any.
    pub fn draft(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn().query_row("SELECT value FROM drafts WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// Forgets a draft (the form was saved or abandoned).
    pub fn clear_draft(&mut self, key: &str) -> Result<(), StoreError> {
        self.conn().execute("DELETE FROM drafts WHERE key = ?1", [key])?;
        Ok(())
    }

    /// The display preferences (language, text size), as the UI stored them. Kept on sign-out.
    pub fn ui_prefs(&self) -> Result<Option<String>, StoreError> {
        get_meta(self.conn(), "ui_prefs")
    }

    /// Stores the display preferences.
    pub fn set_ui_prefs(&mut self, value: &str) -> Result<(), StoreError> {
        check_json(value)?;
        set_meta(self.conn(), "ui_prefs", value)
    }
}
