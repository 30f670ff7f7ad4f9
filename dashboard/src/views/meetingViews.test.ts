// The joint-meeting screens ask the server with their filters and export exactly that; the
// meeting's drawer shows the decisions' states and sends the follow-ups the role may write.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, type Component } from 'vue'
import { element } from '../element'
import type { MeetingRecord, Role } from '../api/types'
import { currentQuarter } from '../lib/meetings'
import { session } from '../session'
import DecisionsView from './DecisionsView.vue'
import MeetingsView from './MeetingsView.vue'

const SHUHAN = 'd4fb63dc-5835-4b25-9f88-8fc446a409fb'
const HANYUN = '1989ab04-ab5d-4130-afe1-04e52ababf4c'
const DAY = 86_400_000
const NOW = Date.now()

const MEETING: MeetingRecord = {
  id: 'm1', compound_id: SHUHAN, convener_id: 's1', held_at: NOW - 10 * DAY, place: '党群服务站', topics: '电瓶车充电难',
  attendees: [
    { id: 'a1', party: 'steward', name: '李秀英' },
    { id: 'a2', party: 'community', name: '王书记' },
    { id: 'a3', party: 'property_company', name: '张经理' },
  ],
  decisions: [
    { id: 'd1', text: '建电瓶车充电棚', party: 'property_company', deadline: NOW + 7 * DAY, status: 'open', done_at: null },
    { id: 'd2', text: '清理楼道堆物', party: 'steward', deadline: NOW - DAY, status: 'open', done_at: null },
    { id: 'd3', text: '公示物业费', party: 'owners_committee', deadline: null, status: 'done', done_at: NOW - 2 * DAY },
  ],
  follow_ups: [{ id: 'f1', decision_id: 'd3', at: NOW - 2 * DAY, by: 's1', role: 'steward', text: '已张贴', status: 'done' }],
}

const DECISION_ROW = {
  id: 'd1', meeting_id: 'm1', compound_id: SHUHAN, compound: '蜀汉美郡', convener_id: 's1', convener: '李秀英', held_at: NOW - 10 * DAY,
  text: '建电瓶车充电棚', party: 'property_company', party_zh: '物业服务企业', deadline: NOW + 7 * DAY, status: 'open', late: false,
  done_at: null, follow_ups: 0, last_follow_up: null, last_follow_up_at: null,
}

const ANSWERS: Record<string, unknown> = {
  '/v1/reports/meetings': {
    quarter: '2026-Q3',
    compounds: [
      { compound_id: HANYUN, compound: '汉韵花园', meetings: 0, last_held_at: null, decisions: 0, open: 0, done: 0, late: 0, no_meeting: true },
      { compound_id: SHUHAN, compound: '蜀汉美郡', meetings: 1, last_held_at: NOW - 10 * DAY, decisions: 3, open: 1, done: 1, late: 1, no_meeting: false },
    ],
    meetings: [{ id: 'm1', compound_id: SHUHAN, compound: '蜀汉美郡', convener_id: 's1', convener: '李秀英', held_at: NOW - 10 * DAY, place: '党群服务站', topics: '电瓶车充电难', attendees: 3, parties: ['community', 'property_company', 'steward'], decisions: 3, open: 1, done: 1, late: 1 }],
  },
  '/v1/reports/decisions': {
    counts: [{ party: 'property_company', party_zh: '物业服务企业', open: 1, done: 1, late: 0 }],
    total: 2,
    decisions: [DECISION_ROW, { ...DECISION_ROW, id: 'd9', meeting_id: 'm0', text: '更换健身器材', status: 'done', done_at: NOW - 90 * DAY, follow_ups: 1, last_follow_up: '已更换', last_follow_up_at: NOW - 90 * DAY }],
  },
}
/** The meeting as the fake server holds it now (a follow-up changes it). */
let meeting: MeetingRecord

let calls: { method: string; url: string; body: unknown }[] = []
const urls = () => calls.map((c) => c.url)

