//! Red Steward's app shell. Everything a steward does is a command here that calls
//! `steward-client` in a few lines; the store lives in the app's data directory and the sync runs
//! in the background on the Rust side, pushing its state to the UI as `sync-state` events.

mod commands;
mod error;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use steward_client::{spawn_background, BackgroundState, BackgroundSync, Backoff, SharedStore, Store, SyncClient};
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// The event that carries the sync badge's state to the UI.
pub const SYNC_EVENT: &str = "sync-state";

/// What every command shares.
pub struct AppState {
    store: SharedStore,
    client: SyncClient,
    sync: BackgroundSync,
}

impl AppState {
    /// The sync state as it is now: counts read from the store, activity from the loop.
    fn sync_state(&self) -> BackgroundState {
        let mut state = self.sync.subscribe().borrow().clone();
        if let Ok(status) = self.store.lock().unwrap_or_else(|p| p.into_inner()).sync_status() {
            state.status = status;
        }
        state
    }

    /// After a local edit: show the new count at once and ask the loop to push it.
    fn edited<R: Runtime>(&self, app: &AppHandle<R>) {
        let _ = app.emit(SYNC_EVENT, self.sync_state());
        self.sync.wake();
    }
}

fn data_dir<R: Runtime>(app: &AppHandle<R>, given: Option<PathBuf>) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let dir = match given.or_else(|| std::env::var_os("STEWARD_DATA_DIR").map(PathBuf::from)) {
        Some(d) => d,
        None => app.path().app_data_dir()?,
    };
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn backoff() -> Backoff {
    let max = std::env::var("STEWARD_SYNC_MAX_BACKOFF_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    Backoff { base: Duration::from_secs(2), max: Duration::from_secs(max), idle: Duration::from_secs(60) }
}

fn setup<R: Runtime>(app: &mut tauri::App<R>, data: Option<PathBuf>) -> Result<(), Box<dyn std::error::Error>> {
    let handle = app.handle().clone();
    let dir = data_dir(&handle, data)?;
    let store: SharedStore = Arc::new(Mutex::new(Store::open(dir.join("steward.sqlite3"))?));
    let client = SyncClient::new();

    // A demo or a managed install may hand the app its enrolment; the steward never has to type it.
    if let (Ok(server), Ok(code)) = (std::env::var("STEWARD_ENROL_SERVER"), std::env::var("STEWARD_ENROL_CODE")) {
        let enrolled = store.lock().unwrap_or_else(|p| p.into_inner()).identity()?.is_some();
        if !enrolled {
            match tauri::async_runtime::block_on(client.enrol(&store, &server, &code, "demo")) {
                Ok(_) => tracing::info!("enrolled from the environment"),
                Err(e) => tracing::warn!(code = e.code(), "enrolment from the environment failed"),
            }
        }
    }

    let sync = tauri::async_runtime::block_on(async { spawn_background(store.clone(), client.clone(), backoff()) });
    let mut rx = sync.subscribe();
    let events = handle.clone();
    tauri::async_runtime::spawn(async move {
        while rx.changed().await.is_ok() {
            let state = rx.borrow_and_update().clone();
            let _ = events.emit(SYNC_EVENT, state);
        }
    });
    app.manage(AppState { store, client, sync });

    #[cfg(mobile)]
    app.handle().plugin(tauri_plugin_barcode_scanner::init())?;
    Ok(())
}

/// The app's configuration, capabilities and built UI, as compiled in.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// The app on `builder`: its setup and every command. `run` gives it the real window; tests give
/// it `tauri::test::mock_builder()` and call the commands over IPC as the UI does. The store
/// lives in `data_dir`, else in `STEWARD_DATA_DIR`, else in the platform's app data directory.
pub fn app<R: Runtime>(builder: tauri::Builder<R>, data_dir: Option<PathBuf>) -> tauri::Builder<R> {
    builder.setup(move |app| setup(app, data_dir.clone())).invoke_handler(tauri::generate_handler![
        commands::app_info,
        commands::vocabulary,
        commands::enrol,
        commands::sync_state,
        commands::sync_now,
        commands::month_overview,
        commands::household,
        commands::update_profile,
        commands::add_pairing_note,
        commands::open_pairing_case,
        commands::add_pairing_action,
        commands::close_pairing_case,
        commands::record_visit,
        commands::raise_must_visit,
        commands::raise_timely,
        commands::resolve_timely,
        commands::issues,
        commands::issue,
        commands::report_issue,
        commands::comment_issue,
        commands::set_issue_status,
        commands::meetings,
        commands::meeting,
        commands::record_meeting,
        commands::edit_meeting,
        commands::add_decision,
        commands::follow_up_decision,
        commands::scoring,
        commands::score_criterion,
        commands::submit_scores,
        commands::campaigns,
        commands::campaign,
        commands::answer_campaign_task,
        commands::evaluations,
        commands::teams,
        commands::team,
        commands::create_team,
        commands::add_team_member,
        commands::record_team_activity,
        commands::my_345,
        commands::save_draft,
        commands::load_draft,
        commands::clear_draft,
        commands::ui_prefs,
        commands::set_ui_prefs,
        commands::sign_out,
    ])
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tao=warn,wry=warn".into()),
        )
        .with_writer(std::io::stderr)
        .try_init()
        .ok(); // Android may enter `run` again in the same process; the first subscriber stays.
    if let Err(e) = app(tauri::Builder::default(), None).run(context()) {
        eprintln!("红色管家 could not start: {e}");
        std::process::exit(1);
    }
}
