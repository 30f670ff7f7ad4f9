//! The half-year evaluation in the read model (migration 0014): the community's scores, and the
//! must-visits of a period with when they were answered.

use rusqlite::{params, Connection};
use steward_core::time::Millis;

use super::{slice_filter, uuid_of};
use crate::read_model::{AtHousehold, IndexedMustVisit, Slice};
use crate::storage::{Evaluation, Result};

pub(super) fn set(c: &mut Connection, e: &Evaluation) -> Result<()> {
    c.execute(
        "INSERT OR REPLACE INTO evaluations (steward_id, half, score, comment, evaluated_by, evaluated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![e.steward_id.to_string(), e.half, e.score, e.comment, e.evaluated_by.to_string(), e.evaluated_at],
    )?;
    Ok(())
}

pub(super) fn of_half(c: &Connection, half: &str) -> Result<Vec<Evaluation>> {
    let mut stmt = c.prepare_cached(
        "SELECT steward_id, score, comment, evaluated_by, evaluated_at FROM evaluations WHERE half = ?1 ORDER BY steward_id",
    )?;
    let rows: Vec<(String, u32, String, String, Millis)> = stmt
        .query_map([half], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<std::result::Result<_, _>>()?;
    rows.into_iter()
        .map(|(steward, score, comment, by, at)| {
            Ok(Evaluation {
                steward_id: uuid_of(&steward)?,
                half: half.to_string(),
                score,
                comment,
                evaluated_by: uuid_of(&by)?,
                evaluated_at: at,
            })
        })
        .collect()
}

/// Households visited per steward (the household's) in each of the ranges between consecutive
/// `bounds`, in one pass over the visits.
pub(super) fn households_by_range(
    c: &Connection,
    slice: &Slice,
    bounds: &[Millis],
) -> Result<Vec<(uuid::Uuid, usize, u32)>> {
    if bounds.len() < 2 {
        return Ok(Vec::new());
    }
    let mut args: Vec<rusqlite::types::Value> = bounds.iter().map(|b| (*b).into()).collect();
    let cases: String = (2..bounds.len()).map(|n| format!(" WHEN v.at < ?{n} THEN {}", n - 2)).collect();
    let last = bounds.len();
    let Some(filter) = slice_filter(slice, "v.compound_id", "h.steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT h.steward_id, CASE{cases} ELSE {} END AS r, count(DISTINCT v.household_id)
         FROM visit_index v JOIN household_index h ON h.doc_id = v.household_id
         WHERE v.at >= ?1 AND v.at < ?{last} AND h.steward_id IS NOT NULL {filter} GROUP BY 1, 2",
        last - 2
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows: Vec<(String, i64, u32)> = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<std::result::Result<_, _>>()?;
    rows.into_iter().map(|(s, r, n)| Ok((uuid_of(&s)?, r.max(0) as usize, n))).collect()
}

/// Issues reported between `from` and `to` per reporter: how many, and how many verified.
pub(super) fn issues_by_reporter(
    c: &Connection,
    slice: &Slice,
    from: Millis,
    to: Millis,
) -> Result<Vec<(uuid::Uuid, u32, u32)>> {
    let mut args: Vec<rusqlite::types::Value> = vec![from.into(), to.into()];
    let Some(filter) = slice_filter(slice, "compound_id", "reporter_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT reporter_id, count(*), sum(status = 'verified') FROM issue_index
         WHERE reported_at >= ?1 AND reported_at < ?2 {filter} GROUP BY 1"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows: Vec<(String, u32, u32)> = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<std::result::Result<_, _>>()?;
    rows.into_iter().map(|(s, n, v)| Ok((uuid_of(&s)?, n, v))).collect()
}

pub(super) fn must_visits(
    c: &Connection,
    slice: &Slice,
    from: Millis,
    to: Millis,
) -> Result<Vec<AtHousehold<IndexedMustVisit>>> {
    let mut args: Vec<rusqlite::types::Value> = vec![from.into(), to.into()];
    let Some(filter) = slice_filter(slice, "m.compound_id", "h.steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT m.id, m.household_id, m.compound_id, m.trigger, m.date, m.answered, m.answered_at,
                h.address, h.head_name, h.steward_id
         FROM must_visit_index m JOIN household_index h ON h.doc_id = m.household_id
         WHERE m.date >= ?1 AND m.date < ?2 {filter} ORDER BY m.date, m.id"
    );
    type Columns = (String, String, String, String, Millis, bool, Option<Millis>, String, String, Option<String>);
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
        .map(|(id, h, compound, trigger, date, answered, answered_at, address, head_name, steward)| {
            Ok(AtHousehold {
                row: IndexedMustVisit {
                    id: uuid_of(&id)?,
                    household_id: uuid_of(&h)?,
                    compound_id: uuid_of(&compound)?,
                    trigger,
                    date,
                    answered,
                    answered_at,
                },
                address,
                head_name,
                steward_id: steward.as_deref().map(uuid_of).transpose()?,
                server_seen_at: None,
            })
        })
        .collect()
}
