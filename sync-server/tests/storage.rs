//! The storage suite: what every backend must do, run on SQLite always and on PostgreSQL when
//! `STEWARD_TEST_POSTGRES` names a server (`scripts/test.sh` starts one). Each test gets a new
//! store: a temporary directory, or a new database.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use automerge::{Automerge, ChangeHash};
use rand::Rng;
use steward_core::doc::{self, DocHeader, DocKind, NewHousehold, NewVisit};
use steward_core::model::{Address, HouseholdProfile, VisitMethod};
use steward_sync_server::args;
use steward_sync_server::read_model::{HouseholdQuery, HouseholdSort, Slice};
use steward_sync_server::sql::postgres::{create_database, PostgresEngine};
use steward_sync_server::sql::sqlite::SqliteEngine;
use steward_sync_server::sql::{upsert_tail, Engine, Insert, Ty};
use steward_sync_server::storage::*;
use steward_sync_server::store::SqlStorage;
use uuid::Uuid;

/// 2026-06-01, a time the documents take for a visit.
const T: i64 = 1_780_000_000_000;

/// A backend under test and what keeps it alive.
struct Backend {
    name: &'static str,
    _dir: tempfile::TempDir,
    url: Option<String>,
}

impl Backend {
    fn engine(&self) -> Box<dyn Engine> {
        match &self.url {
            None => Box::new(SqliteEngine::open(self._dir.path()).unwrap()),
            Some(url) => Box::new(PostgresEngine::open(url).unwrap()),
        }
    }

    fn storage(&self) -> SqlStorage {
        SqlStorage::on(self.engine()).unwrap()
    }
}

/// SQLite, and PostgreSQL when the suite has a server: each a new, empty store.
fn backends() -> Vec<Backend> {
    let mut out = vec![Backend { name: "sqlite", _dir: tempfile::tempdir().unwrap(), url: None }];
    if let Some(server) = std::env::var("STEWARD_TEST_POSTGRES").ok().filter(|s| !s.is_empty()) {
        let server = server.trim_end_matches('/');
        let name = format!("suite_{}", Uuid::new_v4().simple());
        create_database(&format!("{server}/postgres"), &name).unwrap();
        out.push(Backend {
            name: "postgres",
            _dir: tempfile::tempdir().unwrap(),
            url: Some(format!("{server}/{name}")),
        });
    }
    out
}

struct Places {
    district: Place,
    compound: Place,
    steward: Steward,
}

fn places(s: &SqlStorage) -> Places {
    let district = s.create_place(PlaceKind::District, "南郑区", None).unwrap();
    let town = s.create_place(PlaceKind::Town, "汉山街道", Some(district.id)).unwrap();
    let community = s.create_place(PlaceKind::Community, "天汉社区", Some(town.id)).unwrap();
    let compound = s.create_place(PlaceKind::Compound, "幸福小区", Some(community.id)).unwrap();
    let steward = s.create_steward(compound.id, "王红").unwrap();
    Places { district, compound, steward }
}

fn profile(n: usize) -> HouseholdProfile {
    HouseholdProfile {
        address: Address { building: format!("{}", 1 + n / 10), unit: "1".into(), room: format!("{}", 101 + n) },
        head_name: format!("住户{n}"),
        member_count: 2,
        phone: None,
        party_member: Some(n % 2 == 0),
        key_service: None,
        notes: String::new(),
    }
}

fn changes_of(doc: &Automerge, since: &[ChangeHash]) -> Vec<(ChangeHash, Vec<u8>)> {
    doc.get_changes(since).into_iter().map(|c| (c.hash(), c.raw_bytes().to_vec())).collect()
}

fn write_of(doc: &Automerge, meta: DocHeader, expected: Option<i64>, since: &[ChangeHash]) -> DocWrite {
    let projection_json = serde_json::to_string(&doc::project(doc).unwrap()).unwrap();
    DocWrite { meta, expected_last_seq: expected, changes: changes_of(doc, since), projection_json, record_ids: vec![] }
}

/// A new household document of the steward, not yet stored.
fn household(p: &Places, n: usize, steward: Option<Uuid>) -> (Automerge, DocHeader) {
    let id = Uuid::new_v4();
    let h = NewHousehold { id, compound_id: p.compound.id, steward_id: steward, profile: profile(n) };
    let d = doc::create_household(automerge::ActorId::random(), &h, T).unwrap();
    (d, DocHeader { id, kind: DocKind::Household, compound_id: p.compound.id, steward_id: steward })
}

