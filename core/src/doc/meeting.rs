//! A compound's joint meeting (联席会议): who came for each party, the topics, each decision
//! (商定事项) with the party responsible and a deadline, and the follow-ups that carry a decision
//! to done (监督落实).
//!
//! One document per meeting, belonging to the steward who called it (`convener_id`), so it
//! reaches that steward's phones like their issues do. Attendees, decisions and follow-ups are
//! maps keyed by uuid: a steward's two phones and the console (a supervisor, or the property
//! company following its own decisions) each add their own entries offline and the merge keeps
//! every one. A decision's status moves only with the follow-up entry that moves it, as an
//! issue's does with its timeline.

use super::*;

/// Who came to a meeting for one party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub id: Uuid,
    pub party: MeetingParty,
    pub name: String,
}

/// A decision as the meeting takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDecision {
    pub id: Uuid,
    pub text: String,
    /// The party responsible for carrying it out.
    pub party: MeetingParty,
    #[serde(default)]
    pub deadline: Option<Millis>,
}

/// A meeting as the steward records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewMeeting {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub convener_id: Uuid,
    pub held_at: Millis,
    pub place: String,
    #[serde(default)]
    pub topics: String,
    #[serde(default)]
    pub attendees: Vec<Attendee>,
    #[serde(default)]
    pub decisions: Vec<NewDecision>,
}

/// A meeting's date, place, topics and attendees: what its convener may correct later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingBasics {
    pub held_at: Millis,
    pub place: String,
    #[serde(default)]
    pub topics: String,
    #[serde(default)]
    pub attendees: Vec<Attendee>,
}

/// A decision as read from a meeting document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub id: Uuid,
    pub text: String,
    pub party: MeetingParty,
    pub deadline: Option<Millis>,
    pub status: DecisionStatus,
    /// When it was last marked done; `None` while open.
    pub done_at: Option<Millis>,
    pub added_by: Option<Uuid>,
    pub added_at: Millis,
}

impl DecisionRecord {
    /// Open past its deadline (逾期).
    pub fn is_late(&self, now: Millis) -> bool {
        self.status == DecisionStatus::Open && self.deadline.is_some_and(|d| d < now)
    }
}

/// One entry of a decision's follow-through: a note, and for a status move the status it moved to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpRecord {
    pub id: Uuid,
    pub decision_id: Uuid,
    pub at: Millis,
    pub by: Option<Uuid>,
    pub role: PartyRole,
    pub text: String,
    pub status: Option<DecisionStatus>,
}

/// Everything a meeting document holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingRecord {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub convener_id: Uuid,
    pub held_at: Millis,
    pub place: String,
    pub topics: String,
    pub attendees: Vec<Attendee>,
    pub decisions: Vec<DecisionRecord>,
    pub follow_ups: Vec<FollowUpRecord>,
}

fn check_basics(b: &MeetingBasics) -> Result<(), Error> {
    require(!b.place.trim().is_empty(), "a meeting needs the place where it was held")?;
    check_attendees(&b.attendees)?;
    limits::meeting_fields(b.held_at, &b.place, &b.topics)
}

fn check_attendees(attendees: &[Attendee]) -> Result<(), Error> {
    limits::count("attendees of one meeting", attendees.len(), limits::MAX_ATTENDEES)?;
    for a in attendees {
        require(!a.name.trim().is_empty(), "an attendee needs a name")?;
        limits::text("an attendee's name", &a.name, limits::SHORT_TEXT)?;
    }
    Ok(())
}

fn check_decision(d: &NewDecision) -> Result<(), Error> {
    require(!d.text.trim().is_empty(), "a decision needs its text")?;
    limits::text("the decision", &d.text, limits::LONG_TEXT)?;
    if let Some(at) = d.deadline {
        limits::instant("the decision's deadline", at)?;
    }
    Ok(())
}

