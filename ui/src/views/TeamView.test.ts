// One team: the head (name, kind, counts), its members with their roles, its activities newest
// first (one the community recorded in the console tagged 社区), adding a member (what
// add_team_member is sent, what is refused first), and the way to the activity form.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import type { TeamRecord, Vocabulary } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

import TeamView from './TeamView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

const TEAM = 'dddddddd-0000-4000-8000-000000000001'
const term = (code: string, zh: string) => ({ code, zh, en: code })
const vocab = {
  TeamKind: [term('volunteer', '志愿服务队'), term('culture', '文化宣传队')],
  ActivityKind: [term('policy_talk', '政策宣讲'), term('clean_up', '环境清洁'), term('safety_check', '安全巡查'), term('performance', '文艺演出'), term('other', '其他')],
  MemberRole: [term('steward', '红色管家'), term('resident', '居民')],
} as unknown as Vocabulary

/** Noon of a day of April 2025 in Shanghai. */
const april = (day: number) => Date.UTC(2025, 3, day, 4, 0)

function record(): TeamRecord {
  return {
    id: TEAM,
    compound_id: 'c',
    steward_id: 's',
    name: '蜀汉美郡红色志愿服务队',
    team_kind: 'volunteer',
    members: [
      { id: 'm1', name: '程运刚', role: 'steward', joined_at: april(1) },
      { id: 'm2', name: '王阿姨', role: 'resident', joined_at: april(2) },
      { id: 'm3', name: '李大爷', role: 'resident', joined_at: april(2) },
    ],
    // Oldest first, as the Rust side answers.
    activities: [
      { id: 'a1', kind: 'policy_talk', title: '防电诈政策宣讲', held_at: april(3), place: '社区党群服务中心', participants: 20, names: [], recorded_by: 's', role: 'steward', recorded_at: april(3) },
      { id: 'a2', kind: 'safety_check', title: '消防通道巡查', held_at: april(5), place: '3栋', participants: 4, names: ['王阿姨', '李大爷'], recorded_by: 'sup', role: 'supervisor', recorded_at: april(6) },
      { id: 'a3', kind: 'clean_up', title: '清理楼道杂物', held_at: april(8), place: '5栋1单元', participants: 6, names: ['程运刚'], recorded_by: 's', role: 'steward', recorded_at: april(8) },
    ],
  }
}

const calls = (cmd: string) => invoke.mock.calls.filter(([c]) => c === cmd).map(([, args]) => args)

let wrapper: VueWrapper | null = null
let router: Router
let team: TeamRecord

