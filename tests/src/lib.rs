//! Test and benchmark harness: a real sync server (in-process on a loopback port, or as its own
//! process that can be killed), real device stores in temporary directories, and supervisor
//! sessions over HTTP.

pub use rusqlite as sqlite;

pub mod app;
pub mod net;
pub mod pg;
pub mod process;
pub mod webdriver;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use steward_client::{SharedStore, Store, SyncClient, SyncReport};
use steward_core::doc::NewVisit;
use steward_core::model::{Address, HouseholdProfile, KeyServiceReason, Opinion, OpinionCategory, VisitMethod};
use steward_sync_server::storage::{PlaceKind, Role, Steward};
use steward_sync_server::{admin, Config, Running, Service};
use tempfile::TempDir;
use uuid::Uuid;

/// A server with its data directory and an admin handle on the same database.
pub struct World {
    pub dir: TempDir,
    pub config: Config,
    pub admin: Service,
    pub running: Option<Running>,
    pub url: String,
    community: Uuid,
}

impl World {
    /// Starts a server in-process on a free loopback port.
    pub async fn start() -> World {
        World::start_with(|_| {}).await
    }

    /// Starts a server with adjusted configuration.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> World {
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().join("server");
        let mut config = Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            database: pg::database_for(&data_dir),
            data_dir,
            ..Default::default()
        };
        adjust(&mut config);
        let admin = steward_sync_server::open_service(&config).expect("open service");
        let community = seed_community(&admin);
        let running = steward_sync_server::start(config.clone()).await.expect("start server");
        let url = format!("http://{}", running.addr);
        World { dir, config, admin, running: Some(running), url, community }
    }

    /// Stops the in-process server (graceful).
    pub async fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
    }

    /// Starts the in-process server again on the same address.
    pub async fn restart(&mut self) {
        self.stop().await;
        let mut cfg = self.config.clone();
        cfg.listen = self.url.trim_start_matches("http://").parse().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match steward_sync_server::start(cfg.clone()).await {
                Ok(r) => {
                    self.running = Some(r);
                    return;
                }
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("restart: {e}"),
            }
        }
    }

    /// Everything the server stores, for a test to show a refused request changed nothing.
    pub fn stored(&self) -> Stored {
        Stored::of(&self.admin)
    }

    /// A consistent copy of the server's database (the server's own `backup`).
    pub fn backup(&self, name: &str) -> PathBuf {
        let to = self.dir.path().join(name);
        self.admin.storage().backup(&to).expect("backup");
        to
    }

    /// Stops the server, puts a backup in place of its database and starts it again, as an
    /// operator restoring from backup would.
    pub async fn restore(&mut self, backup: &Path) {
        self.stop().await;
        let db = self.config.data_dir.join("steward.sqlite3");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        std::fs::copy(backup, &db).expect("restore the backup");
        self.admin = steward_sync_server::open_service(&self.config).expect("open service");
        self.restart().await;
    }

    /// The community the world's compounds are in.
    pub fn community(&self) -> Uuid {
        self.community
    }

    /// A new compound in the community.
    pub fn compound(&self, name: &str) -> Uuid {
        admin::create_place(&self.admin, PlaceKind::Compound, name, Some(self.community)).unwrap().id
    }

    /// Writes a forged change on a fresh phone of `steward` and pushes it raw: refused as `422`
    /// naming `rule`, with nothing stored.
    pub async fn assert_forged_refused(
        &self,
        steward: Uuid,
        id: Uuid,
        rule: &str,
        forge: impl FnOnce(&mut automerge::Automerge) -> Result<(), steward_core::Error>,
    ) {
        let d = self.device(steward).await;
        d.sync().await;
        d.with(|st| st.edit(id, "forged", forge)).unwrap();
        let before = self.stored();
        let (status, text) = d.push_raw(&self.url).await;
        assert_eq!(status, 422, "{rule}: {text}");
        assert!(text.contains(rule), "want {rule:?} in {text}");
        assert_eq!(self.stored(), before, "{rule}: nothing stored");
    }

    /// A new steward.
    pub fn steward(&self, compound: Uuid, name: &str) -> Steward {
        admin::create_steward(&self.admin, compound, name).unwrap()
    }

    /// A household assigned to a steward, with a complete profile.
    pub fn household(&self, compound: Uuid, steward: Option<Uuid>, n: usize) -> Uuid {
        admin::create_household(&self.admin, compound, steward, profile(n)).unwrap()
    }

    /// A supervisor of a place, signed in.
    pub async fn supervisor(&self, place: Uuid, username: &str) -> Supervisor {
        self.user(place, username, Role::Supervisor).await
    }

    /// A user account of any role, signed in.
    pub async fn user(&self, place: Uuid, username: &str, role: Role) -> Supervisor {
        admin::create_user(&self.admin, username, "password-123", role, Some(place)).unwrap();
        Supervisor::login(&self.url, username, "password-123").await
    }

    /// A device enrolled for a steward, with its store in the world's directory.
    pub async fn device(&self, steward: Uuid) -> Device {
        let code = admin::issue_enrolment_code(&self.admin, steward, 1).unwrap();
        Device::enrol(&self.url, &code, self.dir.path()).await
    }
}