/// Creates a meeting document, its decisions added by the convener.
pub fn create_meeting(actor: automerge::ActorId, m: &NewMeeting, at: Millis) -> Result<Automerge, Error> {
    let basics = MeetingBasics {
        held_at: m.held_at,
        place: m.place.clone(),
        topics: m.topics.clone(),
        attendees: m.attendees.clone(),
    };
    check_basics(&basics)?;
    limits::count("decisions of one meeting", m.decisions.len(), limits::MAX_DECISIONS)?;
    for d in &m.decisions {
        check_decision(d)?;
    }
    limits::instant("the time the meeting was recorded", at)?;
    let mut doc = Automerge::new().with_actor(actor);
    edit(&mut doc, "record meeting", at, |tx| {
        put_header(tx, DocKind::Meeting, m.id, m.compound_id)?;
        tx.put(ROOT, "convener_id", m.convener_id.to_string())?;
        tx.put_object(ROOT, "attendees", ObjType::Map)?;
        tx.put_object(ROOT, "decisions", ObjType::Map)?;
        tx.put_object(ROOT, "follow_ups", ObjType::Map)?;
        write_basics(tx, &basics)?;
        for d in &m.decisions {
            put_decision(tx, d, m.convener_id, at)?;
        }
        Ok(())
    })?;
    Ok(doc)
}

fn write_basics(tx: &mut Transaction<'_>, b: &MeetingBasics) -> Result<(), Error> {
    if get_i64(tx, &ROOT, "held_at")? != Some(b.held_at) {
        tx.put(ROOT, "held_at", ScalarValue::Timestamp(b.held_at))?;
    }
    put_text(tx, &ROOT, "place", b.place.trim())?;
    put_text(tx, &ROOT, "topics", b.topics.trim())?;
    let map = ensure_map(tx, &ROOT, "attendees")?;
    let keep: std::collections::HashSet<String> = b.attendees.iter().map(|a| a.id.to_string()).collect();
    let gone: Vec<String> = tx.keys(&map).filter(|k| !keep.contains(k)).collect();
    for k in gone {
        tx.delete(&map, k)?;
    }
    for a in &b.attendees {
        let key = a.id.to_string();
        let e = match tx.get(&map, key.as_str())? {
            Some((Value::Object(ObjType::Map), e)) => e,
            _ => tx.put_object(&map, key.as_str(), ObjType::Map)?,
        };
        if get_opt_str(tx, &e, "party")?.as_deref() != Some(a.party.as_code()) {
            tx.put(&e, "party", a.party.as_code())?;
        }
        put_text(tx, &e, "name", a.name.trim())?;
    }
    Ok(())
}

fn put_decision(tx: &mut Transaction<'_>, d: &NewDecision, by: Uuid, at: Millis) -> Result<(), Error> {
    let map = ensure_map(tx, &ROOT, "decisions")?;
    require(tx.get(&map, d.id.to_string())?.is_none(), "that decision is already recorded")?;
    let e = tx.put_object(&map, d.id.to_string(), ObjType::Map)?;
    put_text(tx, &e, "text", d.text.trim())?;
    tx.put(&e, "party", d.party.as_code())?;
    if let Some(deadline) = d.deadline {
        tx.put(&e, "deadline", ScalarValue::Timestamp(deadline))?;
    }
    tx.put(&e, "status", DecisionStatus::Open.as_code())?;
    tx.put(&e, "added_by", by.to_string())?;
    tx.put(&e, "added_at", ScalarValue::Timestamp(at))?;
    Ok(())
}

/// Corrects a meeting's date, place, topics and attendees. Only what changed is written, so an
/// attendee added on one phone and the topics edited on another both survive.
pub fn edit_meeting(doc: &mut Automerge, b: &MeetingBasics, at: Millis) -> Result<(), Error> {
    check_basics(b)?;
    edit(doc, "edit meeting", at, |tx| write_basics(tx, b))
}

/// Adds a decision taken at (or after) the meeting.
pub fn add_decision(doc: &mut Automerge, d: &NewDecision, by: Uuid, at: Millis) -> Result<(), Error> {
    check_decision(d)?;
    limits::instant("the time the decision was recorded", at)?;
    let n = get_obj(doc, &ROOT, "decisions")?.map(|m| doc.length(&m)).unwrap_or(0);
    limits::count("decisions of one meeting", n + 1, limits::MAX_DECISIONS)?;
    edit(doc, "add decision", at, |tx| put_decision(tx, d, by, at))
}

