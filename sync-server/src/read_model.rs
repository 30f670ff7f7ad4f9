//! The relational read model beside the JSON projections: what the console's lists filter, sort
//! and page without parsing every projection of a place. Derived here from a projection (pure);
//! the storage backend writes it in the same transaction as the projection, so the two never
//! disagree, and rebuilds it from the projections when it falls behind them (an older database).

use serde::Serialize;
use steward_core::doc::{HouseholdRecord, IssueRecord, MeetingRecord, PlanRecord, Projection};
use steward_core::model::KeyServiceReason;
use steward_core::time::Millis;
use uuid::Uuid;

/// The version of the read model's rows: a database whose `read_model` (in `server_meta`) is
/// older has its rows rebuilt from the projections at start.
pub const VERSION: i64 = 10;

/// A household as the console lists it (`GET /v1/households`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HouseholdSummary {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub steward_id: Option<Uuid>,
    pub head_name: String,
    /// `5栋1单元202室`.
    pub address: String,
    /// `None` while the steward has not found out.
    pub party_member: Option<bool>,
    /// Key-service reason codes; `None` while unknown, empty for "none".
    pub key_service: Option<Vec<String>>,
    pub open_must_visits: u32,
    pub visits: u32,
    pub last_visit_at: Option<Millis>,
    /// Head of household, member count and full address filled in (基本情况清).
    #[serde(skip)]
    pub profile_complete: bool,
}

impl HouseholdSummary {
    pub fn of(h: &HouseholdRecord) -> HouseholdSummary {
        let a = &h.profile.address;
        HouseholdSummary {
            id: h.id,
            compound_id: h.compound_id,
            steward_id: h.steward_id,
            head_name: h.profile.head_name.clone(),
            address: format!("{}栋{}单元{}室", a.building, a.unit, a.room),
            party_member: h.profile.party_member,
            key_service: h.profile.key_service.as_ref().map(|r| r.iter().map(|k| k.as_code().to_string()).collect()),
            open_must_visits: h.must_visits.iter().filter(|m| m.answered_by.is_none()).count() as u32,
            visits: h.visits.len() as u32,
            last_visit_at: h.visits.iter().map(|v| v.at).max(),
            profile_complete: steward_core::clears::basic_profile_complete(&h.profile),
        }
    }

    /// The summary of a stored projection, if it is a household's.
    pub fn from_json(json: &str) -> Option<HouseholdSummary> {
        match serde_json::from_str::<Projection>(json) {
            Ok(Projection::Household(h)) => Some(HouseholdSummary::of(&h)),
            _ => None,
        }
    }

    /// The address with each run of digits zero-padded to 6, for sorting.
    pub fn address_key(&self) -> String {
        pad_numbers(&self.address)
    }

    /// The reasons as stored: between commas, so `LIKE '%,code,%'` finds one.
    pub fn key_service_column(&self) -> Option<String> {
        self.key_service.as_ref().map(|r| format!(",{}", r.iter().map(|c| format!("{c},")).collect::<String>()))
    }

    /// Reads the reasons column back.
    pub fn key_service_of_column(column: Option<&str>) -> Option<Vec<String>> {
        column.map(|c| c.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect())
    }
}

pub fn pad_numbers(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut digits = String::new();
    for ch in s.chars().chain(std::iter::once('\0')) {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        if !digits.is_empty() {
            out.push_str(&format!("{digits:0>6}"));
            digits.clear();
        }
        if ch != '\0' {
            out.push(ch);
        }
    }
    out
}

/// A visit as the reports read it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedVisit {
    pub visit_id: Uuid,
    pub household_id: Uuid,
    pub compound_id: Uuid,
    pub by: Option<Uuid>,
    pub at: Millis,
    pub recorded_at: Millis,
    /// The method's code.
    pub method: String,
    pub summary: String,
    /// `[类别] 文字；[类别] 文字`.
    pub opinions: String,
    pub hardships: String,
    pub follow_up: bool,
}

/// A must-visit as the reports read it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedMustVisit {
    pub id: Uuid,
    pub household_id: Uuid,
    pub compound_id: Uuid,
    pub trigger: String,
    pub date: Millis,
    pub answered: bool,
    /// When the answering visit was made.
    pub answered_at: Option<Millis>,
}

