//! The Automerge documents and how they are read and written.
//!
//! One document per household (its profile, visits, must-visits, timely responses and pairing
//! notes), one per issue, one per steward-month plan and one per compound (its settings). See
//! `docs/architecture.md` for why this granularity.
//!
//! Every document's root carries `schema`, `kind`, `id` and `compound_id`; the server checks
//! these after every change so a change meant for one document cannot slip into another.
//! Every edit is one Automerge transaction, so one user action is one change.

use automerge::transaction::{CommitOptions, Transactable, Transaction};
use automerge::{Automerge, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::limits;
use crate::model::*;
use crate::time::{DeadlinePolicy, Millis};
use crate::Error;

mod campaign;
mod evaluation;
mod meeting;
mod pairing;
mod scoring;
mod team;
pub use campaign::*;
pub use evaluation::*;
pub use meeting::*;
pub use pairing::*;
pub use scoring::*;
pub use team::*;

/// The schema version written into every document's root.
pub const SCHEMA_VERSION: u64 = 1;

/// What a document holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Household,
    Issue,
    Plan,
    Compound,
    /// A compound's joint meeting (联席会议), its decisions and their follow-through.
    Meeting,
    /// A steward's scores of the compound's property company for a period (评价物业).
    Score,
    /// A steward's tasks of a campaign (专项任务): the form and one task per household.
    Campaign,
    /// A steward's half-year evaluation (每半年考核评价), written by the server only.
    Evaluation,
    /// A volunteer or culture team (志愿服务队、文化宣传队), its members and activities.
    Team,
}

impl DocKind {
    /// The code stored in the document's root.
    pub fn as_code(self) -> &'static str {
        match self {
            DocKind::Household => "household",
            DocKind::Issue => "issue",
            DocKind::Plan => "plan",
            DocKind::Compound => "compound",
            DocKind::Meeting => "meeting",
            DocKind::Score => "score",
            DocKind::Campaign => "campaign",
            DocKind::Evaluation => "evaluation",
            DocKind::Team => "team",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "household" => DocKind::Household,
            "issue" => DocKind::Issue,
            "plan" => DocKind::Plan,
            "compound" => DocKind::Compound,
            "meeting" => DocKind::Meeting,
            "score" => DocKind::Score,
            "campaign" => DocKind::Campaign,
            "evaluation" => DocKind::Evaluation,
            "team" => DocKind::Team,
            _ => return None,
        })
    }
}

/// The identity and ownership of a document: what the server authorises on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocHeader {
    pub id: Uuid,
    pub kind: DocKind,
    pub compound_id: Uuid,
    /// The steward the document belongs to: a household's assigned steward, an issue's reporter,
    /// a plan's steward, a meeting's convener. `None` for compound settings and unassigned
    /// households.
    pub steward_id: Option<Uuid>,
}

/// The id of the plan document of a steward for a month. Deterministic, so a supervisor and the
/// steward's phone that both start the month's plan offline write into one document.
pub fn plan_doc_id(steward_id: Uuid, month: crate::time::Month) -> Uuid {
    const PLAN_NAMESPACE: Uuid = Uuid::from_u128(0x6c1c_1d0b_5b0e_4a57_9d55_2f0c_72a1_3e01);
    Uuid::new_v5(&PLAN_NAMESPACE, format!("plan:{steward_id}:{month}").as_bytes())
}

// ---------------------------------------------------------------------------------------------
// Reading helpers, for a document or an open transaction alike. Conflicting concurrent values
// resolve as Automerge resolves them (the value `get` returns); the header fields are the
// exception and must not conflict at all.

fn scalar<R: ReadDoc>(doc: &R, obj: &ObjId, key: &str) -> Result<Option<ScalarValue>, Error> {
    Ok(match doc.get(obj, key)? {
        Some((Value::Scalar(s), _)) => Some(s.into_owned()),
        Some((Value::Object(ObjType::Text), id)) => Some(ScalarValue::Str(doc.text(&id)?.into())),
        _ => None,
    })
}

fn get_str<R: ReadDoc>(doc: &R, obj: &ObjId, key: &str) -> Result<String, Error> {
    Ok(match scalar(doc, obj, key)? {
        Some(ScalarValue::Str(s)) => s.to_string(),
        _ => String::new(),
    })
}

fn get_opt_str<R: ReadDoc>(doc: &R, obj: &ObjId, key: &str) -> Result<Option<String>, Error> {
    Ok(match scalar(doc, obj, key)? {
        Some(ScalarValue::Str(s)) if !s.is_empty() => Some(s.to_string()),
        _ => None,
    })
}

fn get_i64<R: ReadDoc>(doc: &R, obj: &ObjId, key: &str) -> Result<Option<i64>, Error> {
    Ok(match scalar(doc, obj, key)? {
        Some(ScalarValue::Int(i)) | Some(ScalarValue::Timestamp(i)) => Some(i),
        Some(ScalarValue::Uint(u)) => i64::try_from(u).ok(),
        _ => None,
    })
}

fn get_bool<R: ReadDoc>(doc: &R, obj: &ObjId, key: &str) -> Result<Option<bool>, Error> {
    Ok(match scalar(doc, obj, key)? {
        Some(ScalarValue::Boolean(b)) => Some(b),
        _ => None,
    })
}

fn get_uuid<R: ReadDoc>(doc: &R, obj: &ObjId, key: &str) -> Result<Option<Uuid>, Error> {
    match get_opt_str(doc, obj, key)? {
        None => Ok(None),
        Some(s) => parse_uuid(&s, key).map(Some),
    }
}

fn get_code<T>(doc: &Automerge, obj: &ObjId, key: &str, parse: fn(&str) -> Option<T>) -> Result<T, Error> {
    let code = get_str(doc, obj, key)?;
    parse(&code).ok_or_else(|| Error::Invalid(format!("field {key} has unknown code {code:?}")))
}

fn get_obj(doc: &Automerge, obj: &ObjId, key: &str) -> Result<Option<ObjId>, Error> {
    Ok(match doc.get(obj, key)? {
        Some((Value::Object(_), id)) => Some(id),
        _ => None,
    })
}

fn map_entries(doc: &Automerge, obj: &ObjId, key: &str) -> Result<Vec<(String, ObjId)>, Error> {
    let Some(map) = get_obj(doc, obj, key)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for k in doc.keys(&map) {
        if let Some((Value::Object(_), id)) = doc.get(&map, k.as_str())? {
            out.push((k, id));
        }
    }
    Ok(out)
}

