//! HTTP: thin handlers over [`Service`]. One error type renders every failure as
//! `{code, message}` JSON with the right status; internal errors are logged and answered with
//! a plain message. No personal field (names, phones, notes) is ever logged.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use steward_core::doc::{self, DocKind, NewMustVisit, Projection};
use steward_core::model::{IssueStatus, MustVisitTrigger, PartyRole, TimelyKind};
use steward_core::protocol::{self, Enrolment, ErrorBody, SyncRequest, CONTENT_TYPE};
use steward_core::time::{now_millis, DeadlinePolicy, Millis, Month};
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::auth;
use crate::reports::{self, fmt_time, to_csv, Ledger};
use crate::service::{DeviceCtx, Service, ServiceError};
use crate::storage::{DocMeta, Principal, Role, Scope, StorageError, User};

/// Shared state of the HTTP app.
#[derive(Clone)]
pub struct AppState {
    pub service: Arc<Service>,
    /// Bounds the CPU-heavy work running at once, so a burst of phones queues instead of
    /// thrashing a small machine.
    pub work: Arc<Semaphore>,
}

impl AppState {
    pub fn new(service: Service, max_concurrent_work: usize) -> AppState {
        AppState { service: Arc::new(service), work: Arc::new(Semaphore::new(max_concurrent_work.max(1))) }
    }
}

/// Builds the router. Tests call this directly; `serve` binds it to a port.
pub fn app(state: AppState, max_body: usize) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/v1/enrol", post(enrol))
        .route("/v1/login", post(login))
        .route("/v1/sync", post(sync))
        .route("/v1/me", get(me))
        .route("/v1/stewards", get(stewards))
        .route("/v1/pull", get(pull))
        .route("/v1/reports/visits", get(report_visits))
        .route("/v1/reports/visit-ledger", get(report_ledger))
        .route("/v1/reports/must-visits", get(report_must_visits))
        .route("/v1/reports/timely", get(report_timely))
        .route("/v1/reports/issues", get(report_issues))
        .route("/v1/reports/three-clears", get(report_three_clears))
        .route("/v1/issues/{id}/status", post(issue_status))
        .route("/v1/issues/{id}/comments", post(issue_comment))
        .route("/v1/households/{id}/must-visits", post(raise_must_visit))
        .route("/v1/households/{id}/assign", post(assign_household))
        .route("/v1/compounds/{id}/holiday-must-visits", post(holiday_must_visits))
        .route("/v1/compounds/{id}/deadlines", put(set_deadlines))
        .route("/v1/plans/{steward_id}/{month}", put(set_plan))
        .layer(DefaultBodyLimit::max(max_body))
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
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), docs: Vec::new() }
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
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { code: self.code.into(), message: self.message, docs: self.docs };
        (self.status, Json(body)).into_response()
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::BadRequest(m) => ApiError::new(StatusCode::BAD_REQUEST, "bad_request", m),
            ServiceError::Forbidden { message, docs } => {
                ApiError { status: StatusCode::FORBIDDEN, code: "forbidden_document", message, docs }
            }
            ServiceError::Unprocessable { message, docs } => {
                ApiError { status: StatusCode::UNPROCESSABLE_ENTITY, code: "invalid_document", message, docs }
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
    let _permit =
        state.work.clone().acquire_owned().await.map_err(|_| {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", "the server is shutting down")
        })?;
    let service = state.service.clone();
    tokio::task::spawn_blocking(move || f(&service))
        .await
        .map_err(|e| ServiceError::Internal(format!("task failed: {e}")))?
}

// -- auth -----------------------------------------------------------------------------------------

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let t = v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer "))?.trim();
    (!t.is_empty()).then(|| t.to_string())
}

