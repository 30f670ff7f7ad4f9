//! Nothing acknowledged is lost when a process dies: the server killed with SIGKILL mid-sync,
//! and the device store killed mid-write.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use steward_client::Store;
use steward_core::doc::{self, NewHousehold, Projection};
use steward_core::time::now_millis;
use steward_sync_server::storage::Role;
use steward_sync_server::{admin, Config};
use steward_tests::{profile, visit, Device, ServerProcess, Supervisor};
use uuid::Uuid;

/// The server dies at the two moments that matter, for certain (its crash points,
/// `sync-server/src/faults.rs`): after a push is received but before anything is stored, and
/// after it is committed but before the answer. Either way the sync fails on the phone, the
/// phone sends its edits again after the restart, and each visit is on the server exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_sync_loses_nothing_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let cfg = Config { database: steward_tests::pg::database_for(&data), data_dir: data.clone(), ..Default::default() };
    let campaign: (Uuid, Uuid);
    let (steward, households, code) = {
        let s = steward_sync_server::open_service(&cfg).unwrap();
        let c = steward_tests::seed_compound(&s);
        let st = admin::create_steward(&s, c, "李秀英").unwrap();
        admin::create_user(&s, "sup", "password-123", Role::Supervisor, Some(c)).unwrap();
        let hs: Vec<Uuid> = (0..5).map(|n| admin::create_household(&s, c, Some(st.id), profile(n)).unwrap()).collect();
        // A campaign over the compound: a household's task answered in every round too.
        let spec = doc::CampaignSpec {
            id: Uuid::new_v4(),
            title: "防汛排查".into(),
            kind: steward_core::model::CampaignKind::Flood,
            starts_on: "2026-06-01".into(),
            ends_on: "2026-06-30".into(),
            fields: vec![doc::CampaignField {
                id: Uuid::new_v4(),
                label: "需转移人数".into(),
                kind: steward_core::model::FieldKind::Number,
                options: vec![],
                required: true,
            }],
        };
        assert!(steward_sync_server::campaigns::start(&s, &spec, c, vec![c], Uuid::nil()).is_ok());
        campaign = (doc::campaign_doc_id(spec.id, st.id), spec.fields[0].id);
        (st.id, hs, admin::issue_enrolment_code(&s, st.id, 1).unwrap())
    };
    let mut server = ServerProcess::spawn(&data, 0).await;
    let port = server.addr.port();
    let device = Device::enrol(&server.url(), &code, dir.path()).await;
    device.sync().await;
    // A joint meeting, followed up in every round beside the visits.
    let decision = steward_core::doc::NewDecision {
        id: Uuid::new_v4(),
        text: "建充电棚".into(),
        party: steward_core::model::MeetingParty::PropertyCompany,
        deadline: None,
    };
    let meeting = steward_core::doc::NewMeeting {
        id: Uuid::new_v4(),
        compound_id: Uuid::nil(),
        convener_id: Uuid::nil(),
        held_at: now_millis(),
        place: "党群服务站".into(),
        topics: String::new(),
        attendees: vec![],
        decisions: vec![decision.clone()],
    };
    let meeting = device.with(|s| s.record_meeting(&meeting)).unwrap();
    device.sync().await;

    let mut recorded = Vec::new();
    let mut followed = Vec::new();
    for round in 0..6usize {
        let point = ["sync-received", "sync-committed"][round % 2];
        server.kill9();
        server = ServerProcess::spawn_with_env(&data, port, &[("STEWARD_CRASH_AT", point)]).await;
        for i in 0..10 {
            let v = visit(steward, now_millis() - i);
            device.with(|s| s.record_visit(households[i as usize % households.len()], &v)).unwrap();
            recorded.push(v.id);
        }
        let answer = [(campaign.1, doc::Answer::Number(round as f64))].into_iter().collect();
        device.with(|s| s.answer_campaign_task(campaign.0, households[round % 5], &answer)).unwrap();
        let note = format!("第{round}次跟进");
        device.with(|s| s.follow_up_decision(meeting, decision.id, &note, None)).unwrap();
        followed.push(note);
        let seq_before = steward_sync_server::open_service(&cfg).unwrap().storage().max_seq().unwrap();
        let killed = device.client.sync(&device.store).await;
        assert!(killed.is_err(), "round {round} ({point}): the sync the server died in failed");
        let status = server.wait_exit(Duration::from_secs(10)).await.expect("the server died at its crash point");
        assert!(!status.success(), "round {round}: {status}");
        let seq_after = steward_sync_server::open_service(&cfg).unwrap().storage().max_seq().unwrap();
        if point == "sync-received" {
            assert_eq!(seq_after, seq_before, "round {round}: nothing stored before the commit");
        } else {
            assert!(
                seq_after >= seq_before + 12,
                "round {round}: the 10 visits, the answer and the follow-up were committed before the crash"
            );
        }
        assert_eq!(device.with(|s| s.pending_count()).unwrap(), 12, "round {round}: still waiting on the phone");

        server = ServerProcess::spawn(&data, port).await;
        device.sync().await;
        assert_eq!(device.with(|s| s.pending_count()).unwrap(), 0, "round {round}: all acknowledged");
    }
    let sup = Supervisor::login(&server.url(), "sup", "password-123").await;
    steward_tests::assert_exactly_once(&sup.visits_pulled().await, &recorded);
    let (_, all) = sup.get("/v1/pull").await;
    let m = all["docs"].as_array().unwrap().iter().find(|d| d["kind"] == "meeting").expect("the meeting");
    let notes: Vec<&str> = m["follow_ups"].as_array().unwrap().iter().map(|f| f["text"].as_str().unwrap()).collect();
    assert_eq!(notes.len(), followed.len(), "{notes:?}");
    for n in &followed {
        assert_eq!(notes.iter().filter(|x| *x == n).count(), 1, "follow-up {n} exactly once");
    }
    // Every household's last answer: the sixth round answered the first household again.
    let c = all["docs"].as_array().unwrap().iter().find(|d| d["kind"] == "campaign").expect("the campaign");
    let answered: Vec<(Uuid, f64)> = c["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| {
            let n = t["answers"][campaign.1.to_string()].as_f64()?;
            Some((t["household_id"].as_str().unwrap().parse().unwrap(), n))
        })
        .collect();
    assert_eq!(answered.len(), 5, "{answered:?}");
    for (n, h) in households.iter().enumerate() {
        let want = if n == 0 { 5.0 } else { n as f64 };
        assert_eq!(answered.iter().filter(|(x, v)| x == h && *v == want).count(), 1, "household {n}: {answered:?}");
    }
}

