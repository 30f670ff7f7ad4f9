//! Volunteer and culture teams (志愿服务队、文化宣传队): a team's members (stewards and residents)
//! and its activities (policy talks, clean-ups, safety checks, performances) with date, place and
//! participants.
//!
//! One document per team, owned by the steward who leads it (`steward_id`), so it reaches that
//! steward's phones like a meeting does; a supervisor records in it from the console too.
//! Members and activities are maps keyed by uuid, each made with its record, so two phones and
//! the console adding their own offline keep every one; a recorded activity never changes.

use super::*;

/// Members of one team.
pub const MAX_MEMBERS: usize = 200;
/// Activities of one team.
pub const MAX_ACTIVITIES: usize = 2_000;

/// A team as it is set up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTeam {
    pub id: Uuid,
    pub compound_id: Uuid,
    /// The steward who leads it.
    pub steward_id: Uuid,
    /// e.g. 蜀汉美郡红色志愿服务队.
    pub name: String,
    pub kind: TeamKind,
}

/// A member of a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: Uuid,
    pub name: String,
    pub role: MemberRole,
    pub joined_at: Millis,
}

/// An activity as it is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewActivity {
    pub id: Uuid,
    pub kind: ActivityKind,
    /// e.g. 防电诈政策宣讲.
    pub title: String,
    pub held_at: Millis,
    pub place: String,
    /// How many took part.
    pub participants: u32,
    /// Who took part, as far as recorded (names).
    #[serde(default)]
    pub names: Vec<String>,
}

/// An activity as read: with who recorded it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityRecord {
    pub id: Uuid,
    pub kind: ActivityKind,
    pub title: String,
    pub held_at: Millis,
    pub place: String,
    pub participants: u32,
    pub names: Vec<String>,
    pub recorded_by: Option<Uuid>,
    pub role: PartyRole,
    pub recorded_at: Millis,
}

/// Everything a team document holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamRecord {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub steward_id: Uuid,
    pub name: String,
    /// `team_kind` in JSON: a projection's `kind` is the document's.
    #[serde(rename = "team_kind")]
    pub kind: TeamKind,
    /// By name.
    pub members: Vec<Member>,
    /// Oldest first.
    pub activities: Vec<ActivityRecord>,
}

/// Most participants one activity counts.
const MAX_PARTICIPANTS: u32 = 100_000;

fn check_name(name: &str) -> Result<(), Error> {
    require(!name.trim().is_empty(), "a team needs a name")?;
    limits::text("the team's name", name, limits::SHORT_TEXT)
}

/// Checks a member as entered.
pub fn check_member(m: &Member) -> Result<(), Error> {
    require(!m.name.trim().is_empty(), "a member needs a name")?;
    limits::text("a member's name", &m.name, limits::SHORT_TEXT)?;
    limits::instant("the day the member joined", m.joined_at)
}

/// Checks an activity as entered.
pub fn check_activity(a: &NewActivity) -> Result<(), Error> {
    require(!a.title.trim().is_empty(), "an activity needs a title")?;
    limits::text("the activity's title", &a.title, limits::SHORT_TEXT)?;
    require(!a.place.trim().is_empty(), "an activity needs its place")?;
    limits::text("the activity's place", &a.place, limits::SHORT_TEXT)?;
    limits::instant("the activity's date", a.held_at)?;
    require(a.participants <= MAX_PARTICIPANTS, "an activity counts at most 100,000 participants")?;
    require(a.names.len() as u64 <= u64::from(a.participants), "more names than participants")?;
    limits::count("participants named", a.names.len(), MAX_MEMBERS)?;
    for n in &a.names {
        require(!n.trim().is_empty(), "a participant's name is empty")?;
        limits::text("a participant's name", n, limits::SHORT_TEXT)?;
    }
    Ok(())
}

