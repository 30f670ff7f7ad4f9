//! The district's year in figures (as the program's own article counts them): visits, opinions
//! collected by category, joint meetings held, compound problems solved, residents' problems
//! passed on by property companies, pairing cases by outcome — for any period of months and any
//! place, each figure with the breakdown the console links to its rows.

use super::exports::{report, Reads, Report, ReportQuery};
use super::*;
use crate::table::{Cell, Table};
use steward_core::model::{ActivityKind, IssueCategory, IssueOrigin, OpinionCategory, PairingOutcome, TeamKind};

/// One headline figure.
#[derive(Debug, Serialize)]
struct Figure {
    /// `visits`, `opinions`, `meetings`, `compound_problems_solved`, `referrals`, `pairing`, `teams`.
    key: &'static str,
    label_zh: &'static str,
    label_en: &'static str,
    value: u64,
    /// The unit in Chinese: 人次, 条, 次, 件, 户.
    unit_zh: &'static str,
    breakdown: Vec<Part>,
}

#[derive(Debug, Serialize)]
struct Part {
    key: String,
    label_zh: String,
    value: u64,
}

fn part(key: impl Into<String>, label_zh: impl Into<String>, value: impl Into<u64>) -> Part {
    Part { key: key.into(), label_zh: label_zh.into(), value: value.into() }
}

