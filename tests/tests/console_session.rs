//! The console's sign-in (issue 10's first part): a session in an HttpOnly, SameSite=Strict
//! cookie that no script can read, signing out, and changing one's own password — each checked
//! in the server's `sessions` table too, not only by the answers.

use serde_json::{json, Value};
use steward_sync_server::admin;
use steward_sync_server::storage::Role;
use steward_tests::World;

struct Answer {
    status: u16,
    set_cookie: Option<String>,
    body: Value,
}

async fn send(w: &World, path: &str, cookie: Option<&str>, extra: &[(&str, &str)], body: Option<Value>) -> Answer {
    let http = reqwest::Client::new();
    let mut req = match &body {
        Some(b) => http.post(format!("{}{path}", w.url)).json(b),
        None => http.get(format!("{}{path}", w.url)),
    };
    if let Some(c) = cookie {
        req = req.header("cookie", format!("rs_session={c}"));
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let set_cookie = resp.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_string());
    let text = resp.text().await.unwrap();
    Answer { status, set_cookie, body: serde_json::from_str(&text).unwrap_or(Value::Null) }
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().trim_start_matches("rs_session=").to_string()
}

fn sessions(w: &World) -> i64 {
    steward_tests::store_count(&w.config, "SELECT COUNT(*) FROM sessions", &[])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_console_session_is_an_httponly_strict_cookie_that_signs_out_and_ends_with_a_new_password() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    admin::create_user(&w.admin, "zhibu", "password-123", Role::Supervisor, Some(c)).unwrap();
    let login = |password: &'static str, extra: &'static [(&'static str, &'static str)]| {
        let w = &w;
        async move {
            send(w, "/v1/login", None, extra, Some(json!({"username": "zhibu", "password": password, "cookie": true})))
                .await
        }
    };

    // Signing in for the console: the token only in the cookie, and the cookie's attributes.
    let before = sessions(&w);
    let a = login("password-123", &[]).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["token"], "", "no token a script could read: {}", a.body);
    assert_eq!(a.body["user"]["username"], "zhibu");
    let set = a.set_cookie.expect("a session cookie");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(set.split("; ").any(|p| p == attr), "{attr} in {set}");
    }
    assert!(!set.contains("Secure"), "plain http: no Secure (the browser would drop the cookie): {set}");
    let session = cookie_value(&set);
    assert_eq!(session.len(), 43);
    assert_eq!(sessions(&w), before + 1);
    // Behind https (as the proxy says) the cookie is Secure too.
    let behind = login("password-123", &[("x-forwarded-proto", "https")]).await;
    assert!(behind.set_cookie.unwrap().split("; ").any(|p| p == "Secure"));
    // Scripts keep their bearer tokens: no cookie without asking.
    let script = send(&w, "/v1/login", None, &[], Some(json!({"username": "zhibu", "password": "password-123"}))).await;
    assert!(script.set_cookie.is_none());
    let bearer = script.body["token"].as_str().unwrap().to_string();
    assert_eq!(bearer.len(), 43);

    // The cookie signs requests in; a wrong or missing one does not.
    let me = send(&w, "/v1/me", Some(&session), &[], None).await;
    assert_eq!((me.status, me.body["user"]["username"].as_str()), (200, Some("zhibu")));
    assert_eq!(send(&w, "/v1/pull?since=0", Some(&session), &[], None).await.status, 200);
    assert_eq!(send(&w, "/v1/me", Some("not-a-session"), &[], None).await.status, 401);
    assert_eq!(send(&w, "/v1/me", None, &[], None).await.status, 401);

    // Changing the password: the current one is needed, the new one has a length, every other
    // session ends and this one goes on.
    let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let other = cookie_value(&login("password-123", &[]).await.set_cookie.unwrap());
    let wrong =
        send(&w, "/v1/me/password", Some(&session), &[], Some(change("password-124", "a-new-password-1"))).await;
    assert_eq!((wrong.status, wrong.body["code"].as_str()), (401, Some("bad_login")), "{}", wrong.body);
    let short = send(&w, "/v1/me/password", Some(&session), &[], Some(change("password-123", "short"))).await;
    assert_eq!(short.status, 400, "{}", short.body);
    let extra_key = json!({"current_password": "password-123", "new_password": "a-new-password-1", "admin": true});
    assert_eq!(send(&w, "/v1/me/password", Some(&session), &[], Some(extra_key)).await.status, 400);
    let n = sessions(&w);
    let ok = send(&w, "/v1/me/password", Some(&session), &[], Some(change("password-123", "a-new-password-1"))).await;
    assert_eq!(ok.status, 204, "{}", ok.body);
    assert_eq!(sessions(&w), 1, "of {n} sessions only the one that changed the password is left");
    assert_eq!(send(&w, "/v1/me", Some(&session), &[], None).await.status, 200, "this session goes on");
    assert_eq!(send(&w, "/v1/me", Some(&other), &[], None).await.status, 401, "another browser's session ended");
    let by_bearer = reqwest::Client::new().get(format!("{}/v1/me", w.url)).bearer_auth(&bearer).send().await.unwrap();
    assert_eq!(by_bearer.status().as_u16(), 401, "a script's token ended too");
    assert_eq!(login("password-123", &[]).await.status, 401, "the old password no longer signs in");
    assert_eq!(login("a-new-password-1", &[]).await.status, 200, "the new one does");

    // Signing out ends the session in the table and clears the cookie.
    let n = sessions(&w);
    let out = send(&w, "/v1/logout", Some(&session), &[], Some(json!({}))).await;
    assert_eq!(out.status, 204);
    let cleared = out.set_cookie.expect("the cookie cleared");
    assert!(cleared.starts_with("rs_session=;") && cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(sessions(&w), n - 1);
    assert_eq!(send(&w, "/v1/me", Some(&session), &[], None).await.status, 401, "signed out");
    assert_eq!(send(&w, "/v1/logout", Some(&session), &[], Some(json!({}))).await.status, 401, "only once");
}

