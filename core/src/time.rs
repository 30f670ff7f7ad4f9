//! Time in the program's terms: months and deadlines in the program's local time zone.
//!
//! Instants are stored as milliseconds since the Unix epoch (Automerge `Timestamp`); months and
//! "today" are taken in the program's zone (Asia/Shanghai unless configured otherwise), because a
//! visit made at 00:30 on the 1st in Hanzhong belongs to the new month whatever UTC says.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::model::TimelyKind;
use crate::Error;

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

/// The zone the program runs in unless configured otherwise.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

/// Now, in milliseconds since the epoch.
pub fn now_millis() -> Millis {
    Utc::now().timestamp_millis()
}

/// The program's local time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgramZone(Tz);

impl Default for ProgramZone {
    fn default() -> Self {
        ProgramZone(chrono_tz::Asia::Shanghai)
    }
}

impl ProgramZone {
    /// Parses an IANA zone name such as `Asia/Shanghai`.
    pub fn parse(name: &str) -> Result<Self, Error> {
        name.parse::<Tz>()
            .map(ProgramZone)
            .map_err(|_| Error::Invalid(format!("unknown time zone {name:?}; use an IANA name such as Asia/Shanghai")))
    }

    /// The zone's IANA name.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The month (`YYYY-MM`) an instant falls in, in this zone.
    pub fn month_of(&self, at: Millis) -> Month {
        let local = self.0.timestamp_millis_opt(at).single().unwrap_or_else(|| {
            // Out-of-range instants cannot come from a real clock; clamp rather than panic.
            self.0.from_utc_datetime(&DateTime::<Utc>::UNIX_EPOCH.naive_utc())
        });
        Month { year: local.year(), month: local.month() }
    }

    /// The first instant of a month, in this zone.
    pub fn month_start(&self, month: Month) -> Millis {
        let date = NaiveDate::from_ymd_opt(month.year, month.month, 1).expect("Month is always valid");
        self.0
            .from_local_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight exists"))
            .earliest()
            .map(|d| d.timestamp_millis())
            .unwrap_or(0)
    }

    /// The first instant of a day, in this zone.
    pub fn day_start(&self, date: NaiveDate) -> Millis {
        self.0
            .from_local_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight exists"))
            .earliest()
            .map(|d| d.timestamp_millis())
            .unwrap_or(0)
    }

    /// The instant as a local date and time (to the second), for spreadsheet cells.
    pub fn local(&self, at: Millis) -> Option<chrono::NaiveDateTime> {
        self.0.timestamp_millis_opt(at).single().map(|t| t.naive_local())
    }

    /// The instant as local `YYYY-MM-DD HH:MM` text, for exports.
    pub fn format(&self, at: Millis) -> String {
        match self.0.timestamp_millis_opt(at).single() {
            Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            None => String::new(),
        }
    }
}

