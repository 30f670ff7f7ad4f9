//! The app's commands over Tauri's IPC, called as the UI calls them, on Tauri's mock runtime with
//! the app's real configuration and capabilities, against a real sync server: what a steward
//! types wrong gets `{code, message}` and changes nothing, another steward's household is out of
//! reach, and only the app's own window may call a command at all.
//!
//! The window test (`app_e2e`) drives the same commands through the real UI; this one reaches
//! the refusals a well-behaved UI never sends.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use steward_sync_server::admin;
use steward_tests::World;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

fn open_app(data: &Path) -> App<MockRuntime> {
    let mut app = steward_app_lib::app(mock_builder(), Some(data.to_path_buf()))
        .build(steward_app_lib::context())
        .expect("the app builds on the mock runtime");
    // One turn of the (mock) event loop runs the setup: the main window from tauri.conf.json,
    // the store, the background sync. `run` would not return.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    app
}

/// Invokes `cmd` from `window` as a page at `origin` would.
fn call_from(window: &WebviewWindow<MockRuntime>, origin: &str, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: origin.parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().expect("a JSON answer"))
}

/// Invokes `cmd` from the app's own page.
fn call(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    call_from(window, "tauri://localhost", cmd, args)
}

/// The refusal's code, after checking it carries words for the steward.
fn refused(result: Result<Value, Value>) -> String {
    let err = result.expect_err("refused");
    let message = err["message"].as_str().unwrap_or_default();
    assert!(!message.is_empty(), "a refusal says why: {err}");
    err["code"].as_str().unwrap_or_else(|| panic!("a refusal has a code: {err}")).to_string()
}

/// A refusal by Tauri itself: the arguments did not deserialize into the command's types.
fn bad_args(result: Result<Value, Value>, arg: &str) {
    let err = result.expect_err("refused");
    let text = err.as_str().unwrap_or_else(|| panic!("Tauri answers bad arguments with words: {err}"));
    assert!(text.contains(&format!("invalid args `{arg}`")), "want invalid args `{arg}` in {text}");
}

fn pending(window: &WebviewWindow<MockRuntime>) -> u64 {
    call(window, "sync_state", json!({})).unwrap()["status"]["pending_changes"].as_u64().unwrap()
}

fn visit_form(household: &str) -> Value {
    json!({"household_id": household, "method": "door_visit", "summary": "老人身体还好，想装个扶手"})
}

