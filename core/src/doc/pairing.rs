//! Pairing assistance (结对帮扶) as cases, inside the household's document: who is paired with
//! the household, what help it needs, what was done and when, and the outcome (a subsidy
//! secured with its amount, a job found …), open until closed.
//!
//! Each case is a root key of its own (`pairing_case:<uuid>`), not an entry of a nested map:
//! households created before cases existed have no such map, and two phones creating it
//! concurrently would make two maps of which one hides the other. A case's actions live in its
//! own `actions` map, made with the case, so actions written on two phones and by a supervisor
//! apart all survive the merge. The older free-text pairing notes stay as they were.

use super::*;

/// A case as the steward opens it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPairingCase {
    pub id: Uuid,
    /// Who is paired with the household (结对人): a steward, a party member, a volunteer.
    pub helper: String,
    pub need: PairingNeed,
    /// What help is needed.
    pub description: String,
    pub opened_at: Millis,
    pub opened_by: Uuid,
}

/// How a case ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairingClose {
    pub outcome: PairingOutcome,
    /// A subsidy's or a grant's amount in yuan, when there is one.
    #[serde(default)]
    pub amount_yuan: Option<u32>,
    #[serde(default)]
    pub note: String,
}

/// One thing done for a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairingAction {
    pub id: Uuid,
    pub case_id: Uuid,
    pub at: Millis,
    pub text: String,
    pub by: Option<Uuid>,
}

/// A case as read from the household document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairingCase {
    pub id: Uuid,
    pub household_id: Uuid,
    pub helper: String,
    pub need: PairingNeed,
    pub description: String,
    pub opened_at: Millis,
    pub opened_by: Option<Uuid>,
    /// Oldest first.
    pub actions: Vec<PairingAction>,
    /// `None` while open.
    pub closed_at: Option<Millis>,
    pub outcome: Option<PairingOutcome>,
    pub amount_yuan: Option<u32>,
    pub outcome_note: String,
}

/// The root key prefix of a pairing case.
pub(crate) const CASE_PREFIX: &str = "pairing_case:";

fn case_obj<R: ReadDoc>(doc: &R, case: Uuid) -> Result<Option<ObjId>, Error> {
    Ok(match doc.get(ROOT, format!("{CASE_PREFIX}{case}"))? {
        Some((Value::Object(ObjType::Map), id)) => Some(id),
        _ => None,
    })
}

/// Opens a pairing case on a household.
pub fn open_pairing_case(doc: &mut Automerge, c: &NewPairingCase) -> Result<(), Error> {
    require(!c.helper.trim().is_empty(), "a pairing case names who is paired with the household")?;
    require(!c.description.trim().is_empty(), "a pairing case says what help is needed")?;
    limits::instant("the time the case was opened", c.opened_at)?;
    limits::text("who is paired", &c.helper, limits::SHORT_TEXT)?;
    limits::text("the help needed", &c.description, limits::LONG_TEXT)?;
    edit(doc, "open pairing case", c.opened_at, |tx| {
        let key = format!("{CASE_PREFIX}{}", c.id);
        require(tx.get(ROOT, key.as_str())?.is_none(), "that case is already open")?;
        let e = tx.put_object(ROOT, key.as_str(), ObjType::Map)?;
        tx.put_object(&e, "actions", ObjType::Map)?;
        put_text(tx, &e, "helper", c.helper.trim())?;
        tx.put(&e, "need", c.need.as_code())?;
        put_text(tx, &e, "description", c.description.trim())?;
        tx.put(&e, "opened_at", ScalarValue::Timestamp(c.opened_at))?;
        tx.put(&e, "opened_by", c.opened_by.to_string())?;
        Ok(())
    })
}

/// Records something done for a case.
pub fn add_pairing_action(
    doc: &mut Automerge,
    id: Uuid,
    case: Uuid,
    text: &str,
    by: Uuid,
    at: Millis,
) -> Result<(), Error> {
    require(!text.trim().is_empty(), "say what was done")?;
    limits::instant("the time of the action", at)?;
    limits::text("what was done", text, limits::LONG_TEXT)?;
    edit(doc, "pairing action", at, |tx| {
        let c = case_obj(tx, case)?.ok_or_else(|| Error::NotFound("no such pairing case".into()))?;
        let map = ensure_map(tx, &c, "actions")?;
        let e = tx.put_object(&map, id.to_string(), ObjType::Map)?;
        tx.put(&e, "at", ScalarValue::Timestamp(at))?;
        put_text(tx, &e, "text", text.trim())?;
        tx.put(&e, "by", by.to_string())?;
        Ok(())
    })
}

/// Closes a case with its outcome. A closed case stays closed: its outcome is what the year's
/// figures count.
pub fn close_pairing_case(doc: &mut Automerge, case: Uuid, c: &PairingClose, at: Millis) -> Result<(), Error> {
    limits::instant("the time the case was closed", at)?;
    limits::text("the outcome's note", &c.note, limits::LONG_TEXT)?;
    if let Some(a) = c.amount_yuan {
        require(a <= 10_000_000, "an amount is at most 10,000,000 yuan")?;
    }
    edit(doc, "close pairing case", at, |tx| {
        let e = case_obj(tx, case)?.ok_or_else(|| Error::NotFound("no such pairing case".into()))?;
        require(tx.get(&e, "closed_at")?.is_none(), "this case is already closed")?;
        tx.put(&e, "closed_at", ScalarValue::Timestamp(at))?;
        tx.put(&e, "outcome", c.outcome.as_code())?;
        if let Some(a) = c.amount_yuan {
            tx.put(&e, "amount_yuan", u64::from(a))?;
        }
        put_text(tx, &e, "outcome_note", c.note.trim())?;
        Ok(())
    })
}