fn list_strs(doc: &Automerge, obj: &ObjId, key: &str) -> Result<Vec<String>, Error> {
    let Some(list) = get_obj(doc, obj, key)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for i in 0..doc.length(&list) {
        if let Some((Value::Scalar(s), _)) = doc.get(&list, i)? {
            if let ScalarValue::Str(s) = s.as_ref() {
                out.push(s.to_string());
            }
        }
    }
    Ok(out)
}

/// A header field must hold exactly one value: two values mean two documents' histories were
/// merged, which only a change meant for another document can cause.
///
/// Equal values are fine: two creators of a document with a derived id (a plan) both write the
/// same header concurrently.
fn header_str(doc: &Automerge, key: &str) -> Result<String, Error> {
    let mut values = std::collections::BTreeSet::new();
    for (v, _) in doc.get_all(ROOT, key)? {
        match v {
            Value::Scalar(s) => match s.as_ref() {
                ScalarValue::Str(s) => values.insert(s.to_string()),
                _ => return Err(Error::Invalid(format!("document field {key} is not text"))),
            },
            _ => return Err(Error::Invalid(format!("document field {key} is not text"))),
        };
    }
    if values.len() > 1 {
        return Err(Error::Invalid(format!(
            "document field {key} has {} conflicting values: a change from another document was applied",
            values.len()
        )));
    }
    values.pop_first().ok_or_else(|| Error::Invalid(format!("document has no {key} field")))
}

/// Reads and checks the header of a document.
pub fn header(doc: &Automerge) -> Result<DocHeader, Error> {
    let kind_code = header_str(doc, "kind")?;
    let kind =
        DocKind::from_code(&kind_code).ok_or_else(|| Error::Invalid(format!("unknown document kind {kind_code:?}")))?;
    let id = parse_uuid(&header_str(doc, "id")?, "document id")?;
    let compound_id = parse_uuid(&header_str(doc, "compound_id")?, "compound_id")?;
    let steward_id = match kind {
        DocKind::Household
        | DocKind::Plan
        | DocKind::Score
        | DocKind::Campaign
        | DocKind::Evaluation
        | DocKind::Team => get_uuid(doc, &ROOT, "steward_id")?,
        DocKind::Issue => get_uuid(doc, &ROOT, "reporter_id")?,
        DocKind::Meeting => get_uuid(doc, &ROOT, "convener_id")?,
        DocKind::Compound => None,
    };
    Ok(DocHeader { id, kind, compound_id, steward_id })
}

// ---------------------------------------------------------------------------------------------
// Writing helpers.

fn commit_options(message: &str, at: Millis) -> CommitOptions {
    CommitOptions::default().with_message(message.to_string()).with_time(at / 1000)
}

/// Runs `f` as one transaction: one user action, one change. Nothing is committed on error.
fn edit<F>(doc: &mut Automerge, message: &str, at: Millis, f: F) -> Result<(), Error>
where
    F: FnOnce(&mut Transaction<'_>) -> Result<(), Error>,
{
    doc.transact_with(|_| commit_options(message, at), f).map(|_| ()).map_err(|failure| failure.error)
}

fn put_header(tx: &mut Transaction<'_>, kind: DocKind, id: Uuid, compound_id: Uuid) -> Result<(), Error> {
    tx.put(ROOT, "schema", SCHEMA_VERSION)?;
    tx.put(ROOT, "kind", kind.as_code())?;
    tx.put(ROOT, "id", id.to_string())?;
    tx.put(ROOT, "compound_id", compound_id.to_string())?;
    Ok(())
}

fn ensure_map(tx: &mut Transaction<'_>, obj: &ObjId, key: &str) -> Result<ObjId, Error> {
    match tx.get(obj, key)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Ok(tx.put_object(obj, key, ObjType::Map)?),
    }
}

fn map_entry(tx: &Transaction<'_>, obj: &ObjId, key: &str, entry: &str) -> Result<Option<ObjId>, Error> {
    let Some((Value::Object(ObjType::Map), map)) = tx.get(obj, key)? else {
        return Ok(None);
    };
    Ok(match tx.get(&map, entry)? {
        Some((Value::Object(ObjType::Map), id)) => Some(id),
        _ => None,
    })
}

fn put_str_list(tx: &mut Transaction<'_>, obj: &ObjId, key: &str, items: &[String]) -> Result<(), Error> {
    let list = tx.put_object(obj, key, ObjType::List)?;
    for (i, item) in items.iter().enumerate() {
        tx.insert(&list, i, item.as_str())?;
    }
    Ok(())
}

fn put_text(tx: &mut Transaction<'_>, obj: &ObjId, key: &str, text: &str) -> Result<(), Error> {
    match tx.get(obj, key)? {
        Some((Value::Object(ObjType::Text), id)) => tx.update_text(&id, text)?,
        _ => {
            let id = tx.put_object(obj, key, ObjType::Text)?;
            tx.splice_text(&id, 0, 0, text)?;
        }
    }
    Ok(())
}

fn require(cond: bool, what: &str) -> Result<(), Error> {
    if cond {
        Ok(())
    } else {
        Err(Error::Invalid(what.to_string()))
    }
}

// ---------------------------------------------------------------------------------------------
// Households.

/// A new household, as an admin imports it or a steward registers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewHousehold {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub steward_id: Option<Uuid>,
    pub profile: HouseholdProfile,
}

/// A visit as the steward records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewVisit {
    pub id: Uuid,
    /// When the visit happened, as the steward entered it (the phone's clock may be wrong).
    pub at: Millis,
    pub method: VisitMethod,
    pub summary: String,
    #[serde(default)]
    pub opinions: Vec<Opinion>,
    #[serde(default)]
    pub hardships: String,
    /// The open must-visits this visit answers.
    #[serde(default)]
    pub answers: Vec<Uuid>,
    #[serde(default)]
    pub follow_up: bool,
    /// Who visited.
    pub by: Uuid,
}

/// A must-visit trigger raised on a household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewMustVisit {
    pub id: Uuid,
    pub trigger: MustVisitTrigger,
    /// The date of the event that put the household on the list.
    pub date: Millis,
    #[serde(default)]
    pub note: String,
    pub raised_by: Uuid,
}

/// An event that needs a timely response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewTimely {
    pub id: Uuid,
    pub kind: TimelyKind,
    pub raised_at: Millis,
    #[serde(default)]
    pub note: String,
    pub raised_by: Uuid,
}

