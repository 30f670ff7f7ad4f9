// The visit form as the screen holds it (and as its draft is saved), its checks, and the
// VisitForm the Rust side takes.
import type { Millis, MustVisitTrigger, OpinionCategory, TimelyKind, Uuid, VisitForm, VisitMethod } from '../api'

export interface OpinionDraft { category: OpinionCategory | null; text: string }

export interface VisitDraft {
  /** null: "now" at the moment of saving. */
  at: Millis | null
  method: VisitMethod
  summary: string
  opinions: OpinionDraft[]
  hardships: string
  answers: Uuid[]
  follow_up: boolean
  /** A new must-visit to raise with this visit; null for none. */
  mustTrigger: MustVisitTrigger | null
  mustNote: string
  /** A timely response to raise with this visit; null for none. */
  timelyKind: TimelyKind | null
  timelyNote: string
}

export function emptyVisitDraft(openMustVisits: Uuid[]): VisitDraft {
  return {
    at: null,
    method: 'door_visit',
    summary: '',
    opinions: [],
    hardships: '',
    answers: [...openMustVisits],
    follow_up: false,
    mustTrigger: null,
    mustNote: '',
    timelyKind: null,
    timelyNote: '',
  }
}

/**
 * A saved draft made whole again: fields a different version may lack get their defaults, and
 * ticks for must-visits that are no longer open are dropped.
 */
export function restoreVisitDraft(saved: unknown, openMustVisits: Uuid[]): VisitDraft {
  const base = emptyVisitDraft(openMustVisits)
  if (typeof saved !== 'object' || saved === null) return base
  const d = { ...base, ...(saved as Partial<VisitDraft>) }
  d.opinions = Array.isArray(d.opinions)
    ? d.opinions.map((o) => ({ category: o?.category ?? null, text: String(o?.text ?? '') }))
    : []
  d.answers = Array.isArray(d.answers) ? d.answers.filter((id) => openMustVisits.includes(id)) : base.answers
  return d
}

/** Field → i18n key of the error shown under it. Opinion errors are keyed "opinion.<index>". */
export type FormErrors = Record<string, string>

export function validateVisit(d: VisitDraft, now: Millis = Date.now()): FormErrors {
  const errors: FormErrors = {}
  if (!d.summary.trim()) errors.summary = 'visit.errors.summary'
  d.opinions.forEach((o, i) => {
    const hasText = o.text.trim() !== ''
    if (o.category && !hasText) errors[`opinion.${i}`] = 'visit.errors.opinionText'
    else if (!o.category && hasText) errors[`opinion.${i}`] = 'visit.errors.opinionCategory'
  })
  // A visit cannot be recorded in the future (a few minutes of clock skew are allowed).
  if (d.at != null && d.at > now + 5 * 60_000) errors.at = 'visit.errors.future'
  return errors
}

/** What api.recordVisit takes. Opinion rows left entirely empty are dropped. */
export function toVisitForm(householdId: Uuid, d: VisitDraft): VisitForm {
  return {
    household_id: householdId,
    at: d.at,
    method: d.method,
    summary: d.summary.trim(),
    opinions: d.opinions
      .filter((o) => o.category && o.text.trim())
      .map((o) => ({ category: o.category as OpinionCategory, text: o.text.trim() })),
    hardships: d.hardships.trim(),
    answers: [...d.answers],
    follow_up: d.follow_up,
    must_visit: d.mustTrigger ? { trigger: d.mustTrigger, note: d.mustNote.trim() } : null,
    timely: d.timelyKind ? { kind: d.timelyKind, note: d.timelyNote.trim() } : null,
  }
}
