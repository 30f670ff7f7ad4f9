//! The shape a phone may give a document: every key a push writes must be one the document's
//! kind has, holding a value of the type the readers expect (`docs/documents.md`).
//!
//! The readers ignore keys they do not know, so without this a phone could store megabytes
//! under an unknown key — every other replica would sync them — or give a known key a value of
//! the wrong type (a Table where the timeline map is, a string where a time is) that a later
//! writer replaces, wiping what was there. The check reads the patches from the document as
//! stored to the document as it will be (Automerge's own diff, proportional to what changed),
//! and for a key with concurrent values, every value, not only the winner.

use automerge::{Automerge, ChangeHash, ObjType, Prop, ReadDoc, ScalarValue, Value};
use steward_core::doc::DocKind;
use steward_core::limits;
use steward_core::model::TimelyKind;

/// What a key may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A string: a scalar string, or a Text object (JavaScript writes strings as Text).
    Str,
    /// A scalar string only (header fields, codes and ids are compared as strings).
    Scalar,
    /// A non-negative count.
    Uint,
    /// An instant: a timestamp (or an integer of milliseconds).
    Time,
    Bool,
    /// A boolean or null ("not yet known").
    BoolOrNull,
    /// A list of strings, or null.
    StrListOrNull,
    StrList,
    MapList,
    /// A map of records keyed by uuid.
    Records,
    Map,
    /// A campaign answer: a boolean, a number or a string.
    Answer,
}

