// The joint meeting (联席会议) form as the screen holds it (and as its draft is saved), its checks,
// and the forms the Rust side takes: a new meeting, corrected basics, one more decision.
// Days are "YYYY-MM-DD" in the program's zone; names are typed per party, several in one box.
import type {
  Attendee, AttendeeForm, DecisionForm, MeetingBasicsForm, MeetingForm, MeetingParty, MeetingRecord, Millis,
} from '../api'
import { LONG_TEXT, MAX_ATTENDEES, MAX_DECISIONS, SHORT_TEXT } from './limits'
import { dayAt, dayOf, endOfDay, parseDay, type Day } from './time'
import type { FormErrors } from './visitForm'

/** The parties, in the order the form shows them. */
export const MEETING_PARTIES: readonly MeetingParty[] = ['community', 'branch', 'property_company', 'owners_committee', 'steward']

/** What is typed in each party's box: names separated by 、 ， , ； or new lines. */
export type PartyNames = Record<MeetingParty, string>

export interface DecisionDraft {
  text: string
  /** The party responsible (责任方); null until chosen. */
  party: MeetingParty | null
  /** The day it is to be done by (期限); null for none. */
  deadline: Day | null
}

export interface MeetingBasicsDraft { date: Day; place: string; topics: string; attendees: PartyNames }
export interface MeetingDraft extends MeetingBasicsDraft { decisions: DecisionDraft[] }

/** A meeting is stored at noon of its day in the zone: the same day (and quarter) wherever it is read. */
const HELD_HOUR = 12
/** The years a date may fall in (the Rust side refuses others). */
const FIRST_YEAR = 2000
const LAST_YEAR = 2099

export function emptyPartyNames(): PartyNames {
  return { community: '', branch: '', property_company: '', owners_committee: '', steward: '' }
}

export function emptyDecisionDraft(): DecisionDraft {
  return { text: '', party: null, deadline: null }
}

/** A new form: held today, one empty decision row to type into. */
export function emptyMeetingDraft(zone: string, now: Millis = Date.now()): MeetingDraft {
  return { date: dayOf(now, zone), place: '', topics: '', attendees: emptyPartyNames(), decisions: [emptyDecisionDraft()] }
}

const isParty = (p: unknown): p is MeetingParty => MEETING_PARTIES.includes(p as MeetingParty)
const str = (v: unknown) => (typeof v === 'string' ? v : '')
const dayOrNull = (v: unknown): Day | null => (typeof v === 'string' && parseDay(v) ? v : null)

/** A saved draft made whole again: anything missing or of the wrong shape gets its default. */
export function restoreMeetingDraft(saved: unknown, zone: string, now: Millis = Date.now()): MeetingDraft {
  const base = emptyMeetingDraft(zone, now)
  if (typeof saved !== 'object' || saved === null) return base
  const s = saved as Record<string, unknown>
  const names = (typeof s.attendees === 'object' && s.attendees !== null ? s.attendees : {}) as Record<string, unknown>
  const attendees = emptyPartyNames()
  for (const p of MEETING_PARTIES) attendees[p] = str(names[p])
  const decisions = Array.isArray(s.decisions)
    ? s.decisions.map((x) => {
        const d = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>
        return { text: str(d.text), party: isParty(d.party) ? d.party : null, deadline: dayOrNull(d.deadline) }
      })
    : base.decisions
  return { date: dayOrNull(s.date) ?? base.date, place: str(s.place), topics: str(s.topics), attendees, decisions }
}

/** The names typed in one box: split at 、 ， , ； ; and new lines, trimmed, blanks and repeats dropped. */
export function splitNames(text: string): string[] {
  const out: string[] = []
  for (const n of text.split(/[、，,；;\n\r]+/)) {
    const name = n.trim()
    if (name && !out.includes(name)) out.push(name)
  }
  return out
}

/** One party's attendees as shown in its box. */
export function joinNames(names: string[]): string {
  return names.join('、')
}

function dayInRange(day: Day): boolean {
  const p = parseDay(day)
  return !!p && p.year >= FIRST_YEAR && p.year <= LAST_YEAR
}

/** A decision row the steward has not touched: dropped from a new meeting rather than refused. */
export function isBlankDecision(d: DecisionDraft): boolean {
  return !d.text.trim() && !d.party && !d.deadline
}

