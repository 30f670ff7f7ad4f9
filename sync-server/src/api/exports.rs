//! The reports, each as JSON or as CSV for Excel, built from what the caller may read.

use super::*;

#[derive(Deserialize)]
pub(super) struct ReportQuery {
    month: Option<String>,
    format: Option<String>,
}

impl ReportQuery {
    fn csv(&self) -> ApiResult<bool> {
        match self.format.as_deref() {
            None | Some("json") => Ok(false),
            Some("csv") => Ok(true),
            Some(f) => Err(ApiError::bad_request(format!("format {f:?} is not offered: use json or csv"))),
        }
    }

    fn month(&self, service: &Service) -> ApiResult<Month> {
        match self.month.as_deref() {
            None => Ok(service.zone().month_of(now_millis())),
            Some(m) => m.parse().map_err(|e: steward_core::Error| ApiError::bad_request(e.to_string())),
        }
    }
}

/// A report as both answers: JSON, and a table for CSV.
pub(super) struct Report {
    name: String,
    json: serde_json::Value,
    headers: &'static [&'static str],
    cells: Vec<Vec<String>>,
}

impl Report {
    fn new<T: Serialize>(
        name: String,
        json: &T,
        headers: &'static [&'static str],
        cells: Vec<Vec<String>>,
    ) -> ApiResult<Report> {
        let json = serde_json::to_value(json).map_err(|e| ServiceError::Internal(e.to_string()))?;
        Ok(Report { name, json, headers, cells })
    }
}

/// What every report shares: a signed-in user, the ledger of their place, JSON or CSV.
async fn report(
    state: AppState,
    headers: HeaderMap,
    q: ReportQuery,
    reads: Reads,
    build: fn(&Service, &ReportQuery, &Ledger) -> ApiResult<Report>,
) -> ApiResult<Response> {
    let u = user(&state, &headers).await?;
    let csv = q.csv()?;
    blocking(&state, move |s| {
        if reads == Reads::Households && !Service::reads_households(&u) {
            return Err(ApiError::forbidden("a property company sees the issues in its duty, not household records"));
        }
        let l = ledger(s, u.clone())?;
        let r = build(s, &q, &l)?;
        if reads == Reads::Households {
            let action = format!("report:{}:{}", r.name, if csv { "csv" } else { "json" });
            super::audit::log_access(s, &u, &action, l.households.iter().map(|h| h.id).collect())?;
        }
        if !csv {
            return Ok(Json(r.json).into_response());
        }
        let body = to_csv(r.headers, r.cells);
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}.csv\"", r.name)),
            ],
            body,
        )
            .into_response())
    })
    .await
}

/// What a report is built from: household records, which a property company never reads, or
/// issues only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reads {
    Households,
    Issues,
}

fn ledger(service: &Service, u: User) -> Result<Ledger, ApiError> {
    let rows = service.readable(&u, -1)?;
    let scope = service.user_scope(&Principal::User(u))?;
    let stewards = service.storage().stewards(scope_compounds(&scope).as_deref())?;
    let (ledger, bad) = Ledger::from_rows(&rows, &stewards);
    if bad > 0 {
        tracing::error!(bad, "projections that do not parse were skipped");
    }
    Ok(ledger)
}

fn seen_for(service: &Service, ids: Vec<Uuid>) -> Result<std::collections::HashMap<Uuid, Millis>, ApiError> {
    Ok(service.storage().first_seen(&ids)?)
}

fn yes_no(b: bool) -> String {
    if b { "是" } else { "否" }.into()
}

#[utoipa::path(
    get, path = "/v1/reports/visits", tag = "reports",
    summary = "Visits planned vs done per steward, for a month",
    description = "From the household records of the caller's place; a property company may not read it.",
    params(
        ("month" = Option<String>, Query, pattern = "^[0-9]{4}-[0-9]{2}$", example = "2026-11",
            description = "The month, YYYY-MM (2000–2099), in the program's time zone; the current month by default."),
        ("format" = Option<openapi::ReportFormat>, Query,
            description = "`json` (the default) or `csv`: UTF-8 with BOM, bilingual headers, local times, for Excel."),
    ),
    responses(
        (status = 200, description = "The report: JSON, or CSV with `format=csv`.",
            content((openapi::VisitsReport = "application/json"), (String = "text/csv")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv`: `attachment; filename=\"<report>.csv\"`."))),
        (status = 400, description = "`bad_request`: `format` is neither `json` nor `csv`, or `month` is not YYYY-MM between 2000 and 2099.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company (it reads no household records); \
`forbidden_document`: the account has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn report_visits(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Households, |s, q, l| {
        let month = q.month(s)?;
        let rows = reports::visits(l, s.zone(), month);
        let cells = rows
            .iter()
            .map(|r| {
                vec![
                    r.month.to_string(),
                    r.steward.clone(),
                    r.planned.to_string(),
                    r.planned_visited.to_string(),
                    r.visits.to_string(),
                    r.households_visited.to_string(),
                    yes_no(r.plan_out_of_range),
                ]
            })
            .collect();
        Report::new(
            format!("visits-{month}"),
            &rows,
            &[
                "月份/month",
                "管家/steward",
                "计划户数/planned",
                "计划已访/planned visited",
                "走访次数/visits",
                "走访户数/households visited",
                "超出10-20户/out of range",
            ],
            cells,
        )
    })
    .await
}

