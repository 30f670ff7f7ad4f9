//! The Red Steward sync server (`steward-sync-server`).
//!
//! Devices sync Automerge changes at `POST /v1/sync` (see `docs/sync-protocol.md`); supervisors
//! sign in, pull the merged read model and export reports; their edits (issue status, comments,
//! must-visits, assignments, plans, deadlines) become Automerge changes that reach the devices by
//! sync. Storage sits behind [`storage::Storage`]; the embedded SQLite backend is the default.
//!
//! ```no_run
//! # async fn run() -> anyhow::Result<()> {
//! let config = steward_sync_server::Config { data_dir: "/tmp/steward".into(), ..Default::default() };
//! let running = steward_sync_server::start(config).await?;
//! println!("listening on {}", running.addr);
//! running.shutdown().await;
//! # Ok(()) }
//! ```

pub mod admin;
pub mod api;
pub mod auth;
pub mod authority;
pub mod campaigns;
pub mod demo;
pub mod evaluation;
pub mod exchange;
pub mod fuzzing;
pub mod gate;
pub mod journal;
pub mod migrate;
pub mod read_model;
pub mod reports;
pub mod schema;
pub mod selection;
pub mod service;
pub mod shed;
pub mod sql;
pub mod storage;
pub mod store;
pub mod table;
pub mod throttle;

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use steward_core::time::ProgramZone;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tower::ServiceExt;

pub use api::{app, AppState};
pub use service::Service;

/// The example configuration, printed by `steward-sync-server default-config`.
pub const EXAMPLE_CONFIG: &str = include_str!("../example.env");

/// Server settings. Defaults, overridden by environment variables, overridden by flags.
#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// The embedded store's directory, and each node's own files (the server's change journal).
    pub data_dir: PathBuf,
    /// A PostgreSQL database (`postgres://…`) shared by several nodes; `None`: SQLite in `data_dir`.
    pub database: Option<String>,
    pub time_zone: String,
    /// Largest `/v1/sync` body. Other bodies have small fixed limits (see [`api`]).
    pub max_body_bytes: usize,
    /// How many sync requests are processed at once (the rest wait their turn).
    pub max_concurrent_work: usize,
    /// The longest a sync may be expected to wait for its turn: past it the answer is `503`
    /// with `Retry-After`, before its body is read (`shed.rs`). Under the phones' 60 s time-out.
    pub sync_queue_budget: Duration,
    /// Connections served at once; further ones wait in the accept queue.
    pub max_connections: usize,
    /// How long a client may take to send a request's line and headers.
    pub header_read_timeout: Duration,
    /// How long a client may take to send a request's body.
    pub body_read_timeout: Duration,
    /// How long a connection may stay open with no request in flight and nothing moving.
    pub idle_timeout: Duration,
    /// Password checks (argon2) run at once, apart from the sync work.
    pub hash_concurrency: usize,
    /// Sign-ins that may wait for a password check; beyond them the answer is `503`.
    pub hash_queue: usize,
    /// Attempt limits on sign-in and enrolment.
    pub throttle: throttle::Limits,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database", &self.database.as_deref().map(redact_url))
            .field("time_zone", &self.time_zone)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_concurrent_work", &self.max_concurrent_work)
            .field("sync_queue_budget", &self.sync_queue_budget)
            .field("max_connections", &self.max_connections)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("hash_concurrency", &self.hash_concurrency)
            .field("hash_queue", &self.hash_queue)
            .field("throttle", &self.throttle)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8787".parse().expect("static address"),
            data_dir: PathBuf::from("steward-data"),
            database: None,
            time_zone: steward_core::time::DEFAULT_TIME_ZONE.into(),
            max_body_bytes: steward_core::protocol::DEFAULT_MAX_BODY,
            max_concurrent_work: std::thread::available_parallelism().map(|n| n.get() * 2).unwrap_or(4),
            sync_queue_budget: Duration::from_secs(30),
            max_connections: 10_000,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(60),
            hash_concurrency: 1,
            hash_queue: 16,
            throttle: throttle::Limits::default(),
        }
    }
}

