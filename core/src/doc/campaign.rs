//! Campaigns (专项任务): an epidemic's screening (人员摸排), a flood check (防汛救灾), holiday
//! visits (节日走访), a city clean-up (创卫创文) — a short form a supervisor sets, answered for
//! every household of a place within the campaign's dates.
//!
//! A campaign reaches each steward as one document per steward (its id derived from campaign
//! and steward), written by the server when the campaign starts: the campaign's title, kind,
//! dates and form, and one task per household at a root key of its own (`task:<household>`),
//! each made with its `answers` map. A phone only fills in answers, so two phones of a steward
//! and the console (handing a task to a temporary steward, closing the campaign) edit one
//! document apart and the merge keeps every answer. A temporary steward (临时红色管家) gets a
//! document of their own with the tasks handed to them; the regular steward's task is marked
//! as handed over and stays answerable, so an answer made offline before the hand-over is kept.

use std::collections::BTreeMap;

use super::*;

/// Fields in one campaign's form.
pub const MAX_FIELDS: usize = 20;
/// Options of one choice field.
pub const MAX_OPTIONS: usize = 20;
/// Tasks in one steward's campaign document.
pub const MAX_TASKS: usize = 500;
/// The largest number a number field takes (either sign).
pub const MAX_NUMBER: f64 = 1e9;

/// One field of the household form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignField {
    pub id: Uuid,
    /// e.g. 家中有无发热人员, 房屋是否进水, 常住人数.
    pub label: String,
    pub kind: FieldKind,
    /// A choice field's options, in order.
    #[serde(default)]
    pub options: Vec<String>,
    /// A task is done only with every required field answered.
    #[serde(default)]
    pub required: bool,
}

/// A campaign as a supervisor starts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignSpec {
    pub id: Uuid,
    pub title: String,
    pub kind: CampaignKind,
    /// `YYYY-MM-DD`, in the program's zone.
    pub starts_on: String,
    /// `YYYY-MM-DD`, the last day (inclusive): temporary stewards lose access after it.
    pub ends_on: String,
    pub fields: Vec<CampaignField>,
}

fn parse_day(what: &str, s: &str) -> Result<chrono::NaiveDate, Error> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| Error::Invalid(format!("{what} is not a date like 2026-12-01: {:?}", trimmed(s))))
}

fn trimmed(s: &str) -> String {
    s.chars().take(40).collect()
}

impl CampaignSpec {
    /// Checks the campaign as a supervisor enters it.
    pub fn check(&self) -> Result<(), Error> {
        require(!self.title.trim().is_empty(), "a campaign needs a title")?;
        limits::text("the campaign's title", &self.title, limits::SHORT_TEXT)?;
        let (starts, ends) = self.days()?;
        require(ends >= starts, "a campaign ends on or after the day it starts")?;
        require((ends - starts).num_days() <= 366, "a campaign lasts at most a year")?;
        require(!self.fields.is_empty(), "a campaign's form needs at least one field")?;
        limits::count("fields of a campaign's form", self.fields.len(), MAX_FIELDS)?;
        let mut ids = Vec::new();
        for f in &self.fields {
            require(!f.label.trim().is_empty(), "every field of the form needs its label")?;
            limits::text("a field's label", &f.label, limits::SHORT_TEXT)?;
            ids.push(f.id);
            if f.kind == FieldKind::Choice {
                require(f.options.len() >= 2, &format!("the choice {} needs at least two options", f.label))?;
                limits::count("options of a choice", f.options.len(), MAX_OPTIONS)?;
                let mut seen = Vec::new();
                for o in &f.options {
                    require(!o.trim().is_empty(), &format!("an option of {} is empty", f.label))?;
                    limits::text("an option", o, limits::SHORT_TEXT)?;
                    require(!seen.contains(&o.trim()), &format!("{} lists an option twice", f.label))?;
                    seen.push(o.trim());
                }
            } else {
                require(f.options.is_empty(), &format!("only a choice has options, not {}", f.label))?;
            }
        }
        ids.sort();
        ids.dedup();
        require(ids.len() == self.fields.len(), "two fields share an id")
    }