#[test]
fn commands_refuse_bad_input_with_a_code_and_words_and_change_nothing() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let world = rt.block_on(World::start());
    let compound = world.compound("幸福小区");
    let steward = world.steward(compound, "李秀英");
    let neighbour = world.steward(compound, "王建国");
    let mine = world.household(compound, Some(steward.id), 1).to_string();
    let theirs = world.household(compound, Some(neighbour.id), 2).to_string();
    let code = admin::issue_enrolment_code(&world.admin, steward.id, 1).unwrap();

    let data = tempfile::tempdir().unwrap();
    let app = open_app(data.path());
    let w = app.get_webview_window("main").expect("the main window from tauri.conf.json");

    // Not enrolled yet: nothing can be recorded, and the reason is named.
    assert_eq!(refused(call(&w, "record_visit", json!({ "form": visit_form(&mine) }))), "not_enrolled");

    // Enrolment: an address without a scheme, an empty code and a wrong code are refused.
    let enrol = |server: &str, code: &str| {
        call(&w, "enrol", json!({"serverUrl": server, "code": code, "deviceName": "测试手机"}))
    };
    assert_eq!(refused(enrol(world.url.trim_start_matches("http://"), &code)), "invalid");
    assert_eq!(refused(enrol(&world.url, "  ")), "invalid");
    assert_eq!(refused(enrol(&world.url, "WRONG-CODE")), "bad_enrolment_code");
    assert!(call(&w, "app_info", json!({})).unwrap()["identity"].is_null(), "no refusal enrolled the phone");
    let me = enrol(&world.url, &code).expect("the right code enrols");
    assert_eq!(me["steward_id"], steward.id.to_string());
    assert!(me.get("device_token").is_none(), "the device token never crosses to the UI: {me}");
    assert_eq!(refused(enrol(&world.url, &code)), "already_enrolled");

    // The first sync brings the steward's own household, and only that.
    let deadline = Instant::now() + Duration::from_secs(30);
    let households = loop {
        let overview = call(&w, "month_overview", json!({"month": null})).unwrap();
        let list = overview["households"].as_array().unwrap().clone();
        if !list.is_empty() || Instant::now() > deadline {
            break list;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let ids: Vec<&str> = households.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [mine.as_str()], "the steward's phone holds their own household only");
    let synced = Instant::now() + Duration::from_secs(30);
    while pending(&w) != 0 && Instant::now() < synced {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(pending(&w), 0);

    // The server goes away, so whatever a command writes stays counted as waiting.
    let mut world = world;
    rt.block_on(world.stop());

    // Forms with something missing or wrong: refused, nothing written.
    let mut no_method = visit_form(&mine);
    no_method.as_object_mut().unwrap().remove("method");
    bad_args(call(&w, "record_visit", json!({ "form": no_method })), "form");
    let mut odd_method = visit_form(&mine);
    odd_method["method"] = json!("carrier_pigeon");
    bad_args(call(&w, "record_visit", json!({ "form": odd_method })), "form");
    bad_args(call(&w, "record_visit", json!({})), "form");
    assert_eq!(refused(call(&w, "record_visit", json!({ "form": visit_form(&theirs) }))), "not_found");
    let mut bad_answer = visit_form(&mine);
    bad_answer["answers"] = json!([uuid::Uuid::new_v4()]);
    assert_eq!(refused(call(&w, "record_visit", json!({ "form": bad_answer }))), "invalid");
    assert_eq!(refused(call(&w, "household", json!({ "id": theirs }))), "not_found");
    bad_args(call(&w, "household", json!({ "id": "not-a-uuid" })), "id");
    let issue =
        json!({"category": "flying_wire_charging", "place": "", "description": "飞线充电", "route": "property_duty"});
    assert_eq!(refused(call(&w, "report_issue", json!({ "form": issue }))), "invalid", "an issue needs a place");
    assert_eq!(refused(call(&w, "month_overview", json!({"month": "2026-13"}))), "invalid");

    // Every other command that writes, with bad input: its code, and nothing written.
    let profile = call(&w, "household", json!({ "id": mine })).unwrap()["record"]["profile"].clone();
    let mut long_name = profile.clone();
    long_name["head_name"] = json!("名".repeat(101));
    let update =
        |id: &str, edited: &Value| call(&w, "update_profile", json!({"id": id, "base": profile, "profile": edited}));
    assert_eq!(refused(update(&mine, &long_name)), "invalid", "a name over its limit");
    assert_eq!(refused(update(&theirs, &profile)), "not_found", "another steward's household");
    bad_args(
        call(&w, "update_profile", json!({"id": mine, "base": profile, "profile": {"member_count": -1}})),
        "profile",
    );
    let note = |id: &str, text: String| call(&w, "add_pairing_note", json!({"id": id, "text": text}));
    assert_eq!(refused(note(&mine, "字".repeat(2001))), "invalid", "a note over its limit");
    assert_eq!(refused(note(&theirs, "结对帮扶".into())), "not_found");
    let must = |id: &str, m: Value| call(&w, "raise_must_visit", json!({"householdId": id, "mustVisit": m}));
    bad_args(must(&mine, json!({"trigger": "a_whim"})), "mustVisit");
    assert_eq!(refused(must(&mine, json!({"trigger": "hardship", "date": 0}))), "invalid", "a date in 1970");
    assert_eq!(refused(must(&theirs, json!({"trigger": "hardship"}))), "not_found");
    let timely = |id: &str, t: Value| call(&w, "raise_timely", json!({"householdId": id, "timely": t}));
    bad_args(timely(&mine, json!({"kind": "whenever"})), "timely");
    assert_eq!(refused(timely(&mine, json!({"kind": "urgent_help", "note": "字".repeat(2001)}))), "invalid");
    assert_eq!(refused(timely(&theirs, json!({"kind": "urgent_help"}))), "not_found");
    let resolve = json!({"householdId": mine, "eventId": uuid::Uuid::new_v4()});
    assert_eq!(refused(call(&w, "resolve_timely", resolve)), "not_found", "no such timely response");
    bad_args(call(&w, "resolve_timely", json!({"householdId": mine, "eventId": "soon"})), "eventId");
    let comment = json!({"id": uuid::Uuid::new_v4(), "text": "有人吗"});
    assert_eq!(refused(call(&w, "comment_issue", comment)), "not_found", "no such issue");
    let prefs = call(&w, "ui_prefs", json!({})).unwrap();
    assert_eq!(
        refused(call(&w, "set_ui_prefs", json!({"prefs": "字".repeat(90_000)}))),
        "invalid",
        "prefs over 256 KiB"
    );
    assert_eq!(call(&w, "ui_prefs", json!({})).unwrap(), prefs, "the prefs are as they were");
    let record = call(&w, "household", json!({ "id": mine })).unwrap()["record"].clone();
    assert_eq!(record["profile"], profile, "no refused edit touched the profile");
    for list in ["visits", "must_visits", "timely", "pairing"] {
        assert_eq!(record[list], json!([]), "no refused command added to {list}");
    }
    assert_eq!(pending(&w), 0, "no refused command left a change behind");
    let record = call(&w, "household", json!({ "id": mine })).unwrap()["record"].clone();
    assert_eq!(record["visits"], json!([]), "no refused visit was recorded");

    // The form's draft goes in the same step as the visit is recorded, and stays if it is refused.
    let key = format!("visit:{mine}");
    call(&w, "save_draft", json!({"key": key, "value": {"summary": "老人身体还好"}})).unwrap();
    let mut refused_form = visit_form(&mine);
    refused_form["answers"] = json!([uuid::Uuid::new_v4()]);
    assert_eq!(refused(call(&w, "record_visit", json!({"form": refused_form, "draftKey": key}))), "invalid");
    assert!(!call(&w, "load_draft", json!({"key": key})).unwrap().is_null(), "a refused form keeps its draft");
    call(&w, "record_visit", json!({"form": visit_form(&mine), "draftKey": key})).unwrap();
    assert!(call(&w, "load_draft", json!({"key": key})).unwrap().is_null(), "a recorded visit leaves no draft");
    assert_eq!(pending(&w), 1);

    // A steward may only verify or reopen (with a reason) an issue.
    let issue = json!({"category": "flying_wire_charging", "place": "3栋楼道", "description": "飞线充电", "route": "property_duty"});
    let issue_id = call(&w, "report_issue", json!({ "form": issue })).unwrap();
    assert_eq!(pending(&w), 2);
    let set = |status: &str, comment: &str| {
        call(&w, "set_issue_status", json!({"id": issue_id, "status": status, "comment": comment}))
    };
    assert_eq!(refused(set("resolved", "")), "invalid", "resolving is the property company's");
    assert_eq!(refused(set("reopened", "  ")), "invalid", "reopening needs a reason");
    bad_args(set("lost", ""), "status");
    let issue = call(&w, "issue", json!({ "id": issue_id })).unwrap();
    assert_eq!((&issue["status"], &issue["timeline"]), (&json!("reported"), &json!([])), "nothing moved: {issue}");
    assert_eq!(pending(&w), 2);

    // Signing out with a change not yet on the server: refused with how many, until confirmed.
    let refusal = call(&w, "sign_out", json!({"discard": false})).expect_err("refused while a change waits");
    assert_eq!((refusal["code"].as_str(), refusal["count"].as_u64()), (Some("unsynced_changes"), Some(2)), "{refusal}");
    assert!(!call(&w, "app_info", json!({})).unwrap()["identity"].is_null(), "still enrolled");
    call(&w, "sign_out", json!({"discard": true})).expect("confirmed");
    assert_eq!(refused(call(&w, "record_visit", json!({ "form": visit_form(&mine) }))), "not_enrolled");
    assert_eq!(refused(call(&w, "household", json!({ "id": mine }))), "not_found", "no household is left on the phone");
    assert_eq!(call(&w, "issues", json!({})).unwrap(), json!([]), "no issue is left on the phone");
}

#[test]
fn only_the_apps_own_window_and_page_may_call_its_commands() {
    let data = tempfile::tempdir().unwrap();
    let app = open_app(data.path());
    let main = app.get_webview_window("main").unwrap();
    assert!(call(&main, "app_info", json!({})).is_ok(), "the main window may");

    let other = WebviewWindowBuilder::new(&app, "other", WebviewUrl::default()).build().unwrap();
    assert!(call(&other, "app_info", json!({})).is_err(), "a window the capabilities do not name may not");
    assert!(call_from(&main, "https://example.org", "app_info", json!({})).is_err(), "a remote page may not");
    assert!(call(&main, "plugin:fs|read_file", json!({"path": "/etc/passwd"})).is_err(), "no plugin beyond the app's");
    // Commands that exist (Tauri's own event and window plugins are always there) but that the
    // capability does not grant: refused as not allowed, not as unknown.
    for (cmd, args) in [
        ("plugin:event|emit", json!({"event": "sync", "payload": null})),
        ("plugin:window|close", json!({"label": "main"})),
    ] {
        let err = call(&main, cmd, args).expect_err(cmd);
        let text = err.as_str().unwrap_or_default();
        assert!(text.contains("not allowed"), "{cmd}: {text}");
    }
    assert!(
        call(&main, "plugin:event|listen", json!({"event": "sync", "target": {"kind": "Any"}, "handler": 7})).is_ok(),
        "what it grants works"
    );
}
