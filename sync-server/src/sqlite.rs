//! The embedded SQLite backend: one file in the data directory, WAL mode, one writer connection
//! and a few readers. It carries and runs its own migrations.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use automerge::{Automerge, ChangeHash, ReadDoc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use steward_core::doc::{DocHeader, DocKind};
use steward_core::time::Millis;
use uuid::Uuid;

use crate::read_model::{
    AtHousehold, HouseholdQuery, HouseholdSort, HouseholdSummary, HouseholdTag, IndexedIssue, IndexedMustVisit,
    IndexedTimely, IndexedVisit, Rows, Slice, StewardTally,
};
use crate::storage::*;

mod campaigns;
mod evaluation;
mod figures;
mod meetings;
mod pairing;
mod scoring;
mod selection;
mod teams;

/// Increments must reach this many before a compaction is considered.
const COMPACT_MIN_INCREMENTS: i64 = 16;

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_change_chain.sql"),
    include_str!("migrations/0003_access_log.sql"),
    include_str!("migrations/0004_device_last_sync.sql"),
    include_str!("migrations/0005_household_index.sql"),
    include_str!("migrations/0006_report_index.sql"),
    include_str!("migrations/0007_read_indexes.sql"),
    include_str!("migrations/0008_meeting_index.sql"),
    include_str!("migrations/0009_issue_origin.sql"),
    include_str!("migrations/0010_pairing_index.sql"),
    include_str!("migrations/0011_opinion_index.sql"),
    include_str!("migrations/0012_scoring.sql"),
    include_str!("migrations/0013_campaigns.sql"),
    include_str!("migrations/0014_evaluation.sql"),
    include_str!("migrations/0015_teams.sql"),
    include_str!("migrations/0016_selection.sql"),
];

/// The change log's running digest after `hash` (migration 0002).
fn chain_after(prev: Option<&[u8]>, hash: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(prev.unwrap_or_default());
    h.update(hash);
    h.finalize().to_vec()
}

/// Gives rows written before migration 0002 their chain, in order.
/// Writes a document's rows of the read model from its projection (docs/architecture.md, "The
/// console"): in the transaction that writes the projection, so the two never disagree.
fn index_doc(tx: &Connection, id: &str, kind: DocKind, projection_json: &str) -> Result<()> {
    let rows = Rows::of_json(projection_json)
        .ok_or_else(|| StorageError::Invalid(format!("a {}'s projection does not read as one", kind.as_code())))?;
    match rows {
        Rows::Household { summary: h, visits, must_visits, timely, pairing, opinions } => {
            pairing::index(tx, id, &pairing)?;
            figures::index_opinions(tx, id, &opinions)?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO household_index (doc_id, compound_id, steward_id, head_name, address, address_key,
                 party_member, key_service, open_must_visits, visits, last_visit_at, profile_complete)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                h.id.to_string(),
                h.compound_id.to_string(),
                h.steward_id.map(|s| s.to_string()),
                h.head_name,
                h.address,
                h.address_key(),
                h.party_member,
                h.key_service_column(),
                h.open_must_visits,
                h.visits,
                h.last_visit_at,
                h.profile_complete,
            ])?;
            for table in ["visit_index", "must_visit_index", "timely_index"] {
                tx.prepare_cached(&format!("DELETE FROM {table} WHERE household_id = ?1"))?.execute([id])?;
            }
            let mut ins = tx.prepare_cached(
                "INSERT OR REPLACE INTO visit_index (visit_id, household_id, compound_id, by_steward, at, recorded_at, method,
                 summary, opinions, hardships, follow_up) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            for v in visits {
                ins.execute(params![
                    v.visit_id.to_string(),
                    id,
                    v.compound_id.to_string(),
                    v.by.map(|b| b.to_string()),
                    v.at,
                    v.recorded_at,
                    v.method,
                    v.summary,
                    v.opinions,
                    v.hardships,
                    v.follow_up
                ])?;
            }
            let mut ins = tx.prepare_cached(
                "INSERT OR REPLACE INTO must_visit_index (id, household_id, compound_id, trigger, date, answered, answered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for m in must_visits {
                ins.execute(params![
                    m.id.to_string(),
                    id,
                    m.compound_id.to_string(),
                    m.trigger,
                    m.date,
                    m.answered,
                    m.answered_at
                ])?;
            }
            let mut ins = tx.prepare_cached(
                "INSERT OR REPLACE INTO timely_index (id, household_id, compound_id, kind, raised_at, resolved_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for t in timely {
                ins.execute(params![
                    t.id.to_string(),
                    id,
                    t.compound_id.to_string(),
                    t.kind,
                    t.raised_at,
                    t.resolved_at
                ])?;
            }
        }
        Rows::Issue(i) => {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO issue_index (id, compound_id, reporter_id, reported_at, category, place, description,
                 route, status, comments, last_update_at, origin)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                id,
                i.compound_id.to_string(),
                i.reporter_id.to_string(),
                i.reported_at,
                i.category,
                i.place,
                i.description,
                i.route,
                i.status,
                i.comments,
                i.last_update_at,
                i.origin
            ])?;
        }
        Rows::Plan(p) => {
            tx.prepare_cached("DELETE FROM plan_index WHERE plan_id = ?1")?.execute([id])?;
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO plan_index (plan_id, steward_id, compound_id, month, household_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for h in &p.households {
                ins.execute(params![
                    id,
                    p.steward_id.to_string(),
                    p.compound_id.to_string(),
                    p.month.to_string(),
                    h.to_string()
                ])?;
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

/// Rebuilds the read model's rows from the projections when they are of an older version
/// (`read_model` in `server_meta`, [`crate::read_model::VERSION`]) or fewer than the household
/// projections: a database from before them.
fn fill_read_model(conn: &mut Connection) -> Result<()> {
    let version: Option<i64> = conn
        .query_row("SELECT value FROM server_meta WHERE key = 'read_model'", [], |r| r.get::<_, String>(0))
        .optional()?
        .and_then(|v| v.parse().ok());
    let (indexed, households): (i64, i64) = conn.query_row(
        "SELECT (SELECT count(*) FROM household_index), (SELECT count(*) FROM projections WHERE kind = 'household')",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if version == Some(crate::read_model::VERSION) && indexed == households {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for table in [
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
    ] {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    {
        let mut stmt = tx.prepare("SELECT doc_id, kind, json FROM projections")?;
        let rows: Vec<(String, String, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
        for (id, kind, json) in rows {
            // A projection that does not read is skipped here, as the reports always skipped it.
            let Some(kind) = DocKind::from_code(&kind) else { continue };
            if Rows::of_json(&json).is_some() {
                index_doc(&tx, &id, kind, &json)?;
            }
        }
    }
    tx.execute(
        "INSERT OR REPLACE INTO server_meta (key, value) VALUES ('read_model', ?1)",
        [crate::read_model::VERSION.to_string()],
    )?;
    tx.commit()?;
    Ok(())
}

fn fill_chains(conn: &mut Connection) -> Result<()> {
    let first_missing: Option<i64> =
        conn.query_row("SELECT MIN(seq) FROM change_log WHERE chain IS NULL", [], |r| r.get(0))?;
    let Some(first) = first_missing else { return Ok(()) };
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut prev: Option<Vec<u8>> = tx
        .query_row("SELECT chain FROM change_log WHERE seq < ?1 ORDER BY seq DESC LIMIT 1", [first], |r| r.get(0))
        .optional()?
        .flatten();
    let rows: Vec<(i64, Vec<u8>)> = tx
        .prepare("SELECT seq, hash FROM change_log WHERE seq >= ?1 ORDER BY seq")?
        .query_map([first], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    {
        let mut set = tx.prepare("UPDATE change_log SET chain = ?2 WHERE seq = ?1")?;
        for (seq, hash) in rows {
            let chain = chain_after(prev.as_deref(), &hash);
            set.execute(params![seq, chain])?;
            prev = Some(chain);
        }
    }
    tx.commit()?;
    Ok(())
}

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        StorageError::Database(e.to_string())
    }
}

/// SQLite storage in one file.
pub struct SqliteStorage {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

fn open_conn(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;",
    )?;
    Ok(conn)
}

const STEWARD_COLUMNS: &str = "SELECT id, compound_id, name, campaign_id, active_until FROM stewards";

type StewardColumns = (String, String, String, Option<String>, Option<Millis>);

fn steward_columns(r: &rusqlite::Row<'_>) -> rusqlite::Result<StewardColumns> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn steward_of((id, compound, name, campaign, until): StewardColumns) -> Result<Steward> {
    Ok(Steward {
        id: uuid_of(&id)?,
        compound_id: uuid_of(&compound)?,
        name,
        campaign_id: opt_uuid(campaign)?,
        active_until: until,
    })
}

fn uuid_of(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| StorageError::Corrupt(format!("stored id {s:?} is not a uuid")))
}

fn opt_uuid(s: Option<String>) -> Result<Option<Uuid>> {
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

impl SqliteStorage {
    /// Opens (creating if needed) the database in `data_dir` and runs migrations.
    pub fn open(data_dir: &Path) -> Result<SqliteStorage> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| StorageError::Database(format!("cannot create data directory {}: {e}", data_dir.display())))?;
        let path = data_dir.join("steward.sqlite3");
        let mut writer = open_conn(&path)?;
        migrate(&mut writer)?;
        fill_chains(&mut writer)?;
        fill_read_model(&mut writer)?;
        Ok(SqliteStorage { path, writer: Mutex::new(writer), readers: Mutex::new(Vec::new()) })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match conn {
            Some(c) => c,
            None => open_conn(&self.path)?,
        };
        let out = f(&conn);
        let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if pool.len() < 8 {
            pool.push(conn);
        }
        out
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
                params![
                    s.id.to_string(),
                    s.compound_id.to_string(),
                    s.name,
                    s.campaign_id.map(|c| c.to_string()),
                    s.active_until
                ],
            )?;
            Ok(())
        })
    }

    fn write<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut conn)
    }
}

