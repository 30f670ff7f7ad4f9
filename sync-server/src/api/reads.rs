//! What supervisors read of the merged read model: stewards and the incremental pull, through
//! the one role-aware read path, [`Service::readable`].

use super::*;

/// The compounds of a scope; `None` for everywhere.
pub(super) fn scope_compounds(scope: &Scope) -> Option<Vec<Uuid>> {
    match scope {
        Scope::All => None,
        Scope::Compounds(c) => Some(c.clone()),
        Scope::Steward { compound_id, .. } => Some(vec![*compound_id]),
    }
}

#[utoipa::path(
    get, path = "/v1/stewards", tag = "reads",
    summary = "The stewards of the caller's place",
    description = "Names and compounds only. A property company reads those of its compounds, to pass a resident's \
matter on to one (`POST /v1/issues`).",
    responses(
        (status = 200, description = "Every steward of the compounds the caller reaches.",
            body = Vec<openapi::StewardDoc>),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token; `forbidden_document`: the account has no place.",
            body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn stewards(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<crate::storage::Steward>>> {
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
pub(super) struct PullQuery {
    #[serde(default)]
    since: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

/// Documents in one pull answer by default, and at most.
pub const PULL_PAGE: usize = 1_000;
pub const PULL_PAGE_MAX: usize = 5_000;

/// The projections changed since a cursor.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)] // the answer is written as text (see `pull`); this describes it
pub(super) struct PullAnswer {
    /// Pass back as `since` to get only what changed after this answer.
    cursor: String,
    /// Whether more changed documents wait beyond `limit`: pull again from `cursor` at once.
    more: bool,
    /// Each document the caller may read that changed since `since`, in its latest version.
    #[schema(value_type = Vec<openapi::PulledDocument>)]
    docs: Vec<serde_json::Value>,
}

#[utoipa::path(
    get, path = "/v1/pull", tag = "reads",
    summary = "The read model's projections changed since a cursor",
    description = "Through the one role-aware read path: supervisors and admins get every document of their \
place; a property company only the issues of its compounds within its duty, never a household, visit or plan.",
    params(
        ("since" = Option<String>, Query, description = "The `cursor` of an earlier pull (a whole number); \
absent or empty for everything.", example = "0"),
        ("limit" = Option<u32>, Query, description = "At most this many documents, oldest change first: 1 to 5,000 \
(default 1,000). With `more: true` the answer's `cursor` continues where it stopped."),
    ),
    responses(
        (status = 200, description = "What changed, and the cursor to pass next.", body = PullAnswer),
        (status = 400, description = "`bad_request`: `since` is not a cursor from an earlier pull.",
            body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token (devices sync); `forbidden_document`: the account \
has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn pull(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> ApiResult<Response> {
    let u = user(&state, &headers).await?;
    let since: i64 = match q.since.as_deref() {
        None | Some("") => 0,
        Some(s) => s
            .parse()
            .map_err(|_| ApiError::bad_request("since must be the cursor from an earlier pull (a whole number)"))?,
    };
    let limit = match q.limit.as_deref().map(str::trim) {
        None | Some("") => PULL_PAGE,
        Some(v) => v.parse::<usize>().ok().filter(|n| (1..=PULL_PAGE_MAX).contains(n)).ok_or_else(|| {
            ApiError::field("limit", format!("limit must be a whole number from 1 to {PULL_PAGE_MAX}"))
        })?,
    };
    let body = blocking(&state, move |s| {
        let max = s.storage().max_seq()?;
        let (rows, last, more) = s.readable_page(&u, since, limit)?;
        // Where the next pull starts: after this page when more wait; else the server's own
        // position, even when `since` is past it (a server restored from an older copy).
        let cursor = match (more, last) {
            (true, Some(last)) => last,
            _ => max,
        };
        let households: Vec<Uuid> =
            rows.iter().filter(|r| r.seq <= cursor && r.kind == DocKind::Household).map(|r| r.doc_id).collect();
        super::audit::log_access(s, &u, "pull", households)?;
        // The stored projections are JSON objects already: each gets its `seq` spliced in as its
        // first key, so a pull never parses and re-serialises them.
        let mut body = String::with_capacity(rows.iter().map(|r| r.json.len() + 24).sum::<usize>() + 64);
        body.push_str(&format!("{{\"cursor\":\"{cursor}\",\"more\":{more},\"docs\":["));
        let mut first = true;
        for r in rows.into_iter().filter(|r| r.seq <= cursor) {
            let rest = r.json.trim_start().strip_prefix('{').ok_or_else(|| {
                ServiceError::Internal(format!("the projection of {} is not a JSON object", r.doc_id))
            })?;
            if !first {
                body.push(',');
            }
            first = false;
            body.push_str(&format!("{{\"seq\":{}", r.seq));
            if !rest.trim_start().starts_with('}') {
                body.push(',');
            }
            body.push_str(rest);
        }
        body.push_str("]}");
        Ok(body)
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

const NO_ISSUE: &str = "no such issue in your place";

#[utoipa::path(
    get, path = "/v1/issues/{id}", tag = "reads",
    summary = "An issue with its whole timeline",
    description = "For a supervisor or admin of its place; for a property company only an issue of its compounds within \
its duty.",
    params(("id" = Uuid, Path, description = "The issue's id.")),
    responses(
        (status = 200, description = "The issue's projection (docs/documents.md, section 5).", body = openapi::Projection),
        (status = 400, response = openapi::BadId),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such issue in the caller's place (or, for a property company, \
within its duty): the same answer whether it exists elsewhere or not.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn issue(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let u = user(&state, &headers).await?;
    let id = path_id("issue", &id)?;
    let page = blocking(&state, move |s| {
        let not_found = || ApiError::from(ServiceError::NotFound(NO_ISSUE.into()));
        let meta = s.storage().doc_meta(id)?.ok_or_else(not_found)?;
        if meta.kind != DocKind::Issue || !s.reaches(&u, meta.compound_id)? {
            return Err(not_found());
        }
        // The one read path decides, as for the lists: a property company's duty included.
        let row = s
            .readable_in(&u, Some(vec![meta.compound_id]), -1)
            .map_err(|_| not_found())?
            .into_iter()
            .find(|r| r.doc_id == id)
            .ok_or_else(not_found)?;
        let v: serde_json::Value =
            serde_json::from_str(&row.json).map_err(|e| ServiceError::Internal(e.to_string()))?;
        Ok(v)
    })
    .await?;
    Ok(Json(page))
}

/// A document's projection for a supervisor of its place: `NotFound(missing)` for a document
/// of another kind, outside the place, or missing.
fn projection_in_place(
    s: &Service,
    u: &User,
    id: Uuid,
    kind: DocKind,
    missing: &'static str,
) -> ApiResult<Option<serde_json::Value>> {
    let Some(loaded) = s.storage().load_doc(id)? else { return Ok(None) };
    if loaded.meta.kind != kind || !s.reaches(u, loaded.meta.compound_id)? {
        return Err(ServiceError::NotFound(missing.into()).into());
    }
    let json = match loaded.projection_json {
        Some(j) => j,
        None => serde_json::to_string(&doc::project(&loaded.doc).map_err(|e| ServiceError::Internal(e.to_string()))?)
            .map_err(|e| ServiceError::Internal(e.to_string()))?,
    };
    Ok(Some(serde_json::from_str(&json).map_err(|e| ServiceError::Internal(e.to_string()))?))
}

const NO_STEWARD: &str = "no such steward in your place";

#[utoipa::path(
    get, path = "/v1/plans/{steward_id}/{month}", tag = "reads",
    summary = "A steward's plan for a month",
    description = "The plan's projection (docs/documents.md, section 4); a plan not yet made is answered as an empty one \
(`households: []`). Names no household's personal fields.",
    params(
        ("steward_id" = Uuid, Path, description = "The steward."),
        ("month" = String, Path, description = "YYYY-MM.", example = "2026-11"),
    ),
    responses(
        (status = 200, description = "The plan.", body = openapi::Projection),
        (status = 400, description = "`bad_request`: the id is not a uuid, or the month not YYYY-MM.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token or a property company.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such steward in the caller's place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn plan(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((steward_id, month)): Path<(String, String)>,
) -> ApiResult<Json<serde_json::Value>> {
    let u = supervisor(&state, &headers).await?;
    let steward_id = path_id("steward", &steward_id)?;
    let month: Month = month.parse().map_err(|e: steward_core::Error| ApiError::bad_request(e.to_string()))?;
    let plan = blocking(&state, move |s| {
        let steward = s.storage().steward(steward_id)?.ok_or_else(|| ServiceError::NotFound(NO_STEWARD.into()))?;
        if !s.reaches(&u, steward.compound_id)? {
            return Err(ServiceError::NotFound(NO_STEWARD.into()).into());
        }
        let id = doc::plan_doc_id(steward_id, month);
        Ok(projection_in_place(s, &u, id, DocKind::Plan, NO_STEWARD)?.unwrap_or_else(|| {
            serde_json::json!({
                "kind": "plan", "id": id, "steward_id": steward_id, "compound_id": steward.compound_id,
                "month": month.to_string(), "households": [],
            })
        }))
    })
    .await?;
    Ok(Json(plan))
}

const NO_COMPOUND: &str = "no such compound in your place";

#[utoipa::path(
    get, path = "/v1/compounds/{id}", tag = "reads",
    summary = "A compound's settings: its name and the four timelies' deadlines",
    params(("id" = Uuid, Path, description = "The compound.")),
    responses(
        (status = 200, description = "The compound's projection (docs/documents.md, section 6): `deadlines.minutes` per \
timely kind.", body = openapi::Projection),
        (status = 400, response = openapi::BadId),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token or a property company.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such compound in the caller's place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn compound(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let u = supervisor(&state, &headers).await?;
    let id = path_id("compound", &id)?;
    let c = blocking(&state, move |s| {
        projection_in_place(s, &u, id, DocKind::Compound, NO_COMPOUND)?
            .ok_or_else(|| ServiceError::NotFound(NO_COMPOUND.into()).into())
    })
    .await?;
    Ok(Json(c))
}