/// A timely response as the reports read it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedTimely {
    pub id: Uuid,
    pub household_id: Uuid,
    pub compound_id: Uuid,
    pub kind: String,
    pub raised_at: Millis,
    pub resolved_at: Option<Millis>,
}

/// An issue as the reports read it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedIssue {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub reporter_id: Uuid,
    pub reported_at: Millis,
    pub category: String,
    pub place: String,
    pub description: String,
    pub route: String,
    pub status: String,
    pub comments: u32,
    pub last_update_at: Millis,
    /// `steward`, or `property_company` for a matter the property company passed on.
    pub origin: String,
}

impl IndexedIssue {
    pub fn of(i: &IssueRecord) -> IndexedIssue {
        IndexedIssue {
            id: i.id,
            compound_id: i.compound_id,
            reporter_id: i.reporter_id,
            reported_at: i.reported_at,
            category: i.category.as_code().into(),
            place: i.place.clone(),
            description: i.description.clone(),
            route: i.route.as_code().into(),
            status: i.status.as_code().into(),
            comments: i.timeline.iter().filter(|e| e.status.is_none()).count() as u32,
            last_update_at: i.timeline.iter().map(|e| e.at).max().unwrap_or(i.reported_at),
            origin: i.origin.as_code().into(),
        }
    }
}

/// One opinion heard on a visit, for counting the year's opinions by category.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedOpinion {
    pub visit_id: Uuid,
    /// Its place among the visit's opinions.
    pub n: u32,
    pub household_id: Uuid,
    pub compound_id: Uuid,
    pub at: Millis,
    /// The category's code.
    pub category: String,
}

/// A pairing case (结对帮扶) as the reports read it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexedPairing {
    pub id: Uuid,
    pub household_id: Uuid,
    pub compound_id: Uuid,
    pub helper: String,
    /// The need's code.
    pub need: String,
    pub description: String,
    pub opened_at: Millis,
    pub closed_at: Option<Millis>,
    /// The outcome's code, once closed.
    pub outcome: Option<String>,
    pub amount_yuan: Option<u32>,
    pub actions: u32,
    pub last_action_at: Option<Millis>,
}

/// Issues of one compound, origin, status and category, counted.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueTally {
    pub compound_id: Uuid,
    pub origin: String,
    pub status: String,
    pub category: String,
    pub count: u32,
}

/// One criterion of a steward's submitted scores, as the scoring report reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedScore {
    pub doc_id: Uuid,
    pub compound_id: Uuid,
    pub steward_id: Uuid,
    pub period: String,
    pub criterion_id: Uuid,
    pub points: u32,
    pub comment: String,
    pub submitted_at: Millis,
}

/// A household's task in one steward's campaign document, as the campaign's progress reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexedTask {
    pub doc_id: Uuid,
    pub household_id: Uuid,
    pub campaign_id: Uuid,
    pub compound_id: Uuid,
    /// The document's steward.
    pub steward_id: Uuid,
    /// In a temporary steward's document.
    pub temporary: bool,
    /// In a regular steward's document: the temporary steward it was handed to.
    pub handed_to: Option<Uuid>,
    pub name: String,
    pub address: String,
    pub answers: std::collections::BTreeMap<Uuid, steward_core::doc::Answer>,
    pub answered_at: Option<Millis>,
    pub answered_by: Option<Uuid>,
}

impl IndexedTask {
    pub fn of(c: &steward_core::doc::CampaignRecord) -> Vec<IndexedTask> {
        c.tasks
            .iter()
            .map(|t| IndexedTask {
                doc_id: c.id,
                household_id: t.household_id,
                campaign_id: c.campaign.id,
                compound_id: c.compound_id,
                steward_id: c.steward_id,
                temporary: c.temporary,
                handed_to: t.handed_to,
                name: t.name.clone(),
                address: t.address.clone(),
                answers: t.answers.clone(),
                answered_at: t.answered_at,
                answered_by: t.answered_by,
            })
            .collect()
    }

    /// The steward answering for it now: not a regular steward once it is handed over.
    pub fn responsible(&self) -> bool {
        self.handed_to.is_none()
    }
}

