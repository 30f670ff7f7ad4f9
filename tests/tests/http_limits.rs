//! What a request may cost the server, and what its answer may tell: body limits read after
//! authentication, the password checks' own lane, attempt limits on sign-in and enrolment,
//! exact request bodies, connection time-outs and cap, and answers about other compounds that
//! say no more than "not found". Every test runs a real server on 127.0.0.1 and checks the data
//! as well as the status.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use steward_core::doc::{self, NewIssue};
use steward_core::model::{IssueCategory, IssueRoute};
use steward_core::time::now_millis;
use steward_sync_server::storage::{Role, Scope};
use steward_sync_server::throttle::Bucket;
use steward_sync_server::{admin, Config};
use steward_tests::{Supervisor, World};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

// -- helpers --------------------------------------------------------------------------------------

fn addr(w: &World) -> SocketAddr {
    w.running.as_ref().expect("server running").addr
}

/// Rows in a table of the server's database.
fn count(w: &World, table: &str) -> i64 {
    steward_tests::store_count(&w.config, &format!("SELECT COUNT(*) FROM {table}"), &[])
}

/// A generous configuration for the limits a test does not look at.
fn roomy(c: &mut Config) {
    c.throttle.login_per_address = Bucket { burst: 1_000, refill_every: Duration::from_millis(10) };
    c.throttle.enrol_per_address = Bucket { burst: 1_000, refill_every: Duration::from_millis(10) };
    c.throttle.login_free_failures = 1_000;
}

struct Answer {
    status: u16,
    retry_after: Option<u64>,
    body: Value,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    /// Status, code and message: what a caller can tell apart.
    fn seen(&self) -> (u16, String, String) {
        (self.status, self.code().to_string(), self.body["message"].as_str().unwrap_or("").to_string())
    }
}

/// Sends JSON from a client address of 127.0.0.0/8 (the server is always on 127.0.0.1).
async fn call(w: &World, from: &str, method: reqwest::Method, path: &str, token: Option<&str>, body: Value) -> Answer {
    let local: IpAddr = from.parse().unwrap();
    let http = reqwest::Client::builder().local_address(local).build().unwrap();
    let mut req = http.request(method, format!("{}{path}", w.url)).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let retry_after = r.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok());
    Answer { status, retry_after, body: r.json().await.unwrap_or(Value::Null) }
}

async fn post(w: &World, path: &str, token: Option<&str>, body: Value) -> Answer {
    call(w, "127.0.0.1", reqwest::Method::POST, path, token, body).await
}

async fn put(w: &World, path: &str, token: Option<&str>, body: Value) -> Answer {
    call(w, "127.0.0.1", reqwest::Method::PUT, path, token, body).await
}

async fn login_from(w: &World, from: &str, username: &str, password: &str) -> Answer {
    call(w, from, reqwest::Method::POST, "/v1/login", None, json!({"username": username, "password": password})).await
}

/// Reads one HTTP/1.1 response (status, head, body) within `within`.
async fn read_response(s: &mut TcpStream, within: Duration) -> (u16, String, String) {
    let mut buf = Vec::new();
    let read = async {
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).to_string();
                let len = head
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0);
                if buf.len() >= end + 4 + len {
                    let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).to_string();
                    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
                    return (status, head, body);
                }
            }
            let n = s.read(&mut chunk).await.unwrap_or(0);
            assert!(n > 0, "the connection closed before a whole response: {:?}", String::from_utf8_lossy(&buf));
            buf.extend_from_slice(&chunk[..n]);
        }
    };
    tokio::time::timeout(within, read).await.expect("no answer in time")
}

