//! Signing in, and who the caller is.

use super::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LoginBody {
    username: String,
    password: String,
}

#[derive(Serialize)]
pub(super) struct LoginAnswer {
    token: String,
    expires_at: Millis,
    user: User,
}

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

#[derive(Serialize)]
pub(super) struct MeAnswer {
    principal: &'static str,
    user: Option<User>,
    steward_id: Option<Uuid>,
    compound_ids: Vec<Uuid>,
}

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