async fn principal(state: &AppState, headers: &HeaderMap) -> ApiResult<Principal> {
    let token = bearer(headers).ok_or_else(ApiError::unauthorized)?;
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

/// Whether a user may steer documents of a compound (supervisors and admins; property
/// companies only their issues, checked where relevant).
fn user_may_reach(service: &Service, u: &User, compound_id: Uuid) -> Result<bool, ApiError> {
    match u.role {
        Role::Admin => Ok(true),
        _ => {
            let root = u.place_id.ok_or_else(|| ApiError::forbidden("this account has no place"))?;
            Ok(service.compounds_under(root)?.contains(&compound_id))
        }
    }
}

fn check_supervisor(service: &Service, u: &User, meta: &DocMeta) -> Result<(), ServiceError> {
    let reach = user_may_reach(service, u, meta.compound_id)
        .map_err(|e| ServiceError::Forbidden { message: e.message, docs: vec![] })?;
    if !reach || u.role == Role::Property {
        return Err(ServiceError::Forbidden { message: "this document is outside your place".into(), docs: vec![] });
    }
    Ok(())
}

// -- handlers ---------------------------------------------------------------------------------

async fn healthz(State(state): State<AppState>) -> ApiResult<&'static str> {
    blocking(&state, |s| s.storage().max_seq().map_err(ApiError::from)).await?;
    Ok("ok")
}

#[derive(Deserialize)]
struct EnrolBody {
    code: String,
    #[serde(default)]
    device_name: String,
}

async fn enrol(State(state): State<AppState>, body: Option<Json<EnrolBody>>) -> ApiResult<Json<Enrolment>> {
    let Some(Json(body)) = body else {
        return Err(ApiError::bad_request("send {\"code\": \"...\", \"device_name\": \"...\"} as JSON"));
    };
    let code_hash = auth::secret_hash(&auth::normalise_code(&body.code));
    let token = auth::new_token();
    let token_hash = auth::secret_hash(&token);
    let name = body.device_name;
    let answer = blocking(&state, move |s| {
        let redeemed = s.storage().redeem_enrolment(&code_hash, &name, &token_hash, now_millis())?;
        let Some((device_id, steward)) = redeemed else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "bad_enrolment_code",
                "the enrolment code is wrong, used or expired: ask your supervisor for a new one",
            ));
        };
        let compound = s.storage().place(steward.compound_id)?.map(|p| p.name).unwrap_or_default();
        tracing::info!(device = %device_id, steward = %steward.id, "device enrolled");
        Ok(Enrolment {
            device_token: token,
            device_id,
            steward_id: steward.id,
            steward_name: steward.name,
            compound_id: steward.compound_id,
            compound_name: compound,
            time_zone: Some(s.zone().name().to_string()),
        })
    })
    .await?;
    Ok(Json(answer))
}

#[derive(Deserialize)]
struct LoginBody {
    username: String,
    password: String,
}

#[derive(Serialize)]
struct LoginAnswer {
    token: String,
    expires_at: Millis,
    user: User,
}

async fn login(State(state): State<AppState>, body: Option<Json<LoginBody>>) -> ApiResult<Json<LoginAnswer>> {
    let Some(Json(body)) = body else {
        return Err(ApiError::bad_request("send {\"username\": \"...\", \"password\": \"...\"} as JSON"));
    };
    let answer = blocking(&state, move |s| {
        let found = s.storage().user_by_name(&body.username)?;
        // An unknown user costs the same hashing as a wrong password, so timing does not tell
        // which usernames exist.
        let ok = match &found {
            Some((_, h)) => auth::verify_password(&body.password, h),
            None => {
                auth::verify_password(&body.password, auth::dummy_hash());
                false
            }
        };
        let Some((user, _)) = found.filter(|_| ok) else {
            return Err(ApiError::new(StatusCode::UNAUTHORIZED, "bad_login", "wrong username or password"));
        };
        let token = auth::new_token();
        let expires_at = now_millis() + 12 * 3_600_000;
        s.storage().create_session(user.id, &auth::secret_hash(&token), expires_at)?;
        Ok(LoginAnswer { token, expires_at, user })
    })
    .await?;
    Ok(Json(answer))
}

async fn sync(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let device = match principal(&state, &headers).await? {
        Principal::Device { device_id, steward_id, compound_id } => DeviceCtx { device_id, steward_id, compound_id },
        Principal::User(_) => {
            return Err(ApiError::forbidden("sync is for stewards' devices; supervisors use /v1/pull and the reports"))
        }
    };
    let req: SyncRequest =
        protocol::decode(&body).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "malformed_body", e.to_string()))?;
    let pushed = req.push.len();
    let resp = blocking(&state, move |s| Ok(s.sync(&device, req)?)).await?;
    tracing::info!(device = %device.device_id, pushed, pulled = resp.pull.len(), need_sync = resp.need_sync.len(), "sync");
    Ok(([(header::CONTENT_TYPE, CONTENT_TYPE)], protocol::encode(&resp)).into_response())
}

