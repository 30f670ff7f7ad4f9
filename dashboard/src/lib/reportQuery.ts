// The report lists' filters (must-visits, timely, the issue board), kept in the page's URL under
// the server's own parameter names, and the query they become. The list asks the report with
// that query and the export buttons download the same query plus `format`, so an export is
// exactly the filtered list. Every filter is applied by the server (to the JSON, the files and
// the counts alike); the browser only groups the board's issues into status columns.
import type { LocationQuery } from 'vue-router'
import { exportUrl, type ExportFormat } from '../api/client'
import { CODES, type CodeList } from './labels'
import { currentMonth, isMonth } from './format'

export const REPORT_PATHS = {
  visits: '/v1/reports/visits',
  mustVisits: '/v1/reports/must-visits',
  timely: '/v1/reports/timely',
  issues: '/v1/reports/issues',
  threeClears: '/v1/reports/three-clears',
  ledger: '/v1/reports/visit-ledger',
  trend: '/v1/reports/visit-trend',
  /** Joint meetings per compound for a quarter (src/lib/meetings.ts). */
  meetings: '/v1/reports/meetings',
  /** The joint meetings' decisions (src/lib/meetings.ts). */
  decisions: '/v1/reports/decisions',
  /** Pairing assistance cases by need and outcome (src/lib/pairing.ts). */
  pairing: '/v1/reports/pairing',
  /** The program's headline figures (src/lib/figures.ts). */
  figures: '/v1/reports/figures',
  /** The stewards' scores of the property companies for a quarter (src/lib/scores.ts). */
  scores: '/v1/reports/scores',
  /** The half-year steward evaluation (src/lib/evaluation.ts). */
  evaluation: '/v1/reports/evaluation',
  /** Volunteer and culture teams and their activities (src/lib/teams.ts). */
  teams: '/v1/reports/teams',
} as const

// -- reading the URL ------------------------------------------------------------------------------

function one(q: LocationQuery, k: string): string {
  const v = q[k]
  if (Array.isArray(v)) return v[0] ?? ''
  return v ?? ''
}

/** A code of `list`, or `''` for anything else. */
function code(q: LocationQuery, k: string, list: CodeList): string {
  const v = one(q, k)
  return (CODES[list] as readonly string[]).includes(v) ? v : ''
}

/** A whole number of days ≥ 0 (0: no filter). */
function days(q: LocationQuery, k: string): number {
  const n = Number(one(q, k))
  return Number.isInteger(n) && n > 0 ? n : 0
}

/** A page number from 1 (1 for anything else). */
function pageOf(q: LocationQuery): number {
  const n = Number(one(q, 'page'))
  return Number.isInteger(n) && n > 0 ? n : 1
}

/** Rows per page of the paged report lists (must-visits, timely). */
export const LIST_PER_PAGE = 50

function set(out: Record<string, string | number>, k: string, v: string | number) {
  if (v !== '' && v !== 0) out[k] = v
}

// -- must-visits ----------------------------------------------------------------------------------

export interface MustVisitFilters {
  place: string
  steward_id: string
  /** A must-visit trigger code. */
  trigger: string
  /** Only those waiting at least this many days (0: all). */
  min_age_days: number
  /** The page of the list shown, from 1 (not a filter: never in the export). */
  page: number
}

/** `GET /v1/reports/must-visits`'s query (unset filters left out; paging only for the list). */
export type MustVisitsQuery = { place?: string; steward_id?: string; trigger?: string; min_age_days?: number; page?: number; per_page?: number }

export function mustVisitFilters(q: LocationQuery): MustVisitFilters {
  return { place: one(q, 'place'), steward_id: one(q, 'steward_id'), trigger: code(q, 'trigger', 'trigger'), min_age_days: days(q, 'min_age_days'), page: pageOf(q) }
}

export function mustVisitsQuery(f: MustVisitFilters): MustVisitsQuery {
  const out: Record<string, string | number> = {}
  set(out, 'place', f.place)
  set(out, 'steward_id', f.steward_id)
  set(out, 'trigger', f.trigger)
  set(out, 'min_age_days', f.min_age_days)
  return out as MustVisitsQuery
}

/** The list's request: the filters plus one page of `LIST_PER_PAGE` (the export has no paging). */
export function mustVisitsListQuery(f: MustVisitFilters): MustVisitsQuery & { page: number; per_page: number } {
  return { ...mustVisitsQuery(f), page: f.page, per_page: LIST_PER_PAGE }
}

/** The page's URL: the filters, and the page when not the first. */
export function mustVisitsRoute(f: MustVisitFilters): Record<string, string> {
  return { ...toRoute(mustVisitsQuery(f)), ...(f.page > 1 ? { page: String(f.page) } : {}) }
}

// -- timely responses -------------------------------------------------------------------------------

export interface TimelyFilters {
  month: string
  place: string
  steward_id: string
  /** A timely kind code. */
  kind: string
  /** `on_time`, `late`, `open` or `overdue`. */
  timeliness: string
  /** The page of the list shown, from 1 (not a filter: never in the export). */
  page: number
}

export type TimelyQuery = { month: string; place?: string; steward_id?: string; kind?: string; timeliness?: string; page?: number; per_page?: number }

export function timelyFilters(q: LocationQuery, now: number = Date.now()): TimelyFilters {
  const m = one(q, 'month')
  return {
    month: isMonth(m) ? m : currentMonth(now),
    place: one(q, 'place'),
    steward_id: one(q, 'steward_id'),
    kind: code(q, 'kind', 'timelyKind'),
    timeliness: code(q, 'timeliness', 'timeliness'),
    page: pageOf(q),
  }
}