/// A team (志愿服务队、文化宣传队) as the reports read it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexedTeam {
    pub id: Uuid,
    pub compound_id: Uuid,
    /// The steward who leads it.
    pub steward_id: Uuid,
    pub name: String,
    /// The kind's code.
    pub kind: String,
    pub members: u32,
    pub steward_members: u32,
    pub resident_members: u32,
}

/// A team's activity as the reports read it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexedActivity {
    pub id: Uuid,
    pub team_id: Uuid,
    pub compound_id: Uuid,
    pub steward_id: Uuid,
    /// The kind's code.
    pub kind: String,
    pub title: String,
    pub held_at: Millis,
    pub place: String,
    pub participants: u32,
    /// Who recorded it: `steward` or `supervisor`.
    pub role: String,
}

impl IndexedTeam {
    pub fn of(t: &steward_core::doc::TeamRecord) -> (IndexedTeam, Vec<IndexedActivity>) {
        use steward_core::model::MemberRole;
        let of_role = |r: MemberRole| t.members.iter().filter(|m| m.role == r).count() as u32;
        let team = IndexedTeam {
            id: t.id,
            compound_id: t.compound_id,
            steward_id: t.steward_id,
            name: t.name.clone(),
            kind: t.kind.as_code().into(),
            members: t.members.len() as u32,
            steward_members: of_role(MemberRole::Steward),
            resident_members: of_role(MemberRole::Resident),
        };
        let activities = t
            .activities
            .iter()
            .map(|a| IndexedActivity {
                id: a.id,
                team_id: t.id,
                compound_id: t.compound_id,
                steward_id: t.steward_id,
                kind: a.kind.as_code().into(),
                title: a.title.clone(),
                held_at: a.held_at,
                place: a.place.clone(),
                participants: a.participants,
                role: a.role.as_code().into(),
            })
            .collect();
        (team, activities)
    }
}

/// A joint meeting as the reports read it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexedMeeting {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub convener_id: Uuid,
    pub held_at: Millis,
    pub place: String,
    pub topics: String,
    pub attendees: u32,
    /// The parties that came, as codes in the program's order, comma-separated.
    pub parties: String,
    pub decisions: u32,
}

/// A meeting's decision as the reports read it, with its meeting's where and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexedDecision {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub compound_id: Uuid,
    pub convener_id: Uuid,
    pub held_at: Millis,
    pub text: String,
    /// The responsible party's code.
    pub party: String,
    pub deadline: Option<Millis>,
    /// `open` or `done`.
    pub status: String,
    pub done_at: Option<Millis>,
    pub follow_ups: u32,
    /// The newest follow-up's text and time.
    pub last_follow_up: Option<String>,
    pub last_follow_up_at: Option<Millis>,
}

impl IndexedMeeting {
    pub fn of(m: &MeetingRecord) -> (IndexedMeeting, Vec<IndexedDecision>) {
        let mut parties: Vec<_> = m.attendees.iter().map(|a| a.party).collect();
        parties.sort();
        parties.dedup();
        let meeting = IndexedMeeting {
            id: m.id,
            compound_id: m.compound_id,
            convener_id: m.convener_id,
            held_at: m.held_at,
            place: m.place.clone(),
            topics: m.topics.clone(),
            attendees: m.attendees.len() as u32,
            parties: parties.iter().map(|p| p.as_code()).collect::<Vec<_>>().join(","),
            decisions: m.decisions.len() as u32,
        };
        let decisions = m
            .decisions
            .iter()
            .map(|d| {
                let notes: Vec<_> = m.follow_ups.iter().filter(|f| f.decision_id == d.id).collect();
                let last = notes.iter().max_by_key(|f| (f.at, f.id));
                IndexedDecision {
                    id: d.id,
                    meeting_id: m.id,
                    compound_id: m.compound_id,
                    convener_id: m.convener_id,
                    held_at: m.held_at,
                    text: d.text.clone(),
                    party: d.party.as_code().into(),
                    deadline: d.deadline,
                    status: d.status.as_code().into(),
                    done_at: d.done_at,
                    follow_ups: notes.len() as u32,
                    last_follow_up: last.map(|f| f.text.clone()),
                    last_follow_up_at: last.map(|f| f.at),
                }
            })
            .collect();
        (meeting, decisions)
    }
}

