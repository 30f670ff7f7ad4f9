//! Live updates for an open console: `GET /v1/events`, server-sent events.
//!
//! Why SSE fed by one poller: a console only needs to know *that* something in its place
//! changed, then it reloads the screen it shows through the ordinary, role-aware reads — so the
//! events carry no record at all, only the change log's new position. One task per server node
//! reads the change log's end once a second (`max_seq`, an index lookup) and, when it moved,
//! which compounds and document kinds changed; every open console filters that by its own
//! place. The change log is what every node shares, so this works unchanged when several nodes
//! serve one database, and it costs one small query a second however many consoles are open. A
//! visit a phone syncs shows in an open console within about 2 s (poll, plus the console's
//! half-second debounce, plus its reload).

use std::convert::Infallible;
use std::sync::atomic::AtomicBool;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast;

use super::*;

/// How often the poller reads the change log's end.
const POLL: Duration = Duration::from_secs(1);
/// How often an open stream checks that its session still lives (signed out, expired, password
/// changed: the stream ends).
const SESSION_CHECK: Duration = Duration::from_secs(10);
/// Streams open at once, across all users.
pub const MAX_STREAMS: usize = 1024;
/// More changes than this between two polls are announced as "everything changed".
const MOST_LISTED: usize = 20_000;

/// What changed between two polls.
#[derive(Debug, Clone)]
struct Changed {
    cursor: i64,
    /// (compound, kind) of the changed documents; `None` when too many to list.
    places: Option<Arc<Vec<(Uuid, DocKind)>>>,
}

/// The server's one change poller and the consoles listening to it.
pub struct Live {
    tx: broadcast::Sender<Changed>,
    running: AtomicBool,
    streams: Arc<Semaphore>,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            tx: broadcast::channel(256).0,
            running: AtomicBool::new(false),
            streams: Arc::new(Semaphore::new(MAX_STREAMS)),
        }
    }
}

impl Live {
    /// Starts the poller unless it runs; it stops by itself when nobody listens.
    fn ensure_polling(self: &Arc<Self>, service: Arc<Service>) {
        if self.running.swap(true, Ordering::AcqRel) {
            return;
        }
        let live = self.clone();
        tokio::spawn(async move {
            let mut last = None;
            loop {
                if live.tx.receiver_count() == 0 {
                    live.running.store(false, Ordering::Release);
                    // Someone may have subscribed since the count: go on for them unless they
                    // started a poller of their own.
                    if live.tx.receiver_count() == 0 || live.running.swap(true, Ordering::AcqRel) {
                        return;
                    }
                }
                let s = service.clone();
                let before = last;
                let polled = tokio::task::spawn_blocking(move || -> Result<Changed, StorageError> {
                    let now = s.storage().max_seq()?;
                    match before {
                        Some(b) if now > b => {
                            let places = s.storage().changed_between(b, now, MOST_LISTED)?.map(Arc::new);
                            Ok(Changed { cursor: now, places })
                        }
                        // A database restored to an earlier copy: everything may have changed.
                        Some(b) if now < b => Ok(Changed { cursor: now, places: None }),
                        _ => Ok(Changed { cursor: now, places: Some(Arc::new(Vec::new())) }),
                    }
                })
                .await;
                match polled {
                    Ok(Ok(c)) => {
                        let news = last.is_some_and(|l| l != c.cursor);
                        last = Some(c.cursor);
                        if news {
                            let _ = live.tx.send(c);
                        }
                    }
                    Ok(Err(e)) => tracing::warn!(error = %e, "live updates: the change log could not be read"),
                    Err(e) => tracing::warn!(error = %e, "live updates: the poll failed"),
                }
                tokio::time::sleep(POLL).await;
            }
        });
    }
}

/// Whether a change concerns a console of `compounds` (`None`: everywhere) that reads
/// households or, for a property company, issues and joint meetings only (it follows the
/// decisions that are its own).
fn concerns(c: &Changed, compounds: Option<&[Uuid]>, issues_only: bool) -> bool {
    let Some(places) = &c.places else { return true };
    places.iter().any(|(compound, kind)| {
        compounds.is_none_or(|cs| cs.contains(compound))
            && (!issues_only || matches!(kind, DocKind::Issue | DocKind::Meeting))
    })
}

#[utoipa::path(
    get, path = "/v1/events", tag = "reads",
    summary = "Live updates for an open console (server-sent events)",
    description = "A `text/event-stream` that sends `event: change` with `data: {\"cursor\": \"<n>\"}` within \
about a second of a change to a document of the caller's place (for a property company: an issue or a joint \
meeting), and a comment every 15 s to keep the connection open. It carries no record: the console reloads what it shows \
through the ordinary reads. The stream ends when the session does (sign-out, expiry, password change); \
`EventSource` reconnects by itself.",
    responses(
        (status = 200, description = "The event stream.", body = String, content_type = "text/event-stream"),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token; `forbidden_document`: the account has no place.",
            body = openapi::ErrorDoc),
        (status = 503, description = "`busy`: too many consoles are open; retry later.", body = openapi::ErrorDoc),
    ),
    security(("session_token" = []))
)]
pub(super) async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let u = user(&state, &headers).await?;
    let token_hash = credential(&headers).map(|t| auth::secret_hash(&t)).ok_or_else(ApiError::unauthorized)?;
    let slot = state
        .live
        .streams
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::busy("too many consoles are following live updates; reload later"))?;
    let issues_only = !Service::reads_households(&u);
    let compounds = blocking(&state, {
        let u = u.clone();
        move |s| Ok(s.reach(&u, None)?)
    })
    .await?;
    let rx = state.live.tx.subscribe();
    state.live.ensure_polling(state.service.clone());

    struct Listening {
        rx: broadcast::Receiver<Changed>,
        check: tokio::time::Interval,
        service: Arc<Service>,
        token_hash: String,
        compounds: Option<Vec<Uuid>>,
        issues_only: bool,
        _slot: tokio::sync::OwnedSemaphorePermit,
    }
    let mut check = tokio::time::interval(SESSION_CHECK);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let first = Event::default().event("ready").data("{}");
    let listening =
        Listening { rx, check, service: state.service.clone(), token_hash, compounds, issues_only, _slot: slot };
    let changes = stream::unfold(listening, |mut l| async move {
        loop {
            tokio::select! {
                got = l.rx.recv() => {
                    let cursor = match got {
                        Ok(c) if concerns(&c, l.compounds.as_deref(), l.issues_only) => c.cursor,
                        Ok(_) => continue,
                        // Missed some: say something changed, the console reloads anyway.
                        Err(broadcast::error::RecvError::Lagged(_)) => 0,
                        Err(broadcast::error::RecvError::Closed) => return None,
                    };
                    let event = Event::default().event("change").data(format!("{{\"cursor\":\"{cursor}\"}}"));
                    return Some((Ok(event), l));
                }
                _ = l.check.tick() => {
                    let s = l.service.clone();
                    let hash = l.token_hash.clone();
                    let alive = tokio::task::spawn_blocking(move || s.storage().principal_for_token(&hash, now_millis()))
                        .await
                        .ok()
                        .and_then(Result::ok)
                        .flatten()
                        .is_some();
                    if !alive {
                        return None;
                    }
                }
            }
        }
    });
    let stream = stream::once(async move { Ok(first) }).chain(changes);
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