fn migrate(conn: &mut Connection) -> Result<()> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    let current: i64 = conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        if version > current {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [version])?;
            tx.commit()?;
        }
    }
    Ok(())
}

fn load_doc_in(conn: &Connection, id: Uuid) -> Result<Option<(LoadedDoc, i64)>> {
    let row: Option<(String, String, Option<String>, Vec<u8>, i64, Option<String>)> = conn
        .prepare_cached(
            "SELECT d.kind, d.compound_id, d.steward_id, d.snapshot, d.last_seq, p.json
             FROM docs d LEFT JOIN projections p ON p.doc_id = d.id WHERE d.id = ?1",
        )?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .optional()?;
    let Some((kind, compound, steward, snapshot, last_seq, projection_json)) = row else {
        return Ok(None);
    };
    let meta = meta_from_row(id.to_string(), kind, compound, steward)?;
    let snapshot_len = snapshot.len();
    let mut doc = if snapshot.is_empty() {
        Automerge::new()
    } else {
        Automerge::load(&snapshot).map_err(|e| StorageError::Corrupt(format!("snapshot of {id}: {e}")))?
    };
    let mut buf = Vec::new();
    let mut max_inc = 0i64;
    {
        let mut stmt = conn.prepare_cached("SELECT seq, data FROM increments WHERE doc_id = ?1 ORDER BY seq")?;
        let mut rows = stmt.query([id.to_string()])?;
        while let Some(r) = rows.next()? {
            max_inc = r.get(0)?;
            buf.extend_from_slice(r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?);
        }
    }
    if !buf.is_empty() {
        doc.load_incremental(&buf).map_err(|e| StorageError::Corrupt(format!("increments of {id}: {e}")))?;
    }
    let stored_bytes = (snapshot_len + buf.len()) as u64;
    Ok(Some((LoadedDoc { meta, last_seq, doc, projection_json, stored_bytes }, max_inc)))
}

