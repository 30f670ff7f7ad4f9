//! Joint meetings (联席会议) for the console: the quarter's meetings per compound (a compound
//! with none is flagged), the decisions open, done and late by responsible party, one meeting
//! whole, and a follow-up on a decision — by a supervisor, or by the property company on the
//! decisions that are its own.

use super::exports::{code, compounds_of, report, rows_json, Reads, Report, ReportQuery, Within};
use super::*;
use crate::read_model::{IndexedDecision, IndexedMeeting};
use crate::table::{Cell, Table};
use steward_core::doc::{DecisionRecord, MeetingRecord};
use steward_core::model::{DecisionStatus, MeetingParty};

const NO_MEETING: &str = "no such meeting in your place";
const NO_DECISION: &str = "no such decision in this meeting for you to follow up";

/// A meeting as the report lists it.
#[derive(Debug, Serialize)]
struct MeetingRow {
    id: Uuid,
    compound_id: Uuid,
    compound: String,
    convener_id: Uuid,
    convener: String,
    held_at: Millis,
    place: String,
    topics: String,
    attendees: u32,
    /// The parties that came (codes).
    parties: Vec<String>,
    decisions: u32,
    /// Being carried out, not late.
    open: u32,
    done: u32,
    /// Open past the deadline.
    late: u32,
}

/// A compound's quarter.
#[derive(Debug, Serialize)]
struct CompoundQuarter {
    compound_id: Uuid,
    compound: String,
    meetings: u32,
    last_held_at: Option<Millis>,
    decisions: u32,
    open: u32,
    done: u32,
    late: u32,
    /// No joint meeting this quarter: the program asks for one each quarter.
    no_meeting: bool,
}

/// A decision as the reports list it.
#[derive(Debug, Serialize)]
struct DecisionRow {
    #[serde(flatten)]
    row: IndexedDecision,
    compound: String,
    convener: String,
    party_zh: &'static str,
    /// Open past its deadline (逾期).
    late: bool,
}

#[derive(Debug, Default, Serialize)]
struct PartyCounts {
    party: String,
    party_zh: &'static str,
    open: u32,
    done: u32,
    late: u32,
}

fn compound_names(s: &Service) -> ApiResult<std::collections::HashMap<Uuid, String>> {
    Ok(s.storage().places()?.into_iter().map(|p| (p.id, p.name)).collect())
}

fn party_zh(code: &str) -> &'static str {
    MeetingParty::from_code(code).map_or("", MeetingParty::label_zh)
}

fn is_late(d: &IndexedDecision, now: Millis) -> bool {
    d.status == DecisionStatus::Open.as_code() && d.deadline.is_some_and(|at| at < now)
}

#[utoipa::path(
    get, path = "/v1/reports/meetings", tag = "reports",
    summary = "Joint meetings (联席会议) per compound for a quarter",
    description = "Every compound of the place with its meetings this quarter (`no_meeting` flags one without), and \
each meeting with its decisions open, done and late. Supervisors and admins; a property company reads the decisions \
that are its own instead (`/v1/reports/decisions`). The file holds one row per compound.",
    params(
        ("quarter" = Option<String>, Query, pattern = "^[0-9]{4}-Q[1-4]$", example = "2026-Q4",
            description = "The quarter, YYYY-Qn, in the program's time zone; the current one by default."),
        openapi::ReportParams,
    ),
    responses(
        (status = 200, description = "The report: JSON, or a CSV or XLSX file.",
            content((openapi::MeetingsReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv` or `xlsx`: `attachment; filename=\"<report>.<format>\"`."))),
        (status = 400, description = "`invalid_field`: a query parameter is not what it takes (`field` names it).", body = openapi::ErrorDoc),
        (status = 404, response = openapi::PlaceNotFound),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company; `forbidden_document`: the account has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn report_meetings(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Meetings, |s, q, w| {
        let quarter = q.quarter(s)?;
        let (from, to) = quarter.range(&s.zone());
        let now = now_millis();
        let names = compound_names(s)?;
        let meetings = s.storage().meeting_rows(&w.slice, from, to)?;
        let decisions = s.storage().decision_rows(&w.slice, Some((from, to)), None)?;
        let rows: Vec<MeetingRow> = meetings.iter().map(|m| meeting_row(m, &decisions, &names, w, now)).collect();
        let compounds: Vec<CompoundQuarter> = compounds_of(s, w)?
            .into_iter()
            .map(|crate::storage::Place { id, name, .. }| {
                let held: Vec<&MeetingRow> = rows.iter().filter(|m| m.compound_id == id).collect();
                CompoundQuarter {
                    compound_id: id,
                    compound: name,
                    meetings: held.len() as u32,
                    last_held_at: held.iter().map(|m| m.held_at).max(),
                    decisions: held.iter().map(|m| m.decisions).sum(),
                    open: held.iter().map(|m| m.open).sum(),
                    done: held.iter().map(|m| m.done).sum(),
                    late: held.iter().map(|m| m.late).sum(),
                    no_meeting: held.is_empty(),
                }
            })
            .collect();
        let mut t = Table::new(
            format!("meetings-{quarter}"),
            format!("联席会议 {quarter}"),
            &[
                "季度/quarter",
                "小区/compound",
                "会议次数/meetings",
                "最近召开/last held",
                "商定事项/decisions",
                "落实中/open",
                "已落实/done",
                "逾期/late",
                "本季度未召开/no meeting",
            ],
        );
        t.rows = compounds
            .iter()
            .map(|c| {
                vec![
                    Cell::text(quarter.to_string()),
                    Cell::text(&c.compound),
                    Cell::Int(c.meetings.into()),
                    Cell::Time(c.last_held_at),
                    Cell::Int(c.decisions.into()),
                    Cell::Int(c.open.into()),
                    Cell::Int(c.done.into()),
                    Cell::Int(c.late.into()),
                    Cell::text(if c.no_meeting { "是" } else { "" }),
                ]
            })
            .collect();
        Report::new(
            &serde_json::json!({
                "quarter": quarter.to_string(),
                "from": from,
                "to": to,
                "compounds": compounds,
                "meetings": rows,
            }),
            t,
        )
    })
    .await
}

