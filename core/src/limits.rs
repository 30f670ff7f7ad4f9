//! What any one record may hold. One table for the phone (which refuses an over-long entry
//! before it becomes a change) and the server (which refuses a pushed document that breaks it),
//! so a text typed on one side is never refused on the other.
//!
//! Limits count characters (a Chinese character is one), not bytes. They are generous for the
//! program's use — a visit summary of a few hundred characters, a note of a page — and small
//! enough that one steward cannot make every other steward's next sync megabytes long.

use crate::doc::{
    DecisionRecord, FollowUpRecord, HouseholdRecord, IssueEvent, IssueRecord, MeetingRecord, MustVisitRecord,
    PairingNote, TimelyRecord, VisitRecord,
};
use crate::model::HouseholdProfile;
use crate::time::Millis;
use crate::Error;

/// Short single-line fields: names, building / unit / room, phone, place of an issue.
pub const SHORT_TEXT: usize = 100;
/// Free text: a visit's summary, an opinion, hardships, an issue's description, a comment,
/// a must-visit or timely-response note, a pairing note.
pub const LONG_TEXT: usize = 2_000;
/// A household's notes (one Automerge Text the steward keeps editing).
pub const NOTES_TEXT: usize = 4_000;
/// Opinions on one visit.
pub const MAX_OPINIONS: usize = 20;
/// Must-visits one visit answers.
pub const MAX_ANSWERS: usize = 50;
/// Records of one kind in one household document (visits, must-visits, …): decades of the
/// program's 10–20 visits a month, and a bound on what one document may cost to load.
pub const MAX_RECORDS: usize = 5_000;
/// Entries in an issue's timeline.
pub const MAX_TIMELINE: usize = 1_000;
/// Households in one plan.
pub const MAX_PLAN_ITEMS: usize = 200;
/// People recorded as attending one joint meeting.
pub const MAX_ATTENDEES: usize = 100;
/// Decisions of one joint meeting.
pub const MAX_DECISIONS: usize = 100;

/// The earliest instant any record may carry: 2000-01-01T00:00:00Z. The program began in 2021;
/// older dates are typing mistakes or crafted input.
pub const EARLIEST: Millis = 946_684_800_000;
/// The latest: 2100-01-01T00:00:00Z.
pub const LATEST: Millis = 4_102_444_800_000;

/// Checks a text's length in characters; `what` names the field in the error.
pub fn text(what: &str, value: &str, max: usize) -> Result<(), Error> {
    // Counting stops one past the limit, so a 10 MB text costs no more than a short one.
    if value.chars().take(max + 1).count() > max {
        return Err(Error::Invalid(format!("{what} is longer than {max} characters: shorten it")));
    }
    Ok(())
}

/// Checks a count of items.
pub fn count(what: &str, n: usize, max: usize) -> Result<(), Error> {
    if n > max {
        return Err(Error::Invalid(format!("{what}: {n} items, at most {max} are allowed")));
    }
    Ok(())
}

/// Checks an instant is within the program's sane range (2000–2100).
pub fn instant(what: &str, at: Millis) -> Result<(), Error> {
    if !(EARLIEST..LATEST).contains(&at) {
        return Err(Error::Invalid(format!("{what} is not a date between the years 2000 and 2100")));
    }
    Ok(())
}

/// Checks a household profile as a steward or supervisor writes it.
pub fn profile(p: &HouseholdProfile) -> Result<(), Error> {
    text("the head of household's name", &p.head_name, SHORT_TEXT)?;
    text("the building", &p.address.building, SHORT_TEXT)?;
    text("the unit", &p.address.unit, SHORT_TEXT)?;
    text("the room", &p.address.room, SHORT_TEXT)?;
    text("the phone number", p.phone.as_deref().unwrap_or(""), SHORT_TEXT)?;
    text("the notes", &p.notes, NOTES_TEXT)?;
    if p.member_count > 99 {
        return Err(Error::Invalid("member count must be between 0 and 99".into()));
    }
    Ok(())
}

/// Checks a visit as stored.
pub fn visit(v: &VisitRecord) -> Result<(), Error> {
    instant("the visit's time", v.at)?;
    text("the visit's summary", &v.summary, LONG_TEXT)?;
    count("opinions on one visit", v.opinions.len(), MAX_OPINIONS)?;
    for o in &v.opinions {
        text("an opinion", &o.text, LONG_TEXT)?;
    }
    text("the hardships", &v.hardships, LONG_TEXT)?;
    count("must-visits one visit answers", v.answers.len(), MAX_ANSWERS)
}

/// Checks a must-visit as stored.
pub fn must_visit(m: &MustVisitRecord) -> Result<(), Error> {
    instant("the must-visit's date", m.date)?;
    text("the must-visit's note", &m.note, LONG_TEXT)
}

