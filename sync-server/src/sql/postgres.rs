//! The shared engine: a PostgreSQL database that any number of server nodes use at once. It
//! carries and runs its own migrations (`src/pg_migrations/`), under a lock so nodes starting
//! together apply each once.
//!
//! The client is tokio-postgres. Its connections are driven by a small runtime of the engine's
//! own, and callers wait on its answers with a plain executor, so the engine may be called from
//! any thread: the blocking pool, a test's async body, a command-line tool.
//!
//! Connections come from a small pool, each with its prepared statements. Every write
//! transaction first takes one transaction-scoped advisory lock ([`WRITE_LOCK`]), so writes are
//! one at a time across all nodes, as on SQLite: the change log's sequence numbers are handed
//! out in commit order and a reader polling `seq > cursor` never skips one (docs/architecture.md,
//! "Storage engines"). Reads run concurrently on any node.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::{Condvar, Mutex};
use std::task::Poll;
use std::time::Duration;

use bytes::BytesMut;
use futures_executor::block_on;
use futures_util::future::poll_fn;
use futures_util::TryStreamExt;
use tokio_postgres::types::{FromSql, IsNull, Kind, ToSql, Type};
use tokio_postgres::{Client, Config, NoTls, Statement};

use super::{numbered_placeholders, Conn, Dialect, Engine, Insert, Row, Ty, Value};
use crate::storage::{Result, StorageError};

const MIGRATIONS: &[&str] = &[include_str!("../pg_migrations/0001_schema.sql")];

/// The advisory lock every write transaction holds: the change log's one sequencer.
pub const WRITE_LOCK: i64 = 0x5354_4557_0001;
/// The advisory lock migrations run under.
const MIGRATE_LOCK: i64 = 0x5354_4557_0002;
/// Connections one node opens at most.
const MAX_CONNECTIONS: usize = 16;
/// How long a caller waits for a free connection before the request fails.
const CHECKOUT_WAIT: Duration = Duration::from_secs(30);
/// Prepared statements kept per connection (the read model's queries vary with their slices).
const STATEMENT_CACHE: usize = 512;
/// Session settings: no statement (a wait for the write lock included) runs past a minute, and
/// a node that stops mid-transaction (hung, cut off) loses its transaction and the lock.
const SESSION_OPTIONS: &str = "-c statement_timeout=60000 -c idle_in_transaction_session_timeout=30000";

fn db_err(e: tokio_postgres::Error) -> StorageError {
    // The server's message, without its DETAIL (which can quote the values of a row).
    match e.as_db_error() {
        Some(db) => StorageError::Database(format!("{} ({})", db.message(), db.code().code())),
        None => StorageError::Database(e.to_string()),
    }
}

type BoxError = Box<dyn StdError + Sync + Send>;

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, BoxError> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => i.to_string().to_sql(ty, out),
                _ => Err(format!("an integer cannot be sent as {ty}").into()),
            },
            Value::Real(f) => match *ty {
                Type::FLOAT8 => f.to_sql(ty, out),
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                _ => Err(format!("a real cannot be sent as {ty}").into()),
            },
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
            // Each element as the array's member type (an array is all the statement takes).
            Value::List(_, items) => match ty.kind() {
                Kind::Array(_) => items.to_sql(ty, out),
                _ => Err(format!("a list cannot be sent as {ty}").into()),
            },
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    tokio_postgres::types::to_sql_checked!();
}

