//! Who may write what into a document: the check every change a phone pushes passes before it
//! is stored.
//!
//! Scoping by document (a steward's phone reaches only that steward's documents) is not
//! enough: an authenticated phone could still write a timeline entry signed by the property
//! company, move an issue past its state machine, flip an issue's route, or record visits in
//! another steward's name. So the server compares the document as stored with the document as
//! it will be after the push (the merged state, not only the pushed change) and allows only what
//! a steward may do. The rules, as a table (kept in `docs/architecture.md` too):
//!
//! | document  | a steward's phone may                                                      |
//! |-----------|----------------------------------------------------------------------------|
//! | household | edit the profile; add visits, must-visits, timely responses and pairing notes signed by the steward; resolve an open timely response, signed by the steward. Records already stored never change or disappear. |
//! | issue     | report it (status `reported`, route and texts its own, no status entries); add timeline entries with role steward signed by the steward; move `resolved` → `verified`, or → `reopened` with a reason, each with its entry. Route, category, place, description, reporter and stored entries never change. |
//! | plan      | add and remove households of its own plan (the id is derived from steward and month). |
//! | compound  | nothing (settings are the supervisors').                                   |
//! | campaign  | answer its tasks, signed by the steward, each answer fitting the form (a known field, the field's kind, a choice among its options, every required field); the campaign, its form, its households and hand-overs never change (the server writes them). |
//! | meeting   | record it as its convener; correct its date, place, topics and attendees; add decisions (open, signed by the steward) and follow-ups in the steward's role signed by the steward; mark a decision done, or reopen a done one with a reason, each with its follow-up. Stored decisions' text, party, deadline and author, and stored follow-ups, never change. |
//!
//! A new document other than a plan has a random (version 4) id: derived ids are plans', so no
//! phone can take another steward's future plan id. Texts, counts and times are within
//! [`steward_core::limits`] for every record added or changed.

use std::collections::HashMap;

use steward_core::doc::{
    DecisionRecord, HouseholdRecord, IssueRecord, MeetingRecord, MustVisitRecord, PlanRecord, Projection, TimelyRecord,
};
use steward_core::limits;
use steward_core::model::{DecisionStatus, IssueOrigin, IssueStatus, PartyRole};
use uuid::Uuid;

/// Checks what a steward's phone changed in one document. `before` is the document as stored
/// (`None` for a new one), `after` as it will be stored. The error names the rule broken.
pub fn steward_may_write(steward: Uuid, before: Option<&Projection>, after: &Projection) -> Result<(), String> {
    if before.is_none()
        && !matches!(after, Projection::Plan(_) | Projection::Score(_) | Projection::Campaign(_))
        && after.id().get_version_num() != 4
    {
        return Err("a new document needs a random (version 4) id; derived ids belong to plans and scores".into());
    }
    match (before, after) {
        (None, Projection::Household(a)) => household(steward, &empty_household(a), a),
        (Some(Projection::Household(b)), Projection::Household(a)) => household(steward, b, a),
        (None, Projection::Issue(a)) => new_issue(steward, a),
        (Some(Projection::Issue(b)), Projection::Issue(a)) => issue(steward, b, a),
        (None, Projection::Plan(a)) => plan(a),
        (Some(Projection::Plan(_)), Projection::Plan(a)) => plan(a),
        (_, Projection::Compound(_)) => Err("a steward cannot change compound settings".into()),
        (None, Projection::Score(a)) => score(None, a),
        (Some(Projection::Score(b)), Projection::Score(a)) => score(Some(b), a),
        (None, Projection::Meeting(a)) => meeting(steward, &empty_meeting(a), a),
        (Some(Projection::Meeting(b)), Projection::Meeting(a)) => meeting(steward, b, a),
        (None, Projection::Campaign(_)) => Err("campaigns are started by a supervisor, not on a phone".into()),
        (Some(Projection::Campaign(b)), Projection::Campaign(a)) => campaign(steward, b, a),
        (None, Projection::Team(a)) => {
            team(steward, &steward_core::doc::TeamRecord { members: vec![], activities: vec![], ..a.clone() }, a)
        }
        (Some(Projection::Team(b)), Projection::Team(a)) => team(steward, b, a),
        (_, Projection::Evaluation(_)) => {
            Err("a steward's evaluation is the community's: a phone changes nothing of it".into())
        }
        _ => Err("a change may not alter what a document is".into()),
    }
}

