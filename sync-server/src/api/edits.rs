//! Supervisors' and property companies' edits: issue status and comments, must-visits,
//! assignments, deadlines, plans. Each becomes an Automerge change by the server's actor.

use super::*;

//
// A record that does not exist, is of another kind, or is outside the caller's place gets one
// answer per endpoint (`404 not_found` with the words below), so that no answer tells what
// lies in another compound. Roles are refused before any record is looked up.

const NO_ISSUE: &str = "no such issue in your place";
const NO_HOUSEHOLD: &str = "no such household in your place";
const NO_COMPOUND: &str = "no such compound in your place";
const NO_STEWARD: &str = "no such steward in your place";
const NO_STEWARD_OF_COMPOUND: &str =
    "no such steward in the household's compound: a household goes only to a steward of its own compound";
const PLAN_OUTSIDE: &str = "a plan names only households of the steward's compound";

fn role_of(u: &User) -> PartyRole {
    match u.role {
        Role::Property => PartyRole::PropertyCompany,
        _ => PartyRole::Supervisor,
    }
}

/// A document of `kind` in the user's place, or `not found` in the endpoint's words.
fn in_place(s: &Service, u: &User, meta: &DocMeta, kind: DocKind, missing: &str) -> Result<(), ServiceError> {
    if meta.kind == kind && s.reaches(u, meta.compound_id)? {
        Ok(())
    } else {
        Err(ServiceError::NotFound(missing.into()))
    }
}

/// Any `not found` of an edit (the document vanished meanwhile) in the endpoint's words.
fn alike(missing: &'static str) -> impl Fn(ServiceError) -> ServiceError {
    move |e| match e {
        ServiceError::NotFound(_) => ServiceError::NotFound(missing.into()),
        e => e,
    }
}

/// For a property company, an issue outside its duty is as good as absent, unless it passed
/// the matter on itself: then it may comment, while the community moves it (`moving`). Checked
/// on the document being edited, so a route changed meanwhile is seen.
fn within_duty(u: &User, d: &automerge::Automerge, moving: bool) -> Result<(), steward_core::Error> {
    if u.role != Role::Property {
        return Ok(());
    }
    match doc::project(d)? {
        Projection::Issue(i) if i.route == IssueRoute::PropertyDuty => Ok(()),
        Projection::Issue(i) if i.origin == steward_core::model::IssueOrigin::PropertyCompany => {
            if moving {
                Err(steward_core::Error::Invalid(
                    "a matter the property company passed on is coordinated by the community: the company comments, \
the community moves it"
                        .into(),
                ))
            } else {
                Ok(())
            }
        }
        _ => Err(steward_core::Error::NotFound(NO_ISSUE.into())),
    }
}

/// The body of `POST /v1/issues/{id}/status`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct StatusBody {
    #[schema(schema_with = openapi::issue_status)]
    status: IssueStatus,
    /// Said with the move; empty by default.
    #[serde(default)]
    comment: String,
}

