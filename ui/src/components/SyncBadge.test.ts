import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { Icon } from 'vant'
import type { SyncState } from '../api'

// The Rust side, replaced: `invoke` answers from a table, `listen` hands us the event callback.
const invoke = vi.fn()
let pushSyncState: ((e: { payload: SyncState }) => void) | null = null
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({
  listen: vi.fn(async (_name: string, cb: (e: { payload: SyncState }) => void) => {
    pushSyncState = cb
    return () => {}
  }),
}))

import SyncBadge from './SyncBadge.vue'
import { i18n } from '../i18n'
import { applyPrefs, startSync, store } from '../store'

function state(pending: number, extra: Partial<SyncState> = {}, lastSuccess: number | null = null): SyncState {
  return {
    syncing: false,
    offline: false,
    seq: 0,
    status: { pending_changes: pending, last_success_at: lastSuccess, last_error: null, last_error_code: null, rejected: [] },
    ...extra,
  }
}

function mountBadge() {
  return mount(SyncBadge, { global: { plugins: [i18n], components: { VanIcon: Icon } } })
}

describe('SyncBadge', () => {
  beforeEach(() => {
    invoke.mockReset()
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    // The store is a module singleton: a newer state left by an earlier test would hide this one's.
    store.sync = null
    store.info = {
      version: '0.1.0',
      identity: null,
      zone: 'Asia/Shanghai',
      month: '2025-03',
      now: 0,
      mobile: false,
    }
  })

  it('shows the first state from sync_state, then follows sync-state events', async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'sync_state') return state(3, { offline: true })
      throw new Error(`unexpected ${cmd}`)
    })
    await startSync()
    const w = mountBadge()
    const badge = w.get('[data-testid="sync-badge"]')
    expect(badge.attributes('data-state')).toBe('offline')
    expect(badge.attributes('data-pending')).toBe('3')
    expect(badge.attributes('data-last-sync')).toBe('')
    expect(badge.text()).toContain('离线 · 3 条待同步')

    expect(pushSyncState).not.toBeNull()
    pushSyncState!({ payload: state(3, { syncing: true }) })
    await flushPromises()
    expect(badge.attributes('data-state')).toBe('syncing')
    expect(badge.text()).toContain('同步中…')

    // 2025-03-05 06:05 UTC is 14:05 in the program zone.
    pushSyncState!({ payload: state(0, {}, Date.UTC(2025, 2, 5, 6, 5)) })
    await flushPromises()
    expect(badge.attributes('data-state')).toBe('synced')
    expect(badge.attributes('data-pending')).toBe('0')
    expect(badge.attributes('data-last-sync')).toBe(String(Date.UTC(2025, 2, 5, 6, 5)))
    expect(badge.text()).toContain('已同步 14:05')
  })

  it('an answer overtaken by a newer event does not put back the older state', async () => {
    // Enrolled, the first sync finishes (event seq 2) before the answer to sync_state, taken
    // while it was running (seq 1), arrives.
    let answer: (s: SyncState) => void = () => {}
    invoke.mockImplementation((cmd: string) => {
      if (cmd === 'sync_state') return new Promise<SyncState>((resolve) => (answer = resolve))
      throw new Error(`unexpected ${cmd}`)
    })
    store.sync = null
    const started = startSync()
    await flushPromises()
    pushSyncState!({ payload: state(0, { seq: 2 }, 5000) })
    answer(state(1, { syncing: true, seq: 1 }))
    await started
    const w = mountBadge()
    const badge = w.get('[data-testid="sync-badge"]')
    expect(badge.attributes('data-state')).toBe('synced')
    expect(badge.attributes('data-pending')).toBe('0')
    // A later state is taken as ever.
    pushSyncState!({ payload: state(1, { seq: 2 }, 5000) })
    await flushPromises()
    expect(badge.attributes('data-pending')).toBe('1')
    w.unmount()
  })

  it('tapping "sync now" calls sync_now once and shows what it returns', async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'sync_now') return state(2, { syncing: true })
      return state(2)
    })
    store.sync = state(2)
    const w = mountBadge()
    expect(w.get('[data-testid="sync-badge"]').text()).toContain('2 条待同步')
    await w.get('[data-testid="sync-now"]').trigger('click')
    await flushPromises()
    expect(invoke.mock.calls.filter(([cmd]) => cmd === 'sync_now')).toHaveLength(1)
    expect(w.get('[data-testid="sync-badge"]').attributes('data-state')).toBe('syncing')
  })

  it('shows an error in words with the message as detail, and in English when switched', async () => {
    store.sync = {
      ...state(1),
      status: { pending_changes: 1, last_success_at: null, last_error: 'the server refused the sync: bad', last_error_code: null, rejected: [] },
    }
    const w = mountBadge()
    const badge = w.get('[data-testid="sync-badge"]')
    expect(badge.attributes('data-state')).toBe('error')
    expect(badge.text()).toContain('同步出错 · 1 条待同步')
    expect(badge.text()).toContain('the server refused the sync: bad')
    applyPrefs({ locale: 'en', textScale: 1.5 })
    await flushPromises()
    expect(badge.text()).toContain('Sync failed · 1 waiting')
    expect(badge.text()).toContain('Sync now')
    expect(document.documentElement.style.getPropertyValue('--rs-scale')).toBe('1.5')
  })

  it('shows the words for last_error_code as the reason, with the English message only as detail', async () => {
    store.sync = {
      ...state(2),
      status: { pending_changes: 2, last_success_at: 1000, last_error: 'HTTP 503', last_error_code: 'server_error', rejected: [] },
    }
    const w = mountBadge()
    const badge = w.get('[data-testid="sync-badge"]')
    expect(badge.attributes('data-state')).toBe('error')
    expect(badge.attributes('data-error-code')).toBe('server_error')
    expect(badge.attributes('data-last-sync')).toBe('1000')
    expect(w.get('[data-testid="sync-reason"]').text()).toBe('服务器出了问题，稍后会自动重试')
    expect(w.get('.rs-sync__detail').text()).toBe('HTTP 503')
    w.unmount()
  })

  it('an IPC failure keeps the CommandError shape', async () => {
    invoke.mockRejectedValue(new Error('no bridge'))
    const { api } = await import('../api')
    await expect(api.syncNow()).rejects.toEqual({ code: 'ipc', message: 'Error: no bridge' })
  })
})
