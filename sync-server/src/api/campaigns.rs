//! Campaigns (专项任务) for the console: a supervisor starts one over a place within theirs, the
//! console lists the campaigns that reach its place and shows one's progress by compound and
//! steward (live: the campaign documents' changes reach `/v1/events` like any other), exports
//! the answers, enrols temporary stewards (临时红色管家) and closes it. Household records: a
//! property company reads none of it, and the households a progress shows are access-logged.

use std::collections::BTreeMap;

use super::exports::{report, rows_json, Reads, Report, ReportQuery, Within};
use super::*;
use crate::campaigns::{self, Refused as CampaignRefused};
use crate::read_model::{IndexedTask, Slice};
use crate::storage::Campaign;
use crate::table::{Cell, Table};
use steward_core::doc::{CampaignField, CampaignSpec};
use steward_core::model::{CampaignKind, FieldKind};

const NO_CAMPAIGN: &str = "no such campaign in your place";

impl From<CampaignRefused> for ApiError {
    fn from(e: CampaignRefused) -> Self {
        match e {
            CampaignRefused::Field(f, m) => ApiError::field(f, m),
            CampaignRefused::Other(e) => e.into(),
        }
    }
}

/// One field of the household form, as a supervisor enters it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct FieldBody {
    /// e.g. 家中有无发热人员; at most 100 characters.
    label: String,
    /// `yes_no`, `choice`, `number` or `text`.
    #[schema(value_type = String)]
    kind: FieldKind,
    /// A choice's options (2 to 20), none for the other kinds.
    #[serde(default)]
    options: Vec<String>,
    #[serde(default)]
    required: bool,
}

/// The body of `POST /v1/campaigns`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CampaignBody {
    /// e.g. 2026年冬季防疫人员摸排; at most 100 characters.
    title: String,
    /// `screening` (人员摸排), `flood` (防汛救灾), `holiday` (节日走访), `clean_up` (创卫创文), `other`.
    #[schema(value_type = String)]
    kind: CampaignKind,
    /// First day, YYYY-MM-DD.
    starts_on: String,
    /// Last day (included), YYYY-MM-DD: temporary stewards lose access after it.
    ends_on: String,
    /// The place it covers: a compound, community or town within the caller's (the district for an admin).
    place_id: Uuid,
    /// 1 to 20 fields.
    fields: Vec<FieldBody>,
}

/// A campaign as the console lists it.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct CampaignSummary {
    id: Uuid,
    title: String,
    #[schema(value_type = String)]
    kind: CampaignKind,
    kind_zh: &'static str,
    starts_on: String,
    ends_on: String,
    place_id: Uuid,
    place: String,
    #[schema(value_type = Object)]
    fields: Vec<CampaignField>,
    created_at: i64,
    closed_at: Option<i64>,
    /// Households with a task, within the caller's place.
    households: u32,
    /// Of those, answered (by their steward or a temporary one).
    answered: u32,
}

/// What `POST /v1/campaigns` wrote.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct StartedAnswer {
    campaign: CampaignSummary,
    /// Stewards' documents written: each reaches that steward's phones at their next sync.
    documents: u32,
    /// Households of the place with no steward, so without a task.
    unassigned: u32,
}

/// Households of a campaign's tasks, each counted once: answered if any of its tasks (the
/// regular steward's, a temporary steward's) is.
fn household_counts(tasks: &[IndexedTask]) -> (u32, u32) {
    let mut by: BTreeMap<Uuid, bool> = BTreeMap::new();
    for t in tasks {
        *by.entry(t.household_id).or_default() |= t.answered_at.is_some();
    }
    (by.len() as u32, by.values().filter(|a| **a).count() as u32)
}

fn summary(s: &Service, c: &Campaign, compounds: Option<Vec<Uuid>>) -> ApiResult<CampaignSummary> {
    let tasks = s.storage().campaign_tasks(c.spec.id, &Slice { compounds, steward_id: None })?;
    let (households, answered) = household_counts(&tasks);
    let place = s.storage().place(c.place_id)?.map(|p| p.name).unwrap_or_default();
    Ok(CampaignSummary {
        id: c.spec.id,
        title: c.spec.title.clone(),
        kind: c.spec.kind,
        kind_zh: c.spec.kind.label_zh(),
        starts_on: c.spec.starts_on.clone(),
        ends_on: c.spec.ends_on.clone(),
        place_id: c.place_id,
        place,
        fields: c.spec.fields.clone(),
        created_at: c.created_at,
        closed_at: c.closed_at,
        households,
        answered,
    })
}