/** The date, place, topics and attendees checked. Attendee errors are keyed "attendees.<party>". */
export function validateBasics(d: MeetingBasicsDraft, zone: string, now: Millis = Date.now()): FormErrors {
  const errors: FormErrors = {}
  if (!dayInRange(d.date)) errors.date = 'meetingForm.errors.date'
  else if (d.date > dayOf(now, zone)) errors.date = 'meetingForm.errors.future'
  if (!d.place.trim()) errors.place = 'meetingForm.errors.place'
  else if (d.place.trim().length > SHORT_TEXT) errors.place = 'meetingForm.errors.tooLong'
  if (d.topics.trim().length > LONG_TEXT) errors.topics = 'meetingForm.errors.tooLong'
  let count = 0
  for (const p of MEETING_PARTIES) {
    const names = splitNames(d.attendees[p])
    count += names.length
    if (names.some((n) => n.length > SHORT_TEXT)) errors[`attendees.${p}`] = 'meetingForm.errors.nameLong'
  }
  if (count > MAX_ATTENDEES) errors.attendees = 'meetingForm.errors.tooManyAttendees'
  return errors
}

/**
 * One decision checked against the day the meeting was held. Errors are keyed
 * "<prefix>text", "<prefix>party" and "<prefix>deadline".
 */
export function validateDecision(d: DecisionDraft, heldDay: Day, prefix = ''): FormErrors {
  const errors: FormErrors = {}
  if (!d.text.trim()) errors[`${prefix}text`] = 'meetingForm.errors.decisionText'
  else if (d.text.trim().length > LONG_TEXT) errors[`${prefix}text`] = 'meetingForm.errors.tooLong'
  if (!d.party) errors[`${prefix}party`] = 'meetingForm.errors.decisionParty'
  if (d.deadline != null) {
    if (!dayInRange(d.deadline)) errors[`${prefix}deadline`] = 'meetingForm.errors.date'
    else if (dayInRange(heldDay) && d.deadline < heldDay) errors[`${prefix}deadline`] = 'meetingForm.errors.deadlineBefore'
  }
  return errors
}

/** The whole new-meeting form. Decision errors are keyed "decision.<index>.<field>"; blank rows pass. */
export function validateMeeting(d: MeetingDraft, zone: string, now: Millis = Date.now()): FormErrors {
  const errors = validateBasics(d, zone, now)
  d.decisions.forEach((x, i) => {
    if (!isBlankDecision(x)) Object.assign(errors, validateDecision(x, d.date, `decision.${i}.`))
  })
  if (d.decisions.filter((x) => !isBlankDecision(x)).length > MAX_DECISIONS) errors.decisions = 'meetingForm.errors.tooManyDecisions'
  return errors
}

/** The instant a meeting held on `day` is stored at. */
export function heldAt(day: Day, zone: string): Millis {
  return dayAt(day, zone, HELD_HOUR, 0)
}

/**
 * The attendees the boxes name, party by party. A name already on the meeting (same party, same
 * name) keeps its id, so a correction does not make the same person a new attendee.
 */
export function toAttendees(names: PartyNames, existing: Attendee[] = []): AttendeeForm[] {
  const unused = [...existing]
  const out: AttendeeForm[] = []
  for (const party of MEETING_PARTIES) {
    for (const name of splitNames(names[party])) {
      const i = unused.findIndex((a) => a.party === party && a.name.trim() === name)
      if (i >= 0) out.push({ id: unused.splice(i, 1)[0].id, party, name })
      else out.push({ party, name })
    }
  }
  return out
}

/** What api.addDecision takes (and each decision of a new meeting): a deadline holds its whole day. */
export function toDecisionForm(d: DecisionDraft, zone: string): DecisionForm {
  return { text: d.text.trim(), party: d.party as MeetingParty, deadline: d.deadline ? endOfDay(d.deadline, zone) : null }
}

/** What api.recordMeeting takes. Decision rows left entirely empty are dropped. */
export function toMeetingForm(d: MeetingDraft, zone: string): MeetingForm {
  return {
    held_at: heldAt(d.date, zone),
    place: d.place.trim(),
    topics: d.topics.trim(),
    attendees: toAttendees(d.attendees),
    decisions: d.decisions.filter((x) => !isBlankDecision(x)).map((x) => toDecisionForm(x, zone)),
  }
}

/** A recorded meeting's basics, as the correction form starts from them. */
export function basicsDraftOf(m: MeetingRecord, zone: string): MeetingBasicsDraft {
  const attendees = emptyPartyNames()
  for (const p of MEETING_PARTIES) attendees[p] = joinNames(m.attendees.filter((a) => a.party === p).map((a) => a.name))
  return { date: dayOf(m.held_at, zone), place: m.place, topics: m.topics, attendees }
}

/**
 * What api.editMeeting takes for the corrected basics of `m`: attendees still named keep their ids,
 * and the meeting keeps its exact time unless its day was changed.
 */
export function toMeetingBasics(d: MeetingBasicsDraft, zone: string, m: MeetingRecord): MeetingBasicsForm {
  return {
    held_at: d.date === dayOf(m.held_at, zone) ? m.held_at : heldAt(d.date, zone),
    place: d.place.trim(),
    topics: d.topics.trim(),
    attendees: toAttendees(d.attendees, m.attendees),
  }
}
