//! Campaigns (专项任务): the steward's list, a campaign's form and households, and answering a
//! household's task — offline like a visit, synced with the rest.

use std::collections::BTreeMap;

use steward_client::queries::CampaignLine;
use steward_core::doc::{Answer, CampaignRecord};

use super::*;

#[tauri::command]
pub async fn campaigns(state: State<'_, AppState>) -> CmdResult<Vec<CampaignLine>> {
    with(&state, |s| s.campaigns())
}

#[tauri::command]
pub async fn campaign(state: State<'_, AppState>, id: Uuid) -> CmdResult<CampaignRecord> {
    with(&state, |s| s.campaign(id))
}

/// `answers`: by field id, `true`/`false`, a number, or a text (a choice's option).
#[tauri::command]
pub async fn answer_campaign_task<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    household_id: Uuid,
    answers: BTreeMap<Uuid, Answer>,
) -> CmdResult<()> {
    change(&app, &state, |s| s.answer_campaign_task(id, household_id, &answers))
}
