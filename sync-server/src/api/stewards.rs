//! The console's people and phones: the places a supervisor works in, the stewards' devices with
//! their last sync, revoking a lost phone, and enrolment codes for a new one.

use super::*;
use crate::storage::{Device, Place};

#[derive(Deserialize)]
pub(super) struct PlaceQuery {
    #[serde(default)]
    place: Option<String>,
    #[serde(default)]
    steward_id: Option<String>,
}

/// Parses an optional id from a query: `field` names it in the 400.
pub(super) fn query_id(field: &'static str, value: Option<&str>) -> ApiResult<Option<Uuid>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => Uuid::parse_str(v)
            .map(Some)
            .map_err(|_| ApiError::field(field, format!("{field} must be an id (a uuid), not {v:?}"))),
    }
}

#[utoipa::path(
    get, path = "/v1/places", tag = "reads",
    summary = "The places the caller works in",
    description = "The caller's place and everything below it, for drilling down district > town > community > \
compound > building; every place for an admin. Property companies get their compounds too (names only).",
    responses(
        (status = 200, description = "The places, each with its parent.", body = Vec<openapi::PlaceDoc>),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn places(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Json<Vec<Place>>> {
    let u = user(&state, &headers).await?;
    Ok(Json(blocking(&state, move |s| Ok(s.places_within(&u)?)).await?))
}

/// A device with its steward's name, as the console lists it.
#[derive(Serialize)]
pub(super) struct DeviceRow {
    #[serde(flatten)]
    device: Device,
    steward: String,
}

#[utoipa::path(
    get, path = "/v1/devices", tag = "reads",
    summary = "The stewards' enrolled phones, with when each last synced",
    description = "Every device of the stewards of the caller's place (narrowed by `place` or `steward_id`), \
newest first, revoked ones included, so a supervisor sees who has not synced for a week.",
    params(
        ("place" = Option<Uuid>, Query, description = "Only the compounds at or below this place (within the caller's)."),
        ("steward_id" = Option<Uuid>, Query, description = "Only this steward's devices."),
    ),
    responses(
        (status = 200, description = "The devices.", body = Vec<openapi::DeviceDoc>),
        (status = 400, description = "`invalid_field`: `place` or `steward_id` is not an id (`field` names it).",
            body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token or a property company.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: `place` is not within the caller's place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn devices(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<PlaceQuery>,
) -> ApiResult<Json<Vec<DeviceRow>>> {
    let u = supervisor(&state, &headers).await?;
    let place = query_id("place", q.place.as_deref())?;
    let steward = query_id("steward_id", q.steward_id.as_deref())?;
    let rows = blocking(&state, move |s| {
        let compounds = s.reach(&u, place)?;
        let names: std::collections::HashMap<Uuid, String> =
            s.storage().stewards(compounds.as_deref())?.into_iter().map(|st| (st.id, st.name)).collect();
        Ok(s.storage()
            .devices(compounds.as_deref())?
            .into_iter()
            .filter(|d| steward.is_none_or(|st| d.steward_id == st))
            .map(|device| DeviceRow { steward: names.get(&device.steward_id).cloned().unwrap_or_default(), device })
            .collect())
    })
    .await?;
    Ok(Json(rows))
}

const NO_DEVICE: &str = "no such device in your place";

#[utoipa::path(
    post, path = "/v1/devices/{id}/revoke", tag = "edits",
    summary = "Revoke a steward's device (a lost or replaced phone)",
    description = "From now on the device's token is refused (`401` on its next sync). Revoking a revoked device \
changes nothing and answers the same. What the phone held unsynced stays on it; the steward enrols a new phone \
with a new code and gets the documents again.",
    params(("id" = Uuid, Path, description = "The device's id.")),
    responses(
        (status = 204, description = "The device is revoked."),
        (status = 400, response = openapi::BadId),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token or a property company.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such device in the caller's place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn revoke_device(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let u = supervisor(&state, &headers).await?;
    let id = path_id("device", &id)?;
    blocking(&state, move |s| {
        let device = s.storage().device(id)?.ok_or_else(|| ServiceError::NotFound(NO_DEVICE.into()))?;
        if !s.reaches(&u, device.compound_id)? {
            return Err(ServiceError::NotFound(NO_DEVICE.into()).into());
        }
        if s.storage().revoke_device(id, now_millis())? {
            tracing::info!(device = %id, by = %u.id, "device revoked");
        }
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/stewards/{id}/enrolment-codes`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CodeBody {
    /// How many days the code stays valid: 1 to 90 (default 7).
    #[serde(default)]
    days: Option<u32>,
}

/// A new one-time enrolment code.
#[derive(Serialize, ToSchema)]
pub(super) struct CodeAnswer {
    /// The code the steward types (or scans) on the phone's enrolment screen; shown once.
    code: String,
    steward_id: Uuid,
    /// Milliseconds since the Unix epoch.
    expires_at: i64,
    /// What the QR code encodes: `redsteward://enrol?server=…&code=…`, with this server's address as the
    /// browser reached it.
    enrol_uri: String,
}

#[utoipa::path(
    post, path = "/v1/stewards/{id}/enrolment-codes", tag = "edits",
    summary = "Issue a one-time enrolment code for a steward's phone",
    params(("id" = Uuid, Path, description = "The steward's id.")),
    request_body(content = CodeBody, example = json!({"days": 7})),
    responses(
        (status = 200, description = "The code, once, with the link its QR code encodes.", body = CodeAnswer),
        (status = 400, description = "`bad_request` / `invalid_field`: the id or the body (`days` outside 1–90).",
            body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token or a property company.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such steward in the caller's place.", body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn enrolment_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<CodeAnswer>> {
    let u = supervisor(&state, &headers).await?;
    let id = path_id("steward", &id)?;
    let b: CodeBody = read_json(&state, &headers, body, SMALL_BODY_BYTES, "{\"days\": 7}").await?;
    let days = b.days.unwrap_or(7);
    if !(1..=90).contains(&days) {
        return Err(ApiError::field("days", "days must be 1 to 90"));
    }
    let server = public_origin(&headers);
    blocking(&state, move |s| {
        let not_found = || ServiceError::NotFound("no such steward in your place".into());
        let steward = s.storage().steward(id)?.ok_or_else(not_found)?;
        if !s.reaches(&u, steward.compound_id)? {
            return Err(not_found().into());
        }
        let code = crate::admin::issue_enrolment_code(s, id, days)?;
        let expires_at = now_millis() + i64::from(days) * 86_400_000;
        let enrol_uri = format!("redsteward://enrol?server={}&code={code}", percent_encode(&server));
        Ok(Json(CodeAnswer { code, steward_id: id, expires_at, enrol_uri }))
    })
    .await
}

/// This server's origin as the caller reached it (`Host`, and `X-Forwarded-Proto` behind a
/// proxy), for links a phone in the same network can follow.
fn public_origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)))
        .unwrap_or("localhost");
    let https = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|p| p == "https");
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
