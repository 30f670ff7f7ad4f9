//! The steward's actions, each one edit of one document. These are what the app's commands call.

use std::collections::BTreeMap;

use steward_core::doc::{
    self, Answer, CampaignRecord, CriterionScore, EvaluationRecord, MeetingBasics, Member, NewActivity, NewDecision,
    NewIssue, NewMeeting, NewMustVisit, NewPairingCase, NewTeam, NewTimely, NewVisit, PairingClose, Projection,
    ScoreRecord, ScoringRules, TeamRecord,
};
use steward_core::model::{
    DecisionStatus, HouseholdProfile, IssueStatus, MemberRole, PairingNeed, PartyRole, TeamKind,
};
use steward_core::time::{now_millis, HalfYear, Month};
use uuid::Uuid;

use crate::{Store, StoreError};

impl Store {
    fn me(&self) -> Result<(Uuid, Uuid), StoreError> {
        let id = self.identity()?.ok_or(StoreError::NotEnrolled)?;
        Ok((id.steward_id, id.compound_id))
    }

    /// Records a visit to a household.
    pub fn record_visit(&mut self, household: Uuid, visit: &NewVisit) -> Result<(), StoreError> {
        self.edit(household, "record_visit", |d| doc::record_visit(d, visit))
    }

    /// Records a visit together with what it raised (a new must-visit, an event needing a
    /// timely response): one edit, written in one transaction, so a killed app keeps all of it
    /// or none of it.
    pub fn record_visit_with(
        &mut self,
        household: Uuid,
        visit: &NewVisit,
        must_visit: Option<&NewMustVisit>,
        timely: Option<&NewTimely>,
    ) -> Result<(), StoreError> {
        self.edit(household, "record_visit", |d| {
            doc::record_visit(d, visit)?;
            if let Some(m) = must_visit {
                doc::raise_must_visit(d, m)?;
            }
            if let Some(t) = timely {
                doc::raise_timely(d, t)?;
            }
            Ok(())
        })
    }

    /// Raises a must-visit on a household.
    pub fn raise_must_visit(&mut self, household: Uuid, m: &NewMustVisit) -> Result<(), StoreError> {
        self.edit(household, "raise_must_visit", |d| doc::raise_must_visit(d, m))
    }

    /// Raises an event that needs a timely response.
    pub fn raise_timely(&mut self, household: Uuid, t: &NewTimely) -> Result<(), StoreError> {
        self.edit(household, "raise_timely", |d| doc::raise_timely(d, t))
    }

    /// Marks a timely response resolved now.
    pub fn resolve_timely(&mut self, household: Uuid, event: Uuid) -> Result<(), StoreError> {
        let (me, _) = self.me()?;
        self.edit(household, "resolve_timely", |d| doc::resolve_timely(d, event, now_millis(), me))
    }

    /// Saves a household's edited profile.
    pub fn update_profile(&mut self, household: Uuid, profile: &HouseholdProfile) -> Result<(), StoreError> {
        self.edit(household, "update_profile", |d| doc::update_profile(d, profile, now_millis()))
    }

    /// Saves what a steward changed on a profile they began editing as `base`: only the fields
    /// they touched are written, so changes that arrived by sync while the form was open are kept.
    pub fn edit_profile(
        &mut self,
        household: Uuid,
        base: &HouseholdProfile,
        edited: &HouseholdProfile,
    ) -> Result<(), StoreError> {
        self.edit(household, "update_profile", |d| {
            let merged = doc::read_profile(d)?.with_edits(base, edited);
            doc::update_profile(d, &merged, now_millis())
        })
    }

    /// Adds a pairing-assistance note.
    pub fn add_pairing_note(&mut self, household: Uuid, text: &str) -> Result<(), StoreError> {
        let (me, _) = self.me()?;
        self.edit(household, "pairing_note", |d| doc::add_pairing_note(d, Uuid::new_v4(), text, me, now_millis()))
    }

    /// Opens a pairing-assistance case (结对帮扶) on a household; its id.
    pub fn open_pairing_case(
        &mut self,
        household: Uuid,
        helper: &str,
        need: PairingNeed,
        description: &str,
    ) -> Result<Uuid, StoreError> {
        let (me, _) = self.me()?;
        let c = NewPairingCase {
            id: Uuid::new_v4(),
            helper: helper.into(),
            need,
            description: description.into(),
            opened_at: now_millis(),
            opened_by: me,
        };
        self.edit(household, "open_pairing_case", |d| doc::open_pairing_case(d, &c))?;
        Ok(c.id)
    }