/// What a server stores: the change log's length, every document's heads and every projection.
/// Equal before and after a request means the request stored nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub max_seq: i64,
    pub docs: Vec<(Uuid, Vec<automerge::ChangeHash>)>,
    pub projections: Vec<(Uuid, String)>,
}

impl Stored {
    pub fn of(s: &Service) -> Stored {
        use steward_sync_server::storage::Scope;
        let rows = s.storage().projections(&Scope::All, None, -1).unwrap();
        let mut projections: Vec<(Uuid, String)> = rows.into_iter().map(|r| (r.doc_id, r.json)).collect();
        projections.sort();
        let mut docs = Vec::new();
        for (id, _) in &projections {
            let mut heads = s.storage().load_doc(*id).unwrap().expect("a projected document is stored").doc.get_heads();
            heads.sort();
            docs.push((*id, heads));
        }
        Stored { max_seq: s.storage().max_seq().unwrap(), docs, projections }
    }
}

/// The program's places down to a community (南郑区 > 大河坎镇 > 艺苑社区); returns the community.
pub fn seed_community(s: &Service) -> Uuid {
    let district = admin::create_place(s, PlaceKind::District, "南郑区", None).unwrap();
    let town = admin::create_place(s, PlaceKind::Town, "大河坎镇", Some(district.id)).unwrap();
    admin::create_place(s, PlaceKind::Community, "艺苑社区", Some(town.id)).unwrap().id
}

/// The places down to one compound (蜀汉美郡); returns the compound.
pub fn seed_compound(s: &Service) -> Uuid {
    let community = seed_community(s);
    admin::create_place(s, PlaceKind::Compound, "蜀汉美郡", Some(community)).unwrap().id
}

/// A household profile numbered `n`, every field filled.
pub fn profile(n: usize) -> HouseholdProfile {
    HouseholdProfile {
        address: Address { building: format!("{}", 1 + n / 10), unit: "1".into(), room: format!("{}", 101 + n) },
        head_name: format!("住户{n}"),
        member_count: 3,
        phone: Some(format!("1390000{n:04}")),
        party_member: Some(n % 3 == 0),
        key_service: Some(if n % 4 == 0 { vec![KeyServiceReason::ElderlyAlone] } else { vec![] }),
        notes: "子女在外地工作，平时老人自己在家，腿脚不便，需要邻里照看。社区已登记为重点对象。".into(),
    }
}

/// A visit of the reference workload's size (summary ~80 characters, 2 opinions, hardships).
pub fn visit(by: Uuid, at: i64) -> NewVisit {
    NewVisit {
        id: Uuid::new_v4(),
        at,
        method: VisitMethod::DoorVisit,
        summary: "老人独居，身体尚可，反映楼道灯不亮，夜间上下楼不便，希望物业尽快维修。另外提到小区绿化带有人私自种菜，影响环境。已记录，转物业和支部处理，下周回访。".into(),
        opinions: vec![
            Opinion { category: OpinionCategory::Facilities, text: "希望物业尽快修好楼道灯，并在单元门口加装扶手，方便老人出入。".into() },
            Opinion { category: OpinionCategory::Sanitation, text: "绿化带私自种菜的情况应当劝导整改，恢复公共绿地的原貌，大家共享。".into() },
        ],
        hardships: "腿脚不便，上下楼困难，子女不在身边，买菜看病都需要人帮忙。".into(),
        answers: vec![],
        follow_up: true,
        by,
    }
}

/// A steward's device: a real store and sync client.
pub struct Device {
    pub store: SharedStore,
    pub client: SyncClient,
    pub path: PathBuf,
    pub steward_id: Uuid,
    pub compound_id: Uuid,
}

impl Device {
    /// Creates a store under `dir` and enrols it.
    pub async fn enrol(url: &str, code: &str, dir: &Path) -> Device {
        let path = dir.join(format!("device-{}.sqlite3", Uuid::new_v4()));
        let store = Arc::new(Mutex::new(Store::open(&path).unwrap()));
        let client = SyncClient::new();
        let identity = client.enrol(&store, url, code, "test phone").await.expect("enrol");
        Device { store, client, path, steward_id: identity.steward_id, compound_id: identity.compound_id }
    }

    /// Reopens the device from its file, as after the app was killed.
    pub fn reopen(&mut self) {
        self.store = Arc::new(Mutex::new(Store::open(&self.path).unwrap()));
    }

