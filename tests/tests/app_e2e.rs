//! The steward's app end to end, in its real window: the `steward-app` binary under `xvfb-run`,
//! driven over WebDriver (tauri-driver + WebKitWebDriver), against a real sync server process
//! seeded with the demo compound.
//!
//! Enrol (an unreachable server and a wrong code first) → the server goes away → a visit is
//! typed, the app is SIGKILLed and reopened with the form as it was → the visit, a must-visit and
//! an issue are recorded with no server → the badge says 3 changes are waiting → the server comes
//! back → the app syncs by itself → the supervisor's pull has all three → the supervisor resolves
//! the issue → the app shows it and the steward verifies it → signing out with a change not yet
//! on the server is refused in words until confirmed, and then leaves no household data. Every
//! screen is saved under `target/e2e-screens/`, and each is checked to fit the window (at the
//! default large text size, and the busiest ones at the largest).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};
use steward_tests::app::{screens_dir, AppDriver};
use steward_tests::webdriver::Session;
use steward_tests::{free_port, server_binary, ServerProcess, Supervisor};

const LONG: Duration = Duration::from_secs(60);
const SHORT: Duration = Duration::from_secs(20);

/// Seeds the demo data and returns the first steward's name and enrolment code.
fn seed_demo(data: &Path) -> (String, String) {
    let out = Command::new(server_binary())
        .args(["demo", "--data", data.to_str().unwrap()])
        .env("RUST_LOG", "warn")
        .output()
        .expect("run steward-sync-server demo");
    assert!(out.status.success(), "demo failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.contains(" code ")).expect("demo prints enrolment codes");
    let words: Vec<&str> = line.split_whitespace().collect();
    let code_at = words.iter().position(|w| *w == "code").unwrap();
    (words[0].to_string(), words[code_at + 1].to_string())
}

async fn shot(app: &Session, name: &str) {
    // Let transitions settle so the picture is what a steward sees: no finite animation (a
    // page or popup transition, a toast) still running — a spinner loops for ever and does not
    // count — and web fonts loaded.
    app.wait_until(
        "transitions finished",
        "return document.fonts.status === 'loaded' && document.getAnimations().every(a =>
           a.playState !== 'running' || !a.effect || a.effect.getComputedTiming().iterations === Infinity);",
        SHORT,
    )
    .await
    .unwrap();
    let path = screens_dir().join(format!("{name}.png"));
    app.screenshot(&path).await.unwrap();
    // At the large text size nothing may spill out sideways.
    let overflow = app
        .execute(
            "const w = document.documentElement.clientWidth;
             const wide = [...document.querySelectorAll('body *')].filter(e => {
               const r = e.getBoundingClientRect();
               return r.width > 0 && r.right > w + 1 && getComputedStyle(e).position !== 'fixed';
             }).map(e => e.tagName + '.' + e.className).slice(0, 5);
             return { page: document.documentElement.scrollWidth - w, wide };",
            json!([]),
        )
        .await
        .unwrap();
    assert!(overflow["page"].as_i64().unwrap_or(0) <= 0, "{name}: the page is wider than the window: {overflow}");
    assert!(overflow["wide"].as_array().is_some_and(|a| a.is_empty()), "{name}: elements spill out: {overflow}");
}

async fn badge(app: &Session) -> (String, String) {
    let b = app.wait("[data-testid=sync-badge]", SHORT).await.unwrap();
    let state = app.attribute(&b, "data-state").await.unwrap().unwrap_or_default();
    let pending = app.attribute(&b, "data-pending").await.unwrap().unwrap_or_default();
    (state, pending)
}

async fn wait_badge(app: &Session, what: &str, cond: &str, timeout: Duration) {
    let script = format!(
        "const b = document.querySelector('[data-testid=sync-badge]');
         if (!b) return false;
         const state = b.getAttribute('data-state'), pending = Number(b.getAttribute('data-pending'));
         return ({cond}) ? (state + ' ' + pending + ' ' + b.textContent) : false;"
    );
    app.wait_until(what, &script, timeout).await.unwrap_or_else(|e| panic!("{e}"));
}