fn meeting_row(
    m: &IndexedMeeting,
    decisions: &[IndexedDecision],
    names: &std::collections::HashMap<Uuid, String>,
    w: &Within,
    now: Millis,
) -> MeetingRow {
    let own: Vec<&IndexedDecision> = decisions.iter().filter(|d| d.meeting_id == m.id).collect();
    let done = own.iter().filter(|d| d.status == DecisionStatus::Done.as_code()).count() as u32;
    let late = own.iter().filter(|d| is_late(d, now)).count() as u32;
    MeetingRow {
        id: m.id,
        compound_id: m.compound_id,
        compound: names.get(&m.compound_id).cloned().unwrap_or_default(),
        convener_id: m.convener_id,
        convener: w.names.get(Some(m.convener_id)),
        held_at: m.held_at,
        place: m.place.clone(),
        topics: m.topics.clone(),
        attendees: m.attendees,
        parties: m.parties.split(',').filter(|p| !p.is_empty()).map(str::to_string).collect(),
        decisions: m.decisions,
        open: own.len() as u32 - done - late,
        done,
        late,
    }
}

/// What `status` of the decisions report filters by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DecisionFilter {
    Open,
    Done,
    Late,
}

#[utoipa::path(
    get, path = "/v1/reports/decisions", tag = "reports",
    summary = "The joint meetings' decisions (商定事项): open, done and late by responsible party",
    description = "Every decision of the meetings of the place (of one quarter's meetings with `quarter`), counted by \
the party responsible, and each decision with its latest follow-up. A property company reads only the decisions that \
are its own (`party` = `property_company`) in its compounds.",
    params(
        ("quarter" = Option<String>, Query, pattern = "^[0-9]{4}-Q[1-4]$", example = "2026-Q4",
            description = "Only decisions of meetings held in this quarter; every meeting's by default."),
        ("party" = Option<String>, Query, description = "Only decisions of this responsible party: `community`, `branch`, \
`property_company`, `owners_committee` or `steward`."),
        ("status" = Option<String>, Query, description = "`open` (being carried out, late ones included), `done`, or \
`late` (open past the deadline)."),
        ("page" = Option<u64>, Query, description = "With `per_page`: this page of the rows, from 1 (JSON only; files hold every row)."),
        ("per_page" = Option<u64>, Query, description = "1 to 500: `decisions` holds a page, with `total`."),
        openapi::ReportParams,
    ),
    responses(
        (status = 200, description = "The report: JSON, or a CSV or XLSX file.",
            content((openapi::DecisionsReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv` or `xlsx`: `attachment; filename=\"<report>.<format>\"`."))),
        (status = 400, description = "`invalid_field`: a query parameter is not what it takes (`field` names it).", body = openapi::ErrorDoc),
        (status = 404, response = openapi::PlaceNotFound),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token; `forbidden_document`: the account has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn report_decisions(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::PropertyOwn, |s, q, w| {
        let held = match q.quarter.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(_) => Some(q.quarter(s)?.range(&s.zone())),
        };
        let party: Option<MeetingParty> = code("party", q.party.as_deref())?;
        let filter = match q.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("open") => Some(DecisionFilter::Open),
            Some("done") => Some(DecisionFilter::Done),
            Some("late") => Some(DecisionFilter::Late),
            Some(v) => return Err(ApiError::field("status", format!("status {v:?} is not open, done or late"))),
        };
        let paging = q.paging()?;
        // A property company: its own decisions only, whatever else it asks for.
        let own = w.property.then_some(MeetingParty::PropertyCompany);
        if own.is_some() && party.is_some_and(|p| Some(p) != own) {
            return no_decisions();
        }
        let party = own.or(party);
        let now = now_millis();
        let names = compound_names(s)?;
        let mut rows: Vec<DecisionRow> = s
            .storage()
            .decision_rows(&w.slice, held, party.map(MeetingParty::as_code))?
            .into_iter()
            .map(|d| DecisionRow {
                compound: names.get(&d.compound_id).cloned().unwrap_or_default(),
                convener: w.names.get(Some(d.convener_id)),
                party_zh: party_zh(&d.party),
                late: is_late(&d, now),
                row: d,
            })
            .collect();
        let mut counts: Vec<PartyCounts> = MeetingParty::ALL
            .iter()
            .filter(|p| party.is_none_or(|x| x == **p))
            .map(|p| PartyCounts { party: p.as_code().into(), party_zh: p.label_zh(), ..Default::default() })
            .collect();
        for r in &rows {
            if let Some(c) = counts.iter_mut().find(|c| c.party == r.row.party) {
                match (r.row.status == DecisionStatus::Done.as_code(), r.late) {
                    (true, _) => c.done += 1,
                    (false, true) => c.late += 1,
                    (false, false) => c.open += 1,
                }
            }
        }
        rows.retain(|r| match filter {
            None => true,
            Some(DecisionFilter::Open) => r.row.status == DecisionStatus::Open.as_code(),
            Some(DecisionFilter::Done) => r.row.status == DecisionStatus::Done.as_code(),
            Some(DecisionFilter::Late) => r.late,
        });
        let t = decisions_table(&rows);
        let listed = rows_json(&rows, paging);
        let (total, decisions) = match paging {
            None => (rows.len(), listed),
            Some(_) => (rows.len(), listed["rows"].clone()),
        };
        Report::new(&serde_json::json!({ "counts": counts, "total": total, "decisions": decisions }), t)
    })
    .await
}

