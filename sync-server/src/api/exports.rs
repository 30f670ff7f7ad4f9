//! The reports, each as JSON, as CSV for Excel or as XLSX, built from what the caller may read,
//! narrowed to a place below theirs or to one steward.

use super::stewards::query_id;
use super::*;
use crate::read_model::Slice;
use crate::table::{Cell, Table};

#[derive(Deserialize)]
pub(super) struct ReportQuery {
    month: Option<String>,
    format: Option<String>,
    place: Option<String>,
    steward_id: Option<String>,
    months: Option<String>,
    /// YYYY-Hn: the half year of the stewards' evaluation.
    pub(super) half: Option<String>,
    /// A campaign's progress.
    pub(super) campaign_id: Option<String>,
    /// YYYY-Qn: the joint meetings' period.
    pub(super) quarter: Option<String>,
    /// A period of whole months, YYYY-MM to YYYY-MM (both included).
    from: Option<String>,
    to: Option<String>,
    // Row filters of the lists (each report takes those it names).
    trigger: Option<String>,
    kind: Option<String>,
    timeliness: Option<String>,
    pub(super) status: Option<String>,
    route: Option<String>,
    category: Option<String>,
    /// A decision's responsible party.
    pub(super) party: Option<String>,
    /// An issue's origin: `steward` or `property_company`.
    origin: Option<String>,
    /// A pairing case's need and outcome.
    pub(super) need: Option<String>,
    pub(super) outcome: Option<String>,
    min_age_days: Option<String>,
    max_age_days: Option<String>,
    counts_only: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

/// A page of a report's rows, when the caller asks for one (`per_page`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Paging {
    page: u64,
    per_page: u64,
}

impl Paging {
    /// This page of `rows`.
    pub(super) fn of<'a, T>(self, rows: &'a [T]) -> &'a [T] {
        let start = ((self.page - 1) * self.per_page).min(rows.len() as u64) as usize;
        let end = (start as u64 + self.per_page).min(rows.len() as u64) as usize;
        &rows[start..end]
    }
}

/// The most rows a report's page holds.
pub const REPORT_PAGE_MAX: u64 = 500;

/// A list report's JSON: every row, or with `per_page` a page of them with the total.
pub(super) fn rows_json<T: Serialize>(rows: &[T], paging: Option<Paging>) -> serde_json::Value {
    match paging {
        None => serde_json::json!(rows),
        Some(p) => {
            serde_json::json!({ "total": rows.len(), "page": p.page, "per_page": p.per_page, "rows": p.of(rows) })
        }
    }
}

/// Parses an optional code of a closed list: `field` names it in the 400.
pub(super) fn code<T: std::str::FromStr>(field: &'static str, value: Option<&str>) -> ApiResult<Option<T>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => {
            v.parse().map(Some).map_err(|_| ApiError::field(field, format!("{field} {v:?} is not a known code")))
        }
    }
}

/// How a report or list is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Json,
    Csv,
    Xlsx,
}

impl Format {
    pub(super) fn parse(format: Option<&str>) -> ApiResult<Format> {
        match format {
            None | Some("") | Some("json") => Ok(Format::Json),
            Some("csv") => Ok(Format::Csv),
            Some("xlsx") => Ok(Format::Xlsx),
            Some(f) => Err(ApiError::field("format", format!("format {f:?} is not offered: use json, csv or xlsx"))),
        }
    }

    pub(super) fn code(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

/// The media type of an XLSX file.
pub(super) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A table as a download: CSV or XLSX.
pub(super) fn download(table: &Table, format: Format, zone: steward_core::time::ProgramZone) -> ApiResult<Response> {
    let (body, mime, ext) = match format {
        Format::Json | Format::Csv => (table.csv(zone), "text/csv; charset=utf-8", "csv"),
        Format::Xlsx => (table.xlsx(zone).map_err(|e| ServiceError::Internal(format!("xlsx: {e}")))?, XLSX, "xlsx"),
    };
    attachment(body, mime, &table.name, ext)
}

/// A file answer with its name (ASCII, so every browser keeps it).
pub(super) fn attachment(body: Vec<u8>, mime: &str, name: &str, ext: &str) -> ApiResult<Response> {
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.{ext}\"")),
        ],
        body,
    )
        .into_response())
}

