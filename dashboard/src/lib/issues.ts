// The issue board: columns by status, filters, and which moves the signed-in role may make
// (docs/documents.md section 9: `can_move_to` narrowed by `may_move`); and the property company's
// direction of the two-way feedback (双向沟通): a resident's matter outside its duty passed on to a
// steward and the branch (物业反馈), which the community moves and the company only comments on.
import type { IssueOrigin, IssueRow, IssueStatus, ReferralBody, ReferralCategory, Role, Steward } from '../api/types'

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

/** Issue fields the moves depend on (`origin` absent: a steward's). */
export type Movable = Pick<IssueRow, 'status' | 'route'> & { origin?: IssueOrigin | null }

/** A matter the property company passed on (物业反馈). */
export function isPassedOn(issue: { origin?: IssueOrigin | string | null }): boolean {
  return issue.origin === 'property_company'
}

/**
 * The moves `role` may make on `issue`; a property company only on issues in its duty, and never
 * on a matter it passed on itself (the community moves it; the company comments).
 */
export function allowedMoves(issue: Movable, role: Role | null | undefined): IssueStatus[] {
  if (!role) return []
  if (role === 'property' && (issue.route !== 'property_duty' || isPassedOn(issue))) return []
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

// -- passing a resident's matter on (物业反馈) --------------------------------------------------------

/** The categories a property company passes on: the resident's, or other. */
export const REFERRAL_CATEGORIES: readonly ReferralCategory[] = ['schooling', 'medical_care', 'employment', 'living_hardship', 'other']
/** The server's limits (docs/documents.md: `place` 100, `description` 2,000 characters). */
export const REFERRAL_PLACE_MAX = 100
export const REFERRAL_DESCRIPTION_MAX = 2000

export interface ReferralForm {
  steward_id: string
  category: ReferralCategory | ''
  place: string
  description: string
}

export function emptyReferral(): ReferralForm {
  return { steward_id: '', category: '', place: '', description: '' }
}

/** The first thing missing from the form (an i18n key), or null when it may be sent. */
export function referralProblem(f: ReferralForm): string | null {
  if (!f.steward_id) return 'issues.pickSteward'
  if (!f.category) return 'issues.pickCategory'
  if (!f.place.trim()) return 'issues.placeRequired'
  if (!f.description.trim()) return 'issues.descriptionRequired'
  return null
}

/** The body of `POST /v1/issues`: the form, its texts trimmed. */
export function referralBody(f: ReferralForm): ReferralBody {
  return { steward_id: f.steward_id, category: f.category, place: f.place.trim(), description: f.description.trim() }
}

/** The picker's stewards: by name, with the compound when the company has more than one. */
export function stewardOptions(stewards: readonly Steward[], compoundName: (id: string) => string): { value: string; label: string }[] {
  const several = new Set(stewards.map((s) => s.compound_id)).size > 1
  return [...stewards]
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || a.id.localeCompare(b.id))
    .map((s) => ({ value: s.id, label: several ? `${s.name}（${compoundName(s.compound_id)}）` : s.name }))
}
