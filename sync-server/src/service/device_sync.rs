//! A device's sync (`docs/sync-protocol.md`): the fast path's pushes, the sync protocol's rounds,
//! and the checks every pushed document passes before anything of the request is stored.

use automerge::sync::{self as am_sync, SyncDoc};
use automerge::{Automerge, Change, ChangeHash, ReadDoc};
use serde_bytes::ByteBuf;
use steward_core::doc::{self, DocHeader, DocKind, Projection};
use steward_core::protocol::{DocPull, SyncMessage, SyncRequest, SyncResponse, UuidBytes, PROTOCOL_VERSION};
use steward_core::time::now_millis;
use uuid::Uuid;

use super::{make_write_with, DeviceCtx, Service, ServiceError, MAX_OPS_PER_REQUEST};
use crate::exchange;
use crate::storage::{DocMeta, DocWrite, StorageError};
use crate::{authority, gate, schema};

/// How many pushed documents are read from storage together.
const LOAD_AT_ONCE: usize = 16;

/// One chunk of a pushed payload, past the gate.
enum Chunk {
    Change(Change),
    /// A whole document, loaded once (strictly: a partial load is refused).
    Document(Box<Automerge>),
}

fn refused(doc_id: Uuid, e: gate::Refused) -> ServiceError {
    ServiceError::BadRequest(format!("document {doc_id}: {e}"))
}

/// Parses a pushed payload item strictly: the gate first (framing, checksum, bounds), then
/// Automerge, so a truncated, corrupted or crafted upload is refused rather than half-applied.
fn parse_chunk(doc_id: Uuid, bytes: &[u8], bounds: &gate::Bounds) -> Result<(Chunk, gate::ChunkInfo), ServiceError> {
    let info = gate::item(bytes, bounds).map_err(|e| refused(doc_id, e))?;
    let chunk = gate::guard("a payload item", || match &info {
        gate::ChunkInfo::Change(_) => Change::from_bytes(bytes.to_vec())
            .map(Chunk::Change)
            .map_err(|e| format!("a payload item is not an Automerge change: {e}")),
        gate::ChunkInfo::Document { .. } => Automerge::load_with_options(
            bytes,
            automerge::LoadOptions::new().on_partial_load(automerge::OnPartialLoad::Error),
        )
        .map(|d| Chunk::Document(Box::new(d)))
        .map_err(|e| format!("a payload item is not an Automerge document: {e}")),
    })
    .map_err(|e| refused(doc_id, e))?
    .map_err(|m| ServiceError::BadRequest(format!("document {doc_id}: {m}")))?;
    Ok((chunk, info))
}

fn change_infos(infos: &[gate::ChunkInfo]) -> Vec<gate::ChangeInfo> {
    infos.iter().filter_map(|i| if let gate::ChunkInfo::Change(c) = i { Some(c.clone()) } else { None }).collect()
}

/// Checks a device's version of a document before it is stored: what it is and where it
/// belongs (unchanged, or for a new document the steward's own), that it reads as its kind, and
/// that the steward may write what changed ([`authority`]).
fn validate(
    device: &DeviceCtx,
    id: Uuid,
    existing: Option<&DocMeta>,
    before: Option<&Projection>,
    candidate: &Automerge,
    written: schema::Written<'_>,
) -> Result<(DocHeader, Projection), String> {
    if existing.is_some_and(|m| m.kind == DocKind::Compound) {
        return Err("a steward cannot change compound settings".into());
    }
    let h = check_header(device, id, existing, candidate)?;
    if device.temporary && h.kind != DocKind::Campaign {
        return Err("a temporary steward (临时红色管家) only answers the campaign's tasks".into());
    }
    schema::check(candidate, h.kind, written)?;
    let projection = doc::project(candidate).map_err(|e| e.to_string())?;
    authority::steward_may_write(device.steward_id, before, &projection)?;
    Ok((h, projection))
}

