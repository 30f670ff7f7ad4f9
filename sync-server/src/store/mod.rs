//! The storage the server runs on, written once over the engine-neutral SQL of [`crate::sql`]:
//! the embedded SQLite file of a district or a PostgreSQL database shared by a city's server
//! nodes. Documents, the change log and its chain, cursors, the read model and accounts.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use automerge::{Automerge, ChangeHash, ReadDoc};
use steward_core::doc::{DocHeader, DocKind};
use steward_core::time::Millis;
use uuid::Uuid;

use crate::args;
use crate::read_model::{
    AtHousehold, HouseholdQuery, HouseholdSummary, IndexedIssue, IndexedMustVisit, IndexedTimely, IndexedVisit, Rows,
    Slice, StewardTally,
};
use crate::sql::{upsert, Conn, Dialect, Engine, Insert, Row, ToValue, Ty, Value};
use crate::storage::*;

mod campaigns;
mod evaluation;
mod figures;
mod household_rows;
mod households;
mod meetings;
mod pairing;
mod scoring;
mod selection;
mod teams;

use household_rows::HouseholdRows;

/// Increments must reach this many before a compaction is considered.
const COMPACT_MIN_INCREMENTS: i64 = 16;
/// Households whose read-model rows a rebuild writes together.
const REBUILD_BATCH: usize = 256;

/// A commit's rows of the change log, its increments and the records it saw first, each sent as
/// one statement where the engine can ([`Conn::defer_rows`]).
const CHANGE_LOG_ROWS: Insert<'static> = Insert {
    table: "change_log",
    cols: &[("seq", Ty::Int), ("doc_id", Ty::Text), ("hash", Ty::Blob), ("received_at", Ty::Int), ("chain", Ty::Blob)],
    tail: "",
    key: &[],
};
const INCREMENT_ROWS: Insert<'static> = Insert {
    table: "increments",
    cols: &[("doc_id", Ty::Text), ("seq", Ty::Int), ("data", Ty::Blob)],
    tail: "",
    key: &[],
};
const NEW_DOC_ROWS: Insert<'static> = Insert {
    table: "docs",
    cols: &[
        ("id", Ty::Text),
        ("kind", Ty::Text),
        ("compound_id", Ty::Text),
        ("steward_id", Ty::Text),
        ("snapshot", Ty::Blob),
        ("last_seq", Ty::Int),
        ("scope_seq", Ty::Int),
        ("created_at", Ty::Int),
    ],
    // The numbers are set by the update that follows.
    tail: "",
    key: &[],
};
const PROJECTION_ROWS: Insert<'static> = Insert {
    table: "projections",
    cols: &[
        ("doc_id", Ty::Text),
        ("kind", Ty::Text),
        ("compound_id", Ty::Text),
        ("steward_id", Ty::Text),
        ("seq", Ty::Int),
        ("json", Ty::Text),
    ],
    tail:
        "ON CONFLICT (doc_id) DO UPDATE SET steward_id = excluded.steward_id, seq = excluded.seq, json = excluded.json",
    key: &[0],
};
const FIRST_SEEN_ROWS: Insert<'static> = Insert {
    table: "first_seen",
    cols: &[("record_id", Ty::Text), ("at", Ty::Int)],
    tail: "ON CONFLICT DO NOTHING",
    key: &[],
};

/// The change log's running digest after `hash` (migration 0002).
fn chain_after(prev: Option<&[u8]>, hash: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(prev.unwrap_or_default());
    h.update(hash);
    h.finalize().to_vec()
}

/// Writes a document's rows of the read model from its projection (docs/architecture.md, "The
/// console"): in the transaction that writes the projection, so the two never disagree. A
/// household's rows go into `households`, written with the others of the transaction.
fn index_doc(
    tx: &mut dyn Conn,
    households: &mut HouseholdRows,
    id: &str,
    kind: DocKind,
    projection_json: &str,
) -> Result<()> {
    let rows = Rows::of_json(projection_json)
        .ok_or_else(|| StorageError::Invalid(format!("a {}'s projection does not read as one", kind.as_code())))?;
    match rows {
        Rows::Household { summary: h, visits, must_visits, timely, pairing, opinions } => {
            let mut rows: [Vec<Vec<Value>>; 6] = Default::default();
            rows[household_rows::SUMMARY] = vec![args![
                h.id,
                h.compound_id,
                h.steward_id,
                h.head_name,
                h.address,
                h.address_key(),
                h.party_member,
                h.key_service_column(),
                h.open_must_visits,
                h.visits,
                h.last_visit_at,
                h.profile_complete,
            ]
            .to_vec()];
            rows[household_rows::VISITS] = visits
                .iter()
                .map(|v| {
                    args![
                        v.visit_id,
                        id,
                        v.compound_id,
                        v.by,
                        v.at,
                        v.recorded_at,
                        v.method,
                        v.summary,
                        v.opinions,
                        v.hardships,
                        v.follow_up
                    ]
                    .to_vec()
                })
                .collect();
            rows[household_rows::MUST_VISITS] = must_visits
                .iter()
                .map(|m| args![m.id, id, m.compound_id, m.trigger, m.date, m.answered, m.answered_at].to_vec())
                .collect();
            rows[household_rows::TIMELY] = timely
                .iter()
                .map(|t| args![t.id, id, t.compound_id, t.kind, t.raised_at, t.resolved_at].to_vec())
                .collect();
            rows[household_rows::PAIRING] = pairing
                .iter()
                .map(|c| {
                    args![
                        id,
                        c.id,
                        c.compound_id,
                        c.helper,
                        c.need,
                        c.description,
                        c.opened_at,
                        c.closed_at,
                        c.outcome,
                        c.amount_yuan,
                        c.actions,
                        c.last_action_at
                    ]
                    .to_vec()
                })
                .collect();
            rows[household_rows::OPINIONS] =
                opinions.iter().map(|o| args![o.visit_id, o.n, id, o.compound_id, o.at, o.category].to_vec()).collect();
            households.add(id, rows);
        }
        Rows::Issue(i) => {
            tx.defer(
                &upsert(
                    "issue_index",
                    &[
                        "id",
                        "compound_id",
                        "reporter_id",
                        "reported_at",
                        "category",
                        "place",
                        "description",
                        "route",
                        "status",
                        "comments",
                        "last_update_at",
                        "origin",
                    ],
                    &["id"],
                ),
                args![
                    id,
                    i.compound_id,
                    i.reporter_id,
                    i.reported_at,
                    i.category,
                    i.place,
                    i.description,
                    i.route,
                    i.status,
                    i.comments,
                    i.last_update_at,
                    i.origin
                ],
            )?;
        }
        Rows::Plan(p) => {
            tx.defer("DELETE FROM plan_index WHERE plan_id = ?1", args![id])?;
            let month = p.month.to_string();
            for h in &p.households {
                tx.defer(
                    "INSERT INTO plan_index (plan_id, steward_id, compound_id, month, household_id)
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                    args![id, p.steward_id, p.compound_id, month, h],
                )?;
            }
        }
        Rows::Compound | Rows::Evaluation => {}
        Rows::Team(team, activities) => teams::index(tx, id, &team, &activities)?,
        Rows::Campaign(tasks) => campaigns::index(tx, id, &tasks)?,
        Rows::Meeting(m, decisions) => meetings::index(tx, id, &m, &decisions)?,
        Rows::Score(s) => scoring::index(tx, id, &s)?,
    }
    Ok(())
}

/// The read model's tables, rebuilt together.
const READ_MODEL_TABLES: &[&str] = &[
    "household_index",
    "visit_index",
    "must_visit_index",
    "timely_index",
    "issue_index",
    "plan_index",
    "meeting_index",
    "decision_index",
    "pairing_index",
    "opinion_index",
    "score_index",
    "campaign_task_index",
    "team_index",
    "activity_index",
];

