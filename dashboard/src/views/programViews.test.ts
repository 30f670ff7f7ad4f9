// The program's newer screens against a fake server: the two-way feedback on the issue board
// (物业反馈 tagged, filtered by origin, passed on by the property company, which then only
// comments on it), pairing assistance (结对帮扶) by need and outcome, and the year in figures
// (年度数据) with its links, its Excel file and its print layout.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, type Component } from 'vue'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { element } from '../element'
import type { Figure, IssueRow, Role } from '../api/types'
import { thisYear } from '../lib/figures'
import { session } from '../session'
import FiguresView from './FiguresView.vue'
import IssuesView from './IssuesView.vue'
import PairingView from './PairingView.vue'

const SHUHAN = 'd4fb63dc-5835-4b25-9f88-8fc446a409fb'
const DAY = 86_400_000
const NOW = Date.now()

const STEWARD_ISSUE: IssueRow = {
  id: 'i1', compound_id: SHUHAN, reporter: '李秀英', reported_at: NOW - 10 * DAY, category: 'ebike_parking', category_zh: '电瓶车乱停乱放', place: '3栋',
  description: '电动车堵住消防通道', route: 'property_duty', status: 'reported', comments: 0, last_update_at: NOW - 10 * DAY, origin: 'steward',
}
const REFERRAL: IssueRow = {
  id: 'r1', compound_id: SHUHAN, reporter: '王建国', reported_at: NOW - 3 * DAY, category: 'medical_care', category_zh: '看病就医难', place: '4栋2单元',
  description: '独居老人需要定期去医院复查，无人陪同。', route: 'community_coordination', status: 'accepted', comments: 0, last_update_at: NOW - 2 * DAY, origin: 'property_company',
}
const STEWARDS = [
  { id: 's1', compound_id: SHUHAN, name: '李秀英' },
  { id: 's2', compound_id: SHUHAN, name: '王建国' },
]

const NONE = { subsidy: 0, job: 0, treatment: 0, relieved: 0, unresolved: 0 }
const PAIRING = {
  counts: [
    { need: 'tuition', need_zh: '助学', open: 0, closed: 1, outcomes: { ...NONE, subsidy: 1 }, amount_yuan: 6000 },
    { need: 'employment', need_zh: '就业', open: 0, closed: 1, outcomes: { ...NONE, job: 1 }, amount_yuan: 0 },
    { need: 'medical', need_zh: '看病就医', open: 1, closed: 0, outcomes: NONE, amount_yuan: 0 },
    { need: 'hardship', need_zh: '生活困难', open: 0, closed: 0, outcomes: NONE, amount_yuan: 0 },
    { need: 'other', need_zh: '其他', open: 0, closed: 0, outcomes: NONE, amount_yuan: 0 },
  ],
  total: 3,
  cases: [
    { id: 'c3', household_id: 'h3', compound_id: SHUHAN, address: '3栋1单元101室', head_name: '胡秀兰', steward: '李秀英', helper: '李秀英', need: 'medical', need_zh: '看病就医', description: '老人慢性病，需要定期复查陪护', opened_at: NOW - 30 * DAY, closed_at: null, outcome: null, outcome_zh: null, amount_yuan: null, actions: 1, last_action_at: NOW - 29 * DAY },
    { id: 'c1', household_id: 'h1', compound_id: SHUHAN, address: '1栋1单元301室', head_name: '李秀珍', steward: '李秀英', helper: '李秀英', need: 'tuition', need_zh: '助学', description: '孩子考上大学，学费有困难', opened_at: NOW - 60 * DAY, closed_at: NOW - 50 * DAY, outcome: 'subsidy', outcome_zh: '争取到补助资助', amount_yuan: 6000, actions: 1, last_action_at: NOW - 55 * DAY },
  ],
}

