//! The household list: searched, filtered, sorted and paged from the read model's household
//! index (no projection is parsed), and exported as it is filtered.

use super::exports::{download, Format};
use super::stewards::query_id;
use super::*;
use crate::read_model::{HouseholdQuery, HouseholdSort, HouseholdSummary, HouseholdTag};
use crate::table::{Cell, Table};

#[derive(Deserialize)]
pub(super) struct ListQuery {
    q: Option<String>,
    tag: Option<String>,
    steward_id: Option<String>,
    place: Option<String>,
    open_must_visit: Option<String>,
    sort: Option<String>,
    order: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
    format: Option<String>,
}

/// The most rows one page holds.
pub const MAX_PER_PAGE: u64 = 200;
/// The most rows an export holds (a district has about 12,000 households).
pub const MAX_EXPORT_ROWS: u64 = 50_000;
/// The longest search text.
const MAX_SEARCH_CHARS: usize = 50;

/// A household as the list shows it.
#[derive(Serialize)]
pub(super) struct HouseholdRow {
    #[serde(flatten)]
    household: HouseholdSummary,
    compound: String,
    steward: Option<String>,
}

/// A page of the household list.
#[derive(Serialize)]
pub(super) struct HouseholdPage {
    total: u64,
    page: u64,
    per_page: u64,
    rows: Vec<HouseholdRow>,
}

fn whole(field: &'static str, v: Option<&str>, default: u64, range: std::ops::RangeInclusive<u64>) -> ApiResult<u64> {
    match v.map(str::trim) {
        None | Some("") => Ok(default),
        Some(t) => t.parse::<u64>().ok().filter(|n| range.contains(n)).ok_or_else(|| {
            ApiError::field(field, format!("{field} must be a whole number from {} to {}", range.start(), range.end()))
        }),
    }
}

impl ListQuery {
    /// The search, checked: every wrong field is a 400 naming it.
    fn parse(&self) -> ApiResult<(HouseholdQuery, Option<Uuid>, Format, u64)> {
        let text = self.q.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
        if text.as_ref().is_some_and(|t| t.chars().count() > MAX_SEARCH_CHARS) {
            return Err(ApiError::field("q", format!("search for at most {MAX_SEARCH_CHARS} characters")));
        }
        let tag = match self.tag.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) => Some(HouseholdTag::parse(t).ok_or_else(|| {
                ApiError::field("tag", format!("tag {t:?} is not party_member, key_service or a key-service reason"))
            })?),
        };
        let sort = match self.sort.as_deref().map(str::trim) {
            None | Some("") => HouseholdSort::default(),
            Some(s) => HouseholdSort::parse(s).ok_or_else(|| {
                ApiError::field(
                    "sort",
                    format!(
                        "sort {s:?} is not one of address, head_name, steward, open_must_visits, visits, last_visit_at"
                    ),
                )
            })?,
        };
        let descending = match self.order.as_deref().map(str::trim) {
            None | Some("") | Some("asc") => false,
            Some("desc") => true,
            Some(o) => return Err(ApiError::field("order", format!("order {o:?} is neither asc nor desc"))),
        };
        let open_must_visit = match self.open_must_visit.as_deref().map(str::trim) {
            None | Some("") | Some("false") => false,
            Some("true") => true,
            Some(v) => {
                return Err(ApiError::field(
                    "open_must_visit",
                    format!("open_must_visit {v:?} is neither true nor false"),
                ))
            }
        };
        let page = whole("page", self.page.as_deref(), 1, 1..=1_000_000)?;
        let per_page = whole("per_page", self.per_page.as_deref(), 50, 1..=MAX_PER_PAGE)?;
        let q = HouseholdQuery {
            compounds: None,
            steward_id: query_id("steward_id", self.steward_id.as_deref())?,
            text,
            tag,
            open_must_visit,
            sort,
            descending,
            offset: (page - 1) * per_page,
            limit: per_page,
        };
        Ok((q, query_id("place", self.place.as_deref())?, Format::parse(self.format.as_deref())?, page))
    }
}

