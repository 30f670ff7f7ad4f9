//! Joint meetings and their decisions in the read model (migration 0008): written beside a
//! meeting's projection, read by the meetings and decisions reports.

use steward_core::time::Millis;

use super::slice_filter;
use crate::read_model::{IndexedDecision, IndexedMeeting, Slice};
use crate::sql::{upsert, Conn, Value};
use crate::storage::Result;

/// Replaces a meeting's rows.
pub(super) fn index(tx: &mut dyn Conn, id: &str, m: &IndexedMeeting, decisions: &[IndexedDecision]) -> Result<()> {
    tx.defer(
        &upsert(
            "meeting_index",
            &["id", "compound_id", "convener_id", "held_at", "place", "topics", "attendees", "parties", "decisions"],
            &["id"],
        ),
        crate::args![
            id,
            m.compound_id,
            m.convener_id,
            m.held_at,
            m.place,
            m.topics,
            m.attendees,
            m.parties,
            m.decisions
        ],
    )?;
    tx.defer("DELETE FROM decision_index WHERE meeting_id = ?1", crate::args![id])?;
    let ins = "INSERT INTO decision_index (meeting_id, id, compound_id, convener_id, held_at, text, party, deadline,
         status, done_at, follow_ups, last_follow_up, last_follow_up_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
    for d in decisions {
        tx.defer(
            ins,
            crate::args![
                id,
                d.id,
                d.compound_id,
                d.convener_id,
                d.held_at,
                d.text,
                d.party,
                d.deadline,
                d.status,
                d.done_at,
                d.follow_ups,
                d.last_follow_up,
                d.last_follow_up_at
            ],
        )?;
    }
    Ok(())
}

pub(super) fn meeting_rows(c: &mut dyn Conn, slice: &Slice, from: Millis, to: Millis) -> Result<Vec<IndexedMeeting>> {
    let mut args: Vec<Value> = vec![from.into(), to.into()];
    let Some(filter) = slice_filter(slice, "compound_id", "convener_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT id, compound_id, convener_id, held_at, place, topics, attendees, parties, decisions
         FROM meeting_index WHERE held_at >= ?1 AND held_at < ?2 {filter} ORDER BY held_at DESC, id"
    );
    c.query_map(&sql, &args, |r| {
        Ok(IndexedMeeting {
            id: r.get(0)?,
            compound_id: r.get(1)?,
            convener_id: r.get(2)?,
            held_at: r.get(3)?,
            place: r.get(4)?,
            topics: r.get(5)?,
            attendees: r.get(6)?,
            parties: r.get(7)?,
            decisions: r.get(8)?,
        })
    })
}

pub(super) fn decision_rows(
    c: &mut dyn Conn,
    slice: &Slice,
    held: Option<(Millis, Millis)>,
    party: Option<&str>,
) -> Result<Vec<IndexedDecision>> {
    let mut args: Vec<Value> = Vec::new();
    let Some(mut filter) = slice_filter(slice, "compound_id", "convener_id", &mut args) else {
        return Ok(Vec::new());
    };
    if let Some((from, to)) = held {
        args.push(from.into());
        args.push(to.into());
        filter.push_str(&format!(" AND held_at >= ?{} AND held_at < ?{}", args.len() - 1, args.len()));
    }
    if let Some(p) = party {
        args.push(p.into());
        filter.push_str(&format!(" AND party = ?{}", args.len()));
    }
    let sql = format!(
        "SELECT meeting_id, id, compound_id, convener_id, held_at, text, party, deadline, status, done_at, follow_ups,
                last_follow_up, last_follow_up_at
         FROM decision_index WHERE 1 = 1 {filter} ORDER BY held_at DESC, meeting_id, id"
    );
    c.query_map(&sql, &args, |r| {
        Ok(IndexedDecision {
            id: r.get(1)?,
            meeting_id: r.get(0)?,
            compound_id: r.get(2)?,
            convener_id: r.get(3)?,
            held_at: r.get(4)?,
            text: r.get(5)?,
            party: r.get(6)?,
            deadline: r.get(7)?,
            status: r.get(8)?,
            done_at: r.get(9)?,
            follow_ups: r.get(10)?,
            last_follow_up: r.get(11)?,
            last_follow_up_at: r.get(12)?,
        })
    })
}