impl<'a> FromSql<'a> for Value {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> std::result::Result<Value, BoxError> {
        Ok(match *ty {
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Int(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Value::Int(i16::from_sql(ty, raw)?.into()),
            Type::BOOL => Value::Int(bool::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)?.into()),
            Type::BYTEA => Value::Blob(raw.to_vec()),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                Value::Text(<&str>::from_sql(ty, raw)?.to_owned())
            }
            _ => return Err(format!("a column of type {ty} cannot be read (cast it in the query)").into()),
        })
    }

    fn from_sql_null(_: &Type) -> std::result::Result<Value, BoxError> {
        Ok(Value::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A pooled connection and its prepared statements.
struct PgClient {
    client: Client,
    statements: HashMap<String, Statement>,
}

/// A leased client as a [`Conn`] (in a transaction the engine began, or reading).
struct PgConn<'a> {
    c: &'a Client,
    statements: &'a mut HashMap<String, Statement>,
    /// Deferred statements ([`Conn::defer`]), sent together by [`PgConn::flush`].
    pending: Vec<(Stmt, Vec<Value>)>,
}

/// A statement as sent: prepared once and kept, or parsed and planned each time.
#[derive(Clone)]
enum Stmt {
    Prepared(Statement),
    /// A read over lists (`Value::List`) is planned for the lists it is given: a plan kept
    /// from when a table was small (a new database) scans it whole for ever after, where one
    /// index lookup a list member is what is wanted (`docs/performance.md`). An insert over
    /// lists scans nothing (a conflict is found through the unique index), so it is prepared.
    Planned(String),
}

/// The type a value is sent as in a statement planned each time.
fn type_of(v: &Value) -> Type {
    match v {
        Value::Int(_) => Type::INT8,
        Value::Real(_) => Type::FLOAT8,
        Value::Text(_) | Value::Null => Type::TEXT,
        Value::Blob(_) => Type::BYTEA,
        Value::List(Ty::Int, _) => Type::INT8_ARRAY,
        Value::List(Ty::Text, _) => Type::TEXT_ARRAY,
        Value::List(Ty::Blob, _) => Type::BYTEA_ARRAY,
    }
}

impl PgConn<'_> {
    fn statement(&mut self, sql: &str, args: &[Value]) -> Result<Stmt> {
        let insert = sql.trim_start().starts_with("INSERT");
        if !insert && args.iter().any(|a| matches!(a, Value::List(..))) {
            return Ok(Stmt::Planned(numbered_placeholders(sql)));
        }
        self.prepared(sql).map(Stmt::Prepared)
    }

    fn prepared(&mut self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        if self.statements.len() >= STATEMENT_CACHE {
            self.statements.clear();
        }
        let stmt = block_on(self.c.prepare(&numbered_placeholders(sql))).map_err(db_err)?;
        self.statements.insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }

    /// Sends the deferred statements in one pipeline and waits for every answer: the first
    /// error is the one returned, and PostgreSQL has then failed the transaction.
    fn flush(&mut self) -> Result<()> {
        self.pipeline(&[]).map(|_| ())
    }

    /// Sends the deferred statements and then `asks` in one pipeline (tokio-postgres writes the
    /// requests of futures polled together in one go, in the order first polled, and PostgreSQL
    /// answers them in order); the answers to `asks`.
    fn pipeline(&mut self, asks: &[Ask<'_>]) -> Result<Vec<Answer>> {
        if self.pending.is_empty() && asks.is_empty() {
            return Ok(Vec::new());
        }
        let pending = std::mem::take(&mut self.pending);
        let c = self.c;
        let deferred = pending.iter().map(|(stmt, args)| Ask::Count(stmt, args));
        let steps: Vec<Step<'_>> = deferred
            .chain(asks.iter().copied())
            .map(|ask| -> Step<'_> {
                match ask {
                    Ask::Count(Stmt::Prepared(stmt), args) => {
                        Box::pin(
                            async move { c.execute_raw(stmt, args.iter()).await.map(Answer::Count).map_err(db_err) },
                        )
                    }
                    Ask::Count(Stmt::Planned(sql), args) => Box::pin(async move {
                        let typed: Vec<(&(dyn ToSql + Sync), Type)> =
                            args.iter().map(|a| (a as &(dyn ToSql + Sync), type_of(a))).collect();
                        c.execute_typed(sql, &typed).await.map(Answer::Count).map_err(db_err)
                    }),
                    Ask::Rows(stmt, args) => Box::pin(async move {
                        let stream = match stmt {
                            Stmt::Prepared(s) => c.query_raw(s, args.iter()).await,
                            Stmt::Planned(sql) => c.query_typed_raw(sql, args.iter().map(|a| (a, type_of(a)))).await,
                        };
                        let rows: Vec<tokio_postgres::Row> =
                            stream.map_err(db_err)?.try_collect().await.map_err(db_err)?;
                        rows.iter().map(row_of).collect::<Result<Vec<Row>>>().map(Answer::Rows)
                    }),
                }
            })
            .collect();
        let mut answers = block_on(in_order(steps))?;
        Ok(answers.split_off(pending.len()))
    }
}

/// One statement of a pipeline and what it answers.
#[derive(Clone, Copy)]
enum Ask<'a> {
    Count(&'a Stmt, &'a [Value]),
    Rows(&'a Stmt, &'a [Value]),
}

enum Answer {
    Count(u64),
    Rows(Vec<Row>),
}

type Step<'a> = Pin<Box<dyn Future<Output = Result<Answer>> + Send + 'a>>;

/// Runs `steps` together, each first polled in the order given (so their requests go out in
/// that order), until all are answered or one fails; the first failure is returned.
async fn in_order(mut steps: Vec<Step<'_>>) -> Result<Vec<Answer>> {
    let mut done: Vec<Option<Answer>> = steps.iter().map(|_| None).collect();
    poll_fn(|cx| {
        let mut waiting = false;
        for (step, answer) in steps.iter_mut().zip(done.iter_mut()) {
            if answer.is_none() {
                match step.as_mut().poll(cx) {
                    Poll::Ready(Ok(a)) => *answer = Some(a),
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => waiting = true,
                }
            }
        }
        if waiting {
            Poll::Pending
        } else {
            Poll::Ready(Ok(()))
        }
    })
    .await?;
    done.into_iter().map(|a| a.ok_or_else(|| StorageError::Database("a statement went unanswered".into()))).collect()
}