/// What a document is and where it belongs, after a push, whoever wrote its changes (the
/// server's own changes handed back too): the id pushed under, and what is stored unchanged —
/// or for a new document, the steward's own compound and the steward.
fn check_header(
    device: &DeviceCtx,
    id: Uuid,
    existing: Option<&DocMeta>,
    candidate: &Automerge,
) -> Result<DocHeader, String> {
    let h = doc::header(candidate).map_err(|e| e.to_string())?;
    if h.id != id {
        return Err(format!("the changes belong to document {}, not {id}", h.id));
    }
    match existing {
        Some(m) => {
            if h.kind != m.kind || h.compound_id != m.compound_id {
                return Err("a change may not alter what a document is or where it belongs".into());
            }
            if h.steward_id != m.steward_id {
                return Err("only a supervisor can reassign a document".into());
            }
        }
        None => {
            if h.kind == DocKind::Compound {
                return Err("a steward cannot create compound settings".into());
            }
            if h.compound_id != device.compound_id || h.steward_id != Some(device.steward_id) {
                return Err("a new document must belong to the steward's own compound and to the steward".into());
            }
        }
    }
    Ok(h)
}

/// Operations and changes one document may hold in all, its history included: a phone could
/// otherwise grow a document without end by overwriting one field again and again (the state
/// shows one value; every load pays for all of them). A household of ten years of the program
/// holds a few ten thousand operations.
const MAX_DOC_OPS: u64 = 200_000;
const MAX_DOC_CHANGES: u64 = 20_000;

fn within_size(doc_id: Uuid, doc: &Automerge) -> Result<(), ServiceError> {
    let stats = doc.stats();
    if stats.num_ops > MAX_DOC_OPS || stats.num_changes > MAX_DOC_CHANGES {
        return Err(ServiceError::Unprocessable {
            message: format!(
                "a document's changes were refused: the document would hold {} operations in {} changes (at most \
                 {MAX_DOC_OPS} and {MAX_DOC_CHANGES})",
                stats.num_ops, stats.num_changes
            ),
            docs: vec![doc_id],
        });
    }
    Ok(())
}

/// Bytes one document may take in storage, its history included (a household of ten years of
/// visits is well under a megabyte): operations alone do not bound it, since each may carry a
/// long text that a later one overwrites.
const MAX_DOC_BYTES: u64 = 8 * 1024 * 1024;

fn within_bytes(doc_id: Uuid, stored: u64, write: &DocWrite) -> Result<(), ServiceError> {
    let new: u64 = write.changes.iter().map(|(_, b)| b.len() as u64).sum();
    if stored.saturating_add(new) > MAX_DOC_BYTES {
        return Err(ServiceError::Unprocessable {
            message: format!(
                "a document's changes were refused: the document would take {} bytes (at most {MAX_DOC_BYTES})",
                stored.saturating_add(new)
            ),
            docs: vec![doc_id],
        });
    }
    Ok(())
}

/// Adds a payload's operations to the request's count; a request past the bound is refused.
fn count_ops(ops: &mut u64, infos: &[gate::ChunkInfo]) -> Result<(), ServiceError> {
    *ops = ops.saturating_add(infos.iter().map(gate::ChunkInfo::ops).sum());
    if *ops > MAX_OPS_PER_REQUEST {
        return Err(ServiceError::BadRequest(format!(
            "more than {MAX_OPS_PER_REQUEST} operations in one request: send fewer documents at a time"
        )));
    }
    Ok(())
}

/// The write of a judged document, by either path: its new changes stored under the hashes they
/// came with ([`canonical`]) and within the document's byte bound.
#[allow(clippy::too_many_arguments)]
fn checked_write(
    id: Uuid,
    header: DocHeader,
    expected: Option<i64>,
    candidate: &Automerge,
    before: &[ChangeHash],
    projection: Projection,
    fresh: &[ChangeHash],
    stored_bytes: u64,
) -> Result<DocWrite, ServiceError> {
    let write = gate::guard("the changes", || make_write_with(header, expected, candidate, before, projection))
        .map_err(|e| refused(id, e))??;
    canonical(id, fresh, &write)?;
    within_bytes(id, stored_bytes, &write)?;
    Ok(write)
}

/// The pushed changes the document does not hold yet.
fn unknown_changes(doc: &Automerge, changes: &[gate::ChangeInfo]) -> Vec<ChangeHash> {
    changes.iter().filter(|c| doc.get_change_meta_by_hash(&c.hash).is_none()).map(|c| c.hash).collect()
}