/// Where in a document an object sits, as the schema names places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    Address,
    /// A map of records keyed by uuid (`visits`, `must_visits`, …, `timeline`).
    Records(&'static str),
    /// One record of such a map.
    Record(&'static str),
    /// A visit's opinion.
    Opinion,
    Deadlines,
    /// A campaign task's answers, keyed by field id.
    Answers,
    /// A list of strings or of maps, or a Text: its items are checked by the list's shape.
    Sequence(Shape),
    Text,
}

fn root_key(kind: DocKind, key: &str) -> Option<Shape> {
    use Shape::*;
    let common = match key {
        "schema" => Some(Uint),
        "kind" | "id" | "compound_id" => Some(Scalar),
        _ => None,
    };
    common.or(match kind {
        DocKind::Household => match key {
            "steward_id" => Some(Scalar),
            "visits" | "must_visits" | "timely" | "pairing" => Some(Records),
            k if k.strip_prefix("pairing_case:").is_some_and(canonical_uuid) => Some(Map),
            "address" => Some(Map),
            "head_name" | "phone" | "notes" => Some(Str),
            "member_count" => Some(Uint),
            "party_member" => Some(BoolOrNull),
            "key_service" => Some(StrListOrNull),
            _ => None,
        },
        DocKind::Issue => match key {
            "reporter_id" | "category" | "route" | "status" | "origin" | "raised_by" => Some(Scalar),
            "reported_at" => Some(Time),
            "place" | "description" => Some(Str),
            "timeline" => Some(Records),
            _ => None,
        },
        DocKind::Plan => match key {
            "steward_id" | "month" => Some(Scalar),
            k if k.strip_prefix("household:").is_some_and(canonical_uuid) => Some(Scalar),
            _ => None,
        },
        DocKind::Compound => match key {
            "name" => Some(Str),
            "deadlines" => Some(Map),
            _ => None,
        },
        DocKind::Score => match key {
            "steward_id" | "period" => Some(Scalar),
            "submitted_at" => Some(Time),
            k if k.strip_prefix("criterion:").is_some_and(canonical_uuid) => Some(Map),
            _ => None,
        },
        DocKind::Meeting => match key {
            "convener_id" => Some(Scalar),
            "held_at" => Some(Time),
            "place" | "topics" => Some(Str),
            "attendees" | "decisions" | "follow_ups" => Some(Records),
            _ => None,
        },
        DocKind::Campaign => match key {
            "steward_id" | "campaign_id" | "campaign_kind" | "starts_on" | "ends_on" => Some(Scalar),
            "title" => Some(Str),
            "temporary" => Some(Bool),
            "closed_at" => Some(Time),
            "fields" => Some(Records),
            k if k.strip_prefix("task:").is_some_and(canonical_uuid) => Some(Map),
            _ => None,
        },
        DocKind::Team => match key {
            "steward_id" | "team_kind" => Some(Scalar),
            "name" => Some(Str),
            "members" | "activities" => Some(Records),
            _ => None,
        },
        DocKind::Evaluation => match key {
            "steward_id" | "half" => Some(Scalar),
            "evaluation" => Some(Str),
            _ => None,
        },
    })
}

fn record_key(records: &str, key: &str) -> Option<Shape> {
    use Shape::*;
    match (records, key) {
        ("visits", "at" | "recorded_at") => Some(Time),
        ("visits", "method" | "by") => Some(Scalar),
        ("visits", "summary" | "hardships") => Some(Str),
        ("visits", "opinions") => Some(MapList),
        ("visits", "answers") => Some(StrList),
        ("visits", "follow_up") => Some(Bool),
        ("must_visits", "trigger" | "raised_by") => Some(Scalar),
        ("must_visits", "date" | "raised_at") => Some(Time),
        ("must_visits", "note") => Some(Str),
        ("timely", "kind" | "raised_by" | "resolved_by") => Some(Scalar),
        ("timely", "raised_at" | "resolved_at") => Some(Time),
        ("timely", "note") => Some(Str),
        ("pairing", "at") => Some(Time),
        ("pairing", "text") => Some(Str),
        ("pairing", "by") => Some(Scalar),
        ("timeline", "at") => Some(Time),
        ("timeline", "by" | "role" | "status") => Some(Scalar),
        ("timeline", "text") => Some(Str),
        ("pairing_cases", "need" | "opened_by" | "outcome") => Some(Scalar),
        ("pairing_cases", "helper" | "description" | "outcome_note") => Some(Str),
        ("pairing_cases", "opened_at" | "closed_at") => Some(Time),
        ("pairing_cases", "amount_yuan") => Some(Uint),
        ("pairing_cases", "actions") => Some(Records),
        ("pairing_actions", "by") => Some(Scalar),
        ("pairing_actions", "at") => Some(Time),
        ("pairing_actions", "text") => Some(Str),
        ("scores", "points") => Some(Uint),
        ("scores", "comment") => Some(Str),
        ("attendees", "party") => Some(Scalar),
        ("attendees", "name") => Some(Str),
        ("decisions", "party" | "status" | "added_by") => Some(Scalar),
        ("decisions", "text") => Some(Str),
        ("decisions", "deadline" | "done_at" | "added_at") => Some(Time),
        ("follow_ups", "decision" | "by" | "role" | "status") => Some(Scalar),
        ("follow_ups", "at") => Some(Time),
        ("follow_ups", "text") => Some(Str),
        ("fields", "label") => Some(Str),
        ("fields", "kind") => Some(Scalar),
        ("fields", "order") => Some(Uint),
        ("fields", "required") => Some(Bool),
        ("fields", "options") => Some(StrList),
        ("campaign_tasks", "name" | "address") => Some(Str),
        ("campaign_tasks", "handed_to" | "answered_by") => Some(Scalar),
        ("campaign_tasks", "answered_at") => Some(Time),
        ("campaign_tasks", "answers") => Some(Map),
        ("members", "name") => Some(Str),
        ("members", "role") => Some(Scalar),
        ("members", "joined_at") => Some(Time),
        ("activities", "kind" | "recorded_by" | "role") => Some(Scalar),
        ("activities", "title" | "place") => Some(Str),
        ("activities", "held_at" | "recorded_at") => Some(Time),
        ("activities", "participants") => Some(Uint),
        ("activities", "names") => Some(StrList),
        _ => None,
    }
}

fn records_name(key: &str) -> Option<&'static str> {
    [
        "visits",
        "must_visits",
        "timely",
        "pairing",
        "timeline",
        "attendees",
        "decisions",
        "follow_ups",
        "fields",
        "members",
        "activities",
    ]
    .into_iter()
    .find(|k| *k == key)
}

fn canonical_uuid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok_and(|u| u.hyphenated().to_string() == s)
}