/// Waits until no popup or dialog overlay is on screen: a tap while one fades out lands on it.
/// If one stays, the failure names it and what it says (a form's error, say), so a run that
/// went wrong on another machine can be read from its log.
async fn settled(app: &Session) {
    const SHOWN: &str = "[...document.querySelectorAll('.van-overlay, .van-popup')].filter(e => {
           const s = getComputedStyle(e);
           return s.display !== 'none' && s.visibility !== 'hidden' && e.getBoundingClientRect().height > 0;
         })";
    if app.wait_until("popups closed", &format!("return {SHOWN}.length === 0;"), SHORT).await.is_err() {
        let shown = app
            .execute(
                &format!(
                    "return {SHOWN}.map(e => (e.getAttribute('data-testid') || e.className) + ': ' +
                       e.textContent.replace(/\\s+/g, ' ').trim().slice(0, 300));"
                ),
                json!([]),
            )
            .await;
        shot_anyway(app, "settled-failed").await;
        panic!("a popup stayed open for {SHORT:?}: {shown:?}");
    }
}

/// Taps a popup's save button and waits for the popup to close. A tap that changed nothing (the
/// popup still open a few seconds on, its button idle, no error shown) is tapped once more, as a
/// person would; what the save wrote is counted by the caller, so a double save cannot hide.
async fn save_and_settle(app: &Session, save: &str) {
    app.click_on(save).await.unwrap();
    let idle = format!(
        "const b = document.querySelector({save:?});
         return !!b && b.getBoundingClientRect().height > 0 && !b.classList.contains('van-button--loading')
           && !document.querySelector('.van-popup .rs-error, .van-popup .rs-field-error, .van-popup .van-field__error-message');"
    );
    let closed = app
        .wait_until(
            "popups closed",
            "return ![...document.querySelectorAll('.van-overlay, .van-popup')].some(e =>
               getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().height > 0);",
            Duration::from_secs(5),
        )
        .await;
    if closed.is_err() && app.execute(&idle, json!([])).await.unwrap_or_default() == json!(true) {
        eprintln!("the save tap changed nothing; tapping again");
        app.click_on(save).await.unwrap();
    }
    settled(app).await;
}

/// A screenshot for a failure's record, without the checks `shot` makes.
async fn shot_anyway(app: &Session, name: &str) {
    let _ = app.screenshot(&screens_dir().join(format!("{name}.png"))).await;
}

