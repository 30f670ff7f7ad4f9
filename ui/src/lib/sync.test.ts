import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import type { SyncState } from '../api'
import { messages } from '../i18n'
import { syncBadgeText, syncBadgeView } from './sync'

const ZONE = 'Asia/Shanghai'
// 2025-03-05 06:05 UTC = 14:05 in Shanghai.
const AT_1405 = Date.UTC(2025, 2, 5, 6, 5)

function state(p: Partial<SyncState['status']> & { syncing?: boolean; offline?: boolean } = {}): SyncState {
  const { syncing = false, offline = false, ...status } = p
  return {
    syncing,
    offline,
    status: { pending_changes: 0, last_success_at: null, last_error: null, rejected: [], ...status },
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
  })

  it('an error when not offline, with the message as detail', () => {
    const s = state({ last_error: 'the server refused the sync: bad document', pending_changes: 1, last_success_at: AT_1405 })
    const v = syncBadgeView(s, ZONE)
    expect(v).toMatchObject({ state: 'error', pending: 1, detail: 'the server refused the sync: bad document' })
    expect(syncBadgeText(s, ZONE, zh)).toBe('同步出错 · 1 条待同步')
    expect(syncBadgeText(state({ last_error: 'boom' }), ZONE, zh)).toBe('同步出错')
  })

  it('no state yet', () => {
    expect(syncBadgeView(null, ZONE)).toMatchObject({ state: 'pending', pending: 0 })
    expect(syncBadgeText(null, ZONE, zh)).toBe('同步状态未知')
  })
})
