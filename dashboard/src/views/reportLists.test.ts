// The report lists ask the server with their filters, and their exports download exactly that
// query plus `format` (no filter is applied in the browser, so nothing can differ).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, type Component } from 'vue'
import { element } from '../element'
import { session } from '../session'
import IssuesView from './IssuesView.vue'
import MustVisitsView from './MustVisitsView.vue'
import TimelyView from './TimelyView.vue'

const PLACE = '0168ec11-3289-4890-b7a8-b949feb8be01'
const DAY = 86_400_000

const ANSWERS: Record<string, unknown> = {
  '/v1/reports/must-visits': {
    total: 120,
    page: 1,
    per_page: 50,
    rows: [
      { id: 'm1', household_id: 'h1', address: '5栋1单元202室', head_name: '唐建平', steward: '王建国', trigger: 'illness_or_death', date: Date.now() - 20 * DAY, age_days: 20, server_seen_at: null },
    ],
  },
  '/v1/reports/timely': {
    summary: { on_time: 0, late: 0, open: 0, overdue: 61 },
    total: 61,
    rows: [{ id: 't1', household_id: 'h2', address: '2栋2单元501室', steward: '李秀英', kind: 'urgent_help', raised_at: 1, deadline: 2, resolved_at: null, timeliness: 'overdue', server_seen_at: null }],
  },
  '/v1/reports/issues': {
    counts: [{ status: 'reported', route: 'property_duty', count: 1 }],
    total: 1,
    issues: [
      { id: 'i1', compound_id: PLACE, reporter: '李秀英', reported_at: Date.now() - 10 * DAY, category: 'ebike_parking', place: '3栋', description: '电动车堵住消防通道', route: 'property_duty', status: 'reported', comments: 0, last_update_at: 1 },
    ],
  },
}

let urls: string[] = []

function pathOf(input: RequestInfo | URL): string {
  const u = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, window.location.origin)
  return u.pathname + u.search
}

beforeEach(() => {
  urls = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) => {
      const p = pathOf(input)
      urls.push(p)
      const path = p.split('?')[0]
      if (p.includes('format=')) return new Response('a,b\n', { status: 200, headers: { 'Content-Type': 'text/csv' } })
      if (!(path in ANSWERS)) return new Response('{"code":"not_found","message":""}', { status: 404, headers: { 'Content-Type': 'application/json' } })
      return new Response(JSON.stringify(ANSWERS[path]), { status: 200, headers: { 'Content-Type': 'application/json' } })
    }),
  )
  URL.createObjectURL = vi.fn(() => 'blob:x')
  URL.revokeObjectURL = vi.fn()
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
  session.me = { principal: 'user', user: { id: 'u', username: 'demo-community', role: 'supervisor', place_id: 'p' }, compound_ids: [PLACE] }
})

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  session.me = null
  document.body.innerHTML = ''
})

async function show(view: Component, path: string) {
  const Blank = defineComponent({ template: '<div />' })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/must-visits', name: 'must-visits', component: view },
      { path: '/timely', name: 'timely', component: view },
      { path: '/issues', name: 'issues', component: view },
      { path: '/:p(.*)*', component: Blank },
    ],
  })
  await router.push(path)
  await router.isReady()
  const w = mount(view, { global: { plugins: [element, router] }, attachTo: document.body })
  await flushPromises()
  return { w, router }
}

/**
 * The list's request (its filters, plus `paging` when paged), then the export's: the same path
 * and filters plus `format`, without paging.
 */
async function exportsTheList(w: ReturnType<typeof mount>, filtersUrl: string, paging = '') {
  const sep = filtersUrl.includes('?') ? '&' : '?'
  expect(urls).toEqual([paging ? `${filtersUrl}${sep}${paging}` : filtersUrl])
  await w.get('[data-test="export-csv"]').trigger('click')
  await flushPromises()
  await w.get('[data-test="export-xlsx"]').trigger('click')
  await flushPromises()
  expect(urls.slice(1)).toEqual([`${filtersUrl}${sep}format=csv`, `${filtersUrl}${sep}format=xlsx`])
}

