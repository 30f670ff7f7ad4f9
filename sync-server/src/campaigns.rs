//! Campaigns (专项任务) on the server: starting one over a place (a document per steward with a
//! task per household), enrolling a temporary steward (临时红色管家) for some of a compound's
//! households, and closing it. Used by the API, the demo and the benchmark; the HTTP side
//! (`api/campaigns.rs`) checks who may and reads the progress.

use std::collections::BTreeMap;

use steward_core::doc::{self, CampaignSpec, NewTask};
use steward_core::time::now_millis;
use uuid::Uuid;

use crate::read_model::{HouseholdQuery, Slice};
use crate::service::{Service, ServiceError};
use crate::storage::{Campaign, DocMeta, Steward, StorageError};

/// Why a campaign request is refused: a field of the request, or anything else.
#[derive(Debug)]
pub enum Refused {
    Field(&'static str, String),
    Other(ServiceError),
}

impl From<ServiceError> for Refused {
    fn from(e: ServiceError) -> Self {
        Refused::Other(e)
    }
}

impl From<StorageError> for Refused {
    fn from(e: StorageError) -> Self {
        Refused::Other(e.into())
    }
}

/// What starting a campaign wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    /// Stewards' documents written.
    pub documents: u32,
    pub tasks: u32,
    /// Households of the place with no steward: they have no task (assign them, and start a
    /// campaign for them, or enrol a temporary steward).
    pub unassigned: u32,
}

/// Starts a campaign over `compounds` (the place's, already checked against the caller's
/// reach): one document per steward with a task per household of theirs, all in one
/// transaction, then the campaign itself.
pub fn start(
    s: &Service,
    spec: &CampaignSpec,
    place_id: Uuid,
    compounds: Vec<Uuid>,
    by: Uuid,
) -> Result<Started, Refused> {
    spec.check().map_err(|e| Refused::Field("fields", e.to_string()))?;
    if s.storage().campaign(spec.id)?.is_some() {
        return Err(Refused::Other(ServiceError::Conflict(format!("campaign {} already exists", spec.id))));
    }
    let q = HouseholdQuery { compounds: Some(compounds), limit: u64::MAX, ..HouseholdQuery::default() };
    let (_, households) = s.storage().search_households(&q)?;
    let mut by_steward: BTreeMap<(Uuid, Uuid), Vec<NewTask>> = BTreeMap::new();
    let mut unassigned = 0;
    for h in households {
        let Some(steward) = h.steward_id else {
            unassigned += 1;
            continue;
        };
        by_steward.entry((h.compound_id, steward)).or_default().push(NewTask {
            household_id: h.id,
            name: h.head_name,
            address: h.address,
        });
    }
    let now = now_millis();
    let mut docs = Vec::with_capacity(by_steward.len());
    let mut tasks = 0;
    for ((compound, steward), list) in &by_steward {
        tasks += list.len() as u32;
        docs.push(
            doc::create_campaign_doc(s.actor().clone(), spec, *compound, *steward, false, list, now)
                .map_err(|e| Refused::Other(ServiceError::Unprocessable { message: e.to_string(), docs: vec![] }))?,
        );
    }
    s.create_docs(&docs)?;
    s.storage().create_campaign(&Campaign {
        spec: spec.clone(),
        place_id,
        created_by: by,
        created_at: now,
        closed_at: None,
    })?;
    Ok(Started { documents: docs.len() as u32, tasks, unassigned })
}

/// A temporary steward enrolled for a campaign.
#[derive(Debug, Clone)]
pub struct Enrolled {
    pub steward: Steward,
    /// Their one-time enrolment code, valid until the campaign ends.
    pub code: String,
    pub tasks: u32,
}

fn is_campaign(m: &DocMeta) -> Result<(), ServiceError> {
    match m.kind {
        doc::DocKind::Campaign => Ok(()),
        _ => Err(ServiceError::NotFound("no such campaign document".into())),
    }
}

/// Enrols a temporary steward in `compound` for some of its households' tasks: the account
/// (its access ends when the campaign does), its own document with those tasks, the tasks
/// marked as handed over in their regular stewards' documents, and an enrolment code.
pub fn enrol_temporary(
    s: &Service,
    campaign: &Campaign,
    compound: Uuid,
    name: &str,
    households: &[Uuid],
) -> Result<Enrolled, Refused> {
    let now = now_millis();
    if campaign.closed_at.is_some() {
        return Err(Refused::Other(ServiceError::Conflict("this campaign is closed".into())));
    }
    let until = campaign.spec.ends_at(&s.zone()).map_err(|e| Refused::Other(ServiceError::Internal(e.to_string())))?;
    if until <= now {
        return Err(Refused::Other(ServiceError::Conflict("this campaign has ended".into())));
    }
    if name.trim().is_empty() || name.chars().count() > 40 {
        return Err(Refused::Field("name", "a temporary steward needs a name of at most 40 characters".into()));
    }
    if households.is_empty() || households.len() > doc::MAX_TASKS {
        return Err(Refused::Field("household_ids", format!("hand over from 1 to {} households", doc::MAX_TASKS)));
    }
    let rows =
        s.storage().campaign_tasks(campaign.spec.id, &Slice { compounds: Some(vec![compound]), steward_id: None })?;
    let mut tasks = Vec::with_capacity(households.len());
    let mut by_doc: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
    for h in households {
        let Some(row) = rows.iter().find(|r| r.household_id == *h && !r.temporary) else {
            return Err(Refused::Field("household_ids", format!("household {h} has no task of this campaign here")));
        };
        if row.handed_to.is_some() {
            return Err(Refused::Field(
                "household_ids",
                format!("{} is already handed to a temporary steward", row.address),
            ));
        }
        if by_doc.values().flatten().any(|x| x == h) {
            return Err(Refused::Field("household_ids", format!("{} is listed twice", row.address)));
        }
        by_doc.entry(row.doc_id).or_default().push(*h);
        tasks.push(NewTask { household_id: *h, name: row.name.clone(), address: row.address.clone() });
    }
    let steward = s.storage().create_temporary_steward(compound, name, campaign.spec.id, until)?;
    let d = doc::create_campaign_doc(s.actor().clone(), &campaign.spec, compound, steward.id, true, &tasks, now)
        .map_err(|e| Refused::Other(ServiceError::Unprocessable { message: e.to_string(), docs: vec![] }))?;
    s.create_doc(&d)?;
    for (doc_id, list) in &by_doc {
        s.edit(*doc_id, is_campaign, |d| doc::hand_over_tasks(d, list, Some(steward.id), now))?;
    }
    let code = crate::auth::new_enrolment_code();
    s.storage().create_enrolment(steward.id, &crate::auth::secret_hash(&code), until)?;
    Ok(Enrolled { steward, code, tasks: tasks.len() as u32 })
}

/// Closes a campaign: in every steward's document (phones stop taking answers once they sync)
/// and in the index, which ends its temporary stewards' access.
pub fn close(s: &Service, campaign: &Campaign) -> Result<u32, ServiceError> {
    let now = now_millis();
    let mut docs: Vec<Uuid> =
        s.storage().campaign_tasks(campaign.spec.id, &Slice::default())?.into_iter().map(|t| t.doc_id).collect();
    docs.sort();
    docs.dedup();
    // Access ends first: a temporary steward's phone syncing meanwhile is already refused.
    s.storage().close_campaign(campaign.spec.id, now)?;
    for d in &docs {
        s.edit(*d, is_campaign, |doc| doc::close_campaign(doc, now))?;
    }
    Ok(docs.len() as u32)
}
