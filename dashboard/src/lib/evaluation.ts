// The half-year steward evaluation (每半年考核评价): every half year the community evaluates each
// steward. The server computes the steward's indicators for the half (visits, the months at the
// program's norm, must-visits, timely responses, the three clears, issues, joint meetings); the
// community enters a score (0–100) and a comment, which reach the steward's app. Here: the halves
// the screen picks from and their names, the screen's filters kept in the URL under the server's
// own names and the query (and export: the same plus `format`) they become, a row's indicators in
// words (`a/b`, 未评价), and the score dialog's checks, body and where a refusal shows.
import type { LocationQuery } from 'vue-router'
import type { ExportFormat } from '../api/client'
import type { EvaluationBody, EvaluationRow } from '../api/types'
import { i18n } from '../i18n'
import { monthOf } from './format'
import { REPORT_PATHS, reportExportUrl, toRoute } from './reportQuery'

// -- halves -------------------------------------------------------------------------------------------

const HALF = /^(20\d\d)-H([12])$/
/** How many halves the picker offers: the one under way and the three before it (two years). */
export const HALVES_SHOWN = 4
/** The months of a half (six). */
export const HALF_MONTHS = 6

/** `YYYY-Hn` is a half the server takes (2000–2099). */
export function isHalf(s: string): boolean {
  return HALF.test(s)
}

/** The half (`YYYY-H1` January–June, `YYYY-H2` July–December) an instant falls in, in the program's time zone. */
export function halfOf(ms: number): string {
  const [year, month] = monthOf(ms).split('-').map(Number)
  return `${year}-H${month <= 6 ? 1 : 2}`
}

/** The half under way (the server's default). */
export function currentHalf(now: number = Date.now()): string {
  return halfOf(now)
}

/** The half before `h`. */
export function previousHalf(h: string): string {
  const m = HALF.exec(h)
  if (!m) return h
  return m[2] === '2' ? `${m[1]}-H1` : `${Number(m[1]) - 1}-H2`
}

/** The half under way and the ones before it, newest first. */
export function recentHalves(count: number = HALVES_SHOWN, now: number = Date.now()): string[] {
  const out = [currentHalf(now)]
  while (out.length < count) out.push(previousHalf(out[out.length - 1]))
  return out
}

/** The picker's halves: the recent ones, and `selected` (from the URL) when another. */
export function halfOptions(selected: string, now: number = Date.now()): string[] {
  const out = recentHalves(HALVES_SHOWN, now)
  if (isHalf(selected) && !out.includes(selected)) out.push(selected)
  return out.sort().reverse()
}

/** `2026年下半年` / `H2 2026` (anything else as it is). */
export function halfLabel(h: string): string {
  const m = HALF.exec(h)
  return m ? i18n.global.t(`evaluation.half${m[2]}`, { year: m[1] }) : h
}

/** The half's six months, `YYYY-MM`, oldest first (the order of `monthly_visited`). */
export function halfMonths(h: string): string[] {
  const m = HALF.exec(h)
  if (!m) return []
  const first = m[2] === '1' ? 1 : 7
  return Array.from({ length: HALF_MONTHS }, (_, i) => `${m[1]}-${String(first + i).padStart(2, '0')}`)
}

// -- the screen's filters -----------------------------------------------------------------------------

function one(q: LocationQuery, k: string): string {
  const v = q[k]
  if (Array.isArray(v)) return v[0] ?? ''
  return v ?? ''
}

export interface EvaluationFilters {
  /** `YYYY-Hn`; the half under way by default. */
  half: string
  /** A place at or below the caller's (`''`: all of theirs). */
  place: string
}

/** `GET /v1/reports/evaluation`'s query: always the half (so an export names it), the place when set. */
export type EvaluationQuery = { half: string; place?: string }

export function evaluationFilters(q: LocationQuery, now: number = Date.now()): EvaluationFilters {
  const half = one(q, 'half')
  return { half: isHalf(half) ? half : currentHalf(now), place: one(q, 'place') }
}

export function evaluationQuery(f: EvaluationFilters): EvaluationQuery {
  return f.place ? { half: f.half, place: f.place } : { half: f.half }
}

/** The screen's URL query. */
export function evaluationRoute(f: EvaluationFilters): Record<string, string> {
  return toRoute(evaluationQuery(f))
}

/** The evaluation as a file: exactly the query plus `format`. */
export function evaluationExportUrl(f: EvaluationFilters, format: ExportFormat): string {
  return reportExportUrl(REPORT_PATHS.evaluation, evaluationQuery(f), format)
}

// -- a row in words -----------------------------------------------------------------------------------

/** `a/b`. */
export function ratio(a: number, b: number): string {
  return `${a}/${b}`
}

/** Comments longer than this show cut, with `…` (the whole one in the cell's title). */
export const COMMENT_SHOWN = 24