const part = (key: string, label_zh: string, value: number) => ({ key, label_zh, value })
const FIGURES: { from: string; to: string; figures: Figure[] } = {
  ...thisYear(),
  figures: [
    { key: 'visits', label_zh: '走访群众', label_en: 'Household visits', value: 14000, unit_zh: '人次', breakdown: [part('households_visited', '走访户数', 3500)] },
    { key: 'opinions', label_zh: '收集意见建议', label_en: 'Opinions and suggestions collected', value: 1020, unit_zh: '条', breakdown: [part('property_service', '物业服务', 700), part('sanitation', '环境卫生', 320)] },
    { key: 'meetings', label_zh: '召开联席会议', label_en: 'Joint meetings held', value: 130, unit_zh: '次', breakdown: [part('decisions', '商定事项', 400), part('decisions_done', '已落实', 350)] },
    { key: 'compound_problems_solved', label_zh: '协同解决小区难题', label_en: 'Compound problems solved', value: 220, unit_zh: '件', breakdown: [part('reported', '红色管家上报', 260)] },
    { key: 'referrals', label_zh: '协调解决物业反馈的居民诉求', label_en: "Residents' problems passed on by property companies", value: 42, unit_zh: '件', breakdown: [part('solved', '已解决', 40), part('schooling', '上学难', 12)] },
    { key: 'pairing', label_zh: '结对帮扶', label_en: 'Pairing assistance cases', value: 3, unit_zh: '户', breakdown: [part('open', '帮扶中', 1), part('subsidy', '争取到补助资助', 1), part('amount_yuan', '争取资金（元）', 6000)] },
  ],
}

/** The issues the fake server holds now (a matter passed on adds one). */
let issues: IssueRow[]
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
  issues = [STEWARD_ISSUE, REFERRAL]
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const c = await requestOf(input, init)
      calls.push(c)
      const path = c.url.split('?')[0]
      if (c.url.includes('format=')) return new Response('a,b\n', { status: 200, headers: { 'Content-Type': 'text/csv' } })
      if (c.method === 'POST' && path === '/v1/issues') {
        const b = c.body as { steward_id: string; category: string; place: string; description: string }
        if (!['schooling', 'medical_care', 'employment', 'living_hardship', 'other'].includes(b.category)) {
          return json({ code: 'invalid_field', message: "a matter passed on is a resident's", field: 'category' }, 400)
        }
        const reporter = STEWARDS.find((s) => s.id === b.steward_id)!.name
        issues = [...issues, { ...REFERRAL, id: 'new1', reporter, category: b.category, category_zh: '上学难', place: b.place, description: b.description, status: 'reported', reported_at: NOW }]
        return json({ id: 'new1' })
      }
      if (c.method === 'POST' && /^\/v1\/issues\/[^/]+\/(comments|status)$/.test(path)) return json({})
      if (path === '/v1/reports/issues') {
        const origin = new URL(c.url, window.location.origin).searchParams.get('origin')
        const rows = issues.filter((i) => !origin || i.origin === origin)
        return json({ counts: [], total: rows.length, issues: rows })
      }
      const issue = /^\/v1\/issues\/([^/]+)$/.exec(path)
      if (issue) {
        const i = issues.find((x) => x.id === issue[1])!
        return json({ kind: 'issue', id: i.id, compound_id: i.compound_id, reporter_id: 's2', reported_at: i.reported_at, category: i.category, place: i.place, description: i.description, route: i.route, status: i.status, origin: i.origin, timeline: [] })
      }
      if (path === '/v1/stewards') return json(STEWARDS)
      if (path === '/v1/reports/pairing') return json(PAIRING)
      if (path === '/v1/reports/figures') return json(FIGURES)
      return json({ code: 'not_found', message: '' }, 404)
    }),
  )
  URL.createObjectURL = vi.fn(() => 'blob:x')
  URL.revokeObjectURL = vi.fn()
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
  signInAs('supervisor')
})

function signInAs(role: Role) {
  session.me = { principal: 'user', user: { id: 'u', username: 'demo-x', role, place_id: role === 'property' ? null : 'p' }, compound_ids: [SHUHAN] }
  session.places = [{ id: SHUHAN, kind: 'compound', name: '蜀汉美郡', parent_id: role === 'property' ? null : 'p' }]
  session.stewards = role === 'property' ? [] : STEWARDS
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  session.me = null
  session.places = []
  session.stewards = []
  document.body.innerHTML = ''
})

async function show(view: Component, path: string) {
  const Blank = defineComponent({ template: '<div />' })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/issues', name: 'issues', component: view },
      { path: '/pairing', name: 'pairing', component: view },
      { path: '/figures', name: 'figures', component: view },
      { path: '/households', name: 'households', component: Blank },
      { path: '/households/:id', name: 'household', component: Blank },
      { path: '/overview', name: 'overview', component: Blank },
      { path: '/meetings', name: 'meetings', component: Blank },
      { path: '/:p(.*)*', component: Blank },
    ],
  })
  await router.push(path)
  await router.isReady()
  const w = mount(view, { global: { plugins: [element, router] }, attachTo: document.body })
  await flushPromises()
  return { w, router }
}

