//! What the district's figures count that no other report does (migration 0011): the opinions
//! heard on visits, by category.

use steward_core::time::Millis;

use super::slice_filter;
use crate::read_model::Slice;
use crate::sql::{Conn, Value};
use crate::storage::Result;

pub(super) fn opinion_counts(c: &mut dyn Conn, slice: &Slice, from: Millis, to: Millis) -> Result<Vec<(String, u32)>> {
    let mut args: Vec<Value> = vec![from.into(), to.into()];
    let Some(filter) = slice_filter(slice, "o.compound_id", "h.steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    // The household (for its steward) only when one steward's are asked for.
    let join = if slice.steward_id.is_some() { "JOIN household_index h ON h.doc_id = o.household_id" } else { "" };
    let sql = format!(
        "SELECT o.category, count(*) FROM opinion_index o {join}
         WHERE o.at >= ?1 AND o.at < ?2 {filter} GROUP BY o.category ORDER BY o.category"
    );
    c.query_map(&sql, &args, |r| Ok((r.get(0)?, r.get(1)?)))
}

/// Issues reported between `from` and `to`, counted per (compound, origin, status, category).
pub(super) fn issue_tally(
    c: &mut dyn Conn,
    slice: &Slice,
    from: Millis,
    to: Millis,
) -> Result<Vec<crate::read_model::IssueTally>> {
    let mut args: Vec<Value> = vec![from.into(), to.into()];
    let Some(filter) = slice_filter(slice, "compound_id", "reporter_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT compound_id, origin, status, category, count(*) FROM issue_index
         WHERE reported_at >= ?1 AND reported_at < ?2 {filter} GROUP BY compound_id, origin, status, category"
    );
    c.query_map(&sql, &args, |r| {
        Ok(crate::read_model::IssueTally {
            compound_id: r.get(0)?,
            origin: r.get(1)?,
            status: r.get(2)?,
            category: r.get(3)?,
            count: r.get(4)?,
        })
    })
}
