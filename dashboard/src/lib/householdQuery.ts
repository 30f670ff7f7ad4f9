// The households list's filters, kept in the page's URL (so drill-downs are links), and the
// query they become: the list asks `GET /v1/households` with it, the exports the same plus
// `format` (without paging: an export is the whole filtered list).
import type { LocationQuery } from 'vue-router'
import { exportUrl, type ExportFormat } from '../api/client'
import { HOUSEHOLDS_PATH, type HouseholdsQuery } from '../api/endpoints'

/** The fields the server sorts by. */
export const SORT_FIELDS = ['address', 'head_name', 'steward', 'open_must_visits', 'visits', 'last_visit_at'] as const

export interface HouseholdFilters {
  q: string
  /** `party_member`, `key_service`, or one key-service reason code. */
  tag: string
  steward_id: string
  place: string
  open_must_visit: boolean
  sort: string
  order: 'asc' | 'desc' | ''
  page: number
  per_page: number
}

export const DEFAULT_PER_PAGE = 50

export function emptyFilters(): HouseholdFilters {
  return { q: '', tag: '', steward_id: '', place: '', open_must_visit: false, sort: '', order: '', page: 1, per_page: DEFAULT_PER_PAGE }
}

/** The filters only, as the server's query (unset ones left out). */
export function filterQuery(f: HouseholdFilters): HouseholdsQuery {
  const q: HouseholdsQuery = {}
  if (f.q.trim()) q.q = f.q.trim()
  if (f.tag) q.tag = f.tag
  if (f.steward_id) q.steward_id = f.steward_id
  if (f.place) q.place = f.place
  if (f.open_must_visit) q.open_must_visit = true
  if (f.sort) {
    q.sort = f.sort
    q.order = f.order || 'asc'
  }
  return q
}

/** The list's query: the filters plus the page. */
export function listQuery(f: HouseholdFilters): HouseholdsQuery {
  return { ...filterQuery(f), page: f.page, per_page: f.per_page }
}

/** The export's URL: the same filters plus `format`, every row. */
export function householdExportUrl(f: HouseholdFilters, format: ExportFormat): string {
  return exportUrl(HOUSEHOLDS_PATH, filterQuery(f), format)
}

function one(v: LocationQuery[string] | undefined): string {
  if (Array.isArray(v)) return v[0] ?? ''
  return v ?? ''
}

/** The filters in the page's URL. */
export function filtersFromRoute(q: LocationQuery): HouseholdFilters {
  const f = emptyFilters()
  f.q = one(q.q)
  f.tag = one(q.tag)
  f.steward_id = one(q.steward_id)
  f.place = one(q.place)
  f.open_must_visit = one(q.open_must_visit) === 'true'
  f.sort = (SORT_FIELDS as readonly string[]).includes(one(q.sort)) ? one(q.sort) : ''
  const order = one(q.order)
  f.order = order === 'asc' || order === 'desc' ? order : ''
  const page = Number(one(q.page))
  f.page = Number.isInteger(page) && page > 0 ? page : 1
  const per = Number(one(q.per_page))
  f.per_page = [20, 50, 100, 200].includes(per) ? per : DEFAULT_PER_PAGE
  return f
}

/** The filters as the page's URL query (what `filtersFromRoute` reads back). */
export function filtersToRoute(f: HouseholdFilters): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(filterQuery(f))) out[k] = String(v)
  if (f.page !== 1) out.page = String(f.page)
  if (f.per_page !== DEFAULT_PER_PAGE) out.per_page = String(f.per_page)
  return out
}