/// Opens the storage and the service for a configuration.
pub fn open_service(config: &Config) -> anyhow::Result<Service> {
    let zone = ProgramZone::parse(&config.time_zone)?;
    // The node's own files (its change journal) live here whichever store it runs on.
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| anyhow::anyhow!("cannot create the data directory {}: {e}", config.data_dir.display()))?;
    let storage = open_storage(config)?;
    let journal = journal::Journal::open(&config.data_dir.join("server-changes.bin")).map_err(|e| {
        anyhow::anyhow!("cannot open the server's change journal in {}: {e}", config.data_dir.display())
    })?;
    Ok(Service::new(Arc::new(storage), zone)?.with_journal(journal))
}

/// Opens the storage a configuration names: PostgreSQL for a `postgres://` URL, else the embedded
/// SQLite in the data directory.
pub fn open_storage(config: &Config) -> anyhow::Result<store::SqlStorage> {
    match config.database.as_deref() {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            store::SqlStorage::open_postgres(url)
                .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e}", redact_url(url)))
        }
        Some(other) => anyhow::bail!("--database takes a postgres:// URL, not {}", redact_url(other)),
        None => store::SqlStorage::open(&config.data_dir)
            .map_err(|e| anyhow::anyhow!("cannot open the database in {}: {e}", config.data_dir.display())),
    }
}

/// A database URL without its password, for logs and errors.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

/// A running server.
pub struct Running {
    /// The address it listens on (useful with port 0).
    pub addr: SocketAddr,
    state: AppState,
    shutdown: tokio::sync::oneshot::Sender<()>,
    join: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Stops accepting, finishes requests in flight, closes idle connections, and waits.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(());
        let _ = self.join.await;
    }

    /// The server's shared state (tests hold its permits to show what does not wait on them).
    pub fn state(&self) -> &AppState {
        &self.state
    }
}

/// Binds and starts serving in the background.
pub async fn start(config: Config) -> anyhow::Result<Running> {
    let service = open_service(&config)?;
    let state = AppState::new(service, &config);
    let listener = listen(config.listen)
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e} (is another server running there?)", config.listen))?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let router = app(state.clone());
    let limits = ConnLimits { header: config.header_read_timeout, idle: config.idle_timeout };
    let join = tokio::spawn(serve(listener, router, config.max_connections, limits, rx));
    Ok(Running { addr, state, shutdown: tx, join })
}

#[derive(Clone, Copy)]
struct ConnLimits {
    header: Duration,
    idle: Duration,
}

/// The accept loop: at most `max_connections` at once (the rest wait in the listen queue), each
/// served over HTTP/1 with the header and idle time-outs. On `stop`, stops accepting, lets each
/// connection finish the request it is on, and returns when all are closed.
async fn serve(
    listener: TcpListener,
    router: axum::Router,
    max_connections: usize,
    limits: ConnLimits,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(max_connections.max(1)));
    let (closing_tx, closing_rx) = watch::channel(false);
    loop {
        let slot = tokio::select! {
            s = slots.clone().acquire_owned() => match s {
                Ok(s) => s,
                Err(_) => break,
            },
            _ = &mut stop => break,
        };
        let (stream, remote) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(stream, remote, router.clone(), limits, closing_rx.clone(), slot));
    }
    drop(listener);
    let _ = closing_tx.send(true);
    drop(closing_rx);
    closing_tx.closed().await;
    Ok(())
}

