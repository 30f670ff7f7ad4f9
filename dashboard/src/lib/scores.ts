// Scoring the property companies (评价物业): each quarter the stewards score their compound's
// property company on the phones under the district housing bureau's rules (区住建局考评细则:
// criteria with weights adding up to 100, each backed by issue categories). Here: the quarters the
// screens pick from (the rules form also the next one), the scores screen's filters kept in the URL
// under the server's own names and the query (and export: the same plus `format`) they become,
// a score in words, where a criterion's issues are on the board, the comments grouped by
// criterion (never anyone's name: the server gives none), the 4-quarter trend as a chart's series,
// and the rules form's check (the weights' sum) and body.
import type { EChartsCoreOption } from 'echarts/core'
import type { LocationQuery, RouteLocationRaw } from 'vue-router'
import type { ExportFormat } from '../api/client'
import type { RuleCriterion, ScoreComment, ScoreCompound, ScoreCriterion, ScoreTrendPoint } from '../api/types'
import { isQuarter, quarterLabel, quarterOptions, currentQuarter, previousQuarter } from './meetings'
import { REPORT_PATHS, reportExportUrl, toRoute } from './reportQuery'

// -- quarters ---------------------------------------------------------------------------------------

/** The quarter after `q`. */
export function nextQuarter(q: string): string {
  const m = /^(20\d\d)-Q([1-4])$/.exec(q)
  if (!m) return q
  const year = Number(m[1])
  const n = Number(m[2])
  return n === 4 ? `${year + 1}-Q1` : `${year}-Q${n + 1}`
}

/** The scores screen's quarters: this one and the seven before, newest first (and one from the URL). */
export function scoreQuarters(selected: string, now: number = Date.now()): string[] {
  return quarterOptions(selected, now)
}

/** The rules form's periods: the next quarter (rules are published ahead), this one and the ones before. */
export function rulesPeriods(selected: string, now: number = Date.now()): string[] {
  const out = quarterOptions(selected, now)
  const next = nextQuarter(currentQuarter(now))
  if (!out.includes(next)) out.unshift(next)
  return out.sort().reverse()
}

/** The quarter the demo's (and a new term's) scores are in: the last one. */
export function lastQuarter(now: number = Date.now()): string {
  return previousQuarter(currentQuarter(now))
}

// -- the scores screen --------------------------------------------------------------------------------

function one(q: LocationQuery, k: string): string {
  const v = q[k]
  if (Array.isArray(v)) return v[0] ?? ''
  return v ?? ''
}

export interface ScoresFilters {
  /** `YYYY-Qn`; this quarter by default. */
  quarter: string
  /** A place (never for a property company: the server gives it its own compound). */
  place: string
}

/** `GET /v1/reports/scores`'s query. */
export type ScoresQuery = { quarter: string; place?: string }

export function scoresFilters(q: LocationQuery, now: number = Date.now()): ScoresFilters {
  const quarter = one(q, 'quarter')
  return { quarter: isQuarter(quarter) ? quarter : currentQuarter(now), place: one(q, 'place') }
}

export function scoresQuery(f: ScoresFilters): ScoresQuery {
  return f.place ? { quarter: f.quarter, place: f.place } : { quarter: f.quarter }
}

/** The screen's URL: the filters and the compound whose detail is open. */
export function scoresRoute(f: ScoresFilters, compound = ''): Record<string, string> {
  return { ...toRoute(scoresQuery(f)), ...(compound ? { compound } : {}) }
}

/** The ranking as a file (one row per compound and criterion): exactly the query plus `format`. */
export function scoresExportUrl(f: ScoresFilters, format: ExportFormat): string {
  return reportExportUrl(REPORT_PATHS.scores, scoresQuery(f), format)
}

/** A total (0–100) or an average (0–10) to one decimal; `—` for none (nobody scored). */
export function formatScore(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(1)
}

/** The compound whose detail shows: the one asked if it is in the answer, else the first (the best). */
export function chosenCompound(compounds: readonly ScoreCompound[], id: string): ScoreCompound | null {
  return compounds.find((c) => c.compound_id === id) ?? compounds[0] ?? null
}

/**
 * Where a criterion's issues are: the board narrowed to the compound, every report time (全部),
 * and the category when the criterion has exactly one (the board filters by one category).
 */
export function criterionIssuesLink(compoundId: string, categories: readonly string[] | undefined): RouteLocationRaw {
  const query: Record<string, string> = { place: compoundId, max_age_days: '0' }
  if (categories?.length === 1) query.category = categories[0]
  return { name: 'issues', query }
}

