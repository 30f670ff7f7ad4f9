//! The device side of sync: enrolment, one sync, and the background loop that syncs by itself
//! whenever the server is reachable.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use automerge::sync as am_sync;
use automerge::ChangeHash;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use steward_core::protocol::{self, ErrorBody, SyncMessage, SyncRequest, SyncResponse, CONTENT_TYPE, PROTOCOL_VERSION};
use tokio::sync::{watch, Notify};
use uuid::Uuid;

use crate::store::{Identity, Prepared, SyncStatus};
use crate::{Store, StoreError};

/// A store shared between the app's commands and the background sync.
pub type SharedStore = Arc<Mutex<Store>>;

/// Rounds of the standard sync protocol before giving up until the next sync.
const MAX_PROTOCOL_ROUNDS: usize = 12;

/// Why a sync did not complete. Every message is one a steward can act on.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("this phone is not enrolled yet: enter the server address and your enrolment code")]
    NotEnrolled,
    #[error("cannot reach the server ({0}); your work is saved on the phone and will sync when the network is back")]
    Offline(String),
    #[error("the server no longer accepts this phone: ask your supervisor for a new enrolment code")]
    Unauthorized,
    #[error("the enrolment code is wrong or has expired: check it, or ask your supervisor for a new one")]
    BadEnrolmentCode,
    #[error("the server refused the sync: {0}")]
    Rejected(String),
    #[error("the server had a problem ({0}); it will be tried again")]
    Server(String),
    /// The server is busy and said when to come back: the edits stay on the phone meanwhile.
    #[error("the server is busy ({message}); this phone syncs again in {retry_after} s")]
    Busy { message: String, retry_after: u64 },
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl SyncError {
    /// A stable code for the UI to translate.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::NotEnrolled => "not_enrolled",
            SyncError::Offline(_) => "offline",
            SyncError::Unauthorized => "unauthorized",
            SyncError::BadEnrolmentCode => "bad_enrolment_code",
            SyncError::Rejected(_) => "rejected",
            SyncError::Server(_) => "server_error",
            SyncError::Busy { .. } => "server_busy",
            SyncError::Store(e) => e.code(),
        }
    }

    /// Whether trying again later may help.
    pub fn is_retryable(&self) -> bool {
        matches!(self, SyncError::Offline(_) | SyncError::Server(_) | SyncError::Busy { .. })
    }
}

/// What one sync did, for the badge and for benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    pub round_trips: u32,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub docs_pushed: u32,
    pub docs_pulled: u32,
}

fn lock(store: &SharedStore) -> MutexGuard<'_, Store> {
    // A panic while holding the lock cannot leave SQLite inconsistent (transactions roll back),
    // so a poisoned lock is still safe to use.
    store.lock().unwrap_or_else(|p| p.into_inner())
}

async fn with_store<T: Send + 'static>(
    store: &SharedStore,
    f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(&mut lock(&store)))
        .await
        .map_err(|e| StoreError::Corrupt(format!("store task failed: {e}")))?
}

/// A future a [`Transport`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What came back for one sync request: the HTTP status and the body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    /// A busy server's `Retry-After`, in seconds.
    pub retry_after: Option<u64>,
}

/// A request that got no answer: why, in a few words ("timed out", "no connection").
#[derive(Debug, Clone)]
pub struct Unreachable(pub String);

/// How sync requests reach the server. [`HttpTransport`] on the phone; tests put a faulty
/// network (drops, duplicates, late deliveries) in between without changing the client.
pub trait Transport: Send + Sync + std::fmt::Debug {
    /// Posts one encoded SyncRequest to `{server_url}/v1/sync` with the device token.
    fn post_sync<'a>(
        &'a self,
        server_url: &'a str,
        token: &'a str,
        body: Vec<u8>,
    ) -> BoxFuture<'a, Result<Answer, Unreachable>>;
}

/// The real network: HTTP with timeouts suited to a phone on a poor connection.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    http: reqwest::Client,
}

impl Default for HttpTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpTransport {
    /// 10 s to connect and 60 s for the whole request (`docs/sync-protocol.md`, section 3).
    pub fn new() -> HttpTransport {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .expect("static client configuration is valid");
        HttpTransport { http }
    }
}

