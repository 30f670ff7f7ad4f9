//! Teams and their activities in the read model (migration 0015): written with the team
//! document's projection, read by the teams report and the district's figures.

use steward_core::time::Millis;

use super::slice_filter;
use crate::read_model::{IndexedActivity, IndexedTeam, Slice};
use crate::sql::{upsert, Conn, Value};
use crate::storage::Result;

/// Replaces a team's rows.
pub(super) fn index(tx: &mut dyn Conn, id: &str, t: &IndexedTeam, activities: &[IndexedActivity]) -> Result<()> {
    tx.defer(
        &upsert(
            "team_index",
            &["id", "compound_id", "steward_id", "name", "kind", "members", "steward_members", "resident_members"],
            &["id"],
        ),
        crate::args![id, t.compound_id, t.steward_id, t.name, t.kind, t.members, t.steward_members, t.resident_members],
    )?;
    tx.defer("DELETE FROM activity_index WHERE team_id = ?1", crate::args![id])?;
    let ins = "INSERT INTO activity_index (id, team_id, compound_id, steward_id, kind, title, held_at, place,
         participants, role) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    for a in activities {
        tx.defer(
            ins,
            crate::args![
                a.id,
                id,
                a.compound_id,
                a.steward_id,
                a.kind,
                a.title,
                a.held_at,
                a.place,
                a.participants,
                a.role
            ],
        )?;
    }
    Ok(())
}

pub(super) fn teams(c: &mut dyn Conn, slice: &Slice) -> Result<Vec<IndexedTeam>> {
    let mut args: Vec<Value> = Vec::new();
    let Some(filter) = slice_filter(slice, "compound_id", "steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT id, compound_id, steward_id, name, kind, members, steward_members, resident_members
         FROM team_index WHERE 1 = 1 {filter} ORDER BY compound_id, name, id"
    );
    c.query_map(&sql, &args, |r| {
        Ok(IndexedTeam {
            id: r.get(0)?,
            compound_id: r.get(1)?,
            steward_id: r.get(2)?,
            name: r.get(3)?,
            kind: r.get(4)?,
            members: r.get(5)?,
            steward_members: r.get(6)?,
            resident_members: r.get(7)?,
        })
    })
}

pub(super) fn activities(c: &mut dyn Conn, slice: &Slice, from: Millis, to: Millis) -> Result<Vec<IndexedActivity>> {
    let mut args: Vec<Value> = vec![from.into(), to.into()];
    let Some(filter) = slice_filter(slice, "compound_id", "steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT id, team_id, compound_id, steward_id, kind, title, held_at, place, participants, role
         FROM activity_index WHERE held_at >= ?1 AND held_at < ?2 {filter} ORDER BY held_at DESC, id"
    );
    c.query_map(&sql, &args, |r| {
        Ok(IndexedActivity {
            id: r.get(0)?,
            team_id: r.get(1)?,
            compound_id: r.get(2)?,
            steward_id: r.get(3)?,
            kind: r.get(4)?,
            title: r.get(5)?,
            held_at: r.get(6)?,
            place: r.get(7)?,
            participants: r.get(8)?,
            role: r.get(9)?,
        })
    })
}
