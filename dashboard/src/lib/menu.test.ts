import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent } from 'vue'
import { element } from '../element'
import { homeFor, mayOpen, menuFor } from './menu'
import type { Role } from '../api/types'

describe('the menu by role', () => {
  it('shows a property company only Issues and its Decisions, not the joint meetings', () => {
    expect(menuFor('property').map((m) => m.name)).toEqual(['issues', 'decisions'])
    expect(homeFor('property')).toBe('/issues')
    expect(mayOpen('property', 'households')).toBe(false)
    expect(mayOpen('property', 'household')).toBe(false)
    expect(mayOpen('property', 'issues')).toBe(true)
    expect(mayOpen('property', 'decisions')).toBe(true)
    expect(mayOpen('property', 'meetings')).toBe(false)
  })

  it('shows supervisors the work screens, without the admin ones', () => {
    expect(menuFor('supervisor').map((m) => m.name)).toEqual(['overview', 'stewards', 'households', 'plans', 'issues', 'meetings', 'decisions'])
    expect(menuFor('supervisor').find((m) => m.name === 'meetings')).toMatchObject({ path: '/meetings', label: 'menu.meetings' })
    expect(menuFor('supervisor').find((m) => m.name === 'decisions')).toMatchObject({ path: '/decisions', label: 'menu.decisions' })
    expect(mayOpen('supervisor', 'meetings')).toBe(true)
    expect(mayOpen('supervisor', 'decisions')).toBe(true)
    expect(mayOpen('supervisor', 'admin')).toBe(false)
    expect(mayOpen('supervisor', 'access-log')).toBe(false)
    expect(mayOpen('supervisor', 'household')).toBe(true)
  })

  it('gives admins Places & accounts and the access log too', () => {
    expect(menuFor('admin').map((m) => m.name)).toEqual(['overview', 'stewards', 'households', 'plans', 'issues', 'meetings', 'decisions', 'admin', 'access-log'])
    expect(menuFor(null)).toEqual([])
    expect(mayOpen(null, 'decisions')).toBe(false)
  })
})

describe('the layout shows the menu of the signed-in role', () => {
  afterEach(() => vi.unstubAllGlobals())

  async function menuOf(role: Role): Promise<string[]> {
    const { session } = await import('../session')
    session.me = { principal: 'user', user: { id: 'u', username: 'x', role, place_id: null }, compound_ids: ['c1'] }
    session.scopeLoaded = false
    vi.stubGlobal('fetch', vi.fn(async (url: string) => new Response(url.startsWith('/v1/places') ? '[]' : '[]', { status: 200, headers: { 'Content-Type': 'application/json' } })))
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

  it('property: Issues and Decisions; supervisor: with Joint meetings; admin: with the admin items', async () => {
    expect(await menuOf('property')).toEqual(['issues', 'decisions'])
    expect(await menuOf('supervisor')).toEqual(['overview', 'stewards', 'households', 'plans', 'issues', 'meetings', 'decisions'])
    expect(await menuOf('admin')).toEqual(['overview', 'stewards', 'households', 'plans', 'issues', 'meetings', 'decisions', 'admin', 'access-log'])
  })
})