impl Transport for HttpTransport {
    fn post_sync<'a>(
        &'a self,
        server_url: &'a str,
        token: &'a str,
        body: Vec<u8>,
    ) -> BoxFuture<'a, Result<Answer, Unreachable>> {
        Box::pin(async move {
            let resp = self
                .http
                .post(format!("{server_url}/v1/sync"))
                .bearer_auth(token)
                .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
                .body(body)
                .send()
                .await
                .map_err(|e| Unreachable(describe(&e)))?;
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
            let body = resp.bytes().await.map_err(|e| Unreachable(describe(&e)))?.to_vec();
            Ok(Answer { status, body, retry_after })
        })
    }
}

/// Talks to the sync server.
#[derive(Debug, Clone)]
pub struct SyncClient {
    http: reqwest::Client,
    transport: Arc<dyn Transport>,
}

impl Default for SyncClient {
    fn default() -> Self {
        Self::new()
    }
}

impl SyncClient {
    /// A client with timeouts suited to a phone on a poor connection.
    pub fn new() -> SyncClient {
        let transport = HttpTransport::new();
        SyncClient { http: transport.http.clone(), transport: Arc::new(transport) }
    }

    /// A client whose sync requests go through `transport` (enrolment still uses HTTP).
    pub fn with_transport(transport: Arc<dyn Transport>) -> SyncClient {
        SyncClient { transport, ..SyncClient::new() }
    }

    /// Exchanges an enrolment code for a device token and records the identity.
    pub async fn enrol(
        &self,
        store: &SharedStore,
        server_url: &str,
        code: &str,
        device_name: &str,
    ) -> Result<Identity, SyncError> {
        let server_url = server_url.trim().trim_end_matches('/').to_string();
        if !(server_url.starts_with("http://") || server_url.starts_with("https://")) {
            return Err(SyncError::Rejected("the server address must start with http:// or https://".into()));
        }
        let resp = self
            .http
            .post(format!("{server_url}/v1/enrol"))
            .json(&serde_json::json!({ "code": code.trim(), "device_name": device_name }))
            .send()
            .await
            .map_err(|e| SyncError::Offline(describe(&e)))?;
        match resp.status().as_u16() {
            200 => {}
            400 | 401 | 404 | 410 => return Err(SyncError::BadEnrolmentCode),
            s if s >= 500 => return Err(SyncError::Server(format!("HTTP {s}"))),
            s => return Err(SyncError::Rejected(error_message(resp, s).await)),
        }
        let e: protocol::Enrolment =
            resp.json().await.map_err(|e| SyncError::Server(format!("unreadable enrolment answer: {e}")))?;
        let identity = Identity {
            server_url,
            device_token: e.device_token,
            device_id: e.device_id,
            steward_id: e.steward_id,
            steward_name: e.steward_name,
            compound_id: e.compound_id,
            compound_name: e.compound_name,
        };
        let i = identity.clone();
        let zone = e.time_zone;
        with_store(store, move |s| {
            // Checked again under the store's lock: another enrolment may have finished while
            // this one was on the network.
            if s.identity()?.is_some() {
                return Err(StoreError::AlreadyEnrolled);
            }
            if let Some(z) = zone {
                s.set_time_zone(&z)?;
            }
            s.set_identity(&i)
        })
        .await?;
        Ok(identity)
    }

    async fn post(
        &self,
        identity: &Identity,
        req: &SyncRequest,
        report: &mut SyncReport,
    ) -> Result<SyncResponse, PostError> {
        let body = protocol::encode(req);
        report.bytes_sent += body.len() as u64;
        report.round_trips += 1;
        let answer = self
            .transport
            .post_sync(&identity.server_url, &identity.device_token, body)
            .await
            .map_err(|Unreachable(why)| PostError::Sync(SyncError::Offline(why)))?;
        let status = answer.status;
        if status == 200 {
            report.bytes_received += answer.body.len() as u64;
            let r: SyncResponse =
                protocol::decode(&answer.body).map_err(|e| PostError::Sync(SyncError::Server(e.to_string())))?;
            return Ok(r);
        }
        let body: Option<ErrorBody> = serde_json::from_slice(&answer.body).ok();
        let message = body.as_ref().map(|b| b.message.clone()).unwrap_or_else(|| format!("HTTP {status}"));
        Err(match status {
            401 => PostError::Sync(SyncError::Unauthorized),
            403 | 422 if body.as_ref().is_some_and(|b| !b.docs.is_empty()) => {
                PostError::Documents(body.map(|b| b.docs).unwrap_or_default(), message, status == 403)
            }
            503 if answer.retry_after.is_some() => {
                PostError::Sync(SyncError::Busy { message, retry_after: answer.retry_after.unwrap_or(1) })
            }
            s if s >= 500 => PostError::Sync(SyncError::Server(message)),
            _ => PostError::Sync(SyncError::Rejected(message)),
        })
    }