/// The campaign, if it covers any compound `u` reaches; with those compounds (`None`: all).
fn reachable(s: &Service, u: &User, id: Uuid) -> ApiResult<(Campaign, Option<Vec<Uuid>>)> {
    let c = s.storage().campaign(id)?.ok_or_else(|| ServiceError::NotFound(NO_CAMPAIGN.into()))?;
    let covered = s.compounds_under(c.place_id)?;
    match s.reach(u, None)? {
        None => Ok((c, None)),
        Some(mine) => {
            let both: Vec<Uuid> = covered.into_iter().filter(|x| mine.contains(x)).collect();
            if both.is_empty() {
                return Err(ServiceError::NotFound(NO_CAMPAIGN.into()).into());
            }
            Ok((c, Some(both)))
        }
    }
}

fn not_for_property(u: &User) -> ApiResult<()> {
    if u.role == Role::Property {
        return Err(ApiError::forbidden("a property company takes no part in the campaigns' household tasks"));
    }
    Ok(())
}

#[utoipa::path(
    post, path = "/v1/campaigns", tag = "edits",
    summary = "Start a campaign (专项任务) over a place",
    description = "By a supervisor or an admin, over a place within theirs: its kind, dates and a short form per \
household. Every household of the place with a steward gets a task in that steward's campaign document, which \
reaches their phones at the next sync; households without a steward are counted in `unassigned`.",
    request_body(content = CampaignBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 201, description = "The campaign as started.", body = StartedAnswer),
        (status = 400, description = "`bad_request` or `invalid_field`: not a campaign (`field` names what is wrong: \
`title`, `kind`, `starts_on`, `ends_on`, `fields`).", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token or a property company.", body = openapi::ErrorDoc),
        (status = 404, response = openapi::PlaceNotFound),
        (status = 408, response = openapi::BodyTimeout),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 422, description = "`invalid_document`: a steward has more households than one campaign document holds.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn start_campaign(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<StartedAnswer>)> {
    let u = supervisor(&state, &headers).await?;
    let b: CampaignBody = read_json(
        &state,
        &headers,
        body,
        JSON_BODY_BYTES,
        r#"{"title": "...", "kind": "screening", "starts_on": "2026-12-01", "ends_on": "2026-12-07", "place_id": "<uuid>", "fields": [{"label": "...", "kind": "yes_no", "required": true}]}"#,
    )
    .await?;
    let spec = CampaignSpec {
        id: Uuid::new_v4(),
        title: b.title.trim().to_string(),
        kind: b.kind,
        starts_on: b.starts_on.trim().to_string(),
        ends_on: b.ends_on.trim().to_string(),
        fields: b
            .fields
            .into_iter()
            .map(|f| CampaignField {
                id: Uuid::new_v4(),
                label: f.label.trim().to_string(),
                kind: f.kind,
                options: f.options.iter().map(|o| o.trim().to_string()).collect(),
                required: f.required,
            })
            .collect(),
    };
    if spec.title.is_empty() || spec.title.chars().count() > 100 {
        return Err(ApiError::field("title", "a campaign needs a title of at most 100 characters"));
    }
    let day = |field: &'static str, v: &str| {
        chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map_err(|_| ApiError::field(field, format!("{field} is not a date like 2026-12-01")))
    };
    let (starts, ends) = (day("starts_on", &spec.starts_on)?, day("ends_on", &spec.ends_on)?);
    if ends < starts {
        return Err(ApiError::field("ends_on", "a campaign ends on or after the day it starts"));
    }
    if (ends - starts).num_days() > 366 {
        return Err(ApiError::field("ends_on", "a campaign lasts at most a year"));
    }
    let place = b.place_id;
    let (answer, started) = blocking(&state, move |s| {
        let compounds = s.reach(&u, Some(place))?.unwrap_or_else(|| s.compounds_under(place).unwrap_or_default());
        let started = campaigns::start(s, &spec, place, compounds.clone(), u.id)?;
        let c = s.storage().campaign(spec.id)?.ok_or_else(|| ServiceError::Internal("campaign not stored".into()))?;
        tracing::info!(campaign = %spec.id, by = %u.id, documents = started.documents, "campaign started");
        Ok((summary(s, &c, Some(compounds))?, started))
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(StartedAnswer { campaign: answer, documents: started.documents, unassigned: started.unassigned }),
    ))
}

