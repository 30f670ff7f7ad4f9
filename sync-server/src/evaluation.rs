//! The half-year steward evaluation (每半年考核评价): each steward's indicators for a half year,
//! computed from the read model only, and the community's score written into the steward's
//! evaluation document so that it reaches their app.

use std::collections::{BTreeMap, HashMap};

use steward_core::doc::{self, EvaluationRecord, Indicators, MONTHLY_NORM};
use steward_core::model::{DecisionStatus, TimelyKind};
use steward_core::time::{now_millis, DeadlinePolicy, HalfYear, Timeliness};
use uuid::Uuid;

use crate::read_model::Slice;
use crate::service::{Service, ServiceError};
use crate::storage::{DocMeta, Evaluation, Steward};

/// The indicators of every steward in `stewards` (within `slice`'s compounds) for `half`, as of
/// now (a half still under way counts what happened so far). `deadlines`: each compound's.
pub fn indicators(
    s: &Service,
    slice: &Slice,
    stewards: &[Steward],
    half: HalfYear,
    deadlines: &HashMap<Uuid, DeadlinePolicy>,
) -> Result<BTreeMap<Uuid, Indicators>, ServiceError> {
    let zone = s.zone();
    let (from, to) = half.range(&zone);
    let storage = s.storage();
    let mut out: BTreeMap<Uuid, Indicators> = stewards.iter().map(|st| (st.id, Indicators::default())).collect();
    let months = half.months();
    for t in storage.visit_tallies(slice, from, to, &months[0].to_string())? {
        if let Some(i) = out.get_mut(&t.steward_id) {
            i.visits = t.visits;
            i.households_visited = t.households_visited;
        }
    }
    for i in out.values_mut() {
        i.monthly_visited = vec![0; months.len()];
    }
    let mut bounds: Vec<_> = months.iter().map(|m| zone.month_start(*m)).collect();
    bounds.push(to);
    for (steward, n, households) in storage.households_by_range(slice, &bounds)? {
        if let Some(i) = out.get_mut(&steward) {
            if let Some(m) = i.monthly_visited.get_mut(n) {
                *m = households;
            }
        }
    }
    for (steward, c) in storage.clears(slice)? {
        if let Some(i) = out.get_mut(&steward) {
            i.households = c.households;
            i.party_member_known = c.party_member_known;
            i.basic_profile_complete = c.basic_profile_complete;
            i.key_service_known = c.key_service_known;
        }
    }
    for i in out.values_mut() {
        let norm = MONTHLY_NORM.min(i.households.max(1));
        i.months_meeting_norm = i.monthly_visited.iter().filter(|v| **v >= norm).count() as u32;
    }
    let mut days: HashMap<Uuid, Vec<f64>> = HashMap::new();
    for m in storage.must_visit_rows(slice, from, to)? {
        let Some(i) = m.steward_id.and_then(|st| out.get_mut(&st)) else { continue };
        i.must_visits += 1;
        if m.row.answered {
            i.must_visits_answered += 1;
            if let Some(at) = m.row.answered_at {
                days.entry(m.steward_id.unwrap_or_default())
                    .or_default()
                    .push((at - m.row.date).max(0) as f64 / 86_400_000.0);
            }
        }
    }
    for (st, d) in days {
        if let Some(i) = out.get_mut(&st) {
            i.must_visit_days = Some((d.iter().sum::<f64>() / d.len() as f64 * 10.0).round() / 10.0);
        }
    }
    let now = now_millis();
    for t in storage.timely_rows(slice, Some((from, to)))? {
        let Some(i) = t.steward_id.and_then(|st| out.get_mut(&st)) else { continue };
        i.timely += 1;
        let policy = deadlines.get(&t.row.compound_id).cloned().unwrap_or_default();
        let Some(kind) = TimelyKind::from_code(&t.row.kind) else { continue };
        let deadline = policy.deadline(kind, t.row.raised_at);
        if Timeliness::judge(deadline, t.row.resolved_at, now) == Timeliness::OnTime {
            i.timely_on_time += 1;
        }
    }
    for (reporter, reported, verified) in storage.issues_by_reporter(slice, from, to)? {
        if let Some(i) = out.get_mut(&reporter) {
            i.issues_reported = reported;
            i.issues_verified = verified;
        }
    }
    for m in storage.meeting_rows(slice, from, to)? {
        if let Some(i) = out.get_mut(&m.convener_id) {
            i.meetings_held += 1;
        }
    }
    for d in storage.decision_rows(slice, Some((from, to)), None)? {
        if let Some(i) = out.get_mut(&d.convener_id) {
            i.decisions += 1;
            if d.follow_ups > 0 || d.status == DecisionStatus::Done.as_code() {
                i.decisions_followed += 1;
            }
        }
    }
    Ok(out)
}

fn is_evaluation(m: &DocMeta) -> Result<(), ServiceError> {
    match m.kind {
        doc::DocKind::Evaluation => Ok(()),
        _ => Err(ServiceError::NotFound("no such evaluation".into())),
    }
}

/// Stores the community's score and comment of a steward for a half, and writes the steward's
/// evaluation document (indicators, score, comment), which reaches their phones at the next
/// sync. The score and comment are checked by the caller (`doc::check_evaluation`).
pub fn evaluate(
    s: &Service,
    steward: &Steward,
    half: HalfYear,
    indicators: Indicators,
    score: u32,
    comment: &str,
    by: Uuid,
) -> Result<EvaluationRecord, ServiceError> {
    let now = now_millis();
    let unprocessable = |e: steward_core::Error| ServiceError::Unprocessable { message: e.to_string(), docs: vec![] };
    doc::check_evaluation(score, comment).map_err(unprocessable)?;
    let record = EvaluationRecord {
        id: doc::evaluation_doc_id(steward.id, half),
        compound_id: steward.compound_id,
        steward_id: steward.id,
        half,
        indicators,
        score: Some(score),
        comment: comment.trim().to_string(),
        evaluated_at: Some(now),
        computed_at: now,
    };
    s.storage().set_evaluation(&Evaluation {
        steward_id: steward.id,
        half: half.to_string(),
        score,
        comment: record.comment.clone(),
        evaluated_by: by,
        evaluated_at: now,
    })?;
    if s.storage().doc_meta(record.id)?.is_some() {
        s.edit(record.id, is_evaluation, |d| doc::write_evaluation(d, &record, now))?;
    } else {
        let mut d = automerge::Automerge::new().with_actor(s.actor().clone());
        doc::write_evaluation(&mut d, &record, now).map_err(unprocessable)?;
        s.create_doc(&d)?;
    }
    Ok(record)
}
