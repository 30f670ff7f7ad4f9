// Following a joint meeting's decisions up: what is sent to the Rust side, what is refused before
// anything is sent, that a decision past its deadline shows 逾期, and that the screen then shows
// what the phone's store answers with.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { DecisionStatus, MeetingRecord, Vocabulary } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

import MeetingDetailView from './MeetingDetailView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

const M = '66666666-0000-4000-8000-000000000006'
const LATE = 'd-late'
const OPEN = 'd-open'
const DONE = 'd-done'
const DAY = 86_400_000
const NOW = Date.now()

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
  PartyRole: [term('steward', '红色管家'), term('property_company', '物业'), term('supervisor', '社区/支部')],
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

function meeting(): MeetingRecord {
  return {
    id: M,
    compound_id: 'c',
    convener_id: 's',
    held_at: NOW - 30 * DAY,
    place: '社区党群服务中心',
    topics: '电动车停放',
    attendees: [
      { id: 'a1', party: 'community', name: '王书记' },
      { id: 'a2', party: 'property_company', name: '李经理' },
      { id: 'a3', party: 'property_company', name: '赵主管' },
    ],
    decisions: [
      { id: LATE, text: '修好5栋路灯', party: 'property_company', deadline: NOW - DAY, status: 'open', done_at: null, added_by: 's', added_at: NOW - 30 * DAY },
      { id: OPEN, text: '增设充电桩', party: 'property_company', deadline: NOW + 5 * DAY, status: 'open', done_at: null, added_by: 's', added_at: NOW - 30 * DAY },
      { id: DONE, text: '清理楼道杂物', party: 'steward', deadline: null, status: 'done', done_at: NOW - 10 * DAY, added_by: 's', added_at: NOW - 30 * DAY },
    ],
    follow_ups: [
      { id: 'f1', decision_id: LATE, at: NOW - 20 * DAY, by: 'p', role: 'property_company', text: '灯具已订货', status: null },
      { id: 'f2', decision_id: DONE, at: NOW - 10 * DAY, by: 's', role: 'steward', text: '已清理', status: 'done' },
    ],
  }
}

const calls = (cmd: string) => invoke.mock.calls.filter(([c]) => c === cmd).map(([, args]) => args)
const el = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null

/** The phone's store, faked: follow-ups and new decisions change the meeting `meeting` answers with. */
let current: MeetingRecord
let wrapper: VueWrapper | null = null