/// Creates a household document.
pub fn create_household(actor: automerge::ActorId, h: &NewHousehold, at: Millis) -> Result<Automerge, Error> {
    limits::profile(&h.profile)?;
    let mut doc = Automerge::new().with_actor(actor);
    edit(&mut doc, "create household", at, |tx| {
        put_header(tx, DocKind::Household, h.id, h.compound_id)?;
        tx.put(ROOT, "steward_id", h.steward_id.map(|s| s.to_string()).unwrap_or_default())?;
        tx.put_object(ROOT, "visits", ObjType::Map)?;
        tx.put_object(ROOT, "must_visits", ObjType::Map)?;
        tx.put_object(ROOT, "timely", ObjType::Map)?;
        tx.put_object(ROOT, "pairing", ObjType::Map)?;
        write_profile(tx, &h.profile)
    })?;
    Ok(doc)
}

fn write_profile(tx: &mut Transaction<'_>, p: &HouseholdProfile) -> Result<(), Error> {
    let addr = ensure_map(tx, &ROOT, "address")?;
    tx.put(&addr, "building", p.address.building.trim())?;
    tx.put(&addr, "unit", p.address.unit.trim())?;
    tx.put(&addr, "room", p.address.room.trim())?;
    tx.put(ROOT, "head_name", p.head_name.trim())?;
    tx.put(ROOT, "member_count", u64::from(p.member_count))?;
    tx.put(ROOT, "phone", p.phone.as_deref().unwrap_or("").trim())?;
    match p.party_member {
        Some(b) => tx.put(ROOT, "party_member", b)?,
        None => tx.put(ROOT, "party_member", ScalarValue::Null)?,
    }
    match &p.key_service {
        None => tx.put(ROOT, "key_service", ScalarValue::Null)?,
        Some(reasons) => {
            let codes: Vec<String> = reasons.iter().map(|r| r.as_code().to_string()).collect();
            put_str_list(tx, &ROOT, "key_service", &codes)?;
        }
    }
    put_text(tx, &ROOT, "notes", &p.notes)
}

/// Replaces a household's profile. Only fields that changed produce operations, so a steward
/// and a supervisor editing different fields offline both keep their edit.
pub fn update_profile(doc: &mut Automerge, p: &HouseholdProfile, at: Millis) -> Result<(), Error> {
    limits::profile(p)?;
    let current = read_profile(doc)?;
    edit(doc, "update profile", at, |tx| {
        if current.address != p.address {
            let addr = ensure_map(tx, &ROOT, "address")?;
            for (k, old, new) in [
                ("building", &current.address.building, &p.address.building),
                ("unit", &current.address.unit, &p.address.unit),
                ("room", &current.address.room, &p.address.room),
            ] {
                if old != new {
                    tx.put(&addr, k, new.trim())?;
                }
            }
        }
        if current.head_name != p.head_name {
            tx.put(ROOT, "head_name", p.head_name.trim())?;
        }
        if current.member_count != p.member_count {
            tx.put(ROOT, "member_count", u64::from(p.member_count))?;
        }
        if current.phone != p.phone {
            tx.put(ROOT, "phone", p.phone.as_deref().unwrap_or("").trim())?;
        }
        if current.party_member != p.party_member {
            match p.party_member {
                Some(b) => tx.put(ROOT, "party_member", b)?,
                None => tx.put(ROOT, "party_member", ScalarValue::Null)?,
            }
        }
        if current.key_service != p.key_service {
            match &p.key_service {
                None => tx.put(ROOT, "key_service", ScalarValue::Null)?,
                Some(reasons) => {
                    let codes: Vec<String> = reasons.iter().map(|r| r.as_code().to_string()).collect();
                    put_str_list(tx, &ROOT, "key_service", &codes)?;
                }
            }
        }
        if current.notes != p.notes {
            put_text(tx, &ROOT, "notes", &p.notes)?;
        }
        Ok(())
    })
}

/// Assigns a household to a steward (or none).
pub fn assign_household(doc: &mut Automerge, steward_id: Option<Uuid>, at: Millis) -> Result<(), Error> {
    edit(doc, "assign household", at, |tx| {
        tx.put(ROOT, "steward_id", steward_id.map(|s| s.to_string()).unwrap_or_default())?;
        Ok(())
    })
}

/// Records a visit. The must-visits it answers must be open on this household.
pub fn record_visit(doc: &mut Automerge, v: &NewVisit) -> Result<(), Error> {
    require(!v.summary.trim().is_empty(), "a visit needs a summary of what was heard")?;
    limits::instant("the visit's time", v.at)?;
    limits::text("the visit's summary", &v.summary, limits::LONG_TEXT)?;
    limits::count("opinions on one visit", v.opinions.len(), limits::MAX_OPINIONS)?;
    for o in &v.opinions {
        require(!o.text.trim().is_empty(), "an opinion needs its text")?;
        limits::text("an opinion", &o.text, limits::LONG_TEXT)?;
    }
    limits::text("the hardships", &v.hardships, limits::LONG_TEXT)?;
    limits::count("must-visits one visit answers", v.answers.len(), limits::MAX_ANSWERS)?;
    let must_visits = map_entries(doc, &ROOT, "must_visits")?;
    for a in &v.answers {
        require(
            must_visits.iter().any(|(k, _)| k == &a.to_string()),
            "the visit answers a must-visit this household does not have",
        )?;
    }
    let recorded_at = crate::time::now_millis();
    edit(doc, "record visit", v.at, |tx| {
        let visits = ensure_map(tx, &ROOT, "visits")?;
        let visit = tx.put_object(&visits, v.id.to_string(), ObjType::Map)?;
        tx.put(&visit, "at", ScalarValue::Timestamp(v.at))?;
        tx.put(&visit, "recorded_at", ScalarValue::Timestamp(recorded_at))?;
        tx.put(&visit, "method", v.method.as_code())?;
        tx.put(&visit, "summary", v.summary.trim())?;
        let opinions = tx.put_object(&visit, "opinions", ObjType::List)?;
        for (i, o) in v.opinions.iter().enumerate() {
            let op = tx.insert_object(&opinions, i, ObjType::Map)?;
            tx.put(&op, "category", o.category.as_code())?;
            tx.put(&op, "text", o.text.trim())?;
        }
        tx.put(&visit, "hardships", v.hardships.trim())?;
        let answers: Vec<String> = v.answers.iter().map(Uuid::to_string).collect();
        put_str_list(tx, &visit, "answers", &answers)?;
        tx.put(&visit, "follow_up", v.follow_up)?;
        tx.put(&visit, "by", v.by.to_string())?;
        Ok(())
    })
}

