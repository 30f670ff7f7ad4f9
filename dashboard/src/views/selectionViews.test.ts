// The selection screens (选任) against a fake server: the list for the staff of the steps (待我办理
// first, the stage filter) and the counts for anyone the server refuses the names; an application's
// page (only the offered forms, the version read sent with a step, a stale version read again, the
// appointment's code shown once) and the printed notice (only the notices still running).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, type Component } from 'vue'
import { element } from '../element'
import type { ApplicationDoc, ApplicationRow, NoticeEntry, SelectionSummary } from '../api/types'
import { today as todayOf, addDays } from '../lib/campaigns'
import { session } from '../session'

vi.mock('../lib/useLive', () => ({ useLiveReload: () => {} }))

import SelectionView from './SelectionView.vue'
import SelectionApplicationView from './SelectionApplicationView.vue'
import SelectionNoticeView from './SelectionNoticeView.vue'

const COMMUNITY = 'k1'
const SHUHAN = 'c1'
const today = todayOf()

const ROWS: ApplicationRow[] = [
  { id: 'a6', compound_id: 'c2', compound: '汉韵花园', name: '吴刚', gender: 'male', age: 41, political_status: 'masses', applied_on: '2026-11-13', stage: 'refused', stage_zh: '未通过', duty: null, mine: false, updated_at: 6 },
  { id: 'a5', compound_id: SHUHAN, compound: '蜀汉美郡', name: '周明', gender: 'male', age: 64, political_status: 'party_member', applied_on: '2026-10-14', stage: 'notice', stage_zh: '公示中', duty: 'community', mine: true, updated_at: 5 },
  { id: 'a2', compound_id: SHUHAN, compound: '蜀汉美郡', name: '陈晓燕', gender: 'female', age: 54, political_status: 'party_member', applied_on: '2026-11-23', stage: 'branch_review', stage_zh: '待小区党支部初审', duty: 'branch', mine: false, updated_at: 2 },
  { id: 'a1', compound_id: SHUHAN, compound: '蜀汉美郡', name: '黄淑芬', gender: 'female', age: 58, political_status: 'masses', applied_on: '2026-12-02', stage: 'recommendation', stage_zh: '待网格员推荐', duty: 'community', mine: true, updated_at: 1 },
]
const SUMMARY: SelectionSummary = {
  stages: [
    { stage: 'recommendation', stage_zh: '待网格员推荐' }, { stage: 'branch_review', stage_zh: '待小区党支部初审' }, { stage: 'community_review', stage_zh: '待社区党组织审核' },
    { stage: 'departments', stage_zh: '待部门意见' }, { stage: 'to_notice', stage_zh: '待公示' }, { stage: 'notice', stage_zh: '公示中' },
    { stage: 'appointed', stage_zh: '已任命' }, { stage: 'refused', stage_zh: '未通过' },
  ],
  compounds: [{ compound_id: SHUHAN, compound: '蜀汉美郡', community_id: COMMUNITY, community: '艺苑社区', counts: { recommendation: 1, notice: 2 }, total: 3 }],
  total: 3,
}
const ZHOU: ApplicationDoc = {
  id: 'a5', compound_id: SHUHAN, community_id: COMMUNITY, compound: '蜀汉美郡', community: '艺苑社区',
  applicant: { name: '周明', gender: 'male', birth_date: '1962-01-15', phone: '13800000000', address: '1栋1单元202', political_status: 'party_member', occupation: '退役军人', statement: '愿意为居民服务' },
  applied_on: '2026-10-14', stage: 'notice', stage_zh: '公示中', version: 12, created_at: 1, updated_at: 2,
  steps: [{ step: 'apply', stage: 'recommendation', at: 1, by: 'u', by_name: 'demo-supervisor', text: '' }],
  departments: (['discipline', 'police', 'court', 'petitions', 'tax', 'market_regulation'] as const).map((department) => ({ department, date: '2026-11-21', clear: true, note: '' })),
  notice: { starts_on: addDays(today, -7), ends_on: addDays(today, -1), contact: '艺苑社区党群服务中心' },
  objections: [], refusal: null, steward_id: null, kit: { vest: null, handbook: null, bag: null },
  duty: 'community', duty_zh: '社区党组织', my_duty: 'community', offered: ['objection', 'appoint', 'refuse'], age: 64,
}
const entry = (id: string, name: string, starts_on: string, ends_on: string): NoticeEntry => ({
  id, name, gender_zh: '女', age: 47, political_status_zh: '共青团员', occupation: '个体经营', compound: '蜀汉美郡', community: '艺苑社区', starts_on, ends_on, contact: '艺苑社区党群服务中心',
})

/** The fake server's state. */
let staff: boolean
let doc: ApplicationDoc
let staleOnce: boolean
let calls: { method: string; url: string; body: unknown }[] = []

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

