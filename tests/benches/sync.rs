//! The sync benchmark, on the reference workload of `../shared/WORKLOAD.md`.
//!
//! Drives the real device code (`steward-client`) against the real server binary on loopback:
//!
//! - record-a-visit latency on a device store (median, p99);
//! - a steady-state sync of one steward: round trips and bytes beside the raw change size;
//! - N stewards (default 600) each syncing a month of work at once, in scenario A (first upload)
//!   and scenario B (steady state): wall time, throughput, errors, bytes, round trips;
//! - the server's peak memory (VmHWM), over the whole run and over the timed syncs alone.
//!
//! Each phone retries a failed sync as the app does (no sooner than a busy server's Retry-After,
//! else with backoff) for up to 10 minutes. A sync that still fails, leaves edits waiting or sets
//! a document aside counts as an error; after
//! each scenario every steward's month is looked for on the server (visits, must-visits, issues)
//! and a missing record is an error too. Any error makes the benchmark exit non-zero, so a broken
//! run cannot print a clean table.
//!
//! Run: `cargo bench -p steward-tests --bench sync -- [--stewards N] [--scenario a|b|both] [--nodes N]`
//! (several nodes need PostgreSQL, `STEWARD_TEST_POSTGRES`: the phones are spread over the
//! nodes by client process, and the server's CPU and memory are summed and maxed over them).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use steward_client::{SharedStore, Store, SyncClient};
use steward_core::doc::{self, NewHousehold, NewIssue, NewMustVisit};
use steward_core::model::*;
use steward_core::time::now_millis;
use steward_sync_server::storage::PlaceKind;
use steward_sync_server::{admin, Config};
use steward_tests::process::{cpu_seconds, cpu_seconds_named, peak_rss_kib, reset_peak_rss, written_bytes};
use steward_tests::{visit, ServerProcess};
use uuid::Uuid;

struct Args {
    stewards: usize,
    scenario: String,
    nodes: usize,
}

fn args() -> Args {
    let mut a = Args { stewards: 600, scenario: "both".into(), nodes: 1 };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--stewards" => a.stewards = it.next().and_then(|n| n.parse().ok()).expect("--stewards N"),
            "--scenario" => a.scenario = it.next().expect("--scenario a|b|both"),
            "--nodes" => a.nodes = it.next().and_then(|n| n.parse().ok()).filter(|n| *n >= 1).expect("--nodes N"),
            _ => {} // cargo bench passes --bench
        }
    }
    a
}