fn no_decisions() -> ApiResult<Report> {
    Report::new(&serde_json::json!({ "counts": [], "total": 0, "decisions": [] }), decisions_table(&[]))
}

fn decisions_table(rows: &[DecisionRow]) -> Table {
    let mut t = Table::new(
        "decisions",
        "联席会议商定事项",
        &[
            "会议日期/held",
            "小区/compound",
            "召集人/convener",
            "商定事项/decision",
            "责任方/responsible",
            "期限/deadline",
            "状态/status",
            "落实时间/done at",
            "跟进次数/follow-ups",
            "最近跟进/latest follow-up",
        ],
    );
    t.rows = rows
        .iter()
        .map(|r| {
            let status = match (r.row.status == DecisionStatus::Done.as_code(), r.late) {
                (true, _) => DecisionStatus::Done.label_zh(),
                (false, true) => "逾期",
                (false, false) => DecisionStatus::Open.label_zh(),
            };
            vec![
                Cell::Time(Some(r.row.held_at)),
                Cell::text(&r.compound),
                Cell::text(&r.convener),
                Cell::text(&r.row.text),
                Cell::text(r.party_zh),
                Cell::Time(r.row.deadline),
                Cell::text(status),
                Cell::Time(r.row.done_at),
                Cell::Int(r.row.follow_ups.into()),
                Cell::text(r.row.last_follow_up.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    t
}

/// A meeting as `u` may see it: whole for a supervisor; for a property company only the
/// decisions that are its own and their follow-ups (no attendees).
fn as_seen_by(u: &User, mut m: MeetingRecord) -> MeetingRecord {
    if u.role == Role::Property {
        m.decisions.retain(|d| d.party == MeetingParty::PropertyCompany);
        let ids: Vec<Uuid> = m.decisions.iter().map(|d| d.id).collect();
        m.follow_ups.retain(|f| ids.contains(&f.decision_id));
        m.attendees.clear();
    }
    m
}

fn meeting_of(p: Projection) -> Result<MeetingRecord, ServiceError> {
    match p {
        Projection::Meeting(m) => Ok(m),
        _ => Err(ServiceError::NotFound(NO_MEETING.into())),
    }
}

#[utoipa::path(
    get, path = "/v1/meetings/{id}", tag = "reads",
    summary = "A joint meeting with its attendees, decisions and follow-ups",
    description = "For a supervisor or admin of its place; a property company of its compound sees only the decisions \
that are its own, with their follow-ups, and no attendees.",
    params(("id" = Uuid, Path, description = "The meeting's id.")),
    responses(
        (status = 200, description = "The meeting's projection (docs/documents.md, section 13).", body = openapi::Projection),
        (status = 400, response = openapi::BadId),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such meeting in the caller's place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn meeting(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<MeetingRecord>> {
    let u = user(&state, &headers).await?;
    let id = path_id("meeting", &id)?;
    let m = blocking(&state, move |s| {
        let not_found = || ApiError::from(ServiceError::NotFound(NO_MEETING.into()));
        let loaded = s.storage().load_doc(id)?.ok_or_else(not_found)?;
        if loaded.meta.kind != DocKind::Meeting || !s.reaches(&u, loaded.meta.compound_id)? {
            return Err(not_found());
        }
        let p = match loaded.projection_json {
            Some(j) => serde_json::from_str(&j).map_err(|e| ServiceError::Internal(e.to_string()))?,
            None => doc::project(&loaded.doc).map_err(|e| ServiceError::Internal(e.to_string()))?,
        };
        Ok(as_seen_by(&u, meeting_of(p)?))
    })
    .await?;
    Ok(Json(m))
}

/// The body of `POST /v1/meetings/{id}/decisions/{decision_id}/follow-ups`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct FollowUpBody {
    /// What was done or found; required unless the follow-up only marks the decision done.
    #[serde(default)]
    text: String,
    /// `done` marks the decision done; `open` reopens a done one (a supervisor, with a reason).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    status: Option<DecisionStatus>,
}

#[utoipa::path(
    post, path = "/v1/meetings/{id}/decisions/{decision_id}/follow-ups", tag = "edits",
    summary = "Follow up a joint meeting's decision (监督落实), or mark it done",
    description = "By a supervisor or admin of the meeting's place, or by the property company of its compound for a \
decision that is its own. It reaches the convener's phone by sync.",
    params(
        ("id" = Uuid, Path, description = "The meeting's id."),
        ("decision_id" = Uuid, Path, description = "The decision's id."),
    ),
    request_body(content = FollowUpBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 200, description = "The meeting as the caller sees it, with the follow-up.", body = openapi::Projection),
        (status = 400, description = "`bad_request`: an id is not a uuid, or the body is not `{\"text\": …, \"status\": …}`.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such meeting in your place, or no such decision in it that is yours to follow.", body = openapi::ErrorDoc),
        (status = 408, response = openapi::BodyTimeout),
        (status = 409, description = "`conflict`: the document kept changing meanwhile; send it again.", body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 422, description = "`invalid_document`: the follow-up breaks a rule (no text, a move the caller may not make, a text over its limit).", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn decision_follow_up(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, decision)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Json<MeetingRecord>> {
    let u = user(&state, &headers).await?;
    let id = path_id("meeting", &id)?;
    let decision = path_id("decision", &decision)?;
    let body: FollowUpBody =
        read_json(&state, &headers, body, JSON_BODY_BYTES, r#"{"text": "...", "status": "done"}"#).await?;
    let m = blocking(&state, move |s| {
        let role = match u.role {
            Role::Property => PartyRole::PropertyCompany,
            _ => PartyRole::Supervisor,
        };
        let p = s
            .edit(
                id,
                |m| {
                    if m.kind == DocKind::Meeting && s.reaches(&u, m.compound_id)? {
                        Ok(())
                    } else {
                        Err(ServiceError::NotFound(NO_MEETING.into()))
                    }
                },
                |d| {
                    let Projection::Meeting(m) = doc::project(d)? else {
                        return Err(steward_core::Error::NotFound(NO_MEETING.into()));
                    };
                    // Checked on the document being edited: a decision that is not the
                    // property company's is as good as absent to it.
                    let yours =
                        |x: &DecisionRecord| u.role != Role::Property || x.party == MeetingParty::PropertyCompany;
                    if !m.decisions.iter().any(|x| x.id == decision && yours(x)) {
                        return Err(steward_core::Error::NotFound(NO_DECISION.into()));
                    }
                    doc::follow_up_decision(
                        d,
                        Uuid::new_v4(),
                        decision,
                        &body.text,
                        body.status,
                        u.id,
                        role,
                        now_millis(),
                    )
                },
            )
            .map_err(|e| match e {
                ServiceError::NotFound(m) if m.contains("decision") => ServiceError::NotFound(NO_DECISION.into()),
                ServiceError::NotFound(_) => ServiceError::NotFound(NO_MEETING.into()),
                e => e,
            })?;
        Ok(as_seen_by(&u, meeting_of(p)?))
    })
    .await?;
    Ok(Json(m))
}
