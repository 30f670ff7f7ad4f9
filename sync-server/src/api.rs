//! HTTP: thin handlers over [`Service`]. One error type renders every failure as
//! `{code, message}` JSON with the right status; internal errors are logged and answered with
//! a plain message. No personal field (names, phones, notes) is ever logged, nor any password,
//! code or token.
//!
//! What a request may cost before it is known who sends it is bounded here:
//! - **Bodies are read after authentication**, each within its limit and the body time-out:
//!   sign-in and enrolment [`SMALL_BODY_BYTES`], other JSON [`JSON_BODY_BYTES`], `/v1/sync`
//!   `Config::max_body_bytes`. A body over its limit is `413 payload_too_large`, refused from
//!   its `Content-Length` before a byte of it is read.
//! - **Password checks have their own lane** (`Config::hash_concurrency` at once, at most
//!   `Config::hash_queue` waiting, then `503` with `Retry-After`), so a sign-in flood never
//!   takes the work slots of sync; `/healthz` takes no work slot either.
//! - **Sign-in and enrolment attempts are limited** per client address and per account
//!   ([`crate::throttle`]): `429 too_many_attempts` with `Retry-After`.
//! - **Supervisors' edits answer alike** for a record that does not exist, is of another kind,
//!   or is outside the caller's place (for a property company, an issue outside its duty):
//!   `404 not_found`, "no such … in your place", so the answers tell nothing about other
//!   compounds.
//! - **Request bodies take exactly their fields**: an unknown or missing key is a `400`.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter};
use axum::{Extension, Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use steward_core::doc::{self, DocKind, NewMustVisit, Projection};
use steward_core::model::{IssueRoute, IssueStatus, MustVisitTrigger, PartyRole, TimelyKind};
use steward_core::protocol::{self, Enrolment, ErrorBody, SyncRequest, CONTENT_TYPE};
use steward_core::time::{now_millis, DeadlinePolicy, Millis, Month};
use tokio::sync::Semaphore;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::admin::BadRow;
use crate::auth;
use crate::reports;
use crate::service::{DeviceCtx, Service, ServiceError};
use crate::storage::{DocMeta, Principal, Role, Scope, StorageError, User};
use crate::throttle::{self, Refused, Throttle};
use crate::Config;

mod admin;
mod audit;
mod campaigns;
mod console;
mod device;
mod edits;
mod evaluation;
mod exports;
mod figures;
mod households;
mod live;
mod meetings;
mod openapi;
mod pairing;
mod reads;
mod referrals;
mod scoring;
mod selection;
mod session;
mod stewards;
mod teams;

use admin::{create_place, create_steward, create_user, import_households, users};
use audit::{access_log, household};
use campaigns::{campaigns_list, close_campaign, report_campaign, start_campaign, temporary_steward};
use device::{enrol, sync};
use edits::*;
use evaluation::{report_evaluation, set_evaluation};
use exports::*;
use figures::report_figures;
use households::households;
use live::{events, Live};
use meetings::{decision_follow_up, meeting, report_decisions, report_meetings};
pub use openapi::{document as openapi_document, ApiDoc};
use pairing::report_pairing;
use reads::{compound, issue, plan, pull, stewards};
use referrals::pass_on;
use scoring::{publish_rules, report_scores, rules as scoring_rules};
use session::{change_password, login, logout, me};
use stewards::{devices, enrolment_code, places, revoke_device};
use teams::{add_member, create_team, record_activity, report_teams};

/// Largest body of `/v1/login` and `/v1/enrol`, which anyone may call.
pub const SMALL_BODY_BYTES: usize = 4 * 1024;
/// Largest body of the other JSON endpoints (a plan of a few hundred households fits).
pub const JSON_BODY_BYTES: usize = 64 * 1024;

/// Shared state of the HTTP app.
#[derive(Clone)]
pub struct AppState {
    pub service: Arc<Service>,
    /// Bounds the CPU-heavy work running at once, so a burst of phones queues instead of
    /// thrashing a small machine.
    pub work: Arc<Semaphore>,
    /// The password checks' own lane.
    pub hash: Arc<HashLane>,
    /// The syncs admitted, to shed a burst before reading bodies no one will wait for.
    pub sync_queue: Arc<crate::shed::SyncQueue>,
    /// The consoles following live updates, and the one change poller.
    live: Arc<Live>,
    /// When this node last wrote each device's last sync time (see `device::note_sync`).
    synced: Arc<std::sync::Mutex<std::collections::HashMap<Uuid, Instant>>>,
    /// Attempt limits on sign-in and enrolment.
    pub throttle: Arc<Throttle>,
    /// `/healthz` probes the database one at a time, apart from the work.
    probe: Arc<Semaphore>,
    /// Sync bodies held at once, in KiB: bodies are read before their request gets a work slot,
    /// so without this a few tokens could make the server hold thousands of 16 MiB bodies.
    bodies: Arc<Semaphore>,
    max_body: usize,
    body_timeout: Duration,
}

/// How many KiB of sync bodies the server holds at once (a month's sync is about 30 KiB, so a
/// burst of thousands of phones fits; a 16 MiB body takes 1/16 of it).
pub const SYNC_BODIES_IN_FLIGHT_KIB: usize = 256 * 1024;

impl AppState {
    pub fn new(service: Service, config: &Config) -> AppState {
        AppState {
            service: Arc::new(service),
            work: Arc::new(Semaphore::new(config.max_concurrent_work.max(1))),
            hash: Arc::new(HashLane::new(config.hash_concurrency, config.hash_queue)),
            sync_queue: crate::shed::SyncQueue::new(config.max_concurrent_work.max(1), config.sync_queue_budget),
            live: Arc::new(Live::default()),
            synced: Arc::default(),
            throttle: Throttle::new(config.throttle.clone()),
            probe: Arc::new(Semaphore::new(1)),
            bodies: Arc::new(Semaphore::new(SYNC_BODIES_IN_FLIGHT_KIB)),
            max_body: config.max_body_bytes,
            body_timeout: config.body_read_timeout,
        }
    }
}

/// Password checks (argon2: tens of milliseconds of CPU and 19 MiB each) run here, not on the
/// work slots: `permits` at once, and at most `queue` more waiting.
pub struct HashLane {
    /// The checks running at once.
    pub permits: Arc<Semaphore>,
    admitted: AtomicUsize,
    max_admitted: usize,
}

impl HashLane {
    pub fn new(concurrency: usize, queue: usize) -> HashLane {
        let concurrency = concurrency.max(1);
        HashLane {
            permits: Arc::new(Semaphore::new(concurrency)),
            admitted: AtomicUsize::new(0),
            max_admitted: concurrency + queue,
        }
    }

    fn admit(self: &Arc<Self>) -> Option<Admitted> {
        let n = self.admitted.fetch_add(1, Ordering::AcqRel);
        let admitted = Admitted(self.clone());
        (n < self.max_admitted).then_some(admitted)
    }
}

struct Admitted(Arc<HashLane>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Declares the routes once: [`ROUTES`] lists them and `app()` registers exactly them, so the
/// test that compares the served OpenAPI document with the routes (`tests/tests/openapi.rs`)
/// compares it with what the router serves.
macro_rules! routes {
    ($($method:ident $path:literal => $handler:expr,)+) => {
        /// Every route the router serves, as (method, path template), in the order registered.
        /// Each is described in the OpenAPI document at `GET /v1/openapi.json` ([`ApiDoc`]).
        pub const ROUTES: &[(Method, &str)] = &[$((Method::$method, $path),)+];

        fn routed() -> Router<AppState> {
            Router::new()$(.route($path, on(MethodFilter::$method, $handler)))+
        }
    };
}

routes! {
    GET "/healthz" => healthz,
    GET "/v1/openapi.json" => openapi::serve,
    POST "/v1/enrol" => enrol,
    POST "/v1/login" => login,
    POST "/v1/logout" => logout,
    POST "/v1/me/password" => change_password,
    POST "/v1/sync" => sync,
    GET "/v1/me" => me,
    GET "/v1/places" => places,
    GET "/v1/stewards" => stewards,
    GET "/v1/devices" => devices,
    GET "/v1/pull" => pull,
    GET "/v1/events" => events,
    GET "/v1/households" => households,
    GET "/v1/households/{id}" => household,
    GET "/v1/issues/{id}" => issue,
    GET "/v1/plans/{steward_id}/{month}" => plan,
    GET "/v1/compounds/{id}" => compound,
    GET "/v1/access-log" => access_log,
    GET "/v1/reports/visits" => report_visits,
    GET "/v1/reports/visit-trend" => report_visit_trend,
    GET "/v1/reports/visit-ledger" => report_ledger,
    GET "/v1/reports/must-visits" => report_must_visits,
    GET "/v1/reports/timely" => report_timely,
    GET "/v1/reports/issues" => report_issues,
    GET "/v1/reports/three-clears" => report_three_clears,
    GET "/v1/reports/meetings" => report_meetings,
    GET "/v1/reports/pairing" => report_pairing,
    GET "/v1/reports/figures" => report_figures,
    GET "/v1/reports/scores" => report_scores,
    GET "/v1/scoring-rules" => scoring_rules,
    PUT "/v1/scoring-rules" => publish_rules,
    GET "/v1/reports/decisions" => report_decisions,
    GET "/v1/reports/campaign" => report_campaign,
    GET "/v1/reports/evaluation" => report_evaluation,
    GET "/v1/reports/teams" => report_teams,
    POST "/v1/teams" => create_team,
    POST "/v1/teams/{id}/members" => add_member,
    POST "/v1/teams/{id}/activities" => record_activity,
    PUT "/v1/evaluations/{steward_id}/{half}" => set_evaluation,
    GET "/v1/campaigns" => campaigns_list,
    POST "/v1/campaigns" => start_campaign,
    POST "/v1/campaigns/{id}/temporary-stewards" => temporary_steward,
    POST "/v1/campaigns/{id}/close" => close_campaign,
    GET "/v1/selection/summary" => selection::summary,
    GET "/v1/selection/applications" => selection::applications,
    POST "/v1/selection/applications" => selection::create_application,
    GET "/v1/selection/applications/{id}" => selection::application,
    POST "/v1/selection/applications/{id}/steps" => selection::take_step,
    GET "/v1/selection/notice" => selection::notice,
    GET "/v1/meetings/{id}" => meeting,
    POST "/v1/meetings/{id}/decisions/{decision_id}/follow-ups" => decision_follow_up,
    POST "/v1/issues" => pass_on,
    POST "/v1/issues/{id}/status" => issue_status,
    POST "/v1/issues/{id}/comments" => issue_comment,
    POST "/v1/households/{id}/must-visits" => raise_must_visit,
    POST "/v1/households/{id}/assign" => assign_household,
    POST "/v1/compounds/{id}/holiday-must-visits" => holiday_must_visits,
    PUT "/v1/compounds/{id}/deadlines" => set_deadlines,
    PUT "/v1/plans/{steward_id}/{month}" => set_plan,
    POST "/v1/devices/{id}/revoke" => revoke_device,
    POST "/v1/stewards/{id}/enrolment-codes" => enrolment_code,
    POST "/v1/places" => create_place,
    POST "/v1/stewards" => create_steward,
    GET "/v1/users" => users,
    POST "/v1/users" => create_user,
    POST "/v1/compounds/{id}/households/import" => import_households,
}

/// Builds the router from [`ROUTES`]. Tests call this directly; `serve` binds it to a port.
pub fn app(state: AppState) -> Router {
    routed()
        // Everything else: the console's files (GET), or a 404.
        .fallback(console::serve)
        // Every body is read by `read_body` with its own limit; this only bounds an extractor
        // added later.
        .layer(DefaultBodyLimit::max(JSON_BODY_BYTES))
        .layer(middleware::from_fn(log_requests))
        .with_state(state)
}

/// Logs method, route template, status and latency: never paths with ids or bodies.
async fn log_requests(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route =
        req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let resp = next.run(req).await;
    tracing::info!(%method, route, status = resp.status().as_u16(), ms = start.elapsed().as_millis() as u64, "request");
    resp
}

// -- errors -------------------------------------------------------------------------------------

/// Every failure an HTTP caller can see.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    docs: Vec<Uuid>,
    /// Seconds for `Retry-After`.
    retry_after: Option<u64>,
    /// The request field that is wrong, for a form to point at.
    field: Option<String>,
    /// The rows of an uploaded file that are wrong (an import), each named.
    rows: Vec<BadRow>,
}

/// The JSON of an error answer: [`ErrorBody`] and, for forms and imports, what is at fault.
#[derive(Serialize)]
struct ErrorAnswer {
    #[serde(flatten)]
    body: ErrorBody,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    rows: Vec<BadRow>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            docs: Vec::new(),
            retry_after: None,
            field: None,
            rows: Vec::new(),
        }
    }

    /// A `400 invalid_field`: the request's `field` is missing or wrong.
    fn field(field: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { field: Some(field.into()), ..ApiError::new(StatusCode::BAD_REQUEST, "invalid_field", message) }
    }

    fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or invalid token: sign in again, or enrol this device again",
        )
    }

    fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    fn too_large(limit: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body is larger than this endpoint takes ({limit} bytes)"),
        )
    }

    fn too_many(refused: Refused, what: &str) -> ApiError {
        let secs = refused.retry_after_secs();
        ApiError {
            retry_after: Some(secs),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                format!("{what}; wait {secs} s and try again"),
            )
        }
    }

    fn busy(message: &str) -> ApiError {
        ApiError::busy_for(message, 1)
    }

    fn busy_for(message: &str, seconds: u64) -> ApiError {
        ApiError { retry_after: Some(seconds), ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", message) }
    }

    fn shutting_down() -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", "the server is shutting down")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { code: self.code.into(), message: self.message, docs: self.docs };
        let mut resp = (self.status, Json(ErrorAnswer { body, field: self.field, rows: self.rows })).into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::BadRequest(m) => ApiError::new(StatusCode::BAD_REQUEST, "bad_request", m),
            ServiceError::Forbidden { message, docs } => {
                ApiError { docs, ..ApiError::new(StatusCode::FORBIDDEN, "forbidden_document", message) }
            }
            ServiceError::Unprocessable { message, docs } => {
                ApiError { docs, ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_document", message) }
            }
            ServiceError::NotFound(m) => ApiError::new(StatusCode::NOT_FOUND, "not_found", m),
            ServiceError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            ServiceError::Internal(m) => {
                tracing::error!(error = %m, "internal error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server had a problem; it has been logged",
                )
            }
        }
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        ServiceError::from(e).into()
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// Runs blocking work on the blocking pool, bounded by the work semaphore.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Service) -> Result<T, ApiError> + Send + 'static,
) -> ApiResult<T> {
    let _permit = state.work.clone().acquire_owned().await.map_err(|_| ApiError::shutting_down())?;
    let service = state.service.clone();
    tokio::task::spawn_blocking(move || f(&service))
        .await
        .map_err(|e| ServiceError::Internal(format!("task failed: {e}")))?
}