beforeEach(() => {
  calls = []
  staff = true
  staleOnce = false
  doc = structuredClone(ZHOU)
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) => {
      const req = input as Request
      const u = new URL(req.url)
      const text = req.method === 'POST' ? await req.clone().text() : ''
      const c = { method: req.method, url: u.pathname + u.search, body: text ? JSON.parse(text) : undefined }
      calls.push(c)
      const forbidden = () => json({ code: 'forbidden', message: 'staff of the steps only' }, 403)
      if (u.pathname === '/v1/selection/summary') return json(SUMMARY)
      if (u.pathname === '/v1/selection/applications') return staff ? json({ total: ROWS.length, applications: ROWS }) : forbidden()
      if (u.pathname === '/v1/selection/notice') {
        return json({ community: '艺苑社区', entries: [entry('a5', '周明', addDays(today, -7), addDays(today, -1)), entry('a4', '孙丽', addDays(today, -2), addDays(today, 4))] })
      }
      if (u.pathname === '/v1/selection/applications/a5' && req.method === 'GET') return json(doc)
      if (u.pathname === '/v1/selection/applications/a5/steps') {
        const b = c.body as { version: number; action: { step: string } }
        if (staleOnce) {
          staleOnce = false
          doc = { ...doc, version: doc.version + 1, objections: [{ received_on: addDays(today, -3), text: '别人记的', upheld: false, finding: '不实' }] }
          return json({ code: 'stale', message: 'the application moved on meanwhile' }, 409)
        }
        if (b.version !== doc.version) return json({ code: 'stale', message: '' }, 409)
        if (b.action.step === 'appoint') {
          doc = { ...doc, version: doc.version + 1, stage: 'appointed', stage_zh: '已任命', steward_id: 's9', offered: ['kit'], kit: { vest: today, handbook: today, bag: null } }
          return json({ application: doc, enrolment: { steward_id: 's9', code: 'K7QM2XHD9P', expires_at: Date.now() + 14 * 86_400_000 } })
        }
        doc = { ...doc, version: doc.version + 1 }
        return json({ application: doc })
      }
      return json({ code: 'not_found', message: '' }, 404)
    }),
  )
  session.me = { principal: 'user', user: { id: 'u', username: 'demo-community', role: 'supervisor', place_id: COMMUNITY }, compound_ids: [SHUHAN] }
  session.places = [
    { id: COMMUNITY, kind: 'community', name: '艺苑社区', parent_id: null },
    { id: SHUHAN, kind: 'compound', name: '蜀汉美郡', parent_id: COMMUNITY },
  ]
})

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
      { path: '/selection', name: 'selection', component: view },
      { path: '/selection/notice', name: 'selection-notice', component: view },
      { path: '/selection/:id', name: 'selection-application', component: view, props: true },
      { path: '/:p(.*)*', component: Blank },
    ],
  })
  await router.push(path)
  await router.isReady()
  const props = router.currentRoute.value.params.id ? { id: String(router.currentRoute.value.params.id) } : {}
  const w = mount(view, { props, global: { plugins: [element, router] }, attachTo: document.body })
  await flushPromises()
  return { w, router }
}

const $ = (s: string) => document.querySelector(s) as HTMLElement | null
const $$ = (s: string) => [...document.querySelectorAll(s)] as HTMLElement[]
async function click(el: Element | null) {
  ;(el as HTMLElement).click()
  await flushPromises()
}
async function type(el: Element | null, value: string) {
  const input = el as HTMLInputElement
  input.value = value
  input.dispatchEvent(new Event('input'))
  await flushPromises()
}
const ids = (table: string) => $$(`[data-test="${table}"] [data-test="application-row"]`).map((r) => r.dataset.applicationId)

describe('the selection list', () => {
  it('shows the staff 待我办理 first, then every application, filtered by stage from the URL', async () => {
    const { w, router } = await show(SelectionView, '/selection')
    expect($('[data-test="selection"]')!.dataset.mode).toBe('staff')
    expect(ids('selection-waiting-table')).toEqual(['a5', 'a1'])
    expect(ids('selection-table')).toEqual(['a6', 'a5', 'a2', 'a1'])
    expect($('[data-test="selection-waiting-count"]')!.dataset.n).toBe('2')
    const row = $('[data-test="selection-table"] [data-test="application-row"][data-application-id="a2"]')!
    expect([...row.querySelectorAll('td')].slice(0, 7).map((td) => td.textContent!.trim())).toEqual(['陈晓燕', '蜀汉美郡', '54', '女', '中共党员', '2026-11-23', '待小区党支部初审'])
    expect(calls.map((c) => c.url)).toEqual(['/v1/selection/applications'])
    await router.replace({ query: { stage: 'notice' } })
    await flushPromises()
    expect(ids('selection-table')).toEqual(['a5'])
    expect(ids('selection-waiting-table')).toEqual(['a5', 'a1'])
    w.unmount()
  })

  it('shows anyone refused the names only the counts, and says why', async () => {
    staff = false
    const { w } = await show(SelectionView, '/selection')
    expect($('[data-test="selection"]')!.dataset.mode).toBe('summary')
    expect(calls.map((c) => c.url)).toEqual(['/v1/selection/applications', '/v1/selection/summary'])
    expect($('[data-test="selection-privacy"]')!.textContent).toContain('只有负责各环节的小区党支部和社区工作人员能看到')
    const counts = $$('[data-test="summary-row"][data-compound-id="c1"] [data-test="summary-count"]').map((e) => [e.dataset.stage, e.dataset.n])
    expect(counts).toEqual(SUMMARY.stages.map((s) => [s.stage, String(SUMMARY.compounds[0].counts[s.stage] ?? 0)]))
    expect($('[data-test="selection-new"]')).toBeNull()
    expect($('[data-test="selection-table"]')).toBeNull()
    w.unmount()
  })
})