/// Serves one connection. The client's address reaches handlers as
/// `ConnectInfo<SocketAddr>`. A connection is closed when a request's head takes longer than
/// the header time-out, or when it has had no request in flight and nothing read for the idle
/// time-out since its last answer was ready — however slowly that answer is being read
/// (hyper's own header time-out would also close a connection idle between requests, so both
/// are kept here).
async fn connection(
    stream: TcpStream,
    remote: SocketAddr,
    router: axum::Router,
    limits: ConnLimits,
    mut closing: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    let activity = Arc::new(Activity::new());
    let io = hyper_util::rt::TokioIo::new(Tracked { inner: stream, activity: activity.clone() });
    let seen = activity.clone();
    let svc = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(axum::extract::ConnectInfo(remote));
        let in_flight = seen.begin();
        let router = router.clone();
        async move {
            let resp = router.oneshot(req).await;
            drop(in_flight);
            resp
        }
    });
    let conn = hyper::server::conn::http1::Builder::new().header_read_timeout(None).serve_connection(io, svc);
    tokio::pin!(conn);
    let mut graceful = false;
    loop {
        let wake = activity.next_check(limits);
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            _ = closing.wait_for(|c| *c), if !graceful => {
                graceful = true;
                conn.as_mut().graceful_shutdown();
            }
            _ = activity.head_started.notified() => {}
            _ = tokio::time::sleep_until(wake) => match activity.verdict(limits) {
                Verdict::Busy | Verdict::Fine => {}
                Verdict::SlowHead => {
                    tracing::debug!("closed a connection whose request head was too slow");
                    return;
                }
                Verdict::Idle if graceful => return,
                Verdict::Idle => {
                    graceful = true;
                    conn.as_mut().graceful_shutdown();
                }
            },
        }
    }
}

/// What a connection is doing, for its time-outs. Times are milliseconds since it opened.
struct Activity {
    opened: Instant,
    last_io: AtomicU64,
    /// When the first byte of a request head arrived while no request was in flight; a new
    /// connection counts from its opening, so one that never sends anything is closed as soon
    /// as one with half a header.
    head_since: AtomicU64,
    in_flight: AtomicUsize,
    head_started: tokio::sync::Notify,
}

const NONE: u64 = u64::MAX;

enum Verdict {
    Busy,
    Fine,
    SlowHead,
    Idle,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            opened: Instant::now(),
            last_io: AtomicU64::new(0),
            head_since: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            head_started: tokio::sync::Notify::new(),
        }
    }

    fn now(&self) -> u64 {
        self.opened.elapsed().as_millis() as u64
    }

    fn read(&self) {
        let now = self.now();
        self.last_io.store(now, Ordering::Relaxed);
        if self.in_flight.load(Ordering::Acquire) == 0
            && self.head_since.compare_exchange(NONE, now, Ordering::AcqRel, Ordering::Relaxed).is_ok()
        {
            // The connection's watchdog may be asleep until the idle deadline: the header's
            // comes sooner.
            self.head_started.notify_one();
        }
    }

    fn wrote(&self) {
        self.last_io.store(self.now(), Ordering::Relaxed);
    }

    fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.head_since.store(NONE, Ordering::Release);
        InFlight(self.clone())
    }

    fn next_check(&self, l: ConnLimits) -> Instant {
        let at = |ms: u64, d: Duration| self.opened + Duration::from_millis(ms) + d;
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return Instant::now() + l.header.min(l.idle);
        }
        match self.head_since.load(Ordering::Acquire) {
            NONE => at(self.last_io.load(Ordering::Relaxed), l.idle),
            since => at(since, l.header),
        }
    }

    fn verdict(&self, l: ConnLimits) -> Verdict {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return Verdict::Busy;
        }
        let now = self.now();
        let waited = |since: u64| Duration::from_millis(now.saturating_sub(since));
        match self.head_since.load(Ordering::Acquire) {
            NONE if waited(self.last_io.load(Ordering::Relaxed)) >= l.idle => Verdict::Idle,
            NONE => Verdict::Fine,
            since if waited(since) >= l.header => Verdict::SlowHead,
            _ => Verdict::Fine,
        }
    }
}

/// A request in flight on a connection; dropped when its answer is ready (or it is abandoned).
struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.wrote();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A socket that tells its connection's [`Activity`] when bytes move.
struct Tracked {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read();
        }
        r
    }
}

impl AsyncWrite for Tracked {
    // Writing does not count as activity: the idle time counts from when the answer was ready,
    // so a client that reads its answer a trickle at a time cannot keep the answer (and its
    // memory) on the server beyond the idle time-out.
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Binds with a deep accept queue: when a whole district's phones come back online together, the
/// connections wait their turn instead of being refused.
fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(4096)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
