//! Pairing cases in the read model (migration 0010): written with the household's rows, read by
//! the pairing report and the district's figures.

use steward_core::time::Millis;

use super::slice_filter;
use crate::read_model::{AtHousehold, IndexedPairing, Slice};
use crate::sql::{Conn, Value};
use crate::storage::Result;

pub(super) fn rows(
    c: &mut dyn Conn,
    slice: &Slice,
    opened: Option<(Millis, Millis)>,
) -> Result<Vec<AtHousehold<IndexedPairing>>> {
    let mut args: Vec<Value> = Vec::new();
    let Some(mut filter) = slice_filter(slice, "p.compound_id", "h.steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    if let Some((from, to)) = opened {
        args.push(from.into());
        args.push(to.into());
        filter.push_str(&format!(" AND p.opened_at >= ?{} AND p.opened_at < ?{}", args.len() - 1, args.len()));
    }
    let sql = format!(
        "SELECT p.household_id, p.id, p.compound_id, p.helper, p.need, p.description, p.opened_at, p.closed_at,
                p.outcome, p.amount_yuan, p.actions, p.last_action_at, h.address, h.head_name, h.steward_id
         FROM pairing_index p JOIN household_index h ON h.doc_id = p.household_id
         WHERE 1 = 1 {filter} ORDER BY p.opened_at DESC, p.id"
    );
    c.query_map(&sql, &args, |r| {
        Ok(AtHousehold {
            row: IndexedPairing {
                id: r.get(1)?,
                household_id: r.get(0)?,
                compound_id: r.get(2)?,
                helper: r.get(3)?,
                need: r.get(4)?,
                description: r.get(5)?,
                opened_at: r.get(6)?,
                closed_at: r.get(7)?,
                outcome: r.get(8)?,
                amount_yuan: r.get(9)?,
                actions: r.get(10)?,
                last_action_at: r.get(11)?,
            },
            address: r.get(12)?,
            head_name: r.get(13)?,
            steward_id: r.get(14)?,
            server_seen_at: None,
        })
    })
}
