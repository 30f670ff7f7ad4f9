//! Selecting a steward (选任流程) end to end at the server: an applicant entered by the community,
//! recommended, reviewed by the compound's branch and the community, cleared by six departments,
//! put under public notice with an objection checked, and appointed — the steward's account made
//! once, its enrolment code enrolling a phone that then syncs; every step by its own staff only,
//! a step on an old version refused, bad fields named with nothing stored. Who reads what: only
//! the staff of the steps read an applicant (each read in the access log); the town and admins
//! count applications without a name; a property company sees nothing. Refusals end it.

use chrono::Duration;
use serde_json::{json, Value};
use steward_core::time::now_millis;
use steward_sync_server::storage::Role;
use steward_tests::{Device, Supervisor, World};
use uuid::Uuid;

fn applicant(name: &str, phone: &str) -> Value {
    json!({
        "name": name,
        "gender": "female",
        "birth_date": "1972-05-01",
        "phone": phone,
        "address": "3栋2单元501",
        "political_status": "party_member",
        "occupation": "退休教师",
        "statement": "热心社区事务，愿意为邻里服务。"
    })
}

/// Today in the program's time zone, `ago` days back, as YYYY-MM-DD.
fn day(w: &World, ago: i64) -> String {
    let today = w.admin.zone().local(now_millis()).unwrap().date();
    (today - Duration::days(ago)).to_string()
}

async fn step(who: &Supervisor, id: &str, version: &Value, action: Value) -> (u16, Value) {
    who.post(&format!("/v1/selection/applications/{id}/steps"), json!({ "version": version, "action": action })).await
}

/// Takes a step that must succeed; returns the application after it.
async fn ok(who: &Supervisor, a: &Value, action: Value) -> Value {
    let (code, body) = step(who, a["id"].as_str().unwrap(), &a["version"], action.clone()).await;
    assert_eq!(code, 200, "{action}: {body}");
    body["application"].clone()
}

fn count_steps(a: &Value, code: &str) -> usize {
    a["steps"].as_array().unwrap().iter().filter(|s| s["step"] == code).count()
}