/// A follow-up on a decision: a note, and with `status` a move (done, or reopened with a reason).
#[allow(clippy::too_many_arguments)]
pub fn follow_up_decision(
    doc: &mut Automerge,
    id: Uuid,
    decision: Uuid,
    text: &str,
    status: Option<DecisionStatus>,
    by: Uuid,
    role: PartyRole,
    at: Millis,
) -> Result<(), Error> {
    limits::instant("the time of the follow-up", at)?;
    limits::text("the follow-up", text, limits::LONG_TEXT)?;
    let record = read(doc, header(doc)?)?;
    let d = record
        .decisions
        .iter()
        .find(|d| d.id == decision)
        .ok_or_else(|| Error::NotFound("no such decision in this meeting".into()))?;
    limits::count("follow-ups of one meeting", record.follow_ups.len() + 1, limits::MAX_TIMELINE)?;
    match status {
        None => require(!text.trim().is_empty(), "a follow-up needs its text")?,
        Some(to) if !d.status.may_move(to, role) => {
            return Err(Error::Invalid(format!(
                "{} cannot move a decision that is {} to {} ({} → {})",
                role.label_en().to_lowercase(),
                d.status.label_en().to_lowercase(),
                to.label_en().to_lowercase(),
                d.status.label_zh(),
                to.label_zh()
            )))
        }
        Some(DecisionStatus::Open) => require(!text.trim().is_empty(), "say why the decision is reopened")?,
        Some(DecisionStatus::Done) => {}
    }
    edit(doc, "follow up decision", at, |tx| {
        let map = ensure_map(tx, &ROOT, "follow_ups")?;
        let e = tx.put_object(&map, id.to_string(), ObjType::Map)?;
        tx.put(&e, "decision", decision.to_string())?;
        tx.put(&e, "at", ScalarValue::Timestamp(at))?;
        tx.put(&e, "by", by.to_string())?;
        tx.put(&e, "role", role.as_code())?;
        put_text(tx, &e, "text", text.trim())?;
        if let Some(to) = status {
            tx.put(&e, "status", to.as_code())?;
            let d = map_entry(tx, &ROOT, "decisions", &decision.to_string())?
                .ok_or_else(|| Error::NotFound("no such decision in this meeting".into()))?;
            tx.put(&d, "status", to.as_code())?;
            match to {
                DecisionStatus::Done => tx.put(&d, "done_at", ScalarValue::Timestamp(at))?,
                DecisionStatus::Open => {
                    if tx.get(&d, "done_at")?.is_some() {
                        tx.delete(&d, "done_at")?;
                    }
                }
            }
        }
        Ok(())
    })
}

