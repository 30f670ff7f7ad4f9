//! Supervisor reports, built from the read model's rows (`read_model.rs`; the SQL is the storage
//! backend's): visits planned vs done, open must-visits with their age, timely responses on time
//! or late, issues by status and route, the three clears, a trend of visits, and the visit
//! ledger. Each renders as JSON, CSV or XLSX (`api/exports.rs`).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use steward_core::model::{
    IssueCategory, IssueOrigin, IssueRoute, IssueStatus, MustVisitTrigger, TimelyKind, VisitMethod,
};
use steward_core::time::{DeadlinePolicy, Millis, Month, Timeliness};
use uuid::Uuid;

use crate::read_model::{AtHousehold, IndexedIssue, IndexedMustVisit, IndexedTimely, IndexedVisit, StewardTally};
use crate::storage::Steward;

/// Names of the stewards a report may show.
pub struct Names(HashMap<Uuid, String>);

impl Names {
    pub fn of(stewards: &[Steward]) -> Names {
        Names(stewards.iter().map(|s| (s.id, s.name.clone())).collect())
    }

    pub fn get(&self, id: Option<Uuid>) -> String {
        id.and_then(|i| self.0.get(&i).cloned()).unwrap_or_default()
    }
}

/// Visits per steward for a month: planned vs done.
#[derive(Debug, Clone, Serialize)]
pub struct VisitsRow {
    pub steward_id: Uuid,
    pub steward: String,
    pub month: Month,
    pub planned: u32,
    pub planned_visited: u32,
    pub visits: u32,
    pub households_visited: u32,
    /// Outside the program's 10–20 households a month.
    pub plan_out_of_range: bool,
}

/// One row per steward of `stewards` (and any other steward the tallies name), by name.
pub fn visits(tallies: Vec<StewardTally>, stewards: &[Steward], month: Month) -> Vec<VisitsRow> {
    let names = Names::of(stewards);
    let mut by: BTreeMap<Uuid, StewardTally> = stewards
        .iter()
        .map(|s| {
            (s.id, StewardTally { steward_id: s.id, visits: 0, households_visited: 0, planned: 0, planned_visited: 0 })
        })
        .collect();
    for t in tallies {
        by.insert(t.steward_id, t);
    }
    let mut rows: Vec<VisitsRow> = by
        .into_values()
        .map(|t| VisitsRow {
            steward_id: t.steward_id,
            steward: names.get(Some(t.steward_id)),
            month,
            planned: t.planned,
            planned_visited: t.planned_visited,
            visits: t.visits,
            households_visited: t.households_visited,
            plan_out_of_range: !(10..=20).contains(&t.planned),
        })
        .collect();
    rows.sort_by(|a, b| a.steward.cmp(&b.steward));
    rows
}

/// An open must-visit and how long it has waited.
#[derive(Debug, Clone, Serialize)]
pub struct MustVisitRow {
    pub id: Uuid,
    pub household_id: Uuid,
    pub address: String,
    pub head_name: String,
    pub steward: String,
    pub trigger: String,
    pub trigger_zh: String,
    pub date: Millis,
    pub age_days: i64,
    pub server_seen_at: Option<Millis>,
}

pub fn open_must_visits(rows: Vec<AtHousehold<IndexedMustVisit>>, names: &Names, now: Millis) -> Vec<MustVisitRow> {
    let mut out: Vec<MustVisitRow> = rows
        .into_iter()
        .map(|r| MustVisitRow {
            id: r.row.id,
            household_id: r.row.household_id,
            address: r.address,
            head_name: r.head_name,
            steward: names.get(r.steward_id),
            trigger_zh: MustVisitTrigger::from_code(&r.row.trigger).map(|t| t.label_zh()).unwrap_or("").into(),
            trigger: r.row.trigger,
            date: r.row.date,
            age_days: now.saturating_sub(r.row.date).max(0) / 86_400_000,
            server_seen_at: r.server_seen_at,
        })
        .collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.age_days));
    out
}

/// A timely response judged against its compound's deadline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelyRow {
    pub id: Uuid,
    pub household_id: Uuid,
    pub address: String,
    pub steward: String,
    pub kind: String,
    pub kind_zh: String,
    pub raised_at: Millis,
    pub deadline: Millis,
    pub resolved_at: Option<Millis>,
    pub timeliness: Timeliness,
    pub server_seen_at: Option<Millis>,
}

/// Counts of timely responses by outcome.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TimelySummary {
    pub on_time: u32,
    pub late: u32,
    pub open: u32,
    pub overdue: u32,
}

impl TimelySummary {
    /// The counts of these rows.
    pub fn of(rows: &[TimelyRow]) -> TimelySummary {
        let mut sum = TimelySummary::default();
        for r in rows {
            match r.timeliness {
                Timeliness::OnTime => sum.on_time += 1,
                Timeliness::Late => sum.late += 1,
                Timeliness::Open => sum.open += 1,
                Timeliness::Overdue => sum.overdue += 1,
            }
        }
        sum
    }
}

/// Timely responses judged against their compounds' deadlines (`deadlines`; the program's
/// defaults for a compound without settings), oldest first.
pub fn timely(
    rows: Vec<AtHousehold<IndexedTimely>>,
    names: &Names,
    deadlines: &HashMap<Uuid, DeadlinePolicy>,
    now: Millis,
) -> Vec<TimelyRow> {
    let mut out: Vec<TimelyRow> = rows
        .into_iter()
        .filter_map(|r| {
            let kind = TimelyKind::from_code(&r.row.kind)?;
            let policy = deadlines.get(&r.row.compound_id).cloned().unwrap_or_default();
            let deadline = policy.deadline(kind, r.row.raised_at);
            Some(TimelyRow {
                id: r.row.id,
                household_id: r.row.household_id,
                address: r.address,
                steward: names.get(r.steward_id),
                kind: kind.as_code().into(),
                kind_zh: kind.label_zh().into(),
                raised_at: r.row.raised_at,
                deadline,
                resolved_at: r.row.resolved_at,
                timeliness: Timeliness::judge(deadline, r.row.resolved_at, now),
                server_seen_at: r.server_seen_at,
            })
        })
        .collect();
    out.sort_by_key(|r| r.raised_at);
    out
}

