//! The embedded engine: one SQLite file in the data directory, WAL mode, one writer connection
//! and a few readers. It carries and runs its own migrations (`src/migrations/`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, TransactionBehavior};

use super::{Conn, Dialect, Engine, Row, Value};
use crate::storage::{Result, StorageError};

const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_change_chain.sql"),
    include_str!("../migrations/0003_access_log.sql"),
    include_str!("../migrations/0004_device_last_sync.sql"),
    include_str!("../migrations/0005_household_index.sql"),
    include_str!("../migrations/0006_report_index.sql"),
    include_str!("../migrations/0007_read_indexes.sql"),
    include_str!("../migrations/0008_meeting_index.sql"),
    include_str!("../migrations/0009_issue_origin.sql"),
    include_str!("../migrations/0010_pairing_index.sql"),
    include_str!("../migrations/0011_opinion_index.sql"),
    include_str!("../migrations/0012_scoring.sql"),
    include_str!("../migrations/0013_campaigns.sql"),
    include_str!("../migrations/0014_evaluation.sql"),
    include_str!("../migrations/0015_teams.sql"),
    include_str!("../migrations/0016_selection.sql"),
];

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 256;
/// The writer's page cache: a commit touches pages all over the change log, the documents and
/// the read model, and with SQLite's default of 2 MiB most of them are read again from the file
/// (the kernel's copy) on the next commit.
const WRITER_CACHE_KIB: u32 = 64 * 1024;
/// How many pages the WAL grows by before the writer copies them back into the database file.
/// Each page is written twice (WAL, then file); a page changed again before the checkpoint is
/// copied back once, so a longer WAL writes the often-changed pages (the log's tail, the indexes
/// by steward and by sequence) fewer times. 10,000 pages are 40 MiB of WAL at most.
const CHECKPOINT_PAGES: u32 = 10_000;
/// How many idle reader connections are kept.
const IDLE_READERS: usize = 8;

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        StorageError::Database(e.to_string())
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Value::List(..) => {
                return Err(rusqlite::Error::ToSqlConversionFailure("SQLite takes no list as an argument".into()))
            }
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

fn value_of(v: ValueRef<'_>) -> Result<Value> {
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(
            std::str::from_utf8(t).map_err(|_| StorageError::Corrupt("stored text is not UTF-8".into()))?.to_owned(),
        ),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    })
}

/// A rusqlite connection (or transaction, which derefs to one) as a [`Conn`].
struct SqliteConn<'a>(&'a Connection);

impl Conn for SqliteConn<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64> {
        Ok(self.0.prepare_cached(sql)?.execute(rusqlite::params_from_iter(args))? as u64)
    }

    fn query(&mut self, sql: &str, args: &[Value]) -> Result<Vec<Row>> {
        let mut stmt = self.0.prepare_cached(sql)?;
        let n = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(Row((0..n).map(|i| value_of(r.get_ref(i)?)).collect::<Result<_>>()?));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.0.execute_batch(sql)?)
    }
}

/// SQLite in one file.
pub struct SqliteEngine {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

fn open_conn(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    // Every statement goes through the cache (`SqliteConn`), and a commit alone runs a few dozen
    // different ones: rusqlite's default of 16 would prepare most of them again each time.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;",
    )?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<()> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    let current: i64 = conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        if version > current {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [version])?;
            tx.commit()?;
        }
    }
    Ok(())
}

impl SqliteEngine {
    /// Opens (creating if needed) `steward.sqlite3` in `data_dir` and runs its migrations.
    pub fn open(data_dir: &Path) -> Result<SqliteEngine> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| StorageError::Database(format!("cannot create data directory {}: {e}", data_dir.display())))?;
        let path = data_dir.join("steward.sqlite3");
        let mut writer = open_conn(&path)?;
        writer.execute_batch(&format!(
            "PRAGMA cache_size=-{WRITER_CACHE_KIB}; PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES};"
        ))?;
        migrate(&mut writer)?;
        Ok(SqliteEngine { path, writer: Mutex::new(writer), readers: Mutex::new(Vec::new()) })
    }
}

impl Engine for SqliteEngine {
    fn read(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()> {
        let conn = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match conn {
            Some(c) => c,
            None => open_conn(&self.path)?,
        };
        let out = f(&mut SqliteConn(&conn));
        let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if pool.len() < IDLE_READERS {
            pool.push(conn);
        }
        out
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        f(&mut SqliteConn(&tx))?;
        tx.commit()?;
        Ok(())
    }

    fn backup(&self, to: &Path) -> Result<()> {
        if to.exists() {
            return Err(StorageError::Invalid(format!("{} exists already: choose a new file", to.display())));
        }
        let target = to.to_str().ok_or_else(|| StorageError::Invalid("the backup path is not UTF-8".into()))?;
        // VACUUM INTO writes a consistent snapshot from a read transaction: writers go on.
        self.read(&mut |c| c.execute("VACUUM INTO ?1", &[Value::Text(target.to_owned())]).map(|_| ()))
    }
}
