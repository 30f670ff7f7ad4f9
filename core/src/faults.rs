//! Crash points for the tests that kill a process at a chosen moment (debug builds only; a
//! release build compiles them to nothing). `STEWARD_CRASH_AT=<point>` aborts the process there:
//!
//! - `sync-received` (server): a sync that pushes changes was received and decoded, nothing of
//!   it stored;
//! - `sync-committed` (server): its changes are committed, the answer not yet written;
//! - `compact-before-commit` (server) and `device-compact-before-commit` (device store): a
//!   compaction has written the new snapshot and deleted the merged increments, uncommitted.
//!
//! `abort` is as abrupt as SIGKILL: no destructor runs, nothing is flushed, a client sees its
//! connection drop.

/// Aborts the process here if `STEWARD_CRASH_AT` names this point.
pub fn crash_point(name: &str) {
    #[cfg(debug_assertions)]
    {
        static AT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        if AT.get_or_init(|| std::env::var("STEWARD_CRASH_AT").ok()).as_deref() == Some(name) {
            eprintln!("crash point {name}: aborting, as STEWARD_CRASH_AT asks");
            std::process::abort();
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
}