/// Raises a must-visit trigger on a household.
pub fn raise_must_visit(doc: &mut Automerge, m: &NewMustVisit) -> Result<(), Error> {
    limits::instant("the must-visit's date", m.date)?;
    limits::text("the must-visit's note", &m.note, limits::LONG_TEXT)?;
    let now = crate::time::now_millis();
    edit(doc, "raise must-visit", now, |tx| {
        // The same must-visit raised again (a sync replaying it, a caller reusing its id) must
        // not reset the one there.
        require(
            map_entry(tx, &ROOT, "must_visits", &m.id.to_string())?.is_none(),
            "this must-visit is already raised",
        )?;
        let map = ensure_map(tx, &ROOT, "must_visits")?;
        let mv = tx.put_object(&map, m.id.to_string(), ObjType::Map)?;
        tx.put(&mv, "trigger", m.trigger.as_code())?;
        tx.put(&mv, "date", ScalarValue::Timestamp(m.date))?;
        tx.put(&mv, "note", m.note.trim())?;
        tx.put(&mv, "raised_by", m.raised_by.to_string())?;
        tx.put(&mv, "raised_at", ScalarValue::Timestamp(now))?;
        Ok(())
    })
}

/// Raises an event that needs a timely response.
pub fn raise_timely(doc: &mut Automerge, t: &NewTimely) -> Result<(), Error> {
    limits::instant("the time the event was raised", t.raised_at)?;
    limits::text("the event's note", &t.note, limits::LONG_TEXT)?;
    edit(doc, "raise timely response", t.raised_at, |tx| {
        require(map_entry(tx, &ROOT, "timely", &t.id.to_string())?.is_none(), "this event is already raised")?;
        let map = ensure_map(tx, &ROOT, "timely")?;
        let ev = tx.put_object(&map, t.id.to_string(), ObjType::Map)?;
        tx.put(&ev, "kind", t.kind.as_code())?;
        tx.put(&ev, "raised_at", ScalarValue::Timestamp(t.raised_at))?;
        tx.put(&ev, "note", t.note.trim())?;
        tx.put(&ev, "raised_by", t.raised_by.to_string())?;
        Ok(())
    })
}

/// Marks a timely-response event resolved at `at`.
pub fn resolve_timely(doc: &mut Automerge, id: Uuid, at: Millis, by: Uuid) -> Result<(), Error> {
    limits::instant("the time the event was resolved", at)?;
    edit(doc, "resolve timely response", at, |tx| {
        let ev = map_entry(tx, &ROOT, "timely", &id.to_string())?
            .ok_or_else(|| Error::NotFound(format!("timely response {id}")))?;
        // Resolving twice would move the time it was resolved, and with it on time / late.
        require(tx.get(&ev, "resolved_at")?.is_none(), "this event is already resolved")?;
        tx.put(&ev, "resolved_at", ScalarValue::Timestamp(at))?;
        tx.put(&ev, "resolved_by", by.to_string())?;
        Ok(())
    })
}

