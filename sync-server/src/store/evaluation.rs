//! The half-year evaluation in the read model (migration 0014): the community's scores, and the
//! must-visits of a period with when they were answered.

use steward_core::time::Millis;

use super::slice_filter;
use crate::read_model::{AtHousehold, IndexedMustVisit, Slice};
use crate::sql::{upsert, Conn, ToValue, Value};
use crate::storage::{Evaluation, Result};

pub(super) fn set(c: &mut dyn Conn, e: &Evaluation) -> Result<()> {
    c.execute(
        &upsert(
            "evaluations",
            &["steward_id", "half", "score", "comment", "evaluated_by", "evaluated_at"],
            &["steward_id", "half"],
        ),
        crate::args![e.steward_id, e.half, e.score, e.comment, e.evaluated_by, e.evaluated_at],
    )?;
    Ok(())
}

pub(super) fn of_half(c: &mut dyn Conn, half: &str) -> Result<Vec<Evaluation>> {
    c.query_map(
        "SELECT steward_id, score, comment, evaluated_by, evaluated_at FROM evaluations WHERE half = ?1 ORDER BY steward_id",
        crate::args![half],
        |r| {
            Ok(Evaluation {
                steward_id: r.get(0)?,
                half: half.to_string(),
                score: r.get(1)?,
                comment: r.get(2)?,
                evaluated_by: r.get(3)?,
                evaluated_at: r.get(4)?,
            })
        },
    )
}

/// Households visited per steward (the household's) in each of the ranges between consecutive
/// `bounds`, in one pass over the visits.
pub(super) fn households_by_range(
    c: &mut dyn Conn,
    slice: &Slice,
    bounds: &[Millis],
) -> Result<Vec<(uuid::Uuid, usize, u32)>> {
    if bounds.len() < 2 {
        return Ok(Vec::new());
    }
    let mut args: Vec<Value> = bounds.iter().map(|b| b.to_value()).collect();
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
    c.query_map(&sql, &args, |r| {
        let range: i64 = r.get(1)?;
        Ok((r.get(0)?, range.max(0) as usize, r.get(2)?))
    })
}

/// Issues reported between `from` and `to` per reporter: how many, and how many verified.
pub(super) fn issues_by_reporter(
    c: &mut dyn Conn,
    slice: &Slice,
    from: Millis,
    to: Millis,
) -> Result<Vec<(uuid::Uuid, u32, u32)>> {
    let mut args: Vec<Value> = vec![from.into(), to.into()];
    let Some(filter) = slice_filter(slice, "compound_id", "reporter_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT reporter_id, count(*), CAST(SUM(CASE WHEN status = 'verified' THEN 1 ELSE 0 END) AS BIGINT)
         FROM issue_index WHERE reported_at >= ?1 AND reported_at < ?2 {filter} GROUP BY 1"
    );
    c.query_map(&sql, &args, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
}

pub(super) fn must_visits(
    c: &mut dyn Conn,
    slice: &Slice,
    from: Millis,
    to: Millis,
) -> Result<Vec<AtHousehold<IndexedMustVisit>>> {
    let mut args: Vec<Value> = vec![from.into(), to.into()];
    let Some(filter) = slice_filter(slice, "m.compound_id", "h.steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT m.id, m.household_id, m.compound_id, m.trigger, m.date, m.answered, m.answered_at,
                h.address, h.head_name, h.steward_id
         FROM must_visit_index m JOIN household_index h ON h.doc_id = m.household_id
         WHERE m.date >= ?1 AND m.date < ?2 {filter} ORDER BY m.date, m.id"
    );
    c.query_map(&sql, &args, |r| {
        Ok(AtHousehold {
            row: IndexedMustVisit {
                id: r.get(0)?,
                household_id: r.get(1)?,
                compound_id: r.get(2)?,
                trigger: r.get(3)?,
                date: r.get(4)?,
                answered: r.get(5)?,
                answered_at: r.get(6)?,
            },
            address: r.get(7)?,
            head_name: r.get(8)?,
            steward_id: r.get(9)?,
            server_seen_at: None,
        })
    })
}
