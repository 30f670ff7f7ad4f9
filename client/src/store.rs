//! The device store: Automerge documents persisted in SQLite, with a relational projection.
//!
//! Every user action is one Automerge transaction. Its change bytes, a row in `pending` and the
//! rewritten projection of that document are written in one SQLite transaction, so a process
//! killed at any moment either has the whole edit or none of it, and the projection always
//! agrees with the documents.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use automerge::sync::{self as am_sync, SyncDoc};
use automerge::{ActorId, Automerge, ChangeHash, ReadDoc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use steward_core::doc::{self, DocHeader, DocKind, Projection};
use steward_core::protocol::{DocPush, SyncRequest, SyncResponse, PROTOCOL_VERSION};
use steward_core::time::{now_millis, Millis, ProgramZone};
use uuid::Uuid;

use crate::projection;
use crate::StoreError;

/// Increments after which a document's changes are folded into a new snapshot.
const COMPACT_AFTER_CHANGES: i64 = 64;

/// Who this device is, once enrolled.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub server_url: String,
    /// The bearer token. Secret: not serialised (so never sent to the UI) and redacted in `Debug`.
    #[serde(skip_serializing)]
    pub device_token: String,
    pub device_id: Uuid,
    pub steward_id: Uuid,
    pub steward_name: String,
    pub compound_id: Uuid,
    pub compound_name: String,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("server_url", &self.server_url)
            .field("device_token", &"<redacted>")
            .field("device_id", &self.device_id)
            .field("steward_id", &self.steward_id)
            .field("compound_id", &self.compound_id)
            .finish_non_exhaustive()
    }
}

/// Where this device's sync stands, for the badge on every screen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// Local edits the server has not acknowledged yet.
    pub pending_changes: u32,
    /// When a sync last succeeded.
    pub last_success_at: Option<Millis>,
    /// The last sync error, in words; cleared by the next success.
    pub last_error: Option<String>,
    /// The last sync error's code (`SyncError::code`), for the UI to put in the steward's words.
    pub last_error_code: Option<String>,
    /// Documents the server refused, with its reason.
    pub rejected: Vec<(Uuid, String)>,
}

/// What a prepared sync request pushed, so its acknowledgement can be applied exactly.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    pushed: HashMap<Uuid, PushedDoc>,
    /// The enrolment it was prepared under: an answer arriving after a sign-out (or a new
    /// enrolment) must not write the old steward's documents or cursor into the store.
    device: Option<Uuid>,
}

impl Prepared {
    /// Nothing pushed, for answers to the standard sync protocol under `device`'s enrolment.
    pub fn nothing_pushed(device: Uuid) -> Prepared {
        Prepared { pushed: HashMap::new(), device: Some(device) }
    }
}

#[derive(Debug, Clone)]
struct PushedDoc {
    heads: Vec<ChangeHash>,
    last_pending_seq: i64,
}

/// What applying a sync response did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// Documents to reconcile with the standard sync protocol.
    pub need_sync: Vec<Uuid>,
    /// Documents that received changes from the server.
    pub updated: Vec<Uuid>,
}

/// The device store. One per device; not shared between processes.
pub struct Store {
    conn: Connection,
    actor: ActorId,
    docs: HashMap<Uuid, Automerge>,
    zone: ProgramZone,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("docs_loaded", &self.docs.len()).finish_non_exhaustive()
    }
}

/// Heads as stored: concatenated 32-byte hashes.
pub(crate) fn encode_heads(heads: &[ChangeHash]) -> Vec<u8> {
    heads.iter().flat_map(|h| h.0).collect()
}

pub(crate) fn decode_heads(bytes: &[u8]) -> Result<Vec<ChangeHash>, StoreError> {
    if bytes.len() % 32 != 0 {
        return Err(StoreError::Corrupt("stored heads are not whole hashes".into()));
    }
    Ok(bytes.chunks(32).map(|c| ChangeHash(c.try_into().expect("32-byte chunk"))).collect())
}