/// Rebuilds the read model's rows from the projections when they are of an older version
/// (`read_model` in `server_meta`, [`crate::read_model::VERSION`]) or fewer than the household
/// projections: a database from before them.
fn fill_read_model(engine: &dyn Engine) -> Result<()> {
    engine.write(&mut |tx| {
        let version: Option<i64> = tx
            .query_row_opt("SELECT value FROM server_meta WHERE key = 'read_model'", args![], |r| r.get::<String>(0))?
            .and_then(|v| v.parse().ok());
        let counts = tx.query_one(
            "SELECT (SELECT count(*) FROM household_index), (SELECT count(*) FROM projections WHERE kind = 'household')",
            args![],
        )?;
        let (indexed, households): (i64, i64) = (counts.get(0)?, counts.get(1)?);
        if version == Some(crate::read_model::VERSION) && indexed == households {
            return Ok(());
        }
        for table in READ_MODEL_TABLES {
            tx.execute(&format!("DELETE FROM {table}"), args![])?;
        }
        let mut households = HouseholdRows::new();
        let rows: Vec<(String, String, String)> = tx.query_map(
            "SELECT doc_id, kind, json FROM projections",
            args![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        for (id, kind, json) in rows {
            // A projection that does not read is skipped here, as the reports always skipped it.
            let Some(kind) = DocKind::from_code(&kind) else { continue };
            if Rows::of_json(&json).is_some() {
                index_doc(tx, &mut households, &id, kind, &json)?;
                if households.len() >= REBUILD_BATCH {
                    households.write(tx)?;
                }
            }
        }
        households.write(tx)?;
        tx.execute(
            &upsert("server_meta", &["key", "value"], &["key"]),
            args!["read_model", crate::read_model::VERSION.to_string()],
        )?;
        Ok(())
    })
}

/// Gives rows written before migration 0002 their chain, in order.
fn fill_chains(engine: &dyn Engine) -> Result<()> {
    engine.write(&mut |tx| {
        let first: Option<i64> =
            tx.query_one("SELECT MIN(seq) FROM change_log WHERE chain IS NULL", args![])?.get(0)?;
        let Some(first) = first else { return Ok(()) };
        let mut prev: Option<Vec<u8>> = tx
            .query_row_opt(
                "SELECT chain FROM change_log WHERE seq < ?1 ORDER BY seq DESC LIMIT 1",
                args![first],
                |r| r.get::<Option<Vec<u8>>>(0),
            )?
            .flatten();
        let rows: Vec<(i64, Vec<u8>)> =
            tx.query_map("SELECT seq, hash FROM change_log WHERE seq >= ?1 ORDER BY seq", args![first], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        for (seq, hash) in rows {
            let chain = chain_after(prev.as_deref(), &hash);
            tx.execute("UPDATE change_log SET chain = ?2 WHERE seq = ?1", args![seq, chain])?;
            prev = Some(chain);
        }
        Ok(())
    })
}

/// The storage over one engine.
pub struct SqlStorage {
    engine: Box<dyn Engine>,
}

const STEWARD_COLUMNS: &str = "SELECT id, compound_id, name, campaign_id, active_until FROM stewards";

fn steward_of(r: &Row) -> Result<Steward> {
    Ok(Steward {
        id: r.get(0)?,
        compound_id: r.get(1)?,
        name: r.get(2)?,
        campaign_id: opt_uuid(r.get(3)?)?,
        active_until: r.get(4)?,
    })
}

pub(crate) fn uuid_of(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| StorageError::Corrupt(format!("stored id {s:?} is not a uuid")))
}

pub(crate) fn opt_uuid(s: Option<String>) -> Result<Option<Uuid>> {
    s.filter(|s| !s.is_empty()).map(|s| uuid_of(&s)).transpose()
}

fn hash_of(bytes: &[u8]) -> Result<ChangeHash> {
    ChangeHash::try_from(bytes).map_err(|_| StorageError::Corrupt("stored change hash is not 32 bytes".into()))
}

fn meta_from_row(id: String, kind: String, compound: String, steward: Option<String>) -> Result<DocMeta> {
    Ok(DocHeader {
        id: uuid_of(&id)?,
        kind: DocKind::from_code(&kind).ok_or_else(|| StorageError::Corrupt(format!("unknown kind {kind}")))?,
        compound_id: uuid_of(&compound)?,
        steward_id: opt_uuid(steward)?,
    })
}

/// Cursor text: `<seq>.<first 8 bytes of the change log's chain at seq, in hex>`. The chain part
/// lets the server tell a cursor from another history (before a restore from backup, whose
/// sequence numbers were reused), even where the same change landed on the same number.
fn cursor_text(seq: i64, hash: Option<&[u8]>) -> String {
    match hash {
        Some(h) if h.len() >= 8 => format!("{seq}.{}", hex::encode(&h[..8])),
        _ => "0".to_string(),
    }
}

impl SqlStorage {
    /// Opens (creating if needed) the embedded database in `data_dir` and runs its migrations.
    pub fn open(data_dir: &Path) -> Result<SqlStorage> {
        SqlStorage::on(Box::new(crate::sql::sqlite::SqliteEngine::open(data_dir)?))
    }

    /// Connects to a PostgreSQL database (`postgres://…`) and runs its migrations.
    pub fn open_postgres(url: &str) -> Result<SqlStorage> {
        SqlStorage::on(Box::new(crate::sql::postgres::PostgresEngine::open(url)?))
    }

    /// The storage over an opened engine, its older rows brought up to date.
    pub fn on(engine: Box<dyn Engine>) -> Result<SqlStorage> {
        fill_chains(engine.as_ref())?;
        fill_read_model(engine.as_ref())?;
        Ok(SqlStorage { engine })
    }

    fn read<T>(&self, f: impl FnOnce(&mut dyn Conn) -> Result<T>) -> Result<T> {
        let mut f = Some(f);
        let mut out = None;
        self.engine.read(&mut |c| {
            let f = f.take().ok_or_else(|| StorageError::Database("a read ran twice".into()))?;
            out = Some(f(c)?);
            Ok(())
        })?;
        out.ok_or_else(|| StorageError::Database("a read did not run".into()))
    }

    /// Runs `f` in a write transaction (committed when it returns `Ok`).
    fn write<T>(&self, f: impl FnOnce(&mut dyn Conn) -> Result<T>) -> Result<T> {
        let mut f = Some(f);
        let mut out = None;
        self.engine.write(&mut |c| {
            let f = f.take().ok_or_else(|| StorageError::Database("a write ran twice".into()))?;
            out = Some(f(c)?);
            Ok(())
        })?;
        out.ok_or_else(|| StorageError::Database("a write did not run".into()))
    }

    /// A new steward of a compound, checked, not yet stored.
    fn new_steward(&self, compound_id: Uuid, name: &str) -> Result<Steward> {
        let compound =
            self.place(compound_id)?.ok_or_else(|| StorageError::NotFound(format!("compound {compound_id}")))?;
        if compound.kind != PlaceKind::Compound {
            return Err(StorageError::Invalid("a steward belongs to a compound (小区)".into()));
        }
        if name.trim().is_empty() {
            return Err(StorageError::Invalid("a steward needs a name".into()));
        }
        Ok(Steward {
            id: Uuid::new_v4(),
            compound_id,
            name: name.trim().to_string(),
            campaign_id: None,
            active_until: None,
        })
    }

    fn insert_steward(&self, s: &Steward) -> Result<()> {
        self.write(|c| {
            c.execute(
                "INSERT INTO stewards (id, compound_id, name, campaign_id, active_until) VALUES (?1, ?2, ?3, ?4, ?5)",
                args![s.id, s.compound_id, s.name, s.campaign_id, s.active_until],
            )?;
            Ok(())
        })
    }
}

/// What a commit changes in a document's row.
struct DocUpdate {
    id: String,
    last: i64,
    steward: Option<String>,
    bytes: i64,
    added: i64,
    reassigned: bool,
}

/// Moves the documents' rows on: their last change, steward, increment sizes, and where the
/// steward's scope begins when reassigned. A statement a document, by its key (on PostgreSQL
/// one `UPDATE … FROM unnest(…)` took more of its CPU than these, `docs/performance.md`).
fn update_docs(tx: &mut dyn Conn, updates: Vec<DocUpdate>) -> Result<()> {
    for u in updates {
        tx.defer(
            "UPDATE docs SET last_seq = ?2, steward_id = ?3, inc_bytes = inc_bytes + ?4, inc_count = inc_count + ?5,
             scope_seq = CASE WHEN ?6 <> 0 THEN ?2 ELSE scope_seq END WHERE id = ?1",
            args![u.id, u.last, u.steward, u.bytes, u.added, u.reassigned],
        )?;
    }
    Ok(())
}

/// A document's row as a commit finds it (all zero for a new one).
#[derive(Default)]
struct Stored {
    last_seq: i64,
    steward_id: Option<String>,
    inc_count: i64,
    inc_bytes: i64,
    snapshot_bytes: i64,
}

fn load_doc_in(conn: &mut dyn Conn, id: Uuid) -> Result<Option<(LoadedDoc, i64)>> {
    let mut loaded = load_docs_in(conn, &[id])?;
    loaded.pop().ok_or_else(|| StorageError::Database("a query of the load went unanswered".into()))
}

/// Documents with the last of their increments loaded, in the order of `ids`; each document's
/// two reads, and every document's, asked at once (one round trip to a database across a
/// network).
fn load_docs_in(conn: &mut dyn Conn, ids: &[Uuid]) -> Result<Vec<Option<(LoadedDoc, i64)>>> {
    const DOC: &str = "SELECT d.id, d.kind, d.compound_id, d.steward_id, d.snapshot, d.last_seq, p.json
         FROM docs d LEFT JOIN projections p ON p.doc_id = d.id";
    const INCREMENTS: &str = "SELECT doc_id, seq, data FROM increments";
    // A lookup a document, each by its key (a plan that cannot go stale), all in one round trip.
    let asks: Vec<(String, Vec<Value>)> = ids
        .iter()
        .flat_map(|id| {
            [
                (format!("{DOC} WHERE d.id = ?1"), args![id].to_vec()),
                (format!("{INCREMENTS} WHERE doc_id = ?1 ORDER BY seq"), args![id].to_vec()),
            ]
        })
        .collect();
    let asks: Vec<(&str, Vec<Value>)> = asks.iter().map(|(sql, a)| (sql.as_str(), a.clone())).collect();
    // Each answer's rows, keyed by the document they are of (their first column).
    let mut docs: HashMap<Uuid, Row> = HashMap::new();
    let mut incs: HashMap<Uuid, Vec<Row>> = HashMap::new();
    for (i, rows) in conn.query_many(&asks)?.into_iter().enumerate() {
        for Row(mut values) in rows {
            let id = Row(vec![values.remove(0)]).get::<Uuid>(0)?;
            // The answers alternate: a document, then its increments.
            if i % 2 == 0 {
                docs.insert(id, Row(values));
            } else {
                incs.entry(id).or_default().push(Row(values));
            }
        }
    }
    ids.iter().map(|id| doc_of_rows(*id, docs.remove(id), incs.remove(id).unwrap_or_default())).collect()
}

fn doc_of_rows(id: Uuid, row: Option<Row>, increments: Vec<Row>) -> Result<Option<(LoadedDoc, i64)>> {
    let Some(mut row) = row else {
        return Ok(None);
    };
    let meta = meta_from_row(id.to_string(), row.get(0)?, row.get(1)?, row.get(2)?)?;
    let (last_seq, projection_json): (i64, Option<String>) = (row.get(4)?, row.get(5)?);
    let snapshot = row.take_blob(3)?;
    let snapshot_len = snapshot.len();
    let mut doc = if snapshot.is_empty() {
        Automerge::new()
    } else {
        Automerge::load(&snapshot).map_err(|e| StorageError::Corrupt(format!("snapshot of {id}: {e}")))?
    };
    let mut buf = Vec::new();
    let mut max_inc = 0i64;
    for mut r in increments {
        max_inc = r.get(0)?;
        buf.extend_from_slice(&r.take_blob(1)?);
    }
    if !buf.is_empty() {
        doc.load_incremental(&buf).map_err(|e| StorageError::Corrupt(format!("increments of {id}: {e}")))?;
    }
    let stored_bytes = (snapshot_len + buf.len()) as u64;
    Ok(Some((LoadedDoc { meta, last_seq, doc, projection_json, stored_bytes }, max_inc)))
}

impl Storage for SqlStorage {
    fn create_place(&self, kind: PlaceKind, name: &str, parent_id: Option<Uuid>) -> Result<Place> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StorageError::Invalid("a place needs a name".into()));
        }
        if let Some(pid) = parent_id {
            let parent = self.place(pid)?.ok_or_else(|| StorageError::NotFound(format!("parent place {pid}")))?;
            if parent.kind.child() != Some(kind) {
                return Err(StorageError::Invalid(format!(
                    "a {} cannot be inside a {}: the order is district > town > community > compound > building",
                    kind.as_code(),
                    parent.kind.as_code()
                )));
            }
        } else if kind != PlaceKind::District {
            return Err(StorageError::Invalid(format!("a {} needs a parent place", kind.as_code())));
        }
        let place = Place { id: Uuid::new_v4(), kind, name: name.to_string(), parent_id };
        self.write(|c| {
            c.execute(
                "INSERT INTO places (id, kind, name, parent_id) VALUES (?1, ?2, ?3, ?4)",
                args![place.id, kind.as_code(), place.name, parent_id],
            )?;
            Ok(())
        })?;
        Ok(place)
    }

    fn place(&self, id: Uuid) -> Result<Option<Place>> {
        self.read(|c| {
            c.query_row_opt("SELECT kind, name, parent_id FROM places WHERE id = ?1", args![id], |r| {
                let kind: String = r.get(0)?;
                Ok(Place {
                    id,
                    kind: PlaceKind::from_code(&kind).ok_or_else(|| StorageError::Corrupt("place kind".into()))?,
                    name: r.get(1)?,
                    parent_id: opt_uuid(r.get(2)?)?,
                })
            })
        })
    }

    fn places(&self) -> Result<Vec<Place>> {
        self.read(|c| {
            c.query_map("SELECT id, kind, name, parent_id FROM places ORDER BY name, id", args![], |r| {
                let kind: String = r.get(1)?;
                Ok(Place {
                    id: r.get(0)?,
                    kind: PlaceKind::from_code(&kind).ok_or_else(|| StorageError::Corrupt("place kind".into()))?,
                    name: r.get(2)?,
                    parent_id: opt_uuid(r.get(3)?)?,
                })
            })
        })
    }

    fn create_steward(&self, compound_id: Uuid, name: &str) -> Result<Steward> {
        let s = self.new_steward(compound_id, name)?;
        self.insert_steward(&s)?;
        Ok(s)
    }

    fn create_temporary_steward(
        &self,
        compound_id: Uuid,
        name: &str,
        campaign: Uuid,
        until: Millis,
    ) -> Result<Steward> {
        let regular = self.new_steward(compound_id, name)?;
        let s = Steward { campaign_id: Some(campaign), active_until: Some(until), ..regular };
        self.insert_steward(&s)?;
        Ok(s)
    }

    fn steward(&self, id: Uuid) -> Result<Option<Steward>> {
        self.read(|c| c.query_row_opt(&format!("{STEWARD_COLUMNS} WHERE id = ?1"), args![id], steward_of))
    }

    fn stewards(&self, compound_ids: Option<&[Uuid]>) -> Result<Vec<Steward>> {
        let all: Vec<Steward> =
            self.read(|c| c.query_map(&format!("{STEWARD_COLUMNS} ORDER BY name, id"), args![], steward_of))?;
        Ok(match compound_ids {
            None => all,
            Some(ids) => all.into_iter().filter(|s| ids.contains(&s.compound_id)).collect(),
        })
    }

    fn create_user(&self, username: &str, password_hash: &str, role: Role, place_id: Option<Uuid>) -> Result<User> {
        let username = username.trim();
        if username.is_empty() {
            return Err(StorageError::Invalid("a user needs a username".into()));
        }
        if role != Role::Admin && place_id.is_none() {
            return Err(StorageError::Invalid(format!("a {} account needs a place", role.as_code())));
        }
        if let Some(p) = place_id {
            self.place(p)?.ok_or_else(|| StorageError::NotFound(format!("place {p}")))?;
        }
        let user = User { id: Uuid::new_v4(), username: username.to_string(), role, place_id };
        self.write(|c| {
            let n = c.execute(
                "INSERT INTO users (id, username, password_hash, role, place_id) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT DO NOTHING",
                args![user.id, user.username, password_hash, role.as_code(), place_id],
            )?;
            if n == 0 {
                return Err(StorageError::AlreadyExists(format!("user {username} already exists")));
            }
            Ok(())
        })?;
        Ok(user)
    }

    fn user_by_name(&self, username: &str) -> Result<Option<(User, String)>> {
        self.read(|c| {
            c.query_row_opt(
                "SELECT id, password_hash, role, place_id FROM users WHERE username = ?1",
                args![username.trim()],
                |r| {
                    let role: String = r.get(2)?;
                    Ok((
                        User {
                            id: r.get(0)?,
                            username: username.trim().to_string(),
                            role: Role::from_code(&role).ok_or_else(|| StorageError::Corrupt("role".into()))?,
                            place_id: opt_uuid(r.get(3)?)?,
                        },
                        r.get(1)?,
                    ))
                },
            )
        })
    }

    fn create_session(&self, user_id: Uuid, token_hash: &str, expires_at: Millis) -> Result<()> {
        self.write(|c| {
            c.execute(
                "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
                args![token_hash, user_id, expires_at],
            )?;
            Ok(())
        })
    }

    fn log_access(&self, user: &User, action: &str, households: &[Uuid], at: Millis) -> Result<()> {
        let records = serde_json::to_string(households).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        self.write(|c| {
            c.execute(
                "INSERT INTO access_log (at, user_id, username, action, records) VALUES (?1, ?2, ?3, ?4, ?5)",
                args![at, user.id, user.username, action, records],
            )?;
            Ok(())
        })
    }

    fn access_log(&self, before: Option<i64>, limit: u32) -> Result<Vec<AccessEntry>> {
        self.read(|c| {
            c.query_map(
                "SELECT seq, at, user_id, username, action, records FROM access_log
                 WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2",
                args![before.unwrap_or(i64::MAX), limit],
                |r| {
                    let seq: i64 = r.get(0)?;
                    let records: String = r.get(5)?;
                    let households: Vec<Uuid> = serde_json::from_str(&records)
                        .map_err(|e| StorageError::Corrupt(format!("access log {seq}: {e}")))?;
                    Ok(AccessEntry {
                        seq,
                        at: r.get(1)?,
                        user_id: r.get(2)?,
                        username: r.get(3)?,
                        action: r.get(4)?,
                        households,
                    })
                },
            )
        })
    }

    fn end_session(&self, token_hash: &str) -> Result<bool> {
        self.write(|c| Ok(c.execute("DELETE FROM sessions WHERE token_hash = ?1", args![token_hash])? > 0))
    }

    fn set_password(&self, user_id: Uuid, password_hash: &str, keep: Option<&str>) -> Result<()> {
        self.write(|c| {
            let n = c.execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", args![user_id, password_hash])?;
            if n == 0 {
                return Err(StorageError::NotFound(format!("user {user_id}")));
            }
            c.execute(
                "DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS DISTINCT FROM CAST(?2 AS TEXT)",
                args![user_id, keep],
            )?;
            Ok(())
        })
    }

    fn create_enrolment(&self, steward_id: Uuid, code_hash: &str, expires_at: Millis) -> Result<()> {
        self.steward(steward_id)?.ok_or_else(|| StorageError::NotFound(format!("steward {steward_id}")))?;
        self.write(|c| {
            c.execute(
                "INSERT INTO enrolments (code_hash, steward_id, expires_at) VALUES (?1, ?2, ?3)",
                args![code_hash, steward_id, expires_at],
            )?;
            Ok(())
        })
    }

    fn redeem_enrolment(
        &self,
        code_hash: &str,
        device_name: &str,
        token_hash: &str,
        now: Millis,
    ) -> Result<Option<(Uuid, Steward)>> {
        let steward_id = self.write(|c| {
            let steward: Option<String> = c.query_row_opt(
                "SELECT e.steward_id FROM enrolments e JOIN stewards s ON s.id = e.steward_id
                 WHERE e.code_hash = ?1 AND e.used_at IS NULL AND e.expires_at > ?2
                   AND (s.active_until IS NULL OR s.active_until > ?2)",
                args![code_hash, now],
                |r| r.get(0),
            )?;
            let Some(steward) = steward else { return Ok(None) };
            let device_id = Uuid::new_v4();
            c.execute(
                "UPDATE enrolments SET used_at = ?2, device_id = ?3 WHERE code_hash = ?1",
                args![code_hash, now, device_id],
            )?;
            c.execute(
                "INSERT INTO devices (id, steward_id, name, token_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                args![device_id, steward, device_name.chars().take(80).collect::<String>(), token_hash, now],
            )?;
            Ok(Some((device_id, uuid_of(&steward)?)))
        })?;
        match steward_id {
            None => Ok(None),
            Some((device, s)) => {
                let steward =
                    self.steward(s)?.ok_or_else(|| StorageError::Corrupt("enrolment of a missing steward".into()))?;
                Ok(Some((device, steward)))
            }
        }
    }

    fn principal_for_token(&self, token_hash: &str, now: Millis) -> Result<Option<Principal>> {
        self.read(|c| {
            let device = c.query_row_opt(
                "SELECT d.id, d.steward_id, s.compound_id, s.campaign_id IS NOT NULL
                 FROM devices d JOIN stewards s ON s.id = d.steward_id
                 WHERE d.token_hash = ?1 AND d.revoked_at IS NULL
                   AND (s.active_until IS NULL OR s.active_until > ?2)",
                args![token_hash, now],
                |r| {
                    Ok(Principal::Device {
                        device_id: r.get(0)?,
                        steward_id: r.get(1)?,
                        compound_id: r.get(2)?,
                        temporary: r.get(3)?,
                    })
                },
            )?;
            if device.is_some() {
                return Ok(device);
            }
            c.query_row_opt(
                "SELECT u.id, u.username, u.role, u.place_id FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2",
                args![token_hash, now],
                |r| {
                    let role: String = r.get(2)?;
                    Ok(Principal::User(User {
                        id: r.get(0)?,
                        username: r.get(1)?,
                        role: Role::from_code(&role).ok_or_else(|| StorageError::Corrupt("role".into()))?,
                        place_id: opt_uuid(r.get(3)?)?,
                    }))
                },
            )
        })
    }

    fn search_households(&self, q: &HouseholdQuery) -> Result<(u64, Vec<HouseholdSummary>)> {
        self.read(|c| households::search_households(c, q))
    }

    fn visit_tallies(&self, slice: &Slice, from: Millis, to: Millis, month: &str) -> Result<Vec<StewardTally>> {
        self.read(|c| households::visit_tallies(c, slice, from, to, month))
    }

    fn clears(&self, slice: &Slice) -> Result<Vec<(Uuid, steward_core::clears::ThreeClears)>> {
        self.read(|c| households::clears(c, slice))
    }

    fn visit_trend(&self, slice: &Slice, ranges: &[(Millis, Millis)]) -> Result<Vec<(u32, u32)>> {
        self.read(|c| households::visit_trend(c, slice, ranges))
    }

    fn open_must_visits(&self, slice: &Slice) -> Result<Vec<AtHousehold<IndexedMustVisit>>> {
        self.read(|c| households::open_must_visits(c, slice))
    }

    fn timely_rows(&self, slice: &Slice, raised: Option<(Millis, Millis)>) -> Result<Vec<AtHousehold<IndexedTimely>>> {
        self.read(|c| households::timely_rows(c, slice, raised))
    }

    fn issue_rows(&self, slice: &Slice, property: bool) -> Result<Vec<IndexedIssue>> {
        self.read(|c| households::issue_rows(c, slice, property))
    }

    fn publish_rules(&self, period: &str, json: &str, at: Millis) -> Result<()> {
        self.write(|c| scoring::publish_rules(c, period, json, at))
    }

    fn rules(&self, period: &str) -> Result<Option<String>> {
        self.read(|c| scoring::rules(c, period))
    }

    fn score_rows(&self, slice: &Slice, periods: &[String]) -> Result<Vec<crate::read_model::IndexedScore>> {
        self.read(|c| scoring::score_rows(c, slice, periods))
    }

    fn opinion_counts(&self, slice: &Slice, from: Millis, to: Millis) -> Result<Vec<(String, u32)>> {
        self.read(|c| figures::opinion_counts(c, slice, from, to))
    }

    fn issue_tally(&self, slice: &Slice, from: Millis, to: Millis) -> Result<Vec<crate::read_model::IssueTally>> {
        self.read(|c| figures::issue_tally(c, slice, from, to))
    }

    fn pairing_rows(
        &self,
        slice: &Slice,
        opened: Option<(Millis, Millis)>,
    ) -> Result<Vec<AtHousehold<crate::read_model::IndexedPairing>>> {
        self.read(|c| pairing::rows(c, slice, opened))
    }

    fn meeting_rows(&self, slice: &Slice, from: Millis, to: Millis) -> Result<Vec<crate::read_model::IndexedMeeting>> {
        self.read(|c| meetings::meeting_rows(c, slice, from, to))
    }

    fn decision_rows(
        &self,
        slice: &Slice,
        held: Option<(Millis, Millis)>,
        party: Option<&str>,
    ) -> Result<Vec<crate::read_model::IndexedDecision>> {
        self.read(|c| meetings::decision_rows(c, slice, held, party))
    }

    fn ledger_rows(&self, slice: &Slice, from: Millis, to: Millis) -> Result<Vec<AtHousehold<IndexedVisit>>> {
        self.read(|c| households::ledger_rows(c, slice, from, to))
    }

    fn users(&self) -> Result<Vec<User>> {
        self.read(|c| {
            c.query_map("SELECT id, username, role, place_id FROM users ORDER BY username", args![], |r| {
                let role: String = r.get(2)?;
                Ok(User {
                    id: r.get(0)?,
                    username: r.get(1)?,
                    role: Role::from_code(&role).ok_or_else(|| StorageError::Corrupt("role".into()))?,
                    place_id: opt_uuid(r.get(3)?)?,
                })
            })
        })
    }

    fn devices(&self, compound_ids: Option<&[Uuid]>) -> Result<Vec<Device>> {
        let all = self.read(|c| {
            c.query_map(
                "SELECT d.id, d.steward_id, s.compound_id, d.name, d.created_at, d.last_sync_at, d.revoked_at
                 FROM devices d JOIN stewards s ON s.id = d.steward_id ORDER BY d.created_at DESC, d.id",
                args![],
                device_row,
            )
        })?;
        Ok(match compound_ids {
            None => all,
            Some(ids) => all.into_iter().filter(|d| ids.contains(&d.compound_id)).collect(),
        })
    }

    fn device(&self, id: Uuid) -> Result<Option<Device>> {
        self.read(|c| {
            c.query_row_opt(
                "SELECT d.id, d.steward_id, s.compound_id, d.name, d.created_at, d.last_sync_at, d.revoked_at
                 FROM devices d JOIN stewards s ON s.id = d.steward_id WHERE d.id = ?1",
                args![id],
                device_row,
            )
        })
    }

    fn revoke_device(&self, id: Uuid, at: Millis) -> Result<bool> {
        self.write(|c| {
            let n =
                c.execute("UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", args![id, at])?;
            Ok(n == 1)
        })
    }

    fn touch_device(&self, id: Uuid, at: Millis) -> Result<()> {
        self.write(|c| {
            c.execute(
                "UPDATE devices SET last_sync_at = ?2 WHERE id = ?1 AND (last_sync_at IS NULL OR last_sync_at < ?2)",
                args![id, at],
            )?;
            Ok(())
        })
    }

    fn doc_meta(&self, id: Uuid) -> Result<Option<DocMeta>> {
        self.read(|c| {
            c.query_row_opt("SELECT kind, compound_id, steward_id FROM docs WHERE id = ?1", args![id], |r| {
                meta_from_row(id.to_string(), r.get(0)?, r.get(1)?, r.get(2)?)
            })
        })
    }

    fn load_doc(&self, id: Uuid) -> Result<Option<LoadedDoc>> {
        // The document's row and its increments from one snapshot: a compaction committed between
        // the two reads would otherwise leave the loaded document without the merged changes.
        self.read(|c| in_snapshot(c, |c| Ok(load_doc_in(c, id)?.map(|(d, _)| d))))
    }

    fn load_docs(&self, ids: &[Uuid]) -> Result<Vec<Option<LoadedDoc>>> {
        self.read(|c| in_snapshot(c, |c| Ok(load_docs_in(c, ids)?.into_iter().map(|d| d.map(|(d, _)| d)).collect())))
    }

    fn commit(&self, writes: &[DocWrite], now: Millis) -> Result<Vec<Uuid>> {
        // One write at a time (the engine's write lock): the change log's numbers are handed out
        // in commit order, and each row's chain follows the one before it.
        let mut outgrown = Vec::new();
        self.write(|tx| {
            outgrown.clear();
            // Everything the commit needs to know, asked at once (one round trip to a database
            // across a network): each document's stored version and steward, the change log's
            // end, and which of the changes to documents already stored are stored already.
            // Which changes are stored already: on PostgreSQL, whose cost is per statement, one
            // query joining the log to the list; on SQLite one lookup a change (a function call).
            let pg = tx.dialect() == Dialect::Postgres;
            let mut asks: Vec<(&str, Vec<Value>)> = Vec::new();
            for w in writes {
                asks.push((
                    "SELECT id, last_seq, steward_id, inc_count, inc_bytes, length(snapshot) FROM docs WHERE id = ?1",
                    args![w.meta.id].to_vec(),
                ));
            }
            asks.push(("SELECT seq, chain FROM change_log ORDER BY seq DESC LIMIT 1", Vec::new()));
            // The rows answered are the (document, hash) pairs stored already.
            let asked: Vec<(Uuid, [u8; 32])> = writes
                .iter()
                .filter(|w| w.expected_last_seq.is_some())
                .flat_map(|w| w.changes.iter().map(|(hash, _)| (w.meta.id, hash.0)))
                .collect();
            if pg {
                let ids = asked.iter().map(|(d, _)| d.to_value()).collect();
                let hashes = asked.iter().map(|(_, h)| h.to_value()).collect();
                asks.push((
                    "SELECT l.doc_id, l.hash FROM change_log l
                     JOIN unnest(?1::text[], ?2::bytea[]) AS k(doc_id, hash) ON l.doc_id = k.doc_id AND l.hash = k.hash",
                    vec![Value::List(Ty::Text, ids), Value::List(Ty::Blob, hashes)],
                ));
            } else {
                for (doc, hash) in &asked {
                    asks.push((
                        "SELECT doc_id, hash FROM change_log WHERE doc_id = ?1 AND hash = ?2",
                        args![doc, hash].to_vec(),
                    ));
                }
            }
            let mut answers = tx.query_many(&asks)?.into_iter();
            let unanswered = || StorageError::Database("a query of the commit went unanswered".into());
            let mut found: HashMap<Uuid, Stored> = HashMap::new();
            for _ in writes {
                for r in answers.next().ok_or_else(unanswered)? {
                    let stored = Stored {
                        last_seq: r.get(1)?,
                        steward_id: r.get(2)?,
                        inc_count: r.get(3)?,
                        inc_bytes: r.get(4)?,
                        snapshot_bytes: r.get(5)?,
                    };
                    found.insert(r.get(0)?, stored);
                }
            }
            let mut conflicts = Vec::new();
            for w in writes {
                match (found.get(&w.meta.id), w.expected_last_seq) {
                    (None, None) => {}
                    (Some(stored), Some(expected)) if stored.last_seq == expected => {}
                    _ => conflicts.push(w.meta.id),
                }
            }
            if !conflicts.is_empty() {
                return Err(StorageError::Conflict(conflicts));
            }
            let end = answers.next().ok_or_else(unanswered)?;
            let (mut seq, mut chain_head): (i64, Option<Vec<u8>>) = match end.first() {
                Some(r) => (r.get(0)?, r.get(1)?),
                None => (0, None),
            };
            // The changes already stored; and a change sent twice in this commit is stored once.
            let mut stored: HashSet<(Uuid, [u8; 32])> = HashSet::new();
            for _ in 0..if pg { 1 } else { asked.len() } {
                for r in answers.next().ok_or_else(unanswered)? {
                    stored.insert((r.get(0)?, hash_of(&r.get::<Vec<u8>>(1)?)?.0));
                }
            }
            // Every write is gathered and sent at the end, a statement a table where the engine
            // can (docs/architecture.md, "Few statements").
            let mut new_docs: Vec<Vec<Value>> = Vec::new();
            let mut updates: Vec<DocUpdate> = Vec::new();
            let mut projections: Vec<Vec<Value>> = Vec::new();
            let mut logged: Vec<Vec<Value>> = Vec::new();
            let mut increments: Vec<Vec<Value>> = Vec::new();
            let mut first_seen: Vec<Vec<Value>> = Vec::new();
            let mut households = HouseholdRows::new();
            for w in writes {
                let old = found.get(&w.meta.id);
                let id = w.meta.id.to_string();
                if w.expected_last_seq.is_none() {
                    new_docs.push(
                        args![id, w.meta.kind.as_code(), w.meta.compound_id, w.meta.steward_id, Value::Blob(Vec::new()), 0i64, 0i64, now]
                            .to_vec(),
                    );
                }
                let mut last = None;
                let mut added_bytes = 0i64;
                let mut added = 0i64;
                for (hash, bytes) in &w.changes {
                    if !stored.insert((w.meta.id, hash.0)) {
                        continue; // already stored: a replayed or duplicated change
                    }
                    // The sequencer: under the write lock the next number is the log's end plus
                    // one, so numbers follow the order of commits (docs/architecture.md).
                    seq += 1;
                    let chain = chain_after(chain_head.as_deref(), &hash.0);
                    logged.push(args![seq, id, hash.0, now, chain].to_vec());
                    chain_head = Some(chain);
                    increments.push(args![id, seq, bytes].to_vec());
                    added_bytes += bytes.len() as i64;
                    added += 1;
                    last = Some(seq);
                }
                let Some(last) = last else { continue };
                let (old_count, old_bytes, snapshot_bytes) =
                    old.map(|o| (o.inc_count, o.inc_bytes, o.snapshot_bytes)).unwrap_or_default();
                if old_count + added >= COMPACT_MIN_INCREMENTS && old_bytes + added_bytes > snapshot_bytes {
                    outgrown.push(w.meta.id);
                }
                let old_steward = old.and_then(|o| o.steward_id.as_deref()).filter(|s| !s.is_empty());
                let new_steward = w.meta.steward_id.map(|s| s.to_string());
                let reassigned = w.expected_last_seq.is_some() && old_steward != new_steward.as_deref();
                if reassigned {
                    if let Some(old) = old_steward {
                        tx.defer(
                            "INSERT INTO revocations (steward_id, doc_id, seq) VALUES (?1, ?2, ?3)",
                            args![old, id, last],
                        )?;
                    }
                }
                // Sent after the new documents' rows are inserted (at the end).
                updates.push(DocUpdate {
                    id: id.clone(),
                    last,
                    steward: new_steward.clone(),
                    bytes: added_bytes,
                    added,
                    reassigned,
                });
                projections.push(
                    args![id, w.meta.kind.as_code(), w.meta.compound_id, new_steward, last, w.projection_json].to_vec(),
                );
                index_doc(tx, &mut households, &id, w.meta.kind, &w.projection_json)?;
                first_seen.extend(w.record_ids.iter().map(|r| args![r, now].to_vec()));
            }
            tx.defer_rows(&NEW_DOC_ROWS, new_docs)?;
            update_docs(tx, updates)?;
            tx.defer_rows(&PROJECTION_ROWS, projections)?;
            tx.defer_rows(&CHANGE_LOG_ROWS, logged)?;
            tx.defer_rows(&INCREMENT_ROWS, increments)?;
            tx.defer_rows(&FIRST_SEEN_ROWS, first_seen)?;
            households.write(tx)?;
            Ok(())
        })?;
        Ok(outgrown)
    }

    fn feed(&self, steward_id: Uuid, compound_id: Uuid, cursor: Option<&str>, exclude: &[ChangeHash]) -> Result<Feed> {
        let exclude: BTreeSet<ChangeHash> = exclude.iter().copied().collect();
        // One read transaction: the cursor and the changes it covers are one snapshot.
        self.read(|c| in_snapshot(c, |c| feed_in(c, steward_id, compound_id, cursor, &exclude)))
    }

    fn docs_holding(&self, hashes: &[ChangeHash], except: Uuid) -> Result<Vec<Uuid>> {
        self.read(|c| {
            let mut out = BTreeSet::new();
            for h in hashes {
                for id in c.query_map(
                    "SELECT doc_id FROM change_log WHERE hash = ?1 AND doc_id <> ?2",
                    args![h.0, except],
                    |r| r.get::<Uuid>(0),
                )? {
                    out.insert(id);
                }
            }
            Ok(out.into_iter().collect())
        })
    }

    fn compact(&self, id: Uuid) -> Result<Compaction> {
        self.write(|tx| {
            // Under the write lock nothing else can add increments between the load and the
            // delete; still, only increments up to the last one loaded are deleted.
            let (loaded, max_inc) =
                load_doc_in(tx, id)?.ok_or_else(|| StorageError::NotFound(format!("document {id}")))?;
            if !loaded.doc.get_missing_deps(&[]).is_empty() {
                return Err(StorageError::Corrupt(format!("document {id} has changes with missing dependencies")));
            }
            let snapshot = loaded.doc.save();
            // Check the snapshot reloads to the same heads before anything is deleted.
            let check = Automerge::load(&snapshot)
                .map_err(|e| StorageError::Corrupt(format!("new snapshot does not load: {e}")))?;
            if check.get_heads() != loaded.doc.get_heads() {
                return Err(StorageError::Corrupt("new snapshot lost changes".into()));
            }
            tx.execute("UPDATE docs SET snapshot = ?2 WHERE id = ?1", args![id, snapshot])?;
            let merged = tx.execute("DELETE FROM increments WHERE doc_id = ?1 AND seq <= ?2", args![id, max_inc])?;
            tx.execute(
                "UPDATE docs SET inc_bytes = COALESCE((SELECT CAST(SUM(length(data)) AS BIGINT) FROM increments WHERE doc_id = ?1), 0),
                 inc_count = (SELECT COUNT(*) FROM increments WHERE doc_id = ?1) WHERE id = ?1",
                args![id],
            )?;
            steward_core::faults::crash_point("compact-before-commit");
            Ok(Compaction { merged_increments: merged as usize, snapshot_bytes: snapshot.len() })
        })
    }

    fn doc_ids(&self, scope: &Scope, kind: Option<DocKind>) -> Result<Vec<Uuid>> {
        Ok(self.projections(scope, kind, -1)?.into_iter().map(|r| r.doc_id).collect())
    }

    fn projections_page(
        &self,
        scope: &Scope,
        kind: Option<DocKind>,
        since: i64,
        limit: Option<usize>,
    ) -> Result<Vec<ProjectionRow>> {
        let mut args: Vec<Value> = vec![since.to_value()];
        let mut sql =
            String::from("SELECT doc_id, kind, compound_id, steward_id, seq, json FROM projections WHERE seq > ?1");
        match scope {
            Scope::All => {}
            Scope::Steward { steward_id, compound_id } => {
                args.extend([steward_id.to_value(), compound_id.to_value()]);
                sql.push_str(" AND (steward_id = ?2 OR (kind = 'compound' AND doc_id = ?3))");
            }
            Scope::Compounds(ids) => {
                let list = ids.iter().map(|i| format!("'{i}'")).collect::<Vec<_>>().join(",");
                sql.push_str(&format!(" AND compound_id IN ({})", if list.is_empty() { "''".into() } else { list }));
            }
        }
        // The kind is filtered in SQL: a town's rows of one kind, not all its projections.
        if let Some(k) = kind {
            args.push(k.as_code().to_value());
            sql.push_str(&format!(" AND kind = ?{}", args.len()));
        }
        sql.push_str(" ORDER BY seq");
        if let Some(n) = limit {
            sql.push_str(&format!(" LIMIT {n}"));
        }
        self.read(|c| {
            c.query_map(&sql, &args, |r| {
                let kind: String = r.get(1)?;
                Ok(ProjectionRow {
                    doc_id: r.get(0)?,
                    kind: DocKind::from_code(&kind).ok_or_else(|| StorageError::Corrupt("kind".into()))?,
                    compound_id: r.get(2)?,
                    steward_id: opt_uuid(r.get(3)?)?,
                    seq: r.get(4)?,
                    json: r.get(5)?,
                })
            })
        })
    }

    fn create_campaign(&self, c: &Campaign) -> Result<()> {
        self.write(|conn| campaigns::create(conn, c))
    }

    fn campaigns(&self) -> Result<Vec<Campaign>> {
        self.read(campaigns::all)
    }

    fn campaign(&self, id: Uuid) -> Result<Option<Campaign>> {
        self.read(|c| campaigns::one(c, id))
    }

    fn close_campaign(&self, id: Uuid, at: Millis) -> Result<()> {
        self.write(|c| campaigns::close(c, id, at))
    }

    fn campaign_tasks(&self, campaign: Uuid, slice: &Slice) -> Result<Vec<crate::read_model::IndexedTask>> {
        self.read(|c| campaigns::tasks(c, campaign, slice))
    }

    fn must_visit_rows(&self, slice: &Slice, from: Millis, to: Millis) -> Result<Vec<AtHousehold<IndexedMustVisit>>> {
        self.read(|c| evaluation::must_visits(c, slice, from, to))
    }

    fn households_by_range(&self, slice: &Slice, bounds: &[Millis]) -> Result<Vec<(Uuid, usize, u32)>> {
        self.read(|c| evaluation::households_by_range(c, slice, bounds))
    }

    fn issues_by_reporter(&self, slice: &Slice, from: Millis, to: Millis) -> Result<Vec<(Uuid, u32, u32)>> {
        self.read(|c| evaluation::issues_by_reporter(c, slice, from, to))
    }

    fn set_evaluation(&self, e: &Evaluation) -> Result<()> {
        self.write(|c| evaluation::set(c, e))
    }

    fn evaluations(&self, half: &str) -> Result<Vec<Evaluation>> {
        self.read(|c| evaluation::of_half(c, half))
    }

    fn create_application(&self, a: &crate::selection::Application) -> Result<()> {
        self.write(|c| selection::create(c, a))
    }

    fn application(&self, id: Uuid) -> Result<Option<crate::selection::Application>> {
        self.read(|c| selection::one(c, id))
    }

    fn applications(&self, compound_ids: Option<&[Uuid]>) -> Result<Vec<crate::selection::Application>> {
        self.read(|c| selection::of(c, compound_ids))
    }

    fn save_application(
        &self,
        a: &crate::selection::Application,
        expected: u32,
        appointed: Option<(&Steward, &str, Millis)>,
    ) -> Result<bool> {
        self.write(|c| selection::save(c, a, expected, appointed))
    }

    fn team_rows(&self, slice: &Slice) -> Result<Vec<crate::read_model::IndexedTeam>> {
        self.read(|c| teams::teams(c, slice))
    }

    fn activity_rows(
        &self,
        slice: &Slice,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<crate::read_model::IndexedActivity>> {
        self.read(|c| teams::activities(c, slice, from, to))
    }

    fn first_seen(&self, record_ids: &[Uuid]) -> Result<HashMap<Uuid, Millis>> {
        self.read(|c| {
            let mut out = HashMap::new();
            for id in record_ids {
                if let Some(at) =
                    c.query_row_opt("SELECT at FROM first_seen WHERE record_id = ?1", args![id], |r| r.get::<i64>(0))?
                {
                    out.insert(*id, at);
                }
            }
            Ok(out)
        })
    }

    fn changed_between(&self, after: i64, upto: i64, most: usize) -> Result<Option<Vec<(Uuid, DocKind)>>> {
        if upto.saturating_sub(after) as u64 > most as u64 {
            return Ok(None);
        }
        self.read(|c| {
            c.query_map(
                "SELECT DISTINCT d.compound_id, d.kind FROM change_log l JOIN docs d ON d.id = l.doc_id
                 WHERE l.seq > ?1 AND l.seq <= ?2",
                args![after, upto],
                |r| {
                    let kind: String = r.get(1)?;
                    let kind = DocKind::from_code(&kind)
                        .ok_or_else(|| StorageError::Corrupt(format!("unknown kind {kind}")))?;
                    Ok((r.get(0)?, kind))
                },
            )
            .map(Some)
        })
    }

    fn max_seq(&self) -> Result<i64> {
        self.read(|c| c.query_one("SELECT COALESCE(MAX(seq), 0) FROM change_log", args![])?.get(0))
    }

    fn backup(&self, to: &Path) -> Result<()> {
        self.engine.backup(to)
    }
}

