//! The steward's joint meetings (联席会议): the list, one meeting, recording one, correcting it,
//! adding a decision, and following a decision up to done.

use steward_client::queries::MeetingLine;
use steward_core::doc::{Attendee, MeetingBasics, MeetingRecord, NewDecision, NewMeeting};

use super::*;

#[tauri::command]
pub async fn meetings(state: State<'_, AppState>) -> CmdResult<Vec<MeetingLine>> {
    with(&state, |s| s.meetings())
}

#[tauri::command]
pub async fn meeting(state: State<'_, AppState>, id: Uuid) -> CmdResult<MeetingRecord> {
    with(&state, |s| match s.project(id)? {
        Projection::Meeting(m) => Ok(m),
        _ => Err(StoreError::NotFound(format!("meeting {id}"))),
    })
}

/// An attendee as the form sends it: the app gives it its id.
#[derive(Debug, Deserialize)]
pub struct AttendeeForm {
    #[serde(default)]
    id: Option<Uuid>,
    party: MeetingParty,
    name: String,
}

/// A decision as the form sends it.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    text: String,
    party: MeetingParty,
    #[serde(default)]
    deadline: Option<Millis>,
}

/// A meeting as the form sends it.
#[derive(Debug, Deserialize)]
pub struct MeetingForm {
    held_at: Millis,
    place: String,
    #[serde(default)]
    topics: String,
    #[serde(default)]
    attendees: Vec<AttendeeForm>,
    #[serde(default)]
    decisions: Vec<DecisionForm>,
}

fn attendees(forms: Vec<AttendeeForm>) -> Vec<Attendee> {
    forms
        .into_iter()
        .map(|a| Attendee { id: a.id.unwrap_or_else(Uuid::new_v4), party: a.party, name: a.name })
        .collect()
}

fn decision(d: DecisionForm) -> NewDecision {
    NewDecision { id: Uuid::new_v4(), text: d.text, party: d.party, deadline: d.deadline }
}

#[tauri::command]
pub async fn record_meeting<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    form: MeetingForm,
    draft_key: Option<String>,
) -> CmdResult<Uuid> {
    change(&app, &state, |s| {
        let who = me(s)?;
        let id = s.record_meeting(&NewMeeting {
            id: Uuid::new_v4(),
            compound_id: who.compound_id,
            convener_id: who.steward_id,
            held_at: form.held_at,
            place: form.place,
            topics: form.topics,
            attendees: attendees(form.attendees),
            decisions: form.decisions.into_iter().map(decision).collect(),
        })?;
        drop_draft(s, draft_key.as_deref());
        Ok(id)
    })
}

/// The date, place, topics and attendees as corrected.
#[derive(Debug, Deserialize)]
pub struct BasicsForm {
    held_at: Millis,
    place: String,
    #[serde(default)]
    topics: String,
    #[serde(default)]
    attendees: Vec<AttendeeForm>,
}

#[tauri::command]
pub async fn edit_meeting<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    form: BasicsForm,
) -> CmdResult<()> {
    let basics = MeetingBasics {
        held_at: form.held_at,
        place: form.place,
        topics: form.topics,
        attendees: attendees(form.attendees),
    };
    change(&app, &state, |s| s.edit_meeting(id, &basics))
}

#[tauri::command]
pub async fn add_decision<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    form: DecisionForm,
) -> CmdResult<()> {
    let d = decision(form);
    change(&app, &state, |s| s.add_decision(id, &d))
}

/// A follow-up: a note, and `done` to mark the decision done, `open` to reopen it (with a reason).
#[tauri::command]
pub async fn follow_up_decision<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    decision_id: Uuid,
    text: String,
    status: Option<DecisionStatus>,
) -> CmdResult<()> {
    change(&app, &state, |s| s.follow_up_decision(id, decision_id, &text, status))
}
