//! The device store on its own: durability across reopen, refusals that change nothing.

use steward_client::{Store, StoreError};
use steward_core::doc::{self, NewHousehold, NewVisit, Projection};
use steward_core::model::{HouseholdProfile, VisitMethod};
use uuid::Uuid;

fn household(store: &mut Store) -> Uuid {
    let h = NewHousehold {
        id: Uuid::new_v4(),
        compound_id: Uuid::new_v4(),
        steward_id: Some(Uuid::new_v4()),
        profile: HouseholdProfile { head_name: "张桂兰".into(), member_count: 2, ..Default::default() },
    };
    let d = doc::create_household(store.actor().clone(), &h, 0).unwrap();
    store.insert_new_doc(d, "create_household").unwrap()
}

fn visit(summary: &str) -> NewVisit {
    NewVisit {
        id: Uuid::new_v4(),
        at: 1_795_000_000_000,
        method: VisitMethod::DoorVisit,
        summary: summary.into(),
        opinions: vec![],
        hardships: String::new(),
        answers: vec![],
        follow_up: false,
        by: Uuid::new_v4(),
    }
}

#[test]
fn edits_survive_closing_and_reopening_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite3");
    let (h, v) = {
        let mut s = Store::open(&path).unwrap();
        let h = household(&mut s);
        let v = visit("老人身体不错");
        s.record_visit(h, &v).unwrap();
        (h, v)
    };
    let mut s = Store::open(&path).unwrap();
    let Projection::Household(rec) = s.project(h).unwrap() else { panic!() };
    assert_eq!(rec.visits[0].id, v.id);
    assert_eq!(s.pending_count().unwrap(), 2);
    assert_eq!(s.row_counts().unwrap()[..2], [1, 1]);
}

#[test]
fn a_refused_edit_changes_nothing_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("d.sqlite3")).unwrap();
    let h = household(&mut s);
    let err = s.record_visit(h, &visit("   ")).unwrap_err();
    assert!(err.to_string().contains("summary"), "{err}");
    let mut answering_nothing = visit("走访");
    answering_nothing.answers = vec![Uuid::new_v4()];
    assert!(s.record_visit(h, &answering_nothing).is_err());
    assert_eq!(s.pending_count().unwrap(), 1, "only the household's creation waits");
    let Projection::Household(rec) = s.project(h).unwrap() else { panic!() };
    assert!(rec.visits.is_empty());
    assert!(matches!(s.record_visit(Uuid::new_v4(), &visit("x")), Err(StoreError::NotFound(_))));
}

#[test]
fn signing_out_with_unsynced_changes_is_refused_unless_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("d.sqlite3")).unwrap();
    household(&mut s);
    assert!(matches!(s.sign_out(false), Err(StoreError::UnsyncedChanges(1))));
    assert_eq!(s.doc_ids().unwrap().len(), 1);
    s.sign_out(true).unwrap();
    assert!(s.doc_ids().unwrap().is_empty());
}

#[test]
fn the_store_compacts_a_busy_document_without_losing_edits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite3");
    let mut s = Store::open(&path).unwrap();
    let h = household(&mut s);
    for i in 0..150 {
        s.record_visit(h, &visit(&format!("第{i}次走访"))).unwrap();
    }
    drop(s);
    // Compaction happened: the document's changes folded into its snapshot, fewer than the
    // threshold (64) left over, out of 151 written.
    let db = rusqlite::Connection::open(&path).unwrap();
    let left: i64 =
        db.query_row("SELECT COUNT(*) FROM doc_changes WHERE doc_id = ?1", [h.to_string()], |r| r.get(0)).unwrap();
    assert!(left < 64, "{left} changes left uncompacted");
    let snapshot: Vec<u8> =
        db.query_row("SELECT snapshot FROM docs WHERE id = ?1", [h.to_string()], |r| r.get(0)).unwrap();
    let Projection::Household(in_snapshot) = doc::project(&automerge::Automerge::load(&snapshot).unwrap()).unwrap()
    else {
        panic!()
    };
    assert_eq!(in_snapshot.visits.len() as i64, 150 - left, "the snapshot holds the merged visits");
    let mut s = Store::open(&path).unwrap();
    let Projection::Household(rec) = s.project(h).unwrap() else { panic!() };
    assert_eq!(rec.visits.len(), 150);
}

