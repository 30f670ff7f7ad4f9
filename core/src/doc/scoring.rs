//! Stewards score their compound's property company (评价物业) under the district housing
//! bureau's rules (区住建局制定物业服务企业考评细则).
//!
//! The rules of a period (a quarter) — criteria with weights, each tied to the issue categories
//! that bear on it — are written by the server into every compound's settings document, so
//! they reach the phones by sync. Each steward's scores for a period are one document with an id
//! derived from steward and period (as plans are), so two phones starting it offline write into
//! one: a criterion's points and comment, and once submitted nothing changes.

use super::*;
use crate::time::Quarter;

/// Full marks for one criterion.
pub const FULL_POINTS: u32 = 10;
/// Criteria in one period's rules.
pub const MAX_CRITERIA: usize = 20;

/// One criterion of the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub id: Uuid,
    /// e.g. 环境卫生, 绿化养护, 安全秩序, 报修处理.
    pub name: String,
    /// Its weight in percent; a period's weights add up to 100.
    pub weight: u32,
    /// The issue categories behind it (what the console shows beside its score).
    #[serde(default)]
    pub categories: Vec<IssueCategory>,
}

/// A period's rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoringRules {
    pub period: Quarter,
    /// In the bureau's order.
    pub criteria: Vec<Criterion>,
}

impl ScoringRules {
    /// Checks the rules as an admin enters them.
    pub fn check(&self) -> Result<(), Error> {
        require(!self.criteria.is_empty(), "the rules need at least one criterion")?;
        limits::count("criteria of one period", self.criteria.len(), MAX_CRITERIA)?;
        for c in &self.criteria {
            require(!c.name.trim().is_empty(), "every criterion needs its name")?;
            limits::text("a criterion's name", &c.name, limits::SHORT_TEXT)?;
            require(c.weight >= 1 && c.weight <= 100, "a criterion's weight is 1 to 100 percent")?;
        }
        let total: u32 = self.criteria.iter().map(|c| c.weight).sum();
        require(total == 100, &format!("the weights add up to {total}%, not 100%"))?;
        let mut ids: Vec<Uuid> = self.criteria.iter().map(|c| c.id).collect();
        ids.sort();
        ids.dedup();
        require(ids.len() == self.criteria.len(), "two criteria share an id")
    }

    /// The weighted total (0–100) of one steward's scores, when every criterion is scored.
    pub fn total(&self, scores: &[CriterionScore]) -> Option<f64> {
        let mut total = 0.0;
        for c in &self.criteria {
            let s = scores.iter().find(|s| s.criterion_id == c.id)?;
            total += f64::from(c.weight) * f64::from(s.points) / f64::from(FULL_POINTS);
        }
        Some(total)
    }
}

/// The id of a steward's score document for a period.
pub fn score_doc_id(steward_id: Uuid, period: Quarter) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x2f9a_7c41_0d3e_4b8a_a6f1_5e0c_93b2_7d14);
    Uuid::new_v5(&NAMESPACE, format!("score:{steward_id}:{period}").as_bytes())
}

/// One criterion as a steward scored it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionScore {
    pub criterion_id: Uuid,
    /// 0 to [`FULL_POINTS`].
    pub points: u32,
    /// Why it was marked down; required below full marks when submitting.
    pub comment: String,
}

/// A steward's scores of the compound's property company for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreRecord {
    pub id: Uuid,
    pub compound_id: Uuid,
    pub steward_id: Uuid,
    pub period: Quarter,
    pub scores: Vec<CriterionScore>,
    /// `None` while a draft.
    pub submitted_at: Option<Millis>,
}

/// Writes a period's rules into a compound's settings document (the server does this for every
/// compound when an admin publishes them).
pub fn set_scoring_rules(doc: &mut Automerge, rules: &ScoringRules, at: Millis) -> Result<(), Error> {
    rules.check()?;
    edit(doc, "set scoring rules", at, |tx| {
        let s = tx.put_object(ROOT, "scoring", ObjType::Map)?;
        tx.put(&s, "period", rules.period.to_string())?;
        let criteria = tx.put_object(&s, "criteria", ObjType::Map)?;
        for (order, c) in rules.criteria.iter().enumerate() {
            let e = tx.put_object(&criteria, c.id.to_string(), ObjType::Map)?;
            tx.put(&e, "name", c.name.trim())?;
            tx.put(&e, "weight", u64::from(c.weight))?;
            tx.put(&e, "order", order as u64)?;
            let codes: Vec<String> = c.categories.iter().map(|k| k.as_code().to_string()).collect();
            put_str_list(tx, &e, "categories", &codes)?;
        }
        Ok(())
    })
}

