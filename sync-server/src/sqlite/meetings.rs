//! Joint meetings and their decisions in the read model (migration 0008): written beside a
//! meeting's projection, read by the meetings and decisions reports.

use rusqlite::{params, Connection};
use steward_core::time::Millis;

use super::{slice_filter, uuid_of};
use crate::read_model::{IndexedDecision, IndexedMeeting, Slice};
use crate::storage::Result;

/// Replaces a meeting's rows.
pub(super) fn index(tx: &Connection, id: &str, m: &IndexedMeeting, decisions: &[IndexedDecision]) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO meeting_index (id, compound_id, convener_id, held_at, place, topics, attendees, parties,
         decisions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        id,
        m.compound_id.to_string(),
        m.convener_id.to_string(),
        m.held_at,
        m.place,
        m.topics,
        m.attendees,
        m.parties,
        m.decisions
    ])?;
    tx.prepare_cached("DELETE FROM decision_index WHERE meeting_id = ?1")?.execute([id])?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO decision_index (meeting_id, id, compound_id, convener_id, held_at, text, party, deadline, status,
         done_at, follow_ups, last_follow_up, last_follow_up_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    for d in decisions {
        ins.execute(params![
            id,
            d.id.to_string(),
            d.compound_id.to_string(),
            d.convener_id.to_string(),
            d.held_at,
            d.text,
            d.party,
            d.deadline,
            d.status,
            d.done_at,
            d.follow_ups,
            d.last_follow_up,
            d.last_follow_up_at
        ])?;
    }
    Ok(())
}

pub(super) fn meeting_rows(c: &Connection, slice: &Slice, from: Millis, to: Millis) -> Result<Vec<IndexedMeeting>> {
    let mut args: Vec<rusqlite::types::Value> = vec![from.into(), to.into()];
    let Some(filter) = slice_filter(slice, "compound_id", "convener_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT id, compound_id, convener_id, held_at, place, topics, attendees, parties, decisions
         FROM meeting_index WHERE held_at >= ?1 AND held_at < ?2 {filter} ORDER BY held_at DESC, id"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?),
                (r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?),
            ))
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|((id, compound, convener), (held_at, place, topics, attendees, parties, decisions))| {
            Ok(IndexedMeeting {
                id: uuid_of(&id)?,
                compound_id: uuid_of(&compound)?,
                convener_id: uuid_of(&convener)?,
                held_at,
                place,
                topics,
                attendees,
                parties,
                decisions,
            })
        })
        .collect()
}

pub(super) fn decision_rows(
    c: &Connection,
    slice: &Slice,
    held: Option<(Millis, Millis)>,
    party: Option<&str>,
) -> Result<Vec<IndexedDecision>> {
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    let Some(mut filter) = slice_filter(slice, "compound_id", "convener_id", &mut args) else {
        return Ok(Vec::new());
    };
    if let Some((from, to)) = held {
        args.push(from.into());
        args.push(to.into());
        filter.push_str(&format!(" AND held_at >= ?{} AND held_at < ?{}", args.len() - 1, args.len()));
    }
    if let Some(p) = party {
        args.push(p.to_string().into());
        filter.push_str(&format!(" AND party = ?{}", args.len()));
    }
    let sql = format!(
        "SELECT meeting_id, id, compound_id, convener_id, held_at, text, party, deadline, status, done_at, follow_ups,
                last_follow_up, last_follow_up_at
         FROM decision_index WHERE 1 = 1 {filter} ORDER BY held_at DESC, meeting_id, id"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?),
                (r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?),
                (r.get(9)?, r.get(10)?, r.get(11)?, r.get(12)?),
            ))
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(
            |(
                (meeting, id, compound, convener),
                (held_at, text, party, deadline, status),
                (done_at, follow_ups, last_follow_up, last_follow_up_at),
            )| {
                Ok(IndexedDecision {
                    id: uuid_of(&id)?,
                    meeting_id: uuid_of(&meeting)?,
                    compound_id: uuid_of(&compound)?,
                    convener_id: uuid_of(&convener)?,
                    held_at,
                    text,
                    party,
                    deadline,
                    status,
                    done_at,
                    follow_ups,
                    last_follow_up,
                    last_follow_up_at,
                })
            },
        )
        .collect()
}
