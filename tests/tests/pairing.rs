//! Pairing assistance (结对帮扶) as cases: opened, followed and closed on the phone, counted by
//! need and outcome for supervisors of the place only, each household shown written to the
//! access log; a phone that cannot rewrite a closed case or sign an action in another's name.

use automerge::transaction::Transactable;
use automerge::ReadDoc;
use steward_core::doc::{self, PairingClose};
use steward_core::model::{PairingNeed, PairingOutcome};
use steward_core::time::now_millis;
use steward_sync_server::storage::Role;
use steward_tests::World;
use uuid::Uuid;

fn access_households(w: &World, action: &str) -> i64 {
    let rows = steward_tests::store_query(
        &w.config,
        "SELECT records FROM access_log WHERE action = ?1",
        steward_sync_server::args![action],
    );
    rows.iter()
        .map(|r| serde_json::from_str::<Vec<uuid::Uuid>>(&r.get::<String>(0).unwrap()).unwrap().len() as i64)
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cases_opened_and_closed_on_the_phone_are_counted_by_need_and_outcome_for_the_place_only() {
    let w = World::start().await;
    let (x, y) = (w.compound("蜀汉美郡"), w.compound("汉韵花园"));
    let steward = w.steward(x, "李秀英");
    let (h1, h2) = (w.household(x, Some(steward.id), 1), w.household(x, Some(steward.id), 2));
    let phone = w.device(steward.id).await;
    phone.sync().await;
    let sup = w.supervisor(x, "zhibu").await;
    let sup_y = w.supervisor(y, "zhibu-y").await;
    let company = w.user(x, "jiayuan", Role::Property).await;

    let tuition =
        phone.with(|st| st.open_pairing_case(h1, "李秀英", PairingNeed::Tuition, "孩子考上大学，学费有困难")).unwrap();
    phone.with(|st| st.add_pairing_action(h1, tuition, "帮助申请生源地助学贷款")).unwrap();
    let close =
        PairingClose { outcome: PairingOutcome::Subsidy, amount_yuan: Some(5000), note: "争取到助学金".into() };
    phone.with(|st| st.close_pairing_case(h1, tuition, &close)).unwrap();
    let work =
        phone.with(|st| st.open_pairing_case(h2, "王建国", PairingNeed::Employment, "失业在家，想找保洁工作")).unwrap();
    phone.sync().await;

    let (s, v) = sup.get("/v1/reports/pairing").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["total"].as_u64(), Some(2));
    let need = |need: &str| v["counts"].as_array().unwrap().iter().find(|c| c["need"] == need).unwrap().clone();
    let t = need("tuition");
    assert_eq!(
        (t["open"].as_u64(), t["closed"].as_u64(), t["outcomes"]["subsidy"].as_u64(), t["amount_yuan"].as_u64()),
        (Some(0), Some(1), Some(1), Some(5000))
    );
    let e = need("employment");
    assert_eq!((e["open"].as_u64(), e["closed"].as_u64()), (Some(1), Some(0)));
    assert_eq!(v["counts"].as_array().unwrap().len(), PairingNeed::ALL.len(), "every need listed");
    let case = v["cases"].as_array().unwrap().iter().find(|c| c["id"] == tuition.to_string()).unwrap().clone();
    assert_eq!((case["actions"].as_u64(), case["outcome_zh"].as_str()), (Some(1), Some("争取到补助资助")));
    assert_eq!(access_households(&w, "report:pairing:json"), 2, "both households shown, logged");

    let (_, v) = sup.get("/v1/reports/pairing?status=open").await;
    assert_eq!(v["cases"][0]["id"], work.to_string());
    let (_, v) = sup.get("/v1/reports/pairing?outcome=subsidy").await;
    assert_eq!(v["total"].as_u64(), Some(1));
    let (_, v) = sup.get("/v1/reports/pairing?from=2021-01&to=2021-12").await;
    assert_eq!(v["total"].as_u64(), Some(0), "none opened in 2021");
    let month = w.admin.zone().month_of(now_millis()).to_string();
    let (_, v) = sup.get(&format!("/v1/reports/pairing?from={month}")).await;
    assert_eq!(v["total"].as_u64(), Some(2));
    for (q, field) in
        [("need=money", "need"), ("status=done", "status"), ("from=2026-13", "from"), ("from=2026-05&to=2026-01", "to")]
    {
        let (s, v) = sup.get(&format!("/v1/reports/pairing?{q}")).await;
        assert_eq!((s, v["field"].as_str()), (400, Some(field)), "{q}: {v}");
    }
    let (s, _) = company.get("/v1/reports/pairing").await;
    assert_eq!(s, 403, "a property company reads no household");
    let (_, v) = sup_y.get("/v1/reports/pairing").await;
    assert_eq!(v["total"].as_u64(), Some(0), "another compound's supervisor");
    let (s, _) = sup_y.get(&format!("/v1/reports/pairing?place={x}")).await;
    assert_eq!(s, 404);
    let (s, csv) = sup.get_text("/v1/reports/pairing?format=csv").await;
    assert_eq!((s, csv.lines().count()), (200, 3), "{csv}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_cannot_rewrite_a_closed_case_or_sign_an_action_in_anothers_name() {
    let w = World::start().await;
    let x = w.compound("蜀汉美郡");
    let steward = w.steward(x, "李秀英");
    let h = w.household(x, Some(steward.id), 1);
    let phone = w.device(steward.id).await;
    phone.sync().await;
    let case = phone.with(|st| st.open_pairing_case(h, "李秀英", PairingNeed::Medical, "老人需要定期复查")).unwrap();
    let close = PairingClose { outcome: PairingOutcome::Treatment, amount_yuan: None, note: String::new() };
    phone.with(|st| st.close_pairing_case(h, case, &close)).unwrap();
    phone.sync().await;

    let forge = |rule: &'static str,
                 f: Box<dyn FnOnce(&mut automerge::Automerge) -> Result<(), steward_core::Error>>| {
        w.assert_forged_refused(steward.id, h, rule, f)
    };
    forge(
        "may not be changed",
        Box::new(move |d| {
            let (_, c) = d.get(automerge::ROOT, format!("pairing_case:{case}"))?.unwrap();
            let mut tx = d.transaction();
            tx.put(&c, "outcome", "subsidy")?;
            tx.put(&c, "amount_yuan", 50_000u64)?;
            tx.commit();
            Ok(())
        }),
    )
    .await;
    forge(
        "signed",
        Box::new(move |d| doc::add_pairing_action(d, Uuid::new_v4(), case, "代签", Uuid::new_v4(), now_millis())),
    )
    .await;
    forge(
        "signed",
        Box::new(move |d| {
            doc::open_pairing_case(
                d,
                &doc::NewPairingCase {
                    id: Uuid::new_v4(),
                    helper: "某人".into(),
                    need: PairingNeed::Other,
                    description: "x".into(),
                    opened_at: now_millis(),
                    opened_by: Uuid::new_v4(),
                },
            )
        }),
    )
    .await;
}