/// Reads the rules from a compound's settings document, if any were published.
pub(super) fn read_rules(doc: &Automerge) -> Result<Option<ScoringRules>, Error> {
    let Some(s) = get_obj(doc, &ROOT, "scoring")? else { return Ok(None) };
    let period: Quarter = get_str(doc, &s, "period")?.parse()?;
    let mut criteria = Vec::new();
    if let Some(map) = get_obj(doc, &s, "criteria")? {
        for key in doc.keys(&map).collect::<Vec<_>>() {
            let Some((Value::Object(ObjType::Map), e)) = doc.get(&map, key.as_str())? else { continue };
            let order = get_i64(doc, &e, "order")?.unwrap_or(0);
            criteria.push((
                order,
                Criterion {
                    id: parse_uuid(&key, "criterion")?,
                    name: get_str(doc, &e, "name")?,
                    weight: get_i64(doc, &e, "weight")?.unwrap_or(0).clamp(0, 100) as u32,
                    categories: list_strs(doc, &e, "categories")?
                        .iter()
                        .filter_map(|c| IssueCategory::from_code(c))
                        .collect(),
                },
            ));
        }
    }
    criteria.sort_by_key(|(order, c)| (*order, c.id));
    Ok(Some(ScoringRules { period, criteria: criteria.into_iter().map(|(_, c)| c).collect() }))
}

/// Creates a steward's score document for a period.
pub fn create_score(
    actor: automerge::ActorId,
    steward_id: Uuid,
    compound_id: Uuid,
    period: Quarter,
    at: Millis,
) -> Result<Automerge, Error> {
    let mut doc = Automerge::new().with_actor(actor);
    edit(&mut doc, "start scoring", at, |tx| {
        put_header(tx, DocKind::Score, score_doc_id(steward_id, period), compound_id)?;
        tx.put(ROOT, "steward_id", steward_id.to_string())?;
        tx.put(ROOT, "period", period.to_string())?;
        Ok(())
    })?;
    Ok(doc)
}

/// The root key of a criterion's score: at the root, as a plan's items, because two phones may
/// both create the document offline and concurrently created nested maps would hide one another.
const SCORE_PREFIX: &str = "criterion:";

/// Scores one criterion (a draft until submitted).
pub fn set_score(doc: &mut Automerge, s: &CriterionScore, at: Millis) -> Result<(), Error> {
    require(s.points <= FULL_POINTS, &format!("points are 0 to {FULL_POINTS}"))?;
    limits::text("the comment", &s.comment, limits::LONG_TEXT)?;
    require(get_i64(doc, &ROOT, "submitted_at")?.is_none(), "these scores are submitted: they no longer change")?;
    edit(doc, "score criterion", at, |tx| {
        let e = tx.put_object(ROOT, format!("{SCORE_PREFIX}{}", s.criterion_id), ObjType::Map)?;
        tx.put(&e, "points", u64::from(s.points))?;
        tx.put(&e, "comment", s.comment.trim())?;
        Ok(())
    })
}

/// Submits the scores: every criterion of `rules` scored, a comment wherever marked down.
pub fn submit_score(doc: &mut Automerge, rules: &ScoringRules, at: Millis) -> Result<(), Error> {
    let Projection::Score(r) = project(doc)? else { return Err(Error::Invalid("not a score document".into())) };
    require(r.submitted_at.is_none(), "these scores are already submitted")?;
    require(r.period == rules.period, "these scores are for another period than the rules")?;
    check_complete(&r, rules)?;
    edit(doc, "submit scores", at, |tx| {
        tx.put(ROOT, "submitted_at", ScalarValue::Timestamp(at))?;
        Ok(())
    })
}

/// Every criterion scored, with a comment wherever marked down.
pub fn check_complete(r: &ScoreRecord, rules: &ScoringRules) -> Result<(), Error> {
    for c in &rules.criteria {
        let s = r
            .scores
            .iter()
            .find(|s| s.criterion_id == c.id)
            .ok_or_else(|| Error::Invalid(format!("{} is not scored yet", c.name)))?;
        require(
            s.points == FULL_POINTS || !s.comment.trim().is_empty(),
            &format!("say why {} is marked down", c.name),
        )?;
    }
    Ok(())
}

