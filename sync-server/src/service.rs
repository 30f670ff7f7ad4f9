//! The server's logic, between the HTTP handlers and storage: device sync, and the edits that
//! supervisors make through HTTP, which become Automerge changes like any other.

use std::sync::Arc;

use automerge::{ActorId, Automerge, ChangeHash};
use steward_core::doc::{self, DocHeader, DocKind, Projection};
use steward_core::model::IssueRoute;
use steward_core::protocol::{self, SyncRequest, SyncResponse};
use steward_core::time::{now_millis, ProgramZone};
use uuid::Uuid;

use crate::exchange::Exchanges;
use crate::gate;
use crate::storage::{DocMeta, DocWrite, Principal, ProjectionRow, Role, Scope, Storage, StorageError, User};

mod device_sync;

/// How often a write is retried when another request changed the same document meanwhile.
const MAX_ATTEMPTS: usize = 8;
/// Documents one sync request may carry (push and sync together). A steward holds a few dozen.
const MAX_DOCS_PER_REQUEST: usize = 2_000;
/// Automerge operations one sync request may carry in all (a steward's month is a few thousand;
/// run-length encoding lets few bytes declare many, so the gate counts them).
const MAX_OPS_PER_REQUEST: u64 = 500_000;

/// Why a request failed. The handlers map these to HTTP answers.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{message}")]
    Forbidden { message: String, docs: Vec<Uuid> },
    #[error("{message}")]
    Unprocessable { message: String, docs: Vec<Uuid> },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StorageError> for ServiceError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound(m) => ServiceError::NotFound(m),
            StorageError::AlreadyExists(m) => ServiceError::Conflict(m),
            StorageError::Invalid(m) => ServiceError::BadRequest(m),
            StorageError::Conflict(_) => ServiceError::Conflict("the document is busy; try again".into()),
            e => ServiceError::Internal(e.to_string()),
        }
    }
}

fn domain(e: steward_core::Error) -> ServiceError {
    match e {
        steward_core::Error::NotFound(m) => ServiceError::NotFound(m),
        e => ServiceError::Unprocessable { message: e.to_string(), docs: Vec::new() },
    }
}

/// Builds the write of a document's new changes since `before`, with its projection.
pub(crate) fn make_write(
    meta: DocHeader,
    expected_last_seq: Option<i64>,
    doc: &Automerge,
    before: &[ChangeHash],
) -> Result<DocWrite, ServiceError> {
    let projection =
        doc::project(doc).map_err(|e| ServiceError::Unprocessable { message: e.to_string(), docs: vec![meta.id] })?;
    make_write_with(meta, expected_last_seq, doc, before, projection)
}

/// As [`make_write`], with the projection already read.
fn make_write_with(
    meta: DocHeader,
    expected_last_seq: Option<i64>,
    doc: &Automerge,
    before: &[ChangeHash],
    projection: Projection,
) -> Result<DocWrite, ServiceError> {
    let changes = doc.get_changes(before).into_iter().map(|c| (c.hash(), c.raw_bytes().to_vec())).collect();
    Ok(DocWrite {
        meta,
        expected_last_seq,
        changes,
        projection_json: serde_json::to_string(&projection).map_err(|e| ServiceError::Internal(e.to_string()))?,
        record_ids: doc::records_added(doc, before),
    })
}

/// A device, as the sync sees it.
#[derive(Debug, Clone, Copy)]
pub struct DeviceCtx {
    pub device_id: Uuid,
    pub steward_id: Uuid,
    pub compound_id: Uuid,
    /// A temporary steward's (临时红色管家) device: it answers its campaign's tasks, nothing else.
    pub temporary: bool,
}

impl DeviceCtx {
    /// The steward's own documents: households, plans, issues.
    fn may_access(&self, meta: &DocMeta) -> bool {
        meta.kind != DocKind::Compound && meta.steward_id == Some(self.steward_id)
    }

    /// Also the compound's settings, which stewards read but do not change.
    fn may_read(&self, meta: &DocMeta) -> bool {
        self.may_access(meta) || (meta.kind == DocKind::Compound && meta.id == self.compound_id)
    }
}

/// The server's logic over a storage backend.
pub struct Service {
    storage: Arc<dyn Storage>,
    actor: ActorId,
    journal: crate::journal::Journal,
    zone: ProgramZone,
    bounds: gate::Bounds,
    exchanges: Exchanges,
}

