//! The storage boundary. Handlers and the sync logic see only [`Storage`]; its implementation
//! (`store/`) runs on the embedded SQLite file or on PostgreSQL (`sql/`).
//!
//! Methods are blocking: callers run them on tokio's blocking pool.

use automerge::{Automerge, ChangeHash};
use serde::{Deserialize, Serialize};
use steward_core::doc::{DocHeader, DocKind};
use steward_core::time::Millis;
use uuid::Uuid;

/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A document changed between read and write; the caller reloads and retries.
    #[error("documents changed concurrently: {0:?}")]
    Conflict(Vec<Uuid>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    AlreadyExists(String),
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Database(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// A level in the place hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    District,
    Town,
    Community,
    Compound,
    Building,
}

impl PlaceKind {
    pub fn as_code(self) -> &'static str {
        match self {
            PlaceKind::District => "district",
            PlaceKind::Town => "town",
            PlaceKind::Community => "community",
            PlaceKind::Compound => "compound",
            PlaceKind::Building => "building",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Some(match s {
            "district" => PlaceKind::District,
            "town" => PlaceKind::Town,
            "community" => PlaceKind::Community,
            "compound" => PlaceKind::Compound,
            "building" => PlaceKind::Building,
            _ => return None,
        })
    }

    /// The kind a child of this kind must have.
    pub fn child(self) -> Option<PlaceKind> {
        match self {
            PlaceKind::District => Some(PlaceKind::Town),
            PlaceKind::Town => Some(PlaceKind::Community),
            PlaceKind::Community => Some(PlaceKind::Compound),
            PlaceKind::Compound => Some(PlaceKind::Building),
            PlaceKind::Building => None,
        }
    }
}

/// A place: district > town > community > compound > building.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub id: Uuid,
    pub kind: PlaceKind,
    pub name: String,
    pub parent_id: Option<Uuid>,
}

/// A steward account, tied to one compound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Steward {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub name: String,
    /// A temporary steward's (临时红色管家) campaign; `None` for a regular steward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<Uuid>,
    /// When a temporary steward's access ends: their devices' tokens and enrolment codes are
    /// refused from then on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_until: Option<Millis>,
}

/// The community's evaluation of a steward for a half year (每半年考核评价).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub steward_id: Uuid,
    /// `YYYY-Hn`.
    pub half: String,
    /// 0 to 100.
    pub score: u32,
    pub comment: String,
    pub evaluated_by: Uuid,
    pub evaluated_at: Millis,
}

/// A campaign (专项任务) as a supervisor started it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    pub spec: steward_core::doc::CampaignSpec,
    /// The place it covers: a compound, a community, a town or the district.
    pub place_id: Uuid,
    pub created_by: Uuid,
    pub created_at: Millis,
    pub closed_at: Option<Millis>,
}

/// What a user account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, everywhere.
    Admin,
    /// A compound branch secretary or community/town staff: reads and steers the places below
    /// their place.
    Supervisor,
    /// A property company: comments on and moves the issues of its compounds.
    Property,
}

impl Role {
    pub fn as_code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Property => "property",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Some(match s {
            "admin" => Role::Admin,
            "supervisor" => Role::Supervisor,
            "property" => Role::Property,
            _ => return None,
        })
    }
}

/// A user account (admin, supervisor, property company).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub role: Role,
    /// The place the account is responsible for; `None` for admins.
    pub place_id: Option<Uuid>,
}

/// A steward's enrolled phone, as the console lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Device {
    pub id: Uuid,
    pub steward_id: Uuid,
    pub compound_id: Uuid,
    /// What the phone called itself when it enrolled.
    pub name: String,
    pub enrolled_at: Millis,
    /// When it last synced (any answered `/v1/sync`); `None` before its first.
    pub last_sync_at: Option<Millis>,
    /// When a supervisor revoked it; its token is refused from then on.
    pub revoked_at: Option<Millis>,
}

