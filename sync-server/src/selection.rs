//! Selecting a steward (选任流程). An application moves through, in this order: the
//! self-application (自荐申请), the grid worker's recommendation (网格员推荐), the compound
//! branch's first review (小区党支部初审), the community's review (社区党组织审核), the opinions
//! of six departments (纪检、公安、法院、信访、税务、市场监管, each with its date and result), a public
//! notice (公示) for a period with objections recorded, and the appointment, which creates the
//! steward's account ready for a phone's enrolment and records the red vest, handbook and bag
//! handed out (红色三件套). Any step can refuse, with a reason; a refusal ends the application.
//!
//! Who does a step: the compound's branch ([`Duty::Branch`], a supervisor whose place is the
//! application's compound) does the first review; the community's staff ([`Duty::Community`], a
//! supervisor whose place is the compound's community — the grid workers among them) do the
//! rest. They are the only ones who read an applicant's personal data. No phone holds an
//! application: the records live on the server alone, so every rule is checked here, once.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use steward_core::limits::{LONG_TEXT, SHORT_TEXT};
use steward_core::time::Millis;
use uuid::Uuid;

/// The shortest public notice, in days, first and last included (公示期不少于5天).
pub const NOTICE_MIN_DAYS: i64 = 5;
/// The longest public notice, in days.
pub const NOTICE_MAX_DAYS: i64 = 30;
/// How far back a step's date may be recorded (paper forms reach the console late), in days.
pub const BACKDATE_DAYS: i64 = 90;
/// Objections one notice may record.
pub const MAX_OBJECTIONS: usize = 50;
/// How many days an appointed steward's first enrolment code stays valid.
pub const ENROLMENT_DAYS: u32 = 14;

/// Where an application stands: the step it waits for, or how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Waits for the grid worker's recommendation (待网格员推荐).
    Recommendation,
    /// Waits for the compound branch's first review (待小区党支部初审).
    BranchReview,
    /// Waits for the community's review (待社区党组织审核).
    CommunityReview,
    /// Waits for the six departments' opinions (待部门意见).
    Departments,
    /// Every department saw no objection; waits for the public notice (待公示).
    ToNotice,
    /// Under public notice (公示中); appointed once the notice has ended with no objection upheld.
    Notice,
    /// Appointed (已任命): a steward now.
    Appointed,
    /// Refused at some step (未通过).
    Refused,
}

impl Stage {
    pub const ALL: [Stage; 8] = [
        Stage::Recommendation,
        Stage::BranchReview,
        Stage::CommunityReview,
        Stage::Departments,
        Stage::ToNotice,
        Stage::Notice,
        Stage::Appointed,
        Stage::Refused,
    ];

    pub fn as_code(self) -> &'static str {
        match self {
            Stage::Recommendation => "recommendation",
            Stage::BranchReview => "branch_review",
            Stage::CommunityReview => "community_review",
            Stage::Departments => "departments",
            Stage::ToNotice => "to_notice",
            Stage::Notice => "notice",
            Stage::Appointed => "appointed",
            Stage::Refused => "refused",
        }
    }

    pub fn from_code(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|x| x.as_code() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Stage::Recommendation => "待网格员推荐",
            Stage::BranchReview => "待小区党支部初审",
            Stage::CommunityReview => "待社区党组织审核",
            Stage::Departments => "待部门意见",
            Stage::ToNotice => "待公示",
            Stage::Notice => "公示中",
            Stage::Appointed => "已任命",
            Stage::Refused => "未通过",
        }
    }

    /// Whose step it is; `None` once the application has ended. After the appointment the
    /// community still records the kit handed out.
    pub fn duty(self) -> Option<Duty> {
        match self {
            Stage::BranchReview => Some(Duty::Branch),
            Stage::Refused => None,
            _ => Some(Duty::Community),
        }
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Appointed | Stage::Refused)
    }
}