/// Runs a password check (and what goes with it) in the hashing lane, never on the work slots.
/// When the lane's queue is full the answer is `503` with `Retry-After` at once.
async fn hashing<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Service) -> Result<T, ApiError> + Send + 'static,
) -> ApiResult<T> {
    let Some(_admitted) = state.hash.admit() else {
        return Err(ApiError::busy("the server is busy checking other sign-ins; try again in a moment"));
    };
    let _permit = state.hash.permits.clone().acquire_owned().await.map_err(|_| ApiError::shutting_down())?;
    let service = state.service.clone();
    tokio::task::spawn_blocking(move || f(&service))
        .await
        .map_err(|e| ServiceError::Internal(format!("task failed: {e}")))?
}

// -- bodies ---------------------------------------------------------------------------------------

/// Reads a body within `limit` bytes and the body time-out: `413` from the declared length
/// before anything is read, or as soon as the bytes pass the limit; `408` when it is too slow.
async fn read_body(state: &AppState, headers: &HeaderMap, body: Body, limit: usize) -> ApiResult<Bytes> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
    if let Some(n) = declared.filter(|n| *n > limit as u64) {
        // A body a little over its limit is read and dropped first (a few seconds at most):
        // closing on a client still sending makes its TCP stack reset the connection, and the
        // client would see that instead of the 413. A large one is refused at once.
        if n <= limit as u64 + DRAIN_BYTES {
            let _ = tokio::time::timeout(Duration::from_secs(5), drain(body, n)).await;
        }
        return Err(ApiError::too_large(limit));
    }
    match tokio::time::timeout(state.body_timeout, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) if is_length_limit(&e) => Err(ApiError::too_large(limit)),
        Ok(Err(e)) => Err(ApiError::bad_request(format!("the request body could not be read: {e}"))),
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            format!("the request body did not arrive within {} s; send it again", state.body_timeout.as_secs_f32()),
        )),
    }
}