#[derive(Serialize)]
struct MeAnswer {
    principal: &'static str,
    user: Option<User>,
    steward_id: Option<Uuid>,
    compound_ids: Vec<Uuid>,
}

async fn me(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Json<MeAnswer>> {
    let p = principal(&state, &headers).await?;
    let answer = blocking(&state, move |s| {
        let scope = s.user_scope(&p)?;
        let compound_ids = match scope {
            Scope::Compounds(c) => c,
            Scope::Steward { compound_id, .. } => vec![compound_id],
            Scope::All => s
                .storage()
                .places()?
                .into_iter()
                .filter(|p| p.kind == crate::storage::PlaceKind::Compound)
                .map(|p| p.id)
                .collect(),
        };
        Ok(match p {
            Principal::Device { steward_id, .. } => {
                MeAnswer { principal: "device", user: None, steward_id: Some(steward_id), compound_ids }
            }
            Principal::User(u) => MeAnswer { principal: "user", user: Some(u), steward_id: None, compound_ids },
        })
    })
    .await?;
    Ok(Json(answer))
}

/// The compounds of a scope; `None` for everywhere.
fn scope_compounds(scope: &Scope) -> Option<Vec<Uuid>> {
    match scope {
        Scope::All => None,
        Scope::Compounds(c) => Some(c.clone()),
        Scope::Steward { compound_id, .. } => Some(vec![*compound_id]),
    }
}

async fn stewards(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Json<Vec<crate::storage::Steward>>> {
    let u = user(&state, &headers).await?;
    let list = blocking(&state, move |s| {
        let scope = s.user_scope(&Principal::User(u))?;
        let compounds = scope_compounds(&scope);
        Ok(s.storage().stewards(compounds.as_deref())?)
    })
    .await?;
    Ok(Json(list))
}

#[derive(Deserialize)]
struct PullQuery {
    #[serde(default)]
    since: Option<String>,
}

#[derive(Serialize)]
struct PullAnswer {
    /// Pass back as `since` to get only what changed after this answer.
    cursor: String,
    docs: Vec<serde_json::Value>,
}

async fn pull(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PullQuery>,
) -> ApiResult<Json<PullAnswer>> {
    let u = user(&state, &headers).await?;
    let since: i64 = match q.since.as_deref() {
        None | Some("") => 0,
        Some(s) => s
            .parse()
            .map_err(|_| ApiError::bad_request("since must be the cursor from an earlier pull (a whole number)"))?,
    };
    let answer = blocking(&state, move |s| {
        let scope = s.user_scope(&Principal::User(u))?;
        let cursor = s.storage().max_seq()?;
        let rows = s.storage().projections(&scope, None, since)?;
        let mut docs = Vec::with_capacity(rows.len());
        let mut max = since;
        for r in rows.into_iter().filter(|r| r.seq <= cursor) {
            max = max.max(r.seq);
            let mut v: serde_json::Value =
                serde_json::from_str(&r.json).map_err(|e| ServiceError::Internal(e.to_string()))?;
            v["seq"] = r.seq.into();
            docs.push(v);
        }
        Ok(PullAnswer { cursor: cursor.max(max).to_string(), docs })
    })
    .await?;
    Ok(Json(answer))
}

// -- reports ------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct ReportQuery {
    month: Option<String>,
    format: Option<String>,
}

impl ReportQuery {
    fn csv(&self) -> ApiResult<bool> {
        match self.format.as_deref() {
            None | Some("json") => Ok(false),
            Some("csv") => Ok(true),
            Some(f) => Err(ApiError::bad_request(format!("format {f:?} is not offered: use json or csv"))),
        }
    }

    fn month(&self, service: &Service) -> ApiResult<Month> {
        match self.month.as_deref() {
            None => Ok(service.zone().month_of(now_millis())),
            Some(m) => m.parse().map_err(|e: steward_core::Error| ApiError::bad_request(e.to_string())),
        }
    }
}

/// A report as both answers: JSON, and a table for CSV.
struct Report {
    name: String,
    json: serde_json::Value,
    headers: &'static [&'static str],
    cells: Vec<Vec<String>>,
}

impl Report {
    fn new<T: Serialize>(
        name: String,
        json: &T,
        headers: &'static [&'static str],
        cells: Vec<Vec<String>>,
    ) -> ApiResult<Report> {
        let json = serde_json::to_value(json).map_err(|e| ServiceError::Internal(e.to_string()))?;
        Ok(Report { name, json, headers, cells })
    }
}

