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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_sync_loses_nothing_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let cfg = Config { data_dir: data.clone(), ..Default::default() };
    let (steward, households, code) = {
        let s = steward_sync_server::open_service(&cfg).unwrap();
        let c = steward_tests::seed_compound(&s);
        let st = admin::create_steward(&s, c, "李秀英").unwrap();
        admin::create_user(&s, "sup", "password-123", Role::Supervisor, Some(c)).unwrap();
        let hs: Vec<Uuid> = (0..5).map(|n| admin::create_household(&s, c, Some(st.id), profile(n)).unwrap()).collect();
        (st.id, hs, admin::issue_enrolment_code(&s, st.id, 1).unwrap())
    };
    let mut server = ServerProcess::spawn(&data, 0).await;
    let port = server.addr.port();
    let device = Device::enrol(&server.url(), &code, dir.path()).await;
    device.sync().await;

    let mut recorded = BTreeSet::new();
    for round in 0..6u64 {
        for i in 0..10 {
            let v = visit(steward, now_millis() - i);
            device.with(|s| s.record_visit(households[i as usize % households.len()], &v)).unwrap();
            recorded.insert(v.id);
        }
        let (store, client) = (device.store.clone(), device.client.clone());
        let sync = tokio::spawn(async move { client.sync(&store).await });
        // Kill at a different moment each round: before, during, or after the request.
        tokio::time::sleep(Duration::from_millis(round * 7)).await;
        server.kill9();
        let _ = sync.await.unwrap();
        server = ServerProcess::spawn(&data, port).await;
        device.sync().await;
        assert_eq!(device.with(|s| s.pending_count()).unwrap(), 0, "round {round}: all acknowledged");
    }
    let sup = Supervisor::login(&server.url(), "sup", "password-123").await;
    let (_, all) = sup.get("/v1/pull").await;
    let on_server: BTreeSet<Uuid> = all["docs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "household")
        .flat_map(|d| d["visits"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap().parse().unwrap()))
        .collect();
    assert_eq!(on_server, recorded, "every visit reached the server exactly once");
}

#[test]
fn a_device_store_killed_mid_write_keeps_every_acknowledged_edit_and_a_consistent_projection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.sqlite3");
    let household = {
        let mut store = Store::open(&path).unwrap();
        let h = NewHousehold {
            id: Uuid::new_v4(),
            compound_id: Uuid::new_v4(),
            steward_id: Some(Uuid::new_v4()),
            profile: profile(1),
        };
        let d = doc::create_household(store.actor().clone(), &h, now_millis()).unwrap();
        store.insert_new_doc(d, "create_household").unwrap();
        h.id
    };
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