fn limit(r: Result<(), steward_core::Error>) -> Result<(), String> {
    r.map_err(|e| e.to_string())
}

fn signed(by: Option<Uuid>, steward: Uuid, what: &str) -> Result<(), String> {
    if by != Some(steward) {
        return Err(format!("{what} must be signed by the steward whose phone wrote it"));
    }
    Ok(())
}

/// Records of `before` must be in `after` unchanged (`same` compares what may not change);
/// returns the records that are new.
fn kept<'a, T>(
    before: &[T],
    after: &'a [T],
    id: impl Fn(&T) -> Uuid,
    same: impl Fn(&T, &T) -> bool,
    what: &str,
) -> Result<Vec<&'a T>, String> {
    let after_by_id: HashMap<Uuid, &T> = after.iter().map(|r| (id(r), r)).collect();
    for b in before {
        match after_by_id.get(&id(b)) {
            None => return Err(format!("{what} already stored may not be removed")),
            Some(a) if !same(b, a) => return Err(format!("{what} already stored may not be changed")),
            Some(_) => {}
        }
    }
    let before_ids: std::collections::HashSet<Uuid> = before.iter().map(&id).collect();
    Ok(after.iter().filter(|r| !before_ids.contains(&id(r))).collect())
}

fn empty_household(a: &HouseholdRecord) -> HouseholdRecord {
    HouseholdRecord {
        id: a.id,
        compound_id: a.compound_id,
        steward_id: a.steward_id,
        profile: Default::default(),
        visits: vec![],
        must_visits: vec![],
        timely: vec![],
        pairing: vec![],
        pairing_cases: vec![],
    }
}

fn household(steward: Uuid, b: &HouseholdRecord, a: &HouseholdRecord) -> Result<(), String> {
    if a.profile != b.profile {
        limit(limits::profile(&a.profile))?;
    }
    limit(limits::household_counts(a))?;
    for v in kept(&b.visits, &a.visits, |v| v.id, |x, y| x == y, "a visit")? {
        signed(v.by, steward, "a visit")?;
        limit(limits::visit(v))?;
    }
    // Whether a must-visit is answered is read from the visits, so it may change.
    let raised = |m: &MustVisitRecord| (m.trigger, m.date, m.note.clone(), m.raised_by, m.raised_at);
    for m in kept(&b.must_visits, &a.must_visits, |m| m.id, |x, y| raised(x) == raised(y), "a must-visit")? {
        signed(m.raised_by, steward, "a must-visit")?;
        limit(limits::must_visit(m))?;
    }
    let event = |t: &TimelyRecord| (t.kind, t.raised_at, t.note.clone(), t.raised_by);
    let resolved_ok = |x: &TimelyRecord, y: &TimelyRecord| {
        event(x) == event(y)
            && match (x.resolved_at, y.resolved_at) {
                (Some(_), _) => (x.resolved_at, x.resolved_by) == (y.resolved_at, y.resolved_by),
                (None, None) => y.resolved_by.is_none(),
                (None, Some(_)) => y.resolved_by == Some(steward),
            }
    };
    let before_timely: HashMap<Uuid, &TimelyRecord> = b.timely.iter().map(|t| (t.id, t)).collect();
    for t in kept(&b.timely, &a.timely, |t| t.id, resolved_ok, "a timely response")? {
        signed(t.raised_by, steward, "a timely response")?;
        if t.resolved_at.is_some() {
            signed(t.resolved_by, steward, "a timely response's resolution")?;
        }
        limit(limits::timely(t))?;
    }
    for t in a.timely.iter().filter(|t| before_timely.get(&t.id).is_some_and(|o| o.resolved_at.is_none())) {
        limit(limits::timely(t))?;
    }
    for p in kept(&b.pairing, &a.pairing, |p| p.id, |x, y| x == y, "a pairing note")? {
        signed(p.by, steward, "a pairing note")?;
        limit(limits::pairing(p))?;
    }
    pairing_cases(steward, &b.pairing_cases, &a.pairing_cases)
}

