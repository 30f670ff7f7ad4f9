//! Supervisor reports, computed from the read model's projections: visits planned vs done,
//! open must-visits with their age, timely responses on time or late, issues by status and
//! route, and the visit ledger. Each renders as JSON or as CSV for Excel.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use steward_core::doc::{HouseholdRecord, IssueRecord, PlanRecord, Projection};
use steward_core::model::{IssueRoute, IssueStatus};
use steward_core::time::{DeadlinePolicy, Millis, Month, ProgramZone, Timeliness};
use uuid::Uuid;

use crate::storage::{ProjectionRow, Steward};

/// Everything in a scope, parsed.
#[derive(Default)]
pub struct Ledger {
    pub households: Vec<HouseholdRecord>,
    pub issues: Vec<IssueRecord>,
    pub plans: Vec<PlanRecord>,
    pub deadlines: HashMap<Uuid, DeadlinePolicy>,
    pub stewards: HashMap<Uuid, String>,
}

impl Ledger {
    /// Parses projection rows. A row that does not parse is skipped and counted, never fatal.
    pub fn from_rows(rows: &[ProjectionRow], stewards: &[Steward]) -> (Ledger, usize) {
        let mut l =
            Ledger { stewards: stewards.iter().map(|s| (s.id, s.name.clone())).collect(), ..Default::default() };
        let mut bad = 0;
        for r in rows {
            match serde_json::from_str::<Projection>(&r.json) {
                Ok(Projection::Household(h)) => l.households.push(h),
                Ok(Projection::Issue(i)) => l.issues.push(i),
                Ok(Projection::Plan(p)) => l.plans.push(p),
                Ok(Projection::Compound(c)) => {
                    l.deadlines.insert(c.id, c.deadlines);
                }
                Err(_) => bad += 1,
            }
        }
        l.households.sort_by(|a, b| {
            (&a.profile.address.building, &a.profile.address.unit, &a.profile.address.room).cmp(&(
                &b.profile.address.building,
                &b.profile.address.unit,
                &b.profile.address.room,
            ))
        });
        (l, bad)
    }

    /// Keeps only what one steward is responsible for: their households, plans and the issues
    /// they reported, and them alone among the stewards.
    pub fn narrow_to_steward(&mut self, steward: Uuid) {
        self.households.retain(|h| h.steward_id == Some(steward));
        self.plans.retain(|p| p.steward_id == steward);
        self.issues.retain(|i| i.reporter_id == steward);
        self.stewards.retain(|id, _| *id == steward);
    }

    fn steward_name(&self, id: Option<Uuid>) -> String {
        id.and_then(|i| self.stewards.get(&i).cloned()).unwrap_or_default()
    }
}