/// How far over its limit a declared body may be and still be read and dropped before the 413.
const DRAIN_BYTES: u64 = 1024 * 1024;

/// Reads and drops up to `n` bytes of a body, holding one frame at a time.
async fn drain(body: Body, n: u64) {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut seen = 0u64;
    while seen <= n {
        match body.frame().await {
            Some(Ok(frame)) => seen += frame.data_ref().map_or(0, |d| d.len() as u64),
            _ => return,
        }
    }
}

fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// Reads a JSON body of exactly the fields `T` takes. `example` shows what to send.
async fn read_json<T: DeserializeOwned>(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    limit: usize,
    example: &str,
) -> ApiResult<T> {
    let json = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| {
        let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
    });
    if !json {
        return Err(ApiError::bad_request(format!("send {example} as JSON, with Content-Type: application/json")));
    }
    let bytes = read_body(state, headers, body, limit).await?;
    Json::<T>::from_bytes(&bytes).map(|Json(b)| b).map_err(|e| {
        let text = e.body_text();
        ApiError {
            field: field_named(&text),
            ..ApiError::bad_request(format!("the request body is not what this endpoint takes ({example}): {text}"))
        }
    })
}

/// The body key a JSON error is about, for a form to point at: the path axum puts before the
/// error (`trigger: unknown variant …`), or the key serde names (missing, unknown, duplicate).
fn field_named(text: &str) -> Option<String> {
    let detail = text.split_once("target type: ").map_or(text, |(_, d)| d);
    for marker in ["missing field `", "unknown field `", "duplicate field `"] {
        if let Some(rest) = detail.split_once(marker).map(|(_, r)| r) {
            return rest.split('`').next().map(str::to_string);
        }
    }
    let (path, _) = detail.split_once(": ")?;
    let plain = !path.is_empty() && path.chars().all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c));
    (plain && path != ".").then(|| path.to_string())
}