export function timelyQuery(f: TimelyFilters): TimelyQuery {
  const out: Record<string, string | number> = { month: f.month }
  set(out, 'place', f.place)
  set(out, 'steward_id', f.steward_id)
  set(out, 'kind', f.kind)
  set(out, 'timeliness', f.timeliness)
  return out as TimelyQuery
}

/** The list's request: the filters plus one page of `LIST_PER_PAGE` (the export has no paging). */
export function timelyListQuery(f: TimelyFilters): TimelyQuery & { page: number; per_page: number } {
  return { ...timelyQuery(f), page: f.page, per_page: LIST_PER_PAGE }
}

/** The page's URL: the filters, and the page when not the first. */
export function timelyRoute(f: TimelyFilters): Record<string, string> {
  return { ...toRoute(timelyQuery(f)), ...(f.page > 1 ? { page: String(f.page) } : {}) }
}

// -- the issue board ----------------------------------------------------------------------------------

export interface IssueFilters {
  /** A place; a compound id narrows to that compound. */
  place: string
  steward_id: string
  /** An issue status (a drill-down: only that column). */
  status: string
  /** `property_duty` or `community_coordination`. */
  route: string
  /** An issue category code. */
  category: string
  /** `steward` (红色管家上报) or `property_company` (物业反馈: passed on by the property company). */
  origin: string
  /** Only issues reported at least this many days ago (0: all). */
  min_age_days: number
  /** The report-time window (报告时间): only issues reported at most this many days ago (0: all). */
  max_age_days: number
}

/** The board's report-time windows (0: 全部); `DEFAULT_MAX_AGE_DAYS` when the URL names none. */
export const MAX_AGE_WINDOWS = [30, 90, 365, 0] as const
export const DEFAULT_MAX_AGE_DAYS = 90
/** The board shows at most the newest this many issues (in pages of `REPORT_PAGE_MAX`). */
export const BOARD_LIMIT = 1000
/** The server's largest `per_page` for a report. */
export const REPORT_PAGE_MAX = 500

export type IssuesQuery = {
  place?: string
  steward_id?: string
  status?: string
  route?: string
  category?: string
  origin?: string
  min_age_days?: number
  max_age_days?: number
  page?: number
  per_page?: number
  /** The overview's figure: counts only, no rows (a district has tens of thousands of issues). */
  counts_only?: boolean
}

export function issueFilters(q: LocationQuery): IssueFilters {
  return {
    place: one(q, 'place'),
    steward_id: one(q, 'steward_id'),
    status: code(q, 'status', 'status'),
    route: code(q, 'route', 'route'),
    category: code(q, 'category', 'issueCategory'),
    origin: code(q, 'origin', 'origin'),
    min_age_days: days(q, 'min_age_days'),
    max_age_days: maxAgeWindow(q),
  }
}

/** `max_age_days` in the URL: absent (or not a whole number) is the default window, `0` is 全部. */
function maxAgeWindow(q: LocationQuery): number {
  const v = one(q, 'max_age_days').trim()
  if (v === '') return DEFAULT_MAX_AGE_DAYS
  const n = Number(v)
  return Number.isInteger(n) && n >= 0 ? n : DEFAULT_MAX_AGE_DAYS
}

export function issuesQuery(f: IssueFilters): IssuesQuery {
  const out: Record<string, string | number> = {}
  set(out, 'place', f.place)
  set(out, 'steward_id', f.steward_id)
  set(out, 'status', f.status)
  set(out, 'route', f.route)
  set(out, 'category', f.category)
  set(out, 'origin', f.origin)
  set(out, 'min_age_days', f.min_age_days)
  set(out, 'max_age_days', f.max_age_days)
  return out as IssuesQuery
}

/**
 * The board's requests: its query and a page of `REPORT_PAGE_MAX`, `page` 1 first; when the
 * answer's `total` is more, the next pages up to the newest `BOARD_LIMIT` (the exports have no
 * paging and hold every matching issue).
 */
export function issuesBoardQuery(f: IssueFilters, page = 1): IssuesQuery {
  return { ...issuesQuery(f), page, per_page: REPORT_PAGE_MAX }
}

/** How many pages of `REPORT_PAGE_MAX` the board asks for, given the answer's `total`. */
export function boardPages(total: number): number {
  return Math.max(1, Math.ceil(Math.min(total, BOARD_LIMIT) / REPORT_PAGE_MAX))
}

/** The board's URL: the filters; the window only when not the default (`0` for 全部). */
export function issuesRoute(f: IssueFilters): Record<string, string> {
  const out = toRoute(issuesQuery(f))
  delete out.max_age_days
  if (f.max_age_days !== DEFAULT_MAX_AGE_DAYS) out.max_age_days = String(f.max_age_days)
  return out
}

// -- both ways --------------------------------------------------------------------------------------

/** A list's query as the page's URL query (what the `…Filters` readers take back). */
export function toRoute(q: object): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') out[k] = String(v)
  return out
}

/** The export of a report list: exactly its query plus `format`. */
export function reportExportUrl(path: string, query: object, format: ExportFormat): string {
  return exportUrl(path, query as Record<string, string | number>, format)
}

/** The month's visit ledger (遍访纪实台账) as Excel, for a place and, optionally, one steward. */
export function ledgerQuery(month: string, place?: string | null, stewardId?: string | null): Record<string, string> {
  const out: Record<string, string> = { month }
  if (place) out.place = place
  if (stewardId) out.steward_id = stewardId
  return out
}
