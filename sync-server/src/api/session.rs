//! Signing in, and who the caller is.

use super::*;

/// The body of `POST /v1/login`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct LoginBody {
    username: String,
    #[schema(format = Password)]
    password: String,
    /// `true` for a browser (the console): the session goes in an HttpOnly, SameSite=Strict
    /// cookie (`rs_session`, Secure when the request came through https) and `token` is empty,
    /// so no script on the page can read it. Absent: a bearer token for scripts.
    #[serde(default)]
    cookie: bool,
}

/// A signed-in account and its token.
#[derive(Serialize, ToSchema)]
pub(super) struct LoginAnswer {
    /// The bearer token for the account's requests: `Authorization: Bearer <token>`; empty when
    /// the session was asked for as a cookie.
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
        (status = 200, description = "Signed in.", body = LoginAnswer,
            headers(("Set-Cookie" = String, description = "With `cookie: true`: `rs_session=<token>; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200` (and `Secure` behind https)."))),
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
) -> ApiResult<Response> {
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
    let cookie = body.cookie;
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
        let expires_at = now_millis() + SESSION_SECONDS as i64 * 1000;
        s.storage().create_session(user.id, &auth::secret_hash(&token), expires_at)?;
        Ok(Some(LoginAnswer { token, expires_at, user }))
    })
    .await;
    match answer {
        Ok(Some(a)) => {
            account.succeeded();
            address.give_back();
            if cookie {
                let set = session_cookie(&headers, &a.token, SESSION_SECONDS);
                return Ok(
                    ([(header::SET_COOKIE, set)], Json(LoginAnswer { token: String::new(), ..a })).into_response()
                );
            }
            Ok(Json(a).into_response())
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

/// How long a sign-in lasts.
const SESSION_SECONDS: u64 = 12 * 3600;

/// The `Set-Cookie` value of a console session: HttpOnly (no script reads it), SameSite=Strict
/// (no other site's page sends it), Secure when the request came through https (as the proxy in
/// front says: a client claiming it only makes the cookie stricter). `max_age` 0 clears it.
fn session_cookie(headers: &HeaderMap, token: &str, max_age: u64) -> String {
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    let secure = if https { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}")
}

#[utoipa::path(
    post, path = "/v1/logout", tag = "session",
    summary = "Sign out",
    description = "Ends the session of the token or cookie the request carries, and clears the cookie.",
    responses(
        (status = 204, description = "Signed out.",
            headers(("Set-Cookie" = String, description = "`rs_session=; …; Max-Age=0`: the cookie cleared."))),
        (status = 401, response = openapi::Unauthorized),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let token = credential(&headers).ok_or_else(ApiError::unauthorized)?;
    let hash = auth::secret_hash(&token);
    let ended = blocking(&state, move |s| Ok(s.storage().end_session(&hash)?)).await?;
    if !ended {
        return Err(ApiError::unauthorized());
    }
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, session_cookie(&headers, "", 0))]).into_response())
}

/// The body of `POST /v1/me/password`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PasswordBody {
    #[schema(format = Password)]
    current_password: String,
    /// 10 to 200 characters.
    #[schema(format = Password)]
    new_password: String,
}

#[utoipa::path(
    post, path = "/v1/me/password", tag = "session",
    summary = "Change one's own password",
    description = "Needs the current password (failures count towards the account's attempt limit, as at sign-in). Every other session of the account ends; this one goes on.",
    request_body(content = PasswordBody, description = "JSON, at most 4 KiB."),
    responses(
        (status = 204, description = "Changed."),
        (status = 400, description = "`bad_request`: the body is not this JSON, or the new password is shorter than 10 or longer than 200 characters.", body = openapi::ErrorDoc),
        (status = 401, description = "`unauthorized`, or `bad_login`: the current password is wrong.", body = openapi::ErrorDoc),
        (status = 403, description = "`forbidden`: a device token.", body = openapi::ErrorDoc),
        (status = 429, description = "`too_many_attempts`: too many wrong passwords for this account.", body = openapi::ErrorDoc,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<StatusCode> {
    let u = user(&state, &headers).await?;
    let token = credential(&headers).ok_or_else(ApiError::unauthorized)?;
    let body: PasswordBody =
        read_json(&state, &headers, body, SMALL_BODY_BYTES, r#"{"current_password": "...", "new_password": "..."}"#)
            .await?;
    let length = body.new_password.chars().count();
    if !(10..=200).contains(&length) {
        return Err(ApiError::bad_request("the new password must have 10 to 200 characters"));
    }
    let account = state
        .throttle
        .login_account(&u.username)
        .map_err(|r| ApiError::too_many(r, "too many wrong passwords for this account"))?;
    let keep = auth::secret_hash(&token);
    let changed = hashing(&state, move |s| {
        let Some((_, stored)) = s.storage().user_by_name(&u.username)? else { return Ok(false) };
        if !auth::verify_password(&body.current_password, &stored) {
            return Ok(false);
        }
        let hash = auth::hash_password(&body.new_password).map_err(ServiceError::Internal)?;
        s.storage().set_password(u.id, &hash, Some(&keep))?;
        Ok(true)
    })
    .await;
    match changed {
        Ok(true) => {
            account.succeeded();
            Ok(StatusCode::NO_CONTENT)
        }
        Ok(false) => Err(ApiError::new(StatusCode::UNAUTHORIZED, "bad_login", "the current password is wrong")),
        Err(e) => {
            account.void();
            Err(e)
        }
    }
}
