//! Property: whatever the edits and however syncs are ordered, dropped or duplicated, once every
//! device has synced twice without loss they all hold the same documents as the server, and no
//! edit made on any device is missing.
//!
//! Drives the real device store and the real server logic (`Service::sync`) with the wire
//! encoding in between, but without HTTP, so that many cases run quickly.

use std::collections::BTreeSet;
use std::sync::Arc;

use proptest::prelude::*;
use steward_client::{Identity, Store};
use steward_core::doc::{self, NewIssue, Projection};
use steward_core::model::*;
use steward_core::protocol::{decode, encode, SyncMessage, SyncRequest, SyncResponse, PROTOCOL_VERSION};
use steward_core::time::{now_millis, ProgramZone};
use steward_sync_server::service::DeviceCtx;
use steward_sync_server::sqlite::SqliteStorage;
use steward_sync_server::{admin, Service};
use uuid::Uuid;

#[derive(Debug, Clone)]
enum Op {
    Visit { device: usize },
    Phone { device: usize, n: u8 },
    Comment { device: usize },
    SupervisorComment,
    SupervisorMustVisit,
    Sync { device: usize, drop_request: bool, drop_response: bool, duplicate: bool },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..3usize).prop_map(|device| Op::Visit { device }),
        2 => (0..3usize, any::<u8>()).prop_map(|(device, n)| Op::Phone { device, n }),
        1 => (0..3usize).prop_map(|device| Op::Comment { device }),
        1 => Just(Op::SupervisorComment),
        1 => Just(Op::SupervisorMustVisit),
        4 => (0..3usize, prop::bool::weighted(0.2), prop::bool::weighted(0.2), prop::bool::weighted(0.2))
            .prop_map(|(device, drop_request, drop_response, duplicate)| Op::Sync { device, drop_request, drop_response, duplicate }),
    ]
}

struct Phone {
    store: Store,
    ctx: DeviceCtx,
}

/// One sync over the wire encoding, with optional loss and duplication.
fn sync(service: &Service, p: &mut Phone, drop_request: bool, drop_response: bool, duplicate: bool) {
    let (req, prepared) = p.store.prepare_sync().unwrap();
    if drop_request {
        return;
    }
    let wire = encode(&req);
    let resp = service.sync(&p.ctx, decode(&wire).unwrap()).expect("server accepts");
    if duplicate {
        service.sync(&p.ctx, decode(&wire).unwrap()).expect("server accepts a duplicate");
    }
    if drop_response {
        return;
    }
    let resp: SyncResponse = decode(&encode(&resp)).unwrap();
    let applied = p.store.apply_sync_response(&prepared, &resp).unwrap();
    if duplicate {
        p.store.apply_sync_response(&prepared, &resp).unwrap();
    }
    if !applied.need_sync.is_empty() {
        run_protocol(service, p, &applied.need_sync);
    }
}

fn run_protocol(service: &Service, p: &mut Phone, docs: &[Uuid]) {
    let mut states: Vec<(Uuid, automerge::sync::State)> = docs.iter().map(|d| (*d, Default::default())).collect();
    for _ in 0..12 {
        let mut msgs = Vec::new();
        for (id, state) in states.iter_mut() {
            let m = p.store.generate_sync_message(*id, state).unwrap();
            msgs.push(SyncMessage { id: *id, msg: m.map(serde_bytes::ByteBuf::from), start: false, heads: None });
        }
        let done = msgs.iter().all(|m| m.msg.is_none());
        let req = SyncRequest { v: PROTOCOL_VERSION, cursor: p.store.cursor().unwrap(), push: vec![], sync: msgs };
        let resp = service.sync(&p.ctx, req).unwrap();
        let they_done = resp.sync.iter().all(|m| m.msg.is_none());
        for m in &resp.sync {
            if let (Some(msg), Some((_, st))) = (&m.msg, states.iter_mut().find(|(id, _)| *id == m.id)) {
                p.store.receive_sync_message(m.id, st, msg).unwrap();
            }
        }
        p.store.apply_sync_response(&Default::default(), &SyncResponse { sync: vec![], ..resp }).unwrap();
        if done && they_done {
            return;
        }
    }
}

