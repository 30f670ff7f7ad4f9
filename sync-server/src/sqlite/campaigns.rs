//! Campaigns in the read model (migration 0013): each campaign as started, and every household
//! task of every steward's campaign document; temporary stewards' access ends with theirs.

use rusqlite::{params, Connection, OptionalExtension};
use steward_core::time::Millis;
use uuid::Uuid;

use super::{opt_uuid, slice_filter, uuid_of};
use crate::read_model::{IndexedTask, Slice};
use crate::storage::{Campaign, Result, StorageError};

/// Replaces a campaign document's tasks.
pub(super) fn index(tx: &Connection, id: &str, tasks: &[IndexedTask]) -> Result<()> {
    tx.prepare_cached("DELETE FROM campaign_task_index WHERE doc_id = ?1")?.execute([id])?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO campaign_task_index (doc_id, household_id, campaign_id, compound_id, steward_id, temporary,
         handed_to, name, address, answers, answered_at, answered_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for t in tasks {
        let answers = serde_json::to_string(&t.answers).map_err(|e| StorageError::Invalid(e.to_string()))?;
        ins.execute(params![
            id,
            t.household_id.to_string(),
            t.campaign_id.to_string(),
            t.compound_id.to_string(),
            t.steward_id.to_string(),
            t.temporary,
            t.handed_to.map(|h| h.to_string()),
            t.name,
            t.address,
            answers,
            t.answered_at,
            t.answered_by.map(|b| b.to_string()),
        ])?;
    }
    Ok(())
}

pub(super) fn create(c: &mut Connection, campaign: &Campaign) -> Result<()> {
    let spec = serde_json::to_string(&campaign.spec).map_err(|e| StorageError::Invalid(e.to_string()))?;
    c.execute(
        "INSERT INTO campaigns (id, place_id, spec, created_by, created_at, closed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            campaign.spec.id.to_string(),
            campaign.place_id.to_string(),
            spec,
            campaign.created_by.to_string(),
            campaign.created_at,
            campaign.closed_at
        ],
    )
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            StorageError::AlreadyExists(format!("campaign {}", campaign.spec.id))
        }
        e => e.into(),
    })?;
    Ok(())
}

type CampaignColumns = (String, String, String, Millis, Option<Millis>);

fn campaign_of((place, spec, by, at, closed): CampaignColumns) -> Result<Campaign> {
    Ok(Campaign {
        spec: serde_json::from_str(&spec).map_err(|e| StorageError::Corrupt(format!("a campaign's form: {e}")))?,
        place_id: uuid_of(&place)?,
        created_by: uuid_of(&by)?,
        created_at: at,
        closed_at: closed,
    })
}

pub(super) fn all(c: &Connection) -> Result<Vec<Campaign>> {
    let mut stmt = c.prepare_cached(
        "SELECT place_id, spec, created_by, created_at, closed_at FROM campaigns ORDER BY created_at DESC, id",
    )?;
    let rows: Vec<CampaignColumns> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<std::result::Result<_, _>>()?;
    rows.into_iter().map(campaign_of).collect()
}

pub(super) fn one(c: &Connection, id: Uuid) -> Result<Option<Campaign>> {
    let row: Option<CampaignColumns> = c
        .prepare_cached("SELECT place_id, spec, created_by, created_at, closed_at FROM campaigns WHERE id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?;
    row.map(campaign_of).transpose()
}

/// Closes a campaign; its temporary stewards' access ends then (or earlier, as set).
pub(super) fn close(c: &mut Connection, id: Uuid, at: Millis) -> Result<()> {
    let tx = c.transaction()?;
    let n = tx.execute(
        "UPDATE campaigns SET closed_at = ?2 WHERE id = ?1 AND closed_at IS NULL",
        params![id.to_string(), at],
    )?;
    if n == 0 && one(&tx, id)?.is_none() {
        return Err(StorageError::NotFound(format!("campaign {id}")));
    }
    tx.execute(
        "UPDATE stewards SET active_until = ?2 WHERE campaign_id = ?1 AND (active_until IS NULL OR active_until > ?2)",
        params![id.to_string(), at],
    )?;
    tx.commit()?;
    Ok(())
}

pub(super) fn tasks(c: &Connection, campaign: Uuid, slice: &Slice) -> Result<Vec<IndexedTask>> {
    let mut args: Vec<rusqlite::types::Value> = vec![campaign.to_string().into()];
    let Some(filter) = slice_filter(slice, "compound_id", "steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT doc_id, household_id, compound_id, steward_id, temporary, handed_to, name, address, answers,
                answered_at, answered_by
         FROM campaign_task_index WHERE campaign_id = ?1 {filter} ORDER BY compound_id, address, household_id, temporary"
    );
    type Columns =
        (String, String, String, String, bool, Option<String>, String, String, String, Option<Millis>, Option<String>);
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
                r.get(10)?,
            ))
        })?
        .collect::<std::result::Result<_, _>>()?;
    rows.into_iter()
        .map(|(doc, household, compound, steward, temporary, handed_to, name, address, answers, at, by)| {
            Ok(IndexedTask {
                doc_id: uuid_of(&doc)?,
                household_id: uuid_of(&household)?,
                campaign_id: campaign,
                compound_id: uuid_of(&compound)?,
                steward_id: uuid_of(&steward)?,
                temporary,
                handed_to: opt_uuid(handed_to)?,
                name,
                address,
                answers: serde_json::from_str(&answers)
                    .map_err(|e| StorageError::Corrupt(format!("a task's answers: {e}")))?,
                answered_at: at,
                answered_by: opt_uuid(by)?,
            })
        })
        .collect()
}