impl Service {
    /// A service over `storage`, with the program's time zone.
    ///
    /// Its Automerge actor (for the changes supervisors make through HTTP) is new for every
    /// service, that is every server start and every admin command: an actor kept in the data
    /// directory would be reused after a restore from backup, writing (actor, seq) pairs that
    /// phones already hold with other content, which Automerge refuses for good. A few more
    /// actor ids per document is the price.
    pub fn new(storage: Arc<dyn Storage>, zone: ProgramZone) -> Result<Service, StorageError> {
        Ok(Service {
            storage,
            actor: ActorId::random(),
            journal: crate::journal::Journal::in_memory(),
            zone,
            bounds: gate::Bounds::default(),
            exchanges: Exchanges::default(),
        })
    }

    /// The same service, recording the changes it writes in `journal` (see [`crate::journal`]).
    pub fn with_journal(mut self, journal: crate::journal::Journal) -> Service {
        self.journal = journal;
        self
    }

    /// Whether this server wrote the change (its hash is in the journal): then it was made
    /// through the supervisors' endpoints, which checked it, and passes when a phone hands it
    /// back after a restore from backup.
    pub fn is_server_change(&self, hash: &ChangeHash) -> bool {
        self.journal.contains(hash)
    }

    fn record(&self, writes: &[DocWrite]) {
        let hashes: Vec<ChangeHash> = writes.iter().flat_map(|w| w.changes.iter().map(|(h, _)| *h)).collect();
        if let Err(e) = self.journal.record(&hashes) {
            tracing::error!(error = %e, "could not record the server's changes in the journal");
        }
    }

    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.storage
    }

    pub fn zone(&self) -> ProgramZone {
        self.zone
    }

    pub fn actor(&self) -> &ActorId {
        &self.actor
    }

    /// Handles one device sync. Nothing is stored unless the whole request is acceptable.
    pub fn sync(&self, device: &DeviceCtx, req: SyncRequest) -> Result<SyncResponse, ServiceError> {
        protocol::check_version(req.v).map_err(|e| ServiceError::BadRequest(e.to_string()))?;
        // Each document at most once per request, in one of the two paths: a document in both,
        // or twice, would be checked against the stored version twice and committed twice.
        if req.push.len() + req.sync.len() > MAX_DOCS_PER_REQUEST {
            return Err(ServiceError::BadRequest(format!(
                "{} documents in one request: send at most {MAX_DOCS_PER_REQUEST}",
                req.push.len() + req.sync.len()
            )));
        }
        let mut seen = std::collections::BTreeSet::new();
        for id in req.push.iter().map(|p| p.id).chain(req.sync.iter().map(|m| m.id)) {
            if !seen.insert(id) {
                return Err(ServiceError::BadRequest(format!(
                    "document {id} appears twice in one request (in push, in sync, or in both)"
                )));
            }
        }
        for attempt in 0..MAX_ATTEMPTS {
            match self.try_sync(device, &req) {
                Err(ServiceError::Conflict(_)) if attempt + 1 < MAX_ATTEMPTS => continue,
                other => return other,
            }
        }
        Err(ServiceError::Conflict("documents kept changing; sync again".into()))
    }

    /// Stores a document the server creates (admin import, demo, supervisor plans).
    pub fn create_doc(&self, doc: &Automerge) -> Result<DocHeader, ServiceError> {
        let header = doc::header(doc).map_err(domain)?;
        if self.storage.doc_meta(header.id)?.is_some() {
            return Err(ServiceError::Conflict(format!("document {} already exists", header.id)));
        }
        let write = make_write(header, None, doc, &[])?;
        // Recorded before the commit: a hash of a change that never got stored harms nothing.
        self.record(std::slice::from_ref(&write));
        // New: its one increment has not outgrown anything worth compacting for.
        self.storage.commit(&[write], now_millis())?;
        Ok(header)
    }

    /// Stores many new documents in one transaction (bulk import, benchmarks).
    pub fn create_docs(&self, docs: &[Automerge]) -> Result<(), ServiceError> {
        let mut writes = Vec::with_capacity(docs.len());
        for d in docs {
            let header = doc::header(d).map_err(domain)?;
            writes.push(make_write(header, None, d, &[])?);
        }
        self.record(&writes);
        self.storage.commit(&writes, now_millis()).map_err(|e| match e {
            StorageError::Conflict(ids) => ServiceError::Conflict(format!("{} documents already exist", ids.len())),
            e => e.into(),
        })?;
        Ok(())
    }

    /// Applies a server-side edit to a document, as one Automerge change by the server's
    /// actor, retrying if a device's sync changed the document meanwhile. `check` authorises
    /// against the document as stored.
    pub fn edit<F>(
        &self,
        id: Uuid,
        check: impl Fn(&DocMeta) -> Result<(), ServiceError>,
        f: F,
    ) -> Result<Projection, ServiceError>
    where
        F: Fn(&mut Automerge) -> Result<(), steward_core::Error>,
    {
        for _ in 0..MAX_ATTEMPTS {
            let loaded = self.storage.load_doc(id)?.ok_or_else(|| ServiceError::NotFound(format!("document {id}")))?;
            check(&loaded.meta)?;
            let mut d = loaded.doc.with_actor(self.actor.clone());
            let before = d.get_heads();
            f(&mut d).map_err(domain)?;
            let header = doc::header(&d).map_err(domain)?;
            let write = make_write(header, Some(loaded.last_seq), &d, &before)?;
            let projection = doc::project(&d).map_err(domain)?;
            self.record(std::slice::from_ref(&write));
            match self.storage.commit(&[write], now_millis()) {
                Ok(outgrown) => {
                    for id in outgrown {
                        if let Err(e) = self.storage.compact(id) {
                            tracing::error!(doc = %id, error = %e, "compaction failed; increments kept");
                        }
                    }
                    return Ok(projection);
                }
                Err(StorageError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ServiceError::Conflict("the document kept changing; try again".into()))
    }

    /// The compounds a user may see.
    pub fn user_scope(&self, principal: &Principal) -> Result<Scope, ServiceError> {
        match principal {
            Principal::Device { steward_id, compound_id, .. } => {
                Ok(Scope::Steward { steward_id: *steward_id, compound_id: *compound_id })
            }
            Principal::User(u) if u.role == Role::Admin => Ok(Scope::All),
            Principal::User(u) => {
                let root = u.place_id.ok_or_else(|| ServiceError::Forbidden {
                    message: "this account has no place".into(),
                    docs: vec![],
                })?;
                Ok(Scope::Compounds(self.compounds_under(root)?))
            }
        }
    }

    /// The read model a signed-in user may see, changed after `since`: the one read path every
    /// supervisor endpoint builds its answer from. Supervisors and admins read every document of
    /// their place; a property company reads only the issues of its compounds that are within its
    /// duty — never a household, a visit or a plan.
    pub fn readable(&self, u: &User, since: i64) -> Result<Vec<ProjectionRow>, ServiceError> {
        let compounds = self.reach(u, None)?;
        self.readable_in(u, compounds, since)
    }

    /// A page of [`Service::readable`]: at most `limit` documents changed after `since`, oldest
    /// change first; with the last sequence number the page covers and whether more wait.
    pub fn readable_page(
        &self,
        u: &User,
        since: i64,
        limit: usize,
    ) -> Result<(Vec<ProjectionRow>, Option<i64>, bool), ServiceError> {
        let scope = match self.reach(u, None)? {
            None => Scope::All,
            Some(c) => Scope::Compounds(c),
        };
        let kind = (u.role == Role::Property).then_some(DocKind::Issue);
        let mut rows = self.storage.projections_page(&scope, kind, since, Some(limit + 1))?;
        let more = rows.len() > limit;
        rows.truncate(limit);
        let last = rows.last().map(|r| r.seq);
        Ok((self.only_readable(u, rows), last, more))
    }

    /// Of some projections, those `u` may read: a property company only the issues in its duty
    /// and those it passed on.
    fn only_readable(&self, u: &User, rows: Vec<ProjectionRow>) -> Vec<ProjectionRow> {
        if u.role != Role::Property {
            return rows;
        }
        #[derive(serde::Deserialize)]
        struct Route {
            route: IssueRoute,
            #[serde(default)]
            origin: Option<steward_core::model::IssueOrigin>,
        }
        rows.into_iter()
            .filter(|r| {
                r.kind == DocKind::Issue
                    && serde_json::from_str::<Route>(&r.json).is_ok_and(|x| {
                        x.route == IssueRoute::PropertyDuty
                            || x.origin == Some(steward_core::model::IssueOrigin::PropertyCompany)
                    })
            })
            .collect()
    }

    /// As [`Service::readable`], within compounds the caller reaches (from [`Service::reach`]).
    pub fn readable_in(
        &self,
        u: &User,
        compounds: Option<Vec<Uuid>>,
        since: i64,
    ) -> Result<Vec<ProjectionRow>, ServiceError> {
        let scope = match compounds {
            None => Scope::All,
            Some(c) => Scope::Compounds(c),
        };
        let kind = (u.role == Role::Property).then_some(DocKind::Issue);
        let rows = self.storage.projections(&scope, kind, since)?;
        Ok(self.only_readable(u, rows))
    }

    /// Whether a user may read household records (names, visits, hardships): supervisors and
    /// admins of the place; a property company never.
    pub fn reads_households(u: &User) -> bool {
        u.role != Role::Property
    }

    /// The places a user works in: their place and everything below it (admins: every place),
    /// in the order stored.
    pub fn places_within(&self, u: &User) -> Result<Vec<crate::storage::Place>, ServiceError> {
        let places = self.storage.places()?;
        if u.role == Role::Admin {
            return Ok(places);
        }
        let Some(root) = u.place_id else { return Ok(Vec::new()) };
        Ok(places.iter().filter(|p| is_within(&places, p.id, root)).cloned().collect())
    }

    /// Whether a user reaches a compound: admins every one, others those at or below their place
    /// (an account with no place reaches none).
    pub fn reaches(&self, u: &User, compound_id: Uuid) -> Result<bool, ServiceError> {
        match (u.role, u.place_id) {
            (Role::Admin, _) => Ok(true),
            (_, None) => Ok(false),
            (_, Some(root)) => Ok(self.compounds_under(root)?.contains(&compound_id)),
        }
    }

    /// The compounds a user reads, narrowed to `place` when one is given; `None` means every
    /// compound (an admin, not narrowed). A place outside the user's own is `NotFound`, the same
    /// answer as for one that does not exist.
    pub fn reach(&self, u: &User, place: Option<Uuid>) -> Result<Option<Vec<Uuid>>, ServiceError> {
        let not_found = || ServiceError::NotFound("no such place in your place".into());
        let places = self.storage.places()?;
        let root = match (u.role, u.place_id) {
            (Role::Admin, _) => None,
            (_, Some(root)) => Some(root),
            (_, None) => {
                return Err(ServiceError::Forbidden { message: "this account has no place".into(), docs: vec![] })
            }
        };
        match (place, root) {
            (None, None) => Ok(None),
            (None, Some(root)) => Ok(Some(self.compounds_under(root)?)),
            (Some(p), root) => {
                let known = places.iter().any(|x| x.id == p);
                if !known || root.is_some_and(|root| !is_within(&places, p, root)) {
                    return Err(not_found());
                }
                Ok(Some(self.compounds_under(p)?))
            }
        }
    }

    /// The compounds at or below a place.
    pub fn compounds_under(&self, root: Uuid) -> Result<Vec<Uuid>, ServiceError> {
        let places = self.storage.places()?;
        let mut frontier = vec![root];
        let mut compounds = Vec::new();
        while let Some(p) = frontier.pop() {
            if let Some(place) = places.iter().find(|x| x.id == p) {
                if place.kind == crate::storage::PlaceKind::Compound {
                    compounds.push(place.id);
                    continue;
                }
            }
            frontier.extend(places.iter().filter(|x| x.parent_id == Some(p)).map(|x| x.id));
        }
        Ok(compounds)
    }
}

/// Whether `place` is `root` or below it.
fn is_within(places: &[crate::storage::Place], place: Uuid, root: Uuid) -> bool {
    let mut at = Some(place);
    // The tree has at most five levels; the bound guards against a damaged (cyclic) one.
    for _ in 0..16 {
        match at {
            Some(p) if p == root => return true,
            Some(p) => at = places.iter().find(|x| x.id == p).and_then(|x| x.parent_id),
            None => return false,
        }
    }
    false
}