/// Every new pushed change must be stored under the hash it was pushed with. The server stores
/// changes as Automerge re-encodes them; a change in a valid but non-canonical encoding would be
/// stored under another hash, and a change depending on its pushed hash would then miss its
/// dependency for good.
fn canonical(doc_id: Uuid, fresh: &[ChangeHash], write: &DocWrite) -> Result<(), ServiceError> {
    let written: std::collections::HashSet<&ChangeHash> = write.changes.iter().map(|(h, _)| h).collect();
    if fresh.iter().any(|h| !written.contains(h)) {
        return Err(not_canonical(doc_id));
    }
    Ok(())
}

fn not_canonical(doc_id: Uuid) -> ServiceError {
    ServiceError::BadRequest(format!(
        "document {doc_id}: a change is not in Automerge's canonical encoding (its hash changes when \
         Automerge writes it again): send changes as Automerge encodes them"
    ))
}

/// The projection of a stored document, for the authority check: the read model's copy when
/// there is one (written with the document), else read from the document. A stored document
/// that no longer reads (a newer schema) cannot be judged, so the push is refused.
fn stored_projection(doc: &Automerge, json: Option<&str>, id: Uuid) -> Result<Projection, ServiceError> {
    if let Some(p) = json.and_then(|j| serde_json::from_str::<Projection>(j).ok()) {
        return Ok(p);
    }
    gate::guard("the stored document", || doc::project(doc))
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map_err(|e| ServiceError::Unprocessable {
            message: format!("the stored document does not read as its kind: {e}"),
            docs: vec![id],
        })
}

