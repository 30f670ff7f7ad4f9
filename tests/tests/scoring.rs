//! Stewards score the property company (评价物业) against a real server: an admin publishes the
//! housing bureau's rules, which reach the phones by sync; two phones of one steward score one
//! period offline into one document; submitted scores are counted by compound with the issues
//! behind each criterion, ranked; a property company reads its own compound's scores and never
//! who gave which; a phone cannot change submitted scores or mark a criterion down in silence.

use automerge::transaction::Transactable;
use automerge::ReadDoc;
use serde_json::{json, Value};
use steward_core::doc::{CriterionScore, Projection};
use steward_core::model::{IssueCategory, IssueRoute};
use steward_core::time::{now_millis, Quarter};
use steward_sync_server::admin;
use steward_sync_server::storage::Role;
use steward_tests::{Supervisor, World};
use uuid::Uuid;

fn criterion(v: &Value, name: &str) -> Uuid {
    v["criteria"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_reach_the_phones_scores_are_counted_by_compound_and_the_company_never_sees_who_gave_which() {
    let w = World::start().await;
    let (x, y) = (w.compound("蜀汉美郡"), w.compound("汉韵花园"));
    let (a, b) = (w.steward(x, "李秀英"), w.steward(x, "王建国"));
    let phone_a1 = w.device(a.id).await;
    let phone_a2 = w.device(a.id).await;
    let phone_b = w.device(b.id).await;
    admin::create_user(&w.admin, "root", "password-123", Role::Admin, None).unwrap();
    let root = Supervisor::login(&w.url, "root", "password-123").await;
    let sup = w.supervisor(x, "zhibu").await;
    let company = w.user(x, "jiayuan", Role::Property).await;
    let company_y = w.user(y, "hanyun", Role::Property).await;
    let quarter = Quarter::of(w.admin.zone().month_of(now_millis())).to_string();

    // Rules that do not hold are refused and change nothing.
    let body = |weights: [u32; 3]| {
        json!({"period": quarter, "criteria": [
            {"name": "环境卫生", "weight": weights[0], "categories": ["sanitation_dead_corner"]},
            {"name": "安全秩序", "weight": weights[1], "categories": ["safety_hazard", "ebike_parking"]},
            {"name": "报修处理", "weight": weights[2]},
        ]})
    };
    let before = w.stored();
    let (s, v) = root.send(reqwest::Method::PUT, "/v1/scoring-rules", body([40, 35, 20])).await;
    assert_eq!((s, v["field"].as_str()), (400, Some("criteria")), "{v}");
    let (s, _) = sup.send(reqwest::Method::PUT, "/v1/scoring-rules", body([40, 35, 25])).await;
    assert_eq!(s, 403, "only an admin publishes the rules");
    let (s, v) =
        root.send(reqwest::Method::PUT, "/v1/scoring-rules", json!({"period": "2026-Q9", "criteria": []})).await;
    assert_eq!((s, v["field"].as_str()), (400, Some("period")));
    assert_eq!(w.stored(), before);
    let (s, rules) = root.send(reqwest::Method::PUT, "/v1/scoring-rules", body([40, 35, 25])).await;
    assert_eq!(s, 200, "{rules}");
    let (clean, safety, repairs) =
        (criterion(&rules, "环境卫生"), criterion(&rules, "安全秩序"), criterion(&rules, "报修处理"));
    // Published again, the ids stay.
    let (_, again) = root.send(reqwest::Method::PUT, "/v1/scoring-rules", body([40, 35, 25])).await;
    assert_eq!(criterion(&again, "环境卫生"), clean);

    // The rules reach every phone by sync.
    for d in [&phone_a1, &phone_a2, &phone_b] {
        d.sync().await;
        let (r, score) = d.with(|st| st.scoring()).unwrap();
        assert_eq!(r.expect("the rules on the phone").criteria.len(), 3);
        assert!(score.is_none());
    }

    // Steward A scores on two phones apart; B on one. A marks safety down with a reason.
    let score = |criterion_id, points, comment: &str| CriterionScore { criterion_id, points, comment: comment.into() };
    phone_a1.with(|st| st.score_criterion(&score(clean, 10, ""))).unwrap();
    phone_a2.with(|st| st.score_criterion(&score(safety, 6, "电瓶车乱停没人管"))).unwrap();
    phone_a1.sync().await;
    phone_a2.sync().await;
    phone_a1.sync().await;
    let err = phone_a1.with(|st| st.submit_scores()).unwrap_err().to_string();
    assert!(err.contains("报修处理"), "every criterion first: {err}");
    phone_a1.with(|st| st.score_criterion(&score(repairs, 8, "报修要等三天"))).unwrap();
    phone_a1.with(|st| st.submit_scores()).unwrap();
    phone_a1.sync().await;
    for (c, p, text) in [(clean, 8, "垃圾清运不及时"), (safety, 10, ""), (repairs, 10, "")] {
        phone_b.with(|st| st.score_criterion(&score(c, p, text))).unwrap();
    }
    phone_b.with(|st| st.submit_scores()).unwrap();
    phone_b.sync().await;
    phone_a2.sync().await;
    let (_, a2) = phone_a2.with(|st| st.scoring()).unwrap();
    let a2 = a2.expect("A's scores on A's second phone");
    assert_eq!((a2.scores.len(), a2.submitted_at.is_some()), (3, true), "one document for both phones");
    assert!(phone_a2.with(|st| st.score_criterion(&score(clean, 1, "改"))).is_err(), "submitted: no more changes");

    // Issues behind the criteria: one safety hazard, one e-bike parking in X this quarter.
    for category in [IssueCategory::SafetyHazard, IssueCategory::EbikeParking] {
        let i = steward_core::doc::NewIssue {
            id: Uuid::new_v4(),
            compound_id: x,
            reporter_id: a.id,
            reported_at: now_millis(),
            category,
            place: "5栋".into(),
            description: "问题".into(),
            route: IssueRoute::PropertyDuty,
        };
        phone_a1.with(|st| st.report_issue(&i)).unwrap();
    }
    phone_a1.sync().await;

    let (s, v) = sup.get(&format!("/v1/reports/scores?quarter={quarter}")).await;
    assert_eq!(s, 200, "{v}");
    let c = &v["compounds"][0];
    assert_eq!(
        (c["compound"].as_str(), c["scorers"].as_u64(), c["rank"].as_u64()),
        (Some("蜀汉美郡"), Some(2), Some(1))
    );
    // A: 40 + 35×0.6 + 25×0.8 = 81; B: 40×0.8 + 35 + 25 = 92; the mean 86.5.
    assert_eq!(c["total"].as_f64(), Some(86.5));
    let row = |id: Uuid| {
        c["criteria"].as_array().unwrap().iter().find(|k| k["criterion_id"] == id.to_string()).unwrap().clone()
    };
    assert_eq!(
        (row(safety)["average"].as_f64(), row(safety)["marked_down"].as_u64(), row(safety)["issues"].as_u64()),
        (Some(8.0), Some(1), Some(2))
    );
    assert_eq!(row(clean)["issues"].as_u64(), Some(0));
    assert_eq!(c["comments"].as_array().unwrap().len(), 3);
    assert_eq!(c["trend"].as_array().unwrap().len(), 4);

    // The company: its compound's scores and comments, no steward anywhere in the answer.
    let (s, text) = company.get_text(&format!("/v1/reports/scores?quarter={quarter}")).await;
    assert_eq!(s, 200);
    for who in [a.id.to_string(), b.id.to_string(), "李秀英".into(), "王建国".into()] {
        assert!(!text.contains(&who), "the company's answer names {who}: {text}");
    }
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["compounds"].as_array().unwrap().len(), 1);
    let (_, v) = company_y.get(&format!("/v1/reports/scores?quarter={quarter}")).await;
    assert_eq!(v["compounds"][0]["scorers"].as_u64(), Some(0), "another compound's company sees nothing of X");
    let (s, _) = sup.get("/v1/reports/scores?quarter=2021-Q1").await;
    assert_eq!(s, 404, "no rules for that quarter");

    // A tampered phone: submitted scores rewritten, or a criterion marked down without a word.
    let forged = w.device(a.id).await;
    forged.sync().await;
    let id = steward_core::doc::score_doc_id(a.id, quarter.parse().unwrap());
    forged
        .with(|st| {
            st.edit(id, "forged", |d| {
                let (_, e) = d.get(automerge::ROOT, format!("criterion:{safety}"))?.unwrap();
                let mut tx = d.transaction();
                tx.put(&e, "points", 10u64)?;
                tx.commit();
                Ok(())
            })
        })
        .unwrap();
    let before = w.stored();
    let (s, text) = forged.push_raw(&w.url).await;
    assert_eq!(s, 422, "{text}");
    assert!(text.contains("submitted scores may not be changed"), "{text}");
    assert_eq!(w.stored(), before);
    let Projection::Score(stored) =
        steward_core::doc::project(&w.admin.storage().load_doc(id).unwrap().unwrap().doc).unwrap()
    else {
        panic!("a score")
    };
    assert_eq!(stored.scores.iter().find(|s| s.criterion_id == safety).unwrap().points, 6);
}