impl Storage for SqliteStorage {
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
                params![place.id.to_string(), kind.as_code(), place.name, parent_id.map(|p| p.to_string())],
            )?;
            Ok(())
        })?;
        Ok(place)
    }

    fn place(&self, id: Uuid) -> Result<Option<Place>> {
        self.read(|c| {
            let row: Option<(String, String, Option<String>)> = c
                .query_row("SELECT kind, name, parent_id FROM places WHERE id = ?1", [id.to_string()], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            row.map(|(kind, name, parent)| {
                Ok(Place {
                    id,
                    kind: PlaceKind::from_code(&kind).ok_or_else(|| StorageError::Corrupt("place kind".into()))?,
                    name,
                    parent_id: opt_uuid(parent)?,
                })
            })
            .transpose()
        })
    }

    fn places(&self) -> Result<Vec<Place>> {
        self.read(|c| {
            let mut stmt = c.prepare("SELECT id, kind, name, parent_id FROM places ORDER BY name")?;
            let rows: Vec<(String, String, String, Option<String>)> =
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect::<Result<_, _>>()?;
            rows.into_iter()
                .map(|(id, kind, name, parent)| {
                    Ok(Place {
                        id: uuid_of(&id)?,
                        kind: PlaceKind::from_code(&kind).ok_or_else(|| StorageError::Corrupt("place kind".into()))?,
                        name,
                        parent_id: opt_uuid(parent)?,
                    })
                })
                .collect()
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
        self.read(|c| {
            let row: Option<StewardColumns> = c
                .query_row(&format!("{STEWARD_COLUMNS} WHERE id = ?1"), [id.to_string()], steward_columns)
                .optional()?;
            row.map(steward_of).transpose()
        })
    }

    fn stewards(&self, compound_ids: Option<&[Uuid]>) -> Result<Vec<Steward>> {
        let all: Vec<Steward> = self.read(|c| {
            let mut stmt = c.prepare(&format!("{STEWARD_COLUMNS} ORDER BY name"))?;
            let rows: Vec<StewardColumns> = stmt.query_map([], steward_columns)?.collect::<Result<_, _>>()?;
            rows.into_iter().map(steward_of).collect()
        })?;
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
                "INSERT OR IGNORE INTO users (id, username, password_hash, role, place_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    user.id.to_string(),
                    user.username,
                    password_hash,
                    role.as_code(),
                    place_id.map(|p| p.to_string())
                ],
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
            let row: Option<(String, String, String, Option<String>)> = c
                .query_row(
                    "SELECT id, password_hash, role, place_id FROM users WHERE username = ?1",
                    [username.trim()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            row.map(|(id, hash, role, place)| {
                Ok((
                    User {
                        id: uuid_of(&id)?,
                        username: username.trim().to_string(),
                        role: Role::from_code(&role).ok_or_else(|| StorageError::Corrupt("role".into()))?,
                        place_id: opt_uuid(place)?,
                    },
                    hash,
                ))
            })
            .transpose()
        })
    }

    fn create_session(&self, user_id: Uuid, token_hash: &str, expires_at: Millis) -> Result<()> {
        self.write(|c| {
            c.execute(
                "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
                params![token_hash, user_id.to_string(), expires_at],
            )?;
            Ok(())
        })
    }

    fn log_access(&self, user: &User, action: &str, households: &[Uuid], at: Millis) -> Result<()> {
        let records = serde_json::to_string(households).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        self.write(|c| {
            c.prepare_cached(
                "INSERT INTO access_log (at, user_id, username, action, records) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![at, user.id.to_string(), user.username, action, records])?;
            Ok(())
        })
    }

    fn access_log(&self, before: Option<i64>, limit: u32) -> Result<Vec<AccessEntry>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, at, user_id, username, action, records FROM access_log
                 WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![before.unwrap_or(i64::MAX), limit], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get(1)?,
                    r.get::<_, String>(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (seq, at, user, username, action, records) = row?;
                let households: Vec<Uuid> = serde_json::from_str(&records)
                    .map_err(|e| StorageError::Corrupt(format!("access log {seq}: {e}")))?;
                out.push(AccessEntry { seq, at, user_id: uuid_of(&user)?, username, action, households });
            }
            Ok(out)
        })
    }

    fn end_session(&self, token_hash: &str) -> Result<bool> {
        self.write(|c| Ok(c.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])? > 0))
    }

    fn set_password(&self, user_id: Uuid, password_hash: &str, keep: Option<&str>) -> Result<()> {
        self.write(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let n = tx.execute(
                "UPDATE users SET password_hash = ?2 WHERE id = ?1",
                params![user_id.to_string(), password_hash],
            )?;
            if n == 0 {
                return Err(StorageError::NotFound(format!("user {user_id}")));
            }
            tx.execute(
                "DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS NOT ?2",
                params![user_id.to_string(), keep],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    fn create_enrolment(&self, steward_id: Uuid, code_hash: &str, expires_at: Millis) -> Result<()> {
        self.steward(steward_id)?.ok_or_else(|| StorageError::NotFound(format!("steward {steward_id}")))?;
        self.write(|c| {
            c.execute(
                "INSERT INTO enrolments (code_hash, steward_id, expires_at) VALUES (?1, ?2, ?3)",
                params![code_hash, steward_id.to_string(), expires_at],
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
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let steward: Option<String> = tx
                .query_row(
                    "SELECT e.steward_id FROM enrolments e JOIN stewards s ON s.id = e.steward_id
                     WHERE e.code_hash = ?1 AND e.used_at IS NULL AND e.expires_at > ?2
                       AND (s.active_until IS NULL OR s.active_until > ?2)",
                    params![code_hash, now],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(steward) = steward else { return Ok(None) };
            let device_id = Uuid::new_v4();
            tx.execute(
                "UPDATE enrolments SET used_at = ?2, device_id = ?3 WHERE code_hash = ?1",
                params![code_hash, now, device_id.to_string()],
            )?;
            tx.execute(
                "INSERT INTO devices (id, steward_id, name, token_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    device_id.to_string(),
                    steward,
                    device_name.chars().take(80).collect::<String>(),
                    token_hash,
                    now
                ],
            )?;
            tx.commit()?;
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
            let device: Option<(String, String, String, bool)> = c
                .prepare_cached(
                    "SELECT d.id, d.steward_id, s.compound_id, s.campaign_id IS NOT NULL
                     FROM devices d JOIN stewards s ON s.id = d.steward_id
                     WHERE d.token_hash = ?1 AND d.revoked_at IS NULL
                       AND (s.active_until IS NULL OR s.active_until > ?2)",
                )?
                .query_row(params![token_hash, now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .optional()?;
            if let Some((d, s, comp, temporary)) = device {
                return Ok(Some(Principal::Device {
                    device_id: uuid_of(&d)?,
                    steward_id: uuid_of(&s)?,
                    compound_id: uuid_of(&comp)?,
                    temporary,
                }));
            }
            let user: Option<(String, String, String, Option<String>)> = c
                .prepare_cached(
                    "SELECT u.id, u.username, u.role, u.place_id FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.token_hash = ?1 AND s.expires_at > ?2",
                )?
                .query_row(params![token_hash, now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .optional()?;
            user.map(|(id, username, role, place)| {
                Ok(Principal::User(User {
                    id: uuid_of(&id)?,
                    username,
                    role: Role::from_code(&role).ok_or_else(|| StorageError::Corrupt("role".into()))?,
                    place_id: opt_uuid(place)?,
                }))
            })
            .transpose()
        })
    }

    fn search_households(&self, q: &HouseholdQuery) -> Result<(u64, Vec<HouseholdSummary>)> {
        let mut clauses: Vec<String> = Vec::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let mut arg = |v: rusqlite::types::Value| {
            args.push(v);
            format!("?{}", args.len())
        };
        if let Some(compounds) = &q.compounds {
            if compounds.is_empty() {
                return Ok((0, Vec::new()));
            }
            let list: Vec<String> = compounds.iter().map(|c| arg(c.to_string().into())).collect();
            clauses.push(format!("h.compound_id IN ({})", list.join(",")));
        }
        if let Some(s) = q.steward_id {
            clauses.push(format!("h.steward_id = {}", arg(s.to_string().into())));
        }
        if let Some(t) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let escaped = t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            let p = arg(format!("%{escaped}%").into());
            clauses.push(format!("(h.head_name LIKE {p} ESCAPE '\\' OR h.address LIKE {p} ESCAPE '\\')"));
        }
        match q.tag {
            None => {}
            Some(HouseholdTag::PartyMember) => clauses.push("h.party_member = 1".into()),
            Some(HouseholdTag::KeyService) => clauses.push("length(h.key_service) > 1".into()),
            Some(HouseholdTag::Reason(r)) => {
                clauses.push(format!("h.key_service LIKE {}", arg(format!("%,{},%", r.as_code()).into())))
            }
        }
        if q.open_must_visit {
            clauses.push("h.open_must_visits > 0".into());
        }
        let filter = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        let dir = if q.descending { "DESC" } else { "ASC" };
        let order = match q.sort {
            HouseholdSort::Address => format!("h.address_key {dir}"),
            HouseholdSort::HeadName => format!("h.head_name {dir}, h.address_key"),
            HouseholdSort::Steward => format!("s.name {dir}, h.address_key"),
            HouseholdSort::OpenMustVisits => format!("h.open_must_visits {dir}, h.address_key"),
            HouseholdSort::Visits => format!("h.visits {dir}, h.address_key"),
            HouseholdSort::LastVisitAt => format!("h.last_visit_at {dir} NULLS LAST, h.address_key"),
        };
        self.read(|c| {
            c.execute_batch("BEGIN")?;
            let out = (|| {
                let total: i64 = c.query_row(
                    &format!("SELECT count(*) FROM household_index h {filter}"),
                    rusqlite::params_from_iter(args.iter()),
                    |r| r.get(0),
                )?;
                let limit = args.len() + 1;
                let sql = format!(
                    "SELECT h.doc_id, h.compound_id, h.steward_id, h.head_name, h.address, h.party_member, h.key_service,
                            h.open_must_visits, h.visits, h.last_visit_at
                     FROM household_index h LEFT JOIN stewards s ON s.id = h.steward_id {filter}
                     ORDER BY {order}, h.doc_id LIMIT ?{limit} OFFSET ?{}",
                    limit + 1
                );
                let mut all = args.clone();
                all.push((q.limit.min(i64::MAX as u64) as i64).into());
                all.push((q.offset.min(i64::MAX as u64) as i64).into());
                let mut stmt = c.prepare(&sql)?;
                let rows = stmt
                    .query_map(rusqlite::params_from_iter(all.iter()), |r| {
                        let id: String = r.get(0)?;
                        let compound: String = r.get(1)?;
                        let steward: Option<String> = r.get(2)?;
                        let key_service: Option<String> = r.get(6)?;
                        Ok((id, compound, steward, r.get(3)?, r.get(4)?, r.get(5)?, key_service, r.get(7)?, r.get(8)?, r.get(9)?))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                let rows = rows
                    .into_iter()
                    .map(|(id, compound, steward, head_name, address, party_member, key_service, open, visits, last)| {
                        Ok(HouseholdSummary {
                            id: uuid_of(&id)?,
                            compound_id: uuid_of(&compound)?,
                            steward_id: steward.as_deref().map(uuid_of).transpose()?,
                            head_name,
                            address,
                            party_member,
                            key_service: HouseholdSummary::key_service_of_column(key_service.as_deref()),
                            open_must_visits: open,
                            visits,
                            last_visit_at: last,
                            profile_complete: false,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok((total.max(0) as u64, rows))
            })();
            c.execute_batch("COMMIT")?;
            out
        })
    }

    fn visit_tallies(&self, slice: &Slice, from: Millis, to: Millis, month: &str) -> Result<Vec<StewardTally>> {
        let mut by: BTreeMap<Uuid, StewardTally> = BTreeMap::new();
        fn tally(by: &mut BTreeMap<Uuid, StewardTally>, s: Uuid) -> &mut StewardTally {
            by.entry(s).or_insert(StewardTally {
                steward_id: s,
                visits: 0,
                households_visited: 0,
                planned: 0,
                planned_visited: 0,
            })
        }
        let mut args = vec![from.into(), to.into()];
        let Some(filter) = slice_filter(slice, "v.compound_id", "h.steward_id", &mut args) else {
            return Ok(Vec::new());
        };
        self.read(|c| {
            c.execute_batch("BEGIN")?;
            let out = (|| {
                let sql = format!(
                    "SELECT coalesce(v.by_steward, h.steward_id), count(*)
                     FROM visit_index v JOIN household_index h ON h.doc_id = v.household_id
                     WHERE v.at >= ?1 AND v.at < ?2 {filter} GROUP BY 1"
                );
                let rows: Vec<(Option<String>, u32)> = c
                    .prepare_cached(&sql)?
                    .query_map(rusqlite::params_from_iter(args.iter()), |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                for (s, visits) in rows {
                    if let Some(s) = s {
                        tally(&mut by, uuid_of(&s)?).visits += visits;
                    }
                }
                let sql = format!(
                    "SELECT h.steward_id, count(DISTINCT v.household_id)
                     FROM visit_index v JOIN household_index h ON h.doc_id = v.household_id
                     WHERE v.at >= ?1 AND v.at < ?2 AND h.steward_id IS NOT NULL {filter} GROUP BY 1"
                );
                let rows: Vec<(String, u32)> = c
                    .prepare_cached(&sql)?
                    .query_map(rusqlite::params_from_iter(args.iter()), |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                for (s, n) in rows {
                    tally(&mut by, uuid_of(&s)?).households_visited = n;
                }
                let mut plan_args = vec![from.into(), to.into(), month.to_string().into()];
                let plan_filter = slice_filter(slice, "p.compound_id", "p.steward_id", &mut plan_args).unwrap_or_default();
                let sql = format!(
                    "SELECT p.steward_id, count(*),
                            sum(EXISTS (SELECT 1 FROM visit_index v WHERE v.household_id = p.household_id AND v.at >= ?1 AND v.at < ?2))
                     FROM plan_index p WHERE p.month = ?3 {plan_filter} GROUP BY 1"
                );
                let rows: Vec<(String, u32, u32)> = c
                    .prepare_cached(&sql)?
                    .query_map(rusqlite::params_from_iter(plan_args.iter()), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<Result<_, _>>()?;
                for (s, planned, visited) in rows {
                    let t = tally(&mut by, uuid_of(&s)?);
                    t.planned = planned;
                    t.planned_visited = visited;
                }
                Ok(by.into_values().collect())
            })();
            c.execute_batch("COMMIT")?;
            out
        })
    }

    fn clears(&self, slice: &Slice) -> Result<Vec<(Uuid, steward_core::clears::ThreeClears)>> {
        let mut args = Vec::new();
        let Some(filter) = slice_filter(slice, "h.compound_id", "h.steward_id", &mut args) else {
            return Ok(Vec::new());
        };
        self.read(|c| {
            let sql = format!(
                "SELECT h.steward_id, count(*), sum(h.party_member IS NOT NULL), sum(h.profile_complete),
                        sum(h.key_service IS NOT NULL)
                 FROM household_index h WHERE h.steward_id IS NOT NULL {filter} GROUP BY 1"
            );
            let rows: Vec<(String, u32, u32, u32, u32)> = c
                .prepare_cached(&sql)?
                .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect::<Result<_, _>>()?;
            rows.into_iter()
                .map(|(s, households, party_member_known, basic_profile_complete, key_service_known)| {
                    Ok((
                        uuid_of(&s)?,
                        steward_core::clears::ThreeClears {
                            households,
                            party_member_known,
                            basic_profile_complete,
                            key_service_known,
                        },
                    ))
                })
                .collect()
        })
    }

    fn visit_trend(&self, slice: &Slice, ranges: &[(Millis, Millis)]) -> Result<Vec<(u32, u32)>> {
        let (Some(first), Some(last)) = (ranges.first(), ranges.last()) else { return Ok(Vec::new()) };
        // One pass over the index: each visit falls into the range its time opens (the ranges
        // are consecutive months, oldest first).
        let mut args: Vec<rusqlite::types::Value> = vec![first.0.into(), last.1.into()];
        let mut case = String::from("CASE");
        for (k, (_, to)) in ranges.iter().enumerate() {
            args.push((*to).into());
            case.push_str(&format!(" WHEN v.at < ?{} THEN {k}", args.len()));
        }
        case.push_str(" END");
        let mut out = vec![(0, 0); ranges.len()];
        let (join, steward_col) = if slice.steward_id.is_some() {
            ("JOIN household_index h ON h.doc_id = v.household_id", "h.steward_id")
        } else {
            ("", "v.by_steward")
        };
        let Some(filter) = slice_filter(slice, "v.compound_id", steward_col, &mut args) else { return Ok(out) };
        self.read(|c| {
            let sql = format!(
                "SELECT {case} AS k, count(*), count(DISTINCT v.household_id)
                 FROM visit_index v {join} WHERE v.at >= ?1 AND v.at < ?2 {filter} GROUP BY k"
            );
            let rows: Vec<(Option<usize>, u32, u32)> = c
                .prepare_cached(&sql)?
                .query_map(rusqlite::params_from_iter(args.iter()), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?;
            for (k, visits, households) in rows {
                if let Some(slot) = k.and_then(|k| out.get_mut(k)) {
                    *slot = (visits, households);
                }
            }
            Ok(out)
        })
    }

    fn open_must_visits(&self, slice: &Slice) -> Result<Vec<AtHousehold<IndexedMustVisit>>> {
        let mut args = Vec::new();
        let Some(filter) = slice_filter(slice, "m.compound_id", "h.steward_id", &mut args) else {
            return Ok(Vec::new());
        };
        self.read(|c| {
            let sql = format!(
                "SELECT m.id, m.household_id, m.compound_id, m.trigger, m.date, h.address, h.head_name, h.steward_id, f.at
                 FROM must_visit_index m JOIN household_index h ON h.doc_id = m.household_id
                 LEFT JOIN first_seen f ON f.record_id = m.id
                 WHERE m.answered = 0 {filter} ORDER BY m.date, m.id"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt
                .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                    Ok((
                        (r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get(4)?),
                        (r.get(5)?, r.get(6)?, r.get::<_, Option<String>>(7)?, r.get(8)?),
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|((id, h, comp, trigger, date), (address, head_name, steward, seen))| {
                    Ok(AtHousehold {
                        row: IndexedMustVisit {
                            id: uuid_of(&id)?,
                            household_id: uuid_of(&h)?,
                            compound_id: uuid_of(&comp)?,
                            trigger,
                            date,
                            answered: false,
                            answered_at: None,
                        },
                        address,
                        head_name,
                        steward_id: steward.as_deref().map(uuid_of).transpose()?,
                        server_seen_at: seen,
                    })
                })
                .collect()
        })
    }

    fn timely_rows(&self, slice: &Slice, raised: Option<(Millis, Millis)>) -> Result<Vec<AtHousehold<IndexedTimely>>> {
        let (from, to) = raised.unwrap_or((i64::MIN, i64::MAX));
        let mut args = vec![from.into(), to.into()];
        let Some(filter) = slice_filter(slice, "t.compound_id", "h.steward_id", &mut args) else {
            return Ok(Vec::new());
        };
        self.read(|c| {
            let sql = format!(
                "SELECT t.id, t.household_id, t.compound_id, t.kind, t.raised_at, t.resolved_at, h.address, h.head_name,
                        h.steward_id, f.at
                 FROM timely_index t JOIN household_index h ON h.doc_id = t.household_id
                 LEFT JOIN first_seen f ON f.record_id = t.id
                 WHERE t.raised_at >= ?1 AND t.raised_at < ?2 {filter} ORDER BY t.raised_at DESC, t.id"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt
                .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                    Ok((
                        (
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, String>(3)?,
                        ),
                        (r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get::<_, Option<String>>(8)?, r.get(9)?),
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|((id, h, comp, kind), (raised_at, resolved_at, address, head_name, steward, seen))| {
                    Ok(AtHousehold {
                        row: IndexedTimely {
                            id: uuid_of(&id)?,
                            household_id: uuid_of(&h)?,
                            compound_id: uuid_of(&comp)?,
                            kind,
                            raised_at,
                            resolved_at,
                        },
                        address,
                        head_name,
                        steward_id: steward.as_deref().map(uuid_of).transpose()?,
                        server_seen_at: seen,
                    })
                })
                .collect()
        })
    }

    fn issue_rows(&self, slice: &Slice, property: bool) -> Result<Vec<IndexedIssue>> {
        let mut args = Vec::new();
        let Some(mut filter) = slice_filter(slice, "i.compound_id", "i.reporter_id", &mut args) else {
            return Ok(Vec::new());
        };
        if property {
            filter.push_str(" AND (i.route = 'property_duty' OR i.origin = 'property_company')");
        }
        self.read(|c| {
            let sql = format!(
                "SELECT i.id, i.compound_id, i.reporter_id, i.reported_at, i.category, i.place, i.description, i.route,
                        i.status, i.comments, i.last_update_at, i.origin
                 FROM issue_index i WHERE 1 = 1 {filter} ORDER BY i.reported_at DESC, i.id"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt
                .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                    Ok((
                        (r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(3)?),
                        (r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?),
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(
                    |(
                        (id, comp, reporter, reported_at),
                        (category, place, description, route, status, comments, last, origin),
                    )| {
                        Ok(IndexedIssue {
                            id: uuid_of(&id)?,
                            compound_id: uuid_of(&comp)?,
                            reporter_id: uuid_of(&reporter)?,
                            reported_at,
                            category,
                            place,
                            description,
                            route,
                            status,
                            comments,
                            last_update_at: last,
                            origin,
                        })
                    },
                )
                .collect()
        })
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
        let mut args = vec![from.into(), to.into()];
        let Some(filter) = slice_filter(slice, "v.compound_id", "h.steward_id", &mut args) else {
            return Ok(Vec::new());
        };
        self.read(|c| {
            let sql = format!(
                "SELECT v.visit_id, v.household_id, v.compound_id, v.by_steward, v.at, v.recorded_at, v.method, v.summary,
                        v.opinions, v.hardships, v.follow_up, h.address, h.head_name, h.steward_id, f.at
                 FROM visit_index v JOIN household_index h ON h.doc_id = v.household_id
                 LEFT JOIN first_seen f ON f.record_id = v.visit_id
                 WHERE v.at >= ?1 AND v.at < ?2 {filter} ORDER BY v.at, v.visit_id"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let mut out = Vec::new();
            let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
            while let Some(r) = rows.next()? {
                let by: Option<String> = r.get(3)?;
                let steward: Option<String> = r.get(13)?;
                out.push(AtHousehold {
                    row: IndexedVisit {
                        visit_id: uuid_of(&r.get::<_, String>(0)?)?,
                        household_id: uuid_of(&r.get::<_, String>(1)?)?,
                        compound_id: uuid_of(&r.get::<_, String>(2)?)?,
                        by: by.as_deref().map(uuid_of).transpose()?,
                        at: r.get(4)?,
                        recorded_at: r.get(5)?,
                        method: r.get(6)?,
                        summary: r.get(7)?,
                        opinions: r.get(8)?,
                        hardships: r.get(9)?,
                        follow_up: r.get(10)?,
                    },
                    address: r.get(11)?,
                    head_name: r.get(12)?,
                    steward_id: steward.as_deref().map(uuid_of).transpose()?,
                    server_seen_at: r.get(14)?,
                });
            }
            Ok(out)
        })
    }

    fn users(&self) -> Result<Vec<User>> {
        self.read(|c| {
            let mut stmt = c.prepare("SELECT id, username, role, place_id FROM users ORDER BY username")?;
            let rows: Vec<(String, String, String, Option<String>)> =
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect::<Result<_, _>>()?;
            rows.into_iter()
                .map(|(id, username, role, place)| {
                    Ok(User {
                        id: uuid_of(&id)?,
                        username,
                        role: Role::from_code(&role).ok_or_else(|| StorageError::Corrupt("role".into()))?,
                        place_id: place.as_deref().map(uuid_of).transpose()?,
                    })
                })
                .collect()
        })
    }

    fn devices(&self, compound_ids: Option<&[Uuid]>) -> Result<Vec<Device>> {
        let all = self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT d.id, d.steward_id, s.compound_id, d.name, d.created_at, d.last_sync_at, d.revoked_at
                 FROM devices d JOIN stewards s ON s.id = d.steward_id ORDER BY d.created_at DESC, d.id",
            )?;
            let rows = stmt.query_map([], device_row)?.collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().collect::<Result<Vec<Device>>>()
        })?;
        Ok(match compound_ids {
            None => all,
            Some(ids) => all.into_iter().filter(|d| ids.contains(&d.compound_id)).collect(),
        })
    }

    fn device(&self, id: Uuid) -> Result<Option<Device>> {
        self.read(|c| {
            c.prepare_cached(
                "SELECT d.id, d.steward_id, s.compound_id, d.name, d.created_at, d.last_sync_at, d.revoked_at
                 FROM devices d JOIN stewards s ON s.id = d.steward_id WHERE d.id = ?1",
            )?
            .query_row([id.to_string()], device_row)
            .optional()?
            .transpose()
        })
    }

    fn revoke_device(&self, id: Uuid, at: Millis) -> Result<bool> {
        self.write(|c| {
            let n = c.execute(
                "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id.to_string(), at],
            )?;
            Ok(n == 1)
        })
    }

    fn touch_device(&self, id: Uuid, at: Millis) -> Result<()> {
        self.write(|c| {
            c.execute(
                "UPDATE devices SET last_sync_at = max(coalesce(last_sync_at, 0), ?2) WHERE id = ?1",
                params![id.to_string(), at],
            )?;
            Ok(())
        })
    }

    fn doc_meta(&self, id: Uuid) -> Result<Option<DocMeta>> {
        self.read(|c| {
            let row: Option<(String, String, Option<String>)> = c
                .prepare_cached("SELECT kind, compound_id, steward_id FROM docs WHERE id = ?1")?
                .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            row.map(|(k, comp, s)| meta_from_row(id.to_string(), k, comp, s)).transpose()
        })
    }

    fn load_doc(&self, id: Uuid) -> Result<Option<LoadedDoc>> {
        self.read(|c| Ok(load_doc_in(c, id)?.map(|(d, _)| d)))
    }

    fn commit(&self, writes: &[DocWrite], now: Millis) -> Result<()> {
        self.write(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut conflicts = Vec::new();
            for w in writes {
                let current: Option<(i64, Option<String>)> = tx
                    .prepare_cached("SELECT last_seq, steward_id FROM docs WHERE id = ?1")?
                    .query_row([w.meta.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                match (current.as_ref(), w.expected_last_seq) {
                    (None, None) => {}
                    (Some((seq, _)), Some(expected)) if *seq == expected => {}
                    _ => conflicts.push(w.meta.id),
                }
            }
            if !conflicts.is_empty() {
                return Err(StorageError::Conflict(conflicts));
            }
            // The change log's chain at its end, carried from change to change (one read).
            let mut chain_head: Option<Vec<u8>> = tx
                .prepare_cached("SELECT chain FROM change_log ORDER BY seq DESC LIMIT 1")?
                .query_row([], |r| r.get(0))
                .optional()?
                .flatten();
            for w in writes {
                let id = w.meta.id.to_string();
                if w.expected_last_seq.is_none() {
                    tx.execute(
                        "INSERT INTO docs (id, kind, compound_id, steward_id, snapshot, last_seq, scope_seq, created_at)
                         VALUES (?1, ?2, ?3, ?4, x'', 0, 0, ?5)",
                        params![id, w.meta.kind.as_code(), w.meta.compound_id.to_string(), w.meta.steward_id.map(|s| s.to_string()), now],
                    )?;
                }
                let old_steward: Option<String> =
                    tx.query_row("SELECT steward_id FROM docs WHERE id = ?1", [&id], |r| r.get(0))?;
                let mut last = None;
                let mut added_bytes = 0i64;
                for (hash, bytes) in &w.changes {
                    let chain = chain_after(chain_head.as_deref(), &hash.0);
                    let n = tx
                        .prepare_cached(
                            "INSERT OR IGNORE INTO change_log (doc_id, hash, received_at, chain) VALUES (?1, ?2, ?3, ?4)",
                        )?
                        .execute(params![id, &hash.0[..], now, chain])?;
                    if n == 0 {
                        continue; // already stored: a replayed or duplicated change
                    }
                    chain_head = Some(chain);
                    let seq = tx.last_insert_rowid();
                    tx.prepare_cached("INSERT INTO increments (doc_id, seq, data) VALUES (?1, ?2, ?3)")?
                        .execute(params![id, seq, bytes])?;
                    added_bytes += bytes.len() as i64;
                    last = Some(seq);
                }
                let Some(last) = last else { continue };
                let new_steward = w.meta.steward_id.map(|s| s.to_string());
                let reassigned = w.expected_last_seq.is_some() && old_steward.as_deref().filter(|s| !s.is_empty()) != new_steward.as_deref();
                tx.prepare_cached(
                    "UPDATE docs SET last_seq = ?2, steward_id = ?3, inc_bytes = inc_bytes + ?4, inc_count = inc_count + ?5,
                     scope_seq = CASE WHEN ?6 THEN ?2 ELSE scope_seq END WHERE id = ?1",
                )?
                .execute(params![id, last, new_steward, added_bytes, w.changes.len() as i64, reassigned])?;
                if reassigned {
                    if let Some(old) = old_steward.filter(|s| !s.is_empty()) {
                        tx.execute("INSERT INTO revocations (steward_id, doc_id, seq) VALUES (?1, ?2, ?3)", params![old, id, last])?;
                    }
                }
                tx.prepare_cached(
                    "INSERT INTO projections (doc_id, kind, compound_id, steward_id, seq, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT(doc_id) DO UPDATE SET steward_id = excluded.steward_id, seq = excluded.seq, json = excluded.json",
                )?
                .execute(params![id, w.meta.kind.as_code(), w.meta.compound_id.to_string(), new_steward, last, w.projection_json])?;
                index_doc(&tx, &id, w.meta.kind, &w.projection_json)?;
                let mut seen = tx.prepare_cached("INSERT OR IGNORE INTO first_seen (record_id, at) VALUES (?1, ?2)")?;
                for r in &w.record_ids {
                    seen.execute(params![r.to_string(), now])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    fn feed(&self, steward_id: Uuid, compound_id: Uuid, cursor: Option<&str>, exclude: &[ChangeHash]) -> Result<Feed> {
        let exclude: BTreeSet<ChangeHash> = exclude.iter().copied().collect();
        self.read(|c| {
            // One read transaction: the cursor and the changes it covers are one snapshot.
            c.execute_batch("BEGIN")?;
            let out = (|| {
                let (max_seq, max_hash): (i64, Option<Vec<u8>>) = c
                    .query_row("SELECT seq, chain FROM change_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?
                    .unwrap_or((0, None));
                let mut feed = Feed { cursor: cursor_text(max_seq, max_hash.as_deref()), ..Default::default() };
                let Some(since) = parse_cursor(c, cursor)? else {
                    feed.unknown_cursor = true;
                    // The device has history this database may not: reconcile every document in
                    // scope with the sync protocol instead of resending whole histories.
                    let mut stmt =
                        c.prepare_cached("SELECT id FROM docs WHERE steward_id = ?1 OR (kind = 'compound' AND id = ?2)")?;
                    for id in stmt.query_map(params![steward_id.to_string(), compound_id.to_string()], |r| r.get::<_, String>(0))? {
                        feed.resync.push(uuid_of(&id?)?);
                    }
                    return Ok(feed);
                };
                let mut stmt = c.prepare_cached(
                    "SELECT id, scope_seq, snapshot FROM docs
                     WHERE (steward_id = ?1 OR (kind = 'compound' AND id = ?2)) AND last_seq > ?3",
                )?;
                let docs: Vec<(String, i64, Vec<u8>)> = stmt
                    .query_map(params![steward_id.to_string(), compound_id.to_string(), since], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })?
                    .collect::<Result<_, _>>()?;
                for (id, scope_seq, snapshot) in docs {
                    let doc_id = uuid_of(&id)?;
                    let whole = since == 0 || scope_seq > since;
                    let mut data = Vec::new();
                    if whole {
                        if !snapshot.is_empty() {
                            data.push(snapshot);
                        }
                        let mut inc = c.prepare_cached(
                            "SELECT l.hash, i.data FROM increments i JOIN change_log l ON l.doc_id = i.doc_id AND l.seq = i.seq
                             WHERE i.doc_id = ?1 ORDER BY i.seq",
                        )?;
                        for row in inc.query_map([&id], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?)))? {
                            let (hash, bytes) = row?;
                            // The device's own changes from this very request are not echoed back.
                            if !exclude.contains(&hash_of(&hash)?) {
                                data.push(bytes);
                            }
                        }
                    } else {
                        let mut stmt = c.prepare_cached(
                            "SELECT l.hash, i.data FROM change_log l LEFT JOIN increments i ON i.doc_id = l.doc_id AND i.seq = l.seq
                             WHERE l.doc_id = ?1 AND l.seq > ?2 ORDER BY l.seq",
                        )?;
                        let rows: Vec<(Vec<u8>, Option<Vec<u8>>)> =
                            stmt.query_map(params![id, since], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
                        let mut compacted = Vec::new();
                        for (hash, bytes) in rows {
                            let hash = hash_of(&hash)?;
                            if exclude.contains(&hash) {
                                continue;
                            }
                            match bytes {
                                Some(b) => data.push(b),
                                None => compacted.push(hash),
                            }
                        }
                        if !compacted.is_empty() {
                            // Merged into the snapshot since: take them out of the loaded document.
                            let (loaded, _) = load_doc_in(c, doc_id)?.ok_or_else(|| StorageError::Corrupt("doc vanished".into()))?;
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
                let mut stmt = c.prepare_cached(
                    "SELECT DISTINCT r.doc_id FROM revocations r JOIN docs d ON d.id = r.doc_id
                     WHERE r.steward_id = ?1 AND r.seq > ?2 AND (d.steward_id IS NULL OR d.steward_id <> ?1)",
                )?;
                for id in stmt.query_map(params![steward_id.to_string(), since], |r| r.get::<_, String>(0))? {
                    feed.revoked.push(uuid_of(&id?)?);
                }
                Ok(feed)
            })();
            c.execute_batch("COMMIT")?;
            out
        })
    }

    fn docs_holding(&self, hashes: &[ChangeHash], except: Uuid) -> Result<Vec<Uuid>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached("SELECT doc_id FROM change_log WHERE hash = ?1 AND doc_id <> ?2")?;
            let mut out = BTreeSet::new();
            for h in hashes {
                for id in stmt.query_map(params![&h.0[..], except.to_string()], |r| r.get::<_, String>(0))? {
                    out.insert(uuid_of(&id?)?);
                }
            }
            Ok(out.into_iter().collect())
        })
    }

    fn compact_if_needed(&self, id: Uuid) -> Result<Option<Compaction>> {
        let needed: bool = self.read(|c| {
            Ok(c.prepare_cached("SELECT inc_count >= ?2 AND inc_bytes > length(snapshot) FROM docs WHERE id = ?1")?
                .query_row(params![id.to_string(), COMPACT_MIN_INCREMENTS], |r| r.get(0))
                .optional()?
                .unwrap_or(false))
        })?;
        if needed {
            self.compact(id).map(Some)
        } else {
            Ok(None)
        }
    }

    fn compact(&self, id: Uuid) -> Result<Compaction> {
        self.write(|c| {
            // Under the writer lock nothing else can add increments between the load and the
            // delete; still, only increments up to the last one loaded are deleted.
            let (loaded, max_inc) =
                load_doc_in(c, id)?.ok_or_else(|| StorageError::NotFound(format!("document {id}")))?;
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
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute("UPDATE docs SET snapshot = ?2 WHERE id = ?1", params![id.to_string(), snapshot])?;
            let merged =
                tx.execute("DELETE FROM increments WHERE doc_id = ?1 AND seq <= ?2", params![id.to_string(), max_inc])?;
            tx.execute(
                "UPDATE docs SET inc_bytes = COALESCE((SELECT SUM(length(data)) FROM increments WHERE doc_id = ?1), 0),
                 inc_count = (SELECT COUNT(*) FROM increments WHERE doc_id = ?1) WHERE id = ?1",
                [id.to_string()],
            )?;
            steward_core::faults::crash_point("compact-before-commit");
            tx.commit()?;
            Ok(Compaction { merged_increments: merged, snapshot_bytes: snapshot.len() })
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
        let kind_code = kind.map(|k| k.as_code().to_string());
        self.read(|c| {
            let (sql, args): (String, Vec<String>) = match scope {
                Scope::All => ("SELECT doc_id, kind, compound_id, steward_id, seq, json FROM projections WHERE seq > ?1".into(), vec![]),
                Scope::Steward { steward_id, compound_id } => (
                    "SELECT doc_id, kind, compound_id, steward_id, seq, json FROM projections
                     WHERE seq > ?1 AND (steward_id = ?2 OR (kind = 'compound' AND doc_id = ?3))"
                        .into(),
                    vec![steward_id.to_string(), compound_id.to_string()],
                ),
                Scope::Compounds(ids) => {
                    let list = ids.iter().map(|i| format!("'{i}'")).collect::<Vec<_>>().join(",");
                    (format!("SELECT doc_id, kind, compound_id, steward_id, seq, json FROM projections WHERE seq > ?1 AND compound_id IN ({list})"), vec![])
                }
            };
            // The kind is filtered in SQL: a town's rows of one kind, not all its projections.
            let (sql, args) = match &kind_code {
                None => (sql, args),
                Some(k) => {
                    let mut args = args;
                    args.push(k.clone());
                    (format!("{sql} AND kind = ?{}", args.len() + 1), args)
                }
            };
            let limit = limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default();
            let mut stmt = c.prepare(&format!("{sql} ORDER BY seq{limit}"))?;
            let mut params_vec: Vec<&dyn rusqlite::ToSql> = vec![&since];
            for a in &args {
                params_vec.push(a);
            }
            let rows: Vec<(String, String, String, Option<String>, i64, String)> = stmt
                .query_map(params_vec.as_slice(), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
                .collect::<Result<_, _>>()?;
            rows.into_iter()
                .map(|(id, kind, comp, steward, seq, json)| {
                    Ok(ProjectionRow {
                        doc_id: uuid_of(&id)?,
                        kind: DocKind::from_code(&kind).ok_or_else(|| StorageError::Corrupt("kind".into()))?,
                        compound_id: uuid_of(&comp)?,
                        steward_id: opt_uuid(steward)?,
                        seq,
                        json,
                    })
                })
                .collect()
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
            let mut stmt = c.prepare_cached("SELECT at FROM first_seen WHERE record_id = ?1")?;
            let mut out = HashMap::new();
            for id in record_ids {
                if let Some(at) = stmt.query_row([id.to_string()], |r| r.get::<_, i64>(0)).optional()? {
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
            let mut stmt = c.prepare_cached(
                "SELECT DISTINCT d.compound_id, d.kind FROM change_log l JOIN docs d ON d.id = l.doc_id
                 WHERE l.seq > ?1 AND l.seq <= ?2",
            )?;
            let rows: Vec<(String, String)> =
                stmt.query_map(params![after, upto], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            rows.into_iter()
                .map(|(compound, kind)| {
                    let kind = DocKind::from_code(&kind)
                        .ok_or_else(|| StorageError::Corrupt(format!("unknown kind {kind}")))?;
                    Ok((uuid_of(&compound)?, kind))
                })
                .collect::<Result<Vec<_>>>()
                .map(Some)
        })
    }

    fn max_seq(&self) -> Result<i64> {
        self.read(|c| Ok(c.query_row("SELECT COALESCE(MAX(seq), 0) FROM change_log", [], |r| r.get(0))?))
    }

    fn backup(&self, to: &Path) -> Result<()> {
        if to.exists() {
            return Err(StorageError::Invalid(format!("{} exists already: choose a new file", to.display())));
        }
        let target = to.to_str().ok_or_else(|| StorageError::Invalid("the backup path is not UTF-8".into()))?;
        // VACUUM INTO writes a consistent snapshot from a read transaction: writers go on.
        self.read(|c| Ok(c.execute("VACUUM INTO ?1", [target]).map(|_| ())?))
    }
}

/// The sequence number a cursor stands for: 0 for no cursor; `None` for one this database never
/// issued (a restore from backup reused its numbers, or it is malformed).
fn parse_cursor(c: &Connection, cursor: Option<&str>) -> Result<Option<i64>> {
    let cursor = match cursor {
        None | Some("0") | Some("") => return Ok(Some(0)),
        Some(c) => c,
    };
    let parsed = cursor.split_once('.').and_then(|(seq, hash)| Some((seq.parse::<i64>().ok()?, hash)));
    let Some((seq, hash_hex)) = parsed else { return Ok(None) };
    let stored: Option<Vec<u8>> = c
        .prepare_cached("SELECT chain FROM change_log WHERE seq = ?1")?
        .query_row([seq], |r| r.get(0))
        .optional()?
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
        drop(SqliteStorage::open(dir.path()).unwrap());
        let hashes: Vec<Vec<u8>> = (0u8..3).map(|i| vec![i; 32]).collect();
        {
            // Rows as a database from before migration 0002 holds them: no chain.
            let c = Connection::open(dir.path().join("steward.sqlite3")).unwrap();
            for (i, h) in hashes.iter().enumerate() {
                c.execute(
                    "INSERT INTO change_log (doc_id, hash, received_at) VALUES (?1, ?2, 0)",
                    params![format!("doc{i}"), h],
                )
                .unwrap();
            }
        }
        let s = SqliteStorage::open(dir.path()).unwrap();
        let mut prev: Option<Vec<u8>> = None;
        let c = s.writer.lock().unwrap();
        for (i, h) in hashes.iter().enumerate() {
            let chain: Vec<u8> =
                c.query_row("SELECT chain FROM change_log WHERE seq = ?1", [i as i64 + 1], |r| r.get(0)).unwrap();
            let expected = chain_after(prev.as_deref(), h);
            assert_eq!(chain, expected, "row {i}");
            prev = Some(expected);
        }
        let chain_cursor = cursor_text(3, prev.as_deref());
        assert_eq!(parse_cursor(&c, Some(&chain_cursor)).unwrap(), Some(3));
        // A cursor naming only the change at that number (the earlier form) is another history's.
        let change_cursor = format!("3.{}", hex::encode(&hashes[2][..8]));
        assert_eq!(parse_cursor(&c, Some(&change_cursor)).unwrap(), None);
    }
}

/// A row of `devices` joined with its steward's compound.
#[allow(clippy::type_complexity)]
fn device_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Device>> {
    let (id, steward, compound): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
    let (name, enrolled_at, last_sync_at, revoked_at) = (r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?);
    Ok((|| {
        Ok(Device {
            id: uuid_of(&id)?,
            steward_id: uuid_of(&steward)?,
            compound_id: uuid_of(&compound)?,
            name,
            enrolled_at,
            last_sync_at,
            revoked_at,
        })
    })())
}

/// The `AND …` of a read-model query for a slice, its values appended to `args`; `None` when the
/// slice holds no compound (nothing can match).
fn slice_filter(
    slice: &Slice,
    compound_col: &str,
    steward_col: &str,
    args: &mut Vec<rusqlite::types::Value>,
) -> Option<String> {
    let mut out = String::new();
    if let Some(compounds) = &slice.compounds {
        if compounds.is_empty() {
            return None;
        }
        let start = args.len();
        args.extend(compounds.iter().map(|c| rusqlite::types::Value::from(c.to_string())));
        let list: Vec<String> = (start + 1..=args.len()).map(|n| format!("?{n}")).collect();
        out.push_str(&format!(" AND {compound_col} IN ({})", list.join(",")));
    }
    if let Some(s) = slice.steward_id {
        args.push(s.to_string().into());
        out.push_str(&format!(" AND {steward_col} = ?{}", args.len()));
    }
    Some(out)
}
