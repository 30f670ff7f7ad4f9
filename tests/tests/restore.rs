//! A server restored from a backup: supervisors' edits of every kind go on, and what only the
//! phones still hold — their own work and the supervisors' edits made after the backup — comes
//! back whole, each record once.

use reqwest::Method;
use serde_json::json;
use steward_core::doc::{self, NewIssue, Projection};
use steward_core::model::*;
use steward_core::time::now_millis;
use steward_tests::{visit, World};
use uuid::Uuid;

/// A document as the server stores it, read afresh (the world's admin handle still holds the
/// database file that the restore replaced).
fn project(w: &World, id: Uuid) -> Projection {
    let s = steward_sync_server::open_service(&w.config).unwrap();
    let d = s.storage().load_doc(id).unwrap().unwrap().doc;
    doc::project(&d).unwrap()
}

fn count<T>(items: &[T], f: impl Fn(&T) -> bool) -> usize {
    items.iter().filter(|x| f(x)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restore_supervisor_edits_of_every_kind_go_on_and_what_only_phones_held_comes_back_once() {
    let mut w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let h2 = w.household(c, Some(s.id), 2);
    let sup = w.supervisor(c, "shuhan-zhibu").await;
    let d = w.device(s.id).await;
    d.sync().await;
    let issue = NewIssue {
        id: Uuid::new_v4(),
        compound_id: c,
        reporter_id: s.id,
        reported_at: now_millis(),
        category: IssueCategory::EbikeParking,
        place: "2栋楼下".into(),
        description: "电瓶车堵住消防通道".into(),
        route: IssueRoute::PropertyDuty,
    };
    let i = d.with(|st| st.report_issue(&issue)).unwrap();
    d.sync().await;
    let month = d.with(|st| st.month_of(now_millis()));

    // The backup, with the server's own tool.
    let backup = w.dir.path().join("backup.sqlite3");
    w.admin.storage().backup(&backup).unwrap();
    assert!(w.admin.storage().backup(&backup).is_err(), "an existing file is not overwritten");

    // After the backup: the server edits every kind of document, the phone records a visit,
    // and the phone syncs, so it alone will hold these once the backup is restored.
    let ok = |(code, body): (u16, serde_json::Value)| assert_eq!(code, 200, "{body}");
    ok(sup.post(&format!("/v1/issues/{i}/comments"), json!({"text": "备份后：已转物业"})).await);
    ok(sup.post(&format!("/v1/households/{h}/must-visits"), json!({"trigger": "hardship", "note": "备份后"})).await);
    ok(sup.send(Method::PUT, &format!("/v1/compounds/{c}/deadlines"), json!({"urgent_help": 120})).await);
    ok(sup.send(Method::PUT, &format!("/v1/plans/{}/{month}", s.id), json!({"households": [h]})).await);
    let before_restore = visit(s.id, now_millis() - 60_000);
    d.with(|st| st.record_visit(h, &before_restore)).unwrap();
    d.sync().await;
    d.sync().await;

    // The restore: stop, put the copy in place, start (a new process would do the same).
    w.stop().await;
    let db = w.config.data_dir.join("steward.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    std::fs::copy(&backup, &db).unwrap();
    w.restart().await;

    // After the restore: the server edits every kind again. Were its actor the one of before,
    // these would reuse (actor, seq) pairs the phone holds with other content.
    ok(sup.post(&format!("/v1/issues/{i}/comments"), json!({"text": "恢复后：物业已到场"})).await);
    ok(sup
        .post(&format!("/v1/households/{h}/must-visits"), json!({"trigger": "illness_or_death", "note": "恢复后"}))
        .await);
    ok(sup.send(Method::PUT, &format!("/v1/compounds/{c}/deadlines"), json!({"dispute": 90})).await);
    ok(sup.send(Method::PUT, &format!("/v1/plans/{}/{month}", s.id), json!({"households": [h2]})).await);
    let after_restore = visit(s.id, now_millis());
    d.with(|st| st.record_visit(h, &after_restore)).unwrap();

    for _ in 0..4 {
        d.sync().await;
    }
    let status = d.with(|st| st.sync_status()).unwrap();
    assert_eq!(status.pending_changes, 0, "every edit acknowledged");
    assert!(status.rejected.is_empty(), "nothing set aside: {:?}", status.rejected);

    // The server has everything, each once.
    let Projection::Issue(si) = project(&w, i) else { panic!() };
    for text in ["备份后：已转物业", "恢复后：物业已到场"] {
        assert_eq!(count(&si.timeline, |e| e.text == text), 1, "{text}");
    }
    let Projection::Household(sh) = project(&w, h) else { panic!() };
    for note in ["备份后", "恢复后"] {
        assert_eq!(count(&sh.must_visits, |m| m.note == note), 1, "{note}");
    }
    for v in [&before_restore, &after_restore] {
        assert_eq!(count(&sh.visits, |x| x.id == v.id), 1);
    }
    let Projection::Compound(sc) = project(&w, c) else { panic!() };
    assert_eq!(sc.deadlines.minutes.get(&TimelyKind::UrgentHelp), Some(&120));
    assert_eq!(sc.deadlines.minutes.get(&TimelyKind::Dispute), Some(&90));
    let Projection::Plan(sp) = project(&w, doc::plan_doc_id(s.id, month)) else { panic!() };
    assert_eq!(sp.households.iter().filter(|x| **x == h2).count(), 1);

    // And the phone has the server's edits made after the restore.
    let Projection::Issue(pi) = d.with(|st| st.project(i)).unwrap() else { panic!() };
    assert_eq!(count(&pi.timeline, |e| e.text == "恢复后：物业已到场"), 1);
    let Projection::Household(ph) = d.with(|st| st.project(h)).unwrap() else { panic!() };
    assert_eq!(count(&ph.must_visits, |m| m.note == "恢复后"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_writing_under_the_servers_own_actor_id_is_still_judged_as_the_phone() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let sup = w.supervisor(c, "shuhan-zhibu").await;
    let d = w.device(s.id).await;
    d.sync().await;
    let issue = NewIssue {
        id: Uuid::new_v4(),
        compound_id: c,
        reporter_id: s.id,
        reported_at: now_millis(),
        category: IssueCategory::Other,
        place: "1栋".into(),
        description: "楼道堆物".into(),
        route: IssueRoute::PropertyDuty,
    };
    let i = d.with(|st| st.report_issue(&issue)).unwrap();
    d.sync().await;
    // A supervisor's comment reaches the phone, and with it the server's actor id.
    let (code, _) = sup.post(&format!("/v1/issues/{i}/comments"), json!({"text": "已转物业"})).await;
    assert_eq!(code, 200);
    d.sync().await;
    // The phone writes its next change under that very actor: an entry in the property
    // company's name. The actor is the server's; the change is not (its hash was never recorded).
    d.with(|st| {
        st.edit(i, "forged", |doc| {
            use automerge::transaction::Transactable;
            use automerge::{ReadDoc, ROOT};
            let server_actor = doc
                .get_changes(&[])
                .into_iter()
                .map(|ch| ch.actor_id().clone())
                .find(|a| {
                    a != doc.get_actor()
                        && doc
                            .get_changes(&[])
                            .iter()
                            .any(|x| x.actor_id() == a && x.message().is_some_and(|m| m.contains("comment")))
                })
                .expect("the server's actor");
            let mut forged = doc.fork().with_actor(server_actor);
            let mut tx = forged.transaction();
            let Some((_, tl)) = tx.get(ROOT, "timeline")? else { panic!() };
            let e = tx.put_object(&tl, Uuid::new_v4().to_string(), automerge::ObjType::Map)?;
            tx.put(&e, "at", automerge::ScalarValue::Timestamp(now_millis()))?;
            tx.put(&e, "by", Uuid::new_v4().to_string())?;
            tx.put(&e, "role", "property_company")?;
            tx.put(&e, "text", "已处理")?;
            tx.commit();
            doc.merge(&mut forged)?;
            Ok(())
        })
    })
    .unwrap();
    let seq = w.stored();
    let _ = d.client.sync(&d.store).await;
    let status = d.with(|st| st.sync_status()).unwrap();
    assert_eq!(status.rejected.iter().filter(|(id, _)| *id == i).count(), 1, "set aside: {:?}", status.rejected);
    assert_eq!(w.stored(), seq, "nothing stored");
    let Projection::Issue(si) = project(&w, i) else { panic!() };
    assert_eq!(count(&si.timeline, |e| e.role == PartyRole::PropertyCompany), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_own_changes_handed_back_under_another_documents_id_are_refused() {
    let w = World::start().await;
    let c = w.compound("蜀汉美郡");
    let s = w.steward(c, "李秀英");
    let h = w.household(c, Some(s.id), 1);
    let d = w.device(s.id).await;
    d.sync().await;
    // The household's creation is the server's own change (journaled); pushed under a new id it
    // would be stored under the header it carries — another document's.
    let stored = w.admin.storage().load_doc(h).unwrap().unwrap().doc;
    let data = stored.get_changes(&[]).iter().map(|ch| serde_bytes::ByteBuf::from(ch.raw_bytes().to_vec())).collect();
    let req = steward_core::protocol::SyncRequest {
        v: 1,
        push: vec![steward_core::protocol::DocPush { id: Uuid::new_v4(), base: vec![], data }],
        ..Default::default()
    };
    let token = d.with(|st| st.identity()).unwrap().unwrap().device_token;
    let seq = w.stored();
    let resp = reqwest::Client::new()
        .post(format!("{}/v1/sync", w.url))
        .bearer_auth(token)
        .body(steward_core::protocol::encode(&req))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("belong to document"), "{text}");
    assert_eq!(w.stored(), seq, "nothing stored");
}