/** A criterion's issue categories (from the quarter's rules), by criterion id. */
export function categoriesOf(rules: readonly RuleCriterion[] | undefined, criterionId: string): string[] {
  return rules?.find((r) => r.id === criterionId)?.categories ?? []
}

export interface CommentGroup {
  criterion_id: string
  name: string
  comments: { points: number; comment: string }[]
}

/** The comments under their criteria, in the rules' order, lowest points first; criteria with none left out. */
export function commentsByCriterion(criteria: readonly Pick<ScoreCriterion, 'criterion_id' | 'name'>[], comments: readonly ScoreComment[]): CommentGroup[] {
  const out: CommentGroup[] = []
  for (const c of criteria) {
    const mine = comments
      .filter((x) => x.criterion_id === c.criterion_id && x.comment.trim())
      .map((x) => ({ points: x.points, comment: x.comment.trim() }))
      .sort((a, b) => a.points - b.points || a.comment.localeCompare(b.comment))
    if (mine.length) out.push({ criterion_id: c.criterion_id, name: c.name, comments: mine })
  }
  return out
}

/** The trend line's axis (the quarters in words, oldest first) and values (null: no score, a gap). */
export function trendSeries(trend: readonly ScoreTrendPoint[]): { quarters: string[]; labels: string[]; totals: (number | null)[] } {
  const points = [...trend].sort((a, b) => a.quarter.localeCompare(b.quarter))
  return { quarters: points.map((p) => p.quarter), labels: points.map((p) => quarterLabel(p.quarter)), totals: points.map((p) => p.total ?? null) }
}

/** The trend as a line chart (0–100; a quarter without scores is a gap, not a 0). */
export function trendOption(trend: readonly ScoreTrendPoint[], name: string): EChartsCoreOption {
  const s = trendSeries(trend)
  return {
    color: ['#c0262d'],
    tooltip: { trigger: 'axis', formatter: (ps: { dataIndex: number; value: number | null }[]) => `${s.labels[ps[0]?.dataIndex ?? 0] ?? ''}<br/>${name}: ${formatScore(ps[0]?.value)}` },
    grid: { left: 40, right: 24, top: 24, bottom: 30, containLabel: true },
    // The quarters' codes on the axis (a quarter in words is too long for four), in words in the tooltip.
    xAxis: { type: 'category', data: s.quarters, axisLabel: { interval: 0, fontSize: 12 } },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [{ name, type: 'line', data: s.totals, connectNulls: false, symbolSize: 9, label: { show: true, formatter: (p: { value: number | null }) => formatScore(p.value) } }],
  }
}

// -- the rules form (考评细则) ---------------------------------------------------------------------

export interface RuleRow {
  name: string
  weight: number
  categories: string[]
}

/** The weights' sum (a blank or bad weight counts 0). */
export function weightsSum(rows: readonly Pick<RuleRow, 'weight'>[]): number {
  return rows.reduce((s, r) => s + (Number.isFinite(r.weight) ? r.weight : 0), 0)
}

/** Why the rules may not be published yet (`null`: they may): the sum is not 100, a name is missing, a weight is not a whole number ≥ 0. */
export function rulesProblem(rows: readonly RuleRow[]): 'empty' | 'name' | 'weight' | 'sum' | null {
  if (!rows.length) return 'empty'
  if (rows.some((r) => !r.name.trim())) return 'name'
  if (rows.some((r) => !Number.isInteger(r.weight) || r.weight < 0)) return 'weight'
  if (weightsSum(rows) !== 100) return 'sum'
  return null
}

/** The form's rows from published rules (ids dropped: the server keeps them by name). */
export function rulesRows(criteria: readonly RuleCriterion[] | undefined): RuleRow[] {
  return (criteria ?? []).map((c) => ({ name: c.name, weight: c.weight, categories: [...(c.categories ?? [])] }))
}

/** The body of `PUT /v1/scoring-rules`. */
export function rulesBody(period: string, rows: readonly RuleRow[]): { period: string; criteria: RuleRow[] } {
  return { period, criteria: rows.map((r) => ({ name: r.name.trim(), weight: r.weight, categories: [...r.categories] })) }
}

/** The server's field (`criteria`, `criteria[2].categories[0]`, `period`) as the form's part: `period` or `criteria`. */
export function rulesErrorPart(field: string | null | undefined): 'period' | 'criteria' | '' {
  if (!field) return ''
  if (field === 'period') return 'period'
  return field.startsWith('criteria') ? 'criteria' : ''
}
