//! Entry points for the fuzz targets (`fuzz/`) and for the ordinary tests that replay their
//! corpus and every crash found (`sync-server/tests/fuzz_corpus.rs`): the sync envelope, the
//! gate in front of Automerge, and the whole push path (decode, gate, apply, authorise, store)
//! on a seeded store. None of them may panic on any input; refusals are fine.

use std::path::PathBuf;

use automerge::sync::SyncDoc;
use automerge::Automerge;
use serde_bytes::ByteBuf;
use steward_core::doc::{self, NewIssue, NewVisit};
use steward_core::model::{IssueCategory, IssueRoute, VisitMethod};
use steward_core::protocol::{self, DocPush, SyncMessage, SyncRequest};
use steward_core::time::{now_millis, ProgramZone};
use uuid::Uuid;

use crate::service::DeviceCtx;
use crate::storage::PlaceKind;
use crate::{admin, gate, Service};

/// A store seeded with one compound, one steward with a household and an issue.
pub struct FuzzWorld {
    dir: PathBuf,
    pub service: Service,
    pub device: DeviceCtx,
    pub household: Uuid,
    pub issue: Uuid,
}

impl Drop for FuzzWorld {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl FuzzWorld {
    /// Seeds a fresh store in a temporary directory.
    pub fn new() -> FuzzWorld {
        let dir = std::env::temp_dir().join(format!("steward-fuzz-{}", Uuid::new_v4()));
        let storage = crate::store::SqlStorage::open(&dir).expect("open the fuzz store");
        let service = Service::new(std::sync::Arc::new(storage), ProgramZone::default()).expect("service");
        let district = admin::create_place(&service, PlaceKind::District, "南郑区", None).expect("district");
        let town = admin::create_place(&service, PlaceKind::Town, "大河坎镇", Some(district.id)).expect("town");
        let community = admin::create_place(&service, PlaceKind::Community, "艺苑社区", Some(town.id)).expect("c");
        let compound = admin::create_place(&service, PlaceKind::Compound, "蜀汉美郡", Some(community.id)).expect("c");
        let steward = admin::create_steward(&service, compound.id, "李秀英").expect("steward");
        let household =
            admin::create_household(&service, compound.id, Some(steward.id), Default::default()).expect("household");
        let issue = NewIssue {
            id: Uuid::new_v4(),
            compound_id: compound.id,
            reporter_id: steward.id,
            reported_at: now_millis(),
            category: IssueCategory::FlyingWireCharging,
            place: "5栋".into(),
            description: "飞线充电".into(),
            route: IssueRoute::PropertyDuty,
        };
        service.create_doc(&doc::create_issue(automerge::ActorId::random(), &issue).expect("issue")).expect("store");
        let device =
            DeviceCtx { device_id: Uuid::new_v4(), steward_id: steward.id, compound_id: compound.id, temporary: false };
        FuzzWorld { dir, service, device, household, issue: issue.id }
    }

    fn doc(&self, id: Uuid) -> Automerge {
        self.service.storage().load_doc(id).ok().flatten().map(|l| l.doc).unwrap_or_default()
    }

