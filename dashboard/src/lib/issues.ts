// The issue board: columns by status, filters, and which moves the signed-in role may make
// (docs/documents.md section 9: `can_move_to` narrowed by `may_move`).
import type { IssueRow, IssueStatus, Role } from '../api/types'

export const BOARD_COLUMNS: readonly IssueStatus[] = ['reported', 'accepted', 'in_progress', 'resolved', 'verified', 'reopened']

/** `IssueStatus::can_move_to`. */
export const CAN_MOVE_TO: Record<IssueStatus, readonly IssueStatus[]> = {
  reported: ['accepted', 'in_progress', 'resolved'],
  accepted: ['in_progress', 'resolved'],
  in_progress: ['resolved'],
  resolved: ['verified', 'reopened'],
  verified: [],
  reopened: ['accepted', 'in_progress', 'resolved'],
}

/** What the console's roles may move to (`IssueStatus::may_move`); verifying and reopening are the steward's. */
const CONSOLE_MAY: readonly IssueStatus[] = ['accepted', 'in_progress', 'resolved']

/** The moves `role` may make on `issue`; a property company only on issues in its duty. */
export function allowedMoves(issue: Pick<IssueRow, 'status' | 'route'>, role: Role | null | undefined): IssueStatus[] {
  if (!role) return []
  if (role === 'property' && issue.route !== 'property_duty') return []
  return (CAN_MOVE_TO[issue.status] ?? []).filter((s) => CONSOLE_MAY.includes(s))
}

export interface BoardFilters {
  route?: string | null
  category?: string | null
  compound_id?: string | null
  /** Only issues reported at least this many days ago. */
  min_age_days?: number | null
  /** Only issues in this status (a drill-down). */
  status?: string | null
}

const DAY = 86_400_000

export function matches(issue: IssueRow, f: BoardFilters, now: number): boolean {
  if (f.route && issue.route !== f.route) return false
  if (f.category && issue.category !== f.category) return false
  if (f.compound_id && issue.compound_id !== f.compound_id) return false
  if (f.status && issue.status !== f.status) return false
  if (f.min_age_days && now - issue.reported_at < f.min_age_days * DAY) return false
  return true
}

/** The issues passing the filters, by column, oldest report first. */
export function groupIssues(issues: IssueRow[], f: BoardFilters = {}, now: number = Date.now()): Record<IssueStatus, IssueRow[]> {
  const out = Object.fromEntries(BOARD_COLUMNS.map((s) => [s, [] as IssueRow[]])) as Record<IssueStatus, IssueRow[]>
  for (const i of issues) {
    if (!matches(i, f, now)) continue
    ;(out[i.status] ??= []).push(i)
  }
  for (const s of BOARD_COLUMNS) out[s].sort((a, b) => a.reported_at - b.reported_at || a.id.localeCompare(b.id))
  return out
}

/** Days since the issue was reported. */
export function ageDays(issue: Pick<IssueRow, 'reported_at'>, now: number = Date.now()): number {
  return Math.max(0, Math.floor((now - issue.reported_at) / DAY))
}