fn stored_version(w: &World, id: &str) -> u32 {
    w.admin.storage().application(Uuid::parse_str(id).unwrap()).unwrap().unwrap().version
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_becomes_an_enrolled_steward_each_step_taken_by_its_own_staff() {
    let mut w = World::start().await;
    let x = w.compound("蜀汉美郡");
    let branch = w.supervisor(x, "branch-x").await;
    let staff = w.supervisor(w.community(), "community").await;

    // A bad field is named and nothing is stored.
    let body = json!({ "compound_id": x, "applied_on": day(&w, 2), "applicant": applicant("陈晓燕", "call me") });
    let (code, err) = staff.post("/v1/selection/applications", body).await;
    assert_eq!((code, err["field"].as_str()), (400, Some("phone")), "{err}");
    let mut wordy = applicant("陈晓燕", "13900001111");
    wordy["statement"] = json!("长".repeat(2001));
    let long = json!({ "compound_id": x, "applied_on": day(&w, 2), "applicant": wordy });
    let (code, err) = staff.post("/v1/selection/applications", long).await;
    assert_eq!((code, err["field"].as_str()), (400, Some("statement")), "{err}");
    let future =
        json!({ "compound_id": x, "applied_on": day(&w, -1), "applicant": applicant("陈晓燕", "13900001111") });
    assert_eq!(staff.post("/v1/selection/applications", future).await.0, 400);
    assert!(w.admin.storage().applications(None).unwrap().is_empty(), "nothing stored from a refused form");

    let body = json!({ "compound_id": x, "applied_on": day(&w, 2), "applicant": applicant("陈晓燕", "13900001111") });
    let (code, a) = staff.post("/v1/selection/applications", body).await;
    assert_eq!(code, 201, "{a}");
    let id = a["id"].as_str().unwrap().to_string();
    assert_eq!((a["stage"].as_str(), a["version"].as_u64()), (Some("recommendation"), Some(1)));
    assert_eq!(a["offered"], json!(["recommend", "refuse"]));
    assert_eq!(a["compound"], "蜀汉美郡");

    // The grid worker's recommendation is the community's: the branch may not take it.
    let recommend = json!({ "step": "recommend", "grid_worker": "刘芳", "opinion": "群众基础好，推荐。" });
    let (code, _) = step(&branch, &id, &a["version"], recommend.clone()).await;
    assert_eq!(code, 403);
    assert_eq!(stored_version(&w, &id), 1, "a refused step changes nothing");
    let a = ok(&staff, &a, recommend).await;
    assert_eq!(a["stage"], "branch_review");
    assert_eq!(a["offered"], json!([]), "the community has nothing to do while the branch reviews");

    // The branch's first review: the community may not take it; an old version is refused.
    let review = json!({ "step": "branch_review", "opinion": "经支部委员会研究，同意。" });
    assert_eq!(step(&staff, &id, &a["version"], review.clone()).await.0, 403);
    let (code, err) = step(&branch, &id, &json!(1), review.clone()).await;
    assert_eq!((code, err["code"].as_str()), (409, Some("stale")), "{err}");
    let (_, seen) = branch.get(&format!("/v1/selection/applications/{id}")).await;
    assert_eq!(seen["offered"], json!(["branch_review", "refuse"]));
    let a = ok(&branch, &seen, review.clone()).await;
    // The same step sent twice (a retried request) does not move it twice.
    let (code, err) = step(&branch, &id, &seen["version"], review).await;
    assert_eq!((code, err["code"].as_str()), (409, Some("stale")));
    assert_eq!(count_steps(&a, "branch_review"), 1);

    let mut a = ok(&staff, &a, json!({ "step": "community_review", "opinion": "符合条件，同意报送联审。" })).await;
    assert_eq!(a["stage"], "departments");
    let departments = ["discipline", "police", "court", "petitions", "tax", "market_regulation"];
    for (n, d) in departments.iter().enumerate() {
        a = ok(&staff, &a, json!({ "step": "department", "department": d, "date": day(&w, 1), "clear": true })).await;
        if n == 1 {
            let again = json!({ "step": "department", "department": "police", "date": day(&w, 1), "clear": true });
            let (code, err) = step(&staff, &id, &a["version"], again).await;
            assert_eq!((code, err["code"].as_str()), (409, Some("wrong_step")), "{err}");
        }
    }
    assert_eq!(a["stage"], "to_notice");
    let recorded: Vec<&str> =
        a["departments"].as_array().unwrap().iter().map(|d| d["department"].as_str().unwrap()).collect();
    assert_eq!(recorded, departments, "each department once, in the order recorded");

    // The notice: too short refused with the field named; then a week that has ended.
    let short = json!({ "step": "notice", "starts_on": day(&w, 10), "ends_on": day(&w, 7), "contact": "社区" });
    let (code, err) = step(&staff, &id, &a["version"], short).await;
    assert_eq!((code, err["field"].as_str()), (400, Some("ends_on")), "{err}");
    let notice =
        json!({ "step": "notice", "starts_on": day(&w, 10), "ends_on": day(&w, 4), "contact": "艺苑社区党群服务中心" });
    let a = ok(&staff, &a, notice).await;
    assert_eq!((a["stage"].as_str(), a["notice"]["ends_on"].as_str()), (Some("notice"), Some(day(&w, 4).as_str())));
    let late = json!({ "step": "objection", "received_on": day(&w, 3), "text": "x", "upheld": false, "finding": "y" });
    let (code, err) = step(&staff, &id, &a["version"], late).await;
    assert_eq!((code, err["field"].as_str()), (400, Some("received_on")), "{err}");
    let objection = json!({ "step": "objection", "received_on": day(&w, 6), "text": "有居民反映其常年不在小区。",
        "upheld": false, "finding": "经核实，反映不实。" });
    let a = ok(&staff, &a, objection).await;
    assert_eq!(a["offered"], json!(["objection", "appoint", "refuse"]));

    // The appointment makes the steward once; a retried appointment makes no second one.
    let appoint = json!({ "step": "appoint", "vest": true, "handbook": false, "bag": false });
    let (code, done) = step(&staff, &id, &a["version"], appoint.clone()).await;
    assert_eq!(code, 200, "{done}");
    let (code, err) = step(&staff, &id, &a["version"], appoint).await;
    assert_eq!((code, err["code"].as_str()), (409, Some("stale")));
    let named: Vec<_> =
        w.admin.storage().stewards(Some(&[x])).unwrap().into_iter().filter(|s| s.name == "陈晓燕").collect();
    assert_eq!(named.len(), 1, "one steward account");
    let steward = named[0].id;
    assert_eq!(done["enrolment"]["steward_id"], steward.to_string());
    assert_eq!(done["application"]["steward_id"], steward.to_string());
    let a = done["application"].clone();
    assert_eq!(a["kit"], json!({ "vest": day(&w, 0), "handbook": null, "bag": null }));

    // Acknowledged means stored: it survives a restart, and the code enrols a phone that syncs.
    w.restart().await;
    let code = done["enrolment"]["code"].as_str().unwrap();
    let phone = Device::enrol(&w.url, code, w.dir.path()).await;
    assert_eq!((phone.steward_id, phone.compound_id), (steward, x));
    phone.sync().await;
    let (_, stewards) = branch.get("/v1/stewards").await;
    let listed = stewards.as_array().unwrap().iter().filter(|s| s["id"] == steward.to_string()).count();
    assert_eq!(listed, 1, "the new steward is in the compound's list: {stewards}");
    let r = reqwest::Client::new()
        .post(format!("{}/v1/enrol", w.url))
        .json(&json!({ "code": code, "device_name": "again" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "the first code enrols once");

    // The rest of the kit, then nothing more to do.
    let a = ok(&staff, &a, json!({ "step": "kit", "handbook": true, "bag": true })).await;
    assert_eq!(a["kit"], json!({ "vest": day(&w, 0), "handbook": day(&w, 0), "bag": day(&w, 0) }));
    assert_eq!(a["offered"], json!([]));
    let counts: Vec<(&str, usize)> = [
        "apply",
        "recommend",
        "branch_review",
        "community_review",
        "department",
        "notice",
        "objection",
        "appoint",
        "kit",
    ]
    .into_iter()
    .map(|c| (c, count_steps(&a, c)))
    .collect();
    assert_eq!(
        counts,
        vec![
            ("apply", 1),
            ("recommend", 1),
            ("branch_review", 1),
            ("community_review", 1),
            ("department", 6),
            ("notice", 1),
            ("objection", 1),
            ("appoint", 1),
            ("kit", 1)
        ]
    );
    assert_eq!(a["steps"].as_array().unwrap().len(), 14, "nothing else in the record");
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_staff_of_the_steps_read_an_applicant_and_every_read_is_logged() {
    let w = World::start().await;
    let (x, y) = (w.compound("蜀汉美郡"), w.compound("汉韵花园"));
    let town_id = w.admin.storage().place(w.community()).unwrap().unwrap().parent_id.unwrap();
    let staff = w.supervisor(w.community(), "community").await;
    let branch_x = w.supervisor(x, "branch-x").await;
    let branch_y = w.supervisor(y, "branch-y").await;
    let town = w.supervisor(town_id, "town").await;
    let property = w.user(x, "property", Role::Property).await;
    let admin = w.user(town_id, "root", Role::Admin).await;

    let new = |compound: Uuid, name: &str, phone: &str| json!({ "compound_id": compound, "applied_on": day(&w, 1), "applicant": applicant(name, phone) });
    let (code, ax) = branch_x.post("/v1/selection/applications", new(x, "陈晓燕", "13900001111")).await;
    assert_eq!(code, 201, "{ax}");
    let (code, _) = branch_x.post("/v1/selection/applications", new(y, "赵建华", "13900002222")).await;
    assert_eq!(code, 404, "a branch enters applications of its own compound only");
    let (code, ay) = staff.post("/v1/selection/applications", new(y, "赵建华", "13900002222")).await;
    assert_eq!(code, 201, "{ay}");
    let (idx, idy) = (ax["id"].as_str().unwrap(), ay["id"].as_str().unwrap());

    // The staff of the steps: the community both, each branch its own.
    let names = |v: &Value| -> Vec<String> {
        v["applications"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap().to_string()).collect()
    };
    let mut all = names(&staff.get("/v1/selection/applications").await.1);
    all.sort();
    assert_eq!(all, ["赵建华", "陈晓燕"]);
    assert_eq!(names(&branch_x.get("/v1/selection/applications").await.1), ["陈晓燕"]);
    assert_eq!(names(&branch_y.get("/v1/selection/applications").await.1), ["赵建华"]);
    assert_eq!(branch_y.get(&format!("/v1/selection/applications/{idx}")).await.0, 404);
    let recommend = json!({ "step": "recommend", "grid_worker": "刘芳", "opinion": "推荐" });
    assert_eq!(step(&branch_y, idx, &json!(1), recommend.clone()).await.0, 404);
    assert_eq!(stored_version(&w, idx), 1);

    // Everyone else: refused before any application is looked up; counts without names.
    for (who, user) in [("town", &town), ("admin", &admin), ("property", &property)] {
        for path in [
            "/v1/selection/applications".to_string(),
            format!("/v1/selection/applications/{idx}"),
            "/v1/selection/notice".into(),
        ] {
            assert_eq!(user.get(&path).await.0, 403, "{who} {path}");
        }
        assert_eq!(user.post("/v1/selection/applications", new(x, "黄淑芬", "13900003333")).await.0, 403, "{who}");
        assert_eq!(step(user, idx, &json!(1), recommend.clone()).await.0, 403, "{who}");
    }
    assert_eq!(w.admin.storage().applications(None).unwrap().len(), 2);
    assert_eq!(property.get("/v1/selection/summary").await.0, 403);
    for user in [&town, &admin] {
        let (code, text) = user.get_text("/v1/selection/summary").await;
        assert_eq!(code, 200, "{text}");
        for personal in ["陈晓燕", "赵建华", "13900001111", "3栋2单元501", "退休教师"] {
            assert!(!text.contains(personal), "the summary names no one: {text}");
        }
        let summary: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(summary["total"], 2);
        let counts: Vec<(&str, &Value)> = summary["compounds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["compound"].as_str().unwrap(), &c["counts"]["recommendation"]))
            .collect();
        assert_eq!(counts.len(), 2);
        assert!(counts.iter().all(|(_, n)| **n == json!(1)), "{counts:?}");
    }

    // Every read of an applicant is in the access log, once per read.
    let before = w.admin.storage().access_log(None, 1000).unwrap();
    staff.get(&format!("/v1/selection/applications/{idx}")).await;
    staff.get(&format!("/v1/selection/applications/{idx}")).await;
    branch_y.get(&format!("/v1/selection/applications/{idy}")).await;
    let log = w.admin.storage().access_log(None, 1000).unwrap();
    let new_entries: Vec<_> = log.iter().filter(|e| !before.iter().any(|b| b.seq == e.seq)).collect();
    let reads = |user: &str, id: &str| {
        new_entries
            .iter()
            .filter(|e| e.username == user && e.action == "selection: application")
            .filter(|e| e.households == [Uuid::parse_str(id).unwrap()])
            .count()
    };
    assert_eq!((reads("community", idx), reads("branch-y", idy), new_entries.len()), (2, 1, 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_at_any_step_ends_the_application_and_blocks_what_would_follow() {
    let w = World::start().await;
    let x = w.compound("蜀汉美郡");
    let branch = w.supervisor(x, "branch-x").await;
    let staff = w.supervisor(w.community(), "community").await;
    let enter = |name: &'static str| {
        let staff = &staff;
        let body = json!({ "compound_id": x, "applied_on": day(&w, 30), "applicant": applicant(name, "13900001111") });
        async move { staff.post("/v1/selection/applications", body).await.1 }
    };

    // Refused by the branch at its review: a reason is required; then nothing more is offered.
    let a = enter("吴刚").await;
    let a = ok(&staff, &a, json!({ "step": "recommend", "grid_worker": "刘芳", "opinion": "推荐" })).await;
    let id = a["id"].as_str().unwrap();
    let (code, err) = step(&branch, id, &a["version"], json!({ "step": "refuse", "reason": "  " })).await;
    assert_eq!((code, err["field"].as_str()), (400, Some("reason")));
    let (code, err) = step(&staff, id, &a["version"], json!({ "step": "refuse", "reason": "x" })).await;
    assert_eq!(code, 403, "the community may not refuse at the branch's step: {err}");
    let a = ok(&branch, &a, json!({ "step": "refuse", "reason": "长期不在小区居住。" })).await;
    assert_eq!((a["stage"].as_str(), a["refusal"]["stage"].as_str()), (Some("refused"), Some("branch_review")));
    assert_eq!(a["refusal"]["reason"], "长期不在小区居住。");
    assert_eq!(a["offered"], json!([]));
    let (code, err) = step(&branch, id, &a["version"], json!({ "step": "branch_review", "opinion": "同意" })).await;
    assert_eq!((code, err["code"].as_str()), (409, Some("wrong_step")));

    // A department objects: its note is required, and only refusal is left.
    let mut a = enter("赵建华").await;
    a = ok(&staff, &a, json!({ "step": "recommend", "grid_worker": "刘芳", "opinion": "推荐" })).await;
    a = ok(&branch, &a, json!({ "step": "branch_review", "opinion": "同意" })).await;
    a = ok(&staff, &a, json!({ "step": "community_review", "opinion": "同意" })).await;
    let id = a["id"].as_str().unwrap().to_string();
    let objects = json!({ "step": "department", "department": "court", "date": day(&w, 1), "clear": false });
    let (code, err) = step(&staff, &id, &a["version"], objects).await;
    assert_eq!((code, err["field"].as_str()), (400, Some("note")));
    let objects = json!({ "step": "department", "department": "court", "date": day(&w, 1), "clear": false, "note": "有未结案件" });
    a = ok(&staff, &a, objects).await;
    assert_eq!((a["stage"].as_str(), &a["offered"]), (Some("departments"), &json!(["refuse"])));
    let tax = json!({ "step": "department", "department": "tax", "date": day(&w, 1), "clear": true });
    assert_eq!(step(&staff, &id, &a["version"], tax).await.0, 409);

    // Under notice: no appointment before the notice ends, nor after an objection upheld.
    let mut a = enter("孙丽").await;
    a = ok(&staff, &a, json!({ "step": "recommend", "grid_worker": "刘芳", "opinion": "推荐" })).await;
    a = ok(&branch, &a, json!({ "step": "branch_review", "opinion": "同意" })).await;
    a = ok(&staff, &a, json!({ "step": "community_review", "opinion": "同意" })).await;
    for d in ["discipline", "police", "court", "petitions", "tax", "market_regulation"] {
        a = ok(&staff, &a, json!({ "step": "department", "department": d, "date": day(&w, 20), "clear": true })).await;
    }
    a = ok(&staff, &a, json!({ "step": "notice", "starts_on": day(&w, 2), "ends_on": day(&w, -3), "contact": "社区" }))
        .await;
    let id = a["id"].as_str().unwrap().to_string();
    let appoint = json!({ "step": "appoint", "vest": true });
    let (code, err) = step(&staff, &id, &a["version"], appoint.clone()).await;
    assert_eq!((code, err["code"].as_str()), (409, Some("wrong_step")), "{err}");
    a = ok(
        &staff,
        &a,
        json!({ "step": "objection", "received_on": day(&w, 1), "text": "反映", "upheld": true, "finding": "查实" }),
    )
    .await;
    let (code, _) = step(&staff, &id, &a["version"], appoint).await;
    assert_eq!(code, 409);
    assert_eq!(a["offered"], json!(["objection", "refuse"]));
    let stewards = w.admin.storage().stewards(Some(&[x])).unwrap();
    assert!(stewards.is_empty(), "no steward made by a refused appointment: {stewards:?}");
}
