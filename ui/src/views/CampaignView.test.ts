// A campaign's screen (专项任务): the header with kind, dates and "已完成 a/b", each household with
// 待完成 or 已完成, one handed to a temporary steward greyed and not counted, the 全部/待完成
// filter, and tapping a household opening its form.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { CampaignRecord, Vocabulary } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

import CampaignView from './CampaignView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'
import { forgetFilters } from '../lib/campaigns'

const term = (code: string, zh: string) => ({ code, zh, en: code })
const vocab: Vocabulary = {
  VisitMethod: [], MustVisitTrigger: [], TimelyKind: [], KeyServiceReason: [], OpinionCategory: [], IssueCategory: [],
  IssueRoute: [], IssueStatus: [], PartyRole: [], MeetingParty: [], DecisionStatus: [], IssueOrigin: [], PairingNeed: [],
  PairingOutcome: [],
  CampaignKind: [term('screening', '人员摸排'), term('flood', '防汛救灾')],
  FieldKind: [],
  TeamKind: [],
  ActivityKind: [],
  MemberRole: [],
}

const C = 'c0000000-0000-4000-8000-000000000001'
const FEVER = 'f0000000-0000-4000-8000-000000000001'
const H1 = 'h0000000-0000-4000-8000-000000000001'
const H2 = 'h0000000-0000-4000-8000-000000000002'
const H3 = 'h0000000-0000-4000-8000-000000000003'
const H4 = 'h0000000-0000-4000-8000-000000000004'
const TEMP = 't0000000-0000-4000-8000-000000000001'
const AT = Date.UTC(2026, 11, 3, 2, 0)

function record(): CampaignRecord {
  return {
    id: C, compound_id: 'c', steward_id: 's', temporary: false, closed_at: null,
    campaign: {
      id: 'x1', title: '冬季人员摸排', kind: 'screening', starts_on: '2026-12-01', ends_on: '2026-12-15',
      fields: [{ id: FEVER, label: '家中有无发热人员', kind: 'yes_no', options: [], required: true }],
    },
    tasks: [
      { household_id: H1, name: '王大爷', address: '5栋1单元202室', handed_to: null, answers: { [FEVER]: false }, answered_at: AT, answered_by: 's' },
      { household_id: H2, name: '李阿姨', address: '5栋1单元301室', handed_to: null, answers: {}, answered_at: null, answered_by: null },
      { household_id: H3, name: '赵师傅', address: '5栋2单元101室', handed_to: TEMP, answers: {}, answered_at: null, answered_by: null },
      { household_id: H4, name: '钱奶奶', address: '6栋1单元101室', handed_to: null, answers: {}, answered_at: null, answered_by: null },
    ],
  }
}

let current: CampaignRecord
let wrapper: VueWrapper | null = null
async function mountCampaign() {
  invoke.mockImplementation(async (cmd: string) => (cmd === 'campaign' ? structuredClone(current) : null))
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/campaigns/:id', name: 'campaign', component: CampaignView },
      { path: '/campaigns/:id/households/:householdId', name: 'campaign-task', component: { template: '<div>task</div>' } },
    ],
  })
  await router.push(`/campaigns/${C}`)
  wrapper = mount(CampaignView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return { w: wrapper, router }
}

const taskLine = (w: VueWrapper, id: string) => w.get(`[data-testid="campaign-task"][data-id="${id}"]`)
const shownIds = (w: VueWrapper) => w.findAll('[data-testid="campaign-task"]').map((t) => t.attributes('data-id'))
const status = (w: VueWrapper, id: string) => taskLine(w, id).get('[data-testid="campaign-task-status"]').text()

