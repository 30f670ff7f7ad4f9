//! The SQL both storage backends speak. The storage code (`store/`) is written once against
//! [`Conn`]; an [`Engine`] gives it connections: the embedded SQLite file ([`sqlite`]) or a
//! PostgreSQL database shared by several server nodes ([`postgres`]).
//!
//! What the two have in common is kept to: `?N` placeholders (rewritten to `$N` for
//! PostgreSQL), `INSERT … ON CONFLICT (…) DO UPDATE SET … = excluded.…` and `ON CONFLICT DO
//! NOTHING`, `RETURNING`, `IS [NOT] DISTINCT FROM`, `CAST(… AS BIGINT)` around sums, integers
//! for flags and times, text for ids and JSON, and byte strings for documents. Values cross as
//! SQLite's dynamic [`Value`]; the PostgreSQL engine converts them to the column's type.

use std::path::Path;

use uuid::Uuid;

use crate::storage::{Result, StorageError};

pub mod postgres;
pub mod sqlite;

/// Which engine a connection talks to, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// One value of a statement's arguments or of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
    /// A column of values of one type sent as one array argument ([`Conn::defer_rows`] and
    /// the few statements written for PostgreSQL alone); SQLite takes none.
    List(Ty, Vec<Value>),
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Int(_) => "an integer",
            Value::Real(_) => "a real",
            Value::Text(_) => "text",
            Value::Blob(_) => "bytes",
            Value::List(..) => "a list",
        }
    }
}

/// A Rust value as a statement argument.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

macro_rules! int_to_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Int(i64::from(*self))
            }
        }
    )*};
}
int_to_value!(i64, i32, i16, i8, u32, u16, u8, bool);

impl ToValue for u64 {
    fn to_value(&self) -> Value {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl ToValue for usize {
    fn to_value(&self) -> Value {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_owned())
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}

impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}

impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}

impl<const N: usize> ToValue for [u8; N] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}

impl ToValue for Uuid {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

macro_rules! value_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                v.to_value()
            }
        }
    )*};
}
value_from!(i64, i32, u32, u64, usize, bool, f64, String, &str, Vec<u8>, Uuid, Option<String>, Option<i64>);

/// A statement's arguments: `args![a, b, c]` is a `&[Value]` of them (each taken by reference).
#[macro_export]
macro_rules! args {
    ($($e:expr),* $(,)?) => {
        &[$($crate::sql::ToValue::to_value(&$e)),*][..]
    };
}

/// A Rust value read from a row.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> std::result::Result<Self, String>;
}

impl FromValue for Value {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        Ok(v.clone())
    }
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Int(i) => Ok(*i),
            other => Err(format!("expected an integer, found {}", other.kind())),
        }
    }
}

macro_rules! int_from_value {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: &Value) -> std::result::Result<Self, String> {
                let i = i64::from_value(v)?;
                <$t>::try_from(i).map_err(|_| format!("{i} is out of range for {}", stringify!($t)))
            }
        }
    )*};
}
int_from_value!(i32, u32, u64, usize, u16, u8);

impl FromValue for bool {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        Ok(i64::from_value(v)? != 0)
    }
}

impl FromValue for f64 {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Real(f) => Ok(*f),
            Value::Int(i) => Ok(*i as f64),
            other => Err(format!("expected a number, found {}", other.kind())),
        }
    }
}

impl FromValue for String {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s.clone()),
            other => Err(format!("expected text, found {}", other.kind())),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Blob(b) => Ok(b.clone()),
            other => Err(format!("expected bytes, found {}", other.kind())),
        }
    }
}

impl FromValue for Uuid {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        let s = String::from_value(v)?;
        Uuid::parse_str(&s).map_err(|_| format!("stored id {s:?} is not a uuid"))
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// One row of a result.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<Value>);

impl Row {
    /// Column `i` as a `T`; a missing column or another type is stored data that does not read.
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T> {
        let v = self.0.get(i).ok_or_else(|| StorageError::Database(format!("no column {i} in the row")))?;
        T::from_value(v).map_err(|e| StorageError::Corrupt(format!("column {i}: {e}")))
    }

    /// Takes column `i`'s bytes out of the row without copying them.
    pub fn take_blob(&mut self, i: usize) -> Result<Vec<u8>> {
        match self.0.get_mut(i).map(|v| std::mem::replace(v, Value::Null)) {
            Some(Value::Blob(b)) => Ok(b),
            Some(Value::Null) => Ok(Vec::new()),
            Some(other) => Err(StorageError::Corrupt(format!("column {i}: expected bytes, found {}", other.kind()))),
            None => Err(StorageError::Database(format!("no column {i} in the row"))),
        }
    }
}

/// A column's type, for a statement that sends a whole column of values at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Int,
    Text,
    Blob,
}

