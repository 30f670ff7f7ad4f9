// A failed command in words: the code picks the sentence, the message is the detail.
import { isCommandError } from '../api'

const KNOWN = new Set([
  'invalid', 'not_found', 'not_enrolled', 'unsynced_changes', 'offline', 'bad_enrolment_code', 'unauthorized',
  'rejected', 'server_error', 'server_busy', 'storage', 'corrupt', 'protocol', 'ipc', 'already_enrolled', 'scan_failed',
])

/**
 * Codes whose own words say all a steward needs (what happened and what to do). For these the
 * Rust side's message, in English, would only repeat them, so no detail line is shown. Other
 * codes keep the message: for `invalid` it names the field, for a server error what failed.
 */
const SELF_EXPLAINED = new Set([
  'offline', 'bad_enrolment_code', 'unauthorized', 'not_enrolled', 'unsynced_changes', 'already_enrolled', 'server_busy',
])

/** The i18n key of the words for an error code (`errors.unknown` for a code we have no words for). */
export function errorKey(code: string): string {
  return `errors.${KNOWN.has(code) ? code : 'unknown'}`
}

export interface ErrorWords { code: string; title: string; detail: string }

export function errorWords(e: unknown, t: (key: string, params?: Record<string, unknown>) => string): ErrorWords {
  if (isCommandError(e)) {
    const detail = SELF_EXPLAINED.has(e.code) ? '' : e.message
    return { code: e.code, title: t(errorKey(e.code), { n: e.count ?? 0 }), detail }
  }
  return { code: 'unknown', title: t('errors.unknown', { n: 0 }), detail: e instanceof Error ? e.message : String(e) }
}
