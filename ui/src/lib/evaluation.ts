// The steward's half-year evaluation (每半年考核评价), as the community wrote it: the half's
// label, the months it covers, and the indicators in the groups the screen shows them in. Read
// only: nothing here changes an evaluation.
import type { EvaluationIndicators, EvaluationRecord, HalfYear } from '../api'

/** The program's norm: a steward visits at least 10 households a month (10 to 20). */
export const MONTHLY_NORM = 10
/** The months of a half year. */
export const HALF_MONTHS = 6

/** "2026年下半年" / "2026年上半年" (zh) or "H2 2026" / "H1 2026" (en) for "2026-H2"; anything else as it is. */
export function halfLabel(half: HalfYear, locale: string): string {
  const m = /^(\d{4})-H([12])$/.exec(half)
  if (!m) return half
  if (locale.startsWith('zh')) return `${m[1]}年${m[2] === '1' ? '上' : '下'}半年`
  return `H${m[2]} ${m[1]}`
}

/** The months (1–12) of a half year, in order: 1–6 for H1, 7–12 for H2; none for anything else. */
export function halfMonths(half: HalfYear): number[] {
  const m = /^\d{4}-H([12])$/.exec(half)
  if (!m) return []
  const first = m[1] === '1' ? 1 : 7
  return Array.from({ length: HALF_MONTHS }, (_, i) => first + i)
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** "7月" (zh) or "Jul" (en) for month 7. */
export function monthLabel(month: number, locale: string): string {
  if (locale.startsWith('zh')) return `${month}月`
  return EN_MONTHS[month - 1] ?? String(month)
}

/** The newest evaluation the community has scored (the list comes newest first). */
export function newestScored(list: EvaluationRecord[] | null | undefined): EvaluationRecord | null {
  return (list ?? []).find((e) => e.score != null) ?? null
}

/** Days to one decimal, without a trailing ".0": 2.25 → "2.3", 3 → "3". */
export function formatDays(days: number): string {
  return String(Math.round(days * 10) / 10)
}

/** How many households a month meet the norm: 10, or every household when the steward has fewer. */
export function monthlyNorm(households: number): number {
  return households > 0 ? Math.min(MONTHLY_NORM, households) : MONTHLY_NORM
}

/** One month's bar: its month (1–12, or 0 when the half is unreadable), households visited, and the norm met. */
export interface MonthBar { month: number; n: number; met: boolean; /** Height, 0–100, against the half's busiest month or the norm. */ pct: number }

/** The half's six months as bars. */
export function monthBars(half: HalfYear, ind: EvaluationIndicators): MonthBar[] {
  const months = halfMonths(half)
  const visited = ind.monthly_visited ?? []
  const norm = monthlyNorm(ind.households)
  const top = Math.max(norm, ...visited.map((n) => n || 0))
  return Array.from({ length: Math.max(HALF_MONTHS, visited.length) }, (_, i) => {
    const n = visited[i] ?? 0
    return { month: months[i] ?? 0, n, met: n >= norm, pct: top > 0 ? Math.round((n / top) * 100) : 0 }
  })
}

export type IndicatorKey = keyof EvaluationIndicators
/** A message key and what fills it. */
export interface Words { key: string; params?: Record<string, string | number> }
/** One indicator row: its key (as in the JSON), its label, its value in words; the monthly row is bars instead. */
export interface IndicatorRow { key: IndicatorKey; label: string; value?: Words; bars?: true; hint?: Words }
export interface IndicatorGroup { key: string; title: string; rows: IndicatorRow[] }

const n = (key: string, v: number): Words => ({ key, params: { n: v } })
const of = (key: string, v: number, total: number): Words => ({ key, params: { n: v, total } })

/** The indicators in the groups the screen shows, in the program's order. */
export function indicatorGroups(ind: EvaluationIndicators): IndicatorGroup[] {
  const months = ind.monthly_visited?.length || HALF_MONTHS
  return [
    {
      key: 'visits',
      title: 'evaluation.groups.visits',
      rows: [
        { key: 'visits', label: 'evaluation.ind.visits', value: n('evaluation.val.visits', ind.visits) },
        { key: 'households_visited', label: 'evaluation.ind.households_visited', value: of('evaluation.val.households', ind.households_visited, ind.households) },
        { key: 'monthly_visited', label: 'evaluation.ind.monthly_visited', bars: true },
        {
          key: 'months_meeting_norm',
          label: 'evaluation.ind.months_meeting_norm',
          value: of('evaluation.val.ofTotal', ind.months_meeting_norm, months),
          hint: { key: 'evaluation.normHint', params: { norm: MONTHLY_NORM } },
        },
      ],
    },
    {
      key: 'must',
      title: 'evaluation.groups.must',
      rows: [
        { key: 'must_visits', label: 'evaluation.ind.must_visits', value: n('evaluation.val.times', ind.must_visits) },
        { key: 'must_visits_answered', label: 'evaluation.ind.must_visits_answered', value: of('evaluation.val.ofTotal', ind.must_visits_answered, ind.must_visits) },
        {
          key: 'must_visit_days',
          label: 'evaluation.ind.must_visit_days',
          value: ind.must_visit_days == null ? { key: 'evaluation.val.noDays' } : { key: 'evaluation.val.days', params: { d: formatDays(ind.must_visit_days) } },
        },
      ],
    },
    {
      key: 'timely',
      title: 'evaluation.groups.timely',
      rows: [
        { key: 'timely', label: 'evaluation.ind.timely', value: n('evaluation.val.items', ind.timely) },
        { key: 'timely_on_time', label: 'evaluation.ind.timely_on_time', value: of('evaluation.val.itemsOf', ind.timely_on_time, ind.timely) },
      ],
    },
    {
      key: 'clears',
      title: 'evaluation.groups.clears',
      rows: [
        { key: 'party_member_known', label: 'evaluation.ind.party_member_known', value: of('evaluation.val.households', ind.party_member_known, ind.households) },
        { key: 'basic_profile_complete', label: 'evaluation.ind.basic_profile_complete', value: of('evaluation.val.households', ind.basic_profile_complete, ind.households) },
        { key: 'key_service_known', label: 'evaluation.ind.key_service_known', value: of('evaluation.val.households', ind.key_service_known, ind.households) },
      ],
    },
    {
      key: 'issues',
      title: 'evaluation.groups.issues',
      rows: [
        { key: 'issues_reported', label: 'evaluation.ind.issues_reported', value: n('evaluation.val.items', ind.issues_reported) },
        { key: 'issues_verified', label: 'evaluation.ind.issues_verified', value: of('evaluation.val.itemsOf', ind.issues_verified, ind.issues_reported) },
      ],
    },
    {
      key: 'meetings',
      title: 'evaluation.groups.meetings',
      rows: [
        { key: 'meetings_held', label: 'evaluation.ind.meetings_held', value: n('evaluation.val.times', ind.meetings_held) },
        { key: 'decisions', label: 'evaluation.ind.decisions', value: n('evaluation.val.decisions', ind.decisions) },
        { key: 'decisions_followed', label: 'evaluation.ind.decisions_followed', value: of('evaluation.val.decisionsOf', ind.decisions_followed, ind.decisions) },
      ],
    },
  ]
}