/// Every reading of household records by an account — a household's page, a pull, a report
/// that shows them — is in the access log, once, with who and which households; refusals and
/// reports of counts only write nothing; only an admin reads the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn household_pages_pulls_and_reports_are_in_the_access_log_that_only_admins_read() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let c2 = w.compound("汉韵华府");
    let s = w.steward(c, "李秀英");
    let s2 = w.steward(c2, "王建国");
    let h = w.household(c, Some(s.id), 1);
    let h2 = w.household(c2, Some(s2.id), 2);
    let v = steward_tests::visit(s.id, steward_core::time::now_millis() - 60_000);
    w.admin.edit(h, |_| Ok(()), |d| steward_core::doc::record_visit(d, &v)).unwrap();
    let sup = w.supervisor(c, "shuhan-zhibu").await;
    let property = w.user(c, "wuye", Role::Property).await;
    admin::create_user(&w.admin, "root", "password-123", Role::Admin, None).unwrap();
    let root = steward_tests::Supervisor::login(&w.url, "root", "password-123").await;
    let log = || async { root.get("/v1/access-log").await.1.as_array().unwrap().clone() };
    assert_eq!(log().await.len(), 0);

    // A household's page: the whole ledger, and one entry.
    let (code, page) = sup.get(&format!("/v1/households/{h}")).await;
    assert_eq!(code, 200, "{page}");
    assert_eq!(page["profile"]["head_name"], steward_tests::profile(1).head_name);
    let entries = log().await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["username"], "shuhan-zhibu");
    assert_eq!(entries[0]["action"], "household");
    assert_eq!(entries[0]["households"], json!([h.to_string()]));

    // Refusals read nothing and log nothing: another compound's household, a property company,
    // an id that is no household.
    assert_eq!(sup.get(&format!("/v1/households/{h2}")).await.0, 404);
    assert_eq!(sup.get(&format!("/v1/households/{}", uuid::Uuid::new_v4())).await.0, 404);
    assert_eq!(sup.get("/v1/households/not-a-uuid").await.0, 400);
    let (code, body) = property.get(&format!("/v1/households/{h}")).await;
    assert_eq!(code, 403, "{body}");
    assert!(!body.to_string().contains(&steward_tests::profile(1).head_name));
    assert_eq!(log().await.len(), 1, "no refusal was logged");

    // A pull and a report that carry household records: one entry each, naming them.
    assert_eq!(sup.get("/v1/pull?since=0").await.0, 200);
    let (code, _) = sup.get_text("/v1/reports/visit-ledger?format=csv").await;
    assert_eq!(code, 200);
    // A property company's issue report carries no household, the visits report only counts:
    // nothing logged.
    assert_eq!(property.get_text("/v1/reports/issues?format=csv").await.0, 200);
    assert_eq!(sup.get("/v1/reports/visits").await.0, 200);
    assert_eq!(sup.get("/v1/reports/three-clears").await.0, 200);
    let sup_id = sup.get("/v1/me").await.1["user"]["id"].clone();
    let entries = log().await;
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions.len(), 3, "one entry each: {actions:?}");
    assert!(actions[0].starts_with("report:visit-ledger-") && actions[0].ends_with(":csv"), "{actions:?}");
    assert_eq!(actions[1..], ["pull", "household"], "newest first");
    for e in &entries {
        assert_eq!(e["households"], json!([h.to_string()]), "{e}");
        assert_eq!(e["user_id"], sup_id, "{e}");
    }

    // Only an admin reads it, a page at a time.
    let (code, body) = sup.get("/v1/access-log").await;
    assert_eq!(code, 403, "{body}");
    assert_eq!(property.get("/v1/access-log").await.0, 403);
    assert_eq!(root.get("/v1/access-log?limit=0").await.0, 400);
    let (_, first) = root.get("/v1/access-log?limit=2").await;
    assert_eq!(first.as_array().unwrap().len(), 2);
    let before = first[1]["seq"].as_i64().unwrap();
    let (_, rest) = root.get(&format!("/v1/access-log?before={before}")).await;
    assert_eq!(
        rest.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect::<Vec<_>>(),
        ["household"]
    );
}