fn run(ops: Vec<Op>) {
    let dir = tempfile::tempdir().unwrap();
    let storage = SqliteStorage::open(&dir.path().join("server")).unwrap();
    let service = Service::new(Arc::new(storage), ProgramZone::default()).unwrap();
    let c = steward_tests::seed_compound(&service);
    let steward = admin::create_steward(&service, c, "李秀英").unwrap();
    let household = admin::create_household(&service, c, Some(steward.id), steward_tests::profile(1)).unwrap();
    let issue = NewIssue {
        id: Uuid::new_v4(),
        compound_id: c,
        reporter_id: steward.id,
        reported_at: now_millis(),
        category: IssueCategory::EbikeParking,
        place: "5栋楼道".into(),
        description: "电瓶车堵塞楼道".into(),
        route: IssueRoute::PropertyDuty,
    };
    service.create_doc(&doc::create_issue(service.actor().clone(), &issue).unwrap()).unwrap();

    let mut phones: Vec<Phone> = (0..3)
        .map(|i| {
            let mut store = Store::open(dir.path().join(format!("phone{i}.sqlite3"))).unwrap();
            store
                .set_identity(&Identity {
                    server_url: "http://unused".into(),
                    device_token: String::new(),
                    device_id: Uuid::new_v4(),
                    steward_id: steward.id,
                    steward_name: steward.name.clone(),
                    compound_id: c,
                    compound_name: "蜀汉美郡".into(),
                })
                .unwrap();
            let ctx = DeviceCtx { device_id: Uuid::new_v4(), steward_id: steward.id, compound_id: c };
            Phone { store, ctx }
        })
        .collect();
    for p in phones.iter_mut() {
        sync(&service, p, false, false, false);
    }

    let mut visits = BTreeSet::new();
    let mut comments = BTreeSet::new();
    for op in ops {
        match op {
            Op::Visit { device } => {
                let v = steward_tests::visit(steward.id, now_millis());
                phones[device].store.record_visit(household, &v).unwrap();
                visits.insert(v.id);
            }
            Op::Phone { device, n } => {
                let Projection::Household(h) = phones[device].store.project(household).unwrap() else { unreachable!() };
                let mut p = h.profile;
                p.phone = Some(format!("139{n:08}"));
                phones[device].store.update_profile(household, &p).unwrap();
            }
            Op::Comment { device } => {
                let text = format!("管家留言 {}", Uuid::new_v4());
                phones[device].store.comment_issue(issue.id, &text).unwrap();
                comments.insert(text);
            }
            Op::SupervisorComment => {
                let text = format!("支部留言 {}", Uuid::new_v4());
                service
                    .edit(
                        issue.id,
                        |_| Ok(()),
                        |d| {
                            doc::comment_issue(
                                d,
                                Uuid::new_v4(),
                                &text,
                                Uuid::nil(),
                                PartyRole::Supervisor,
                                now_millis(),
                            )
                        },
                    )
                    .unwrap();
                comments.insert(text);
            }
            Op::SupervisorMustVisit => {
                let m = doc::NewMustVisit {
                    id: Uuid::new_v4(),
                    trigger: MustVisitTrigger::Hardship,
                    date: now_millis(),
                    note: String::new(),
                    raised_by: Uuid::nil(),
                };
                service.edit(household, |_| Ok(()), |d| doc::raise_must_visit(d, &m)).unwrap();
            }
            Op::Sync { device, drop_request, drop_response, duplicate } => {
                sync(&service, &mut phones[device], drop_request, drop_response, duplicate)
            }
        }
    }
    // Quiet network: everyone syncs twice.
    for _ in 0..2 {
        for p in phones.iter_mut() {
            sync(&service, p, false, false, false);
        }
    }

    let server_h = doc::project(&service.storage().load_doc(household).unwrap().unwrap().doc).unwrap();
    let server_i = doc::project(&service.storage().load_doc(issue.id).unwrap().unwrap().doc).unwrap();
    for (n, p) in phones.iter_mut().enumerate() {
        assert_eq!(p.store.project(household).unwrap(), server_h, "phone {n} household");
        assert_eq!(p.store.project(issue.id).unwrap(), server_i, "phone {n} issue");
        assert_eq!(p.store.pending_count().unwrap(), 0, "phone {n} has nothing waiting");
    }
    let Projection::Household(h) = server_h else { unreachable!() };
    let Projection::Issue(i) = server_i else { unreachable!() };
    assert_eq!(h.visits.iter().map(|v| v.id).collect::<BTreeSet<_>>(), visits, "no visit lost or duplicated");
    assert_eq!(
        i.timeline.iter().map(|e| e.text.clone()).collect::<BTreeSet<_>>(),
        comments,
        "no comment lost or duplicated"
    );
    // The server's read model agrees with its documents.
    let rows = service.storage().projections(&steward_sync_server::storage::Scope::All, None, -1).unwrap();
    let rm = rows.iter().find(|r| r.doc_id == household).unwrap();
    assert_eq!(serde_json::from_str::<Projection>(&rm.json).unwrap(), Projection::Household(h));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn devices_and_server_converge_over_random_edits_orders_drops_and_duplicates(ops in prop::collection::vec(op(), 1..40)) {
        run(ops);
    }
}