    /// Valid inputs to start from: one per mode of [`push`], and a whole envelope.
    pub fn seeds(&self) -> Vec<Vec<u8>> {
        let mut d = self.doc(self.household).with_actor(automerge::ActorId::random());
        let before = d.get_heads();
        let visit = NewVisit {
            id: Uuid::new_v4(),
            at: now_millis(),
            method: VisitMethod::DoorVisit,
            summary: "老人腿脚不便，希望加装扶手".into(),
            opinions: vec![],
            hardships: String::new(),
            answers: vec![],
            follow_up: true,
            by: self.device.steward_id,
        };
        doc::record_visit(&mut d, &visit).expect("visit");
        let change = d.get_changes(&before).into_iter().next().expect("a change").raw_bytes().to_vec();
        let mut state = automerge::sync::State::new();
        let msg = d.generate_sync_message(&mut state).map(|m| m.encode()).unwrap_or_default();
        let envelope = protocol::encode(&SyncRequest {
            v: 1,
            cursor: None,
            push: vec![DocPush {
                id: self.household,
                base: before.iter().map(|h| ByteBuf::from(h.0.to_vec())).collect(),
                data: vec![ByteBuf::from(change.clone())],
            }],
            sync: vec![],
        });
        let mut out =
            vec![[&[0u8][..], &envelope].concat(), [&[1u8][..], &change].concat(), [&[2u8][..], &msg].concat()];
        out.push([&[3u8][..], &d.save()].concat());
        out
    }
}

impl Default for FuzzWorld {
    fn default() -> Self {
        FuzzWorld::new()
    }
}

/// The sync envelope's decoder.
pub fn envelope(data: &[u8]) {
    if let Ok(req) = protocol::decode::<SyncRequest>(data) {
        let _ = protocol::check_version(req.v);
        let _ = protocol::encode(&req);
    }
}

/// The input with its chunk checksum made right, so the fuzzer reaches what lies behind the
/// checksum (a random mutation almost never keeps it valid). Inputs that are no chunk are
/// returned as they are.
pub fn with_checksum(data: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut out = data.to_vec();
    if data.len() < 10 || data[..4] != [0x85, 0x6f, 0x4a, 0x83] {
        return out;
    }
    let (mut len, mut shift, mut pos) = (0u64, 0u32, 9usize);
    loop {
        let Some(&b) = data.get(pos) else { return out };
        pos += 1;
        if shift > 56 {
            return out;
        }
        len |= u64::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    let Some(body) = usize::try_from(len).ok().and_then(|l| data.get(pos..pos.checked_add(l)?)) else { return out };
    let mut header = vec![data[8]];
    let mut l = len;
    loop {
        let b = (l & 0x7f) as u8;
        l >>= 7;
        if l == 0 {
            header.push(b);
            break;
        }
        header.push(b | 0x80);
    }
    let hash = Sha256::new().chain_update(&header).chain_update(body).finalize();
    out[4..8].copy_from_slice(&hash[..4]);
    out
}

/// The gate and, for what passes it, Automerge's own decoders behind [`gate::guard`]: once as
/// the bytes came, once with their checksum made right.
pub fn chunk_gate(data: &[u8]) {
    gate_once(data);
    let fixed = with_checksum(data);
    if fixed != data {
        gate_once(&fixed);
    }
}

fn gate_once(data: &[u8]) {
    let b = gate::Bounds::default();
    match gate::item(data, &b) {
        Ok(gate::ChunkInfo::Change(_)) => {
            let _ = gate::guard("fuzz", || automerge::Change::from_bytes(data.to_vec()).map(|c| c.hash()));
        }
        Ok(gate::ChunkInfo::Document { .. }) => {
            let _ = gate::guard("fuzz", || Automerge::load(data).map(|d| d.get_heads()));
        }
        Err(_) => {}
    }
    let _ = gate::chunks(data, &b);
    if gate::sync_message(data, &b).is_ok() {
        let _ = gate::guard("fuzz", || automerge::sync::Message::decode(data).map(|m| m.heads.len()));
    }
}

/// The whole push path. The first byte picks how the rest is sent: 0 a whole sync body, 1 one
/// change item pushed on the household over its current heads, 2 a sync-protocol message for
/// the household, 3 a document chunk pushed as a new document, 4 a change item on the issue.
pub fn push(world: &FuzzWorld, data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let heads = |id: Uuid| world.doc(id).get_heads().iter().map(|h| ByteBuf::from(h.0.to_vec())).collect();
    // Pushed items get their checksum made right, so what lies behind it is reached.
    let one = |id: Uuid, base: Vec<ByteBuf>| SyncRequest {
        v: 1,
        push: vec![DocPush { id, base, data: vec![ByteBuf::from(with_checksum(rest))] }],
        ..Default::default()
    };
    let req = match mode % 5 {
        0 => match protocol::decode::<SyncRequest>(rest) {
            Ok(r) => r,
            Err(_) => return,
        },
        1 => one(world.household, heads(world.household)),
        2 => SyncRequest {
            v: 1,
            sync: vec![SyncMessage {
                id: world.household,
                msg: Some(ByteBuf::from(rest.to_vec())),
                start: false,
                heads: None,
            }],
            ..Default::default()
        },
        3 => one(Uuid::new_v4(), vec![]),
        _ => one(world.issue, heads(world.issue)),
    };
    let _ = world.service.sync(&world.device, req);
}