#[test]
fn a_pulled_record_this_app_cannot_read_is_kept_and_set_aside_without_failing_the_sync() {
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ReadDoc, ROOT};
    use steward_core::protocol::{DocPull, SyncResponse};

    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("d.sqlite3")).unwrap();
    // A household written by a newer app: a visit with a method this version does not know.
    let h = NewHousehold {
        id: Uuid::new_v4(),
        compound_id: Uuid::new_v4(),
        steward_id: Some(Uuid::new_v4()),
        profile: HouseholdProfile { head_name: "张桂兰".into(), member_count: 2, ..Default::default() },
    };
    let mut newer = doc::create_household(automerge::ActorId::random(), &h, 0).unwrap();
    let mut tx = newer.transaction();
    let visits = tx.get(ROOT, "visits").unwrap().unwrap().1;
    let v = tx.put_object(&visits, Uuid::new_v4().to_string(), ObjType::Map).unwrap();
    tx.put(&v, "method", "video_call").unwrap();
    tx.put(&v, "summary", "视频回访").unwrap();
    tx.commit();
    let resp = SyncResponse {
        v: 1,
        cursor: "7.0011223344556677".into(),
        pull: vec![DocPull { id: h.id, data: vec![serde_bytes::ByteBuf::from(newer.save())] }],
        ..Default::default()
    };
    s.apply_sync_response(&Default::default(), &resp).expect("the sync goes on");
    assert_eq!(s.cursor().unwrap().as_deref(), Some("7.0011223344556677"));
    assert!(s.has_doc(h.id).unwrap(), "the record is kept");
    let status = s.sync_status().unwrap();
    assert_eq!(status.rejected.len(), 1);
    assert!(status.rejected[0].1.contains("update the app"), "{status:?}");
}

#[test]
fn a_visit_and_what_it_raised_are_one_change_kept_whole_or_not_at_all() {
    use steward_core::doc::{NewMustVisit, NewTimely};
    use steward_core::model::{MustVisitTrigger, TimelyKind};
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("d.sqlite3")).unwrap();
    let h = household(&mut s);
    let before = s.pending_count().unwrap();
    let v = visit("老人摔伤住院");
    let m = NewMustVisit {
        id: Uuid::new_v4(),
        trigger: MustVisitTrigger::IllnessOrDeath,
        date: v.at,
        note: String::new(),
        raised_by: v.by,
    };
    let t = NewTimely {
        id: Uuid::new_v4(),
        kind: TimelyKind::UrgentHelp,
        raised_at: v.at,
        note: String::new(),
        raised_by: v.by,
    };
    s.record_visit_with(h, &v, Some(&m), Some(&t)).unwrap();
    assert_eq!(s.pending_count().unwrap(), before + 1);
    assert_eq!(s.row_counts().unwrap()[1..4], [1, 1, 1]);

    // A bad later part refuses the whole: the visit (already applied in memory when the
    // must-visit, a repeat, is refused) is not kept, in memory or on disk.
    let second = visit("第二次走访");
    let err = s.record_visit_with(h, &second, Some(&m), None).unwrap_err();
    assert!(err.to_string().contains("already raised"), "{err}");
    assert_eq!(s.row_counts().unwrap()[1..4], [1, 1, 1]);
    assert_eq!(s.pending_count().unwrap(), before + 1);
    let Projection::Household(rec) = s.project(h).unwrap() else { panic!() };
    assert_eq!(rec.visits.len(), 1, "the refused visit is not in the document either");

    // The next edit builds on what is on disk, and survives reopening.
    s.record_visit(h, &visit("第三次走访")).unwrap();
    let month = s.month_of(v.at);
    let counts = s.must_visit_counts(month).unwrap();
    assert_eq!((counts.answered_this_month, counts.open), (0, 1));
    drop(s);
    let mut s = Store::open(dir.path().join("d.sqlite3")).unwrap();
    let Projection::Household(rec) = s.project(h).unwrap() else { panic!() };
    assert_eq!(rec.visits.len(), 2);
    assert_eq!(s.row_counts().unwrap()[1], 2);
}

