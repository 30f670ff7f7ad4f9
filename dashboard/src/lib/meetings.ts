// Joint meetings (联席会议): each quarter a steward calls the compound's meeting with the
// community party organisation, the compound branch, the property company and the owners'
// committee; its decisions (商定事项) each have a responsible party and are followed to done
// (监督落实). Here: the quarters the screens pick from, the screens' filters kept in the URL under
// the server's own parameter names and the queries (and exports: the same query plus `format`)
// they become, a decision's state (late: open past its deadline), the attendees by party, and
// which follow-ups a role may write on a decision.
import type { LocationQuery } from 'vue-router'
import type { ExportFormat } from '../api/client'
import type { Attendee, DecisionRecord, DecisionState, FollowUpRecord, MeetingRecord, Role } from '../api/types'
import { i18n } from '../i18n'
import { monthOf } from './format'
import { CODES, codeLabel } from './labels'
import { LIST_PER_PAGE, REPORT_PATHS, reportExportUrl, toRoute } from './reportQuery'

// -- quarters ---------------------------------------------------------------------------------------

const QUARTER = /^(20\d\d)-Q([1-4])$/
/** How many quarters the pickers offer: this one and the seven before it (two years). */
export const QUARTERS_SHOWN = 8

/** `YYYY-Qn` is a quarter the server takes (2000–2099). */
export function isQuarter(s: string): boolean {
  return QUARTER.test(s)
}

/** The quarter (`YYYY-Qn`) an instant falls in, in the program's time zone. */
export function quarterOf(ms: number): string {
  const [year, month] = monthOf(ms).split('-').map(Number)
  return `${year}-Q${Math.ceil(month / 3)}`
}

export function currentQuarter(now: number = Date.now()): string {
  return quarterOf(now)
}

/** The quarter before `q`. */
export function previousQuarter(q: string): string {
  const m = QUARTER.exec(q)
  if (!m) return q
  const year = Number(m[1])
  const n = Number(m[2])
  return n === 1 ? `${year - 1}-Q4` : `${year}-Q${n - 1}`
}

/** This quarter and the ones before it, newest first. */
export function recentQuarters(count: number = QUARTERS_SHOWN, now: number = Date.now()): string[] {
  const out = [currentQuarter(now)]
  while (out.length < count) out.push(previousQuarter(out[out.length - 1]))
  return out
}

/** The picker's quarters: the recent ones, and `selected` (from the URL) when older. */
export function quarterOptions(selected: string, now: number = Date.now()): string[] {
  const out = recentQuarters(QUARTERS_SHOWN, now)
  if (isQuarter(selected) && !out.includes(selected)) out.push(selected)
  return out.sort().reverse()
}

/** `2026 年第 4 季度` / `Q4 2026`. */
export function quarterLabel(q: string): string {
  const m = QUARTER.exec(q)
  return m ? i18n.global.t('meetings.quarterLabel', { year: m[1], n: m[2] }) : q
}

// -- reading the URL ----------------------------------------------------------------------------------

function one(q: LocationQuery, k: string): string {
  const v = q[k]
  if (Array.isArray(v)) return v[0] ?? ''
  return v ?? ''
}

function code(q: LocationQuery, k: string, list: readonly string[]): string {
  const v = one(q, k)
  return list.includes(v) ? v : ''
}

function pageOf(q: LocationQuery): number {
  const n = Number(one(q, 'page'))
  return Number.isInteger(n) && n > 0 ? n : 1
}

// -- the meetings screen --------------------------------------------------------------------------------

export interface MeetingFilters {
  /** `YYYY-Qn`; this quarter by default. */
  quarter: string
  place: string
}

/** `GET /v1/reports/meetings`'s query. */
export type MeetingsQuery = { quarter: string; place?: string }

export function meetingFilters(q: LocationQuery, now: number = Date.now()): MeetingFilters {
  const quarter = one(q, 'quarter')
  return { quarter: isQuarter(quarter) ? quarter : currentQuarter(now), place: one(q, 'place') }
}

export function meetingsQuery(f: MeetingFilters): MeetingsQuery {
  return f.place ? { quarter: f.quarter, place: f.place } : { quarter: f.quarter }
}

/** The screen's URL: the quarter and the place. */
export function meetingsRoute(f: MeetingFilters): Record<string, string> {
  return toRoute(meetingsQuery(f))
}

/** The compounds table as a file: exactly the screen's query plus `format`. */
export function meetingsExportUrl(f: MeetingFilters, format: ExportFormat): string {
  return reportExportUrl(REPORT_PATHS.meetings, meetingsQuery(f), format)
}

// -- the decisions screen -------------------------------------------------------------------------------

export interface DecisionFilters {
  /** `YYYY-Qn`, or `''` for every meeting's decisions (the default). */
  quarter: string
  place: string
  /** A responsible party's code (never for a property company: it has only its own). */
  party: string
  /** `open` (late ones included), `done` or `late`. */
  status: string
  /** The page of the list shown, from 1 (not a filter: never in the export). */
  page: number
}

