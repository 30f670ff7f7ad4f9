//! Teams and their activities in the read model (migration 0015): written with the team
//! document's projection, read by the teams report and the district's figures.

use rusqlite::{params, Connection};
use steward_core::time::Millis;

use super::{slice_filter, uuid_of};
use crate::read_model::{IndexedActivity, IndexedTeam, Slice};
use crate::storage::Result;

/// Replaces a team's rows.
pub(super) fn index(tx: &Connection, id: &str, t: &IndexedTeam, activities: &[IndexedActivity]) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO team_index (id, compound_id, steward_id, name, kind, members, steward_members,
         resident_members) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id,
        t.compound_id.to_string(),
        t.steward_id.to_string(),
        t.name,
        t.kind,
        t.members,
        t.steward_members,
        t.resident_members
    ])?;
    tx.prepare_cached("DELETE FROM activity_index WHERE team_id = ?1")?.execute([id])?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO activity_index (id, team_id, compound_id, steward_id, kind, title, held_at, place, participants, role)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for a in activities {
        ins.execute(params![
            a.id.to_string(),
            id,
            a.compound_id.to_string(),
            a.steward_id.to_string(),
            a.kind,
            a.title,
            a.held_at,
            a.place,
            a.participants,
            a.role
        ])?;
    }
    Ok(())
}

pub(super) fn teams(c: &Connection, slice: &Slice) -> Result<Vec<IndexedTeam>> {
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    let Some(filter) = slice_filter(slice, "compound_id", "steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT id, compound_id, steward_id, name, kind, members, steward_members, resident_members
         FROM team_index WHERE 1 = 1 {filter} ORDER BY compound_id, name, id"
    );
    type Columns = (String, String, String, String, String, u32, u32, u32);
    let mut stmt = c.prepare_cached(&sql)?;
    let rows: Vec<Columns> = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        })?
        .collect::<std::result::Result<_, _>>()?;
    rows.into_iter()
        .map(|(id, compound, steward, name, kind, members, steward_members, resident_members)| {
            Ok(IndexedTeam {
                id: uuid_of(&id)?,
                compound_id: uuid_of(&compound)?,
                steward_id: uuid_of(&steward)?,
                name,
                kind,
                members,
                steward_members,
                resident_members,
            })
        })
        .collect()
}

pub(super) fn activities(c: &Connection, slice: &Slice, from: Millis, to: Millis) -> Result<Vec<IndexedActivity>> {
    let mut args: Vec<rusqlite::types::Value> = vec![from.into(), to.into()];
    let Some(filter) = slice_filter(slice, "compound_id", "steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT id, team_id, compound_id, steward_id, kind, title, held_at, place, participants, role
         FROM activity_index WHERE held_at >= ?1 AND held_at < ?2 {filter} ORDER BY held_at DESC, id"
    );
    type Columns = (String, String, String, String, String, String, Millis, String, u32, String);
    let mut stmt = c.prepare_cached(&sql)?;
    let rows: Vec<Columns> = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        })?
        .collect::<std::result::Result<_, _>>()?;
    rows.into_iter()
        .map(|(id, team, compound, steward, kind, title, held_at, place, participants, role)| {
            Ok(IndexedActivity {
                id: uuid_of(&id)?,
                team_id: uuid_of(&team)?,
                compound_id: uuid_of(&compound)?,
                steward_id: uuid_of(&steward)?,
                kind,
                title,
                held_at,
                place,
                participants,
                role,
            })
        })
        .collect()
}
