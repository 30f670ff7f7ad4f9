//! The district's year in figures against a real server: each figure counts what the phones and
//! the console recorded in the period and the place, exactly; another period or compound counts
//! none of it; a property company may not read it; the file holds every figure and part.

use serde_json::{json, Value};
use steward_core::doc::{NewDecision, NewMeeting, PairingClose};
use steward_core::model::{DecisionStatus, IssueCategory, IssueRoute, MeetingParty, PairingNeed, PairingOutcome};
use steward_core::time::now_millis;
use steward_sync_server::storage::Role;
use steward_tests::{visit, World};
use uuid::Uuid;

fn figure<'a>(v: &'a Value, key: &str) -> &'a Value {
    v["figures"].as_array().unwrap().iter().find(|f| f["key"] == key).unwrap_or_else(|| panic!("{key} in {v}"))
}

fn part(v: &Value, key: &str, part: &str) -> u64 {
    figure(v, key)["breakdown"].as_array().unwrap().iter().find(|p| p["key"] == part).unwrap()["value"]
        .as_u64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_figure_counts_exactly_what_was_recorded_in_the_period_and_the_place() {
    let w = World::start().await;
    let (x, y) = (w.compound("蜀汉美郡"), w.compound("汉韵花园"));
    let steward = w.steward(x, "李秀英");
    let hs: Vec<Uuid> = (0..3).map(|n| w.household(x, Some(steward.id), n)).collect();
    let phone = w.device(steward.id).await;
    phone.sync().await;
    let community = w.admin.storage().place(x).unwrap().unwrap().parent_id.unwrap();
    let shequ = w.supervisor(community, "shequ").await;
    let sup_y = w.supervisor(y, "zhibu-y").await;
    let company = w.user(x, "jiayuan", Role::Property).await;
    let now = now_millis();

    // Four visits to three households, two opinions each (facilities, sanitation).
    for (k, h) in [hs[0], hs[1], hs[2], hs[0]].into_iter().enumerate() {
        phone.with(|st| st.record_visit(h, &visit(steward.id, now - 3_600_000 * (k as i64 + 1)))).unwrap();
    }
    // A meeting with two decisions, one done.
    let d = |party| NewDecision { id: Uuid::new_v4(), text: "事项".into(), party, deadline: None };
    let m = NewMeeting {
        id: Uuid::new_v4(),
        compound_id: x,
        convener_id: steward.id,
        held_at: now - 86_400_000,
        place: "党群服务站".into(),
        topics: String::new(),
        attendees: vec![],
        decisions: vec![d(MeetingParty::PropertyCompany), d(MeetingParty::Steward)],
    };
    let meeting = phone.with(|st| st.record_meeting(&m)).unwrap();
    phone.with(|st| st.follow_up_decision(meeting, m.decisions[1].id, "", Some(DecisionStatus::Done))).unwrap();
    // Two reports of the steward's, one solved; a matter passed on by the company.
    let report = |st: &mut steward_client::Store| {
        st.report_issue(&steward_core::doc::NewIssue {
            id: Uuid::new_v4(),
            compound_id: x,
            reporter_id: steward.id,
            reported_at: now_millis(),
            category: IssueCategory::EbikeParking,
            place: "5栋".into(),
            description: "电瓶车堵塞楼道".into(),
            route: IssueRoute::PropertyDuty,
        })
        .unwrap()
    };
    let solved = phone.with(report);
    phone.with(report);
    // A pairing case closed with a subsidy, one open.
    let c = phone.with(|st| st.open_pairing_case(hs[1], "李秀英", PairingNeed::Tuition, "学费困难")).unwrap();
    let close = PairingClose { outcome: PairingOutcome::Subsidy, amount_yuan: Some(3000), note: String::new() };
    phone.with(|st| st.close_pairing_case(hs[1], c, &close)).unwrap();
    phone.with(|st| st.open_pairing_case(hs[2], "李秀英", PairingNeed::Employment, "找工作")).unwrap();
    phone.sync().await;
    // A case opened years ago counts only in its own period.
    let old_case = steward_core::doc::NewPairingCase {
        id: Uuid::new_v4(),
        helper: "李秀英".into(),
        need: PairingNeed::Hardship,
        description: "生活困难".into(),
        opened_at: 1_625_097_600_000, // 2021-07-01
        opened_by: steward.id,
    };
    w.admin.edit(hs[0], |_| Ok(()), |d| steward_core::doc::open_pairing_case(d, &old_case)).unwrap();
    let (s, v) = company
        .post(
            "/v1/issues",
            json!({"steward_id": steward.id, "category": "medical_care", "place": "3栋", "description": "看病难"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    for st in ["accepted", "resolved"] {
        let (s, _) = company.post(&format!("/v1/issues/{solved}/status"), json!({"status": st})).await;
        assert_eq!(s, 200);
    }

    let month = w.admin.zone().month_of(now).to_string();
    let (s, v) = shequ.get(&format!("/v1/reports/figures?from={month}&to={month}")).await;
    assert_eq!(s, 200, "{v}");
    let value = |key: &str| figure(&v, key)["value"].as_u64().unwrap();
    assert_eq!((value("visits"), part(&v, "visits", "households_visited")), (4, 3));
    assert_eq!(value("opinions"), 8);
    assert_eq!(
        (part(&v, "opinions", "facilities"), part(&v, "opinions", "sanitation"), part(&v, "opinions", "safety")),
        (4, 4, 0)
    );
    assert_eq!(
        (value("meetings"), part(&v, "meetings", "decisions"), part(&v, "meetings", "decisions_done")),
        (1, 2, 1)
    );
    assert_eq!((value("compound_problems_solved"), part(&v, "compound_problems_solved", "reported")), (1, 2));
    assert_eq!((value("referrals"), part(&v, "referrals", "medical_care"), part(&v, "referrals", "solved")), (1, 1, 0));
    assert_eq!(
        (
            value("pairing"),
            part(&v, "pairing", "open"),
            part(&v, "pairing", "subsidy"),
            part(&v, "pairing", "amount_yuan")
        ),
        (2, 1, 1, 3000)
    );
    // The default period (this year so far) holds it too, and not the old case.
    let (_, all_year) = shequ.get("/v1/reports/figures").await;
    assert_eq!(figure(&all_year, "visits")["value"].as_u64(), Some(4));
    assert_eq!(figure(&all_year, "pairing")["value"].as_u64(), Some(2), "{all_year}");

    // Another period holds only the old case; another compound none of it.
    let (_, old) = shequ.get("/v1/reports/figures?from=2021-01&to=2021-12").await;
    let nonzero: Vec<&str> = old["figures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["value"] != 0)
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert_eq!(nonzero, vec!["pairing"], "{old}");
    assert_eq!(figure(&old, "pairing")["value"].as_u64(), Some(1));
    let (_, elsewhere) = sup_y.get("/v1/reports/figures").await;
    assert!(elsewhere["figures"].as_array().unwrap().iter().all(|f| f["value"] == 0), "{elsewhere}");
    let (s, _) = company.get("/v1/reports/figures").await;
    assert_eq!(s, 403);
    let (s, v) = shequ.get("/v1/reports/figures?from=2026-07&to=2026-02").await;
    assert_eq!((s, v["field"].as_str()), (400, Some("to")));

    // The file: a row per figure and per part.
    let (s, csv) = shequ.get_text(&format!("/v1/reports/figures?from={month}&format=csv")).await;
    assert_eq!(s, 200);
    let (figures, parts) = v_parts(&shequ, &month).await;
    assert_eq!(figures, 7, "visits, opinions, meetings, problems solved, referrals, pairing, teams");
    assert_eq!(csv.lines().count(), 1 + figures + parts, "{csv}");
}

/// The figures and their parts, counted.
async fn v_parts(sup: &steward_tests::Supervisor, month: &str) -> (usize, usize) {
    let (_, v) = sup.get(&format!("/v1/reports/figures?from={month}")).await;
    let figures = v["figures"].as_array().unwrap();
    (figures.len(), figures.iter().map(|f| f["breakdown"].as_array().unwrap().len()).sum())
}