/** A text cut to `max` characters (code points) with `…`; `—` for none. */
export function truncate(text: string | null | undefined, max: number = COMMENT_SHOWN): string {
  const s = (text ?? '').trim()
  if (!s) return '—'
  const chars = [...s]
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : s
}

/** A mean number of days to one decimal. */
export function formatDays(d: number | null | undefined): string {
  return d === null || d === undefined || !Number.isFinite(d) ? '—' : d.toFixed(1)
}

/** A row's cells as the table shows them (the keys are the cells' `data-test="ind-<key>"`). */
export interface EvaluationCells {
  compound: string
  steward: string
  visits: string
  /** Households visited of those in contact (走访户数/联系户数). */
  households: string
  /** Months at the norm of the six (达标月数). */
  norm: string
  /** Must-visits answered of those raised. */
  'must-visits': string
  /** The mean days to answer one (平均 8.8 天), `''` when none was answered. */
  'must-visit-days': string
  /** Timely responses on time of those raised. */
  timely: string
  /** The three clears: party members, basic profile, key service, each of the households. */
  'clear-party': string
  'clear-basic': string
  'clear-key-service': string
  /** Issues reported / verified (上报/核实). */
  issues: string
  /** Joint meetings called. */
  meetings: string
  /** Their decisions followed up of those made. */
  decisions: string
  /** The community's score, or 未评价. */
  score: string
  /** The comment, cut (`—` for none). */
  comment: string
}

export function evaluationCells(r: EvaluationRow): EvaluationCells {
  const t = i18n.global.t
  return {
    compound: r.compound,
    steward: r.steward,
    visits: String(r.visits),
    households: ratio(r.households_visited, r.households),
    norm: ratio(r.months_meeting_norm, HALF_MONTHS),
    'must-visits': ratio(r.must_visits_answered, r.must_visits),
    'must-visit-days': r.must_visit_days === null || r.must_visit_days === undefined ? '' : t('evaluation.meanDays', { n: formatDays(r.must_visit_days) }),
    timely: ratio(r.timely_on_time, r.timely),
    'clear-party': ratio(r.party_member_known, r.households),
    'clear-basic': ratio(r.basic_profile_complete, r.households),
    'clear-key-service': ratio(r.key_service_known, r.households),
    issues: ratio(r.issues_reported, r.issues_verified),
    meetings: t('evaluation.meetingsHeld', { n: r.meetings_held }),
    decisions: ratio(r.decisions_followed, r.decisions),
    score: r.score === null || r.score === undefined ? t('evaluation.notEvaluated') : String(r.score),
    comment: truncate(r.comment),
  }
}

/** Whether the community has evaluated the steward for the half. */
export function isEvaluated(r: Pick<EvaluationRow, 'score'>): boolean {
  return r.score !== null && r.score !== undefined
}

/** The six months' households visited, each with its month and whether it reached the norm. */
export function monthlyVisits(r: Pick<EvaluationRow, 'monthly_visited'>, half: string, norm: number): { month: string; visited: number; met: boolean }[] {
  const months = halfMonths(half)
  return months.map((month, i) => {
    const visited = r.monthly_visited?.[i] ?? 0
    return { month, visited, met: visited >= norm }
  })
}

// -- the score dialog ---------------------------------------------------------------------------------

export const SCORE_MIN = 0
export const SCORE_MAX = 100
/** A comment's most characters (the server's). */
export const EVALUATION_COMMENT_MAX = 2000

export interface EvaluationDraft {
  /** Empty input: null. */
  score: number | null
  comment: string
}

/** The dialog's start: the steward's score and comment for the half, if any. */
export function evaluationDraft(r: Pick<EvaluationRow, 'score' | 'comment'> | null | undefined): EvaluationDraft {
  return { score: r?.score ?? null, comment: r?.comment ?? '' }
}

/** Why the evaluation may not be sent yet, by part (`score`, `comment`): i18n keys. */
export function evaluationProblems(d: EvaluationDraft): Partial<Record<'score' | 'comment', string>> {
  const out: Partial<Record<'score' | 'comment', string>> = {}
  if (d.score === null || d.score === undefined || Number.isNaN(d.score)) out.score = 'evaluation.problem.scoreRequired'
  else if (!Number.isInteger(d.score) || d.score < SCORE_MIN || d.score > SCORE_MAX) out.score = 'evaluation.problem.scoreRange'
  if ([...d.comment.trim()].length > EVALUATION_COMMENT_MAX) out.comment = 'evaluation.problem.commentLong'
  return out
}

/** The body of `PUT /v1/evaluations/{steward_id}/{half}` (the comment trimmed; empty clears it). */
export function evaluationBody(d: EvaluationDraft): EvaluationBody {
  return { score: d.score as number, comment: d.comment.trim() }
}

/** Where a refusal's `field` shows in the dialog: beside the score or the comment, else above the buttons. */
export function evaluationErrorPart(field: string | null | undefined): 'score' | 'comment' | '' {
  if (field === 'score') return 'score'
  if (field === 'comment') return 'comment'
  return ''
}