impl Service {
    pub(super) fn try_sync(&self, device: &DeviceCtx, req: &SyncRequest) -> Result<SyncResponse, ServiceError> {
        if !req.push.is_empty() {
            steward_core::faults::crash_point("sync-received");
        }
        let mut writes = Vec::new();
        let mut need_sync = Vec::new();
        let mut forbidden = Vec::new();
        let mut invalid: Vec<(Uuid, String)> = Vec::new();
        let mut exclude: Vec<ChangeHash> = Vec::new();
        let mut ops: u64 = 0;

        // The pushed documents are read a few at a time, each few in one go (one round trip to a
        // database across a network, not one a document).
        for pushes in req.push.chunks(LOAD_AT_ONCE) {
            let ids: Vec<Uuid> = pushes.iter().map(|p| p.id).collect();
            for (push, loaded) in pushes.iter().zip(self.storage.load_docs(&ids)?) {
                let meta = loaded.as_ref().map(|l| l.meta);
                if let Some(m) = &meta {
                    if !device.may_access(m) {
                        forbidden.push(push.id);
                        continue;
                    }
                }
                let mut base = Vec::with_capacity(push.base.len());
                for b in &push.base {
                    base.push(ChangeHash::try_from(b.as_slice()).map_err(|_| {
                        ServiceError::BadRequest(format!(
                            "document {}: a base head is not a 32-byte change hash",
                            push.id
                        ))
                    })?);
                }
                let mut chunks = Vec::with_capacity(push.data.len());
                let mut infos = Vec::with_capacity(push.data.len());
                for d in &push.data {
                    let (chunk, info) = parse_chunk(push.id, d, &self.bounds)?;
                    chunks.push(chunk);
                    infos.push(info);
                }
                count_ops(&mut ops, &infos)?;
                let changes = change_infos(&infos);
                let chunk_hashes: Vec<ChangeHash> = changes.iter().map(|c| c.hash).collect();
                let (mut candidate, expected, stored_json, stored_bytes) = match loaded {
                    Some(l) => (l.doc, Some(l.last_seq), l.projection_json, l.stored_bytes),
                    None => (Automerge::new(), None, None, 0),
                };
                if base.iter().any(|h| candidate.get_change_meta_by_hash(h).is_none()) {
                    if let Some(owner) = self.wrong_document(push.id, &base, &chunk_hashes)? {
                        invalid.push((push.id, format!("the changes belong to document {owner}, not {}", push.id)));
                        continue;
                    }
                    // The server lacks what the device builds on (restored from backup, or never had
                    // it): reconcile with the sync protocol instead.
                    need_sync.push(UuidBytes(push.id));
                    continue;
                }
                gate::continues_history(&candidate, &changes).map_err(|e| refused(push.id, e))?;
                let fresh = unknown_changes(&candidate, &changes);
                let before_projection = match &meta {
                    Some(_) => Some(stored_projection(&candidate, stored_json.as_deref(), push.id)?),
                    None => None,
                };
                let before = candidate.get_heads();
                let pushed_changes: Option<Vec<Change>> =
                    chunks.iter().map(|c| if let Chunk::Change(c) = c { Some(c.clone()) } else { None }).collect();
                // Whole documents first, then every change at once: applied one at a time, many
                // tiny changes cost time quadratic in their number.
                let mut batch = Vec::with_capacity(chunks.len());
                for chunk in chunks {
                    match chunk {
                        Chunk::Change(c) => {
                            exclude.push(c.hash());
                            batch.push(c);
                        }
                        Chunk::Document(mut loaded) => {
                            if candidate.get_heads().is_empty() {
                                // A new document: the one already loaded is it.
                                candidate = *loaded;
                            } else {
                                gate::guard("the document", || candidate.merge(&mut loaded))
                                    .map_err(|e| refused(push.id, e))?
                                    .map_err(|e| {
                                        ServiceError::BadRequest(format!(
                                            "document {}: it does not merge: {e}",
                                            push.id
                                        ))
                                    })?;
                            }
                        }
                    }
                }
                if !batch.is_empty() {
                    if candidate.get_heads() != before {
                        // A whole document came with the changes: check the changes' history again
                        // against what it brought (their dependencies may be in it).
                        gate::continues_history(&candidate, &changes).map_err(|e| refused(push.id, e))?;
                    }
                    gate::guard("the changes", || candidate.apply_changes(batch))
                        .map_err(|e| refused(push.id, e))?
                        .map_err(|e| {
                            ServiceError::BadRequest(format!("document {}: changes do not apply: {e}", push.id))
                        })?;
                }
                within_size(push.id, &candidate)?;
                let missing =
                    gate::guard("the changes", || candidate.get_missing_deps(&[])).map_err(|e| refused(push.id, e))?;
                if !missing.is_empty() {
                    if let Some(owner) = self.wrong_document(push.id, &missing, &chunk_hashes)? {
                        invalid.push((push.id, format!("the changes belong to document {owner}, not {}", push.id)));
                        continue;
                    }
                    need_sync.push(UuidBytes(push.id));
                    continue;
                }
                if candidate.get_heads() == before {
                    // Nothing new (a repeat): nothing to check or store.
                    continue;
                }
                let checked = gate::guard("the document", || {
                    self.judge(
                        device,
                        push.id,
                        meta.as_ref(),
                        before_projection.as_ref(),
                        &candidate,
                        &before,
                        &infos,
                        pushed_changes.as_deref(),
                    )
                })
                .map_err(|e| refused(push.id, e))?;
                let (header, projection) = match checked {
                    Ok(v) => v,
                    Err(why) => {
                        invalid.push((push.id, why));
                        continue;
                    }
                };
                let write =
                    checked_write(push.id, header, expected, &candidate, &before, projection, &fresh, stored_bytes)?;
                exclude.extend(write.changes.iter().map(|(h, _)| *h));
                if !write.changes.is_empty() {
                    writes.push(write);
                }
            }
        }
        if !forbidden.is_empty() {
            return Err(ServiceError::Forbidden {
                message: "these documents are not this steward's: they may have been reassigned".into(),
                docs: forbidden,
            });
        }
        if let Some((_, why)) = invalid.first() {
            return Err(ServiceError::Unprocessable {
                message: format!("a document's changes were refused: {why}"),
                docs: invalid.iter().map(|(id, _)| *id).collect(),
            });
        }

        let mut replies = Vec::new();
        let mut new_states = Vec::new();
        for m in &req.sync {
            let loaded = self.storage.load_doc(m.id)?;
            let meta = loaded.as_ref().map(|l| l.meta);
            if let Some(meta) = &meta {
                if !device.may_read(meta) {
                    return Err(ServiceError::Forbidden {
                        message: "this document is not this steward's".into(),
                        docs: vec![m.id],
                    });
                }
            }
            let (mut candidate, expected, stored_json, stored_bytes) = match loaded {
                Some(l) => (l.doc, Some(l.last_seq), l.projection_json, l.stored_bytes),
                None => (Automerge::new(), None, None, 0),
            };
            let key = (device.device_id, m.id);
            let mut ex = self.exchanges.get(key, m.start);
            let before = candidate.get_heads();
            let mut before_projection = None;
            // What this round brings: the changes held from earlier rounds, then the message's.
            let mut infos: Vec<gate::ChunkInfo> =
                ex.held.iter().map(|h| gate::ChunkInfo::Change(h.info.clone())).collect();
            let mut incoming: Vec<exchange::Held> = Vec::new();
            let mut message = None;
            if let Some(bytes) = &m.msg {
                let got = gate::sync_message(bytes, &self.bounds).map_err(|e| refused(m.id, e))?;
                count_ops(&mut ops, &got)?;
                let decoded = gate::guard("the sync message", || {
                    am_sync::Message::decode(bytes).map_err(|e| {
                        ServiceError::BadRequest(format!("document {}: the sync message does not decode: {e}", m.id))
                    })
                })
                .map_err(|e| refused(m.id, e))??;
                // Change chunks are what may wait for a dependency; a document chunk holds its
                // whole history. A V2 message carries its changes as one item of chunks.
                for item in decoded.changes.iter() {
                    for (raw, info) in gate::split(item, &self.bounds).map_err(|e| refused(m.id, e))? {
                        let gate::ChunkInfo::Change(info) = info else { continue };
                        let parsed = gate::guard("the sync message", || Change::from_bytes(raw.to_vec()).ok())
                            .map_err(|e| refused(m.id, e))?;
                        if let Some(change) = parsed {
                            incoming.push(exchange::Held { change, info });
                        }
                    }
                }
                infos.extend(got);
                message = Some(decoded);
            }
            let changes = change_infos(&infos);
            gate::continues_history(&candidate, &changes).map_err(|e| refused(m.id, e))?;
            let mut fresh = unknown_changes(&candidate, &changes);
            if meta.is_some() && !infos.is_empty() {
                before_projection = Some(stored_projection(&candidate, stored_json.as_deref(), m.id)?);
            }
            let held: Vec<Change> = ex.held.iter().map(|h| h.change.clone()).collect();
            gate::guard("the sync message", || {
                if !held.is_empty() {
                    candidate.apply_changes(held).map_err(|e| {
                        ServiceError::BadRequest(format!("document {}: held changes do not apply: {e}", m.id))
                    })?;
                }
                match message {
                    Some(msg) => candidate.receive_sync_message(&mut ex.state, msg).map_err(|e| {
                        ServiceError::BadRequest(format!("document {}: the sync message does not apply: {e}", m.id))
                    }),
                    None => Ok(()),
                }
            })
            .map_err(|e| refused(m.id, e))??;
            // Hold what still waits for a dependency for the next round (bug: dropped, a change
            // sent once after a bloom filter's false positive was never sent again).
            let mut waiting: Vec<exchange::Held> = Vec::new();
            for h in ex.held.drain(..).chain(incoming) {
                if candidate.get_change_meta_by_hash(&h.info.hash).is_some()
                    || waiting.iter().any(|w| w.info.hash == h.info.hash)
                {
                    continue;
                }
                if h.info.deps.iter().all(|d| candidate.get_change_meta_by_hash(d).is_some()) {
                    // Its dependencies are here, so Automerge applied it, under another hash.
                    return Err(not_canonical(m.id));
                }
                waiting.push(h);
            }
            ex.held = waiting;
            fresh.retain(|h| !ex.held.iter().any(|w| w.info.hash == *h));
            if candidate.get_heads() != before {
                within_size(m.id, &candidate)?;
                let (header, projection) = gate::guard("the document", || {
                    self.judge(
                        device,
                        m.id,
                        meta.as_ref(),
                        before_projection.as_ref(),
                        &candidate,
                        &before,
                        &infos,
                        None,
                    )
                })
                .map_err(|e| refused(m.id, e))?
                .map_err(|why| ServiceError::Unprocessable {
                    message: format!("a document's changes were refused: {why}"),
                    docs: vec![m.id],
                })?;
                let write =
                    checked_write(m.id, header, expected, &candidate, &before, projection, &fresh, stored_bytes)?;
                exclude.extend(write.changes.iter().map(|(h, _)| *h));
                writes.push(write);
            }
            let reply = gate::guard("the sync answer", || candidate.generate_sync_message(&mut ex.state))
                .map_err(|e| refused(m.id, e))?;
            replies.push(SyncMessage {
                id: m.id,
                msg: reply.map(|r| ByteBuf::from(r.encode())),
                start: false,
                heads: Some(candidate.get_heads().iter().map(|h| ByteBuf::from(h.0.to_vec())).collect()),
            });
            new_states.push((key, ex));
        }

        if !writes.is_empty() {
            let outgrown = self.storage.commit(&writes, now_millis()).map_err(|e| match e {
                StorageError::Conflict(_) => ServiceError::Conflict("retry".into()),
                e => e.into(),
            })?;
            steward_core::faults::crash_point("sync-committed");
            for id in outgrown {
                if let Err(e) = self.storage.compact(id) {
                    tracing::error!(doc = %id, error = %e, "compaction failed; increments kept");
                }
            }
        }
        for (key, ex) in new_states {
            self.exchanges.put(key, ex);
        }

        let feed = self.storage.feed(device.steward_id, device.compound_id, req.cursor.as_deref(), &exclude)?;
        for id in feed.resync {
            if !need_sync.contains(&UuidBytes(id)) {
                need_sync.push(UuidBytes(id));
            }
        }
        Ok(SyncResponse {
            v: PROTOCOL_VERSION,
            cursor: feed.cursor,
            need_sync,
            pull: feed
                .docs
                .into_iter()
                .map(|d| DocPull { id: d.id, data: d.data.into_iter().map(ByteBuf::from).collect() })
                .collect(),
            sync: replies,
            revoked: feed.revoked.into_iter().map(UuidBytes).collect(),
            resync: feed.unknown_cursor,
        })
    }