/// Adds a note to the household's pairing-assistance log (结对帮扶).
pub fn add_pairing_note(doc: &mut Automerge, id: Uuid, text: &str, by: Uuid, at: Millis) -> Result<(), Error> {
    require(!text.trim().is_empty(), "a pairing note needs its text")?;
    limits::instant("the pairing note's time", at)?;
    limits::text("the pairing note", text, limits::LONG_TEXT)?;
    edit(doc, "pairing note", at, |tx| {
        let map = ensure_map(tx, &ROOT, "pairing")?;
        let note = tx.put_object(&map, id.to_string(), ObjType::Map)?;
        tx.put(&note, "at", ScalarValue::Timestamp(at))?;
        tx.put(&note, "text", text.trim())?;
        tx.put(&note, "by", by.to_string())?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Issues.

/// An issue as a steward reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewIssue {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub reporter_id: Uuid,
    pub reported_at: Millis,
    pub category: IssueCategory,
    pub place: String,
    pub description: String,
    pub route: IssueRoute,
}

fn steward_origin() -> IssueOrigin {
    IssueOrigin::Steward
}

/// A resident's matter outside the property company's duty (schooling, medical care, work),
/// which the company passes on to a steward and the branch; the community coordinates it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewReferral {
    pub id: Uuid,
    pub compound_id: Uuid,
    /// The steward it goes to.
    pub steward_id: Uuid,
    /// The property company's account.
    pub raised_by: Uuid,
    pub raised_at: Millis,
    pub category: IssueCategory,
    /// Where or whom it concerns (a building, a unit).
    pub place: String,
    pub description: String,
}

/// Creates the issue document of a matter the property company passes on: routed to the
/// community's coordination, belonging to the steward it goes to.
pub fn create_referral(actor: automerge::ActorId, r: &NewReferral) -> Result<Automerge, Error> {
    let issue = NewIssue {
        id: r.id,
        compound_id: r.compound_id,
        reporter_id: r.steward_id,
        reported_at: r.raised_at,
        category: r.category,
        place: r.place.clone(),
        description: r.description.clone(),
        route: IssueRoute::CommunityCoordination,
    };
    new_issue(actor, &issue, "passed on by the property company", |tx| {
        tx.put(ROOT, "origin", IssueOrigin::PropertyCompany.as_code())?;
        tx.put(ROOT, "raised_by", r.raised_by.to_string())?;
        Ok(())
    })
}

/// Creates an issue document.
pub fn create_issue(actor: automerge::ActorId, i: &NewIssue) -> Result<Automerge, Error> {
    new_issue(actor, i, "report issue", |_| Ok(()))
}

/// An issue document in one change: its fields, and what `more` adds.
fn new_issue(
    actor: automerge::ActorId,
    i: &NewIssue,
    message: &str,
    more: impl FnOnce(&mut Transaction<'_>) -> Result<(), Error>,
) -> Result<Automerge, Error> {
    require(!i.place.trim().is_empty(), "an issue needs the place where it is")?;
    require(!i.description.trim().is_empty(), "an issue needs a description")?;
    limits::instant("the time the issue was reported", i.reported_at)?;
    limits::text("the issue's place", &i.place, limits::SHORT_TEXT)?;
    limits::text("the issue's description", &i.description, limits::LONG_TEXT)?;
    let mut doc = Automerge::new().with_actor(actor);
    edit(&mut doc, message, i.reported_at, |tx| {
        put_header(tx, DocKind::Issue, i.id, i.compound_id)?;
        tx.put(ROOT, "reporter_id", i.reporter_id.to_string())?;
        tx.put(ROOT, "reported_at", ScalarValue::Timestamp(i.reported_at))?;
        tx.put(ROOT, "category", i.category.as_code())?;
        tx.put(ROOT, "place", i.place.trim())?;
        tx.put(ROOT, "description", i.description.trim())?;
        tx.put(ROOT, "route", i.route.as_code())?;
        tx.put(ROOT, "status", IssueStatus::Reported.as_code())?;
        tx.put_object(ROOT, "timeline", ObjType::Map)?;
        more(tx)
    })?;
    Ok(doc)
}

/// Moves an issue to a new status, with an optional comment, checking the transition.
pub fn set_issue_status(
    doc: &mut Automerge,
    event_id: Uuid,
    to: IssueStatus,
    comment: &str,
    by: Uuid,
    role: PartyRole,
    at: Millis,
) -> Result<(), Error> {
    limits::instant("the time of the entry", at)?;
    limits::text("the comment", comment, limits::LONG_TEXT)?;
    let from = get_code(doc, &ROOT, "status", IssueStatus::from_code)?;
    if from.can_move_to(to) && !from.may_move(to, role) {
        return Err(Error::Invalid(format!(
            "{} cannot move an issue to {} ({})",
            role.label_en().to_lowercase(),
            to.label_en().to_lowercase(),
            to.label_zh()
        )));
    }
    require(to != IssueStatus::Reopened || !comment.trim().is_empty(), "say why the issue is reopened")?;
    if !from.can_move_to(to) {
        return Err(Error::Invalid(format!(
            "an issue that is {} cannot become {} ({} → {})",
            from.label_en().to_lowercase(),
            to.label_en().to_lowercase(),
            from.label_zh(),
            to.label_zh()
        )));
    }
    edit(doc, "issue status", at, |tx| {
        tx.put(ROOT, "status", to.as_code())?;
        timeline_entry(tx, event_id, at, by, role, comment, Some(to))
    })
}

/// Adds a comment to an issue's timeline.
pub fn comment_issue(
    doc: &mut Automerge,
    event_id: Uuid,
    text: &str,
    by: Uuid,
    role: PartyRole,
    at: Millis,
) -> Result<(), Error> {
    require(!text.trim().is_empty(), "a comment needs its text")?;
    limits::instant("the time of the entry", at)?;
    limits::text("the comment", text, limits::LONG_TEXT)?;
    edit(doc, "issue comment", at, |tx| timeline_entry(tx, event_id, at, by, role, text, None))
}

fn timeline_entry(
    tx: &mut Transaction<'_>,
    id: Uuid,
    at: Millis,
    by: Uuid,
    role: PartyRole,
    text: &str,
    status: Option<IssueStatus>,
) -> Result<(), Error> {
    let timeline = ensure_map(tx, &ROOT, "timeline")?;
    let e = tx.put_object(&timeline, id.to_string(), ObjType::Map)?;
    tx.put(&e, "at", ScalarValue::Timestamp(at))?;
    tx.put(&e, "by", by.to_string())?;
    tx.put(&e, "role", role.as_code())?;
    tx.put(&e, "text", text.trim())?;
    if let Some(s) = status {
        tx.put(&e, "status", s.as_code())?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Plans and compounds.

/// Creates the plan document of a steward for a month.
pub fn create_plan(
    actor: automerge::ActorId,
    steward_id: Uuid,
    compound_id: Uuid,
    month: crate::time::Month,
    at: Millis,
) -> Result<Automerge, Error> {
    let mut doc = Automerge::new().with_actor(actor);
    edit(&mut doc, "create plan", at, |tx| {
        put_header(tx, DocKind::Plan, plan_doc_id(steward_id, month), compound_id)?;
        tx.put(ROOT, "steward_id", steward_id.to_string())?;
        tx.put(ROOT, "month", month.to_string())?;
        Ok(())
    })?;
    Ok(doc)
}

/// The root key of a planned household. Plan items live at the root, not in a nested map:
/// a plan's id is derived, so a supervisor and a phone may both create it offline, and two
/// concurrently created nested maps would hide one another's items where root keys merge.
const PLAN_ITEM_PREFIX: &str = "household:";

/// Adds households to or removes them from a plan. `by` is who planned them.
pub fn plan_households(doc: &mut Automerge, add: &[Uuid], remove: &[Uuid], by: Uuid, at: Millis) -> Result<(), Error> {
    limits::count("households in one plan", add.len(), limits::MAX_PLAN_ITEMS)?;
    edit(doc, "plan households", at, |tx| {
        for h in add {
            let key = format!("{PLAN_ITEM_PREFIX}{h}");
            if tx.get(ROOT, key.as_str())?.is_none() {
                tx.put(ROOT, key, by.to_string())?;
            }
        }
        for h in remove {
            let key = format!("{PLAN_ITEM_PREFIX}{h}");
            if tx.get(ROOT, key.as_str())?.is_some() {
                tx.delete(ROOT, key)?;
            }
        }
        Ok(())
    })
}

/// Creates a compound's settings document.
pub fn create_compound(actor: automerge::ActorId, id: Uuid, name: &str, at: Millis) -> Result<Automerge, Error> {
    limits::text("the compound's name", name, limits::SHORT_TEXT)?;
    let mut doc = Automerge::new().with_actor(actor);
    edit(&mut doc, "create compound", at, |tx| {
        put_header(tx, DocKind::Compound, id, id)?;
        tx.put(ROOT, "name", name.trim())?;
        let d = tx.put_object(ROOT, "deadlines", ObjType::Map)?;
        for (kind, minutes) in DeadlinePolicy::default().minutes {
            tx.put(&d, kind.as_code(), u64::from(minutes))?;
        }
        Ok(())
    })?;
    Ok(doc)
}

/// Sets a compound's timely-response deadlines.
pub fn set_deadlines(doc: &mut Automerge, policy: &DeadlinePolicy, at: Millis) -> Result<(), Error> {
    for (kind, m) in &policy.minutes {
        require(
            *m >= 1 && *m <= 60 * 24 * 60,
            &format!("deadline for {} must be 1 minute to 60 days", kind.label_en()),
        )?;
    }
    edit(doc, "set deadlines", at, |tx| {
        let d = ensure_map(tx, &ROOT, "deadlines")?;
        for (kind, minutes) in &policy.minutes {
            tx.put(&d, kind.as_code(), u64::from(*minutes))?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Projections: plain records read out of a document.

/// A visit as read from a household document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitRecord {
    pub id: Uuid,
    pub household_id: Uuid,
    pub at: Millis,
    pub recorded_at: Millis,
    pub method: VisitMethod,
    pub summary: String,
    pub opinions: Vec<Opinion>,
    pub hardships: String,
    pub answers: Vec<Uuid>,
    pub follow_up: bool,
    pub by: Option<Uuid>,
}

/// A must-visit and whether a visit has answered it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MustVisitRecord {
    pub id: Uuid,
    pub household_id: Uuid,
    pub trigger: MustVisitTrigger,
    pub date: Millis,
    pub note: String,
    pub raised_by: Option<Uuid>,
    pub raised_at: Millis,
    /// The earliest visit that answered it; `None` while open.
    pub answered_by: Option<Uuid>,
    pub answered_at: Option<Millis>,
}

/// A timely-response event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelyRecord {
    pub id: Uuid,
    pub household_id: Uuid,
    pub kind: TimelyKind,
    pub raised_at: Millis,
    pub note: String,
    pub raised_by: Option<Uuid>,
    pub resolved_at: Option<Millis>,
    pub resolved_by: Option<Uuid>,
}

/// A pairing-assistance note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairingNote {
    pub id: Uuid,
    pub at: Millis,
    pub text: String,
    pub by: Option<Uuid>,
}

/// Everything a household document holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HouseholdRecord {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub steward_id: Option<Uuid>,
    pub profile: HouseholdProfile,
    pub visits: Vec<VisitRecord>,
    pub must_visits: Vec<MustVisitRecord>,
    pub timely: Vec<TimelyRecord>,
    pub pairing: Vec<PairingNote>,
    /// Pairing assistance as cases (结对帮扶).
    #[serde(default)]
    pub pairing_cases: Vec<PairingCase>,
}

/// One entry of an issue's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueEvent {
    pub id: Uuid,
    pub at: Millis,
    pub by: Option<Uuid>,
    pub role: PartyRole,
    pub text: String,
    /// The status the issue moved to, for a status change.
    pub status: Option<IssueStatus>,
}

/// Everything an issue document holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueRecord {
    pub id: Uuid,
    pub compound_id: Uuid,
    /// The steward it belongs to: who reported it, or to whom the property company passed it.
    pub reporter_id: Uuid,
    /// A steward's report, or a matter the property company passed on.
    #[serde(default = "steward_origin")]
    pub origin: IssueOrigin,
    /// For one passed on: the property company's account that raised it.
    #[serde(default)]
    pub raised_by: Option<Uuid>,
    pub reported_at: Millis,
    pub category: IssueCategory,
    pub place: String,
    pub description: String,
    pub route: IssueRoute,
    pub status: IssueStatus,
    pub timeline: Vec<IssueEvent>,
}

/// A steward's plan for a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRecord {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub steward_id: Uuid,
    pub month: crate::time::Month,
    pub households: Vec<Uuid>,
}