    /// Syncs once: pushes every changed document, pulls what others changed, and reconciles
    /// with the standard sync protocol where the fast path cannot be used. Records the outcome
    /// in the store for the badge.
    pub async fn sync(&self, store: &SharedStore) -> Result<SyncReport, SyncError> {
        let device = with_store(store, |s| s.identity()).await?.map(|i| i.device_id);
        let result = self.sync_inner(store).await;
        let err = result.as_ref().err().map(|e| (e.code(), e.to_string()));
        with_store(store, move |s| {
            // Signed out (or enrolled anew) meanwhile: this outcome belongs to no one.
            if device.is_none() || s.identity()?.map(|i| i.device_id) != device {
                return Ok(());
            }
            s.record_sync_result(err.as_ref().map(|(c, w)| (*c, w.as_str())))
        })
        .await?;
        result
    }

    async fn sync_inner(&self, store: &SharedStore) -> Result<SyncReport, SyncError> {
        let identity = with_store(store, |s| s.identity()).await?.ok_or(SyncError::NotEnrolled)?;
        let mut report = SyncReport::default();
        let need_sync = self.push(store, &identity, &mut report).await?;
        if need_sync.is_empty() {
            return Ok(report);
        }
        let unfinished = self.run_sync_protocol(store, &identity, need_sync, &mut report).await?;
        if unfinished.is_empty() {
            return Ok(report);
        }
        // The way out of an exchange that did not end: push the edits again by the fast path,
        // on the server's heads when this device holds them all, else as the whole document.
        let rebased = with_store(store, move |s| s.rebase_unfinished(&unfinished)).await?;
        if !rebased.is_empty() {
            tracing::info!(docs = rebased.len(), "sync protocol did not end; pushing those documents again");
            let still = self.push(store, &identity, &mut report).await?;
            if !still.is_empty() {
                tracing::warn!(docs = still.len(), "documents still need the sync protocol; next sync");
            }
        }
        Ok(report)
    }