/// Creates a team document.
pub fn create_team(actor: automerge::ActorId, t: &NewTeam, at: Millis) -> Result<Automerge, Error> {
    check_name(&t.name)?;
    limits::instant("the time the team was set up", at)?;
    let mut doc = Automerge::new().with_actor(actor);
    edit(&mut doc, "set up team", at, |tx| {
        put_header(tx, DocKind::Team, t.id, t.compound_id)?;
        tx.put(ROOT, "steward_id", t.steward_id.to_string())?;
        put_text(tx, &ROOT, "name", t.name.trim())?;
        tx.put(ROOT, "team_kind", t.kind.as_code())?;
        tx.put_object(ROOT, "members", ObjType::Map)?;
        tx.put_object(ROOT, "activities", ObjType::Map)?;
        Ok(())
    })?;
    Ok(doc)
}

/// Adds a member.
pub fn add_member(doc: &mut Automerge, m: &Member, at: Millis) -> Result<(), Error> {
    check_member(m)?;
    let n = get_obj(doc, &ROOT, "members")?.map(|o| doc.length(&o)).unwrap_or(0);
    limits::count("members of one team", n + 1, MAX_MEMBERS)?;
    edit(doc, "add member", at, |tx| {
        let map = ensure_map(tx, &ROOT, "members")?;
        require(tx.get(&map, m.id.to_string())?.is_none(), "that member is already in the team")?;
        let e = tx.put_object(&map, m.id.to_string(), ObjType::Map)?;
        put_text(tx, &e, "name", m.name.trim())?;
        tx.put(&e, "role", m.role.as_code())?;
        tx.put(&e, "joined_at", ScalarValue::Timestamp(m.joined_at))?;
        Ok(())
    })
}

/// Records an activity, by a steward or (from the console) a supervisor.
pub fn record_activity(
    doc: &mut Automerge,
    a: &NewActivity,
    by: Uuid,
    role: PartyRole,
    at: Millis,
) -> Result<(), Error> {
    check_activity(a)?;
    limits::instant("the time the activity was recorded", at)?;
    let n = get_obj(doc, &ROOT, "activities")?.map(|o| doc.length(&o)).unwrap_or(0);
    limits::count("activities of one team", n + 1, MAX_ACTIVITIES)?;
    edit(doc, "record activity", at, |tx| {
        let map = ensure_map(tx, &ROOT, "activities")?;
        require(tx.get(&map, a.id.to_string())?.is_none(), "that activity is already recorded")?;
        let e = tx.put_object(&map, a.id.to_string(), ObjType::Map)?;
        tx.put(&e, "kind", a.kind.as_code())?;
        put_text(tx, &e, "title", a.title.trim())?;
        tx.put(&e, "held_at", ScalarValue::Timestamp(a.held_at))?;
        put_text(tx, &e, "place", a.place.trim())?;
        tx.put(&e, "participants", u64::from(a.participants))?;
        let names: Vec<String> = a.names.iter().map(|n| n.trim().to_string()).collect();
        put_str_list(tx, &e, "names", &names)?;
        tx.put(&e, "recorded_by", by.to_string())?;
        tx.put(&e, "role", role.as_code())?;
        tx.put(&e, "recorded_at", ScalarValue::Timestamp(at))?;
        Ok(())
    })
}