fn visit(by: Uuid, at: i64) -> NewVisit {
    NewVisit {
        id: Uuid::new_v4(),
        at,
        method: VisitMethod::DoorVisit,
        summary: "楼道灯不亮".into(),
        opinions: vec![],
        hardships: String::new(),
        answers: vec![],
        follow_up: false,
        by,
    }
}

/// Every change hash a feed carries, counted: a change chunk counts its change, a document chunk
/// (a snapshot) each change in it.
fn count_feed(feed: &Feed, seen: &mut HashMap<ChangeHash, usize>) {
    for d in &feed.docs {
        for chunk in &d.data {
            match automerge::Change::from_bytes(chunk.clone()) {
                Ok(c) => *seen.entry(c.hash()).or_default() += 1,
                Err(_) => {
                    for c in Automerge::load(chunk).unwrap().get_changes(&[]) {
                        *seen.entry(c.hash()).or_default() += 1;
                    }
                }
            }
        }
    }
}

#[test]
fn places_nest_in_order_and_accounts_sign_in_and_out() {
    for b in backends() {
        let s = b.storage();
        let p = places(&s);
        let err = s.create_place(PlaceKind::Compound, "错层", Some(p.district.id)).unwrap_err();
        assert!(matches!(err, StorageError::Invalid(_)), "{}: {err}", b.name);
        assert_eq!(s.places().unwrap().len(), 4, "{}", b.name);
        assert_eq!(s.place(p.compound.id).unwrap().unwrap(), p.compound, "{}", b.name);
        assert_eq!(s.stewards(Some(&[p.compound.id])).unwrap(), vec![p.steward.clone()], "{}", b.name);
        assert_eq!(s.steward(p.steward.id).unwrap().unwrap(), p.steward, "{}", b.name);

        let u = s.create_user("zhang", "hash-1", Role::Supervisor, Some(p.compound.id)).unwrap();
        let again = s.create_user("zhang", "hash-2", Role::Supervisor, Some(p.compound.id)).unwrap_err();
        assert!(matches!(again, StorageError::AlreadyExists(_)), "{}: {again}", b.name);
        let (found, hash) = s.user_by_name(" zhang ").unwrap().unwrap();
        assert_eq!((found, hash.as_str()), (u.clone(), "hash-1"), "{}", b.name);
        s.create_session(u.id, "t1", 10_000).unwrap();
        s.create_session(u.id, "t2", 10_000).unwrap();
        assert_eq!(s.principal_for_token("t1", 5_000).unwrap(), Some(Principal::User(u.clone())), "{}", b.name);
        assert_eq!(s.principal_for_token("t1", 10_000).unwrap(), None, "{}: expired", b.name);
        s.set_password(u.id, "hash-3", Some("t2")).unwrap();
        assert_eq!(s.principal_for_token("t1", 5_000).unwrap(), None, "{}: other sessions end", b.name);
        assert!(s.principal_for_token("t2", 5_000).unwrap().is_some(), "{}: the kept one stays", b.name);
        assert_eq!(s.user_by_name("zhang").unwrap().unwrap().1, "hash-3", "{}", b.name);
        assert!(s.end_session("t2").unwrap(), "{}", b.name);
        assert!(!s.end_session("t2").unwrap(), "{}", b.name);
        // Passing no session to keep ends every one (a NULL compares as "distinct").
        s.create_session(u.id, "t3", 10_000).unwrap();
        s.set_password(u.id, "hash-4", None).unwrap();
        assert_eq!(s.principal_for_token("t3", 5_000).unwrap(), None, "{}", b.name);

        for (i, action) in ["open", "pull", "report"].iter().enumerate() {
            s.log_access(&u, action, &[p.compound.id], 100 + i as i64).unwrap();
        }
        let log = s.access_log(None, 2).unwrap();
        assert_eq!(log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["report", "pull"], "{}", b.name);
        let older = s.access_log(Some(log[1].seq), 10).unwrap();
        assert_eq!(older.len(), 1, "{}", b.name);
        assert_eq!(
            (older[0].action.as_str(), older[0].households.clone()),
            ("open", vec![p.compound.id]),
            "{}",
            b.name
        );
    }
}