impl Ty {
    /// PostgreSQL's array type of the column.
    pub fn pg_array(self) -> &'static str {
        match self {
            Ty::Int => "bigint[]",
            Ty::Text => "text[]",
            Ty::Blob => "bytea[]",
        }
    }
}

/// An insert of many rows into one table ([`Conn::defer_rows`]).
pub struct Insert<'a> {
    pub table: &'a str,
    pub cols: &'a [(&'a str, Ty)],
    /// What follows the rows: `ON CONFLICT …`, or nothing.
    pub tail: &'a str,
    /// For a tail `ON CONFLICT (key) DO UPDATE`: the positions of the key's columns. Of rows
    /// sharing a key in one call only the last is sent, as inserting one row after another
    /// would leave it (PostgreSQL refuses to update a row twice in one statement).
    pub key: &'a [usize],
}

impl Insert<'_> {
    /// The statement for one row, `?1 … ?n`.
    pub fn one_row(&self) -> String {
        let names: Vec<&str> = self.cols.iter().map(|(n, _)| *n).collect();
        let marks: Vec<String> = (1..=self.cols.len()).map(|i| format!("?{i}")).collect();
        format!("INSERT INTO {} ({}) VALUES ({}) {}", self.table, names.join(", "), marks.join(", "), self.tail)
    }

    /// The statement for every row at once: one array per column, unnested (PostgreSQL).
    pub fn unnest(&self) -> String {
        let names: Vec<&str> = self.cols.iter().map(|(n, _)| *n).collect();
        let arrays: Vec<String> =
            self.cols.iter().enumerate().map(|(i, (_, t))| format!("?{}::{}", i + 1, t.pg_array())).collect();
        format!(
            "INSERT INTO {} ({}) SELECT * FROM unnest({}) {}",
            self.table,
            names.join(", "),
            arrays.join(", "),
            self.tail
        )
    }

    /// Every row has a value for each column.
    pub fn check(&self, rows: &[Vec<Value>]) -> Result<()> {
        match rows.iter().find(|r| r.len() != self.cols.len()) {
            Some(r) => Err(StorageError::Invalid(format!(
                "a row of {} values for the {} columns of {}",
                r.len(),
                self.cols.len(),
                self.table
            ))),
            None => Ok(()),
        }
    }

    /// `rows` as one list per column, the earlier of rows sharing a key left out.
    pub fn columns(&self, rows: Vec<Vec<Value>>) -> Result<Vec<Value>> {
        self.check(&rows)?;
        let keys: Vec<Vec<&Value>> = rows.iter().map(|r| self.key.iter().map(|&i| &r[i]).collect()).collect();
        let keep: Vec<bool> = if self.key.is_empty() {
            vec![true; rows.len()]
        } else {
            (0..rows.len()).map(|i| !keys[i + 1..].contains(&keys[i])).collect()
        };
        drop(keys);
        let mut columns: Vec<Vec<Value>> = self.cols.iter().map(|_| Vec::with_capacity(rows.len())).collect();
        for (row, keep) in rows.into_iter().zip(keep) {
            if keep {
                for (column, v) in columns.iter_mut().zip(row) {
                    column.push(v);
                }
            }
        }
        Ok(self.cols.iter().zip(columns).map(|((_, ty), c)| Value::List(*ty, c)).collect())
    }
}

/// A connection (inside a write transaction, or reading).
pub trait Conn {
    fn dialect(&self) -> Dialect;
    /// Runs one statement; how many rows it changed.
    fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64>;
    /// Runs one statement whose answer is not needed, only its success: an engine across a
    /// network may hold it and send it with the statements after it in one round trip, at the
    /// latest before the next statement that answers and before the commit. Its error then
    /// comes from that statement and fails the transaction, as it would have here.
    fn defer(&mut self, sql: &str, args: &[Value]) -> Result<()> {
        self.execute(sql, args).map(|_| ())
    }
    /// Inserts `rows`, deferred as [`Conn::defer`] is: one statement a row on SQLite (a call
    /// into the library), one statement for them all on PostgreSQL, whose cost is per
    /// statement.
    fn defer_rows(&mut self, insert: &Insert<'_>, rows: Vec<Vec<Value>>) -> Result<()> {
        insert.check(&rows)?;
        let sql = insert.one_row();
        rows.iter().try_for_each(|r| self.defer(&sql, r))
    }
    /// Runs one query; its rows.
    fn query(&mut self, sql: &str, args: &[Value]) -> Result<Vec<Row>>;
    /// Runs several queries in order; the rows of each. An engine across a network sends them,
    /// with the deferred statements before them, in one round trip.
    fn query_many(&mut self, queries: &[(&str, Vec<Value>)]) -> Result<Vec<Vec<Row>>> {
        queries.iter().map(|(sql, args)| self.query(sql, args)).collect()
    }
    /// Runs statements without arguments, separated by `;`.
    fn batch(&mut self, sql: &str) -> Result<()>;
}