/// Runs `f` in one read transaction, so its statements see one snapshot (a document's row and its
/// increments, a cursor and the changes above it), whatever commits meanwhile.
pub(crate) fn in_snapshot<T>(c: &mut dyn Conn, f: impl FnOnce(&mut dyn Conn) -> Result<T>) -> Result<T> {
    match c.dialect() {
        Dialect::Sqlite => c.batch("BEGIN")?,
        // Sent with the first query.
        Dialect::Postgres => c.defer("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", args![])?,
    }
    let out = f(&mut *c);
    let end = match (c.dialect(), out.is_ok()) {
        // Sent with whatever comes next, at the latest when the read ends.
        (Dialect::Postgres, true) => c.defer("COMMIT", args![]),
        (_, true) => c.batch("COMMIT"),
        (_, false) => c.batch("ROLLBACK"),
    };
    let out = out?;
    end?;
    Ok(out)
}

/// [`Storage::feed`] inside its read transaction.
fn feed_in(
    c: &mut dyn Conn,
    steward_id: Uuid,
    compound_id: Uuid,
    cursor: Option<&str>,
    exclude: &BTreeSet<ChangeHash>,
) -> Result<Feed> {
    let (max_seq, max_hash): (i64, Option<Vec<u8>>) = c
        .query_row_opt("SELECT seq, chain FROM change_log ORDER BY seq DESC LIMIT 1", args![], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .unwrap_or((0, None));
    let mut feed = Feed { cursor: cursor_text(max_seq, max_hash.as_deref()), ..Default::default() };
    let Some(since) = parse_cursor(c, cursor)? else {
        feed.unknown_cursor = true;
        // The device has history this database may not: reconcile every document in scope with
        // the sync protocol instead of resending whole histories.
        feed.resync = c.query_map(
            "SELECT id FROM docs WHERE steward_id = ?1 OR (kind = 'compound' AND id = ?2)",
            args![steward_id, compound_id],
            |r| r.get::<Uuid>(0),
        )?;
        return Ok(feed);
    };
    let docs = c.query(
        "SELECT id, scope_seq, snapshot FROM docs
         WHERE (steward_id = ?1 OR (kind = 'compound' AND id = ?2)) AND last_seq > ?3",
        args![steward_id, compound_id, since],
    )?;
    for mut row in docs {
        let doc_id: Uuid = row.get(0)?;
        let scope_seq: i64 = row.get(1)?;
        let snapshot = row.take_blob(2)?;
        let whole = since == 0 || scope_seq > since;
        let mut data = Vec::new();
        if whole {
            if !snapshot.is_empty() {
                data.push(snapshot);
            }
            for mut r in c.query(
                "SELECT l.hash, i.data FROM increments i JOIN change_log l ON l.doc_id = i.doc_id AND l.seq = i.seq
                 WHERE i.doc_id = ?1 ORDER BY i.seq",
                args![doc_id],
            )? {
                // The device's own changes from this very request are not echoed back.
                if !exclude.contains(&hash_of(&r.take_blob(0)?)?) {
                    data.push(r.take_blob(1)?);
                }
            }
        } else {
            let rows = c.query(
                "SELECT l.hash, i.data FROM change_log l LEFT JOIN increments i ON i.doc_id = l.doc_id AND i.seq = l.seq
                 WHERE l.doc_id = ?1 AND l.seq > ?2 ORDER BY l.seq",
                args![doc_id, since],
            )?;
            let mut compacted = Vec::new();
            for mut r in rows {
                let hash = hash_of(&r.take_blob(0)?)?;
                if exclude.contains(&hash) {
                    continue;
                }
                match r.get::<Option<Vec<u8>>>(1)? {
                    Some(b) => data.push(b),
                    None => compacted.push(hash),
                }
            }
            if !compacted.is_empty() {
                // Merged into the snapshot since: take them out of the loaded document.
                let (loaded, _) =
                    load_doc_in(c, doc_id)?.ok_or_else(|| StorageError::Corrupt("doc vanished".into()))?;
                for h in compacted {
                    let change = loaded.doc.get_change_by_hash(&h).ok_or_else(|| {
                        StorageError::Corrupt(format!("change {h} of {doc_id} is neither stored nor in the snapshot"))
                    })?;
                    data.push(change.raw_bytes().to_vec());
                }
            }
        }
        if !data.is_empty() {
            feed.docs.push(FeedDoc { id: doc_id, data });
        }
    }
    feed.revoked = c.query_map(
        "SELECT DISTINCT r.doc_id FROM revocations r JOIN docs d ON d.id = r.doc_id
         WHERE r.steward_id = ?1 AND r.seq > ?2 AND (d.steward_id IS NULL OR d.steward_id <> ?1)",
        args![steward_id, since],
        |r| r.get::<Uuid>(0),
    )?;
    Ok(feed)
}

/// The sequence number a cursor stands for: 0 for no cursor; `None` for one this database never
/// issued (a restore from backup reused its numbers, or it is malformed).
fn parse_cursor(c: &mut dyn Conn, cursor: Option<&str>) -> Result<Option<i64>> {
    let cursor = match cursor {
        None | Some("0") | Some("") => return Ok(Some(0)),
        Some(c) => c,
    };
    let parsed = cursor.split_once('.').and_then(|(seq, hash)| Some((seq.parse::<i64>().ok()?, hash)));
    let Some((seq, hash_hex)) = parsed else { return Ok(None) };
    let stored: Option<Vec<u8>> = c
        .query_row_opt("SELECT chain FROM change_log WHERE seq = ?1", args![seq], |r| r.get::<Option<Vec<u8>>>(0))?
        .flatten();
    Ok(match stored {
        Some(h) if h.len() >= 8 && hex::encode(&h[..8]) == hash_hex => Some(seq),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_from_before_the_chain_get_it_in_order_and_cursors_name_the_chain_not_the_change() {
        let dir = tempfile::tempdir().unwrap();
        drop(SqlStorage::open(dir.path()).unwrap());
        let hashes: Vec<Vec<u8>> = (0u8..3).map(|i| vec![i; 32]).collect();
        {
            // Rows as a database from before migration 0002 holds them: no chain.
            let c = rusqlite::Connection::open(dir.path().join("steward.sqlite3")).unwrap();
            for (i, h) in hashes.iter().enumerate() {
                c.execute(
                    "INSERT INTO change_log (doc_id, hash, received_at) VALUES (?1, ?2, 0)",
                    rusqlite::params![format!("doc{i}"), h],
                )
                .unwrap();
            }
        }
        let s = SqlStorage::open(dir.path()).unwrap();
        let mut prev: Option<Vec<u8>> = None;
        s.read(|c| {
            for (i, h) in hashes.iter().enumerate() {
                let chain: Vec<u8> =
                    c.query_one("SELECT chain FROM change_log WHERE seq = ?1", args![i as i64 + 1])?.get(0)?;
                let expected = chain_after(prev.as_deref(), h);
                assert_eq!(chain, expected, "row {i}");
                prev = Some(expected);
            }
            let chain_cursor = cursor_text(3, prev.as_deref());
            assert_eq!(parse_cursor(c, Some(&chain_cursor))?, Some(3));
            // A cursor naming only the change at that number (the earlier form) is another history's.
            let change_cursor = format!("3.{}", hex::encode(&hashes[2][..8]));
            assert_eq!(parse_cursor(c, Some(&change_cursor))?, None);
            Ok(())
        })
        .unwrap();
    }
}

/// A row of `devices` joined with its steward's compound.
fn device_row(r: &Row) -> Result<Device> {
    Ok(Device {
        id: r.get(0)?,
        steward_id: r.get(1)?,
        compound_id: r.get(2)?,
        name: r.get(3)?,
        enrolled_at: r.get(4)?,
        last_sync_at: r.get(5)?,
        revoked_at: r.get(6)?,
    })
}

/// The `AND …` of a read-model query for a slice, its values appended to `args`; `None` when the
/// slice holds no compound (nothing can match).
pub(crate) fn slice_filter(
    slice: &Slice,
    compound_col: &str,
    steward_col: &str,
    args: &mut Vec<Value>,
) -> Option<String> {
    let mut out = String::new();
    if let Some(compounds) = &slice.compounds {
        if compounds.is_empty() {
            return None;
        }
        let start = args.len();
        args.extend(compounds.iter().map(|c| c.to_value()));
        let list: Vec<String> = (start + 1..=args.len()).map(|n| format!("?{n}")).collect();
        out.push_str(&format!(" AND {compound_col} IN ({})", list.join(",")));
    }
    if let Some(s) = slice.steward_id {
        args.push(s.to_value());
        out.push_str(&format!(" AND {steward_col} = ?{}", args.len()));
    }
    Some(out)
}
