//! Campaigns (专项任务) end to end at the server: started from the console over a place, answered
//! on two phones offline, its progress counting each household once by compound and steward,
//! exported; a temporary steward (临时红色管家) enrolled for some households answers only those
//! and loses access when the campaign is closed. And the document's rules: a phone may only
//! answer — signed by its steward and fitting the form — and may not start a campaign, change
//! its form or households, or hand a task over.

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use steward_core::doc::{self, Answer, CampaignField, CampaignSpec, NewTask, Projection};
use steward_core::model::{CampaignKind, FieldKind};
use steward_core::time::now_millis;
use steward_sync_server::storage::Role;
use steward_tests::World;
use uuid::Uuid;

fn spec() -> CampaignSpec {
    let field = |label: &str, kind, options: &[&str], required| CampaignField {
        id: Uuid::new_v4(),
        label: label.into(),
        kind,
        options: options.iter().map(|o| o.to_string()).collect(),
        required,
    };
    CampaignSpec {
        id: Uuid::new_v4(),
        title: "冬季防火入户排查".into(),
        kind: CampaignKind::Other,
        starts_on: "2026-12-01".into(),
        ends_on: "2026-12-20".into(),
        fields: vec![
            field("是否有电动车入户充电", FieldKind::YesNo, &[], true),
            field("灭火器", FieldKind::Choice, &["有", "没有"], false),
            field("常住人数", FieldKind::Number, &[], false),
        ],
    }
}

fn stored_campaign(w: &World, id: Uuid) -> doc::CampaignRecord {
    let d = w.admin.storage().load_doc(id).unwrap().expect("stored").doc;
    let Projection::Campaign(c) = doc::project(&d).unwrap() else { panic!("a campaign document") };
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_phones_answer_a_campaign_offline_and_a_phone_may_only_answer() {
    let w = World::start().await;
    let x = w.compound("蜀汉美郡");
    let steward = w.steward(x, "李秀英");
    let (h1, h2) = (w.household(x, Some(steward.id), 1), w.household(x, Some(steward.id), 2));
    let s = spec();
    let tasks = [
        NewTask { household_id: h1, name: "住户一".into(), address: "1栋1单元101".into() },
        NewTask { household_id: h2, name: "住户二".into(), address: "1栋1单元102".into() },
    ];
    let d = doc::create_campaign_doc(w.admin.actor().clone(), &s, x, steward.id, false, &tasks, now_millis()).unwrap();
    w.admin.create_doc(&d).unwrap();
    let id = doc::campaign_doc_id(s.id, steward.id);

    let (a, b) = (w.device(steward.id).await, w.device(steward.id).await);
    a.sync().await;
    b.sync().await;
    let yes_no = s.fields[0].id;
    let answer = |pairs: Vec<(Uuid, Answer)>| pairs.into_iter().collect::<BTreeMap<_, _>>();
    let me = steward.id;
    a.with(|st| {
        st.edit(id, "answer", |d| {
            doc::answer_task(d, h1, &answer(vec![(yes_no, Answer::Bool(true))]), me, now_millis())
        })
    })
    .unwrap();
    let both = answer(vec![(yes_no, Answer::Bool(false)), (s.fields[2].id, Answer::Number(3.0))]);
    b.with(|st| st.edit(id, "answer", |d| doc::answer_task(d, h2, &both, me, now_millis()))).unwrap();
    a.sync().await;
    b.sync().await;
    b.sync().await; // a round with nothing new stores nothing twice
    a.sync().await;

    let c = stored_campaign(&w, id);
    let answered: Vec<usize> = c.tasks.iter().map(|t| t.answers.len()).collect();
    assert_eq!(answered, vec![1, 2], "each phone's answers kept once: {c:?}");
    assert_eq!(c.tasks[1].answers[&s.fields[2].id], Answer::Number(3.0));

    // Forged pushes: refused with the rule named, nothing stored.
    let forge = |rule: &'static str,
                 f: Box<dyn FnOnce(&mut automerge::Automerge) -> Result<(), steward_core::Error>>| {
        w.assert_forged_refused(steward.id, id, rule, f)
    };
    forge(
        "set by its supervisor",
        Box::new(|d| {
            let mut tx = d.transaction();
            tx.put(automerge::ROOT, "title", "改过的标题")?;
            tx.commit();
            Ok(())
        }),
    )
    .await;
    forge(
        "only a supervisor hands a task over",
        Box::new(move |d| doc::hand_over_tasks(d, &[h1], Some(Uuid::new_v4()), now_millis())),
    )
    .await;
    forge(
        "signed by the steward",
        Box::new(move |d| {
            doc::answer_task(d, h2, &answer(vec![(yes_no, Answer::Bool(true))]), Uuid::new_v4(), now_millis())
        }),
    )
    .await;
    let choice = s.fields[1].id;
    forge(
        "not a choice",
        Box::new(move |d| {
            let (_, t) = automerge::ReadDoc::get(d, automerge::ROOT, format!("task:{h1}"))?.unwrap();
            let (_, answers) = automerge::ReadDoc::get(d, &t, "answers")?.unwrap();
            let mut tx = d.transaction();
            tx.put(&answers, choice.to_string(), "也许")?;
            tx.put(&t, "answered_at", automerge::ScalarValue::Timestamp(now_millis()))?;
            tx.commit();
            Ok(())
        }),
    )
    .await;

    // A phone cannot start a campaign of its own.
    let mine = CampaignSpec { id: Uuid::new_v4(), ..spec() };
    let own = a
        .with(|st| {
            let d = doc::create_campaign_doc(st.actor().clone(), &mine, x, me, false, &tasks, now_millis())?;
            st.insert_new_doc(d, "forged campaign")
        })
        .unwrap();
    let before = w.stored();
    let (status, text) = a.push_raw(&w.url).await;
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("started by a supervisor"), "{text}");
    assert_eq!(w.stored(), before);
    assert!(w.admin.storage().doc_meta(own).unwrap().is_none());
}

