//! Campaigns in the read model (migration 0013): each campaign as started, and every household
//! task of every steward's campaign document; temporary stewards' access ends with theirs.

use steward_core::time::Millis;
use uuid::Uuid;

use super::{opt_uuid, slice_filter};
use crate::read_model::{IndexedTask, Slice};
use crate::sql::{Conn, Row, Value};
use crate::storage::{Campaign, Result, StorageError};

/// Replaces a campaign document's tasks.
pub(super) fn index(tx: &mut dyn Conn, id: &str, tasks: &[IndexedTask]) -> Result<()> {
    tx.defer("DELETE FROM campaign_task_index WHERE doc_id = ?1", crate::args![id])?;
    let ins = "INSERT INTO campaign_task_index (doc_id, household_id, campaign_id, compound_id, steward_id, temporary,
         handed_to, name, address, answers, answered_at, answered_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
    for t in tasks {
        let answers = serde_json::to_string(&t.answers).map_err(|e| StorageError::Invalid(e.to_string()))?;
        tx.defer(
            ins,
            crate::args![
                id,
                t.household_id,
                t.campaign_id,
                t.compound_id,
                t.steward_id,
                t.temporary,
                t.handed_to,
                t.name,
                t.address,
                answers,
                t.answered_at,
                t.answered_by,
            ],
        )?;
    }
    Ok(())
}

pub(super) fn create(c: &mut dyn Conn, campaign: &Campaign) -> Result<()> {
    let spec = serde_json::to_string(&campaign.spec).map_err(|e| StorageError::Invalid(e.to_string()))?;
    let n = c.execute(
        "INSERT INTO campaigns (id, place_id, spec, created_by, created_at, closed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO NOTHING",
        crate::args![
            campaign.spec.id,
            campaign.place_id,
            spec,
            campaign.created_by,
            campaign.created_at,
            campaign.closed_at
        ],
    )?;
    if n == 0 {
        return Err(StorageError::AlreadyExists(format!("campaign {}", campaign.spec.id)));
    }
    Ok(())
}

fn campaign_of(r: &Row) -> Result<Campaign> {
    let spec: String = r.get(1)?;
    Ok(Campaign {
        spec: serde_json::from_str(&spec).map_err(|e| StorageError::Corrupt(format!("a campaign's form: {e}")))?,
        place_id: r.get(0)?,
        created_by: r.get(2)?,
        created_at: r.get(3)?,
        closed_at: r.get(4)?,
    })
}

pub(super) fn all(c: &mut dyn Conn) -> Result<Vec<Campaign>> {
    c.query_map(
        "SELECT place_id, spec, created_by, created_at, closed_at FROM campaigns ORDER BY created_at DESC, id",
        crate::args![],
        campaign_of,
    )
}

pub(super) fn one(c: &mut dyn Conn, id: Uuid) -> Result<Option<Campaign>> {
    c.query_row_opt(
        "SELECT place_id, spec, created_by, created_at, closed_at FROM campaigns WHERE id = ?1",
        crate::args![id],
        campaign_of,
    )
}

/// Closes a campaign; its temporary stewards' access ends then (or earlier, as set).
pub(super) fn close(c: &mut dyn Conn, id: Uuid, at: Millis) -> Result<()> {
    let n =
        c.execute("UPDATE campaigns SET closed_at = ?2 WHERE id = ?1 AND closed_at IS NULL", crate::args![id, at])?;
    if n == 0 && one(c, id)?.is_none() {
        return Err(StorageError::NotFound(format!("campaign {id}")));
    }
    c.execute(
        "UPDATE stewards SET active_until = ?2 WHERE campaign_id = ?1 AND (active_until IS NULL OR active_until > ?2)",
        crate::args![id, at],
    )?;
    Ok(())
}

pub(super) fn tasks(c: &mut dyn Conn, campaign: Uuid, slice: &Slice) -> Result<Vec<IndexedTask>> {
    let mut args: Vec<Value> = vec![campaign.into()];
    let Some(filter) = slice_filter(slice, "compound_id", "steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT doc_id, household_id, compound_id, steward_id, temporary, handed_to, name, address, answers,
                answered_at, answered_by
         FROM campaign_task_index WHERE campaign_id = ?1 {filter} ORDER BY compound_id, address, household_id, temporary"
    );
    c.query_map(&sql, &args, |r| {
        let answers: String = r.get(8)?;
        Ok(IndexedTask {
            doc_id: r.get(0)?,
            household_id: r.get(1)?,
            campaign_id: campaign,
            compound_id: r.get(2)?,
            steward_id: r.get(3)?,
            temporary: r.get(4)?,
            handed_to: opt_uuid(r.get(5)?)?,
            name: r.get(6)?,
            address: r.get(7)?,
            answers: serde_json::from_str(&answers)
                .map_err(|e| StorageError::Corrupt(format!("a task's answers: {e}")))?,
            answered_at: r.get(9)?,
            answered_by: opt_uuid(r.get(10)?)?,
        })
    })
}
