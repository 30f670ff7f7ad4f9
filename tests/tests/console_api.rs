//! The console's endpoints (issue 10) against a real server: what each role reaches (a
//! supervisor of compound X nothing of Y, a property company no household), the household list
//! read from its index, exports as typed XLSX read back, imports that take every row or none,
//! devices with their last sync and revoking them, enrolment codes, live events, the embedded
//! console's files, and the admins' forms naming the field at fault.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use steward_client::SyncError;
use steward_core::doc::DocKind;
use steward_core::time::now_millis;
use steward_sync_server::admin;
use steward_sync_server::storage::{Role, Scope};
use steward_tests::{visit, Supervisor, World};
use uuid::Uuid;

/// Two compounds of one community, each with a steward, households, an enrolled device and
/// issues; sign-ins for each role.
struct Place {
    w: World,
    x: Uuid,
    y: Uuid,
    x_steward: Uuid,
    y_steward: Uuid,
    x_households: Vec<Uuid>,
    y_households: Vec<Uuid>,
    x_duty_issue: Uuid,
    x_community_issue: Uuid,
    y_issue: Uuid,
}

fn issue(w: &World, compound: Uuid, reporter: Uuid, route: steward_core::model::IssueRoute) -> Uuid {
    let i = steward_core::doc::NewIssue {
        id: Uuid::new_v4(),
        compound_id: compound,
        reporter_id: reporter,
        reported_at: now_millis(),
        category: steward_core::model::IssueCategory::SafetyHazard,
        place: "3栋".into(),
        description: "电梯故障".into(),
        route,
    };
    w.admin.create_doc(&steward_core::doc::create_issue(w.admin.actor().clone(), &i).unwrap()).unwrap();
    i.id
}

async fn place() -> Place {
    let w = World::start().await;
    let (x, y) = (w.compound("蜀汉美郡"), w.compound("汉韵花园"));
    let (xs, ys) = (w.steward(x, "李秀英").id, w.steward(y, "陈淑华").id);
    let x_households = (0..12).map(|n| w.household(x, Some(xs), n)).collect();
    let y_households = (0..5).map(|n| w.household(y, Some(ys), 100 + n)).collect();
    use steward_core::model::IssueRoute::*;
    let x_duty_issue = issue(&w, x, xs, PropertyDuty);
    let x_community_issue = issue(&w, x, xs, CommunityCoordination);
    let y_issue = issue(&w, y, ys, PropertyDuty);
    Place {
        w,
        x,
        y,
        x_steward: xs,
        y_steward: ys,
        x_households,
        y_households,
        x_duty_issue,
        x_community_issue,
        y_issue,
    }
}

fn community_of(w: &World, compound: Uuid) -> Uuid {
    w.admin.storage().place(compound).unwrap().unwrap().parent_id.unwrap()
}

fn ids(v: &Value, key: &str) -> Vec<String> {
    let mut out: Vec<String> =
        v.as_array().unwrap_or(&vec![]).iter().map(|r| r[key].as_str().unwrap_or_default().to_string()).collect();
    out.sort();
    out
}

fn sorted(ids: &[Uuid]) -> Vec<String> {
    let mut out: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    out.sort();
    out
}

