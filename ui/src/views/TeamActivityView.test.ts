// Recording a team's activity: what record_team_activity is sent for a filled form (the day as a
// number of ms, the count as a number, the names as a list from members tapped and names typed),
// what is refused before anything is sent, the way back to the team, and the draft.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import type { TeamRecord, Vocabulary } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

import TeamActivityView from './TeamActivityView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

// 2025-04-10 10:00 in Shanghai: "today" is 10 April.
const NOW = Date.UTC(2025, 3, 10, 2, 0)
const TEAM = 'dddddddd-0000-4000-8000-000000000001'
const NEW_ID = 'eeeeeeee-0000-4000-8000-000000000001'
const KEY = `team-activity:${TEAM}`

const term = (code: string, zh: string) => ({ code, zh, en: code })
const vocab = {
  ActivityKind: [term('policy_talk', '政策宣讲'), term('clean_up', '环境清洁'), term('safety_check', '安全巡查'), term('performance', '文艺演出'), term('other', '其他')],
  MemberRole: [term('steward', '红色管家'), term('resident', '居民')],
} as unknown as Vocabulary

const team: TeamRecord = {
  id: TEAM,
  compound_id: 'c',
  steward_id: 's',
  name: '蜀汉美郡红色志愿服务队',
  team_kind: 'volunteer',
  members: [
    { id: 'm1', name: '程运刚', role: 'steward', joined_at: NOW },
    { id: 'm2', name: '王阿姨', role: 'resident', joined_at: NOW },
  ],
  activities: [],
}

const calls = (cmd: string) => invoke.mock.calls.filter(([c]) => c === cmd).map(([, args]) => args)
const el = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null

let wrapper: VueWrapper | null = null
let router: Router