describe("an application's page", () => {
  it('shows only the forms of the offered steps', async () => {
    const { w } = await show(SelectionApplicationView, '/selection/a5')
    expect($$('[data-test^="step-form-"]').map((e) => e.dataset.step)).toEqual(['objection', 'appoint'])
    expect($('[data-test="refuse-open"]')).not.toBeNull()
    w.unmount()
    doc = { ...ZHOU, my_duty: 'branch', offered: [] }
    const other = await show(SelectionApplicationView, '/selection/a5')
    expect($$('[data-test^="step-form-"]')).toEqual([])
    expect($('[data-test="refuse-open"]')).toBeNull()
    expect($('[data-test="waiting-reason"]')!.textContent).toContain('这一步由社区党组织办理')
    other.w.unmount()
  })

  it('sends the version read; when it is stale, says so, reads again and sends the new one', async () => {
    const { w } = await show(SelectionApplicationView, '/selection/a5')
    const form = $('[data-test="step-form-objection"]')!
    await type(form.querySelector('[data-test="step-text"]'), '有居民反映')
    await type(form.querySelector('[data-test="step-finding"]'), '经核实不实')
    await click(form.querySelector('[data-test="step-upheld-no"] input') ?? form.querySelector('[data-test="step-upheld-no"]'))
    staleOnce = true
    calls = []
    await click(form.querySelector('[data-test="step-submit-objection"]'))
    expect(calls.map((c) => [c.method, c.url])).toEqual([['POST', '/v1/selection/applications/a5/steps'], ['GET', '/v1/selection/applications/a5']])
    expect((calls[0].body as { version: number }).version).toBe(12)
    expect(document.body.textContent).toContain('这份申请刚刚被别人办理过')
    expect($('[data-test="application-page"]')!.dataset.version).toBe('13')
    expect($$('[data-test="objection"]').length).toBe(1)
    // The draft is kept: sent again on the version read now.
    calls = []
    await click($('[data-test="step-form-objection"] [data-test="step-submit-objection"]'))
    expect(calls[0].body).toEqual({ version: 13, action: { step: 'objection', received_on: ZHOU.notice!.ends_on, text: '有居民反映', upheld: false, finding: '经核实不实' } })
    w.unmount()
  })

  it("shows the appointment's code once, as the enrolment sheet", async () => {
    const { w } = await show(SelectionApplicationView, '/selection/a5')
    await click($('[data-test="step-form-appoint"] [data-test="step-kit-bag"] input') ?? $('[data-test="step-kit-bag"]'))
    await click($('[data-test="step-submit-appoint"]'))
    expect(calls[calls.length - 1].body).toEqual({ version: 12, action: { step: 'appoint', vest: true, handbook: true, bag: false } })
    await new Promise((r) => setTimeout(r, 50))
    await flushPromises()
    expect($('[data-test="enrol-code"]')!.textContent!.trim()).toBe('K7QM-2XHD-9P')
    expect($('[data-test="enrol-qr"]')!.dataset.uri).toBe(`redsteward://enrol?server=${encodeURIComponent(window.location.origin)}&code=K7QM2XHD9P`)
    expect($('[data-test="appointed-note"]')!.textContent).toContain('扫码登记')
    expect($('[data-test="application-page"]')!.dataset.stage).toBe('appointed')
    expect($$('[data-test^="step-form-"]').map((e) => e.dataset.step)).toEqual(['kit'])
    w.unmount()
  })
})

describe('the printed notice', () => {
  it('lists only the notices still running, with the period, the contact, the community and the day', async () => {
    const { w } = await show(SelectionNoticeView, '/selection/notice')
    expect($$('[data-test="notice-name"]').map((e) => e.textContent!.trim())).toEqual(['孙丽'])
    expect($('[data-test="notice-title"]')!.textContent!.trim()).toBe('红色管家拟任人选公示')
    expect($('[data-test="notice-period"]')!.textContent).toContain('共 7 天')
    expect($('[data-test="notice-contact"]')!.textContent).toContain('如有意见，请向社区反映')
    expect($('[data-test="notice-community"]')!.textContent!.trim()).toBe('艺苑社区')
    expect($('[data-test="notice-print"]')!.classList.contains('no-print') || $('[data-test="notice-print"]')!.closest('.no-print')).toBeTruthy()
    w.unmount()
  })
})