/// What one document contributes to the read model's rows.
#[derive(Debug, Clone)]
pub enum Rows {
    Household {
        summary: HouseholdSummary,
        visits: Vec<IndexedVisit>,
        must_visits: Vec<IndexedMustVisit>,
        timely: Vec<IndexedTimely>,
        pairing: Vec<IndexedPairing>,
        opinions: Vec<IndexedOpinion>,
    },
    Issue(IndexedIssue),
    Plan(PlanRecord),
    /// A compound's settings: read from its projection (there are few).
    Compound,
    Meeting(IndexedMeeting, Vec<IndexedDecision>),
    /// A steward's scores of a period.
    Score(steward_core::doc::ScoreRecord),
    /// A steward's campaign tasks.
    Campaign(Vec<IndexedTask>),
    /// A steward's evaluation, as the phone reads it: no rows.
    Evaluation,
    Team(IndexedTeam, Vec<IndexedActivity>),
}

impl Rows {
    /// The rows of a stored projection; `None` when it does not read as its kind.
    pub fn of_json(json: &str) -> Option<Rows> {
        Some(match serde_json::from_str::<Projection>(json).ok()? {
            Projection::Household(h) => Rows::of_household(&h),
            Projection::Issue(i) => Rows::Issue(IndexedIssue::of(&i)),
            Projection::Plan(p) => Rows::Plan(p),
            Projection::Compound(_) => Rows::Compound,
            Projection::Score(s) => Rows::Score(s),
            Projection::Campaign(c) => Rows::Campaign(IndexedTask::of(&c)),
            // Read from the `evaluations` table and computed indicators, not from the documents.
            Projection::Evaluation(_) => Rows::Evaluation,
            Projection::Team(t) => {
                let (team, activities) = IndexedTeam::of(&t);
                Rows::Team(team, activities)
            }
            Projection::Meeting(m) => {
                let (meeting, decisions) = IndexedMeeting::of(&m);
                Rows::Meeting(meeting, decisions)
            }
        })
    }

    pub fn of_household(h: &HouseholdRecord) -> Rows {
        Rows::Household {
            summary: HouseholdSummary::of(h),
            visits: h
                .visits
                .iter()
                .map(|v| IndexedVisit {
                    visit_id: v.id,
                    household_id: h.id,
                    compound_id: h.compound_id,
                    by: v.by,
                    at: v.at,
                    recorded_at: v.recorded_at,
                    method: v.method.as_code().into(),
                    summary: v.summary.clone(),
                    opinions: v
                        .opinions
                        .iter()
                        .map(|o| format!("[{}] {}", o.category.label_zh(), o.text))
                        .collect::<Vec<_>>()
                        .join("；"),
                    hardships: v.hardships.clone(),
                    follow_up: v.follow_up,
                })
                .collect(),
            must_visits: h
                .must_visits
                .iter()
                .map(|m| IndexedMustVisit {
                    id: m.id,
                    household_id: h.id,
                    compound_id: h.compound_id,
                    trigger: m.trigger.as_code().into(),
                    date: m.date,
                    answered: m.answered_by.is_some(),
                    answered_at: m.answered_at,
                })
                .collect(),
            timely: h
                .timely
                .iter()
                .map(|t| IndexedTimely {
                    id: t.id,
                    household_id: h.id,
                    compound_id: h.compound_id,
                    kind: t.kind.as_code().into(),
                    raised_at: t.raised_at,
                    resolved_at: t.resolved_at,
                })
                .collect(),
            opinions: h
                .visits
                .iter()
                .flat_map(|v| {
                    v.opinions.iter().enumerate().map(|(n, o)| IndexedOpinion {
                        visit_id: v.id,
                        n: n as u32,
                        household_id: h.id,
                        compound_id: h.compound_id,
                        at: v.at,
                        category: o.category.as_code().into(),
                    })
                })
                .collect(),
            pairing: h
                .pairing_cases
                .iter()
                .map(|c| IndexedPairing {
                    id: c.id,
                    household_id: h.id,
                    compound_id: h.compound_id,
                    helper: c.helper.clone(),
                    need: c.need.as_code().into(),
                    description: c.description.clone(),
                    opened_at: c.opened_at,
                    closed_at: c.closed_at,
                    outcome: c.outcome.map(|o| o.as_code().into()),
                    amount_yuan: c.amount_yuan,
                    actions: c.actions.len() as u32,
                    last_action_at: c.actions.iter().map(|a| a.at).max(),
                })
                .collect(),
        }
    }
}

