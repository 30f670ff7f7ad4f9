//! Stewards score property companies (评价物业): the housing bureau's rules, published by an
//! admin into every compound's settings (so they reach the phones by sync), and the scores of a
//! period by compound — weighted total, ranking, each criterion's average beside the issues in
//! its categories, a trend over four quarters. A property company reads its own compounds'
//! scores and comments, never who gave which.

use super::exports::{compounds_of, report, Reads, Report, ReportQuery};
use super::*;
use crate::read_model::IndexedScore;
use crate::table::{Cell, Table};
use steward_core::doc::{Criterion, ScoringRules, FULL_POINTS};
use steward_core::model::IssueCategory;
use steward_core::time::Quarter;

/// One criterion as an admin enters it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CriterionBody {
    /// e.g. 环境卫生; at most 100 characters.
    name: String,
    /// Percent; a period's weights add up to 100.
    weight: u32,
    /// Issue category codes behind it, e.g. `sanitation_dead_corner`.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    categories: Vec<IssueCategory>,
}

/// The body of `PUT /v1/scoring-rules`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RulesBody {
    /// YYYY-Qn.
    #[schema(value_type = String, example = "2026-Q4")]
    period: String,
    criteria: Vec<CriterionBody>,
}

#[utoipa::path(
    put, path = "/v1/scoring-rules", tag = "admin",
    summary = "Publish the housing bureau's scoring rules for a period (区住建局考评细则)",
    description = "Admins only. Criteria with weights adding up to 100 and the issue categories behind each; written \
into every compound's settings document, so they reach the stewards' phones by sync. Publishing a period again keeps \
the ids of criteria of the same name (scores already given stay attached).",
    request_body(content = RulesBody, description = "JSON, at most 64 KiB."),
    responses(
        (status = 200, description = "The rules as published, with each criterion's id.", body = openapi::RulesDoc),
        (status = 400, description = "`bad_request` or `invalid_field`: not `{period, criteria}`, or rules that do not hold (`field` names it: `period`, `criteria`).", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, response = openapi::AdminOnly),
        (status = 408, response = openapi::BodyTimeout),
        (status = 413, response = openapi::PayloadTooLarge),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn publish_rules(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<ScoringRules>> {
    let u = user(&state, &headers).await?;
    if u.role != Role::Admin {
        return Err(ApiError::forbidden("only an admin publishes the scoring rules"));
    }
    let body: RulesBody = read_json(
        &state,
        &headers,
        body,
        JSON_BODY_BYTES,
        r#"{"period": "2026-Q4", "criteria": [{"name": "...", "weight": 25, "categories": []}]}"#,
    )
    .await?;
    let period: Quarter =
        body.period.trim().parse().map_err(|e: steward_core::Error| ApiError::field("period", e.to_string()))?;
    let rules = blocking(&state, move |s| {
        let before: Option<ScoringRules> =
            s.storage().rules(&period.to_string())?.and_then(|j| serde_json::from_str(&j).ok());
        let id_of = |name: &str| {
            before
                .as_ref()
                .and_then(|r| r.criteria.iter().find(|c| c.name == name.trim()).map(|c| c.id))
                .unwrap_or_else(Uuid::new_v4)
        };
        let rules = ScoringRules {
            period,
            criteria: body
                .criteria
                .iter()
                .map(|c| Criterion {
                    id: id_of(&c.name),
                    name: c.name.trim().to_string(),
                    weight: c.weight,
                    categories: c.categories.clone(),
                })
                .collect(),
        };
        rules.check().map_err(|e| ApiError::field("criteria", e.to_string()))?;
        crate::admin::publish_scoring_rules(s, &rules)?;
        Ok(rules)
    })
    .await?;
    Ok(Json(rules))
}

#[utoipa::path(
    get, path = "/v1/scoring-rules", tag = "reads",
    summary = "A period's scoring rules",
    params(("quarter" = Option<String>, Query, pattern = "^[0-9]{4}-Q[1-4]$", description = "YYYY-Qn; the current quarter by default.")),
    responses(
        (status = 200, description = "The rules.", body = openapi::RulesDoc),
        (status = 400, description = "`invalid_field`: the quarter is not YYYY-Qn.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token.", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no rules published for that period.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn rules(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let _u = user(&state, &headers).await?;
    let v = blocking(&state, move |s| {
        let period = q.quarter(s)?;
        let json = s
            .storage()
            .rules(&period.to_string())?
            .ok_or_else(|| ServiceError::NotFound(format!("no scoring rules published for {period}")))?;
        Ok(serde_json::from_str(&json).map_err(|e| ServiceError::Internal(e.to_string()))?)
    })
    .await?;
    Ok(Json(v))
}

/// A criterion's scores in one compound.
#[derive(Debug, Serialize)]
struct CriterionRow {
    criterion_id: Uuid,
    name: String,
    weight: u32,
    /// Mean points (0–10) of the stewards who scored it; `None` with no scores.
    average: Option<f64>,
    /// Stewards who gave less than full marks.
    marked_down: u32,
    /// Issues reported in the compound in the period in the criterion's categories.
    issues: u64,
}

/// One comment, with no one's name.
#[derive(Debug, Serialize)]
struct Comment {
    criterion_id: Uuid,
    points: u32,
    comment: String,
}

#[derive(Debug, Serialize)]
struct CompoundScores {
    compound_id: Uuid,
    compound: String,
    /// Stewards who submitted scores.
    scorers: u32,
    /// The mean of the stewards' weighted totals (0–100); `None` with no scores.
    total: Option<f64>,
    /// 1 for the best; `None` with no scores.
    rank: Option<u32>,
    criteria: Vec<CriterionRow>,
    comments: Vec<Comment>,
    /// This and the three quarters before, oldest first: `{quarter, total}`.
    trend: Vec<serde_json::Value>,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The mean weighted total of the stewards' submitted scores of one compound and period.
fn total_of(rules: &ScoringRules, rows: &[&IndexedScore]) -> (u32, Option<f64>) {
    let mut docs: Vec<Uuid> = rows.iter().map(|r| r.doc_id).collect();
    docs.sort();
    docs.dedup();
    let totals: Vec<f64> = docs
        .iter()
        .filter_map(|d| {
            let scores: Vec<steward_core::doc::CriterionScore> = rows
                .iter()
                .filter(|r| r.doc_id == *d)
                .map(|r| steward_core::doc::CriterionScore {
                    criterion_id: r.criterion_id,
                    points: r.points,
                    comment: String::new(),
                })
                .collect();
            rules.total(&scores)
        })
        .collect();
    let mean = (!totals.is_empty()).then(|| round1(totals.iter().sum::<f64>() / totals.len() as f64));
    (docs.len() as u32, mean)
}

#[utoipa::path(
    get, path = "/v1/reports/scores", tag = "reports",
    summary = "The stewards' scores of the property companies for a quarter, by compound",
    description = "Per compound of the place: stewards who scored, the mean weighted total (0–100) and its rank, each \
criterion's mean points beside the issues reported in its categories that quarter, the comments (with no one's name) \
and the totals of the last four quarters. Supervisors and admins; a property company reads its own compounds' and never \
who gave which.",
    params(
        ("quarter" = Option<String>, Query, pattern = "^[0-9]{4}-Q[1-4]$", example = "2026-Q4", description = "YYYY-Qn; the current quarter by default."),
        openapi::ReportParams,
    ),
    responses(
        (status = 200, description = "The report: JSON, or a CSV or XLSX file (one row per compound and criterion).",
            content((openapi::ScoresReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv` or `xlsx`: `attachment; filename=\"<report>.<format>\"`."))),
        (status = 400, description = "`invalid_field`: a query parameter is not what it takes (`field` names it).", body = openapi::ErrorDoc),
        (status = 404, description = "`not_found`: no such place in your place, or no rules published for the quarter.", body = openapi::ErrorDoc),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token; `forbidden_document`: the account has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn report_scores(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::PropertyOwn, |s, q, w| {
        let quarter = q.quarter(s)?;
        let rules_of = |p: Quarter| -> ApiResult<Option<ScoringRules>> {
            Ok(s.storage().rules(&p.to_string())?.and_then(|j| serde_json::from_str(&j).ok()))
        };
        let rules = rules_of(quarter)?
            .ok_or_else(|| ServiceError::NotFound(format!("no scoring rules published for {quarter}")))?;
        let mut periods = vec![quarter];
        for _ in 0..3 {
            let first = periods[0].first_month().prev();
            periods.insert(0, Quarter::of(first));
        }
        let period_rules: Vec<(Quarter, Option<ScoringRules>)> =
            periods.iter().map(|p| Ok((*p, rules_of(*p)?))).collect::<ApiResult<_>>()?;
        let rows = s.storage().score_rows(&w.slice, &periods.iter().map(Quarter::to_string).collect::<Vec<_>>())?;
        let (from, to) = quarter.range(&s.zone());
        let tally = s.storage().issue_tally(&w.slice, from, to)?;
        let mut compounds: Vec<CompoundScores> = compounds_of(s, w)?
            .iter()
            .map(|p| {
                let here: Vec<&IndexedScore> =
                    rows.iter().filter(|r| r.compound_id == p.id && r.period == quarter.to_string()).collect();
                let (scorers, total) = total_of(&rules, &here);
                let criteria = rules
                    .criteria
                    .iter()
                    .map(|c| {
                        let of: Vec<&&IndexedScore> = here.iter().filter(|r| r.criterion_id == c.id).collect();
                        CriterionRow {
                            criterion_id: c.id,
                            name: c.name.clone(),
                            weight: c.weight,
                            average: (!of.is_empty())
                                .then(|| round1(of.iter().map(|r| f64::from(r.points)).sum::<f64>() / of.len() as f64)),
                            marked_down: of.iter().filter(|r| r.points < FULL_POINTS).count() as u32,
                            issues: tally
                                .iter()
                                .filter(|t| {
                                    t.compound_id == p.id && c.categories.iter().any(|k| k.as_code() == t.category)
                                })
                                .map(|t| u64::from(t.count))
                                .sum(),
                        }
                    })
                    .collect();
                let mut comments: Vec<Comment> = here
                    .iter()
                    .filter(|r| !r.comment.trim().is_empty())
                    .map(|r| Comment { criterion_id: r.criterion_id, points: r.points, comment: r.comment.clone() })
                    .collect();
                // Sorted by criterion and text: nothing in the order tells who wrote which.
                comments.sort_by(|a, b| (a.criterion_id, &a.comment).cmp(&(b.criterion_id, &b.comment)));
                let trend = period_rules
                    .iter()
                    .map(|(period, r)| {
                        let of: Vec<&IndexedScore> =
                            rows.iter().filter(|x| x.compound_id == p.id && x.period == period.to_string()).collect();
                        let total = r.as_ref().and_then(|r| total_of(r, &of).1);
                        serde_json::json!({ "quarter": period.to_string(), "total": total })
                    })
                    .collect();
                CompoundScores {
                    compound_id: p.id,
                    compound: p.name.clone(),
                    scorers,
                    total,
                    rank: None,
                    criteria,
                    comments,
                    trend,
                }
            })
            .collect();
        let mut ranked: Vec<(usize, f64)> =
            compounds.iter().enumerate().filter_map(|(i, c)| c.total.map(|t| (i, t))).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (rank, (i, _)) in ranked.iter().enumerate() {
            compounds[*i].rank = Some(rank as u32 + 1);
        }
        compounds.sort_by_key(|c| (c.rank.is_none(), c.rank, c.compound.clone()));
        let mut t = Table::new(
            format!("scores-{quarter}"),
            format!("物业服务评价 {quarter}"),
            &[
                "排名/rank",
                "小区/compound",
                "评分人数/scorers",
                "综合得分/total",
                "考评指标/criterion",
                "权重%/weight",
                "平均分/average",
                "扣分人数/marked down",
                "相关问题/issues",
            ],
        );
        for c in &compounds {
            for k in &c.criteria {
                t.rows.push(vec![
                    c.rank.map_or(Cell::text(""), |r| Cell::Int(r.into())),
                    Cell::text(&c.compound),
                    Cell::Int(c.scorers.into()),
                    c.total.map_or(Cell::text(""), |x| Cell::text(format!("{x:.1}"))),
                    Cell::text(&k.name),
                    Cell::Int(k.weight.into()),
                    k.average.map_or(Cell::text(""), |x| Cell::text(format!("{x:.1}"))),
                    Cell::Int(k.marked_down.into()),
                    Cell::Int(k.issues as i64),
                ]);
            }
        }
        Report::new(&serde_json::json!({ "quarter": quarter.to_string(), "rules": rules, "compounds": compounds }), t)
    })
    .await
}
