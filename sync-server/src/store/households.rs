//! The household list and the reports over households, visits, must-visits, timely responses
//! and issues in the read model.

use std::collections::BTreeMap;

use steward_core::time::Millis;
use uuid::Uuid;

use super::{in_snapshot, slice_filter};
use crate::read_model::{
    AtHousehold, HouseholdQuery, HouseholdSort, HouseholdSummary, HouseholdTag, IndexedIssue, IndexedMustVisit,
    IndexedTimely, IndexedVisit, Slice, StewardTally,
};
use crate::sql::{Conn, Value};
use crate::storage::Result;

pub(super) fn search_households(c: &mut dyn Conn, q: &HouseholdQuery) -> Result<(u64, Vec<HouseholdSummary>)> {
    let mut clauses: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    let mut arg = |v: Value| {
        args.push(v);
        format!("?{}", args.len())
    };
    if let Some(compounds) = &q.compounds {
        if compounds.is_empty() {
            return Ok((0, Vec::new()));
        }
        let list: Vec<String> = compounds.iter().map(|c| arg(c.to_string().into())).collect();
        clauses.push(format!("h.compound_id IN ({})", list.join(",")));
    }
    if let Some(s) = q.steward_id {
        clauses.push(format!("h.steward_id = {}", arg(s.to_string().into())));
    }
    if let Some(t) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // SQLite's LIKE ignores the case of ASCII letters, PostgreSQL's does not: both sides are
        // lowered (ASCII only, as SQLite's lower() and PostgreSQL's on "C" text do).
        let escaped = t.to_ascii_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let p = arg(format!("%{escaped}%").into());
        clauses.push(format!("(lower(h.head_name) LIKE {p} ESCAPE '\\' OR lower(h.address) LIKE {p} ESCAPE '\\')"));
    }
    match q.tag {
        None => {}
        Some(HouseholdTag::PartyMember) => clauses.push("h.party_member = 1".into()),
        Some(HouseholdTag::KeyService) => clauses.push("length(h.key_service) > 1".into()),
        Some(HouseholdTag::Reason(r)) => {
            clauses.push(format!("h.key_service LIKE {}", arg(format!("%,{},%", r.as_code()).into())))
        }
    }
    if q.open_must_visit {
        clauses.push("h.open_must_visits > 0".into());
    }
    let filter = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
    let dir = if q.descending { "DESC" } else { "ASC" };
    // Households without a steward (or whose steward is gone) sort as SQLite sorts NULLs.
    let nulls = if q.descending { "NULLS LAST" } else { "NULLS FIRST" };
    let order = match q.sort {
        HouseholdSort::Address => format!("h.address_key {dir}"),
        HouseholdSort::HeadName => format!("h.head_name {dir}, h.address_key"),
        HouseholdSort::Steward => format!("s.name {dir} {nulls}, h.address_key"),
        HouseholdSort::OpenMustVisits => format!("h.open_must_visits {dir}, h.address_key"),
        HouseholdSort::Visits => format!("h.visits {dir}, h.address_key"),
        HouseholdSort::LastVisitAt => format!("h.last_visit_at {dir} NULLS LAST, h.address_key"),
    };
    in_snapshot(c, |c| {
        let total: i64 = c.query_one(&format!("SELECT count(*) FROM household_index h {filter}"), &args)?.get(0)?;
        let limit = args.len() + 1;
        let sql = format!(
            "SELECT h.doc_id, h.compound_id, h.steward_id, h.head_name, h.address, h.party_member, h.key_service,
                    h.open_must_visits, h.visits, h.last_visit_at
             FROM household_index h LEFT JOIN stewards s ON s.id = h.steward_id {filter}
             ORDER BY {order}, h.doc_id LIMIT ?{limit} OFFSET ?{}",
            limit + 1
        );
        let mut all = args.clone();
        all.push((q.limit.min(i64::MAX as u64) as i64).into());
        all.push((q.offset.min(i64::MAX as u64) as i64).into());
        let rows = c.query_map(&sql, &all, |r| {
            let key_service: Option<String> = r.get(6)?;
            Ok(HouseholdSummary {
                id: r.get(0)?,
                compound_id: r.get(1)?,
                steward_id: r.get(2)?,
                head_name: r.get(3)?,
                address: r.get(4)?,
                party_member: r.get(5)?,
                key_service: HouseholdSummary::key_service_of_column(key_service.as_deref()),
                open_must_visits: r.get(7)?,
                visits: r.get(8)?,
                last_visit_at: r.get(9)?,
                profile_complete: false,
            })
        })?;
        Ok((total.max(0) as u64, rows))
    })
}

