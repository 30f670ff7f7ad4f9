//! Applications for the steward's post (migration 0016): each stored whole as JSON, moved on
//! only from the version it was read at. The appointment creates the steward, their first
//! enrolment code and the application's last step in one transaction.

use uuid::Uuid;

use crate::selection::Application;
use crate::sql::Conn;
use crate::storage::{Result, Steward, StorageError};

fn record(a: &Application) -> Result<String> {
    serde_json::to_string(a).map_err(|e| StorageError::Invalid(e.to_string()))
}

fn parse(json: &str) -> Result<Application> {
    serde_json::from_str(json).map_err(|e| StorageError::Corrupt(format!("a stored application: {e}")))
}

pub(super) fn create(c: &mut dyn Conn, a: &Application) -> Result<()> {
    c.execute(
        "INSERT INTO selection_applications (id, compound_id, community_id, stage, version, updated_at, record)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        crate::args![a.id, a.compound_id, a.community_id, a.stage.as_code(), a.version, a.updated_at, record(a)?],
    )?;
    Ok(())
}

pub(super) fn one(c: &mut dyn Conn, id: Uuid) -> Result<Option<Application>> {
    let json: Option<String> =
        c.query_row_opt("SELECT record FROM selection_applications WHERE id = ?1", crate::args![id], |r| r.get(0))?;
    json.as_deref().map(parse).transpose()
}

/// The applications of these compounds (`None`: all), newest change first.
pub(super) fn of(c: &mut dyn Conn, compounds: Option<&[Uuid]>) -> Result<Vec<Application>> {
    let rows: Vec<(String, String)> =
        c.query_map("SELECT compound_id, record FROM selection_applications ORDER BY updated_at DESC, id", &[], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let wanted = |compound: &str| compounds.is_none_or(|cs| cs.iter().any(|x| x.to_string() == compound));
    rows.into_iter().filter(|(compound, _)| wanted(compound)).map(|(_, json)| parse(&json)).collect()
}

/// Stores `a` over the version `expected`; with `steward` (the appointment) also creates the
/// account and its enrolment code. `false`: the stored version is another, nothing written.
pub(super) fn save(
    c: &mut dyn Conn,
    a: &Application,
    expected: u32,
    steward: Option<(&Steward, &str, i64)>,
) -> Result<bool> {
    let moved = c.execute(
        "UPDATE selection_applications SET stage = ?1, version = ?2, updated_at = ?3, record = ?4
         WHERE id = ?5 AND version = ?6",
        crate::args![a.stage.as_code(), a.version, a.updated_at, record(a)?, a.id, expected],
    )?;
    if moved == 0 {
        return Ok(false);
    }
    if let Some((s, code_hash, expires_at)) = steward {
        c.execute(
            "INSERT INTO stewards (id, compound_id, name, campaign_id, active_until) VALUES (?1, ?2, ?3, NULL, NULL)",
            crate::args![s.id, s.compound_id, s.name],
        )?;
        c.execute(
            "INSERT INTO enrolments (code_hash, steward_id, expires_at) VALUES (?1, ?2, ?3)",
            crate::args![code_hash, s.id, expires_at],
        )?;
    }
    Ok(true)
}
