//! Volunteer and culture teams (志愿服务队、文化宣传队) for the console: the teams of a place with
//! their members and the activities of a period, and recording from the console — a team for a
//! steward to lead, a member, an activity — each an Automerge change that reaches the steward's
//! phones. Supervisors and admins only.

use super::exports::{report, rows_json, Reads, Report, ReportQuery};
use super::*;
use crate::table::{Cell, Table};
use steward_core::doc::{Member, NewActivity, NewTeam, TeamRecord};
use steward_core::model::{ActivityKind, MemberRole, TeamKind};

const NO_TEAM: &str = "no such team in your place";

#[derive(Debug, Serialize)]
struct TeamRow {
    id: Uuid,
    name: String,
    kind: String,
    kind_zh: &'static str,
    compound_id: Uuid,
    compound: String,
    steward_id: Uuid,
    steward: String,
    members: u32,
    steward_members: u32,
    resident_members: u32,
    /// Activities held in the period, and their participants.
    activities: u32,
    participants: u64,
}

#[derive(Debug, Serialize)]
struct ActivityRow {
    #[serde(flatten)]
    row: crate::read_model::IndexedActivity,
    kind_zh: &'static str,
    team: String,
    compound: String,
}

#[utoipa::path(
    get, path = "/v1/reports/teams", tag = "reports",
    summary = "Volunteer and culture teams (志愿服务队、文化宣传队) and their activities",
    description = "The place's teams with their members, and the activities held in the period (this year so far by \
default), newest first. Supervisors and admins; the file lists the activities.",
    params(
        ("from" = Option<String>, Query, description = "First month, YYYY-MM; January of this year by default."),
        ("to" = Option<String>, Query, description = "Last month (included), YYYY-MM; this month by default."),
        ("page" = Option<u64>, Query, description = "With `per_page`: this page of `activities`, from 1."),
        ("per_page" = Option<u64>, Query, description = "1 to 500: `activities` holds a page, with `total`."),
        openapi::ReportParams,
    ),
    responses(
        (status = 200, description = "The teams: JSON, or a CSV or XLSX file.",
            content((openapi::TeamsReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv` or `xlsx`: `attachment; filename=\"teams.<format>\"`."))),
        (status = 400, description = "`invalid_field`: a query parameter is not what it takes (`field` names it).", body = openapi::ErrorDoc),
        (status = 404, response = openapi::PlaceNotFound),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company; `forbidden_document`: the account has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn report_teams(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Meetings, |s, q, w| {
        let (from, to, first, last) = q.period_or_this_year(s)?;
        let paging = q.paging()?;
        let teams = s.storage().team_rows(&w.slice)?;
        let activities = s.storage().activity_rows(&w.slice, from, to)?;
        let places: std::collections::HashMap<Uuid, String> =
            s.storage().places()?.into_iter().map(|p| (p.id, p.name)).collect();
        let place = |id: &Uuid| places.get(id).cloned().unwrap_or_default();
        let team_rows: Vec<TeamRow> = teams
            .iter()
            .map(|t| {
                let of: Vec<_> = activities.iter().filter(|a| a.team_id == t.id).collect();
                TeamRow {
                    id: t.id,
                    name: t.name.clone(),
                    kind: t.kind.clone(),
                    kind_zh: TeamKind::from_code(&t.kind).map_or("", TeamKind::label_zh),
                    compound_id: t.compound_id,
                    compound: place(&t.compound_id),
                    steward_id: t.steward_id,
                    steward: w.names.get(Some(t.steward_id)),
                    members: t.members,
                    steward_members: t.steward_members,
                    resident_members: t.resident_members,
                    activities: of.len() as u32,
                    participants: of.iter().map(|a| u64::from(a.participants)).sum(),
                }
            })
            .collect();
        let names: std::collections::HashMap<Uuid, String> = teams.iter().map(|t| (t.id, t.name.clone())).collect();
        let rows: Vec<ActivityRow> = activities
            .into_iter()
            .map(|a| ActivityRow {
                kind_zh: ActivityKind::from_code(&a.kind).map_or("", ActivityKind::label_zh),
                team: names.get(&a.team_id).cloned().unwrap_or_default(),
                compound: place(&a.compound_id),
                row: a,
            })
            .collect();
        let mut t = Table::new(
            "teams",
            "志愿服务队、文化宣传队活动",
            &[
                "日期/date",
                "小区/compound",
                "队伍/team",
                "类别/kind",
                "活动/activity",
                "地点/place",
                "参与人数/participants",
                "记录人/recorded by",
            ],
        );
        t.rows = rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Date(r.row.held_at),
                    Cell::text(&r.compound),
                    Cell::text(&r.team),
                    Cell::text(r.kind_zh),
                    Cell::text(&r.row.title),
                    Cell::text(&r.row.place),
                    Cell::Int(r.row.participants.into()),
                    Cell::text(if r.row.role == "steward" { "红色管家" } else { "社区" }),
                ]
            })
            .collect();
        let listed = rows_json(&rows, paging);
        let json = serde_json::json!({
            "from": first.to_string(),
            "to": last.to_string(),
            "teams": team_rows,
            "total": rows.len(),
            "participants": rows.iter().map(|r| u64::from(r.row.participants)).sum::<u64>(),
            "activities": if paging.is_some() { listed["rows"].clone() } else { listed },
        });
        Report::new(&json, t)
    })
    .await
}

