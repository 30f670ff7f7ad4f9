//! Errors as they cross to the UI: `{code, message}`. The UI shows its own words for each code
//! (in the steward's language) and the message as the detail.

use serde::Serialize;
use steward_client::{StoreError, SyncError};

#[derive(Debug, Serialize)]
pub struct CmdError {
    pub code: &'static str,
    pub message: String,
    /// For `unsynced_changes`: how many changes would be lost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
}

pub type CmdResult<T> = Result<T, CmdError>;

impl CmdError {
    pub fn new(code: &'static str, message: impl Into<String>) -> CmdError {
        CmdError { code, message: message.into(), count: None }
    }

    pub fn invalid(message: impl Into<String>) -> CmdError {
        CmdError::new("invalid", message)
    }
}

impl From<StoreError> for CmdError {
    fn from(e: StoreError) -> CmdError {
        let code = e.code();
        if matches!(e, StoreError::Sqlite(_) | StoreError::Corrupt(_)) {
            // The details name tables, never household fields.
            tracing::error!(code, error = %e, "store error");
        }
        let count = match e {
            StoreError::UnsyncedChanges(n) => Some(n),
            _ => None,
        };
        CmdError { code, message: e.to_string(), count }
    }
}

impl From<SyncError> for CmdError {
    fn from(e: SyncError) -> CmdError {
        match e {
            SyncError::Store(s) => s.into(),
            e => CmdError::new(e.code(), e.to_string()),
        }
    }
}
