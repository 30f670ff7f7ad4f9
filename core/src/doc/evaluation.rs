//! The half-year steward evaluation (每半年考核评价): the community evaluates each steward every
//! half year. The server computes the steward's indicators for the half from the data, the
//! community enters its score and comment in the console, and the result reaches the steward's
//! app as one document per steward and half (its id derived from both), written by the server
//! only: a phone reads it and may change nothing of it.
//!
//! The document holds the evaluation as one JSON text under the root key `evaluation`: only the
//! server writes it, each time as a whole, so there is nothing for two writers to merge.

use super::*;
use crate::time::HalfYear;

/// The program's norm: a steward visits 10 to 20 households a month.
pub const MONTHLY_NORM: u32 = 10;
/// The community's score: 0 to 100.
pub const MAX_EVALUATION_SCORE: u32 = 100;

/// A steward's indicators for a half year, computed from the data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Indicators {
    /// The steward's households now.
    pub households: u32,
    /// Visits made in the half, and the distinct households they reached.
    pub visits: u32,
    pub households_visited: u32,
    /// Households visited in each of the six months (in order).
    pub monthly_visited: Vec<u32>,
    /// Months in which the steward visited at least the norm (10, or every household when they
    /// have fewer).
    pub months_meeting_norm: u32,
    /// Must-visits dated in the half, those answered, and the mean days from the date to the
    /// answering visit.
    pub must_visits: u32,
    pub must_visits_answered: u32,
    pub must_visit_days: Option<f64>,
    /// Timely responses raised in the half, and those resolved within their deadline.
    pub timely: u32,
    pub timely_on_time: u32,
    /// The three clears (三清) over the steward's households now: how many are known.
    pub party_member_known: u32,
    pub basic_profile_complete: u32,
    pub key_service_known: u32,
    /// Issues the steward reported in the half, and of those verified after being resolved.
    pub issues_reported: u32,
    pub issues_verified: u32,
    /// Joint meetings the steward called in the half, their decisions, and those followed up
    /// (with a follow-up note, or done).
    pub meetings_held: u32,
    pub decisions: u32,
    pub decisions_followed: u32,
}

/// A steward's evaluation for a half year as its document holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationRecord {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub steward_id: Uuid,
    pub half: HalfYear,
    pub indicators: Indicators,
    /// The community's score (0–100) and comment; `None` before it evaluated.
    pub score: Option<u32>,
    #[serde(default)]
    pub comment: String,
    /// When the community entered them.
    pub evaluated_at: Option<Millis>,
    /// When the indicators were computed.
    pub computed_at: Millis,
}

/// The id of a steward's evaluation document for a half year.
pub fn evaluation_doc_id(steward_id: Uuid, half: HalfYear) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x3f6c_02a9_91d4_4e7b_a0c5_6b18_e2f4_7d90);
    Uuid::new_v5(&NAMESPACE, format!("evaluation:{steward_id}:{half}").as_bytes())
}

/// Checks the community's score and comment.
pub fn check_evaluation(score: u32, comment: &str) -> Result<(), Error> {
    require(score <= MAX_EVALUATION_SCORE, &format!("a score is 0 to {MAX_EVALUATION_SCORE}"))?;
    limits::text("the comment", comment, limits::LONG_TEXT)
}

/// Writes a steward's evaluation into its document, whole (the server does this when the
/// community enters its score, and when it refreshes the indicators); a new document (an empty
/// `Automerge`) gets its header.
pub fn write_evaluation(doc: &mut Automerge, e: &EvaluationRecord, at: Millis) -> Result<(), Error> {
    if let Some(score) = e.score {
        check_evaluation(score, &e.comment)?;
    }
    require(e.id == evaluation_doc_id(e.steward_id, e.half), "an evaluation's id is its steward's and half's")?;
    let json = serde_json::to_string(e).map_err(|err| Error::Invalid(err.to_string()))?;
    let fresh = get_opt_str(doc, &ROOT, "kind")?.is_none();
    edit(doc, "evaluate", at, |tx| {
        if fresh {
            put_header(tx, DocKind::Evaluation, e.id, e.compound_id)?;
            tx.put(ROOT, "steward_id", e.steward_id.to_string())?;
            tx.put(ROOT, "half", e.half.to_string())?;
        }
        tx.put(ROOT, "evaluation", json.as_str())?;
        Ok(())
    })
}

pub(super) fn read(doc: &Automerge, h: DocHeader) -> Result<EvaluationRecord, Error> {
    let half: HalfYear = get_str(doc, &ROOT, "half")?.parse()?;
    let steward_id = h.steward_id.ok_or_else(|| Error::Invalid("an evaluation has no steward".into()))?;
    if evaluation_doc_id(steward_id, half) != h.id {
        return Err(Error::Invalid("an evaluation's id does not match its steward and half".into()));
    }
    let json = get_str(doc, &ROOT, "evaluation")?;
    let e: EvaluationRecord =
        serde_json::from_str(&json).map_err(|err| Error::Invalid(format!("an evaluation does not read: {err}")))?;
    if (e.id, e.steward_id, e.half, e.compound_id) != (h.id, steward_id, half, h.compound_id) {
        return Err(Error::Invalid("an evaluation's record does not match its document".into()));
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_evaluation_is_rewritten_whole_and_reads_back() {
        let steward = Uuid::new_v4();
        let half: HalfYear = "2026-H2".parse().unwrap();
        let mut e = EvaluationRecord {
            id: evaluation_doc_id(steward, half),
            compound_id: Uuid::new_v4(),
            steward_id: steward,
            half,
            indicators: Indicators { households: 20, visits: 31, monthly_visited: vec![12; 6], ..Default::default() },
            score: None,
            comment: String::new(),
            evaluated_at: None,
            computed_at: 1,
        };
        let mut d = Automerge::new();
        write_evaluation(&mut d, &e, 1).unwrap();
        let Projection::Evaluation(read) = project(&d).unwrap() else { panic!("an evaluation") };
        assert_eq!(read, e);
        e.score = Some(92);
        e.comment = "走访扎实".into();
        write_evaluation(&mut d, &e, 2).unwrap();
        let Projection::Evaluation(read) = project(&d).unwrap() else { panic!("an evaluation") };
        assert_eq!((read.score, read.comment.as_str()), (Some(92), "走访扎实"));
        e.score = Some(101);
        assert!(write_evaluation(&mut d, &e, 3).is_err());
        assert!("2026-H3".parse::<HalfYear>().is_err());
        assert_eq!(half.months().len(), 6);
        assert_eq!(half.months()[0].to_string(), "2026-07");
    }
}