#[utoipa::path(
    get, path = "/v1/households", tag = "reads",
    summary = "Search the households of the caller's place",
    description = "Filtered, sorted and paged from the read model's household index. With `format=csv` or `xlsx`, \
every household the filters match (up to 50,000, no paging) as a file, written to the access log.",
    params(
        ("q" = Option<String>, Query, description = "A part of the head of household's name or of the address (at most 50 characters)."),
        ("tag" = Option<String>, Query, description = "`party_member`, `key_service` (any reason), or one key-service reason code (`elderly_alone`, `illness`, `disability`, `hardship`, `other`)."),
        ("steward_id" = Option<Uuid>, Query, description = "Only this steward's households."),
        ("place" = Option<Uuid>, Query, description = "Only the compounds at or below this place (within the caller's)."),
        ("open_must_visit" = Option<bool>, Query, description = "`true`: only households with an open must-visit."),
        ("sort" = Option<String>, Query, description = "`address` (default), `head_name`, `steward`, `open_must_visits`, `visits`, `last_visit_at`."),
        ("order" = Option<String>, Query, description = "`asc` (default) or `desc`."),
        ("page" = Option<u64>, Query, description = "From 1 (default)."),
        ("per_page" = Option<u64>, Query, description = "1 to 200 (default 50)."),
        ("format" = Option<openapi::ReportFormat>, Query, description = "`json` (default), or `csv` / `xlsx` for every matching row as a file."),
    ),
    responses(
        (status = 200, description = "A page of households, or a file.",
            content((openapi::HouseholdPageDoc = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "`invalid_field`: a query parameter is not what it takes (`field` names it).", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company (it reads no household).", body = openapi::ErrorDoc),
        (status = 404, response = openapi::PlaceNotFound),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn households(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Response> {
    let u = supervisor(&state, &headers).await?;
    let (mut query, place, format, page) = q.parse()?;
    blocking(&state, move |s| {
        query.compounds = s.reach(&u, place)?;
        if format != Format::Json {
            query.offset = 0;
            query.limit = MAX_EXPORT_ROWS;
        }
        let (total, found) = s.storage().search_households(&query)?;
        let places: std::collections::HashMap<Uuid, String> =
            s.storage().places()?.into_iter().map(|p| (p.id, p.name)).collect();
        let stewards: std::collections::HashMap<Uuid, String> =
            s.storage().stewards(query.compounds.as_deref())?.into_iter().map(|st| (st.id, st.name)).collect();
        let rows: Vec<HouseholdRow> = found
            .into_iter()
            .map(|h| HouseholdRow {
                compound: places.get(&h.compound_id).cloned().unwrap_or_default(),
                steward: h.steward_id.and_then(|st| stewards.get(&st).cloned()),
                household: h,
            })
            .collect();
        if format == Format::Json {
            return Ok(Json(HouseholdPage { total, page, per_page: query.limit, rows }).into_response());
        }
        super::audit::log_access(
            s,
            &u,
            &format!("households:{}", format.code()),
            rows.iter().map(|r| r.household.id).collect(),
        )?;
        download(&household_table(rows), format, s.zone())
    })
    .await
}

fn household_table(rows: Vec<HouseholdRow>) -> Table {
    let mut t = Table::new(
        "households",
        "住户",
        &[
            "小区/compound",
            "地址/address",
            "户主/head of household",
            "管家/steward",
            "党员户/party member",
            "重点服务对象/key service",
            "未完成必访/open must-visits",
            "走访次数/visits",
            "最近走访/last visit",
        ],
    );
    let reasons = |r: &Option<Vec<String>>| match r {
        None => String::new(),
        Some(r) if r.is_empty() => "否".into(),
        Some(r) => r
            .iter()
            .map(|c| steward_core::model::KeyServiceReason::from_code(c).map_or(c.as_str(), |k| k.label_zh()))
            .collect::<Vec<_>>()
            .join("、"),
    };
    t.rows = rows
        .into_iter()
        .map(|r| {
            let h = r.household;
            vec![
                Cell::Text(r.compound),
                Cell::Text(h.address.clone()),
                Cell::Text(h.head_name.clone()),
                Cell::Text(r.steward.unwrap_or_default()),
                h.party_member.map_or(Cell::text(""), Cell::YesNo),
                Cell::Text(reasons(&h.key_service)),
                Cell::Int(h.open_must_visits.into()),
                Cell::Int(h.visits.into()),
                Cell::Time(h.last_visit_at),
            ]
        })
        .collect();
    t
}
