//! The Red Steward (红色管家) domain: households, visits, the "345" checklist, issues, and the
//! Automerge documents they live in.
//!
//! This crate knows nothing of SQLite, HTTP or the UI. The device store (`steward-client`) and the
//! sync server (`steward-sync-server`) both build on it, so a visit means the same thing on the
//! phone, on the wire and in a supervisor's export.
//!
//! ```
//! use steward_core::doc::{self, NewHousehold, NewVisit, Projection};
//! use steward_core::model::{HouseholdProfile, VisitMethod};
//! use uuid::Uuid;
//!
//! let steward = Uuid::new_v4();
//! let compound = Uuid::new_v4();
//! let household = NewHousehold {
//!     id: Uuid::new_v4(),
//!     compound_id: compound,
//!     steward_id: Some(steward),
//!     profile: HouseholdProfile { head_name: "张桂兰".into(), member_count: 2, ..Default::default() },
//! };
//! let mut d = doc::create_household(automerge::ActorId::random(), &household, 0)?;
//! doc::record_visit(&mut d, &NewVisit {
//!     id: Uuid::new_v4(), at: 1_700_000_000_000, method: VisitMethod::DoorVisit,
//!     summary: "老人腿脚不便，希望加装扶手".into(), opinions: vec![], hardships: String::new(),
//!     answers: vec![], follow_up: true, by: steward,
//! })?;
//! let Projection::Household(h) = doc::project(&d)? else { unreachable!() };
//! assert_eq!(h.visits.len(), 1);
//! # Ok::<(), steward_core::Error>(())
//! ```

pub mod clears;
pub mod doc;
pub mod faults;
pub mod limits;
pub mod model;
pub mod protocol;
pub mod time;

pub use automerge;

/// What can go wrong in the domain. Messages say what was wrong and, where it helps, what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule of the program (a visit with no summary, a wrong status move).
    #[error("{0}")]
    Invalid(String),
    /// A code that is not in one of the program's lists.
    #[error("{code:?} is not a known {list} code")]
    UnknownCode { list: &'static str, code: String },
    /// Something that was asked for does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// Bytes that do not decode: a truncated or corrupted message.
    #[error("{0}")]
    Malformed(String),
    /// Automerge refused an operation or a payload.
    #[error("document error: {0}")]
    Automerge(#[from] automerge::AutomergeError),
}