    /// The instant the campaign is over: the start of the day after its last, in `zone`.
    pub fn ends_at(&self, zone: &crate::time::ProgramZone) -> Result<Millis, Error> {
        let (_, ends) = self.days()?;
        Ok(zone.day_start(ends.succ_opt().unwrap_or(ends)))
    }

    /// The first and the last day.
    pub fn days(&self) -> Result<(chrono::NaiveDate, chrono::NaiveDate), Error> {
        Ok((parse_day("the start", &self.starts_on)?, parse_day("the end", &self.ends_on)?))
    }
}

/// One answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Bool(bool),
    Number(f64),
    Text(String),
}

impl Answer {
    fn to_scalar(&self) -> ScalarValue {
        match self {
            Answer::Bool(b) => ScalarValue::Boolean(*b),
            Answer::Number(n) => ScalarValue::F64(*n),
            Answer::Text(t) => ScalarValue::Str(t.trim().into()),
        }
    }

    fn from_scalar(s: &ScalarValue) -> Option<Answer> {
        Some(match s {
            ScalarValue::Boolean(b) => Answer::Bool(*b),
            ScalarValue::F64(n) => Answer::Number(*n),
            ScalarValue::Int(n) => Answer::Number(*n as f64),
            ScalarValue::Uint(n) => Answer::Number(*n as f64),
            ScalarValue::Str(t) => Answer::Text(t.to_string()),
            _ => return None,
        })
    }

    /// The answer as a ledger prints it.
    pub fn display(&self) -> String {
        match self {
            Answer::Bool(true) => "是".into(),
            Answer::Bool(false) => "否".into(),
            Answer::Number(n) => format!("{n}"),
            Answer::Text(t) => t.clone(),
        }
    }
}

/// A household's task as the server writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTask {
    pub household_id: Uuid,
    /// The head of household's name and the address: what the steward needs at the door (a
    /// temporary steward sees nothing else of the household).
    pub name: String,
    pub address: String,
}

/// A household's task as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignTask {
    pub household_id: Uuid,
    pub name: String,
    pub address: String,
    /// The temporary steward it was handed to, in the regular steward's document.
    pub handed_to: Option<Uuid>,
    /// By field id.
    pub answers: BTreeMap<Uuid, Answer>,
    /// When it was last answered; `None` while to do.
    pub answered_at: Option<Millis>,
    pub answered_by: Option<Uuid>,
}

/// A steward's campaign document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignRecord {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub steward_id: Uuid,
    pub campaign: CampaignSpec,
    /// The document of a temporary steward enrolled for this campaign.
    pub temporary: bool,
    pub closed_at: Option<Millis>,
    /// In household order of the server's list.
    pub tasks: Vec<CampaignTask>,
}

/// The id of a steward's document for a campaign.
pub fn campaign_doc_id(campaign_id: Uuid, steward_id: Uuid) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x8d3b_51e2_7a40_4c19_b2e6_0f7d_4a9c_e351);
    Uuid::new_v5(&NAMESPACE, format!("campaign:{campaign_id}:{steward_id}").as_bytes())
}

/// The root key prefix of a household's task.
pub(crate) const TASK_PREFIX: &str = "task:";

fn task_obj<R: ReadDoc>(doc: &R, household: Uuid) -> Result<Option<ObjId>, Error> {
    Ok(match doc.get(ROOT, format!("{TASK_PREFIX}{household}"))? {
        Some((Value::Object(ObjType::Map), id)) => Some(id),
        _ => None,
    })
}

