//! Scoring in the read model (migration 0012): the rules of each period, and the criteria of
//! every submitted score document.

use rusqlite::{params, Connection, OptionalExtension};
use steward_core::doc::ScoreRecord;
use steward_core::time::Millis;

use super::{slice_filter, uuid_of};
use crate::read_model::{IndexedScore, Slice};
use crate::storage::Result;

/// Replaces a score document's rows: none while it is a draft.
pub(super) fn index(tx: &Connection, id: &str, s: &ScoreRecord) -> Result<()> {
    tx.prepare_cached("DELETE FROM score_index WHERE doc_id = ?1")?.execute([id])?;
    let Some(at) = s.submitted_at else { return Ok(()) };
    let mut ins = tx.prepare_cached(
        "INSERT INTO score_index (doc_id, criterion_id, compound_id, steward_id, period, points, comment, submitted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for c in &s.scores {
        ins.execute(params![
            id,
            c.criterion_id.to_string(),
            s.compound_id.to_string(),
            s.steward_id.to_string(),
            s.period.to_string(),
            c.points,
            c.comment,
            at
        ])?;
    }
    Ok(())
}

pub(super) fn publish_rules(c: &mut Connection, period: &str, json: &str, at: Millis) -> Result<()> {
    c.execute(
        "INSERT OR REPLACE INTO scoring_rules (period, json, published_at) VALUES (?1, ?2, ?3)",
        params![period, json, at],
    )?;
    Ok(())
}

pub(super) fn rules(c: &Connection, period: &str) -> Result<Option<String>> {
    Ok(c.query_row("SELECT json FROM scoring_rules WHERE period = ?1", [period], |r| r.get(0)).optional()?)
}

pub(super) fn score_rows(c: &Connection, slice: &Slice, periods: &[String]) -> Result<Vec<IndexedScore>> {
    if periods.is_empty() {
        return Ok(Vec::new());
    }
    let mut args: Vec<rusqlite::types::Value> = periods.iter().map(|p| p.clone().into()).collect();
    let list: Vec<String> = (1..=args.len()).map(|n| format!("?{n}")).collect();
    let Some(filter) = slice_filter(slice, "compound_id", "steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT doc_id, compound_id, steward_id, period, criterion_id, points, comment, submitted_at
         FROM score_index WHERE period IN ({}) {filter} ORDER BY period, compound_id, comment",
        list.join(",")
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?),
                (r.get::<_, String>(4)?, r.get(5)?, r.get(6)?, r.get(7)?),
            ))
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|((doc, compound, steward, period), (criterion, points, comment, submitted_at))| {
            Ok(IndexedScore {
                doc_id: uuid_of(&doc)?,
                compound_id: uuid_of(&compound)?,
                steward_id: uuid_of(&steward)?,
                period,
                criterion_id: uuid_of(&criterion)?,
                points,
                comment,
                submitted_at,
            })
        })
        .collect()
}