impl ReportQuery {
    pub(super) fn paging(&self) -> ApiResult<Option<Paging>> {
        let number = |field: &'static str, v: &str, max: u64| {
            v.trim()
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| ApiError::field(field, format!("{field} must be a whole number from 1 to {max}")))
        };
        match (self.page.as_deref().filter(|p| !p.is_empty()), self.per_page.as_deref().filter(|p| !p.is_empty())) {
            (None, None) => Ok(None),
            (page, per_page) => Ok(Some(Paging {
                page: page.map(|p| number("page", p, 1_000_000)).transpose()?.unwrap_or(1),
                per_page: per_page.map(|p| number("per_page", p, REPORT_PAGE_MAX)).transpose()?.unwrap_or(50),
            })),
        }
    }

    fn max_age_days(&self) -> ApiResult<Option<i64>> {
        match self.max_age_days.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) => v.parse::<i64>().ok().filter(|d| (0..=36_500).contains(d)).map(Some).ok_or_else(|| {
                ApiError::field("max_age_days", format!("max_age_days must be a whole number of days, not {v:?}"))
            }),
        }
    }

    fn min_age_days(&self) -> ApiResult<Option<i64>> {
        match self.min_age_days.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) => v.parse::<i64>().ok().filter(|d| (0..=36_500).contains(d)).map(Some).ok_or_else(|| {
                ApiError::field("min_age_days", format!("min_age_days must be a whole number of days, not {v:?}"))
            }),
        }
    }

    fn timeliness(&self) -> ApiResult<Option<steward_core::time::Timeliness>> {
        use steward_core::time::Timeliness::*;
        Ok(match self.timeliness.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("on_time") => Some(OnTime),
            Some("late") => Some(Late),
            Some("open") => Some(Open),
            Some("overdue") => Some(Overdue),
            Some(v) => {
                return Err(ApiError::field(
                    "timeliness",
                    format!("timeliness {v:?} is not on_time, late, open or overdue"),
                ))
            }
        })
    }

    fn format(&self) -> ApiResult<Format> {
        Format::parse(self.format.as_deref())
    }

    /// The months `from` to `to` (both included) as instants in the program's zone; `None`
    /// when neither is given. One alone is a period of that one month.
    pub(super) fn period(&self, service: &Service) -> ApiResult<Option<(Millis, Millis, Month, Month)>> {
        let month = |field: &'static str, v: Option<&str>| -> ApiResult<Option<Month>> {
            match v.map(str::trim) {
                None | Some("") => Ok(None),
                Some(m) => m.parse().map(Some).map_err(|e: steward_core::Error| ApiError::field(field, e.to_string())),
            }
        };
        let (from, to) = match (month("from", self.from.as_deref())?, month("to", self.to.as_deref())?) {
            (None, None) => return Ok(None),
            (Some(f), None) => (f, f),
            (None, Some(t)) => (t, t),
            (Some(f), Some(t)) => (f, t),
        };
        if to < from {
            return Err(ApiError::field("to", "the period ends before it begins"));
        }
        let zone = service.zone();
        Ok(Some((zone.month_start(from), zone.month_start(to.next()), from, to)))
    }

    /// The quarter asked for, the current one by default.
    pub(super) fn quarter(&self, service: &Service) -> ApiResult<steward_core::time::Quarter> {
        match self.quarter.as_deref().map(str::trim) {
            None | Some("") => Ok(steward_core::time::Quarter::of(service.zone().month_of(now_millis()))),
            Some(q) => q.parse().map_err(|e: steward_core::Error| ApiError::field("quarter", e.to_string())),
        }
    }

    /// As [`ReportQuery::period`], this year so far when no period is given.
    pub(super) fn period_or_this_year(&self, service: &Service) -> ApiResult<(Millis, Millis, Month, Month)> {
        Ok(match self.period(service)? {
            Some(p) => p,
            None => {
                let zone = service.zone();
                let now = zone.month_of(now_millis());
                let first = Month { year: now.year, month: 1 };
                (zone.month_start(first), zone.month_start(now.next()), first, now)
            }
        })
    }

    /// The half year asked for; the one under way by default.
    pub(super) fn half(&self, service: &Service) -> ApiResult<steward_core::time::HalfYear> {
        match self.half.as_deref().map(str::trim) {
            None | Some("") => Ok(steward_core::time::HalfYear::of(service.zone().month_of(now_millis()))),
            Some(h) => h.parse().map_err(|e: steward_core::Error| ApiError::field("half", e.to_string())),
        }
    }

    fn month(&self, service: &Service) -> ApiResult<Month> {
        match self.month.as_deref() {
            None | Some("") => Ok(service.zone().month_of(now_millis())),
            Some(m) => m.parse().map_err(|e: steward_core::Error| ApiError::field("month", e.to_string())),
        }
    }
}

