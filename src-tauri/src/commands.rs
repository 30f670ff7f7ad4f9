//! The commands the UI calls. Each is a few lines over `steward-client`; validation that needs
//! the domain lives there, so the phone and the tests refuse the same things.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use steward_client::queries::{HouseholdLine, IssueLine, MonthProgress, MustVisitCounts, OpenMustVisit, TimelyLine};
use steward_client::{BackgroundState, Identity, Store, StoreError};
use steward_core::clears::{basic_profile_complete, ThreeClears};
use steward_core::doc::{HouseholdRecord, IssueRecord, NewIssue, NewMustVisit, NewTimely, NewVisit, Projection};
use steward_core::model::*;
use steward_core::time::{now_millis, Millis, Month, Timeliness};
use tauri::{AppHandle, Runtime, State};
use url::{Host, Url};
use uuid::Uuid;

use crate::error::{CmdError, CmdResult};
use crate::AppState;

mod campaigns;
mod evaluation;
mod meetings;
mod scoring;
mod teams;
pub use campaigns::*;
pub use evaluation::*;
pub use meetings::*;
pub use scoring::*;
pub use teams::*;

fn with<T>(state: &AppState, f: impl FnOnce(&mut Store) -> Result<T, StoreError>) -> CmdResult<T> {
    let mut store = state.store.lock().unwrap_or_else(|p| p.into_inner());
    Ok(f(&mut store)?)
}

/// A change a steward makes: written under the store's lock, then shown on the badge at once and
/// handed to the sync loop to push.
fn change<R: Runtime, T>(
    app: &AppHandle<R>,
    state: &AppState,
    f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
) -> CmdResult<T> {
    let done = with(state, f)?;
    state.edited(app);
    Ok(done)
}

fn me(store: &Store) -> Result<Identity, StoreError> {
    store.identity()?.ok_or(StoreError::NotEnrolled)
}

fn month_or_now(store: &Store, month: Option<String>) -> CmdResult<Month> {
    match month {
        Some(m) => m.parse().map_err(|e: steward_core::Error| CmdError::invalid(e.to_string())),
        None => Ok(store.month_of(now_millis())),
    }
}

#[derive(Serialize)]
pub struct AppInfo {
    version: &'static str,
    identity: Option<Identity>,
    /// The program's time zone (IANA name): dates are shown in it.
    zone: &'static str,
    month: Month,
    now: Millis,
    /// Phones can scan the enrolment QR code.
    mobile: bool,
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> CmdResult<AppInfo> {
    with(&state, |s| {
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION"),
            identity: s.identity()?,
            zone: s.zone().name(),
            month: s.month_of(now_millis()),
            now: now_millis(),
            mobile: cfg!(mobile),
        })
    })
}

macro_rules! vocab {
    ($($t:ty),+) => {
        json!({ $(stringify!($t): <$t>::ALL.iter().map(|v| json!({
            "code": v.as_code(), "zh": v.label_zh(), "en": v.label_en()
        })).collect::<Vec<_>>(),)+ })
    };
}

/// The program's closed lists with both labels: one source for the app and the server.
#[tauri::command]
pub fn vocabulary() -> Value {
    vocab!(
        VisitMethod,
        MustVisitTrigger,
        TimelyKind,
        KeyServiceReason,
        OpinionCategory,
        IssueCategory,
        IssueRoute,
        IssueStatus,
        PartyRole,
        MeetingParty,
        DecisionStatus,
        IssueOrigin,
        PairingNeed,
        PairingOutcome,
        CampaignKind,
        FieldKind,
        TeamKind,
        ActivityKind,
        MemberRole
    )
}

/// Household data is personal: a release build sends it only over https, or to this very
/// machine (a demo). Debug builds also allow plain http, for a test server on the local network.
/// The address is parsed as the HTTP client will read it, so no spelling can show one host here
/// and reach another.
fn check_server_address(address: &str) -> CmdResult<()> {
    check_server_address_for(address, cfg!(debug_assertions))
}

/// [`check_server_address`] for a build that allows plain http beyond this machine or not, so
/// that a debug build's tests check the release rule too.
fn check_server_address_for(address: &str, plain_http_anywhere: bool) -> CmdResult<()> {
    let url = Url::parse(address.trim())
        .map_err(|_| CmdError::invalid("the server address must look like https://rs.example.cn"))?;
    let secure = match url.scheme() {
        "https" => true,
        "http" => false,
        _ => return Err(CmdError::invalid("the server address must start with https:// (or http://)")),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(CmdError::invalid("the server address must not carry a user name or password"));
    }
    let loopback = match url.host() {
        None => return Err(CmdError::invalid("the server address has no host")),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
    };
    if secure || loopback || plain_http_anywhere {
        Ok(())
    } else {
        Err(CmdError::invalid("use the server's https:// address: plain http:// would send household data unprotected"))
    }
}

