//! The spine end to end: real device stores and sync clients against a real server over HTTP.

use std::collections::BTreeSet;
use std::time::Duration;

use steward_client::{spawn_background, Backoff};
use steward_core::doc::{NewIssue, NewMustVisit, NewTimely, Projection};
use steward_core::model::*;
use steward_core::time::now_millis;
use steward_tests::{visit, Device, World};
use uuid::Uuid;

fn issue(compound: Uuid, reporter: Uuid, route: IssueRoute) -> NewIssue {
    NewIssue {
        id: Uuid::new_v4(),
        compound_id: compound,
        reporter_id: reporter,
        reported_at: now_millis(),
        category: IssueCategory::FlyingWireCharging,
        place: "3栋1单元门口".into(),
        description: "有住户从二楼窗户拉电线给电瓶车充电，存在火灾隐患，请物业尽快处理。".into(),
        route,
    }
}

fn household_of(d: &Device, id: Uuid) -> steward_core::doc::HouseholdRecord {
    match d.with(|s| s.project(id)).unwrap() {
        Projection::Household(h) => h,
        other => panic!("not a household: {other:?}"),
    }
}

fn issue_of(d: &Device, id: Uuid) -> steward_core::doc::IssueRecord {
    match d.with(|s| s.project(id)).unwrap() {
        Projection::Issue(i) => i,
        other => panic!("not an issue: {other:?}"),
    }
}