/// A report as both answers: JSON, and a table for CSV and XLSX.
pub(super) struct Report {
    json: serde_json::Value,
    table: Table,
    /// The households whose personal fields (name, address) the report shows, for the access log.
    shows: Vec<Uuid>,
}

impl Report {
    pub(super) fn new<T: Serialize>(json: &T, table: Table) -> ApiResult<Report> {
        let json = serde_json::to_value(json).map_err(|e| ServiceError::Internal(e.to_string()))?;
        Ok(Report { json, table, shows: Vec::new() })
    }

    pub(super) fn showing(mut self, households: impl IntoIterator<Item = Uuid>) -> Report {
        self.shows = households.into_iter().collect();
        self.shows.sort();
        self.shows.dedup();
        self
    }
}

/// What a report reads: the caller's place (or a place below it, or one steward's), the names
/// of its stewards, and for a property company only the issues in its duty.
pub(super) struct Within {
    pub(super) slice: Slice,
    pub(super) stewards: Vec<crate::storage::Steward>,
    pub(super) names: reports::Names,
    /// A property company reads (issues: those in its duty and those it passed on).
    pub(super) property: bool,
}

/// What every report shares: a signed-in user, the ledger of their place (or of a place below
/// it, or of one steward), JSON, CSV or XLSX.
pub(super) async fn report(
    state: AppState,
    headers: HeaderMap,
    q: ReportQuery,
    reads: Reads,
    build: fn(&Service, &ReportQuery, &Within) -> ApiResult<Report>,
) -> ApiResult<Response> {
    let u = user(&state, &headers).await?;
    let format = q.format()?;
    let place = query_id("place", q.place.as_deref())?;
    let steward = query_id("steward_id", q.steward_id.as_deref())?;
    blocking(&state, move |s| {
        if reads == Reads::Households && !Service::reads_households(&u) {
            return Err(ApiError::forbidden("a property company sees the issues in its duty, not household records"));
        }
        if reads == Reads::Meetings && u.role == Role::Property {
            return Err(ApiError::forbidden(
                "a property company sees the joint meetings' decisions that are its own (/v1/reports/decisions), not the meetings",
            ));
        }
        let w = within(s, &u, place, steward)?;
        let r = build(s, &q, &w)?;
        let action = format!("report:{}:{}", r.table.name, format.code());
        super::audit::log_access(s, &u, &action, r.shows.clone())?;
        match format {
            Format::Json => Ok(Json(r.json).into_response()),
            f => download(&r.table, f, s.zone()),
        }
    })
    .await
}

/// What a report is built from: household records, which a property company never reads, or
/// issues only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reads {
    Households,
    Issues,
    /// The joint meetings: supervisors only.
    Meetings,
    /// What is a property company's own (the meetings' decisions it is responsible for, its
    /// scores): everyone reads it, the report narrows what a property company sees.
    PropertyOwn,
}