/// Reads a team document.
pub(super) fn read(doc: &Automerge, h: DocHeader) -> Result<TeamRecord, Error> {
    let steward_id = h.steward_id.ok_or_else(|| Error::Invalid("a team has no steward".into()))?;
    let mut members = Vec::new();
    for (key, m) in map_entries(doc, &ROOT, "members")? {
        members.push(Member {
            id: parse_uuid(&key, "member")?,
            name: get_str(doc, &m, "name")?,
            role: get_code(doc, &m, "role", MemberRole::from_code)?,
            joined_at: get_i64(doc, &m, "joined_at")?.unwrap_or(0),
        });
    }
    members.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id)));
    let mut activities = Vec::new();
    for (key, a) in map_entries(doc, &ROOT, "activities")? {
        activities.push(ActivityRecord {
            id: parse_uuid(&key, "activity")?,
            kind: get_code(doc, &a, "kind", ActivityKind::from_code)?,
            title: get_str(doc, &a, "title")?,
            held_at: get_i64(doc, &a, "held_at")?.unwrap_or(0),
            place: get_str(doc, &a, "place")?,
            participants: get_i64(doc, &a, "participants")?.unwrap_or(0).clamp(0, i64::from(MAX_PARTICIPANTS)) as u32,
            names: list_strs(doc, &a, "names")?,
            recorded_by: get_uuid(doc, &a, "recorded_by")?,
            role: get_code(doc, &a, "role", PartyRole::from_code)?,
            recorded_at: get_i64(doc, &a, "recorded_at")?.unwrap_or(0),
        });
    }
    activities.sort_by_key(|a| (a.held_at, a.id));
    Ok(TeamRecord {
        id: h.id,
        compound_id: h.compound_id,
        steward_id,
        name: get_str(doc, &ROOT, "name")?,
        kind: get_code(doc, &ROOT, "team_kind", TeamKind::from_code)?,
        members,
        activities,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(title: &str) -> NewActivity {
        NewActivity {
            id: Uuid::new_v4(),
            kind: ActivityKind::PolicyTalk,
            title: title.into(),
            held_at: 1_790_000_000_000,
            place: "党群服务站".into(),
            participants: 30,
            names: vec!["李秀英".into()],
        }
    }

    #[test]
    fn two_phones_and_the_console_add_members_and_activities_apart_and_keep_every_one() {
        let steward = Uuid::new_v4();
        let t = NewTeam {
            id: Uuid::new_v4(),
            compound_id: Uuid::new_v4(),
            steward_id: steward,
            name: "红色志愿服务队".into(),
            kind: TeamKind::Volunteer,
        };
        const T: Millis = 1_790_000_000_000;
        let base = create_team(automerge::ActorId::random(), &t, T).unwrap();
        let mut a = base.fork();
        let mut b = base.fork();
        let mut console = base.fork();
        let member =
            |name: &str| Member { id: Uuid::new_v4(), name: name.into(), role: MemberRole::Resident, joined_at: T };
        add_member(&mut a, &member("张大妈"), T).unwrap();
        record_activity(&mut a, &activity("防诈骗宣讲"), steward, PartyRole::Steward, T).unwrap();
        add_member(&mut b, &member("王大爷"), T).unwrap();
        record_activity(&mut b, &activity("楼道清理"), steward, PartyRole::Steward, T).unwrap();
        record_activity(&mut console, &activity("消防检查"), Uuid::new_v4(), PartyRole::Supervisor, T).unwrap();
        a.merge(&mut b).unwrap();
        a.merge(&mut console).unwrap();
        let Projection::Team(r) = project(&a).unwrap() else { panic!("a team") };
        let mut names: Vec<&str> = r.members.iter().map(|m| m.name.as_str()).collect();
        names.sort();
        assert_eq!(names, ["张大妈", "王大爷"]);
        let mut titles: Vec<&str> = r.activities.iter().map(|a| a.title.as_str()).collect();
        titles.sort();
        assert_eq!(titles, ["楼道清理", "消防检查", "防诈骗宣讲"]);
        assert_eq!(r.activities.iter().filter(|a| a.role == PartyRole::Supervisor).count(), 1);
        // The projection as the server's read model stores it reads back as itself.
        let json = serde_json::to_string(&Projection::Team(r.clone())).unwrap();
        assert_eq!(serde_json::from_str::<Projection>(&json).unwrap(), Projection::Team(r));
    }

    #[test]
    fn an_activity_needs_its_title_place_and_sensible_participants() {
        let mut bad = activity(" ");
        assert!(check_activity(&bad).is_err());
        bad = activity("宣讲");
        bad.place = String::new();
        assert!(check_activity(&bad).is_err());
        bad = activity("宣讲");
        bad.participants = 0;
        assert!(check_activity(&bad).unwrap_err().to_string().contains("more names"));
        assert!(check_activity(&activity("宣讲")).is_ok());
    }
}
