//! Selecting a steward (选任流程) for the console. The staff of the steps — the compound's branch
//! (a supervisor of the compound) and the community's staff (a supervisor of its community) —
//! enter applications, take each step and print the public notice; they alone read an
//! applicant's personal data, and every read of it is in the access log. Anyone else who reads
//! the console (town and district staff, admins) sees how many applications stand at each step,
//! by compound, without a name. A property company sees nothing of it.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::*;
use crate::selection::{self, Action, Actor, Applicant, Application, Duty, Refused, Stage, When};
use crate::storage::{Place, PlaceKind, Steward};

const NO_APPLICATION: &str = "no such application in your place";
const STAFF_ONLY: &str = "an applicant's personal data is seen only by the staff of the steps: the compound's party \
branch and the community's staff";

impl From<Refused> for ApiError {
    fn from(e: Refused) -> Self {
        match e {
            Refused::Field(f, m) => ApiError::field(f, m),
            Refused::WrongStep(m) => ApiError::new(StatusCode::CONFLICT, "wrong_step", m),
            Refused::NotYours(m) => ApiError::forbidden(m),
        }
    }
}

/// The compounds whose applications `u` handles: a compound's supervisor their compound, a
/// community's supervisor its compounds. Anyone else is refused by role and place alone,
/// before any application is looked up.
fn staff_scope(s: &Service, u: &User) -> ApiResult<Vec<Uuid>> {
    let place = match (u.role, u.place_id) {
        (Role::Supervisor, Some(p)) => s.storage().place(p)?,
        _ => None,
    };
    match place {
        Some(p) if p.kind == PlaceKind::Compound => Ok(vec![p.id]),
        Some(p) if p.kind == PlaceKind::Community => Ok(s.compounds_under(p.id)?),
        _ => Err(ApiError::forbidden(STAFF_ONLY)),
    }
}

/// The caller's duty for an application: the branch of its compound, or its community's staff.
fn duty_of(u: &User, a: &Application) -> Option<Duty> {
    duty_at(u, a.compound_id, a.community_id)
}

/// The caller's duty for an application of `compound` in `community`.
fn duty_at(u: &User, compound: Uuid, community: Uuid) -> Option<Duty> {
    match u.place_id {
        Some(p) if p == compound => Some(Duty::Branch),
        Some(p) if p == community => Some(Duty::Community),
        _ => None,
    }
}

fn actor(u: &User, duty: Option<Duty>) -> Actor {
    Actor { id: u.id, name: u.username.clone(), duty }
}

fn when(s: &Service) -> When {
    let at = now_millis();
    let today = s.zone().local(at).map(|t| t.date()).unwrap_or(NaiveDate::MIN);
    When { today, at }
}

/// The application, if it is one of `u`'s.
fn staffed(s: &Service, u: &User, id: Uuid) -> ApiResult<Application> {
    let scope = staff_scope(s, u)?;
    match s.storage().application(id)? {
        Some(a) if scope.contains(&a.compound_id) => Ok(a),
        _ => Err(ServiceError::NotFound(NO_APPLICATION.into()).into()),
    }
}

fn place_names(s: &Service) -> ApiResult<BTreeMap<Uuid, String>> {
    Ok(s.storage().places()?.into_iter().map(|p| (p.id, p.name)).collect())
}

/// An application as its staff read it: the whole record, with names and what they may do.
#[derive(Debug, Serialize)]
pub(super) struct ApplicationAnswer {
    #[serde(flatten)]
    application: Application,
    compound: String,
    community: String,
    stage_zh: &'static str,
    /// Whose step it is (`branch`, `community`), none once ended.
    duty: Option<Duty>,
    duty_zh: Option<&'static str>,
    /// The caller's own duty for it.
    my_duty: Option<Duty>,
    /// The steps the caller may take now.
    offered: Vec<&'static str>,
    /// The applicant's age today.
    age: Option<i32>,
}