/// Reads a meeting document.
pub(super) fn read(doc: &Automerge, h: DocHeader) -> Result<MeetingRecord, Error> {
    let mut attendees = Vec::new();
    for (key, a) in map_entries(doc, &ROOT, "attendees")? {
        attendees.push(Attendee {
            id: parse_uuid(&key, "attendee")?,
            party: get_code(doc, &a, "party", MeetingParty::from_code)?,
            name: get_str(doc, &a, "name")?,
        });
    }
    // In the program's order of parties, then as recorded.
    attendees.sort_by_key(|a| (a.party, a.id));
    let mut decisions = Vec::new();
    for (key, d) in map_entries(doc, &ROOT, "decisions")? {
        decisions.push(DecisionRecord {
            id: parse_uuid(&key, "decision")?,
            text: get_str(doc, &d, "text")?,
            party: get_code(doc, &d, "party", MeetingParty::from_code)?,
            deadline: get_i64(doc, &d, "deadline")?,
            status: get_code(doc, &d, "status", DecisionStatus::from_code)?,
            done_at: get_i64(doc, &d, "done_at")?,
            added_by: get_uuid(doc, &d, "added_by")?,
            added_at: get_i64(doc, &d, "added_at")?.unwrap_or(0),
        });
    }
    decisions.sort_by_key(|d| (d.added_at, d.id));
    let mut follow_ups = Vec::new();
    for (key, f) in map_entries(doc, &ROOT, "follow_ups")? {
        let status = match get_opt_str(doc, &f, "status")? {
            Some(code) => Some(
                DecisionStatus::from_code(&code)
                    .ok_or_else(|| Error::Invalid(format!("unknown decision status {code:?}")))?,
            ),
            None => None,
        };
        let decision_id =
            get_uuid(doc, &f, "decision")?.ok_or_else(|| Error::Invalid("a follow-up names no decision".into()))?;
        if !decisions.iter().any(|d| d.id == decision_id) {
            return Err(Error::Invalid("a follow-up names a decision this meeting does not have".into()));
        }
        follow_ups.push(FollowUpRecord {
            id: parse_uuid(&key, "follow-up")?,
            decision_id,
            at: get_i64(doc, &f, "at")?.unwrap_or(0),
            by: get_uuid(doc, &f, "by")?,
            role: get_code(doc, &f, "role", PartyRole::from_code)?,
            text: get_str(doc, &f, "text")?,
            status,
        });
    }
    follow_ups.sort_by_key(|f| (f.at, f.id));
    Ok(MeetingRecord {
        id: h.id,
        compound_id: h.compound_id,
        convener_id: h.steward_id.ok_or_else(|| Error::Invalid("a meeting has no convener".into()))?,
        held_at: get_i64(doc, &ROOT, "held_at")?.unwrap_or(0),
        place: get_str(doc, &ROOT, "place")?,
        topics: get_str(doc, &ROOT, "topics")?,
        attendees,
        decisions,
        follow_ups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Millis = 1_764_547_200_000;

    fn merge(a: &Automerge, b: &Automerge) -> Automerge {
        let mut m = a.clone();
        m.merge(&mut b.clone()).unwrap();
        m
    }

    fn meeting(convener: Uuid) -> NewMeeting {
        NewMeeting {
            id: Uuid::new_v4(),
            compound_id: Uuid::new_v4(),
            convener_id: convener,
            held_at: T,
            place: "小区党群服务站".into(),
            topics: "电瓶车充电桩".into(),
            attendees: vec![Attendee {
                id: Uuid::new_v4(),
                party: MeetingParty::PropertyCompany,
                name: "王经理".into(),
            }],
            decisions: vec![NewDecision {
                id: Uuid::new_v4(),
                text: "两周内在5栋旁建充电棚".into(),
                party: MeetingParty::PropertyCompany,
                deadline: Some(T + 14 * 86_400_000),
            }],
        }
    }

    fn project_meeting(d: &Automerge) -> MeetingRecord {
        let Projection::Meeting(m) = project(d).unwrap() else { panic!("a meeting") };
        m
    }

    #[test]
    fn two_phones_and_the_console_editing_one_meeting_apart_keep_every_edit() {
        let steward = Uuid::new_v4();
        let new = meeting(steward);
        let decision = new.decisions[0].id;
        let base = create_meeting(automerge::ActorId::random(), &new, T).unwrap();
        let mut phone_a = base.fork().with_actor(automerge::ActorId::random());
        let mut phone_b = base.fork().with_actor(automerge::ActorId::random());
        let mut console = base.fork().with_actor(automerge::ActorId::random());

        // Phone A: an attendee for the owners' committee, and a follow-up note.
        let mut basics = MeetingBasics {
            held_at: new.held_at,
            place: new.place.clone(),
            topics: new.topics.clone(),
            attendees: new.attendees.clone(),
        };
        basics.attendees.push(Attendee {
            id: Uuid::new_v4(),
            party: MeetingParty::OwnersCommittee,
            name: "李主任".into(),
        });
        edit_meeting(&mut phone_a, &basics, T + 1).unwrap();
        follow_up_decision(
            &mut phone_a,
            Uuid::new_v4(),
            decision,
            "已催物业",
            None,
            steward,
            PartyRole::Steward,
            T + 2,
        )
        .unwrap();
        // Phone B: the topics corrected, a second decision.
        let b_basics = MeetingBasics { topics: "电瓶车充电桩；楼道堆物".into(), ..basics_of(&new) };
        edit_meeting(&mut phone_b, &b_basics, T + 3).unwrap();
        let second =
            NewDecision {
                id: Uuid::new_v4(), text: "清理楼道".into(), party: MeetingParty::Steward, deadline: None
            };
        add_decision(&mut phone_b, &second, steward, T + 3).unwrap();
        // The console: the property company marks its decision done.
        let company = Uuid::new_v4();
        follow_up_decision(
            &mut console,
            Uuid::new_v4(),
            decision,
            "充电棚已建成",
            Some(DecisionStatus::Done),
            company,
            PartyRole::PropertyCompany,
            T + 4,
        )
        .unwrap();

        let m = project_meeting(&merge(&merge(&phone_a, &phone_b), &console));
        assert_eq!(m.attendees.len(), 2, "{:?}", m.attendees);
        assert_eq!(m.topics, "电瓶车充电桩；楼道堆物");
        assert_eq!(m.decisions.len(), 2);
        let first = m.decisions.iter().find(|d| d.id == decision).unwrap();
        assert_eq!((first.status, first.done_at), (DecisionStatus::Done, Some(T + 4)));
        assert_eq!(m.follow_ups.len(), 2);
        assert_eq!(m.follow_ups.iter().filter(|f| f.status == Some(DecisionStatus::Done)).count(), 1);
    }

    fn basics_of(m: &NewMeeting) -> MeetingBasics {
        MeetingBasics {
            held_at: m.held_at,
            place: m.place.clone(),
            topics: m.topics.clone(),
            attendees: m.attendees.clone(),
        }
    }

    #[test]
    fn a_property_company_cannot_reopen_a_done_decision_and_a_steward_reopens_only_with_a_reason() {
        let steward = Uuid::new_v4();
        let new = meeting(steward);
        let decision = new.decisions[0].id;
        let mut d = create_meeting(automerge::ActorId::random(), &new, T).unwrap();
        follow_up_decision(
            &mut d,
            Uuid::new_v4(),
            decision,
            "",
            Some(DecisionStatus::Done),
            steward,
            PartyRole::Steward,
            T + 1,
        )
        .unwrap();
        let company = Uuid::new_v4();
        let err = follow_up_decision(
            &mut d,
            Uuid::new_v4(),
            decision,
            "还没好",
            Some(DecisionStatus::Open),
            company,
            PartyRole::PropertyCompany,
            T + 2,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("已落实 → 落实中"), "{err}");
        let err = follow_up_decision(
            &mut d,
            Uuid::new_v4(),
            decision,
            " ",
            Some(DecisionStatus::Open),
            steward,
            PartyRole::Steward,
            T + 2,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("reopened"), "{err}");
        follow_up_decision(
            &mut d,
            Uuid::new_v4(),
            decision,
            "充电棚漏雨",
            Some(DecisionStatus::Open),
            steward,
            PartyRole::Steward,
            T + 3,
        )
        .unwrap();
        let m = project_meeting(&d);
        assert_eq!((m.decisions[0].status, m.decisions[0].done_at), (DecisionStatus::Open, None));
        assert!(m.decisions[0].is_late(T + 15 * 86_400_000));
        assert!(!m.decisions[0].is_late(T + 86_400_000));
    }

    #[test]
    fn a_meeting_needs_its_place_and_named_attendees() {
        let mut m = meeting(Uuid::new_v4());
        m.place = " ".into();
        assert!(create_meeting(automerge::ActorId::random(), &m, T).is_err());
        let mut m = meeting(Uuid::new_v4());
        m.attendees[0].name = String::new();
        assert!(create_meeting(automerge::ActorId::random(), &m, T).unwrap_err().to_string().contains("name"));
    }
}