    /// The fast path: pushes every changed document, pulls what the device lacks. Returns the
    /// documents the server asks to reconcile with the sync protocol.
    async fn push(
        &self,
        store: &SharedStore,
        identity: &Identity,
        report: &mut SyncReport,
    ) -> Result<Vec<Uuid>, SyncError> {
        // A document the server refuses is set aside and the rest go through; one retry per refusal.
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (req, prepared) = with_store(store, |s| s.prepare_sync()).await?;
            report.docs_pushed = req.push.len() as u32;
            match self.post(identity, &req, report).await {
                Ok(resp) => {
                    report.docs_pulled += resp.pull.len() as u32;
                    let applied = with_store(store, move |s| s.apply_sync_response(&prepared, &resp)).await?;
                    return Ok(applied.need_sync);
                }
                Err(PostError::Documents(docs, message, _)) if attempts < 4 => {
                    tracing::warn!(docs = docs.len(), "server refused documents; setting them aside");
                    with_store(store, move |s| s.quarantine(&docs, &message)).await?;
                }
                Err(PostError::Documents(_, message, _)) => return Err(SyncError::Rejected(message)),
                Err(PostError::Sync(e)) => return Err(e),
            }
        }
    }

    /// The fallback: Automerge's own sync protocol for documents whose common base is unknown
    /// (`docs/sync-protocol.md`, section 4). A document leaves the exchange when the server's
    /// heads, sent with every answer, equal the device's; an exchange that falls quiet without
    /// that starts again from fresh sync states on both sides. Returns the documents still open
    /// after [`MAX_PROTOCOL_ROUNDS`], with the server's last heads.
    async fn run_sync_protocol(
        &self,
        store: &SharedStore,
        identity: &Identity,
        docs: Vec<Uuid>,
        report: &mut SyncReport,
    ) -> Result<Vec<(Uuid, Option<Vec<ChangeHash>>)>, SyncError> {
        let device = identity.device_id;
        let mut open: BTreeMap<Uuid, Exchange> = docs.iter().map(|d| (*d, Exchange::fresh())).collect();
        for _ in 0..MAX_PROTOCOL_ROUNDS {
            if open.is_empty() {
                break;
            }
            let (back, msgs, cursor) = with_store(store, move |s| {
                let mut msgs = Vec::with_capacity(open.len());
                for (id, ex) in open.iter_mut() {
                    let msg = s.generate_sync_message(*id, &mut ex.state)?;
                    ex.said = msg.is_some();
                    msgs.push(SyncMessage { id: *id, msg: msg.map(ByteBuf::from), start: ex.start, heads: None });
                    ex.start = false;
                }
                Ok((open, msgs, s.cursor()?))
            })
            .await?;
            open = back;
            let req = SyncRequest { v: PROTOCOL_VERSION, cursor, push: Vec::new(), sync: msgs };
            let resp = match self.post(identity, &req, report).await {
                Ok(r) => r,
                Err(PostError::Documents(docs, message, forbidden)) => {
                    // Changes the server refuses are set aside, as on the fast path. A document
                    // no longer this steward's (reassigned before the server's restore) is
                    // dropped like a revoked one, unless it holds edits the server never got.
                    tracing::warn!(docs = docs.len(), forbidden, "server refused documents in the sync protocol");
                    for d in &docs {
                        open.remove(d);
                    }
                    with_store(store, move |s| {
                        if forbidden {
                            s.drop_unless_pending(&docs, &message)
                        } else {
                            s.quarantine(&docs, &message)
                        }
                    })
                    .await?;
                    continue;
                }
                Err(PostError::Sync(e)) => return Err(e),
            };
            open = with_store(store, move |s| {
                s.check_device(device)?;
                let mut heard: BTreeMap<Uuid, (bool, bool)> = BTreeMap::new();
                for m in &resp.sync {
                    let Some(ex) = open.get_mut(&m.id) else { continue };
                    if let Some(msg) = &m.msg {
                        s.receive_sync_message(m.id, &mut ex.state, msg)?;
                    }
                    let mut in_sync = false;
                    if let Some(h) = &m.heads {
                        let heads = h
                            .iter()
                            .map(|b| ChangeHash::try_from(b.as_slice()))
                            .collect::<Result<Vec<_>, _>>()
                            .map_err(|_| {
                                StoreError::Protocol("the server sent heads that are not change hashes".into())
                            })?;
                        in_sync = s.server_heads(m.id, &heads)?;
                        ex.server_heads = Some(heads);
                    }
                    heard.insert(m.id, (m.msg.is_some(), in_sync || m.heads.is_none()));
                }
                s.apply_sync_response(&Prepared::nothing_pushed(device), &SyncResponse { sync: Vec::new(), ..resp })?;
                open.retain(|id, ex| {
                    let (answered, in_sync) = heard.get(id).copied().unwrap_or((false, false));
                    let quiet = !ex.said && !answered;
                    if in_sync && (quiet || ex.server_heads.is_some()) {
                        return false;
                    }
                    if quiet {
                        // Both sides fell silent, yet the server lacks something (a lost or
                        // repeated message left the two sync states disagreeing): start over.
                        *ex = Exchange::fresh();
                    }
                    true
                });
                Ok(open)
            })
            .await?;
        }
        Ok(open.into_iter().map(|(id, ex)| (id, ex.server_heads)).collect())
    }
}

/// One document's side of a sync-protocol exchange.
struct Exchange {
    state: am_sync::State,
    /// The next message is the exchange's first: the server starts a fresh state too.
    start: bool,
    /// This round's message had something to say.
    said: bool,
    /// The server's heads from its last answer.
    server_heads: Option<Vec<ChangeHash>>,
}

impl Exchange {
    fn fresh() -> Exchange {
        Exchange { state: am_sync::State::new(), start: true, said: false, server_heads: None }
    }
}

enum PostError {
    Sync(SyncError),
    /// The server refused these documents (out of scope, or a change that breaks them); `true`
    /// for out of scope (403).
    Documents(Vec<Uuid>, String, bool),
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "no connection".into()
    } else {
        "connection interrupted".into()
    }
}

async fn error_message(resp: reqwest::Response, status: u16) -> String {
    resp.json::<ErrorBody>().await.map(|b| b.message).unwrap_or_else(|_| format!("HTTP {status}"))
}

/// The background sync's view for the UI.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BackgroundState {
    pub status: SyncStatus,
    pub syncing: bool,
    /// The last attempt could not reach the server.
    pub offline: bool,
    /// Counts the loop's state changes, so a reader holding a newer state can tell an older one
    /// (a command's answer overtaken by an event) and keep the newer.
    pub seq: u64,
}

