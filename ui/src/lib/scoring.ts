// Scoring the property company (评价物业) once a quarter under the district housing bureau's rules
// (区住建局制定物业服务企业考评细则): the quarter's label, the weighted total, and what is still
// missing before the score can be submitted.
import type { Quarter, ScoreRecord, Scoring, ScoringCriterion } from '../api'

/** Full marks for one criterion. */
export const FULL_POINTS = 10
/** The points a criterion may get, lowest first. */
export const POINTS = Array.from({ length: FULL_POINTS + 1 }, (_, i) => i)

/** One criterion as the screen holds it: points not yet chosen are null. */
export interface CriterionDraft { points: number | null; comment: string }
export type ScoreDrafts = Record<string, CriterionDraft>

/** "2026年第4季度" (zh) or "Q4 2026" (en) for "2026-Q4"; anything else as it is. */
export function periodLabel(period: Quarter, locale: string): string {
  const m = /^(\d{4})-Q([1-4])$/.exec(period)
  if (!m) return period
  return locale.startsWith('zh') ? `${m[1]}年第${m[2]}季度` : `Q${m[2]} ${m[1]}`
}

/** Whole points from 0 to 10. */
export function validPoints(n: unknown): n is number {
  return Number.isInteger(n) && (n as number) >= 0 && (n as number) <= FULL_POINTS
}

/** Below full marks: the steward must say why it is marked down. */
export function needsComment(points: number | null): boolean {
  return points != null && points < FULL_POINTS
}

/** The steward's score for the rules' quarter (one kept from another quarter is not it). */
export function scoreOf(s: Scoring | null): ScoreRecord | null {
  if (!s?.rules || !s.score || s.score.period !== s.rules.period) return null
  return s.score
}

/** The score as the screen holds it, one entry per criterion of the rules. */
export function draftsOf(s: Scoring | null): ScoreDrafts {
  const out: ScoreDrafts = {}
  const score = scoreOf(s)
  for (const c of s?.rules?.criteria ?? []) {
    const saved = score?.scores.find((x) => x.criterion_id === c.id)
    out[c.id] = { points: saved && validPoints(saved.points) ? saved.points : null, comment: saved?.comment ?? '' }
  }
  return out
}

/** Criteria scored so far. */
export function scoredCount(criteria: ScoringCriterion[], drafts: ScoreDrafts): number {
  return criteria.filter((c) => drafts[c.id]?.points != null).length
}

/**
 * The weighted total of the criteria scored so far (综合得分, out of 100): each criterion's
 * weight × points / 10, summed, to one decimal.
 */
export function weightedTotal(criteria: ScoringCriterion[], drafts: ScoreDrafts): number {
  let sum = 0
  for (const c of criteria) {
    const p = drafts[c.id]?.points
    if (p != null) sum += c.weight * p
  }
  return Math.round(sum) / 10
}

/** "86.5", always with its one decimal. */
export function formatTotal(total: number): string {
  return total.toFixed(1)
}

/** What stops a submission: the i18n key, and the criteria it names (ids and names in the bureau's order). */
export interface ScoreProblem {
  key: 'scoring.errors.unscored' | 'scoring.errors.noComment'
  ids: string[]
  names: string[]
}

/** What must be done before submitting: criteria not scored, and those below 10 without a comment. */
export function checkScores(criteria: ScoringCriterion[], drafts: ScoreDrafts): ScoreProblem[] {
  const unscored = criteria.filter((c) => drafts[c.id]?.points == null)
  const noComment = criteria.filter((c) => {
    const d = drafts[c.id]
    return d != null && needsComment(d.points) && !d.comment.trim()
  })
  const out: ScoreProblem[] = []
  if (unscored.length) out.push({ key: 'scoring.errors.unscored', ids: unscored.map((c) => c.id), names: unscored.map((c) => c.name) })
  if (noComment.length) out.push({ key: 'scoring.errors.noComment', ids: noComment.map((c) => c.id), names: noComment.map((c) => c.name) })
  return out
}

/** Names in a sentence: "甲、乙" (zh) or "A, B" (en). */
export function joinNames(names: string[], locale: string): string {
  return names.join(locale.startsWith('zh') ? '、' : ', ')
}