describe('the report lists ask the server with their filters and export exactly that', () => {
  it('must-visits: trigger, min_age_days, place', async () => {
    const { w } = await show(MustVisitsView, `/must-visits?trigger=illness_or_death&min_age_days=15&place=${PLACE}`)
    expect(w.findAll('[data-test="must-visit-row"]')).toHaveLength(1)
    await exportsTheList(w, `/v1/reports/must-visits?place=${PLACE}&trigger=illness_or_death&min_age_days=15`, 'page=1&per_page=50')
    expect(w.text()).not.toContain('整张报表')
    expect(w.get('[data-test="must-visits-total"]').text()).toContain('120')
    w.unmount()
  })

  it('must-visits without filters: the bare report, a page at a time; turning the page keeps the filters', async () => {
    const { w, router } = await show(MustVisitsView, '/must-visits?trigger=hardship')
    await exportsTheList(w, '/v1/reports/must-visits?trigger=hardship', 'page=1&per_page=50')
    const pager = w.get('[data-test="must-visits-pager"]')
    expect(pager.text()).toContain('120')
    urls = []
    await pager.get('.btn-next').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ trigger: 'hardship', page: '2' })
    expect(urls).toEqual(['/v1/reports/must-visits?trigger=hardship&page=2&per_page=50'])
    w.unmount()
  })

  it('timely: month, kind, timeliness', async () => {
    const { w } = await show(TimelyView, '/timely?month=2026-11&kind=urgent_help&timeliness=overdue')
    expect(w.get('[data-test="timely-row"]').attributes('data-timeliness')).toBe('overdue')
    await exportsTheList(w, '/v1/reports/timely?month=2026-11&kind=urgent_help&timeliness=overdue', 'page=1&per_page=50')
    expect(w.get('[data-test="timely-total"]').text()).toContain('61')
    expect(w.get('[data-test="timely-pager"]').text()).toContain('61')
    w.unmount()
  })

  it('issues: route, category, place, min_age_days and a status drill-down; grouped into columns here', async () => {
    const { w, router } = await show(IssuesView, `/issues?route=property_duty&category=ebike_parking&min_age_days=7&place=${PLACE}&status=reported`)
    const card = w.get('[data-test="issue-card"]')
    expect(card.attributes('data-issue-id')).toBe('i1')
    expect(card.attributes('data-status')).toBe('reported')
    expect(w.get('[data-test="column-reported"]').find('[data-test="issue-card"]').exists()).toBe(true)
    await exportsTheList(w, `/v1/reports/issues?place=${PLACE}&status=reported&route=property_duty&category=ebike_parking&min_age_days=7&max_age_days=90`, 'page=1&per_page=500')
    expect(w.find('[data-test="issues-truncated"]').exists()).toBe(false)

    // Opening an issue keeps the filters (and asks for its timeline, not for the board again).
    urls = []
    await card.trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toMatchObject({ route: 'property_duty', issue: 'i1', min_age_days: '7' })
    expect(urls).toEqual(['/v1/issues/i1'])
    w.unmount()
  })

  it('issues: the report-time window from the URL goes to the board and its export (全部: none)', async () => {
    const { w } = await show(IssuesView, '/issues?category=other&max_age_days=30')
    await exportsTheList(w, '/v1/reports/issues?category=other&max_age_days=30', 'page=1&per_page=500')
    w.unmount()
    urls = []
    const all = await show(IssuesView, '/issues?max_age_days=0')
    await exportsTheList(all.w, '/v1/reports/issues', 'page=1&per_page=500')
    all.w.unmount()
  })

  it('issues: more than 1000 match: the newest 1000 (two pages), the total, and a word to narrow the filters', async () => {
    const row = (n: number) => ({ ...(ANSWERS['/v1/reports/issues'] as { issues: object[] }).issues[0], id: `i${n}`, reported_at: Date.now() - n * 1000 })
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL) => {
        const p = pathOf(input)
        urls.push(p)
        const page = Number(new URL(p, window.location.origin).searchParams.get('page'))
        const issues = Array.from({ length: 500 }, (_, i) => row((page - 1) * 500 + i))
        return new Response(JSON.stringify({ counts: [], total: 1234, issues }), { status: 200, headers: { 'Content-Type': 'application/json' } })
      }),
    )
    const { w } = await show(IssuesView, '/issues')
    expect(urls).toEqual(['/v1/reports/issues?max_age_days=90&page=1&per_page=500', '/v1/reports/issues?max_age_days=90&page=2&per_page=500'])
    expect(w.findAll('[data-test="issue-card"]')).toHaveLength(1000)
    expect(w.get('[data-test="issues-total"]').text()).toContain('1234')
    expect(w.get('[data-test="issues-truncated"]').text()).toContain('只显示最新的 1000 条')
    w.unmount()
  })
})