#[tauri::command]
pub async fn enrol<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    server_url: String,
    code: String,
    device_name: String,
) -> CmdResult<Identity> {
    if code.trim().is_empty() {
        return Err(CmdError::invalid("enter the enrolment code"));
    }
    check_server_address(&server_url)?;
    if with(&state, |s| s.identity())?.is_some() {
        // Refused before the code is spent on the server; the store refuses again under its lock.
        return Err(StoreError::AlreadyEnrolled.into());
    }
    let identity = state.client.enrol(&state.store, &server_url, &code, &device_name).await?;
    state.edited(&app);
    Ok(identity)
}

#[tauri::command]
pub async fn sync_state(state: State<'_, AppState>) -> CmdResult<BackgroundState> {
    Ok(state.sync_state())
}

#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> CmdResult<BackgroundState> {
    state.sync.wake();
    Ok(state.sync_state())
}

#[derive(Serialize)]
pub struct Overview {
    month: Month,
    now: Millis,
    progress: MonthProgress,
    households: Vec<HouseholdLine>,
    must_visits: Vec<OpenMustVisit>,
    /// Timely responses still open (on time or overdue).
    timely: Vec<TimelyLine>,
}

#[tauri::command]
pub async fn month_overview(state: State<'_, AppState>, month: Option<String>) -> CmdResult<Overview> {
    let mut store = state.store.lock().unwrap_or_else(|p| p.into_inner());
    let month = month_or_now(&store, month)?;
    let now = now_millis();
    let s: &mut Store = &mut store;
    Ok(Overview {
        month,
        now,
        progress: s.month_progress(month)?,
        households: s.households_for_month(month)?,
        must_visits: s.open_must_visits()?,
        timely: s.timely_responses(now)?.into_iter().filter(|t| t.resolved_at.is_none()).collect(),
    })
}

#[derive(Serialize)]
pub struct HouseholdDetail {
    record: HouseholdRecord,
    timely: Vec<TimelyLine>,
    /// Which of the three clears this household still lacks: party_member, basic_profile, key_service.
    missing: Vec<&'static str>,
}

#[tauri::command]
pub async fn household(state: State<'_, AppState>, id: Uuid) -> CmdResult<HouseholdDetail> {
    with(&state, |s| {
        let Projection::Household(record) = s.project(id)? else {
            return Err(StoreError::NotFound(format!("household {id}")));
        };
        let timely = s.timely_responses(now_millis())?.into_iter().filter(|t| t.household_id == id).collect();
        let p = &record.profile;
        let missing = [
            ("party_member", p.party_member.is_some()),
            ("basic_profile", basic_profile_complete(p)),
            ("key_service", p.key_service.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, ok)| (!ok).then_some(k))
        .collect();
        Ok(HouseholdDetail { record, timely, missing })
    })
}

#[tauri::command]
pub async fn update_profile<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    base: HouseholdProfile,
    profile: HouseholdProfile,
) -> CmdResult<()> {
    change(&app, &state, |s| s.edit_profile(id, &base, &profile))
}

/// A pairing case as the form opens it.
#[derive(Debug, Deserialize)]
pub struct PairingCaseForm {
    helper: String,
    need: PairingNeed,
    description: String,
}

#[tauri::command]
pub async fn open_pairing_case<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    household_id: Uuid,
    form: PairingCaseForm,
) -> CmdResult<Uuid> {
    change(&app, &state, |s| s.open_pairing_case(household_id, &form.helper, form.need, &form.description))
}

#[tauri::command]
pub async fn add_pairing_action<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    household_id: Uuid,
    case_id: Uuid,
    text: String,
) -> CmdResult<()> {
    change(&app, &state, |s| s.add_pairing_action(household_id, case_id, &text))
}

#[tauri::command]
pub async fn close_pairing_case<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    household_id: Uuid,
    case_id: Uuid,
    close: steward_core::doc::PairingClose,
) -> CmdResult<()> {
    change(&app, &state, |s| s.close_pairing_case(household_id, case_id, &close))
}

#[tauri::command]
pub async fn add_pairing_note<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    text: String,
) -> CmdResult<()> {
    change(&app, &state, |s| s.add_pairing_note(id, &text))
}

#[derive(Debug, Deserialize)]
pub struct RaiseMustVisit {
    trigger: MustVisitTrigger,
    date: Option<Millis>,
    #[serde(default)]
    note: String,
}

#[derive(Debug, Deserialize)]
pub struct RaiseTimely {
    kind: TimelyKind,
    #[serde(default)]
    note: String,
}