/// The staff of the steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    /// The compound's party branch (小区党支部): a supervisor of the application's compound.
    Branch,
    /// The community's staff (社区党组织, its grid workers): a supervisor of the compound's community.
    Community,
}

impl Duty {
    pub fn label_zh(self) -> &'static str {
        match self {
            Duty::Branch => "小区党支部",
            Duty::Community => "社区党组织",
        }
    }
}

/// The departments whose opinion an applicant needs (联审).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Department {
    Discipline,
    Police,
    Court,
    Petitions,
    Tax,
    MarketRegulation,
}

impl Department {
    pub const ALL: [Department; 6] = [
        Department::Discipline,
        Department::Police,
        Department::Court,
        Department::Petitions,
        Department::Tax,
        Department::MarketRegulation,
    ];

    pub fn as_code(self) -> &'static str {
        match self {
            Department::Discipline => "discipline",
            Department::Police => "police",
            Department::Court => "court",
            Department::Petitions => "petitions",
            Department::Tax => "tax",
            Department::MarketRegulation => "market_regulation",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Department::Discipline => "纪检监察",
            Department::Police => "公安",
            Department::Court => "法院",
            Department::Petitions => "信访",
            Department::Tax => "税务",
            Department::MarketRegulation => "市场监管",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn label_zh(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }
}

/// 政治面貌.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoliticalStatus {
    /// 中共党员
    PartyMember,
    /// 共青团员
    LeagueMember,
    /// 民主党派
    DemocraticParty,
    /// 群众
    Masses,
}

impl PoliticalStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            PoliticalStatus::PartyMember => "中共党员",
            PoliticalStatus::LeagueMember => "共青团员",
            PoliticalStatus::DemocraticParty => "民主党派",
            PoliticalStatus::Masses => "群众",
        }
    }
}

/// The applicant, as the self-application form gives them: personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    pub name: String,
    pub gender: Gender,
    /// YYYY-MM-DD.
    pub birth_date: String,
    pub phone: String,
    /// Where they live (building, unit, room).
    pub address: String,
    pub political_status: PoliticalStatus,
    /// Work or former work (工作单位及职务), may be empty.
    #[serde(default)]
    pub occupation: String,
    /// Why they apply, in their words (自荐理由).
    pub statement: String,
}

/// A step taken, in order: who took it, when, and what they wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    /// The action's code: `apply`, `recommend`, `branch_review`, `community_review`,
    /// `department`, `notice`, `objection`, `appoint`, `kit`, `refuse`.
    pub step: String,
    /// The stage it was taken at.
    pub stage: Stage,
    pub at: Millis,
    pub by: Uuid,
    pub by_name: String,
    /// The opinion, reason or summary, as written.
    pub text: String,
}

/// A department's opinion (部门意见).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepartmentOpinion {
    pub department: Department,
    /// The day the department gave it, YYYY-MM-DD.
    pub date: String,
    /// No objection (无异议); `false`: the department objects (有异议), see `note`.
    pub clear: bool,
    pub note: String,
}

/// The public notice (公示).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub starts_on: String,
    /// The last day, included.
    pub ends_on: String,
    /// Where objections go (the community's office and telephone).
    pub contact: String,
}

/// An objection raised during the notice, with what checking it found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Objection {
    pub received_on: String,
    pub text: String,
    /// Found true (查实): the appointment cannot go ahead.
    pub upheld: bool,
    pub finding: String,
}

/// The red vest, handbook and bag (红色三件套): the day each was handed out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Kit {
    pub vest: Option<String>,
    pub handbook: Option<String>,
    pub bag: Option<String>,
}

/// Why and where an application was refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    pub stage: Stage,
    pub reason: String,
    pub at: Millis,
    pub by_name: String,
}