#[utoipa::path(
    get, path = "/v1/reports/visit-ledger", tag = "reports",
    summary = "The month's visit ledger (遍访纪实台账)",
    description = "From the household records of the caller's place; a property company may not read it.",
    params(
        ("month" = Option<String>, Query, pattern = "^[0-9]{4}-[0-9]{2}$", example = "2026-11",
            description = "The month, YYYY-MM (2000–2099), in the program's time zone; the current month by default."),
        ("format" = Option<openapi::ReportFormat>, Query,
            description = "`json` (the default) or `csv`: UTF-8 with BOM, bilingual headers, local times, for Excel."),
    ),
    responses(
        (status = 200, description = "The report: JSON, or CSV with `format=csv`.",
            content((openapi::VisitLedgerReport = "application/json"), (String = "text/csv")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv`: `attachment; filename=\"<report>.csv\"`."))),
        (status = 400, description = "`bad_request`: `format` is neither `json` nor `csv`, or `month` is not YYYY-MM between 2000 and 2099.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company (it reads no household records); \
`forbidden_document`: the account has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn report_ledger(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Households, |s, q, l| {
        let month = q.month(s)?;
        let ids = l.households.iter().flat_map(|h| h.visits.iter().map(|v| v.id)).collect();
        let rows = reports::visit_ledger(l, s.zone(), month, &seen_for(s, ids)?);
        let z = s.zone();
        let cells = rows
            .iter()
            .map(|r| {
                vec![
                    fmt_time(z, Some(r.at)),
                    r.steward.clone(),
                    r.address.clone(),
                    r.head_name.clone(),
                    r.method.clone(),
                    r.summary.clone(),
                    r.opinions.clone(),
                    r.hardships.clone(),
                    yes_no(r.follow_up),
                    fmt_time(z, Some(r.recorded_at)),
                    fmt_time(z, r.server_seen_at),
                ]
            })
            .collect();
        Report::new(
            format!("visit-ledger-{month}"),
            &rows,
            &[
                "走访时间/visited at",
                "管家/steward",
                "地址/address",
                "户主/head of household",
                "方式/method",
                "情况/summary",
                "意见建议/opinions",
                "困难/hardships",
                "需跟进/follow-up",
                "录入时间/entered at",
                "服务器收到/server received",
            ],
            cells,
        )
    })
    .await
}

#[utoipa::path(
    get, path = "/v1/reports/must-visits", tag = "reports",
    summary = "Open must-visits and how long each has waited",
    description = "From the household records of the caller's place; a property company may not read it.",
    params(
        ("format" = Option<openapi::ReportFormat>, Query,
            description = "`json` (the default) or `csv`: UTF-8 with BOM, bilingual headers, local times, for Excel."),
    ),
    responses(
        (status = 200, description = "The report: JSON, or CSV with `format=csv`.",
            content((openapi::MustVisitsReport = "application/json"), (String = "text/csv")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv`: `attachment; filename=\"<report>.csv\"`."))),
        (status = 400, description = "`bad_request`: `format` is neither `json` nor `csv`.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company (it reads no household records); \
`forbidden_document`: the account has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn report_must_visits(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Households, |s, _, l| {
        let ids = l.households.iter().flat_map(|h| h.must_visits.iter().map(|m| m.id)).collect();
        let rows = reports::open_must_visits(l, now_millis(), &seen_for(s, ids)?);
        let z = s.zone();
        let cells = rows
            .iter()
            .map(|r| {
                vec![
                    r.address.clone(),
                    r.head_name.clone(),
                    r.steward.clone(),
                    r.trigger_zh.clone(),
                    fmt_time(z, Some(r.date)),
                    r.age_days.to_string(),
                    fmt_time(z, r.server_seen_at),
                ]
            })
            .collect();
        Report::new(
            "open-must-visits".into(),
            &rows,
            &[
                "地址/address",
                "户主/head of household",
                "管家/steward",
                "必访事由/trigger",
                "日期/date",
                "已等待天数/age (days)",
                "服务器收到/server received",
            ],
            cells,
        )
    })
    .await
}

