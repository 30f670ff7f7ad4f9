// The steward's half-year evaluation (半年考核评价), read only: the newest half's score and the
// community's comment, the indicators in their groups, switching to an older half, and the
// empty state when the community has written none.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { EvaluationIndicators, EvaluationRecord, SyncState } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

import EvaluationView from './EvaluationView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

const EVALUATED_AT = Date.UTC(2026, 11, 28, 2, 0) // 28 December 2026, 10:00 in Shanghai
const COMPUTED_AT = Date.UTC(2026, 11, 27, 16, 30) // 28 December 2026, 00:30 in Shanghai

function indicators(over: Partial<EvaluationIndicators> = {}): EvaluationIndicators {
  return {
    households: 15, visits: 64, households_visited: 15, monthly_visited: [12, 9, 11, 10, 6, 13], months_meeting_norm: 4,
    must_visits: 6, must_visits_answered: 5, must_visit_days: 1.25, timely: 8, timely_on_time: 7,
    party_member_known: 14, basic_profile_complete: 12, key_service_known: 15,
    issues_reported: 9, issues_verified: 6, meetings_held: 2, decisions: 5, decisions_followed: 4,
    ...over,
  }
}
function evaluation(half: string, score: number | null, comment: string, over: Partial<EvaluationIndicators> = {}): EvaluationRecord {
  return {
    id: `e-${half}`, compound_id: 'c', steward_id: 's', half, score, comment,
    evaluated_at: score == null ? null : EVALUATED_AT, computed_at: COMPUTED_AT, indicators: indicators(over),
  }
}
/** As the Rust side lists them: newest first. */
function evaluations(): EvaluationRecord[] {
  return [
    evaluation('2026-H2', 88, '走访扎实，群众认可。\n问题上报还可以更及时。'),
    evaluation('2026-H1', 76, '五必访响应偏慢', {
      visits: 40, households_visited: 12, monthly_visited: [8, 10, 10, 4, 10, 10], months_meeting_norm: 4, must_visit_days: null,
      must_visits: 0, must_visits_answered: 0,
    }),
    evaluation('2025-H2', null, ''),
  ]
}