/// What `u` may read in `place` (theirs by default), of one steward if given: a steward outside
/// it is `404`, as for a place.
pub(super) fn within(service: &Service, u: &User, place: Option<Uuid>, steward: Option<Uuid>) -> ApiResult<Within> {
    let compounds = service.reach(u, place)?;
    let mut stewards = service.storage().stewards(compounds.as_deref())?;
    if let Some(st) = steward {
        stewards.retain(|x| x.id == st);
        if stewards.is_empty() {
            return Err(ServiceError::NotFound("no such steward in your place".into()).into());
        }
    }
    let names = reports::Names::of(&stewards);
    Ok(Within { slice: Slice { compounds, steward_id: steward }, stewards, names, property: u.role == Role::Property })
}

/// The compounds a report covers, by name.
pub(super) fn compounds_of(s: &Service, w: &Within) -> ApiResult<Vec<crate::storage::Place>> {
    Ok(s.storage()
        .places()?
        .into_iter()
        .filter(|p| p.kind == crate::storage::PlaceKind::Compound)
        .filter(|p| w.slice.compounds.as_ref().is_none_or(|c| c.contains(&p.id)))
        .collect())
}

/// The deadlines of the compounds a report reads (the program's defaults for one without).
pub(super) fn deadlines(service: &Service, w: &Within) -> ApiResult<std::collections::HashMap<Uuid, DeadlinePolicy>> {
    let scope = match &w.slice.compounds {
        None => Scope::All,
        Some(c) => Scope::Compounds(c.clone()),
    };
    let mut out = std::collections::HashMap::new();
    for r in service.storage().projections(&scope, Some(DocKind::Compound), -1)? {
        if let Ok(Projection::Compound(c)) = serde_json::from_str::<Projection>(&r.json) {
            out.insert(c.id, c.deadlines);
        }
    }
    Ok(out)
}

/// A month's first and last instants (exclusive), in the program's zone.
fn range(service: &Service, month: Month) -> (Millis, Millis) {
    (service.zone().month_start(month), service.zone().month_start(month.next()))
}

#[utoipa::path(
    get, path = "/v1/reports/visits", tag = "reports",
    summary = "Visits planned vs done per steward, for a month",
    description = "From the household records of the caller's place; a property company may not read it.",
    params(
        ("month" = Option<String>, Query, pattern = "^[0-9]{4}-[0-9]{2}$", example = "2026-11",
            description = "The month, YYYY-MM (2000–2099), in the program's time zone; the current month by default."),
        openapi::ReportParams,
    ),
    responses(
        (status = 200, description = "The report: JSON, or a CSV or XLSX file.",
            content((openapi::VisitsReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv` or `xlsx`: `attachment; filename=\"<report>.<format>\"`."))),
        (status = 400, description = "`invalid_field`: a query parameter is not what it takes (`field` names it).", body = openapi::ErrorDoc),
        (status = 404, response = openapi::PlaceNotFound),
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
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Households, |s, q, w| {
        let month = q.month(s)?;
        let (from, to) = range(s, month);
        let tallies = s.storage().visit_tallies(&w.slice, from, to, &month.to_string())?;
        let rows = reports::visits(tallies, &w.stewards, month);
        let mut t = Table::new(
            format!("visits-{month}"),
            format!("走访进度 {month}"),
            &[
                "月份/month",
                "管家/steward",
                "计划户数/planned",
                "计划已访/planned visited",
                "走访次数/visits",
                "走访户数/households visited",
                "超出10-20户/out of range",
            ],
        );
        t.rows = rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(r.month.to_string()),
                    Cell::text(&r.steward),
                    Cell::Int(r.planned.into()),
                    Cell::Int(r.planned_visited.into()),
                    Cell::Int(r.visits.into()),
                    Cell::Int(r.households_visited.into()),
                    Cell::YesNo(r.plan_out_of_range),
                ]
            })
            .collect();
        Report::new(&rows, t)
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
        ("page" = Option<u64>, Query, description = "With `per_page`: this page of the rows, from 1 (JSON only; files hold every row)."),
        ("per_page" = Option<u64>, Query, description = "1 to 500: the JSON answers a page, with `total`, instead of every row."),
        openapi::ReportParams,
    ),
    responses(
        (status = 200, description = "The report: JSON, or a CSV or XLSX file.",
            content((openapi::VisitLedgerReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv` or `xlsx`: `attachment; filename=\"<report>.<format>\"`."))),
        (status = 400, description = "`invalid_field`: a query parameter is not what it takes (`field` names it).", body = openapi::ErrorDoc),
        (status = 404, response = openapi::PlaceNotFound),
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
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let u = user(&state, &headers).await?;
    let format = q.format()?;
    if format != Format::Xlsx {
        return report(state, headers, q, Reads::Households, |s, q, w| {
            let month = q.month(s)?;
            let paging = q.paging()?;
            let (rows, shows) = ledger_rows(s, w, month)?;
            let t = ledger_table(month, &rows);
            Ok(Report::new(&rows_json(&rows, paging), t)?.showing(shows))
        })
        .await;
    }
    // As one XLSX in the paper handbook's layout: a title, who and when, then the visits.
    let place = query_id("place", q.place.as_deref())?;
    let steward = query_id("steward_id", q.steward_id.as_deref())?;
    blocking(&state, move |s| {
        if !Service::reads_households(&u) {
            return Err(ApiError::forbidden("a property company sees the issues in its duty, not household records"));
        }
        let month = q.month(s)?;
        let w = within(s, &u, place, steward)?;
        let (rows, shows) = ledger_rows(s, &w, month)?;
        let t = ledger_table(month, &rows);
        super::audit::log_access(s, &u, &format!("report:{}:xlsx", t.name), shows)?;
        let unit = match (steward, place.or(u.place_id)) {
            (Some(_), _) => format!("管家：{}", w.stewards.first().map(|s| s.name.clone()).unwrap_or_default()),
            (None, Some(p)) => format!("单位：{}", s.storage().place(p)?.map(|p| p.name).unwrap_or_default()),
            (None, None) => "单位：全部".into(),
        };
        let subtitle = format!("{unit}    月份：{}年{}月    共 {} 次走访", month.year, month.month, rows.len());
        let body = crate::table::handbook_xlsx("遍访纪实台账", &subtitle, &t, s.zone())
            .map_err(|e| ServiceError::Internal(format!("xlsx: {e}")))?;
        attachment(body, XLSX, &t.name, "xlsx")
    })
    .await
}