/// What every report shares: a signed-in user, the ledger of their place, JSON or CSV.
async fn report(
    state: AppState,
    headers: HeaderMap,
    q: ReportQuery,
    build: fn(&Service, &ReportQuery, &Ledger) -> ApiResult<Report>,
) -> ApiResult<Response> {
    let u = user(&state, &headers).await?;
    let csv = q.csv()?;
    blocking(&state, move |s| {
        let r = build(s, &q, &ledger(s, u)?)?;
        if !csv {
            return Ok(Json(r.json).into_response());
        }
        let body = to_csv(r.headers, r.cells);
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}.csv\"", r.name)),
            ],
            body,
        )
            .into_response())
    })
    .await
}

fn ledger(service: &Service, u: User) -> Result<Ledger, ApiError> {
    let scope = service.user_scope(&Principal::User(u))?;
    let rows = service.storage().projections(&scope, None, -1)?;
    let stewards = service.storage().stewards(scope_compounds(&scope).as_deref())?;
    let (ledger, bad) = Ledger::from_rows(&rows, &stewards);
    if bad > 0 {
        tracing::error!(bad, "projections that do not parse were skipped");
    }
    Ok(ledger)
}

fn seen_for(service: &Service, ids: Vec<Uuid>) -> Result<std::collections::HashMap<Uuid, Millis>, ApiError> {
    Ok(service.storage().first_seen(&ids)?)
}

fn yes_no(b: bool) -> String {
    if b { "是" } else { "否" }.into()
}

async fn report_visits(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, |s, q, l| {
        let month = q.month(s)?;
        let rows = reports::visits(l, s.zone(), month);
        let cells = rows
            .iter()
            .map(|r| {
                vec![
                    r.month.to_string(),
                    r.steward.clone(),
                    r.planned.to_string(),
                    r.planned_visited.to_string(),
                    r.visits.to_string(),
                    r.households_visited.to_string(),
                    yes_no(r.plan_out_of_range),
                ]
            })
            .collect();
        Report::new(
            format!("visits-{month}"),
            &rows,
            &[
                "月份/month",
                "管家/steward",
                "计划户数/planned",
                "计划已访/planned visited",
                "走访次数/visits",
                "走访户数/households visited",
                "超出10-20户/out of range",
            ],
            cells,
        )
    })
    .await
}

async fn report_ledger(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, |s, q, l| {
        let month = q.month(s)?;
        let ids = l.households.iter().flat_map(|h| h.visits.iter().map(|v| v.id)).collect();
        let rows = reports::visit_ledger(l, s.zone(), month, &seen_for(s, ids)?);
        let z = s.zone();
        let cells = rows
            .iter()
            .map(|r| {
                vec![
                    fmt_time(z, Some(r.at)),
                    r.steward.clone(),
                    r.address.clone(),
                    r.head_name.clone(),
                    r.method.clone(),
                    r.summary.clone(),
                    r.opinions.clone(),
                    r.hardships.clone(),
                    yes_no(r.follow_up),
                    fmt_time(z, Some(r.recorded_at)),
                    fmt_time(z, r.server_seen_at),
                ]
            })
            .collect();
        Report::new(
            format!("visit-ledger-{month}"),
            &rows,
            &[
                "走访时间/visited at",
                "管家/steward",
                "地址/address",
                "户主/head of household",
                "方式/method",
                "情况/summary",
                "意见建议/opinions",
                "困难/hardships",
                "需跟进/follow-up",
                "录入时间/entered at",
                "服务器收到/server received",
            ],
            cells,
        )
    })
    .await
}

async fn report_must_visits(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, |s, _, l| {
        let ids = l.households.iter().flat_map(|h| h.must_visits.iter().map(|m| m.id)).collect();
        let rows = reports::open_must_visits(l, now_millis(), &seen_for(s, ids)?);
        let z = s.zone();
        let cells = rows
            .iter()
            .map(|r| {
                vec![
                    r.address.clone(),
                    r.head_name.clone(),
                    r.steward.clone(),
                    r.trigger_zh.clone(),
                    fmt_time(z, Some(r.date)),
                    r.age_days.to_string(),
                    fmt_time(z, r.server_seen_at),
                ]
            })
            .collect();
        Report::new(
            "open-must-visits".into(),
            &rows,
            &[
                "地址/address",
                "户主/head of household",
                "管家/steward",
                "必访事由/trigger",
                "日期/date",
                "已等待天数/age (days)",
                "服务器收到/server received",
            ],
            cells,
        )
    })
    .await
}