/// The place of an object, from the path Automerge reports for it.
fn place_of(kind: DocKind, path: &[(automerge::ObjId, Prop)]) -> Result<Place, String> {
    let mut place = Place::Root;
    for (_, prop) in path {
        place = match (place, prop) {
            (Place::Root, Prop::Map(k)) => match (kind, k.as_str()) {
                (DocKind::Household, "address") => Place::Address,
                (DocKind::Compound, "deadlines") => Place::Deadlines,
                (DocKind::Household, "key_service") => Place::Sequence(Shape::Scalar),
                (DocKind::Household, k) if k.starts_with("pairing_case:") => Place::Record("pairing_cases"),
                (DocKind::Score, k) if k.starts_with("criterion:") => Place::Record("scores"),
                (DocKind::Campaign, k) if k.starts_with("task:") => Place::Record("campaign_tasks"),
                (_, k) => match records_name(k) {
                    Some(r) => Place::Records(r),
                    None => Place::Text,
                },
            },
            (Place::Records(r), Prop::Map(_)) => Place::Record(r),
            (Place::Record("visits"), Prop::Map(k)) if k == "opinions" => Place::Sequence(Shape::Map),
            (Place::Record("visits"), Prop::Map(k)) if k == "answers" => Place::Sequence(Shape::Scalar),
            (Place::Record("pairing_cases"), Prop::Map(k)) if k == "actions" => Place::Records("pairing_actions"),
            (Place::Record("fields"), Prop::Map(k)) if k == "options" => Place::Sequence(Shape::Scalar),
            (Place::Record("activities"), Prop::Map(k)) if k == "names" => Place::Sequence(Shape::Scalar),
            (Place::Record("campaign_tasks"), Prop::Map(k)) if k == "answers" => Place::Answers,
            (Place::Record(_), Prop::Map(_)) => Place::Text,
            (Place::Sequence(Shape::Map), Prop::Seq(_)) => Place::Opinion,
            (Place::Address, Prop::Map(_)) | (Place::Opinion, Prop::Map(_)) => Place::Text,
            (p, prop) => return Err(format!("no object belongs at {prop:?} inside {p:?}")),
        };
    }
    Ok(place)
}

/// Checks a value against the shape its key may hold.
fn fits(shape: Shape, value: &Value<'_>) -> bool {
    use Shape::*;
    match value {
        Value::Object(t) => matches!(
            (shape, t),
            (Str, ObjType::Text) | (StrListOrNull | StrList | MapList, ObjType::List) | (Records | Map, ObjType::Map)
        ),
        Value::Scalar(s) => match (shape, s.as_ref()) {
            (Str | Scalar, ScalarValue::Str(t)) => t.chars().take(limits::NOTES_TEXT + 1).count() <= limits::NOTES_TEXT,
            (Uint, ScalarValue::Uint(_) | ScalarValue::Int(_)) => true,
            (Time, ScalarValue::Timestamp(_) | ScalarValue::Int(_) | ScalarValue::Uint(_)) => true,
            (Bool | BoolOrNull, ScalarValue::Boolean(_)) => true,
            (Answer, ScalarValue::Str(t)) => t.chars().take(limits::LONG_TEXT + 1).count() <= limits::LONG_TEXT,
            (Answer, ScalarValue::Boolean(_) | ScalarValue::F64(_) | ScalarValue::Int(_) | ScalarValue::Uint(_)) => {
                true
            }
            (BoolOrNull | StrListOrNull, ScalarValue::Null) => true,
            _ => false,
        },
    }
}

/// What a key of an object at `place` may hold.
fn shape_at(kind: DocKind, place: Place, key: &str) -> Option<Shape> {
    match place {
        Place::Root => root_key(kind, key),
        Place::Address => matches!(key, "building" | "unit" | "room").then_some(Shape::Str),
        Place::Records(_) => canonical_uuid(key).then_some(Shape::Map),
        Place::Record(r) => record_key(r, key),
        Place::Opinion => match key {
            "category" => Some(Shape::Scalar),
            "text" => Some(Shape::Str),
            _ => None,
        },
        Place::Deadlines => TimelyKind::from_code(key).map(|_| Shape::Uint),
        Place::Answers => canonical_uuid(key).then_some(Shape::Answer),
        Place::Sequence(_) | Place::Text => None,
    }
}

