//! Signing in, and who the caller is.

use super::*;

/// The body of `POST /v1/login`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct LoginBody {
    username: String,
    #[schema(format = Password)]
    password: String,
}

/// A signed-in account and its token.
#[derive(Serialize, ToSchema)]
pub(super) struct LoginAnswer {
    /// The bearer token for the account's requests: `Authorization: Bearer <token>`.
    token: String,
    /// When the token stops working, in milliseconds since the Unix epoch (12 hours on).
    #[schema(value_type = i64)]
    expires_at: Millis,
    #[schema(value_type = openapi::UserDoc)]
    user: User,
}

#[utoipa::path(
    post, path = "/v1/login", tag = "session",
    summary = "Sign in a supervisor, property company or admin",
    description = "No authentication. Failed sign-ins are limited per client address and per account; \
password checks run in their own bounded lane.",
    request_body(content = LoginBody, description = "JSON, at most 4 KiB."),
    responses(
        (status = 200, description = "Signed in.", body = LoginAnswer),
        (status = 400, description = "`bad_request`: not JSON, an unknown or missing key, or a body that could \
not be read.", body = openapi::ErrorDoc),
        (status = 401, description = "`bad_login`: wrong username or password.", body = openapi::ErrorDoc),
        (status = 408, response = openapi::BodyTimeout),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 429, description = "`too_many_attempts`: too many failed sign-ins from this network or for this \
account (then even the right password waits); wait `Retry-After` seconds.", body = openapi::ErrorDoc,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
        (status = 500, response = openapi::Internal),
        (status = 503, description = "`busy`: too many sign-ins wait for a password check (`Retry-After: 1`); \
`shutting_down`: the server is stopping.", body = openapi::ErrorDoc,
            headers(("Retry-After" = u64, description = "Seconds to wait, with `busy`."))),
    )
)]
pub(super) async fn login(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<LoginAnswer>> {
    let address = state
        .throttle
        .login_address(client_key(&client))
        .map_err(|r| ApiError::too_many(r, "too many failed sign-ins from this network"))?;
    let body: LoginBody =
        match read_json(&state, &headers, body, SMALL_BODY_BYTES, r#"{"username": "...", "password": "..."}"#).await {
            Ok(b) => b,
            Err(e) => {
                address.give_back();
                return Err(e);
            }
        };
    // The account is found by its name trimmed (as the storage looks it up), so the lockout
    // counts by that same spelling: " supA" must not be a fresh account to guess at.
    let body = LoginBody { username: body.username.trim().to_string(), ..body };
    // Refused while the account waits, whatever the password: the address's attempt counts.
    let account = state
        .throttle
        .login_account(&body.username)
        .map_err(|r| ApiError::too_many(r, "too many failed sign-ins for this account"))?;
    let answer = hashing(&state, move |s| {
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
            return Ok(None);
        };
        let token = auth::new_token();
        let expires_at = now_millis() + 12 * 3_600_000;
        s.storage().create_session(user.id, &auth::secret_hash(&token), expires_at)?;
        Ok(Some(LoginAnswer { token, expires_at, user }))
    })
    .await;
    match answer {
        Ok(Some(a)) => {
            account.succeeded();
            address.give_back();
            Ok(Json(a))
        }
        // Both attempts stay counted.
        Ok(None) => Err(ApiError::new(StatusCode::UNAUTHORIZED, "bad_login", "wrong username or password")),
        // Busy, or the server failed: no password was judged, nothing counts.
        Err(e) => {
            account.void();
            address.give_back();
            Err(e)
        }
    }
}

/// Who the caller is, and the compounds it reaches.
#[derive(Serialize, ToSchema)]
pub(super) struct MeAnswer {
    /// `device` for a device token, `user` for a sign-in token.
    #[schema(schema_with = openapi::principal_kind)]
    principal: &'static str,
    /// The account, for a sign-in token; `null` for a device.
    #[schema(value_type = Option<openapi::UserDoc>)]
    user: Option<User>,
    /// The device's steward; `null` for a sign-in token.
    steward_id: Option<Uuid>,
    /// The compounds the caller reaches: a device its steward's one, an admin every one.
    compound_ids: Vec<Uuid>,
}

#[utoipa::path(
    get, path = "/v1/me", tag = "session",
    summary = "Who the token belongs to",
    description = "Takes a device token or a sign-in token.",
    responses(
        (status = 200, description = "The caller.", body = MeAnswer),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden_document`: the account has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("device_token" = []), ("session_token" = []))
)]
pub(super) async fn me(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Json<MeAnswer>> {
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
