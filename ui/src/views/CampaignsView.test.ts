// The campaigns list (专项任务): each campaign with its kind, dates and "已完成 a/b", an ended one
// marked 已结束, and tapping one opens it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { CampaignLine, Vocabulary } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

import CampaignsView from './CampaignsView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

const term = (code: string, zh: string, en = code) => ({ code, zh, en })
const vocab: Vocabulary = {
  VisitMethod: [], MustVisitTrigger: [], TimelyKind: [], KeyServiceReason: [], OpinionCategory: [], IssueCategory: [],
  IssueRoute: [], IssueStatus: [], PartyRole: [], MeetingParty: [], DecisionStatus: [], IssueOrigin: [], PairingNeed: [],
  PairingOutcome: [],
  CampaignKind: [
    term('screening', '人员摸排', 'Screening'), term('flood', '防汛救灾', 'Flood or disaster check'), term('holiday', '节日走访', 'Holiday visits'),
  ],
  FieldKind: [],
  TeamKind: [],
  ActivityKind: [],
  MemberRole: [],
}

const SCREENING = 'c0000000-0000-4000-8000-000000000001'
const FLOOD = 'c0000000-0000-4000-8000-000000000002'
const HOLIDAY = 'c0000000-0000-4000-8000-000000000003'
/** As the Rust side lists them: open ones first. */
function lines(): CampaignLine[] {
  return [
    {
      id: SCREENING, campaign_id: 'x1', title: '冬季人员摸排', kind: 'screening', starts_on: '2026-12-01', ends_on: '2026-12-15',
      temporary: false, closed_at: null, tasks: 12, answered: 5,
    },
    {
      id: FLOOD, campaign_id: 'x2', title: '汛前房屋排查', kind: 'flood', starts_on: '2026-11-20', ends_on: '2026-11-30',
      temporary: false, closed_at: null, tasks: 3, answered: 3,
    },
    {
      id: HOLIDAY, campaign_id: 'x3', title: '中秋节日走访', kind: 'holiday', starts_on: '2026-09-20', ends_on: '2026-09-30',
      temporary: false, closed_at: Date.UTC(2026, 9, 1), tasks: 10, answered: 8,
    },
  ]
}

let answer: () => unknown = lines
let wrapper: VueWrapper | null = null
async function mountList() {
  invoke.mockImplementation(async (cmd: string) => (cmd === 'campaigns' ? answer() : null))
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/campaigns', name: 'campaigns', component: CampaignsView },
      { path: '/campaigns/:id', name: 'campaign', component: { template: '<div>campaign</div>' } },
    ],
  })
  await router.push('/campaigns')
  wrapper = mount(CampaignsView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return { w: wrapper, router }
}

const line = (w: VueWrapper, id: string) => w.get(`[data-testid="campaign-line"][data-id="${id}"]`)

describe('CampaignsView', () => {
  beforeEach(() => {
    invoke.mockReset()
    answer = lines
    document.body.innerHTML = ''
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.vocab = vocab
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2026-12', now: 0, mobile: false }
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
  })

  it('lists each campaign in the order given, with title, kind, dates and 已完成 a/b; an ended one says 已结束', async () => {
    const { w } = await mountList()
    expect(invoke.mock.calls.map(([c]) => c)).toEqual(['campaigns'])
    expect(w.findAll('[data-testid="campaign-line"]').map((l) => l.attributes('data-id'))).toEqual([SCREENING, FLOOD, HOLIDAY])

    const s = line(w, SCREENING)
    expect(s.text()).toContain('冬季人员摸排')
    expect(s.text()).toContain('人员摸排')
    expect(s.text()).toContain('2026年12月1日 至 2026年12月15日')
    expect(s.get('[data-testid="campaign-progress"]').text()).toBe('已完成 5/12')
    expect(s.attributes()).toMatchObject({ 'data-closed': 'false', 'data-done': '5', 'data-tasks': '12', 'data-kind': 'screening' })
    expect(s.find('[data-testid="campaign-closed"]').exists()).toBe(false)

    expect(line(w, FLOOD).get('[data-testid="campaign-progress"]').text()).toBe('已完成 3/3')
    expect(line(w, FLOOD).text()).toContain('防汛救灾')

    const h = line(w, HOLIDAY)
    expect(h.attributes('data-closed')).toBe('true')
    expect(h.get('[data-testid="campaign-closed"]').text()).toBe('已结束')
    expect(h.get('[data-testid="campaign-progress"]').text()).toBe('已完成 8/10')
    expect(w.findAll('[data-testid="campaign-closed"]')).toHaveLength(1)
    expect(w.find('[data-testid="campaigns-none"]').exists()).toBe(false)
    expect(w.find('[data-testid="campaigns-temporary"]').exists()).toBe(false)
  })

  it('tapping a campaign opens it', async () => {
    const { w, router } = await mountList()
    await line(w, FLOOD).trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('campaign')
    expect(router.currentRoute.value.params.id).toBe(FLOOD)
  })

  it('none says 暂无专项任务', async () => {
    answer = () => []
    const { w } = await mountList()
    expect(w.get('[data-testid="campaigns-none"]').text()).toBe('暂无专项任务')
    expect(w.find('[data-testid="campaign-line"]').exists()).toBe(false)
  })

  it('a temporary steward is told the campaign is theirs to do', async () => {
    answer = () => lines().slice(0, 1).map((l) => ({ ...l, temporary: true }))
    const { w } = await mountList()
    expect(w.get('[data-testid="campaigns-temporary"]').text()).toContain('临时红色管家')
  })

  it('in English the kind and dates are English', async () => {
    applyPrefs({ locale: 'en', textScale: 1.25 })
    const { w } = await mountList()
    const s = line(w, SCREENING)
    expect(s.text()).toContain('Screening')
    expect(s.text()).toContain('2026-12-01 to 2026-12-15')
    expect(s.get('[data-testid="campaign-progress"]').text()).toBe('Done 5/12')
    expect(line(w, HOLIDAY).get('[data-testid="campaign-closed"]').text()).toBe('Ended')
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
  })

  it('a failure says why and retries', async () => {
    let fail = true
    answer = () => {
      if (fail) throw { code: 'storage', message: 'disk' }
      return lines()
    }
    const { w } = await mountList()
    expect(w.get('[role="alert"]').attributes('data-code')).toBe('storage')
    fail = false
    await w.get('[role="alert"] button').trigger('click')
    await flushPromises()
    expect(w.findAll('[data-testid="campaign-line"]')).toHaveLength(3)
  })
})
