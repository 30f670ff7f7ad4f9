//! Joint meetings (联席会议) end to end against a real server: recorded on a phone offline,
//! followed up on two phones and in the console apart, merged without loss; the quarter's
//! meetings per compound (a compound with none flagged), the decisions by responsible party;
//! a property company seeing and following only its own decisions; a phone that cannot forge
//! what a meeting agreed or who followed it up.

use automerge::transaction::Transactable;
use automerge::{ReadDoc, ROOT};
use serde_json::{json, Value};
use steward_core::doc::{self, Attendee, MeetingBasics, MeetingRecord, NewDecision, NewMeeting, Projection};
use steward_core::model::{DecisionStatus, MeetingParty, PartyRole};
use steward_core::time::{now_millis, Quarter};
use steward_sync_server::storage::Role;
use steward_tests::{Device, World};
use uuid::Uuid;

const DAY: i64 = 86_400_000;

fn server_meeting(w: &World, id: Uuid) -> MeetingRecord {
    match doc::project(&w.admin.storage().load_doc(id).unwrap().unwrap().doc).unwrap() {
        Projection::Meeting(m) => m,
        _ => panic!("a meeting"),
    }
}

fn phone_meeting(d: &Device, id: Uuid) -> MeetingRecord {
    match d.with(|st| st.project(id)).unwrap() {
        Projection::Meeting(m) => m,
        _ => panic!("a meeting"),
    }
}

