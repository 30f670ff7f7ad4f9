//! Scoring in the read model (migration 0012): the rules of each period, and the criteria of
//! every submitted score document.

use steward_core::doc::ScoreRecord;
use steward_core::time::Millis;

use super::slice_filter;
use crate::read_model::{IndexedScore, Slice};
use crate::sql::{upsert, Conn, ToValue, Value};
use crate::storage::Result;

/// Replaces a score document's rows: none while it is a draft.
pub(super) fn index(tx: &mut dyn Conn, id: &str, s: &ScoreRecord) -> Result<()> {
    tx.defer("DELETE FROM score_index WHERE doc_id = ?1", crate::args![id])?;
    let Some(at) = s.submitted_at else { return Ok(()) };
    let ins = "INSERT INTO score_index (doc_id, criterion_id, compound_id, steward_id, period, points, comment,
         submitted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    let period = s.period.to_string();
    for c in &s.scores {
        tx.defer(ins, crate::args![id, c.criterion_id, s.compound_id, s.steward_id, period, c.points, c.comment, at])?;
    }
    Ok(())
}

pub(super) fn publish_rules(c: &mut dyn Conn, period: &str, json: &str, at: Millis) -> Result<()> {
    c.execute(
        &upsert("scoring_rules", &["period", "json", "published_at"], &["period"]),
        crate::args![period, json, at],
    )?;
    Ok(())
}

pub(super) fn rules(c: &mut dyn Conn, period: &str) -> Result<Option<String>> {
    c.query_row_opt("SELECT json FROM scoring_rules WHERE period = ?1", crate::args![period], |r| r.get(0))
}

pub(super) fn score_rows(c: &mut dyn Conn, slice: &Slice, periods: &[String]) -> Result<Vec<IndexedScore>> {
    if periods.is_empty() {
        return Ok(Vec::new());
    }
    let mut args: Vec<Value> = periods.iter().map(|p| p.to_value()).collect();
    let list: Vec<String> = (1..=args.len()).map(|n| format!("?{n}")).collect();
    let Some(filter) = slice_filter(slice, "compound_id", "steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT doc_id, compound_id, steward_id, period, criterion_id, points, comment, submitted_at
         FROM score_index WHERE period IN ({}) {filter} ORDER BY period, compound_id, comment",
        list.join(",")
    );
    c.query_map(&sql, &args, |r| {
        Ok(IndexedScore {
            doc_id: r.get(0)?,
            compound_id: r.get(1)?,
            steward_id: r.get(2)?,
            period: r.get(3)?,
            criterion_id: r.get(4)?,
            points: r.get(5)?,
            comment: r.get(6)?,
            submitted_at: r.get(7)?,
        })
    })
}