/// A query string read into `T`; one that does not read (a repeated or malformed parameter) is a
/// `400` in the API's own shape, like every other refusal.
struct ApiQuery<T>(T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(q)) => Ok(ApiQuery(q)),
            Err(e) => Err(ApiError::bad_request(format!(
                "the query string is not what this endpoint takes: {}",
                e.body_text()
            ))),
        }
    }
}

/// Parses an id in a path: `what` names the record in the 400.
fn path_id(what: &str, id: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| ApiError::bad_request(format!("{what} id {id:?} is not a uuid")))
}

// -- auth -----------------------------------------------------------------------------------------

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let t = v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer "))?.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The name of the console's session cookie (`POST /v1/login` with `cookie: true`).
const SESSION_COOKIE: &str = "rs_session";

/// The request's credential: a bearer token, else the console's session cookie.
fn credential(headers: &HeaderMap) -> Option<String> {
    bearer(headers).or_else(|| {
        headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(
            |pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == SESSION_COOKIE && !value.is_empty()).then(|| value.to_string())
            },
        )
    })
}

async fn principal(state: &AppState, headers: &HeaderMap) -> ApiResult<Principal> {
    let token = credential(headers).ok_or_else(ApiError::unauthorized)?;
    let hash = auth::secret_hash(&token);
    blocking(state, move |s| s.storage().principal_for_token(&hash, now_millis()).map_err(ApiError::from))
        .await?
        .ok_or_else(ApiError::unauthorized)
}

