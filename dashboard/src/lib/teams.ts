// Volunteer and culture teams (志愿服务队、文化宣传队): a steward leads a team of stewards and
// residents in their compound, and the team's activities (policy talks, clean-ups, safety checks,
// performances) are recorded on the steward's phone or here by the community. Here: the screen's
// period and place kept in the URL (`from`/`to` months, this year so far by default, as the
// figures), the query they become (and the export: the same plus `format`), the totals, and the
// three dialogs' checks, bodies and where a refusal shows (新建队伍, 记录活动, 添加队员).
import type { LocationQuery } from 'vue-router'
import type { ExportFormat } from '../api/client'
import type { ActivityBody, MemberBody, TeamActivityRow, TeamBody, TeamRow } from '../api/types'
import { figuresFilters, figuresRoute, type FiguresFilters } from './figures'
import { formatDate } from './format'
import { REPORT_PATHS, reportExportUrl } from './reportQuery'

export const TEAM_KINDS = ['volunteer', 'culture'] as const
export type TeamKind = (typeof TEAM_KINDS)[number]
export const ACTIVITY_KINDS = ['policy_talk', 'clean_up', 'safety_check', 'performance', 'other'] as const
export type ActivityKind = (typeof ACTIVITY_KINDS)[number]
export const MEMBER_ROLES = ['steward', 'resident'] as const
export type MemberRole = (typeof MEMBER_ROLES)[number]

/** A team's name: at most this many characters (the server's). */
export const TEAM_NAME_MAX = 100
/** An activity's title and place, a member's name: at most this many characters. */
export const TEXT_MAX = 200
/** The most participants the form takes. */
export const PARTICIPANTS_MAX = 100_000

// -- the screen's filters ---------------------------------------------------------------------------

/** The months `from`–`to` (this year so far by default) and the place, as on the figures screen. */
export type TeamsFilters = FiguresFilters
/** `GET /v1/reports/teams`'s query: always the months asked, so the answer is the period shown. */
export type TeamsQuery = { from: string; to: string; place?: string }

export function teamsFilters(q: LocationQuery, now: number = Date.now()): TeamsFilters {
  return figuresFilters(q, now)
}

export function teamsQuery(f: TeamsFilters): TeamsQuery {
  return f.place ? { from: f.from, to: f.to, place: f.place } : { from: f.from, to: f.to }
}

/** The screen's URL: the period only when not this year so far, and the place. */
export function teamsRoute(f: TeamsFilters, now: number = Date.now()): Record<string, string> {
  return figuresRoute(f, now)
}

/** The activities as a file: exactly the query plus `format`. */
export function teamsExportUrl(f: TeamsFilters, format: ExportFormat): string {
  return reportExportUrl(REPORT_PATHS.teams, teamsQuery(f), format)
}

// -- the totals ---------------------------------------------------------------------------------------

export interface TeamsTotals {
  teams: number
  volunteer: number
  culture: number
  members: number
  stewardMembers: number
  residentMembers: number
  activities: number
  participants: number
}

/** The teams, their members, and the period's activities and participants (the server's sums when given). */
export function teamsTotals(teams: readonly TeamRow[], report?: { total?: number; participants?: number } | null): TeamsTotals {
  const sum = (f: (t: TeamRow) => number) => teams.reduce((n, t) => n + (f(t) || 0), 0)
  return {
    teams: teams.length,
    volunteer: teams.filter((t) => t.kind === 'volunteer').length,
    culture: teams.filter((t) => t.kind === 'culture').length,
    members: sum((t) => t.members),
    stewardMembers: sum((t) => t.steward_members),
    residentMembers: sum((t) => t.resident_members),
    activities: report?.total ?? sum((t) => t.activities),
    participants: report?.participants ?? sum((t) => t.participants),
  }
}

/** Whether the community (not the team's steward) recorded the activity (社区 tag). */
export function byCommunity(a: Pick<TeamActivityRow, 'role'>): boolean {
  return a.role === 'supervisor'
}

// -- days -------------------------------------------------------------------------------------------

/** The program's zone is Asia/Shanghai: UTC+8, no summer time. */
const ZONE_OFFSET_MS = 8 * 3_600_000

/** `YYYY-MM-DD` that is a real day (null for anything else). */
function dayParts(s: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim())
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const utc = new Date(Date.UTC(y, mo - 1, d))
  return utc.getUTCFullYear() === y && utc.getUTCMonth() === mo - 1 && utc.getUTCDate() === d ? [y, mo, d] : null
}

/** A day (`YYYY-MM-DD`) as the instant the activity is recorded at: noon of that day in the program's zone. */
export function heldAtOf(day: string): number | null {
  const p = dayParts(day)
  return p ? Date.UTC(p[0], p[1] - 1, p[2], 12) - ZONE_OFFSET_MS : null
}

// -- 新建队伍 ------------------------------------------------------------------------------------------

export interface TeamDraft {
  steward_id: string
  name: string
  kind: TeamKind | ''
}

export function teamDraft(): TeamDraft {
  return { steward_id: '', name: '', kind: 'volunteer' }
}

export type TeamPart = 'steward_id' | 'name' | 'kind'

