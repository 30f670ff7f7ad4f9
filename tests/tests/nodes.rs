//! The server on PostgreSQL as a city runs it: a district's embedded store moved over with
//! `migrate-storage` while its phones go on syncing, and several `serve` nodes on one database
//! with every sync request going to a node picked at random, one of them killed mid-sync.
//!
//! These need a PostgreSQL server (`STEWARD_TEST_POSTGRES`, which `scripts/test.sh` starts);
//! their names end in `on_postgres`, which the default test profile leaves out and the
//! `postgres` profile runs (`.config/nextest.toml`).

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use steward_client::SyncClient;
use steward_core::time::now_millis;
use steward_sync_server::storage::Role;
use steward_sync_server::{admin, Config};
use steward_tests::net::RandomNode;
use steward_tests::{assert_exactly_once, profile, server_binary, visit, Device, ServerProcess, Stored, Supervisor};
use uuid::Uuid;

fn postgres_server() -> String {
    steward_tests::pg::server()
        .expect("these tests run on PostgreSQL: set STEWARD_TEST_POSTGRES (scripts/test.sh does)")
}

/// A new, empty database on the test server.
fn new_database() -> String {
    let server = postgres_server();
    let name = format!("nodes_{}", Uuid::new_v4().simple());
    steward_sync_server::sql::postgres::create_database(&format!("{server}/postgres"), &name).unwrap();
    format!("{server}/{name}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_district_store_moved_to_postgres_goes_on_syncing_without_resending_on_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let sqlite = Config { data_dir: data.clone(), ..Default::default() };
    let (steward, households, codes) = {
        let s = steward_sync_server::open_service(&sqlite).unwrap();
        let c = steward_tests::seed_compound(&s);
        let st = admin::create_steward(&s, c, "李秀英").unwrap();
        admin::create_user(&s, "sup", "password-123", Role::Supervisor, Some(c)).unwrap();
        let hs: Vec<Uuid> = (0..4).map(|n| admin::create_household(&s, c, Some(st.id), profile(n)).unwrap()).collect();
        let codes =
            [admin::issue_enrolment_code(&s, st.id, 1).unwrap(), admin::issue_enrolment_code(&s, st.id, 1).unwrap()];
        (st.id, hs, codes)
    };
    let mut server = ServerProcess::spawn_on(&data, None, 0, &[]).await;
    let port = server.addr.port();
    let phone = Device::enrol(&server.url(), &codes[0], dir.path()).await;
    phone.sync().await;
    let mut recorded = Vec::new();
    for (i, h) in households.iter().enumerate() {
        let v = visit(steward, now_millis() - i as i64);
        phone.with(|s| s.record_visit(*h, &v)).unwrap();
        recorded.push(v.id);
    }
    phone.sync().await;
    // Recorded after the last sync: still on the phone when the store moves.
    let pending = visit(steward, now_millis());
    phone.with(|s| s.record_visit(households[0], &pending)).unwrap();
    recorded.push(pending.id);
    server.kill9();

    let url = new_database();
    let out = Command::new(server_binary())
        .args(["migrate-storage", "--from", data.to_str().unwrap(), "--to", &url])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("change_log") && said.contains("copied"), "{said}");
    // Into a database that holds a store it refuses, and changes nothing.
    let again = Command::new(server_binary())
        .args(["migrate-storage", "--from", data.to_str().unwrap(), "--to", &url])
        .output()
        .unwrap();
    assert!(!again.status.success(), "a second copy into the same database is refused");

    let postgres = Config { data_dir: data.clone(), database: Some(url.clone()), ..Default::default() };
    let before = Stored::of(&steward_sync_server::open_service(&sqlite).unwrap());
    let moved = Stored::of(&steward_sync_server::open_service(&postgres).unwrap());
    assert_eq!(moved, before, "every document, change and projection copied");

    let _server = ServerProcess::spawn_on(&data, Some(url.clone()), port, &[]).await;
    let report = phone.sync().await;
    assert_eq!(report.docs_pushed, 1, "only the pending visit's household goes up: {report:?}");
    assert_eq!(report.docs_pulled, 0, "nothing comes back that the phone had: {report:?}");
    assert_eq!(phone.with(|s| s.pending_count()).unwrap(), 0);
    let after = Stored::of(&steward_sync_server::open_service(&postgres).unwrap());
    assert_eq!(after.max_seq, before.max_seq + 1, "one new change stored, none again");

    // A second phone enrolled on the new store gets the steward's whole month.
    let second = Device::enrol(&format!("http://127.0.0.1:{port}"), &codes[1], dir.path()).await;
    second.sync().await;
    for h in &households {
        assert_eq!(
            second.with(|s| s.doc_heads(*h)).unwrap(),
            phone.with(|s| s.doc_heads(*h)).unwrap(),
            "household {h} the same on both phones"
        );
    }
    let sup = Supervisor::login(&format!("http://127.0.0.1:{port}"), "sup", "password-123").await;
    assert_exactly_once(&sup.visits_pulled().await, &recorded);
}

