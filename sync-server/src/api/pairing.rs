//! Pairing assistance (结对帮扶) as cases, for supervisors: counted by need and outcome, each case
//! with its household. Household records: a property company may not read it, and every
//! household shown is written to the access log.

use super::exports::{code, report, rows_json, Reads, Report, ReportQuery};
use super::*;
use crate::read_model::IndexedPairing;
use crate::table::{Cell, Table};
use steward_core::model::{PairingNeed, PairingOutcome};

/// A case as the report lists it.
#[derive(Debug, Serialize)]
pub(super) struct PairingRow {
    #[serde(flatten)]
    pub(super) row: IndexedPairing,
    pub(super) address: String,
    pub(super) head_name: String,
    pub(super) steward: String,
    pub(super) need_zh: &'static str,
    pub(super) outcome_zh: Option<&'static str>,
}

/// The cases of one need, counted.
#[derive(Debug, Serialize)]
pub(super) struct NeedCounts {
    need: &'static str,
    need_zh: &'static str,
    open: u32,
    closed: u32,
    /// Closed cases per outcome code.
    outcomes: std::collections::BTreeMap<&'static str, u32>,
    /// Subsidies and grants secured, in yuan.
    amount_yuan: u64,
}

/// Counts by need, every need listed.
pub(super) fn need_counts(rows: &[PairingRow]) -> Vec<NeedCounts> {
    PairingNeed::ALL
        .iter()
        .map(|n| {
            let of: Vec<&PairingRow> = rows.iter().filter(|r| r.row.need == n.as_code()).collect();
            let mut outcomes = std::collections::BTreeMap::new();
            for o in PairingOutcome::ALL {
                outcomes.insert(
                    o.as_code(),
                    of.iter().filter(|r| r.row.outcome.as_deref() == Some(o.as_code())).count() as u32,
                );
            }
            NeedCounts {
                need: n.as_code(),
                need_zh: n.label_zh(),
                open: of.iter().filter(|r| r.row.closed_at.is_none()).count() as u32,
                closed: of.iter().filter(|r| r.row.closed_at.is_some()).count() as u32,
                outcomes,
                amount_yuan: of.iter().filter_map(|r| r.row.amount_yuan).map(u64::from).sum(),
            }
        })
        .collect()
}

/// The cases of `w`'s place opened in the period asked for (every one without), filtered.
pub(super) fn pairing_rows(s: &Service, q: &ReportQuery, w: &super::exports::Within) -> ApiResult<Vec<PairingRow>> {
    let opened = q.period(s)?.map(|(from, to, _, _)| (from, to));
    let need: Option<PairingNeed> = code("need", q.need.as_deref())?;
    let outcome: Option<PairingOutcome> = code("outcome", q.outcome.as_deref())?;
    let open = match q.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("open") => Some(true),
        Some("closed") => Some(false),
        Some(v) => return Err(ApiError::field("status", format!("status {v:?} is neither open nor closed"))),
    };
    Ok(s.storage()
        .pairing_rows(&w.slice, opened)?
        .into_iter()
        .filter(|p| need.is_none_or(|n| p.row.need == n.as_code()))
        .filter(|p| outcome.is_none_or(|o| p.row.outcome.as_deref() == Some(o.as_code())))
        .filter(|p| open.is_none_or(|o| p.row.closed_at.is_none() == o))
        .map(|p| PairingRow {
            need_zh: PairingNeed::from_code(&p.row.need).map_or("", PairingNeed::label_zh),
            outcome_zh: p.row.outcome.as_deref().and_then(PairingOutcome::from_code).map(PairingOutcome::label_zh),
            steward: w.names.get(p.steward_id),
            address: p.address,
            head_name: p.head_name,
            row: p.row,
        })
        .collect())
}

#[utoipa::path(
    get, path = "/v1/reports/pairing", tag = "reports",
    summary = "Pairing assistance (结对帮扶) cases, by need and outcome",
    description = "Every case of the place's households opened in the period (every case without one), counted by \
need with open, closed, each outcome and the amounts secured; and each case with its household. Household records: a \
property company may not read it; the households shown are written to the access log.",
    params(
        ("from" = Option<String>, Query, description = "First month of the period, YYYY-MM (cases opened from then)."),
        ("to" = Option<String>, Query, description = "Last month of the period, YYYY-MM (included)."),
        ("need" = Option<String>, Query, description = "Only this need: `tuition`, `employment`, `medical`, `hardship`, `other`."),
        ("outcome" = Option<String>, Query, description = "Only closed cases of this outcome: `subsidy`, `job`, `treatment`, `relieved`, `unresolved`."),
        ("status" = Option<String>, Query, description = "`open` or `closed`."),
        ("page" = Option<u64>, Query, description = "With `per_page`: this page of the rows, from 1 (JSON only; files hold every row)."),
        ("per_page" = Option<u64>, Query, description = "1 to 500: `cases` holds a page, with `total`."),
        openapi::ReportParams,
    ),
    responses(
        (status = 200, description = "The report: JSON, or a CSV or XLSX file.",
            content((openapi::PairingReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
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
pub(super) async fn report_pairing(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Households, |s, q, w| {
        let paging = q.paging()?;
        let rows = pairing_rows(s, q, w)?;
        let mut t = Table::new(
            "pairing",
            "结对帮扶",
            &[
                "建立时间/opened",
                "地址/address",
                "户主/head",
                "管家/steward",
                "结对人/paired with",
                "需求/need",
                "帮扶需求/help needed",
                "帮扶次数/actions",
                "结案时间/closed",
                "结果/outcome",
                "金额(元)/amount (yuan)",
            ],
        );
        t.rows = rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Time(Some(r.row.opened_at)),
                    Cell::text(&r.address),
                    Cell::text(&r.head_name),
                    Cell::text(&r.steward),
                    Cell::text(&r.row.helper),
                    Cell::text(r.need_zh),
                    Cell::text(&r.row.description),
                    Cell::Int(r.row.actions.into()),
                    Cell::Time(r.row.closed_at),
                    Cell::text(r.outcome_zh.unwrap_or("")),
                    r.row.amount_yuan.map_or(Cell::text(""), |a| Cell::Int(a.into())),
                ]
            })
            .collect();
        let listed = rows_json(&rows, paging);
        let cases = if paging.is_some() { listed["rows"].clone() } else { listed };
        let shown: Vec<Uuid> = match paging {
            None => rows.iter().map(|r| r.row.household_id).collect(),
            Some(p) => p.of(&rows).iter().map(|r| r.row.household_id).collect(),
        };
        Ok(Report::new(&serde_json::json!({ "counts": need_counts(&rows), "total": rows.len(), "cases": cases }), t)?
            .showing(shown))
    })
    .await
}