/// The body of a campaign as the console sends it.
fn console_campaign(place: Uuid) -> serde_json::Value {
    let today = steward_core::time::ProgramZone::default().local(now_millis()).unwrap().date();
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    serde_json::json!({
        "title": "冬季人员摸排",
        "kind": "screening",
        "starts_on": day(today - chrono::Days::new(1)),
        "ends_on": day(today + chrono::Days::new(30)),
        "place_id": place,
        "fields": [
            {"label": "家中有无发热人员", "kind": "yes_no", "required": true},
            {"label": "常住人数", "kind": "number"},
            {"label": "近期外出", "kind": "choice", "options": ["未外出", "省内", "省外"]},
        ],
    })
}

fn row<'a>(report: &'a serde_json::Value, household: Uuid) -> &'a serde_json::Value {
    let rows: Vec<&serde_json::Value> =
        report["rows"].as_array().unwrap().iter().filter(|r| r["household_id"] == household.to_string()).collect();
    assert_eq!(rows.len(), 1, "one row per household: {report}");
    rows[0]
}

fn progress(report: &serde_json::Value, list: &str, id: Uuid) -> (u64, u64) {
    let e = report[list].as_array().unwrap().iter().find(|e| e["id"] == id.to_string()).expect("listed");
    (e["households"].as_u64().unwrap(), e["answered"].as_u64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_started_in_the_console_is_answered_on_two_phones_and_by_a_temporary_steward() {
    let w = World::start().await;
    let (x, y) = (w.compound("蜀汉美郡"), w.compound("汉韵花园"));
    let s1 = w.steward(x, "李秀英");
    let s2 = w.steward(y, "陈淑华");
    let (h1, h2, h3) = (w.household(x, Some(s1.id), 1), w.household(x, Some(s1.id), 2), w.household(x, Some(s1.id), 3));
    w.household(y, Some(s2.id), 4);
    w.household(x, None, 5); // no steward: no task
    let sup = w.supervisor(w.community(), "shequ").await;
    let sup_y = w.supervisor(y, "hanyun").await;
    let property = w.user(x, "wuye", Role::Property).await;

    // Who may not, and bad input: a clear 4xx naming the field, nothing stored.
    let before = w.stored();
    assert_eq!(property.post("/v1/campaigns", console_campaign(x)).await.0, 403);
    assert_eq!(property.get("/v1/campaigns").await.0, 403);
    let (status, e) = sup_y.post("/v1/campaigns", console_campaign(x)).await;
    assert_eq!(status, 404, "a place outside the caller's: {e}");
    for (field, body) in [
        ("ends_on", serde_json::json!({"ends_on": "2020-11-30"})),
        ("ends_on", serde_json::json!({"ends_on": "2099-12-31"})),
        ("starts_on", serde_json::json!({"starts_on": "12/01/2026"})),
        ("title", serde_json::json!({"title": "  "})),
        ("fields", serde_json::json!({"fields": [{"label": "灭火器", "kind": "choice", "options": ["有"]}]})),
        ("fields", serde_json::json!({"fields": []})),
    ] {
        let mut b = console_campaign(w.community());
        b.as_object_mut().unwrap().extend(body.as_object().unwrap().clone());
        let (status, e) = sup.post("/v1/campaigns", b).await;
        assert_eq!((status, e["field"].as_str()), (400, Some(field)), "{e}");
    }
    let (status, e) = sup.post("/v1/campaigns", serde_json::json!({"title": "x", "kind": "parade"})).await;
    assert_eq!(status, 400, "{e}");
    assert_eq!(w.stored(), before, "nothing refused was stored");
    assert!(w.admin.storage().campaigns().unwrap().is_empty());

    // Started over the community: a document per steward, a task per household with a steward.
    let (status, started) = sup.post("/v1/campaigns", console_campaign(w.community())).await;
    assert_eq!(status, 201, "{started}");
    assert_eq!((started["documents"].as_u64(), started["unassigned"].as_u64()), (Some(2), Some(1)), "{started}");
    assert_eq!(started["campaign"]["households"], 4);
    let campaign: Uuid = started["campaign"]["id"].as_str().unwrap().parse().unwrap();
    let fields: Vec<Uuid> = started["campaign"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().parse().unwrap())
        .collect();
    let doc_id = doc::campaign_doc_id(campaign, s1.id);

    // Two phones of one steward answer different households offline.
    let (a, b) = (w.device(s1.id).await, w.device(s1.id).await);
    a.sync().await;
    b.sync().await;
    let line = a.with(|st| st.campaigns()).unwrap();
    assert_eq!(line.len(), 1);
    assert_eq!((line[0].id, line[0].tasks, line[0].answered, line[0].temporary), (doc_id, 3, 0, false));
    let answers = |pairs: &[(Uuid, Answer)]| pairs.iter().cloned().collect::<BTreeMap<_, _>>();
    a.with(|st| {
        st.answer_campaign_task(
            doc_id,
            h1,
            &answers(&[(fields[0], Answer::Bool(true)), (fields[1], Answer::Number(2.0))]),
        )
    })
    .unwrap();
    b.with(|st| st.answer_campaign_task(doc_id, h2, &answers(&[(fields[0], Answer::Bool(false))]))).unwrap();
    let missing = a.with(|st| st.answer_campaign_task(doc_id, h3, &answers(&[(fields[1], Answer::Number(1.0))])));
    assert!(missing.unwrap_err().to_string().contains("needs an answer"));
    a.sync().await;
    b.sync().await;
    b.sync().await; // a duplicated round stores nothing twice
    a.sync().await;
    assert_eq!(a.with(|st| st.campaigns()).unwrap()[0].answered, 2, "each phone has the other's answer");

    let (status, r) = sup.get(&format!("/v1/reports/campaign?campaign_id={campaign}")).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!((r["households"].as_u64(), r["answered"].as_u64()), (Some(4), Some(2)), "{r}");
    assert_eq!(r["rows"].as_array().unwrap().len(), 4);
    assert_eq!((progress(&r, "compounds", x), progress(&r, "compounds", y)), ((3, 2), (1, 0)));
    assert_eq!((progress(&r, "stewards", s1.id), progress(&r, "stewards", s2.id)), ((3, 2), (1, 0)));
    assert_eq!(row(&r, h1)["answers"].as_object().unwrap().len(), 2);
    assert_eq!(row(&r, h1)["answers"][fields[1].to_string()], 2.0);
    assert!(row(&r, h3)["answered_at"].is_null());

    // A compound's supervisor sees the campaign and its progress within the compound only.
    let (_, list) = sup_y.get("/v1/campaigns").await;
    assert_eq!((list[0]["households"].as_u64(), list[0]["answered"].as_u64()), (Some(1), Some(0)), "{list}");
    let (_, ry) = sup_y.get(&format!("/v1/reports/campaign?campaign_id={campaign}")).await;
    assert_eq!(ry["rows"].as_array().unwrap().len(), 1);
    assert_eq!(property.get(&format!("/v1/reports/campaign?campaign_id={campaign}")).await.0, 403);
    let other = sup.get(&format!("/v1/reports/campaign?campaign_id={}", Uuid::new_v4())).await;
    assert_eq!(other.0, 404);

    // The answers as a file, one row per household, and the reading logged.
    let (status, csv) = sup.get_text(&format!("/v1/reports/campaign?campaign_id={campaign}&format=csv")).await;
    assert_eq!(status, 200);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 5, "{csv}");
    assert!(lines[0].ends_with("家中有无发热人员,常住人数,近期外出"), "{}", lines[0]);
    assert_eq!(lines.iter().filter(|l| l.contains(",是,2,")).count(), 1, "{csv}");
    let log = w.admin.storage().access_log(None, 5).unwrap();
    let logged = log.iter().find(|e| e.action == "report:campaign:csv").expect("the export is logged");
    assert_eq!(logged.households.len(), 4);

    // A temporary steward for h3: their own document, the task handed over in s1's.
    let (status, t) = sup
        .post(
            &format!("/v1/campaigns/{campaign}/temporary-stewards"),
            serde_json::json!({"compound_id": x, "name": "张志愿", "household_ids": [h3]}),
        )
        .await;
    assert_eq!(status, 201, "{t}");
    let again = sup
        .post(
            &format!("/v1/campaigns/{campaign}/temporary-stewards"),
            serde_json::json!({"compound_id": x, "name": "张志愿", "household_ids": [h3]}),
        )
        .await;
    assert_eq!((again.0, again.1["field"].as_str()), (400, Some("household_ids")), "{}", again.1);
    let temp_id: Uuid = t["steward"]["id"].as_str().unwrap().parse().unwrap();
    let temp = steward_tests::Device::enrol(&w.url, t["code"].as_str().unwrap(), w.dir.path()).await;
    temp.sync().await;
    let tl = temp.with(|st| st.campaigns()).unwrap();
    assert_eq!((tl.len(), tl[0].tasks, tl[0].temporary), (1, 1, true));
    assert_eq!(
        temp.with(|st| st.households_for_month(st.month_of(now_millis()))).unwrap().len(),
        0,
        "no household records"
    );
    a.sync().await;
    assert_eq!(a.with(|st| st.campaigns()).unwrap()[0].tasks, 2, "h3 is handed over");
    let temp_doc = doc::campaign_doc_id(campaign, temp_id);
    temp.with(|st| st.answer_campaign_task(temp_doc, h3, &answers(&[(fields[0], Answer::Bool(false))]))).unwrap();
    temp.sync().await;
    let (_, r) = sup.get(&format!("/v1/reports/campaign?campaign_id={campaign}")).await;
    assert_eq!((r["households"].as_u64(), r["answered"].as_u64()), (Some(4), Some(3)), "{r}");
    assert_eq!((r["campaign"]["households"].as_u64(), r["campaign"]["answered"].as_u64()), (Some(4), Some(3)), "{r}");
    assert_eq!((progress(&r, "stewards", s1.id), progress(&r, "stewards", temp_id)), ((2, 2), (1, 1)));
    assert_eq!(row(&r, h3)["steward"], "张志愿");

    // A temporary steward's phone answers its campaign, nothing else.
    let issue = doc::NewIssue {
        id: Uuid::new_v4(),
        compound_id: x,
        reporter_id: temp_id,
        reported_at: now_millis(),
        category: steward_core::model::IssueCategory::SafetyHazard,
        place: "3栋".into(),
        description: "楼道堆物".into(),
        route: steward_core::model::IssueRoute::PropertyDuty,
    };
    temp.with(|st| st.report_issue(&issue)).unwrap();
    let before = w.stored();
    let (status, text) = temp.push_raw(&w.url).await;
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("only answers the campaign"), "{text}");
    assert_eq!(w.stored(), before);

    // Closed by its supervisor (not by a compound's below it): phones take no more answers,
    // and the temporary steward's access ends.
    let (status, e) = sup_y.post(&format!("/v1/campaigns/{campaign}/close"), serde_json::json!({})).await;
    assert_eq!(status, 403, "{e}");
    let (status, closed) = sup.post(&format!("/v1/campaigns/{campaign}/close"), serde_json::json!({})).await;
    assert_eq!(status, 200, "{closed}");
    assert!(closed["closed_at"].is_i64());
    let refused = temp.client.sync(&temp.store).await.unwrap_err();
    assert_eq!(refused.code(), "unauthorized");
    a.sync().await;
    assert!(a.with(|st| st.campaigns()).unwrap()[0].closed_at.is_some());
    let late = a.with(|st| st.answer_campaign_task(doc_id, h1, &answers(&[(fields[0], Answer::Bool(false))])));
    assert!(late.unwrap_err().to_string().contains("closed"));
    let enrol_late = sup
        .post(
            &format!("/v1/campaigns/{campaign}/temporary-stewards"),
            serde_json::json!({"compound_id": x, "name": "王志愿", "household_ids": [h2]}),
        )
        .await;
    assert_eq!(enrol_late.0, 409, "{}", enrol_late.1);
}