/// One reading of household records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessEntry {
    pub seq: i64,
    pub at: Millis,
    pub user_id: Uuid,
    pub username: String,
    pub action: String,
    pub households: Vec<Uuid>,
}

/// Who is calling, as established from a token.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// A steward's enrolled device.
    Device { device_id: Uuid, steward_id: Uuid, compound_id: Uuid, temporary: bool },
    /// A signed-in user.
    User(User),
}

/// Where a document belongs, for authorisation.
pub type DocMeta = DocHeader;

/// A document as stored, loaded.
pub struct LoadedDoc {
    pub meta: DocMeta,
    /// The sequence number of the document's last stored change: the version for optimistic
    /// concurrency.
    pub last_seq: i64,
    pub doc: Automerge,
    /// The document's projection in the read model, as JSON, written in the same transaction as
    /// the document (so it is the projection of `doc`): reading it saves projecting the stored
    /// document again when a push is checked against it.
    pub projection_json: Option<String>,
    /// Bytes the document takes in storage (its snapshot and increments), history included.
    pub stored_bytes: u64,
}

/// A write of new changes to one document, with its new projection.
#[derive(Debug, Clone)]
pub struct DocWrite {
    pub meta: DocMeta,
    /// `None` for a new document; otherwise the `last_seq` it was loaded at.
    pub expected_last_seq: Option<i64>,
    /// New changes: hash and raw change bytes.
    pub changes: Vec<(ChangeHash, Vec<u8>)>,
    /// The projection after the changes, as JSON.
    pub projection_json: String,
    /// Ids of the records in the projection (visits, must-visits, …), for "first seen" times.
    pub record_ids: Vec<Uuid>,
}

/// One document in a device's feed.
#[derive(Debug, Clone)]
pub struct FeedDoc {
    pub id: Uuid,
    /// Chunks the device lacks: change chunks, or a document chunk followed by changes.
    pub data: Vec<Vec<u8>>,
}

/// What a device lacks since its cursor.
#[derive(Debug, Clone, Default)]
pub struct Feed {
    pub cursor: String,
    pub docs: Vec<FeedDoc>,
    pub revoked: Vec<Uuid>,
    /// The cursor came from another history (a restore from backup): the device must reconcile
    /// these documents with the sync protocol.
    pub resync: Vec<Uuid>,
    /// The cursor was not recognised at all: the device may hold documents this server lacks.
    pub unknown_cursor: bool,
}

/// A projection row of the read model.
#[derive(Debug, Clone)]
pub struct ProjectionRow {
    pub doc_id: Uuid,
    pub kind: DocKind,
    pub compound_id: Uuid,
    pub steward_id: Option<Uuid>,
    pub seq: i64,
    pub json: String,
}

/// Which documents a read covers.
#[derive(Debug, Clone)]
pub enum Scope {
    All,
    Compounds(Vec<Uuid>),
    Steward { steward_id: Uuid, compound_id: Uuid },
}

/// What a compaction did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Compaction {
    pub merged_increments: usize,
    pub snapshot_bytes: usize,
}