impl Store {
    /// Opens (or creates) the store at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        // WAL keeps readers and the writer apart; FULL makes a committed edit survive power loss
        // as well as a killed app, which matters on old phones whose batteries die.
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;",
        )?;
        conn.execute_batch(include_str!("schema.sql"))?;
        let actor = match get_meta(&conn, "actor")? {
            Some(hex_actor) => ActorId::try_from(hex_actor.as_str())
                .map_err(|_| StoreError::Corrupt("stored actor id is not hex".into()))?,
            None => {
                let actor = ActorId::random();
                set_meta(&conn, "actor", &actor.to_hex_string())?;
                actor
            }
        };
        let zone = match get_meta(&conn, "time_zone")? {
            Some(z) => ProgramZone::parse(&z)?,
            None => ProgramZone::default(),
        };
        let mut store = Store { conn, actor, docs: HashMap::new(), zone };
        store.reproject_if_older()?;
        Ok(store)
    }

    /// Rewrites every projection table from the documents when they were written by an app
    /// whose tables differ ([`projection::VERSION`]): the documents are the truth, so an
    /// updated app shows what an older one stored (an issue's origin, a meeting) without a sync.
    fn reproject_if_older(&mut self) -> Result<(), StoreError> {
        if get_meta(&self.conn, "projection")?.as_deref() == Some(projection::VERSION) {
            return Ok(());
        }
        let ids: Vec<Uuid> = {
            let mut stmt = self.conn.prepare("SELECT id FROM docs")?;
            let ids = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            ids.iter().filter_map(|s| Uuid::parse_str(s).ok()).collect()
        };
        let mut docs = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(d) = self.read_doc(id)? {
                docs.push((id, d));
            }
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(projection::DROP_TABLES)?;
        tx.execute_batch(include_str!("schema.sql"))?;
        for (id, d) in &docs {
            write_projection_or_set_aside(&tx, *id, d)?;
        }
        tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('projection', ?1)", [projection::VERSION])?;
        tx.commit()?;
        Ok(())
    }

    /// The program's time zone on this device.
    pub fn zone(&self) -> ProgramZone {
        self.zone
    }

    /// Sets the program's time zone (from the server at enrolment).
    pub fn set_time_zone(&mut self, name: &str) -> Result<(), StoreError> {
        self.zone = ProgramZone::parse(name)?;
        set_meta(&self.conn, "time_zone", self.zone.name())
    }

    /// The device's Automerge actor.
    pub fn actor(&self) -> &ActorId {
        &self.actor
    }

    /// The raw connection, for the read queries in [`crate::queries`].
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    // -- identity ------------------------------------------------------------------------------

    /// The enrolled identity, if any.
    pub fn identity(&self) -> Result<Option<Identity>, StoreError> {
        let Some(json) = get_meta(&self.conn, "identity")? else {
            return Ok(None);
        };
        // `set_identity` stores the token too; `Identity` skips it only when serialised for the UI.
        let identity = serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("stored identity: {e}")))?;
        Ok(Some(identity))
    }

    /// Records the identity received at enrolment. A new enrolment starts its sync from the
    /// beginning: no cursor or sync outcome of an earlier one is kept. Refused while the store is
    /// enrolled: one steward's households must never end up under another's identity.
    pub fn set_identity(&mut self, identity: &Identity) -> Result<(), StoreError> {
        if self.identity()?.is_some() {
            return Err(StoreError::AlreadyEnrolled);
        }
        let mut v = serde_json::to_value(identity).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        v["device_token"] = serde_json::Value::String(identity.device_token.clone());
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM meta WHERE key IN ('cursor', 'last_success_at', 'last_error', 'last_error_code')", [])?;
        set_meta(&tx, "identity", &v.to_string())?;
        tx.commit()?;
        Ok(())
    }

    /// Fails unless the store is still enrolled as `device`: work begun before a sign-out or a
    /// new enrolment must not land in the store afterwards.
    pub fn check_device(&self, device: Uuid) -> Result<(), StoreError> {
        match self.identity()? {
            Some(i) if i.device_id == device => Ok(()),
            _ => Err(StoreError::NotEnrolled),
        }
    }

    /// Forgets the identity and every document (sign out). Refuses while edits are waiting,
    /// unless `discard_unsynced`.
    pub fn sign_out(&mut self, discard_unsynced: bool) -> Result<(), StoreError> {
        let pending = self.pending_count()?;
        if pending > 0 && !discard_unsynced {
            return Err(StoreError::UnsyncedChanges(pending));
        }
        self.docs.clear();
        self.conn.execute_batch(
            "BEGIN IMMEDIATE;
             DELETE FROM docs; DELETE FROM doc_changes; DELETE FROM pending; DELETE FROM reconcile;
             DELETE FROM households; DELETE FROM visits; DELETE FROM must_visits; DELETE FROM timely;
             DELETE FROM issues; DELETE FROM issue_events; DELETE FROM plan_items; DELETE FROM compounds;
             DELETE FROM meetings; DELETE FROM campaigns; DELETE FROM teams; DELETE FROM drafts;
             DELETE FROM meta WHERE key IN ('identity', 'cursor', 'last_success_at', 'last_error', 'last_error_code');
             COMMIT;",
        )?;
        Ok(())
    }

    // -- documents -----------------------------------------------------------------------------

    fn read_doc(&self, id: Uuid) -> Result<Option<Automerge>, StoreError> {
        let snapshot: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT snapshot FROM docs WHERE id = ?1", [id.to_string()], |r| r.get(0))
            .optional()?;
        let Some(snapshot) = snapshot else {
            return Ok(None);
        };
        let mut doc = Automerge::load(&snapshot).map_err(|e| StoreError::Corrupt(format!("document {id}: {e}")))?;
        let mut stmt = self.conn.prepare_cached("SELECT data FROM doc_changes WHERE doc_id = ?1 ORDER BY seq")?;
        let mut rows = stmt.query([id.to_string()])?;
        let mut buf = Vec::new();
        while let Some(row) = rows.next()? {
            buf.extend_from_slice(row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?);
        }
        if !buf.is_empty() {
            doc.load_incremental(&buf).map_err(|e| StoreError::Corrupt(format!("document {id}: {e}")))?;
        }
        Ok(Some(doc.with_actor(self.actor.clone())))
    }

    /// The document, loaded into the cache on first use.
    pub(crate) fn doc(&mut self, id: Uuid) -> Result<&mut Automerge, StoreError> {
        if !self.docs.contains_key(&id) {
            let doc = self.read_doc(id)?.ok_or_else(|| StoreError::NotFound(format!("document {id}")))?;
            self.docs.insert(id, doc);
        }
        Ok(self.docs.get_mut(&id).expect("just inserted"))
    }

    /// Reads a document's records.
    pub fn project(&mut self, id: Uuid) -> Result<Projection, StoreError> {
        Ok(doc::project(self.doc(id)?)?)
    }

    /// Whether the store has a document.
    pub fn has_doc(&self, id: Uuid) -> Result<bool, StoreError> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM docs WHERE id = ?1", [id.to_string()], |r| r.get::<_, i64>(0))?
            > 0)
    }

    /// Stores a document created on this device (a reported issue, a new plan) as a local edit.
    pub fn insert_new_doc(&mut self, mut new: Automerge, what: &str) -> Result<Uuid, StoreError> {
        let header = doc::header(&new)?;
        if self.has_doc(header.id)? {
            return Err(StoreError::Invalid(format!("document {} already exists", header.id)));
        }
        new.set_actor(self.actor.clone());
        let projection = doc::project(&new)?;
        let snapshot = new.save();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO docs (id, kind, snapshot) VALUES (?1, ?2, ?3)",
            params![header.id.to_string(), header.kind.as_code(), snapshot],
        )?;
        tx.execute(
            "INSERT INTO pending (doc_id, what, at) VALUES (?1, ?2, ?3)",
            params![header.id.to_string(), what, now_millis()],
        )?;
        projection::write(&tx, &projection)?;
        tx.commit()?;
        self.docs.insert(header.id, new);
        Ok(header.id)
    }

    /// Applies one user action to a document: one Automerge change, persisted with its
    /// projection in one SQLite transaction. On any error nothing is kept.
    pub fn edit<F>(&mut self, id: Uuid, what: &str, f: F) -> Result<(), StoreError>
    where
        F: FnOnce(&mut Automerge) -> Result<(), steward_core::Error>,
    {
        let doc = self.doc(id)?;
        let before = doc.get_heads();
        if let Err(e) = f(doc) {
            // An action of several steps may have committed some before failing: drop the
            // in-memory document so the next read is the disk's, where none of them are.
            if doc.get_heads() != before {
                self.docs.remove(&id);
            }
            return Err(e.into());
        }
        let changes: Vec<u8> = doc.save_after(&before);
        if changes.is_empty() {
            return Ok(());
        }
        let projection = match doc::project(doc) {
            Ok(p) => p,
            Err(e) => {
                self.docs.remove(&id);
                return Err(e.into());
            }
        };
        let result = (|| -> Result<(), StoreError> {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute("INSERT INTO doc_changes (doc_id, data) VALUES (?1, ?2)", params![id.to_string(), changes])?;
            tx.execute(
                "INSERT INTO pending (doc_id, what, at) VALUES (?1, ?2, ?3)",
                params![id.to_string(), what, now_millis()],
            )?;
            projection::write(&tx, &projection)?;
            tx.commit()?;
            Ok(())
        })();
        if let Err(e) = result {
            // The in-memory document is ahead of the disk: drop it so the next read is the truth.
            self.docs.remove(&id);
            return Err(e);
        }
        self.maybe_compact(id)?;
        Ok(())
    }

    /// Folds a document's increments into a new snapshot once they are many. The snapshot is
    /// written and the increments deleted in one transaction.
    fn maybe_compact(&mut self, id: Uuid) -> Result<(), StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM doc_changes WHERE doc_id = ?1")?
            .query_row([id.to_string()], |r| r.get(0))?;
        if n < COMPACT_AFTER_CHANGES {
            return Ok(());
        }
        let doc = self.doc(id)?;
        if !doc.get_missing_deps(&[]).is_empty() {
            // Changes waiting for their dependencies live only in the increments; keep them.
            return Ok(());
        }
        let snapshot = doc.save();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let max_seq: i64 =
            tx.query_row("SELECT MAX(seq) FROM doc_changes WHERE doc_id = ?1", [id.to_string()], |r| r.get(0))?;
        tx.execute("UPDATE docs SET snapshot = ?2 WHERE id = ?1", params![id.to_string(), snapshot])?;
        tx.execute("DELETE FROM doc_changes WHERE doc_id = ?1 AND seq <= ?2", params![id.to_string(), max_seq])?;
        steward_core::faults::crash_point("device-compact-before-commit");
        tx.commit()?;
        Ok(())
    }

    // -- sync ----------------------------------------------------------------------------------

    /// Local edits not yet acknowledged by the server.
    pub fn pending_count(&self) -> Result<u32, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM pending p JOIN docs d ON d.id = p.doc_id WHERE d.rejected IS NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// The sync state for the badge.
    pub fn sync_status(&self) -> Result<SyncStatus, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id, rejected FROM docs WHERE rejected IS NOT NULL")?;
        let rejected = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .filter_map(|r| r.ok())
            .filter_map(|(id, why)| Uuid::parse_str(&id).ok().map(|id| (id, why)))
            .collect();
        Ok(SyncStatus {
            pending_changes: self.pending_count()?,
            last_success_at: get_meta(&self.conn, "last_success_at")?.and_then(|s| s.parse().ok()),
            last_error: get_meta(&self.conn, "last_error")?,
            last_error_code: get_meta(&self.conn, "last_error_code")?,
            rejected,
        })
    }

    /// Records the outcome of a sync attempt: `None` for success, else the error's code and words.
    pub fn record_sync_result(&mut self, error: Option<(&str, &str)>) -> Result<(), StoreError> {
        match error {
            None => {
                set_meta(&self.conn, "last_success_at", &now_millis().to_string())?;
                self.conn.execute("DELETE FROM meta WHERE key IN ('last_error', 'last_error_code')", [])?;
            }
            Some((code, words)) => {
                set_meta(&self.conn, "last_error", words)?;
                set_meta(&self.conn, "last_error_code", code)?;
            }
        }
        Ok(())
    }

    /// Builds the request that pushes every changed document.
    pub fn prepare_sync(&mut self) -> Result<(SyncRequest, Prepared), StoreError> {
        let mut dirty: Vec<(Uuid, i64, Vec<u8>)> = Vec::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT p.doc_id, MAX(p.seq), d.synced_heads FROM pending p JOIN docs d ON d.id = p.doc_id
                 WHERE d.rejected IS NULL GROUP BY p.doc_id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                let id = Uuid::parse_str(&id).map_err(|_| StoreError::Corrupt("pending doc id".into()))?;
                dirty.push((id, r.get(1)?, r.get(2)?));
            }
        }
        let mut prepared = Prepared { device: self.identity()?.map(|i| i.device_id), ..Prepared::default() };
        let mut push = Vec::with_capacity(dirty.len());
        for (id, last_pending_seq, synced) in dirty {
            let base = decode_heads(&synced)?;
            let doc = self.doc(id)?;
            let heads = doc.get_heads();
            let data = if base.is_empty() {
                // The server has never acknowledged this document: one compressed document chunk
                // is smaller than its changes one by one.
                vec![ByteBuf::from(doc.save())]
            } else {
                doc.get_changes(&base).into_iter().map(|c| ByteBuf::from(c.raw_bytes().to_vec())).collect()
            };
            push.push(DocPush { id, base: base.iter().map(|h| ByteBuf::from(h.0.to_vec())).collect(), data });
            prepared.pushed.insert(id, PushedDoc { heads, last_pending_seq });
        }
        let request =
            SyncRequest { v: PROTOCOL_VERSION, cursor: get_meta(&self.conn, "cursor")?, push, sync: Vec::new() };
        Ok((request, prepared))
    }

    /// Applies the server's answer: acknowledgements, changes from others, the new cursor.
    /// All of it lands in one SQLite transaction, so a killed app re-runs the sync rather than
    /// half-applying it.
    pub fn apply_sync_response(&mut self, prepared: &Prepared, resp: &SyncResponse) -> Result<Applied, StoreError> {
        if let Some(device) = prepared.device {
            self.check_device(device)?;
        }
        let mut applied = Applied::default();
        let need_sync: BTreeSet<Uuid> = resp.need_sync.iter().map(|u| u.0).collect();
        let revoked: BTreeSet<Uuid> = resp.revoked.iter().map(|u| u.0).collect();

        // Apply pulled changes in memory first; anything malformed aborts before we write.
        let mut pulled: HashMap<Uuid, (Vec<u8>, Vec<ChangeHash>)> = HashMap::new();
        let mut new_docs: HashMap<Uuid, Automerge> = HashMap::new();
        // Documents with pulled changes, swapped into the cache only once the transaction commits.
        let mut updated: HashMap<Uuid, Automerge> = HashMap::new();
        for p in &resp.pull {
            if revoked.contains(&p.id) {
                continue;
            }
            let mut bytes = Vec::new();
            for d in &p.data {
                bytes.extend_from_slice(d);
            }
            let exists = self.docs.contains_key(&p.id) || self.has_doc(p.id)?;
            if exists {
                let doc = self.doc(p.id)?;
                let before = doc.get_heads();
                let mut candidate = doc.clone();
                candidate
                    .load_incremental(&bytes)
                    .map_err(|e| StoreError::Protocol(format!("server sent changes that do not load: {e}")))?;
                let added: Vec<ChangeHash> = candidate.get_changes(&before).iter().map(|c| c.hash()).collect();
                if !candidate.get_missing_deps(&[]).is_empty() {
                    applied.need_sync.push(p.id);
                }
                if let Err(e) = doc::header(&candidate) {
                    return Err(StoreError::Protocol(format!(
                        "server sent a change that breaks document {}: {e}",
                        p.id
                    )));
                }
                pulled.insert(p.id, (bytes, added));
                updated.insert(p.id, candidate);
            } else {
                let mut doc = Automerge::new();
                doc.load_incremental(&bytes)
                    .map_err(|e| StoreError::Protocol(format!("server sent a document that does not load: {e}")))?;
                if doc.get_heads().is_empty() || !doc.get_missing_deps(&[]).is_empty() {
                    // Changes of a document this device does not hold (it was to reconcile it
                    // after a restore, and that was cut off): fetch it whole instead.
                    applied.need_sync.push(p.id);
                    continue;
                }
                doc.set_actor(self.actor.clone());
                let h = doc::header(&doc)?;
                if h.id != p.id {
                    return Err(StoreError::Protocol(format!("server sent document {} under id {}", h.id, p.id)));
                }
                new_docs.insert(p.id, doc);
            }
            applied.updated.push(p.id);
        }

        let touched: BTreeSet<Uuid> = prepared.pushed.keys().chain(pulled.keys()).copied().collect();
        let mut current_heads: HashMap<Uuid, Vec<ChangeHash>> = HashMap::new();
        for id in &touched {
            let heads = match updated.get(id) {
                Some(d) => d.get_heads(),
                None => self.doc(*id)?.get_heads(),
            };
            current_heads.insert(*id, heads);
        }

        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (id, doc) in &new_docs {
            let h: DocHeader = doc::header(doc)?;
            tx.execute(
                "INSERT INTO docs (id, kind, snapshot, synced_heads) VALUES (?1, ?2, ?3, ?4)",
                params![id.to_string(), h.kind.as_code(), doc.save(), encode_heads(&doc.get_heads())],
            )?;
            write_projection_or_set_aside(&tx, *id, doc)?;
        }
        for (id, (bytes, _)) in &pulled {
            tx.execute("INSERT INTO doc_changes (doc_id, data) VALUES (?1, ?2)", params![id.to_string(), bytes])?;
            write_projection_or_set_aside(&tx, *id, &updated[id])?;
        }
        // Acknowledgements and the heads the server now has.
        for id in touched {
            if need_sync.contains(&id) || revoked.contains(&id) {
                continue;
            }
            if let Some(p) = prepared.pushed.get(&id) {
                tx.execute(
                    "DELETE FROM pending WHERE doc_id = ?1 AND seq <= ?2",
                    params![id.to_string(), p.last_pending_seq],
                )?;
            }
            let still_pending: i64 =
                tx.query_row("SELECT COUNT(*) FROM pending WHERE doc_id = ?1", [id.to_string()], |r| r.get(0))?;
            let server_heads = if still_pending == 0 {
                current_heads[&id].clone()
            } else {
                // Edits made while the request was in flight are not on the server yet: keep a
                // base the server surely has (a non-minimal head set is still a valid base).
                let stored: Vec<u8> =
                    tx.query_row("SELECT synced_heads FROM docs WHERE id = ?1", [id.to_string()], |r| r.get(0))?;
                let mut base: BTreeSet<ChangeHash> = decode_heads(&stored)?.into_iter().collect();
                if let Some(p) = prepared.pushed.get(&id) {
                    base = p.heads.iter().copied().collect();
                }
                if let Some((_, added)) = pulled.get(&id) {
                    base.extend(added.iter().copied());
                }
                base.into_iter().collect()
            };
            tx.execute(
                "UPDATE docs SET synced_heads = ?2 WHERE id = ?1",
                params![id.to_string(), encode_heads(&server_heads)],
            )?;
        }
        for id in &revoked {
            let pending: i64 =
                tx.query_row("SELECT COUNT(*) FROM pending WHERE doc_id = ?1", [id.to_string()], |r| r.get(0))?;
            if pending == 0 {
                remove_doc(&tx, *id)?;
            } else {
                // Never drop edits the server has not got: keep the document, set aside, and say why.
                tx.execute(
                    "UPDATE docs SET rejected = ?2 WHERE id = ?1",
                    params![id.to_string(), "reassigned to another steward; this phone's unsynced edits are kept here: tell your supervisor"],
                )?;
            }
        }
        if resp.resync {
            // The server was restored from a backup and may lack whole documents this device
            // holds (made on it, or reached it since the backup): reconcile all of them, and
            // remember so in the same transaction as the new cursor.
            tx.execute("INSERT OR IGNORE INTO reconcile (doc_id) SELECT id FROM docs WHERE rejected IS NULL", [])?;
            // And those of its scope this device does not hold (revoked before the restore).
            for id in &need_sync {
                tx.execute("INSERT OR IGNORE INTO reconcile (doc_id) VALUES (?1)", [id.to_string()])?;
            }
            for id in &revoked {
                tx.execute("DELETE FROM reconcile WHERE doc_id = ?1", [id.to_string()])?;
            }
        }
        set_meta(&tx, "cursor", &resp.cursor)?;
        tx.commit()?;
        self.docs.extend(new_docs);
        self.docs.extend(updated);
        for id in &revoked {
            self.docs.remove(id);
        }
        for id in pulled.keys() {
            self.maybe_compact(*id)?;
        }
        applied.need_sync.extend(need_sync.iter().copied());
        applied.need_sync.extend(self.to_reconcile()?);
        applied.need_sync.sort();
        applied.need_sync.dedup();
        Ok(applied)
    }

    /// Marks documents the server refused, so they stop blocking the rest of the sync. Their
    /// edits stay on the device and the reason shows in the sync status.
    pub fn quarantine(&mut self, ids: &[Uuid], why: &str) -> Result<(), StoreError> {
        for id in ids {
            self.conn.execute("UPDATE docs SET rejected = ?2 WHERE id = ?1", params![id.to_string(), why])?;
        }
        Ok(())
    }

    /// Documents the server says are not this steward's: those without unsynced edits are
    /// deleted, as a revoked document is; the others are set aside with the reason, so no edit
    /// is lost.
    pub fn drop_unless_pending(&mut self, ids: &[Uuid], why: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut dropped = Vec::new();
        for id in ids {
            let pending: i64 =
                tx.query_row("SELECT COUNT(*) FROM pending WHERE doc_id = ?1", [id.to_string()], |r| r.get(0))?;
            if pending == 0 {
                remove_doc(&tx, *id)?;
                dropped.push(*id);
            } else {
                tx.execute("UPDATE docs SET rejected = ?2 WHERE id = ?1", params![id.to_string(), why])?;
            }
        }
        tx.commit()?;
        for id in dropped {
            self.docs.remove(&id);
        }
        Ok(())
    }

    /// The next standard sync-protocol message for a document, if there is anything to say.
    pub fn generate_sync_message(
        &mut self,
        id: Uuid,
        state: &mut am_sync::State,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        // A document this device does not hold yet starts empty: the protocol brings it whole.
        if !self.docs.contains_key(&id) && !self.has_doc(id)? {
            return Ok(Automerge::new().generate_sync_message(state).map(|m| m.encode()));
        }
        let doc = self.doc(id)?;
        Ok(doc.generate_sync_message(state).map(|m| m.encode()))
    }

    /// Receives a standard sync-protocol message for a document and persists what it added.
    /// When the exchange leaves both sides with the same heads, the document's pending edits
    /// are acknowledged.
    pub fn receive_sync_message(&mut self, id: Uuid, state: &mut am_sync::State, msg: &[u8]) -> Result<(), StoreError> {
        let message = am_sync::Message::decode(msg)
            .map_err(|e| StoreError::Protocol(format!("server sent a sync message that does not decode: {e}")))?;
        let exists = self.docs.contains_key(&id) || self.has_doc(id)?;
        let mut candidate =
            if exists { self.doc(id)?.clone() } else { Automerge::new().with_actor(self.actor.clone()) };
        let before = candidate.get_heads();
        candidate
            .receive_sync_message(state, message)
            .map_err(|e| StoreError::Protocol(format!("server sent a sync message that does not apply: {e}")))?;
        if !exists && candidate.is_empty() {
            return Ok(());
        }
        let added = candidate.save_after(&before);
        let projection = doc::project(&candidate)?;
        let shared = state.shared_heads.clone();
        let heads = candidate.get_heads();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !exists {
            let h = doc::header(&candidate)?;
            if h.id != id {
                return Err(StoreError::Protocol(format!("server sent document {} under id {id}", h.id)));
            }
            tx.execute(
                "INSERT INTO docs (id, kind, snapshot) VALUES (?1, ?2, ?3)",
                params![id.to_string(), h.kind.as_code(), candidate.save()],
            )?;
            projection::write(&tx, &projection)?;
        } else if !added.is_empty() {
            tx.execute("INSERT INTO doc_changes (doc_id, data) VALUES (?1, ?2)", params![id.to_string(), added])?;
            projection::write(&tx, &projection)?;
        }
        let mut shared_sorted = shared.clone();
        shared_sorted.sort();
        let mut heads_sorted = heads.clone();
        heads_sorted.sort();
        if !shared.is_empty() {
            tx.execute(
                "UPDATE docs SET synced_heads = ?2 WHERE id = ?1",
                params![id.to_string(), encode_heads(&shared)],
            )?;
        }
        if shared_sorted == heads_sorted {
            tx.execute("DELETE FROM pending WHERE doc_id = ?1", [id.to_string()])?;
        }
        tx.commit()?;
        self.docs.insert(id, candidate);
        Ok(())
    }

    /// Documents still to reconcile after the server was restored from a backup.
    pub fn to_reconcile(&self) -> Result<Vec<Uuid>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.doc_id FROM reconcile r LEFT JOIN docs d ON d.id = r.doc_id WHERE d.rejected IS NULL",
        )?;
        let ids = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
        ids.iter().map(|id| Uuid::parse_str(id).map_err(|_| StoreError::Corrupt("reconcile doc id".into()))).collect()
    }

    /// A document's changes after `heads`, as (hash, raw bytes).
    pub fn changes_since(&mut self, id: Uuid, heads: &[ChangeHash]) -> Result<Vec<(ChangeHash, Vec<u8>)>, StoreError> {
        Ok(self.doc(id)?.get_changes(heads).into_iter().map(|c| (c.hash(), c.raw_bytes().to_vec())).collect())
    }

    /// A document's heads on this device.
    pub fn doc_heads(&mut self, id: Uuid) -> Result<Vec<ChangeHash>, StoreError> {
        Ok(self.doc(id)?.get_heads())
    }

    /// Takes the server's heads of a document from a sync-protocol answer. When they equal the
    /// device's, the server has every edit: the pending edits are acknowledged and the heads
    /// become the base of the next push (true). When the device holds them all but has more,
    /// they still become the base (a base the server surely has), so the next push sends exactly
    /// what the server lacks.
    pub fn server_heads(&mut self, id: Uuid, server: &[ChangeHash]) -> Result<bool, StoreError> {
        let mut theirs = server.to_vec();
        theirs.sort();
        theirs.dedup();
        if !self.docs.contains_key(&id) && !self.has_doc(id)? {
            if theirs.is_empty() {
                // Neither side has it: nothing to reconcile.
                self.conn.execute("DELETE FROM reconcile WHERE doc_id = ?1", [id.to_string()])?;
            }
            return Ok(theirs.is_empty());
        }
        let doc = self.doc(id)?;
        let mut mine = doc.get_heads();
        mine.sort();
        let known = theirs.iter().all(|h| doc.get_change_meta_by_hash(h).is_some());
        let in_sync = mine == theirs;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if in_sync {
            tx.execute("DELETE FROM pending WHERE doc_id = ?1", [id.to_string()])?;
            tx.execute("DELETE FROM reconcile WHERE doc_id = ?1", [id.to_string()])?;
        }
        if known && !theirs.is_empty() {
            tx.execute(
                "UPDATE docs SET synced_heads = ?2 WHERE id = ?1",
                params![id.to_string(), encode_heads(&theirs)],
            )?;
        }
        tx.commit()?;
        Ok(in_sync)
    }

    /// After a sync-protocol exchange that did not end: for each document with edits still
    /// pending, the base of the next push becomes the server's last heads when the device holds
    /// them all, else nothing (the next push carries the whole document, which the server
    /// merges whatever it lacks). Returns the documents that will be pushed again.
    pub fn rebase_unfinished(&mut self, docs: &[(Uuid, Option<Vec<ChangeHash>>)]) -> Result<Vec<Uuid>, StoreError> {
        let mut rebased = Vec::new();
        for (id, server) in docs {
            let pending: i64 =
                self.conn
                    .query_row("SELECT COUNT(*) FROM pending WHERE doc_id = ?1", [id.to_string()], |r| r.get(0))?;
            if pending == 0 {
                continue;
            }
            let doc = self.doc(*id)?;
            let base = match server {
                Some(h) if !h.is_empty() && h.iter().all(|h| doc.get_change_meta_by_hash(h).is_some()) => h.clone(),
                _ => Vec::new(),
            };
            self.conn.execute(
                "UPDATE docs SET synced_heads = ?2 WHERE id = ?1",
                params![id.to_string(), encode_heads(&base)],
            )?;
            rebased.push(*id);
        }
        Ok(rebased)
    }

    /// The cursor of the last applied sync response.
    pub fn cursor(&self) -> Result<Option<String>, StoreError> {
        get_meta(&self.conn, "cursor")
    }

    /// The month of an instant in the program's zone.
    pub fn month_of(&self, at: Millis) -> steward_core::time::Month {
        self.zone.month_of(at)
    }

    /// The kind of a stored document.
    pub fn doc_kind(&self, id: Uuid) -> Result<Option<DocKind>, StoreError> {
        let kind: Option<String> =
            self.conn.query_row("SELECT kind FROM docs WHERE id = ?1", [id.to_string()], |r| r.get(0)).optional()?;
        Ok(kind.and_then(|k| DocKind::from_code(&k)))
    }
}

