//! The steward scores the compound's property company (评价物业) under the period's rules, which
//! reach the phone by sync.

use steward_core::doc::{CriterionScore, ScoreRecord, ScoringRules};

use super::*;

/// The period's rules and the steward's scores so far.
#[derive(Serialize)]
pub struct Scoring {
    rules: Option<ScoringRules>,
    score: Option<ScoreRecord>,
}

#[tauri::command]
pub async fn scoring(state: State<'_, AppState>) -> CmdResult<Scoring> {
    with(&state, |s| {
        let (rules, score) = s.scoring()?;
        Ok(Scoring { rules, score })
    })
}

#[tauri::command]
pub async fn score_criterion<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    criterion_id: Uuid,
    points: u32,
    comment: String,
) -> CmdResult<()> {
    change(&app, &state, |s| s.score_criterion(&CriterionScore { criterion_id, points, comment }))
}

#[tauri::command]
pub async fn submit_scores<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> CmdResult<()> {
    change(&app, &state, |s| s.submit_scores())
}