/// The month's visits, and the households they show.
fn ledger_rows(s: &Service, w: &Within, month: Month) -> ApiResult<(Vec<reports::LedgerRow>, Vec<Uuid>)> {
    let (from, to) = range(s, month);
    let rows = s.storage().ledger_rows(&w.slice, from, to)?;
    let mut shows: Vec<Uuid> = rows.iter().map(|r| r.row.household_id).collect();
    shows.sort();
    shows.dedup();
    Ok((reports::visit_ledger(rows, &w.names), shows))
}

fn ledger_table(month: Month, rows: &[reports::LedgerRow]) -> Table {
    let mut t = Table::new(
        format!("visit-ledger-{month}"),
        format!("遍访纪实台账 {month}"),
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
    );
    t.rows = rows
        .iter()
        .map(|r| {
            vec![
                Cell::Time(Some(r.at)),
                Cell::text(&r.steward),
                Cell::text(&r.address),
                Cell::text(&r.head_name),
                Cell::text(&r.method),
                Cell::text(&r.summary),
                Cell::text(&r.opinions),
                Cell::text(&r.hardships),
                Cell::YesNo(r.follow_up),
                Cell::Time(Some(r.recorded_at)),
                Cell::Time(r.server_seen_at),
            ]
        })
        .collect();
    t
}

