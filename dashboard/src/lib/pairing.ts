// Pairing assistance (结对帮扶): a steward (or another helper) is paired with a household in
// hardship and helps with one need (助学, 就业, 看病就医, 生活困难, 其他) until the case is closed with
// an outcome (争取到补助资助, 实现就业, 得到医疗帮扶, 困难得到缓解, 未能解决) and, for some, an amount
// secured. Here: the screen's filters kept in the URL under the server's own parameter names
// (`from`/`to` months of the case's opening, every case by default; `need`, `outcome`, `status`,
// `place`, `steward_id`), the query (and export: the same plus `format`) they become, and the
// counts table's sums.
import type { LocationQuery } from 'vue-router'
import type { ExportFormat } from '../api/client'
import type { PairingCount, PairingOutcome } from '../api/types'
import { isMonth } from './format'
import { CODES } from './labels'
import { LIST_PER_PAGE, REPORT_PATHS, reportExportUrl, toRoute } from './reportQuery'

function one(q: LocationQuery, k: string): string {
  const v = q[k]
  if (Array.isArray(v)) return v[0] ?? ''
  return v ?? ''
}

function code(q: LocationQuery, k: string, list: readonly string[]): string {
  const v = one(q, k)
  return list.includes(v) ? v : ''
}

function month(q: LocationQuery, k: string): string {
  const v = one(q, k)
  return isMonth(v) ? v : ''
}

function pageOf(q: LocationQuery): number {
  const n = Number(one(q, 'page'))
  return Number.isInteger(n) && n > 0 ? n : 1
}

export interface PairingFilters {
  /** First month of the cases' opening, `YYYY-MM`, or `''` (from the first). */
  from: string
  /** Last month (included), or `''` (up to now). */
  to: string
  /** A need code. */
  need: string
  /** An outcome code (closed cases only). */
  outcome: string
  /** `open` or `closed`. */
  status: string
  place: string
  steward_id: string
  /** The page of the list shown, from 1 (not a filter: never in the export). */
  page: number
}

/** `GET /v1/reports/pairing`'s query (unset filters left out; paging only for the list). */
export type PairingQuery = {
  from?: string
  to?: string
  need?: string
  outcome?: string
  status?: string
  place?: string
  steward_id?: string
  page?: number
  per_page?: number
}

const FILTER_KEYS = ['from', 'to', 'need', 'outcome', 'status', 'place', 'steward_id'] as const

export function pairingFilters(q: LocationQuery): PairingFilters {
  let from = month(q, 'from')
  let to = month(q, 'to')
  // A period given backwards is the same period.
  if (from && to && from > to) [from, to] = [to, from]
  return {
    from,
    to,
    need: code(q, 'need', CODES.pairingNeed),
    outcome: code(q, 'outcome', CODES.pairingOutcome),
    status: code(q, 'status', CODES.pairingStatus),
    place: one(q, 'place'),
    steward_id: one(q, 'steward_id'),
    page: pageOf(q),
  }
}

export function pairingQuery(f: PairingFilters): PairingQuery {
  const out: Record<string, string> = {}
  for (const k of FILTER_KEYS) if (f[k]) out[k] = f[k]
  return out as PairingQuery
}

/** The list's request: the filters plus one page of `LIST_PER_PAGE` (the export has no paging). */
export function pairingListQuery(f: PairingFilters): PairingQuery & { page: number; per_page: number } {
  return { ...pairingQuery(f), page: f.page, per_page: LIST_PER_PAGE }
}

/** The screen's URL: the filters, and the page when not the first. */
export function pairingRoute(f: PairingFilters): Record<string, string> {
  return { ...toRoute(pairingQuery(f)), ...(f.page > 1 ? { page: String(f.page) } : {}) }
}

/** The filtered cases as a file: exactly the query plus `format`, every row. */
export function pairingExportUrl(f: PairingFilters, format: ExportFormat): string {
  return reportExportUrl(REPORT_PATHS.pairing, pairingQuery(f), format)
}

export interface PairingSums {
  open: number
  closed: number
  outcomes: Record<PairingOutcome, number>
  amount_yuan: number
}

/** The counts table's last row: every need together. */
export function pairingSums(counts: readonly PairingCount[]): PairingSums {
  const outcomes = Object.fromEntries(CODES.pairingOutcome.map((o) => [o, 0])) as Record<PairingOutcome, number>
  const out: PairingSums = { open: 0, closed: 0, outcomes, amount_yuan: 0 }
  for (const c of counts) {
    out.open += c.open
    out.closed += c.closed
    out.amount_yuan += c.amount_yuan ?? 0
    for (const o of CODES.pairingOutcome) outcomes[o] += c.outcomes?.[o] ?? 0
  }
  return out
}

/** A case as shown: open (帮扶中) until it has its outcome. */
export function caseStatus(c: { closed_at?: number | null }): 'open' | 'closed' {
  return c.closed_at ? 'closed' : 'open'
}