/// One application, whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub community_id: Uuid,
    pub applicant: Applicant,
    /// The day of the self-application, YYYY-MM-DD.
    pub applied_on: String,
    pub stage: Stage,
    /// Counts the steps: an action names the version it was taken on, so two staff acting at
    /// once do not both move it.
    pub version: u32,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub steps: Vec<StepRecord>,
    pub departments: Vec<DepartmentOpinion>,
    pub notice: Option<Notice>,
    pub objections: Vec<Objection>,
    pub refusal: Option<Refusal>,
    /// The steward account the appointment created.
    pub steward_id: Option<Uuid>,
    pub kit: Kit,
}

/// A step, as the staff send it.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// 网格员推荐: the grid worker's name and their recommendation.
    Recommend { grid_worker: String, opinion: String },
    /// 小区党支部初审: passed, with the branch's opinion.
    BranchReview { opinion: String },
    /// 社区党组织审核: passed, with the community's opinion.
    CommunityReview { opinion: String },
    /// One department's opinion; each department once.
    Department {
        department: Department,
        date: String,
        clear: bool,
        #[serde(default)]
        note: String,
    },
    /// 公示: the period and where objections go.
    Notice { starts_on: String, ends_on: String, contact: String },
    /// An objection received during the notice, with the finding.
    Objection {
        received_on: String,
        text: String,
        upheld: bool,
        #[serde(default)]
        finding: String,
    },
    /// 任命: after the notice ended with no objection upheld; the kit handed out now.
    Appoint {
        #[serde(default)]
        vest: bool,
        #[serde(default)]
        handbook: bool,
        #[serde(default)]
        bag: bool,
    },
    /// Kit handed out after the appointment.
    Kit {
        #[serde(default)]
        vest: bool,
        #[serde(default)]
        handbook: bool,
        #[serde(default)]
        bag: bool,
    },
    /// Refused at the current step, with the reason.
    Refuse { reason: String },
}

impl Action {
    pub fn code(&self) -> &'static str {
        match self {
            Action::Recommend { .. } => "recommend",
            Action::BranchReview { .. } => "branch_review",
            Action::CommunityReview { .. } => "community_review",
            Action::Department { .. } => "department",
            Action::Notice { .. } => "notice",
            Action::Objection { .. } => "objection",
            Action::Appoint { .. } => "appoint",
            Action::Kit { .. } => "kit",
            Action::Refuse { .. } => "refuse",
        }
    }
}

/// Why a step was not taken.
#[derive(Debug, Clone, PartialEq)]
pub enum Refused {
    /// A field is missing or wrong (`400`, the field named).
    Field(&'static str, String),
    /// The step is not the application's next one, or its conditions are not met (`409`).
    WrongStep(String),
    /// The step is another's duty (`403`).
    NotYours(String),
}

/// Who acts, and on what day (the program's time zone).
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Uuid,
    pub name: String,
    /// The actor's duty for this application; `None`: not staff of its steps.
    pub duty: Option<Duty>,
}

/// The moment a step is taken.
#[derive(Debug, Clone, Copy)]
pub struct When {
    pub today: NaiveDate,
    pub at: Millis,
}

fn text(field: &'static str, value: &str, max: usize, required: bool) -> Result<String, Refused> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(Refused::Field(field, format!("{field} is required")));
    }
    if v.chars().count() > max {
        return Err(Refused::Field(field, format!("{field} takes at most {max} characters")));
    }
    Ok(v.to_string())
}

fn date(field: &'static str, value: &str) -> Result<NaiveDate, Refused> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| Refused::Field(field, format!("{field} must be a date, YYYY-MM-DD, not {value:?}")))
}

/// A step's date: not in the future, not more than [`BACKDATE_DAYS`] ago, not before `after`.
fn past_date(field: &'static str, value: &str, when: When, after: Option<NaiveDate>) -> Result<NaiveDate, Refused> {
    let d = date(field, value)?;
    if d > when.today {
        return Err(Refused::Field(field, format!("{field} is after today")));
    }
    if (when.today - d).num_days() > BACKDATE_DAYS {
        return Err(Refused::Field(field, format!("{field} is more than {BACKDATE_DAYS} days ago")));
    }
    if let Some(a) = after.filter(|a| d < *a) {
        return Err(Refused::Field(field, format!("{field} is before {a}")));
    }
    Ok(d)
}

