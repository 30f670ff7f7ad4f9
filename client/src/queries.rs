//! Read queries over the projection: the lists and counts the app shows.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use steward_core::clears::ThreeClears;
use steward_core::model::{IssueOrigin, IssueStatus, MustVisitTrigger, TimelyKind};
use steward_core::time::{DeadlinePolicy, Millis, Month, Timeliness};
use uuid::Uuid;

use crate::{Store, StoreError};

/// A household line in "this month".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HouseholdLine {
    pub id: Uuid,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub head_name: String,
    pub planned: bool,
    pub visits_this_month: u32,
    pub open_must_visits: u32,
    pub last_visit_at: Option<Millis>,
}

/// Progress on the month's visit list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthProgress {
    pub planned: u32,
    pub planned_visited: u32,
    pub visits: u32,
    /// Outside the program's 10–20 households a month.
    pub plan_out_of_range: bool,
}

/// An open must-visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenMustVisit {
    pub id: Uuid,
    pub household_id: Uuid,
    pub head_name: String,
    pub trigger: MustVisitTrigger,
    pub date: Millis,
}

/// Must-visits answered in a month, and those still open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MustVisitCounts {
    pub answered_this_month: u32,
    pub open: u32,
}

/// A timely response with where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelyLine {
    pub id: Uuid,
    pub household_id: Uuid,
    pub kind: TimelyKind,
    pub raised_at: Millis,
    pub deadline: Millis,
    pub resolved_at: Option<Millis>,
    pub timeliness: Timeliness,
}

/// An issue in the steward's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueLine {
    pub id: Uuid,
    pub category: String,
    pub place: String,
    pub status: IssueStatus,
    pub reported_at: Millis,
    /// A steward's report, or a matter the property company passed on (物业反馈).
    pub origin: IssueOrigin,
}

/// A joint meeting in the steward's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingLine {
    pub id: Uuid,
    pub held_at: Millis,
    pub place: String,
    pub attendees: u32,
    pub decisions: u32,
    /// Decisions not yet done.
    pub open: u32,
    /// The earliest deadline of those.
    pub next_deadline: Option<Millis>,
}

/// A campaign (专项任务) in the steward's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignLine {
    /// The campaign document's id (the steward's own).
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub title: String,
    /// The kind's code (`screening`, `flood`, …).
    pub kind: String,
    pub starts_on: String,
    pub ends_on: String,
    /// This device belongs to a temporary steward (临时红色管家) of the campaign.
    pub temporary: bool,
    pub closed_at: Option<Millis>,
    /// Households this steward answers for, and of those the answered ones.
    pub tasks: u32,
    pub answered: u32,
}

/// A team (志愿服务队、文化宣传队) in the steward's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamLine {
    pub id: Uuid,
    pub name: String,
    /// `volunteer` or `culture`.
    pub kind: String,
    pub members: u32,
    pub activities: u32,
    pub last_activity_at: Option<Millis>,
}

