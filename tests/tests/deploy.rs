//! deploy/nginx.conf as an operator runs it: real nginx in front of two server nodes on one
//! PostgreSQL database. A phone enrols and syncs through nginx; one node is killed and the
//! phone's next syncs still land (nginx takes the node out and tries the other); a supervisor's
//! pull through nginx shows every visit once. PostgreSQL-only (`on_postgres`, see nodes.rs).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use steward_core::time::now_millis;
use steward_sync_server::storage::Role;
use steward_sync_server::{admin, Config};
use steward_tests::{free_port, profile, visit, Device, ServerProcess, Supervisor};
use uuid::Uuid;

struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM: the master stops its workers too (SIGKILL would leave them running).
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let _ = self.0.wait();
    }
}

/// Starts nginx on deploy/nginx.conf with these nodes, on a free port; its URL.
fn nginx(dir: &std::path::Path, nodes: &[&ServerProcess]) -> (Nginx, String) {
    let template = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/nginx.conf")).unwrap();
    let temp = dir.join("nginx");
    std::fs::create_dir_all(&temp).unwrap();
    // nginx's workers run as an unprivileged user when started as root.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    let port = free_port();
    let upstreams: Vec<String> =
        nodes.iter().map(|n| format!("server {} max_fails=1 fail_timeout=10s;", n.addr)).collect();
    let conf = template
        .replace("NGINX_PID", &temp.join("nginx.pid").display().to_string())
        .replace("NGINX_ERROR_LOG", &temp.join("error.log").display().to_string())
        .replace("NGINX_TEMP", &temp.display().to_string())
        .replace("LISTEN", &format!("127.0.0.1:{port}"))
        .replace("        NODES\n", &format!("        {}\n", upstreams.join("\n        ")));
    let path = temp.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let child = Command::new("nginx")
        .args(["-e", temp.join("error.log").to_str().unwrap(), "-c", path.to_str().unwrap(), "-g", "daemon off;"])
        .stdout(Stdio::null())
        .spawn()
        .expect("nginx (Debian: apt-get install nginx-light; scripts/ensure-tools.sh installs it)");
    (Nginx(child), format!("http://127.0.0.1:{port}"))
}

async fn healthy(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(r) = reqwest::get(format!("{url}/healthz")).await {
            if r.status().is_success() {
                assert_eq!(r.text().await.unwrap(), "ok");
                return;
            }
        }
        assert!(Instant::now() < deadline, "nginx did not answer /healthz");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_behind_the_example_nginx_keep_syncing_when_one_dies_on_postgres() {
    let server = steward_tests::pg::server().expect("set STEWARD_TEST_POSTGRES (scripts/test.sh does)");
    let name = format!("deploy_{}", Uuid::new_v4().simple());
    steward_sync_server::sql::postgres::create_database(&format!("{server}/postgres"), &name).unwrap();
    let url = format!("{server}/{name}");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("shared");
    let cfg = Config { data_dir: data.clone(), database: Some(url.clone()), ..Default::default() };
    let (steward, households, code) = {
        let s = steward_sync_server::open_service(&cfg).unwrap();
        let c = steward_tests::seed_compound(&s);
        admin::create_user(&s, "sup", "password-123", Role::Supervisor, Some(c)).unwrap();
        let st = admin::create_steward(&s, c, "李秀英").unwrap();
        let hs: Vec<Uuid> = (0..3).map(|n| admin::create_household(&s, c, Some(st.id), profile(n)).unwrap()).collect();
        (st.id, hs, admin::issue_enrolment_code(&s, st.id, 1).unwrap())
    };
    let mut a = ServerProcess::spawn_on(&data, Some(url.clone()), 0, &[]).await;
    let b = ServerProcess::spawn_on(&data, Some(url.clone()), 0, &[]).await;
    let (_nginx, front) = nginx(dir.path(), &[&a, &b]);
    healthy(&front).await;

    let phone = Device::enrol(&front, &code, dir.path()).await;
    phone.sync().await;
    let mut recorded = Vec::new();
    for round in 0..6 {
        if round == 3 {
            a.kill9();
        }
        for (i, h) in households.iter().enumerate() {
            let v = visit(steward, now_millis() - (round * 10 + i) as i64);
            phone.with(|s| s.record_visit(*h, &v)).unwrap();
            recorded.push(v.id);
        }
        phone.sync().await;
        assert_eq!(phone.with(|s| s.pending_count()).unwrap(), 0, "round {round}: acknowledged through nginx");
    }
    healthy(&front).await;
    let sup = Supervisor::login(&front, "sup", "password-123").await;
    steward_tests::assert_exactly_once(&sup.visits_pulled().await, &recorded);
}