/** `GET /v1/reports/decisions`'s query (unset filters left out; paging only for the list). */
export type DecisionsQuery = { quarter?: string; place?: string; party?: string; status?: string; page?: number; per_page?: number }

/** The filters in the URL; a property company's `party` is dropped (the server gives it only its own). */
export function decisionFilters(q: LocationQuery, role?: Role | null): DecisionFilters {
  const quarter = one(q, 'quarter')
  return {
    quarter: isQuarter(quarter) ? quarter : '',
    place: one(q, 'place'),
    party: role === 'property' ? '' : code(q, 'party', CODES.meetingParty),
    status: code(q, 'status', CODES.decisionStatus),
    page: pageOf(q),
  }
}

export function decisionsQuery(f: DecisionFilters): DecisionsQuery {
  const out: Record<string, string> = {}
  for (const k of ['quarter', 'place', 'party', 'status'] as const) if (f[k]) out[k] = f[k]
  return out as DecisionsQuery
}

/** The list's request: the filters plus one page of `LIST_PER_PAGE` (the export has no paging). */
export function decisionsListQuery(f: DecisionFilters): DecisionsQuery & { page: number; per_page: number } {
  return { ...decisionsQuery(f), page: f.page, per_page: LIST_PER_PAGE }
}

/** The screen's URL: the filters, and the page when not the first. */
export function decisionsRoute(f: DecisionFilters): Record<string, string> {
  return { ...toRoute(decisionsQuery(f)), ...(f.page > 1 ? { page: String(f.page) } : {}) }
}

/** The filtered list as a file: exactly its query plus `format`, every row. */
export function decisionsExportUrl(f: DecisionFilters, format: ExportFormat): string {
  return reportExportUrl(REPORT_PATHS.decisions, decisionsQuery(f), format)
}

// -- decisions -------------------------------------------------------------------------------------------

/**
 * A decision as shown: done, late (open past its deadline: 逾期) or open (落实中). A report row
 * says `late` itself; a meeting's record has only the deadline, compared with `now`.
 */
export function decisionState(d: { status: string; late?: boolean; deadline?: number | null }, now: number = Date.now()): DecisionState {
  if (d.status === 'done') return 'done'
  const late = d.late ?? (d.deadline !== null && d.deadline !== undefined && d.deadline < now)
  return late ? 'late' : 'open'
}

export function stateLabel(s: DecisionState): string {
  return codeLabel('decisionStatus', s)
}

export type TagType = 'warning' | 'success' | 'danger' | 'info'
const STATE_TAGS: Record<DecisionState, TagType> = { open: 'warning', done: 'success', late: 'danger' }
export function stateTag(s: DecisionState): TagType {
  return STATE_TAGS[s] ?? 'info'
}

export interface PartyGroup {
  party: string
  names: string[]
}

/** The attendees by party, in the program's order of the parties (unknown codes last), names as given. */
export function attendeesByParty(attendees: readonly Attendee[]): PartyGroup[] {
  const groups = new Map<string, string[]>()
  for (const p of CODES.meetingParty) groups.set(p, [])
  for (const a of attendees) {
    const names = groups.get(a.party) ?? []
    names.push(a.name)
    groups.set(a.party, names)
  }
  return [...groups].filter(([, names]) => names.length).map(([party, names]) => ({ party, names }))
}

/** A decision's follow-ups, oldest first. */
export function followUpsOf(m: Pick<MeetingRecord, 'follow_ups'> | null | undefined, decisionId: string): FollowUpRecord[] {
  return (m?.follow_ups ?? []).filter((f) => f.decision_id === decisionId).sort((a, b) => a.at - b.at || a.id.localeCompare(b.id))
}

/** What one may write on a decision: a note (跟进), mark it done (标记已落实), reopen a done one. */
export type FollowUpAction = 'note' | 'done' | 'reopen'

/**
 * The follow-ups `role` may write on `d`: anyone following it notes and marks an open one done;
 * only supervisors and admins reopen a done one; a property company only on its own decisions.
 */
export function followUpActions(role: Role | null | undefined, d: Pick<DecisionRecord, 'status' | 'party'>): FollowUpAction[] {
  if (!role) return []
  if (role === 'property' && d.party !== 'property_company') return []
  if (d.status === 'done') return role === 'property' ? ['note'] : ['note', 'reopen']
  return ['note', 'done']
}

/** A note needs its text, and so does a reopening (the reason); marking done does not. */
export function needsText(a: FollowUpAction): boolean {
  return a !== 'done'
}

/** The body of `POST /v1/meetings/{id}/decisions/{decision_id}/follow-ups`. */
export function followUpBody(a: FollowUpAction, text: string): { text: string; status?: 'done' | 'open' } {
  const t = text.trim()
  if (a === 'done') return { text: t, status: 'done' }
  if (a === 'reopen') return { text: t, status: 'open' }
  return { text: t }
}