let answer: () => unknown = evaluations
let wrapper: VueWrapper | null = null
async function mountEvaluation() {
  invoke.mockImplementation(async (cmd: string) => {
    if (cmd === 'evaluations') return answer()
    if (cmd === 'sync_now') return { syncing: false, offline: false, seq: 1, status: { pending_changes: 0, last_success_at: 1, last_error: null, last_error_code: null, rejected: [] } } satisfies SyncState
    return null
  })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/evaluation', name: 'evaluation', component: EvaluationView }] })
  await router.push('/evaluation')
  wrapper = mount(EvaluationView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const cmds = () => invoke.mock.calls.map(([c]) => c)
const row = (w: VueWrapper, key: string) => w.get(`[data-testid="indicator-${key}"]`)
const value = (w: VueWrapper, key: string) => row(w, key).get('.van-cell__value').text()
const halves = (w: VueWrapper) => w.findAll('[data-testid="evaluation-half"]')

describe('EvaluationView', () => {
  beforeEach(() => {
    invoke.mockReset()
    answer = evaluations
    document.body.innerHTML = ''
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.sync = null
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2026-12', now: EVALUATED_AT, mobile: false }
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
  })

  it('shows the newest half: its label, the big score, the community’s comment and when it was evaluated; nothing to change', async () => {
    const w = await mountEvaluation()
    expect(cmds()).toEqual(['evaluations'])
    expect(invoke.mock.calls[0][1]).toBeUndefined()
    const card = w.get('[data-testid="evaluation-current"]')
    expect(card.attributes('data-half')).toBe('2026-H2')
    expect(w.get('[data-testid="evaluation-current-half"]').text()).toBe('2026年下半年')
    expect(w.get('[data-testid="evaluation-score"]').text()).toBe('88')
    expect(card.text()).toContain('社区评分')
    expect(card.text()).toContain('满分 100')
    expect(card.text()).toContain('2026年12月28日 评价')
    expect(card.text()).toContain('指标统计于 2026年12月28日')
    expect(w.get('[data-testid="evaluation-comment"]').text()).toBe('走访扎实，群众认可。\n问题上报还可以更及时。')
    expect(w.find('[data-testid="evaluation-unscored"]').exists()).toBe(false)
    expect(w.find('[data-testid="evaluation-none"]').exists()).toBe(false)
    // Read only: no button, no field.
    expect(w.findAll('button')).toHaveLength(0)
    expect(w.findAll('input, textarea')).toHaveLength(0)
  })

  it('shows every indicator in its group, in the program’s order, with its value', async () => {
    const w = await mountEvaluation()
    const groups = w.findAll('[data-testid^="indicator-group-"]')
    expect(groups.map((g) => g.attributes('data-testid'))).toEqual([
      'indicator-group-visits', 'indicator-group-must', 'indicator-group-timely', 'indicator-group-clears', 'indicator-group-issues',
      'indicator-group-meetings',
    ])
    const titles = w.findAll('.rs-section').map((s) => s.text())
    expect(titles).toEqual(['走访', '五必访', '及时响应', '三清', '问题上报', '联席会议', '历次考核'])
    const keysIn = (g: string) => w.get(`[data-testid="indicator-group-${g}"]`).findAll('[data-testid^="indicator-"]').map((r) => r.attributes('data-testid'))
    expect(keysIn('visits')).toEqual(['indicator-visits', 'indicator-households_visited', 'indicator-monthly_visited', 'indicator-months_meeting_norm'])
    expect(keysIn('must')).toEqual(['indicator-must_visits', 'indicator-must_visits_answered', 'indicator-must_visit_days'])
    expect(keysIn('timely')).toEqual(['indicator-timely', 'indicator-timely_on_time'])
    expect(keysIn('clears')).toEqual(['indicator-party_member_known', 'indicator-basic_profile_complete', 'indicator-key_service_known'])
    expect(keysIn('issues')).toEqual(['indicator-issues_reported', 'indicator-issues_verified'])
    expect(keysIn('meetings')).toEqual(['indicator-meetings_held', 'indicator-decisions', 'indicator-decisions_followed'])

    // 走访
    expect(row(w, 'visits').text()).toContain('走访人次')
    expect(value(w, 'visits')).toBe('64 人次')
    expect(row(w, 'households_visited').text()).toContain('走访户数/联系户数')
    expect(value(w, 'households_visited')).toBe('15/15 户')
    expect(row(w, 'months_meeting_norm').text()).toContain('达标月数（每月走访≥10户）')
    expect(value(w, 'months_meeting_norm')).toBe('4/6')
    // Six months, July to December, each with its households; the norm met (≥10) or not.
    const months = row(w, 'monthly_visited').findAll('[data-testid="evaluation-month"]')
    expect(row(w, 'monthly_visited').text()).toContain('每月走访户数')
    expect(months.map((m) => [m.attributes('data-month'), m.attributes('data-n'), m.attributes('data-met')])).toEqual([
      ['7', '12', 'true'], ['8', '9', 'false'], ['9', '11', 'true'], ['10', '10', 'true'], ['11', '6', 'false'], ['12', '13', 'true'],
    ])
    expect(months[0].text()).toContain('12')
    expect(months[0].text()).toContain('7月')
    expect(months[4].attributes('aria-label')).toBe('11月走访 6 户')
    // 五必访
    expect(value(w, 'must_visits')).toBe('6 次')
    expect(row(w, 'must_visits_answered').text()).toContain('已访')
    expect(value(w, 'must_visits_answered')).toBe('5/6')
    expect(row(w, 'must_visit_days').text()).toContain('平均响应天数')
    expect(value(w, 'must_visit_days')).toBe('1.3 天')
    // 及时响应
    expect(value(w, 'timely')).toBe('8 件')
    expect(row(w, 'timely_on_time').text()).toContain('按时')
    expect(value(w, 'timely_on_time')).toBe('7/8 件')
    // 三清: out of the steward's households
    expect(row(w, 'party_member_known').text()).toContain('党员情况清')
    expect(value(w, 'party_member_known')).toBe('14/15 户')
    expect(row(w, 'basic_profile_complete').text()).toContain('基本情况清')
    expect(value(w, 'basic_profile_complete')).toBe('12/15 户')
    expect(row(w, 'key_service_known').text()).toContain('重点对象清')
    expect(value(w, 'key_service_known')).toBe('15/15 户')
    // 问题上报
    expect(value(w, 'issues_reported')).toBe('9 件')
    expect(row(w, 'issues_verified').text()).toContain('已核实')
    expect(value(w, 'issues_verified')).toBe('6/9 件')
    // 联席会议
    expect(row(w, 'meetings_held').text()).toContain('召开')
    expect(value(w, 'meetings_held')).toBe('2 次')
    expect(value(w, 'decisions')).toBe('5 项')
    expect(row(w, 'decisions_followed').text()).toContain('已跟进')
    expect(value(w, 'decisions_followed')).toBe('4/5 项')
  })

  it('lists every half with its score below; tapping an older one shows it, tapping the newest goes back', async () => {
    const w = await mountEvaluation()
    expect(halves(w).map((h) => [h.attributes('data-half'), h.attributes('data-selected')])).toEqual([
      ['2026-H2', 'true'], ['2026-H1', 'false'], ['2025-H2', 'false'],
    ])
    expect(halves(w).map((h) => h.text())).toEqual(['2026年下半年正在查看88分', '2026年上半年76分', '2025年下半年尚未评分'])
    expect(halves(w)[0].attributes('aria-current')).toBe('true')

    await halves(w)[1].trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="evaluation-current"]').attributes('data-half')).toBe('2026-H1')
    expect(w.get('[data-testid="evaluation-current-half"]').text()).toBe('2026年上半年')
    expect(w.get('[data-testid="evaluation-score"]').text()).toBe('76')
    expect(w.get('[data-testid="evaluation-comment"]').text()).toBe('五必访响应偏慢')
    expect(value(w, 'visits')).toBe('40 人次')
    expect(value(w, 'households_visited')).toBe('12/15 户')
    expect(value(w, 'must_visit_days')).toBe('暂无')
    expect(value(w, 'must_visits_answered')).toBe('0/0')
    // January to June now.
    expect(row(w, 'monthly_visited').findAll('[data-testid="evaluation-month"]').map((m) => m.attributes('data-month'))).toEqual(['1', '2', '3', '4', '5', '6'])
    expect(halves(w).map((h) => h.attributes('data-selected'))).toEqual(['false', 'true', 'false'])

    // A half not yet scored: its indicators, and says the community has not scored.
    await halves(w)[2].trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="evaluation-current"]').attributes('data-half')).toBe('2025-H2')
    expect(w.find('[data-testid="evaluation-score"]').exists()).toBe(false)
    expect(w.find('[data-testid="evaluation-comment"]').exists()).toBe(false)
    expect(w.get('[data-testid="evaluation-unscored"]').text()).toContain('社区还没有评分')
    expect(value(w, 'visits')).toBe('64 人次')

    await halves(w)[0].trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="evaluation-score"]').text()).toBe('88')
    expect(cmds()).toEqual(['evaluations'])
  })

  it('a finished sync reloads, and keeps the half being looked at', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const w = await mountEvaluation()
      await halves(w)[1].trigger('click')
      await flushPromises()
      answer = () => evaluations().map((e) => (e.half === '2026-H1' ? { ...e, score: 79, comment: '已改进' } : e))
      store.sync = { syncing: false, offline: false, seq: 2, status: { pending_changes: 0, last_success_at: 1, last_error: null, last_error_code: null, rejected: [] } }
      store.syncTick++
      await vi.advanceTimersByTimeAsync(200)
      await flushPromises()
      expect(cmds()).toEqual(['evaluations', 'evaluations'])
      expect(w.get('[data-testid="evaluation-current"]').attributes('data-half')).toBe('2026-H1')
      expect(w.get('[data-testid="evaluation-score"]').text()).toBe('79')
      expect(w.get('[data-testid="evaluation-comment"]').text()).toBe('已改进')
    } finally {
      vi.useRealTimers()
    }
  })

  it('only one evaluation: no list of halves', async () => {
    answer = () => evaluations().slice(0, 1)
    const w = await mountEvaluation()
    expect(w.get('[data-testid="evaluation-score"]').text()).toBe('88')
    expect(halves(w)).toHaveLength(0)
  })

  it('none yet: says so, and a sync brings it', async () => {
    answer = () => []
    const w = await mountEvaluation()
    expect(w.get('[data-testid="evaluation-none"]').text()).toBe('暂无考核结果，社区评价后会同步到这里')
    expect(w.find('[data-testid="evaluation-current"]').exists()).toBe(false)
    expect(w.find('[data-testid="evaluation-score"]').exists()).toBe(false)
    expect(w.find('[data-testid^="indicator-"]').exists()).toBe(false)

    answer = evaluations
    await w.get('[data-testid="evaluation-sync"]').trigger('click')
    await flushPromises()
    expect(cmds()).toEqual(['evaluations', 'sync_now', 'evaluations'])
    expect(w.find('[data-testid="evaluation-none"]').exists()).toBe(false)
    expect(w.get('[data-testid="evaluation-score"]').text()).toBe('88')
  })

  it('in English', async () => {
    applyPrefs({ locale: 'en', textScale: 1.25 })
    const w = await mountEvaluation()
    expect(w.get('[data-testid="evaluation-current-half"]').text()).toBe('H2 2026')
    expect(w.get('[data-testid="evaluation-current"]').text()).toContain('Evaluated on 2026-12-28')
    expect(row(w, 'months_meeting_norm').text()).toContain('Months meeting the norm (at least 10 households a month)')
    expect(value(w, 'households_visited')).toBe('15/15 households')
    expect(value(w, 'must_visit_days')).toBe('1.3 days')
    expect(row(w, 'monthly_visited').findAll('[data-testid="evaluation-month"]')[0].text()).toContain('Jul')
    expect(halves(w)[1].text()).toContain('76 points')
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
  })

  it('a failure says why and retries', async () => {
    let fail = true
    answer = () => {
      if (fail) throw { code: 'storage', message: 'disk' }
      return evaluations()
    }
    const w = await mountEvaluation()
    expect(w.get('[role="alert"]').attributes('data-code')).toBe('storage')
    expect(w.find('[data-testid="evaluation-none"]').exists()).toBe(false)
    fail = false
    await w.get('[role="alert"] button').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="evaluation-score"]').text()).toBe('88')
  })
})