#[utoipa::path(
    get, path = "/v1/campaigns", tag = "reads",
    summary = "The campaigns (专项任务) that reach the caller's place",
    description = "Newest first, each with its households and how many are answered, counted within the caller's place.",
    responses(
        (status = 200, description = "The campaigns.", body = Vec<CampaignSummary>),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token or a property company.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn campaigns_list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<CampaignSummary>>> {
    let u = user(&state, &headers).await?;
    not_for_property(&u)?;
    let list = blocking(&state, move |s| {
        let mut out = Vec::new();
        for c in s.storage().campaigns()? {
            match reachable(s, &u, c.spec.id) {
                Ok((c, compounds)) => out.push(summary(s, &c, compounds)?),
                Err(e) if e.status == StatusCode::NOT_FOUND => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    })
    .await?;
    Ok(Json(list))
}

/// The body of `POST /v1/campaigns/{id}/temporary-stewards`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct TemporaryBody {
    /// The compound they help in.
    compound_id: Uuid,
    /// Their name, at most 40 characters.
    name: String,
    /// The households whose tasks they take over (1 to 500), each with a task of this campaign not yet handed over.
    household_ids: Vec<Uuid>,
}

/// A temporary steward enrolled.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct TemporaryAnswer {
    #[schema(value_type = openapi::StewardDoc)]
    steward: crate::storage::Steward,
    /// Their one-time enrolment code, shown once; valid until the campaign ends.
    code: String,
    /// When their access ends (the day after the campaign's last), milliseconds since the Unix epoch.
    active_until: i64,
    tasks: u32,
}

#[utoipa::path(
    post, path = "/v1/campaigns/{id}/temporary-stewards", tag = "edits",
    summary = "Enrol a temporary steward (临时红色管家) for some households of a campaign",
    description = "By a supervisor of the compound. Creates the account (it answers this campaign's tasks only, and \
its devices are refused once the campaign ends or is closed), its own campaign document with the households' tasks, \
marks them handed over in their stewards' documents, and issues an enrolment code valid until the campaign ends.",
    params(("id" = Uuid, Path, description = "The campaign's id.")),
    request_body(content = TemporaryBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 201, description = "The temporary steward and their code.", body = TemporaryAnswer),
        (status = 400, description = "`bad_request` or `invalid_field` (`name`, `household_ids`).", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token or a property company.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such campaign or compound in your place.", body = openapi::ErrorDoc),
        (status = 409, description = "`conflict`: the campaign is closed or has ended.", body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn temporary_steward(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<(StatusCode, Json<TemporaryAnswer>)> {
    let u = supervisor(&state, &headers).await?;
    let id = path_id("campaign", &id)?;
    let b: TemporaryBody = read_json(
        &state,
        &headers,
        body,
        JSON_BODY_BYTES,
        r#"{"compound_id": "<uuid>", "name": "...", "household_ids": ["<uuid>"]}"#,
    )
    .await?;
    let answer = blocking(&state, move |s| {
        let (c, compounds) = reachable(s, &u, id)?;
        if compounds.as_ref().is_some_and(|list| !list.contains(&b.compound_id))
            || !s.compounds_under(c.place_id)?.contains(&b.compound_id)
        {
            return Err(ServiceError::NotFound("no such compound of this campaign in your place".into()).into());
        }
        let e = campaigns::enrol_temporary(s, &c, b.compound_id, &b.name, &b.household_ids)?;
        tracing::info!(campaign = %id, steward = %e.steward.id, tasks = e.tasks, "temporary steward enrolled");
        Ok(TemporaryAnswer {
            active_until: e.steward.active_until.unwrap_or_default(),
            steward: e.steward,
            code: e.code,
            tasks: e.tasks,
        })
    })
    .await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

#[utoipa::path(
    post, path = "/v1/campaigns/{id}/close", tag = "edits",
    summary = "Close a campaign",
    description = "By a supervisor whose place holds the campaign's place (or an admin). Every steward's document is \
closed (phones take no more answers once they sync) and the campaign's temporary stewards lose access now. Closing \
a closed campaign changes nothing.",
    params(("id" = Uuid, Path, description = "The campaign's id.")),
    responses(
        (status = 200, description = "The campaign, closed.", body = CampaignSummary),
        (status = 400, response = openapi::BadId),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, a property company, or a supervisor below the campaign's place.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such campaign in your place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn close_campaign(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<CampaignSummary>> {
    let u = supervisor(&state, &headers).await?;
    let id = path_id("campaign", &id)?;
    let answer = blocking(&state, move |s| {
        let (c, compounds) = reachable(s, &u, id)?;
        // Who started it over their place may end it; a compound's supervisor of a town-wide
        // campaign may not end it for the town.
        match s.reach(&u, Some(c.place_id)) {
            Err(ServiceError::NotFound(_)) => {
                return Err(ApiError::forbidden("the campaign covers more than your place: its supervisor closes it"))
            }
            Err(e) => return Err(e.into()),
            Ok(_) => {}
        }
        let docs = campaigns::close(s, &c)?;
        tracing::info!(campaign = %id, by = %u.id, documents = docs, "campaign closed");
        let c = s.storage().campaign(id)?.ok_or_else(|| ServiceError::NotFound(NO_CAMPAIGN.into()))?;
        summary(s, &c, compounds)
    })
    .await?;
    Ok(Json(answer))
}

/// A compound's or a steward's progress.
#[derive(Debug, Serialize)]
struct Progress {
    id: Uuid,
    name: String,
    /// A temporary steward.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    temporary: bool,
    households: u32,
    answered: u32,
}

/// A household's task as the progress lists it.
#[derive(Debug, Serialize)]
struct TaskRow {
    household_id: Uuid,
    compound_id: Uuid,
    compound: String,
    address: String,
    name: String,
    /// Who answers for it now: the temporary steward once it is handed over.
    steward_id: Uuid,
    steward: String,
    answered_at: Option<Millis>,
    answered_by: Option<Uuid>,
    /// By field id, as given.
    answers: BTreeMap<Uuid, steward_core::doc::Answer>,
}

/// One row per household: the answered task (the newest answered, if several), else the one
/// of whoever answers for it now.
fn task_rows(tasks: &[IndexedTask], compound_names: &BTreeMap<Uuid, String>, w: &Within) -> Vec<TaskRow> {
    let mut by: BTreeMap<Uuid, &IndexedTask> = BTreeMap::new();
    for t in tasks {
        let better = match by.get(&t.household_id) {
            None => true,
            Some(b) => (t.answered_at, t.responsible()) > (b.answered_at, b.responsible()),
        };
        if better {
            by.insert(t.household_id, t);
        }
    }
    let mut rows: Vec<TaskRow> = by
        .values()
        .map(|t| {
            let steward_id = t.handed_to.unwrap_or(t.steward_id);
            TaskRow {
                household_id: t.household_id,
                compound_id: t.compound_id,
                compound: compound_names.get(&t.compound_id).cloned().unwrap_or_default(),
                address: t.address.clone(),
                name: t.name.clone(),
                steward_id,
                steward: w.names.get(Some(steward_id)),
                answered_at: t.answered_at,
                answered_by: t.answered_by,
                answers: t.answers.clone(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.compound.as_str(), crate::read_model::pad_numbers(&a.address), a.household_id).cmp(&(
            b.compound.as_str(),
            crate::read_model::pad_numbers(&b.address),
            b.household_id,
        ))
    });
    rows
}

fn build_progress(s: &Service, q: &ReportQuery, w: &Within) -> ApiResult<Report> {
    let id = super::stewards::query_id("campaign_id", q.campaign_id.as_deref())?
        .ok_or_else(|| ApiError::field("campaign_id", "campaign_id is required"))?;
    let c = s.storage().campaign(id)?.ok_or_else(|| ServiceError::NotFound(NO_CAMPAIGN.into()))?;
    let covered = s.compounds_under(c.place_id)?;
    let compounds: Vec<Uuid> = match &w.slice.compounds {
        None => covered,
        Some(mine) => covered.into_iter().filter(|x| mine.contains(x)).collect(),
    };
    if compounds.is_empty() {
        return Err(ServiceError::NotFound(NO_CAMPAIGN.into()).into());
    }
    // A steward's slice: their own tasks and those handed from them.
    let all = s.storage().campaign_tasks(id, &Slice { compounds: Some(compounds.clone()), steward_id: None })?;
    let tasks: Vec<IndexedTask> = match w.slice.steward_id {
        None => all,
        Some(st) => all.into_iter().filter(|t| t.steward_id == st || t.handed_to == Some(st)).collect(),
    };
    let names: BTreeMap<Uuid, String> =
        s.storage().places()?.into_iter().filter(|p| compounds.contains(&p.id)).map(|p| (p.id, p.name)).collect();
    let rows = task_rows(&tasks, &names, w);
    let by_compound: Vec<Progress> = names
        .iter()
        .map(|(id, name)| {
            let of: Vec<&TaskRow> = rows.iter().filter(|r| r.compound_id == *id).collect();
            Progress {
                id: *id,
                name: name.clone(),
                temporary: false,
                households: of.len() as u32,
                answered: of.iter().filter(|r| r.answered_at.is_some()).count() as u32,
            }
        })
        .collect();
    // Per steward, what each answers for now: a regular steward's tasks not handed over, a
    // temporary steward's own; answered if that household is answered by anyone.
    let mut per: BTreeMap<Uuid, (bool, u32, u32)> = BTreeMap::new();
    for t in tasks.iter().filter(|t| t.responsible()) {
        let answered = rows.iter().any(|r| r.household_id == t.household_id && r.answered_at.is_some());
        let e = per.entry(t.steward_id).or_insert((t.temporary, 0, 0));
        e.1 += 1;
        e.2 += u32::from(answered);
    }
    let mut by_steward: Vec<Progress> = per
        .into_iter()
        .map(|(id, (temporary, households, answered))| Progress {
            id,
            name: w.names.get(Some(id)),
            temporary,
            households,
            answered,
        })
        .collect();
    by_steward.sort_by(|a, b| (a.temporary, &a.name, a.id).cmp(&(b.temporary, &b.name, b.id)));
    let paging = q.paging()?;
    let mut headers: Vec<String> =
        ["小区/compound", "地址/address", "户主/head", "管家/steward", "答复时间/answered"].map(String::from).to_vec();
    headers.extend(c.spec.fields.iter().map(|f| f.label.clone()));
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut t = Table::new("campaign", &c.spec.title, &header_refs);
    t.rows = rows
        .iter()
        .map(|r| {
            let mut cells = vec![
                Cell::text(&r.compound),
                Cell::text(&r.address),
                Cell::text(&r.name),
                Cell::text(&r.steward),
                Cell::Time(r.answered_at),
            ];
            cells.extend(c.spec.fields.iter().map(|f| match r.answers.get(&f.id) {
                Some(steward_core::doc::Answer::Number(n)) => Cell::Number(*n),
                Some(a) => Cell::text(&a.display()),
                None => Cell::text(""),
            }));
            cells
        })
        .collect();
    let shown: Vec<Uuid> = match paging {
        None => rows.iter().map(|r| r.household_id).collect(),
        Some(p) => p.of(&rows).iter().map(|r| r.household_id).collect(),
    };
    let listed = rows_json(&rows, paging);
    let households = if paging.is_some() { listed["rows"].clone() } else { listed };
    let (total, answered) = (rows.len(), rows.iter().filter(|r| r.answered_at.is_some()).count());
    let json = serde_json::json!({
        "campaign": summary(s, &c, Some(compounds))?,
        "households": total,
        "answered": answered,
        "compounds": by_compound,
        "stewards": by_steward,
        "rows": households,
    });
    Ok(Report::new(&json, t)?.showing(shown))
}

#[utoipa::path(
    get, path = "/v1/reports/campaign", tag = "reports",
    summary = "A campaign's progress by compound and steward, and its answers",
    description = "Within the caller's place (or a place below it, or one steward's). Each household once: answered \
if its steward or a temporary steward answered it. Household records: a property company may not read it; the \
households shown are written to the access log. As CSV or XLSX: one row per household with a column per field.",
    params(
        ("campaign_id" = Uuid, Query, description = "The campaign."),
        ("page" = Option<u64>, Query, description = "With `per_page`: this page of `rows`, from 1 (JSON only; files hold every row)."),
        ("per_page" = Option<u64>, Query, description = "1 to 500: `rows` holds a page, with `total`."),
        openapi::ReportParams,
    ),
    responses(
        (status = 200, description = "The progress: JSON, or a CSV or XLSX file.",
            content((openapi::CampaignReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv` or `xlsx`: `attachment; filename=\"campaign.<format>\"`."))),
        (status = 400, description = "`invalid_field`: a query parameter is not what it takes (`field` names it).", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such campaign or place in your place.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company; `forbidden_document`: the account has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn report_campaign(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Households, build_progress).await
}