/// A device store at `path` holding one household; its id.
fn store_with_a_household(path: &std::path::Path) -> Uuid {
    let mut store = Store::open(path).unwrap();
    let h = NewHousehold {
        id: Uuid::new_v4(),
        compound_id: Uuid::new_v4(),
        steward_id: Some(Uuid::new_v4()),
        profile: profile(1),
    };
    let d = doc::create_household(store.actor().clone(), &h, now_millis()).unwrap();
    store.insert_new_doc(d, "create_household").unwrap();
    h.id
}

#[test]
fn a_device_store_killed_mid_write_keeps_every_acknowledged_edit_and_a_consistent_projection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.sqlite3");
    let household = store_with_a_household(&path);
    let writer = env!("CARGO_BIN_EXE_store-writer");
    let mut acknowledged = BTreeSet::new();
    for round in 0..4 {
        let mut child = Command::new(writer)
            .args([path.to_str().unwrap(), &household.to_string(), "100000"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // Let it write a while (it also compacts along the way), then kill it mid-stream.
        for _ in 0..(30 + round * 25) {
            let line = lines.next().unwrap().unwrap();
            acknowledged.insert(line.trim_start_matches("ok ").parse::<Uuid>().unwrap());
        }
        child.kill().unwrap();
        child.wait().unwrap();
        // Whatever it printed before dying was acknowledged too.
        for line in lines.map_while(Result::ok) {
            acknowledged.insert(line.trim_start_matches("ok ").parse::<Uuid>().unwrap());
        }

        let mut store = Store::open(&path).unwrap();
        let Projection::Household(h) = store.project(household).unwrap() else { panic!("household") };
        let in_doc: BTreeSet<Uuid> = h.visits.iter().map(|v| v.id).collect();
        assert!(
            acknowledged.is_subset(&in_doc),
            "round {round}: {} acknowledged visits missing",
            acknowledged.difference(&in_doc).count()
        );
        let [households, visits, ..] = store.row_counts().unwrap();
        assert_eq!(
            (households, visits as usize),
            (1, in_doc.len()),
            "round {round}: the projection agrees with the document"
        );
        assert_eq!(
            store.pending_count().unwrap() as usize,
            in_doc.len() + 1,
            "round {round}: every edit is waiting to sync"
        );
    }
}

/// The server dies inside a compaction (new snapshot written, merged increments deleted, not yet
/// committed): after the restart the document is whole, the phone's retried push is stored once,
/// and compaction then goes through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_inside_a_compaction_keeps_the_document_whole() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let cfg = Config { database: steward_tests::pg::database_for(&data), data_dir: data.clone(), ..Default::default() };
    let (steward, h, code) = {
        let s = steward_sync_server::open_service(&cfg).unwrap();
        let c = steward_tests::seed_compound(&s);
        let st = admin::create_steward(&s, c, "李秀英").unwrap();
        let h = admin::create_household(&s, c, Some(st.id), profile(1)).unwrap();
        (st.id, h, admin::issue_enrolment_code(&s, st.id, 1).unwrap())
    };
    let mut server = ServerProcess::spawn(&data, 0).await;
    let port = server.addr.port();
    let device = Device::enrol(&server.url(), &code, dir.path()).await;
    device.sync().await;
    server.kill9();
    server = ServerProcess::spawn_with_env(&data, port, &[("STEWARD_CRASH_AT", "compact-before-commit")]).await;

    // Enough changes in one push for the server to compact the document right after storing it.
    let mut recorded = Vec::new();
    for i in 0..20 {
        let v = visit(steward, now_millis() - i);
        device.with(|s| s.record_visit(h, &v)).unwrap();
        recorded.push(v.id);
    }
    assert!(device.client.sync(&device.store).await.is_err(), "the server died before answering");
    assert!(server.wait_exit(Duration::from_secs(10)).await.is_some_and(|s| !s.success()), "died at its crash point");
    let increments = || -> i64 {
        steward_tests::store_count(
            &cfg,
            "SELECT COUNT(*) FROM increments WHERE doc_id = ?1",
            steward_sync_server::args![h.to_string()],
        )
    };
    assert!(increments() >= 20, "the compaction was rolled back: the increments are all there");

    server = ServerProcess::spawn(&data, port).await;
    device.sync().await;
    assert_eq!(device.with(|s| s.pending_count()).unwrap(), 0);
    let s = steward_sync_server::open_service(&cfg).unwrap();
    let stored = s.storage().load_doc(h).unwrap().unwrap().doc;
    let Projection::Household(p) = doc::project(&stored).unwrap() else { panic!() };
    assert_eq!(p.visits.len(), recorded.len());
    for v in &recorded {
        assert_eq!(p.visits.iter().filter(|x| x.id == *v).count(), 1, "visit {v} once");
    }
    let compaction = s.storage().compact(h).unwrap();
    assert!(compaction.merged_increments >= 20, "{compaction:?}");
    assert_eq!(increments(), 0);
    drop(server);
}

