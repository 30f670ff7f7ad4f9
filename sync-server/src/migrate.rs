//! `steward-sync-server migrate-storage`: an embedded store copied into PostgreSQL.
//!
//! Every table is copied row for row, the change log with its sequence numbers and chain, so the
//! cursors phones hold name the same changes on the new store and they go on syncing without
//! resending or losing anything. The copy is one PostgreSQL transaction: it lands whole or not
//! at all, and it refuses a database that already holds a store.

use std::path::Path;

use crate::sql::postgres::PostgresEngine;
use crate::sql::sqlite::SqliteEngine;
use crate::sql::{Conn, Engine, Value};
use crate::storage::{Result, StorageError};
use crate::{args, store};

/// Tables others refer to, in an order that inserts each row after what it refers to; the rest
/// follow in the order PostgreSQL lists them.
const FIRST: &[&str] =
    &["places", "stewards", "users", "sessions", "enrolments", "devices", "campaigns", "evaluations"];

/// Rows read from SQLite at once.
const PAGE: i64 = 2_000;
/// PostgreSQL takes at most 65,535 arguments in one statement.
const MAX_ARGS: usize = 30_000;

/// Copies the store in `from` into the database at `to`; the rows copied per table.
pub fn sqlite_to_postgres(from: &Path, to: &str) -> Result<Vec<(String, u64)>> {
    if !from.join("steward.sqlite3").exists() {
        return Err(StorageError::NotFound(format!("no embedded store in {}", from.display())));
    }
    // Bring the source up to date first (migrations, chains, read model), as a server would.
    drop(store::SqlStorage::open(from)?);
    let source = SqliteEngine::open(from)?;
    let target = PostgresEngine::open(to)?;
    let mut copied = Vec::new();
    target.write(&mut |t| {
        let held: i64 = t
            .query_one(
                "SELECT (SELECT count(*) FROM places) + (SELECT count(*) FROM users) + (SELECT count(*) FROM docs)",
                args![],
            )?
            .get(0)?;
        if held > 0 {
            return Err(StorageError::AlreadyExists(
                "the PostgreSQL database already holds a store: migrate into an empty one".into(),
            ));
        }
        // A node opened on the empty database may have noted its read-model version.
        t.execute("DELETE FROM server_meta", args![])?;
        let listed: Vec<String> = t.query_map(
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'
             ORDER BY table_name",
            args![],
            |r| r.get(0),
        )?;
        let mut tables: Vec<String> = FIRST.iter().map(|s| s.to_string()).collect();
        tables.extend(listed.into_iter().filter(|t| !FIRST.contains(&t.as_str())));
        for table in &tables {
            let n = copy_table(&source, t, table)?;
            copied.push((table.clone(), n));
        }
        // The identity columns go on after the copied numbers.
        for (table, col) in [("change_log", "seq"), ("access_log", "seq")] {
            t.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', '{col}'),
                     (SELECT COALESCE(MAX({col}), 0) + 1 FROM {table}), false)"
                ),
                args![],
            )?;
        }
        Ok(())
    })?;
    Ok(copied)
}

/// Copies one table page by page; how many rows.
fn copy_table(source: &SqliteEngine, t: &mut dyn Conn, table: &str) -> Result<u64> {
    let cols: Vec<String> = t.query_map(
        "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = ?1 ORDER BY ordinal_position",
        args![table],
        |r| r.get(0),
    )?;
    if cols.is_empty() {
        return Ok(0);
    }
    let per_statement = (MAX_ARGS / cols.len()).clamp(1, 500);
    let mut total = 0u64;
    // Pages by rowid (SQLite's own key for every table here); places, few, all at once and
    // parents first.
    let mut after = i64::MIN;
    loop {
        let mut rows = Vec::new();
        source.read(&mut |s| {
            rows = if table == "places" {
                if after > i64::MIN {
                    Vec::new()
                } else {
                    s.query(
                        &format!(
                            "SELECT {}, rowid FROM places ORDER BY CASE kind WHEN 'district' THEN 0 WHEN 'town' THEN 1
                             WHEN 'community' THEN 2 WHEN 'compound' THEN 3 ELSE 4 END, rowid",
                            cols.join(", ")
                        ),
                        args![],
                    )?
                }
            } else {
                s.query(
                    &format!("SELECT {}, rowid FROM {table} WHERE rowid > ?1 ORDER BY rowid LIMIT ?2", cols.join(", ")),
                    args![after, PAGE],
                )?
            };
            Ok(())
        })?;
        if rows.is_empty() {
            break;
        }
        after = rows.iter().filter_map(|r| r.get::<i64>(cols.len()).ok()).max().unwrap_or(i64::MAX);
        for row in &mut rows {
            row.0.truncate(cols.len());
        }
        for chunk in rows.chunks(per_statement) {
            let mut values = Vec::with_capacity(chunk.len());
            let mut flat: Vec<Value> = Vec::with_capacity(chunk.len() * cols.len());
            for row in chunk {
                let first = flat.len();
                flat.extend(row.0.iter().cloned());
                let marks: Vec<String> = (first + 1..=flat.len()).map(|n| format!("?{n}")).collect();
                values.push(format!("({})", marks.join(", ")));
            }
            t.execute(&format!("INSERT INTO {table} ({}) VALUES {}", cols.join(", "), values.join(", ")), &flat)?;
        }
        total += rows.len() as u64;
    }
    Ok(total)
}