fn enrolments(w: &World) -> i64 {
    steward_tests::store_count(&w.config, "SELECT COUNT(*) FROM enrolments", &[])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_console_read_is_bounded_by_place_and_role() {
    let p = place().await;
    let w = &p.w;
    let x_sup = w.supervisor(p.x, "zhibu-x").await;
    let community = w.supervisor(community_of(w, p.x), "shequ").await;
    let property = w.user(p.x, "wuye-x", Role::Property).await;
    admin::create_user(&w.admin, "root", "password-123", Role::Admin, None).unwrap();
    let root = Supervisor::login(&w.url, "root", "password-123").await;
    let dx = w.device(p.x_steward).await;
    let dy = w.device(p.y_steward).await;

    // Places: the compound supervisor sees its compound; the community its own place and both
    // compounds; the admin the whole tree (district, town, community, two compounds).
    let (s, v) = x_sup.get("/v1/places").await;
    assert_eq!((s, ids(&v, "id")), (200, sorted(&[p.x])));
    let (_, v) = community.get("/v1/places").await;
    assert_eq!(ids(&v, "id"), sorted(&[community_of(w, p.x), p.x, p.y]));
    let (_, v) = root.get("/v1/places").await;
    assert_eq!(v.as_array().unwrap().len(), 5);

    // Households: exactly the compound's, counted; another compound's by `place` is a 404; the
    // community narrows to either; a property company reads none.
    let (s, v) = x_sup.get("/v1/households?per_page=200").await;
    assert_eq!((s, v["total"].as_u64()), (200, Some(12)));
    assert_eq!(ids(&v["rows"], "id"), sorted(&p.x_households));
    let (s, v) = x_sup.get(&format!("/v1/households?place={}", p.y)).await;
    assert_eq!((s, v["code"].as_str()), (404, Some("not_found")));
    let (_, v) = community.get(&format!("/v1/households?place={}&per_page=200", p.y)).await;
    assert_eq!(ids(&v["rows"], "id"), sorted(&p.y_households));
    let (_, v) = community.get("/v1/households?per_page=200").await;
    assert_eq!(v["total"].as_u64(), Some(17));
    let (s, _) = property.get("/v1/households").await;
    assert_eq!(s, 403);
    let (s, _) = property.get(&format!("/v1/households/{}", p.x_households[0])).await;
    assert_eq!(s, 403);
    let (s, _) = x_sup.get(&format!("/v1/households/{}", p.y_households[0])).await;
    assert_eq!(s, 404, "another compound's household, even by its id");

    // Reports narrowed to another compound or to its steward: 404, the same as a place that
    // does not exist.
    for path in [
        format!("/v1/reports/visits?place={}", p.y),
        format!("/v1/reports/visits?place={}", Uuid::new_v4()),
        format!("/v1/reports/visit-ledger?steward_id={}", p.y_steward),
        format!("/v1/reports/three-clears?place={}", community_of(w, p.x)),
    ] {
        let (s, v) = x_sup.get(&path).await;
        assert_eq!((s, v["code"].as_str()), (404, Some("not_found")), "{path}");
    }
    let (s, v) = community.get(&format!("/v1/reports/three-clears?place={}", p.y)).await;
    assert_eq!((s, ids(&v, "steward_id")), (200, sorted(&[p.y_steward])));
    let (_, v) = community.get(&format!("/v1/reports/visits?steward_id={}", p.x_steward)).await;
    assert_eq!(ids(&v, "steward_id"), sorted(&[p.x_steward]));

    // Issues: a property company reads only its compound's issue within its duty.
    for (who, id, want) in [
        (&x_sup, p.x_community_issue, 200),
        (&x_sup, p.y_issue, 404),
        (&property, p.x_duty_issue, 200),
        (&property, p.x_community_issue, 404),
        (&property, p.y_issue, 404),
        (&property, p.x_households[0], 404),
    ] {
        let (s, v) = who.get(&format!("/v1/issues/{id}")).await;
        assert_eq!(s, want, "{id}: {v}");
        if s == 200 {
            assert_eq!(v["id"].as_str(), Some(id.to_string().as_str()));
        }
    }

    // A steward's plan and a compound's settings: the caller's place only; a property company
    // reads neither.
    let month = steward_core::time::ProgramZone::default().month_of(now_millis()).to_string();
    for (who, path, want) in [
        (&x_sup, format!("/v1/plans/{}/{month}", p.x_steward), 200),
        (&x_sup, format!("/v1/plans/{}/{month}", p.y_steward), 404),
        (&community, format!("/v1/plans/{}/{month}", p.y_steward), 200),
        (&property, format!("/v1/plans/{}/{month}", p.x_steward), 403),
        (&x_sup, format!("/v1/compounds/{}", p.x), 200),
        (&x_sup, format!("/v1/compounds/{}", p.y), 404),
        (&x_sup, format!("/v1/compounds/{}", community_of(w, p.x)), 404),
        (&property, format!("/v1/compounds/{}", p.x), 403),
    ] {
        let (s, v) = who.get(&path).await;
        assert_eq!(s, want, "{path}: {v}");
        if s == 200 && path.contains("/plans/") {
            assert_eq!((v["kind"].as_str(), v["month"].as_str()), (Some("plan"), Some(month.as_str())), "{v}");
        }
        if s == 200 && path.contains("/compounds/") {
            assert!(v["deadlines"]["minutes"].is_object(), "{v}");
        }
    }

    // Devices: the compound's only; a property company none.
    let (s, v) = x_sup.get("/v1/devices").await;
    assert_eq!((s, ids(&v, "id")), (200, vec![dx.client_device_id()]));
    let (_, v) = community.get("/v1/devices").await;
    assert_eq!(v.as_array().unwrap().len(), 2);
    let (s, _) = property.get("/v1/devices").await;
    assert_eq!(s, 403);

    // Acting on another compound's device or steward: 404, and nothing changes.
    let before = enrolments(w);
    let (s, _) = x_sup.post(&format!("/v1/devices/{}/revoke", dy.client_device_id()), json!({})).await;
    assert_eq!(s, 404);
    dy.sync().await;
    let (s, _) = x_sup.post(&format!("/v1/stewards/{}/enrolment-codes", p.y_steward), json!({})).await;
    assert_eq!(s, 404);
    let (s, _) = property.post(&format!("/v1/stewards/{}/enrolment-codes", p.x_steward), json!({})).await;
    assert_eq!(s, 403);
    assert_eq!(enrolments(w), before, "no code was issued");

    // Admin-only endpoints refuse every other role.
    for who in [&x_sup, &community, &property] {
        let (s, _) = who.get("/v1/users").await;
        assert_eq!(s, 403);
        let (s, _) = who
            .post("/v1/places", json!({"kind": "compound", "name": "新小区", "parent_id": community_of(w, p.x)}))
            .await;
        assert_eq!(s, 403);
    }
    assert_eq!(w.admin.storage().places().unwrap().len(), 5);
}

/// The device id the device enrolled as.
trait DeviceId {
    fn client_device_id(&self) -> String;
}

impl DeviceId for steward_tests::Device {
    fn client_device_id(&self) -> String {
        self.with(|s| s.identity().unwrap().unwrap().device_id.to_string())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_household_list_filters_sorts_and_pages_from_its_index_and_follows_every_change() {
    let p = place().await;
    let w = &p.w;
    let sup = w.supervisor(p.x, "zhibu").await;
    let all = |q: &str| {
        let q = q.to_string();
        let sup = &sup;
        async move {
            let (s, v) = sup.get(&format!("/v1/households?per_page=200&{q}")).await;
            assert_eq!(s, 200, "{q}: {v}");
            v
        }
    };

    // Tags, counted against the profiles the households were made with (profile(n)).
    let party = (0..12).filter(|n| n % 3 == 0).count() as u64;
    let elderly = (0..12).filter(|n| n % 4 == 0).count() as u64;
    assert_eq!(all("tag=party_member").await["total"].as_u64(), Some(party));
    assert_eq!(all("tag=elderly_alone").await["total"].as_u64(), Some(elderly));
    assert_eq!(all("tag=key_service").await["total"].as_u64(), Some(elderly));
    assert_eq!(all("tag=illness").await["total"].as_u64(), Some(0));
    // Text: a name, and an address part; a `%` is a character, not a wildcard.
    let v = all("q=住户1").await;
    assert_eq!(v["total"].as_u64(), Some(3), "住户1, 住户10, 住户11: {v}");
    assert_eq!(all("q=%25").await["total"].as_u64(), Some(0));
    assert_eq!(all(&format!("steward_id={}", p.x_steward)).await["total"].as_u64(), Some(12));

    // Paging: three pages of 5 hold every household exactly once, in address order.
    let mut paged = Vec::new();
    for page in 1..=3 {
        let (_, v) = sup.get(&format!("/v1/households?per_page=5&page={page}")).await;
        assert_eq!(v["total"].as_u64(), Some(12));
        paged.extend(v["rows"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()));
    }
    assert_eq!(paged.len(), 12);
    let mut unique = paged.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique, sorted(&p.x_households), "every household once");
    let v = all("sort=head_name&order=desc").await;
    let names: Vec<&str> = v["rows"].as_array().unwrap().iter().map(|r| r["head_name"].as_str().unwrap()).collect();
    let mut want = names.clone();
    want.sort_by(|a, b| b.cmp(a));
    assert_eq!(names, want);

    // A must-visit raised in the console, a visit synced by a phone, a reassignment: the list
    // follows each at once.
    assert_eq!(all("open_must_visit=true").await["total"].as_u64(), Some(0));
    let h = p.x_households[3];
    let (s, v) = sup.post(&format!("/v1/households/{h}/must-visits"), json!({"trigger": "hardship", "note": ""})).await;
    assert_eq!(s, 200, "{v}");
    let v = all("open_must_visit=true").await;
    assert_eq!(ids(&v["rows"], "id"), sorted(&[h]));
    let d = w.device(p.x_steward).await;
    d.sync().await;
    let at = now_millis() - 60_000;
    d.with(|st| st.record_visit(h, &visit(p.x_steward, at))).unwrap();
    d.sync().await;
    let (_, v) = sup.get("/v1/households?sort=last_visit_at&order=desc&per_page=1").await;
    assert_eq!(v["rows"].as_array().map(Vec::len), Some(1));
    let first = &v["rows"][0];
    assert_eq!((first["id"].as_str(), first["visits"].as_u64()), (Some(h.to_string().as_str()), Some(1)));
    assert_eq!(first["last_visit_at"].as_i64(), Some(at));
    let other = w.steward(p.x, "王建国").id;
    let (s, _) = sup.post(&format!("/v1/households/{h}/assign"), json!({"steward_id": other})).await;
    assert_eq!(s, 200);
    let v = all(&format!("steward_id={other}")).await;
    assert_eq!((ids(&v["rows"], "id"), v["rows"][0]["steward"].as_str()), (sorted(&[h]), Some("王建国")));

    // Every wrong parameter is a 400 naming it.
    for (q, field) in [
        ("tag=nope", "tag"),
        ("sort=phone", "sort"),
        ("order=up", "order"),
        ("page=0", "page"),
        ("per_page=201", "per_page"),
        ("open_must_visit=yes", "open_must_visit"),
        ("steward_id=x", "steward_id"),
        ("place=x", "place"),
        ("format=pdf", "format"),
    ] {
        let (s, v) = sup.get(&format!("/v1/households?{q}")).await;
        assert_eq!((s, v["code"].as_str(), v["field"].as_str()), (400, Some("invalid_field"), Some(field)), "{q}");
    }
    // A query string that does not read at all: a 400 in the API's shape too.
    let (s, v) = sup.get("/v1/households?page=1&page=2").await;
    assert_eq!((s, v["code"].as_str()), (400, Some("bad_request")), "{v}");
    let long = "字".repeat(51);
    let (s, v) = sup.get(&format!("/v1/households?q={long}")).await;
    assert_eq!((s, v["field"].as_str()), (400, Some("q")));
}

/// Reads an XLSX answer's first sheet.
fn sheet(bytes: &[u8]) -> (calamine::Range<calamine::Data>, calamine::Range<String>) {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an XLSX file");
    let name = book.sheet_names()[0].clone();
    let values = book.worksheet_range(&name).unwrap();
    let formulas = book.worksheet_formula(&name).unwrap();
    (values, formulas)
}

async fn download(sup: &Supervisor, path: &str) -> (u16, String, Vec<u8>) {
    let r = reqwest::Client::new().get(format!("{}{path}", sup.url)).bearer_auth(&sup.token).send().await.unwrap();
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, ct, r.bytes().await.unwrap().to_vec())
}

fn access_actions(w: &World) -> Vec<String> {
    steward_tests::store_query(&w.config, "SELECT action FROM access_log ORDER BY seq", &[])
        .iter()
        .map(|r| r.get(0).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_are_typed_xlsx_that_read_back_row_for_row_and_never_run_a_formula() {
    use calamine::{Data, DataType};
    let p = place().await;
    let w = &p.w;
    let sup = w.supervisor(p.x, "zhibu").await;
    let d = w.device(p.x_steward).await;
    d.sync().await;
    // Visits whose texts begin like formulas, as a steward might type them.
    for (k, h) in p.x_households.iter().take(4).enumerate() {
        let mut v = visit(p.x_steward, now_millis() - (k as i64 + 1) * 3_600_000);
        v.summary = ["=1+1", "+86 139", "-5度", "@所有人"][k].into();
        d.with(|st| st.record_visit(*h, &v)).unwrap();
    }
    d.sync().await;

    // The visit ledger in the handbook's layout: title, whose and when, header, one row per visit.
    let (_, json) = sup.get("/v1/reports/visit-ledger").await;
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    let (s, ct, bytes) = download(&sup, "/v1/reports/visit-ledger?format=xlsx").await;
    assert_eq!((s, ct.as_str()), (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    let (values, formulas) = sheet(&bytes);
    assert_eq!(values.get_value((0, 0)), Some(&Data::String("遍访纪实台账".into())));
    assert!(values.get_value((1, 0)).unwrap().to_string().contains("单位：蜀汉美郡"));
    assert_eq!(values.get_value((2, 0)), Some(&Data::String("走访时间/visited at".into())));
    assert_eq!(values.height(), 3 + rows.len(), "title, subtitle, header and one row per visit");
    let mut summaries: Vec<String> =
        (3..values.height()).map(|r| values.get_value((r as u32, 5)).unwrap().to_string()).collect();
    summaries.sort();
    let mut want: Vec<String> = rows.iter().map(|r| r["summary"].as_str().unwrap().to_string()).collect();
    want.sort();
    assert_eq!(summaries, want, "the same visits as the JSON, formula-like texts as text");
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no cell is a formula");
    for r in 3..values.height() as u32 {
        let at = values.get_value((r, 0)).unwrap();
        assert!(at.is_datetime(), "visited at is a date, not text: {at:?}");
        assert_eq!(values.get_value((r, 2)).unwrap().get_string().map(|s| s.ends_with('室')), Some(true));
    }
    // Those cells are strings with Excel's "quote prefix" (as a typed apostrophe makes them), so
    // they stay text even when edited: every cell holding one uses a style that has it.
    let xml = |name: &str| {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let styles = xml("xl/styles.xml");
    let cell_xfs = styles.split("<cellXfs").nth(1).unwrap().split("</cellXfs>").next().unwrap();
    let quoted: Vec<usize> = cell_xfs
        .split("<xf ")
        .skip(1)
        .enumerate()
        .filter(|(_, xf)| xf.contains("quotePrefix=\"1\""))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(quoted.len(), 1, "one quoted style: {cell_xfs}");
    let sheet_xml = xml("xl/worksheets/sheet1.xml");
    // Strings are written inline (the sheet is streamed to a file, not held in memory).
    let quoted_cells = sheet_xml.matches(&format!(" s=\"{}\" t=\"inlineStr\"", quoted[0])).count();
    assert_eq!(quoted_cells, 4, "the four formula-like summaries, and nothing else: {sheet_xml}");

    // CSV: the same rows; formula-like cells get an apostrophe.
    let (_, csv) = sup.get_text("/v1/reports/visit-ledger?format=csv").await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + rows.len());
    for start in ["'=1+1", "'+86 139", "'-5度", "'@所有人"] {
        assert_eq!(csv.matches(&format!(",{start},")).count(), 1, "{start} once, inert: {csv}");
    }

    // The household list as XLSX: every matching household, and its reading logged.
    let (s, _, bytes) = download(&sup, "/v1/households?format=xlsx&tag=party_member").await;
    assert_eq!(s, 200);
    let (values, _) = sheet(&bytes);
    let (_, v) = sup.get("/v1/households?tag=party_member").await;
    assert_eq!(values.height() as u64 - 1, v["total"].as_u64().unwrap());
    assert_eq!(values.get_value((0, 1)), Some(&Data::String("地址/address".into())));
    let actions = access_actions(w);
    assert_eq!(actions.iter().filter(|a| *a == "households:xlsx").count(), 1, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| a.starts_with("report:visit-ledger-") && a.ends_with(":xlsx")).count(), 1);

    // Every report offers XLSX; its data rows match the JSON's.
    for (report, key) in
        [("visits", ""), ("must-visits", ""), ("three-clears", ""), ("visit-trend", ""), ("issues", "issues")]
    {
        let (_, json) = sup.get(&format!("/v1/reports/{report}")).await;
        let n = if key.is_empty() { json.as_array().unwrap().len() } else { json[key].as_array().unwrap().len() };
        let (s, _, bytes) = download(&sup, &format!("/v1/reports/{report}?format=xlsx")).await;
        assert_eq!(s, 200, "{report}");
        let (values, _) = sheet(&bytes);
        assert_eq!(values.height() - 1, n, "{report}: a header and one row per JSON row");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_takes_every_row_or_none_and_names_each_bad_one() {
    let p = place().await;
    let w = &p.w;
    admin::create_user(&w.admin, "root", "password-123", Role::Admin, None).unwrap();
    let root = Supervisor::login(&w.url, "root", "password-123").await;
    let sup = w.supervisor(p.x, "zhibu").await;
    let households = || w.admin.storage().doc_ids(&Scope::All, Some(DocKind::Household)).unwrap().len();
    let before = households();
    let upload = |who: &Supervisor, ct: &str, body: Vec<u8>| {
        let req = reqwest::Client::new()
            .post(format!("{}/v1/compounds/{}/households/import", who.url, p.x))
            .bearer_auth(&who.token)
            .header("content-type", ct)
            .body(body);
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let header = "building,unit,room,head_name,member_count,phone,party_member,key_service,notes,steward\n";
    let bad = format!("{header}1,1,101,张桂兰,2,,是,独居老人,,李秀英\n1,1,102,,3,,否,无,,\n1,2,201,王德明,many,,否,,,\n2,1,101,刘春华,1,,maybe,,,\n");
    let (s, v) = upload(&root, "text/csv", bad.into_bytes()).await;
    assert_eq!((s, v["code"].as_str()), (422, Some("bad_rows")), "{v}");
    let named: Vec<(u64, &str)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["row"].as_u64().unwrap(), r["field"].as_str().unwrap()))
        .collect();
    assert_eq!(named, vec![(3, "head_name"), (4, "member_count"), (5, "party_member")]);
    assert_eq!(households(), before, "nothing imported");

    // The same households as XLSX, fixed: all imported, in one commit.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in header.trim().split(',').enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    let rows = [
        ["1", "1", "101", "张桂兰", "2", "", "是", "独居老人", "", "李秀英"],
        ["1", "1", "102", "周丽华", "3", "", "否", "无", "", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if c == 4 {
                sheet.write_number(r as u32 + 1, c as u16, cell.parse::<f64>().unwrap()).unwrap();
            } else if !cell.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, *cell).unwrap();
            }
        }
    }
    let xlsx = book.save_to_buffer().unwrap();
    let ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let (s, v) = upload(&sup, ct, xlsx.clone()).await;
    assert_eq!(s, 403, "only an admin imports");
    let (s, v2) = upload(&root, ct, xlsx).await;
    assert_eq!((s, v2["imported"].as_u64()), (200, Some(2)), "{v} {v2}");
    assert_eq!(households(), before + 2);
    let (_, list) = sup.get("/v1/households?q=周丽华").await;
    assert_eq!((list["total"].as_u64(), list["rows"][0]["steward"].as_str()), (Some(1), None));
    let (_, list) = sup.get("/v1/households?q=张桂兰").await;
    assert_eq!(list["rows"][0]["steward"].as_str(), Some("李秀英"));

    // A small workbook that unpacks to more than the server takes (100 MiB of one sheet): refused
    // before it is parsed, in words.
    let bomb = {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("[Content_Types].xml", deflated).unwrap();
        std::io::Write::write_all(&mut zip, b"<Types/>").unwrap();
        zip.start_file("xl/worksheets/sheet1.xml", deflated).unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..100 {
            std::io::Write::write_all(&mut zip, &chunk).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    };
    assert!(bomb.len() < 1 << 20, "a small file: {} bytes", bomb.len());
    let (s, v) = upload(&root, ct, bomb).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("bad_request")), "{v}");
    assert!(v["message"].as_str().unwrap().contains("unpacks to more than"), "{v}");

    // A file that is not what it says: a 400 in words, nothing imported.
    let (s, v) = upload(&root, ct, b"not a workbook".to_vec()).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("bad_request")));
    let (s, _) = upload(&root, "application/pdf", b"%PDF".to_vec()).await;
    assert_eq!(s, 400);
    assert_eq!(households(), before + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_shows_its_last_sync_and_once_revoked_its_next_sync_is_refused() {
    let p = place().await;
    let w = &p.w;
    let sup = w.supervisor(p.x, "zhibu").await;
    let d = w.device(p.x_steward).await;
    let id = d.client_device_id();
    let (_, v) = sup.get("/v1/devices").await;
    assert_eq!((v[0]["id"].as_str(), v[0]["last_sync_at"].is_null()), (Some(id.as_str()), true));
    let before = now_millis();
    d.sync().await;
    let (_, v) = sup.get(&format!("/v1/devices?steward_id={}", p.x_steward)).await;
    let last = v[0]["last_sync_at"].as_i64().expect("a last sync time");
    assert!(last >= before && last <= now_millis(), "{v}");
    assert_eq!((v[0]["steward"].as_str(), v[0]["revoked_at"].is_null()), (Some("李秀英"), true));

    let (s, _) = sup.post(&format!("/v1/devices/{id}/revoke"), json!({})).await;
    assert_eq!(s, 204);
    assert!(matches!(d.client.sync(&d.store).await, Err(SyncError::Unauthorized)));
    let (_, v) = sup.get("/v1/devices").await;
    assert!(v[0]["revoked_at"].as_i64().is_some(), "{v}");
    assert_eq!(v[0]["last_sync_at"].as_i64(), Some(last), "a refused sync is not a sync");
    let (s, _) = sup.post(&format!("/v1/devices/{id}/revoke"), json!({})).await;
    assert_eq!(s, 204, "revoking twice answers the same");
    let (s, _) = sup.post(&format!("/v1/devices/{}/revoke", Uuid::new_v4()), json!({})).await;
    assert_eq!(s, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enrolment_code_from_the_console_enrols_one_phone_once() {
    let p = place().await;
    let w = &p.w;
    let sup = w.supervisor(p.x, "zhibu").await;
    let (s, v) = sup.post(&format!("/v1/stewards/{}/enrolment-codes", p.x_steward), json!({"days": 3})).await;
    assert_eq!(s, 200, "{v}");
    let code = v["code"].as_str().unwrap();
    let host = w.url.trim_start_matches("http://").replace(':', "%3A");
    assert_eq!(v["enrol_uri"].as_str().unwrap(), format!("redsteward://enrol?server=http%3A%2F%2F{host}&code={code}"));
    let expires = v["expires_at"].as_i64().unwrap();
    assert!((expires - now_millis() - 3 * 86_400_000).abs() < 60_000);
    let d = steward_tests::Device::enrol(&w.url, code, w.dir.path()).await;
    assert_eq!(d.steward_id, p.x_steward);
    let again = steward_client::SyncClient::new().enrol(&d.store, &w.url, code, "second phone").await;
    assert!(again.is_err(), "a code enrols once");
    for days in [0, 91] {
        let (s, v) = sup.post(&format!("/v1/stewards/{}/enrolment-codes", p.x_steward), json!({"days": days})).await;
        assert_eq!((s, v["field"].as_str()), (400, Some("days")));
    }
    let (s, _) = sup.post(&format!("/v1/stewards/{}/enrolment-codes", p.x_steward), json!({"weeks": 1})).await;
    assert_eq!(s, 400);
}

/// An open event stream.
struct Events(reqwest::Response);

impl Events {
    async fn open(sup: &Supervisor) -> Events {
        let r =
            reqwest::Client::new().get(format!("{}/v1/events", sup.url)).bearer_auth(&sup.token).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        let mut e = Events(r);
        assert!(e.next(Duration::from_secs(5)).await.unwrap().contains("event: ready"));
        e
    }

    /// The next event (not a keep-alive comment) within `wait`; `None` if none came or the
    /// stream ended.
    async fn next(&mut self, wait: Duration) -> Option<String> {
        let deadline = Instant::now() + wait;
        let mut text = String::new();
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match tokio::time::timeout(left, self.0.chunk()).await {
                Ok(Ok(Some(bytes))) => {
                    text.push_str(&String::from_utf8_lossy(&bytes));
                    if text.contains("event:") && text.contains("\n\n") {
                        return Some(text);
                    }
                }
                _ => return None,
            }
        }
    }

    /// Whether the stream ends within `wait`.
    async fn ends(&mut self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        loop {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else { return false };
            match tokio::time::timeout(left, self.0.chunk()).await {
                Ok(Ok(Some(_))) => continue,
                Ok(_) => return true,
                Err(_) => return false,
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_events_reach_an_open_console_within_seconds_and_only_of_its_place() {
    let p = place().await;
    let w = &p.w;
    let x_sup = w.supervisor(p.x, "zhibu-x").await;
    let y_sup = w.supervisor(p.y, "zhibu-y").await;
    let property = w.user(p.x, "wuye", Role::Property).await;
    let mut x_events = Events::open(&x_sup).await;
    let mut y_events = Events::open(&y_sup).await;
    let mut p_events = Events::open(&property).await;
    let d = w.device(p.x_steward).await;
    d.sync().await;
    // The first sync changed nothing on the server; let the poller settle.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    // A visit synced by a phone of X: X's console hears of it within 5 s; Y's and the property
    // company's (a household, not an issue) do not.
    d.with(|st| st.record_visit(p.x_households[0], &visit(p.x_steward, now_millis()))).unwrap();
    let synced = Instant::now();
    d.sync().await;
    let e = x_events.next(Duration::from_secs(5)).await.expect("X's console hears of the visit");
    assert!(e.contains("event: change") && e.contains("\"cursor\""), "{e}");
    assert!(synced.elapsed() < Duration::from_secs(5));
    assert_eq!(y_events.next(Duration::from_secs(2)).await, None, "Y hears nothing of X");
    assert_eq!(p_events.next(Duration::from_millis(500)).await, None, "a property company hears of no household");

    // An issue of X moved: the property company hears of it.
    let (s, v) = x_sup
        .post(&format!("/v1/issues/{}/status", p.x_duty_issue), json!({"status": "accepted", "comment": "已受理"}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert!(p_events.next(Duration::from_secs(5)).await.is_some());

    // Signing out ends the stream on the server.
    let r = reqwest::Client::new().post(format!("{}/v1/logout", w.url)).bearer_auth(&x_sup.token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 204);
    assert!(x_events.ends(Duration::from_secs(15)).await, "a signed-out session's stream ends");
    let (s, _) = x_sup.get("/v1/events").await;
    assert_eq!(s, 401);
    let _ = p.y_households;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_is_served_at_the_root_with_a_strict_policy_and_unknown_api_paths_are_404() {
    let w = World::start().await;
    let http = reqwest::Client::new();
    let r = http.get(format!("{}/", w.url)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let h = r.headers().clone();
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(h["cache-control"], "no-cache");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'self'")
            && csp.contains("frame-ancestors 'none'")
            && !csp.contains("script-src 'self' 'unsafe-inline'"),
        "{csp}"
    );
    assert_eq!(h["x-frame-options"], "DENY");
    let body = r.text().await.unwrap();
    assert!(body.contains("<html") || body.contains("<!doctype html"), "{body}");
    // A built console links its hashed assets, which are cached for good.
    if let Some(asset) = body.split("src=\"/assets/").nth(1).and_then(|s| s.split('"').next()) {
        let r = http.get(format!("{}/assets/{asset}", w.url)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.headers()["cache-control"].to_str().unwrap().contains("immutable"));
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    }
    let r = http.get(format!("{}/v1/no-such-thing", w.url)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "not_found");
    let r = http.post(format!("{}/anything", w.url)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let r = http.get(format!("{}/../../etc/passwd", w.url)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admins_forms_name_the_field_at_fault_and_save_nothing_half() {
    let w = World::start().await;
    admin::create_user(&w.admin, "root", "password-123", Role::Admin, None).unwrap();
    let root = Supervisor::login(&w.url, "root", "password-123").await;
    let places = || w.admin.storage().places().unwrap().len();
    let users = || w.admin.storage().users().unwrap().len();
    let (p0, u0) = (places(), users());
    let community = w.admin.storage().places().unwrap().into_iter().find(|p| p.name == "艺苑社区").unwrap().id;

    for (body, field) in [
        (json!({"kind": "village", "name": "x", "parent_id": community}), "kind"),
        (json!({"kind": "compound", "name": "  ", "parent_id": community}), "name"),
        (json!({"kind": "compound", "name": "新小区"}), "parent_id"),
        (json!({"kind": "town", "name": "新镇", "parent_id": community}), "parent_id"),
        (json!({"kind": "district", "name": "新区", "parent_id": community}), "parent_id"),
    ] {
        let (s, v) = root.post("/v1/places", body.clone()).await;
        assert_eq!((s, v["field"].as_str()), (400, Some(field)), "{body}: {v}");
    }
    assert_eq!(places(), p0);
    let (s, v) = root.post("/v1/places", json!({"kind": "compound", "name": "新小区", "parent_id": community})).await;
    assert_eq!((s, v["kind"].as_str(), v["name"].as_str()), (200, Some("compound"), Some("新小区")));
    let compound: Uuid = v["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(places(), p0 + 1);
    assert!(w.admin.storage().doc_meta(compound).unwrap().is_some(), "a compound gets its settings document");

    for (body, field) in [
        (json!({"username": "a", "password": "password-123", "role": "supervisor", "place_id": compound}), "username"),
        (json!({"username": "zhibu", "password": "short", "role": "supervisor", "place_id": compound}), "password"),
        (json!({"username": "zhibu", "password": "password-123", "role": "boss", "place_id": compound}), "role"),
        (json!({"username": "zhibu", "password": "password-123", "role": "supervisor"}), "place_id"),
        (
            json!({"username": "wuye", "password": "password-123", "role": "property", "place_id": community}),
            "place_id",
        ),
        (
            json!({"username": "zhibu", "password": "password-123", "role": "supervisor", "place_id": Uuid::new_v4()}),
            "place_id",
        ),
    ] {
        let (s, v) = root.post("/v1/users", body.clone()).await;
        assert_eq!((s, v["field"].as_str()), (400, Some(field)), "{body}: {v}");
    }
    assert_eq!(users(), u0);
    let (s, v) = root
        .post(
            "/v1/users",
            json!({"username": "zhibu", "password": "password-123", "role": "supervisor", "place_id": compound}),
        )
        .await;
    assert_eq!((s, v["username"].as_str()), (200, Some("zhibu")), "{v}");
    let (s, _) = root
        .post(
            "/v1/users",
            json!({"username": "zhibu", "password": "password-456", "role": "supervisor", "place_id": compound}),
        )
        .await;
    assert_eq!(s, 409);
    assert_eq!(users(), u0 + 1);
    let new = Supervisor::login(&w.url, "zhibu", "password-123").await;
    let (_, v) = new.get("/v1/places").await;
    assert_eq!(ids(&v, "id"), sorted(&[compound]));

    let (s, v) = root.post("/v1/stewards", json!({"compound_id": community, "name": "李秀英"})).await;
    assert_eq!((s, v["field"].as_str()), (400, Some("compound_id")));
    let (s, v) = root.post("/v1/stewards", json!({"compound_id": compound, "name": "李秀英"})).await;
    assert_eq!((s, v["name"].as_str()), (200, Some("李秀英")));
    assert_eq!(w.admin.storage().stewards(Some(&[compound])).unwrap().len(), 1);
    let (_, v) = root.get("/v1/users").await;
    assert_eq!(v.as_array().unwrap().len(), users());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_filters_apply_to_the_json_the_counts_and_every_export_alike() {
    use steward_core::model::TimelyKind;
    let p = place().await;
    let w = &p.w;
    let sup = w.supervisor(p.x, "zhibu").await;
    let day = 86_400_000;
    for (h, trigger, days) in [(0, "hardship", 0), (1, "illness_or_death", 3), (2, "hardship", 5)] {
        let date = now_millis() - days * day;
        let (s, v) = sup
            .post(
                &format!("/v1/households/{}/must-visits", p.x_households[h]),
                json!({"trigger": trigger, "date": date}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
    }
    for (h, kind, resolved) in
        [(0, TimelyKind::UrgentHelp, true), (1, TimelyKind::UrgentHelp, false), (2, TimelyKind::Dispute, false)]
    {
        let t = steward_core::doc::NewTimely {
            id: Uuid::new_v4(),
            kind,
            raised_at: now_millis() - day / 2,
            note: String::new(),
            raised_by: p.x_steward,
        };
        let id = p.x_households[h];
        w.admin.edit(id, |_| Ok(()), |d| steward_core::doc::raise_timely(d, &t)).unwrap();
        if resolved {
            w.admin
                .edit(id, |_| Ok(()), |d| steward_core::doc::resolve_timely(d, t.id, now_millis(), p.x_steward))
                .unwrap();
        }
    }

    // Each filter: the JSON rows, the CSV lines and the XLSX rows are the same count.
    for (path, key, want) in [
        ("/v1/reports/must-visits?trigger=hardship", "", 2),
        ("/v1/reports/must-visits?trigger=hardship&min_age_days=2", "", 1),
        ("/v1/reports/must-visits?min_age_days=10", "", 0),
        ("/v1/reports/timely?kind=urgent_help", "rows", 2),
        ("/v1/reports/timely?kind=urgent_help&timeliness=on_time", "rows", 1),
        ("/v1/reports/timely?timeliness=open", "rows", 2),
        ("/v1/reports/issues?route=property_duty", "issues", 1),
        ("/v1/reports/issues?status=reported&category=safety_hazard", "issues", 2),
        ("/v1/reports/issues?status=accepted", "issues", 0),
        ("/v1/reports/issues?min_age_days=1", "issues", 0),
    ] {
        let (s, v) = sup.get(path).await;
        assert_eq!(s, 200, "{path}: {v}");
        let rows = if key.is_empty() { &v } else { &v[key] };
        assert_eq!(rows.as_array().unwrap().len(), want, "{path}: {v}");
        let (_, csv) = sup.get_text(&format!("{path}&format=csv")).await;
        assert_eq!(csv.lines().count(), 1 + want, "{path} as CSV");
        let (_, _, bytes) = download(&sup, &format!("{path}&format=xlsx")).await;
        assert_eq!(sheet(&bytes).0.height(), 1 + want, "{path} as XLSX");
        // The counts beside the rows count the same rows.
        if key == "issues" {
            let counted: u64 = v["counts"].as_array().unwrap().iter().map(|c| c["count"].as_u64().unwrap()).sum();
            assert_eq!(counted, want as u64, "{path}");
        }
        if key == "rows" {
            let s = &v["summary"];
            let counted: u64 = ["on_time", "late", "open", "overdue"].iter().map(|k| s[*k].as_u64().unwrap()).sum();
            assert_eq!(counted, want as u64, "{path}");
        }
    }
    // Pages of a list report: with per_page, a page and the total; files still hold every row.
    let (_, v) = sup.get("/v1/reports/must-visits?per_page=2&page=1").await;
    assert_eq!((v["total"].as_u64(), v["rows"].as_array().map(Vec::len)), (Some(3), Some(2)), "{v}");
    let (_, v2) = sup.get("/v1/reports/must-visits?per_page=2&page=2").await;
    assert_eq!(v2["rows"].as_array().map(Vec::len), Some(1));
    let mut ids: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .chain(v2["rows"].as_array().unwrap())
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "every must-visit once over the pages");
    let (_, csv) = sup.get_text("/v1/reports/must-visits?per_page=2&format=csv").await;
    assert_eq!(csv.lines().count(), 1 + 3);
    let (_, v) = sup.get("/v1/reports/issues?per_page=1").await;
    assert_eq!((v["total"].as_u64(), v["issues"].as_array().map(Vec::len)), (Some(2), Some(1)), "{v}");
    let (_, v) = sup.get("/v1/reports/timely?per_page=1&page=3").await;
    assert_eq!((v["total"].as_u64(), v["rows"].as_array().map(Vec::len)), (Some(3), Some(1)), "{v}");
    let (_, v) = sup.get("/v1/reports/visit-ledger?per_page=10").await;
    assert_eq!((v["total"].as_u64(), v["page"].as_u64()), (Some(0), Some(1)), "{v}");
    // Issues reported at most a day ago: both (they were just made); at least a day: none.
    let (_, v) = sup.get("/v1/reports/issues?max_age_days=1").await;
    assert_eq!(v["issues"].as_array().map(Vec::len), Some(2));

    // The overview's figure: every issue counted, none listed; a file still holds every row.
    let (_, v) = sup.get("/v1/reports/issues?counts_only=true&route=property_duty").await;
    assert_eq!(v["issues"].as_array().map(Vec::len), Some(0), "{v}");
    assert_eq!(v["counts"].as_array().unwrap().iter().map(|c| c["count"].as_u64().unwrap()).sum::<u64>(), 1);
    let (_, csv) = sup.get_text("/v1/reports/issues?counts_only=true&format=csv").await;
    assert_eq!(csv.lines().count(), 1 + 2);
    for (path, field) in [
        ("/v1/reports/issues?counts_only=yes", "counts_only"),
        ("/v1/reports/issues?max_age_days=x", "max_age_days"),
        ("/v1/reports/must-visits?per_page=501", "per_page"),
        ("/v1/reports/must-visits?page=0", "page"),
        ("/v1/reports/must-visits?trigger=flood", "trigger"),
        ("/v1/reports/must-visits?min_age_days=-1", "min_age_days"),
        ("/v1/reports/timely?kind=x", "kind"),
        ("/v1/reports/timely?timeliness=soon", "timeliness"),
        ("/v1/reports/issues?status=done", "status"),
        ("/v1/reports/issues?route=x", "route"),
        ("/v1/reports/issues?category=x", "category"),
        ("/v1/reports/visit-trend?months=37", "months"),
        ("/v1/reports/visits?month=2026-13", "month"),
    ] {
        let (s, v) = sup.get(path).await;
        assert_eq!((s, v["field"].as_str()), (400, Some(field)), "{path}: {v}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_read_model_is_rebuilt_from_the_projections_when_it_is_behind_them() {
    let mut p = place().await;
    let sup = p.w.supervisor(p.x, "zhibu").await;
    let d = p.w.device(p.x_steward).await;
    d.sync().await;
    for (k, h) in p.x_households.iter().take(5).enumerate() {
        d.with(|st| st.record_visit(*h, &visit(p.x_steward, now_millis() - (k as i64 + 1) * 3_600_000))).unwrap();
    }
    d.sync().await;
    let (s, v) =
        sup.post(&format!("/v1/households/{}/must-visits", p.x_households[7]), json!({"trigger": "hardship"})).await;
    assert_eq!(s, 200, "{v}");
    let reports = [
        "/v1/reports/visits",
        "/v1/reports/visit-ledger",
        "/v1/reports/must-visits",
        "/v1/reports/issues",
        "/v1/reports/three-clears",
        "/v1/reports/visit-trend",
        "/v1/households?per_page=200",
    ];
    let mut before = Vec::new();
    for r in reports {
        before.push(sup.get(r).await.1);
    }
    assert_eq!(before[1].as_array().unwrap().len(), 5, "{}", before[1]);

    // A database whose rows are of an older version (the household index is whole, the rest is
    // not there), then one from before the household index: each is rebuilt at start.
    for wipe in [
        "DELETE FROM visit_index; DELETE FROM must_visit_index; DELETE FROM timely_index; DELETE FROM issue_index;
         DELETE FROM plan_index; UPDATE server_meta SET value = '1' WHERE key = 'read_model';",
        "DELETE FROM household_index;",
    ] {
        p.w.stop().await;
        steward_tests::store_batch(&p.w.config, wipe);
        p.w.restart().await;
        let sup = Supervisor::login(&p.w.url, "zhibu", "password-123").await;
        for (r, want) in reports.iter().zip(&before) {
            let (_, got) = sup.get(r).await;
            assert_eq!(&got, want, "{r} after the rebuild ({wipe})");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_body_that_does_not_read_names_its_field_and_changes_nothing() {
    let p = place().await;
    let w = &p.w;
    let sup = w.supervisor(p.x, "zhibu").await;
    let before = w.stored();
    let h = p.x_households[0];
    for (path, body, field) in [
        (format!("/v1/households/{h}/must-visits"), json!({"note": "住院"}), "trigger"),
        (format!("/v1/households/{h}/must-visits"), json!({"trigger": "flood"}), "trigger"),
        (format!("/v1/households/{h}/must-visits"), json!({"trigger": "hardship", "urgent": true}), "urgent"),
        (format!("/v1/households/{h}/must-visits"), json!({"trigger": "hardship", "date": "tomorrow"}), "date"),
        (format!("/v1/issues/{}/status", p.x_duty_issue), json!({"status": "done"}), "status"),
        (format!("/v1/households/{h}/assign"), json!({}), "steward_id"),
    ] {
        let (s, v) = sup.post(&path, body.clone()).await;
        assert_eq!((s, v["field"].as_str()), (400, Some(field)), "{path} {body}: {v}");
    }
    assert_eq!(w.stored(), before, "nothing was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_incremental_pull_pages_and_every_document_comes_exactly_once() {
    let p = place().await;
    let sup = p.w.supervisor(p.x, "zhibu").await;
    let (_, all) = sup.get("/v1/pull").await;
    let whole = all["docs"].as_array().unwrap().len();
    assert_eq!(all["more"], false);
    assert!(whole >= 12 + 2 + 1, "households, issues and the compound: {whole}");
    let mut seen = Vec::new();
    let mut cursor = "0".to_string();
    let mut pages = 0;
    loop {
        let (s, v) = sup.get(&format!("/v1/pull?since={cursor}&limit=5")).await;
        assert_eq!(s, 200, "{v}");
        let docs = v["docs"].as_array().unwrap();
        assert!(docs.len() <= 5);
        seen.extend(docs.iter().map(|d| d["id"].as_str().unwrap().to_string()));
        cursor = v["cursor"].as_str().unwrap().to_string();
        pages += 1;
        if v["more"] == false {
            break;
        }
        assert!(pages < 20, "the pages end");
    }
    assert_eq!(pages, whole.div_ceil(5));
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (whole, whole), "every document once");
    // Nothing changed since: an empty page at the same cursor.
    let (_, v) = sup.get(&format!("/v1/pull?since={cursor}&limit=5")).await;
    assert_eq!((v["docs"].as_array().unwrap().len(), v["more"].as_bool()), (0, Some(false)));
    for bad in ["0", "5001", "x"] {
        let (s, v) = sup.get(&format!("/v1/pull?limit={bad}")).await;
        assert_eq!((s, v["field"].as_str()), (400, Some("limit")), "{bad}: {v}");
    }
}
