//! Household records are personal (illness, hardship, deaths): every reading of them by an
//! account — a household's page, a pull, a report built from them — is written to the access
//! log, which admins read.

use super::*;
use crate::storage::AccessEntry;

/// Writes an access-log entry for the households `u` read. A failure fails the request: a
/// reading that cannot be logged is not given.
pub(super) fn log_access(s: &Service, u: &User, action: &str, households: Vec<Uuid>) -> Result<(), ServiceError> {
    if households.is_empty() {
        return Ok(());
    }
    Ok(s.storage().log_access(u, action, &households, now_millis())?)
}

const NO_HOUSEHOLD: &str = "no such household in your place";

#[utoipa::path(
    get, path = "/v1/households/{id}", tag = "reads",
    summary = "A household's page: its whole ledger",
    description = "The household's record (profile, every visit with opinions and hardships, must-visits, \
timely responses, pairing notes), for a supervisor of its place or an admin. The reading is written to the \
access log.",
    params(("id" = Uuid, Path, description = "The household's id.")),
    responses(
        (status = 200, description = "The household.", body = openapi::Projection),
        (status = 400, description = "`bad_request`: the id is not a uuid.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a property company or a device; they never read households.",
            body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such household in the caller's place (the same answer \
whether it exists elsewhere or not).", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn household(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let u = supervisor(&state, &headers).await?;
    let id = path_id("household", &id)?;
    let page = blocking(&state, move |s| {
        let loaded = s.storage().load_doc(id)?.ok_or_else(|| ServiceError::NotFound(NO_HOUSEHOLD.into()))?;
        if loaded.meta.kind != DocKind::Household || !s.reaches(&u, loaded.meta.compound_id)? {
            return Err(ServiceError::NotFound(NO_HOUSEHOLD.into()).into());
        }
        let page: serde_json::Value = match loaded.projection_json {
            Some(j) => serde_json::from_str(&j).map_err(|e| ServiceError::Internal(e.to_string()))?,
            None => serde_json::to_value(doc::project(&loaded.doc).map_err(|e| ServiceError::Internal(e.to_string()))?)
                .map_err(|e| ServiceError::Internal(e.to_string()))?,
        };
        log_access(s, &u, "household", vec![id])?;
        Ok(page)
    })
    .await?;
    Ok(Json(page))
}

#[derive(Deserialize)]
pub(super) struct AccessLogQuery {
    before: Option<i64>,
    limit: Option<u32>,
}

#[utoipa::path(
    get, path = "/v1/access-log", tag = "reads",
    summary = "Who read which households' records (admins)",
    description = "Newest first, at most `limit` entries (100 by default, at most 1,000) older than `before` \
(an entry's `seq`, for the next page).",
    params(
        ("before" = Option<i64>, Query, description = "Only entries with a smaller `seq`."),
        ("limit" = Option<u32>, Query, description = "How many, 1–1,000."),
    ),
    responses(
        (status = 200, description = "The entries: `seq`, `at` (ms), `user_id`, `username`, `action` \
(`household`, `pull`, `report:<name>:<format>`), `households`.", body = Vec<openapi::AccessEntryDoc>),
        (status = 400, description = "`bad_request`: a limit outside 1–1,000.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: not an admin.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn access_log(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<AccessLogQuery>,
) -> ApiResult<Json<Vec<AccessEntry>>> {
    let u = user(&state, &headers).await?;
    if u.role != Role::Admin {
        return Err(ApiError::forbidden("only an admin reads the access log"));
    }
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request("limit must be 1 to 1000"));
    }
    let entries = blocking(&state, move |s| Ok(s.storage().access_log(q.before, limit)?)).await?;
    Ok(Json(entries))
}