/// Which records a report reads: a place's compounds, one steward's, and for a property
/// company only the issues in its duty.
#[derive(Debug, Clone, Default)]
pub struct Slice {
    /// `None` for every compound.
    pub compounds: Option<Vec<Uuid>>,
    /// Only this steward's households (and the issues they reported).
    pub steward_id: Option<Uuid>,
}

/// A row joined with its household: where it is, whose it is, when the server first saw it.
#[derive(Debug, Clone)]
pub struct AtHousehold<T> {
    pub row: T,
    pub address: String,
    pub head_name: String,
    /// The household's steward now.
    pub steward_id: Option<Uuid>,
    pub server_seen_at: Option<Millis>,
}

/// Visits and visited households of one steward in a time range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StewardTally {
    pub steward_id: Uuid,
    /// Visits made (by the steward who made them, else the household's).
    pub visits: u32,
    /// The steward's households with a visit.
    pub households_visited: u32,
    /// Households in the steward's plan for the month.
    pub planned: u32,
    /// Of those, visited in the range.
    pub planned_visited: u32,
}

/// A tag a household list is filtered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouseholdTag {
    PartyMember,
    /// Any key-service reason.
    KeyService,
    Reason(KeyServiceReason),
}

impl HouseholdTag {
    pub fn parse(s: &str) -> Option<HouseholdTag> {
        match s {
            "party_member" => Some(HouseholdTag::PartyMember),
            "key_service" => Some(HouseholdTag::KeyService),
            other => KeyServiceReason::from_code(other).map(HouseholdTag::Reason),
        }
    }
}

/// What a household list may be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HouseholdSort {
    #[default]
    Address,
    HeadName,
    Steward,
    OpenMustVisits,
    Visits,
    LastVisitAt,
}

impl HouseholdSort {
    pub fn parse(s: &str) -> Option<HouseholdSort> {
        Some(match s {
            "address" => HouseholdSort::Address,
            "head_name" => HouseholdSort::HeadName,
            "steward" | "steward_id" => HouseholdSort::Steward,
            "open_must_visits" => HouseholdSort::OpenMustVisits,
            "visits" => HouseholdSort::Visits,
            "last_visit_at" => HouseholdSort::LastVisitAt,
            _ => return None,
        })
    }
}

/// A search of the household list, already checked against the caller's place.
#[derive(Debug, Clone, Default)]
pub struct HouseholdQuery {
    /// The compounds searched; `None` for every compound.
    pub compounds: Option<Vec<Uuid>>,
    pub steward_id: Option<Uuid>,
    /// Matched against the head's name and the address (a substring).
    pub text: Option<String>,
    pub tag: Option<HouseholdTag>,
    pub open_must_visit: bool,
    pub sort: HouseholdSort,
    pub descending: bool,
    pub offset: u64,
    pub limit: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_sort_by_their_numbers() {
        assert_eq!(pad_numbers("10栋2单元301室"), "000010栋000002单元000301室");
        assert!(pad_numbers("9栋1单元101室") < pad_numbers("10栋1单元101室"));
        assert_eq!(pad_numbers("A"), "A");
    }

    #[test]
    fn reasons_round_trip_through_their_column() {
        let mut s = HouseholdSummary {
            id: Uuid::nil(),
            compound_id: Uuid::nil(),
            steward_id: None,
            head_name: String::new(),
            address: String::new(),
            party_member: None,
            key_service: Some(vec!["elderly_alone".into(), "illness".into()]),
            open_must_visits: 0,
            visits: 0,
            last_visit_at: None,
            profile_complete: false,
        };
        assert_eq!(s.key_service_column().as_deref(), Some(",elderly_alone,illness,"));
        assert_eq!(HouseholdSummary::key_service_of_column(s.key_service_column().as_deref()), s.key_service);
        s.key_service = Some(vec![]);
        assert_eq!(s.key_service_column().as_deref(), Some(","));
        assert_eq!(HouseholdSummary::key_service_of_column(Some(",")), Some(vec![]));
        assert_eq!(HouseholdSummary::key_service_of_column(None), None);
    }
}