impl dyn Conn + '_ {
    /// The first row, if any.
    pub fn query_opt(&mut self, sql: &str, args: &[Value]) -> Result<Option<Row>> {
        Ok(self.query(sql, args)?.into_iter().next())
    }

    /// The first row; none is a database error (for aggregates, which always answer one).
    pub fn query_one(&mut self, sql: &str, args: &[Value]) -> Result<Row> {
        self.query_opt(sql, args)?.ok_or_else(|| StorageError::Database("the query answered no row".into()))
    }

    /// The first row mapped, if any.
    pub fn query_row_opt<T>(
        &mut self,
        sql: &str,
        args: &[Value],
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        self.query_opt(sql, args)?.as_ref().map(f).transpose()
    }

    /// Every row mapped.
    pub fn query_map<T>(&mut self, sql: &str, args: &[Value], f: impl FnMut(&Row) -> Result<T>) -> Result<Vec<T>> {
        self.query(sql, args)?.iter().map(f).collect()
    }
}

/// A database the storage runs on.
pub trait Engine: Send + Sync + 'static {
    /// Runs `f` on a connection outside a transaction, for reads.
    fn read(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()>;
    /// Runs `f` in a write transaction, committed when it returns `Ok`. Writes are one at a time
    /// across every server on the database (docs/architecture.md, "Storage engines").
    fn write(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()>;
    /// Writes a consistent copy of everything to `to`, where the engine can.
    fn backup(&self, to: &Path) -> Result<()>;
}

/// Rewrites `?N` placeholders to PostgreSQL's `$N` (a bare `?` takes the next number), leaving
/// quoted text alone.
pub fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut quoted = false;
    let mut next = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                if digits.is_empty() {
                    next += 1;
                    digits = next.to_string();
                }
                out.push('$');
                out.push_str(&digits);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `INSERT INTO table (cols) VALUES (?1, …) ON CONFLICT (key) DO UPDATE SET` every other
/// column: SQLite's `INSERT OR REPLACE` for a table whose only unique key is `key`, in SQL
/// both engines run.
pub fn upsert(table: &str, cols: &[&str], key: &[&str]) -> String {
    let values: Vec<String> = (1..=cols.len()).map(|n| format!("?{n}")).collect();
    format!("INSERT INTO {table} ({}) VALUES ({}) {}", cols.join(", "), values.join(", "), upsert_tail(cols, key))
}

/// The `ON CONFLICT (key) DO UPDATE SET` every other column of [`upsert`].
pub fn upsert_tail(cols: &[&str], key: &[&str]) -> String {
    let set: Vec<String> = cols.iter().filter(|c| !key.contains(c)).map(|c| format!("{c} = excluded.{c}")).collect();
    let action = if set.is_empty() { "NOTHING".to_string() } else { format!("UPDATE SET {}", set.join(", ")) };
    format!("ON CONFLICT ({}) DO {action}", key.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(numbered_placeholders("a = ?1 AND b = ?12"), "a = $1 AND b = $12");
        assert_eq!(numbered_placeholders("a IN (?, ?) AND c LIKE '?x'"), "a IN ($1, $2) AND c LIKE '?x'");
    }

    #[test]
    fn upsert_updates_every_column_but_the_key() {
        assert_eq!(
            upsert("t", &["id", "a", "b"], &["id"]),
            "INSERT INTO t (id, a, b) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET a = excluded.a, b = excluded.b"
        );
        assert_eq!(
            upsert("t", &["a", "b"], &["a", "b"]),
            "INSERT INTO t (a, b) VALUES (?1, ?2) ON CONFLICT (a, b) DO NOTHING"
        );
    }

    #[test]
    fn values_read_back_as_their_types() {
        let row = Row(vec![Value::Int(3), Value::Null, Value::Text(Uuid::nil().to_string()), Value::Int(1)]);
        assert_eq!(row.get::<u32>(0).unwrap(), 3);
        assert_eq!(row.get::<Option<i64>>(1).unwrap(), None);
        assert_eq!(row.get::<Uuid>(2).unwrap(), Uuid::nil());
        assert!(row.get::<bool>(3).unwrap());
        assert!(matches!(row.get::<String>(0), Err(StorageError::Corrupt(_))));
        assert!(row.get::<i64>(9).is_err());
        assert_eq!(
            args![1i64, "a", None::<String>, true],
            &[Value::Int(1), Value::Text("a".into()), Value::Null, Value::Int(1)]
        );
    }
}