async fn user(state: &AppState, headers: &HeaderMap) -> ApiResult<User> {
    match principal(state, headers).await? {
        Principal::User(u) => Ok(u),
        Principal::Device { .. } => Err(ApiError::forbidden("this needs a supervisor account, not a steward's device")),
    }
}

/// A signed-in supervisor or admin: property companies act on issues only. Refused by role
/// alone, before any record is looked up.
async fn supervisor(state: &AppState, headers: &HeaderMap) -> ApiResult<User> {
    let u = user(state, headers).await?;
    if u.role == Role::Property {
        return Err(ApiError::forbidden("a property company may only update and comment on issues within its duty"));
    }
    Ok(u)
}

/// The client's address for the attempt limits; `None` when the router is called without a
/// socket (one shared bucket then).
type Client = Option<Extension<ConnectInfo<SocketAddr>>>;

fn client_key(client: &Client) -> throttle::AddressKey {
    throttle::address_key(client.as_ref().map(|Extension(ConnectInfo(a))| a.ip()))
}

// -- health ---------------------------------------------------------------------------------------

/// Answers from the database, one probe at a time, without a work slot: a server busy with
/// sync still says it is alive.
#[utoipa::path(
    get, path = "/healthz", tag = "health",
    summary = "Whether the server is up and its database answers",
    description = "Takes no work slot, so a server busy with sync still answers. No authentication.",
    responses(
        (status = 200, description = "`ok`: the database answered.", body = String, content_type = "text/plain",
            example = "ok"),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    )
)]
async fn healthz(State(state): State<AppState>) -> ApiResult<&'static str> {
    let _probe = state.probe.clone().acquire_owned().await.map_err(|_| ApiError::shutting_down())?;
    let service = state.service.clone();
    tokio::task::spawn_blocking(move || service.storage().max_seq())
        .await
        .map_err(|e| ServiceError::Internal(format!("task failed: {e}")))??;
    Ok("ok")
}