/// Waits until the server closes the connection; returns how long that took.
async fn closed_within(s: &mut TcpStream, within: Duration) -> Duration {
    let start = Instant::now();
    let wait = async {
        let mut chunk = [0u8; 1024];
        loop {
            match s.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(within, wait).await.expect("the server left the connection open");
    start.elapsed()
}

fn new_issue(compound: Uuid, reporter: Uuid, route: IssueRoute) -> NewIssue {
    NewIssue {
        id: Uuid::new_v4(),
        compound_id: compound,
        reporter_id: reporter,
        reported_at: now_millis(),
        category: IssueCategory::FlyingWireCharging,
        place: "3栋1单元门口".into(),
        description: "有住户从二楼窗户拉电线给电瓶车充电，存在火灾隐患。".into(),
        route,
    }
}

/// An issue stored on the server, as if a steward had reported it.
fn issue(w: &World, compound: Uuid, reporter: Uuid, route: IssueRoute) -> Uuid {
    let i = new_issue(compound, reporter, route);
    let d = doc::create_issue(w.admin.actor().clone(), &i).unwrap();
    w.admin.create_doc(&d).unwrap();
    i.id
}

fn projection(w: &World, id: Uuid) -> Value {
    let rows = w.admin.storage().projections(&Scope::All, None, -1).unwrap();
    let r = rows.iter().find(|r| r.doc_id == id).expect("a projection");
    serde_json::from_str(&r.json).unwrap()
}

// -- 1. bodies: limits, read after authentication ---------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_body_is_not_read_before_its_limit_and_a_17_mb_json_body_gets_413() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    admin::create_user(&w.admin, "sup", "password-123", Role::Supervisor, Some(c)).unwrap();

    // Stalled 15 MB uploads to the doors anyone may knock at: each answered 413 from its
    // declared length at once, with the body never sent.
    let mut stalled = Vec::new();
    for path in ["/v1/login", "/v1/login", "/v1/login", "/v1/enrol"] {
        let mut s = TcpStream::connect(addr(&w)).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 15728640\r\n\r\n"
        );
        s.write_all(head.as_bytes()).await.unwrap();
        s.write_all(b"{\"username\": \"sup\", \"password\": \"").await.unwrap();
        stalled.push(s);
    }
    for s in &mut stalled {
        let (status, _, body) = read_response(s, Duration::from_secs(3)).await;
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!((status, v["code"].as_str()), (413, Some("payload_too_large")), "{body}");
    }

    // A chunked login body (no declared length) is cut off at 4 KiB.
    let mut s = TcpStream::connect(addr(&w)).await.unwrap();
    s.write_all(
        b"POST /v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    )
    .await
    .unwrap();
    let chunk = vec![b' '; 5000];
    s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await.unwrap();
    s.write_all(&chunk).await.unwrap();
    s.write_all(b"\r\n").await.unwrap();
    let (status, _, body) = read_response(&mut s, Duration::from_secs(3)).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(count(&w, "sessions"), 0, "no one was signed in");

    // A 17 MB JSON body to a supervisor's endpoint: without a token it is refused before a byte
    // is read; with one it is 413 with the JSON error, not 400.
    let sup = Supervisor::login(&w.url, "sup", "password-123").await;
    let s1 = w.steward(c, "李秀英");
    let h = w.household(c, Some(s1.id), 1);
    let before = w.stored();
    for token in [None, Some(sup.token.as_str())] {
        let mut s = TcpStream::connect(addr(&w)).await.unwrap();
        let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
        let head = format!(
            "POST /v1/households/{h}/must-visits HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: 17825792\r\n\r\n"
        );
        s.write_all(head.as_bytes()).await.unwrap();
        s.write_all(b"{\"trigger\": \"hardship\", \"note\": \"").await.unwrap();
        let (status, _, body) = read_response(&mut s, Duration::from_secs(3)).await;
        let v: Value = serde_json::from_str(&body).unwrap();
        let want = if token.is_some() { (413, "payload_too_large") } else { (401, "unauthorized") };
        assert_eq!((status, v["code"].as_str().unwrap()), want, "{body}");
    }
    // And one past 64 KiB sent whole, in chunks, is 413 too.
    let mut s = TcpStream::connect(addr(&w)).await.unwrap();
    let head = format!(
        "POST /v1/households/{h}/must-visits HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        sup.token
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let note = format!("{{\"trigger\": \"hardship\", \"note\": \"{}\"}}", "x".repeat(70 * 1024));
    s.write_all(format!("{:x}\r\n", note.len()).as_bytes()).await.unwrap();
    s.write_all(note.as_bytes()).await.unwrap();
    s.write_all(b"\r\n0\r\n\r\n").await.unwrap();
    let (status, _, body) = read_response(&mut s, Duration::from_secs(5)).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((status, v["code"].as_str()), (413, Some("payload_too_large")), "{body}");
    assert_eq!(w.stored(), before, "nothing was stored");
    assert_eq!(projection(&w, h)["must_visits"].as_array().map_or(0, |m| m.len()), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_body_is_not_read_before_its_token_is_checked() {
    let w = World::start_with(|c| c.max_body_bytes = 64 * 1024).await;
    let c = w.compound("蜀汉美郡");
    let st = w.steward(c, "李秀英");
    let d = w.device(st.id).await;
    let device_token = d.with(|s| s.identity()).unwrap().unwrap().device_token;
    let sup = w.supervisor(c, "sup").await;
    let before = w.stored();
    let cases = [
        (None, 401),
        (Some("not-a-token".to_string()), 401),
        (Some(sup.token.clone()), 403),
        (Some(device_token), 413),
    ];
    for (token, want) in cases {
        let mut s = TcpStream::connect(addr(&w)).await.unwrap();
        let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
        let head = format!(
            "POST /v1/sync HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/cbor\r\nContent-Length: 15728640\r\n\r\n"
        );
        s.write_all(head.as_bytes()).await.unwrap();
        s.write_all(&[0u8; 1000]).await.unwrap();
        // The body never comes: the answer must not wait for it.
        let (status, _, body) = read_response(&mut s, Duration::from_secs(3)).await;
        assert_eq!(status, want, "{body}");
    }
    assert_eq!(w.stored(), before, "nothing was stored");
}

// -- 2. password checks apart from the work ---------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_checks_have_their_own_bounded_lane_and_healthz_waits_for_no_work_slot() {
    let w = World::start_with(|c| {
        roomy(c);
        c.max_concurrent_work = 2;
        c.hash_concurrency = 1;
        c.hash_queue = 2;
    })
    .await;
    let c = w.compound("蜀汉美郡");
    admin::create_user(&w.admin, "sup", "password-123", Role::Supervisor, Some(c)).unwrap();
    let state = w.running.as_ref().unwrap().state().clone();

    // Every work slot taken (as by a burst of syncs): /healthz and sign-in still answer.
    let held = state.work.clone().acquire_many_owned(2).await.unwrap();
    let http = reqwest::Client::new();
    let health = tokio::time::timeout(Duration::from_secs(5), http.get(format!("{}/healthz", w.url)).send())
        .await
        .expect("/healthz waited for a work slot")
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let signed_in = tokio::time::timeout(Duration::from_secs(10), login_from(&w, "127.0.0.1", "sup", "password-123"))
        .await
        .expect("a sign-in waited for a work slot");
    assert_eq!(signed_in.status, 200);
    assert_eq!(count(&w, "sessions"), 1);
    drop(held);

    // The lane busy: one check running, two waiting; the rest are told at once to come back.
    let lane = state.hash.permits.clone().acquire_owned().await.unwrap();
    let mut tries = Vec::new();
    for i in 0..6 {
        let url = w.url.clone();
        tries.push(tokio::spawn(async move {
            let start = Instant::now();
            let r = reqwest::Client::new()
                .post(format!("{url}/v1/login"))
                .json(&json!({"username": format!("nobody{i}"), "password": "wrong-password"}))
                .send()
                .await
                .unwrap();
            let retry = r.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
            let status = r.status().as_u16();
            let v: Value = r.json().await.unwrap();
            (status, retry, v["code"].as_str().unwrap().to_string(), start.elapsed())
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    drop(lane);
    let mut busy = 0;
    let mut checked = 0;
    for t in tries {
        let (status, retry, code, took) = t.await.unwrap();
        match status {
            503 => {
                busy += 1;
                assert_eq!((retry.as_deref(), code.as_str()), (Some("1"), "busy"));
                assert!(took < Duration::from_millis(1500), "refused at once, not after waiting: {took:?}");
            }
            401 => checked += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((checked, busy), (3, 3), "one running and two waiting were checked; three were sent away");
    assert_eq!(count(&w, "sessions"), 1);
}

// -- 3. attempt limits --------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_enrolment_codes_from_one_address_get_429_with_retry_after_and_even_a_right_code_waits() {
    let w = World::start_with(|c| {
        roomy(c);
        c.throttle.enrol_per_address = Bucket { burst: 3, refill_every: Duration::from_secs(2) };
    })
    .await;
    let c = w.compound("蜀汉美郡");
    let st = w.steward(c, "李秀英");
    let code = admin::issue_enrolment_code(&w.admin, st.id, 1).unwrap();
    let enrol = |from: &'static str, code: String| {
        let w = &w;
        async move {
            call(w, from, reqwest::Method::POST, "/v1/enrol", None, json!({"code": code, "device_name": "phone"})).await
        }
    };
    for _ in 0..3 {
        let a = enrol("127.0.0.1", "WRONGCODE1".into()).await;
        assert_eq!((a.status, a.code()), (401, "bad_enrolment_code"));
    }
    for _ in 0..20 {
        let a = enrol("127.0.0.1", "WRONGCODE2".into()).await;
        assert_eq!((a.status, a.code()), (429, "too_many_attempts"), "{}", a.body);
        assert!(a.retry_after.is_some_and(|s| (1..=2).contains(&s)), "Retry-After in seconds: {:?}", a.retry_after);
    }
    let a = enrol("127.0.0.1", code.clone()).await;
    assert_eq!(a.status, 429, "the right code waits too");
    assert_eq!(count(&w, "devices"), 0);
    assert_eq!(count(&w, "enrolments WHERE used_at IS NOT NULL"), 0, "the code is still unused");

    // Another address is not held up by this one.
    let a = enrol("127.0.0.2", "WRONGCODE3".into()).await;
    assert_eq!(a.status, 401);

    tokio::time::sleep(Duration::from_millis(2200)).await;
    let a = enrol("127.0.0.1", code).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(count(&w, "devices"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_passwords_lock_the_account_and_even_the_right_one_waits_until_the_lock_ends() {
    let w = World::start_with(|c| {
        roomy(c);
        c.throttle.login_free_failures = 5;
        c.throttle.login_lockout = Duration::from_secs(2);
        c.throttle.login_lockout_max = Duration::from_secs(8);
    })
    .await;
    let c = w.compound("蜀汉美郡");
    for name in ["zhang", "li"] {
        admin::create_user(&w.admin, name, "password-123", Role::Supervisor, Some(c)).unwrap();
    }
    for _ in 0..5 {
        let a = login_from(&w, "127.0.0.1", "zhang", "wrong-password").await;
        assert_eq!((a.status, a.code()), (401, "bad_login"));
    }
    for _ in 0..3 {
        let a = login_from(&w, "127.0.0.1", "zhang", "password-123").await;
        assert_eq!((a.status, a.code()), (429, "too_many_attempts"), "{}", a.body);
        assert!(a.retry_after.is_some_and(|s| (1..=2).contains(&s)), "{:?}", a.retry_after);
    }
    // From another address too: the lock is the account's.
    let a = login_from(&w, "127.0.0.2", "zhang", "password-123").await;
    assert_eq!(a.status, 429);
    assert_eq!(count(&w, "sessions"), 0, "no session for a locked account");

    // An unknown username is answered the same way, so the lock does not tell who exists.
    for _ in 0..5 {
        assert_eq!(login_from(&w, "127.0.0.1", "nobody", "wrong-password").await.status, 401);
    }
    assert_eq!(login_from(&w, "127.0.0.1", "nobody", "wrong-password").await.code(), "too_many_attempts");

    // Another account signs in meanwhile.
    assert_eq!(login_from(&w, "127.0.0.1", "li", "password-123").await.status, 200);
    assert_eq!(count(&w, "sessions"), 1);

    tokio::time::sleep(Duration::from_millis(2200)).await;
    let a = login_from(&w, "127.0.0.1", "zhang", "password-123").await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(count(&w, "sessions"), 2);
    // A success starts the count again.
    assert_eq!(login_from(&w, "127.0.0.1", "zhang", "wrong-password").await.status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_from_one_address_across_accounts_get_429_and_successes_cost_nothing() {
    let w = World::start_with(|c| {
        roomy(c);
        c.throttle.login_per_address = Bucket { burst: 3, refill_every: Duration::from_secs(60) };
    })
    .await;
    let c = w.compound("蜀汉美郡");
    admin::create_user(&w.admin, "sup", "password-123", Role::Supervisor, Some(c)).unwrap();
    for _ in 0..6 {
        assert_eq!(login_from(&w, "127.0.0.1", "sup", "password-123").await.status, 200, "successes are free");
    }
    for i in 0..3 {
        assert_eq!(login_from(&w, "127.0.0.1", &format!("guess{i}"), "wrong-password").await.status, 401);
    }
    let a = login_from(&w, "127.0.0.1", "sup", "password-123").await;
    assert_eq!((a.status, a.code()), (429, "too_many_attempts"));
    assert!(a.retry_after.is_some_and(|s| (1..=60).contains(&s)), "{:?}", a.retry_after);
    assert_eq!(count(&w, "sessions"), 6);
    assert_eq!(login_from(&w, "127.0.0.2", "sup", "password-123").await.status, 200, "another address signs in");
    assert_eq!(count(&w, "sessions"), 7);
}

// -- 4. exact bodies ------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_keys_and_missing_fields_are_a_400_and_an_empty_assign_leaves_the_household_assigned() {
    let w = World::start_with(roomy).await;
    let c = w.compound("蜀汉美郡");
    let s1 = w.steward(c, "李秀英");
    let h = w.household(c, Some(s1.id), 1);
    let i = issue(&w, c, s1.id, IssueRoute::CommunityCoordination);
    let sup = w.supervisor(c, "sup").await;
    let code = admin::issue_enrolment_code(&w.admin, s1.id, 1).unwrap();
    let t = Some(sup.token.as_str());
    let before = w.stored();
    let sessions = count(&w, "sessions");
    let plan = format!("/v1/plans/{}/2031-05", s1.id);
    let cases: Vec<(reqwest::Method, String, Option<&str>, Value)> = vec![
        (reqwest::Method::POST, format!("/v1/households/{h}/assign"), t, json!({})),
        (reqwest::Method::POST, format!("/v1/households/{h}/assign"), t, json!({"stewardid": s1.id})),
        (reqwest::Method::POST, format!("/v1/households/{h}/assign"), t, json!({"steward_id": null, "why": "x"})),
        (reqwest::Method::POST, format!("/v1/issues/{i}/status"), t, json!({"status": "accepted", "colour": 1})),
        (reqwest::Method::POST, format!("/v1/issues/{i}/status"), t, json!({"comment": "no status"})),
        (reqwest::Method::POST, format!("/v1/issues/{i}/comments"), t, json!({"text": "x", "by": "me"})),
        (reqwest::Method::POST, format!("/v1/issues/{i}/comments"), t, json!({})),
        (reqwest::Method::POST, format!("/v1/households/{h}/must-visits"), t, json!({"trigger": "hardship", "x": 1})),
        (reqwest::Method::POST, format!("/v1/households/{h}/must-visits"), t, json!({"note": "no trigger"})),
        (reqwest::Method::POST, format!("/v1/compounds/{c}/holiday-must-visits"), t, json!({"note": "春节", "all": 1})),
        (reqwest::Method::PUT, format!("/v1/compounds/{c}/deadlines"), t, json!({"urgent_help": 720, "bogus": 5})),
        (reqwest::Method::PUT, plan.clone(), t, json!({"households": [h], "note": "x"})),
        (reqwest::Method::PUT, plan.clone(), t, json!({})),
        (
            reqwest::Method::POST,
            "/v1/login".into(),
            None,
            json!({"username": "sup", "password": "password-123", "keep": 1}),
        ),
        (reqwest::Method::POST, "/v1/login".into(), None, json!({"username": "sup"})),
        (reqwest::Method::POST, "/v1/enrol".into(), None, json!({"code": code, "device_name": "p", "model": "x"})),
    ];
    for (method, path, token, body) in cases {
        let a = call(&w, "127.0.0.1", method.clone(), &path, token, body.clone()).await;
        assert_eq!((a.status, a.code()), (400, "bad_request"), "{method} {path} {body}: {}", a.body);
    }
    assert_eq!(w.stored(), before, "nothing was changed");
    assert_eq!(projection(&w, h)["steward_id"], json!(s1.id), "still assigned");
    assert_eq!(count(&w, "sessions"), sessions, "no one was signed in");
    assert_eq!(count(&w, "devices"), 0, "no device was enrolled");
    assert!(w.admin.storage().doc_meta(doc::plan_doc_id(s1.id, "2031-05".parse().unwrap())).unwrap().is_none());

    // Unassigning is said outright, and assigning again works.
    let a = post(&w, &format!("/v1/households/{h}/assign"), t, json!({"steward_id": null})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(projection(&w, h)["steward_id"], Value::Null);
    let a = post(&w, &format!("/v1/households/{h}/assign"), t, json!({"steward_id": s1.id})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(projection(&w, h)["steward_id"], json!(s1.id));
}

// -- 5. connections ------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_sent_header_and_an_idle_connection_are_closed_within_their_time_outs() {
    let w = World::start_with(|c| {
        c.header_read_timeout = Duration::from_secs(1);
        c.idle_timeout = Duration::from_secs(2);
    })
    .await;
    let a = addr(&w);

    // Half a header, trickled a byte at a time: closed about a second after it began.
    let mut half = TcpStream::connect(a).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let (mut r, mut wr) = half.into_split();
    let trickle = tokio::spawn(async move {
        for _ in 0..40 {
            if wr.write_all(b"X").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let start = Instant::now();
    let wait = async {
        let mut chunk = [0u8; 256];
        loop {
            match r.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(3), wait).await.expect("a trickled header kept its connection");
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(800), "closed too soon: {took:?}");
    trickle.abort();

    // A connection that never sends anything: closed as one with half a header.
    let mut silent = TcpStream::connect(a).await.unwrap();
    let took = closed_within(&mut silent, Duration::from_secs(3)).await;
    assert!(took >= Duration::from_millis(800), "{took:?}");

    // One request answered, then idle: kept past the header time-out, closed at the idle one.
    let mut idle = TcpStream::connect(a).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let (status, _, body) = read_response(&mut idle, Duration::from_secs(3)).await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    let took = closed_within(&mut idle, Duration::from_secs(5)).await;
    assert!(took >= Duration::from_millis(1800) && took < Duration::from_millis(4000), "{took:?}");

    // A connection in use is not idle: requests every 0.7 s for 3.5 s keep it open.
    let mut busy = TcpStream::connect(a).await.unwrap();
    for _ in 0..5 {
        busy.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
        let (status, _, _) = read_response(&mut busy, Duration::from_secs(3)).await;
        assert_eq!(status, 200);
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_body_gets_408_within_the_body_time_out_and_signs_no_one_in() {
    let w = World::start_with(|c| {
        roomy(c);
        c.body_read_timeout = Duration::from_secs(1);
    })
    .await;
    let c = w.compound("蜀汉美郡");
    admin::create_user(&w.admin, "sup", "password-123", Role::Supervisor, Some(c)).unwrap();
    let body = br#"{"username": "sup", "password": "password-123"}"#;
    let mut s = TcpStream::connect(addr(&w)).await.unwrap();
    let head = format!(
        "POST /v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&body[..20]).await.unwrap();
    let start = Instant::now();
    let (status, _, answer) = read_response(&mut s, Duration::from_secs(4)).await;
    let v: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!((status, v["code"].as_str()), (408, Some("body_timeout")), "{answer}");
    assert!(start.elapsed() >= Duration::from_millis(800), "{:?}", start.elapsed());
    // The rest of the body, late: nothing comes of it.
    let _ = s.write_all(&body[20..]).await;
    closed_within(&mut s, Duration::from_secs(3)).await;
    assert_eq!(count(&w, "sessions"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_wait_in_the_queue_until_one_closes() {
    let w = World::start_with(|c| {
        c.max_connections = 2;
        c.header_read_timeout = Duration::from_secs(30);
        c.idle_timeout = Duration::from_secs(30);
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut s = TcpStream::connect(addr(&w)).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
        assert_eq!(read_response(&mut s, Duration::from_secs(3)).await.0, 200);
        held.push(s);
    }
    let http = reqwest::Client::builder().timeout(Duration::from_millis(800)).build().unwrap();
    let third = http.get(format!("{}/healthz", w.url)).send().await;
    assert!(third.is_err_and(|e| e.is_timeout()), "a third connection waits while two are held");
    drop(held.pop());
    let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    let r = http.get(format!("{}/healthz", w.url)).send().await.expect("served once a slot is free");
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_idle_connections_and_finishes_the_request_in_flight() {
    let mut w = World::start_with(roomy).await;
    let c = w.compound("蜀汉美郡");
    let s1 = w.steward(c, "李秀英");
    let i = issue(&w, c, s1.id, IssueRoute::CommunityCoordination);
    let sup = w.supervisor(c, "sup").await;

    let mut idle = TcpStream::connect(addr(&w)).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    assert_eq!(read_response(&mut idle, Duration::from_secs(3)).await.0, 200);

    let body = r#"{"text": "请物业本周内处理"}"#.as_bytes();
    let mut busy = TcpStream::connect(addr(&w)).await.unwrap();
    let head = format!(
        "POST /v1/issues/{i}/comments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        sup.token,
        body.len()
    );
    busy.write_all(head.as_bytes()).await.unwrap();
    busy.write_all(&body[..5]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let running = w.running.take().unwrap();
    let stopping = tokio::spawn(running.shutdown());
    closed_within(&mut idle, Duration::from_secs(3)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!stopping.is_finished(), "shutdown waits for the request in flight");
    busy.write_all(&body[5..]).await.unwrap();
    let (status, _, answer) = read_response(&mut busy, Duration::from_secs(5)).await;
    assert_eq!(status, 200, "{answer}");
    tokio::time::timeout(Duration::from_secs(5), stopping).await.expect("shutdown finished").unwrap();
    let timeline = projection(&w, i)["timeline"].clone();
    assert!(timeline.to_string().contains("请物业本周内处理"), "the comment was stored: {timeline}");
}

// -- 6 and 7. answers about other places, and inputs that are no such thing ------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_about_records_outside_ones_place_are_the_same_as_for_records_that_do_not_exist() {
    let w = World::start_with(roomy).await;
    let c1 = w.compound("蜀汉美郡");
    let c2 = w.compound("汉江花园");
    let s1 = w.steward(c1, "李秀英");
    let s2 = w.steward(c2, "王建国");
    let h1 = w.household(c1, Some(s1.id), 1);
    let h2 = w.household(c2, Some(s2.id), 2);
    let i1 = issue(&w, c1, s1.id, IssueRoute::CommunityCoordination);
    let i1_duty = issue(&w, c1, s1.id, IssueRoute::PropertyDuty);
    let i2 = issue(&w, c2, s2.id, IssueRoute::CommunityCoordination);
    let sup = w.supervisor(c1, "sup").await;
    let property = w.user(c1, "wuye", Role::Property).await;
    let nothing = Uuid::new_v4();
    let (t, p) = (Some(sup.token.as_str()), Some(property.token.as_str()));
    let before = w.stored();

    /// For one endpoint: every path answers exactly as the first, with 404 and these words.
    async fn alike(
        w: &World,
        token: Option<&str>,
        method: reqwest::Method,
        paths: &[String],
        body: Value,
        words: &str,
    ) {
        let mut seen = Vec::new();
        for path in paths {
            let a = call(w, "127.0.0.1", method.clone(), path, token, body.clone()).await;
            seen.push((path.clone(), a.seen()));
        }
        let want = (404, "not_found".to_string(), words.to_string());
        for (path, s) in &seen {
            assert_eq!(s, &want, "{method} {path}");
        }
    }
    use reqwest::Method as M;

    let status = json!({"status": "accepted"});
    let comment = json!({"text": "请处理"});
    for (suffix, body) in [("status", &status), ("comments", &comment)] {
        // Elsewhere, nowhere, another kind of record.
        let paths: Vec<String> = [i2, nothing, h1].iter().map(|id| format!("/v1/issues/{id}/{suffix}")).collect();
        alike(&w, t, M::POST, &paths, body.clone(), "no such issue in your place").await;
        // A property company: outside its duty, elsewhere, nowhere.
        let paths: Vec<String> = [i1, i2, nothing].iter().map(|id| format!("/v1/issues/{id}/{suffix}")).collect();
        alike(&w, p, M::POST, &paths, body.clone(), "no such issue in your place").await;
    }
    let paths: Vec<String> = [h2, nothing, i1].iter().map(|id| format!("/v1/households/{id}/must-visits")).collect();
    alike(&w, t, M::POST, &paths, json!({"trigger": "hardship"}), "no such household in your place").await;
    let paths: Vec<String> = [h2, nothing, i1].iter().map(|id| format!("/v1/households/{id}/assign")).collect();
    alike(&w, t, M::POST, &paths, json!({"steward_id": null}), "no such household in your place").await;
    // A steward of another compound, and none at all.
    let words = "no such steward in the household's compound: a household goes only to a steward of its own compound";
    let path = vec![format!("/v1/households/{h1}/assign")];
    alike(&w, t, M::POST, &path, json!({"steward_id": s2.id}), words).await;
    alike(&w, t, M::POST, &path, json!({"steward_id": nothing}), words).await;
    let paths: Vec<String> =
        [c2, nothing, h1].iter().map(|id| format!("/v1/compounds/{id}/holiday-must-visits")).collect();
    alike(&w, t, M::POST, &paths, json!({"note": "春节走访"}), "no such compound in your place").await;
    let paths: Vec<String> = [c2, nothing, h1].iter().map(|id| format!("/v1/compounds/{id}/deadlines")).collect();
    alike(&w, t, M::PUT, &paths, json!({"urgent_help": 60}), "no such compound in your place").await;
    let paths: Vec<String> = [s2.id, nothing, h1].iter().map(|id| format!("/v1/plans/{id}/2031-05")).collect();
    alike(&w, t, M::PUT, &paths, json!({"households": []}), "no such steward in your place").await;
    // A plan naming a household elsewhere, or none: one answer.
    let plan = format!("/v1/plans/{}/2031-05", s1.id);
    let elsewhere = put(&w, &plan, t, json!({"households": [h2]})).await.seen();
    let missing = put(&w, &plan, t, json!({"households": [nothing]})).await.seen();
    assert_eq!(elsewhere, missing);
    assert_eq!(elsewhere.0, 400);

    // A property company is refused supervisors' edits by its role, whatever the record.
    let mine = post(&w, &format!("/v1/households/{h1}/must-visits"), p, json!({"trigger": "hardship"})).await.seen();
    let none =
        post(&w, &format!("/v1/households/{nothing}/must-visits"), p, json!({"trigger": "hardship"})).await.seen();
    assert_eq!(mine, none);
    assert_eq!(mine.0, 403);

    assert_eq!(w.stored(), before, "nothing changed anywhere");
    for st in [s1.id, s2.id] {
        assert!(w.admin.storage().doc_meta(doc::plan_doc_id(st, "2031-05".parse().unwrap())).unwrap().is_none());
    }

    // The same calls on records in one's place do work.
    let a =
        post(&w, &format!("/v1/issues/{i1_duty}/status"), p, json!({"status": "in_progress", "comment": "已派人处理"}))
            .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = post(&w, &format!("/v1/households/{h1}/must-visits"), t, json!({"trigger": "hardship"})).await;
    assert_eq!(a.status, 200, "{}", a.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holiday_must_visit_for_an_id_that_is_no_compound_is_a_404_and_raises_nothing() {
    let w = World::start_with(roomy).await;
    let c = w.compound("蜀汉美郡");
    let s1 = w.steward(c, "李秀英");
    let h = w.household(c, Some(s1.id), 1);
    let sup = w.supervisor(c, "sup").await;
    let before = w.stored();
    for id in [h, s1.id, Uuid::new_v4()] {
        let a = post(&w, &format!("/v1/compounds/{id}/holiday-must-visits"), Some(&sup.token), json!({})).await;
        assert_eq!(a.seen(), (404, "not_found".into(), "no such compound in your place".into()), "{}", a.body);
        assert!(a.body.get("raised").is_none());
    }
    assert_eq!(w.stored(), before);
    let a = post(&w, &format!("/v1/compounds/{c}/holiday-must-visits"), Some(&sup.token), json!({})).await;
    assert_eq!((a.status, a.body["raised"].as_u64()), (200, Some(1)));
}

#[test]
fn a_csv_import_with_an_unbalanced_quote_is_refused_whole_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let s = steward_sync_server::open_service(&Config {
        database: steward_tests::pg::database_for(dir.path()),
        data_dir: dir.path().into(),
        ..Default::default()
    })
    .unwrap();
    let c = steward_tests::seed_compound(&s);
    let households = || s.storage().doc_ids(&Scope::All, Some(doc::DocKind::Household)).unwrap().len();

    let broken = "building,unit,room,head_name,member_count,phone,party_member,key_service,notes,steward\n\
                  1,1,101,张桂兰,2,,是,,,\n\
                  1,1,102,王德明,3,,否,,\"子女在外地,\n\
                  1,1,103,刘春华,1,,否,,,\n\
                  1,1,104,陈玉梅,2,,否,,,\n";
    let err = admin::import_households(&s, c, broken.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("line 3") && err.contains("nothing was imported"), "{err}");
    assert_eq!(households(), 0);

    // A quoted field may hold a line break and a doubled quote; that file imports whole.
    let fine = "building,unit,room,head_name,member_count,phone,party_member,key_service,notes,steward\n\
                1,1,101,张桂兰,2,,是,,\"子女在外地,\n平时独居，\"\"需照看\"\"\",\n\
                1,1,102,王德明,3,,否,,,\n";
    assert_eq!(admin::import_households(&s, c, fine.as_bytes()).unwrap().len(), 2);
    assert_eq!(households(), 2);
}

#[test]
fn the_example_configuration_gives_every_limit_with_its_default() {
    let d = Config::default();
    let t = &d.throttle;
    let value = |key: &str| -> u64 {
        steward_sync_server::EXAMPLE_CONFIG
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("{key} is missing from example.env"))
            .parse()
            .unwrap()
    };
    let expected = [
        ("STEWARD_MAX_BODY", d.max_body_bytes as u64),
        ("STEWARD_MAX_CONNECTIONS", d.max_connections as u64),
        ("STEWARD_HEADER_TIMEOUT_SECS", d.header_read_timeout.as_secs()),
        ("STEWARD_BODY_TIMEOUT_SECS", d.body_read_timeout.as_secs()),
        ("STEWARD_IDLE_TIMEOUT_SECS", d.idle_timeout.as_secs()),
        ("STEWARD_HASH_QUEUE", d.hash_queue as u64),
        ("STEWARD_LOGIN_ADDRESS_BURST", u64::from(t.login_per_address.burst)),
        ("STEWARD_LOGIN_ADDRESS_REFILL_SECS", t.login_per_address.refill_every.as_secs()),
        ("STEWARD_ENROL_ADDRESS_BURST", u64::from(t.enrol_per_address.burst)),
        ("STEWARD_ENROL_ADDRESS_REFILL_SECS", t.enrol_per_address.refill_every.as_secs()),
        ("STEWARD_LOGIN_FREE_FAILURES", u64::from(t.login_free_failures)),
        ("STEWARD_LOGIN_LOCKOUT_SECS", t.login_lockout.as_secs()),
        ("STEWARD_LOGIN_LOCKOUT_MAX_SECS", t.login_lockout_max.as_secs()),
        ("STEWARD_THROTTLE_MAX_ENTRIES", t.max_tracked as u64),
    ];
    for (key, default) in expected {
        assert_eq!(value(key), default, "{key}");
    }
}

/// An enrolment code enrols one device only, and a wrong password opens no session: checked in
/// the server's tables, not only by the answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enrolment_code_enrols_once_and_a_wrong_password_opens_no_session() {
    let w = World::start_with(roomy).await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let code = admin::issue_enrolment_code(&w.admin, s.id, 1).unwrap();
    let devices = count(&w, "devices");
    let first = post(&w, "/v1/enrol", None, json!({"code": code, "device_name": "手机一"})).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(count(&w, "devices"), devices + 1);
    let again = post(&w, "/v1/enrol", None, json!({"code": code, "device_name": "手机二"})).await;
    assert_eq!((again.status, again.code()), (401, "bad_enrolment_code"), "{}", again.body);
    assert!(again.body.get("device_token").is_none());
    assert_eq!(count(&w, "devices"), devices + 1, "the reused code enrolled nothing");

    admin::create_user(&w.admin, "zhibu", "password-123", Role::Supervisor, Some(c)).unwrap();
    let sessions = count(&w, "sessions");
    let wrong = login_from(&w, "127.0.0.1", "zhibu", "password-124").await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    assert!(wrong.body.get("token").is_none());
    assert_eq!(count(&w, "sessions"), sessions, "no session for a wrong password");
    let right = login_from(&w, "127.0.0.1", "zhibu", "password-123").await;
    assert_eq!(right.status, 200);
    assert_eq!(count(&w, "sessions"), sessions + 1);
}