pub(super) fn visit_tallies(
    c: &mut dyn Conn,
    slice: &Slice,
    from: Millis,
    to: Millis,
    month: &str,
) -> Result<Vec<StewardTally>> {
    let mut by: BTreeMap<Uuid, StewardTally> = BTreeMap::new();
    fn tally(by: &mut BTreeMap<Uuid, StewardTally>, s: Uuid) -> &mut StewardTally {
        by.entry(s).or_insert(StewardTally {
            steward_id: s,
            visits: 0,
            households_visited: 0,
            planned: 0,
            planned_visited: 0,
        })
    }
    let mut args: Vec<Value> = vec![from.into(), to.into()];
    let Some(filter) = slice_filter(slice, "v.compound_id", "h.steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    in_snapshot(c, |c| {
        let sql = format!(
            "SELECT coalesce(v.by_steward, h.steward_id), count(*)
             FROM visit_index v JOIN household_index h ON h.doc_id = v.household_id
             WHERE v.at >= ?1 AND v.at < ?2 {filter} GROUP BY 1"
        );
        let rows: Vec<(Option<Uuid>, u32)> = c.query_map(&sql, &args, |r| Ok((r.get(0)?, r.get(1)?)))?;
        for (s, visits) in rows {
            if let Some(s) = s {
                tally(&mut by, s).visits += visits;
            }
        }
        let sql = format!(
            "SELECT h.steward_id, count(DISTINCT v.household_id)
             FROM visit_index v JOIN household_index h ON h.doc_id = v.household_id
             WHERE v.at >= ?1 AND v.at < ?2 AND h.steward_id IS NOT NULL {filter} GROUP BY 1"
        );
        let rows: Vec<(Uuid, u32)> = c.query_map(&sql, &args, |r| Ok((r.get(0)?, r.get(1)?)))?;
        for (s, n) in rows {
            tally(&mut by, s).households_visited = n;
        }
        let mut plan_args: Vec<Value> = vec![from.into(), to.into(), month.to_string().into()];
        let plan_filter = slice_filter(slice, "p.compound_id", "p.steward_id", &mut plan_args).unwrap_or_default();
        let sql = format!(
            "SELECT p.steward_id, count(*),
                    CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM visit_index v
                                               WHERE v.household_id = p.household_id AND v.at >= ?1 AND v.at < ?2)
                             THEN 1 ELSE 0 END) AS BIGINT)
             FROM plan_index p WHERE p.month = ?3 {plan_filter} GROUP BY 1"
        );
        let rows: Vec<(Uuid, u32, u32)> = c.query_map(&sql, &plan_args, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        for (s, planned, visited) in rows {
            let t = tally(&mut by, s);
            t.planned = planned;
            t.planned_visited = visited;
        }
        Ok(by.into_values().collect())
    })
}

