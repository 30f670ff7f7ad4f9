//! The steward's device: enrolment with a one-time code, and sync (`docs/sync-protocol.md`).

use super::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EnrolBody {
    code: String,
    #[serde(default)]
    device_name: String,
}

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

/// The token is checked before a byte of the body is read; the body is then read without a
/// work slot (a phone uploading slowly must not hold one), and only the work takes its turn.
pub(super) async fn sync(State(state): State<AppState>, req: Request) -> ApiResult<Response> {
    let (parts, body) = req.into_parts();
    let device = match principal(&state, &parts.headers).await? {
        Principal::Device { device_id, steward_id, compound_id } => DeviceCtx { device_id, steward_id, compound_id },
        Principal::User(_) => {
            return Err(ApiError::forbidden("sync is for stewards' devices; supervisors use /v1/pull and the reports"))
        }
    };
    let body = read_body(&state, &parts.headers, body, state.max_body).await?;
    let req: SyncRequest =
        protocol::decode(&body).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "malformed_body", e.to_string()))?;
    let pushed = req.push.len();
    let resp = blocking(&state, move |s| Ok(s.sync(&device, req)?)).await?;
    tracing::info!(device = %device.device_id, pushed, pulled = resp.pull.len(), need_sync = resp.need_sync.len(), "sync");
    Ok(([(header::CONTENT_TYPE, CONTENT_TYPE)], protocol::encode(&resp)).into_response())
}
