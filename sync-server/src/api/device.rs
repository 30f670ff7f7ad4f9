//! The steward's device: enrolment with a one-time code, and sync (`docs/sync-protocol.md`).

use super::*;

/// The body of `POST /v1/enrol`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct EnrolBody {
    /// The one-time enrolment code the supervisor gave: 10 letters and digits; case, spaces and
    /// dashes do not matter.
    #[schema(example = "K7QM2XHD9P")]
    code: String,
    /// A name for the device, shown to supervisors; empty by default.
    #[serde(default)]
    device_name: String,
}

#[utoipa::path(
    post, path = "/v1/enrol", tag = "device",
    summary = "Enrol a steward's device with a one-time code",
    description = "Redeems an enrolment code for a device token, shown once (docs/sync-protocol.md, section 1). \
No authentication; wrong codes are limited per client address.",
    request_body(content = EnrolBody, description = "JSON, at most 4 KiB."),
    responses(
        (status = 200, description = "The device is enrolled: keep `device_token` for every later request.",
            body = openapi::EnrolmentDoc),
        (status = 400, description = "`bad_request`: not JSON, an unknown or missing key, or a body that could \
not be read.", body = openapi::ErrorDoc),
        (status = 401, description = "`bad_enrolment_code`: the code is wrong, used or expired: ask the supervisor \
for a new one.", body = openapi::ErrorDoc),
        (status = 408, response = openapi::BodyTimeout),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 429, description = "`too_many_attempts`: too many wrong codes from this network; wait \
`Retry-After` seconds.", body = openapi::ErrorDoc,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    )
)]
pub(super) async fn enrol(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<Enrolment>> {
    let attempt = state
        .throttle
        .enrol_address(client_key(&client))
        .map_err(|r| ApiError::too_many(r, "too many wrong enrolment codes from this network"))?;
    let body: EnrolBody =
        match read_json(&state, &headers, body, SMALL_BODY_BYTES, r#"{"code": "...", "device_name": "..."}"#).await {
            Ok(b) => b,
            Err(e) => {
                attempt.give_back();
                return Err(e);
            }
        };
    let code_hash = auth::secret_hash(&auth::normalise_code(&body.code));
    let token = auth::new_token();
    let token_hash = auth::secret_hash(&token);
    let name = body.device_name;
    let answer = blocking(&state, move |s| {
        let redeemed = s.storage().redeem_enrolment(&code_hash, &name, &token_hash, now_millis())?;
        let Some((device_id, steward)) = redeemed else {
            return Ok(None);
        };
        let compound = s.storage().place(steward.compound_id)?.map(|p| p.name).unwrap_or_default();
        tracing::info!(device = %device_id, steward = %steward.id, "device enrolled");
        Ok(Some(Enrolment {
            device_token: token,
            device_id,
            steward_id: steward.id,
            steward_name: steward.name,
            compound_id: steward.compound_id,
            compound_name: compound,
            time_zone: Some(s.zone().name().to_string()),
        }))
    })
    .await;
    match answer {
        Ok(Some(e)) => {
            attempt.give_back();
            Ok(Json(e))
        }
        // The attempt stays counted.
        Ok(None) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_enrolment_code",
            "the enrolment code is wrong, used or expired: ask your supervisor for a new one",
        )),
        Err(e) => {
            attempt.give_back();
            Err(e)
        }
    }
}

/// How stale a device's last sync time in the console may be: a phone syncs every minute, and
/// a durable write for each of those syncs would cost an fsync per sync for a figure read in days.
const LAST_SYNC_RESOLUTION: Duration = Duration::from_secs(300);

/// Writes when a device last synced, at most once per [`LAST_SYNC_RESOLUTION`] per device on
/// this node. A failure does not fail the sync.
fn note_sync(s: &Service, synced: &std::sync::Mutex<std::collections::HashMap<Uuid, Instant>>, device: Uuid) {
    {
        let mut seen = synced.lock().unwrap_or_else(|p| p.into_inner());
        if seen.get(&device).is_some_and(|at| at.elapsed() < LAST_SYNC_RESOLUTION) {
            return;
        }
        if seen.len() >= 100_000 {
            seen.clear();
        }
        seen.insert(device, Instant::now());
    }
    if let Err(e) = s.storage().touch_device(device, now_millis()) {
        tracing::warn!(error = %e, "the device's last sync time could not be written");
    }
}

