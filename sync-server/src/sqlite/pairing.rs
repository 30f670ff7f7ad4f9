//! Pairing cases in the read model (migration 0010): written with the household's rows, read by
//! the pairing report and the district's figures.

use rusqlite::{params, Connection};
use steward_core::time::Millis;

use super::{slice_filter, uuid_of};
use crate::read_model::{AtHousehold, IndexedPairing, Slice};
use crate::storage::Result;

/// Replaces a household's cases.
pub(super) fn index(tx: &Connection, household: &str, cases: &[IndexedPairing]) -> Result<()> {
    tx.prepare_cached("DELETE FROM pairing_index WHERE household_id = ?1")?.execute([household])?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO pairing_index (household_id, id, compound_id, helper, need, description, opened_at, closed_at,
         outcome, amount_yuan, actions, last_action_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for c in cases {
        ins.execute(params![
            household,
            c.id.to_string(),
            c.compound_id.to_string(),
            c.helper,
            c.need,
            c.description,
            c.opened_at,
            c.closed_at,
            c.outcome,
            c.amount_yuan,
            c.actions,
            c.last_action_at
        ])?;
    }
    Ok(())
}

pub(super) fn rows(
    c: &Connection,
    slice: &Slice,
    opened: Option<(Millis, Millis)>,
) -> Result<Vec<AtHousehold<IndexedPairing>>> {
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
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
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((
                (
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ),
                (r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?),
                (r.get(12)?, r.get(13)?, r.get::<_, Option<String>>(14)?),
            ))
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(
            |(
                (household, id, compound, helper, need, description),
                (opened_at, closed_at, outcome, amount_yuan, actions, last_action_at),
                (address, head_name, steward),
            )| {
                Ok(AtHousehold {
                    row: IndexedPairing {
                        id: uuid_of(&id)?,
                        household_id: uuid_of(&household)?,
                        compound_id: uuid_of(&compound)?,
                        helper,
                        need,
                        description,
                        opened_at,
                        closed_at,
                        outcome,
                        amount_yuan,
                        actions,
                        last_action_at,
                    },
                    address,
                    head_name,
                    steward_id: steward.as_deref().map(uuid_of).transpose()?,
                    server_seen_at: None,
                })
            },
        )
        .collect()
}