async function mountForm(savedDraft: unknown = null) {
  invoke.mockImplementation(async (cmd: string) => {
    if (cmd === 'load_draft') return savedDraft
    if (cmd === 'team') return structuredClone(team)
    if (cmd === 'record_team_activity') return NEW_ID
    return null
  })
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/teams/:id', name: 'team', component: { template: '<div>team</div>' } },
      { path: '/teams/:id/activity', name: 'team-activity', component: TeamActivityView },
    ],
  })
  await router.push(`/teams/${TEAM}/activity`)
  wrapper = mount(TeamActivityView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
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

/** A form filled but for its names. */
async function fill(w: VueWrapper, participants: string) {
  await w.get('[data-testid="activity-kind-policy_talk"]').trigger('click')
  await type(w, 'activity-title', ' 防电诈政策宣讲 ')
  await type(w, 'activity-place', ' 社区党群服务中心 ')
  await type(w, 'activity-participants', participants)
}

describe('TeamActivityView', () => {
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

  it('offers the five kinds as big buttons, today as the day, and the team’s members to tap', async () => {
    const w = await mountForm()
    expect(w.get('[data-testid="activity-team"]').text()).toBe('蜀汉美郡红色志愿服务队')
    expect(['policy_talk', 'clean_up', 'safety_check', 'performance', 'other'].map((k) => w.get(`[data-testid="activity-kind-${k}"]`).text())).toEqual([
      '政策宣讲', '环境清洁', '安全巡查', '文艺演出', '其他',
    ])
    expect(w.get('[data-testid="activity-date"]').attributes('data-day')).toBe('2025-04-10')
    expect(w.get('[data-testid="activity-date"]').text()).toContain('2025年4月10日')
    expect(w.get('[data-testid="activity-member-m1"]').text()).toBe('程运刚')
  })

  it('a filled form sends record_team_activity with heldAt and participants as numbers and the names as a list', async () => {
    const w = await mountForm()
    await fill(w, '25')
    await pickDay(w, 'activity-date', '08')
    expect(w.get('[data-testid="activity-date"]').attributes('data-day')).toBe('2025-04-08')
    // A member tapped, two names typed at once and added, one more typed and left in the box.
    await w.get('[data-testid="activity-member-m2"]').trigger('click')
    expect(w.get('[data-testid="activity-member-m2"]').attributes('aria-pressed')).toBe('true')
    await type(w, 'activity-names', '张三、李四')
    await w.get('[data-testid="activity-names-add"]').trigger('click')
    expect(w.findAll('[data-testid="activity-name"]').map((t) => t.text())).toEqual(['王阿姨', '张三', '李四'])
    await type(w, 'activity-names', ' 赵五 ')
    expect(w.get('[data-testid="activity-named-count"]').text()).toBe('已填写 4 人的姓名')

    await w.get('[data-testid="activity-save"]').trigger('click')
    await flushPromises()

    expect(calls('record_team_activity')).toEqual([
      {
        team: TEAM,
        kind: 'policy_talk',
        title: '防电诈政策宣讲',
        heldAt: Date.UTC(2025, 3, 8, 4, 0), // noon of 8 April in Shanghai
        place: '社区党群服务中心',
        participants: 25,
        names: ['王阿姨', '张三', '李四', '赵五'],
      },
    ])
    const [args] = calls('record_team_activity') as { heldAt: unknown; participants: unknown; names: unknown }[]
    expect(typeof args.heldAt).toBe('number')
    expect(typeof args.participants).toBe('number')
    expect(Array.isArray(args.names)).toBe(true)
    // Recorded: the draft is forgotten, and the team shows again with a toast.
    expect(calls('clear_draft')).toEqual([{ key: KEY }])
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe(`/teams/${TEAM}`))
    await vi.waitFor(() => expect(document.body.textContent).toContain('活动已记录'))
  })

  it('no names: an empty list is sent', async () => {
    const w = await mountForm()
    await fill(w, '12')
    await w.get('[data-testid="activity-save"]').trigger('click')
    await flushPromises()
    expect(calls('record_team_activity')).toEqual([
      { team: TEAM, kind: 'policy_talk', title: '防电诈政策宣讲', heldAt: Date.UTC(2025, 3, 10, 4, 0), place: '社区党群服务中心', participants: 12, names: [] },
    ])
  })

  it('without a title or a place nothing is sent, and the form says what is missing', async () => {
    const w = await mountForm()
    await fill(w, '5')
    await type(w, 'activity-title', '  ')
    await type(w, 'activity-place', '')
    await w.get('[data-testid="activity-save"]').trigger('click')
    await flushPromises()

    expect(calls('record_team_activity')).toHaveLength(0)
    expect(w.get('[data-testid="activity-title"]').text()).toContain('请填写活动名称')
    expect(w.get('[data-testid="activity-place"]').text()).toContain('请填写活动地点')
    expect(router.currentRoute.value.name).toBe('team-activity')
  })

  it('more names than participants is refused before anything is sent, with words saying how to fix it', async () => {
    const w = await mountForm()
    await fill(w, '2')
    await w.get('[data-testid="activity-member-m1"]').trigger('click')
    await type(w, 'activity-names', '张三，李四')
    await w.get('[data-testid="activity-save"]').trigger('click')
    await flushPromises()

    expect(calls('record_team_activity')).toHaveLength(0)
    expect(w.get('[data-testid="activity-participants-error"]').text()).toBe('填写的姓名比参与人数还多，请把参与人数改大，或删去多余的姓名')
    expect(router.currentRoute.value.name).toBe('team-activity')

    // Raised to three: sent.
    await type(w, 'activity-participants', '3')
    await w.get('[data-testid="activity-save"]').trigger('click')
    await flushPromises()
    expect(calls('record_team_activity')).toHaveLength(1)
    expect((calls('record_team_activity')[0] as { names: string[] }).names).toEqual(['程运刚', '张三', '李四'])
  })

  it('no kind chosen, or nobody counted, is refused before anything is sent', async () => {
    const w = await mountForm()
    await type(w, 'activity-title', '文艺汇演')
    await type(w, 'activity-place', '广场')
    await w.get('[data-testid="activity-save"]').trigger('click')
    await flushPromises()

    expect(calls('record_team_activity')).toHaveLength(0)
    expect(w.text()).toContain('请选择活动类型')
    expect(w.get('[data-testid="activity-participants-error"]').text()).toBe('请填写参与人数，至少 1 人')
  })

  it('a refusal from the Rust side stays on the form with its words', async () => {
    const w = await mountForm()
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'record_team_activity') throw { code: 'invalid', message: 'more names than participants' }
      return null
    })
    await fill(w, '3')
    await w.get('[data-testid="activity-save"]').trigger('click')
    await flushPromises()
    expect(w.text()).toContain('more names than participants')
    expect(calls('clear_draft')).toHaveLength(0)
    expect(router.currentRoute.value.name).toBe('team-activity')
  })

  it('a half-filled form is kept as the team’s draft, and restored next time', async () => {
    const w = await mountForm()
    await w.get('[data-testid="activity-kind-performance"]').trigger('click')
    await type(w, 'activity-title', '重阳文艺演出')
    await w.get('[data-testid="activity-member-m1"]').trigger('click')
    await vi.waitFor(() => expect(calls('save_draft').length).toBeGreaterThan(0), { timeout: 2000 })
    const last = calls('save_draft').slice(-1)[0] as { key: string; value: { kind: string; title: string; names: string[] } }
    expect(last.key).toBe(KEY)
    expect(last.value).toMatchObject({ kind: 'performance', title: '重阳文艺演出', names: ['程运刚'] })
    w.unmount()
    wrapper = null

    const again = await mountForm(last.value)
    expect(again.find('[data-testid="activity-draft-restored"]').exists()).toBe(true)
    expect((again.get('[data-testid="activity-title"] input').element as HTMLInputElement).value).toBe('重阳文艺演出')
    expect(again.get('[data-testid="activity-member-m1"]').attributes('aria-pressed')).toBe('true')
  })
})