#[utoipa::path(
    get, path = "/v1/reports/timely", tag = "reports",
    summary = "Timely responses, on time or late",
    description = "From the household records of the caller's place; a property company may not read it.",
    params(
        ("month" = Option<String>, Query, pattern = "^[0-9]{4}-[0-9]{2}$", example = "2026-11",
            description = "Only the timely responses raised in this month, YYYY-MM (2000–2099), in the program's time \
zone; every month by default."),
        ("format" = Option<openapi::ReportFormat>, Query,
            description = "`json` (the default) or `csv`: UTF-8 with BOM, bilingual headers, local times, for Excel."),
    ),
    responses(
        (status = 200, description = "The report: JSON, or CSV with `format=csv`.",
            content((openapi::TimelyReport = "application/json"), (String = "text/csv")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv`: `attachment; filename=\"<report>.csv\"`."))),
        (status = 400, description = "`bad_request`: `format` is neither `json` nor `csv`, or `month` is not YYYY-MM between 2000 and 2099.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company (it reads no household records); \
`forbidden_document`: the account has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn report_timely(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Households, |s, q, l| {
        let month = match q.month.as_deref() {
            None => None,
            Some(_) => Some((s.zone(), q.month(s)?)),
        };
        let ids = l.households.iter().flat_map(|h| h.timely.iter().map(|t| t.id)).collect();
        let (summary, rows) = reports::timely(l, now_millis(), month, &seen_for(s, ids)?);
        let z = s.zone();
        let cells = rows
            .iter()
            .map(|r| {
                let outcome = match r.timeliness {
                    steward_core::time::Timeliness::OnTime => "按时/on time",
                    steward_core::time::Timeliness::Late => "超时/late",
                    steward_core::time::Timeliness::Open => "办理中/open",
                    steward_core::time::Timeliness::Overdue => "已超时未办结/overdue",
                };
                vec![
                    r.address.clone(),
                    r.steward.clone(),
                    r.kind_zh.clone(),
                    fmt_time(z, Some(r.raised_at)),
                    fmt_time(z, Some(r.deadline)),
                    fmt_time(z, r.resolved_at),
                    outcome.into(),
                    fmt_time(z, r.server_seen_at),
                ]
            })
            .collect();
        Report::new(
            "timely-responses".into(),
            &serde_json::json!({ "summary": summary, "rows": rows }),
            &[
                "地址/address",
                "管家/steward",
                "类别/kind",
                "发生时间/raised at",
                "时限/deadline",
                "办结时间/resolved at",
                "结果/outcome",
                "服务器收到/server received",
            ],
            cells,
        )
    })
    .await
}

#[utoipa::path(
    get, path = "/v1/reports/issues", tag = "reports",
    summary = "Issues by status and route",
    description = "From the issues the caller may read: a property company gets the issues within its duty.",
    params(
        ("format" = Option<openapi::ReportFormat>, Query,
            description = "`json` (the default) or `csv`: UTF-8 with BOM, bilingual headers, local times, for Excel."),
    ),
    responses(
        (status = 200, description = "The report: JSON, or CSV with `format=csv`.",
            content((openapi::IssuesReport = "application/json"), (String = "text/csv")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv`: `attachment; filename=\"<report>.csv\"`."))),
        (status = 400, description = "`bad_request`: `format` is neither `json` nor `csv`.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token; `forbidden_document`: the account has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn report_issues(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Issues, |s, _, l| {
        let (counts, issues) = reports::issues(l);
        let z = s.zone();
        let cells = issues
            .iter()
            .map(|r| {
                vec![
                    fmt_time(z, Some(r.reported_at)),
                    r.reporter.clone(),
                    r.category_zh.clone(),
                    r.place.clone(),
                    r.description.clone(),
                    r.route.label_zh().into(),
                    r.status.label_zh().into(),
                    r.comments.to_string(),
                    fmt_time(z, Some(r.last_update_at)),
                ]
            })
            .collect();
        Report::new(
            "issues".into(),
            &serde_json::json!({ "counts": counts, "issues": issues }),
            &[
                "上报时间/reported at",
                "上报人/reporter",
                "类别/category",
                "地点/place",
                "描述/description",
                "流向/route",
                "状态/status",
                "留言数/comments",
                "最近更新/last update",
            ],
            cells,
        )
    })
    .await
}

#[utoipa::path(
    get, path = "/v1/reports/three-clears", tag = "reports",
    summary = "The three clears (三清) per steward",
    description = "From the household records of the caller's place; a property company may not read it.",
    params(
        ("format" = Option<openapi::ReportFormat>, Query,
            description = "`json` (the default) or `csv`: UTF-8 with BOM, bilingual headers, local times, for Excel."),
    ),
    responses(
        (status = 200, description = "The report: JSON, or CSV with `format=csv`.",
            content((openapi::ThreeClearsReport = "application/json"), (String = "text/csv")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv`: `attachment; filename=\"<report>.csv\"`."))),
        (status = 400, description = "`bad_request`: `format` is neither `json` nor `csv`.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company (it reads no household records); \
`forbidden_document`: the account has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn report_three_clears(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Households, |_, _, l| {
        let rows = reports::three_clears(l);
        let cells = rows
            .iter()
            .map(|r| {
                let [p, b, k] = r.percent;
                vec![r.steward.clone(), r.clears.households.to_string(), p.to_string(), b.to_string(), k.to_string()]
            })
            .collect();
        Report::new(
            "three-clears".into(),
            &rows,
            &[
                "管家/steward",
                "户数/households",
                "党员情况清/party members %",
                "基本情况清/basic profile %",
                "重点对象清/key service %",
            ],
            cells,
        )
    })
    .await
}