describe('CampaignView', () => {
  beforeEach(() => {
    invoke.mockReset()
    forgetFilters()
    current = record()
    document.body.innerHTML = ''
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.vocab = vocab
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2026-12', now: 0, mobile: false }
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
  })

  it('shows the campaign and every household with 待完成 or 已完成; a handed-over one greyed and not counted', async () => {
    const { w } = await mountCampaign()
    expect(invoke.mock.calls).toEqual([['campaign', { id: C }]])
    const head = w.get('[data-testid="campaign-head"]')
    expect(head.get('[data-testid="campaign-title"]').text()).toBe('冬季人员摸排')
    expect(head.text()).toContain('人员摸排')
    expect(head.text()).toContain('2026年12月1日 至 2026年12月15日')
    // Of the three that are the steward's own, one is done; the handed one is not counted.
    expect(head.get('[data-testid="campaign-progress"]').text()).toBe('已完成 1/3')
    expect(head.text()).toContain('另有 1 户已移交临时管家')
    expect(head.find('[data-testid="campaign-closed"]').exists()).toBe(false)

    expect(shownIds(w)).toEqual([H1, H2, H3, H4])
    expect(taskLine(w, H1).text()).toContain('5栋1单元202室')
    expect(taskLine(w, H1).text()).toContain('王大爷')
    expect(status(w, H1)).toBe('✓ 已完成')
    expect(taskLine(w, H1).attributes('data-status')).toBe('done')
    expect(status(w, H2)).toBe('待完成')
    expect(taskLine(w, H2).attributes('data-status')).toBe('todo')
    expect(taskLine(w, H2).find('[data-testid="campaign-task-handed"]').exists()).toBe(false)

    const handed = taskLine(w, H3)
    expect(handed.attributes('data-handed')).toBe('true')
    expect(handed.classes()).toContain('campaign__task--handed')
    expect(handed.get('[data-testid="campaign-task-handed"]').text()).toBe('已移交临时管家')
    expect(taskLine(w, H1).classes()).not.toContain('campaign__task--handed')
  })

  it('the 待完成 filter shows the steward’s own households not yet answered, and 全部 all again; it is kept on return', async () => {
    const { w } = await mountCampaign()
    expect(w.get('[data-testid="campaign-filter-all"]').attributes('aria-pressed')).toBe('true')
    await w.get('[data-testid="campaign-filter-todo"]').trigger('click')
    expect(w.get('[data-testid="campaign-filter-todo"]').attributes('aria-pressed')).toBe('true')
    expect(shownIds(w)).toEqual([H2, H4])
    expect(w.findAll('[data-testid="campaign-task-status"]').map((s) => s.text())).toEqual(['待完成', '待完成'])

    // Back from a household's form: the same filter.
    wrapper!.unmount()
    const again = (await mountCampaign()).w
    expect(shownIds(again)).toEqual([H2, H4])
    await again.get('[data-testid="campaign-filter-all"]').trigger('click')
    expect(shownIds(again)).toEqual([H1, H2, H3, H4])
  })

  it('all done, 待完成 says so', async () => {
    for (const t of current.tasks) if (!t.handed_to) t.answered_at = AT
    const { w } = await mountCampaign()
    expect(w.get('[data-testid="campaign-progress"]').text()).toBe('已完成 3/3')
    await w.get('[data-testid="campaign-filter-todo"]').trigger('click')
    expect(shownIds(w)).toEqual([])
    expect(w.get('[data-testid="campaign-no-todo"]').text()).toContain('没有待完成的住户')
  })

  it('tapping a household, handed over or not, opens its form', async () => {
    const { w, router } = await mountCampaign()
    await taskLine(w, H2).trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('campaign-task')
    expect(router.currentRoute.value.params).toEqual({ id: C, householdId: H2 })
    await router.push(`/campaigns/${C}`)
    await taskLine(w, H3).trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.params).toEqual({ id: C, householdId: H3 })
  })

  it('an ended campaign says 已结束', async () => {
    current.closed_at = AT
    const { w } = await mountCampaign()
    expect(w.get('[data-testid="campaign-head"]').attributes('data-closed')).toBe('true')
    expect(w.get('[data-testid="campaign-closed"]').text()).toBe('已结束')
    expect(w.get('[data-testid="campaign-closed-note"]').text()).toContain('本次任务已结束')
  })
})