fn put_tasks(tx: &mut Transaction<'_>, tasks: &[NewTask]) -> Result<(), Error> {
    for t in tasks {
        limits::text("a household's name", &t.name, limits::SHORT_TEXT)?;
        limits::text("an address", &t.address, limits::SHORT_TEXT)?;
        let key = format!("{TASK_PREFIX}{}", t.household_id);
        if tx.get(ROOT, key.as_str())?.is_some() {
            continue;
        }
        let e = tx.put_object(ROOT, key, ObjType::Map)?;
        tx.put(&e, "name", t.name.as_str())?;
        tx.put(&e, "address", t.address.as_str())?;
        tx.put_object(&e, "answers", ObjType::Map)?;
    }
    Ok(())
}

/// Creates a steward's document for a campaign, with a task per household (the server does
/// this when a campaign starts and when it enrols a temporary steward).
pub fn create_campaign_doc(
    actor: automerge::ActorId,
    spec: &CampaignSpec,
    compound_id: Uuid,
    steward_id: Uuid,
    temporary: bool,
    tasks: &[NewTask],
    at: Millis,
) -> Result<Automerge, Error> {
    spec.check()?;
    limits::count("households of one steward's campaign", tasks.len(), MAX_TASKS)?;
    let mut doc = Automerge::new().with_actor(actor);
    edit(&mut doc, "start campaign", at, |tx| {
        put_header(tx, DocKind::Campaign, campaign_doc_id(spec.id, steward_id), compound_id)?;
        tx.put(ROOT, "steward_id", steward_id.to_string())?;
        tx.put(ROOT, "campaign_id", spec.id.to_string())?;
        tx.put(ROOT, "title", spec.title.trim())?;
        tx.put(ROOT, "campaign_kind", spec.kind.as_code())?;
        tx.put(ROOT, "starts_on", spec.starts_on.as_str())?;
        tx.put(ROOT, "ends_on", spec.ends_on.as_str())?;
        tx.put(ROOT, "temporary", temporary)?;
        let fields = tx.put_object(ROOT, "fields", ObjType::Map)?;
        for (order, f) in spec.fields.iter().enumerate() {
            let e = tx.put_object(&fields, f.id.to_string(), ObjType::Map)?;
            tx.put(&e, "label", f.label.trim())?;
            tx.put(&e, "kind", f.kind.as_code())?;
            tx.put(&e, "order", order as u64)?;
            tx.put(&e, "required", f.required)?;
            let options: Vec<String> = f.options.iter().map(|o| o.trim().to_string()).collect();
            put_str_list(tx, &e, "options", &options)?;
        }
        put_tasks(tx, tasks)
    })?;
    Ok(doc)
}

/// Marks tasks of a regular steward's document as handed to a temporary steward (or back, with
/// `None`). The task stays answerable: an answer made offline meanwhile is kept.
pub fn hand_over_tasks(doc: &mut Automerge, households: &[Uuid], to: Option<Uuid>, at: Millis) -> Result<(), Error> {
    for h in households {
        require(task_obj(doc, *h)?.is_some(), "a household handed over has no task in this campaign")?;
    }
    edit(doc, "hand over tasks", at, |tx| {
        for h in households {
            let Some(e) = task_obj(tx, *h)? else { continue };
            match to {
                Some(s) => tx.put(&e, "handed_to", s.to_string())?,
                None => tx.put(&e, "handed_to", "")?,
            }
        }
        Ok(())
    })
}

/// Closes the campaign in one steward's document.
pub fn close_campaign(doc: &mut Automerge, at: Millis) -> Result<(), Error> {
    if get_i64(doc, &ROOT, "closed_at")?.is_some() {
        return Ok(());
    }
    edit(doc, "close campaign", at, |tx| {
        tx.put(ROOT, "closed_at", ScalarValue::Timestamp(at))?;
        Ok(())
    })
}

