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
pub mod demo;
pub mod reports;
pub mod service;
pub mod sqlite;
pub mod storage;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use steward_core::time::ProgramZone;

pub use api::{app, AppState};
pub use service::Service;

/// The example configuration, printed by `steward-sync-server default-config`.
pub const EXAMPLE_CONFIG: &str = include_str!("../example.env");

/// Server settings. Defaults, overridden by environment variables, overridden by flags.
#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub time_zone: String,
    pub max_body_bytes: usize,
    /// How many sync requests are processed at once (the rest wait their turn).
    pub max_concurrent_work: usize,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("time_zone", &self.time_zone)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_concurrent_work", &self.max_concurrent_work)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8787".parse().expect("static address"),
            data_dir: PathBuf::from("steward-data"),
            time_zone: steward_core::time::DEFAULT_TIME_ZONE.into(),
            max_body_bytes: steward_core::protocol::DEFAULT_MAX_BODY,
            max_concurrent_work: std::thread::available_parallelism().map(|n| n.get() * 2).unwrap_or(4),
        }
    }
}

/// Opens the storage and the service for a configuration.
pub fn open_service(config: &Config) -> anyhow::Result<Service> {
    let zone = ProgramZone::parse(&config.time_zone)?;
    let storage = sqlite::SqliteStorage::open(&config.data_dir)
        .map_err(|e| anyhow::anyhow!("cannot open the database in {}: {e}", config.data_dir.display()))?;
    Ok(Service::new(Arc::new(storage), zone)?)
}

/// A running server.
pub struct Running {
    /// The address it listens on (useful with port 0).
    pub addr: SocketAddr,
    shutdown: tokio::sync::oneshot::Sender<()>,
    join: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Stops accepting, finishes requests in flight, and waits.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(());
        let _ = self.join.await;
    }
}

/// Binds and starts serving in the background.
pub async fn start(config: Config) -> anyhow::Result<Running> {
    let service = open_service(&config)?;
    let state = AppState::new(service, config.max_concurrent_work);
    let listener = listen(config.listen)
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e} (is another server running there?)", config.listen))?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let router = app(state, config.max_body_bytes);
    let join = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
    });
    Ok(Running { addr, shutdown: tx, join })
}

/// Binds with a deep accept queue: when a whole district's phones come back online together, the
/// connections wait their turn instead of being refused.
fn listen(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
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
