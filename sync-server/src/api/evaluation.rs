//! The half-year steward evaluation (每半年考核评价) for the console: each steward's indicators for
//! the half, computed from the data, beside the community's score and comment; entering them
//! writes the steward's evaluation document, which reaches their app. Household-derived data
//! about stewards: a property company reads none of it.

use super::exports::{deadlines, report, Reads, Report, ReportQuery, Within};
use super::*;
use crate::table::{Cell, Table};
use steward_core::doc::Indicators;
use steward_core::time::HalfYear;

const NO_STEWARD: &str = "no such steward in your place";

/// A steward's row of the evaluation.
#[derive(Debug, Serialize)]
struct EvaluationRow {
    steward_id: Uuid,
    steward: String,
    compound_id: Uuid,
    compound: String,
    #[serde(flatten)]
    indicators: Indicators,
    /// The community's score (0–100) and comment; `null` while not evaluated.
    score: Option<u32>,
    comment: Option<String>,
    evaluated_at: Option<Millis>,
}

fn build(s: &Service, q: &ReportQuery, w: &Within) -> ApiResult<Report> {
    let half = q.half(s)?;
    let regular: Vec<crate::storage::Steward> =
        w.stewards.iter().filter(|st| st.campaign_id.is_none()).cloned().collect();
    let all = crate::evaluation::indicators(s, &w.slice, &regular, half, &deadlines(s, w)?)?;
    let scores = s.storage().evaluations(&half.to_string())?;
    let compounds: std::collections::HashMap<Uuid, String> =
        s.storage().places()?.into_iter().map(|p| (p.id, p.name)).collect();
    let mut rows: Vec<EvaluationRow> = regular
        .iter()
        .map(|st| {
            let e = scores.iter().find(|e| e.steward_id == st.id);
            EvaluationRow {
                steward_id: st.id,
                steward: st.name.clone(),
                compound_id: st.compound_id,
                compound: compounds.get(&st.compound_id).cloned().unwrap_or_default(),
                indicators: all.get(&st.id).cloned().unwrap_or_default(),
                score: e.map(|e| e.score),
                comment: e.map(|e| e.comment.clone()),
                evaluated_at: e.map(|e| e.evaluated_at),
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.compound, &a.steward, a.steward_id).cmp(&(&b.compound, &b.steward, b.steward_id)));
    let mut t = Table::new(
        "evaluation",
        format!("{half} 红色管家考核评价"),
        &[
            "小区/compound",
            "管家/steward",
            "联系户数/households",
            "走访人次/visits",
            "走访户数/households visited",
            "达标月数(≥10户)/months at the norm",
            "必访/must-visits",
            "已访/answered",
            "平均响应天数/days to answer",
            "及时响应/timely",
            "按时/on time",
            "党员情况清/party member known",
            "基本情况清/profile complete",
            "重点对象清/key service known",
            "上报问题/issues reported",
            "已核实/verified",
            "联席会议/meetings",
            "商定事项/decisions",
            "已跟进/followed",
            "社区评分/score",
            "评语/comment",
            "评价时间/evaluated",
        ],
    );
    let n = |v: u32| Cell::Int(v.into());
    t.rows = rows
        .iter()
        .map(|r| {
            let i = &r.indicators;
            vec![
                Cell::text(&r.compound),
                Cell::text(&r.steward),
                n(i.households),
                n(i.visits),
                n(i.households_visited),
                n(i.months_meeting_norm),
                n(i.must_visits),
                n(i.must_visits_answered),
                i.must_visit_days.map_or(Cell::text(""), Cell::Number),
                n(i.timely),
                n(i.timely_on_time),
                n(i.party_member_known),
                n(i.basic_profile_complete),
                n(i.key_service_known),
                n(i.issues_reported),
                n(i.issues_verified),
                n(i.meetings_held),
                n(i.decisions),
                n(i.decisions_followed),
                r.score.map_or(Cell::text(""), n),
                Cell::text(r.comment.clone().unwrap_or_default()),
                Cell::Time(r.evaluated_at),
            ]
        })
        .collect();
    let json =
        serde_json::json!({ "half": half.to_string(), "norm": steward_core::doc::MONTHLY_NORM, "stewards": rows });
    Ok(Report::new(&json, t)?)
}

#[utoipa::path(
    get, path = "/v1/reports/evaluation", tag = "reports",
    summary = "The half-year steward evaluation (每半年考核评价): indicators and the community's scores",
    description = "Per steward of the place (temporary stewards left out), for the half year: households, visits \
and households visited, households visited each month and the months at the program's norm (10), must-visits and \
those answered with the mean days to answer, timely responses and those on time, the three clears, issues reported \
and verified, joint meetings called, their decisions and those followed up; beside the community's score and comment. \
A property company may not read it.",
    params(
        ("half" = Option<String>, Query, pattern = "^[0-9]{4}-H[12]$", description = "YYYY-Hn; the half under way by default."),
        openapi::ReportParams,
    ),
    responses(
        (status = 200, description = "The evaluation: JSON, or a CSV or XLSX file.",
            content((openapi::EvaluationReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv` or `xlsx`: `attachment; filename=\"evaluation.<format>\"`."))),
        (status = 400, description = "`invalid_field`: a query parameter is not what it takes (`field` names it).", body = openapi::ErrorDoc),
        (status = 404, response = openapi::PlaceNotFound),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company; `forbidden_document`: the account has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn report_evaluation(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Households, build).await
}

/// The body of `PUT /v1/evaluations/{steward_id}/{half}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct EvaluationBody {
    /// 0 to 100.
    score: u32,
    /// At most 2,000 characters.
    #[serde(default)]
    comment: String,
}