/// Checks a task's answers against the form: known fields, values of the field's kind, a
/// choice among its options, and (when `complete`) every required field answered.
pub fn check_answers(spec: &CampaignSpec, answers: &BTreeMap<Uuid, Answer>, complete: bool) -> Result<(), Error> {
    for (id, a) in answers {
        let f = spec
            .fields
            .iter()
            .find(|f| f.id == *id)
            .ok_or_else(|| Error::Invalid(format!("the form has no field {id}")))?;
        let fits = match (f.kind, a) {
            (FieldKind::YesNo, Answer::Bool(_)) => true,
            (FieldKind::Number, Answer::Number(n)) => n.is_finite() && n.abs() <= MAX_NUMBER,
            (FieldKind::Choice, Answer::Text(t)) => f.options.iter().any(|o| o == t.trim()),
            (FieldKind::Text, Answer::Text(t)) => {
                limits::text(&f.label, t, limits::LONG_TEXT)?;
                true
            }
            _ => false,
        };
        require(fits, &format!("the answer to {} is not a {}", f.label, f.kind.label_en().to_lowercase()))?;
    }
    if complete {
        for f in spec.fields.iter().filter(|f| f.required) {
            require(answers.contains_key(&f.id), &format!("{} needs an answer", f.label))?;
        }
    }
    Ok(())
}

/// Answers a household's task (all fields given at once, or some changed): the answers are
/// merged field by field with those already there, so two phones answering different fields
/// apart keep both.
pub fn answer_task(
    doc: &mut Automerge,
    household: Uuid,
    answers: &BTreeMap<Uuid, Answer>,
    by: Uuid,
    at: Millis,
) -> Result<(), Error> {
    limits::instant("the time of the answer", at)?;
    let Projection::Campaign(c) = project(doc)? else {
        return Err(Error::Invalid("not a campaign document".into()));
    };
    require(c.closed_at.is_none(), "this campaign is closed")?;
    let task = c
        .tasks
        .iter()
        .find(|t| t.household_id == household)
        .ok_or_else(|| Error::NotFound(format!("no task for household {household} in this campaign")))?;
    let mut all = task.answers.clone();
    all.extend(answers.iter().map(|(k, v)| (*k, v.clone())));
    check_answers(&c.campaign, &all, true)?;
    edit(doc, "answer task", at, |tx| {
        let Some(e) = task_obj(tx, household)? else { return Err(Error::NotFound("the task".into())) };
        let map = ensure_map(tx, &e, "answers")?;
        for (id, a) in answers {
            let key = id.to_string();
            let unchanged = matches!(tx.get(&map, key.as_str())?, Some((Value::Scalar(s), _))
                if Answer::from_scalar(&s).as_ref() == Some(a));
            if !unchanged {
                tx.put(&map, key, a.to_scalar())?;
            }
        }
        tx.put(&e, "answered_at", ScalarValue::Timestamp(at))?;
        tx.put(&e, "answered_by", by.to_string())?;
        Ok(())
    })
}

fn read_fields(doc: &Automerge) -> Result<Vec<CampaignField>, Error> {
    let mut fields = Vec::new();
    for (key, e) in map_entries(doc, &ROOT, "fields")? {
        let order = get_i64(doc, &e, "order")?.unwrap_or(0);
        fields.push((
            order,
            CampaignField {
                id: parse_uuid(&key, "field")?,
                label: get_str(doc, &e, "label")?,
                kind: get_code(doc, &e, "kind", FieldKind::from_code)?,
                options: list_strs(doc, &e, "options")?,
                required: get_bool(doc, &e, "required")?.unwrap_or(false),
            },
        ));
    }
    fields.sort_by_key(|(order, f)| (*order, f.id));
    Ok(fields.into_iter().map(|(_, f)| f).collect())
}