async fn report_timely(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, |s, q, l| {
        let month = match q.month.as_deref() {
            None => None,
            Some(_) => Some((s.zone(), q.month(s)?)),
        };
        let ids = l.households.iter().flat_map(|h| h.timely.iter().map(|t| t.id)).collect();
        let (summary, rows) = reports::timely(l, now_millis(), month, &seen_for(s, ids)?);
        let z = s.zone();
        let cells = rows
            .iter()
            .map(|r| {
                let outcome = match r.timeliness {
                    steward_core::time::Timeliness::OnTime => "按时/on time",
                    steward_core::time::Timeliness::Late => "超时/late",
                    steward_core::time::Timeliness::Open => "办理中/open",
                    steward_core::time::Timeliness::Overdue => "已超时未办结/overdue",
                };
                vec![
                    r.address.clone(),
                    r.steward.clone(),
                    r.kind_zh.clone(),
                    fmt_time(z, Some(r.raised_at)),
                    fmt_time(z, Some(r.deadline)),
                    fmt_time(z, r.resolved_at),
                    outcome.into(),
                    fmt_time(z, r.server_seen_at),
                ]
            })
            .collect();
        Report::new(
            "timely-responses".into(),
            &serde_json::json!({ "summary": summary, "rows": rows }),
            &[
                "地址/address",
                "管家/steward",
                "类别/kind",
                "发生时间/raised at",
                "时限/deadline",
                "办结时间/resolved at",
                "结果/outcome",
                "服务器收到/server received",
            ],
            cells,
        )
    })
    .await
}

async fn report_issues(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, |s, _, l| {
        let (counts, issues) = reports::issues(l);
        let z = s.zone();
        let cells = issues
            .iter()
            .map(|r| {
                vec![
                    fmt_time(z, Some(r.reported_at)),
                    r.reporter.clone(),
                    r.category_zh.clone(),
                    r.place.clone(),
                    r.description.clone(),
                    r.route.label_zh().into(),
                    r.status.label_zh().into(),
                    r.comments.to_string(),
                    fmt_time(z, Some(r.last_update_at)),
                ]
            })
            .collect();
        Report::new(
            "issues".into(),
            &serde_json::json!({ "counts": counts, "issues": issues }),
            &[
                "上报时间/reported at",
                "上报人/reporter",
                "类别/category",
                "地点/place",
                "描述/description",
                "流向/route",
                "状态/status",
                "留言数/comments",
                "最近更新/last update",
            ],
            cells,
        )
    })
    .await
}

async fn report_three_clears(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, |_, _, l| {
        let rows = reports::three_clears(l);
        let cells = rows
            .iter()
            .map(|r| {
                let [p, b, k] = r.percent;
                vec![r.steward.clone(), r.clears.households.to_string(), p.to_string(), b.to_string(), k.to_string()]
            })
            .collect();
        Report::new(
            "three-clears".into(),
            &rows,
            &[
                "管家/steward",
                "户数/households",
                "党员情况清/party members %",
                "基本情况清/basic profile %",
                "重点对象清/key service %",
            ],
            cells,
        )
    })
    .await
}

// -- supervisor edits -----------------------------------------------------------------------------

fn parse_id(s: &str, what: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(s).map_err(|_| ApiError::bad_request(format!("{what} id {s:?} is not a uuid")))
}

fn json_body<T>(body: Result<Json<T>, axum::extract::rejection::JsonRejection>) -> ApiResult<T> {
    body.map(|Json(b)| b).map_err(|e| {
        ApiError::bad_request(format!("the request body is not what this endpoint takes: {}", e.body_text()))
    })
}

fn role_of(u: &User) -> PartyRole {
    match u.role {
        Role::Property => PartyRole::PropertyCompany,
        _ => PartyRole::Supervisor,
    }
}

