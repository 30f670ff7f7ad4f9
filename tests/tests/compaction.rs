//! Compaction merges a document's increments into its snapshot and loses nothing: the document,
//! the feed from an old cursor, and a device's view stay the same.

use std::sync::Arc;

use automerge::{Automerge, ReadDoc};
use steward_core::doc::{self, Projection};
use steward_core::time::{now_millis, ProgramZone};
use steward_sync_server::service::DeviceCtx;
use steward_sync_server::store::SqlStorage;
use steward_sync_server::{admin, Service};
use uuid::Uuid;

#[test]
fn compaction_loses_nothing_and_old_cursors_still_get_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let service =
        Service::new(Arc::new(SqlStorage::open(&dir.path().join("s")).unwrap()), ProgramZone::default()).unwrap();
    let c = steward_tests::seed_compound(&service);
    let st = admin::create_steward(&service, c, "李秀英").unwrap();
    let h = admin::create_household(&service, c, Some(st.id), steward_tests::profile(3)).unwrap();

    // A device that has the document as first created, and its cursor.
    let first = service.storage().feed(st.id, c, None, &[]).unwrap();
    let mut device = Automerge::new();
    for chunk in &first.docs.iter().find(|f| f.id == h).unwrap().data {
        device.load_incremental(chunk).unwrap();
    }
    let old_cursor = first.cursor.clone();

    // Many edits: compaction runs along the way (every 16 increments here).
    let mut visits = Vec::new();
    for i in 0..50 {
        let v = steward_tests::visit(st.id, now_millis() - i);
        visits.push(v.id);
        service.edit(h, |_| Ok(()), |d| doc::record_visit(d, &v)).unwrap();
    }
    // Compaction ran by itself along the way: fewer increments than edits are left.
    let db = rusqlite::Connection::open(dir.path().join("s").join("steward.sqlite3")).unwrap();
    let increments = |db: &rusqlite::Connection| -> i64 {
        db.query_row("SELECT COUNT(*) FROM increments WHERE doc_id = ?1", [h.to_string()], |r| r.get(0)).unwrap()
    };
    let snapshot_len = |db: &rusqlite::Connection| -> i64 {
        db.query_row("SELECT length(snapshot) FROM docs WHERE id = ?1", [h.to_string()], |r| r.get(0)).unwrap()
    };
    let left = increments(&db);
    assert!(left > 0 && left < 50, "{left} increments left of 51 changes: automatic compaction merged the rest");
    assert!(snapshot_len(&db) > 0, "a snapshot was written");

    let before = service.storage().load_doc(h).unwrap().unwrap().doc;
    let compaction = service.storage().compact(h).unwrap();
    assert_eq!(compaction.merged_increments as i64, left, "every increment merged");
    assert_eq!(increments(&db), 0, "and removed");
    assert_eq!(snapshot_len(&db), compaction.snapshot_bytes as i64);
    let after = service.storage().load_doc(h).unwrap().unwrap().doc;
    assert_eq!(after.get_heads(), before.get_heads(), "the same history after compaction");
    assert_eq!(doc::project(&after).unwrap(), doc::project(&before).unwrap());
    assert_eq!(after.get_changes(&[]).len(), 51, "every change is still there");

    // The device catches up from its old cursor although the increments it needs were merged.
    let feed = service.storage().feed(st.id, c, Some(&old_cursor), &[]).unwrap();
    for chunk in &feed.docs.iter().find(|f| f.id == h).unwrap().data {
        device.load_incremental(chunk).unwrap();
    }
    assert!(device.get_missing_deps(&[]).is_empty());
    assert_eq!(device.get_heads(), after.get_heads());
    let Projection::Household(p) = doc::project(&device).unwrap() else { unreachable!() };
    assert_eq!(p.visits.len(), 50);

    // And a sync through the service still works on the compacted document.
    let ctx = DeviceCtx { device_id: Uuid::new_v4(), steward_id: st.id, compound_id: c, temporary: false };
    let resp = service.sync(&ctx, steward_core::protocol::SyncRequest { v: 1, ..Default::default() }).unwrap();
    assert!(resp.pull.iter().any(|p| p.id == h));
}