const $ = (s: string) => document.querySelector(s) as HTMLElement | null
const $$ = (s: string) => [...document.querySelectorAll(s)] as HTMLElement[]
async function click(el: Element | null) {
  expect(el, 'the element to click').not.toBeNull()
  ;(el as HTMLElement).click()
  await flushPromises()
}
async function type(el: Element | null, text: string) {
  expect(el, 'the field').not.toBeNull()
  const input = el as HTMLInputElement
  input.value = text
  input.dispatchEvent(new Event('input'))
  await flushPromises()
}

describe('two-way feedback on the issue board (物业反馈)', () => {
  it("tags the matters the property company passed on and filters by origin on the server's side", async () => {
    const { w, router } = await show(IssuesView, '/issues?origin=property_company')
    expect(urls()).toEqual(['/v1/reports/issues?origin=property_company&max_age_days=90&page=1&per_page=500'])
    const card = w.get('[data-test="issue-card"][data-issue-id="r1"]')
    expect(card.attributes('data-origin')).toBe('property_company')
    expect(card.get('[data-test="origin-tag"]').text()).toBe('物业反馈')
    expect(w.find('[data-test="filter-origin"]').exists()).toBe(true)
    // A supervisor does not pass matters on: the community coordinates them.
    expect(w.find('[data-test="referral-new"]').exists()).toBe(false)

    calls = []
    await router.replace({ query: {} })
    await flushPromises()
    expect(urls()).toEqual(['/v1/reports/issues?max_age_days=90&page=1&per_page=500'])
    expect(w.get('[data-test="issue-card"][data-issue-id="i1"]').find('[data-test="origin-tag"]').exists()).toBe(false)
    expect(w.findAll('[data-test="origin-tag"]')).toHaveLength(1)

    // The supervisor moves a matter passed on (the community coordinates it).
    await w.get('[data-test="issue-card"][data-issue-id="r1"]').trigger('click')
    await flushPromises()
    expect($('[data-test="issue-origin-tag"]')?.textContent).toBe('物业反馈')
    expect($$('[data-test^="issue-move-"]').map((b) => b.dataset.test)).toEqual(['issue-move-in_progress', 'issue-move-resolved'])
    expect($('[data-test="referral-hint"]')).toBeNull()
    w.unmount()
  })

  it('the property company passes a matter on through the form; the board then shows it, open', async () => {
    signInAs('property')
    const { w, router } = await show(IssuesView, '/issues?category=ebike_parking&max_age_days=30')
    calls = []
    await w.get('[data-test="referral-new"]').trigger('click')
    await flushPromises()
    expect(urls()).toEqual(['/v1/stewards'])
    const dialog = $('[data-test="referral-dialog"]')!
    expect(dialog).not.toBeNull()
    const categories = $$('[data-test^="referral-category-"]').map((e) => e.dataset.test!.slice('referral-category-'.length))
    expect(categories).toEqual(['schooling', 'medical_care', 'employment', 'living_hardship', 'other'])
    expect($$('[data-test^="referral-category-"]').map((e) => e.textContent!.trim())).toEqual(['上学难', '看病就医难', '就业困难', '生活困难', '其他'])

    // Nothing is sent before the form is whole.
    await click($('[data-test="referral-submit"]'))
    expect($('[data-test="referral-error"]')!.textContent).toContain('请选择红色管家')
    expect(calls.filter((c) => c.method === 'POST')).toEqual([])

    await click($('[data-test="referral-steward-s2"]'))
    await click($('[data-test="referral-category-schooling"] input'))
    await type($('input[data-test="referral-place"]'), ' 2栋1单元 ')
    await type($('textarea[data-test="referral-description"]'), '住户孩子随迁入学材料不全。')
    calls = []
    await click($('[data-test="referral-submit"]'))
    expect(calls[0]).toEqual({ method: 'POST', url: '/v1/issues', body: { steward_id: 's2', category: 'schooling', place: '2栋1单元', description: '住户孩子随迁入学材料不全。' } })
    // The board without the filters that could hide it, and the new issue open.
    expect(router.currentRoute.value.query).toEqual({ issue: 'new1' })
    expect(urls()).toContain('/v1/reports/issues?max_age_days=90&page=1&per_page=500')
    const card = w.get('[data-test="issue-card"][data-issue-id="new1"]')
    expect(card.get('[data-test="origin-tag"]').text()).toBe('物业反馈')
    expect($('[data-test="issue-description"]')!.textContent).toBe('住户孩子随迁入学材料不全。')
    w.unmount()
  })

  it("shows the server's refusal in the form", async () => {
    signInAs('property')
    issues = []
    const { w } = await show(IssuesView, '/issues')
    await w.get('[data-test="referral-new"]').trigger('click')
    await flushPromises()
    await click($('[data-test="referral-steward-s1"]'))
    await click($('[data-test="referral-category-other"] input'))
    await type($('input[data-test="referral-place"]'), '5栋')
    await type($('textarea[data-test="referral-description"]'), '需要帮助')
    // The server says no (say, a category it does not take): the words, in the form, which stays open.
    vi.mocked(globalThis.fetch).mockImplementationOnce(async () => json({ code: 'invalid_field', message: 'no', field: 'category' }, 400))
    await click($('[data-test="referral-submit"]'))
    expect($('[data-test="referral-error"]')!.textContent).toContain('填写的内容不符合要求（类别）')
    expect($('[data-test="referral-dialog"]')).not.toBeNull()
    w.unmount()
  })

  it('the property company only comments on a matter it passed on: no move, not even the move note', async () => {
    signInAs('property')
    const { w } = await show(IssuesView, '/issues?issue=r1')
    expect($('[data-test="issue-drawer"]')).not.toBeNull()
    expect($('[data-test="issue-origin-tag"]')?.textContent).toBe('物业反馈')
    expect($$('[data-test^="issue-move-"]')).toEqual([])
    expect($('[data-test="move-comment"]')).toBeNull()
    expect($('[data-test="referral-hint"]')!.textContent).toContain('由社区协调办理')
    calls = []
    await type($('textarea[data-test="issue-comment"]'), '家长已补齐材料')
    await click($('[data-test="issue-comment-submit"]'))
    expect(calls[0]).toEqual({ method: 'POST', url: '/v1/issues/r1/comments', body: { text: '家长已补齐材料' } })

    // An issue of its duty, reported by a steward: the company moves it.
    await w.vm.$router.replace({ query: { issue: 'i1' } })
    await flushPromises()
    expect($$('[data-test^="issue-move-"]').map((b) => b.dataset.test)).toEqual(['issue-move-accepted', 'issue-move-in_progress', 'issue-move-resolved'])
    expect($('[data-test="referral-hint"]')).toBeNull()
    w.unmount()
  })
})