async function requestOf(input: RequestInfo | URL, init?: RequestInit) {
  const req = input instanceof Request ? input : null
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  const u = new URL(href, window.location.origin)
  const method = req?.method ?? init?.method ?? 'GET'
  const text = req ? await req.clone().text() : typeof init?.body === 'string' ? init.body : ''
  return { method, url: u.pathname + u.search, body: text ? JSON.parse(text) : undefined }
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

beforeEach(() => {
  calls = []
  meeting = structuredClone(MEETING)
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const c = await requestOf(input, init)
      calls.push(c)
      const path = c.url.split('?')[0]
      if (c.url.includes('format=')) return new Response('a,b\n', { status: 200, headers: { 'Content-Type': 'text/csv' } })
      if (c.method === 'POST' && path === '/v1/meetings/m1/decisions/d1/follow-ups') {
        const b = c.body as { text: string; status?: string }
        const decisions = meeting.decisions.map((d) => (d.id === 'd1' && b.status === 'done' ? { ...d, status: 'done' as const, done_at: NOW } : d))
        meeting = { ...meeting, decisions, follow_ups: [...meeting.follow_ups, { id: 'f2', decision_id: 'd1', at: NOW, by: 'u', role: 'supervisor', text: b.text, status: (b.status ?? null) as 'done' | 'open' | null }] }
        return json(meeting)
      }
      if (path === '/v1/meetings/m1') return json(meeting)
      if (!(path in ANSWERS)) return json({ code: 'not_found', message: '' }, 404)
      return json(ANSWERS[path])
    }),
  )
  URL.createObjectURL = vi.fn(() => 'blob:x')
  URL.revokeObjectURL = vi.fn()
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
  signInAs('supervisor')
})

function signInAs(role: Role) {
  session.me = { principal: 'user', user: { id: 'u', username: 'demo-x', role, place_id: 'p' }, compound_ids: [SHUHAN] }
  session.places = [{ id: SHUHAN, kind: 'compound', name: '蜀汉美郡', parent_id: 'p' }]
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  session.me = null
  session.places = []
  document.body.innerHTML = ''
})

async function show(view: Component, path: string) {
  const Blank = defineComponent({ template: '<div />' })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/meetings', name: 'meetings', component: view },
      { path: '/decisions', name: 'decisions', component: view },
      { path: '/:p(.*)*', component: Blank },
    ],
  })
  await router.push(path)
  await router.isReady()
  const w = mount(view, { global: { plugins: [element, router] }, attachTo: document.body })
  await flushPromises()
  return { w, router }
}

async function exportsTheList(w: ReturnType<typeof mount>, filtersUrl: string) {
  calls = []
  const sep = filtersUrl.includes('?') ? '&' : '?'
  await w.get('[data-test="export-csv"]').trigger('click')
  await flushPromises()
  await w.get('[data-test="export-xlsx"]').trigger('click')
  await flushPromises()
  expect(urls()).toEqual([`${filtersUrl}${sep}format=csv`, `${filtersUrl}${sep}format=xlsx`])
}

const card = (id: string) => document.querySelector(`[data-test="decision-card"][data-decision-id="${id}"]`) as HTMLElement
const buttons = (id: string) => [...card(id).querySelectorAll('[data-test^="follow-up-"]')].map((b) => b.getAttribute('data-test')).filter((t) => /^follow-up-(note|done|reopen)$/.test(t!))

