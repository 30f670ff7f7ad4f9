import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent } from 'vue'
import { element } from '../element'
import { homeFor, mayOpen, menuFor } from './menu'
import type { Role } from '../api/types'

describe('the menu by role', () => {
  it('shows a property company only Issues, its Decisions and its scores, not the joint meetings', () => {
    expect(menuFor('property').map((m) => m.name)).toEqual(['issues', 'decisions', 'scores'])
    expect(menuFor('property').find((m) => m.name === 'scores')).toMatchObject({ path: '/scores', label: 'menu.scores' })
    expect(mayOpen('property', 'scores')).toBe(true)
    expect(mayOpen('property', 'scoring-rules')).toBe(false)
    expect(mayOpen('supervisor', 'scoring-rules')).toBe(false)
    expect(mayOpen('admin', 'scoring-rules')).toBe(true)
    expect(mayOpen(null, 'scores')).toBe(false)
    expect(homeFor('property')).toBe('/issues')
    expect(mayOpen('property', 'households')).toBe(false)
    expect(mayOpen('property', 'household')).toBe(false)
    expect(mayOpen('property', 'issues')).toBe(true)
    expect(mayOpen('property', 'decisions')).toBe(true)
    expect(mayOpen('property', 'meetings')).toBe(false)
  })

  it('keeps pairing assistance, the campaigns, the steward evaluation and the year in figures from a property company', () => {
    expect(mayOpen('property', 'pairing')).toBe(false)
    expect(mayOpen('property', 'campaigns')).toBe(false)
    expect(mayOpen('property', 'campaign')).toBe(false)
    expect(mayOpen('supervisor', 'campaigns')).toBe(true)
    expect(mayOpen('supervisor', 'campaign')).toBe(true)
    expect(mayOpen('admin', 'campaign')).toBe(true)
    expect(menuFor('supervisor').find((m) => m.name === 'campaigns')).toMatchObject({ path: '/campaigns', label: 'menu.campaigns' })
    expect(mayOpen('property', 'figures')).toBe(false)
    expect(mayOpen('property', 'evaluation')).toBe(false)
    expect(mayOpen('supervisor', 'evaluation')).toBe(true)
    expect(mayOpen('admin', 'evaluation')).toBe(true)
    expect(mayOpen(null, 'evaluation')).toBe(false)
    expect(menuFor('supervisor').find((m) => m.name === 'evaluation')).toMatchObject({ path: '/evaluation', label: 'menu.evaluation' })
    expect(mayOpen('supervisor', 'pairing')).toBe(true)
    expect(mayOpen('admin', 'figures')).toBe(true)
    expect(mayOpen('property', 'teams')).toBe(false)
    expect(mayOpen('supervisor', 'teams')).toBe(true)
    expect(mayOpen('admin', 'teams')).toBe(true)
    expect(menuFor('supervisor').find((m) => m.name === 'teams')).toMatchObject({ path: '/teams', label: 'menu.teams' })
  })

  it('gives the selection of stewards (选任) to supervisors and admins, never to a property company', () => {
    expect(menuFor('supervisor').find((m) => m.name === 'selection')).toMatchObject({ path: '/selection', label: 'menu.selection' })
    for (const name of ['selection', 'selection-application', 'selection-notice']) {
      expect(mayOpen('supervisor', name)).toBe(true)
      expect(mayOpen('admin', name)).toBe(true)
      expect(mayOpen('property', name)).toBe(false)
      expect(mayOpen(null, name)).toBe(false)
    }
    expect(menuFor('property').map((m) => m.name)).not.toContain('selection')
  })

  it('shows supervisors the work screens, without the admin ones', () => {
    expect(menuFor('supervisor').map((m) => m.name)).toEqual(['overview', 'stewards', 'households', 'plans', 'issues', 'meetings', 'decisions', 'scores', 'evaluation', 'pairing', 'campaigns', 'teams', 'selection', 'figures'])
    expect(menuFor('supervisor', 'compound')).toEqual(menuFor('supervisor'))
    expect(menuFor('supervisor', 'community')).toEqual(menuFor('supervisor'))
    expect(menuFor('supervisor').find((m) => m.name === 'pairing')).toMatchObject({ path: '/pairing', label: 'menu.pairing' })
    expect(menuFor('supervisor').find((m) => m.name === 'figures')).toMatchObject({ path: '/figures', label: 'menu.figures' })
    expect(menuFor('supervisor').find((m) => m.name === 'meetings')).toMatchObject({ path: '/meetings', label: 'menu.meetings' })
    expect(menuFor('supervisor').find((m) => m.name === 'decisions')).toMatchObject({ path: '/decisions', label: 'menu.decisions' })
    expect(mayOpen('supervisor', 'meetings')).toBe(true)
    expect(mayOpen('supervisor', 'decisions')).toBe(true)
    expect(mayOpen('supervisor', 'admin')).toBe(false)
    expect(mayOpen('supervisor', 'access-log')).toBe(false)
    expect(mayOpen('supervisor', 'household')).toBe(true)
  })

  it("puts the year in figures right after the overview for a town's or district's staff (home stays the overview)", () => {
    const high = ['overview', 'figures', 'stewards', 'households', 'plans', 'issues', 'meetings', 'decisions', 'scores', 'evaluation', 'pairing', 'campaigns', 'teams', 'selection']
    expect(menuFor('supervisor', 'town').map((m) => m.name)).toEqual(high)
    expect(menuFor('supervisor', 'district').map((m) => m.name)).toEqual(high)
    expect(homeFor('supervisor')).toBe('/overview')
    expect(menuFor('property', 'district').map((m) => m.name)).toEqual(['issues', 'decisions', 'scores'])
  })

  it('gives admins Places & accounts and the access log too', () => {
    expect(menuFor('admin').map((m) => m.name)).toEqual(['overview', 'figures', 'stewards', 'households', 'plans', 'issues', 'meetings', 'decisions', 'scores', 'evaluation', 'pairing', 'campaigns', 'teams', 'selection', 'admin', 'access-log'])
    expect(menuFor(null)).toEqual([])
    expect(mayOpen(null, 'decisions')).toBe(false)
  })
})