    /// Checks what a phone's push changed in one document ([`validate`]). Changes written by
    /// this server ([`Service::is_server_change`]) pass as they are — a phone hands them back
    /// after a restore from backup — and the phone's own are judged run by run, in causal order,
    /// on the document as each run leaves it; what the document is and where it belongs is
    /// checked in every case.
    fn judge(
        &self,
        device: &DeviceCtx,
        id: Uuid,
        meta: Option<&DocMeta>,
        before: Option<&Projection>,
        candidate: &Automerge,
        before_heads: &[ChangeHash],
        pushed: &[gate::ChunkInfo],
        changes: Option<&[Change]>,
    ) -> Result<(DocHeader, Projection), String> {
        // The pushed changes when all of them are changes, else a diff since the stored heads.
        let written = || match changes {
            Some(c) => schema::Written::Changes(c),
            None => schema::Written::Since(before_heads),
        };
        // The common case, read off the gate's headers: only the phone's own changes.
        let own = |i: &gate::ChunkInfo| match i {
            gate::ChunkInfo::Change(c) => !self.is_server_change(&c.hash),
            gate::ChunkInfo::Document { .. } => false,
        };
        if pushed.iter().all(own) {
            return validate(device, id, meta, before, candidate, written());
        }
        let new = candidate.get_changes(before_heads);
        if !new.iter().any(|c| self.is_server_change(&c.hash())) {
            return validate(device, id, meta, before, candidate, written());
        }
        let mut step = candidate.fork_at(before_heads).map_err(|e| e.to_string())?;
        let mut judged = before.cloned();
        let mut i = 0;
        while i < new.len() {
            let server = self.is_server_change(&new[i].hash());
            let run = new[i..].iter().take_while(|c| self.is_server_change(&c.hash()) == server).count();
            let run_before = step.get_heads();
            step.apply_changes(new[i..i + run].iter().cloned()).map_err(|e| e.to_string())?;
            judged = Some(if server {
                doc::project(&step).map_err(|e| e.to_string())?
            } else {
                validate(device, id, meta, judged.as_ref(), &step, schema::Written::Since(&run_before))?.1
            });
            i += run;
        }
        let header = check_header(device, id, meta, candidate)?;
        let projection = doc::project(candidate).map_err(|e| e.to_string())?;
        Ok((header, projection))
    }

    /// Another document that already holds the base or the changes pushed under `id`: then
    /// the payload was meant for that document, not a sign that this server lost history.
    fn wrong_document(
        &self,
        id: Uuid,
        base: &[ChangeHash],
        changes: &[ChangeHash],
    ) -> Result<Option<Uuid>, ServiceError> {
        let hashes: Vec<ChangeHash> = base.iter().chain(changes).copied().collect();
        Ok(self.storage.docs_holding(&hashes, id)?.into_iter().next())
    }
}