#[test]
fn an_enrolment_code_enrols_one_device_once_and_revoking_it_shuts_it_out() {
    for b in backends() {
        let s = b.storage();
        let p = places(&s);
        s.create_enrolment(p.steward.id, "code", 1_000).unwrap();
        s.create_enrolment(p.steward.id, "old-code", 10).unwrap();
        assert!(s.redeem_enrolment("old-code", "phone", "tok0", 500).unwrap().is_none(), "{}: expired", b.name);
        let (device, steward) = s.redeem_enrolment("code", "红米手机", "tok", 500).unwrap().unwrap();
        assert_eq!(steward, p.steward, "{}", b.name);
        assert!(s.redeem_enrolment("code", "another", "tok2", 501).unwrap().is_none(), "{}: used", b.name);
        assert_eq!(s.devices(None).unwrap().len(), 1, "{}", b.name);
        let principal = s.principal_for_token("tok", 600).unwrap();
        assert_eq!(
            principal,
            Some(Principal::Device {
                device_id: device,
                steward_id: p.steward.id,
                compound_id: p.compound.id,
                temporary: false
            }),
            "{}",
            b.name
        );
        s.touch_device(device, 700).unwrap();
        s.touch_device(device, 650).unwrap();
        assert_eq!(s.device(device).unwrap().unwrap().last_sync_at, Some(700), "{}: never goes back", b.name);
        assert!(s.revoke_device(device, 800).unwrap(), "{}", b.name);
        assert!(!s.revoke_device(device, 900).unwrap(), "{}", b.name);
        assert_eq!(s.principal_for_token("tok", 1_000).unwrap(), None, "{}", b.name);
        assert_eq!(s.device(device).unwrap().unwrap().revoked_at, Some(800), "{}", b.name);
    }
}

/// Rows of `first_seen` whose record id starts with `prefix`, read outside any transaction.
fn first_seen_rows(engine: &dyn Engine, prefix: &str) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    engine
        .read(&mut |c| {
            out = c.query_map(
                "SELECT record_id, at FROM first_seen WHERE record_id LIKE ?1 ORDER BY record_id",
                args![format!("{prefix}%")],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok(())
        })
        .unwrap();
    out
}

