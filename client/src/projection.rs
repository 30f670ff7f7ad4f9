//! Writes a document's records into the projection tables. A document's rows are replaced
//! whole: a household has tens of visits, so this costs well under a millisecond and can never
//! leave a stale row behind.

use rusqlite::{params, Transaction};
use steward_core::doc::Projection;

use crate::StoreError;

/// The projection tables' version: an app that finds another rewrites them all from the
/// documents when it opens the store (`Store::open`).
pub(crate) const VERSION: &str = "4";

/// Drops every projection table (the documents, pending edits and drafts stay).
pub(crate) const DROP_TABLES: &str = "DROP TABLE IF EXISTS households; DROP TABLE IF EXISTS visits;
    DROP TABLE IF EXISTS must_visits; DROP TABLE IF EXISTS timely; DROP TABLE IF EXISTS issues;
    DROP TABLE IF EXISTS issue_events; DROP TABLE IF EXISTS plan_items; DROP TABLE IF EXISTS compounds;
    DROP TABLE IF EXISTS meetings; DROP TABLE IF EXISTS campaigns;
    DROP TABLE IF EXISTS teams;";

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// Deletes every projected row of a document.
pub(crate) fn delete(tx: &Transaction<'_>, id: &str) -> Result<(), StoreError> {
    for sql in [
        "DELETE FROM households WHERE id = ?1",
        "DELETE FROM visits WHERE household_id = ?1",
        "DELETE FROM must_visits WHERE household_id = ?1",
        "DELETE FROM timely WHERE household_id = ?1",
        "DELETE FROM issues WHERE id = ?1",
        "DELETE FROM issue_events WHERE issue_id = ?1",
        "DELETE FROM plan_items WHERE plan_id = ?1",
        "DELETE FROM compounds WHERE id = ?1",
        "DELETE FROM meetings WHERE id = ?1",
        "DELETE FROM campaigns WHERE id = ?1",
        "DELETE FROM teams WHERE id = ?1",
    ] {
        tx.prepare_cached(sql)?.execute([id])?;
    }
    Ok(())
}

/// Replaces the projected rows of one document.
pub(crate) fn write(tx: &Transaction<'_>, p: &Projection) -> Result<(), StoreError> {
    let id = p.id().to_string();
    match p {
        Projection::Household(h) => {
            for sql in [
                "DELETE FROM visits WHERE household_id = ?1",
                "DELETE FROM must_visits WHERE household_id = ?1",
                "DELETE FROM timely WHERE household_id = ?1",
            ] {
                tx.prepare_cached(sql)?.execute([&id])?;
            }
            let pr = &h.profile;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO households (id, compound_id, steward_id, building, unit, room, head_name,
                 member_count, phone, party_member, key_service, notes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                id,
                h.compound_id.to_string(),
                h.steward_id.map(|s| s.to_string()),
                pr.address.building,
                pr.address.unit,
                pr.address.room,
                pr.head_name,
                pr.member_count,
                pr.phone,
                pr.party_member,
                pr.key_service.as_ref().map(json),
                pr.notes,
            ])?;
            let mut visit = tx.prepare_cached(
                "INSERT INTO visits (id, household_id, at, recorded_at, method, summary, opinions, hardships, answers,
                 follow_up, by_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            for v in &h.visits {
                visit.execute(params![
                    v.id.to_string(),
                    id,
                    v.at,
                    v.recorded_at,
                    v.method.as_code(),
                    v.summary,
                    json(&v.opinions),
                    v.hardships,
                    json(&v.answers),
                    v.follow_up,
                    v.by.map(|b| b.to_string()),
                ])?;
            }
            let mut mv = tx.prepare_cached(
                "INSERT INTO must_visits (id, household_id, trigger_code, date, note, raised_at, answered_by, answered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for m in &h.must_visits {
                mv.execute(params![
                    m.id.to_string(),
                    id,
                    m.trigger.as_code(),
                    m.date,
                    m.note,
                    m.raised_at,
                    m.answered_by.map(|v| v.to_string()),
                    m.answered_at,
                ])?;
            }
            let mut t = tx.prepare_cached(
                "INSERT INTO timely (id, household_id, kind, raised_at, note, resolved_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for e in &h.timely {
                t.execute(params![e.id.to_string(), id, e.kind.as_code(), e.raised_at, e.note, e.resolved_at])?;
            }
        }
        Projection::Issue(i) => {
            tx.prepare_cached("DELETE FROM issue_events WHERE issue_id = ?1")?.execute([&id])?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO issues (id, compound_id, reporter_id, reported_at, category, place, description,
                 route, status, origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                id,
                i.compound_id.to_string(),
                i.reporter_id.to_string(),
                i.reported_at,
                i.category.as_code(),
                i.place,
                i.description,
                i.route.as_code(),
                i.status.as_code(),
                i.origin.as_code(),
            ])?;
            let mut ev = tx.prepare_cached(
                "INSERT INTO issue_events (id, issue_id, at, by_id, role, text, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for e in &i.timeline {
                ev.execute(params![
                    e.id.to_string(),
                    id,
                    e.at,
                    e.by.map(|b| b.to_string()),
                    e.role.as_code(),
                    e.text,
                    e.status.map(|s| s.as_code()),
                ])?;
            }
        }
        Projection::Plan(p) => {
            tx.prepare_cached("DELETE FROM plan_items WHERE plan_id = ?1")?.execute([&id])?;
            let mut item =
                tx.prepare_cached("INSERT INTO plan_items (plan_id, month, household_id) VALUES (?1, ?2, ?3)")?;
            for h in &p.households {
                item.execute(params![id, p.month.to_string(), h.to_string()])?;
            }
        }
        Projection::Meeting(m) => {
            let open: Vec<_> =
                m.decisions.iter().filter(|d| d.status == steward_core::model::DecisionStatus::Open).collect();
            tx.prepare_cached(
                "INSERT OR REPLACE INTO meetings (id, compound_id, held_at, place, attendees, decisions, open, next_deadline)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                id,
                m.compound_id.to_string(),
                m.held_at,
                m.place,
                m.attendees.len(),
                m.decisions.len(),
                open.len(),
                open.iter().filter_map(|d| d.deadline).min(),
            ])?;
        }
        // Read whole from their documents (one per period, derived ids): no table.
        Projection::Score(_) | Projection::Evaluation(_) => {}
        Projection::Team(t) => {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO teams (id, name, kind, members, activities, last_activity_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                id,
                t.name,
                t.kind.as_code(),
                t.members.len(),
                t.activities.len(),
                t.activities.iter().map(|a| a.held_at).max(),
            ])?;
        }
        Projection::Campaign(c) => {
            let mine: Vec<_> = c.tasks.iter().filter(|t| t.handed_to.is_none()).collect();
            tx.prepare_cached(
                "INSERT OR REPLACE INTO campaigns (id, campaign_id, title, kind, starts_on, ends_on, temporary, closed_at,
                 tasks, answered) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                id,
                c.campaign.id.to_string(),
                c.campaign.title,
                c.campaign.kind.as_code(),
                c.campaign.starts_on,
                c.campaign.ends_on,
                c.temporary,
                c.closed_at,
                mine.len(),
                mine.iter().filter(|t| t.answered_at.is_some()).count(),
            ])?;
        }
        Projection::Compound(c) => {
            tx.prepare_cached("INSERT OR REPLACE INTO compounds (id, name, deadlines) VALUES (?1, ?2, ?3)")?
                .execute(params![id, c.name, json(&c.deadlines)])?;
        }
    }
    Ok(())
}