#[utoipa::path(
    get, path = "/v1/reports/must-visits", tag = "reports",
    summary = "Open must-visits and how long each has waited",
    description = "From the household records of the caller's place; a property company may not read it.",
    params(
        ("trigger" = Option<String>, Query, description = "Only must-visits of this trigger (a code, e.g. `illness_or_death`)."),
        ("min_age_days" = Option<u32>, Query, description = "Only must-visits waiting at least this many days."),
        ("page" = Option<u64>, Query, description = "With `per_page`: this page of the rows, from 1 (JSON only; files hold every row)."),
        ("per_page" = Option<u64>, Query, description = "1 to 500: the JSON answers a page, with `total`, instead of every row."),
        openapi::ReportParams,
    ),
    responses(
        (status = 200, description = "The report: JSON, or a CSV or XLSX file.",
            content((openapi::MustVisitsReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv` or `xlsx`: `attachment; filename=\"<report>.<format>\"`."))),
        (status = 400, description = "`invalid_field`: a query parameter is not what it takes (`field` names it).", body = openapi::ErrorDoc),
        (status = 404, response = openapi::PlaceNotFound),
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
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Households, |s, q, w| {
        let paging = q.paging()?;
        let trigger: Option<MustVisitTrigger> = code("trigger", q.trigger.as_deref())?;
        let min_age = q.min_age_days()?;
        let mut rows = reports::open_must_visits(s.storage().open_must_visits(&w.slice)?, &w.names, now_millis());
        rows.retain(|r| trigger.is_none_or(|t| r.trigger == t.as_code()) && min_age.is_none_or(|d| r.age_days >= d));
        let mut t = Table::new(
            "open-must-visits",
            "未完成必访",
            &[
                "地址/address",
                "户主/head of household",
                "管家/steward",
                "必访事由/trigger",
                "日期/date",
                "已等待天数/age (days)",
                "服务器收到/server received",
            ],
        );
        t.rows = rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(&r.address),
                    Cell::text(&r.head_name),
                    Cell::text(&r.steward),
                    Cell::text(&r.trigger_zh),
                    Cell::Date(r.date),
                    Cell::Int(r.age_days),
                    Cell::Time(r.server_seen_at),
                ]
            })
            .collect();
        let shows: Vec<Uuid> = rows.iter().map(|r| r.household_id).collect();
        Ok(Report::new(&rows_json(&rows, paging), t)?.showing(shows))
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
        ("kind" = Option<String>, Query, description = "Only this kind (a code, e.g. `urgent_help`)."),
        ("timeliness" = Option<String>, Query, description = "Only this outcome: `on_time`, `late`, `open`, `overdue`."),
        ("page" = Option<u64>, Query, description = "With `per_page`: this page of the rows, from 1 (JSON only; files hold every row)."),
        ("per_page" = Option<u64>, Query, description = "1 to 500: the JSON answers a page, with `total`, instead of every row."),
        openapi::ReportParams,
    ),
    responses(
        (status = 200, description = "The report: JSON, or a CSV or XLSX file.",
            content((openapi::TimelyReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv` or `xlsx`: `attachment; filename=\"<report>.<format>\"`."))),
        (status = 400, description = "`invalid_field`: a query parameter is not what it takes (`field` names it).", body = openapi::ErrorDoc),
        (status = 404, response = openapi::PlaceNotFound),
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
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Households, |s, q, w| {
        let month = match q.month.as_deref() {
            None | Some("") => None,
            Some(_) => Some((s.zone(), q.month(s)?)),
        };
        let paging = q.paging()?;
        let kind: Option<TimelyKind> = code("kind", q.kind.as_deref())?;
        let timeliness = q.timeliness()?;
        let raised = month.map(|(_, m)| range(s, m));
        let mut rows =
            reports::timely(s.storage().timely_rows(&w.slice, raised)?, &w.names, &deadlines(s, w)?, now_millis());
        rows.retain(|r| kind.is_none_or(|k| r.kind == k.as_code()) && timeliness.is_none_or(|t| r.timeliness == t));
        let summary = reports::TimelySummary::of(&rows);
        let mut t = Table::new(
            "timely-responses",
            "四及时",
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
        );
        t.rows = rows
            .iter()
            .map(|r| {
                let outcome = match r.timeliness {
                    steward_core::time::Timeliness::OnTime => "按时/on time",
                    steward_core::time::Timeliness::Late => "超时/late",
                    steward_core::time::Timeliness::Open => "办理中/open",
                    steward_core::time::Timeliness::Overdue => "已超时未办结/overdue",
                };
                vec![
                    Cell::text(&r.address),
                    Cell::text(&r.steward),
                    Cell::text(&r.kind_zh),
                    Cell::Time(Some(r.raised_at)),
                    Cell::Time(Some(r.deadline)),
                    Cell::Time(r.resolved_at),
                    Cell::text(outcome),
                    Cell::Time(r.server_seen_at),
                ]
            })
            .collect();
        let shows: Vec<Uuid> = rows.iter().map(|r| r.household_id).collect();
        let listed = paging.map_or(&rows[..], |p| p.of(&rows));
        let json = serde_json::json!({ "summary": summary, "total": rows.len(), "rows": listed });
        Ok(Report::new(&json, t)?.showing(shows))
    })
    .await
}

