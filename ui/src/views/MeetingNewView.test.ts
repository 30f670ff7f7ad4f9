// Recording a joint meeting: what is sent to the Rust side for a filled form (names split per
// party, decisions with their party and deadline), what is refused before anything is sent, and
// that a half-typed form is kept as a draft.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import type { Vocabulary } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

import MeetingNewView from './MeetingNewView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

// 2025-04-10 10:00 in Shanghai: "today" is 10 April.
const NOW = Date.UTC(2025, 3, 10, 2, 0)
const NEW_ID = '55555555-0000-4000-8000-000000000005'

const term = (code: string, zh: string) => ({ code, zh, en: code })
const vocab: Vocabulary = {
  VisitMethod: [],
  MustVisitTrigger: [],
  TimelyKind: [],
  KeyServiceReason: [],
  OpinionCategory: [],
  IssueCategory: [],
  IssueRoute: [],
  IssueStatus: [],
  PartyRole: [],
  MeetingParty: [
    term('community', '社区党组织'), term('branch', '小区党支部'), term('property_company', '物业服务企业'),
    term('owners_committee', '业主委员会'), term('steward', '红色管家'),
  ],
  DecisionStatus: [term('open', '落实中'), term('done', '已落实')],
  IssueOrigin: [],
  PairingNeed: [],
  PairingOutcome: [],
  CampaignKind: [],
  FieldKind: [],
  TeamKind: [],
  ActivityKind: [],
  MemberRole: [],
}

const calls = (cmd: string) => invoke.mock.calls.filter(([c]) => c === cmd).map(([, args]) => args)
const el = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null

let wrapper: VueWrapper | null = null
let router: Router