pub(super) fn read(doc: &Automerge, h: DocHeader) -> Result<ScoreRecord, Error> {
    let period: Quarter = get_str(doc, &ROOT, "period")?.parse()?;
    let steward_id = h.steward_id.ok_or_else(|| Error::Invalid("a score document has no steward".into()))?;
    if score_doc_id(steward_id, period) != h.id {
        return Err(Error::Invalid("a score document's id does not match its steward and period".into()));
    }
    let mut scores = Vec::new();
    for key in doc.keys(ROOT).collect::<Vec<_>>() {
        let Some(id) = key.strip_prefix(SCORE_PREFIX) else { continue };
        let Some((Value::Object(ObjType::Map), e)) = doc.get(ROOT, key.as_str())? else { continue };
        scores.push(CriterionScore {
            criterion_id: parse_uuid(id, "criterion")?,
            points: get_i64(doc, &e, "points")?.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32,
            comment: get_str(doc, &e, "comment")?,
        });
    }
    scores.sort_by_key(|s| s.criterion_id);
    Ok(ScoreRecord {
        id: h.id,
        compound_id: h.compound_id,
        steward_id,
        period,
        scores,
        submitted_at: get_i64(doc, &ROOT, "submitted_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Millis = 1_764_547_200_000;

    fn rules() -> ScoringRules {
        let c =
            |name: &str, weight, categories| Criterion { id: Uuid::new_v4(), name: name.into(), weight, categories };
        ScoringRules {
            period: "2026-Q4".parse().unwrap(),
            criteria: vec![
                c("环境卫生", 40, vec![IssueCategory::SanitationDeadCorner]),
                c("安全秩序", 35, vec![IssueCategory::SafetyHazard, IssueCategory::EbikeParking]),
                c("报修处理", 25, vec![]),
            ],
        }
    }

    #[test]
    fn two_phones_scoring_one_period_offline_write_one_document_and_a_submitted_one_stays() {
        let r = rules();
        let (steward, compound) = (Uuid::new_v4(), Uuid::new_v4());
        let mut a = create_score(automerge::ActorId::random(), steward, compound, r.period, T).unwrap();
        let mut b = create_score(automerge::ActorId::random(), steward, compound, r.period, T).unwrap();
        let score = |c: &Criterion, points, comment: &str| CriterionScore {
            criterion_id: c.id,
            points,
            comment: comment.into(),
        };
        set_score(&mut a, &score(&r.criteria[0], 10, ""), T + 1).unwrap();
        set_score(&mut b, &score(&r.criteria[1], 6, "电瓶车乱停没人管"), T + 2).unwrap();
        a.merge(&mut b).unwrap();
        let err = submit_score(&mut a, &r, T + 3).unwrap_err().to_string();
        assert!(err.contains("报修处理"), "{err}");
        set_score(&mut a, &score(&r.criteria[2], 8, ""), T + 3).unwrap();
        assert!(submit_score(&mut a, &r, T + 4).unwrap_err().to_string().contains("marked down"));
        set_score(&mut a, &score(&r.criteria[2], 8, "报修要等三天"), T + 4).unwrap();
        submit_score(&mut a, &r, T + 5).unwrap();
        let Projection::Score(s) = project(&a).unwrap() else { panic!("a score") };
        assert_eq!((s.scores.len(), s.submitted_at, s.id), (3, Some(T + 5), score_doc_id(steward, r.period)));
        assert_eq!(r.total(&s.scores), Some(40.0 + 35.0 * 0.6 + 25.0 * 0.8));
        assert!(set_score(&mut a, &score(&r.criteria[0], 1, "x"), T + 6)
            .unwrap_err()
            .to_string()
            .contains("submitted"));
    }

    #[test]
    fn rules_reach_a_compound_document_and_read_back_in_order_with_weights_adding_to_100() {
        let r = rules();
        let mut d = create_compound(automerge::ActorId::random(), Uuid::new_v4(), "蜀汉美郡", T).unwrap();
        set_scoring_rules(&mut d, &r, T).unwrap();
        let Projection::Compound(c) = project(&d).unwrap() else { panic!("a compound") };
        assert_eq!(c.scoring, Some(r.clone()));
        let mut bad = r.clone();
        bad.criteria[0].weight = 30;
        assert!(set_scoring_rules(&mut d, &bad, T).unwrap_err().to_string().contains("90%"));
    }
}