/// The body of `POST /v1/teams`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct TeamBody {
    /// The steward who leads it: the team reaches their phones.
    steward_id: Uuid,
    /// At most 100 characters.
    name: String,
    /// `volunteer` (志愿服务队) or `culture` (文化宣传队).
    #[schema(value_type = String)]
    kind: TeamKind,
}

/// The body of `POST /v1/teams/{id}/members`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct MemberBody {
    name: String,
    /// `steward` or `resident`.
    #[schema(value_type = String)]
    role: MemberRole,
}

/// The body of `POST /v1/teams/{id}/activities`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ActivityBody {
    /// `policy_talk`, `clean_up`, `safety_check`, `performance`, `other`.
    #[schema(value_type = String)]
    kind: ActivityKind,
    title: String,
    /// Milliseconds since the Unix epoch.
    held_at: i64,
    place: String,
    participants: u32,
    #[serde(default)]
    names: Vec<String>,
}

fn team_of(p: Projection) -> ApiResult<TeamRecord> {
    match p {
        Projection::Team(t) => Ok(t),
        _ => Err(ServiceError::NotFound(NO_TEAM.into()).into()),
    }
}

fn invalid(e: steward_core::Error) -> ApiError {
    ServiceError::BadRequest(e.to_string()).into()
}