fn uuid(s: String) -> rusqlite::Result<Uuid> {
    Uuid::parse_str(&s)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

fn code<T>(s: String, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    parse(&s).ok_or_else(|| rusqlite::Error::InvalidColumnType(0, s, rusqlite::types::Type::Text))
}

impl Store {
    fn month_range(&self, month: Month) -> (Millis, Millis) {
        (self.zone().month_start(month), self.zone().month_start(month.next()))
    }

    /// The households with this month's plan and visits.
    pub fn households_for_month(&self, month: Month) -> Result<Vec<HouseholdLine>, StoreError> {
        let (start, end) = self.month_range(month);
        let mut stmt = self.conn().prepare(
            "SELECT h.id, h.building, h.unit, h.room, h.head_name,
                    EXISTS (SELECT 1 FROM plan_items p WHERE p.household_id = h.id AND p.month = ?1),
                    (SELECT COUNT(*) FROM visits v WHERE v.household_id = h.id AND v.at >= ?2 AND v.at < ?3),
                    (SELECT COUNT(*) FROM must_visits m WHERE m.household_id = h.id AND m.answered_by IS NULL),
                    (SELECT MAX(at) FROM visits v WHERE v.household_id = h.id)
             FROM households h ORDER BY h.building, h.unit, h.room",
        )?;
        let rows = stmt.query_map(params![month.to_string(), start, end], |r| {
            Ok(HouseholdLine {
                id: uuid(r.get(0)?)?,
                building: r.get(1)?,
                unit: r.get(2)?,
                room: r.get(3)?,
                head_name: r.get(4)?,
                planned: r.get(5)?,
                visits_this_month: r.get(6)?,
                open_must_visits: r.get(7)?,
                last_visit_at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Visited x of y for a month.
    pub fn month_progress(&self, month: Month) -> Result<MonthProgress, StoreError> {
        let (start, end) = self.month_range(month);
        let (planned, planned_visited): (u32, u32) = self.conn().query_row(
            "SELECT COUNT(*), COALESCE(SUM(EXISTS (SELECT 1 FROM visits v WHERE v.household_id = p.household_id
                                                  AND v.at >= ?2 AND v.at < ?3)), 0)
             FROM plan_items p WHERE p.month = ?1",
            params![month.to_string(), start, end],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let visits: u32 = self.conn().query_row(
            "SELECT COUNT(*) FROM visits WHERE at >= ?1 AND at < ?2",
            params![start, end],
            |r| r.get(0),
        )?;
        Ok(MonthProgress { planned, planned_visited, visits, plan_out_of_range: !(10..=20).contains(&planned) })
    }

    /// Must-visits not yet answered by a visit, oldest first.
    pub fn open_must_visits(&self) -> Result<Vec<OpenMustVisit>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT m.id, m.household_id, h.head_name, m.trigger_code, m.date FROM must_visits m
             JOIN households h ON h.id = m.household_id WHERE m.answered_by IS NULL ORDER BY m.date",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OpenMustVisit {
                id: uuid(r.get(0)?)?,
                household_id: uuid(r.get(1)?)?,
                head_name: r.get(2)?,
                trigger: code(r.get(3)?, MustVisitTrigger::from_code)?,
                date: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many must-visits were answered in `month`, and how many are open.
    pub fn must_visit_counts(&self, month: Month) -> Result<MustVisitCounts, StoreError> {
        let (start, end) = self.month_range(month);
        Ok(self.conn().query_row(
            "SELECT COALESCE(SUM(answered_at >= ?1 AND answered_at < ?2), 0), COALESCE(SUM(answered_by IS NULL), 0)
             FROM must_visits",
            params![start, end],
            |r| Ok(MustVisitCounts { answered_this_month: r.get(0)?, open: r.get(1)? }),
        )?)
    }

    /// The compound's deadline policy (the program defaults until the compound document arrives).
    pub fn deadline_policy(&self) -> Result<DeadlinePolicy, StoreError> {
        let json: Option<String> = self
            .conn()
            .query_row("SELECT deadlines FROM compounds LIMIT 1", [], |r| r.get(0))
            .map(Some)
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default())
    }

    /// Timely responses with their deadlines, judged at `now`.
    pub fn timely_responses(&self, now: Millis) -> Result<Vec<TimelyLine>, StoreError> {
        let policy = self.deadline_policy()?;
        let mut stmt = self
            .conn()
            .prepare("SELECT id, household_id, kind, raised_at, resolved_at FROM timely ORDER BY raised_at")?;
        let rows = stmt.query_map([], |r| {
            let kind = code(r.get(2)?, TimelyKind::from_code)?;
            let raised_at: Millis = r.get(3)?;
            let resolved_at: Option<Millis> = r.get(4)?;
            let deadline = policy.deadline(kind, raised_at);
            Ok(TimelyLine {
                id: uuid(r.get(0)?)?,
                household_id: uuid(r.get(1)?)?,
                kind,
                raised_at,
                deadline,
                resolved_at,
                timeliness: Timeliness::judge(deadline, resolved_at, now),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The steward's issues, newest first.
    pub fn issues(&self) -> Result<Vec<IssueLine>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, category, place, status, reported_at, origin FROM issues ORDER BY reported_at DESC")?;
        let rows = stmt.query_map([], |r| {
            Ok(IssueLine {
                id: uuid(r.get(0)?)?,
                category: r.get(1)?,
                place: r.get(2)?,
                status: code(r.get(3)?, IssueStatus::from_code)?,
                reported_at: r.get(4)?,
                origin: code(r.get(5)?, IssueOrigin::from_code)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The steward's joint meetings, newest first.
    pub fn meetings(&self) -> Result<Vec<MeetingLine>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, held_at, place, attendees, decisions, open, next_deadline FROM meetings ORDER BY held_at DESC, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(MeetingLine {
                id: uuid(r.get(0)?)?,
                held_at: r.get(1)?,
                place: r.get(2)?,
                attendees: r.get(3)?,
                decisions: r.get(4)?,
                open: r.get(5)?,
                next_deadline: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The steward's campaigns: open ones first, then by their last day, newest first.
    pub fn campaigns(&self) -> Result<Vec<CampaignLine>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, campaign_id, title, kind, starts_on, ends_on, temporary, closed_at, tasks, answered
             FROM campaigns ORDER BY closed_at IS NOT NULL, ends_on DESC, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(CampaignLine {
                id: uuid(r.get(0)?)?,
                campaign_id: uuid(r.get(1)?)?,
                title: r.get(2)?,
                kind: r.get(3)?,
                starts_on: r.get(4)?,
                ends_on: r.get(5)?,
                temporary: r.get(6)?,
                closed_at: r.get(7)?,
                tasks: r.get(8)?,
                answered: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The steward's teams, by name.
    pub fn teams(&self) -> Result<Vec<TeamLine>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, name, kind, members, activities, last_activity_at FROM teams ORDER BY name, id")?;
        let rows = stmt.query_map([], |r| {
            Ok(TeamLine {
                id: uuid(r.get(0)?)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                members: r.get(3)?,
                activities: r.get(4)?,
                last_activity_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The three clears over the households on this device.
    pub fn three_clears(&self) -> Result<ThreeClears, StoreError> {
        Ok(self.conn().query_row(
            "SELECT COUNT(*),
                    COALESCE(SUM(party_member IS NOT NULL), 0),
                    COALESCE(SUM(head_name <> '' AND member_count > 0 AND building <> '' AND unit <> '' AND room <> ''), 0),
                    COALESCE(SUM(key_service IS NOT NULL), 0)
             FROM households",
            [],
            |r| {
                Ok(ThreeClears {
                    households: r.get(0)?,
                    party_member_known: r.get(1)?,
                    basic_profile_complete: r.get(2)?,
                    key_service_known: r.get(3)?,
                })
            },
        )?)
    }

    /// Counts of projected rows, for checks that the projection agrees with the documents.
    pub fn row_counts(&self) -> Result<[u32; 5], StoreError> {
        let c = |sql: &str| self.conn().query_row(sql, [], |r| r.get::<_, u32>(0));
        Ok([
            c("SELECT COUNT(*) FROM households")?,
            c("SELECT COUNT(*) FROM visits")?,
            c("SELECT COUNT(*) FROM must_visits")?,
            c("SELECT COUNT(*) FROM timely")?,
            c("SELECT COUNT(*) FROM issues")?,
        ])
    }

    /// Every document id on the device.
    pub fn doc_ids(&self) -> Result<Vec<Uuid>, StoreError> {
        let mut stmt = self.conn().prepare("SELECT id FROM docs ORDER BY id")?;
        let rows = stmt.query_map([], |r| uuid(r.get(0)?))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