#[utoipa::path(
    get, path = "/v1/reports/issues", tag = "reports",
    summary = "Issues by status and route",
    description = "From the issues the caller may read: a property company gets the issues within its duty.",
    params(
        ("status" = Option<String>, Query, description = "Only issues in this status (a code)."),
        ("route" = Option<String>, Query, description = "`property_duty` or `community_coordination`."),
        ("category" = Option<String>, Query, description = "Only this category (a code, e.g. `safety_hazard`)."),
        ("origin" = Option<String>, Query, description = "Only issues of this origin: `steward` (reported by a steward) or \
`property_company` (a resident's matter the property company passed on, 双向沟通)."),
        ("min_age_days" = Option<u32>, Query, description = "Only issues reported at least this many days ago."),
        ("max_age_days" = Option<u32>, Query, description = "Only issues reported at most this many days ago."),
        ("counts_only" = Option<bool>, Query, description = "`true`: the JSON's `issues` is empty, `counts` counts them \
all (an overview's figure; a district has tens of thousands of issues). Files always hold every row."),
        ("page" = Option<u64>, Query, description = "With `per_page`: this page of the rows, from 1 (JSON only; files hold every row)."),
        ("per_page" = Option<u64>, Query, description = "1 to 500: the JSON answers a page, with `total`, instead of every row."),
        openapi::ReportParams,
    ),
    responses(
        (status = 200, description = "The report: JSON, or a CSV or XLSX file.",
            content((openapi::IssuesReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
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
pub(super) async fn report_issues(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Issues, |s, q, w| {
        let status: Option<IssueStatus> = code("status", q.status.as_deref())?;
        let route: Option<IssueRoute> = code("route", q.route.as_deref())?;
        let category: Option<steward_core::model::IssueCategory> = code("category", q.category.as_deref())?;
        let origin: Option<steward_core::model::IssueOrigin> = code("origin", q.origin.as_deref())?;
        let min_age = q.min_age_days()?;
        let max_age = q.max_age_days()?;
        let paging = q.paging()?;
        let now = now_millis();
        let mut issues = reports::issues(s.storage().issue_rows(&w.slice, w.property)?, &w.names);
        issues.retain(|r| {
            status.is_none_or(|s| r.status == s)
                && origin.is_none_or(|o| r.origin == o)
                && route.is_none_or(|x| r.route == x)
                && category.is_none_or(|c| r.category == c.as_code())
                && min_age.is_none_or(|d| now.saturating_sub(r.reported_at) >= d * 86_400_000)
                && max_age.is_none_or(|d| now.saturating_sub(r.reported_at) <= d * 86_400_000)
        });
        let counts = reports::issue_counts(&issues);
        let counts_only = match q.counts_only.as_deref().map(str::trim) {
            None | Some("") | Some("false") => false,
            Some("true") => true,
            Some(v) => {
                return Err(ApiError::field("counts_only", format!("counts_only {v:?} is neither true nor false")))
            }
        };
        let mut t = Table::new(
            "issues",
            "问题",
            &[
                "上报时间/reported at",
                "上报人/reporter",
                "类别/category",
                "地点/place",
                "描述/description",
                "流向/route",
                "来源/origin",
                "状态/status",
                "留言数/comments",
                "最近更新/last update",
            ],
        );
        t.rows = issues
            .iter()
            .map(|r| {
                vec![
                    Cell::Time(Some(r.reported_at)),
                    Cell::text(&r.reporter),
                    Cell::text(&r.category_zh),
                    Cell::text(&r.place),
                    Cell::text(&r.description),
                    Cell::text(r.route.label_zh()),
                    Cell::text(r.origin.label_zh()),
                    Cell::text(r.status.label_zh()),
                    Cell::Int(r.comments.into()),
                    Cell::Time(Some(r.last_update_at)),
                ]
            })
            .collect();
        let listed: &[reports::IssueRow] = match (counts_only, paging) {
            (true, _) => &[],
            (false, None) => &issues,
            (false, Some(p)) => p.of(&issues),
        };
        Report::new(&serde_json::json!({ "counts": counts, "total": issues.len(), "issues": listed }), t)
    })
    .await
}

#[utoipa::path(
    get, path = "/v1/reports/three-clears", tag = "reports",
    summary = "The three clears (三清) per steward",
    description = "From the household records of the caller's place; a property company may not read it.",
    params(
        openapi::ReportParams,
    ),
    responses(
        (status = 200, description = "The report: JSON, or a CSV or XLSX file.",
            content((openapi::ThreeClearsReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv` or `xlsx`: `attachment; filename=\"<report>.<format>\"`."))),
        (status = 400, description = "`invalid_field`: a query parameter is not what it takes (`field` names it).", body = openapi::ErrorDoc),
        (status = 404, response = openapi::PlaceNotFound),
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
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Households, |s, _, w| {
        let rows = reports::three_clears(s.storage().clears(&w.slice)?, &w.stewards);
        let mut t = Table::new(
            "three-clears",
            "三清",
            &[
                "管家/steward",
                "户数/households",
                "党员情况清/party members %",
                "基本情况清/basic profile %",
                "重点对象清/key service %",
            ],
        );
        t.rows = rows
            .iter()
            .map(|r| {
                let [p, b, k] = r.percent;
                vec![
                    Cell::text(&r.steward),
                    Cell::Int(r.clears.households.into()),
                    Cell::Int(p.into()),
                    Cell::Int(b.into()),
                    Cell::Int(k.into()),
                ]
            })
            .collect();
        Report::new(&rows, t)
    })
    .await
}

#[utoipa::path(
    get, path = "/v1/reports/visit-trend", tag = "reports",
    summary = "Visits per month, for the months up to this one",
    description = "From the household records of the caller's place; a property company may not read it.",
    params(
        ("month" = Option<String>, Query, pattern = "^[0-9]{4}-[0-9]{2}$", example = "2026-11",
            description = "The last month of the trend, YYYY-MM; the current month by default."),
        ("months" = Option<u32>, Query, description = "How many months, 1 to 36 (default 12)."),
        openapi::ReportParams,
    ),
    responses(
        (status = 200, description = "One row per month, oldest first: `month`, `visits`, `households_visited`.",
            content((openapi::TrendReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "`invalid_field`: `format`, `month`, `months`, `place` or `steward_id` is not what it takes (`field` names it).", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company.", body = openapi::ErrorDoc),
        (status = 404, response = openapi::PlaceNotFound),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn report_visit_trend(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Households, |s, q, w| {
        let last = q.month(s)?;
        let months = match q.months.as_deref() {
            None | Some("") => 12,
            Some(m) => m.parse::<u32>().ok().filter(|m| (1..=36).contains(m)).ok_or_else(|| {
                ApiError::field("months", format!("months must be a whole number from 1 to 36, not {m:?}"))
            })?,
        };
        let list = reports::trend_months(last, months);
        let ranges: Vec<_> = list.iter().map(|m| range(s, *m)).collect();
        let counts = s.storage().visit_trend(&w.slice, &ranges)?;
        let rows: Vec<reports::TrendRow> = list
            .into_iter()
            .zip(counts)
            .map(|(month, (visits, households_visited))| reports::TrendRow { month, visits, households_visited })
            .collect();
        let mut t = Table::new(
            format!("visit-trend-{last}"),
            "走访趋势",
            &["月份/month", "走访次数/visits", "走访户数/households visited"],
        );
        t.rows = rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(r.month.to_string()),
                    Cell::Int(r.visits.into()),
                    Cell::Int(r.households_visited.into()),
                ]
            })
            .collect();
        Report::new(&rows, t)
    })
    .await
}