describe('pairing assistance (结对帮扶)', () => {
  it('asks with every filter a page at a time, counts by need and outcome, and exports exactly the filters', async () => {
    const { w, router } = await show(PairingView, `/pairing?from=2026-01&to=2026-12&need=tuition&status=closed&outcome=subsidy&place=${SHUHAN}`)
    const q = `from=2026-01&to=2026-12&need=tuition&outcome=subsidy&status=closed&place=${SHUHAN}`
    expect(urls()).toEqual([`/v1/reports/pairing?${q}&page=1&per_page=50`])
    const rows = w.findAll('[data-test="pairing-count-row"]')
    expect(rows.map((r) => r.attributes('data-need'))).toEqual(['tuition', 'employment', 'medical', 'hardship', 'other'])
    const tuition = rows[0]
    expect(tuition.text()).toContain('助学')
    expect(tuition.get('[data-test="count-subsidy"]').attributes('data-value')).toBe('1')
    expect(tuition.get('[data-test="count-closed"]').text()).toBe('1')
    expect(tuition.get('[data-test="count-amount"]').text()).toBe('6,000')
    expect(rows[2].get('[data-test="count-open"]').text()).toBe('1')
    // The sums row: every need together.
    const footer = w.get('[data-test="pairing-counts"] .el-table__footer').text()
    expect(footer).toContain('合计')
    expect(footer).toContain('6,000')

    const cases = w.findAll('[data-test="pairing-case-row"]')
    expect(cases.map((r) => [r.attributes('data-case-id'), r.attributes('data-status'), r.attributes('data-need')])).toEqual([
      ['c3', 'open', 'medical'],
      ['c1', 'closed', 'tuition'],
    ])
    expect(cases[1].get('[data-test="pairing-outcome"]').text()).toBe('争取到补助资助')
    expect(cases[1].get('[data-test="pairing-household"]').attributes('href')).toBe('/households/h1?tab=pairing')
    expect(cases[0].get('[data-test="pairing-status"]').text()).toBe('帮扶中')
    expect(w.get('[data-test="pairing-total"]').attributes('data-total')).toBe('3')

    calls = []
    await w.get('[data-test="export-csv"]').trigger('click')
    await flushPromises()
    await w.get('[data-test="export-xlsx"]').trigger('click')
    await flushPromises()
    expect(urls()).toEqual([`/v1/reports/pairing?${q}&format=csv`, `/v1/reports/pairing?${q}&format=xlsx`])

    // A need's row narrows the list to it (and again: back to every need), from the first page.
    await rows[1].trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toMatchObject({ need: 'employment' })
    w.unmount()
  })

  it('is every case by default', async () => {
    const { w } = await show(PairingView, '/pairing')
    expect(urls()).toEqual(['/v1/reports/pairing?page=1&per_page=50'])
    w.unmount()
  })
})