/// A calendar month in the program's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// The month before this one.
    pub fn prev(self) -> Month {
        if self.month == 1 {
            Month { year: self.year - 1, month: 12 }
        } else {
            Month { year: self.year, month: self.month - 1 }
        }
    }

    /// The month after this one.
    pub fn next(self) -> Month {
        if self.month == 12 {
            Month { year: self.year + 1, month: 1 }
        } else {
            Month { year: self.year, month: self.month + 1 }
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl std::str::FromStr for Month {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || Error::Invalid(format!("month {s:?} is not of the form YYYY-MM, e.g. 2026-11"));
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        // Exactly four and two digits: `2026-1`, `+999-01` and `0000-01` are typing mistakes or
        // crafted, and the program's months lie between 2000 and 2099.
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(y, 4) || !digits(m, 2) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(2000..=2099).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A quarter of a year (季度), the period of joint meetings and scoring: `2026-Q4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub quarter: u32,
}

impl Quarter {
    /// The quarter a month is in.
    pub fn of(month: Month) -> Quarter {
        Quarter { year: month.year, quarter: (month.month - 1) / 3 + 1 }
    }

    /// Its first month.
    pub fn first_month(self) -> Month {
        Month { year: self.year, month: (self.quarter - 1) * 3 + 1 }
    }

    /// The quarter after this one.
    pub fn next(self) -> Quarter {
        if self.quarter == 4 {
            Quarter { year: self.year + 1, quarter: 1 }
        } else {
            Quarter { year: self.year, quarter: self.quarter + 1 }
        }
    }

    /// Its first and last instants (exclusive) in `zone`.
    pub fn range(self, zone: &ProgramZone) -> (Millis, Millis) {
        (zone.month_start(self.first_month()), zone.month_start(self.next().first_month()))
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-Q{}", self.year, self.quarter)
    }
}

impl std::str::FromStr for Quarter {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || Error::Invalid(format!("quarter {s:?} is not of the form YYYY-Qn, e.g. 2026-Q4"));
        let (y, q) = s.split_once("-Q").ok_or_else(bad)?;
        let month: Month = format!("{y}-01").parse().map_err(|_| bad())?;
        let quarter = match q {
            "1" => 1,
            "2" => 2,
            "3" => 3,
            "4" => 4,
            _ => return Err(bad()),
        };
        Ok(Quarter { year: month.year, quarter })
    }
}

impl Serialize for Quarter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quarter {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A half of a year (半年), the period of the stewards' evaluation: `2026-H2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HalfYear {
    pub year: i32,
    /// 1 (January to June) or 2 (July to December).
    pub half: u32,
}

impl HalfYear {
    /// The half a month is in.
    pub fn of(month: Month) -> HalfYear {
        HalfYear { year: month.year, half: if month.month <= 6 { 1 } else { 2 } }
    }

    /// Its six months, in order.
    pub fn months(self) -> Vec<Month> {
        let first = (self.half - 1) * 6 + 1;
        (first..first + 6).map(|month| Month { year: self.year, month }).collect()
    }

    /// The half before this one.
    pub fn prev(self) -> HalfYear {
        if self.half == 1 {
            HalfYear { year: self.year - 1, half: 2 }
        } else {
            HalfYear { year: self.year, half: 1 }
        }
    }

    /// Its first and last instants (exclusive) in `zone`.
    pub fn range(self, zone: &ProgramZone) -> (Millis, Millis) {
        let months = self.months();
        (zone.month_start(months[0]), zone.month_start(months[5].next()))
    }
}

impl std::fmt::Display for HalfYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-H{}", self.year, self.half)
    }
}

impl std::str::FromStr for HalfYear {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || Error::Invalid(format!("half year {s:?} is not of the form YYYY-Hn, e.g. 2026-H2"));
        let (y, h) = s.split_once("-H").ok_or_else(bad)?;
        let month: Month = format!("{y}-01").parse().map_err(|_| bad())?;
        let half = match h {
            "1" => 1,
            "2" => 2,
            _ => return Err(bad()),
        };
        Ok(HalfYear { year: month.year, half })
    }
}

impl Serialize for HalfYear {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HalfYear {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// How long each kind of timely response may take, in minutes. A supervisor may change these
/// per compound; the defaults are the program's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlinePolicy {
    pub minutes: BTreeMap<TimelyKind, u32>,
}

impl Default for DeadlinePolicy {
    fn default() -> Self {
        let minutes = BTreeMap::from([
            (TimelyKind::FollowUpVisit, 3 * 24 * 60),
            (TimelyKind::UrgentHelp, 24 * 60),
            (TimelyKind::Dispute, 3 * 24 * 60),
            (TimelyKind::MajorIncident, 60),
        ]);
        DeadlinePolicy { minutes }
    }
}

impl DeadlinePolicy {
    /// Minutes allowed for a kind (the program default when the policy does not name it).
    pub fn minutes_for(&self, kind: TimelyKind) -> u32 {
        self.minutes.get(&kind).copied().unwrap_or_else(|| DeadlinePolicy::default().minutes[&kind])
    }