/// What a push wrote, as the check reads it.
pub enum Written<'a> {
    /// The pushed changes themselves (the fast path): every operation is read, so the cost is
    /// that of the changes, and every value written is checked — also one a later change in the
    /// same push overwrote, and one that loses a conflict.
    Changes(&'a [automerge::Change]),
    /// Every change since these heads (a new document pushed whole, the sync protocol).
    Since(&'a [ChangeHash]),
}

/// Checks every key and value a push wrote into a document of `kind` (`doc` is the document
/// with the push applied).
pub fn check(doc: &Automerge, kind: DocKind, written: Written<'_>) -> Result<(), String> {
    match written {
        Written::Changes(changes) => check_changes(doc, kind, changes),
        // Operation by operation here too: a diff of the state would not reach into an object
        // that lost a conflict, which is stored all the same.
        Written::Since(before) => check_changes(doc, kind, &doc.get_changes(before)),
    }
}

fn check_changes(doc: &Automerge, kind: DocKind, changes: &[automerge::Change]) -> Result<(), String> {
    use automerge::legacy::{Key, ObjectId, OpType};
    let mut places: std::collections::HashMap<(u64, automerge::ActorId), (Place, automerge::ObjId)> =
        Default::default();
    let mut texts = Vec::new();
    for change in changes {
        for op in change.decode().operations {
            let (place, obj) = match &op.obj {
                ObjectId::Root => (Place::Root, automerge::ObjId::Root),
                ObjectId::Id(id) => {
                    let key = (id.0, id.1.clone());
                    match places.get(&key) {
                        Some(p) => p.clone(),
                        None => {
                            let obj = doc
                                .import_obj(&format!("{}@{}", id.0, id.1.to_hex_string()))
                                .map_err(|_| "an operation on an object the document does not have".to_string())?;
                            let path = doc.parents(&obj).map_err(|e| e.to_string())?.path();
                            let p = (place_of(kind, &path)?, obj);
                            places.insert(key, p.clone());
                            p
                        }
                    }
                }
            };
            let value = match &op.action {
                OpType::Make(t) => Some(Value::Object(*t)),
                OpType::Put(v) => Some(Value::Scalar(std::borrow::Cow::Owned(v.clone()))),
                OpType::Delete => None,
                OpType::Increment(_) => return Err("no document holds counters".into()),
                OpType::MarkBegin(_) | OpType::MarkEnd(_) => return Err("no document holds marks".into()),
            };
            match (&op.key, place) {
                (Key::Seq(_), Place::Text) => {
                    if value
                        .as_ref()
                        .is_some_and(|v| !matches!(v, Value::Scalar(s) if matches!(s.as_ref(), ScalarValue::Str(_))))
                    {
                        return Err("a text holds something other than characters".into());
                    }
                    if !texts.contains(&obj) {
                        texts.push(obj.clone());
                    }
                }
                (Key::Seq(_), Place::Sequence(item)) => {
                    if let Some(v) = &value {
                        if !fits(item, v) {
                            return Err("a list holds an item of the wrong type or size".into());
                        }
                    }
                }
                (Key::Map(k), place) if !matches!(place, Place::Sequence(_) | Place::Text) => {
                    let shown: String = k.chars().take(100).collect();
                    let shape = shape_at(kind, place, k).ok_or_else(|| unknown_key(kind, place, &shown))?;
                    if let Some(v) = &value {
                        if !fits(shape, v) {
                            return Err(format!(
                                "field {shown:?} of a {} document holds a value of the wrong type or size",
                                kind.as_code()
                            ));
                        }
                    }
                }
                _ => {
                    return Err(
                        "an operation addresses an object the wrong way (a key in a list, an index in a map)".into()
                    )
                }
            }
        }
    }
    for t in texts {
        let whole = doc.text(&t).map_err(|e| e.to_string())?;
        if whole.chars().take(limits::NOTES_TEXT + 1).count() > limits::NOTES_TEXT {
            return Err(format!("a text is longer than {} characters", limits::NOTES_TEXT));
        }
    }
    Ok(())
}

fn unknown_key(kind: DocKind, place: Place, shown: &str) -> String {
    match place {
        Place::Records(_) => format!("a record's key {shown:?} is not a uuid in lower-case hyphenated form"),
        _ => format!("no field {shown:?} belongs there in a {} document", kind.as_code()),
    }
}