    /// Records what was done for a pairing case.
    pub fn add_pairing_action(&mut self, household: Uuid, case: Uuid, text: &str) -> Result<(), StoreError> {
        let (me, _) = self.me()?;
        self.edit(household, "pairing_action", |d| {
            doc::add_pairing_action(d, Uuid::new_v4(), case, text, me, now_millis())
        })
    }

    /// Closes a pairing case with its outcome.
    pub fn close_pairing_case(&mut self, household: Uuid, case: Uuid, close: &PairingClose) -> Result<(), StoreError> {
        self.edit(household, "close_pairing_case", |d| doc::close_pairing_case(d, case, close, now_millis()))
    }

    /// Reports an issue found while scanning the compound.
    pub fn report_issue(&mut self, issue: &NewIssue) -> Result<Uuid, StoreError> {
        let d = doc::create_issue(self.actor().clone(), issue)?;
        self.insert_new_doc(d, "report_issue")
    }

    /// Comments on an issue.
    pub fn comment_issue(&mut self, issue: Uuid, text: &str) -> Result<(), StoreError> {
        let (me, _) = self.me()?;
        self.edit(issue, "comment_issue", |d| {
            doc::comment_issue(d, Uuid::new_v4(), text, me, PartyRole::Steward, now_millis())
        })
    }

    /// Verifies (or reopens) a resolved issue, or moves it on.
    pub fn set_issue_status(&mut self, issue: Uuid, to: IssueStatus, comment: &str) -> Result<(), StoreError> {
        let (me, _) = self.me()?;
        self.edit(issue, "issue_status", |d| {
            doc::set_issue_status(d, Uuid::new_v4(), to, comment, me, PartyRole::Steward, now_millis())
        })
    }

    /// Records a joint meeting this steward called: the convener is this steward and the compound
    /// theirs, whatever `meeting` says.
    pub fn record_meeting(&mut self, meeting: &NewMeeting) -> Result<Uuid, StoreError> {
        let (me, compound) = self.me()?;
        let m = NewMeeting { convener_id: me, compound_id: compound, ..meeting.clone() };
        let d = doc::create_meeting(self.actor().clone(), &m, now_millis())?;
        self.insert_new_doc(d, "record_meeting")
    }

    /// Corrects a meeting's date, place, topics and attendees.
    pub fn edit_meeting(&mut self, meeting: Uuid, basics: &MeetingBasics) -> Result<(), StoreError> {
        self.edit(meeting, "edit_meeting", |d| doc::edit_meeting(d, basics, now_millis()))
    }

    /// Adds a decision to a meeting.
    pub fn add_decision(&mut self, meeting: Uuid, decision: &NewDecision) -> Result<(), StoreError> {
        let (me, _) = self.me()?;
        self.edit(meeting, "add_decision", |d| doc::add_decision(d, decision, me, now_millis()))
    }

    /// Follows up a decision (监督落实): a note, and with `status` marks it done or reopens it.
    pub fn follow_up_decision(
        &mut self,
        meeting: Uuid,
        decision: Uuid,
        text: &str,
        status: Option<DecisionStatus>,
    ) -> Result<(), StoreError> {
        let (me, _) = self.me()?;
        self.edit(meeting, "follow_up_decision", |d| {
            doc::follow_up_decision(d, Uuid::new_v4(), decision, text, status, me, PartyRole::Steward, now_millis())
        })
    }

    /// The current scoring rules of the steward's compound (from its settings, as synced) and
    /// the steward's scores for their period, if begun.
    pub fn scoring(&mut self) -> Result<(Option<ScoringRules>, Option<ScoreRecord>), StoreError> {
        let (me, compound) = self.me()?;
        let rules = match self.has_doc(compound)? {
            true => match self.project(compound)? {
                Projection::Compound(c) => c.scoring,
                _ => None,
            },
            false => None,
        };
        let Some(rules) = rules else { return Ok((None, None)) };
        let id = doc::score_doc_id(me, rules.period);
        let score = match self.has_doc(id)? {
            true => match self.project(id)? {
                Projection::Score(s) => Some(s),
                _ => None,
            },
            false => None,
        };
        Ok((Some(rules), score))
    }

    /// Scores one criterion of the current period's rules, starting the period's scores if needed.
    pub fn score_criterion(&mut self, score: &CriterionScore) -> Result<(), StoreError> {
        let (me, compound) = self.me()?;
        let (Some(rules), _) = self.scoring()? else {
            return Err(StoreError::Invalid("no scoring rules have reached this phone yet".into()));
        };
        if !rules.criteria.iter().any(|c| c.id == score.criterion_id) {
            return Err(StoreError::Invalid("no such criterion in this period's rules".into()));
        }
        let id = doc::score_doc_id(me, rules.period);
        if !self.has_doc(id)? {
            let d = doc::create_score(self.actor().clone(), me, compound, rules.period, now_millis())?;
            self.insert_new_doc(d, "start_scoring")?;
        }
        self.edit(id, "score_criterion", |d| doc::set_score(d, score, now_millis()))
    }