pub(super) fn read(doc: &Automerge, household: Uuid) -> Result<Vec<PairingCase>, Error> {
    let mut cases = Vec::new();
    for key in doc.keys(ROOT).collect::<Vec<_>>() {
        let Some(id) = key.strip_prefix(CASE_PREFIX) else { continue };
        let id = parse_uuid(id, "pairing case")?;
        let Some((Value::Object(ObjType::Map), c)) = doc.get(ROOT, key.as_str())? else {
            return Err(Error::Invalid(format!("pairing case {id} is not a record")));
        };
        let mut actions = Vec::new();
        for (key, a) in map_entries(doc, &c, "actions")? {
            actions.push(PairingAction {
                id: parse_uuid(&key, "pairing action")?,
                case_id: id,
                at: get_i64(doc, &a, "at")?.unwrap_or(0),
                text: get_str(doc, &a, "text")?,
                by: get_uuid(doc, &a, "by")?,
            });
        }
        actions.sort_by_key(|a| (a.at, a.id));
        let outcome = match get_opt_str(doc, &c, "outcome")? {
            Some(code) => Some(
                PairingOutcome::from_code(&code)
                    .ok_or_else(|| Error::Invalid(format!("unknown pairing outcome {code:?}")))?,
            ),
            None => None,
        };
        cases.push(PairingCase {
            id,
            household_id: household,
            helper: get_str(doc, &c, "helper")?,
            need: get_code(doc, &c, "need", PairingNeed::from_code)?,
            description: get_str(doc, &c, "description")?,
            opened_at: get_i64(doc, &c, "opened_at")?.unwrap_or(0),
            opened_by: get_uuid(doc, &c, "opened_by")?,
            actions,
            closed_at: get_i64(doc, &c, "closed_at")?,
            outcome,
            amount_yuan: get_i64(doc, &c, "amount_yuan")?.map(|a| a.clamp(0, i64::from(u32::MAX)) as u32),
            outcome_note: get_str(doc, &c, "outcome_note")?,
        });
    }
    cases.sort_by_key(|c| (c.opened_at, c.id));
    Ok(cases)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Millis = 1_764_547_200_000;

    #[test]
    fn actions_from_two_phones_and_a_supervisor_all_survive_and_a_closed_case_stays_closed() {
        let steward = Uuid::new_v4();
        let h = NewHousehold {
            id: Uuid::new_v4(),
            compound_id: Uuid::new_v4(),
            steward_id: Some(steward),
            profile: Default::default(),
        };
        let mut base = create_household(automerge::ActorId::random(), &h, T).unwrap();
        let case = NewPairingCase {
            id: Uuid::new_v4(),
            helper: "李秀英".into(),
            need: PairingNeed::Tuition,
            description: "孩子考上大学，学费有困难".into(),
            opened_at: T,
            opened_by: steward,
        };
        open_pairing_case(&mut base, &case).unwrap();
        let mut a = base.fork().with_actor(automerge::ActorId::random());
        let mut b = base.fork().with_actor(automerge::ActorId::random());
        let mut sup = base.fork().with_actor(automerge::ActorId::random());
        add_pairing_action(&mut a, Uuid::new_v4(), case.id, "联系民政", steward, T + 1).unwrap();
        add_pairing_action(&mut b, Uuid::new_v4(), case.id, "走访学校", steward, T + 2).unwrap();
        add_pairing_action(&mut sup, Uuid::new_v4(), case.id, "申请助学金", Uuid::nil(), T + 3).unwrap();
        let close =
            PairingClose { outcome: PairingOutcome::Subsidy, amount_yuan: Some(5000), note: "争取助学金".into() };
        close_pairing_case(&mut sup, case.id, &close, T + 4).unwrap();
        let mut m = a.clone();
        m.merge(&mut b).unwrap();
        m.merge(&mut sup).unwrap();
        let Projection::Household(rec) = project(&m).unwrap() else { panic!("a household") };
        let c = &rec.pairing_cases[0];
        assert_eq!(c.actions.len(), 3);
        assert_eq!((c.outcome, c.amount_yuan, c.closed_at), (Some(PairingOutcome::Subsidy), Some(5000), Some(T + 4)));
        assert!(close_pairing_case(&mut m, case.id, &close, T + 5).unwrap_err().to_string().contains("already closed"));
        assert!(add_pairing_action(&mut m, Uuid::new_v4(), Uuid::new_v4(), "x", steward, T).is_err());
        // Two phones opening a household's first cases apart: both cases survive.
        let fresh = create_household(automerge::ActorId::random(), &h, T).unwrap();
        let mut p = fresh.fork().with_actor(automerge::ActorId::random());
        let mut q = fresh.fork().with_actor(automerge::ActorId::random());
        open_pairing_case(&mut p, &NewPairingCase { id: Uuid::new_v4(), ..case.clone() }).unwrap();
        open_pairing_case(&mut q, &NewPairingCase { id: Uuid::new_v4(), ..case.clone() }).unwrap();
        p.merge(&mut q).unwrap();
        let Projection::Household(rec) = project(&p).unwrap() else { panic!("a household") };
        assert_eq!(rec.pairing_cases.len(), 2);
    }
}