/** Why the team may not be sent yet, by part: i18n keys. */
export function teamProblems(d: TeamDraft): Partial<Record<TeamPart, string>> {
  const out: Partial<Record<TeamPart, string>> = {}
  if (!d.steward_id) out.steward_id = 'teams.problem.stewardRequired'
  const name = d.name.trim()
  if (!name) out.name = 'teams.problem.nameRequired'
  else if ([...name].length > TEAM_NAME_MAX) out.name = 'teams.problem.nameLong'
  if (!(TEAM_KINDS as readonly string[]).includes(d.kind)) out.kind = 'teams.problem.kindRequired'
  return out
}

/** The body of `POST /v1/teams`. */
export function teamBody(d: TeamDraft): TeamBody {
  return { steward_id: d.steward_id, name: d.name.trim(), kind: d.kind }
}

// -- 添加队员 ------------------------------------------------------------------------------------------

export interface MemberDraft {
  name: string
  role: MemberRole | ''
}

export function memberDraft(): MemberDraft {
  return { name: '', role: 'resident' }
}

export type MemberPart = 'name' | 'role'

export function memberProblems(d: MemberDraft): Partial<Record<MemberPart, string>> {
  const out: Partial<Record<MemberPart, string>> = {}
  const name = d.name.trim()
  if (!name) out.name = 'teams.problem.memberRequired'
  else if ([...name].length > TEXT_MAX) out.name = 'teams.problem.textLong'
  if (!(MEMBER_ROLES as readonly string[]).includes(d.role)) out.role = 'teams.problem.roleRequired'
  return out
}

/** The body of `POST /v1/teams/{id}/members`. */
export function memberBody(d: MemberDraft): MemberBody {
  return { name: d.name.trim(), role: d.role }
}

// -- 记录活动 ------------------------------------------------------------------------------------------

export interface ActivityDraft {
  kind: ActivityKind | ''
  title: string
  /** `YYYY-MM-DD` in the program's zone. */
  day: string
  place: string
  /** Empty input: null. */
  participants: number | null
  /** Who took part, separated by commas (，, 、, ; or new lines work too); may be empty. */
  names: string
}

export function activityDraft(now: number = Date.now()): ActivityDraft {
  return { kind: 'policy_talk', title: '', day: formatDate(now), place: '', participants: null, names: '' }
}

/** The names of a comma list, trimmed, without empty ones or repeats. */
export function splitNames(s: string): string[] {
  const out: string[] = []
  for (const n of s.split(/[,，、;；\n]/)) {
    const v = n.trim()
    if (v && !out.includes(v)) out.push(v)
  }
  return out
}

export type ActivityPart = 'kind' | 'title' | 'day' | 'place' | 'participants' | 'names'

export function activityProblems(d: ActivityDraft): Partial<Record<ActivityPart, string>> {
  const out: Partial<Record<ActivityPart, string>> = {}
  if (!(ACTIVITY_KINDS as readonly string[]).includes(d.kind)) out.kind = 'teams.problem.kindRequired'
  const title = d.title.trim()
  if (!title) out.title = 'teams.problem.titleRequired'
  else if ([...title].length > TEXT_MAX) out.title = 'teams.problem.textLong'
  if (heldAtOf(d.day) === null) out.day = 'teams.problem.dayRequired'
  const place = d.place.trim()
  if (!place) out.place = 'teams.problem.placeRequired'
  else if ([...place].length > TEXT_MAX) out.place = 'teams.problem.textLong'
  const p = d.participants
  if (p === null || p === undefined || Number.isNaN(p)) out.participants = 'teams.problem.participantsRequired'
  else if (!Number.isInteger(p) || p < 1 || p > PARTICIPANTS_MAX) out.participants = 'teams.problem.participantsRange'
  else if (splitNames(d.names).length > p) out.names = 'teams.problem.tooManyNames'
  return out
}

/** The body of `POST /v1/teams/{id}/activities` (`names` only when some are given). */
export function activityBody(d: ActivityDraft): ActivityBody {
  const names = splitNames(d.names)
  const body: ActivityBody = {
    kind: d.kind,
    title: d.title.trim(),
    held_at: heldAtOf(d.day) as number,
    place: d.place.trim(),
    participants: d.participants as number,
  }
  if (names.length) body.names = names
  return body
}

// -- where a refusal shows ----------------------------------------------------------------------------

/**
 * Where a refusal shows in a dialog: beside the part its `field` names, else (the server's
 * activity refusals name the part only in words: "an activity needs a title", "more names than
 * participants") the part its message names, else above the buttons.
 */
export function teamsErrorPart<P extends string>(parts: readonly P[], field: string | null | undefined, message?: string | null): P | '' {
  const f = field === 'held_at' ? 'day' : field
  if (f && (parts as readonly string[]).includes(f)) return f as P
  const m = (message ?? '').toLowerCase()
  const words: [string, string][] = [
    ['names', 'names'],
    ['participants', 'participants'],
    ['title', 'title'],
    ['date', 'day'],
    ['place', 'place'],
    ['steward', 'steward_id'],
  ]
  for (const [word, part] of words) if (m.includes(word) && (parts as readonly string[]).includes(part)) return part as P
  return ''
}