    /// Submits the period's scores: every criterion scored, a comment wherever marked down.
    pub fn submit_scores(&mut self) -> Result<(), StoreError> {
        let (me, _) = self.me()?;
        let (Some(rules), Some(_)) = self.scoring()? else {
            return Err(StoreError::Invalid("score every criterion before submitting".into()));
        };
        self.edit(doc::score_doc_id(me, rules.period), "submit_scores", |d| doc::submit_score(d, &rules, now_millis()))
    }

    /// The steward's half-year evaluations (每半年考核评价) on this phone, newest first: the half
    /// under way and the three before it, those the community has written.
    pub fn evaluations(&mut self) -> Result<Vec<EvaluationRecord>, StoreError> {
        let (me, _) = self.me()?;
        let mut half = HalfYear::of(self.zone().month_of(now_millis()));
        let mut out = Vec::new();
        for _ in 0..4 {
            let id = doc::evaluation_doc_id(me, half);
            if self.has_doc(id)? {
                if let Projection::Evaluation(e) = self.project(id)? {
                    out.push(e);
                }
            }
            half = half.prev();
        }
        Ok(out)
    }

    /// Sets up a team the steward leads.
    pub fn create_team(&mut self, name: &str, kind: TeamKind) -> Result<Uuid, StoreError> {
        let (me, compound) = self.me()?;
        let t = NewTeam { id: Uuid::new_v4(), compound_id: compound, steward_id: me, name: name.into(), kind };
        let d = doc::create_team(self.actor().clone(), &t, now_millis())?;
        self.insert_new_doc(d, "create_team")
    }

    /// One of the steward's teams, whole.
    pub fn team(&mut self, id: Uuid) -> Result<TeamRecord, StoreError> {
        if !self.has_doc(id)? {
            return Err(StoreError::Invalid("no such team on this phone".into()));
        }
        match self.project(id)? {
            Projection::Team(t) => Ok(t),
            _ => Err(StoreError::Invalid("no such team on this phone".into())),
        }
    }

    /// Adds a member (a steward or a resident) to a team.
    pub fn add_team_member(&mut self, team: Uuid, name: &str, role: MemberRole) -> Result<Uuid, StoreError> {
        self.team(team)?;
        let m = Member { id: Uuid::new_v4(), name: name.into(), role, joined_at: now_millis() };
        self.edit(team, "add_team_member", |d| doc::add_member(d, &m, now_millis()))?;
        Ok(m.id)
    }

    /// Records a team's activity.
    pub fn record_team_activity(&mut self, team: Uuid, a: &NewActivity) -> Result<(), StoreError> {
        let (me, _) = self.me()?;
        self.team(team)?;
        self.edit(team, "record_team_activity", |d| doc::record_activity(d, a, me, PartyRole::Steward, now_millis()))
    }

    /// One of the steward's campaign documents, whole: its form and tasks.
    pub fn campaign(&mut self, id: Uuid) -> Result<CampaignRecord, StoreError> {
        if !self.has_doc(id)? {
            return Err(StoreError::Invalid("no such campaign on this phone".into()));
        }
        match self.project(id)? {
            Projection::Campaign(c) => Ok(c),
            _ => Err(StoreError::Invalid("no such campaign on this phone".into())),
        }
    }

    /// Answers a household's task of a campaign (the fields given; the others stay as they
    /// are). Refused when the answers do not fit the form or the campaign is closed.
    pub fn answer_campaign_task(
        &mut self,
        id: Uuid,
        household: Uuid,
        answers: &BTreeMap<Uuid, Answer>,
    ) -> Result<(), StoreError> {
        let (me, _) = self.me()?;
        self.campaign(id)?;
        self.edit(id, "answer_campaign_task", |d| doc::answer_task(d, household, answers, me, now_millis()))
    }

    /// Adds households to this steward's plan for a month, creating the plan if needed.
    pub fn plan_households(&mut self, month: Month, add: &[Uuid], remove: &[Uuid]) -> Result<(), StoreError> {
        let (me, compound) = self.me()?;
        let id = doc::plan_doc_id(me, month);
        if !self.has_doc(id)? {
            let d = doc::create_plan(self.actor().clone(), me, compound, month, now_millis())?;
            self.insert_new_doc(d, "create_plan")?;
        }
        self.edit(id, "plan_households", |d| doc::plan_households(d, add, remove, me, now_millis()))
    }
}
