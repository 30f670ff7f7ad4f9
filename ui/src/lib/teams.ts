// Volunteer and culture teams (志愿服务队、文化宣传队): the small forms of the teams screens (a new
// team, a new member, an activity), their checks before anything is sent, and what the Rust side
// takes. Days are "YYYY-MM-DD" in the program's zone; an activity is stored at noon of its day,
// as a meeting is.
import type { ActivityKind, MemberRole, Millis, TeamActivity, TeamActivityForm, TeamKind } from '../api'
import { MAX_PARTICIPANTS, MAX_TEAM_MEMBERS, SHORT_TEXT } from './limits'
import { heldAt, splitNames } from './meetingForm'
import { dayOf, parseDay, type Day } from './time'
import type { FormErrors } from './visitForm'

/** The kinds, in the order the forms show them. */
export const TEAM_KINDS: readonly TeamKind[] = ['volunteer', 'culture']
export const ACTIVITY_KINDS: readonly ActivityKind[] = ['policy_talk', 'clean_up', 'safety_check', 'performance', 'other']
export const MEMBER_ROLES: readonly MemberRole[] = ['steward', 'resident']

/** The years an activity's date may fall in (the Rust side refuses others). */
const FIRST_YEAR = 2000
const LAST_YEAR = 2099

// ---- a new team ----

export interface TeamDraft { name: string; kind: TeamKind | null }

export function emptyTeamDraft(): TeamDraft {
  return { name: '', kind: null }
}

export function validateTeam(d: TeamDraft): FormErrors {
  const errors: FormErrors = {}
  const name = d.name.trim()
  if (!name) errors.name = 'teams.errors.name'
  else if (name.length > SHORT_TEXT) errors.name = 'teams.errors.tooLong'
  if (!d.kind || !TEAM_KINDS.includes(d.kind)) errors.kind = 'teams.errors.kind'
  return errors
}

// ---- a new member ----

/** Most members are residents: the role starts there. */
export interface MemberDraft { name: string; role: MemberRole }

export function emptyMemberDraft(): MemberDraft {
  return { name: '', role: 'resident' }
}

/** A member checked against how many the team has already. */
export function validateMember(d: MemberDraft, members: number): FormErrors {
  const errors: FormErrors = {}
  const name = d.name.trim()
  if (members >= MAX_TEAM_MEMBERS) errors.name = 'team.errors.full'
  else if (!name) errors.name = 'team.errors.memberName'
  else if (name.length > SHORT_TEXT) errors.name = 'team.errors.tooLong'
  if (!MEMBER_ROLES.includes(d.role)) errors.role = 'team.errors.memberRole'
  return errors
}

// ---- an activity ----

export interface ActivityDraft {
  /** null until chosen. */
  kind: ActivityKind | null
  title: string
  date: Day
  place: string
  /** How many took part (参与人数). */
  participants: number
  /** Who took part, added one by one or several at once. */
  names: string[]
  /** Names typed and not yet added (several separated by 、 ， , or new lines); saved with the rest. */
  nameInput: string
}

/** A new form: held today, nobody counted yet. */
export function emptyActivityDraft(zone: string, now: Millis = Date.now()): ActivityDraft {
  return { kind: null, title: '', date: dayOf(now, zone), place: '', participants: 0, names: [], nameInput: '' }
}

const str = (v: unknown) => (typeof v === 'string' ? v : '')

/** A saved draft made whole again: anything missing or of the wrong shape gets its default. */
export function restoreActivityDraft(saved: unknown, zone: string, now: Millis = Date.now()): ActivityDraft {
  const base = emptyActivityDraft(zone, now)
  if (typeof saved !== 'object' || saved === null) return base
  const s = saved as Record<string, unknown>
  const kind = ACTIVITY_KINDS.includes(s.kind as ActivityKind) ? (s.kind as ActivityKind) : null
  const date = typeof s.date === 'string' && parseDay(s.date) ? s.date : base.date
  const participants = typeof s.participants === 'number' && Number.isInteger(s.participants) && s.participants >= 0 ? s.participants : 0
  const names = Array.isArray(s.names) ? s.names.filter((n): n is string => typeof n === 'string' && n.trim() !== '') : []
  return { kind, title: str(s.title), date, place: str(s.place), participants, names, nameInput: str(s.nameInput) }
}

/** Adds names to the list (trimmed; blanks and ones already there left out). */
function withNames(list: string[], more: string[]): string[] {
  const out = [...list]
  for (const n of more) {
    const name = n.trim()
    if (name && !out.includes(name)) out.push(name)
  }
  return out
}

/** Every participant named: those added, and those still typed in the box. */
export function activityNames(d: ActivityDraft): string[] {
  return withNames(d.names, splitNames(d.nameInput))
}

/** Moves what is typed in the names box into the list. */
export function addTypedNames(d: ActivityDraft) {
  d.names = activityNames(d)
  d.nameInput = ''
}

/** A member's name tapped: in the list if it was not, out of it if it was. */
export function toggleName(d: ActivityDraft, name: string) {
  const i = d.names.indexOf(name)
  if (i >= 0) d.names.splice(i, 1)
  else d.names.push(name)
}

export function validateActivity(d: ActivityDraft, zone: string, now: Millis = Date.now()): FormErrors {
  const errors: FormErrors = {}
  if (!d.kind || !ACTIVITY_KINDS.includes(d.kind)) errors.kind = 'teamActivity.errors.kind'
  const title = d.title.trim()
  if (!title) errors.title = 'teamActivity.errors.title'
  else if (title.length > SHORT_TEXT) errors.title = 'teamActivity.errors.tooLong'
  const p = parseDay(d.date)
  if (!p || p.year < FIRST_YEAR || p.year > LAST_YEAR) errors.date = 'teamActivity.errors.date'
  else if (d.date > dayOf(now, zone)) errors.date = 'teamActivity.errors.future'
  const place = d.place.trim()
  if (!place) errors.place = 'teamActivity.errors.place'
  else if (place.length > SHORT_TEXT) errors.place = 'teamActivity.errors.tooLong'
  const names = activityNames(d)
  const n = Number(d.participants)
  if (!Number.isInteger(n) || n < 1) errors.participants = 'teamActivity.errors.participants'
  else if (n > MAX_PARTICIPANTS) errors.participants = 'teamActivity.errors.tooManyParticipants'
  else if (names.length > n) errors.participants = 'teamActivity.errors.moreNames'
  if (names.length > MAX_TEAM_MEMBERS) errors.names = 'teamActivity.errors.tooManyNames'
  else if (names.some((x) => x.length > SHORT_TEXT)) errors.names = 'teamActivity.errors.nameLong'
  return errors
}

/** What api.recordTeamActivity takes. */
export function toActivityForm(d: ActivityDraft, zone: string): TeamActivityForm {
  return {
    kind: d.kind as ActivityKind,
    title: d.title.trim(),
    held_at: heldAt(d.date, zone),
    place: d.place.trim(),
    participants: Number(d.participants),
    names: activityNames(d),
  }
}

// ---- showing a team ----

/** Newest first: by the day held, then by when recorded. */
export function newestFirst(list: TeamActivity[]): TeamActivity[] {
  return [...list].sort((a, b) => b.held_at - a.held_at || b.recorded_at - a.recorded_at)
}

/** Recorded by the community (a supervisor, from the console), not by the steward. */
export function byCommunity(a: Pick<TeamActivity, 'role'>): boolean {
  return a.role === 'supervisor'
}

/** The tag colour of each team kind and activity kind. */
export const TEAM_KIND_COLOURS: Record<TeamKind, string> = { volunteer: '#c8161d', culture: '#b35c00' }