/// Handle to the background sync loop.
#[derive(Debug, Clone)]
pub struct BackgroundSync {
    wake: Arc<Notify>,
    state: watch::Receiver<BackgroundState>,
}

impl BackgroundSync {
    /// Asks for a sync now ("sync now", or right after an edit).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Watches the sync state.
    pub fn subscribe(&self) -> watch::Receiver<BackgroundState> {
        self.state.clone()
    }
}

/// Retry delays: exponential from `base` up to `max`, with full jitter so that a compound's
/// phones returning to Wi-Fi together do not all knock at once.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
    /// How often to sync when nothing is waiting, to pull others' changes.
    pub idle: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { base: Duration::from_secs(2), max: Duration::from_secs(300), idle: Duration::from_secs(120) }
    }
}

impl Backoff {
    /// The delay before attempt `failures + 1`.
    pub fn delay(&self, failures: u32) -> Duration {
        let exp = self.base.saturating_mul(1u32 << failures.min(16)).min(self.max);
        let jitter = rand_fraction();
        exp.mul_f64(0.5 + 0.5 * jitter)
    }
}

impl Backoff {
    /// How long the background loop waits after a sync: `idle` after a success, the backoff
    /// after `failures` in a row, and after a busy server's `Retry-After` (`busy`, seconds)
    /// never sooner than it says and up to a second and a tenth later: the server gives each
    /// phone it turns away a time of its own, in whole seconds, and the jitter spreads the
    /// phones told the same second over it (and over a tenth more, for a server that tells all
    /// the same).
    pub fn next(&self, failures: u32, busy: Option<u64>) -> Duration {
        match busy {
            Some(seconds) => (Duration::from_secs(seconds)
                + Duration::from_secs_f64((1.0 + 0.1 * seconds as f64) * rand_fraction()))
            .max(self.delay(failures.saturating_sub(1))),
            None if failures == 0 => self.idle,
            None => self.delay(failures - 1),
        }
    }
}

fn rand_fraction() -> f64 {
    // Uuid v4 is backed by the OS's random source; one draw is plenty for jitter.
    (Uuid::new_v4().as_u128() >> 75) as f64 / (1u64 << 53) as f64
}

/// Starts the loop that syncs by itself: at once, after every wake, every `idle` interval, and
/// after failures with backoff and jitter. Runs until the runtime shuts down.
pub fn spawn_background(store: SharedStore, client: SyncClient, backoff: Backoff) -> BackgroundSync {
    let wake = Arc::new(Notify::new());
    let (tx, rx) = watch::channel(BackgroundState::default());
    let w = wake.clone();
    tokio::spawn(async move {
        let mut failures = 0u32;
        loop {
            let enrolled = with_store(&store, |s| s.identity()).await.ok().flatten().is_some();
            let mut offline = false;
            let mut busy = None;
            if enrolled {
                tx.send_modify(|s| {
                    s.syncing = true;
                    s.seq += 1;
                });
                match client.sync(&store).await {
                    Ok(_) => failures = 0,
                    Err(e) => {
                        offline = matches!(e, SyncError::Offline(_));
                        if let SyncError::Busy { retry_after, .. } = &e {
                            busy = Some(*retry_after);
                        }
                        failures = failures.saturating_add(1);
                        tracing::info!(code = e.code(), "sync failed");
                    }
                }
            }
            let status = with_store(&store, |s| s.sync_status()).await.unwrap_or_default();
            let seq = tx.borrow().seq + 1;
            tx.send_replace(BackgroundState { status, syncing: false, offline, seq });
            let delay = backoff.next(failures, busy);
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = w.notified() => {}
            }
        }
    });
    BackgroundSync { wake, state: rx }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_a_busy_answer_the_loop_waits_at_least_what_the_server_said_and_spreads_the_rest() {
        let b = Backoff { base: Duration::from_secs(2), max: Duration::from_secs(300), idle: Duration::from_secs(60) };
        let waits: Vec<Duration> = (0..200).map(|_| b.next(1, Some(20))).collect();
        assert!(waits.iter().all(|w| *w >= Duration::from_secs(20) && *w <= Duration::from_secs(23)), "{waits:?}");
        let spread = waits.iter().max().unwrap().saturating_sub(*waits.iter().min().unwrap());
        assert!(spread > Duration::from_secs(2), "jittered, not all at once: {spread:?}");
        // A longer backoff already earned is kept.
        assert!(b.next(8, Some(1)) >= Duration::from_secs(128));
        assert_eq!(b.next(0, None), Duration::from_secs(60));
    }
}