describe('the layout shows the menu of the signed-in role', () => {
  afterEach(() => vi.unstubAllGlobals())

  async function menuOf(role: Role, place: { id: string; kind: 'town' | 'community' } | null = null): Promise<string[]> {
    const { session } = await import('../session')
    session.me = { principal: 'user', user: { id: 'u', username: 'x', role, place_id: place?.id ?? null }, compound_ids: ['c1'] }
    session.scopeLoaded = false
    const places = place ? [{ id: place.id, kind: place.kind, name: '大河坎镇', parent_id: null }] : []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.pathname : new URL(input.url).pathname
        return new Response(url.startsWith('/v1/places') ? JSON.stringify(places) : '[]', { status: 200, headers: { 'Content-Type': 'application/json' } })
      }),
    )
    const Layout = (await import('../views/LayoutView.vue')).default
    const Blank = defineComponent({ template: '<div />' })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: Blank }] })
    await router.push('/')
    const w = mount(Layout, { global: { plugins: [element, router] } })
    await flushPromises()
    const names = w.findAll('[data-test="menu"] [data-test^="menu-"]').map((x) => x.attributes('data-test')!.slice(5))
    w.unmount()
    return names
  }

  it('property: Issues, Decisions and Scores; supervisor: with Joint meetings; admin: with the admin items', async () => {
    expect(await menuOf('property')).toEqual(['issues', 'decisions', 'scores'])
    expect(await menuOf('supervisor')).toEqual(['overview', 'stewards', 'households', 'plans', 'issues', 'meetings', 'decisions', 'scores', 'evaluation', 'pairing', 'campaigns', 'teams', 'selection', 'figures'])
    expect(await menuOf('supervisor', { id: 'p1', kind: 'community' })).toEqual(['overview', 'stewards', 'households', 'plans', 'issues', 'meetings', 'decisions', 'scores', 'evaluation', 'pairing', 'campaigns', 'teams', 'selection', 'figures'])
    expect(await menuOf('supervisor', { id: 'p1', kind: 'town' })).toEqual(['overview', 'figures', 'stewards', 'households', 'plans', 'issues', 'meetings', 'decisions', 'scores', 'evaluation', 'pairing', 'campaigns', 'teams', 'selection'])
    expect(await menuOf('admin')).toEqual(['overview', 'figures', 'stewards', 'households', 'plans', 'issues', 'meetings', 'decisions', 'scores', 'evaluation', 'pairing', 'campaigns', 'teams', 'selection', 'admin', 'access-log'])
  })
})