/// Projects a document received from the server. One this version cannot read (a newer app
/// wrote a code it does not know) is kept, set aside with the reason, and does not stop the sync.
fn write_projection_or_set_aside(tx: &rusqlite::Transaction<'_>, id: Uuid, doc: &Automerge) -> Result<(), StoreError> {
    match doc::project(doc) {
        Ok(p) => projection::write(tx, &p),
        Err(e) => {
            tx.execute(
                "UPDATE docs SET rejected = ?2 WHERE id = ?1",
                params![id.to_string(), format!("this app cannot show this record yet ({e}): update the app")],
            )?;
            Ok(())
        }
    }
}

fn remove_doc(tx: &rusqlite::Transaction<'_>, id: Uuid) -> Result<(), StoreError> {
    let id = id.to_string();
    tx.execute("DELETE FROM docs WHERE id = ?1", [&id])?;
    tx.execute("DELETE FROM doc_changes WHERE doc_id = ?1", [&id])?;
    tx.execute("DELETE FROM pending WHERE doc_id = ?1", [&id])?;
    tx.execute("DELETE FROM reconcile WHERE doc_id = ?1", [&id])?;
    projection::delete(tx, &id)?;
    Ok(())
}

pub(crate) fn get_meta(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn.prepare_cached("SELECT value FROM meta WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

pub(crate) fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute([key, value])?;
    Ok(())
}