/// The token is checked before a byte of the body is read; the body is then read without a
/// work slot (a phone uploading slowly must not hold one), and only the work takes its turn.
#[utoipa::path(
    post, path = "/v1/sync", tag = "device",
    summary = "Push the device's changes and get what others changed, in one round trip",
    description = "The body and the answer are CBOR envelopes of media type \
`application/vnd.red-steward.sync+cbor`, described in docs/sync-protocol.md (not JSON). Only a device \
token may sync; it is checked before the body is read.",
    request_body(
        description = "A `SyncRequest` in CBOR (docs/sync-protocol.md, sections 2.1 and 2.3); at most \
`STEWARD_MAX_BODY` bytes (16 MiB by default).",
        content(("application/vnd.red-steward.sync+cbor")),
    ),
    responses(
        (status = 200, description = "A `SyncResponse` in CBOR (docs/sync-protocol.md, section 2.2).",
            content(("application/vnd.red-steward.sync+cbor"))),
        (status = 400, description = "`malformed_body`: the body does not decode as a `SyncRequest`; \
`bad_request`: it decoded but was refused (`v` is not 1, a document pushed twice, bytes the gate or Automerge \
refuse; `message` names the document), or the body could not be read. See docs/sync-protocol.md, section 5.",
            body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a sign-in token, not a device's; `forbidden_document`: a pushed \
document is not the steward's (`docs` lists them).", body = openapi::ErrorDoc),
        (status = 408, response = openapi::BodyTimeout),
        (status = 409, description = "`conflict`: the pushed documents kept changing; sync again.",
            body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 422, description = "`invalid_document`: a document does not read as its kind or changes what a \
steward may not write (`docs` lists them; docs/documents.md, section 11).", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("device_token" = []))
)]
pub(super) async fn sync(State(state): State<AppState>, req: Request) -> ApiResult<Response> {
    let (parts, body) = req.into_parts();
    let device = match principal(&state, &parts.headers).await? {
        Principal::Device { device_id, steward_id, compound_id, temporary } => {
            DeviceCtx { device_id, steward_id, compound_id, temporary }
        }
        Principal::User(_) => {
            return Err(ApiError::forbidden("sync is for stewards' devices; supervisors use /v1/pull and the reports"))
        }
    };
    // A sync that would wait past the queue's budget is told when to come back, before its
    // body is read (shed.rs).
    let _admitted = state.sync_queue.admit().map_err(|seconds| {
        ApiError::busy_for("many phones are syncing at once: this phone will sync again shortly", seconds)
    })?;
    // The body's room among the bodies held at once, taken before a byte is read and kept until
    // the answer is made (the decoded request holds as much): when it is full, the phone is told
    // to come back, as for any busy moment.
    let declared =
        parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.trim().parse::<usize>().ok());
    let kib = (declared.unwrap_or(state.max_body).min(state.max_body) / 1024 + 1) as u32;
    let _room = state
        .bodies
        .clone()
        .try_acquire_many_owned(kib)
        .map_err(|_| ApiError::busy("the server is receiving many uploads at once: sync again in a moment"))?;
    let body = read_body(&state, &parts.headers, body, state.max_body).await?;
    let req: SyncRequest =
        protocol::decode(&body).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "malformed_body", e.to_string()))?;
    let pushed = req.push.len();
    let synced = state.synced.clone();
    let queue = state.sync_queue.clone();
    let resp = blocking(&state, move |s| {
        let on_slot = Instant::now();
        let resp = s.sync(&device, req);
        queue.record(on_slot.elapsed());
        let resp = resp?;
        note_sync(s, &synced, device.device_id);
        Ok(resp)
    })
    .await?;
    tracing::info!(device = %device.device_id, pushed, pulled = resp.pull.len(), need_sync = resp.need_sync.len(), "sync");
    Ok(([(header::CONTENT_TYPE, CONTENT_TYPE)], protocol::encode(&resp)).into_response())
}