describe('the year in figures (年度数据)', () => {
  it('asks this year so far, shows each figure with its unit and parts, and links each to its rows', async () => {
    const { w } = await show(FiguresView, '/figures')
    const { from, to } = thisYear()
    expect(urls()).toEqual([`/v1/reports/figures?from=${from}&to=${to}`])
    const figures = w.findAll('[data-test="figure"]')
    expect(figures.map((f) => [f.attributes('data-key'), f.attributes('data-value')])).toEqual(FIGURES.figures.map((f) => [f.key, String(f.value)]))
    expect(figures[0].text()).toContain('走访群众')
    expect(figures[0].get('[data-test="figure-value"]').text()).toBe('14,000')
    expect(figures[0].text()).toContain('人次')
    expect(figures[4].text()).toContain('协调解决物业反馈的居民诉求')
    const pairingParts = figures[5].findAll('[data-test="figure-part"]')
    expect(pairingParts.map((p) => [p.attributes('data-key'), p.attributes('data-value')])).toEqual([['open', '1'], ['subsidy', '1'], ['amount_yuan', '6000']])
    expect(pairingParts[2].text()).toContain('6,000')
    expect(w.get('[data-test="figures-period"]').text()).toContain(`${from} 至 ${to}`)

    const href = (key: string) => w.get(`[data-test="figure"][data-key="${key}"]`).attributes('href')
    expect(href('visits')).toBe('/households?sort=visits&order=desc')
    expect(href('meetings')).toMatch(/^\/meetings\?quarter=20\d\d-Q[1-4]$/)
    expect(href('compound_problems_solved')).toBe('/issues?origin=steward&max_age_days=0')
    expect(href('referrals')).toBe('/issues?origin=property_company&max_age_days=0')
    expect(href('pairing')).toBe(`/pairing?from=${from}&to=${to}`)
    w.unmount()
  })

  it('keeps another period and the place, exports the Excel file only, and prints', async () => {
    const { w } = await show(FiguresView, `/figures?from=2025-07&to=2026-06&place=${SHUHAN}`)
    const q = `from=2025-07&to=2026-06&place=${SHUHAN}`
    expect(urls()).toEqual([`/v1/reports/figures?${q}`])
    expect(w.get('[data-test="figure"][data-key="pairing"]').attributes('href')).toBe(`/pairing?from=2025-07&to=2026-06&place=${SHUHAN}`)
    expect(w.get('[data-test="figure"][data-key="opinions"]').attributes('href')).toBe(`/overview?month=2026-06&place=${SHUHAN}`)
    expect(w.find('[data-test="export-csv"]').exists()).toBe(false)
    calls = []
    await w.get('[data-test="export-xlsx"]').trigger('click')
    await flushPromises()
    expect(urls()).toEqual([`/v1/reports/figures?${q}&format=xlsx`])
    const print = vi.fn()
    vi.stubGlobal('print', print)
    window.print = print
    await w.get('[data-test="figures-print"]').trigger('click')
    expect(print).toHaveBeenCalledOnce()
    w.unmount()
  })

  it('prints without the menu, the header or any button: they are `no-print`, which the print rules hide', async () => {
    const { w } = await show(FiguresView, '/figures')
    expect(w.get('[data-test="figures-filters"]').classes()).toContain('no-print')
    for (const b of w.findAll('button')) expect(b.element.closest('.no-print'), `button ${b.text()}`).not.toBeNull()
    w.unmount()
    const css = readFileSync(join(__dirname, '../styles.css'), 'utf8')
    const print = /@media print\s*{([\s\S]*)}\s*$/.exec(css)?.[1] ?? ''
    expect(print).toMatch(/\.no-print\s*{\s*display:\s*none\s*!important;?\s*}/)
    const layout = readFileSync(join(__dirname, 'LayoutView.vue'), 'utf8')
    expect(layout).toMatch(/<el-aside[^>]*class="[^"]*\bno-print\b/)
    expect(layout).toMatch(/<el-header[^>]*class="[^"]*\bno-print\b/)
    expect(layout).toMatch(/<el-drawer[^>]*class="no-print"/)
  })
})