/// Checks a timely-response event as stored.
pub fn timely(t: &TimelyRecord) -> Result<(), Error> {
    instant("the time the event was raised", t.raised_at)?;
    if let Some(at) = t.resolved_at {
        instant("the time the event was resolved", at)?;
    }
    text("the event's note", &t.note, LONG_TEXT)
}

/// Checks a pairing-assistance note as stored.
pub fn pairing(p: &PairingNote) -> Result<(), Error> {
    instant("the pairing note's time", p.at)?;
    text("the pairing note", &p.text, LONG_TEXT)
}

/// Checks an issue's own fields (not its timeline).
pub fn issue(i: &IssueRecord) -> Result<(), Error> {
    instant("the time the issue was reported", i.reported_at)?;
    text("the issue's place", &i.place, SHORT_TEXT)?;
    text("the issue's description", &i.description, LONG_TEXT)?;
    count("entries in an issue's timeline", i.timeline.len(), MAX_TIMELINE)
}

/// Checks one entry of an issue's timeline.
pub fn issue_event(e: &IssueEvent) -> Result<(), Error> {
    instant("the time of the entry", e.at)?;
    text("the comment", &e.text, LONG_TEXT)
}

/// Checks a meeting's own fields.
pub fn meeting_fields(held_at: Millis, place: &str, topics: &str) -> Result<(), Error> {
    instant("the meeting's date", held_at)?;
    text("the meeting's place", place, SHORT_TEXT)?;
    text("the meeting's topics", topics, LONG_TEXT)
}

/// Checks a meeting as stored: its fields, counts and every attendee's name.
pub fn meeting(m: &MeetingRecord) -> Result<(), Error> {
    meeting_fields(m.held_at, &m.place, &m.topics)?;
    count("attendees of one meeting", m.attendees.len(), MAX_ATTENDEES)?;
    count("decisions of one meeting", m.decisions.len(), MAX_DECISIONS)?;
    count("follow-ups of one meeting", m.follow_ups.len(), MAX_TIMELINE)?;
    for a in &m.attendees {
        text("an attendee's name", &a.name, SHORT_TEXT)?;
    }
    Ok(())
}

/// Checks a decision as stored.
pub fn decision(d: &DecisionRecord) -> Result<(), Error> {
    text("the decision", &d.text, LONG_TEXT)?;
    instant("the time the decision was recorded", d.added_at)?;
    if let Some(at) = d.deadline {
        instant("the decision's deadline", at)?;
    }
    if let Some(at) = d.done_at {
        instant("the time the decision was done", at)?;
    }
    Ok(())
}

/// Checks a follow-up as stored.
pub fn follow_up(f: &FollowUpRecord) -> Result<(), Error> {
    instant("the time of the follow-up", f.at)?;
    text("the follow-up", &f.text, LONG_TEXT)
}

/// Checks a pairing case as stored.
pub fn pairing_case(c: &crate::doc::PairingCase) -> Result<(), Error> {
    instant("the time the case was opened", c.opened_at)?;
    text("who is paired", &c.helper, SHORT_TEXT)?;
    text("the help needed", &c.description, LONG_TEXT)?;
    text("the outcome's note", &c.outcome_note, LONG_TEXT)?;
    count("actions of one pairing case", c.actions.len(), MAX_TIMELINE)?;
    for a in &c.actions {
        instant("the time of the action", a.at)?;
        text("what was done", &a.text, LONG_TEXT)?;
    }
    if let Some(at) = c.closed_at {
        instant("the time the case was closed", at)?;
    }
    if c.amount_yuan.is_some_and(|a| a > 10_000_000) {
        return Err(Error::Invalid("an amount is at most 10,000,000 yuan".into()));
    }
    Ok(())
}

/// Checks the counts of a household's records.
pub fn household_counts(h: &HouseholdRecord) -> Result<(), Error> {
    count("visits of one household", h.visits.len(), MAX_RECORDS)?;
    count("must-visits of one household", h.must_visits.len(), MAX_RECORDS)?;
    count("timely responses of one household", h.timely.len(), MAX_RECORDS)?;
    count("pairing notes of one household", h.pairing.len(), MAX_RECORDS)?;
    count("pairing cases of one household", h.pairing_cases.len(), MAX_RECORDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_measured_in_characters_not_bytes() {
        let zh = "红".repeat(SHORT_TEXT);
        assert!(text("name", &zh, SHORT_TEXT).is_ok());
        assert!(text("name", &format!("{zh}红"), SHORT_TEXT).unwrap_err().to_string().contains("100 characters"));
    }

    #[test]
    fn instants_outside_2000_to_2100_are_refused_including_the_extremes_of_i64() {
        for bad in [i64::MIN, -1, 0, EARLIEST - 1, LATEST, i64::MAX] {
            assert!(instant("date", bad).is_err(), "{bad}");
        }
        assert!(instant("date", 1_764_547_200_000).is_ok());
    }
}