/// Pairing cases: opened signed by the steward; what a case was opened for never changes; an
/// open case may be closed once, and a closed one stays as it was closed; actions are added,
/// signed by the steward, never changed.
fn pairing_cases(
    steward: Uuid,
    b: &[steward_core::doc::PairingCase],
    a: &[steward_core::doc::PairingCase],
) -> Result<(), String> {
    use steward_core::doc::PairingCase;
    let opened = |c: &PairingCase| (c.helper.clone(), c.need, c.description.clone(), c.opened_at, c.opened_by);
    let closed = |c: &PairingCase| (c.closed_at, c.outcome, c.amount_yuan, c.outcome_note.clone());
    let same =
        |x: &PairingCase, y: &PairingCase| opened(x) == opened(y) && (x.closed_at.is_none() || closed(x) == closed(y));
    for c in kept(b, a, |c| c.id, same, "a pairing case")? {
        signed(c.opened_by, steward, "a pairing case")?;
    }
    let before: HashMap<Uuid, &PairingCase> = b.iter().map(|c| (c.id, c)).collect();
    for c in a {
        if c.closed_at.is_none() && (c.outcome.is_some() || c.amount_yuan.is_some()) {
            return Err("a pairing case's outcome is written when it is closed".into());
        }
        if c.closed_at.is_some() && c.outcome.is_none() {
            return Err("a closed pairing case has its outcome".into());
        }
        let old = before.get(&c.id).map(|o| o.actions.as_slice()).unwrap_or_default();
        for x in kept(old, &c.actions, |x| x.id, |x, y| x == y, "a pairing action")? {
            signed(x.by, steward, "a pairing action")?;
        }
        limit(limits::pairing_case(c))?;
    }
    Ok(())
}

fn steward_entries(steward: Uuid, entries: &[&steward_core::doc::IssueEvent]) -> Result<(), String> {
    for e in entries {
        if e.role != PartyRole::Steward {
            return Err("a steward's phone may write timeline entries only in the steward's role".into());
        }
        signed(e.by, steward, "a timeline entry")?;
        limit(limits::issue_event(e))?;
    }
    Ok(())
}

fn new_issue(steward: Uuid, a: &IssueRecord) -> Result<(), String> {
    if a.status != IssueStatus::Reported {
        return Err("a new issue starts as reported".into());
    }
    if a.origin != IssueOrigin::Steward || a.raised_by.is_some() {
        return Err("only a property company passes a matter on; a steward's phone reports its own".into());
    }
    limit(limits::issue(a))?;
    let entries: Vec<_> = a.timeline.iter().collect();
    if entries.iter().any(|e| e.status.is_some()) {
        return Err("a new issue has no status changes yet".into());
    }
    steward_entries(steward, &entries)
}

fn issue(steward: Uuid, b: &IssueRecord, a: &IssueRecord) -> Result<(), String> {
    if (a.reported_at, a.category, &a.place, &a.description, a.origin, a.raised_by)
        != (b.reported_at, b.category, &b.place, &b.description, b.origin, b.raised_by)
    {
        return Err("what an issue reports may not be changed once it is stored".into());
    }
    if a.route != b.route {
        return Err("only a supervisor may change who must act on an issue (its route)".into());
    }
    limit(limits::issue(a))?;
    let added = kept(&b.timeline, &a.timeline, |e| e.id, |x, y| x == y, "a timeline entry")?;
    steward_entries(steward, &added)?;
    let mut moves = Vec::new();
    for e in &added {
        if let Some(to) = e.status {
            if !b.status.may_move(to, PartyRole::Steward) {
                return Err(format!(
                    "a steward may not move an issue that is {} to {} ({} → {})",
                    b.status.label_en().to_lowercase(),
                    to.label_en().to_lowercase(),
                    b.status.label_zh(),
                    to.label_zh()
                ));
            }
            if to == IssueStatus::Reopened && e.text.trim().is_empty() {
                return Err("an issue is reopened only with a reason".into());
            }
            moves.push(to);
        }
    }
    if a.status != b.status && !moves.contains(&a.status) {
        return Err("an issue's status changes only with the timeline entry that moves it".into());
    }
    Ok(())
}

