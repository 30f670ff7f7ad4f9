//! PostgreSQL under test. When `STEWARD_TEST_POSTGRES` names a PostgreSQL server
//! (`postgres://user@host:port`; `scripts/test.sh` starts one), every server the tests start
//! stores in a database of its own on it, named after its data directory, so a server restarted
//! on the same directory finds its data again. Unset, servers use the embedded SQLite store.

use std::hash::{Hash, Hasher};
use std::path::Path;

/// The PostgreSQL server the tests run on, if any.
pub fn server() -> Option<String> {
    std::env::var("STEWARD_TEST_POSTGRES").ok().map(|s| s.trim_end_matches('/').to_string()).filter(|s| !s.is_empty())
}

/// The database URL for the server whose data directory is `data` (created on first use), or
/// `None` on SQLite.
pub fn database_for(data: &Path) -> Option<String> {
    let server = server()?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    data.hash(&mut h);
    let name = format!("steward_{:016x}", h.finish());
    steward_sync_server::sql::postgres::create_database(&format!("{server}/postgres"), &name)
        .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
    Some(format!("{server}/{name}"))
}