fn address(h: &HouseholdRecord) -> String {
    let a = &h.profile.address;
    format!("{}栋{}单元{}室", a.building, a.unit, a.room)
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

pub fn visits(l: &Ledger, zone: ProgramZone, month: Month) -> Vec<VisitsRow> {
    let mut by_steward: BTreeMap<Uuid, VisitsRow> = BTreeMap::new();
    let row = |id: Uuid| VisitsRow {
        steward_id: id,
        steward: l.steward_name(Some(id)),
        month,
        planned: 0,
        planned_visited: 0,
        visits: 0,
        households_visited: 0,
        plan_out_of_range: true,
    };
    for s in l.stewards.keys() {
        by_steward.insert(*s, row(*s));
    }
    let visited_in_month =
        |h: &HouseholdRecord| h.visits.iter().filter(|v| zone.month_of(v.at) == month).count() as u32;
    let households: HashMap<Uuid, &HouseholdRecord> = l.households.iter().map(|h| (h.id, h)).collect();
    for h in &l.households {
        let n = visited_in_month(h);
        if n == 0 {
            continue;
        }
        // Visits count for whoever made them; fall back to the assigned steward.
        for v in h.visits.iter().filter(|v| zone.month_of(v.at) == month) {
            if let Some(s) = v.by.or(h.steward_id) {
                by_steward.entry(s).or_insert_with(|| row(s)).visits += 1;
            }
        }
        if let Some(s) = h.steward_id {
            by_steward.entry(s).or_insert_with(|| row(s)).households_visited += 1;
        }
    }
    for p in l.plans.iter().filter(|p| p.month == month) {
        let r = by_steward.entry(p.steward_id).or_insert_with(|| row(p.steward_id));
        r.planned += p.households.len() as u32;
        r.planned_visited +=
            p.households.iter().filter(|h| households.get(h).is_some_and(|h| visited_in_month(h) > 0)).count() as u32;
    }
    let mut rows: Vec<VisitsRow> = by_steward.into_values().collect();
    for r in &mut rows {
        r.plan_out_of_range = !(10..=20).contains(&r.planned);
    }
    rows.sort_by(|a, b| a.steward.cmp(&b.steward));
    rows
}

/// Visits in one month of a trend.
#[derive(Debug, Clone, Serialize)]
pub struct TrendRow {
    pub month: Month,
    pub visits: u32,
    pub households_visited: u32,
}

/// Visits per month for the `months` months ending with `last`, oldest first.
pub fn visit_trend(l: &Ledger, zone: ProgramZone, last: Month, months: u32) -> Vec<TrendRow> {
    let mut first = last;
    for _ in 1..months.max(1) {
        first = first.prev();
    }
    let mut rows: BTreeMap<Month, TrendRow> = BTreeMap::new();
    let mut m = first;
    loop {
        rows.insert(m, TrendRow { month: m, visits: 0, households_visited: 0 });
        if m == last {
            break;
        }
        m = m.next();
    }
    for h in &l.households {
        let mut seen: Vec<Month> = Vec::new();
        for v in &h.visits {
            let m = zone.month_of(v.at);
            if let Some(r) = rows.get_mut(&m) {
                r.visits += 1;
                if !seen.contains(&m) {
                    seen.push(m);
                    r.households_visited += 1;
                }
            }
        }
    }
    rows.into_values().collect()
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

pub fn open_must_visits(l: &Ledger, now: Millis, seen: &HashMap<Uuid, Millis>) -> Vec<MustVisitRow> {
    let mut rows: Vec<MustVisitRow> = l
        .households
        .iter()
        .flat_map(|h| {
            h.must_visits.iter().filter(|m| m.answered_by.is_none()).map(move |m| MustVisitRow {
                id: m.id,
                household_id: h.id,
                address: address(h),
                head_name: h.profile.head_name.clone(),
                steward: l.steward_name(h.steward_id),
                trigger: m.trigger.as_code().into(),
                trigger_zh: m.trigger.label_zh().into(),
                date: m.date,
                age_days: now.saturating_sub(m.date).max(0) / 86_400_000,
                server_seen_at: seen.get(&m.id).copied(),
            })
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.age_days));
    rows
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

pub fn timely(
    l: &Ledger,
    now: Millis,
    month: Option<(ProgramZone, Month)>,
    seen: &HashMap<Uuid, Millis>,
) -> (TimelySummary, Vec<TimelyRow>) {
    let mut rows = Vec::new();
    let mut sum = TimelySummary::default();
    for h in &l.households {
        let policy = l.deadlines.get(&h.compound_id).cloned().unwrap_or_default();
        for t in &h.timely {
            if let Some((zone, m)) = month {
                if zone.month_of(t.raised_at) != m {
                    continue;
                }
            }
            let deadline = policy.deadline(t.kind, t.raised_at);
            let timeliness = Timeliness::judge(deadline, t.resolved_at, now);
            match timeliness {
                Timeliness::OnTime => sum.on_time += 1,
                Timeliness::Late => sum.late += 1,
                Timeliness::Open => sum.open += 1,
                Timeliness::Overdue => sum.overdue += 1,
            }
            rows.push(TimelyRow {
                id: t.id,
                household_id: h.id,
                address: address(h),
                steward: l.steward_name(h.steward_id),
                kind: t.kind.as_code().into(),
                kind_zh: t.kind.label_zh().into(),
                raised_at: t.raised_at,
                deadline,
                resolved_at: t.resolved_at,
                timeliness,
                server_seen_at: seen.get(&t.id).copied(),
            });
        }
    }
    rows.sort_by_key(|r| r.raised_at);
    (sum, rows)
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
}

/// Issues by status and route.
#[derive(Debug, Clone, Serialize)]
pub struct IssueCount {
    pub status: IssueStatus,
    pub route: IssueRoute,
    pub count: u32,
}

/// Issues counted by status and route.
pub fn issue_counts(rows: &[IssueRow]) -> Vec<IssueCount> {
    let mut counts: BTreeMap<(IssueStatus, IssueRoute), u32> = BTreeMap::new();
    for r in rows {
        *counts.entry((r.status, r.route)).or_default() += 1;
    }
    counts.into_iter().map(|((status, route), count)| IssueCount { status, route, count }).collect()
}

pub fn issues(l: &Ledger) -> (Vec<IssueCount>, Vec<IssueRow>) {
    let mut rows = Vec::new();
    for i in &l.issues {
        rows.push(IssueRow {
            id: i.id,
            compound_id: i.compound_id,
            reporter: l.steward_name(Some(i.reporter_id)),
            reported_at: i.reported_at,
            category: i.category.as_code().into(),
            category_zh: i.category.label_zh().into(),
            place: i.place.clone(),
            description: i.description.clone(),
            route: i.route,
            status: i.status,
            comments: i.timeline.iter().filter(|e| e.status.is_none()).count() as u32,
            last_update_at: i.timeline.iter().map(|e| e.at).max().unwrap_or(i.reported_at),
        });
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.reported_at));
    (issue_counts(&rows), rows)
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

pub fn visit_ledger(l: &Ledger, zone: ProgramZone, month: Month, seen: &HashMap<Uuid, Millis>) -> Vec<LedgerRow> {
    let mut rows = Vec::new();
    for h in &l.households {
        for v in h.visits.iter().filter(|v| zone.month_of(v.at) == month) {
            rows.push(LedgerRow {
                visit_id: v.id,
                at: v.at,
                steward: l.steward_name(v.by.or(h.steward_id)),
                address: address(h),
                head_name: h.profile.head_name.clone(),
                method: v.method.label_zh().into(),
                summary: v.summary.clone(),
                opinions: v
                    .opinions
                    .iter()
                    .map(|o| format!("[{}] {}", o.category.label_zh(), o.text))
                    .collect::<Vec<_>>()
                    .join("；"),
                hardships: v.hardships.clone(),
                follow_up: v.follow_up,
                recorded_at: v.recorded_at,
                server_seen_at: seen.get(&v.id).copied(),
            });
        }
    }
    rows.sort_by_key(|r| r.at);
    rows
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

pub fn three_clears(l: &Ledger) -> Vec<ClearsRow> {
    let mut by: BTreeMap<Uuid, Vec<&HouseholdRecord>> = l.stewards.keys().map(|s| (*s, Vec::new())).collect();
    for h in &l.households {
        if let Some(s) = h.steward_id {
            by.entry(s).or_default().push(h);
        }
    }
    let mut rows: Vec<ClearsRow> = by
        .into_iter()
        .map(|(s, hs)| {
            let clears = steward_core::clears::ThreeClears::of(hs);
            ClearsRow { steward_id: s, steward: l.steward_name(Some(s)), clears, percent: clears.percentages() }
        })
        .collect();
    rows.sort_by(|a, b| a.steward.cmp(&b.steward));
    rows
}