async function mountNew(savedDraft: unknown = null) {
  invoke.mockImplementation(async (cmd: string) => {
    if (cmd === 'load_draft') return savedDraft
    if (cmd === 'record_meeting') return NEW_ID
    return null
  })
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/meetings', name: 'meetings', component: { template: '<div>meetings</div>' } },
      { path: '/meetings/new', name: 'meeting-new', component: MeetingNewView },
      { path: '/meetings/:id', name: 'meeting', component: { template: '<div>meeting</div>' } },
    ],
  })
  await router.push('/meetings/new')
  wrapper = mount(MeetingNewView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

async function type(w: VueWrapper, id: string, text: string) {
  const f = w.get(`[data-testid="${id}"]`)
  await (f.find('textarea').exists() ? f.get('textarea') : f.get('input')).setValue(text)
}

/** Opens a day field's picker, picks the day of the month shown, and confirms. */
async function pickDay(w: VueWrapper, id: string, day: string) {
  await w.get(`[data-testid="${id}"]`).trigger('click')
  await flushPromises()
  const picker = el(`${id}-picker`)!
  await vi.waitFor(() => expect(picker.style.display).not.toBe('none'))
  const columns = picker.querySelectorAll('.van-picker-column')
  const option = [...columns[2].querySelectorAll('.van-picker-column__item')].find((li) => li.textContent?.trim() === day) as HTMLElement
  option.click()
  await flushPromises()
  ;(picker.querySelector('.van-picker__confirm') as HTMLElement).click()
  await flushPromises()
}

describe('MeetingNewView', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NOW)
    invoke.mockReset()
    document.body.innerHTML = ''
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.vocab = vocab
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2025-04', now: NOW, mobile: false }
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
    vi.useRealTimers()
  })

  it('a filled form sends record_meeting with the names split per party and each decision with its party and deadline', async () => {
    const w = await mountNew()
    expect(w.get('[data-testid="meeting-date"]').attributes('data-day')).toBe('2025-04-10')
    expect(w.get('[data-testid="meeting-date"]').text()).toContain('2025年4月10日')

    await type(w, 'meeting-place', ' 社区党群服务中心 ')
    await type(w, 'meeting-attendees-community', '王书记')
    await type(w, 'meeting-attendees-property_company', '李经理、赵主管，孙师傅')
    await type(w, 'meeting-attendees-owners_committee', '陈主任, 周委员')
    await type(w, 'meeting-topics', '电动车停放和充电')

    await type(w, 'decision-text-0', ' 在3栋旁增设充电桩 ')
    await w.get('[data-testid="decision-party-0-property_company"]').trigger('click')
    await pickDay(w, 'decision-deadline-0', '30')
    expect(w.get('[data-testid="decision-deadline-0"]').attributes('data-day')).toBe('2025-04-30')

    await w.get('[data-testid="add-decision"]').trigger('click')
    await type(w, 'decision-text-1', '清理楼道杂物')
    await w.get('[data-testid="decision-party-1-steward"]').trigger('click')
    // A third row, left untouched, is not a decision.
    await w.get('[data-testid="add-decision"]').trigger('click')
    expect(w.findAll('[data-testid="decision-row"]')).toHaveLength(3)

    await w.get('[data-testid="meeting-submit"]').trigger('click')
    await flushPromises()

    expect(calls('record_meeting')).toEqual([
      {
        form: {
          held_at: Date.UTC(2025, 3, 10, 4, 0), // noon of 10 April in Shanghai
          place: '社区党群服务中心',
          topics: '电动车停放和充电',
          attendees: [
            { party: 'community', name: '王书记' },
            { party: 'property_company', name: '李经理' },
            { party: 'property_company', name: '赵主管' },
            { party: 'property_company', name: '孙师傅' },
            { party: 'owners_committee', name: '陈主任' },
            { party: 'owners_committee', name: '周委员' },
          ],
          decisions: [
            // Due by the end of 30 April in Shanghai.
            { text: '在3栋旁增设充电桩', party: 'property_company', deadline: Date.UTC(2025, 3, 30, 16, 0) - 1 },
            { text: '清理楼道杂物', party: 'steward', deadline: null },
          ],
        },
        draftKey: 'meeting:new',
      },
    ])
    // Saved: the new meeting opens.
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe(`/meetings/${NEW_ID}`))
  })

  it('a form without a place is refused before anything is sent', async () => {
    const w = await mountNew()
    await type(w, 'meeting-attendees-community', '王书记')
    await type(w, 'decision-text-0', '增设充电桩')
    await w.get('[data-testid="decision-party-0-property_company"]').trigger('click')
    await type(w, 'meeting-place', '   ')

    await w.get('[data-testid="meeting-submit"]').trigger('click')
    await flushPromises()

    expect(calls('record_meeting')).toHaveLength(0)
    expect(w.get('[data-testid="meeting-place"]').text()).toContain('请填写开会地点')
    expect(router.currentRoute.value.name).toBe('meeting-new')
  })

  it('a decision without its responsible party is refused before anything is sent', async () => {
    const w = await mountNew()
    await type(w, 'meeting-place', '会议室')
    await type(w, 'decision-text-0', '增设充电桩')

    await w.get('[data-testid="meeting-submit"]').trigger('click')
    await flushPromises()

    expect(calls('record_meeting')).toHaveLength(0)
    expect(w.get('[data-testid="decision-row"]').text()).toContain('请选择责任方')
  })

  it('a half-typed form is kept as the draft "meeting:new", and restored next time', async () => {
    const w = await mountNew()
    await type(w, 'meeting-place', '会议室')
    await type(w, 'meeting-attendees-branch', '刘委员')
    await vi.waitFor(() => expect(calls('save_draft').length).toBeGreaterThan(0), { timeout: 2000 })
    const last = calls('save_draft').slice(-1)[0] as { key: string; value: { place: string; attendees: Record<string, string> } }
    expect(last.key).toBe('meeting:new')
    expect(last.value.place).toBe('会议室')
    expect(last.value.attendees.branch).toBe('刘委员')
    w.unmount()
    wrapper = null

    const again = await mountNew(last.value)
    expect(again.find('[data-testid="meeting-draft-restored"]').exists()).toBe(true)
    expect((again.get('[data-testid="meeting-place"] input').element as HTMLInputElement).value).toBe('会议室')
    expect((again.get('[data-testid="meeting-attendees-branch"] textarea').element as HTMLTextAreaElement).value).toBe('刘委员')
  })
})
