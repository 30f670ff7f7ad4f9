import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { HouseholdDetail, HouseholdProfile, SyncState, Vocabulary } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

import HouseholdView from './HouseholdView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

const HH = '11111111-0000-4000-8000-000000000001'
const TL = '33333333-0000-4000-8000-000000000003'

const term = (code: string, zh: string) => ({ code, zh, en: code })
const vocab: Vocabulary = {
  VisitMethod: [],
  MustVisitTrigger: [term('hardship', '生活遇到困难')],
  TimelyKind: [term('urgent_help', '及时相帮')],
  KeyServiceReason: [term('elderly_alone', '独居老人')],
  OpinionCategory: [],
  IssueCategory: [],
  IssueRoute: [],
  IssueStatus: [],
  PartyRole: [],
}

const PROFILE: HouseholdProfile = {
  address: { building: '3', unit: '2', room: '501' },
  head_name: '李家根',
  member_count: 3,
  phone: null,
  party_member: null,
  key_service: ['elderly_alone'],
  notes: '',
}

function detail(profile: HouseholdProfile = PROFILE): HouseholdDetail {
  return {
    record: {
      id: HH,
      compound_id: 'c',
      steward_id: null,
      profile: JSON.parse(JSON.stringify(profile)),
      visits: [],
      must_visits: [],
      timely: [{ id: TL, household_id: HH, kind: 'urgent_help', raised_at: 0, note: '', raised_by: null, resolved_at: null, resolved_by: null }],
      pairing: [],
    },
    timely: [{ id: TL, household_id: HH, kind: 'urgent_help', raised_at: 0, deadline: 1, resolved_at: null, timeliness: 'overdue' }],
    missing: [],
  }
}

const calls = (cmd: string) => invoke.mock.calls.filter(([c]) => c === cmd).map(([, args]) => args)
const el = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null

function syncFinished() {
  const s: SyncState = {
    syncing: false,
    offline: false,
    seq: 0,
    status: { pending_changes: 0, last_success_at: 1, last_error: null, last_error_code: null, rejected: [] },
  }
  store.sync = s
  store.syncTick++
}

async function mountHousehold(answer: (cmd: string, args: unknown) => unknown) {
  invoke.mockImplementation(async (cmd: string, args: unknown) => answer(cmd, args))
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/household/:id', name: 'household', component: HouseholdView },
      { path: '/household/:id/visit', name: 'visit', component: { template: '<div>visit</div>' } },
    ],
  })
  await router.push(`/household/${HH}`)
  const w = mount(HouseholdView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return w
}