/// The visit form as the steward filled it in.
#[derive(Debug, Deserialize)]
pub struct VisitForm {
    household_id: Uuid,
    /// When the visit happened; now if not given.
    at: Option<Millis>,
    method: VisitMethod,
    summary: String,
    #[serde(default)]
    opinions: Vec<Opinion>,
    #[serde(default)]
    hardships: String,
    /// Open must-visits this visit answers.
    #[serde(default)]
    answers: Vec<Uuid>,
    #[serde(default)]
    follow_up: bool,
    must_visit: Option<RaiseMustVisit>,
    timely: Option<RaiseTimely>,
}

fn new_must_visit(m: RaiseMustVisit, by: Uuid, now: Millis) -> NewMustVisit {
    NewMustVisit { id: Uuid::new_v4(), trigger: m.trigger, date: m.date.unwrap_or(now), note: m.note, raised_by: by }
}

fn new_timely(t: RaiseTimely, by: Uuid, now: Millis) -> NewTimely {
    NewTimely { id: Uuid::new_v4(), kind: t.kind, raised_at: now, note: t.note, raised_by: by }
}

/// Forgets the form's draft once what it held is saved, under the same lock as the save: the
/// next open must not offer to restore a visit that is already recorded.
fn drop_draft(store: &mut Store, key: Option<&str>) {
    if let Some(key) = key {
        if let Err(e) = store.clear_draft(key) {
            tracing::warn!(code = e.code(), "a saved form's draft was not cleared");
        }
    }
}

#[tauri::command]
pub async fn record_visit<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    form: VisitForm,
    draft_key: Option<String>,
) -> CmdResult<Uuid> {
    change(&app, &state, |s| {
        let by = me(s)?.steward_id;
        let now = now_millis();
        let visit = NewVisit {
            id: Uuid::new_v4(),
            at: form.at.unwrap_or(now),
            method: form.method,
            summary: form.summary,
            opinions: form.opinions,
            hardships: form.hardships,
            answers: form.answers,
            follow_up: form.follow_up,
            by,
        };
        let must = form.must_visit.map(|m| new_must_visit(m, by, now));
        let timely = form.timely.map(|t| new_timely(t, by, now));
        s.record_visit_with(form.household_id, &visit, must.as_ref(), timely.as_ref())?;
        drop_draft(s, draft_key.as_deref());
        Ok(visit.id)
    })
}

#[tauri::command]
pub async fn raise_must_visit<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    household_id: Uuid,
    must_visit: RaiseMustVisit,
) -> CmdResult<()> {
    change(&app, &state, |s| {
        let m = new_must_visit(must_visit, me(s)?.steward_id, now_millis());
        s.raise_must_visit(household_id, &m)
    })
}

#[tauri::command]
pub async fn raise_timely<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    household_id: Uuid,
    timely: RaiseTimely,
) -> CmdResult<()> {
    change(&app, &state, |s| {
        let t = new_timely(timely, me(s)?.steward_id, now_millis());
        s.raise_timely(household_id, &t)
    })
}

#[tauri::command]
pub async fn resolve_timely<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    household_id: Uuid,
    event_id: Uuid,
) -> CmdResult<()> {
    change(&app, &state, |s| s.resolve_timely(household_id, event_id))
}

#[tauri::command]
pub async fn issues(state: State<'_, AppState>) -> CmdResult<Vec<IssueLine>> {
    with(&state, |s| s.issues())
}

#[tauri::command]
pub async fn issue(state: State<'_, AppState>, id: Uuid) -> CmdResult<IssueRecord> {
    with(&state, |s| match s.project(id)? {
        Projection::Issue(i) => Ok(i),
        _ => Err(StoreError::NotFound(format!("issue {id}"))),
    })
}

#[derive(Debug, Deserialize)]
pub struct IssueForm {
    category: IssueCategory,
    place: String,
    description: String,
    route: IssueRoute,
}

#[tauri::command]
pub async fn report_issue<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    form: IssueForm,
    draft_key: Option<String>,
) -> CmdResult<Uuid> {
    change(&app, &state, |s| {
        let who = me(s)?;
        let id = s.report_issue(&NewIssue {
            id: Uuid::new_v4(),
            compound_id: who.compound_id,
            reporter_id: who.steward_id,
            reported_at: now_millis(),
            category: form.category,
            place: form.place,
            description: form.description,
            route: form.route,
        })?;
        drop_draft(s, draft_key.as_deref());
        Ok(id)
    })
}

#[tauri::command]
pub async fn comment_issue<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    text: String,
) -> CmdResult<()> {
    change(&app, &state, |s| s.comment_issue(id, &text))
}