describe('the joint meetings screen', () => {
  it('asks for the quarter and place, flags a compound without a meeting, exports the compounds table', async () => {
    const { w } = await show(MeetingsView, `/meetings?quarter=2026-Q3&place=${SHUHAN}`)
    expect(urls()).toEqual([`/v1/reports/meetings?quarter=2026-Q3&place=${SHUHAN}`])
    const rows = w.findAll('[data-test="meeting-compound-row"]')
    expect(rows.map((r) => r.attributes('data-compound-id'))).toEqual([HANYUN, SHUHAN])
    expect(rows[0].find('[data-test="no-meeting"]').text()).toBe('本季度未召开')
    expect(rows[1].find('[data-test="no-meeting"]').exists()).toBe(false)
    expect(w.get('[data-test="meetings-missing"]').attributes('data-missing')).toBe('1')
    const meeting = w.get('[data-test="meeting-row"]')
    expect(meeting.text()).toContain('社区党组织')
    expect(meeting.text()).toContain('逾期 1')
    await exportsTheList(w, `/v1/reports/meetings?quarter=2026-Q3&place=${SHUHAN}`)
    w.unmount()
  })

  it('is this quarter by default', async () => {
    const { w } = await show(MeetingsView, '/meetings')
    expect(urls()).toEqual([`/v1/reports/meetings?quarter=${currentQuarter()}`])
    w.unmount()
  })

  it('opens a meeting: attendees by party, each decision\'s state, and a supervisor\'s follow-ups', async () => {
    const { w, router } = await show(MeetingsView, '/meetings?quarter=2026-Q3')
    calls = []
    await w.get('[data-test="meeting-row"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ quarter: '2026-Q3', meeting: 'm1' })
    expect(urls()).toEqual(['/v1/meetings/m1'])
    const parties = [...document.querySelectorAll('[data-test="attendee-party"]')].map((e) => e.getAttribute('data-party'))
    expect(parties).toEqual(['community', 'property_company', 'steward'])
    expect(card('d1').dataset.status).toBe('open')
    expect(card('d2').dataset.status).toBe('late')
    expect(card('d2').querySelector('[data-test="decision-status"]')!.textContent).toContain('逾期')
    expect(card('d3').dataset.status).toBe('done')
    expect(card('d3').querySelector('[data-test="decision-follow-ups"]')!.textContent).toContain('已张贴')
    expect(buttons('d1')).toEqual(['follow-up-note', 'follow-up-done'])
    expect(buttons('d3')).toEqual(['follow-up-note', 'follow-up-reopen'])
    // Reopening needs its reason.
    expect((card('d3').querySelector('[data-test="follow-up-reopen"]') as HTMLButtonElement).disabled).toBe(true)

    // 标记已落实 with a note: the body, and the drawer shows the answer.
    calls = []
    const text = card('d1').querySelector('textarea')!
    text.value = '充电棚已建成'
    text.dispatchEvent(new Event('input'))
    await flushPromises()
    ;(card('d1').querySelector('[data-test="follow-up-done"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(calls[0]).toEqual({ method: 'POST', url: '/v1/meetings/m1/decisions/d1/follow-ups', body: { text: '充电棚已建成', status: 'done' } })
    expect(card('d1').dataset.status).toBe('done')
    expect(card('d1').querySelector('[data-test="decision-follow-ups"]')!.textContent).toContain('充电棚已建成')
    // The lists reload (the drawer said it changed).
    expect(urls()).toContain('/v1/reports/meetings?quarter=2026-Q3')
    w.unmount()
  })
})

describe('the decisions screen', () => {
  it('a supervisor: counts by party, every filter to the list a page at a time, the export without paging', async () => {
    const { w } = await show(DecisionsView, `/decisions?quarter=2026-Q4&party=property_company&status=open&place=${SHUHAN}`)
    const q = `quarter=2026-Q4&place=${SHUHAN}&party=property_company&status=open`
    expect(urls()).toEqual([`/v1/reports/decisions?${q}&page=1&per_page=50`])
    expect(w.find('[data-test="filter-party"]').exists()).toBe(true)
    expect(w.get('[data-test="decision-count-row"]').attributes('data-party')).toBe('property_company')
    expect(w.findAll('[data-test="decision-row"]').map((r) => r.attributes('data-status'))).toEqual(['open', 'done'])
    expect(w.get('[data-test="decisions-total"]').text()).toContain('2')
    await exportsTheList(w, `/v1/reports/decisions?${q}`)
    w.unmount()
  })

  it('a property company: no party filter, every quarter by default; a decision opens its meeting with only its buttons', async () => {
    signInAs('property')
    const { w, router } = await show(DecisionsView, '/decisions?party=branch')
    expect(urls()).toEqual(['/v1/reports/decisions?page=1&per_page=50'])
    expect(w.find('[data-test="filter-party"]').exists()).toBe(false)
    await exportsTheList(w, '/v1/reports/decisions')
    calls = []
    await w.get('[data-test="decision-row"][data-decision-id="d1"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ meeting: 'm1', decision: 'd1' })
    expect(urls()).toEqual(['/v1/meetings/m1'])
    expect(document.querySelector('[data-test="meeting-attendees"]')).toBeNull()
    expect(card('d1').classList.contains('focused')).toBe(true)
    expect(buttons('d1')).toEqual(['follow-up-note', 'follow-up-done'])
    expect(buttons('d3')).toEqual([])
    w.unmount()
  })
})