/// A team: its name within limits; members and activities only added (a recorded activity never
/// changes), each new activity recorded by the steward in the steward's role.
fn team(steward: Uuid, b: &steward_core::doc::TeamRecord, a: &steward_core::doc::TeamRecord) -> Result<(), String> {
    use steward_core::doc::{self, NewActivity};
    if a.name.trim().is_empty() {
        return Err("a team needs a name".into());
    }
    limit(limits::text("the team's name", &a.name, limits::SHORT_TEXT))?;
    limit(limits::count("members of one team", a.members.len(), doc::MAX_MEMBERS))?;
    limit(limits::count("activities of one team", a.activities.len(), doc::MAX_ACTIVITIES))?;
    for m in kept(&b.members, &a.members, |m| m.id, |x, y| x == y, "a member")? {
        limit(doc::check_member(m))?;
    }
    for r in kept(&b.activities, &a.activities, |r| r.id, |x, y| x == y, "an activity")? {
        if r.role != PartyRole::Steward {
            return Err("a steward's phone records activities only in the steward's role".into());
        }
        signed(r.recorded_by, steward, "an activity")?;
        limit(limits::instant("the time the activity was recorded", r.recorded_at))?;
        let as_new = NewActivity {
            id: r.id,
            kind: r.kind,
            title: r.title.clone(),
            held_at: r.held_at,
            place: r.place.clone(),
            participants: r.participants,
            names: r.names.clone(),
        };
        limit(doc::check_activity(&as_new))?;
    }
    Ok(())
}

fn empty_meeting(a: &MeetingRecord) -> MeetingRecord {
    MeetingRecord { attendees: vec![], decisions: vec![], follow_ups: vec![], ..a.clone() }
}

fn meeting(steward: Uuid, b: &MeetingRecord, a: &MeetingRecord) -> Result<(), String> {
    limit(limits::meeting(a))?;
    // What a meeting agreed stays as agreed: its status moves only with a follow-up.
    let agreed = |d: &DecisionRecord| (d.text.clone(), d.party, d.deadline, d.added_by, d.added_at);
    let added = kept(&b.decisions, &a.decisions, |d| d.id, |x, y| agreed(x) == agreed(y), "a decision")?;
    for d in &added {
        signed(d.added_by, steward, "a decision")?;
        limit(limits::decision(d))?;
    }
    let follow_ups = kept(&b.follow_ups, &a.follow_ups, |f| f.id, |x, y| x == y, "a follow-up")?;
    let mut moves: HashMap<Uuid, Vec<DecisionStatus>> = HashMap::new();
    for f in &follow_ups {
        if f.role != PartyRole::Steward {
            return Err("a steward's phone may write follow-ups only in the steward's role".into());
        }
        signed(f.by, steward, "a follow-up")?;
        limit(limits::follow_up(f))?;
        if let Some(to) = f.status {
            if to == DecisionStatus::Open && f.text.trim().is_empty() {
                return Err("a decision is reopened only with a reason".into());
            }
            moves.entry(f.decision_id).or_default().push(to);
        }
    }
    let before: HashMap<Uuid, &DecisionRecord> = b.decisions.iter().map(|d| (d.id, d)).collect();
    for d in &a.decisions {
        let was = before.get(&d.id).map_or(DecisionStatus::Open, |o| o.status);
        let moved = moves.get(&d.id).map(Vec::as_slice).unwrap_or_default();
        if let Some(to) = moved.iter().find(|to| !was.may_move(**to, PartyRole::Steward) && **to != was) {
            return Err(format!(
                "a steward may not move a decision that is {} to {} ({} → {})",
                was.label_en().to_lowercase(),
                to.label_en().to_lowercase(),
                was.label_zh(),
                to.label_zh()
            ));
        }
        if d.status != was && !moved.contains(&d.status) {
            return Err("a decision's status changes only with the follow-up that moves it".into());
        }
        let done_at_kept = before.get(&d.id).is_some_and(|o| o.done_at == d.done_at);
        if !done_at_kept && d.done_at.is_some() && !moved.contains(&DecisionStatus::Done) {
            return Err("a decision's time of being done is set only when it is marked done".into());
        }
        if d.done_at.is_some() {
            limit(limits::decision(d))?;
        }
    }
    Ok(())
}