fn row_of(r: &tokio_postgres::Row) -> Result<Row> {
    (0..r.len())
        .map(|i| r.try_get::<_, Value>(i).map_err(|e| StorageError::Corrupt(format!("column {i}: {e}"))))
        .collect::<Result<Vec<Value>>>()
        .map(Row)
}

fn unexpected() -> StorageError {
    StorageError::Database("the database answered out of turn".into())
}

impl Conn for PgConn<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64> {
        let stmt = self.statement(sql, args)?;
        match self.pipeline(&[Ask::Count(&stmt, args)])?.pop() {
            Some(Answer::Count(n)) => Ok(n),
            _ => Err(unexpected()),
        }
    }

    fn defer(&mut self, sql: &str, args: &[Value]) -> Result<()> {
        let stmt = self.statement(sql, args)?;
        self.pending.push((stmt, args.to_vec()));
        Ok(())
    }

    fn defer_rows(&mut self, insert: &Insert<'_>, rows: Vec<Vec<Value>>) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let columns = insert.columns(rows)?;
        self.defer(&insert.unnest(), &columns)
    }

    fn query(&mut self, sql: &str, args: &[Value]) -> Result<Vec<Row>> {
        let stmt = self.statement(sql, args)?;
        match self.pipeline(&[Ask::Rows(&stmt, args)])?.pop() {
            Some(Answer::Rows(rows)) => Ok(rows),
            _ => Err(unexpected()),
        }
    }

    fn query_many(&mut self, queries: &[(&str, Vec<Value>)]) -> Result<Vec<Vec<Row>>> {
        let stmts = queries.iter().map(|(sql, args)| self.statement(sql, args)).collect::<Result<Vec<_>>>()?;
        let asks: Vec<Ask<'_>> = stmts.iter().zip(queries).map(|(stmt, (_, args))| Ask::Rows(stmt, args)).collect();
        self.pipeline(&asks)?
            .into_iter()
            .map(|a| match a {
                Answer::Rows(rows) => Ok(rows),
                Answer::Count(_) => Err(unexpected()),
            })
            .collect()
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        self.flush()?;
        block_on(self.c.batch_execute(sql)).map_err(db_err)
    }
}

#[derive(Default)]
struct Pool {
    idle: Vec<PgClient>,
    open: usize,
}

/// PostgreSQL shared by the server nodes.
pub struct PostgresEngine {
    config: Config,
    /// Drives the connections; shut down without waiting when the engine goes.
    runtime: Option<tokio::runtime::Runtime>,
    pool: Mutex<Pool>,
    freed: Condvar,
}

impl Drop for PostgresEngine {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// A connection taken from the pool; back into it when dropped, unless it broke.
struct Lease<'a> {
    engine: &'a PostgresEngine,
    client: Option<PgClient>,
}

impl Lease<'_> {
    fn conn(&mut self) -> Result<PgConn<'_>> {
        let PgClient { client, statements } =
            self.client.as_mut().ok_or_else(|| StorageError::Database("lost the connection".into()))?;
        Ok(PgConn { c: client, statements, pending: Vec::new() })
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let mut pool = self.engine.pool.lock().unwrap_or_else(|p| p.into_inner());
        match self.client.take() {
            Some(c) if !c.client.is_closed() => pool.idle.push(c),
            _ => pool.open = pool.open.saturating_sub(1),
        }
        self.engine.freed.notify_one();
    }
}

impl PostgresEngine {
    /// Connects to `url` (`postgres://user@host:port/db`) and runs the migrations.
    pub fn open(url: &str) -> Result<PostgresEngine> {
        let mut config =
            Config::from_str(url).map_err(|e| StorageError::Invalid(format!("the database URL does not read: {e}")))?;
        config
            .options(SESSION_OPTIONS)
            .application_name("steward-sync-server")
            .connect_timeout(Duration::from_secs(10));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("steward-postgres")
            .enable_all()
            .build()
            .map_err(|e| StorageError::Database(format!("cannot start the database client: {e}")))?;
        let engine =
            PostgresEngine { config, runtime: Some(runtime), pool: Mutex::new(Pool::default()), freed: Condvar::new() };
        engine.migrate()?;
        Ok(engine)
    }