/// The server's projection of a document, from the supervisor pull.
fn pulled(docs: &serde_json::Value, id: Uuid) -> serde_json::Value {
    let mut d =
        docs["docs"].as_array().unwrap().iter().find(|d| d["id"] == id.to_string()).cloned().expect("doc in pull");
    d.as_object_mut().unwrap().remove("seq");
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_and_a_supervisor_editing_apart_end_identical_and_lose_nothing() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let sup = w.supervisor(c, "branch-secretary").await;
    let a = w.device(s.id).await;
    let b = w.device(s.id).await;
    a.sync().await;
    let reported = issue(c, s.id, IssueRoute::PropertyDuty);
    a.with(|st| st.report_issue(&reported)).unwrap();
    a.sync().await;
    b.sync().await;
    assert_eq!(household_of(&a, h), household_of(&b, h));

    // Apart: different fields and the same field, on both devices and on the server.
    let mut pa = household_of(&a, h).profile;
    pa.phone = Some("13900000001".into());
    pa.notes.push_str("（A补充：已联系其女儿）");
    let va = visit(s.id, now_millis() - 3_600_000);
    a.with(|st| {
        st.update_profile(h, &pa)?;
        st.record_visit(h, &va)
    })
    .unwrap();
    let mut pb = household_of(&b, h).profile;
    pb.head_name = "张桂兰（户主）".into();
    pb.phone = Some("13900000002".into());
    let vb = visit(s.id, now_millis() - 1_800_000);
    b.with(|st| {
        st.update_profile(h, &pb)?;
        st.record_visit(h, &vb)?;
        st.comment_issue(reported.id, "B：今天又看到有人拉线充电")
    })
    .unwrap();
    let (status, _) = sup
        .post(
            &format!("/v1/households/{h}/must-visits"),
            serde_json::json!({"trigger": "hardship", "note": "家庭困难"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = sup
        .post(
            &format!("/v1/issues/{}/status", reported.id),
            serde_json::json!({"status": "accepted", "comment": "已受理，转物业"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = sup
        .post(&format!("/v1/issues/{}/comments", reported.id), serde_json::json!({"text": "请物业本周内处理"}))
        .await;
    assert_eq!(status, 200);

    // Sync in different orders.
    b.sync().await;
    a.sync().await;
    b.sync().await;
    a.sync().await;

    let (ha, hb) = (household_of(&a, h), household_of(&b, h));
    assert_eq!(ha, hb, "both devices hold the same household");
    let (ia, ib) = (issue_of(&a, reported.id), issue_of(&b, reported.id));
    assert_eq!(ia, ib, "both devices hold the same issue");

    let visits: BTreeSet<Uuid> = ha.visits.iter().map(|v| v.id).collect();
    assert!(visits.contains(&va.id) && visits.contains(&vb.id), "both visits survive");
    assert_eq!(ha.must_visits.len(), 1, "the supervisor's must-visit arrived");
    assert_eq!(ha.profile.head_name, "张桂兰（户主）", "B's edit of a field only B changed is kept");
    assert!(ha.profile.notes.contains("A补充"), "A's edit of a field only A changed is kept");
    assert!(
        ["13900000001", "13900000002"].contains(&ha.profile.phone.as_deref().unwrap()),
        "the same field resolves to one of the two"
    );
    assert_eq!(ia.status, IssueStatus::Accepted);
    let texts: Vec<&str> = ia.timeline.iter().map(|e| e.text.as_str()).collect();
    for t in ["B：今天又看到有人拉线充电", "已受理，转物业", "请物业本周内处理"] {
        assert!(texts.contains(&t), "timeline has {t:?}: {texts:?}");
    }
    assert_eq!(a.with(|s| s.pending_count()).unwrap(), 0);
    assert_eq!(b.with(|s| s.pending_count()).unwrap(), 0);

    // The server's read model is the same merge.
    let (_, all) = sup.get("/v1/pull").await;
    assert_eq!(pulled(&all, h), serde_json::to_value(Projection::Household(ha)).unwrap());
    assert_eq!(pulled(&all, reported.id), serde_json::to_value(Projection::Issue(ia)).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_steady_state_sync_is_one_round_trip_and_close_to_the_change_size() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let households: Vec<Uuid> = (0..20).map(|n| w.household(c, Some(s.id), n)).collect();
    let mut d = w.device(s.id).await;
    let net = std::sync::Arc::new(steward_tests::net::FaultyNet::new());
    d.client = steward_client::SyncClient::with_transport(net.clone());
    d.sync().await;
    // The edits' own bytes, from the edits themselves: each household's changes since its heads
    // before the visit (not from what the sync will send).
    let mut raw = 0usize;
    let mut made = Vec::new();
    for (i, h) in households.iter().enumerate().take(10) {
        let before = d.with(|st| st.doc_heads(*h)).unwrap();
        d.with(|st| st.record_visit(*h, &visit(s.id, now_millis() - i as i64 * 1000))).unwrap();
        let new = d.with(|st| st.changes_since(*h, &before)).unwrap();
        assert_eq!(new.len(), 1, "one visit, one change");
        raw += new[0].1.len();
        made.push(new[0].0);
    }
    let before = net.exchanges().len();
    let report = d.sync().await;
    assert_eq!(report.round_trips, 1);
    let wire = (report.bytes_sent + report.bytes_received) as usize;
    assert!(wire <= raw * 3 / 2 + 1024, "wire {wire} bytes for {raw} bytes of changes");
    // The payload is exactly the new changes: none the server already had, none twice.
    let log = net.exchanges();
    let (req, _) = &log[before];
    let mut pushed = Vec::new();
    for p in &req.push {
        for item in &p.data {
            pushed.push(automerge::Change::from_bytes(item.to_vec()).expect("a change chunk").hash());
        }
    }
    pushed.sort();
    made.sort();
    assert_eq!(pushed, made, "the push carries the ten new changes and nothing else");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_sync_the_supervisor_pull_and_reports_show_the_merged_work() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "王建国");
    let h = w.household(c, Some(s.id), 2);
    let sup = w.supervisor(c, "sup").await;
    let d = w.device(s.id).await;
    d.sync().await;

    let month = steward_core::time::ProgramZone::default().month_of(now_millis());
    let mv = NewMustVisit {
        id: Uuid::new_v4(),
        trigger: MustVisitTrigger::IllnessOrDeath,
        date: now_millis() - 86_400_000,
        note: "住院".into(),
        raised_by: s.id,
    };
    let t = NewTimely {
        id: Uuid::new_v4(),
        kind: TimelyKind::UrgentHelp,
        raised_at: now_millis() - 7_200_000,
        note: "水管爆裂".into(),
        raised_by: s.id,
    };
    let v = visit(s.id, now_millis() - 60_000);
    let reported = issue(c, s.id, IssueRoute::PropertyDuty);
    d.with(|st| {
        st.plan_households(month, &[h], &[])?;
        st.record_visit(h, &v)?;
        st.raise_must_visit(h, &mv)?;
        st.raise_timely(h, &t)?;
        st.report_issue(&reported).map(|_| ())
    })
    .unwrap();
    d.sync().await;

    let (_, all) = sup.get("/v1/pull").await;
    let hh = pulled(&all, h);
    assert_eq!(hh["visits"][0]["id"], v.id.to_string());
    let (_, visits) = sup.get(&format!("/v1/reports/visits?month={month}")).await;
    let row = visits.as_array().unwrap().iter().find(|r| r["steward_id"] == s.id.to_string()).unwrap().clone();
    assert_eq!(
        (row["planned"].as_u64(), row["planned_visited"].as_u64(), row["visits"].as_u64()),
        (Some(1), Some(1), Some(1))
    );
    let (_, must) = sup.get("/v1/reports/must-visits").await;
    assert_eq!(must[0]["id"], mv.id.to_string());
    assert_eq!(must[0]["age_days"], 1);
    assert!(
        must[0]["server_seen_at"].as_i64().unwrap() >= must[0]["date"].as_i64().unwrap(),
        "when the server first saw it"
    );
    let (_, timely) = sup.get("/v1/reports/timely").await;
    assert_eq!(timely["rows"][0]["id"], t.id.to_string());
    assert_eq!(timely["rows"][0]["timeliness"], "open");
    assert!(timely["rows"][0]["server_seen_at"].is_i64());
    let (_, issues) = sup.get("/v1/reports/issues").await;
    assert_eq!(issues["counts"][0]["status"], "reported");
    let (status, csv) = sup.get_text("/v1/reports/visit-ledger?format=csv").await;
    assert_eq!(status, 200);
    assert!(csv.starts_with('\u{feff}') && csv.contains("住户2"), "ledger CSV for Excel");

    // Incremental pull: nothing new, then only what changed.
    let cursor = all["cursor"].as_str().unwrap().to_string();
    let (_, none) = sup.get(&format!("/v1/pull?since={cursor}")).await;
    assert_eq!(none["docs"].as_array().unwrap().len(), 0);

    // The steward answers the must-visit and resolves the event; the supervisor resolves the
    // issue; the steward sees it and verifies.
    let mut answer = visit(s.id, now_millis());
    answer.answers = vec![mv.id];
    d.with(|st| {
        st.record_visit(h, &answer)?;
        st.resolve_timely(h, t.id)
    })
    .unwrap();
    let (status, _) = sup
        .post(
            &format!("/v1/issues/{}/status", reported.id),
            serde_json::json!({"status": "resolved", "comment": "电线已拆除"}),
        )
        .await;
    assert_eq!(status, 200);
    d.sync().await;
    assert_eq!(issue_of(&d, reported.id).status, IssueStatus::Resolved);
    d.with(|st| st.set_issue_status(reported.id, IssueStatus::Verified, "已现场查看")).unwrap();
    d.sync().await;

    let (_, changed) = sup.get(&format!("/v1/pull?since={cursor}")).await;
    let ids: BTreeSet<String> =
        changed["docs"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, BTreeSet::from([h.to_string(), reported.id.to_string()]));
    let (_, must) = sup.get("/v1/reports/must-visits").await;
    assert_eq!(must.as_array().unwrap().len(), 0, "answered must-visits are no longer open");
    let (_, timely) = sup.get("/v1/reports/timely").await;
    assert_eq!(timely["summary"]["on_time"], 1);
    let (_, issues) = sup.get("/v1/reports/issues").await;
    assert_eq!(issues["issues"][0]["status"], "verified");

    // A holiday must-visit for the whole compound reaches the device by sync.
    let (status, raised) =
        sup.post(&format!("/v1/compounds/{c}/holiday-must-visits"), serde_json::json!({"note": "春节走访"})).await;
    assert_eq!((status, raised["raised"].as_u64()), (200, Some(1)));
    d.sync().await;
    let open = d.with(|st| st.open_must_visits()).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].trigger, MustVisitTrigger::MajorHoliday);

    // The three clears, computed from the households.
    let (_, clears) = sup.get("/v1/reports/three-clears").await;
    let row = clears.as_array().unwrap().iter().find(|r| r["steward_id"] == s.id.to_string()).unwrap().clone();
    assert_eq!((row["households"].as_u64(), row["percent"][1].as_u64()), (Some(1), Some(100)));

    // A supervisor plans next month for the steward; the plan reaches the device.
    let next = month.next();
    let (status, _) = sup
        .send(reqwest::Method::PUT, &format!("/v1/plans/{}/{next}", s.id), serde_json::json!({"households": [h]}))
        .await;
    assert_eq!(status, 200);
    let (status, _) = sup
        .send(
            reqwest::Method::PUT,
            &format!("/v1/plans/{}/{next}", s.id),
            serde_json::json!({"households": [Uuid::new_v4()]}),
        )
        .await;
    assert_eq!(status, 400, "a plan names only the compound's households");
    d.sync().await;
    let progress = d.with(|st| st.month_progress(next)).unwrap();
    assert_eq!((progress.planned, progress.plan_out_of_range), (1, true));

    // A supervisor changes a deadline; the device's view of "how late" follows.
    let (status, _) = sup
        .send(reqwest::Method::PUT, &format!("/v1/compounds/{c}/deadlines"), serde_json::json!({"urgent_help": 720}))
        .await;
    assert_eq!(status, 200);
    d.sync().await;
    assert_eq!(d.with(|st| st.deadline_policy()).unwrap().minutes_for(TimelyKind::UrgentHelp), 720);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_steward_cannot_reach_another_stewards_documents_nor_a_supervisor_another_compound() {
    let w = World::start().await;
    let c1 = w.compound("蜀汉美郡");
    let c2 = w.compound("佳苑小区");
    let s1 = w.steward(c1, "甲");
    let s2 = w.steward(c1, "乙");
    let h1 = w.household(c1, Some(s1.id), 1);
    let h2 = w.household(c1, Some(s2.id), 2);
    let d1 = w.device(s1.id).await;
    let d2 = w.device(s2.id).await;
    d1.sync().await;
    d2.sync().await;
    assert!(d1.with(|s| s.doc_ids()).unwrap().contains(&h1));
    assert!(!d1.with(|s| s.doc_ids()).unwrap().contains(&h2), "steward 1 never receives steward 2's household");

    // Steward 1's token carrying a change to steward 2's household.
    d2.with(|s| s.record_visit(h2, &visit(s2.id, now_millis()))).unwrap();
    let (req, _) = d2.with(|s| s.prepare_sync()).unwrap();
    let token1 = d1.with(|s| s.identity()).unwrap().unwrap().device_token;
    let resp = reqwest::Client::new()
        .post(format!("{}/v1/sync", w.url))
        .bearer_auth(&token1)
        .body(steward_core::protocol::encode(&req))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["docs"][0], h2.to_string());

    // Tokens: none, wrong, and a device's on a supervisor's endpoint.
    let http = reqwest::Client::new();
    assert_eq!(http.post(format!("{}/v1/sync", w.url)).body(vec![0xa0]).send().await.unwrap().status().as_u16(), 401);
    assert_eq!(
        http.post(format!("{}/v1/sync", w.url))
            .bearer_auth("forged")
            .body(vec![0xa0])
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    assert_eq!(http.get(format!("{}/v1/pull", w.url)).send().await.unwrap().status().as_u16(), 401);
    assert_eq!(
        http.get(format!("{}/v1/pull", w.url)).bearer_auth(&token1).send().await.unwrap().status().as_u16(),
        403
    );

    // A supervisor of compound 2 sees nothing of compound 1 and cannot steer it.
    let reported = issue(c1, s1.id, IssueRoute::CommunityCoordination);
    d1.with(|s| s.report_issue(&reported)).unwrap();
    d1.sync().await;
    let other = w.supervisor(c2, "other-branch").await;
    let (_, all) = other.get("/v1/pull").await;
    let docs = all["docs"].as_array().unwrap();
    assert!(!docs.is_empty());
    assert!(docs
        .iter()
        .all(|d| d["compound_id"] == c2.to_string() || (d["kind"] == "compound" && d["id"] == c2.to_string())));
    let (_, issues) = other.get("/v1/reports/issues").await;
    assert_eq!(issues["issues"].as_array().unwrap().len(), 0);
    let (status, _) =
        other.post(&format!("/v1/issues/{}/status", reported.id), serde_json::json!({"status": "accepted"})).await;
    assert_eq!(status, 404, "outside one's place is answered as if it did not exist");
    let (status, _) =
        other.post(&format!("/v1/households/{h1}/must-visits"), serde_json::json!({"trigger": "hardship"})).await;
    assert_eq!(status, 404);

    // The property company acts on issues within its duty only.
    let property = w.user(c1, "jiayuan", steward_sync_server::storage::Role::Property).await;
    let (status, _) =
        property.post(&format!("/v1/issues/{}/comments", reported.id), serde_json::json!({"text": "不归物业管"})).await;
    assert_eq!(status, 404);
    let duty = issue(c1, s1.id, IssueRoute::PropertyDuty);
    d1.with(|s| s.report_issue(&duty)).unwrap();
    d1.sync().await;
    let (status, _) = property
        .post(
            &format!("/v1/issues/{}/status", duty.id),
            serde_json::json!({"status": "in_progress", "comment": "已派人处理"}),
        )
        .await;
    assert_eq!(status, 200);

    // Reassigning a household moves it between devices.
    let sup = w.supervisor(c1, "sup").await;
    let h3 = w.household(c1, Some(s1.id), 3);
    d1.sync().await;
    let offline_visit = visit(s1.id, now_millis());
    d1.with(|s| s.record_visit(h3, &offline_visit)).unwrap();
    let (status, _) = sup.post(&format!("/v1/households/{h3}/assign"), serde_json::json!({"steward_id": s2.id})).await;
    assert_eq!(status, 200);
    d1.sync().await;
    let kept = household_of(&d1, h3);
    assert!(kept.visits.iter().any(|v| v.id == offline_visit.id), "an unsynced visit is never dropped");
    let st = d1.with(|s| s.sync_status()).unwrap();
    assert_eq!(st.rejected.len(), 1, "the badge says a document was set aside and why: {st:?}");
    assert!(st.rejected[0].1.contains("reassigned") || st.rejected[0].1.contains("not this steward"), "{st:?}");
    let (status, _) = sup.post(&format!("/v1/households/{h1}/assign"), serde_json::json!({"steward_id": s2.id})).await;
    assert_eq!(status, 200);
    d1.sync().await;
    d2.sync().await;
    assert!(!d1.with(|s| s.doc_ids()).unwrap().contains(&h1), "the old steward's device drops it");
    assert!(d2.with(|s| s.doc_ids()).unwrap().contains(&h1), "the new steward's device receives it whole");
    let (status, _) =
        sup.post(&format!("/v1/households/{h1}/assign"), serde_json::json!({"steward_id": Uuid::new_v4()})).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_or_replayed_sync_request_changes_nothing() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    d.with(|st| st.record_visit(h, &visit(s.id, now_millis()))).unwrap();
    let (old_req, _) = d.with(|st| st.prepare_sync()).unwrap();
    d.with(|st| st.record_visit(h, &visit(s.id, now_millis()))).unwrap();
    let (req, _) = d.with(|st| st.prepare_sync()).unwrap();
    let token = d.with(|st| st.identity()).unwrap().unwrap().device_token;
    let http = reqwest::Client::new();
    let post = |body: Vec<u8>| http.post(format!("{}/v1/sync", w.url)).bearer_auth(&token).body(body).send();
    let encode = steward_core::protocol::encode::<steward_core::protocol::SyncRequest>;
    let first = post(encode(&req)).await.unwrap();
    assert_eq!(first.status().as_u16(), 200);
    let seq = w.admin.storage().max_seq().unwrap();
    let projection = w.admin.storage().projections(&steward_sync_server::storage::Scope::All, None, -1).unwrap();
    // Repeated, then an older request replayed out of order, then repeated again.
    for (body, exact_repeat) in [(encode(&req), true), (encode(&old_req), false), (encode(&req), true)] {
        let again = post(body).await.unwrap();
        assert_eq!(again.status().as_u16(), 200);
        let resp: steward_core::protocol::SyncResponse =
            steward_core::protocol::decode(&again.bytes().await.unwrap()).unwrap();
        if exact_repeat {
            assert!(resp.pull.is_empty(), "a repeat pulls back nothing the device sent");
        }
    }
    assert_eq!(w.admin.storage().max_seq().unwrap(), seq, "replays store nothing new");
    let after = w.admin.storage().projections(&steward_sync_server::storage::Scope::All, None, -1).unwrap();
    assert_eq!(
        after.iter().map(|r| &r.json).collect::<Vec<_>>(),
        projection.iter().map(|r| &r.json).collect::<Vec<_>>()
    );
    // The device, which never saw the first answer, syncs normally.
    d.sync().await;
    assert_eq!(d.with(|st| st.pending_count()).unwrap(), 0);
    assert_eq!(household_of(&d, h).visits.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_truncated_oversized_and_wrong_document_payloads_get_4xx_and_store_nothing() {
    let w = World::start_with(|c| c.max_body_bytes = 64 * 1024).await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let h_other = w.household(c, Some(s.id), 2);
    let d = w.device(s.id).await;
    d.sync().await;
    d.with(|st| st.record_visit(h, &visit(s.id, now_millis()))).unwrap();
    let (req, _) = d.with(|st| st.prepare_sync()).unwrap();
    let good = steward_core::protocol::encode(&req);
    let token = d.with(|st| st.identity()).unwrap().unwrap().device_token;
    let seq = w.admin.storage().max_seq().unwrap();
    let stored = w.stored();
    let http = reqwest::Client::new();

    let mut cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("garbage", b"this is not cbor at all".to_vec(), 400),
        ("empty", Vec::new(), 400),
        ("truncated", good[..good.len() / 2].to_vec(), 400),
        ("oversized", vec![0u8; 100 * 1024], 413),
    ];
    // A change with a flipped byte: its checksum no longer matches.
    let mut corrupt = req.clone();
    let data = corrupt.push[0].data[0].as_mut();
    let mid = data.len() / 2;
    data[mid] ^= 0xff;
    cases.push(("corrupted change", steward_core::protocol::encode(&corrupt), 400));
    // A change cut short inside a valid envelope.
    let mut short = req.clone();
    let n = short.push[0].data[0].len();
    short.push[0].data[0] = serde_bytes::ByteBuf::from(short.push[0].data[0][..n - 7].to_vec());
    cases.push(("truncated change", steward_core::protocol::encode(&short), 400));
    // A base head that is not a hash.
    let mut bad_base = req.clone();
    bad_base.push[0].base = vec![serde_bytes::ByteBuf::from(vec![1u8; 31])];
    cases.push(("bad base", steward_core::protocol::encode(&bad_base), 400));
    // This household's new changes pushed under another household's id.
    let mut wrong = req.clone();
    wrong.push[0].id = h_other;
    cases.push(("changes of another document", steward_core::protocol::encode(&wrong), 422));
    // This household's changes pushed under a made-up id, as if a new document.
    let mut stray = req.clone();
    stray.push[0].id = Uuid::new_v4();
    stray.push[0].base.clear();
    cases.push(("unknown id with another document's changes", steward_core::protocol::encode(&stray), 422));
    let mut version = req.clone();
    version.v = 99;
    cases.push(("future envelope version", steward_core::protocol::encode(&version), 400));
    // One good document and one damaged one in the same request: neither is stored.
    d.with(|st| st.record_visit(h_other, &visit(s.id, now_millis()))).unwrap();
    let (both, _) = d.with(|st| st.prepare_sync()).unwrap();
    assert_eq!(both.push.len(), 2);
    let mut mixed = both.clone();
    let bad = mixed.push.iter_mut().find(|p| p.id == h_other).unwrap();
    let data = bad.data[0].as_mut();
    let mid = data.len() / 2;
    data[mid] ^= 0xff;
    cases.push(("a good document beside a damaged one", steward_core::protocol::encode(&mixed), 400));

    for (what, body, want) in cases {
        let resp = http.post(format!("{}/v1/sync", w.url)).bearer_auth(&token).body(body).send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        if want == 0 {
            // Changes that do not build on this document: either refused outright or answered
            // with need_sync, and in both cases nothing stored.
            assert!(status == 422 || status == 200, "{what}: {status} {text}");
        } else {
            assert_eq!(status, want, "{what}: {text}");
        }
        if status >= 400 && status != 413 {
            let body: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what}: error body is JSON: {text}"));
            assert!(!body["message"].as_str().unwrap_or("").is_empty(), "{what}: the error says what was wrong");
        }
        assert_eq!(w.stored(), stored, "{what}: nothing stored (change log, documents, projections)");
    }
    // Still serving, and the real sync goes through.
    assert_eq!(http.get(format!("{}/healthz", w.url)).send().await.unwrap().status().as_u16(), 200);
    d.sync().await;
    assert!(w.admin.storage().max_seq().unwrap() > seq);
    assert_eq!(d.with(|st| st.pending_count()).unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_syncs_by_itself_when_the_server_comes_back() {
    let mut w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    w.stop().await;

    let bg = spawn_background(
        d.store.clone(),
        d.client.clone(),
        Backoff { base: Duration::from_millis(50), max: Duration::from_millis(400), idle: Duration::from_secs(60) },
    );
    let mut state = bg.subscribe();
    d.with(|st| {
        st.record_visit(h, &visit(s.id, now_millis()))?;
        st.report_issue(&issue(c, s.id, IssueRoute::PropertyDuty)).map(|_| ())
    })
    .unwrap();
    bg.wake();
    let offline = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            state.changed().await.unwrap();
            let s = state.borrow().clone();
            if s.offline && s.status.pending_changes == 2 {
                return s;
            }
        }
    })
    .await
    .expect("the badge shows offline with 2 changes waiting");
    assert!(offline.status.last_error.unwrap().contains("cannot reach the server"));

    w.restart().await;
    tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            state.changed().await.unwrap();
            let s = state.borrow().clone();
            if !s.offline && s.status.pending_changes == 0 && s.status.last_success_at.is_some() {
                return;
            }
        }
    })
    .await
    .expect("the device synced by itself");
    assert_eq!(d.with(|st| st.sync_status()).unwrap().last_error, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restored_from_backup_gets_back_what_it_lost_through_the_sync_protocol() {
    let mut w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let sup = w.supervisor(c, "sup").await;
    let d = w.device(s.id).await;
    d.sync().await;
    let lost = visit(s.id, now_millis() - 10_000);
    d.with(|st| st.record_visit(h, &lost)).unwrap();
    d.sync().await;

    // Back up now, then record more and sync, then restore the backup.
    let db = w.config.data_dir.join("steward.sqlite3");
    let backup = w.dir.path().join("backup.sqlite3");
    {
        let conn = rusqlite_open(&db);
        conn.execute("VACUUM INTO ?1", [backup.to_str().unwrap()]).unwrap();
    }
    let after_backup = visit(s.id, now_millis() - 5_000);
    d.with(|st| st.record_visit(h, &after_backup)).unwrap();
    d.sync().await;
    w.stop().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    std::fs::copy(&backup, &db).unwrap();
    w.restart().await;

    let newest = visit(s.id, now_millis());
    d.with(|st| st.record_visit(h, &newest)).unwrap();
    let report = d.sync().await;
    assert!(report.round_trips > 1, "the fallback protocol ran");
    assert_eq!(report.docs_pulled, 0, "no whole history was resent: the protocol exchanged only what was missing");
    assert_eq!(d.with(|st| st.pending_count()).unwrap(), 0);
    let (_, all) = sup.get("/v1/pull").await;
    let hh = pulled(&all, h);
    let ids: BTreeSet<String> =
        hh["visits"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap().to_string()).collect();
    for v in [&lost, &after_backup, &newest] {
        assert!(ids.contains(&v.id.to_string()), "visit recovered after restore");
    }
}

fn rusqlite_open(path: &std::path::Path) -> steward_tests::sqlite::Connection {
    steward_tests::sqlite::Connection::open(path).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_syncing_the_same_household_at_the_same_moment_lose_nothing() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let mut devices = Vec::new();
    for _ in 0..4 {
        let d = w.device(s.id).await;
        d.sync().await;
        devices.push(d);
    }
    let mut recorded = BTreeSet::new();
    for _ in 0..3 {
        for d in &devices {
            for _ in 0..10 {
                let v = visit(s.id, now_millis());
                recorded.insert(v.id);
                d.with(|st| st.record_visit(h, &v)).unwrap();
            }
        }
        let syncs: Vec<_> = devices
            .iter()
            .map(|d| {
                let (store, client) = (d.store.clone(), d.client.clone());
                tokio::spawn(async move { client.sync(&store).await })
            })
            .collect();
        for s in syncs {
            s.await.unwrap().expect("concurrent syncs all succeed");
        }
    }
    for d in &devices {
        d.sync().await;
    }
    let first = household_of(&devices[0], h);
    assert_eq!(first.visits.iter().map(|v| v.id).collect::<BTreeSet<_>>(), recorded);
    for d in &devices[1..] {
        assert_eq!(household_of(d, h), first);
    }
}
