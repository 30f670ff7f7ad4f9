//! Volunteer and culture teams (志愿服务队、文化宣传队): the teams the steward leads, a team's
//! members and activities, and recording them offline.

use steward_client::queries::TeamLine;
use steward_core::doc::{NewActivity, TeamRecord};

use super::*;

#[tauri::command]
pub async fn teams(state: State<'_, AppState>) -> CmdResult<Vec<TeamLine>> {
    with(&state, |s| s.teams())
}

#[tauri::command]
pub async fn team(state: State<'_, AppState>, id: Uuid) -> CmdResult<TeamRecord> {
    with(&state, |s| s.team(id))
}

/// `kind`: `volunteer` or `culture`. Gives the new team's id.
#[tauri::command]
pub async fn create_team<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
    kind: TeamKind,
) -> CmdResult<Uuid> {
    change(&app, &state, |s| s.create_team(&name, kind))
}

/// `role`: `steward` or `resident`. Gives the member's id.
#[tauri::command]
pub async fn add_team_member<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    team: Uuid,
    name: String,
    role: MemberRole,
) -> CmdResult<Uuid> {
    change(&app, &state, |s| s.add_team_member(team, &name, role))
}

/// `kind`: `policy_talk`, `clean_up`, `safety_check`, `performance` or `other`; `held_at` in ms.
#[allow(clippy::too_many_arguments)]
#[tauri::command]
pub async fn record_team_activity<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    team: Uuid,
    kind: ActivityKind,
    title: String,
    held_at: Millis,
    place: String,
    participants: u32,
    names: Vec<String>,
) -> CmdResult<Uuid> {
    let a = NewActivity { id: Uuid::new_v4(), kind, title, held_at, place, participants, names };
    change(&app, &state, |s| s.record_team_activity(team, &a))?;
    Ok(a.id)
}