/// A meeting held yesterday with three decisions: the property company's (its deadline passed
/// an hour ago: late), the owners' committee's, and the steward's own.
fn new_meeting() -> NewMeeting {
    let now = now_millis();
    let attendee = |party, name: &str| Attendee { id: Uuid::new_v4(), party, name: name.into() };
    let decision = |party, text: &str, deadline| NewDecision { id: Uuid::new_v4(), text: text.into(), party, deadline };
    NewMeeting {
        id: Uuid::new_v4(),
        compound_id: Uuid::nil(),
        convener_id: Uuid::nil(),
        held_at: now - DAY,
        place: "蜀汉美郡党群服务站".into(),
        topics: "电瓶车充电难；5栋楼道堆物".into(),
        attendees: vec![
            attendee(MeetingParty::Community, "王书记"),
            attendee(MeetingParty::PropertyCompany, "佳苑物业 张经理"),
            attendee(MeetingParty::OwnersCommittee, "刘主任"),
        ],
        decisions: vec![
            decision(MeetingParty::PropertyCompany, "在5栋旁建电瓶车充电棚", Some(now - 3_600_000)),
            decision(MeetingParty::OwnersCommittee, "征求业主对充电收费的意见", Some(now + 14 * DAY)),
            decision(MeetingParty::Steward, "入户劝导清理楼道堆物", None),
        ],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_recorded_offline_is_followed_up_on_two_phones_and_in_the_console_and_counted_by_party() {
    let w = World::start().await;
    let (x, y) = (w.compound("蜀汉美郡"), w.compound("汉韵花园"));
    let steward = w.steward(x, "李秀英");
    let other = w.steward(y, "陈淑华");
    let phone_a = w.device(steward.id).await;
    let phone_b = w.device(steward.id).await;
    let phone_y = w.device(other.id).await;
    let community = w.admin.storage().place(x).unwrap().unwrap().parent_id.unwrap();
    let sup_x = w.supervisor(x, "zhibu-x").await;
    let sup_y = w.supervisor(y, "zhibu-y").await;
    let shequ = w.supervisor(community, "shequ").await;
    let property = w.user(x, "jiayuan", Role::Property).await;

    // Phone A records the meeting with no network; it reaches the server with the next sync.
    let new = new_meeting();
    let (company_d, owners_d, steward_d) = (new.decisions[0].id, new.decisions[1].id, new.decisions[2].id);
    let id = phone_a.with(|st| st.record_meeting(&new)).unwrap();
    assert_eq!(phone_a.with(|st| st.meetings()).unwrap().len(), 1);
    phone_a.sync().await;
    let stored = server_meeting(&w, id);
    assert_eq!(
        (stored.convener_id, stored.compound_id),
        (steward.id, x),
        "the convener and compound are the phone's own"
    );
    phone_b.sync().await;
    phone_y.sync().await;
    assert!(phone_y.with(|st| st.has_doc(id)).unwrap() == false, "another compound's steward never receives it");

    // Apart: phone A adds an attendee; phone B marks the steward's decision done; the property
    // company marks its own decision done in the console.
    let mut basics = MeetingBasics {
        held_at: stored.held_at,
        place: stored.place.clone(),
        topics: stored.topics.clone(),
        attendees: stored.attendees.clone(),
    };
    basics.attendees.push(Attendee { id: Uuid::new_v4(), party: MeetingParty::Branch, name: "赵支书".into() });
    phone_a.with(|st| st.edit_meeting(id, &basics)).unwrap();
    phone_b.with(|st| st.follow_up_decision(id, steward_d, "楼道已清空", Some(DecisionStatus::Done))).unwrap();
    let path = format!("/v1/meetings/{id}/decisions/{company_d}/follow-ups");
    let (s, v) = property.post(&path, json!({"text": "充电棚已建成投用", "status": "done"})).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["attendees"].as_array().unwrap().is_empty(), "a property company sees no attendees");
    assert_eq!(v["decisions"].as_array().unwrap().len(), 1, "only its own decision: {v}");

    for _ in 0..2 {
        phone_a.sync().await;
        phone_b.sync().await;
    }
    let (a, b, server) = (phone_meeting(&phone_a, id), phone_meeting(&phone_b, id), server_meeting(&w, id));
    assert_eq!(a, server);
    assert_eq!(b, server);
    assert_eq!(server.attendees.len(), 4);
    let status = |m: &MeetingRecord, d: Uuid| m.decisions.iter().find(|x| x.id == d).unwrap().status;
    assert_eq!(
        [status(&server, company_d), status(&server, owners_d), status(&server, steward_d)],
        [DecisionStatus::Done, DecisionStatus::Open, DecisionStatus::Done]
    );
    let roles: Vec<PartyRole> = server.follow_ups.iter().map(|f| f.role).collect();
    assert_eq!(roles.len(), 2);
    assert_eq!(roles.iter().filter(|r| **r == PartyRole::PropertyCompany).count(), 1);
    assert_eq!(phone_a.with(|st| st.meetings()).unwrap()[0].open, 1);

    // The quarter's meetings: the compound supervisor sees its compound; the community both, the
    // one without a meeting flagged.
    let quarter = Quarter::of(w.admin.zone().month_of(now_millis())).to_string();
    let (s, v) = sup_x.get(&format!("/v1/reports/meetings?quarter={quarter}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["compounds"].as_array().unwrap().len(), 1);
    assert_eq!(v["meetings"][0]["id"], id.to_string());
    assert_eq!((v["meetings"][0]["done"].as_u64(), v["meetings"][0]["open"].as_u64()), (Some(2), Some(1)));
    assert_eq!(v["meetings"][0]["convener"], "李秀英");
    let (_, v) = shequ.get(&format!("/v1/reports/meetings?quarter={quarter}")).await;
    let mut flags: Vec<(String, bool, u64)> = v["compounds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["compound"].as_str().unwrap().to_string(),
                c["no_meeting"].as_bool().unwrap(),
                c["meetings"].as_u64().unwrap(),
            )
        })
        .collect();
    flags.sort();
    let mut want = vec![("蜀汉美郡".to_string(), false, 1), ("汉韵花园".to_string(), true, 0)];
    want.sort();
    assert_eq!(flags, want);
    // Another quarter holds none.
    let (_, v) = sup_x.get("/v1/reports/meetings?quarter=2021-Q2").await;
    assert_eq!((v["meetings"].as_array().unwrap().len(), v["compounds"][0]["no_meeting"].as_bool()), (0, Some(true)));

    // Decisions by party: each counted once, in one column.
    let (_, v) = shequ.get("/v1/reports/decisions").await;
    assert_eq!(v["total"].as_u64(), Some(3));
    let count = |v: &Value, party: &str| {
        let c = v["counts"].as_array().unwrap().iter().find(|c| c["party"] == party).unwrap().clone();
        (c["open"].as_u64().unwrap(), c["done"].as_u64().unwrap(), c["late"].as_u64().unwrap())
    };
    assert_eq!(count(&v, "property_company"), (0, 1, 0), "done, though its deadline passed");
    assert_eq!(count(&v, "owners_committee"), (1, 0, 0));
    assert_eq!(count(&v, "steward"), (0, 1, 0));
    let (_, v) = shequ.get("/v1/reports/decisions?status=open").await;
    assert_eq!(v["decisions"].as_array().unwrap().len(), 1);
    assert_eq!(v["decisions"][0]["id"], owners_d.to_string());

    // The property company: its own decision only, whatever it asks for; no meeting list.
    let (_, v) = property.get("/v1/reports/decisions").await;
    assert_eq!(v["total"].as_u64(), Some(1));
    assert_eq!(v["decisions"][0]["id"], company_d.to_string());
    assert_eq!(v["decisions"][0]["last_follow_up"], "充电棚已建成投用");
    let (_, v) = property.get("/v1/reports/decisions?party=owners_committee").await;
    assert_eq!(v["total"].as_u64(), Some(0));
    let (s, _) = property.get(&format!("/v1/reports/meetings?quarter={quarter}")).await;
    assert_eq!(s, 403);
    let before = server_meeting(&w, id);
    let (s, v) =
        property.post(&format!("/v1/meetings/{id}/decisions/{owners_d}/follow-ups"), json!({"text": "已办"})).await;
    assert_eq!((s, v["code"].as_str()), (404, Some("not_found")), "{v}");
    let (s, v) = property.post(&path, json!({"text": "再看看", "status": "open"})).await;
    assert_eq!((s, v["code"].as_str()), (422, Some("invalid_document")), "a company does not reopen: {v}");
    assert_eq!(server_meeting(&w, id), before, "refusals change nothing");

    // Another compound's supervisor: not found, read or write.
    let (s, _) = sup_y.get(&format!("/v1/meetings/{id}")).await;
    assert_eq!(s, 404);
    let (s, _) = sup_y.post(&path, json!({"text": "看看"})).await;
    assert_eq!(s, 404);
    assert_eq!(server_meeting(&w, id), before);

    // Bad input names its field and changes nothing.
    for (query, field) in [("quarter=2026-Q5", "quarter"), ("party=tenants", "party"), ("status=finished", "status")] {
        let (s, v) = shequ.get(&format!("/v1/reports/decisions?{query}")).await;
        assert_eq!((s, v["field"].as_str()), (400, Some(field)), "{query}: {v}");
    }
    let (s, v) = sup_x.post(&path, json!({"text": "x", "status": "finished"})).await;
    assert_eq!(s, 400, "{v}");
    let (s, _) = sup_x.post(&path, json!({"text": "  "})).await;
    assert_eq!(s, 422, "a follow-up needs its text");
    let (s, _) = sup_x.post(&format!("/v1/meetings/{id}/decisions/not-a-uuid/follow-ups"), json!({"text": "x"})).await;
    assert_eq!(s, 400);
    assert_eq!(server_meeting(&w, id), before);

    // A supervisor reopens with a reason; the phones see it at their next sync.
    let (s, _) = sup_x.post(&path, json!({"text": "充电棚漏雨，需返修", "status": "open"})).await;
    assert_eq!(s, 200);
    phone_a.sync().await;
    assert_eq!(status(&phone_meeting(&phone_a, id), company_d), DecisionStatus::Open);
    let (_, v) = shequ.get("/v1/reports/decisions?status=late").await;
    assert_eq!(v["decisions"].as_array().unwrap().len(), 1, "open again and past its deadline: late");

    // The export holds what the JSON holds, in the program's words.
    let r = reqwest::Client::new()
        .get(format!("{}/v1/reports/decisions?format=xlsx", shequ.url))
        .bearer_auth(&shequ.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let name = book.sheet_names()[0].clone();
    let sheet = book.worksheet_range(&name).unwrap();
    let statuses: Vec<String> = sheet.rows().skip(1).map(|r| r[6].to_string()).collect();
    let mut sorted = statuses.clone();
    sorted.sort();
    assert_eq!(sorted, vec!["已落实".to_string(), "落实中".to_string(), "逾期".to_string()], "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_cannot_rewrite_what_a_meeting_agreed_or_follow_up_in_the_property_companys_name() {
    let w = World::start().await;
    let x = w.compound("蜀汉美郡");
    let steward = w.steward(x, "李秀英");
    let phone = w.device(steward.id).await;
    let new = new_meeting();
    let company_d = new.decisions[0].id;
    let id = phone.with(|st| st.record_meeting(&new)).unwrap();
    phone.sync().await;

    w.assert_forged_refused(steward.id, id, "steward's role", |d| {
        doc::follow_up_decision(
            d,
            Uuid::new_v4(),
            company_d,
            "物业已完成",
            Some(DecisionStatus::Done),
            Uuid::new_v4(),
            PartyRole::PropertyCompany,
            now_millis(),
        )
    })
    .await;
    w.assert_forged_refused(steward.id, id, "signed", |d| {
        doc::follow_up_decision(
            d,
            Uuid::new_v4(),
            company_d,
            "已督促",
            None,
            Uuid::new_v4(),
            PartyRole::Steward,
            now_millis(),
        )
    })
    .await;
    // The decision's party changed after the meeting: what was agreed may not be changed.
    w.assert_forged_refused(steward.id, id, "may not be changed", |d| {
        let decisions = match d.get(ROOT, "decisions")? {
            Some((_, o)) => o,
            None => unreachable!(),
        };
        let (_, e) = d.get(&decisions, company_d.to_string())?.unwrap();
        let mut tx = d.transaction();
        tx.put(&e, "party", "owners_committee")?;
        tx.commit();
        Ok(())
    })
    .await;
    // Marked done with no follow-up that moves it.
    w.assert_forged_refused(steward.id, id, "only with the follow-up", |d| {
        let (_, decisions) = d.get(ROOT, "decisions")?.unwrap();
        let (_, e) = d.get(&decisions, company_d.to_string())?.unwrap();
        let mut tx = d.transaction();
        tx.put(&e, "status", "done")?;
        tx.commit();
        Ok(())
    })
    .await;
    // A key no meeting has.
    w.assert_forged_refused(steward.id, id, "no field", |d| {
        let mut tx = d.transaction();
        tx.put(ROOT, "budget", "1000000")?;
        tx.commit();
        Ok(())
    })
    .await;
    assert!(server_meeting(&w, id).follow_ups.is_empty());
}