    /// Syncs, panicking on failure.
    pub async fn sync(&self) -> SyncReport {
        self.client.sync(&self.store).await.expect("sync")
    }

    /// Runs `f` with the store.
    pub fn with<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        f(&mut self.store.lock().unwrap())
    }

    /// Pushes what is waiting as one raw sync request (as a tampered app could send it, with no
    /// retry and no handling of the answer): the status and the body as text.
    pub async fn push_raw(&self, server_url: &str) -> (u16, String) {
        let (req, _) = self.with(|st| st.prepare_sync()).unwrap();
        let token = self.with(|st| st.identity()).unwrap().expect("enrolled").device_token;
        let r = reqwest::Client::new()
            .post(format!("{server_url}/v1/sync"))
            .bearer_auth(token)
            .header("content-type", steward_core::protocol::CONTENT_TYPE)
            .body(steward_core::protocol::encode(&req))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }
}

/// A signed-in supervisor (or property company or admin).
pub struct Supervisor {
    pub url: String,
    pub token: String,
    http: reqwest::Client,
}

impl Supervisor {
    pub async fn login(url: &str, username: &str, password: &str) -> Supervisor {
        let http = reqwest::Client::new();
        let v: serde_json::Value = http
            .post(format!("{url}/v1/login"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Supervisor { url: url.into(), token: v["token"].as_str().expect("login token").into(), http }
    }

    /// GET, returning status and JSON (Null when the body is not JSON).
    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self.http.get(format!("{}{path}", self.url)).bearer_auth(&self.token).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// GET the raw body.
    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let r = self.http.get(format!("{}{path}", self.url)).bearer_auth(&self.token).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// POST (or PUT) JSON, returning status and JSON.
    pub async fn send(&self, method: reqwest::Method, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let r = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        self.send(reqwest::Method::POST, path, body).await
    }

    /// The ids of the visits a full pull shows, repeats kept.
    pub async fn visits_pulled(&self) -> Vec<Uuid> {
        let (status, all) = self.get("/v1/pull").await;
        assert_eq!(status, 200, "{all}");
        all["docs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"] == "household")
            .flat_map(|d| d["visits"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap().parse().unwrap()))
            .collect()
    }
}

/// Every recorded visit is on the server exactly once, and nothing else is.
pub fn assert_exactly_once(on_server: &[Uuid], recorded: &[Uuid]) {
    assert_eq!(on_server.len(), recorded.len(), "as many visits on the server as recorded");
    for v in recorded {
        assert_eq!(on_server.iter().filter(|x| *x == v).count(), 1, "visit {v} exactly once");
    }
}

/// A free loopback port.
/// A port that was free a moment ago. Another process may take it before it is bound: where the
/// server is started, prefer `ServerProcess::spawn(data, 0)`, which binds it itself.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The real server binary of this build profile, rebuilt first if its sources changed (once per
/// process), so a test never runs a stale server.
pub fn server_binary() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let mut dir = std::env::current_exe().expect("test binary path");
            dir.pop();
            if dir.ends_with("deps") {
                dir.pop();
            }
            let bin = dir.join("steward-sync-server");
            if let Ok(cargo) = std::env::var("CARGO") {
                // Debug: the whole workspace with its tests, exactly as the README's test command
                // builds it, so features unify as in the build that made us (the app's tests turn
                // on Tauri's `test` feature) and nothing is rebuilt. The benchmark (release)
                // builds only what it runs, not the app.
                let args: &[&str] = if dir.ends_with("release") {
                    &[
                        "build",
                        "--quiet",
                        "--profile",
                        "bench",
                        "-p",
                        "steward-sync-server",
                        "-p",
                        "steward-tests",
                        "--bins",
                    ]
                } else {
                    &["build", "--quiet", "--workspace", "--bins", "--tests"]
                };
                // Without the variables cargo sets for this test (CARGO_MANIFEST_DIR and the
                // like): some build scripts watch them, and a build that sees them differ from the
                // README's build rebuilds half the workspace, twice.
                let mut build = Command::new(cargo);
                for (name, _) in std::env::vars_os() {
                    let name = name.to_string_lossy().into_owned();
                    let set_for_test =
                        ["CARGO_MANIFEST_", "CARGO_PKG_", "CARGO_CRATE_", "CARGO_BIN_", "CARGO_PRIMARY_"]
                            .iter()
                            .any(|p| name.starts_with(p))
                            || name == "CARGO_TARGET_TMPDIR";
                    if set_for_test {
                        build.env_remove(&name);
                    }
                }
                let status = build.args(args).status();
                assert!(status.is_ok_and(|s| s.success()), "could not build the server binary");
            }
            assert!(bin.exists(), "no server binary at {}: run cargo build --workspace --bins --tests", bin.display());
            bin
        })
        .clone()
}