/// The age, in whole years, of someone born on `birth_date` (YYYY-MM-DD) on `today`.
pub fn age(birth_date: &str, today: NaiveDate) -> Option<i32> {
    let born = NaiveDate::parse_from_str(birth_date, "%Y-%m-%d").ok()?;
    Some(today.year() - born.year() - i32::from((today.month(), today.day()) < (born.month(), born.day())))
}

/// Checks and tidies an applicant; `today` bounds the age (18 to 75).
pub fn check_applicant(a: &Applicant, today: NaiveDate) -> Result<Applicant, Refused> {
    let name = text("name", &a.name, 40, true)?;
    let born = date("birth_date", &a.birth_date)?;
    let age = age(&a.birth_date, today).unwrap_or(0);
    if !(18..=75).contains(&age) {
        return Err(Refused::Field("birth_date", format!("an applicant is 18 to 75 years old, not {age}")));
    }
    let phone = a.phone.trim().to_string();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !(5..=20).contains(&digits) || !phone.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ')) {
        return Err(Refused::Field("phone", "phone takes 5 to 20 digits (and + - or spaces)".into()));
    }
    Ok(Applicant {
        name,
        gender: a.gender,
        birth_date: born.format("%Y-%m-%d").to_string(),
        phone,
        address: text("address", &a.address, SHORT_TEXT, true)?,
        political_status: a.political_status,
        occupation: text("occupation", &a.occupation, SHORT_TEXT, false)?,
        statement: text("statement", &a.statement, LONG_TEXT, true)?,
    })
}

/// A new application, at its first stage (waiting for the grid worker's recommendation).
pub fn new_application(
    compound_id: Uuid,
    community_id: Uuid,
    applicant: &Applicant,
    applied_on: &str,
    actor: &Actor,
    when: When,
) -> Result<Application, Refused> {
    if actor.duty.is_none() {
        return Err(Refused::NotYours(
            "an application is entered by the compound's branch or the community's staff".into(),
        ));
    }
    let applicant = check_applicant(applicant, when.today)?;
    let applied = past_date("applied_on", applied_on, when, None)?;
    Ok(Application {
        id: Uuid::new_v4(),
        compound_id,
        community_id,
        applicant,
        applied_on: applied.to_string(),
        stage: Stage::Recommendation,
        version: 1,
        created_at: when.at,
        updated_at: when.at,
        steps: vec![StepRecord {
            step: "apply".into(),
            stage: Stage::Recommendation,
            at: when.at,
            by: actor.id,
            by_name: actor.name.clone(),
            text: String::new(),
        }],
        departments: Vec::new(),
        notice: None,
        objections: Vec::new(),
        refusal: None,
        steward_id: None,
        kit: Kit::default(),
    })
}

/// The actions `duty` may take on `app` now, for the console to offer.
pub fn offered(app: &Application, duty: Option<Duty>, today: NaiveDate) -> Vec<&'static str> {
    if duty.is_none() || app.stage.duty() != duty {
        return Vec::new();
    }
    let mut out: Vec<&'static str> = match app.stage {
        Stage::Recommendation => vec!["recommend"],
        Stage::BranchReview => vec!["branch_review"],
        Stage::CommunityReview => vec!["community_review"],
        Stage::Departments if app.departments.iter().all(|d| d.clear) => vec!["department"],
        Stage::Departments => vec![],
        Stage::ToNotice => vec!["notice"],
        Stage::Notice => {
            let mut v = Vec::new();
            if app.objections.len() < MAX_OBJECTIONS {
                v.push("objection");
            }
            if appointable(app, today).is_ok() {
                v.push("appoint");
            }
            v
        }
        Stage::Appointed if kit_missing(&app.kit) => vec!["kit"],
        Stage::Appointed | Stage::Refused => vec![],
    };
    if app.stage.is_open() {
        out.push("refuse");
    }
    out
}

