// Pairing assistance (结对帮扶) as cases: the forms that open and close a case as the screen holds
// them, their checks (each error an i18n key), the amount typed in yuan, and the words a case's
// outcome is shown in ("争取到补助资助 5000元").
import type { PairingCase, PairingCaseForm, PairingClose, PairingNeed, PairingOutcome } from '../api'
import { LONG_TEXT, SHORT_TEXT } from './limits'
import type { FormErrors } from './visitForm'

/** The largest amount a case may record, in yuan (the Rust side refuses more). */
export const MAX_AMOUNT_YUAN = 10_000_000

export interface PairingCaseDraft { helper: string; need: PairingNeed | null; description: string }
export interface PairingCloseDraft {
  outcome: PairingOutcome | null
  /** As typed: empty for none. */
  amount: string
  note: string
}

export type CaseState = 'open' | 'closed'

export function emptyCaseDraft(): PairingCaseDraft {
  return { helper: '', need: null, description: '' }
}

export function emptyCloseDraft(): PairingCloseDraft {
  return { outcome: null, amount: '', note: '' }
}

/** Checks a new case. Errors are keyed "helper", "need" and "description". */
export function validateCase(d: PairingCaseDraft): FormErrors {
  const errors: FormErrors = {}
  const helper = d.helper.trim()
  const description = d.description.trim()
  if (!helper) errors.helper = 'pairing.errors.helper'
  else if (helper.length > SHORT_TEXT) errors.helper = 'pairing.errors.tooLong'
  if (!d.need) errors.need = 'pairing.errors.need'
  if (!description) errors.description = 'pairing.errors.description'
  else if (description.length > LONG_TEXT) errors.description = 'pairing.errors.tooLong'
  return errors
}

/** What api.openPairingCase takes. */
export function toCaseForm(d: PairingCaseDraft): PairingCaseForm {
  return { helper: d.helper.trim(), need: d.need as PairingNeed, description: d.description.trim() }
}

/** Checks what was done for a case: the i18n key of what is wrong, or '' when it may be sent. */
export function validateAction(text: string): string {
  const s = text.trim()
  if (!s) return 'pairing.errors.action'
  if (s.length > LONG_TEXT) return 'pairing.errors.tooLong'
  return ''
}

export type AmountResult = { ok: true; yuan: number | null } | { ok: false; error: string }

/**
 * An amount as typed, in whole yuan: empty is none (null). Full-width digits (a Chinese input
 * method's) are read as digits, and spaces, thousands separators and a trailing 元 are allowed.
 * Anything else (letters, decimals, a minus sign) is refused, as is more than 10,000,000.
 */
export function parseAmount(typed: string): AmountResult {
  const s = typed
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s,，]/g, '')
  if (s === '') return { ok: true, yuan: null }
  const digits = /^(\d+)元?$/.exec(s)
  if (!digits) return { ok: false, error: 'pairing.errors.amount' }
  const yuan = Number(digits[1])
  if (yuan > MAX_AMOUNT_YUAN) return { ok: false, error: 'pairing.errors.amountMax' }
  return { ok: true, yuan }
}

/** Checks the close form. Errors are keyed "outcome", "amount" and "note". */
export function validateClose(d: PairingCloseDraft): FormErrors {
  const errors: FormErrors = {}
  if (!d.outcome) errors.outcome = 'pairing.errors.outcome'
  const amount = parseAmount(d.amount)
  if (!amount.ok) errors.amount = amount.error
  if (d.note.trim().length > LONG_TEXT) errors.note = 'pairing.errors.tooLong'
  return errors
}

/** What api.closePairingCase takes (call only once validateClose passes). */
export function toPairingClose(d: PairingCloseDraft): PairingClose {
  const amount = parseAmount(d.amount)
  return { outcome: d.outcome as PairingOutcome, amount_yuan: amount.ok ? amount.yuan : null, note: d.note.trim() }
}

export function caseState(c: Pick<PairingCase, 'closed_at'>): CaseState {
  return c.closed_at == null ? 'open' : 'closed'
}

/** Open cases first, newest first; then closed ones, the latest closed first. */
export function sortCases<C extends Pick<PairingCase, 'opened_at' | 'closed_at'>>(cases: C[]): C[] {
  return [...cases].sort((a, b) => {
    if ((a.closed_at == null) !== (b.closed_at == null)) return a.closed_at == null ? -1 : 1
    if (a.closed_at != null && b.closed_at != null && a.closed_at !== b.closed_at) return b.closed_at - a.closed_at
    return b.opened_at - a.opened_at
  })
}

type T = (key: string, params?: Record<string, unknown>) => string

/** An amount in words: "5000元" / "5000 yuan". */
export function amountWords(yuan: number, t: T): string {
  return t('pairing.yuan', { n: String(yuan) })
}

/**
 * A closed case's outcome in words, with its amount when there is one: "争取到补助资助 5000元".
 * `outcomeLabel` gives the outcome's label (the vocabulary's); '' for an open case.
 */
export function outcomeWords(c: Pick<PairingCase, 'outcome' | 'amount_yuan'>, outcomeLabel: (code: string) => string, t: T): string {
  if (!c.outcome) return ''
  const words = outcomeLabel(c.outcome)
  return c.amount_yuan == null ? words : `${words} ${amountWords(c.amount_yuan, t)}`
}
