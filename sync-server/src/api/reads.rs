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

pub(super) async fn stewards(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Json<Vec<crate::storage::Steward>>> {
    let u = user(&state, &headers).await?;
    let list = blocking(&state, move |s| {
        if !Service::reads_households(&u) {
            return Err(ApiError::forbidden("a property company sees the issues in its duty, not the stewards' lists"));
        }
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
}

#[derive(Serialize)]
pub(super) struct PullAnswer {
    /// Pass back as `since` to get only what changed after this answer.
    cursor: String,
    docs: Vec<serde_json::Value>,
}

pub(super) async fn pull(
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
        let cursor = s.storage().max_seq()?;
        let rows = s.readable(&u, since)?;
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

