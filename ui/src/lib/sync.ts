// The words on the sync badge, worked out from the sync state alone.
import type { SyncState } from '../api'
import { formatClock } from './time'

export type BadgeState = 'offline' | 'syncing' | 'pending' | 'synced' | 'error'

export interface BadgeView {
  state: BadgeState
  pending: number
  /** i18n key and its parameters. */
  key: string
  params: Record<string, unknown>
  /** A second, smaller line (the error's own message), if any. */
  detail: string | null
}

/**
 * Which state the badge shows. Order matters: no connection first, then a sync in progress,
 * then a failed sync, then changes waiting, then all synced.
 */
export function syncBadgeView(s: SyncState | null, zone: string): BadgeView {
  if (!s) return { state: 'pending', pending: 0, key: 'sync.unknown', params: {}, detail: null }
  const pending = s.status.pending_changes
  // While offline the loop keeps retrying in the background; the steward should go on seeing
  // "offline · N waiting", not a flicker of "syncing" at every attempt.
  if (s.offline) {
    return { state: 'offline', pending, key: pending > 0 ? 'sync.offlinePending' : 'sync.offline', params: { n: pending }, detail: null }
  }
  if (s.syncing) return { state: 'syncing', pending, key: 'sync.syncing', params: {}, detail: null }
  if (s.status.last_error) {
    return {
      state: 'error',
      pending,
      key: pending > 0 ? 'sync.errorPending' : 'sync.error',
      params: { n: pending },
      detail: s.status.last_error,
    }
  }
  if (pending > 0) return { state: 'pending', pending, key: 'sync.pending', params: { n: pending }, detail: null }
  if (s.status.last_success_at == null) return { state: 'synced', pending, key: 'sync.never', params: {}, detail: null }
  return { state: 'synced', pending, key: 'sync.synced', params: { time: formatClock(s.status.last_success_at, zone) }, detail: null }
}

/** The badge's main line in words. */
export function syncBadgeText(s: SyncState | null, zone: string, t: (key: string, params?: Record<string, unknown>) => string): string {
  const v = syncBadgeView(s, zone)
  return t(v.key, v.params)
}