/// An issue line.
#[derive(Debug, Clone, Serialize)]
pub struct IssueRow {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub reporter: String,
    pub reported_at: Millis,
    pub category: String,
    pub category_zh: String,
    pub place: String,
    pub description: String,
    pub route: IssueRoute,
    pub status: IssueStatus,
    pub comments: u32,
    pub last_update_at: Millis,
    /// A steward's report, or a matter the property company passed on (counted apart).
    pub origin: IssueOrigin,
}

/// Issues of one status, route and origin, counted.
#[derive(Debug, Clone, Serialize)]
pub struct IssueCount {
    pub status: IssueStatus,
    pub route: IssueRoute,
    pub origin: IssueOrigin,
    pub count: u32,
}

/// Issues counted by status, route and origin.
pub fn issue_counts(rows: &[IssueRow]) -> Vec<IssueCount> {
    let mut counts: BTreeMap<(IssueStatus, IssueRoute, IssueOrigin), u32> = BTreeMap::new();
    for r in rows {
        *counts.entry((r.status, r.route, r.origin)).or_default() += 1;
    }
    counts.into_iter().map(|((status, route, origin), count)| IssueCount { status, route, origin, count }).collect()
}

/// Each issue, newest first (a row whose codes this version does not know is left out).
pub fn issues(rows: Vec<IndexedIssue>, names: &Names) -> Vec<IssueRow> {
    let mut out: Vec<IssueRow> = rows
        .into_iter()
        .filter_map(|i| {
            Some(IssueRow {
                route: IssueRoute::from_code(&i.route)?,
                status: IssueStatus::from_code(&i.status)?,
                origin: IssueOrigin::from_code(&i.origin)?,
                category_zh: IssueCategory::from_code(&i.category).map(|c| c.label_zh()).unwrap_or("").into(),
                id: i.id,
                compound_id: i.compound_id,
                reporter: names.get(Some(i.reporter_id)),
                reported_at: i.reported_at,
                category: i.category,
                place: i.place,
                description: i.description,
                comments: i.comments,
                last_update_at: i.last_update_at,
            })
        })
        .collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.reported_at));
    out
}

/// One visit in the ledger (遍访纪实台账).
#[derive(Debug, Clone, Serialize)]
pub struct LedgerRow {
    pub visit_id: Uuid,
    pub at: Millis,
    pub steward: String,
    pub address: String,
    pub head_name: String,
    pub method: String,
    pub summary: String,
    pub opinions: String,
    pub hardships: String,
    pub follow_up: bool,
    pub recorded_at: Millis,
    pub server_seen_at: Option<Millis>,
}

/// The visits in the ledger's order (by time), each under the steward who made it.
pub fn visit_ledger(rows: Vec<AtHousehold<IndexedVisit>>, names: &Names) -> Vec<LedgerRow> {
    rows.into_iter()
        .map(|r| LedgerRow {
            visit_id: r.row.visit_id,
            at: r.row.at,
            steward: names.get(r.row.by.or(r.steward_id)),
            address: r.address,
            head_name: r.head_name,
            method: VisitMethod::from_code(&r.row.method).map(|m| m.label_zh()).unwrap_or("").into(),
            summary: r.row.summary,
            opinions: r.row.opinions,
            hardships: r.row.hardships,
            follow_up: r.row.follow_up,
            recorded_at: r.row.recorded_at,
            server_seen_at: r.server_seen_at,
        })
        .collect()
}

/// Visits in one month of a trend.
#[derive(Debug, Clone, Serialize)]
pub struct TrendRow {
    pub month: Month,
    pub visits: u32,
    pub households_visited: u32,
}

/// The `months` months ending with `last`, oldest first.
pub fn trend_months(last: Month, months: u32) -> Vec<Month> {
    let mut out = vec![last];
    for _ in 1..months.max(1) {
        let first = *out.last().unwrap();
        out.push(first.prev());
    }
    out.reverse();
    out
}

/// The three clears (三清) of one steward, computed from their households.
#[derive(Debug, Clone, Serialize)]
pub struct ClearsRow {
    pub steward_id: Uuid,
    pub steward: String,
    #[serde(flatten)]
    pub clears: steward_core::clears::ThreeClears,
    /// Shares in percent: party members, basic profile, key service.
    pub percent: [u32; 3],
}

/// One row per steward of `stewards` (zero for one without households), by name.
pub fn three_clears(counted: Vec<(Uuid, steward_core::clears::ThreeClears)>, stewards: &[Steward]) -> Vec<ClearsRow> {
    let names = Names::of(stewards);
    let mut by: BTreeMap<Uuid, steward_core::clears::ThreeClears> =
        stewards.iter().map(|s| (s.id, Default::default())).collect();
    by.extend(counted);
    let mut rows: Vec<ClearsRow> = by
        .into_iter()
        .map(|(s, clears)| ClearsRow {
            steward_id: s,
            steward: names.get(Some(s)),
            clears,
            percent: clears.percentages(),
        })
        .collect();
    rows.sort_by(|a, b| a.steward.cmp(&b.steward));
    rows
}