/// The reference household profile: 3 tags, notes of about 60 Chinese characters.
fn reference_profile(n: usize) -> HouseholdProfile {
    HouseholdProfile {
        address: Address {
            building: format!("{}", 1 + n % 12),
            unit: format!("{}", 1 + n % 3),
            room: format!("{}0{}", 1 + n % 6, 1 + n % 2),
        },
        head_name: "张桂兰".into(),
        member_count: 3,
        phone: Some("13912345678".into()),
        party_member: Some(true),
        key_service: Some(vec![KeyServiceReason::ElderlyAlone, KeyServiceReason::Illness]),
        notes: "老人独居，子女在外地工作，腿脚不便，需要邻里帮忙照看。社区已登记为重点服务对象，每月上门走访。".into(),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// The month's work on a device (offline): 30 visits over 20 households, 5 must-visits of
/// which 4 are answered by a visit, 3 issues each moved through 2 status changes, one with a
/// comment.
fn month_of_work(
    store: &mut Store,
    steward: Uuid,
    compound: Uuid,
    households: &[Uuid],
) -> Result<(), steward_client::StoreError> {
    let now = now_millis();
    let mut must = Vec::new();
    for (i, h) in households.iter().take(5).enumerate() {
        let m = NewMustVisit {
            id: Uuid::new_v4(),
            trigger: MustVisitTrigger::ALL[i % 5],
            date: now - 86_400_000,
            note: "住院".into(),
            raised_by: steward,
        };
        store.raise_must_visit(*h, &m)?;
        must.push((*h, m.id));
    }
    for i in 0..30 {
        let h = households[i % households.len()];
        let mut v = visit(steward, now - (30 - i as i64) * 3_600_000);
        if let Some((_, m)) = must.iter().take(4).find(|(mh, _)| *mh == h).filter(|_| i < 20) {
            v.answers = vec![*m];
        }
        store.record_visit(h, &v)?;
    }
    for k in 0..3 {
        let issue = NewIssue {
            id: Uuid::new_v4(),
            compound_id: compound,
            reporter_id: steward,
            reported_at: now,
            category: IssueCategory::ALL[k],
            place: "3栋1单元门口".into(),
            description: "有住户从二楼窗户拉电线给电瓶车充电，存在火灾隐患，晚上经常有电瓶车停在楼道里，影响通行，请物业尽快处理。".into(),
            route: IssueRoute::PropertyDuty,
        };
        store.report_issue(&issue)?;
        // The workload's two status changes, as the steward's phone may make them: two entries
        // in the issue's timeline (moving an issue forward is the property company's, which the
        // server refuses from a phone; docs/reliability.md).
        store.comment_issue(issue.id, if k == 0 { "物业已受理，明天派人查看" } else { "已电话联系物业" })?;
        store.comment_issue(issue.id, "已到现场查看，正在处理")?;
    }
    Ok(())
}

#[derive(Clone, Serialize, Deserialize)]
struct Steward {
    id: Uuid,
    compound: Uuid,
    households: Vec<Uuid>,
    code: String,
}

/// Seeds places, stewards and (for scenario B) their 20 households on the server.
fn seed(config: &Config, n: usize, with_households: bool) -> Vec<Steward> {
    let s = steward_sync_server::open_service(config).unwrap();
    let community = steward_tests::seed_community(&s);
    let mut compounds = Vec::new();
    for k in 0..n.div_ceil(100) {
        compounds.push(admin::create_place(&s, PlaceKind::Compound, &format!("小区{k}"), Some(community)).unwrap().id);
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let compound = compounds[i / 100];
        let st = admin::create_steward(&s, compound, &format!("管家{i}")).unwrap();
        let mut households = Vec::new();
        let mut docs = Vec::new();
        for j in 0..20 {
            let h = NewHousehold {
                id: Uuid::new_v4(),
                compound_id: compound,
                steward_id: Some(st.id),
                profile: reference_profile(j),
            };
            households.push(h.id);
            docs.push(doc::create_household(s.actor().clone(), &h, now_millis()).unwrap());
        }
        if with_households {
            s.create_docs(&docs).unwrap();
        }
        let code = admin::issue_enrolment_code(&s, st.id, 1).unwrap();
        out.push(Steward { id: st.id, compound, households, code });
    }
    out
}

struct Outcome {
    /// From the start of the burst until every phone's sync has ended (retries included).
    wall: Duration,
    errors: u64,
    busy: u64,
    retries: u64,
    /// Stewards whose month is not all on the server afterwards.
    missing: u64,
    sent: u64,
    received: u64,
    round_trips: u64,
    raw_change_bytes: u64,
    rss_kib: Option<u64>,
    /// The server's peak memory during the timed syncs alone (the peak is reset before them).
    timed_rss_kib: Option<u64>,
    /// The server's CPU time (user + system) during the timed syncs.
    server_cpu: Option<f64>,
    /// PostgreSQL's CPU time meanwhile (its processes'), on PostgreSQL.
    db_cpu: Option<f64>,
    /// What the server's processes wrote to storage during the timed syncs (SQLite's file and
    /// WAL; on PostgreSQL its own writes, not the database's).
    server_written: Option<u64>,
}

/// Totals of a batch of syncs.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Counts {
    errors: u64,
    sent: u64,
    received: u64,
    round_trips: u64,
    /// `503 busy` answers (the server shedding the burst), each followed by a retry.
    #[serde(default)]
    busy: u64,
    /// Retries after any failed attempt (busy, timed out, unreachable).
    #[serde(default)]
    retries: u64,
}

/// How long a simulated phone goes on retrying, as the app's background loop does, before its
/// sync counts as failed.
const GIVE_UP_AFTER: Duration = Duration::from_secs(600);

/// Enrols a device per steward, takes (or, in scenario A, creates) the households, and does the
/// month's work offline. Returns the devices and the raw size of their new changes, as
/// Automerge's `save_after` encodes them.
/// What a steward's month holds, counted on the device before it syncs: visits, must-visits,
/// issues.
type Month = [u64; 3];

async fn prepare(
    url: &str,
    stewards: &[Steward],
    first_upload: bool,
    dir: &Path,
) -> (Vec<SharedStore>, u64, Vec<(Uuid, Month)>) {
    let client = SyncClient::new();
    let mut devices: Vec<SharedStore> = Vec::with_capacity(stewards.len());
    for st in stewards {
        let store: SharedStore = Arc::new(Mutex::new(Store::open(dir.join(format!("d-{}.sqlite3", st.id))).unwrap()));
        client.enrol(&store, url, &st.code, "bench").await.expect("enrol");
        if first_upload {
            // Scenario A: the households exist only on the device (nothing on the server).
            let mut s = store.lock().unwrap();
            for (j, h) in st.households.iter().enumerate() {
                let nh = NewHousehold {
                    id: *h,
                    compound_id: st.compound,
                    steward_id: Some(st.id),
                    profile: reference_profile(j),
                };
                let d = doc::create_household(s.actor().clone(), &nh, now_millis()).unwrap();
                s.insert_new_doc(d, "create_household").unwrap();
            }
        } else {
            client.sync(&store).await.expect("initial sync");
        }
        month_of_work(&mut store.lock().unwrap(), st.id, st.compound, &st.households).unwrap();
        devices.push(store);
    }
    let mut raw = 0u64;
    let mut months = Vec::with_capacity(devices.len());
    for (d, st) in devices.iter().zip(stewards) {
        let mut s = d.lock().unwrap();
        let (req, _) = s.prepare_sync().unwrap();
        raw += req.push.iter().flat_map(|p| p.data.iter()).map(|b| b.len() as u64).sum::<u64>();
        let [_, visits, must_visits, _, issues] = s.row_counts().unwrap();
        months.push((st.id, [u64::from(visits), u64::from(must_visits), u64::from(issues)]));
    }
    (devices, raw, months)
}

/// Counts each steward's month on the server from its read model; returns how many stewards'
/// months are not all there (or hold more than the device made).
fn missing_on_server(config: &Config, stewards: &[Steward], months: &[(Uuid, Month)]) -> u64 {
    use steward_sync_server::storage::Scope;
    let s = steward_sync_server::open_service(config).unwrap();
    let mut missing = 0;
    for (st, (id, expected)) in stewards.iter().zip(months) {
        assert_eq!(st.id, *id);
        let rows =
            s.storage().projections(&Scope::Steward { steward_id: st.id, compound_id: st.compound }, None, -1).unwrap();
        let mut found = [0u64; 3];
        for r in rows {
            match serde_json::from_str::<doc::Projection>(&r.json).unwrap() {
                doc::Projection::Household(h) if h.steward_id == Some(st.id) => {
                    found[0] += h.visits.len() as u64;
                    found[1] += h.must_visits.len() as u64;
                }
                doc::Projection::Issue(i) if i.reporter_id == st.id => found[2] += 1,
                _ => {}
            }
        }
        if found != *expected {
            eprintln!("  steward {}: on the server {found:?}, made {expected:?} (visits, must-visits, issues)", st.id);
            missing += 1;
        }
    }
    missing
}

/// Starts every device's sync at once and waits for all of them.
async fn sync_all(devices: &[SharedStore]) -> Counts {
    let client = SyncClient::new();
    let errors = Arc::new(AtomicU64::new(0));
    let sent = Arc::new(AtomicU64::new(0));
    let received = Arc::new(AtomicU64::new(0));
    let trips = Arc::new(AtomicU64::new(0));
    let busy = Arc::new(AtomicU64::new(0));
    let retries = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::with_capacity(devices.len());
    for d in devices.iter().cloned() {
        let (client, errors, sent, received, trips) =
            (client.clone(), errors.clone(), sent.clone(), received.clone(), trips.clone());
        let (busy, retries) = (busy.clone(), retries.clone());
        tasks.push(tokio::spawn(async move {
            // Retried as the app's background loop retries: after a busy answer no sooner than
            // its Retry-After (jittered), after another retryable failure with backoff.
            let backoff = steward_client::Backoff::default();
            let start = Instant::now();
            let mut failures = 0;
            let result = loop {
                match client.sync(&d).await {
                    Err(e) if e.is_retryable() && start.elapsed() < GIVE_UP_AFTER => {
                        let told = match e {
                            steward_client::SyncError::Busy { retry_after, .. } => {
                                busy.fetch_add(1, Ordering::Relaxed);
                                Some(retry_after)
                            }
                            _ => None,
                        };
                        failures += 1;
                        retries.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(backoff.next(failures, told)).await;
                    }
                    r => break r,
                }
            };
            match result {
                Ok(r) => {
                    sent.fetch_add(r.bytes_sent, Ordering::Relaxed);
                    received.fetch_add(r.bytes_received, Ordering::Relaxed);
                    trips.fetch_add(u64::from(r.round_trips), Ordering::Relaxed);
                    // Edits still waiting, or a document the server refused and the client set
                    // aside (the sync itself returns Ok then), is a failed sync.
                    let status = d.lock().unwrap().sync_status().unwrap();
                    if status.pending_changes != 0 || !status.rejected.is_empty() {
                        eprintln!(
                            "  sync left {} waiting, {} set aside: {:?}",
                            status.pending_changes,
                            status.rejected.len(),
                            status.rejected.first()
                        );
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Err(e) => {
                    eprintln!("  sync error: {e}");
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    Counts {
        errors: errors.load(Ordering::Relaxed),
        sent: sent.load(Ordering::Relaxed),
        received: received.load(Ordering::Relaxed),
        round_trips: trips.load(Ordering::Relaxed),
        busy: busy.load(Ordering::Relaxed),
        retries: retries.load(Ordering::Relaxed),
    }
}

/// Simulated phones per client process. Each holds a SQLite store (three open files) and a
/// connection, and one process may only hold so many open files; beyond this many stewards the
/// phones are spread over several client processes that start their syncs on one signal.
const DEVICES_PER_PROCESS: usize = 1500;

/// Where the simulated phones keep their stores: for a district's burst (the phones of one
/// client process), in memory (`/dev/shm`) where the machine has it. Each real phone writes to
/// its own flash; the phones' stores on the server's disk would measure their writes competing
/// with the server's. A phone store with its WAL takes up to about 4 MiB, so the city's burst
/// (several client processes) keeps them on the disk: 6,000 would not fit in memory here.
fn phones_dir(in_memory: bool) -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if in_memory && shm.is_dir() {
        if let Ok(d) = tempfile::Builder::new().prefix("steward-phones-").tempdir_in(shm) {
            return d;
        }
    }
    tempfile::tempdir().unwrap()
}

#[derive(Serialize, Deserialize)]
struct WorkerJob {
    url: String,
    first_upload: bool,
    stewards: Vec<Steward>,
}

/// A client process: prepares its phones, says `ready <raw bytes>`, waits for `go`, syncs them
/// all, and says `done <counts as JSON>`.
fn worker(job_file: &str) {
    let job: WorkerJob = serde_json::from_slice(&std::fs::read(job_file).unwrap()).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let dir = phones_dir(false);
    let (devices, raw, months) = rt.block_on(prepare(&job.url, &job.stewards, job.first_upload, dir.path()));
    println!("ready {raw} {}", serde_json::to_string(&months).unwrap());
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    let counts = rt.block_on(sync_all(&devices));
    println!("done {}", serde_json::to_string(&counts).unwrap());
}

async fn scenario(rt_dir: &Path, n: usize, first_upload: bool, nodes: usize) -> Outcome {
    let dir = tempfile::tempdir_in(rt_dir).unwrap();
    let data = dir.path().join("server");
    // On PostgreSQL when STEWARD_TEST_POSTGRES names a server (the harness's database for `data`).
    let config =
        Config { database: steward_tests::pg::database_for(&data), data_dir: data.clone(), ..Default::default() };
    let db_cpu = || config.database.is_some().then(|| cpu_seconds_named("postgres"));
    let seed_start = Instant::now();
    let stewards = seed(&config, n, !first_upload);
    assert!(nodes == 1 || config.database.is_some(), "several nodes need PostgreSQL (STEWARD_TEST_POSTGRES)");
    let mut servers = vec![ServerProcess::spawn(&data, 0).await];
    while servers.len() < nodes {
        servers.push(ServerProcess::spawn_on(&data, config.database.clone(), 0, &[]).await);
    }
    let urls: Vec<String> = servers.iter().map(|s| s.url()).collect();
    eprintln!("  seeded {n} stewards in {:.1?} ({nodes} node(s))", seed_start.elapsed());

    let prep = Instant::now();
    let pids: Vec<u32> = servers.iter().filter_map(|s| s.pid()).collect();
    // Summed over the nodes; the peak memory is the largest node's.
    let cpu = || pids.iter().map(|p| cpu_seconds(*p)).sum::<Option<f64>>();
    let written = || pids.iter().map(|p| written_bytes(*p)).sum::<Option<u64>>();
    let peak = || pids.iter().map(|p| peak_rss_kib(*p)).max().flatten();
    let cpu_start;
    let written_start;
    let db_cpu_start;
    let whole_rss_before;
    // With several nodes the phones are spread over them by client process, two per node.
    let per_process = if nodes > 1 { n.div_ceil(2 * nodes).min(DEVICES_PER_PROCESS) } else { DEVICES_PER_PROCESS };
    let (counts, raw, months, wall) = if n <= per_process {
        let phones = phones_dir(true);
        let (devices, raw, months) = prepare(&urls[0], &stewards, first_upload, phones.path()).await;
        eprintln!("  prepared {n} devices in {:.1?}", prep.elapsed());
        whole_rss_before = peak();
        for p in &pids {
            reset_peak_rss(*p);
        }
        cpu_start = cpu();
        written_start = written();
        db_cpu_start = db_cpu();
        let start = Instant::now();
        let counts = sync_all(&devices).await;
        (counts, raw, months, start.elapsed())
    } else {
        let mut workers = Vec::new();
        for (k, chunk) in stewards.chunks(per_process).enumerate() {
            let job = WorkerJob { url: urls[k % urls.len()].clone(), first_upload, stewards: chunk.to_vec() };
            let file = dir.path().join(format!("job-{k}.json"));
            std::fs::write(&file, serde_json::to_vec(&job).unwrap()).unwrap();
            let mut child = Command::new(std::env::current_exe().unwrap())
                .args(["--worker", file.to_str().unwrap()])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let lines = BufReader::new(child.stdout.take().unwrap()).lines();
            workers.push((child, lines));
        }
        let mut raw = 0;
        let mut months: Vec<(Uuid, Month)> = Vec::new();
        for (_, lines) in workers.iter_mut() {
            let ready = lines.next().unwrap().unwrap();
            let (bytes, m) = ready.trim_start_matches("ready ").split_once(' ').unwrap();
            raw += bytes.parse::<u64>().unwrap();
            months.extend(serde_json::from_str::<Vec<(Uuid, Month)>>(m).unwrap());
        }
        eprintln!("  prepared {n} devices in {} client processes in {:.1?}", workers.len(), prep.elapsed());
        whole_rss_before = peak();
        for p in &pids {
            reset_peak_rss(*p);
        }
        cpu_start = cpu();
        written_start = written();
        db_cpu_start = db_cpu();
        let start = Instant::now();
        for (child, _) in workers.iter_mut() {
            writeln!(child.stdin.as_mut().unwrap(), "go").unwrap();
        }
        let mut total = Counts::default();
        for (child, lines) in workers.iter_mut() {
            let done = lines.next().unwrap().unwrap();
            let c: Counts = serde_json::from_str(done.trim_start_matches("done ")).unwrap();
            total.errors += c.errors;
            total.sent += c.sent;
            total.received += c.received;
            total.round_trips += c.round_trips;
            total.busy += c.busy;
            total.retries += c.retries;
            child.wait().unwrap();
        }
        (total, raw, months, start.elapsed())
    };
    let server_cpu = cpu().zip(cpu_start).map(|(end, start)| end - start);
    let server_written = written().zip(written_start).map(|(end, start)| end.saturating_sub(start));
    let db_cpu = db_cpu().zip(db_cpu_start).map(|(end, start)| end - start);
    let timed_rss_kib = peak();
    let rss_kib = timed_rss_kib.max(whole_rss_before);
    let missing = missing_on_server(&config, &stewards, &months);
    Outcome {
        server_cpu,
        db_cpu,
        server_written,
        wall,
        errors: counts.errors,
        busy: counts.busy,
        retries: counts.retries,
        missing,
        timed_rss_kib,
        sent: counts.sent,
        received: counts.received,
        round_trips: counts.round_trips,
        raw_change_bytes: raw,
        rss_kib,
    }
}

fn record_a_visit_latency(dir: &Path) -> (Duration, Duration) {
    let mut store = Store::open(dir.join("latency.sqlite3")).unwrap();
    let steward = Uuid::new_v4();
    let compound = Uuid::new_v4();
    let mut households = Vec::new();
    for j in 0..20 {
        let nh = NewHousehold {
            id: Uuid::new_v4(),
            compound_id: compound,
            steward_id: Some(steward),
            profile: reference_profile(j),
        };
        let d = doc::create_household(store.actor().clone(), &nh, now_millis()).unwrap();
        households.push(store.insert_new_doc(d, "create_household").unwrap());
    }
    // A steward's year and a half: 500 visits over 20 households (25 each), every one timed.
    let mut times = Vec::with_capacity(500);
    for i in 0..500 {
        let v = visit(steward, now_millis() - i);
        let t = Instant::now();
        store.record_visit(households[i as usize % 20], &v).unwrap();
        times.push(t.elapsed());
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

fn report(name: &str, n: usize, o: &Outcome) {
    println!("{name}: {n} stewards syncing a month at once");
    println!("  wall time        {:.2} s", o.wall.as_secs_f64());
    println!("  throughput       {:.0} stewards/s", n as f64 / o.wall.as_secs_f64());
    println!("  errors           {} (syncs failed, waiting or set aside, after retrying as the app does)", o.errors);
    println!("  busy answers     {} (503 with Retry-After: the burst shed), {} retries in all", o.busy, o.retries);
    println!("  months missing   {} (stewards whose month is not all on the server)", o.missing);
    println!("  round trips      {:.2} per steward", o.round_trips as f64 / n as f64);
    println!("  bytes up         {} ({:.1} KiB per steward)", o.sent, o.sent as f64 / n as f64 / 1024.0);
    println!("  bytes down       {} ({:.1} KiB per steward)", o.received, o.received as f64 / n as f64 / 1024.0);
    println!(
        "  raw change bytes {} ({:.1} KiB per steward)",
        o.raw_change_bytes,
        o.raw_change_bytes as f64 / n as f64 / 1024.0
    );
    println!("  wire / raw       {:.3}", (o.sent + o.received) as f64 / o.raw_change_bytes.max(1) as f64);
    match (o.rss_kib, o.timed_rss_kib) {
        (Some(all), Some(timed)) => println!(
            "  server peak RSS  {:.1} MiB whole run, {:.1} MiB during the timed syncs",
            all as f64 / 1024.0,
            timed as f64 / 1024.0
        ),
        _ => println!("  server peak RSS  (not available)"),
    }
    if let Some(w) = o.server_written {
        println!(
            "  server writes    {:.1} MiB to storage ({:.1} KiB per steward month)",
            w as f64 / 1048576.0,
            w as f64 / 1024.0 / n as f64
        );
    }
    if let Some(cpu) = o.server_cpu {
        println!("  server CPU       {cpu:.2} s ({:.1} ms per steward month)", cpu * 1000.0 / n as f64);
        if let Some(db) = o.db_cpu {
            let both = cpu + db;
            println!(
                "  PostgreSQL CPU   {db:.2} s; server + database {both:.2} s ({:.1} ms per steward month)",
                both * 1000.0 / n as f64
            );
        }
    }
}

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    if let Some(i) = argv.iter().position(|a| a == "--worker") {
        worker(&argv[i + 1]);
        return;
    }
    let a = args();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    println!(
        "machine: {} cores; {}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        std::env::consts::ARCH
    );

    let (median, p99) = record_a_visit_latency(tmp.path());
    println!(
        "record a visit (device store, SQLite synchronous=FULL): median {:.3} ms, p99 {:.3} ms",
        median.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    );

    let failed = rt.block_on(async {
        let mut failed = 0;
        // One steward's steady-state sync, alone.
        let one = scenario(tmp.path(), 1, false, 1).await;
        failed += one.errors + one.missing;
        println!(
            "steady-state sync of one steward's month: {} round trip(s), {} bytes up + {} down for {} bytes of changes ({:.3}x)",
            one.round_trips, one.sent, one.received, one.raw_change_bytes,
            (one.sent + one.received) as f64 / one.raw_change_bytes as f64
        );
        if a.scenario == "a" || a.scenario == "both" {
            let o = scenario(tmp.path(), a.stewards, true, a.nodes).await;
            report("scenario A (first upload)", a.stewards, &o);
            failed += o.errors + o.missing;
        }
        if a.scenario == "b" || a.scenario == "both" {
            let o = scenario(tmp.path(), a.stewards, false, a.nodes).await;
            report("scenario B (steady state)", a.stewards, &o);
            failed += o.errors + o.missing;
        }
        failed
    });
    if failed > 0 {
        eprintln!("benchmark failed: {failed} errors or missing months (see above); the figures do not count");
        std::process::exit(1);
    }
}