/// A compound's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompoundRecord {
    pub id: Uuid,
    pub name: String,
    pub deadlines: DeadlinePolicy,
    /// The housing bureau's scoring rules of the current period, once published.
    #[serde(default)]
    pub scoring: Option<ScoringRules>,
}

/// What a document holds, read out as plain records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Projection {
    Household(HouseholdRecord),
    Issue(IssueRecord),
    Plan(PlanRecord),
    Compound(CompoundRecord),
    Meeting(MeetingRecord),
    Score(ScoreRecord),
    Campaign(CampaignRecord),
    Evaluation(EvaluationRecord),
    Team(TeamRecord),
}

impl Projection {
    /// The document's id.
    pub fn id(&self) -> Uuid {
        match self {
            Projection::Household(h) => h.id,
            Projection::Issue(i) => i.id,
            Projection::Plan(p) => p.id,
            Projection::Compound(c) => c.id,
            Projection::Meeting(m) => m.id,
            Projection::Score(s) => s.id,
            Projection::Campaign(c) => c.id,
            Projection::Evaluation(e) => e.id,
            Projection::Team(t) => t.id,
        }
    }
}

/// A record's key: a uuid in its one canonical spelling (lower case, hyphenated), as every
/// writer here makes it. `Uuid::parse_str` also takes upper case, braces and `urn:` forms, and
/// two spellings of one id would be two map entries read as one record — a stored record could
/// then be shadowed by a forged twin that no check sees as new or changed.
fn parse_uuid(s: &str, what: &str) -> Result<Uuid, Error> {
    match Uuid::parse_str(s) {
        Ok(id) if id.hyphenated().to_string() == s => Ok(id),
        _ => Err(Error::Invalid(format!("{what} key {s:?} is not a uuid in lower-case hyphenated form"))),
    }
}

/// Reads the profile of a household document.
pub fn read_profile(doc: &Automerge) -> Result<HouseholdProfile, Error> {
    let address = match get_obj(doc, &ROOT, "address")? {
        Some(a) => Address {
            building: get_str(doc, &a, "building")?,
            unit: get_str(doc, &a, "unit")?,
            room: get_str(doc, &a, "room")?,
        },
        None => Address::default(),
    };
    let key_service = match doc.get(ROOT, "key_service")? {
        Some((Value::Object(ObjType::List), _)) => {
            Some(list_strs(doc, &ROOT, "key_service")?.iter().filter_map(|c| KeyServiceReason::from_code(c)).collect())
        }
        _ => None,
    };
    Ok(HouseholdProfile {
        address,
        head_name: get_str(doc, &ROOT, "head_name")?,
        member_count: get_i64(doc, &ROOT, "member_count")?.unwrap_or(0).clamp(0, 99) as u32,
        phone: get_opt_str(doc, &ROOT, "phone")?,
        party_member: get_bool(doc, &ROOT, "party_member")?,
        key_service,
        notes: get_str(doc, &ROOT, "notes")?,
    })
}