/// A steward's scores: points within full marks, comments within their limit, a comment
/// wherever a submitted criterion is marked down, and nothing changes once submitted.
fn score(b: Option<&steward_core::doc::ScoreRecord>, a: &steward_core::doc::ScoreRecord) -> Result<(), String> {
    use steward_core::doc::FULL_POINTS;
    if let Some(b) = b.filter(|b| b.submitted_at.is_some()) {
        if a != b {
            return Err("submitted scores may not be changed: a steward scores a period once".into());
        }
        return Ok(());
    }
    limit(limits::count("criteria scored", a.scores.len(), steward_core::doc::MAX_CRITERIA))?;
    for s in &a.scores {
        if s.points > FULL_POINTS {
            return Err(format!("points are 0 to {FULL_POINTS}"));
        }
        limit(limits::text("the comment", &s.comment, limits::LONG_TEXT))?;
        if a.submitted_at.is_some() && s.points < FULL_POINTS && s.comment.trim().is_empty() {
            return Err("a criterion marked down needs its comment".into());
        }
    }
    if let Some(at) = a.submitted_at {
        limit(limits::instant("the time the scores were submitted", at))?;
    }
    Ok(())
}

/// A steward's campaign document: only answers to its tasks, signed by the steward and fitting
/// the form; the campaign, its form, its tasks and their hand-overs are the supervisors'.
fn campaign(
    steward: Uuid,
    b: &steward_core::doc::CampaignRecord,
    a: &steward_core::doc::CampaignRecord,
) -> Result<(), String> {
    if a.campaign != b.campaign || a.temporary != b.temporary || a.closed_at != b.closed_at {
        return Err("a campaign's title, dates, form and state are set by its supervisor".into());
    }
    if a.tasks.len() != b.tasks.len() {
        return Err("a campaign's households are set by its supervisor".into());
    }
    for (t, was) in a.tasks.iter().zip(&b.tasks) {
        if t.household_id != was.household_id || t.name != was.name || t.address != was.address {
            return Err("a campaign's households are set by its supervisor".into());
        }
        if t.handed_to != was.handed_to {
            return Err("only a supervisor hands a task over".into());
        }
        if t == was {
            continue;
        }
        signed(t.answered_by, steward, "an answer")?;
        let at = t.answered_at.ok_or("an answered task carries the time it was answered")?;
        limit(limits::instant("the time of the answer", at))?;
        limit(steward_core::doc::check_answers(&a.campaign, &t.answers, true))?;
    }
    Ok(())
}