#[utoipa::path(
    put, path = "/v1/evaluations/{steward_id}/{half}", tag = "edits",
    summary = "Enter the community's score and comment of a steward for a half year",
    description = "By a supervisor of the steward's place (or an admin). Stored, and written with the steward's \
indicators for the half into their evaluation document, which reaches their app at its next sync. Entering it again \
replaces it.",
    params(
        ("steward_id" = Uuid, Path, description = "The steward."),
        ("half" = String, Path, description = "YYYY-Hn."),
    ),
    request_body(content = EvaluationBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 200, description = "The steward's evaluation as their app shows it.", body = Object),
        (status = 400, description = "`bad_request` or `invalid_field` (`half`, `score`, `comment`).", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token or a property company.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such steward in your place.", body = openapi::ErrorDoc),
        (status = 408, response = openapi::BodyTimeout),
        (status = 409, description = "`conflict`: the document kept changing meanwhile; send it again.", body = openapi::ErrorDoc),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn set_evaluation(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((steward_id, half)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Json<steward_core::doc::EvaluationRecord>> {
    let u = supervisor(&state, &headers).await?;
    let steward_id = path_id("steward", &steward_id)?;
    let half: HalfYear =
        half.trim().parse().map_err(|e: steward_core::Error| ApiError::field("half", e.to_string()))?;
    let b: EvaluationBody =
        read_json(&state, &headers, body, JSON_BODY_BYTES, r#"{"score": 90, "comment": "..."}"#).await?;
    if b.score > steward_core::doc::MAX_EVALUATION_SCORE {
        return Err(ApiError::field("score", "a score is 0 to 100"));
    }
    if b.comment.chars().count() > steward_core::limits::LONG_TEXT {
        return Err(ApiError::field("comment", "a comment is at most 2,000 characters"));
    }
    let record = blocking(&state, move |s| {
        let st = s.storage().steward(steward_id)?.ok_or_else(|| ServiceError::NotFound(NO_STEWARD.into()))?;
        if st.campaign_id.is_some() || !s.reaches(&u, st.compound_id)? {
            return Err(ServiceError::NotFound(NO_STEWARD.into()).into());
        }
        let w = super::exports::within(s, &u, Some(st.compound_id), Some(st.id))?;
        let mut all = crate::evaluation::indicators(s, &w.slice, std::slice::from_ref(&st), half, &deadlines(s, &w)?)?;
        let indicators = all.remove(&st.id).unwrap_or_default();
        let record = crate::evaluation::evaluate(s, &st, half, indicators, b.score, &b.comment, u.id)?;
        tracing::info!(steward = %st.id, %half, by = %u.id, "steward evaluated");
        Ok(record)
    })
    .await?;
    Ok(Json(record))
}