/// A steward closes the loop on a resolved issue: verified, or reopened with a reason.
#[tauri::command]
pub async fn set_issue_status<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    status: IssueStatus,
    comment: String,
) -> CmdResult<()> {
    match status {
        IssueStatus::Verified => {}
        IssueStatus::Reopened if !comment.trim().is_empty() => {}
        IssueStatus::Reopened => return Err(CmdError::invalid("say why the issue is reopened")),
        _ => return Err(CmdError::invalid("a steward can only verify or reopen a resolved issue")),
    }
    change(&app, &state, |s| s.set_issue_status(id, status, &comment))
}

#[derive(Serialize, Default)]
pub struct TimelyCounts {
    on_time: u32,
    late: u32,
    open: u32,
    overdue: u32,
}

#[derive(Serialize)]
pub struct My345 {
    month: Month,
    progress: MonthProgress,
    clears: ThreeClears,
    /// Percent known: party members, basic profile, key service.
    clears_percent: [u32; 3],
    /// Timely responses raised this month.
    timely: TimelyCounts,
    must_visits: MustVisitCounts,
}

#[tauri::command]
pub async fn my_345(state: State<'_, AppState>, month: Option<String>) -> CmdResult<My345> {
    let store = state.store.lock().unwrap_or_else(|p| p.into_inner());
    let month = month_or_now(&store, month)?;
    let clears = store.three_clears()?;
    let mut timely = TimelyCounts::default();
    for t in store.timely_responses(now_millis())?.iter().filter(|t| store.month_of(t.raised_at) == month) {
        *match t.timeliness {
            Timeliness::OnTime => &mut timely.on_time,
            Timeliness::Late => &mut timely.late,
            Timeliness::Open => &mut timely.open,
            Timeliness::Overdue => &mut timely.overdue,
        } += 1;
    }
    Ok(My345 {
        month,
        progress: store.month_progress(month)?,
        clears,
        clears_percent: clears.percentages(),
        timely,
        must_visits: store.must_visit_counts(month)?,
    })
}

#[tauri::command]
pub async fn save_draft(state: State<'_, AppState>, key: String, value: Value) -> CmdResult<()> {
    with(&state, |s| s.save_draft(&key, &value.to_string()))
}

#[tauri::command]
pub async fn load_draft(state: State<'_, AppState>, key: String) -> CmdResult<Option<Value>> {
    let raw = with(&state, |s| s.draft(&key))?;
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
}

#[tauri::command]
pub async fn clear_draft(state: State<'_, AppState>, key: String) -> CmdResult<()> {
    with(&state, |s| s.clear_draft(&key))
}

#[tauri::command]
pub async fn ui_prefs(state: State<'_, AppState>) -> CmdResult<Option<Value>> {
    let raw = with(&state, |s| s.ui_prefs())?;
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
}

#[tauri::command]
pub async fn set_ui_prefs(state: State<'_, AppState>, prefs: Value) -> CmdResult<()> {
    with(&state, |s| s.set_ui_prefs(&prefs.to_string()))
}

/// Signs out. Refuses while changes are not yet on the server, unless `discard` is confirmed.
#[tauri::command]
pub async fn sign_out<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, discard: bool) -> CmdResult<()> {
    change(&app, &state, |s| s.sign_out(discard))
}

#[cfg(test)]
mod tests {
    use super::{check_server_address, check_server_address_for};

    #[test]
    fn server_addresses_need_a_scheme_and_a_host_and_release_builds_refuse_plain_http_beyond_this_machine() {
        for ok in [
            "https://rs.example.cn",
            "https://rs.example.cn:8443/",
            "http://127.0.0.1:8787",
            "http://localhost",
            "http://[::1]:80",
        ] {
            assert!(check_server_address(ok).is_ok(), "{ok}");
        }
        for bad in [
            "rs.example.cn",
            "ftp://x",
            "https://",
            "",
            // Looks like this machine, goes to another: never allowed.
            "http://localhost:x@evil.example/",
            "https://steward:secret@rs.example.cn",
        ] {
            assert_eq!(check_server_address(bad).unwrap_err().code, "invalid", "{bad}");
        }
        assert_eq!(check_server_address("http://192.168.1.5:8787").is_ok(), cfg!(debug_assertions));
        // The release build's rule, checked in every build.
        let release = |a: &str| check_server_address_for(a, false);
        assert_eq!(release("http://192.168.1.5:8787").unwrap_err().code, "invalid", "plain http to another machine");
        assert_eq!(release("http://rs.example.cn").unwrap_err().code, "invalid");
        assert!(release("https://rs.example.cn").is_ok());
        assert!(release("http://127.0.0.1:8787").is_ok(), "this machine (the demo)");
        assert!(release("http://localhost:8787").is_ok());
        assert!(check_server_address_for("http://192.168.1.5:8787", true).is_ok(), "a debug build's test server");
    }
}
