//! Volunteer and culture teams (志愿服务队、文化宣传队) end to end at the server: a team set up on a
//! phone, members and activities added on two phones offline and from the console, each kept
//! once; the teams report and the district's figures count them; bad input and other places
//! refused; a phone may only add, in the steward's name.

use automerge::transaction::Transactable;
use steward_core::doc::{self, Member, NewActivity, Projection, TeamRecord};
use steward_core::model::{ActivityKind, MemberRole, PartyRole, TeamKind};
use steward_core::time::now_millis;
use steward_sync_server::storage::Role;
use steward_tests::World;
use uuid::Uuid;

fn activity(title: &str, participants: u32) -> NewActivity {
    NewActivity {
        id: Uuid::new_v4(),
        kind: ActivityKind::PolicyTalk,
        title: title.into(),
        held_at: now_millis(),
        place: "党群服务站".into(),
        participants,
        names: vec![],
    }
}

fn stored_team(w: &World, id: Uuid) -> TeamRecord {
    let d = w.admin.storage().load_doc(id).unwrap().expect("stored").doc;
    let Projection::Team(t) = doc::project(&d).unwrap() else { panic!("a team") };
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_is_kept_by_two_phones_and_the_console_and_counted_in_the_reports() {
    let w = World::start().await;
    let (x, y) = (w.compound("蜀汉美郡"), w.compound("汉韵花园"));
    let s1 = w.steward(x, "李秀英");
    let s3 = w.steward(y, "陈淑华");
    let sup = w.supervisor(w.community(), "shequ").await;
    let sup_y = w.supervisor(y, "hanyun").await;
    let property = w.user(x, "wuye", Role::Property).await;

    // Set up on one phone; both phones of the steward then add apart, offline.
    let (a, b) = (w.device(s1.id).await, w.device(s1.id).await);
    let team = a.with(|st| st.create_team("红色志愿服务队", TeamKind::Volunteer)).unwrap();
    a.sync().await;
    b.sync().await;
    assert_eq!(b.with(|st| st.teams()).unwrap().len(), 1, "the team reached the other phone");
    a.with(|st| st.add_team_member(team, "张大妈", MemberRole::Resident)).unwrap();
    b.with(|st| st.record_team_activity(team, &activity("防电诈宣讲", 30))).unwrap();
    // And from the console meanwhile.
    let (status, t) =
        sup.post(&format!("/v1/teams/{team}/members"), serde_json::json!({"name": "王建国", "role": "steward"})).await;
    assert_eq!(status, 200, "{t}");
    let body = serde_json::json!({"kind": "clean_up", "title": "楼道清理", "held_at": now_millis(), "place": "5栋", "participants": 12, "names": ["张大妈"]});
    let (status, t) = sup.post(&format!("/v1/teams/{team}/activities"), body).await;
    assert_eq!(status, 200, "{t}");
    a.sync().await;
    b.sync().await;
    b.sync().await; // a duplicated round stores nothing twice
    a.sync().await;
    let t = stored_team(&w, team);
    let mut members: Vec<&str> = t.members.iter().map(|m| m.name.as_str()).collect();
    members.sort();
    assert_eq!(members, ["张大妈", "王建国"]);
    assert_eq!(t.activities.len(), 2);
    assert_eq!(t.activities.iter().filter(|a| a.role == PartyRole::Supervisor && a.participants == 12).count(), 1);
    assert_eq!(a.with(|st| st.team(team)).unwrap(), t, "the phone has what the server has");
    let line = &a.with(|st| st.teams()).unwrap()[0];
    assert_eq!((line.members, line.activities), (2, 2));

    // The report and the figures.
    let month = w.admin.zone().month_of(now_millis());
    let (status, r) = sup.get(&format!("/v1/reports/teams?from={month}&to={month}")).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["teams"].as_array().unwrap().len(), 1, "{r}");
    let row = &r["teams"][0];
    assert_eq!(
        (
            row["members"].as_u64(),
            row["resident_members"].as_u64(),
            row["activities"].as_u64(),
            row["participants"].as_u64()
        ),
        (Some(2), Some(1), Some(2), Some(42))
    );
    assert_eq!((r["total"].as_u64(), r["activities"].as_array().unwrap().len()), (Some(2), 2));
    assert_eq!(row["steward"], "李秀英");
    let (_, ry) = sup_y.get(&format!("/v1/reports/teams?from={month}&to={month}")).await;
    assert_eq!(ry["teams"].as_array().unwrap().len(), 0, "another compound's supervisor sees no team of this one");
    assert_eq!(property.get("/v1/reports/teams").await.0, 403);
    let (_, f) = sup.get(&format!("/v1/reports/figures?from={month}&to={month}")).await;
    let teams = f["figures"].as_array().unwrap().iter().find(|x| x["key"] == "teams").expect("the teams figure");
    let part =
        |k: &str| teams["breakdown"].as_array().unwrap().iter().find(|p| p["key"] == k).unwrap()["value"].as_u64();
    assert_eq!(
        (teams["value"].as_u64(), part("volunteer"), part("activities"), part("participants")),
        (Some(1), Some(1), Some(2), Some(42))
    );
    let (status, csv) = sup.get_text(&format!("/v1/reports/teams?from={month}&to={month}&format=csv")).await;
    assert_eq!((status, csv.lines().count()), (200, 3), "{csv}");

    // From the console: a team for a steward of the caller's place only; bad input named.
    let before = w.stored();
    let (status, e) = sup_y
        .post("/v1/teams", serde_json::json!({"steward_id": s1.id, "name": "文化宣传队", "kind": "culture"}))
        .await;
    assert_eq!(status, 404, "{e}");
    let (status, e) =
        sup.post("/v1/teams", serde_json::json!({"steward_id": s1.id, "name": " ", "kind": "culture"})).await;
    assert_eq!((status, e["field"].as_str()), (400, Some("name")), "{e}");
    let (status, e) =
        sup.post("/v1/teams", serde_json::json!({"steward_id": s1.id, "name": "队", "kind": "choir"})).await;
    assert_eq!(status, 400, "{e}");
    let (status, e) = sup
        .post(
            &format!("/v1/teams/{team}/activities"),
            serde_json::json!({"kind": "other", "title": "", "held_at": now_millis(), "place": "x", "participants": 1}),
        )
        .await;
    assert_eq!(status, 400, "{e}");
    assert!(e["message"].as_str().unwrap().contains("title"), "{e}");
    assert_eq!(
        sup_y.post(&format!("/v1/teams/{team}/members"), serde_json::json!({"name": "某", "role": "resident"})).await.0,
        404
    );
    assert_eq!(
        property.post("/v1/teams", serde_json::json!({"steward_id": s1.id, "name": "队", "kind": "culture"})).await.0,
        403
    );
    assert_eq!(w.stored(), before, "nothing refused was stored");
    let (status, t3) = sup
        .post("/v1/teams", serde_json::json!({"steward_id": s3.id, "name": "汉韵文化宣传队", "kind": "culture"}))
        .await;
    assert_eq!(status, 201, "{t3}");
    let phone3 = w.device(s3.id).await;
    phone3.sync().await;
    assert_eq!(phone3.with(|st| st.teams()).unwrap()[0].name, "汉韵文化宣传队", "the team reaches its leader's phone");

    // Forged pushes: a phone only adds, in the steward's name.
    let (first, recorded) = (t.members[0].id, t.activities.iter().find(|a| a.role == PartyRole::Steward).unwrap().id);
    w.assert_forged_refused(s1.id, team, "may not be changed", move |d| {
        let (_, acts) = automerge::ReadDoc::get(d, automerge::ROOT, "activities")?.unwrap();
        let (_, e) = automerge::ReadDoc::get(d, &acts, recorded.to_string())?.unwrap();
        let mut tx = d.transaction();
        tx.put(&e, "participants", 300u64)?;
        tx.commit();
        Ok(())
    })
    .await;
    w.assert_forged_refused(s1.id, team, "may not be removed", move |d| {
        let (_, members) = automerge::ReadDoc::get(d, automerge::ROOT, "members")?.unwrap();
        let mut tx = d.transaction();
        tx.delete(&members, first.to_string())?;
        tx.commit();
        Ok(())
    })
    .await;
    w.assert_forged_refused(s1.id, team, "signed by the steward", |d| {
        doc::record_activity(d, &activity("冒名活动", 5), Uuid::new_v4(), PartyRole::Steward, now_millis())
    })
    .await;
    w.assert_forged_refused(s1.id, team, "steward's role", move |d| {
        doc::record_activity(d, &activity("冒充社区", 5), s1.id, PartyRole::Supervisor, now_millis())
    })
    .await;
    let m = Member { id: Uuid::new_v4(), name: " ".into(), role: MemberRole::Resident, joined_at: now_millis() };
    w.assert_forged_refused(s1.id, team, "needs a name", move |d| {
        let (_, members) = automerge::ReadDoc::get(d, automerge::ROOT, "members")?.unwrap();
        let mut tx = d.transaction();
        let e = tx.put_object(&members, m.id.to_string(), automerge::ObjType::Map)?;
        let name = tx.put_object(&e, "name", automerge::ObjType::Text)?;
        tx.splice_text(&name, 0, 0, " ")?;
        tx.put(&e, "role", "resident")?;
        tx.put(&e, "joined_at", automerge::ScalarValue::Timestamp(m.joined_at))?;
        tx.commit();
        Ok(())
    })
    .await;
}