/// Property companies may act on issues within their duty; supervisors on every issue of their place.
fn check_issue_actor(s: &Service, u: &User, meta: &DocMeta) -> Result<(), ServiceError> {
    if meta.kind != DocKind::Issue {
        return Err(ServiceError::NotFound("no such issue".into()));
    }
    let reach = user_may_reach(s, u, meta.compound_id)
        .map_err(|e| ServiceError::Forbidden { message: e.message, docs: vec![] })?;
    if !reach {
        return Err(ServiceError::Forbidden { message: "this issue is outside your place".into(), docs: vec![] });
    }
    Ok(())
}

fn check_property_route(s: &Service, u: &User, id: Uuid) -> Result<(), ServiceError> {
    if u.role != Role::Property {
        return Ok(());
    }
    let loaded = s.storage().load_doc(id)?.ok_or_else(|| ServiceError::NotFound("no such issue".into()))?;
    match doc::project(&loaded.doc) {
        Ok(Projection::Issue(i)) if i.route == steward_core::model::IssueRoute::PropertyDuty => Ok(()),
        _ => Err(ServiceError::Forbidden {
            message: "this issue is not within the property company's duty".into(),
            docs: vec![],
        }),
    }
}

#[derive(Deserialize)]
struct StatusBody {
    status: IssueStatus,
    #[serde(default)]
    comment: String,
}

async fn issue_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<StatusBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Json<Projection>> {
    let u = user(&state, &headers).await?;
    let id = parse_id(&id, "issue")?;
    let body = json_body(body)?;
    let p = blocking(&state, move |s| {
        check_property_route(s, &u, id)?;
        let role = role_of(&u);
        Ok(s.edit(
            id,
            |m| check_issue_actor(s, &u, m),
            |d| doc::set_issue_status(d, Uuid::new_v4(), body.status, &body.comment, u.id, role, now_millis()),
        )?)
    })
    .await?;
    Ok(Json(p))
}

#[derive(Deserialize)]
struct CommentBody {
    text: String,
}

async fn issue_comment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<CommentBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Json<Projection>> {
    let u = user(&state, &headers).await?;
    let id = parse_id(&id, "issue")?;
    let body = json_body(body)?;
    let p = blocking(&state, move |s| {
        check_property_route(s, &u, id)?;
        let role = role_of(&u);
        Ok(s.edit(
            id,
            |m| check_issue_actor(s, &u, m),
            |d| doc::comment_issue(d, Uuid::new_v4(), &body.text, u.id, role, now_millis()),
        )?)
    })
    .await?;
    Ok(Json(p))
}

#[derive(Deserialize)]
struct MustVisitBody {
    trigger: MustVisitTrigger,
    #[serde(default)]
    date: Option<Millis>,
    #[serde(default)]
    note: String,
}

async fn raise_must_visit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<MustVisitBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Json<Projection>> {
    let u = user(&state, &headers).await?;
    let id = parse_id(&id, "household")?;
    let body = json_body(body)?;
    let p = blocking(&state, move |s| {
        let m = NewMustVisit {
            id: Uuid::new_v4(),
            trigger: body.trigger,
            date: body.date.unwrap_or_else(now_millis),
            note: body.note,
            raised_by: u.id,
        };
        Ok(s.edit(
            id,
            |meta| {
                if meta.kind != DocKind::Household {
                    return Err(ServiceError::NotFound("no such household".into()));
                }
                check_supervisor(s, &u, meta)
            },
            |d| doc::raise_must_visit(d, &m),
        )?)
    })
    .await?;
    Ok(Json(p))
}

#[derive(Deserialize)]
struct HolidayBody {
    #[serde(default)]
    date: Option<Millis>,
    #[serde(default)]
    note: String,
}

#[derive(Serialize)]
struct HolidayAnswer {
    raised: u32,
}