#[utoipa::path(
    post, path = "/v1/issues/{id}/status", tag = "edits",
    summary = "Move an issue to another status",
    description = "By a supervisor, an admin, or a property company for an issue within its duty; the moves each role may make are in docs/documents.md, section 9. The answer is the issue's new projection.",
    params(
        ("id" = Uuid, Path, description = "The issue's id."),
    ),
    request_body(content = StatusBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 200, description = "The issue's projection after the move.", body = openapi::Projection),
        (status = 400, description = "`bad_request`: the id is not a uuid, or the body is not `{\"status\": …, \"comment\": …}`.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such issue in your place (also for one outside it, or outside a property company's duty).", body = openapi::ErrorDoc),
        (status = 408, response = openapi::BodyTimeout),
        (status = 409, description = "`conflict`: the document kept changing meanwhile; send it again.",
            body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 422, description = "`invalid_document`: the edit breaks a rule of the program (a move not allowed from the issue's status or for the caller's role, a comment over its limit).",
            body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn issue_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<Projection>> {
    let u = user(&state, &headers).await?;
    let id = path_id("issue", &id)?;
    let body: StatusBody =
        read_json(&state, &headers, body, JSON_BODY_BYTES, r#"{"status": "...", "comment": "..."}"#).await?;
    let p = blocking(&state, move |s| {
        let role = role_of(&u);
        Ok(s.edit(
            id,
            |m| in_place(s, &u, m, DocKind::Issue, NO_ISSUE),
            |d| {
                within_duty(&u, d, true)?;
                doc::set_issue_status(d, Uuid::new_v4(), body.status, &body.comment, u.id, role, now_millis())
            },
        )
        .map_err(alike(NO_ISSUE))?)
    })
    .await?;
    Ok(Json(p))
}

/// The body of `POST /v1/issues/{id}/comments`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CommentBody {
    text: String,
}

#[utoipa::path(
    post, path = "/v1/issues/{id}/comments", tag = "edits",
    summary = "Comment on an issue",
    description = "By a supervisor, an admin, or a property company for an issue within its duty.",
    params(
        ("id" = Uuid, Path, description = "The issue's id."),
    ),
    request_body(content = CommentBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 200, description = "The issue's projection with the comment.", body = openapi::Projection),
        (status = 400, description = "`bad_request`: the id is not a uuid, or the body is not `{\"text\": …}`.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such issue in your place (also for one outside it, or outside a property company's duty).", body = openapi::ErrorDoc),
        (status = 408, response = openapi::BodyTimeout),
        (status = 409, description = "`conflict`: the document kept changing meanwhile; send it again.",
            body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 422, description = "`invalid_document`: the edit breaks a rule of the program (an empty text or one over its limit).",
            body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn issue_comment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<Projection>> {
    let u = user(&state, &headers).await?;
    let id = path_id("issue", &id)?;
    let body: CommentBody = read_json(&state, &headers, body, JSON_BODY_BYTES, r#"{"text": "..."}"#).await?;
    let p = blocking(&state, move |s| {
        let role = role_of(&u);
        Ok(s.edit(
            id,
            |m| in_place(s, &u, m, DocKind::Issue, NO_ISSUE),
            |d| {
                within_duty(&u, d, false)?;
                doc::comment_issue(d, Uuid::new_v4(), &body.text, u.id, role, now_millis())
            },
        )
        .map_err(alike(NO_ISSUE))?)
    })
    .await?;
    Ok(Json(p))
}

/// The body of `POST /v1/households/{id}/must-visits`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct MustVisitBody {
    #[schema(schema_with = openapi::must_visit_trigger)]
    trigger: MustVisitTrigger,
    /// When the need arose, in milliseconds since the Unix epoch; now by default.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    date: Option<Millis>,
    /// Empty by default.
    #[serde(default)]
    note: String,
}

#[utoipa::path(
    post, path = "/v1/households/{id}/must-visits", tag = "edits",
    summary = "Raise a must-visit (五必访) on a household",
    description = "By a supervisor or an admin; it reaches the steward's phone by sync.",
    params(
        ("id" = Uuid, Path, description = "The household's id."),
    ),
    request_body(content = MustVisitBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 200, description = "The household's projection with the must-visit.", body = openapi::Projection),
        (status = 400, description = "`bad_request`: the id is not a uuid, or the body is not `{\"trigger\": …, \"date\": …, \"note\": …}`.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company (it acts on issues only).", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such household in your place (also for one outside it).", body = openapi::ErrorDoc),
        (status = 408, response = openapi::BodyTimeout),
        (status = 409, description = "`conflict`: the document kept changing meanwhile; send it again.",
            body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 422, description = "`invalid_document`: the edit breaks a rule of the program (a date out of range, a note over its limit).",
            body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn raise_must_visit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<Projection>> {
    let u = supervisor(&state, &headers).await?;
    let id = path_id("household", &id)?;
    let body: MustVisitBody =
        read_json(&state, &headers, body, JSON_BODY_BYTES, r#"{"trigger": "...", "date": 0, "note": "..."}"#).await?;
    let p = blocking(&state, move |s| {
        let m = NewMustVisit {
            id: Uuid::new_v4(),
            trigger: body.trigger,
            date: body.date.unwrap_or_else(now_millis),
            note: body.note,
            raised_by: u.id,
        };
        Ok(s.edit(id, |meta| in_place(s, &u, meta, DocKind::Household, NO_HOUSEHOLD), |d| doc::raise_must_visit(d, &m))
            .map_err(alike(NO_HOUSEHOLD))?)
    })
    .await?;
    Ok(Json(p))
}

/// The body of `POST /v1/compounds/{id}/holiday-must-visits`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct HolidayBody {
    /// The holiday, in milliseconds since the Unix epoch; now by default.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    date: Option<Millis>,
    /// Empty by default.
    #[serde(default)]
    note: String,
}

/// How many households got the holiday must-visit.
#[derive(Serialize, ToSchema)]
pub(super) struct HolidayAnswer {
    raised: u32,
}

#[utoipa::path(
    post, path = "/v1/compounds/{id}/holiday-must-visits", tag = "edits",
    summary = "Raise the holiday must-visit on every household of a compound",
    description = "By a supervisor or an admin: one `major_holiday` must-visit per household of the compound.",
    params(
        ("id" = Uuid, Path, description = "The compound's id."),
    ),
    request_body(content = HolidayBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 200, description = "How many households got it.", body = HolidayAnswer),
        (status = 400, description = "`bad_request`: the id is not a uuid, or the body is not `{\"date\": …, \"note\": …}`.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company (it acts on issues only).", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such compound in your place (also for an id that is no compound).", body = openapi::ErrorDoc),
        (status = 408, response = openapi::BodyTimeout),
        (status = 409, description = "`conflict`: the document kept changing meanwhile; send it again.",
            body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 422, description = "`invalid_document`: the edit breaks a rule of the program (a date out of range, a note over its limit).",
            body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn holiday_must_visits(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<HolidayAnswer>> {
    let u = supervisor(&state, &headers).await?;
    let compound = path_id("compound", &id)?;
    let body: HolidayBody = read_json(&state, &headers, body, JSON_BODY_BYTES, r#"{"date": 0, "note": "..."}"#).await?;
    let raised = blocking(&state, move |s| {
        let is_compound = s.storage().place(compound)?.is_some_and(|p| p.kind == crate::storage::PlaceKind::Compound);
        if !is_compound || !s.reaches(&u, compound)? {
            return Err(ServiceError::NotFound(NO_COMPOUND.into()).into());
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
            s.edit(
                h,
                |meta| in_place(s, &u, meta, DocKind::Household, NO_HOUSEHOLD),
                |d| doc::raise_must_visit(d, &m),
            )?;
            raised += 1;
        }
        Ok(raised)
    })
    .await?;
    Ok(Json(HolidayAnswer { raised }))
}

/// The body of `POST /v1/households/{id}/assign`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct AssignBody {
    /// A steward, or `null` to unassign. The key is required: a body without it (`{}`, a
    /// misspelt key) is a 400, never a silent unassignment.
    // (serde would read a missing `Option` as `None`; a `deserialize_with` field has no such
    // default.)
    #[serde(deserialize_with = "nullable")]
    #[schema(required = true)]
    steward_id: Option<Uuid>,
}

fn nullable<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

#[utoipa::path(
    post, path = "/v1/households/{id}/assign", tag = "edits",
    summary = "Assign a household to a steward, or unassign it",
    description = "By a supervisor or an admin. The household leaves the old steward's phone and arrives whole on the new one's at their next sync. `{\"steward_id\": null}` unassigns; the key is required.",
    params(
        ("id" = Uuid, Path, description = "The household's id."),
    ),
    request_body(content = AssignBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 200, description = "The household's projection after the change.", body = openapi::Projection),
        (status = 400, description = "`bad_request`: the id is not a uuid, or the body is not `{\"steward_id\": \"<uuid>\"}` or `{\"steward_id\": null}`.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company (it acts on issues only).", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such household in your place, or no such steward in the household's compound.", body = openapi::ErrorDoc),
        (status = 408, response = openapi::BodyTimeout),
        (status = 409, description = "`conflict`: the document kept changing meanwhile; send it again.",
            body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 422, description = "`invalid_document`: the edit breaks a rule of the program.",
            body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn assign_household(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<Projection>> {
    let u = supervisor(&state, &headers).await?;
    let id = path_id("household", &id)?;
    let body: AssignBody =
        read_json(&state, &headers, body, JSON_BODY_BYTES, r#"{"steward_id": "<uuid>"} or {"steward_id": null}"#)
            .await?;
    let p = blocking(&state, move |s| {
        let meta = s.storage().doc_meta(id)?.ok_or_else(|| ServiceError::NotFound(NO_HOUSEHOLD.into()))?;
        in_place(s, &u, &meta, DocKind::Household, NO_HOUSEHOLD)?;
        let steward_compound = match body.steward_id {
            None => None,
            Some(st) => match s.storage().steward(st)? {
                Some(steward) if steward.compound_id == meta.compound_id => Some(steward.compound_id),
                _ => return Err(ServiceError::NotFound(NO_STEWARD_OF_COMPOUND.into()).into()),
            },
        };
        Ok(s.edit(
            id,
            |meta| {
                in_place(s, &u, meta, DocKind::Household, NO_HOUSEHOLD)?;
                match steward_compound {
                    Some(c) if c != meta.compound_id => Err(ServiceError::NotFound(NO_STEWARD_OF_COMPOUND.into())),
                    _ => Ok(()),
                }
            },
            |d| doc::assign_household(d, body.steward_id, now_millis()),
        )
        .map_err(alike(NO_HOUSEHOLD))?)
    })
    .await?;
    Ok(Json(p))
}

/// Minutes per kind of timely response, e.g. `{"urgent_help": 720}`; an unknown kind is a 400.
#[derive(Deserialize)]
#[serde(transparent)]
pub(super) struct DeadlinesBody {
    minutes: std::collections::BTreeMap<TimelyKind, u32>,
}

#[utoipa::path(
    put, path = "/v1/compounds/{id}/deadlines", tag = "edits",
    summary = "Set a compound's deadlines for timely responses (四及时)",
    description = "By a supervisor or an admin; the compound's stewards read them by sync.",
    params(
        ("id" = Uuid, Path, description = "The compound's id."),
    ),
    request_body(content = DeadlinesBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 200, description = "The compound's projection with its deadlines.", body = openapi::Projection),
        (status = 400, description = "`bad_request`: the id is not a uuid, or the body is not a map from timely kind to minutes (an unknown kind).", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company (it acts on issues only).", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such compound in your place.", body = openapi::ErrorDoc),
        (status = 408, response = openapi::BodyTimeout),
        (status = 409, description = "`conflict`: the document kept changing meanwhile; send it again.",
            body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 422, description = "`invalid_document`: the edit breaks a rule of the program (a deadline out of range).",
            body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn set_deadlines(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<Projection>> {
    let u = supervisor(&state, &headers).await?;
    let id = path_id("compound", &id)?;
    let body: DeadlinesBody = read_json(&state, &headers, body, JSON_BODY_BYTES, r#"{"urgent_help": 720}"#).await?;
    let p = blocking(&state, move |s| {
        let policy = DeadlinePolicy { minutes: body.minutes };
        Ok(s.edit(
            id,
            |meta| in_place(s, &u, meta, DocKind::Compound, NO_COMPOUND),
            |d| doc::set_deadlines(d, &policy, now_millis()),
        )
        .map_err(alike(NO_COMPOUND))?)
    })
    .await?;
    Ok(Json(p))
}

/// The body of `PUT /v1/plans/{steward_id}/{month}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PlanBody {
    /// Every household of the month's plan, all of the steward's compound; the plan becomes
    /// exactly these.
    households: Vec<Uuid>,
}

#[utoipa::path(
    put, path = "/v1/plans/{steward_id}/{month}", tag = "edits",
    summary = "Set a steward's visit plan for a month",
    description = "By a supervisor or an admin. The plan becomes exactly the households given; it is created if the month has none. The program asks for 10–20 households a month (the visits report flags others).",
    params(
        ("steward_id" = Uuid, Path, description = "The steward's id."),
        ("month" = String, Path, pattern = "^[0-9]{4}-[0-9]{2}$", example = "2026-11",
            description = "The month, YYYY-MM (2000–2099)."),
    ),
    request_body(content = PlanBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 200, description = "The plan's projection.", body = openapi::Projection),
        (status = 400, description = "`bad_request`: the steward id is not a uuid, the month is not YYYY-MM, the body is not `{\"households\": [\"<uuid>\", …]}`, or a household is not of the steward's compound.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company (it acts on issues only).", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such steward in your place.", body = openapi::ErrorDoc),
        (status = 408, response = openapi::BodyTimeout),
        (status = 409, description = "`conflict`: the document kept changing meanwhile; send it again.",
            body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 422, description = "`invalid_document`: the edit breaks a rule of the program.",
            body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn set_plan(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((steward_id, month)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Json<Projection>> {
    let u = supervisor(&state, &headers).await?;
    let steward_id = path_id("steward", &steward_id)?;
    let month: Month = month.parse().map_err(|e: steward_core::Error| ApiError::bad_request(e.to_string()))?;
    let body: PlanBody = read_json(&state, &headers, body, JSON_BODY_BYTES, r#"{"households": ["<uuid>"]}"#).await?;
    let p = blocking(&state, move |s| {
        let steward = match s.storage().steward(steward_id)? {
            Some(st) if s.reaches(&u, st.compound_id)? => st,
            _ => return Err(ServiceError::NotFound(NO_STEWARD.into()).into()),
        };
        for h in &body.households {
            let ours = s
                .storage()
                .doc_meta(*h)?
                .is_some_and(|m| m.kind == DocKind::Household && m.compound_id == steward.compound_id);
            if !ours {
                return Err(ApiError::bad_request(PLAN_OUTSIDE));
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
            |meta| in_place(s, &u, meta, DocKind::Plan, NO_STEWARD),
            |d| {
                let current = match doc::project(d)? {
                    Projection::Plan(p) => p.households,
                    _ => Vec::new(),
                };
                let remove: Vec<Uuid> = current.iter().filter(|h| !wanted.contains(h)).copied().collect();
                doc::plan_households(d, &wanted, &remove, u.id, now_millis())
            },
        )
        .map_err(alike(NO_STEWARD))?)
    })
    .await?;
    Ok(Json(p))
}