fn plan(a: &PlanRecord) -> Result<(), String> {
    limit(limits::count("households in one plan", a.households.len(), limits::MAX_PLAN_ITEMS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_core::doc::{IssueEvent, VisitRecord};
    use steward_core::model::{IssueCategory, IssueRoute, VisitMethod};

    const T: i64 = 1_764_547_200_000;

    fn issue_rec(reporter: Uuid, status: IssueStatus, timeline: Vec<IssueEvent>) -> IssueRecord {
        IssueRecord {
            id: Uuid::new_v4(),
            compound_id: Uuid::new_v4(),
            reporter_id: reporter,
            origin: IssueOrigin::Steward,
            raised_by: None,
            reported_at: T,
            category: IssueCategory::FlyingWireCharging,
            place: "5栋".into(),
            description: "飞线充电".into(),
            route: IssueRoute::PropertyDuty,
            status,
            timeline,
        }
    }

    fn entry(by: Uuid, role: PartyRole, status: Option<IssueStatus>, text: &str) -> IssueEvent {
        IssueEvent { id: Uuid::new_v4(), at: T, by: Some(by), role, text: text.into(), status }
    }

    #[test]
    fn a_steward_verifies_a_resolved_issue_but_cannot_skip_to_verified_or_sign_as_the_property_company() {
        let s = Uuid::new_v4();
        let resolved = issue_rec(s, IssueStatus::Resolved, vec![]);
        let mut verified = resolved.clone();
        verified.status = IssueStatus::Verified;
        verified.timeline.push(entry(s, PartyRole::Steward, Some(IssueStatus::Verified), "已核实"));
        assert!(issue(s, &resolved, &verified).is_ok());

        let reported = IssueRecord { status: IssueStatus::Reported, ..resolved.clone() };
        assert!(issue(s, &reported, &verified).unwrap_err().contains("may not move"));

        let mut forged = resolved.clone();
        forged.timeline.push(entry(s, PartyRole::PropertyCompany, None, "物业已处理"));
        assert!(issue(s, &resolved, &forged).unwrap_err().contains("role"));

        let mut flipped = resolved.clone();
        flipped.route = IssueRoute::CommunityCoordination;
        assert!(issue(s, &resolved, &flipped).unwrap_err().contains("route"));
    }

    #[test]
    fn a_visit_in_another_stewards_name_is_refused() {
        let (s, other) = (Uuid::new_v4(), Uuid::new_v4());
        let before = empty_household(&HouseholdRecord {
            id: Uuid::new_v4(),
            compound_id: Uuid::new_v4(),
            steward_id: Some(s),
            profile: Default::default(),
            visits: vec![],
            must_visits: vec![],
            timely: vec![],
            pairing: vec![],
            pairing_cases: vec![],
        });
        let visit = |by| VisitRecord {
            id: Uuid::new_v4(),
            household_id: before.id,
            at: T,
            recorded_at: T,
            method: VisitMethod::DoorVisit,
            summary: "走访".into(),
            opinions: vec![],
            hardships: String::new(),
            answers: vec![],
            follow_up: false,
            by: Some(by),
        };
        let mut after = before.clone();
        after.visits.push(visit(s));
        assert!(household(s, &before, &after).is_ok());
        after.visits.push(visit(other));
        assert!(household(s, &before, &after).unwrap_err().contains("signed"));
        let mut removed = after.clone();
        removed.visits.clear();
        assert!(household(s, &after, &removed).unwrap_err().contains("removed"));
    }

    fn meeting_rec(convener: Uuid) -> MeetingRecord {
        MeetingRecord {
            id: Uuid::new_v4(),
            compound_id: Uuid::new_v4(),
            convener_id: convener,
            held_at: T,
            place: "党群服务站".into(),
            topics: String::new(),
            attendees: vec![],
            decisions: vec![DecisionRecord {
                id: Uuid::new_v4(),
                text: "建充电棚".into(),
                party: steward_core::model::MeetingParty::PropertyCompany,
                deadline: Some(T + 86_400_000),
                status: DecisionStatus::Open,
                done_at: None,
                added_by: Some(convener),
                added_at: T,
            }],
            follow_ups: vec![],
        }
    }

    fn follow(
        s: Uuid,
        d: &DecisionRecord,
        role: PartyRole,
        status: Option<DecisionStatus>,
    ) -> steward_core::doc::FollowUpRecord {
        steward_core::doc::FollowUpRecord {
            id: Uuid::new_v4(),
            decision_id: d.id,
            at: T + 1,
            by: Some(s),
            role,
            text: "已督促".into(),
            status,
        }
    }

    #[test]
    fn a_steward_marks_a_decision_done_with_a_follow_up_but_cannot_rewrite_it_or_sign_as_the_company() {
        let s = Uuid::new_v4();
        let before = meeting_rec(s);
        let d = before.decisions[0].clone();
        let mut done = before.clone();
        done.decisions[0].status = DecisionStatus::Done;
        done.decisions[0].done_at = Some(T + 1);
        done.follow_ups.push(follow(s, &d, PartyRole::Steward, Some(DecisionStatus::Done)));
        assert!(meeting(s, &before, &done).is_ok());

        let mut silent = done.clone();
        silent.follow_ups.clear();
        assert!(meeting(s, &before, &silent).unwrap_err().contains("only with the follow-up"));

        let mut forged = before.clone();
        forged.follow_ups.push(follow(s, &d, PartyRole::PropertyCompany, None));
        assert!(meeting(s, &before, &forged).unwrap_err().contains("role"));

        let mut rewritten = before.clone();
        rewritten.decisions[0].party = steward_core::model::MeetingParty::Steward;
        assert!(meeting(s, &before, &rewritten).unwrap_err().contains("may not be changed"));

        let mut later = before.clone();
        later.decisions[0].deadline = Some(T + 30 * 86_400_000);
        assert!(meeting(s, &before, &later).unwrap_err().contains("may not be changed"));

        let mut theirs = before.clone();
        theirs.decisions.push(DecisionRecord { id: Uuid::new_v4(), added_by: Some(Uuid::new_v4()), ..d.clone() });
        assert!(meeting(s, &before, &theirs).unwrap_err().contains("signed"));

        let mut gone = done.clone();
        gone.follow_ups.clear();
        assert!(meeting(s, &done, &gone).unwrap_err().contains("removed"));
    }
}