async function mountTeam() {
  invoke.mockImplementation(async (cmd: string, args?: { name?: string; role?: 'steward' | 'resident' }) => {
    if (cmd === 'team') return structuredClone(team)
    if (cmd === 'add_team_member') {
      team.members.push({ id: 'm-new', name: args!.name!, role: args!.role!, joined_at: april(10) })
      return 'm-new'
    }
    return null
  })
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/teams/:id', name: 'team', component: TeamView },
      { path: '/teams/:id/activity', name: 'team-activity', component: { template: '<div>activity</div>' } },
    ],
  })
  await router.push(`/teams/${TEAM}`)
  wrapper = mount(TeamView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('TeamView', () => {
  beforeEach(() => {
    invoke.mockReset()
    team = record()
    document.body.innerHTML = ''
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.vocab = vocab
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2025-04', now: 0, mobile: false }
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
  })

  it('shows the team’s name, kind and counts, and its members with their roles', async () => {
    const w = await mountTeam()
    expect(calls('team')).toEqual([{ id: TEAM }])
    const head = w.get('[data-testid="team-head"]')
    expect(head.get('[data-testid="team-title"]').text()).toBe('蜀汉美郡红色志愿服务队')
    expect(head.get('[data-testid="team-kind"]').text()).toBe('志愿服务队')
    expect(head.get('[data-testid="team-counts"]').text()).toBe('队员 3 人 · 活动 3 次')

    const members = w.findAll('[data-testid="team-member"]')
    expect(members.map((m) => [m.attributes('data-id'), m.attributes('data-role'), m.get('[data-testid="member-role"]').text()])).toEqual([
      ['m1', 'steward', '红色管家'],
      ['m2', 'resident', '居民'],
      ['m3', 'resident', '居民'],
    ])
    expect(members[0].text()).toContain('程运刚')
    expect(members[0].text()).toContain('2025年4月1日 加入')
  })

  it('lists the activities newest first, each with kind, title, day, place and how many took part', async () => {
    const w = await mountTeam()
    const cards = w.findAll('[data-testid="team-activity"]')
    expect(cards.map((c) => c.attributes('data-id'))).toEqual(['a3', 'a2', 'a1'])
    const [latest, , oldest] = cards
    expect(latest.get('[data-testid="activity-kind"]').text()).toBe('环境清洁')
    expect(latest.text()).toContain('清理楼道杂物')
    expect(latest.text()).toContain('2025年4月8日')
    expect(latest.text()).toContain('5栋1单元')
    expect(latest.get('[data-testid="activity-participants-shown"]').text()).toBe('参与 6 人')
    expect(latest.get('[data-testid="activity-names-shown"]').text()).toBe('程运刚')
    expect(oldest.get('[data-testid="activity-kind"]').text()).toBe('政策宣讲')
    expect(oldest.find('[data-testid="activity-names-shown"]').exists()).toBe(false)
  })

  it('an activity the community recorded is tagged 社区; the steward’s own are not', async () => {
    const w = await mountTeam()
    const tagged = w.findAll('[data-testid="team-activity"]').map((c) => [c.attributes('data-id'), c.find('[data-testid="activity-community"]').exists()])
    expect(tagged).toEqual([
      ['a3', false],
      ['a2', true],
      ['a1', false],
    ])
    const byCommunity = w.get('[data-testid="team-activity"][data-id="a2"]')
    expect(byCommunity.attributes('data-role')).toBe('supervisor')
    expect(byCommunity.get('[data-testid="activity-community"]').text()).toBe('社区')
    expect(byCommunity.get('[data-testid="activity-names-shown"]').text()).toBe('王阿姨、李大爷')
  })

  it('adding a member sends add_team_member with the team, trimmed name and chosen role, then shows the member', async () => {
    const w = await mountTeam()
    await w.get('[data-testid="member-name"] input').setValue('  赵师傅 ')
    await w.get('[data-testid="member-role-steward"]').trigger('click')
    await w.get('[data-testid="member-save"]').trigger('click')
    await flushPromises()

    expect(calls('add_team_member')).toEqual([{ team: TEAM, name: '赵师傅', role: 'steward' }])
    await vi.waitFor(() => expect(w.findAll('[data-testid="team-member"]')).toHaveLength(4))
    expect(w.get('[data-testid="team-member"][data-id="m-new"]').attributes('data-role')).toBe('steward')
    expect((w.get('[data-testid="member-name"] input').element as HTMLInputElement).value).toBe('')
    expect(document.body.textContent).toContain('已添加队员')
  })

  it('a member is a resident unless chosen otherwise; without a name nothing is sent', async () => {
    const w = await mountTeam()
    await w.get('[data-testid="member-save"]').trigger('click')
    await flushPromises()
    expect(calls('add_team_member')).toHaveLength(0)
    expect(w.get('[data-testid="member-form"]').text()).toContain('请填写队员姓名')

    await w.get('[data-testid="member-name"] input').setValue('孙奶奶')
    await w.get('[data-testid="member-save"]').trigger('click')
    await flushPromises()
    expect(calls('add_team_member')).toEqual([{ team: TEAM, name: '孙奶奶', role: 'resident' }])
  })

  it('a refusal stays under the form with its words', async () => {
    const w = await mountTeam()
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'team') return structuredClone(team)
      if (cmd === 'add_team_member') throw { code: 'invalid', message: 'a member needs a name' }
      return null
    })
    await w.get('[data-testid="member-name"] input').setValue('赵师傅')
    await w.get('[data-testid="member-save"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="member-form"]').text()).toContain('a member needs a name')
    expect((w.get('[data-testid="member-name"] input').element as HTMLInputElement).value).toBe('赵师傅')
  })

  it('记录活动 opens the activity form of this team', async () => {
    const w = await mountTeam()
    expect(w.get('[data-testid="activity-new"]').text()).toContain('记录活动')
    await w.get('[data-testid="activity-new"]').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe(`/teams/${TEAM}/activity`))
  })

  it('a team without members or activities says so', async () => {
    team = { ...record(), members: [], activities: [] }
    const w = await mountTeam()
    expect(w.get('[data-testid="team-counts"]').text()).toBe('队员 0 人 · 活动 0 次')
    expect(w.find('[data-testid="team-no-members"]').exists()).toBe(true)
    expect(w.get('[data-testid="team-no-activities"]').text()).toContain('还没有活动记录')
  })
})