/** A promise the test settles by hand, to hold a command in flight. */
function held<T = void>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('HouseholdView', () => {
  beforeEach(() => {
    invoke.mockReset()
    document.body.innerHTML = ''
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.vocab = vocab
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2025-03', now: 0, mobile: false }
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('saves the profile against the base taken when the edit began; no reload under the open popup', async () => {
    vi.useFakeTimers()
    let current = detail()
    const w = await mountHousehold((cmd) => (cmd === 'household' ? current : null))
    expect(calls('household')).toHaveLength(1)

    await w.get('[data-testid="edit-profile"]').trigger('click')
    await flushPromises()
    // Someone else's change arrives by sync while the popup is open: not reloaded now, nor
    // well after the reload's wait (150 ms after the last sync) has passed.
    current = detail({ ...PROFILE, phone: '13900000000' })
    syncFinished()
    await vi.advanceTimersByTimeAsync(1000)
    expect(calls('household')).toHaveLength(1)

    const head = el('profile-head-name')!.querySelector('input')!
    head.value = '李家根（户主）'
    head.dispatchEvent(new Event('input'))
    await flushPromises()
    el('profile-save')!.click()
    await flushPromises()

    const [args] = calls('update_profile') as [{ id: string; base: HouseholdProfile; profile: HouseholdProfile }]
    expect(args.id).toBe(HH)
    expect(args.base).toEqual(PROFILE)
    expect(args.profile).toEqual({ ...PROFILE, head_name: '李家根（户主）' })
    // Saved: reloaded, and the change that came by sync shows.
    expect(calls('household').length).toBeGreaterThanOrEqual(2)
    expect(w.text()).toContain('13900000000')
    w.unmount()
  })

  it('reloads after a finished sync when no edit is open', async () => {
    vi.useFakeTimers()
    const w = await mountHousehold((cmd) => (cmd === 'household' ? detail() : null))
    syncFinished()
    await vi.advanceTimersByTimeAsync(100)
    expect(calls('household')).toHaveLength(1) // waits for the syncs to settle
    await vi.advanceTimersByTimeAsync(60)
    expect(calls('household')).toHaveLength(2)
    w.unmount()
  })

  it('several syncs finishing in a row reload once, 150 ms after the last', async () => {
    vi.useFakeTimers()
    const w = await mountHousehold((cmd) => (cmd === 'household' ? detail() : null))
    for (let i = 0; i < 3; i++) {
      syncFinished()
      await vi.advanceTimersByTimeAsync(100)
    }
    expect(calls('household')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(60)
    expect(calls('household')).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1000)
    expect(calls('household')).toHaveLength(2)
    w.unmount()
  })

  it('a failed profile save keeps the popup open with what was typed, and says why inside it', async () => {
    const w = await mountHousehold((cmd) => {
      if (cmd === 'update_profile') throw { code: 'storage', message: 'disk full' }
      return cmd === 'household' ? detail() : null
    })
    await w.get('[data-testid="edit-profile"]').trigger('click')
    await flushPromises()
    const head = el('profile-head-name')!.querySelector('input')!
    head.value = '王秀英'
    head.dispatchEvent(new Event('input'))
    el('profile-save')!.click()
    await flushPromises()
    const popup = el('profile-popup')!
    expect(popup.style.display).not.toBe('none')
    const note = popup.querySelector('[role="alert"]') as HTMLElement
    expect(note.getAttribute('data-code')).toBe('storage')
    expect(note.textContent).toContain('手机上保存数据时出错')
    expect((el('profile-head-name')!.querySelector('input') as HTMLInputElement).value).toBe('王秀英')
    w.unmount()
  })

  it('a double tap raises one must-visit, one timely response, one note, and resolves once', async () => {
    const gate = held()
    const w = await mountHousehold(async (cmd) => {
      if (['raise_must_visit', 'raise_timely', 'add_pairing_note', 'resolve_timely'].includes(cmd)) await gate.promise
      return cmd === 'household' ? detail() : null
    })

    await w.get('[data-testid="raise-must-visit"]').trigger('click')
    await flushPromises()
    el('trigger-hardship')!.click()
    await flushPromises()
    el('must-visit-save')!.click()
    el('must-visit-save')!.click()
    await flushPromises()
    expect(calls('raise_must_visit')).toHaveLength(1)

    await w.get('[data-testid="raise-timely"]').trigger('click')
    await flushPromises()
    el('timely-kind-urgent_help')!.click()
    await flushPromises()
    el('timely-save')!.click()
    el('timely-save')!.click()
    await flushPromises()
    expect(calls('raise_timely')).toHaveLength(1)

    await w.get('[data-testid="pairing-note"] textarea').setValue('送米')
    await w.get('[data-testid="pairing-add"]').trigger('click')
    await w.get('[data-testid="pairing-add"]').trigger('click')
    await flushPromises()
    expect(calls('add_pairing_note')).toHaveLength(1)

    await w.get('[data-testid="resolve-timely"]').trigger('click')
    await w.get('[data-testid="resolve-timely"]').trigger('click')
    await flushPromises()
    expect(calls('resolve_timely')).toHaveLength(1)

    gate.resolve()
    await flushPromises()
    expect(calls('raise_must_visit')).toHaveLength(1)
    expect(calls('raise_timely')).toHaveLength(1)
    expect(calls('add_pairing_note')).toHaveLength(1)
    expect(calls('resolve_timely')).toHaveLength(1)
    w.unmount()
  })
})