/// The server running as its own process, so it can be killed with SIGKILL.
pub struct ServerProcess {
    child: Option<Child>,
    pub addr: SocketAddr,
    pub data: PathBuf,
}

impl ServerProcess {
    /// Starts `steward-sync-server serve` and waits until it answers /healthz. With `port` 0 the
    /// server binds a free port itself and says which (no window in which another process can
    /// take it); with a fixed port (a restart where the devices already know the address) a
    /// failed bind — the port still held, or taken meanwhile — is retried for a while. Either
    /// way the answer to /healthz must come from this very process, which must still run.
    pub async fn spawn(data: &Path, port: u16) -> ServerProcess {
        Self::spawn_with_env(data, port, &[]).await
    }

    /// As [`ServerProcess::spawn`], with environment variables for the server (such as
    /// `STEWARD_CRASH_AT`, `sync-server/src/faults.rs`).
    pub async fn spawn_with_env(data: &Path, port: u16, env: &[(&str, &str)]) -> ServerProcess {
        Self::spawn_on(data, pg::database_for(data), port, env).await
    }

    /// As [`ServerProcess::spawn_with_env`] on a given store: a PostgreSQL URL, or `None` for
    /// SQLite in `data` whatever the tests run on.
    pub async fn spawn_on(data: &Path, database: Option<String>, port: u16, env: &[(&str, &str)]) -> ServerProcess {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (child, addr) = Self::start(data, database.as_deref(), port, env).await;
            let mut p = ServerProcess { child: Some(child), addr, data: data.into() };
            if p.wait_healthy(deadline).await {
                return p;
            }
            p.kill9();
            assert!(Instant::now() < deadline, "the server did not come up on port {port}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn start(data: &Path, database: Option<&str>, port: u16, env: &[(&str, &str)]) -> (Child, SocketAddr) {
        let listen = format!("127.0.0.1:{port}");
        let mut cmd = Command::new(server_binary());
        cmd.args(["serve", "--data", data.to_str().unwrap(), "--listen", &listen]);
        if let Some(url) = database {
            cmd.args(["--database", url]);
        }
        let mut child = cmd
            .envs(env.iter().copied())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn server");
        // Forward the server's log to ours, and read the address it says it listens on.
        let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
        let stderr = child.stderr.take().expect("piped stderr");
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    if let Some(addr) = rest.split_whitespace().next().and_then(|a| a.parse().ok()) {
                        let _ = tx.send(addr);
                    }
                }
                eprintln!("{line}");
            }
        });
        let addr = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(20)))
            .await
            .unwrap()
            .unwrap_or_else(|_| listen.parse().unwrap());
        (child, addr)
    }

    async fn wait_healthy(&mut self, deadline: Instant) -> bool {
        let http = reqwest::Client::new();
        loop {
            let exited = self.child.as_mut().is_none_or(|c| c.try_wait().ok().flatten().is_some());
            if exited {
                return false;
            }
            if let Ok(r) = http.get(format!("http://{}/healthz", self.addr)).send().await {
                let still_ours = self.child.as_mut().is_some_and(|c| c.try_wait().ok().flatten().is_none());
                if r.status().is_success() && still_ours {
                    return true;
                }
            }
            if Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: no shutdown, no flush.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Waits up to `timeout` for the process to end by itself; its exit status, if it did.
    pub async fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                self.child = None;
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The server process's id.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// The engine of the store a configuration names: its PostgreSQL database, or the SQLite file
/// in its data directory.
fn store_engine(config: &Config) -> Box<dyn steward_sync_server::sql::Engine> {
    match &config.database {
        Some(url) => {
            Box::new(steward_sync_server::sql::postgres::PostgresEngine::open(url).expect("open the database"))
        }
        None => {
            Box::new(steward_sync_server::sql::sqlite::SqliteEngine::open(&config.data_dir).expect("open the store"))
        }
    }
}

/// Runs a query on a server's store, whichever engine it is on (SQL both engines run).
pub fn store_query(
    config: &Config,
    sql: &str,
    args: &[steward_sync_server::sql::Value],
) -> Vec<steward_sync_server::sql::Row> {
    let mut rows = Vec::new();
    store_engine(config)
        .read(&mut |c| {
            rows = c.query(sql, args)?;
            Ok(())
        })
        .expect("query the store");
    rows
}

/// One integer a query on a server's store answers (a count).
pub fn store_count(config: &Config, sql: &str, args: &[steward_sync_server::sql::Value]) -> i64 {
    store_query(config, sql, args)[0].get(0).expect("an integer")
}

/// Runs statements on a server's store in one write transaction.
pub fn store_batch(config: &Config, sql: &str) {
    store_engine(config).write(&mut |c| c.batch(sql)).expect("write the store");
}