/// The device store dies inside its first compaction: every edit it acknowledged is there after
/// reopening, and its projection agrees with the document.
#[test]
fn a_device_store_killed_inside_a_compaction_keeps_every_acknowledged_edit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.sqlite3");
    let household = store_with_a_household(&path);
    let out = Command::new(env!("CARGO_BIN_EXE_store-writer"))
        .args([path.to_str().unwrap(), &household.to_string(), "1000"])
        .env("STEWARD_CRASH_AT", "device-compact-before-commit")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the writer died at its crash point");
    let acknowledged: Vec<Uuid> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| l.trim_start_matches("ok ").parse().unwrap()).collect();
    assert!(acknowledged.len() >= 60 && acknowledged.len() < 1000, "{} written before the crash", acknowledged.len());

    let mut store = Store::open(&path).unwrap();
    let Projection::Household(h) = store.project(household).unwrap() else { panic!("household") };
    for v in &acknowledged {
        assert_eq!(h.visits.iter().filter(|x| x.id == *v).count(), 1, "visit {v} kept once");
    }
    let [households, visits, ..] = store.row_counts().unwrap();
    assert_eq!((households, visits as usize), (1, h.visits.len()), "the projection agrees with the document");
    // And the next compaction, not interrupted, goes through.
    drop(store);
    let out = Command::new(env!("CARGO_BIN_EXE_store-writer"))
        .args([path.to_str().unwrap(), &household.to_string(), "10"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let db = rusqlite::Connection::open(&path).unwrap();
    let left: i64 = db
        .query_row("SELECT COUNT(*) FROM doc_changes WHERE doc_id = ?1", [household.to_string()], |r| r.get(0))
        .unwrap();
    assert!(left < 64, "compacted: {left} changes left");
}
