//! Two-way feedback (双向沟通), the property company's direction, against a real server: a
//! resident's matter outside the company's duty passed on to a steward and the branch, on the
//! steward's phone at the next sync, coordinated to done by the community with the same
//! timeline and statuses, counted apart in the reports; what a company may not do, and a phone
//! that cannot pass a matter on in the company's name.

use automerge::transaction::Transactable;
use automerge::ROOT;
use serde_json::json;
use steward_core::doc::{self, NewReferral, Projection};
use steward_core::model::{IssueCategory, IssueOrigin, IssueStatus};
use steward_core::time::now_millis;
use steward_sync_server::storage::Role;
use steward_tests::World;
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_matter_the_property_company_passes_on_reaches_the_steward_and_is_coordinated_to_done_and_counted_apart() {
    let w = World::start().await;
    let (x, y) = (w.compound("蜀汉美郡"), w.compound("汉韵花园"));
    let steward = w.steward(x, "李秀英");
    let other = w.steward(y, "陈淑华");
    let phone = w.device(steward.id).await;
    phone.sync().await;
    let community = w.admin.storage().place(x).unwrap().unwrap().parent_id.unwrap();
    let company = w.user(x, "jiayuan", Role::Property).await;
    let company_y = w.user(y, "hanyun-wuye", Role::Property).await;
    let sup = w.supervisor(x, "zhibu").await;
    let shequ = w.supervisor(community, "shequ").await;

    // The company finds the steward among its compound's, and passes the matter on.
    let (_, list) = company.get("/v1/stewards").await;
    assert_eq!(list[0]["id"], steward.id.to_string());
    let body = json!({
        "steward_id": steward.id, "category": "schooling", "place": "3栋2单元",
        "description": "住户孩子转学入学手续办不下来，家长着急",
    });
    // Refusals first: each names what is wrong and stores nothing.
    let before = w.stored();
    let (s, v) = company.post("/v1/issues", with(&body, "category", json!("safety_hazard"))).await;
    assert_eq!((s, v["field"].as_str()), (400, Some("category")), "{v}");
    let (s, _) = company.post("/v1/issues", with(&body, "steward_id", json!(other.id))).await;
    assert_eq!(s, 404, "another compound's steward");
    let (s, _) = company.post("/v1/issues", with(&body, "steward_id", json!(Uuid::new_v4()))).await;
    assert_eq!(s, 404);
    let (s, _) = company_y.post("/v1/issues", body.clone()).await;
    assert_eq!(s, 404, "a company of another compound");
    let (s, _) = company.post("/v1/issues", with(&body, "description", json!("  "))).await;
    assert_eq!(s, 422);
    let (s, _) = sup.post("/v1/issues", body.clone()).await;
    assert_eq!(s, 403, "a supervisor does not pass matters on in the company's name");
    assert_eq!(w.stored(), before);

    let (s, v) = company.post("/v1/issues", body.clone()).await;
    assert_eq!(s, 200, "{v}");
    let id: Uuid = v["id"].as_str().unwrap().parse().unwrap();

    // The steward's phone has it at the next sync, marked as passed on.
    phone.sync().await;
    let Projection::Issue(on_phone) = phone.with(|st| st.project(id)).unwrap() else { panic!("an issue") };
    assert_eq!((on_phone.origin, on_phone.raised_by.is_some()), (IssueOrigin::PropertyCompany, true));
    assert_eq!(on_phone.category, IssueCategory::Schooling);
    assert_eq!(phone.with(|st| st.issues()).unwrap().len(), 1);
    phone.with(|st| st.comment_issue(id, "已上门了解，帮忙联系学校")).unwrap();
    phone.sync().await;

    // The company reads and comments on it, but the community moves it.
    let (s, _) = company.get(&format!("/v1/issues/{id}")).await;
    assert_eq!(s, 200);
    let (s, _) = company.post(&format!("/v1/issues/{id}/comments"), json!({"text": "住户电话已给管家"})).await;
    assert_eq!(s, 200);
    let before = w.stored();
    let (s, v) = company.post(&format!("/v1/issues/{id}/status"), json!({"status": "accepted"})).await;
    assert_eq!((s, v["code"].as_str()), (422, Some("invalid_document")), "{v}");
    assert_eq!(w.stored(), before);
    let (s, _) = company_y.get(&format!("/v1/issues/{id}")).await;
    assert_eq!(s, 404);
    for status in ["accepted", "in_progress", "resolved"] {
        let (s, v) = shequ
            .post(&format!("/v1/issues/{id}/status"), json!({"status": status, "comment": "社区协调教育局"}))
            .await;
        assert_eq!(s, 200, "{v}");
    }
    phone.sync().await;
    phone.with(|st| st.set_issue_status(id, IssueStatus::Verified, "孩子已入学")).unwrap();
    phone.sync().await;
    let (_, v) = sup.get(&format!("/v1/issues/{id}")).await;
    assert_eq!(v["status"], "verified");
    let roles: Vec<&str> = v["timeline"].as_array().unwrap().iter().map(|e| e["role"].as_str().unwrap()).collect();
    assert_eq!(roles.iter().filter(|r| **r == "property_company").count(), 1);
    assert_eq!(roles.iter().filter(|r| **r == "supervisor").count(), 3);
    assert_eq!(roles.iter().filter(|r| **r == "steward").count(), 2);

    // A steward's own report beside it, and the counts apart by origin.
    let own = steward_core::doc::NewIssue {
        id: Uuid::new_v4(),
        compound_id: x,
        reporter_id: steward.id,
        reported_at: now_millis(),
        category: IssueCategory::FlyingWireCharging,
        place: "5栋".into(),
        description: "飞线充电".into(),
        route: steward_core::model::IssueRoute::CommunityCoordination,
    };
    phone.with(|st| st.report_issue(&own)).unwrap();
    phone.sync().await;
    let (_, v) = shequ.get("/v1/reports/issues").await;
    let by_origin = |v: &serde_json::Value, origin: &str| -> u64 {
        v["counts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["origin"] == origin)
            .map(|c| c["count"].as_u64().unwrap())
            .sum()
    };
    assert_eq!((by_origin(&v, "property_company"), by_origin(&v, "steward")), (1, 1));
    let (_, v) = shequ.get("/v1/reports/issues?origin=property_company").await;
    assert_eq!(v["issues"].as_array().unwrap().len(), 1);
    assert_eq!(v["issues"][0]["id"], id.to_string());
    let (s, v) = shequ.get("/v1/reports/issues?origin=landlord").await;
    assert_eq!((s, v["field"].as_str()), (400, Some("origin")));
    // The company sees the matter it passed on, not the steward's community matter.
    let (_, v) = company.get("/v1/reports/issues").await;
    let ids: Vec<&str> = v["issues"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![id.to_string().as_str()]);
}

/// `base` with one key set to `value`.
fn with(base: &serde_json::Value, key: &str, value: serde_json::Value) -> serde_json::Value {
    let mut out = base.clone();
    out[key] = value;
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_cannot_pass_a_matter_on_in_the_property_companys_name_or_relabel_one() {
    let w = World::start().await;
    let x = w.compound("蜀汉美郡");
    let steward = w.steward(x, "李秀英");
    let phone = w.device(steward.id).await;
    phone.sync().await;
    let forged = NewReferral {
        id: Uuid::new_v4(),
        compound_id: x,
        steward_id: steward.id,
        raised_by: Uuid::new_v4(),
        raised_at: now_millis(),
        category: IssueCategory::MedicalCare,
        place: "1栋".into(),
        description: "看病难".into(),
    };
    let d = doc::create_referral(phone.with(|st| st.actor().clone()), &forged).unwrap();
    phone.with(|st| st.insert_new_doc(d, "forged")).unwrap();
    let before = w.stored();
    let (s, text) = phone.push_raw(&w.url).await;
    assert_eq!(s, 422, "{text}");
    assert!(text.contains("only a property company"), "{text}");
    assert_eq!(w.stored(), before);

    // A steward's own report relabelled as the company's afterwards.
    let phone = w.device(steward.id).await;
    phone.sync().await;
    let company = w.user(x, "jiayuan", Role::Property).await;
    let (_, v) = company
        .post(
            "/v1/issues",
            json!({"steward_id": steward.id, "category": "employment", "place": "2栋", "description": "失业求助"}),
        )
        .await;
    let id: Uuid = v["id"].as_str().unwrap().parse().unwrap();
    phone.sync().await;
    phone
        .with(|st| {
            st.edit(id, "forged", |d| {
                let mut tx = d.transaction();
                tx.put(ROOT, "origin", "steward")?;
                tx.commit();
                Ok(())
            })
        })
        .unwrap();
    let before = w.stored();
    let (s, text) = phone.push_raw(&w.url).await;
    assert_eq!(s, 422, "{text}");
    assert!(text.contains("may not be changed"), "{text}");
    assert_eq!(w.stored(), before);
}