async fn holiday_must_visits(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<HolidayBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Json<HolidayAnswer>> {
    let u = user(&state, &headers).await?;
    let compound = parse_id(&id, "compound")?;
    let body = json_body(body)?;
    let raised = blocking(&state, move |s| {
        if !user_may_reach(s, &u, compound)? || u.role == Role::Property {
            return Err(ApiError::forbidden("this compound is outside your place"));
        }
        let date = body.date.unwrap_or_else(now_millis);
        let households = s.storage().doc_ids(&Scope::Compounds(vec![compound]), Some(DocKind::Household))?;
        let mut raised = 0;
        for h in households {
            let m = NewMustVisit {
                id: Uuid::new_v4(),
                trigger: MustVisitTrigger::MajorHoliday,
                date,
                note: body.note.clone(),
                raised_by: u.id,
            };
            s.edit(h, |meta| check_supervisor(s, &u, meta), |d| doc::raise_must_visit(d, &m))?;
            raised += 1;
        }
        Ok(raised)
    })
    .await?;
    Ok(Json(HolidayAnswer { raised }))
}

#[derive(Deserialize)]
struct AssignBody {
    steward_id: Option<Uuid>,
}

async fn assign_household(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<AssignBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Json<Projection>> {
    let u = user(&state, &headers).await?;
    let id = parse_id(&id, "household")?;
    let body = json_body(body)?;
    let p = blocking(&state, move |s| {
        let meta = s.storage().doc_meta(id)?.ok_or_else(|| ServiceError::NotFound("no such household".into()))?;
        if let Some(st) = body.steward_id {
            let steward = s.storage().steward(st)?.ok_or_else(|| ServiceError::NotFound(format!("steward {st}")))?;
            if steward.compound_id != meta.compound_id {
                return Err(ApiError::bad_request("a household can only go to a steward of its own compound"));
            }
        }
        Ok(s.edit(
            id,
            |meta| {
                if meta.kind != DocKind::Household {
                    return Err(ServiceError::NotFound("no such household".into()));
                }
                check_supervisor(s, &u, meta)
            },
            |d| doc::assign_household(d, body.steward_id, now_millis()),
        )?)
    })
    .await?;
    Ok(Json(p))
}

#[derive(Deserialize)]
struct DeadlinesBody {
    #[serde(flatten)]
    minutes: std::collections::BTreeMap<TimelyKind, u32>,
}

async fn set_deadlines(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<DeadlinesBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Json<Projection>> {
    let u = user(&state, &headers).await?;
    let id = parse_id(&id, "compound")?;
    let body = json_body(body)?;
    let p = blocking(&state, move |s| {
        let policy = DeadlinePolicy { minutes: body.minutes };
        Ok(s.edit(
            id,
            |meta| {
                if meta.kind != DocKind::Compound {
                    return Err(ServiceError::NotFound("no such compound".into()));
                }
                check_supervisor(s, &u, meta)
            },
            |d| doc::set_deadlines(d, &policy, now_millis()),
        )?)
    })
    .await?;
    Ok(Json(p))
}

#[derive(Deserialize)]
struct PlanBody {
    households: Vec<Uuid>,
}

async fn set_plan(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((steward_id, month)): Path<(String, String)>,
    body: Result<Json<PlanBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Json<Projection>> {
    let u = user(&state, &headers).await?;
    let steward_id = parse_id(&steward_id, "steward")?;
    let month: Month = month.parse().map_err(|e: steward_core::Error| ApiError::bad_request(e.to_string()))?;
    let body = json_body(body)?;
    let p = blocking(&state, move |s| {
        let steward =
            s.storage().steward(steward_id)?.ok_or_else(|| ServiceError::NotFound(format!("steward {steward_id}")))?;
        if !user_may_reach(s, &u, steward.compound_id)? || u.role == Role::Property {
            return Err(ApiError::forbidden("this steward is outside your place"));
        }
        for h in &body.households {
            let meta = s
                .storage()
                .doc_meta(*h)?
                .ok_or_else(|| ApiError::bad_request(format!("household {h} does not exist")))?;
            if meta.kind != DocKind::Household || meta.compound_id != steward.compound_id {
                return Err(ApiError::bad_request(format!("household {h} is not in the steward's compound")));
            }
        }
        let id = doc::plan_doc_id(steward_id, month);
        if s.storage().doc_meta(id)?.is_none() {
            let plan = doc::create_plan(s.actor().clone(), steward_id, steward.compound_id, month, now_millis())
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
            match s.create_doc(&plan) {
                Ok(_) | Err(ServiceError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let wanted = body.households.clone();
        Ok(s.edit(
            id,
            |meta| check_supervisor(s, &u, meta),
            |d| {
                let current = match doc::project(d)? {
                    Projection::Plan(p) => p.households,
                    _ => Vec::new(),
                };
                let remove: Vec<Uuid> = current.iter().filter(|h| !wanted.contains(h)).copied().collect();
                doc::plan_households(d, &wanted, &remove, u.id, now_millis())
            },
        )?)
    })
    .await?;
    Ok(Json(p))
}
