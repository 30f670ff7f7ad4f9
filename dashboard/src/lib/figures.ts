// The district's year in figures (年度数据): the program's headline numbers for months and a place,
// as the article counts them ("走访群众 14000 人次", "收集意见建议 1020 条", "召开联席会议 130 次",
// "协同解决小区难题 220 件", "协调解决物业反馈的居民诉求 42 件", "结对帮扶 N 户"). Here: the screen's
// period and place, kept in the URL (`from`/`to`, this year so far by default: absent from the URL),
// the query they become (and the export: the same plus `format`), each figure's words in the
// UI's language, and where each figure's rows are (keeping the period and place where that
// screen takes them).
import type { LocationQuery, RouteLocationRaw } from 'vue-router'
import type { ExportFormat } from '../api/client'
import type { Figure, FigureKey, FigurePart } from '../api/types'
import { i18n } from '../i18n'
import { currentMonth, formatNumber, isMonth } from './format'
import { CODES, codeLabel, type CodeList } from './labels'
import { REPORT_PATHS, reportExportUrl } from './reportQuery'

/** The figures in the article's order (the server's). */
export const FIGURE_KEYS: readonly FigureKey[] = ['visits', 'opinions', 'meetings', 'compound_problems_solved', 'referrals', 'pairing', 'teams']

function one(q: LocationQuery, k: string): string {
  const v = q[k]
  if (Array.isArray(v)) return v[0] ?? ''
  return v ?? ''
}

export interface FiguresFilters {
  /** First month, `YYYY-MM`. */
  from: string
  /** Last month (included). */
  to: string
  place: string
}

/** `GET /v1/reports/figures`'s query: always the months asked, so the answer is the period shown. */
export type FiguresQuery = { from: string; to: string; place?: string }

/** This year so far: January to this month. */
export function thisYear(now: number = Date.now()): { from: string; to: string } {
  const to = currentMonth(now)
  return { from: `${to.slice(0, 4)}-01`, to }
}

export function figuresFilters(q: LocationQuery, now: number = Date.now()): FiguresFilters {
  const d = thisYear(now)
  const f = one(q, 'from')
  const t = one(q, 'to')
  let from = isMonth(f) ? f : d.from
  let to = isMonth(t) ? t : isMonth(f) && f > d.to ? f : d.to
  if (from > to) [from, to] = [to, from]
  return { from, to, place: one(q, 'place') }
}

export function figuresQuery(f: FiguresFilters): FiguresQuery {
  return f.place ? { from: f.from, to: f.to, place: f.place } : { from: f.from, to: f.to }
}

/** The screen's URL: the period only when not this year so far, and the place. */
export function figuresRoute(f: FiguresFilters, now: number = Date.now()): Record<string, string> {
  const d = thisYear(now)
  const out: Record<string, string> = {}
  if (f.from !== d.from || f.to !== d.to) {
    out.from = f.from
    out.to = f.to
  }
  if (f.place) out.place = f.place
  return out
}

/** The figures as a file (the server's): exactly the query plus `format`. */
export function figuresExportUrl(f: FiguresFilters, format: ExportFormat): string {
  return reportExportUrl(REPORT_PATHS.figures, figuresQuery(f), format)
}

/** `2026-01 至 2026-12` / `2026-01 to 2026-12`; one month alone when `from` is `to`. */
export function periodLabel(f: { from: string; to: string }): string {
  return f.from === f.to ? f.from : i18n.global.t('figures.period', { from: f.from, to: f.to })
}

/** The quarter (`YYYY-Qn`) a month falls in. */
export function quarterOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number)
  return `${y}-Q${Math.ceil(m / 3)}`
}

// -- words ------------------------------------------------------------------------------------------

const zh = () => i18n.global.locale.value === 'zh-CN'

export function figureLabel(f: Figure): string {
  return zh() ? f.label_zh : f.label_en || f.label_zh
}

export function figureUnit(f: Figure): string {
  if (zh() && f.unit_zh) return f.unit_zh
  const key = `figures.unit.${f.key}`
  return i18n.global.te(key) ? i18n.global.t(key) : f.unit_zh
}

/** The code list a figure's parts are codes of (opinions by category, referrals by category, pairing by outcome). */
const PART_CODES: Partial<Record<FigureKey, CodeList>> = { opinions: 'opinionCategory', referrals: 'issueCategory', pairing: 'pairingOutcome' }

/** A part's words: the server's Chinese label, or in English the code's words. */
export function partLabel(figure: Pick<Figure, 'key'>, part: FigurePart): string {
  if (zh() && part.label_zh) return part.label_zh
  const list = PART_CODES[figure.key]
  if (list && (CODES[list] as readonly string[]).includes(part.key)) return codeLabel(list, part.key)
  const key = `figures.part.${part.key}`
  return i18n.global.te(key) ? i18n.global.t(key) : part.label_zh || part.key
}

export function partValue(part: FigurePart): string {
  return formatNumber(part.value)
}

// -- where each figure's rows are --------------------------------------------------------------------

/**
 * The screen holding a figure's rows, with the period and place where it takes them: visits to
 * the households (the place), opinions to the overview of the period's last month (its visit
 * ledger holds each visit's opinions), meetings to the joint meetings of the last month's
 * quarter, compound problems to the board's steward reports and the residents' matters to the
 * ones passed on by the property company (every report time: the board has no months), pairing
 * to the cases opened in the period, the teams to their screen (the period's activities).
 */
export function figureLink(key: FigureKey | string, f: FiguresFilters): RouteLocationRaw | null {
  const place = f.place ? { place: f.place } : {}
  switch (key) {
    case 'visits':
      return { name: 'households', query: { ...place, sort: 'visits', order: 'desc' } }
    case 'opinions':
      return { name: 'overview', query: { month: f.to, ...place } }
    case 'meetings':
      return { name: 'meetings', query: { quarter: quarterOfMonth(f.to), ...place } }
    case 'compound_problems_solved':
      return { name: 'issues', query: { origin: 'steward', max_age_days: '0', ...place } }
    case 'referrals':
      return { name: 'issues', query: { origin: 'property_company', max_age_days: '0', ...place } }
    case 'pairing':
      return { name: 'pairing', query: { from: f.from, to: f.to, ...place } }
    case 'teams':
      return { name: 'teams', query: { from: f.from, to: f.to, ...place } }
    default:
      return null
  }
}