#[test]
fn deferred_statements_run_in_order_before_any_answer_and_a_failing_one_fails_its_transaction() {
    for b in backends() {
        let engine = b.engine();
        // A query after deferred statements sees them, in the order they were deferred.
        let mut seen = Vec::new();
        engine
            .write(&mut |c| {
                c.defer("INSERT INTO first_seen (record_id, at) VALUES (?1, ?2)", args!["d-1", 1i64])?;
                c.defer("UPDATE first_seen SET at = at + 10 WHERE record_id = ?1", args!["d-1"])?;
                c.defer("INSERT INTO first_seen (record_id, at) VALUES (?1, ?2)", args!["d-2", 2i64])?;
                seen = c.query_map(
                    "SELECT record_id, at FROM first_seen WHERE record_id LIKE 'd-%' ORDER BY record_id",
                    args![],
                    |r| Ok((r.get::<String>(0)?, r.get::<i64>(1)?)),
                )?;
                // Deferred last: sent with the commit.
                c.defer("INSERT INTO first_seen (record_id, at) VALUES (?1, ?2)", args!["d-3", 3i64])?;
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, vec![("d-1".to_string(), 11), ("d-2".to_string(), 2)], "{}", b.name);
        assert_eq!(
            first_seen_rows(engine.as_ref(), "d-"),
            vec![("d-1".to_string(), 11), ("d-2".to_string(), 2), ("d-3".to_string(), 3)],
            "{}: the one deferred to the commit is kept",
            b.name
        );
        // A deferred statement that fails (a second row under one key) fails the whole write,
        // whether its error comes back with a later query or with the commit.
        for query_after in [true, false] {
            let err = engine
                .write(&mut |c| {
                    c.defer("INSERT INTO first_seen (record_id, at) VALUES (?1, ?2)", args!["e-1", 1i64])?;
                    c.defer("INSERT INTO first_seen (record_id, at) VALUES (?1, ?2)", args!["d-1", 1i64])?;
                    c.defer("INSERT INTO first_seen (record_id, at) VALUES (?1, ?2)", args!["e-2", 2i64])?;
                    if query_after {
                        c.query("SELECT COUNT(*) FROM first_seen", args![])?;
                    }
                    Ok(())
                })
                .unwrap_err();
            assert!(matches!(err, StorageError::Database(_)), "{}: {err}", b.name);
            assert_eq!(first_seen_rows(engine.as_ref(), "e-"), vec![], "{}: nothing of the failed write", b.name);
        }
        assert_eq!(first_seen_rows(engine.as_ref(), "d-").len(), 3, "{}", b.name);
        // The connection is good for the next write.
        engine
            .write(&mut |c| c.defer("INSERT INTO first_seen (record_id, at) VALUES (?1, ?2)", args!["f-1", 1i64]))
            .unwrap();
        assert_eq!(first_seen_rows(engine.as_ref(), "f-"), vec![("f-1".to_string(), 1)], "{}", b.name);
    }
}

#[test]
fn rows_inserted_together_keep_their_values_nulls_and_order_and_the_last_of_a_key_wins() {
    for b in backends() {
        let engine = b.engine();
        let cols: &[(&str, Ty)] = &[
            ("id", Ty::Text),
            ("household_id", Ty::Text),
            ("compound_id", Ty::Text),
            ("trigger", Ty::Text),
            ("date", Ty::Int),
            ("answered", Ty::Int),
            ("answered_at", Ty::Int),
        ];
        let names: Vec<&str> = cols.iter().map(|(n, _)| *n).collect();
        let tail = upsert_tail(&names, &["id"]);
        let insert = Insert { table: "must_visit_index", cols, tail: &tail, key: &[0] };
        let row = |id: &str, date: i64, answered_at: Option<i64>| {
            args![id, "h-1", "c-1", "illness", date, answered_at.is_some(), answered_at].to_vec()
        };
        engine
            .write(&mut |c| {
                c.defer_rows(&insert, vec![row("m-1", 1, None), row("m-2", 2, Some(20)), row("m-1", 3, Some(30))])?;
                // Nothing to insert is no statement at all.
                c.defer_rows(&insert, Vec::new())?;
                // A statement after them sees them.
                c.defer("UPDATE must_visit_index SET date = date + 100 WHERE id = ?1", args!["m-2"])?;
                Ok(())
            })
            .unwrap();
        let rows = engine_rows(engine.as_ref(), "SELECT id, date, answered_at FROM must_visit_index ORDER BY id");
        assert_eq!(
            rows,
            vec![("m-1".to_string(), 3, Some(30)), ("m-2".to_string(), 102, Some(20))],
            "{}: one row per key, the last sent",
            b.name
        );
        // A row of the wrong width is refused before anything is sent, and nothing is written.
        let err = engine
            .write(&mut |c| {
                c.defer("DELETE FROM must_visit_index", args![])?;
                c.defer_rows(&insert, vec![args!["m-3", "h-1"].to_vec()])
            })
            .unwrap_err();
        assert!(matches!(err, StorageError::Invalid(_)), "{}: {err}", b.name);
        assert_eq!(
            engine_rows(engine.as_ref(), "SELECT id, date, answered_at FROM must_visit_index ORDER BY id").len(),
            2
        );
        // A failing row fails the write: without a conflict clause, a key twice.
        let plain = Insert { table: "must_visit_index", cols, tail: "", key: &[] };
        let err =
            engine.write(&mut |c| c.defer_rows(&plain, vec![row("m-4", 4, None), row("m-4", 5, None)])).unwrap_err();
        assert!(matches!(err, StorageError::Database(_)), "{}: {err}", b.name);
        assert_eq!(
            engine_rows(engine.as_ref(), "SELECT id, date, answered_at FROM must_visit_index ORDER BY id").len(),
            2
        );
    }
}

fn engine_rows(engine: &dyn Engine, sql: &str) -> Vec<(String, i64, Option<i64>)> {
    let mut out = Vec::new();
    engine
        .read(&mut |c| {
            out = c.query_map(sql, args![], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(())
        })
        .unwrap();
    out
}

#[test]
fn commits_are_atomic_replays_change_nothing_and_the_feed_carries_each_change_once() {
    for b in backends() {
        let s = b.storage();
        let p = places(&s);
        let (mut d, meta) = household(&p, 1, Some(p.steward.id));
        s.commit(&[write_of(&d, meta.clone(), None, &[])], 2_000).unwrap();
        let first = s.max_seq().unwrap();
        assert!(first > 0, "{}", b.name);
        // A replay of the same write stores nothing new, and a stale version is refused whole.
        s.commit(&[write_of(&d, meta.clone(), Some(first), &[])], 2_001).unwrap();
        assert_eq!(s.max_seq().unwrap(), first, "{}: replayed", b.name);

        let feed = s.feed(p.steward.id, p.compound.id, None, &[]).unwrap();
        let mut seen = HashMap::new();
        count_feed(&feed, &mut seen);
        assert_eq!(seen.len(), d.get_changes(&[]).len(), "{}", b.name);
        let cursor = feed.cursor.clone();

        let heads = d.get_heads();
        doc::record_visit(&mut d, &visit(p.steward.id, T + 3_000)).unwrap();
        let (other, other_meta) = household(&p, 2, Some(p.steward.id));
        let stale =
            [write_of(&d, meta.clone(), Some(first - 1), &heads), write_of(&other, other_meta.clone(), None, &[])];
        let err = s.commit(&stale, 3_000).unwrap_err();
        assert!(matches!(err, StorageError::Conflict(ref ids) if ids == &vec![meta.id]), "{}: {err}", b.name);
        assert!(s.doc_meta(other_meta.id).unwrap().is_none(), "{}: nothing of a refused commit", b.name);
        assert_eq!(s.max_seq().unwrap(), first, "{}", b.name);

        let fresh = [write_of(&d, meta.clone(), Some(first), &heads), write_of(&other, other_meta.clone(), None, &[])];
        s.commit(&fresh, 3_000).unwrap();
        let loaded = s.load_doc(meta.id).unwrap().unwrap();
        assert_eq!(loaded.doc.get_heads(), d.get_heads(), "{}", b.name);
        // Several at once: in the order asked, none for a document not stored.
        let many = s.load_docs(&[other_meta.id, Uuid::new_v4(), meta.id]).unwrap();
        let heads_of: Vec<Option<Vec<ChangeHash>>> =
            many.iter().map(|l| l.as_ref().map(|l| l.doc.get_heads())).collect();
        assert_eq!(heads_of, vec![Some(other.get_heads()), None, Some(d.get_heads())], "{}", b.name);
        assert_eq!(many[2].as_ref().map(|l| l.last_seq), Some(loaded.last_seq), "{}", b.name);
        assert!(loaded.projection_json.unwrap().contains("楼道灯不亮"), "{}", b.name);

        let next = s.feed(p.steward.id, p.compound.id, Some(&cursor), &[]).unwrap();
        count_feed(&next, &mut seen);
        let total = d.get_changes(&[]).len() + other.get_changes(&[]).len();
        assert_eq!(seen.len(), total, "{}: every change", b.name);
        assert!(seen.values().all(|&n| n == 1), "{}: each once: {seen:?}", b.name);
        let nothing = s.feed(p.steward.id, p.compound.id, Some(&next.cursor), &[]).unwrap();
        assert!(nothing.docs.is_empty() && nothing.cursor == next.cursor, "{}", b.name);
        let unknown = s.feed(p.steward.id, p.compound.id, Some("99999.0011223344556677"), &[]).unwrap();
        assert!(unknown.unknown_cursor, "{}", b.name);
        assert_eq!(unknown.resync.len(), 2, "{}", b.name);
        // A change pushed under the wrong document is found under the right one.
        let hash = d.get_heads()[0];
        assert_eq!(s.docs_holding(&[hash], other_meta.id).unwrap(), vec![meta.id], "{}", b.name);
    }
}

#[test]
fn a_household_moved_to_another_steward_is_revoked_from_the_first() {
    for b in backends() {
        let s = b.storage();
        let p = places(&s);
        let other = s.create_steward(p.compound.id, "李明").unwrap();
        let (mut d, meta) = household(&p, 1, Some(p.steward.id));
        s.commit(&[write_of(&d, meta.clone(), None, &[])], 2_000).unwrap();
        let cursor = s.feed(p.steward.id, p.compound.id, None, &[]).unwrap().cursor;
        let heads = d.get_heads();
        doc::assign_household(&mut d, Some(other.id), T + 2_500).unwrap();
        let moved = DocHeader { steward_id: Some(other.id), ..meta.clone() };
        s.commit(&[write_of(&d, moved, Some(s.max_seq().unwrap()), &heads)], 2_500).unwrap();
        let first = s.feed(p.steward.id, p.compound.id, Some(&cursor), &[]).unwrap();
        assert_eq!(first.revoked, vec![meta.id], "{}", b.name);
        assert!(first.docs.is_empty(), "{}", b.name);
        let second = s.feed(other.id, p.compound.id, None, &[]).unwrap();
        assert_eq!(second.docs.iter().map(|d| d.id).collect::<Vec<_>>(), vec![meta.id], "{}", b.name);
        let q = HouseholdQuery {
            compounds: Some(vec![p.compound.id]),
            steward_id: Some(other.id),
            text: None,
            tag: None,
            open_must_visit: false,
            sort: HouseholdSort::Address,
            descending: false,
            offset: 0,
            limit: 10,
        };
        let (n, rows) = s.search_households(&q).unwrap();
        assert_eq!((n, rows.len(), rows[0].id), (1, 1, meta.id), "{}", b.name);
    }
}

#[test]
fn compaction_keeps_every_change_and_old_cursors_still_get_theirs() {
    for b in backends() {
        let s = b.storage();
        let p = places(&s);
        let (mut d, meta) = household(&p, 1, Some(p.steward.id));
        s.commit(&[write_of(&d, meta.clone(), None, &[])], 2_000).unwrap();
        let cursor = s.feed(p.steward.id, p.compound.id, None, &[]).unwrap().cursor;
        let mut visits = Vec::new();
        let mut outgrown = Vec::new();
        for i in 0..20 {
            let heads = d.get_heads();
            let v = visit(p.steward.id, T + 3_000 + i);
            visits.push(v.id);
            doc::record_visit(&mut d, &v).unwrap();
            outgrown
                .push(s.commit(&[write_of(&d, meta.clone(), Some(s.max_seq().unwrap()), &heads)], 3_000 + i).unwrap());
        }
        // The commit that stores the 16th increment is the first to call for compaction.
        let first = outgrown.iter().position(|ids| !ids.is_empty());
        assert_eq!(first, Some(14), "{}: {outgrown:?}", b.name);
        assert!(outgrown[14..].iter().all(|ids| ids == &vec![meta.id]), "{}: {outgrown:?}", b.name);
        let done = s.compact(meta.id).unwrap();
        assert_eq!(done.merged_increments, 21, "{}: {done:?}", b.name);
        let loaded = s.load_doc(meta.id).unwrap().unwrap();
        assert_eq!(loaded.doc.get_heads(), d.get_heads(), "{}", b.name);
        let feed = s.feed(p.steward.id, p.compound.id, Some(&cursor), &[]).unwrap();
        let mut seen = HashMap::new();
        count_feed(&feed, &mut seen);
        assert_eq!(seen.len(), 20, "{}: the 20 changes after the cursor, from the snapshot", b.name);
        let slice = Slice { compounds: Some(vec![p.compound.id]), steward_id: None };
        let ledger = s.ledger_rows(&slice, T, T + 10_000).unwrap();
        assert_eq!(ledger.iter().map(|r| r.row.visit_id).collect::<Vec<_>>(), visits, "{}", b.name);
    }
}

/// A document loaded while it is compacted is whole: its row and its increments come from one
/// snapshot. Read in two, a compaction committed between them leaves the loaded document with
/// the old snapshot and none of the merged increments — and a sync served from it would miss
/// those changes.
#[test]
fn a_document_loaded_during_compactions_has_every_change_up_to_its_version() {
    for b in backends() {
        let s = Arc::new(b.storage());
        let p = places(&s);
        let (mut d, meta) = household(&p, 1, Some(p.steward.id));
        s.commit(&[write_of(&d, meta.clone(), None, &[])], T).unwrap();
        // The number of changes the document has at each version.
        let counts: Arc<Mutex<HashMap<i64, usize>>> = Arc::default();
        counts.lock().unwrap().insert(s.max_seq().unwrap(), d.get_changes(&[]).len());
        let done = Arc::new(AtomicBool::new(false));
        let reader = {
            let (s, counts, done, id) = (s.clone(), counts.clone(), done.clone(), meta.id);
            std::thread::spawn(move || {
                let mut checked = 0;
                while !done.load(Ordering::SeqCst) {
                    let loaded = s.load_doc(id).unwrap().unwrap();
                    let want = counts.lock().unwrap().get(&loaded.last_seq).copied();
                    if let Some(want) = want {
                        assert_eq!(loaded.doc.get_changes(&[]).len(), want, "at version {}", loaded.last_seq);
                        checked += 1;
                    }
                }
                checked
            })
        };
        for i in 0..60 {
            let heads = d.get_heads();
            doc::record_visit(&mut d, &visit(p.steward.id, T + i)).unwrap();
            s.commit(&[write_of(&d, meta.clone(), Some(s.max_seq().unwrap()), &heads)], T + i).unwrap();
            counts.lock().unwrap().insert(s.max_seq().unwrap(), d.get_changes(&[]).len());
            s.compact(meta.id).unwrap();
        }
        done.store(true, Ordering::SeqCst);
        let checked = reader.join().unwrap();
        assert!(checked > 20, "{}: the reader loaded the document {checked} times", b.name);
    }
}

/// The change log's sequencer, where it matters most: many writers whose transactions finish in
/// a random order while a reader polls `seq > cursor`, as every device's feed does. The reader
/// must see every committed row exactly once; a sequence handed out without the write lock
/// (commit order differing from number order) makes it skip some.
#[test]
fn concurrent_writers_finishing_in_random_order_never_make_a_polling_reader_skip() {
    for b in backends() {
        drop(b.storage()); // the schema
        let engine: Arc<dyn Engine> = Arc::from(b.engine());
        let writers = 8;
        let per_writer = 25;
        let done = Arc::new(AtomicBool::new(false));
        let seen: Arc<Mutex<HashMap<i64, usize>>> = Arc::default();
        let reader = {
            let (engine, done, seen) = (engine.clone(), done.clone(), seen.clone());
            std::thread::spawn(move || {
                let mut cursor = 0i64;
                loop {
                    let finished = done.load(Ordering::SeqCst);
                    let mut rows = Vec::new();
                    engine
                        .read(&mut |c| {
                            rows = c.query_map(
                                "SELECT seq FROM change_log WHERE seq > ?1 ORDER BY seq",
                                args![cursor],
                                |r| r.get::<i64>(0),
                            )?;
                            Ok(())
                        })
                        .unwrap();
                    let mut seen = seen.lock().unwrap();
                    for seq in rows {
                        *seen.entry(seq).or_default() += 1;
                        cursor = cursor.max(seq);
                    }
                    if finished {
                        return;
                    }
                }
            })
        };
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let engine = engine.clone();
                std::thread::spawn(move || {
                    let mut rng = rand::thread_rng();
                    for i in 0..per_writer {
                        let pause = Duration::from_micros(rng.gen_range(0..3_000));
                        engine
                            .write(&mut |c| {
                                c.execute(
                                    "INSERT INTO change_log (doc_id, hash, received_at) VALUES (?1, ?2, 0)",
                                    args![format!("w{w}"), format!("{w}-{i}").into_bytes()],
                                )?;
                                // Between taking its number and committing: others finish first.
                                std::thread::sleep(pause);
                                Ok(())
                            })
                            .unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        done.store(true, Ordering::SeqCst);
        reader.join().unwrap();
        let seen = seen.lock().unwrap();
        let mut stored = Vec::new();
        engine
            .read(&mut |c| {
                stored = c.query_map("SELECT seq FROM change_log ORDER BY seq", args![], |r| r.get::<i64>(0))?;
                Ok(())
            })
            .unwrap();
        assert_eq!(stored.len(), writers * per_writer, "{}", b.name);
        let missed: Vec<i64> = stored.iter().copied().filter(|s| !seen.contains_key(s)).collect();
        assert!(missed.is_empty(), "{}: the reader skipped {} rows: {missed:?}", b.name, missed.len());
        assert!(seen.values().all(|&n| n == 1), "{}: a row seen twice", b.name);
        assert_eq!(seen.len(), stored.len(), "{}", b.name);
    }
}
