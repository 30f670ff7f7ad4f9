import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import type { SyncState } from '../api'
import { messages } from '../i18n'
import { syncBadgeReason, syncBadgeText, syncBadgeView } from './sync'

const ZONE = 'Asia/Shanghai'
// 2025-03-05 06:05 UTC = 14:05 in Shanghai.
const AT_1405 = Date.UTC(2025, 2, 5, 6, 5)

function state(p: Partial<SyncState['status']> & { syncing?: boolean; offline?: boolean } = {}): SyncState {
  const { syncing = false, offline = false, ...status } = p
  return {
    syncing,
    offline,
    seq: 0,
    status: { pending_changes: 0, last_success_at: null, last_error: null, last_error_code: null, rejected: [], ...status },
  }
}

function translator(locale: 'zh-CN' | 'en') {
  const i18n = createI18n({ legacy: false, locale, messages })
  return (k: string, p?: Record<string, unknown>) => i18n.global.t(k, p ?? {})
}
const zh = translator('zh-CN')
const en = translator('en')

describe('sync badge words', () => {
  it('offline with changes waiting', () => {
    const s = state({ offline: true, pending_changes: 3, last_error: 'server unreachable' })
    expect(syncBadgeView(s, ZONE)).toMatchObject({ state: 'offline', pending: 3 })
    expect(syncBadgeText(s, ZONE, zh)).toBe('离线 · 3 条待同步')
    expect(syncBadgeText(s, ZONE, en)).toBe('Offline · 3 waiting')
  })

  it('offline with nothing waiting', () => {
    const s = state({ offline: true })
    expect(syncBadgeView(s, ZONE).state).toBe('offline')
    expect(syncBadgeText(s, ZONE, zh)).toBe('离线')
  })

  it('offline wins over a retry in progress, so the badge does not flicker', () => {
    const s = state({ syncing: true, offline: true, pending_changes: 2, last_error: 'x' })
    expect(syncBadgeView(s, ZONE)).toMatchObject({ state: 'offline', pending: 2 })
  })

  it('syncing wins over an earlier error and waiting changes', () => {
    const s = state({ syncing: true, pending_changes: 2, last_error: 'x' })
    expect(syncBadgeView(s, ZONE)).toMatchObject({ state: 'syncing', pending: 2 })
    expect(syncBadgeText(s, ZONE, zh)).toBe('同步中…')
  })

  it('changes waiting', () => {
    const s = state({ pending_changes: 3, last_success_at: AT_1405 })
    expect(syncBadgeView(s, ZONE)).toMatchObject({ state: 'pending', pending: 3 })
    expect(syncBadgeText(s, ZONE, zh)).toBe('3 条待同步')
  })

  it('synced at a time shown in the program zone', () => {
    const s = state({ last_success_at: AT_1405 })
    expect(syncBadgeView(s, ZONE)).toMatchObject({ state: 'synced', pending: 0 })
    expect(syncBadgeText(s, ZONE, zh)).toBe('已同步 14:05')
    expect(syncBadgeText(s, ZONE, en)).toBe('Synced 14:05')
    expect(syncBadgeText(s, 'UTC', zh)).toBe('已同步 06:05')
  })

  it('never synced', () => {
    expect(syncBadgeText(state(), ZONE, zh)).toBe('还没有同步过')
    expect(syncBadgeView(state(), ZONE).state).toBe('synced')
    expect(syncBadgeView(state(), ZONE).lastSync).toBe('')
  })

  it('gives the last success time (as data-last-sync) in every state, and "" when never synced', () => {
    expect(syncBadgeView(state({ last_success_at: AT_1405 }), ZONE).lastSync).toBe(String(AT_1405))
    expect(syncBadgeView(state({ last_success_at: AT_1405, offline: true }), ZONE).lastSync).toBe(String(AT_1405))
    expect(syncBadgeView(state({ last_success_at: AT_1405, pending_changes: 2 }), ZONE).lastSync).toBe(String(AT_1405))
    expect(syncBadgeView(state({ last_error: 'x', last_error_code: 'server_error' }), ZONE).lastSync).toBe('')
    expect(syncBadgeView(state({ syncing: true }), ZONE).lastSync).toBe('')
    expect(syncBadgeView(null, ZONE).lastSync).toBe('')
  })

  it('an error with a code: the words for the code are the reason, the message only the detail', () => {
    const s = state({ last_error: 'HTTP 401 from /v1/sync', last_error_code: 'unauthorized', pending_changes: 2 })
    const v = syncBadgeView(s, ZONE)
    expect(v).toMatchObject({ state: 'error', pending: 2, reasonKey: 'errors.unauthorized', detail: 'HTTP 401 from /v1/sync' })
    expect(syncBadgeText(s, ZONE, zh)).toBe('同步出错 · 2 条待同步')
    expect(syncBadgeReason(s, ZONE, zh)).toBe('服务器不再接受这部手机，请向社区要新的登记码')
    expect(syncBadgeReason(s, ZONE, en)).toBe('The server no longer accepts this phone: ask the community for a new enrolment code')
  })

  it('an error code we have no words for reads as "something went wrong"; no code, no reason', () => {
    const odd = state({ last_error: 'weird', last_error_code: 'brand_new_code' })
    expect(syncBadgeView(odd, ZONE).reasonKey).toBe('errors.unknown')
    expect(syncBadgeReason(odd, ZONE, zh)).toBe('出错了')
    expect(syncBadgeReason(state({ last_error: 'boom' }), ZONE, zh)).toBeNull()
    // A code alone (no message) is still an error.
    const codeOnly = state({ last_error_code: 'server_error' })
    expect(syncBadgeView(codeOnly, ZONE)).toMatchObject({ state: 'error', detail: null, reasonKey: 'errors.server_error' })
    // Not in the error state: no reason shown.
    expect(syncBadgeReason(state({ offline: true, last_error: 'x', last_error_code: 'offline' }), ZONE, zh)).toBeNull()
  })

  it('an error when not offline, with the message as detail', () => {
    const s = state({ last_error: 'the server refused the sync: bad document', pending_changes: 1, last_success_at: AT_1405 })
    const v = syncBadgeView(s, ZONE)
    expect(v).toMatchObject({ state: 'error', pending: 1, detail: 'the server refused the sync: bad document', reasonKey: null })
    expect(syncBadgeText(s, ZONE, zh)).toBe('同步出错 · 1 条待同步')
    expect(syncBadgeText(state({ last_error: 'boom' }), ZONE, zh)).toBe('同步出错')
  })

  it('no state yet', () => {
    expect(syncBadgeView(null, ZONE)).toMatchObject({ state: 'pending', pending: 0 })
    expect(syncBadgeText(null, ZONE, zh)).toBe('同步状态未知')
  })
})
