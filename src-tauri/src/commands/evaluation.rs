//! The steward's half-year evaluation (每半年考核评价), as the community wrote it: read only.

use steward_core::doc::EvaluationRecord;

use super::*;

/// The steward's evaluations on this phone, newest first.
#[tauri::command]
pub async fn evaluations(state: State<'_, AppState>) -> CmdResult<Vec<EvaluationRecord>> {
    with(&state, |s| s.evaluations())
}
