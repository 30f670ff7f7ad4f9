//! The half-year steward evaluation (每半年考核评价) end to end at the server: a steward's half of
//! visits, must-visits, timely responses, issues and a joint meeting, counted into their
//! indicators exactly; the community's score and comment entered in the console (bad input
//! refused with the field named, nothing stored), reaching the steward's phone and replaced when
//! entered again; a phone may change nothing of it; the export; who may read it.

use automerge::transaction::Transactable;
use steward_core::doc::{self, NewIssue, NewMustVisit, NewTimely};
use steward_core::model::{
    IssueCategory, IssueRoute, IssueStatus, MeetingParty, MustVisitTrigger, PartyRole, TimelyKind,
};
use steward_core::time::{now_millis, HalfYear};
use steward_sync_server::storage::Role;
use steward_tests::{visit, World};
use uuid::Uuid;

const DAY: i64 = 86_400_000;

fn row<'a>(report: &'a serde_json::Value, steward: Uuid) -> &'a serde_json::Value {
    let rows: Vec<&serde_json::Value> =
        report["stewards"].as_array().unwrap().iter().filter(|r| r["steward_id"] == steward.to_string()).collect();
    assert_eq!(rows.len(), 1, "one row per steward: {report}");
    rows[0]
}

async fn put(
    who: &steward_tests::Supervisor,
    steward: Uuid,
    half: HalfYear,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    who.send(reqwest::Method::PUT, &format!("/v1/evaluations/{steward}/{half}"), body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stewards_half_year_is_counted_scored_in_the_console_and_reaches_the_phone() {
    let w = World::start().await;
    let (x, y) = (w.compound("蜀汉美郡"), w.compound("汉韵花园"));
    let s1 = w.steward(x, "李秀英");
    let s2 = w.steward(x, "王建国");
    let s3 = w.steward(y, "陈淑华");
    let hs: Vec<Uuid> = (0..12).map(|n| w.household(x, Some(s1.id), n)).collect();
    let zone = w.admin.zone();
    // The last complete half year, so that every date below lies in the past.
    let half = HalfYear::of(zone.month_of(now_millis())).prev();
    let months = half.months();
    let (m0, m1) = (zone.month_start(months[0]), zone.month_start(months[1]));
    let edit = |h: Uuid, f: &dyn Fn(&mut automerge::Automerge) -> Result<(), steward_core::Error>| {
        w.admin.edit(h, |_| Ok(()), f).unwrap();
    };
    // The first month: every household visited (the norm met); the second: three, twice each.
    for (k, h) in hs.iter().enumerate() {
        edit(*h, &|d| doc::record_visit(d, &visit(s1.id, m0 + (k as i64 + 1) * DAY)));
    }
    for (k, h) in hs.iter().take(3).enumerate() {
        for n in 0..2 {
            edit(*h, &|d| doc::record_visit(d, &visit(s1.id, m1 + (k as i64 * 2 + n + 1) * DAY)));
        }
    }
    // Two must-visits: one answered two days after its date by a visit, one not.
    let must = |date| NewMustVisit {
        id: Uuid::new_v4(),
        trigger: MustVisitTrigger::IllnessOrDeath,
        date,
        note: String::new(),
        raised_by: s1.id,
    };
    let (answered, open) = (must(m0 + 20 * DAY), must(m0 + 21 * DAY));
    edit(hs[0], &|d| doc::raise_must_visit(d, &answered));
    edit(hs[1], &|d| doc::raise_must_visit(d, &open));
    let mut answering = visit(s1.id, m0 + 22 * DAY);
    answering.answers = vec![answered.id];
    edit(hs[0], &|d| doc::record_visit(d, &answering));
    // Two timely responses: one resolved within its day, one a week late.
    let timely =
        |kind, at| NewTimely { id: Uuid::new_v4(), kind, raised_at: at, note: String::new(), raised_by: s1.id };
    let (quick, slow) = (timely(TimelyKind::UrgentHelp, m1 + DAY), timely(TimelyKind::FollowUpVisit, m1 + 2 * DAY));
    edit(hs[2], &|d| doc::raise_timely(d, &quick));
    edit(hs[2], &|d| doc::resolve_timely(d, quick.id, m1 + DAY + 2 * 3_600_000, s1.id));
    edit(hs[3], &|d| doc::raise_timely(d, &slow));
    edit(hs[3], &|d| doc::resolve_timely(d, slow.id, m1 + 10 * DAY, s1.id));
    // Two issues reported in the half (one verified after being resolved), one outside it.
    let issue = |at| NewIssue {
        id: Uuid::new_v4(),
        compound_id: x,
        reporter_id: s1.id,
        reported_at: at,
        category: IssueCategory::EbikeParking,
        place: "5栋楼道".into(),
        description: "电瓶车堵塞楼道".into(),
        route: IssueRoute::PropertyDuty,
    };
    let issues = [issue(m0 + 5 * DAY), issue(m1 + 5 * DAY), issue(now_millis())];
    for i in &issues {
        w.admin.create_doc(&doc::create_issue(w.admin.actor().clone(), i).unwrap()).unwrap();
    }
    for (status, role, by) in [
        (IssueStatus::InProgress, PartyRole::PropertyCompany, Uuid::nil()),
        (IssueStatus::Resolved, PartyRole::PropertyCompany, Uuid::nil()),
        (IssueStatus::Verified, PartyRole::Steward, s1.id),
    ] {
        edit(issues[0].id, &|d| doc::set_issue_status(d, Uuid::new_v4(), status, "", by, role, m0 + 8 * DAY));
    }
    // A joint meeting with two decisions, one followed up.
    let decision = |text: &str| doc::NewDecision {
        id: Uuid::new_v4(),
        text: text.into(),
        party: MeetingParty::PropertyCompany,
        deadline: None,
    };
    let m = doc::NewMeeting {
        id: Uuid::new_v4(),
        compound_id: x,
        convener_id: s1.id,
        held_at: m1 + 3 * DAY,
        place: "党群服务站".into(),
        topics: "电瓶车充电".into(),
        attendees: vec![],
        decisions: vec![decision("建充电棚"), decision("清理楼道")],
    };
    w.admin.create_doc(&doc::create_meeting(w.admin.actor().clone(), &m, m.held_at).unwrap()).unwrap();
    let followed = m.decisions[0].id;
    edit(m.id, &|d| {
        doc::follow_up_decision(d, Uuid::new_v4(), followed, "已选址", None, s1.id, PartyRole::Steward, m1 + 4 * DAY)
    });

    let sup = w.supervisor(w.community(), "shequ").await;
    let sup_y = w.supervisor(y, "hanyun").await;
    let property = w.user(x, "wuye", Role::Property).await;
    let (status, r) = sup.get(&format!("/v1/reports/evaluation?half={half}")).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["stewards"].as_array().unwrap().len(), 3, "{r}");
    let a = row(&r, s1.id);
    let counts = |keys: &[&str]| keys.iter().map(|k| a[*k].as_u64().unwrap_or(u64::MAX)).collect::<Vec<_>>();
    assert_eq!(counts(&["households", "visits", "households_visited", "months_meeting_norm"]), [12, 19, 12, 1], "{a}");
    assert_eq!(a["monthly_visited"], serde_json::json!([12, 3, 0, 0, 0, 0]));
    assert_eq!(counts(&["must_visits", "must_visits_answered"]), [2, 1]);
    assert_eq!(a["must_visit_days"].as_f64(), Some(2.0));
    assert_eq!(counts(&["timely", "timely_on_time"]), [2, 1]);
    assert_eq!(counts(&["basic_profile_complete", "issues_reported", "issues_verified"]), [12, 2, 1]);
    assert_eq!(counts(&["meetings_held", "decisions", "decisions_followed"]), [1, 2, 1]);
    assert!(a["score"].is_null());
    assert_eq!((row(&r, s2.id)["visits"].as_u64(), row(&r, s2.id)["households"].as_u64()), (Some(0), Some(0)));
    let (_, ry) = sup_y.get(&format!("/v1/reports/evaluation?half={half}")).await;
    assert_eq!(ry["stewards"].as_array().unwrap().len(), 1, "a compound's supervisor sees their stewards only");
    assert_eq!(row(&ry, s3.id)["steward"], "陈淑华");
    assert_eq!(property.get("/v1/reports/evaluation").await.0, 403);
    let bad = sup.get("/v1/reports/evaluation?half=2026-H3").await;
    assert_eq!((bad.0, bad.1["field"].as_str()), (400, Some("half")), "{}", bad.1);

    // Bad input, and a steward outside the caller's place: refused, nothing stored.
    let before = w.stored();
    let put = |who, steward, body| put(who, steward, half, body);
    for (field, body) in [
        ("score", serde_json::json!({"score": 101})),
        ("comment", serde_json::json!({"score": 90, "comment": "很".repeat(2001)})),
    ] {
        let (status, e) = put(&sup, s1.id, body).await;
        assert_eq!((status, e["field"].as_str()), (400, Some(field)), "{e}");
    }
    let (status, e) = sup
        .send(reqwest::Method::PUT, &format!("/v1/evaluations/{}/2026-H9", s1.id), serde_json::json!({"score": 90}))
        .await;
    assert_eq!((status, e["field"].as_str()), (400, Some("half")), "{e}");
    assert_eq!(put(&sup_y, s1.id, serde_json::json!({"score": 90})).await.0, 404);
    assert_eq!(put(&property, s1.id, serde_json::json!({"score": 90})).await.0, 403);
    assert_eq!(w.stored(), before, "nothing refused was stored");
    assert!(w.admin.storage().evaluations(&half.to_string()).unwrap().is_empty());

    // Scored: the report shows it, and it reaches the steward's phone.
    let (status, e) = put(&sup, s1.id, serde_json::json!({"score": 92, "comment": "走访扎实"})).await;
    assert_eq!(status, 200, "{e}");
    assert_eq!(e["indicators"]["visits"], 19);
    let (_, r) = sup.get(&format!("/v1/reports/evaluation?half={half}")).await;
    assert_eq!((row(&r, s1.id)["score"].as_u64(), row(&r, s1.id)["comment"].as_str()), (Some(92), Some("走访扎实")));
    let phone = w.device(s1.id).await;
    phone.sync().await;
    let mine = phone.with(|st| st.evaluations()).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0].half, mine[0].score, mine[0].comment.as_str()), (half, Some(92), "走访扎实"));
    assert_eq!((mine[0].indicators.visits, mine[0].indicators.must_visit_days), (19, Some(2.0)));
    let other = w.device(s2.id).await;
    other.sync().await;
    assert!(
        other.with(|st| st.evaluations()).unwrap().is_empty(),
        "another steward's evaluation is not on their phone"
    );
    // Entered again: replaced, one document.
    assert_eq!(put(&sup, s1.id, serde_json::json!({"score": 95, "comment": "更正"})).await.0, 200);
    phone.sync().await;
    let mine = phone.with(|st| st.evaluations()).unwrap();
    assert_eq!((mine.len(), mine[0].score, mine[0].comment.as_str()), (1, Some(95), "更正"));
    assert_eq!(w.admin.storage().evaluations(&half.to_string()).unwrap().len(), 1);

    // A phone may change nothing of it.
    let id = doc::evaluation_doc_id(s1.id, half);
    w.assert_forged_refused(s1.id, id, "the community's", |d| {
        let (value, _) = automerge::ReadDoc::get(d, automerge::ROOT, "evaluation")?.unwrap();
        let mut e: serde_json::Value = serde_json::from_str(value.as_str().unwrap_or("{}")).unwrap();
        e["score"] = 100.into();
        let mut tx = d.transaction();
        tx.put(automerge::ROOT, "evaluation", e.to_string())?;
        tx.commit();
        Ok(())
    })
    .await;

    // The export: a row per steward with its score.
    let (status, csv) = sup.get_text(&format!("/v1/reports/evaluation?half={half}&format=csv")).await;
    assert_eq!(status, 200);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    let li = lines.iter().filter(|l| l.contains("李秀英")).collect::<Vec<_>>();
    assert_eq!(li.len(), 1);
    assert!(li[0].contains(",12,19,12,1,2,1,2,2,1,") && li[0].contains(",95,更正,"), "{}", li[0]);
}