fn read_household(doc: &Automerge, h: DocHeader) -> Result<HouseholdRecord, Error> {
    let mut visits = Vec::new();
    for (key, v) in map_entries(doc, &ROOT, "visits")? {
        let mut opinions = Vec::new();
        if let Some(list) = get_obj(doc, &v, "opinions")? {
            for i in 0..doc.length(&list) {
                if let Some((Value::Object(_), o)) = doc.get(&list, i)? {
                    opinions.push(Opinion {
                        category: get_code(doc, &o, "category", OpinionCategory::from_code)?,
                        text: get_str(doc, &o, "text")?,
                    });
                }
            }
        }
        let answers = list_strs(doc, &v, "answers")?
            .iter()
            .map(|s| parse_uuid(s, "answered must-visit"))
            .collect::<Result<_, _>>()?;
        visits.push(VisitRecord {
            id: parse_uuid(&key, "visit")?,
            household_id: h.id,
            at: get_i64(doc, &v, "at")?.unwrap_or(0),
            recorded_at: get_i64(doc, &v, "recorded_at")?.unwrap_or(0),
            method: get_code(doc, &v, "method", VisitMethod::from_code)?,
            summary: get_str(doc, &v, "summary")?,
            opinions,
            hardships: get_str(doc, &v, "hardships")?,
            answers,
            follow_up: get_bool(doc, &v, "follow_up")?.unwrap_or(false),
            by: get_uuid(doc, &v, "by")?,
        });
    }
    visits.sort_by_key(|v| (v.at, v.id));

    let mut must_visits = Vec::new();
    for (key, m) in map_entries(doc, &ROOT, "must_visits")? {
        let id = parse_uuid(&key, "must-visit")?;
        let answer = visits.iter().find(|v| v.answers.contains(&id));
        must_visits.push(MustVisitRecord {
            id,
            household_id: h.id,
            trigger: get_code(doc, &m, "trigger", MustVisitTrigger::from_code)?,
            date: get_i64(doc, &m, "date")?.unwrap_or(0),
            note: get_str(doc, &m, "note")?,
            raised_by: get_uuid(doc, &m, "raised_by")?,
            raised_at: get_i64(doc, &m, "raised_at")?.unwrap_or(0),
            answered_by: answer.map(|v| v.id),
            answered_at: answer.map(|v| v.at),
        });
    }
    must_visits.sort_by_key(|m| (m.date, m.id));

    let mut timely = Vec::new();
    for (key, t) in map_entries(doc, &ROOT, "timely")? {
        timely.push(TimelyRecord {
            id: parse_uuid(&key, "timely response")?,
            household_id: h.id,
            kind: get_code(doc, &t, "kind", TimelyKind::from_code)?,
            raised_at: get_i64(doc, &t, "raised_at")?.unwrap_or(0),
            note: get_str(doc, &t, "note")?,
            raised_by: get_uuid(doc, &t, "raised_by")?,
            resolved_at: get_i64(doc, &t, "resolved_at")?,
            resolved_by: get_uuid(doc, &t, "resolved_by")?,
        });
    }
    timely.sort_by_key(|t| (t.raised_at, t.id));

    let mut pairing = Vec::new();
    for (key, p) in map_entries(doc, &ROOT, "pairing")? {
        pairing.push(PairingNote {
            id: parse_uuid(&key, "pairing note")?,
            at: get_i64(doc, &p, "at")?.unwrap_or(0),
            text: get_str(doc, &p, "text")?,
            by: get_uuid(doc, &p, "by")?,
        });
    }
    pairing.sort_by_key(|p| (p.at, p.id));

    Ok(HouseholdRecord {
        id: h.id,
        compound_id: h.compound_id,
        steward_id: h.steward_id,
        profile: read_profile(doc)?,
        visits,
        must_visits,
        timely,
        pairing,
        pairing_cases: pairing::read(doc, h.id)?,
    })
}

fn read_issue(doc: &Automerge, h: DocHeader) -> Result<IssueRecord, Error> {
    let mut timeline = Vec::new();
    for (key, e) in map_entries(doc, &ROOT, "timeline")? {
        let status = match get_opt_str(doc, &e, "status")? {
            Some(code) => Some(
                IssueStatus::from_code(&code)
                    .ok_or_else(|| Error::Invalid(format!("unknown issue status {code:?}")))?,
            ),
            None => None,
        };
        timeline.push(IssueEvent {
            id: parse_uuid(&key, "timeline entry")?,
            at: get_i64(doc, &e, "at")?.unwrap_or(0),
            by: get_uuid(doc, &e, "by")?,
            role: get_code(doc, &e, "role", PartyRole::from_code)?,
            text: get_str(doc, &e, "text")?,
            status,
        });
    }
    timeline.sort_by_key(|e| (e.at, e.id));
    Ok(IssueRecord {
        id: h.id,
        compound_id: h.compound_id,
        reporter_id: h.steward_id.ok_or_else(|| Error::Invalid("issue has no reporter".into()))?,
        origin: match get_opt_str(doc, &ROOT, "origin")? {
            Some(code) => {
                IssueOrigin::from_code(&code).ok_or_else(|| Error::Invalid(format!("unknown issue origin {code:?}")))?
            }
            None => IssueOrigin::Steward,
        },
        raised_by: get_uuid(doc, &ROOT, "raised_by")?,
        reported_at: get_i64(doc, &ROOT, "reported_at")?.unwrap_or(0),
        category: get_code(doc, &ROOT, "category", IssueCategory::from_code)?,
        place: get_str(doc, &ROOT, "place")?,
        description: get_str(doc, &ROOT, "description")?,
        route: get_code(doc, &ROOT, "route", IssueRoute::from_code)?,
        status: get_code(doc, &ROOT, "status", IssueStatus::from_code)?,
        timeline,
    })
}

fn read_plan(doc: &Automerge, h: DocHeader) -> Result<PlanRecord, Error> {
    let month = get_str(doc, &ROOT, "month")?.parse()?;
    let mut households = doc
        .keys(ROOT)
        .filter_map(|k| k.strip_prefix(PLAN_ITEM_PREFIX).map(|id| parse_uuid(id, "planned household")))
        .collect::<Result<Vec<_>, _>>()?;
    households.sort();
    let steward_id = h.steward_id.ok_or_else(|| Error::Invalid("plan has no steward".into()))?;
    if plan_doc_id(steward_id, month) != h.id {
        return Err(Error::Invalid("plan id does not match its steward and month".into()));
    }
    Ok(PlanRecord { id: h.id, compound_id: h.compound_id, steward_id, month, households })
}

fn read_compound(doc: &Automerge, h: DocHeader) -> Result<CompoundRecord, Error> {
    let mut deadlines = DeadlinePolicy::default();
    if let Some(d) = get_obj(doc, &ROOT, "deadlines")? {
        for kind in TimelyKind::ALL {
            if let Some(m) = get_i64(doc, &d, kind.as_code())? {
                deadlines.minutes.insert(*kind, m.clamp(1, i64::from(u32::MAX)) as u32);
            }
        }
    }
    Ok(CompoundRecord { id: h.id, name: get_str(doc, &ROOT, "name")?, deadlines, scoring: scoring::read_rules(doc)? })
}