/// Waits until the popup `css` is on screen and has finished sliding in: a tap on a field of a
/// popup still moving can land on the overlay behind it, which closes the popup.
async fn opened(app: &Session, css: &str) {
    app.wait_until(
        &format!("{css} open"),
        &format!(
            "const p = document.querySelector({css:?});
             return !!p && getComputedStyle(p).display !== 'none' && p.getBoundingClientRect().height > 0
               && ![...p.classList].some(c => c.endsWith('-enter-active'))
               && p.getAnimations().every(a => a.playState !== 'running');"
        ),
        SHORT,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

async fn go(app: &Session, hash: &str) {
    app.execute("location.hash = arguments[0]; return true;", json!([hash])).await.unwrap();
}

/// Waits until the app has written the half-filled form to its store (it saves a draft 300 ms
/// after the last keystroke).
async fn wait_for_draft(store: &Path, key: &str, text: &str) {
    use steward_tests::sqlite::{Connection, OpenFlags, OptionalExtension};
    let deadline = std::time::Instant::now() + SHORT;
    loop {
        let conn = Connection::open_with_flags(store, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        let draft: Option<String> =
            conn.query_row("SELECT value FROM drafts WHERE key = ?1", [key], |r| r.get(0)).optional().unwrap();
        if draft.is_some_and(|d| d.contains(text)) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "the app never saved the half-filled form as a draft");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn pulled<'a>(all: &'a Value, kind: &str) -> impl Iterator<Item = &'a Value> + 'a {
    let kind = kind.to_string();
    all["docs"].as_array().unwrap().iter().filter(move |d| d["kind"] == kind.as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_steward_works_offline_and_the_app_syncs_by_itself_when_the_server_returns() {
    // Where the time went, shown with a failure.
    let started = std::time::Instant::now();
    let step = |what: &str| eprintln!("[{:6.1} s] {what}", started.elapsed().as_secs_f64());
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let (steward, code) = seed_demo(&data);
    step("demo seeded");
    let mut server = ServerProcess::spawn(&data, 0).await;
    let port = server.addr.port();
    let url = server.url();

    // The retry ceiling is lowered so the test need not wait the phone's full minute.
    let driver = AppDriver::start(&tmp.path().join("app"), &[("STEWARD_SYNC_MAX_BACKOFF_SECS", "3")]).await;
    step("server and tauri-driver started");
    let app = driver.open_app().await;
    step("app window open");

    // -- Enrol: an unreachable server and a wrong code get clear words, the right code gets in.
    step("Enrol");
    app.wait("[data-testid=enrol-server]", LONG).await.unwrap();
    shot(&app, "01-enrol").await;
    let nobody = format!("http://127.0.0.1:{}", free_port());
    app.type_into("[data-testid=enrol-server] input", &nobody).await.unwrap();
    app.type_into("[data-testid=enrol-code] input", &code).await.unwrap();
    app.click_on("[data-testid=enrol-submit]").await.unwrap();
    let err = app.wait("[data-testid=enrol-error][data-code=offline]", SHORT).await.unwrap();
    let words = app.text(&err).await.unwrap();
    assert!(words.contains("连不上服务器"), "an unreachable server is named as such: {words:?}");
    shot(&app, "01a-enrol-unreachable").await;
    app.type_into("[data-testid=enrol-server] input", &url).await.unwrap();
    app.type_into("[data-testid=enrol-code] input", "WRONG-CODE").await.unwrap();
    app.click_on("[data-testid=enrol-submit]").await.unwrap();
    let err = app.wait("[data-testid=enrol-error][data-code=bad_enrolment_code]", SHORT).await.unwrap();
    let words = app.text(&err).await.unwrap();
    assert!(words.contains("登记码"), "a wrong code is named as such: {words:?}");
    shot(&app, "01b-enrol-wrong-code").await;
    app.type_into("[data-testid=enrol-code] input", &code).await.unwrap();
    app.click_on("[data-testid=enrol-submit]").await.unwrap();

    // -- This month: the steward's households arrive with the first sync.
    step("This month");
    app.wait("[data-testid=home-progress]", LONG).await.unwrap();
    wait_badge(
        &app,
        "first sync",
        "state === 'synced' && pending === 0 && Number(b.getAttribute('data-last-sync')) > 0",
        LONG,
    )
    .await;
    app.wait("[data-testid=household-row]", LONG).await.unwrap();
    let rows = app.find_all("[data-testid=household-row]").await.unwrap();
    assert_eq!(rows.len(), 15, "the demo steward {steward} has 15 households");
    // The large text size is the default: list text at least 18 px (Vant's 14–15 px × 1.25).
    let px = app
        .execute(
            "return parseFloat(getComputedStyle(document.querySelector('[data-testid=household-row]')).fontSize);",
            json!([]),
        )
        .await
        .unwrap();
    assert!(px.as_f64().unwrap_or(0.0) >= 18.0, "household rows are in large text by default: {px}px");
    shot(&app, "02-home").await;

    // -- The server goes away.
    step("The server goes away");
    server.kill9();

    // A visit, recorded with no server.
    step("A visit, recorded with no server");
    let household = app.attribute(&rows[0], "data-id").await.unwrap().expect("rows carry their household id");
    app.click(&rows[0]).await.unwrap();
    app.wait("[data-testid=household-name]", SHORT).await.unwrap();
    shot(&app, "03-household").await;
    app.click_on("[data-testid=record-visit]").await.unwrap();
    app.wait("[data-testid=visit-summary]", SHORT).await.unwrap();
    app.click_on("[data-testid=visit-method-door_visit]").await.unwrap();
    let summary = "老人腿脚不便，楼道扶手松动，已请物业来修。";
    app.type_into("[data-testid=visit-summary] textarea", summary).await.unwrap();
    shot(&app, "04-visit-form").await;

    // The app is killed with the form half filled; opened again, the form is as it was.
    step("The app is killed with the form half filled");
    wait_for_draft(&tmp.path().join("app/store/steward.sqlite3"), &format!("visit:{household}"), summary).await;
    driver.kill_app();
    app.end().await;
    let app = driver.open_app().await;
    app.wait("[data-testid=home-progress]", LONG).await.unwrap();
    go(&app, &format!("#/household/{household}/visit")).await;
    let restored = app
        .wait_until(
            "the half-filled visit restored",
            "const t = document.querySelector('[data-testid=visit-summary] textarea'); return t && t.value;",
            SHORT,
        )
        .await
        .unwrap();
    assert_eq!(restored, summary, "the draft survived the killed app");
    app.click_on("[data-testid=visit-save]").await.unwrap();
    app.wait("[data-testid=household-name]", SHORT).await.unwrap();
    app.wait_until(
        "the new visit in the history",
        &format!("return [...document.querySelectorAll('[data-testid=visit-row]')].some(r => r.textContent.includes({summary:?}));"),
        SHORT,
    )
    .await
    .unwrap();

    // A must-visit, raised with no server.
    step("A must-visit, raised with no server");
    app.click_on("[data-testid=raise-must-visit]").await.unwrap();
    app.click_on("[data-testid=trigger-hardship]").await.unwrap();
    shot(&app, "05-raise-must-visit").await;
    app.click_on("[data-testid=must-visit-save]").await.unwrap();
    settled(&app).await;
    wait_badge(&app, "two changes waiting", "pending === 2", SHORT).await;
    shot(&app, "06-household-after").await;

    // An issue, reported with no server.
    step("An issue, reported with no server");
    go(&app, "#/issues").await;
    app.click_on("[data-testid=report-issue]").await.unwrap();
    app.click_on("[data-testid=issue-category-flying_wire_charging]").await.unwrap();
    let place = "3栋2单元一楼楼道";
    app.type_into("[data-testid=issue-place] input", place).await.unwrap();
    app.type_into("[data-testid=issue-description] textarea", "有住户从窗口拉线给电瓶车充电").await.unwrap();
    app.click_on("[data-testid=issue-route-property_duty]").await.unwrap();
    shot(&app, "07-report-issue").await;
    app.click_on("[data-testid=issue-submit]").await.unwrap();
    app.wait("[data-testid=issue-row]", SHORT).await.unwrap();

    // The badge says what is waiting.
    step("The badge says what is waiting");
    wait_badge(&app, "offline with 3 waiting", "state === 'offline' && pending === 3", LONG).await;
    let (state, pending) = badge(&app).await;
    assert_eq!((state.as_str(), pending.as_str()), ("offline", "3"));
    shot(&app, "08-issues-offline").await;

    // -- The server returns; the app syncs by itself (nobody taps "sync now").
    step("The server returns");
    let server = ServerProcess::spawn(&data, port).await;
    wait_badge(&app, "synced by itself", "state === 'synced' && pending === 0", LONG).await;
    shot(&app, "09-issues-synced").await;

    // The supervisor's pull has all three.
    step("The supervisor's pull has all three");
    let sup = Supervisor::login(&server.url(), "demo-supervisor", "hongse-guanjia").await;
    let (status, all) = sup.get("/v1/pull").await;
    assert_eq!(status, 200);
    let h = pulled(&all, "household").find(|d| d["id"] == household.as_str()).expect("the visited household");
    assert!(h["visits"].as_array().unwrap().iter().any(|v| v["summary"] == summary), "the visit arrived");
    assert!(
        h["must_visits"].as_array().unwrap().iter().any(|m| m["trigger"] == "hardship" && m["answered_by"].is_null()),
        "the must-visit arrived: {}",
        h["must_visits"]
    );
    let issue = pulled(&all, "issue").find(|d| d["place"] == place).expect("the issue arrived").clone();
    let issue_id = issue["id"].as_str().unwrap().to_string();
    assert_eq!(issue["status"], "reported");

    // -- The supervisor resolves the issue; after a sync the app shows it and the steward verifies.
    step("The supervisor resolves the issue");
    let (status, body) = sup
        .post(
            &format!("/v1/issues/{issue_id}/status"),
            json!({"status": "resolved", "comment": "物业已拆除飞线，加装充电桩"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    app.click_on("[data-testid=sync-now]").await.unwrap();
    app.wait_until(
        "the issue shows as resolved",
        &format!(
            "return !!document.querySelector('[data-testid=issue-row][data-id=\"{issue_id}\"][data-status=resolved]');"
        ),
        LONG,
    )
    .await
    .unwrap();
    app.click_on(&format!("[data-testid=issue-row][data-id=\"{issue_id}\"]")).await.unwrap();
    app.wait("[data-testid=issue-status][data-status=resolved]", SHORT).await.unwrap();
    app.wait_until(
        "the supervisor's comment in the timeline",
        "return document.body.textContent.includes('物业已拆除飞线');",
        SHORT,
    )
    .await
    .unwrap();
    shot(&app, "10-issue-resolved").await;
    app.click_on("[data-testid=issue-verify]").await.unwrap();
    app.wait("[data-testid=issue-status][data-status=verified]", SHORT).await.unwrap();
    wait_badge(&app, "verification synced", "state === 'synced' && pending === 0", LONG).await;
    shot(&app, "11-issue-verified").await;
    let (_, all) = sup.get("/v1/pull").await;
    let issue = pulled(&all, "issue").find(|d| d["id"] == issue_id.as_str()).unwrap();
    assert_eq!(issue["status"], "verified", "the server has the steward's verification");

    // -- A profile correction and a timely response raised and resolved, with the server up.
    step("A profile correction and a timely response raised and resolved, with the server up");
    go(&app, &format!("#/household/{household}")).await;
    app.click_on("[data-testid=edit-profile]").await.unwrap();
    app.type_into("[data-testid=profile-phone] input", "13912345678").await.unwrap();
    shot(&app, "11a-edit-profile").await;
    app.click_on("[data-testid=profile-save]").await.unwrap();
    settled(&app).await;
    app.click_on("[data-testid=raise-timely]").await.unwrap();
    app.click_on("[data-testid=timely-kind-urgent_help]").await.unwrap();
    app.click_on("[data-testid=timely-save]").await.unwrap();
    settled(&app).await;
    app.wait("[data-testid=household-timely]", SHORT).await.unwrap();
    shot(&app, "11b-timely-raised").await;
    app.click_on("[data-testid=resolve-timely]").await.unwrap();
    let resolved = app
        .wait_until(
            "the timely response leaves the open list",
            "return document.querySelectorAll('[data-testid=household-timely]').length === 0;",
            SHORT,
        )
        .await;
    if let Err(e) = resolved {
        shot(&app, "11c-timely-not-resolved").await;
        panic!("{e}");
    }
    wait_badge(&app, "profile and timely response synced", "state === 'synced' && pending === 0", LONG).await;
    let (_, all) = sup.get("/v1/pull").await;
    let h = pulled(&all, "household").find(|d| d["id"] == household.as_str()).unwrap();
    assert_eq!(h["profile"]["phone"], "13912345678", "the profile correction arrived");
    assert_eq!(h["profile"]["head_name"], "张桂兰", "untouched fields stay as they were");
    assert!(
        h["timely"].as_array().unwrap().iter().any(|t| t["kind"] == "urgent_help" && !t["resolved_at"].is_null()),
        "the resolved timely response arrived: {}",
        h["timely"]
    );

    // -- A joint meeting, recorded on the phone; the property company marks its decision done in
    // the console, and passes a resident's matter on to the steward; both reach the phone.
    step("A joint meeting, recorded and followed up; a matter passed on by the property company");
    go(&app, "#/meetings").await;
    app.wait("[data-testid=meeting-quarter]", SHORT).await.unwrap();
    shot(&app, "12a-meetings").await;
    app.click_on("[data-testid=record-meeting]").await.unwrap();
    app.type_into("[data-testid=meeting-place] input", "蜀汉美郡党群服务站").await.unwrap();
    app.type_into("[data-testid=meeting-attendees-property_company] textarea", "张经理、刘主管").await.unwrap();
    app.type_into("[data-testid=meeting-topics] textarea", "电瓶车充电难").await.unwrap();
    let decision_text = "在3栋旁建电瓶车充电棚";
    app.type_into("[data-testid=decision-text-0] textarea", decision_text).await.unwrap();
    app.click_on("[data-testid=decision-party-0-property_company]").await.unwrap();
    shot(&app, "12b-meeting-new").await;
    app.click_on("[data-testid=meeting-submit]").await.unwrap();
    app.wait("[data-testid=decision-card][data-status=open]", SHORT).await.unwrap();
    wait_badge(&app, "the meeting synced", "state === 'synced' && pending === 0", LONG).await;
    let company = Supervisor::login(&server.url(), "demo-property", "jiayuan-wuye").await;
    let (_, decisions) = company.get("/v1/reports/decisions?status=open").await;
    let d = decisions["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["text"] == decision_text)
        .unwrap_or_else(|| panic!("the company sees its new decision: {decisions}"))
        .clone();
    let meeting_id = d["meeting_id"].as_str().unwrap().to_string();
    let (s, body) = company
        .post(
            &format!("/v1/meetings/{meeting_id}/decisions/{}/follow-ups", d["id"].as_str().unwrap()),
            json!({"text": "充电棚已建成", "status": "done"}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    let (_, stewards) = company.get("/v1/stewards").await;
    let me = stewards.as_array().unwrap().iter().find(|s| s["name"] == "李秀英").expect("the enrolled steward").clone();
    let (s, body) = company
        .post(
            "/v1/issues",
            json!({"steward_id": me["id"], "category": "schooling", "place": "2栋1单元", "description": "孩子入学材料不全"}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    app.click_on("[data-testid=sync-now]").await.unwrap();
    wait_badge(&app, "synced again", "state === 'synced' && pending === 0", LONG).await;
    go(&app, &format!("#/meetings/{meeting_id}")).await;
    app.wait("[data-testid=decision-card][data-status=done]", LONG)
        .await
        .expect("the company's follow-up on the phone");
    app.wait_until(
        "the company's note in the decision's follow-ups",
        "return document.body.textContent.includes('充电棚已建成');",
        SHORT,
    )
    .await
    .unwrap();
    shot(&app, "12c-meeting-detail").await;
    go(&app, "#/issues").await;
    app.wait("[data-testid=issue-origin]", LONG).await.expect("the matter passed on, tagged 物业反馈");
    shot(&app, "12d-issues-passed-on").await;

    // -- The quarter's scoring of the property company, under the rules the demo's admin published.
    step("Scoring the property company");
    go(&app, "#/my345").await;
    app.click_on("[data-testid=open-scoring]").await.unwrap();
    app.wait("[data-testid=score-criterion]", LONG).await.unwrap();
    let criteria: Vec<String> = {
        let mut ids = Vec::new();
        for e in app.find_all("[data-testid=score-criterion]").await.unwrap() {
            ids.push(app.attribute(&e, "data-id").await.unwrap().expect("a criterion's id"));
        }
        ids
    };
    assert_eq!(criteria.len(), 5, "the demo's five criteria reached the phone");
    for (k, id) in criteria.iter().enumerate() {
        let points = if k == 2 { 7 } else { 10 };
        app.click_on(&format!("[data-testid=\"score-point-{id}-{points}\"]")).await.unwrap();
    }
    app.type_into(&format!("[data-testid=\"score-comment-{}\"] textarea", criteria[2]), "电瓶车乱停，夜间巡逻不够")
        .await
        .unwrap();
    shot(&app, "12e-scoring").await;
    app.click_on("[data-testid=scoring-submit]").await.unwrap();
    app.click_on(".van-dialog__confirm").await.unwrap();
    app.wait("[data-testid=scoring-submitted]", LONG).await.unwrap();
    wait_badge(&app, "the scores synced", "state === 'synced' && pending === 0", LONG).await;
    shot(&app, "12f-scoring-submitted").await;
    let now = steward_core::time::now_millis();
    let quarter = steward_core::time::Quarter::of(steward_core::time::ProgramZone::default().month_of(now)).to_string();
    let (s, scores) = sup.get(&format!("/v1/reports/scores?quarter={quarter}")).await;
    assert_eq!(s, 200, "{scores}");
    let shuhan = scores["compounds"].as_array().unwrap().iter().find(|c| c["compound"] == "蜀汉美郡").unwrap();
    assert_eq!(shuhan["scorers"].as_u64(), Some(1), "the steward's submitted scores on the server: {shuhan}");
    assert_eq!(shuhan["total"].as_f64(), Some(92.5), "25% marked 7 of 10: {shuhan}");

    // -- The demo's campaign (冬季人员摸排): a household's task answered on the phone reaches the
    // console's progress.
    step("A campaign's task");
    let community = Supervisor::login(&server.url(), "demo-community", "yiyuan-shequ").await;
    let (_, campaigns) = community.get("/v1/campaigns").await;
    let campaign = campaigns[0]["id"].as_str().expect("the demo's campaign").to_string();
    let answered = |r: &Value| r["answered"].as_u64().unwrap();
    let (_, before) = community.get(&format!("/v1/reports/campaign?campaign_id={campaign}")).await;
    go(&app, "#/").await;
    app.wait("[data-testid=campaigns-entry]", LONG).await.unwrap();
    app.wait_until(
        "the campaign's count on the home entry",
        "const e = document.querySelector('[data-testid=campaigns-entry]'); return e && e.getAttribute('data-open') === '1';",
        LONG,
    )
    .await
    .unwrap();
    shot(&app, "12g-home-campaign-entry").await;
    app.click_on("[data-testid=campaigns-entry]").await.unwrap();
    app.click_on("[data-testid=campaign-line]").await.unwrap();
    app.wait("[data-testid=campaign-task][data-status=todo]", LONG).await.unwrap();
    settled(&app).await; // the scores' toast has gone
    let todo_before = app.find_all("[data-testid=campaign-task][data-status=todo]").await.unwrap().len();
    shot(&app, "12h-campaign").await;
    app.click_on("[data-testid=campaign-task][data-status=todo]").await.unwrap();
    app.wait("[data-testid=campaign-save]", SHORT).await.unwrap();
    app.click_on("[data-testid=campaign-field-yes_no] [data-testid=campaign-no]").await.unwrap();
    app.type_into("[data-testid=campaign-field-number] input", "3").await.unwrap();
    app.click_on("[data-testid=campaign-option][data-index=\"0\"]").await.unwrap();
    shot(&app, "12i-campaign-form").await;
    app.click_on("[data-testid=campaign-save]").await.unwrap();
    settled(&app).await;
    app.wait("[data-testid=campaign-head]", SHORT).await.unwrap();
    app.wait_until(
        "one task fewer to do",
        &format!(
            "return document.querySelectorAll('[data-testid=campaign-task][data-status=todo]').length === {};",
            todo_before - 1
        ),
        SHORT,
    )
    .await
    .unwrap();
    wait_badge(&app, "the answer synced", "state === 'synced' && pending === 0", LONG).await;
    let (_, after) = community.get(&format!("/v1/reports/campaign?campaign_id={campaign}")).await;
    assert_eq!(answered(&after), answered(&before) + 1, "the phone's answer in the console's progress");
    let mine = |r: &Value| {
        let rows = r["rows"].as_array().unwrap();
        let answered: Vec<&Value> =
            rows.iter().filter(|r| r["steward"] == "李秀英" && !r["answered_at"].is_null()).collect();
        (
            answered.len(),
            answered.iter().filter(|r| r["answers"].as_object().unwrap().values().any(|v| v == 3.0)).count(),
        )
    };
    let (mine_before, mine_after) = (mine(&before), mine(&after));
    assert_eq!(mine_after.0, mine_before.0 + 1, "one more household of this steward answered");
    assert_eq!(mine_after.1, mine_before.1 + 1, "with the 3 typed on the phone");

    // -- The half-year evaluation: the community scores the steward in the console, and the
    // score and comment reach the phone.
    step("The half-year evaluation");
    let (_, me) = community.get("/v1/stewards").await;
    let me = me.as_array().unwrap().iter().find(|s| s["name"] == "李秀英").expect("the enrolled steward")["id"].clone();
    let half = steward_core::time::HalfYear::of(
        steward_core::time::ProgramZone::default().month_of(steward_core::time::now_millis()),
    );
    let (s, e) = community
        .send(
            reqwest::Method::PUT,
            &format!("/v1/evaluations/{}/{half}", me.as_str().unwrap()),
            json!({"score": 91, "comment": "走访到位，台账清楚"}),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    app.click_on("[data-testid=sync-now]").await.unwrap();
    wait_badge(&app, "the evaluation synced", "state === 'synced' && pending === 0", LONG).await;
    go(&app, "#/my345").await;
    app.click_on("[data-testid=open-evaluation]").await.unwrap();
    let score = app.wait("[data-testid=evaluation-score]", LONG).await.unwrap();
    assert_eq!(app.text(&score).await.unwrap().trim(), "91");
    let comment = app.wait("[data-testid=evaluation-comment]", SHORT).await.unwrap();
    assert!(app.text(&comment).await.unwrap().contains("走访到位，台账清楚"));
    let visits = app.wait("[data-testid=indicator-visits]", SHORT).await.unwrap();
    let shown = app.text(&visits).await.unwrap();
    assert!(shown.contains(&e["indicators"]["visits"].to_string()), "the half's visits on the phone: {shown}");
    shot(&app, "12j-evaluation").await;

    // -- The demo's volunteer team: an activity recorded on the phone reaches the console.
    step("A team's activity");
    let month = steward_core::time::ProgramZone::default().month_of(steward_core::time::now_millis());
    let activities = |r: &Value| r["teams"][0]["activities"].as_u64().unwrap_or(0);
    let year = format!("{}-01", month.year);
    let (_, before) = community.get(&format!("/v1/reports/teams?from={year}&to={month}")).await;
    go(&app, "#/my345").await;
    app.click_on("[data-testid=open-teams]").await.unwrap();
    app.click_on("[data-testid=team-line]").await.unwrap();
    app.wait("[data-testid=team-activity]", LONG).await.unwrap();
    shot(&app, "12k-team").await;
    app.click_on("[data-testid=activity-new]").await.unwrap();
    app.click_on("[data-testid=activity-kind-performance]").await.unwrap();
    app.type_into("[data-testid=activity-title] input", "迎新春文艺汇演").await.unwrap();
    app.type_into("[data-testid=activity-place] input", "小区广场").await.unwrap();
    app.type_into("[data-testid=activity-participants] input", "45").await.unwrap();
    shot(&app, "12l-team-activity").await;
    app.click_on("[data-testid=activity-save]").await.unwrap();
    settled(&app).await;
    app.wait_until(
        "the new activity on the team's screen",
        "return [...document.querySelectorAll('[data-testid=team-activity]')].some(e => e.textContent.includes('迎新春文艺汇演'));",
        SHORT,
    )
    .await
    .unwrap();
    wait_badge(&app, "the activity synced", "state === 'synced' && pending === 0", LONG).await;
    let (_, after) = community.get(&format!("/v1/reports/teams?from={year}&to={month}")).await;
    assert_eq!(activities(&after), activities(&before) + 1, "the phone's activity in the console's report");
    let recorded = after["activities"].as_array().unwrap().iter().filter(|a| a["title"] == "迎新春文艺汇演").count();
    assert_eq!(recorded, 1);

    // -- The remaining screens.
    step("The remaining screens");
    go(&app, "#/my345").await;
    app.wait("[data-testid=my345-clears]", SHORT).await.unwrap();
    shot(&app, "12-my345").await;
    go(&app, "#/settings").await;
    app.wait("[data-testid=app-version]", SHORT).await.unwrap();
    shot(&app, "13-settings").await;
    app.click_on("[data-testid=settings-locale-en]").await.unwrap();
    go(&app, "#/").await;
    app.wait("[data-testid=home-progress]", SHORT).await.unwrap();
    shot(&app, "14-home-english").await;

    // The largest text size, in Chinese: the busiest screens still fit the window.
    step("The largest text size, in Chinese");
    go(&app, "#/settings").await;
    app.click_on("[data-testid=settings-locale-zh]").await.unwrap();
    app.click_on("[data-testid=\"text-size-1.5\"]").await.unwrap();
    shot(&app, "15-settings-extra-large").await;
    go(&app, "#/").await;
    app.wait("[data-testid=home-progress]", SHORT).await.unwrap();
    shot(&app, "16-home-extra-large").await;
    go(&app, &format!("#/household/{household}")).await;
    app.wait("[data-testid=household-name]", SHORT).await.unwrap();
    shot(&app, "17-household-extra-large").await;
    go(&app, &format!("#/household/{household}/visit")).await;
    app.wait("[data-testid=visit-summary]", SHORT).await.unwrap();
    shot(&app, "18-visit-form-extra-large").await;

    // -- Sign out: refused in words while a change is not on the server, unless confirmed.
    step("Sign out");
    let mut server = server;
    server.kill9();
    go(&app, &format!("#/household/{household}")).await;
    app.click_on("[data-testid=pairing-open]").await.unwrap();
    opened(&app, "[data-testid=pairing-open-popup]").await;
    app.type_into("[data-testid=pairing-helper] input", "李秀英").await.unwrap();
    app.click_on("[data-testid=pairing-need-medical]").await.unwrap();
    app.wait("[data-testid=pairing-need-medical][aria-checked=true]", SHORT).await.expect("the need is chosen");
    app.type_into("[data-testid=pairing-description] textarea", "已联系楼栋长每周上门两次，陪老人复查").await.unwrap();
    shot(&app, "19a-pairing-open").await;
    save_and_settle(&app, "[data-testid=pairing-save]").await;
    app.wait("[data-testid=pairing-case][data-state=open]", SHORT).await.unwrap();
    wait_badge(&app, "one change waiting", "pending === 1", SHORT).await;
    go(&app, "#/settings").await;
    app.click_on("[data-testid=sign-out]").await.unwrap();
    let dialog = app.wait(".van-dialog", SHORT).await.unwrap();
    let words = app.text(&dialog).await.unwrap();
    assert!(
        words.contains("还有 1 条记录没有同步到服务器，退出会丢失它们"),
        "the warning says, in the steward's words, how many records would be lost: {words:?}"
    );
    shot(&app, "19-sign-out-warning").await;
    app.click_on(".van-dialog__cancel").await.unwrap();
    settled(&app).await;
    wait_badge(&app, "still enrolled, the change still waiting", "pending === 1", SHORT).await;
    app.click_on("[data-testid=sign-out]").await.unwrap();
    app.click_on(".van-dialog__confirm").await.unwrap();
    app.wait("[data-testid=enrol-server]", SHORT).await.unwrap();
    go(&app, "#/").await;
    app.wait("[data-testid=enrol-server]", SHORT).await.expect("signed out, the app asks to enrol again");
    let store = tmp.path().join("app/store/steward.sqlite3");
    let conn = steward_tests::sqlite::Connection::open(&store).unwrap();
    for table in [
        "docs",
        "doc_changes",
        "pending",
        "reconcile",
        "households",
        "visits",
        "must_visits",
        "timely",
        "issues",
        "issue_events",
        "plan_items",
        "compounds",
        "meetings",
        "campaigns",
        "teams",
        "drafts",
    ] {
        let left: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap();
        assert_eq!(left, 0, "signing out leaves nothing in {table} on the phone");
    }

    app.end().await;
    drop(driver);
    step("done");
}