#[test]
fn drafts_survive_reopening_refuse_non_json_and_are_cleared_on_sign_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite3");
    {
        let mut s = Store::open(&path).unwrap();
        s.save_draft("visit:1", r#"{"summary":"老人身体"}"#).unwrap();
        s.set_ui_prefs(r#"{"locale":"zh-CN","textScale":1.3}"#).unwrap();
        let err = s.save_draft("visit:1", "{half").unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    }
    let mut s = Store::open(&path).unwrap();
    assert_eq!(s.draft("visit:1").unwrap().as_deref(), Some(r#"{"summary":"老人身体"}"#));
    s.sign_out(true).unwrap();
    assert_eq!(s.draft("visit:1").unwrap(), None);
    assert!(s.ui_prefs().unwrap().unwrap().contains("zh-CN"), "display preferences are kept");
}

fn identity(device: Uuid) -> steward_client::Identity {
    steward_client::Identity {
        server_url: "http://127.0.0.1:1".into(),
        device_token: "secret".into(),
        device_id: device,
        steward_id: Uuid::new_v4(),
        steward_name: "李秀英".into(),
        compound_id: Uuid::new_v4(),
        compound_name: "蜀汉美郡".into(),
    }
}

#[test]
fn an_answer_arriving_after_sign_out_writes_nothing_a_new_enrolment_starts_afresh_and_none_overwrites_another() {
    use steward_core::protocol::{SyncResponse, PROTOCOL_VERSION};
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("d.sqlite3")).unwrap();
    s.set_identity(&identity(Uuid::new_v4())).unwrap();
    let (_, prepared) = s.prepare_sync().unwrap();
    let answer = SyncResponse {
        v: PROTOCOL_VERSION,
        cursor: "42.00000000".into(),
        need_sync: vec![],
        pull: vec![],
        sync: vec![],
        revoked: vec![],
        resync: false,
    };

    // The steward signs out while the request is in flight; its answer then arrives.
    s.sign_out(true).unwrap();
    assert!(matches!(s.apply_sync_response(&prepared, &answer), Err(StoreError::NotEnrolled)));
    assert_eq!(s.cursor().unwrap(), None, "the old enrolment's cursor is not written back");

    // Enrolled anew (another phone's identity), an old answer is refused too, and no old
    // cursor is carried into the new enrolment.
    s.set_identity(&identity(Uuid::new_v4())).unwrap();
    assert!(s.apply_sync_response(&prepared, &answer).is_err());
    let (_, fresh) = s.prepare_sync().unwrap();
    s.apply_sync_response(&fresh, &answer).unwrap();
    assert_eq!(s.cursor().unwrap().as_deref(), Some("42.00000000"));

    // Enrolling over an enrolment is refused and writes nothing.
    let before = s.identity().unwrap().unwrap().device_id;
    assert!(matches!(s.set_identity(&identity(Uuid::new_v4())), Err(StoreError::AlreadyEnrolled)));
    assert_eq!(s.identity().unwrap().unwrap().device_id, before);
    assert_eq!(s.cursor().unwrap().as_deref(), Some("42.00000000"));
}

#[test]
fn a_store_from_an_older_app_has_its_tables_rewritten_from_the_documents_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite3");
    let (issue, pending) = {
        let mut s = Store::open(&path).unwrap();
        let r = doc::NewReferral {
            id: Uuid::new_v4(),
            compound_id: Uuid::new_v4(),
            steward_id: Uuid::new_v4(),
            raised_by: Uuid::new_v4(),
            raised_at: 1_795_000_000_000,
            category: steward_core::model::IssueCategory::Schooling,
            place: "2栋".into(),
            description: "上学难".into(),
        };
        let id = s.insert_new_doc(doc::create_referral(s.actor().clone(), &r).unwrap(), "pulled").unwrap();
        (id, s.pending_count().unwrap())
    };
    // The previous app's tables: an issues table without `origin`, and no meetings table.
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "DROP TABLE issues; DROP TABLE meetings;
             CREATE TABLE issues (id TEXT PRIMARY KEY, compound_id TEXT NOT NULL, reporter_id TEXT NOT NULL,
               reported_at INTEGER NOT NULL, category TEXT NOT NULL, place TEXT NOT NULL, description TEXT NOT NULL,
               route TEXT NOT NULL, status TEXT NOT NULL);
             DELETE FROM meta WHERE key = 'projection';",
        )
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    let lines = s.issues().unwrap();
    assert_eq!(lines.len(), 1, "the issue projected again from its document");
    assert_eq!((lines[0].id, lines[0].origin), (issue, steward_core::model::IssueOrigin::PropertyCompany));
    assert!(s.meetings().unwrap().is_empty(), "the new table exists");
    assert_eq!(s.pending_count().unwrap(), pending, "edits waiting are kept");
}