    /// The deadline of an event of `kind` raised at `raised_at`.
    pub fn deadline(&self, kind: TimelyKind, raised_at: Millis) -> Millis {
        raised_at.saturating_add(i64::from(self.minutes_for(kind)) * 60_000)
    }
}

/// Where a timely response stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Resolved before the deadline.
    OnTime,
    /// Resolved after the deadline.
    Late,
    /// Not resolved, deadline not yet passed.
    Open,
    /// Not resolved and the deadline has passed.
    Overdue,
}

impl Timeliness {
    /// Judges an event against its deadline at `now`.
    pub fn judge(deadline: Millis, resolved_at: Option<Millis>, now: Millis) -> Timeliness {
        match resolved_at {
            Some(r) if r <= deadline => Timeliness::OnTime,
            Some(_) => Timeliness::Late,
            None if now <= deadline => Timeliness::Open,
            None => Timeliness::Overdue,
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn quarters_parse_print_and_cover_their_three_months() {
        let q: Quarter = "2026-Q4".parse().unwrap();
        assert_eq!((q.year, q.quarter, q.to_string()), (2026, 4, "2026-Q4".to_string()));
        assert_eq!(Quarter::of("2026-11".parse().unwrap()), q);
        assert_eq!(Quarter::of("2026-03".parse().unwrap()).to_string(), "2026-Q1");
        assert_eq!(q.next().to_string(), "2027-Q1");
        for bad in ["2026-Q5", "2026-Q0", "2026Q1", "26-Q1", "2026-Q12", "1999-Q1"] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad}");
        }
        let zone = ProgramZone::default();
        let (from, to) = q.range(&zone);
        assert_eq!(zone.month_of(from).to_string(), "2026-10");
        assert_eq!(zone.month_of(to - 1).to_string(), "2026-12");
        assert_eq!(zone.month_of(to).to_string(), "2027-01");
    }

    use super::*;

    #[test]
    fn a_visit_just_after_local_midnight_belongs_to_the_new_local_month() {
        let zone = ProgramZone::default();
        // 2026-11-30T16:30Z is 2026-12-01 00:30 in Shanghai.
        let at = Utc.with_ymd_and_hms(2026, 11, 30, 16, 30, 0).unwrap().timestamp_millis();
        assert_eq!(zone.month_of(at).to_string(), "2026-12");
        assert_eq!(ProgramZone::parse("UTC").unwrap().month_of(at).to_string(), "2026-11");
    }

    #[test]
    fn month_start_is_local_midnight() {
        let zone = ProgramZone::default();
        let start = zone.month_start("2026-12".parse().unwrap());
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).unwrap().timestamp_millis());
    }

    #[test]
    fn malformed_months_are_rejected_with_the_expected_form() {
        for bad in [
            "2026-13",
            "2026",
            "26-01",
            "abcd-ef",
            "2026-00",
            "2026-1",
            "+999-01",
            "0000-01",
            "1999-12",
            "2026-+1",
            "２０２６-01",
        ] {
            let err = bad.parse::<Month>().unwrap_err().to_string();
            assert!(err.contains("YYYY-MM"), "{bad}: {err}");
        }
    }

    #[test]
    fn default_deadlines_are_the_programs() {
        let p = DeadlinePolicy::default();
        assert_eq!(p.minutes_for(TimelyKind::UrgentHelp), 24 * 60);
        assert_eq!(p.minutes_for(TimelyKind::MajorIncident), 60);
        assert_eq!(p.deadline(TimelyKind::MajorIncident, 0), 3_600_000);
    }

    #[test]
    fn timeliness_distinguishes_late_from_overdue() {
        assert_eq!(Timeliness::judge(10, Some(5), 100), Timeliness::OnTime);
        assert_eq!(Timeliness::judge(10, Some(11), 100), Timeliness::Late);
        assert_eq!(Timeliness::judge(10, None, 5), Timeliness::Open);
        assert_eq!(Timeliness::judge(10, None, 11), Timeliness::Overdue);
    }
}
