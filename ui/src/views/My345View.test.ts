// 我的345's entry to the steward's half-year evaluation (考核评价): the newest score the
// community gave, or 暂无考核结果, and a tap opens the evaluation screen.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { EvaluationRecord, My345 } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

import My345View from './My345View.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

const my345: My345 = {
  month: '2026-12',
  progress: { planned: 12, planned_visited: 5, visits: 7, plan_out_of_range: false },
  clears: { households: 12, party_member_known: 6, basic_profile_complete: 9, key_service_known: 3 },
  clears_percent: [50, 75, 25],
  timely: { on_time: 4, late: 1, open: 2, overdue: 1 },
  must_visits: { answered_this_month: 3, open: 1 },
}
function evaluation(half: string, score: number | null): EvaluationRecord {
  return {
    id: `e-${half}`, compound_id: 'c', steward_id: 's', half, score, comment: score == null ? '' : '不错',
    evaluated_at: score == null ? null : 1, computed_at: 1,
    indicators: {
      households: 15, visits: 64, households_visited: 15, monthly_visited: [12, 9, 11, 10, 6, 13], months_meeting_norm: 4,
      must_visits: 6, must_visits_answered: 5, must_visit_days: 1.5, timely: 8, timely_on_time: 7,
      party_member_known: 14, basic_profile_complete: 12, key_service_known: 15,
      issues_reported: 9, issues_verified: 6, meetings_held: 2, decisions: 5, decisions_followed: 4,
    },
  }
}

let evaluations: () => unknown = () => [evaluation('2026-H2', 88), evaluation('2026-H1', 76)]
let teams: () => unknown = () => null
let wrapper: VueWrapper | null = null
async function mountMy345() {
  invoke.mockImplementation(async (cmd: string) => {
    switch (cmd) {
      case 'my_345':
        return structuredClone(my345)
      case 'scoring':
        return { rules: null, score: null }
      case 'evaluations':
        return evaluations()
      case 'teams':
        return teams()
      default:
        return null
    }
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/my345', name: 'my345', component: My345View },
      { path: '/scoring', name: 'scoring', component: { template: '<div>scoring</div>' } },
      { path: '/evaluation', name: 'evaluation', component: { template: '<div>evaluation</div>' } },
      { path: '/teams', name: 'teams', component: { template: '<div>teams</div>' } },
    ],
  })
  await router.push('/my345')
  wrapper = mount(My345View, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return { w: wrapper, router }
}

const entry = (w: VueWrapper) => w.get('[data-testid="open-evaluation"]')

describe('My345View: the 考核评价 entry', () => {
  beforeEach(() => {
    invoke.mockReset()
    evaluations = () => [evaluation('2026-H2', 88), evaluation('2026-H1', 76)]
    teams = () => null
    document.body.innerHTML = ''
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2026-12', now: 0, mobile: false }
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
  })

  it('shows the newest half’s score, beside the 评价物业 entry', async () => {
    const { w } = await mountMy345()
    expect(invoke.mock.calls.map(([c]) => c)).toContain('evaluations')
    expect(entry(w).text()).toContain('考核评价')
    expect(entry(w).get('[data-testid="evaluation-entry-state"]').text()).toBe('2026年下半年 88分')
    expect(entry(w).attributes()).toMatchObject({ 'data-half': '2026-H2', 'data-score': '88' })
    expect(w.find('[data-testid="open-scoring"]').exists()).toBe(true)
  })

  it('the newest half not yet scored: the newest score there is', async () => {
    evaluations = () => [evaluation('2026-H2', null), evaluation('2026-H1', 76)]
    const { w } = await mountMy345()
    expect(entry(w).get('[data-testid="evaluation-entry-state"]').text()).toBe('2026年上半年 76分')
    expect(entry(w).attributes('data-half')).toBe('2026-H1')
  })

  it('none: 暂无考核结果', async () => {
    evaluations = () => []
    const { w } = await mountMy345()
    expect(entry(w).get('[data-testid="evaluation-entry-state"]').text()).toBe('暂无考核结果')
    expect(entry(w).attributes('data-score')).toBe('')

    wrapper?.unmount()
    evaluations = () => [evaluation('2026-H2', null)]
    const again = await mountMy345()
    expect(entry(again.w).get('[data-testid="evaluation-entry-state"]').text()).toBe('暂无考核结果')
  })

  it('in English: My evaluation', async () => {
    applyPrefs({ locale: 'en', textScale: 1.25 })
    const { w } = await mountMy345()
    expect(entry(w).text()).toContain('My evaluation')
    expect(entry(w).get('[data-testid="evaluation-entry-state"]').text()).toBe('H2 2026: 88 points')
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
  })

  it('a failure leaves the entry with its hint; a tap opens the evaluation screen', async () => {
    evaluations = () => {
      throw { code: 'storage', message: 'disk' }
    }
    const { w, router } = await mountMy345()
    expect(entry(w).find('[data-testid="evaluation-entry-state"]').exists()).toBe(false)
    expect(entry(w).text()).toContain('社区每半年对红色管家考核评价一次')
    await entry(w).trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('evaluation')
  })
})

const teamsEntry = (w: VueWrapper) => w.get('[data-testid="open-teams"]')
const team = (id: string, name: string, kind: 'volunteer' | 'culture') => ({ id, name, kind, members: 3, activities: 1, last_activity_at: null })

describe('My345View: the 志愿服务队、文化宣传队 entry', () => {
  beforeEach(() => {
    invoke.mockReset()
    evaluations = () => []
    teams = () => [team('t1', '红色志愿服务队', 'volunteer'), team('t2', '文化宣传队', 'culture')]
    document.body.innerHTML = ''
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2026-12', now: 0, mobile: false }
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
  })

  it('counts the steward’s teams, beside the 考核评价 entry, and a tap opens the teams', async () => {
    const { w, router } = await mountMy345()
    expect(invoke.mock.calls.map(([c]) => c)).toContain('teams')
    expect(teamsEntry(w).text()).toContain('志愿服务队、文化宣传队')
    expect(teamsEntry(w).attributes('data-count')).toBe('2')
    expect(teamsEntry(w).get('[data-testid="teams-entry-state"]').text()).toBe('共 2 支队伍')
    expect(w.find('[data-testid="open-evaluation"]').exists()).toBe(true)

    await teamsEntry(w).trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('teams')
  })

  it('none yet: says a tap sets one up', async () => {
    teams = () => []
    const { w } = await mountMy345()
    expect(teamsEntry(w).attributes('data-count')).toBe('0')
    expect(teamsEntry(w).get('[data-testid="teams-entry-state"]').text()).toBe('还没有队伍，点这里新建')
  })

  it('a failure leaves the entry with its hint', async () => {
    teams = () => {
      throw { code: 'storage', message: 'disk' }
    }
    const { w } = await mountMy345()
    expect(teamsEntry(w).find('[data-testid="teams-entry-state"]').exists()).toBe(false)
    expect(teamsEntry(w).text()).toContain('带领党员和居民参加志愿服务、文化宣传')
    expect(teamsEntry(w).attributes('data-count')).toBe('')
  })
})