fn kit_missing(k: &Kit) -> bool {
    k.vest.is_none() || k.handbook.is_none() || k.bag.is_none()
}

/// Whether the notice allows the appointment today.
fn appointable(app: &Application, today: NaiveDate) -> Result<(), Refused> {
    let Some(n) = &app.notice else { return Err(Refused::WrongStep("there is no public notice yet".into())) };
    let ends = date("ends_on", &n.ends_on)?;
    if today <= ends {
        return Err(Refused::WrongStep(format!("the public notice runs until {ends}: appoint after it has ended")));
    }
    if app.objections.iter().any(|o| o.upheld) {
        return Err(Refused::WrongStep("an objection to the notice was upheld: refuse the application".into()));
    }
    Ok(())
}

/// Takes one step on `app`. On success the application has moved on (its version counts one
/// more); `steward_id` is the account an appointment creates. Nothing changes on refusal.
pub fn act(app: &mut Application, action: &Action, actor: &Actor, when: When, steward_id: Uuid) -> Result<(), Refused> {
    let Some(duty) = app.stage.duty() else {
        return Err(Refused::WrongStep(format!("the application has ended ({})", app.stage.label_zh())));
    };
    if actor.duty != Some(duty) {
        return Err(Refused::NotYours(format!(
            "this step ({}) is for the {} to take",
            app.stage.label_zh(),
            duty.label_zh()
        )));
    }
    let wrong = || {
        Refused::WrongStep(format!("{} is not this application's next step ({})", action.code(), app.stage.label_zh()))
    };
    let mut next = app.clone();
    let summary = match action {
        Action::Recommend { grid_worker, opinion } if app.stage == Stage::Recommendation => {
            let who = text("grid_worker", grid_worker, 40, true)?;
            let opinion = text("opinion", opinion, LONG_TEXT, true)?;
            next.stage = Stage::BranchReview;
            format!("网格员{who}：{opinion}")
        }
        Action::BranchReview { opinion } if app.stage == Stage::BranchReview => {
            next.stage = Stage::CommunityReview;
            text("opinion", opinion, LONG_TEXT, true)?
        }
        Action::CommunityReview { opinion } if app.stage == Stage::CommunityReview => {
            next.stage = Stage::Departments;
            text("opinion", opinion, LONG_TEXT, true)?
        }
        Action::Department { department, date: on, clear, note } if app.stage == Stage::Departments => {
            if app.departments.iter().any(|d| d.department == *department) {
                return Err(Refused::WrongStep(format!("{} has given its opinion already", department.label_zh())));
            }
            if app.departments.iter().any(|d| !d.clear) {
                return Err(Refused::WrongStep("a department objects: refuse the application".into()));
            }
            let on = past_date("date", on, when, Some(date("applied_on", &app.applied_on)?))?;
            let note = text("note", note, LONG_TEXT, !clear)?;
            next.departments.push(DepartmentOpinion {
                department: *department,
                date: on.to_string(),
                clear: *clear,
                note: note.clone(),
            });
            if next.departments.len() == Department::ALL.len() && next.departments.iter().all(|d| d.clear) {
                next.stage = Stage::ToNotice;
            }
            let result = if *clear { "无异议" } else { "有异议" };
            format!("{}（{on}）：{result}{}{note}", department.label_zh(), if note.is_empty() { "" } else { "，" })
        }
        Action::Notice { starts_on, ends_on, contact } if app.stage == Stage::ToNotice => {
            let starts = date("starts_on", starts_on)?;
            if (when.today - starts).num_days() > BACKDATE_DAYS || (starts - when.today).num_days() > NOTICE_MAX_DAYS {
                return Err(Refused::Field("starts_on", "starts_on is too far from today".into()));
            }
            let ends = date("ends_on", ends_on)?;
            let days = (ends - starts).num_days() + 1;
            if !(NOTICE_MIN_DAYS..=NOTICE_MAX_DAYS).contains(&days) {
                return Err(Refused::Field(
                    "ends_on",
                    format!("a public notice runs {NOTICE_MIN_DAYS} to {NOTICE_MAX_DAYS} days, not {days}"),
                ));
            }
            let contact = text("contact", contact, SHORT_TEXT, true)?;
            next.notice = Some(Notice { starts_on: starts.to_string(), ends_on: ends.to_string(), contact });
            next.stage = Stage::Notice;
            format!("公示 {starts} 至 {ends}")
        }
        Action::Objection { received_on, text: said, upheld, finding } if app.stage == Stage::Notice => {
            if app.objections.len() >= MAX_OBJECTIONS {
                return Err(Refused::WrongStep(format!("a notice records at most {MAX_OBJECTIONS} objections")));
            }
            let n = app.notice.as_ref().ok_or_else(wrong)?;
            let on = past_date("received_on", received_on, when, Some(date("starts_on", &n.starts_on)?))?;
            if on > date("ends_on", &n.ends_on)? {
                return Err(Refused::Field("received_on", "received_on is after the notice ended".into()));
            }
            let said = text("text", said, LONG_TEXT, true)?;
            let finding = text("finding", finding, LONG_TEXT, true)?;
            next.objections.push(Objection {
                received_on: on.to_string(),
                text: said,
                upheld: *upheld,
                finding: finding.clone(),
            });
            format!("{}：{finding}", if *upheld { "反映查实" } else { "反映不实" })
        }
        Action::Appoint { vest, handbook, bag } if app.stage == Stage::Notice => {
            appointable(app, when.today)?;
            next.stage = Stage::Appointed;
            next.steward_id = Some(steward_id);
            hand_out(&mut next.kit, *vest, *handbook, *bag, when.today);
            "任命为红色管家".into()
        }
        Action::Kit { vest, handbook, bag } if app.stage == Stage::Appointed => {
            if !(*vest || *handbook || *bag) {
                return Err(Refused::Field("vest", "say what was handed out".into()));
            }
            hand_out(&mut next.kit, *vest, *handbook, *bag, when.today);
            if next.kit == app.kit {
                return Err(Refused::WrongStep("that has been handed out already".into()));
            }
            "发放红色三件套".into()
        }
        Action::Refuse { reason } if app.stage.is_open() => {
            let reason = text("reason", reason, LONG_TEXT, true)?;
            next.refusal =
                Some(Refusal { stage: app.stage, reason: reason.clone(), at: when.at, by_name: actor.name.clone() });
            next.stage = Stage::Refused;
            reason
        }
        _ => return Err(wrong()),
    };
    next.steps.push(StepRecord {
        step: action.code().into(),
        stage: app.stage,
        at: when.at,
        by: actor.id,
        by_name: actor.name.clone(),
        text: summary,
    });
    next.version += 1;
    next.updated_at = when.at;
    *app = next;
    Ok(())
}