#[utoipa::path(
    get, path = "/v1/reports/figures", tag = "reports",
    summary = "The program's headline figures for a period (the district's year in figures)",
    description = "For the place (and below) and the months `from` to `to` (this year so far by default): visits \
(人次) and households visited; opinions and suggestions collected, by category; joint meetings held, with their \
decisions and how many are done; compound problems (a steward's reports) solved; residents' problems passed on by \
property companies, by category and how many are solved; pairing assistance cases opened, by outcome, with the \
amounts secured; volunteer and culture teams, with their members and the activities held in the period by kind and \
their participants. Counts only: nothing of a household is shown. Supervisors and admins; the file is one row per figure \
and part.",
    params(
        ("from" = Option<String>, Query, description = "First month, YYYY-MM; January of this year by default."),
        ("to" = Option<String>, Query, description = "Last month (included), YYYY-MM; this month by default."),
        openapi::ReportParams,
    ),
    responses(
        (status = 200, description = "The figures: JSON, or a CSV or XLSX file.",
            content((openapi::FiguresReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
            headers(("Content-Disposition" = String,
                description = "With `format=csv` or `xlsx`: `attachment; filename=\"<report>.<format>\"`."))),
        (status = 400, description = "`invalid_field`: a query parameter is not what it takes (`field` names it).", body = openapi::ErrorDoc),
        (status = 404, response = openapi::PlaceNotFound),
        (status = 401, response = openapi::Unauthorized),
        (status = 403, description = "`forbidden`: a device token, or a property company; `forbidden_document`: the account has no place.", body = openapi::ErrorDoc),
        (status = 500, response = openapi::Internal),
        (status = 503, response = openapi::ShuttingDown),
    ),
    security(("session_token" = []))
)]
pub(super) async fn report_figures(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(state, headers, q, Reads::Households, |s, q, w| {
        let (from, to, first, last) = q.period_or_this_year(s)?;
        let store = s.storage();
        let (visits, households) = store.visit_trend(&w.slice, &[(from, to)])?.first().copied().unwrap_or((0, 0));
        let opinions = store.opinion_counts(&w.slice, from, to)?;
        let meetings = store.meeting_rows(&w.slice, from, to)?;
        let decisions = store.decision_rows(&w.slice, Some((from, to)), None)?;
        let tally = store.issue_tally(&w.slice, from, to)?;
        let count = |origin: IssueOrigin, solved_only: bool, category: Option<&str>| -> u64 {
            tally
                .iter()
                .filter(|t| {
                    t.origin == origin.as_code()
                        && (!solved_only || matches!(t.status.as_str(), "resolved" | "verified"))
                        && category.is_none_or(|x| x == t.category)
                })
                .map(|t| u64::from(t.count))
                .sum()
        };
        // Opened in the figures' period (this year by default), whatever else the query says.
        let cases = store.pairing_rows(&w.slice, Some((from, to)))?;

        let mut figures = vec![
            Figure {
                key: "visits",
                label_zh: "走访群众",
                label_en: "Household visits",
                value: visits.into(),
                unit_zh: "人次",
                breakdown: vec![part("households_visited", "走访户数", households)],
            },
            Figure {
                key: "opinions",
                label_zh: "收集意见建议",
                label_en: "Opinions and suggestions collected",
                value: opinions.iter().map(|(_, n)| u64::from(*n)).sum(),
                unit_zh: "条",
                breakdown: OpinionCategory::ALL
                    .iter()
                    .map(|c| {
                        let n = opinions.iter().find(|(code, _)| code == c.as_code()).map_or(0, |(_, n)| *n);
                        part(c.as_code(), c.label_zh(), n)
                    })
                    .collect(),
            },
            Figure {
                key: "meetings",
                label_zh: "召开联席会议",
                label_en: "Joint meetings held",
                value: meetings.len() as u64,
                unit_zh: "次",
                breakdown: vec![
                    part("decisions", "商定事项", decisions.len() as u64),
                    part("decisions_done", "已落实", decisions.iter().filter(|d| d.status == "done").count() as u64),
                ],
            },
            Figure {
                key: "compound_problems_solved",
                label_zh: "协同解决小区难题",
                label_en: "Compound problems solved",
                value: count(IssueOrigin::Steward, true, None),
                unit_zh: "件",
                breakdown: vec![part("reported", "红色管家上报", count(IssueOrigin::Steward, false, None))],
            },
            Figure {
                key: "referrals",
                label_zh: "协调解决物业反馈的居民诉求",
                label_en: "Residents' problems passed on by property companies",
                value: count(IssueOrigin::PropertyCompany, false, None),
                unit_zh: "件",
                breakdown: std::iter::once(part("solved", "已解决", count(IssueOrigin::PropertyCompany, true, None)))
                    .chain(
                        IssueCategory::ALL.iter().filter(|c| !c.is_compound_scan() || **c == IssueCategory::Other).map(
                            |c| {
                                part(
                                    c.as_code(),
                                    c.label_zh(),
                                    count(IssueOrigin::PropertyCompany, false, Some(c.as_code())),
                                )
                            },
                        ),
                    )
                    .collect(),
            },
        ];
        let mut pairing =
            vec![part("open", "帮扶中", cases.iter().filter(|c| c.row.closed_at.is_none()).count() as u64)];
        pairing.extend(PairingOutcome::ALL.iter().map(|o| {
            part(
                o.as_code(),
                o.label_zh(),
                cases.iter().filter(|c| c.row.outcome.as_deref() == Some(o.as_code())).count() as u64,
            )
        }));
        pairing.push(part(
            "amount_yuan",
            "争取资金（元）",
            cases.iter().filter_map(|c| c.row.amount_yuan).map(u64::from).sum::<u64>(),
        ));
        figures.push(Figure {
            key: "pairing",
            label_zh: "结对帮扶",
            label_en: "Pairing assistance cases",
            value: cases.len() as u64,
            unit_zh: "户",
            breakdown: pairing,
        });

        // Volunteer and culture teams: the teams of the place now, their activities in the period.
        let teams = store.team_rows(&w.slice)?;
        let activities = store.activity_rows(&w.slice, from, to)?;
        let mut team_parts: Vec<Part> = TeamKind::ALL
            .iter()
            .map(|k| part(k.as_code(), k.label_zh(), teams.iter().filter(|t| t.kind == k.as_code()).count() as u64))
            .collect();
        team_parts.push(part("members", "队员（人）", teams.iter().map(|t| u64::from(t.members)).sum::<u64>()));
        team_parts.push(part("activities", "开展活动（次）", activities.len() as u64));
        team_parts.extend(ActivityKind::ALL.iter().map(|k| {
            part(
                format!("activities_{}", k.as_code()),
                k.label_zh(),
                activities.iter().filter(|a| a.kind == k.as_code()).count() as u64,
            )
        }));
        team_parts.push(part(
            "participants",
            "参与（人次）",
            activities.iter().map(|a| u64::from(a.participants)).sum::<u64>(),
        ));
        figures.push(Figure {
            key: "teams",
            label_zh: "志愿服务队、文化宣传队",
            label_en: "Volunteer and culture teams",
            value: teams.len() as u64,
            unit_zh: "支",
            breakdown: team_parts,
        });

        let period = if first == last { first.to_string() } else { format!("{first} — {last}") };
        let mut t = Table::new(
            format!("figures-{first}-{last}"),
            format!("红色管家工作数据 {period}"),
            &["指标/figure", "数值/value", "单位/unit", "其中/part", "数值/part value"],
        );
        for f in &figures {
            t.rows.push(vec![
                Cell::text(f.label_zh),
                Cell::Int(f.value as i64),
                Cell::text(f.unit_zh),
                Cell::text(""),
                Cell::text(""),
            ]);
            for p in &f.breakdown {
                t.rows.push(vec![
                    Cell::text(""),
                    Cell::text(""),
                    Cell::text(""),
                    Cell::text(&p.label_zh),
                    Cell::Int(p.value as i64),
                ]);
            }
        }
        Report::new(&serde_json::json!({ "from": first.to_string(), "to": last.to_string(), "figures": figures }), t)
    })
    .await
}
