//! The device side of Red Steward: the local store a steward's phone keeps, and the sync
//! client that brings it together with the server.
//!
//! Nothing here knows about Tauri or the UI, so tests and benchmarks drive hundreds of devices
//! with exactly the code the phone runs.
//!
//! - [`Store`]: Automerge documents in SQLite with a relational projection; every action is one
//!   change, durable when the call returns.
//! - [`SyncClient`]: enrolment and one sync over HTTP; [`spawn_background`] syncs by itself with
//!   backoff and jitter.

mod actions;
mod drafts;
mod projection;
pub mod queries;
mod store;
mod sync;

pub use store::{Applied, Identity, Prepared, Store, SyncStatus};
pub use sync::{
    spawn_background, Answer, BackgroundState, BackgroundSync, Backoff, BoxFuture, HttpTransport, SharedStore,
    SyncClient, SyncError, SyncReport, Transport, Unreachable,
};

/// What can go wrong in the device store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the phone's storage failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Domain(#[from] steward_core::Error),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("this phone is not enrolled yet")]
    NotEnrolled,
    #[error("this phone is already enrolled: sign out first")]
    AlreadyEnrolled,
    #[error("{0} changes are not yet on the server; sync first, or confirm to discard them")]
    UnsyncedChanges(u32),
    #[error("the server sent something this app cannot use: {0}")]
    Protocol(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// A stable code for the UI to put in the steward's words.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Sqlite(_) => "storage",
            StoreError::Domain(steward_core::Error::NotFound(_)) => "not_found",
            StoreError::Domain(_) | StoreError::Invalid(_) => "invalid",
            StoreError::NotFound(_) => "not_found",
            StoreError::NotEnrolled => "not_enrolled",
            StoreError::AlreadyEnrolled => "already_enrolled",
            StoreError::UnsyncedChanges(_) => "unsynced_changes",
            StoreError::Protocol(_) => "protocol",
            StoreError::Corrupt(_) => "corrupt",
        }
    }
}