/// The ids of the records (visits, must-visits, timely responses, pairing notes, timeline
/// entries, a meeting's decisions and follow-ups) added since `before`, and the document's own id if it is new. Cheaper than
/// comparing projections: it reads only the keys of those maps.
pub fn records_added(doc: &Automerge, before: &[automerge::ChangeHash]) -> Vec<Uuid> {
    let mut out = Vec::new();
    if before.is_empty() {
        if let Ok(h) = header(doc) {
            out.push(h.id);
        }
    }
    for key in ["visits", "must_visits", "timely", "pairing", "timeline", "decisions", "follow_ups"] {
        let Ok(Some((Value::Object(ObjType::Map), obj))) = doc.get(ROOT, key) else { continue };
        let old: std::collections::HashSet<String> =
            if before.is_empty() { Default::default() } else { doc.keys_at(&obj, before).collect() };
        out.extend(doc.keys(&obj).filter(|k| !old.contains(k)).filter_map(|k| Uuid::parse_str(&k).ok()));
    }
    out
}

/// Reads a whole document out as plain records, checking its shape.
pub fn project(doc: &Automerge) -> Result<Projection, Error> {
    let h = header(doc)?;
    Ok(match h.kind {
        DocKind::Household => Projection::Household(read_household(doc, h)?),
        DocKind::Issue => Projection::Issue(read_issue(doc, h)?),
        DocKind::Plan => Projection::Plan(read_plan(doc, h)?),
        DocKind::Compound => Projection::Compound(read_compound(doc, h)?),
        DocKind::Meeting => Projection::Meeting(meeting::read(doc, h)?),
        DocKind::Score => Projection::Score(scoring::read(doc, h)?),
        DocKind::Campaign => Projection::Campaign(campaign::read(doc, h)?),
        DocKind::Evaluation => Projection::Evaluation(evaluation::read(doc, h)?),
        DocKind::Team => Projection::Team(team::read(doc, h)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Month;

    fn merge(a: &Automerge, b: &Automerge) -> Automerge {
        let mut m = a.clone();
        m.merge(&mut b.clone()).unwrap();
        m
    }

    #[test]
    fn a_plan_started_offline_by_a_supervisor_and_a_phone_merges_into_one_with_both_items() {
        let (steward, compound) = (Uuid::new_v4(), Uuid::new_v4());
        let month: Month = "2026-12".parse().unwrap();
        let (h1, h2) = (Uuid::new_v4(), Uuid::new_v4());
        let mut supervisor = create_plan(automerge::ActorId::random(), steward, compound, month, 0).unwrap();
        plan_households(&mut supervisor, &[h1], &[], Uuid::nil(), 1).unwrap();
        let mut phone = create_plan(automerge::ActorId::random(), steward, compound, month, 0).unwrap();
        plan_households(&mut phone, &[h2], &[], steward, 2).unwrap();
        let merged = merge(&supervisor, &phone);
        let Projection::Plan(p) = project(&merged).unwrap() else { panic!("plan") };
        let mut want = vec![h1, h2];
        want.sort();
        assert_eq!(p.households, want);
        assert_eq!(p.id, plan_doc_id(steward, month));
    }

    #[test]
    fn applying_another_documents_history_is_detected_by_its_header() {
        let h = |id| NewHousehold {
            id,
            compound_id: Uuid::new_v4(),
            steward_id: None,
            profile: HouseholdProfile::default(),
        };
        let a = create_household(automerge::ActorId::random(), &h(Uuid::new_v4()), 0).unwrap();
        let b = create_household(automerge::ActorId::random(), &h(Uuid::new_v4()), 0).unwrap();
        let err = header(&merge(&a, &b)).unwrap_err().to_string();
        assert!(err.contains("conflicting values"), "{err}");
    }

    #[test]
    fn a_profile_update_writes_only_changed_fields_so_concurrent_edits_of_different_fields_both_survive() {
        let new = NewHousehold {
            id: Uuid::new_v4(),
            compound_id: Uuid::new_v4(),
            steward_id: None,
            profile: HouseholdProfile { head_name: "张桂兰".into(), member_count: 2, ..Default::default() },
        };
        let base = create_household(automerge::ActorId::random(), &new, 0).unwrap();
        let mut a = base.fork().with_actor(automerge::ActorId::random());
        let mut b = base.fork().with_actor(automerge::ActorId::random());
        let mut pa = read_profile(&a).unwrap();
        pa.phone = Some("13900000000".into());
        update_profile(&mut a, &pa, 1).unwrap();
        let mut pb = read_profile(&b).unwrap();
        pb.member_count = 4;
        update_profile(&mut b, &pb, 1).unwrap();
        let merged = read_profile(&merge(&a, &b)).unwrap();
        assert_eq!((merged.phone.as_deref(), merged.member_count), (Some("13900000000"), 4));
    }

    #[test]
    fn an_issue_cannot_skip_from_reported_to_verified() {
        const T: Millis = 1_764_547_200_000;
        let i = NewIssue {
            id: Uuid::new_v4(),
            compound_id: Uuid::new_v4(),
            reporter_id: Uuid::new_v4(),
            reported_at: 1_764_547_200_000,
            category: IssueCategory::Other,
            place: "1栋".into(),
            description: "楼道堆物".into(),
            route: IssueRoute::PropertyDuty,
        };
        let mut d = create_issue(automerge::ActorId::random(), &i).unwrap();
        let err = set_issue_status(
            &mut d,
            Uuid::new_v4(),
            IssueStatus::Verified,
            "",
            i.reporter_id,
            PartyRole::Steward,
            T + 1,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("已上报 → 已核实"), "{err}");
        set_issue_status(
            &mut d,
            Uuid::new_v4(),
            IssueStatus::Resolved,
            "",
            Uuid::nil(),
            PartyRole::PropertyCompany,
            T + 2,
        )
        .unwrap();
        set_issue_status(
            &mut d,
            Uuid::new_v4(),
            IssueStatus::Verified,
            "已核实",
            i.reporter_id,
            PartyRole::Steward,
            T + 3,
        )
        .unwrap();
        let Projection::Issue(p) = project(&d).unwrap() else { panic!("issue") };
        assert_eq!(p.status, IssueStatus::Verified);
        assert_eq!(p.timeline.len(), 2);
    }
}