/// The storage the server runs on.
pub trait Storage: Send + Sync + 'static {
    // -- places and accounts
    fn create_place(&self, kind: PlaceKind, name: &str, parent_id: Option<Uuid>) -> Result<Place>;
    fn place(&self, id: Uuid) -> Result<Option<Place>>;
    fn places(&self) -> Result<Vec<Place>>;
    fn create_steward(&self, compound_id: Uuid, name: &str) -> Result<Steward>;
    /// Creates a temporary steward (临时红色管家) of a campaign, whose access ends at `until`.
    fn create_temporary_steward(&self, compound_id: Uuid, name: &str, campaign: Uuid, until: Millis)
        -> Result<Steward>;
    fn steward(&self, id: Uuid) -> Result<Option<Steward>>;
    fn stewards(&self, compound_ids: Option<&[Uuid]>) -> Result<Vec<Steward>>;
    fn create_user(&self, username: &str, password_hash: &str, role: Role, place_id: Option<Uuid>) -> Result<User>;
    /// The user and their password hash.
    fn user_by_name(&self, username: &str) -> Result<Option<(User, String)>>;
    fn create_session(&self, user_id: Uuid, token_hash: &str, expires_at: Millis) -> Result<()>;
    /// Writes who read which households' records (an audit trail; never fails silently).
    fn log_access(&self, user: &User, action: &str, households: &[Uuid], at: Millis) -> Result<()>;
    /// The access log, newest first: at most `limit` entries older than `before` (a `seq`).
    fn access_log(&self, before: Option<i64>, limit: u32) -> Result<Vec<AccessEntry>>;
    /// Ends one session (signing out). Whether there was one.
    fn end_session(&self, token_hash: &str) -> Result<bool>;
    /// Sets a user's password hash and ends every session of theirs but `keep`.
    fn set_password(&self, user_id: Uuid, password_hash: &str, keep: Option<&str>) -> Result<()>;
    fn create_enrolment(&self, steward_id: Uuid, code_hash: &str, expires_at: Millis) -> Result<()>;
    /// Redeems a one-time enrolment code: registers the device with its token hash. `None` if
    /// the code is unknown, used or expired.
    fn redeem_enrolment(
        &self,
        code_hash: &str,
        device_name: &str,
        token_hash: &str,
        now: Millis,
    ) -> Result<Option<(Uuid, Steward)>>;
    fn principal_for_token(&self, token_hash: &str, now: Millis) -> Result<Option<Principal>>;
    /// Every user account, by username.
    fn users(&self) -> Result<Vec<User>>;
    /// The devices of the stewards of these compounds (`None`: everywhere), newest first.
    fn devices(&self, compound_ids: Option<&[Uuid]>) -> Result<Vec<Device>>;
    fn device(&self, id: Uuid) -> Result<Option<Device>>;
    /// Revokes a device: its token is refused from now on. Whether it was live before.
    fn revoke_device(&self, id: Uuid, at: Millis) -> Result<bool>;
    /// Notes that a device synced at `at`.
    fn touch_device(&self, id: Uuid, at: Millis) -> Result<()>;

    // -- documents
    fn doc_meta(&self, id: Uuid) -> Result<Option<DocMeta>>;
    fn load_doc(&self, id: Uuid) -> Result<Option<LoadedDoc>>;
    /// Several documents, from one snapshot, in the order of `ids`.
    fn load_docs(&self, ids: &[Uuid]) -> Result<Vec<Option<LoadedDoc>>>;
    /// Writes new changes of several documents atomically. Fails with `Conflict` (and writes
    /// nothing) if any document moved past its `expected_last_seq`. Changes already stored are
    /// skipped, so a replayed write changes nothing. The documents whose increments have now
    /// outgrown their snapshot, for [`Storage::compact`].
    fn commit(&self, writes: &[DocWrite], now: Millis) -> Result<Vec<Uuid>>;
    /// What a steward's device lacks since `cursor`, leaving out the changes in `exclude`.
    fn feed(&self, steward_id: Uuid, compound_id: Uuid, cursor: Option<&str>, exclude: &[ChangeHash]) -> Result<Feed>;
    /// The documents (other than `except`) under which any of these change hashes is stored:
    /// changes pushed under the wrong document.
    fn docs_holding(&self, hashes: &[ChangeHash], except: Uuid) -> Result<Vec<Uuid>>;
    /// Merges a document's increments into a new snapshot now.
    fn compact(&self, id: Uuid) -> Result<Compaction>;
    /// Documents (ids and kinds) within a scope.
    fn doc_ids(&self, scope: &Scope, kind: Option<DocKind>) -> Result<Vec<Uuid>>;

    // -- read model
    /// Projections in a scope changed after `since` (a change sequence number), oldest first.
    fn projections(&self, scope: &Scope, kind: Option<DocKind>, since: i64) -> Result<Vec<ProjectionRow>> {
        self.projections_page(scope, kind, since, None)
    }
    /// As [`Storage::projections`], at most `limit` of them (the oldest changed first).
    fn projections_page(
        &self,
        scope: &Scope,
        kind: Option<DocKind>,
        since: i64,
        limit: Option<usize>,
    ) -> Result<Vec<ProjectionRow>>;
    /// A page of the household list and how many households match in all.
    fn search_households(
        &self,
        q: &crate::read_model::HouseholdQuery,
    ) -> Result<(u64, Vec<crate::read_model::HouseholdSummary>)>;
    /// Per steward: visits between `from` and `to`, households visited, and the plan of `month`
    /// (YYYY-MM) with how much of it was visited.
    fn visit_tallies(
        &self,
        slice: &crate::read_model::Slice,
        from: Millis,
        to: Millis,
        month: &str,
    ) -> Result<Vec<crate::read_model::StewardTally>>;
    /// The three clears per steward, over their households.
    fn clears(&self, slice: &crate::read_model::Slice) -> Result<Vec<(Uuid, steward_core::clears::ThreeClears)>>;
    /// Visits and visited households in each time range.
    fn visit_trend(&self, slice: &crate::read_model::Slice, ranges: &[(Millis, Millis)]) -> Result<Vec<(u32, u32)>>;
    /// Must-visits not yet answered, oldest first.
    fn open_must_visits(
        &self,
        slice: &crate::read_model::Slice,
    ) -> Result<Vec<crate::read_model::AtHousehold<crate::read_model::IndexedMustVisit>>>;
    /// Timely responses raised within a range (every one for `None`), newest first.
    fn timely_rows(
        &self,
        slice: &crate::read_model::Slice,
        raised: Option<(Millis, Millis)>,
    ) -> Result<Vec<crate::read_model::AtHousehold<crate::read_model::IndexedTimely>>>;
    /// Issues, newest first; for a property company (`property`) only those within its duty
    /// and those it passed on.
    fn issue_rows(
        &self,
        slice: &crate::read_model::Slice,
        property: bool,
    ) -> Result<Vec<crate::read_model::IndexedIssue>>;
    /// The visits between `from` and `to`, oldest first, with their households.
    fn ledger_rows(
        &self,
        slice: &crate::read_model::Slice,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<crate::read_model::AtHousehold<crate::read_model::IndexedVisit>>>;
    /// Stores a period's scoring rules (JSON of `ScoringRules`), replacing that period's.
    fn publish_rules(&self, period: &str, json: &str, at: Millis) -> Result<()>;
    /// A period's scoring rules as stored.
    fn rules(&self, period: &str) -> Result<Option<String>>;
    /// Every criterion's submitted score of the given periods.
    fn score_rows(
        &self,
        slice: &crate::read_model::Slice,
        periods: &[String],
    ) -> Result<Vec<crate::read_model::IndexedScore>>;
    /// Opinions heard on visits between `from` and `to`, counted per category code.
    fn opinion_counts(&self, slice: &crate::read_model::Slice, from: Millis, to: Millis) -> Result<Vec<(String, u32)>>;
    /// Issues reported between `from` and `to`, counted per compound, origin, status and category.
    fn issue_tally(
        &self,
        slice: &crate::read_model::Slice,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<crate::read_model::IssueTally>>;
    /// Pairing cases opened between `from` and `to` (every one for `None`), with their
    /// households, newest first.
    fn pairing_rows(
        &self,
        slice: &crate::read_model::Slice,
        opened: Option<(Millis, Millis)>,
    ) -> Result<Vec<crate::read_model::AtHousehold<crate::read_model::IndexedPairing>>>;
    /// Joint meetings held between `from` and `to` (slice's steward: the convener), newest first.
    fn meeting_rows(
        &self,
        slice: &crate::read_model::Slice,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<crate::read_model::IndexedMeeting>>;
    /// Decisions of meetings held between `from` and `to` (every meeting for `None`), of one
    /// responsible party when given; by meeting, newest first.
    fn decision_rows(
        &self,
        slice: &crate::read_model::Slice,
        held: Option<(Millis, Millis)>,
        party: Option<&str>,
    ) -> Result<Vec<crate::read_model::IndexedDecision>>;
    /// Stores a campaign as started.
    fn create_campaign(&self, c: &Campaign) -> Result<()>;
    /// Every campaign, newest first.
    fn campaigns(&self) -> Result<Vec<Campaign>>;
    fn campaign(&self, id: Uuid) -> Result<Option<Campaign>>;
    /// Marks a campaign closed and ends its temporary stewards' access at `at`.
    fn close_campaign(&self, id: Uuid, at: Millis) -> Result<()>;
    /// The household tasks of a campaign's documents in a slice (its steward: the document's),
    /// by compound and address.
    fn campaign_tasks(
        &self,
        campaign: Uuid,
        slice: &crate::read_model::Slice,
    ) -> Result<Vec<crate::read_model::IndexedTask>>;
    /// Must-visits dated between `from` and `to`, answered or not, with their households.
    fn must_visit_rows(
        &self,
        slice: &crate::read_model::Slice,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<crate::read_model::AtHousehold<crate::read_model::IndexedMustVisit>>>;
    /// Households visited per steward (the household's now) in each range between consecutive
    /// `bounds`: (steward, range index, households).
    fn households_by_range(
        &self,
        slice: &crate::read_model::Slice,
        bounds: &[Millis],
    ) -> Result<Vec<(Uuid, usize, u32)>>;
    /// Issues reported between `from` and `to` per reporter: (reporter, reported, verified).
    fn issues_by_reporter(
        &self,
        slice: &crate::read_model::Slice,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<(Uuid, u32, u32)>>;
    /// Stores the community's evaluation of a steward for a half year, replacing one before.
    fn set_evaluation(&self, e: &Evaluation) -> Result<()>;
    /// The evaluations of a half year.
    fn evaluations(&self, half: &str) -> Result<Vec<Evaluation>>;
    /// The teams of a slice (its steward: the team's leader), by compound and name.
    fn team_rows(&self, slice: &crate::read_model::Slice) -> Result<Vec<crate::read_model::IndexedTeam>>;
    /// Team activities held between `from` and `to`, newest first.
    fn activity_rows(
        &self,
        slice: &crate::read_model::Slice,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<crate::read_model::IndexedActivity>>;
    /// Stores a new application for the steward's post (选任).
    fn create_application(&self, a: &crate::selection::Application) -> Result<()>;
    fn application(&self, id: Uuid) -> Result<Option<crate::selection::Application>>;
    /// The applications of these compounds (`None`: every one), latest change first.
    fn applications(&self, compound_ids: Option<&[Uuid]>) -> Result<Vec<crate::selection::Application>>;
    /// Stores an application moved on from version `expected`, with the appointment's steward,
    /// enrolment code hash and its expiry in the same transaction. `false`: someone else moved
    /// it meanwhile, and nothing was written.
    fn save_application(
        &self,
        a: &crate::selection::Application,
        expected: u32,
        appointed: Option<(&Steward, &str, Millis)>,
    ) -> Result<bool>;
    /// When the server first saw each record.
    fn first_seen(&self, record_ids: &[Uuid]) -> Result<std::collections::HashMap<Uuid, Millis>>;
    /// The (compound, kind) of every document that changed after change `after` up to `upto`;
    /// `None` when more than `most` changes lie between (then treat everything as changed).
    fn changed_between(&self, after: i64, upto: i64, most: usize) -> Result<Option<Vec<(Uuid, DocKind)>>>;
    /// The highest change sequence number stored.
    fn max_seq(&self) -> Result<i64>;

    /// Writes a consistent copy of everything stored to `to` (a new file) while serving.
    fn backup(&self, to: &std::path::Path) -> Result<()>;
}
