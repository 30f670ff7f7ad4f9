// The words on the sync badge, worked out from the sync state alone.
import type { SyncState } from '../api'
import { formatClock } from './time'
import { errorKey } from './errors'

export type BadgeState = 'offline' | 'syncing' | 'pending' | 'synced' | 'error'

export interface BadgeView {
  state: BadgeState
  pending: number
  /** i18n key and its parameters. */
  key: string
  params: Record<string, unknown>
  /**
   * Why the last sync failed, in words: the i18n key for `last_error_code` (the same `errors.<code>`
   * words as a failed command), shown under the main line. Null when not in the error state or
   * when Rust gave no code.
   */
  reasonKey: string | null
  /** A smaller line (the error's own message from Rust, in English), if any. */
  detail: string | null
  /** When the last sync succeeded (milliseconds, as a string), or '' when it never has. */
  lastSync: string
}

/**
 * Which state the badge shows. Order matters: no connection first, then a sync in progress,
 * then a failed sync, then changes waiting, then all synced.
 */
export function syncBadgeView(s: SyncState | null, zone: string): BadgeView {
  if (!s) return { state: 'pending', pending: 0, key: 'sync.unknown', params: {}, reasonKey: null, detail: null, lastSync: '' }
  const lastSync = s.status.last_success_at == null ? '' : String(s.status.last_success_at)
  const base = { reasonKey: null, detail: null, lastSync }
  const pending = s.status.pending_changes
  // While offline the loop keeps retrying in the background; the steward should go on seeing
  // "offline · N waiting", not a flicker of "syncing" at every attempt.
  if (s.offline) {
    return { state: 'offline', pending, key: pending > 0 ? 'sync.offlinePending' : 'sync.offline', params: { n: pending }, ...base }
  }
  if (s.syncing) return { state: 'syncing', pending, key: 'sync.syncing', params: {}, ...base }
  const code = s.status.last_error_code ?? null
  if (s.status.last_error || code) {
    return {
      state: 'error',
      pending,
      key: pending > 0 ? 'sync.errorPending' : 'sync.error',
      params: { n: pending },
      reasonKey: code ? errorKey(code) : null,
      detail: s.status.last_error || null,
      lastSync,
    }
  }
  if (pending > 0) return { state: 'pending', pending, key: 'sync.pending', params: { n: pending }, ...base }
  if (s.status.last_success_at == null) return { state: 'synced', pending, key: 'sync.never', params: {}, ...base }
  return { state: 'synced', pending, key: 'sync.synced', params: { time: formatClock(s.status.last_success_at, zone) }, ...base }
}

type T = (key: string, params?: Record<string, unknown>) => string

/** The badge's main line in words. */
export function syncBadgeText(s: SyncState | null, zone: string, t: T): string {
  const v = syncBadgeView(s, zone)
  return t(v.key, v.params)
}

/** Why the last sync failed, in words (by its code), or null. */
export function syncBadgeReason(s: SyncState | null, zone: string, t: T): string | null {
  const v = syncBadgeView(s, zone)
  return v.reasonKey ? t(v.reasonKey, { n: v.pending }) : null
}