pub(super) fn clears(c: &mut dyn Conn, slice: &Slice) -> Result<Vec<(Uuid, steward_core::clears::ThreeClears)>> {
    let mut args: Vec<Value> = Vec::new();
    let Some(filter) = slice_filter(slice, "h.compound_id", "h.steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT h.steward_id, count(*), CAST(SUM(CASE WHEN h.party_member IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(h.profile_complete) AS BIGINT),
                CAST(SUM(CASE WHEN h.key_service IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT)
         FROM household_index h WHERE h.steward_id IS NOT NULL {filter} GROUP BY 1"
    );
    c.query_map(&sql, &args, |r| {
        Ok((
            r.get(0)?,
            steward_core::clears::ThreeClears {
                households: r.get(1)?,
                party_member_known: r.get(2)?,
                basic_profile_complete: r.get(3)?,
                key_service_known: r.get(4)?,
            },
        ))
    })
}

pub(super) fn visit_trend(c: &mut dyn Conn, slice: &Slice, ranges: &[(Millis, Millis)]) -> Result<Vec<(u32, u32)>> {
    let (Some(first), Some(last)) = (ranges.first(), ranges.last()) else { return Ok(Vec::new()) };
    // One pass over the index: each visit falls into the range its time opens (the ranges
    // are consecutive months, oldest first).
    let mut args: Vec<Value> = vec![first.0.into(), last.1.into()];
    let mut case = String::from("CASE");
    for (k, (_, to)) in ranges.iter().enumerate() {
        args.push((*to).into());
        case.push_str(&format!(" WHEN v.at < ?{} THEN {k}", args.len()));
    }
    case.push_str(" END");
    let mut out = vec![(0, 0); ranges.len()];
    let (join, steward_col) = if slice.steward_id.is_some() {
        ("JOIN household_index h ON h.doc_id = v.household_id", "h.steward_id")
    } else {
        ("", "v.by_steward")
    };
    let Some(filter) = slice_filter(slice, "v.compound_id", steward_col, &mut args) else { return Ok(out) };
    let sql = format!(
        "SELECT {case} AS k, count(*), count(DISTINCT v.household_id)
         FROM visit_index v {join} WHERE v.at >= ?1 AND v.at < ?2 {filter} GROUP BY k"
    );
    let rows: Vec<(Option<usize>, u32, u32)> = c.query_map(&sql, &args, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    for (k, visits, households) in rows {
        if let Some(slot) = k.and_then(|k| out.get_mut(k)) {
            *slot = (visits, households);
        }
    }
    Ok(out)
}

pub(super) fn open_must_visits(c: &mut dyn Conn, slice: &Slice) -> Result<Vec<AtHousehold<IndexedMustVisit>>> {
    let mut args: Vec<Value> = Vec::new();
    let Some(filter) = slice_filter(slice, "m.compound_id", "h.steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT m.id, m.household_id, m.compound_id, m.trigger, m.date, h.address, h.head_name, h.steward_id, f.at
         FROM must_visit_index m JOIN household_index h ON h.doc_id = m.household_id
         LEFT JOIN first_seen f ON f.record_id = m.id
         WHERE m.answered = 0 {filter} ORDER BY m.date, m.id"
    );
    c.query_map(&sql, &args, |r| {
        Ok(AtHousehold {
            row: IndexedMustVisit {
                id: r.get(0)?,
                household_id: r.get(1)?,
                compound_id: r.get(2)?,
                trigger: r.get(3)?,
                date: r.get(4)?,
                answered: false,
                answered_at: None,
            },
            address: r.get(5)?,
            head_name: r.get(6)?,
            steward_id: r.get(7)?,
            server_seen_at: r.get(8)?,
        })
    })
}

pub(super) fn timely_rows(
    c: &mut dyn Conn,
    slice: &Slice,
    raised: Option<(Millis, Millis)>,
) -> Result<Vec<AtHousehold<IndexedTimely>>> {
    let (from, to) = raised.unwrap_or((i64::MIN, i64::MAX));
    let mut args: Vec<Value> = vec![from.into(), to.into()];
    let Some(filter) = slice_filter(slice, "t.compound_id", "h.steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT t.id, t.household_id, t.compound_id, t.kind, t.raised_at, t.resolved_at, h.address, h.head_name,
                h.steward_id, f.at
         FROM timely_index t JOIN household_index h ON h.doc_id = t.household_id
         LEFT JOIN first_seen f ON f.record_id = t.id
         WHERE t.raised_at >= ?1 AND t.raised_at < ?2 {filter} ORDER BY t.raised_at DESC, t.id"
    );
    c.query_map(&sql, &args, |r| {
        Ok(AtHousehold {
            row: IndexedTimely {
                id: r.get(0)?,
                household_id: r.get(1)?,
                compound_id: r.get(2)?,
                kind: r.get(3)?,
                raised_at: r.get(4)?,
                resolved_at: r.get(5)?,
            },
            address: r.get(6)?,
            head_name: r.get(7)?,
            steward_id: r.get(8)?,
            server_seen_at: r.get(9)?,
        })
    })
}

pub(super) fn issue_rows(c: &mut dyn Conn, slice: &Slice, property: bool) -> Result<Vec<IndexedIssue>> {
    let mut args: Vec<Value> = Vec::new();
    let Some(mut filter) = slice_filter(slice, "i.compound_id", "i.reporter_id", &mut args) else {
        return Ok(Vec::new());
    };
    if property {
        filter.push_str(" AND (i.route = 'property_duty' OR i.origin = 'property_company')");
    }
    let sql = format!(
        "SELECT i.id, i.compound_id, i.reporter_id, i.reported_at, i.category, i.place, i.description, i.route,
                i.status, i.comments, i.last_update_at, i.origin
         FROM issue_index i WHERE 1 = 1 {filter} ORDER BY i.reported_at DESC, i.id"
    );
    c.query_map(&sql, &args, |r| {
        Ok(IndexedIssue {
            id: r.get(0)?,
            compound_id: r.get(1)?,
            reporter_id: r.get(2)?,
            reported_at: r.get(3)?,
            category: r.get(4)?,
            place: r.get(5)?,
            description: r.get(6)?,
            route: r.get(7)?,
            status: r.get(8)?,
            comments: r.get(9)?,
            last_update_at: r.get(10)?,
            origin: r.get(11)?,
        })
    })
}

pub(super) fn ledger_rows(
    c: &mut dyn Conn,
    slice: &Slice,
    from: Millis,
    to: Millis,
) -> Result<Vec<AtHousehold<IndexedVisit>>> {
    let mut args: Vec<Value> = vec![from.into(), to.into()];
    let Some(filter) = slice_filter(slice, "v.compound_id", "h.steward_id", &mut args) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT v.visit_id, v.household_id, v.compound_id, v.by_steward, v.at, v.recorded_at, v.method, v.summary,
                v.opinions, v.hardships, v.follow_up, h.address, h.head_name, h.steward_id, f.at
         FROM visit_index v JOIN household_index h ON h.doc_id = v.household_id
         LEFT JOIN first_seen f ON f.record_id = v.visit_id
         WHERE v.at >= ?1 AND v.at < ?2 {filter} ORDER BY v.at, v.visit_id"
    );
    c.query_map(&sql, &args, |r| {
        Ok(AtHousehold {
            row: IndexedVisit {
                visit_id: r.get(0)?,
                household_id: r.get(1)?,
                compound_id: r.get(2)?,
                by: r.get(3)?,
                at: r.get(4)?,
                recorded_at: r.get(5)?,
                method: r.get(6)?,
                summary: r.get(7)?,
                opinions: r.get(8)?,
                hardships: r.get(9)?,
                follow_up: r.get(10)?,
            },
            address: r.get(11)?,
            head_name: r.get(12)?,
            steward_id: r.get(13)?,
            server_seen_at: r.get(14)?,
        })
    })
}
