// 志愿服务队、文化宣传队: the list of the steward's teams (name, kind, members, activities, the
// last activity's day), and setting up a new one: what create_team is sent, and what is refused
// before anything is sent.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import type { TeamLine, Vocabulary } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

import TeamsView from './TeamsView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

const NEW_ID = 'cccccccc-0000-4000-8000-000000000009'
const term = (code: string, zh: string, en = code) => ({ code, zh, en })
const vocab = {
  TeamKind: [term('volunteer', '志愿服务队', 'Volunteer team'), term('culture', '文化宣传队', 'Culture team')],
} as unknown as Vocabulary

const lines: TeamLine[] = [
  // 2025-04-09 15:00 in Shanghai.
  { id: 't1', name: '红色志愿服务队', kind: 'volunteer', members: 12, activities: 5, last_activity_at: Date.UTC(2025, 3, 9, 7, 0) },
  { id: 't2', name: '夕阳红文化宣传队', kind: 'culture', members: 3, activities: 0, last_activity_at: null },
]

const calls = (cmd: string) => invoke.mock.calls.filter(([c]) => c === cmd).map(([, args]) => args)
const el = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null

let wrapper: VueWrapper | null = null
let router: Router

async function mountTeams(teams: unknown = lines) {
  invoke.mockImplementation(async (cmd: string) => {
    if (cmd === 'teams') return structuredClone(teams)
    if (cmd === 'create_team') return NEW_ID
    return null
  })
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/teams', name: 'teams', component: TeamsView },
      { path: '/teams/:id', name: 'team', component: { template: '<div>team</div>' } },
    ],
  })
  await router.push('/teams')
  wrapper = mount(TeamsView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

async function openForm(w: VueWrapper) {
  await w.get('[data-testid="team-new"]').trigger('click')
  await flushPromises()
  await vi.waitFor(() => expect(el('team-name')).not.toBeNull())
}

describe('TeamsView', () => {
  beforeEach(() => {
    invoke.mockReset()
    document.body.innerHTML = ''
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.vocab = vocab
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2025-04', now: 0, mobile: false }
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
  })

  it('lists each team with its kind, members, activities and the last activity’s day', async () => {
    const w = await mountTeams()
    expect(calls('teams')).toHaveLength(1)
    const rows = w.findAll('[data-testid="team-line"]')
    expect(rows.map((r) => [r.attributes('data-id'), r.attributes('data-kind')])).toEqual([
      ['t1', 'volunteer'],
      ['t2', 'culture'],
    ])
    expect(rows[0].text()).toContain('红色志愿服务队')
    expect(rows[0].get('[data-testid="team-kind"]').text()).toBe('志愿服务队')
    expect(rows[0].text()).toContain('队员 12 人 · 活动 5 次')
    expect(rows[0].get('[data-testid="team-last"]').text()).toBe('最近活动：2025年4月9日')
    expect(rows[1].get('[data-testid="team-kind"]').text()).toBe('文化宣传队')
    expect(rows[1].text()).toContain('队员 3 人 · 活动 0 次')
    expect(rows[1].get('[data-testid="team-last"]').text()).toBe('还没有活动记录')
    expect(w.find('[data-testid="teams-none"]').exists()).toBe(false)

    await rows[1].trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/teams/t2'))
  })

  it('none yet: says how to set one up', async () => {
    const w = await mountTeams([])
    expect(w.findAll('[data-testid="team-line"]')).toHaveLength(0)
    expect(w.get('[data-testid="teams-none"]').text()).toContain('还没有队伍')
  })

  it('in English: the kind and counts', async () => {
    applyPrefs({ locale: 'en', textScale: 1.25 })
    const w = await mountTeams()
    const row = w.get('[data-testid="team-line"]')
    expect(row.get('[data-testid="team-kind"]').text()).toBe('Volunteer team')
    expect(row.text()).toContain('12 members · 5 activities')
    expect(row.get('[data-testid="team-last"]').text()).toBe('Last activity: 2025-04-09')
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
  })

  it('a new team sends create_team with its trimmed name and kind, then opens it', async () => {
    const w = await mountTeams()
    await openForm(w)
    await w.get('[data-testid="team-name"] input').setValue('  文化宣传队（夕阳红）  ')
    el('team-kind-culture')!.click()
    await flushPromises()
    el('team-save')!.click()
    await flushPromises()

    expect(calls('create_team')).toEqual([{ name: '文化宣传队（夕阳红）', kind: 'culture' }])
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe(`/teams/${NEW_ID}`))
  })

  it('without a name or a kind nothing is sent, and the form says what is missing', async () => {
    const w = await mountTeams()
    await openForm(w)
    await w.get('[data-testid="team-name"] input').setValue('   ')
    el('team-save')!.click()
    await flushPromises()

    expect(calls('create_team')).toHaveLength(0)
    const popup = el('team-form-popup')!
    expect(popup.textContent).toContain('请填写队伍名称')
    expect(popup.textContent).toContain('请选择队伍类型')
    expect(router.currentRoute.value.name).toBe('teams')
  })

  it('a refusal stays on the form with its words', async () => {
    const w = await mountTeams()
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'teams') return structuredClone(lines)
      if (cmd === 'create_team') throw { code: 'invalid', message: 'a team needs a name' }
      return null
    })
    await openForm(w)
    await w.get('[data-testid="team-name"] input').setValue('服务队')
    el('team-kind-volunteer')!.click()
    await flushPromises()
    el('team-save')!.click()
    await flushPromises()

    expect(calls('create_team')).toEqual([{ name: '服务队', kind: 'volunteer' }])
    expect(el('team-form-popup')!.textContent).toContain('a team needs a name')
    expect(router.currentRoute.value.name).toBe('teams')
  })
})