fn answer(s: &Service, u: &User, a: Application) -> ApiResult<ApplicationAnswer> {
    let names = place_names(s)?;
    let today = when(s).today;
    let my_duty = duty_of(u, &a);
    Ok(ApplicationAnswer {
        compound: names.get(&a.compound_id).cloned().unwrap_or_default(),
        community: names.get(&a.community_id).cloned().unwrap_or_default(),
        stage_zh: a.stage.label_zh(),
        duty: a.stage.duty(),
        duty_zh: a.stage.duty().map(Duty::label_zh),
        offered: selection::offered(&a, my_duty, today),
        age: selection::age(&a.applicant.birth_date, today),
        my_duty,
        application: a,
    })
}

/// One line of the staff's list.
#[derive(Debug, Serialize)]
struct ApplicationRow {
    id: Uuid,
    compound_id: Uuid,
    compound: String,
    name: String,
    gender: selection::Gender,
    age: Option<i32>,
    political_status: selection::PoliticalStatus,
    applied_on: String,
    stage: Stage,
    stage_zh: &'static str,
    duty: Option<Duty>,
    /// The caller has a step to take (an appointed one whose kit is all handed out: none).
    mine: bool,
    updated_at: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ListQuery {
    #[serde(default)]
    stage: Option<String>,
}

#[utoipa::path(
    get, path = "/v1/selection/applications", tag = "selection",
    summary = "Applications for the steward's post (选任), for the staff of the steps",
    description = "The applications of the caller's compound (a compound's branch) or community (its staff), latest \
change first, each with whose step it is and `mine` when it is the caller's. Personal data: in the access log. Anyone \
but the staff of the steps is refused (`GET /v1/selection/summary` counts them without names).",
    params(("stage" = Option<String>, Query, description = "Only this stage: `recommendation`, `branch_review`, \
`community_review`, `departments`, `to_notice`, `notice`, `appointed`, `refused`.")),
    responses(
        (status = 200, description = "The applications.", body = Object),
        (status = 400, description = "`invalid_field`: `stage` is not a stage.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: not staff of the steps (a town's or district's supervisor, an admin, a property company, a device).", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn applications(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let u = user(&state, &headers).await?;
    let stage = match q.stage.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(Stage::from_code(v).ok_or_else(|| ApiError::field("stage", format!("{v:?} is not a stage")))?),
    };
    let rows = blocking(&state, move |s| {
        let scope = staff_scope(s, &u)?;
        let names = place_names(s)?;
        let today = when(s).today;
        let rows: Vec<ApplicationRow> = s
            .storage()
            .applications(Some(&scope))?
            .into_iter()
            .filter(|a| stage.is_none_or(|st| a.stage == st))
            .map(|a| ApplicationRow {
                id: a.id,
                compound_id: a.compound_id,
                compound: names.get(&a.compound_id).cloned().unwrap_or_default(),
                age: selection::age(&a.applicant.birth_date, today),
                mine: !selection::offered(&a, duty_of(&u, &a), today).is_empty(),
                name: a.applicant.name,
                gender: a.applicant.gender,
                political_status: a.applicant.political_status,
                applied_on: a.applied_on,
                stage: a.stage,
                stage_zh: a.stage.label_zh(),
                duty: a.stage.duty(),
                updated_at: a.updated_at,
            })
            .collect();
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        s.storage().log_access(&u, "selection: applications", &ids, now_millis())?;
        Ok(rows)
    })
    .await?;
    Ok(Json(serde_json::json!({ "total": rows.len(), "applications": rows })))
}

#[utoipa::path(
    get, path = "/v1/selection/summary", tag = "selection",
    summary = "How many applications stand at each step, by compound, without names",
    description = "For every supervisor and admin within their place: counts only, no personal data.",
    responses(
        (status = 200, description = "`{stages: [{stage, stage_zh}], compounds: [{compound_id, compound, community, counts: {stage: n}, total}], total}`.", body = Object),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token or a property company; `forbidden_document`: the account has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn summary(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Json<serde_json::Value>> {
    let u = supervisor(&state, &headers).await?;
    let json = blocking(&state, move |s| {
        let compounds = s.reach(&u, None)?;
        let places: BTreeMap<Uuid, Place> = s.storage().places()?.into_iter().map(|p| (p.id, p)).collect();
        let mut by: BTreeMap<Uuid, BTreeMap<&'static str, u32>> = BTreeMap::new();
        let all = s.storage().applications(compounds.as_deref())?;
        for a in &all {
            *by.entry(a.compound_id).or_default().entry(a.stage.as_code()).or_default() += 1;
        }
        let name = |id: &Uuid| places.get(id).map(|p| p.name.clone()).unwrap_or_default();
        let rows: Vec<serde_json::Value> = by
            .iter()
            .map(|(compound, counts)| {
                let community = places.get(compound).and_then(|p| p.parent_id);
                serde_json::json!({
                    "compound_id": compound,
                    "compound": name(compound),
                    "community_id": community,
                    "community": community.as_ref().map(name).unwrap_or_default(),
                    "counts": counts,
                    "total": counts.values().sum::<u32>(),
                })
            })
            .collect();
        let stages: Vec<serde_json::Value> = Stage::ALL
            .iter()
            .map(|st| serde_json::json!({ "stage": st.as_code(), "stage_zh": st.label_zh() }))
            .collect();
        Ok(serde_json::json!({ "stages": stages, "compounds": rows, "total": all.len() }))
    })
    .await?;
    Ok(Json(json))
}

/// The body of `POST /v1/selection/applications`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ApplicationBody {
    /// The compound the applicant lives in and would serve.
    compound_id: Uuid,
    /// The day of the self-application (自荐申请), YYYY-MM-DD: today or up to 90 days ago.
    applied_on: String,
    /// `{name, gender (male|female), birth_date (YYYY-MM-DD, 18 to 75 years old), phone, address,
    /// political_status (party_member|league_member|democratic_party|masses), occupation, statement}`.
    #[schema(value_type = Object)]
    applicant: Applicant,
}

#[utoipa::path(
    post, path = "/v1/selection/applications", tag = "selection",
    summary = "Enter a self-application (自荐申请) for the steward's post",
    description = "By the compound's branch or the community's staff, for a compound of theirs. The application then \
waits for the grid worker's recommendation.",
    request_body(content = ApplicationBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 201, description = "The application, as `GET /v1/selection/applications/{id}` gives it.", body = Object),
        (status = 400, description = "`bad_request`, or `invalid_field` naming the field (`applied_on`, `name`, `birth_date`, `phone`, `address`, `occupation`, `statement`).", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: not staff of the steps.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such compound in your place.", body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn create_application(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<ApplicationAnswer>)> {
    let u = user(&state, &headers).await?;
    let b: ApplicationBody = read_json(
        &state,
        &headers,
        body,
        JSON_BODY_BYTES,
        r#"{"compound_id": "<uuid>", "applied_on": "2026-12-01", "applicant": {"name": "...", "gender": "female", "birth_date": "1970-01-01", "phone": "...", "address": "...", "political_status": "party_member", "occupation": "", "statement": "..."}}"#,
    )
    .await?;
    let answer = blocking(&state, move |s| {
        let scope = staff_scope(s, &u)?;
        if !scope.contains(&b.compound_id) {
            return Err(ServiceError::NotFound("no such compound in your place".into()).into());
        }
        let compound =
            s.storage().place(b.compound_id)?.ok_or_else(|| ServiceError::NotFound("no such compound".into()))?;
        let community =
            compound.parent_id.ok_or_else(|| ServiceError::BadRequest("the compound has no community".into()))?;
        let duty = duty_at(&u, compound.id, community);
        let a =
            selection::new_application(compound.id, community, &b.applicant, &b.applied_on, &actor(&u, duty), when(s))?;
        s.storage().create_application(&a)?;
        s.storage().log_access(&u, "selection: application entered", &[a.id], now_millis())?;
        tracing::info!(application = %a.id, by = %u.id, "selection application entered");
        answer(s, &u, a)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

#[utoipa::path(
    get, path = "/v1/selection/applications/{id}", tag = "selection",
    summary = "One application, whole: the applicant, every step taken, and what the caller may do now",
    params(("id" = Uuid, Path, description = "The application's id.")),
    responses(
        (status = 200, description = "The application, with `version` (send it with the next step), `stage`, `duty`, `offered` (the steps the caller may take) and `steps` (who did what, when).", body = Object),
        (status = 400, response = openapi::BadId),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: not staff of the steps.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such application in your place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn application(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<ApplicationAnswer>> {
    let u = user(&state, &headers).await?;
    let id = path_id("application", &id)?;
    let answer = blocking(&state, move |s| {
        let a = staffed(s, &u, id)?;
        s.storage().log_access(&u, "selection: application", &[a.id], now_millis())?;
        answer(s, &u, a)
    })
    .await?;
    Ok(Json(answer))
}

/// The body of `POST /v1/selection/applications/{id}/steps`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct StepBody {
    /// The application's `version` as last read: a step taken on an older one is refused (`409 stale`).
    version: u32,
    /// The step, by `step`: `recommend {grid_worker, opinion}`, `branch_review {opinion}`, `community_review
    /// {opinion}`, `department {department (discipline|police|court|petitions|tax|market_regulation), date, clear,
    /// note}`, `notice {starts_on, ends_on, contact}`, `objection {received_on, text, upheld, finding}`, `appoint
    /// {vest, handbook, bag}`, `kit {vest, handbook, bag}`, `refuse {reason}`.
    #[schema(value_type = Object)]
    action: Action,
}

/// What a step did: the application now, and after an appointment the new steward's first
/// enrolment code (shown once).
#[derive(Debug, Serialize)]
pub(super) struct StepAnswer {
    application: ApplicationAnswer,
    #[serde(skip_serializing_if = "Option::is_none")]
    enrolment: Option<serde_json::Value>,
}

#[utoipa::path(
    post, path = "/v1/selection/applications/{id}/steps", tag = "selection",
    summary = "Take the application's next step, or refuse it with a reason",
    description = "Only the staff whose step it is: the compound's branch the first review (小区党支部初审), the \
community's staff every other step. The appointment (任命) creates the steward's account in the compound, with a \
first enrolment code valid 14 days, and records the red vest, handbook and bag handed out (红色三件套).",
    params(("id" = Uuid, Path, description = "The application's id.")),
    request_body(content = StepBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 200, description = "`{application, enrolment?: {steward_id, code, expires_at}}`.", body = Object),
        (status = 400, description = "`bad_request` (not a step), or `invalid_field` naming the field at fault.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: not staff of the steps, or the step is the other staff's.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such application in your place.", body = openapi::ErrorDoc),
        (status = 409, description = "`stale`: the application moved on since `version`; read it again. `wrong_step`: not its next step, or its conditions are not met (a notice not ended, an objection upheld, the application ended).", body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn take_step(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<StepAnswer>> {
    let u = user(&state, &headers).await?;
    let id = path_id("application", &id)?;
    let b: StepBody = read_json(
        &state,
        &headers,
        body,
        JSON_BODY_BYTES,
        r#"{"version": 3, "action": {"step": "branch_review", "opinion": "..."}}"#,
    )
    .await?;
    let answer = blocking(&state, move |s| {
        let mut a = staffed(s, &u, id)?;
        if a.version != b.version {
            return Err(stale(Some(a.version)));
        }
        let expected = a.version;
        let steward = Steward {
            id: Uuid::new_v4(),
            compound_id: a.compound_id,
            name: a.applicant.name.clone(),
            campaign_id: None,
            active_until: None,
        };
        let now = when(s);
        let by = actor(&u, duty_of(&u, &a));
        selection::act(&mut a, &b.action, &by, now, steward.id)?;
        let appointed = matches!(b.action, Action::Appoint { .. });
        let code = appointed.then(crate::auth::new_enrolment_code);
        let expires = now.at + i64::from(selection::ENROLMENT_DAYS) * 86_400_000;
        let hash = code.as_deref().map(crate::auth::secret_hash);
        let with = hash.as_deref().map(|h| (&steward, h, expires));
        if !s.storage().save_application(&a, expected, with)? {
            return Err(stale(None));
        }
        tracing::info!(application = %a.id, step = b.action.code(), by = %u.id, "selection step");
        let enrolment = code.map(|c| serde_json::json!({ "steward_id": steward.id, "code": c, "expires_at": expires }));
        Ok(StepAnswer { application: answer(s, &u, a)?, enrolment })
    })
    .await?;
    Ok(Json(answer))
}

/// `now`: the version the application is at, when known (another step may have just landed).
fn stale(now: Option<u32>) -> ApiError {
    let at = now.map(|v| format!(" (it is at version {v})")).unwrap_or_default();
    ApiError::new(
        StatusCode::CONFLICT,
        "stale",
        format!("the application moved on meanwhile{at}: read it again before this step"),
    )
}

#[utoipa::path(
    get, path = "/v1/selection/notice", tag = "selection",
    summary = "The public notice (公示) of the applications under notice, to print",
    description = "The applicants of the caller's compound or community at the notice stage — a notice that has \
ended but whose applicant is not appointed yet included (the console prints those still running) — each with name, \
gender, age, political status, occupation, compound, the period and where objections go. In the access log.",
    responses(
        (status = 200, description = "`{community, entries: [...]}`.", body = Object),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: not staff of the steps.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn notice(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Json<serde_json::Value>> {
    let u = user(&state, &headers).await?;
    let json = blocking(&state, move |s| {
        let scope = staff_scope(s, &u)?;
        let names = place_names(s)?;
        let today = when(s).today;
        let listed: Vec<Application> =
            s.storage().applications(Some(&scope))?.into_iter().filter(|a| a.stage == Stage::Notice).collect();
        let mut entries: Vec<serde_json::Value> = listed
            .iter()
            .filter_map(|a| {
                let n = a.notice.as_ref()?;
                Some(serde_json::json!({
                    "id": a.id,
                    "name": a.applicant.name,
                    "gender_zh": a.applicant.gender.label_zh(),
                    "age": selection::age(&a.applicant.birth_date, today),
                    "political_status_zh": a.applicant.political_status.label_zh(),
                    "occupation": a.applicant.occupation,
                    "compound": names.get(&a.compound_id).cloned().unwrap_or_default(),
                    "community": names.get(&a.community_id).cloned().unwrap_or_default(),
                    "starts_on": n.starts_on,
                    "ends_on": n.ends_on,
                    "contact": n.contact,
                }))
            })
            .collect();
        entries.sort_by(|x, y| {
            (x["starts_on"].as_str(), x["compound"].as_str()).cmp(&(y["starts_on"].as_str(), y["compound"].as_str()))
        });
        let ids: Vec<Uuid> = listed.iter().map(|a| a.id).collect();
        s.storage().log_access(&u, "selection: public notice", &ids, now_millis())?;
        let community = u.place_id.and_then(|p| s.storage().place(p).ok().flatten()).map(|p| match p.kind {
            PlaceKind::Compound => p.parent_id.and_then(|c| names.get(&c).cloned()).unwrap_or_default(),
            _ => p.name,
        });
        Ok(serde_json::json!({ "community": community, "entries": entries }))
    })
    .await?;
    Ok(Json(json))
}