#[utoipa::path(
    post, path = "/v1/teams", tag = "edits",
    summary = "Set up a volunteer or culture team for a steward to lead",
    request_body(content = TeamBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 201, description = "The team's projection.", body = openapi::Projection),
        (status = 400, description = "`bad_request` or `invalid_field` (`name`).", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token or a property company.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such steward in your place.", body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn create_team(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<TeamRecord>)> {
    let u = supervisor(&state, &headers).await?;
    let b: TeamBody = read_json(
        &state,
        &headers,
        body,
        JSON_BODY_BYTES,
        r#"{"steward_id": "<uuid>", "name": "...", "kind": "volunteer"}"#,
    )
    .await?;
    if b.name.trim().is_empty() || b.name.chars().count() > steward_core::limits::SHORT_TEXT {
        return Err(ApiError::field("name", "a team needs a name of at most 100 characters"));
    }
    let team = blocking(&state, move |s| {
        let not_found = || ServiceError::NotFound("no such steward in your place".into());
        let st = s.storage().steward(b.steward_id)?.ok_or_else(not_found)?;
        if st.campaign_id.is_some() || !s.reaches(&u, st.compound_id)? {
            return Err(not_found().into());
        }
        let t =
            NewTeam { id: Uuid::new_v4(), compound_id: st.compound_id, steward_id: st.id, name: b.name, kind: b.kind };
        let d = doc::create_team(s.actor().clone(), &t, now_millis()).map_err(invalid)?;
        s.create_doc(&d)?;
        team_of(doc::project(&d).map_err(invalid)?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(team)))
}

/// Edits a team the caller reaches, as the server.
fn edit_team(
    s: &Service,
    u: &User,
    id: Uuid,
    f: impl Fn(&mut automerge::Automerge) -> Result<(), steward_core::Error>,
) -> ApiResult<TeamRecord> {
    let check = |m: &DocMeta| -> Result<(), ServiceError> {
        if m.kind != DocKind::Team || !s.reaches(u, m.compound_id)? {
            return Err(ServiceError::NotFound(NO_TEAM.into()));
        }
        Ok(())
    };
    team_of(s.edit(id, check, f)?)
}

#[utoipa::path(
    post, path = "/v1/teams/{id}/members", tag = "edits",
    summary = "Add a member (a steward or a resident) to a team",
    params(("id" = Uuid, Path, description = "The team's id.")),
    request_body(content = MemberBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 200, description = "The team's projection.", body = openapi::Projection),
        (status = 400, description = "`bad_request` or `invalid_field` (`name`).", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token or a property company.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such team in your place.", body = openapi::ErrorDoc),
        (status = 409, description = "`conflict`: the document kept changing meanwhile; send it again.", body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 422, description = "`invalid_document`: the team is full.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn add_member(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<TeamRecord>> {
    let u = supervisor(&state, &headers).await?;
    let id = path_id("team", &id)?;
    let b: MemberBody =
        read_json(&state, &headers, body, JSON_BODY_BYTES, r#"{"name": "...", "role": "resident"}"#).await?;
    let m = Member { id: Uuid::new_v4(), name: b.name.trim().to_string(), role: b.role, joined_at: now_millis() };
    doc::check_member(&m).map_err(|e| ApiError::field("name", e.to_string()))?;
    let team = blocking(&state, move |s| edit_team(s, &u, id, |d| doc::add_member(d, &m, now_millis()))).await?;
    Ok(Json(team))
}

#[utoipa::path(
    post, path = "/v1/teams/{id}/activities", tag = "edits",
    summary = "Record a team's activity from the console",
    params(("id" = Uuid, Path, description = "The team's id.")),
    request_body(content = ActivityBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 200, description = "The team's projection.", body = openapi::Projection),
        (status = 400, description = "`bad_request`: not an activity (what is wrong is named).", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token or a property company.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such team in your place.", body = openapi::ErrorDoc),
        (status = 409, description = "`conflict`: the document kept changing meanwhile; send it again.", body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 422, description = "`invalid_document`: the team has too many activities.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn record_activity(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<TeamRecord>> {
    let u = supervisor(&state, &headers).await?;
    let id = path_id("team", &id)?;
    let b: ActivityBody = read_json(
        &state,
        &headers,
        body,
        JSON_BODY_BYTES,
        r#"{"kind": "policy_talk", "title": "...", "held_at": 0, "place": "...", "participants": 30}"#,
    )
    .await?;
    let a = NewActivity {
        id: Uuid::new_v4(),
        kind: b.kind,
        title: b.title,
        held_at: b.held_at,
        place: b.place,
        participants: b.participants,
        names: b.names,
    };
    doc::check_activity(&a).map_err(invalid)?;
    let team = blocking(&state, move |s| {
        edit_team(s, &u, id, |d| doc::record_activity(d, &a, u.id, PartyRole::Supervisor, now_millis()))
    })
    .await?;
    Ok(Json(team))
}