pub(super) fn read(doc: &Automerge, h: DocHeader) -> Result<CampaignRecord, Error> {
    let steward_id = h.steward_id.ok_or_else(|| Error::Invalid("a campaign document has no steward".into()))?;
    let campaign_id = get_uuid(doc, &ROOT, "campaign_id")?
        .ok_or_else(|| Error::Invalid("a campaign document names no campaign".into()))?;
    if campaign_doc_id(campaign_id, steward_id) != h.id {
        return Err(Error::Invalid("a campaign document's id does not match its campaign and steward".into()));
    }
    let campaign = CampaignSpec {
        id: campaign_id,
        title: get_str(doc, &ROOT, "title")?,
        kind: get_code(doc, &ROOT, "campaign_kind", CampaignKind::from_code)?,
        starts_on: get_str(doc, &ROOT, "starts_on")?,
        ends_on: get_str(doc, &ROOT, "ends_on")?,
        fields: read_fields(doc)?,
    };
    let mut tasks = Vec::new();
    for key in doc.keys(ROOT).collect::<Vec<_>>() {
        let Some(id) = key.strip_prefix(TASK_PREFIX) else { continue };
        let Some((Value::Object(ObjType::Map), e)) = doc.get(ROOT, key.as_str())? else { continue };
        let mut answers = BTreeMap::new();
        if let Some(map) = get_obj(doc, &e, "answers")? {
            for k in doc.keys(&map).collect::<Vec<_>>() {
                let Some((Value::Scalar(s), _)) = doc.get(&map, k.as_str())? else { continue };
                if let (Ok(field), Some(a)) = (Uuid::parse_str(&k), Answer::from_scalar(&s)) {
                    answers.insert(field, a);
                }
            }
        }
        tasks.push(CampaignTask {
            household_id: parse_uuid(id, "task")?,
            name: get_str(doc, &e, "name")?,
            address: get_str(doc, &e, "address")?,
            handed_to: get_uuid(doc, &e, "handed_to")?,
            answers,
            answered_at: get_i64(doc, &e, "answered_at")?,
            answered_by: get_uuid(doc, &e, "answered_by")?,
        });
    }
    tasks.sort_by(|a, b| a.address.cmp(&b.address).then(a.household_id.cmp(&b.household_id)));
    Ok(CampaignRecord {
        id: h.id,
        compound_id: h.compound_id,
        steward_id,
        campaign,
        temporary: get_bool(doc, &ROOT, "temporary")?.unwrap_or(false),
        closed_at: get_i64(doc, &ROOT, "closed_at")?,
        tasks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Millis = 1_764_547_200_000;

    pub(crate) fn spec() -> CampaignSpec {
        CampaignSpec {
            id: Uuid::new_v4(),
            title: "防汛排查".into(),
            kind: CampaignKind::Flood,
            starts_on: "2026-12-01".into(),
            ends_on: "2026-12-07".into(),
            fields: vec![
                CampaignField {
                    id: Uuid::new_v4(),
                    label: "房屋是否进水".into(),
                    kind: FieldKind::YesNo,
                    options: vec![],
                    required: true,
                },
                CampaignField {
                    id: Uuid::new_v4(),
                    label: "需要转移".into(),
                    kind: FieldKind::Choice,
                    options: vec!["不需要".into(), "需要".into()],
                    required: false,
                },
                CampaignField {
                    id: Uuid::new_v4(),
                    label: "常住人数".into(),
                    kind: FieldKind::Number,
                    options: vec![],
                    required: false,
                },
            ],
        }
    }

    #[test]
    fn two_phones_answering_apart_and_the_console_handing_over_keep_every_answer() {
        let s = spec();
        let (steward, temp, compound) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let (h1, h2) = (Uuid::new_v4(), Uuid::new_v4());
        let tasks = [
            NewTask { household_id: h1, name: "张桂兰".into(), address: "1栋1单元101".into() },
            NewTask { household_id: h2, name: "李建国".into(), address: "1栋1单元102".into() },
        ];
        let server =
            create_campaign_doc(automerge::ActorId::random(), &s, compound, steward, false, &tasks, T).unwrap();
        let mut a = server.fork().with_actor(automerge::ActorId::random());
        let mut b = server.fork().with_actor(automerge::ActorId::random());
        let mut console = server.fork().with_actor(automerge::ActorId::random());
        let one = |f: usize, v: Answer| BTreeMap::from([(s.fields[f].id, v)]);
        answer_task(&mut a, h1, &one(0, Answer::Bool(true)), steward, T + 1).unwrap();
        let mut both = one(0, Answer::Bool(false));
        both.insert(s.fields[2].id, Answer::Number(3.0));
        answer_task(&mut b, h2, &both, steward, T + 2).unwrap();
        let mut b2 = a.fork().with_actor(automerge::ActorId::random());
        answer_task(&mut b2, h1, &one(1, Answer::Text("需要".into())), steward, T + 3).unwrap();
        hand_over_tasks(&mut console, &[h2], Some(temp), T + 4).unwrap();
        for other in [&mut b, &mut b2, &mut console] {
            a.merge(other).unwrap();
        }
        let Projection::Campaign(c) = project(&a).unwrap() else { panic!("campaign") };
        assert_eq!(c.id, campaign_doc_id(s.id, steward));
        assert_eq!(c.campaign, s);
        let t1 = c.tasks.iter().find(|t| t.household_id == h1).unwrap();
        assert_eq!(t1.answers.len(), 2, "{t1:?}");
        assert_eq!(t1.answers[&s.fields[1].id], Answer::Text("需要".into()));
        let t2 = c.tasks.iter().find(|t| t.household_id == h2).unwrap();
        assert_eq!((t2.answers.len(), t2.handed_to, t2.answered_by), (2, Some(temp), Some(steward)));
    }

    #[test]
    fn answers_must_fit_the_form_and_a_closed_campaign_takes_none() {
        let s = spec();
        let (steward, h) = (Uuid::new_v4(), Uuid::new_v4());
        let tasks = [NewTask { household_id: h, name: "张".into(), address: "2栋".into() }];
        let mut d =
            create_campaign_doc(automerge::ActorId::random(), &s, Uuid::new_v4(), steward, false, &tasks, T).unwrap();
        let bad = [
            (s.fields[0].id, Answer::Text("是".into()), "not a yes / no"),
            (s.fields[1].id, Answer::Text("也许".into()), "not a choice"),
            (s.fields[2].id, Answer::Number(f64::NAN), "not a number"),
            (Uuid::new_v4(), Answer::Bool(true), "no field"),
        ];
        for (field, value, want) in bad {
            let mut answers = BTreeMap::from([(s.fields[0].id, Answer::Bool(true))]);
            answers.insert(field, value);
            let err = answer_task(&mut d, h, &answers, steward, T + 1).unwrap_err().to_string();
            assert!(err.contains(want), "{err}");
        }
        let err = answer_task(&mut d, h, &BTreeMap::from([(s.fields[2].id, Answer::Number(2.0))]), steward, T + 1)
            .unwrap_err()
            .to_string();
        assert!(err.contains("房屋是否进水 needs an answer"), "{err}");
        close_campaign(&mut d, T + 2).unwrap();
        let err = answer_task(&mut d, h, &BTreeMap::from([(s.fields[0].id, Answer::Bool(true))]), steward, T + 3)
            .unwrap_err()
            .to_string();
        assert!(err.contains("closed"), "{err}");
    }

    #[test]
    fn a_campaign_is_checked_as_the_supervisor_enters_it() {
        let mut s = spec();
        s.ends_on = "2026-11-30".into();
        assert!(s.check().unwrap_err().to_string().contains("ends on or after"));
        let mut s = spec();
        s.fields[1].options.pop();
        assert!(s.check().unwrap_err().to_string().contains("at least two options"));
        let mut s = spec();
        s.starts_on = "12/01".into();
        assert!(s.check().unwrap_err().to_string().contains("not a date"));
    }
}