async function mountMeeting() {
  invoke.mockImplementation(async (cmd: string, args?: Record<string, unknown>) => {
    switch (cmd) {
      case 'meeting':
        return structuredClone(current)
      case 'follow_up_decision': {
        const { decisionId, text, status } = args as { decisionId: string; text: string; status: DecisionStatus | null }
        const d = current.decisions.find((x) => x.id === decisionId)!
        if (status) {
          d.status = status
          d.done_at = status === 'done' ? Date.now() : null
        }
        current.follow_ups.push({ id: `f${current.follow_ups.length + 1}`, decision_id: decisionId, at: Date.now(), by: 's', role: 'steward', text, status })
        return null
      }
      case 'add_decision': {
        const f = (args as { form: { text: string; party: 'branch'; deadline: number | null } }).form
        current.decisions.push({ id: 'd-new', ...f, status: 'open', done_at: null, added_by: 's', added_at: Date.now() })
        return null
      }
      default:
        return null
    }
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/meetings/:id', name: 'meeting', component: MeetingDetailView }],
  })
  await router.push(`/meetings/${M}`)
  wrapper = mount(MeetingDetailView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const card = (w: VueWrapper, id: string) => w.get(`[data-testid="decision-card"][data-id="${id}"]`)
async function typeIn(c: ReturnType<typeof card>, text: string) {
  await c.get('[data-testid="follow-up-text"] textarea').setValue(text)
}

describe('MeetingDetailView', () => {
  beforeEach(() => {
    invoke.mockReset()
    document.body.innerHTML = ''
    current = meeting()
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.vocab = vocab
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2025-04', now: NOW, mobile: false }
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
  })

  it('shows the place, the attendees by party, and each decision with its party, state and follow-ups', async () => {
    const w = await mountMeeting()
    expect(calls('meeting')).toEqual([{ id: M }])
    expect(w.text()).toContain('社区党群服务中心')
    expect(w.text()).toContain('电动车停放')
    expect(w.get('[data-testid="attendees-property_company"]').text()).toContain('李经理、赵主管')
    expect(w.get('[data-testid="attendees-community"]').text()).toContain('王书记')
    expect(w.find('[data-testid="attendees-branch"]').exists()).toBe(false)

    expect(w.findAll('[data-testid="decision-card"]').map((c) => c.attributes('data-id'))).toEqual([LATE, OPEN, DONE])
    expect(card(w, LATE).text()).toContain('物业服务企业')
    expect(card(w, LATE).get('[data-testid="follow-up"]').text()).toContain('物业')
    expect(card(w, LATE).get('[data-testid="follow-up"]').text()).toContain('灯具已订货')
    expect(card(w, DONE).get('[data-testid="decision-status"]').text()).toBe('已落实')
    // Open decisions can be marked done; a done one can be reopened.
    expect(card(w, OPEN).find('[data-testid="follow-up-done"]').exists()).toBe(true)
    expect(card(w, OPEN).find('[data-testid="follow-up-reopen"]').exists()).toBe(false)
    expect(card(w, DONE).find('[data-testid="follow-up-done"]').exists()).toBe(false)
    expect(card(w, DONE).find('[data-testid="follow-up-reopen"]').exists()).toBe(true)
  })

  it('an open decision past its deadline shows 逾期; one still within it shows 落实中', async () => {
    const w = await mountMeeting()
    expect(card(w, LATE).attributes()).toMatchObject({ 'data-status': 'open', 'data-state': 'late' })
    expect(card(w, LATE).get('[data-testid="decision-status"]').text()).toBe('逾期')
    expect(card(w, OPEN).attributes()).toMatchObject({ 'data-status': 'open', 'data-state': 'open' })
    expect(card(w, OPEN).get('[data-testid="decision-status"]').text()).toBe('落实中')
  })

  it('"mark done" sends follow_up_decision with status "done" for that decision, then shows it done', async () => {
    const w = await mountMeeting()
    await typeIn(card(w, OPEN), ' 充电桩已装好 ')
    await card(w, OPEN).get('[data-testid="follow-up-done"]').trigger('click')
    await flushPromises()

    expect(calls('follow_up_decision')).toEqual([{ id: M, decisionId: OPEN, text: '充电桩已装好', status: 'done' }])
    expect(calls('meeting')).toEqual([{ id: M }, { id: M }])
    expect(card(w, OPEN).attributes('data-status')).toBe('done')
    expect(card(w, OPEN).get('[data-testid="decision-status"]').text()).toBe('已落实')
    expect(card(w, OPEN).findAll('[data-testid="follow-up"]').slice(-1)[0].text()).toContain('充电桩已装好')
    expect((card(w, OPEN).get('[data-testid="follow-up-text"] textarea').element as HTMLTextAreaElement).value).toBe('')
  })

  it('"mark done" needs no words', async () => {
    const w = await mountMeeting()
    await card(w, LATE).get('[data-testid="follow-up-done"]').trigger('click')
    await flushPromises()
    expect(calls('follow_up_decision')).toEqual([{ id: M, decisionId: LATE, text: '', status: 'done' }])
    expect(card(w, LATE).attributes('data-state')).toBe('done')
  })

  it('reopening without a reason sends nothing and says a reason is needed; with one it sends status "open"', async () => {
    const w = await mountMeeting()
    await card(w, DONE).get('[data-testid="follow-up-reopen"]').trigger('click')
    await flushPromises()
    expect(calls('follow_up_decision')).toHaveLength(0)
    expect(card(w, DONE).get('[data-testid="follow-up-text"]').text()).toContain('重新打开要写下原因')

    await typeIn(card(w, DONE), '   ')
    await card(w, DONE).get('[data-testid="follow-up-reopen"]').trigger('click')
    await flushPromises()
    expect(calls('follow_up_decision')).toHaveLength(0)
    expect(card(w, DONE).attributes('data-status')).toBe('done')

    await typeIn(card(w, DONE), '楼道里又堆满了杂物')
    await card(w, DONE).get('[data-testid="follow-up-reopen"]').trigger('click')
    await flushPromises()
    expect(calls('follow_up_decision')).toEqual([{ id: M, decisionId: DONE, text: '楼道里又堆满了杂物', status: 'open' }])
    expect(card(w, DONE).attributes('data-status')).toBe('open')
    expect(card(w, DONE).get('[data-testid="decision-status"]').text()).toBe('落实中')
    expect(card(w, DONE).get('[data-testid="follow-up-text"]').text()).not.toContain('重新打开要写下原因')
  })

  it('a note needs its words, then is sent with no status', async () => {
    const w = await mountMeeting()
    await card(w, OPEN).get('[data-testid="follow-up-note"]').trigger('click')
    await flushPromises()
    expect(calls('follow_up_decision')).toHaveLength(0)
    expect(card(w, OPEN).text()).toContain('请先写下跟进情况')

    await typeIn(card(w, OPEN), '物业说下周施工')
    await card(w, OPEN).get('[data-testid="follow-up-note"]').trigger('click')
    await flushPromises()
    expect(calls('follow_up_decision')).toEqual([{ id: M, decisionId: OPEN, text: '物业说下周施工', status: null }])
    expect(card(w, OPEN).attributes('data-status')).toBe('open')
  })

  it('a refused follow-up says why inside its card and keeps the words typed', async () => {
    const w = await mountMeeting()
    invoke.mockImplementationOnce(async () => {
      throw { code: 'invalid', message: 'only an open decision can be marked done' }
    })
    await typeIn(card(w, OPEN), '装好了')
    await card(w, OPEN).get('[data-testid="follow-up-done"]').trigger('click')
    await flushPromises()
    expect(card(w, OPEN).get('[role="alert"]').attributes('data-code')).toBe('invalid')
    expect((card(w, OPEN).get('[data-testid="follow-up-text"] textarea').element as HTMLTextAreaElement).value).toBe('装好了')
    expect(card(w, OPEN).attributes('data-status')).toBe('open')
  })

  it('"add a decision" refuses an empty one, then sends add_decision and shows it', async () => {
    const w = await mountMeeting()
    await w.get('[data-testid="add-decision-open"]').trigger('click')
    await flushPromises()
    el('new-decision-save')!.click()
    await flushPromises()
    expect(calls('add_decision')).toHaveLength(0)
    expect(el('add-decision-popup')!.textContent).toContain('请填写商定事项的内容')
    expect(el('add-decision-popup')!.textContent).toContain('请选择责任方')

    const box = el('new-decision-text')!.querySelector('textarea')!
    box.value = ' 每月检查消防通道 '
    box.dispatchEvent(new Event('input'))
    el('new-decision-party-branch')!.click()
    await flushPromises()
    el('new-decision-save')!.click()
    await flushPromises()

    expect(calls('add_decision')).toEqual([{ id: M, form: { text: '每月检查消防通道', party: 'branch', deadline: null } }])
    await vi.waitFor(() => expect(w.findAll('[data-testid="decision-card"]')).toHaveLength(4))
    expect(card(w, 'd-new').text()).toContain('小区党支部')
  })

  it('correcting the attendees sends edit_meeting with the ids of those still named', async () => {
    const w = await mountMeeting()
    await w.get('[data-testid="meeting-edit"]').trigger('click')
    await flushPromises()
    const box = el('meeting-edit-attendees-property_company')!.querySelector('textarea')!
    expect(box.value).toBe('李经理、赵主管')
    box.value = '赵主管、孙师傅'
    box.dispatchEvent(new Event('input'))
    await flushPromises()
    el('meeting-edit-save')!.click()
    await flushPromises()

    expect(calls('edit_meeting')).toEqual([
      {
        id: M,
        form: {
          held_at: current.held_at,
          place: '社区党群服务中心',
          topics: '电动车停放',
          attendees: [
            { id: 'a1', party: 'community', name: '王书记' },
            { id: 'a3', party: 'property_company', name: '赵主管' },
            { party: 'property_company', name: '孙师傅' },
          ],
        },
      },
    ])
  })
})