/// Three nodes on one database; two stewards with two phones each, every request to a random
/// node; in every round a node is killed while the phones sync and started again. Afterwards
/// each visit is on the server exactly once, each steward's phones agree, and a supervisor's
/// pull from any node shows it all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_nodes_on_one_database_converge_and_a_killed_node_loses_nothing_on_postgres() {
    let dir = tempfile::tempdir().unwrap();
    // The nodes share one data directory, for the server's change journal (as on a shared
    // volume in deploy/); the documents are in the database.
    let data = dir.path().join("shared");
    let url = new_database();
    let cfg = Config { data_dir: data.clone(), database: Some(url.clone()), ..Default::default() };
    let (stewards, households, codes) = {
        let s = steward_sync_server::open_service(&cfg).unwrap();
        let c = steward_tests::seed_compound(&s);
        admin::create_user(&s, "sup", "password-123", Role::Supervisor, Some(c)).unwrap();
        let mut stewards = Vec::new();
        let mut households = Vec::new();
        let mut codes = Vec::new();
        for (k, name) in ["李秀英", "王建国"].iter().enumerate() {
            let st = admin::create_steward(&s, c, name).unwrap();
            households.push(
                (0..3)
                    .map(|n| admin::create_household(&s, c, Some(st.id), profile(10 * k + n)).unwrap())
                    .collect::<Vec<_>>(),
            );
            codes.push([
                admin::issue_enrolment_code(&s, st.id, 1).unwrap(),
                admin::issue_enrolment_code(&s, st.id, 1).unwrap(),
            ]);
            stewards.push(st.id);
        }
        (stewards, households, codes)
    };
    let mut nodes = Vec::new();
    for _ in 0..3 {
        nodes.push(ServerProcess::spawn_on(&data, Some(url.clone()), 0, &[]).await);
    }
    let urls = |nodes: &[ServerProcess]| nodes.iter().map(|n| n.url()).collect::<Vec<_>>();
    let net = Arc::new(RandomNode::new(urls(&nodes)));
    let mut phones = Vec::new();
    for (k, pair) in codes.iter().enumerate() {
        for code in pair {
            let mut d = Device::enrol(&nodes[k].url(), code, dir.path()).await;
            d.client = SyncClient::with_transport(net.clone());
            d.sync().await;
            phones.push((k, d));
        }
    }

    let mut recorded = Vec::new();
    for round in 0..4usize {
        for (k, phone) in &phones {
            for i in 0..3 {
                let v = visit(stewards[*k], now_millis() - (round * 10 + i) as i64);
                phone.with(|s| s.record_visit(households[*k][i], &v)).unwrap();
                recorded.push(v.id);
            }
        }
        // Every phone syncs at once; meanwhile one node dies.
        let syncs: Vec<_> = phones
            .iter()
            .map(|(_, p)| {
                let (client, store) = (p.client.clone(), p.store.clone());
                tokio::spawn(async move { client.sync(&store).await.is_ok() })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(5 + 7 * round as u64)).await;
        let victim = round % nodes.len();
        let port = nodes[victim].addr.port();
        nodes[victim].kill9();
        for s in syncs {
            let _ = s.await.unwrap();
        }
        nodes[victim] = ServerProcess::spawn_on(&data, Some(url.clone()), port, &[]).await;
        // The phones try again, as the background loop does, until all is acknowledged.
        for (_, phone) in &phones {
            let mut tries = 0;
            while phone.with(|s| s.pending_count()).unwrap() > 0 || tries == 0 {
                tries += 1;
                assert!(tries < 10, "round {round}: a phone could not hand its edits over");
                let _ = phone.client.sync(&phone.store).await;
            }
        }
    }
    for _ in 0..2 {
        for (_, phone) in &phones {
            phone.sync().await;
        }
    }
    for k in 0..stewards.len() {
        let pair: Vec<&Device> = phones.iter().filter(|(s, _)| *s == k).map(|(_, d)| d).collect();
        for h in &households[k] {
            assert_eq!(pair[0].with(|s| s.doc_heads(*h)).unwrap(), pair[1].with(|s| s.doc_heads(*h)).unwrap(), "{h}");
        }
    }
    let sent = net.sent.lock().unwrap().clone();
    assert!(sent.len() >= 3 && sent.values().all(|&n| n > 5), "every node got requests: {sent:?}");
    for node in &nodes {
        let sup = Supervisor::login(&node.url(), "sup", "password-123").await;
        assert_exactly_once(&sup.visits_pulled().await, &recorded);
    }
}