fn hand_out(kit: &mut Kit, vest: bool, handbook: bool, bag: bool, today: NaiveDate) {
    let day = today.to_string();
    for (given, slot) in [(vest, &mut kit.vest), (handbook, &mut kit.handbook), (bag, &mut kit.bag)] {
        if given && slot.is_none() {
            *slot = Some(day.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applicant() -> Applicant {
        Applicant {
            name: "陈晓燕".into(),
            gender: Gender::Female,
            birth_date: "1972-05-01".into(),
            phone: "139 0000 1111".into(),
            address: "3栋2单元501".into(),
            political_status: PoliticalStatus::PartyMember,
            occupation: "退休教师".into(),
            statement: "热心社区事务".into(),
        }
    }

    fn actor(duty: Duty) -> Actor {
        Actor { id: Uuid::new_v4(), name: "staff".into(), duty: Some(duty) }
    }

    fn on(d: &str) -> When {
        When { today: NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap(), at: 1 }
    }

    fn through_departments(today: When) -> Application {
        let c = actor(Duty::Community);
        let mut a = new_application(Uuid::new_v4(), Uuid::new_v4(), &applicant(), "2026-11-01", &c, today).unwrap();
        act(&mut a, &Action::Recommend { grid_worker: "刘芳".into(), opinion: "推荐".into() }, &c, today, Uuid::nil())
            .unwrap();
        act(&mut a, &Action::BranchReview { opinion: "同意".into() }, &actor(Duty::Branch), today, Uuid::nil())
            .unwrap();
        act(&mut a, &Action::CommunityReview { opinion: "同意".into() }, &c, today, Uuid::nil()).unwrap();
        for d in Department::ALL {
            let step =
                Action::Department { department: d, date: "2026-11-10".into(), clear: true, note: String::new() };
            act(&mut a, &step, &c, today, Uuid::nil()).unwrap();
        }
        a
    }

    #[test]
    fn each_step_moves_the_application_on_once_and_only_its_staff_may_take_it() {
        let today = on("2026-11-20");
        let c = actor(Duty::Community);
        let mut a = new_application(Uuid::new_v4(), Uuid::new_v4(), &applicant(), "2026-11-01", &c, today).unwrap();
        let rec = Action::Recommend { grid_worker: "刘芳".into(), opinion: "推荐".into() };
        assert!(matches!(
            act(&mut a.clone(), &rec, &actor(Duty::Branch), today, Uuid::nil()),
            Err(Refused::NotYours(_))
        ));
        act(&mut a, &rec, &c, today, Uuid::nil()).unwrap();
        assert_eq!((a.stage, a.version), (Stage::BranchReview, 2));
        let before = a.clone();
        assert!(matches!(act(&mut a, &rec, &c, today, Uuid::nil()), Err(Refused::NotYours(_))));
        let review = Action::CommunityReview { opinion: "同意".into() };
        assert!(matches!(act(&mut a, &review, &actor(Duty::Branch), today, Uuid::nil()), Err(Refused::WrongStep(_))));
        assert_eq!(a, before, "a refused step changes nothing");

        let mut a = through_departments(today);
        assert_eq!(a.stage, Stage::ToNotice);
        assert_eq!(a.steps.iter().filter(|s| s.step == "department").count(), 6);
        let short =
            Action::Notice { starts_on: "2026-11-20".into(), ends_on: "2026-11-23".into(), contact: "x".into() };
        assert!(matches!(act(&mut a, &short, &c, today, Uuid::nil()), Err(Refused::Field("ends_on", _))));
        let notice =
            Action::Notice { starts_on: "2026-11-20".into(), ends_on: "2026-11-24".into(), contact: "社区".into() };
        act(&mut a, &notice, &c, today, Uuid::nil()).unwrap();
        let appoint = Action::Appoint { vest: true, handbook: false, bag: true };
        assert!(matches!(act(&mut a, &appoint, &c, on("2026-11-24"), Uuid::nil()), Err(Refused::WrongStep(_))));
        let steward = Uuid::new_v4();
        act(&mut a, &appoint, &c, on("2026-11-25"), steward).unwrap();
        assert_eq!((a.stage, a.steward_id), (Stage::Appointed, Some(steward)));
        assert_eq!(a.kit, Kit { vest: Some("2026-11-25".into()), handbook: None, bag: Some("2026-11-25".into()) });
        assert_eq!(offered(&a, Some(Duty::Community), on("2026-11-26").today), vec!["kit"]);
        let kit = Action::Kit { vest: true, handbook: true, bag: false };
        act(&mut a, &kit, &c, on("2026-11-26"), Uuid::nil()).unwrap();
        assert_eq!(a.kit.handbook.as_deref(), Some("2026-11-26"));
        assert_eq!(a.kit.vest.as_deref(), Some("2026-11-25"), "a vest handed out keeps its day");
        assert!(matches!(act(&mut a, &kit, &c, on("2026-11-27"), Uuid::nil()), Err(Refused::WrongStep(_))));
    }

    #[test]
    fn an_objecting_department_or_an_upheld_objection_leaves_only_refusal() {
        let today = on("2026-11-20");
        let c = actor(Duty::Community);
        let mut a = new_application(Uuid::new_v4(), Uuid::new_v4(), &applicant(), "2026-11-01", &c, today).unwrap();
        act(&mut a, &Action::Recommend { grid_worker: "刘芳".into(), opinion: "推荐".into() }, &c, today, Uuid::nil())
            .unwrap();
        act(&mut a, &Action::BranchReview { opinion: "同意".into() }, &actor(Duty::Branch), today, Uuid::nil())
            .unwrap();
        act(&mut a, &Action::CommunityReview { opinion: "同意".into() }, &c, today, Uuid::nil()).unwrap();
        let objects = Action::Department {
            department: Department::Court,
            date: "2026-11-10".into(),
            clear: false,
            note: String::new(),
        };
        assert!(matches!(act(&mut a, &objects, &c, today, Uuid::nil()), Err(Refused::Field("note", _))));
        let objects = Action::Department {
            department: Department::Court,
            date: "2026-11-10".into(),
            clear: false,
            note: "有未结案件".into(),
        };
        act(&mut a, &objects, &c, today, Uuid::nil()).unwrap();
        assert_eq!(offered(&a, Some(Duty::Community), today.today), vec!["refuse"]);
        let tax = Action::Department {
            department: Department::Tax,
            date: "2026-11-10".into(),
            clear: true,
            note: String::new(),
        };
        assert!(matches!(act(&mut a, &tax, &c, today, Uuid::nil()), Err(Refused::WrongStep(_))));
        act(&mut a, &Action::Refuse { reason: "法院有异议".into() }, &c, today, Uuid::nil()).unwrap();
        assert_eq!(a.refusal.as_ref().map(|r| r.stage), Some(Stage::Departments));
        assert!(offered(&a, Some(Duty::Community), today.today).is_empty());
        assert!(matches!(
            act(&mut a, &Action::Refuse { reason: "x".into() }, &c, today, Uuid::nil()),
            Err(Refused::WrongStep(_))
        ));

        let mut a = through_departments(today);
        let notice =
            Action::Notice { starts_on: "2026-11-10".into(), ends_on: "2026-11-16".into(), contact: "社区".into() };
        act(&mut a, &notice, &c, today, Uuid::nil()).unwrap();
        let late = Action::Objection {
            received_on: "2026-11-17".into(),
            text: "x".into(),
            upheld: false,
            finding: "y".into(),
        };
        assert!(matches!(act(&mut a, &late, &c, today, Uuid::nil()), Err(Refused::Field("received_on", _))));
        let upheld = Action::Objection {
            received_on: "2026-11-12".into(),
            text: "反映".into(),
            upheld: true,
            finding: "查实".into(),
        };
        act(&mut a, &upheld, &c, today, Uuid::nil()).unwrap();
        assert!(matches!(
            act(&mut a, &Action::Appoint { vest: false, handbook: false, bag: false }, &c, today, Uuid::nil()),
            Err(Refused::WrongStep(_))
        ));
        assert_eq!(offered(&a, Some(Duty::Community), today.today), vec!["objection", "refuse"]);
    }

    #[test]
    fn an_applicant_is_checked_field_by_field() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let young = Applicant { birth_date: "2010-01-01".into(), ..applicant() };
        assert!(matches!(check_applicant(&young, today), Err(Refused::Field("birth_date", _))));
        let phone = Applicant { phone: "call me".into(), ..applicant() };
        assert!(matches!(check_applicant(&phone, today), Err(Refused::Field("phone", _))));
        let long = Applicant { name: "名".repeat(41), ..applicant() };
        assert!(matches!(check_applicant(&long, today), Err(Refused::Field("name", _))));
        assert_eq!(
            check_applicant(&Applicant { name: " 陈晓燕 ".into(), ..applicant() }, today).unwrap().name,
            "陈晓燕"
        );
    }
}