    fn connect(&self) -> Result<PgClient> {
        let rt = self.runtime.as_ref().ok_or_else(|| StorageError::Database("the engine is closing".into()))?;
        let config = self.config.clone();
        let client = block_on(rt.spawn(async move {
            let (client, connection) = config.connect(NoTls).await?;
            tokio::spawn(async move {
                // Ends when the client is dropped or the server goes; the client then reports closed.
                let _ = connection.await;
            });
            Ok::<_, tokio_postgres::Error>(client)
        }))
        .map_err(|e| StorageError::Database(format!("the database client stopped: {e}")))?
        .map_err(db_err)?;
        Ok(PgClient { client, statements: HashMap::new() })
    }

    fn lease(&self) -> Result<Lease<'_>> {
        let mut pool = self.pool.lock().unwrap_or_else(|p| p.into_inner());
        let deadline = std::time::Instant::now() + CHECKOUT_WAIT;
        loop {
            if let Some(c) = pool.idle.pop() {
                return Ok(Lease { engine: self, client: Some(c) });
            }
            if pool.open < MAX_CONNECTIONS {
                pool.open += 1;
                drop(pool);
                return match self.connect() {
                    Ok(c) => Ok(Lease { engine: self, client: Some(c) }),
                    Err(e) => {
                        // The Lease's drop gives the slot back.
                        drop(Lease { engine: self, client: None });
                        Err(e)
                    }
                };
            }
            let wait = deadline.saturating_duration_since(std::time::Instant::now());
            if wait.is_zero() {
                return Err(StorageError::Database("no database connection came free in time".into()));
            }
            pool = self.freed.wait_timeout(pool, wait).unwrap_or_else(|p| p.into_inner()).0;
        }
    }

    /// Runs `f` in a transaction on a leased connection: `BEGIN`, then `COMMIT` when it returns
    /// `Ok`, `ROLLBACK` otherwise.
    fn transaction(&self, lock: i64, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()> {
        let mut lease = self.lease()?;
        let (out, broken) = {
            let mut c = lease.conn()?;
            // BEGIN and the lock in one round trip; the deferred statements go with COMMIT's.
            let done = c.batch(&format!("BEGIN; SELECT pg_advisory_xact_lock({lock})")).and_then(|_| f(&mut c));
            // COMMIT goes in the same pipeline as the deferred statements: after an error among
            // them PostgreSQL answers it by rolling back, and that error is returned. The
            // ROLLBACK after a failure is then a no-op, and ends the transaction otherwise.
            match done.and_then(|_| c.defer("COMMIT", &[])).and_then(|_| c.flush()) {
                Ok(()) => (Ok(()), false),
                Err(e) => {
                    c.pending.clear();
                    (Err(e), c.batch("ROLLBACK").is_err())
                }
            }
        };
        if broken {
            // A connection that cannot roll back is dropped with its transaction.
            lease.client = None;
        }
        out
    }

    fn migrate(&self) -> Result<()> {
        self.transaction(MIGRATE_LOCK, &mut |c| {
            c.batch("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")?;
            let current: i64 = c.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])?.get(0)?;
            for (i, sql) in MIGRATIONS.iter().enumerate() {
                let version = i as i64 + 1;
                if version > current {
                    c.batch(sql)?;
                    c.execute("INSERT INTO schema_version (version) VALUES (?1)", &[Value::Int(version)])?;
                }
            }
            Ok(())
        })
    }
}

impl Engine for PostgresEngine {
    fn read(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()> {
        let mut lease = self.lease()?;
        let mut c = lease.conn()?;
        f(&mut c)?;
        c.flush()
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()> {
        self.transaction(WRITE_LOCK, f)
    }

    fn backup(&self, _to: &Path) -> Result<()> {
        Err(StorageError::Invalid(
            "a PostgreSQL store is backed up by the database (pg_dump or its base backups), not by the server".into(),
        ))
    }
}

/// Creates the database `name` on the PostgreSQL server at `url` (any database there) unless it
/// exists already: for tests and tools that give each server a database of its own.
pub fn create_database(url: &str, name: &str) -> Result<()> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return Err(StorageError::Invalid(format!("{name:?} is not a plain database name")));
    }
    let config =
        Config::from_str(url).map_err(|e| StorageError::Invalid(format!("the database URL does not read: {e}")))?;
    let sql = format!("CREATE DATABASE {name}");
    // Its own thread and runtime: callable from inside another runtime too.
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StorageError::Database(format!("cannot start the database client: {e}")))?;
        rt.block_on(async move {
            let (client, connection) = config.connect(NoTls).await.map_err(db_err)?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            match client.batch_execute(&sql).await {
                Ok(()) => Ok(()),
                Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::DUPLICATE_DATABASE) => Ok(()),
                Err(e) => Err(db_err(e)),
            }
        })
    })
    .join()
    .map_err(|_| StorageError::Database("creating the database failed".into()))?
}
