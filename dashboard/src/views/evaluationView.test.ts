// The evaluation screen (考核评价) against a fake server: a row per steward with each indicator in
// words and the score (未评价 when none), the half and place in the URL and the request, the
// exports (the query plus format), and the score dialog: the steward's indicators, its own checks
// (nothing sent for 101), the PUT's body, the list asked again after a save, a refusal beside the
// field it names; and reloading on the server's events.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent } from 'vue'
import { element } from '../element'
import type { EvaluationReport, EvaluationRow } from '../api/types'
import { currentHalf, previousHalf } from '../lib/evaluation'
import { session } from '../session'

/** The screen's live reloads, called by the tests as the server's events would. */
const reloads: (() => unknown)[] = []
vi.mock('../lib/useLive', () => ({ useLiveReload: (f: () => unknown) => void reloads.push(f) }))

import EvaluationView from './EvaluationView.vue'

const COMMUNITY = '72102a34-7c4d-424f-9980-efdc3763c237'
const SHUHAN = '689403f6-dbde-4f60-a08d-b369761ce479'
const HANYUN = '70df3e84-1ba8-4843-8fd7-f41edb39536c'
const HALF = currentHalf()
const LAST = previousHalf(HALF)
const NOW = Date.now()

const base = {
  households: 15, visits: 63, households_visited: 15, monthly_visited: [8, 15, 7, 15, 8, 10], months_meeting_norm: 3, must_visits: 7,
  must_visits_answered: 2, must_visit_days: 8.8 as number | null, timely: 0, timely_on_time: 0, party_member_known: 8, basic_profile_complete: 15,
  key_service_known: 12, issues_reported: 4, issues_verified: 1, meetings_held: 0, decisions: 0, decisions_followed: 0,
}
const STEWARDS: EvaluationRow[] = [
  {
    ...base, steward_id: 's3', steward: '陈淑华', compound_id: HANYUN, compound: '汉韵花园', households: 12, visits: 5, households_visited: 5,
    monthly_visited: [0, 0, 0, 0, 0, 5], months_meeting_norm: 0, must_visits: 0, must_visits_answered: 0, must_visit_days: null,
    party_member_known: 12, basic_profile_complete: 12, key_service_known: 12, issues_reported: 1, issues_verified: 0, score: null, comment: null, evaluated_at: null,
  },
  {
    ...base, steward_id: 's1', steward: '李秀英', compound_id: SHUHAN, compound: '蜀汉美郡', visits: 70, monthly_visited: [15, 7, 15, 8, 15, 10],
    months_meeting_norm: 4, must_visits: 2, must_visits_answered: 0, must_visit_days: null, timely: 4, timely_on_time: 2, party_member_known: 15,
    issues_reported: 3, meetings_held: 2, decisions: 6, decisions_followed: 3, score: null, comment: null, evaluated_at: null,
  },
  {
    ...base, steward_id: 's2', steward: '王建国', compound_id: SHUHAN, compound: '蜀汉美郡', score: 88,
    comment: '走访扎实，联席会议议定事项跟进及时；重点人员台账还需补全。', evaluated_at: NOW - 86_400_000,
  },
]

/** The fake server's state: the scores given, by steward. */
let scores: Record<string, { score: number; comment: string }>
let calls: { method: string; url: string; body: unknown }[] = []
const urls = () => calls.map((c) => c.url)

function reportOf(q: URLSearchParams): EvaluationReport {
  const place = q.get('place')
  const half = q.get('half') ?? HALF
  const rows = STEWARDS.filter((s) => !place || s.compound_id === place).map((s) => {
    const given = half === HALF ? scores[s.steward_id] : undefined
    return given ? { ...s, ...given, evaluated_at: NOW } : half === HALF ? s : { ...s, score: null, comment: null, evaluated_at: null }
  })
  return { half, norm: 10, stewards: rows }
}

async function requestOf(input: RequestInfo | URL, init?: RequestInit) {
  const req = input instanceof Request ? input : null
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  const u = new URL(href, window.location.origin)
  const method = req?.method ?? init?.method ?? 'GET'
  const text = req ? await req.clone().text() : typeof init?.body === 'string' ? init.body : ''
  return { method, url: u.pathname + u.search, search: u.searchParams, body: text ? JSON.parse(text) : undefined }
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

beforeEach(() => {
  calls = []
  reloads.length = 0
  scores = { s2: { score: 88, comment: STEWARDS[2].comment! } }
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const { search, ...c } = await requestOf(input, init)
      calls.push(c)
      const path = c.url.split('?')[0]
      if (c.url.includes('format=')) return new Response('xlsx', { status: 200, headers: { 'Content-Type': 'application/octet-stream' } })
      if (c.method === 'GET' && path === '/v1/reports/evaluation') return json(reportOf(search))
      const put = /^\/v1\/evaluations\/([^/]+)\/([^/]+)$/.exec(path)
      if (c.method === 'PUT' && put) {
        const [, id, half] = put
        const b = c.body as { score: number; comment: string }
        if (b.comment.includes('违规')) return json({ code: 'invalid_field', field: 'comment', message: 'a comment is at most 2,000 characters' }, 400)
        if (b.score === 0) return json({ code: 'invalid_field', field: 'score', message: 'a score is 0 to 100' }, 400)
        if (id === 's3') return json({ code: 'not_found', message: 'no such steward in your place' }, 404)
        scores[id] = { score: b.score, comment: b.comment }
        const s = STEWARDS.find((x) => x.steward_id === id)!
        return json({ id: 'e1', steward_id: id, half, score: b.score, comment: b.comment, evaluated_at: NOW, indicators: { ...s } })
      }
      return json({ code: 'not_found', message: '' }, 404)
    }),
  )
  URL.createObjectURL = vi.fn(() => 'blob:x')
  URL.revokeObjectURL = vi.fn()
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
  session.me = { principal: 'user', user: { id: 'u', username: 'demo-community', role: 'supervisor', place_id: COMMUNITY }, compound_ids: [SHUHAN, HANYUN] }
  session.places = [
    { id: COMMUNITY, kind: 'community', name: '艺苑社区', parent_id: null },
    { id: SHUHAN, kind: 'compound', name: '蜀汉美郡', parent_id: COMMUNITY },
    { id: HANYUN, kind: 'compound', name: '汉韵花园', parent_id: COMMUNITY },
  ]
})

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  session.me = null
  session.places = []
  document.body.innerHTML = ''
})

async function show(path: string) {
  const Blank = defineComponent({ template: '<div />' })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/evaluation', name: 'evaluation', component: EvaluationView },
      { path: '/:p(.*)*', component: Blank },
    ],
  })
  await router.push(path)
  await router.isReady()
  const w = mount(EvaluationView, { global: { plugins: [element, router] }, attachTo: document.body })
  await flushPromises()
  return { w, router }
}

const $ = (s: string) => document.querySelector(s) as HTMLElement | null
const $$ = (s: string) => [...document.querySelectorAll(s)] as HTMLElement[]
const text = (e: Element | null) => e!.textContent!.trim()
async function type(el: Element | null, value: string, { change = false } = {}) {
  const input = el as HTMLInputElement
  input.value = value
  input.dispatchEvent(new Event('input'))
  if (change) input.dispatchEvent(new Event('change'))
  await flushPromises()
}
async function click(el: Element | null) {
  ;(el as HTMLElement).click()
  await flushPromises()
}
/** Element's form items show an error after a short debounce. */
async function errorsShown() {
  await new Promise((r) => setTimeout(r, 150))
  await flushPromises()
}
const row = (id: string) => $(`[data-test="evaluation-row"][data-steward-id="${id}"]`)!
const cell = (id: string, key: string) => text(row(id).querySelector(`[data-test="ind-${key}"]`))

describe('the evaluation screen', () => {
  it('asks the half under way and shows a row per steward with each indicator in words', async () => {
    const { w } = await show('/evaluation')
    expect(urls()).toEqual([`/v1/reports/evaluation?half=${HALF}`])
    expect($('[data-test="evaluation"]')!.dataset.half).toBe(HALF)
    const rows = $$('[data-test="evaluation-row"]')
    expect(rows.map((r) => [r.dataset.stewardId, r.dataset.compoundId, r.dataset.score, r.dataset.evaluated ?? ''])).toEqual([
      ['s3', HANYUN, '', ''],
      ['s1', SHUHAN, '', ''],
      ['s2', SHUHAN, '88', 'true'],
    ])
    // One cell per key and row (fixed columns are not drawn twice).
    expect($$('[data-test="ind-steward"]').map((e) => e.textContent)).toEqual(['陈淑华', '李秀英', '王建国'])
    const keys = ['compound', 'visits', 'households', 'norm', 'must-visits', 'timely', 'clear-party', 'clear-basic', 'clear-key-service', 'issues', 'meetings', 'decisions', 'score', 'comment']
    expect(keys.map((k) => cell('s1', k))).toEqual(['蜀汉美郡', '70', '15/15', '4/6', '0/2', '2/4', '15/15', '15/15', '12/15', '3/1', '2 次', '3/6', '未评价', '—'])
    expect(keys.map((k) => cell('s2', k))).toEqual(['蜀汉美郡', '63', '15/15', '3/6', '2/7', '0/0', '8/15', '15/15', '12/15', '4/1', '0 次', '0/0', '88', '走访扎实，联席会议议定事项跟进及时；重点人员台账…'])
    expect(cell('s2', 'must-visit-days')).toBe('平均 8.8 天')
    expect(row('s1').querySelector('[data-test="ind-must-visit-days"]')).toBeNull()
    // The whole comment in the cell's title.
    expect(row('s2').querySelector('[data-test="ind-comment"]')!.getAttribute('title')).toBe(STEWARDS[2].comment)
    expect(text(row('s1').querySelector('[data-test="evaluate-open"]'))).toBe('评分')
    expect(text(row('s2').querySelector('[data-test="evaluate-open"]'))).toBe('修改评分')
    const count = $('[data-test="evaluation-count"]')!
    expect([count.dataset.stewards, count.dataset.evaluated, text(count)]).toEqual(['3', '1', '已评价 1/3 人'])
    const head = $('[data-test="evaluation-table"] thead')!.textContent!
    for (const h of ['小区', '管家', '走访人次', '走访户数/联系户数', '达标月数', '必访', '及时响应', '三清', '上报/核实', '联席会议', '社区评分', '评语']) expect(head).toContain(h)
    w.unmount()
  })

  it('offers the half under way and the three before, named 年上半年/年下半年; the half and place go in the URL and the request', async () => {
    const { w, router } = await show('/evaluation')
    await click($('[data-test="half-picker"] .el-select__wrapper') ?? $('[data-test="half-picker"]'))
    const options = $$('[data-test^="half-20"]')
    expect(options.map((o) => o.dataset.test)).toEqual([HALF, LAST, previousHalf(LAST), previousHalf(previousHalf(LAST))].map((h) => `half-${h}`))
    const year = Number(HALF.slice(0, 4))
    expect(text(options[0])).toBe(HALF.endsWith('H2') ? `${year}年下半年` : `${year}年上半年`)
    expect(text(options[1])).toBe(HALF.endsWith('H2') ? `${year}年上半年` : `${year - 1}年下半年`)
    calls = []
    await click(options[1])
    expect(router.currentRoute.value.query).toEqual({ half: LAST })
    expect(urls()).toEqual([`/v1/reports/evaluation?half=${LAST}`])
    expect($('[data-test="evaluation"]')!.dataset.half).toBe(LAST)
    // Last half: nobody evaluated yet; the half under way one click away.
    expect($$('[data-test="ind-score"]').map((e) => text(e))).toEqual(['未评价', '未评价', '未评价'])
    expect($('[data-test="half-this"]')).not.toBeNull()

    calls = []
    await router.replace({ query: { half: LAST, place: SHUHAN } })
    await flushPromises()
    expect(urls()).toEqual([`/v1/reports/evaluation?half=${LAST}&place=${SHUHAN}`])
    expect($$('[data-test="evaluation-row"]').map((r) => r.dataset.stewardId)).toEqual(['s1', 's2'])

    calls = []
    await click($('[data-test="export-xlsx"]'))
    await click($('[data-test="export-csv"]'))
    expect(urls()).toEqual([`/v1/reports/evaluation?half=${LAST}&place=${SHUHAN}&format=xlsx`, `/v1/reports/evaluation?half=${LAST}&place=${SHUHAN}&format=csv`])
    w.unmount()
  })

  it('reloads on the server\'s events', async () => {
    const { w } = await show('/evaluation')
    calls = []
    scores.s3 = { score: 70, comment: '' }
    for (const f of reloads) await f()
    await flushPromises()
    expect(urls()).toEqual([`/v1/reports/evaluation?half=${HALF}`])
    expect(cell('s3', 'score')).toBe('70')
    w.unmount()
  })
})

describe('the score dialog', () => {
  it("sums up the steward's indicators, refuses 101 without sending it, sends the score and comment, then the row shows it", async () => {
    const { w } = await show('/evaluation')
    await click(row('s1').querySelector('[data-test="evaluate-open"]'))
    const dialog = $('[data-test="evaluation-dialog"]')!
    expect(dialog.dataset.stewardId).toBe('s1')
    expect(dialog.dataset.half).toBe(HALF)
    expect(dialog.textContent).toContain('李秀英（蜀汉美郡）')
    const months = $$('[data-test="evaluation-month"]')
    expect(months.map((m) => [m.dataset.visited, m.dataset.met])).toEqual([['15', 'true'], ['7', 'false'], ['15', 'true'], ['8', 'false'], ['15', 'true'], ['10', 'true']])
    expect(months[0].dataset.month).toBe(HALF.endsWith('H2') ? `${HALF.slice(0, 4)}-07` : `${HALF.slice(0, 4)}-01`)
    expect(text($('[data-test="evaluation-months-met"]'))).toBe('4/6 个月达标')
    const sums = Object.fromEntries($$('[data-test^="sum-"]').map((e) => [e.dataset.test!.slice(4), text(e)]))
    expect(sums).toEqual({
      visits: '70', households: '15/15', 'must-visits': '0/2', 'must-visit-days': '无', timely: '2/4', issues: '3/1',
      'clear-party': '15/15', 'clear-basic': '15/15', 'clear-key-service': '12/15', meetings: '召开 2 次，商定事项跟进 3/6',
    })
    // Not evaluated yet: an empty form.
    const score = $('[data-test="evaluation-score"] input') as HTMLInputElement
    const comment = $('textarea[data-test="evaluation-comment"]') as HTMLTextAreaElement
    expect(score.value).toBe('')
    expect(comment.value).toBe('')
    expect(comment.maxLength).toBe(2000)
    expect($('[data-test="evaluation-comment-item"] .el-input__count')!.textContent).toContain('0 / 2000')

    // Nothing: a score is asked for; 101: out of range. Nothing is sent either time.
    calls = []
    await click($('[data-test="evaluation-save"]'))
    await errorsShown()
    expect(text($('[data-test="evaluation-score-item"] .el-form-item__error'))).toBe('请填写评分')
    await type(score, '101', { change: true })
    await click($('[data-test="evaluation-save"]'))
    await errorsShown()
    expect(text($('[data-test="evaluation-score-item"] .el-form-item__error'))).toBe('评分须为 0 到 100 的整数')
    expect(calls).toEqual([])
    expect($('[data-test="evaluation-dialog"]')).not.toBeNull()

    await type(score, '92', { change: true })
    await type(comment, '  入户走访细致，台账规范。 ')
    await errorsShown()
    expect($('[data-test="evaluation-score-item"] .el-form-item__error')).toBeNull()
    await click($('[data-test="evaluation-save"]'))
    await flushPromises()
    expect(calls.filter((c) => c.method === 'PUT')).toEqual([{ method: 'PUT', url: `/v1/evaluations/s1/${HALF}`, body: { score: 92, comment: '入户走访细致，台账规范。' } }])
    // The list asked again: the row shows the score and the comment.
    expect(urls().slice(1)).toEqual([`/v1/reports/evaluation?half=${HALF}`])
    expect(row('s1').dataset.score).toBe('92')
    expect(cell('s1', 'score')).toBe('92')
    expect(cell('s1', 'comment')).toBe('入户走访细致，台账规范。')
    expect(text($('[data-test="evaluation-count"]'))).toBe('已评价 2/3 人')
    w.unmount()
  })

  it('starts from the score and comment given; a refusal shows beside the field it names, or above the buttons', async () => {
    const { w } = await show('/evaluation')
    await click(row('s2').querySelector('[data-test="evaluate-open"]'))
    const score = $('[data-test="evaluation-score"] input') as HTMLInputElement
    const comment = $('textarea[data-test="evaluation-comment"]') as HTMLTextAreaElement
    expect(score.value).toBe('88')
    expect(comment.value).toBe(STEWARDS[2].comment)
    expect($('[data-test="evaluation-last"]')!.textContent).toContain('88 分')

    await type(comment, '有违规')
    await click($('[data-test="evaluation-save"]'))
    await errorsShown()
    const error = text($('[data-test="evaluation-comment-item"] .el-form-item__error'))
    expect(error).toContain('a comment is at most 2,000 characters')
    expect($('[data-test="evaluation-score-item"] .el-form-item__error')).toBeNull()
    expect($('[data-test="evaluation-error"]')).toBeNull()
    // Changing the comment drops the server's word on it.
    await type(comment, '走访扎实')
    await errorsShown()
    expect($('[data-test="evaluation-comment-item"] .el-form-item__error')).toBeNull()

    // The server's word on the score beside the score.
    await type(score, '0', { change: true })
    await click($('[data-test="evaluation-save"]'))
    await errorsShown()
    expect(text($('[data-test="evaluation-score-item"] .el-form-item__error'))).toContain('a score is 0 to 100')
    expect(cell('s2', 'score')).toBe('88')
    w.unmount()
  })

  it('shows a refusal without a field above the buttons and keeps the dialog open', async () => {
    const { w } = await show('/evaluation')
    await click(row('s3').querySelector('[data-test="evaluate-open"]'))
    await type($('[data-test="evaluation-score"] input'), '75', { change: true })
    await click($('[data-test="evaluation-save"]'))
    await errorsShown()
    expect(text($('[data-test="evaluation-error"]'))).toContain('no such steward in your place')
    expect($('[data-test="evaluation-dialog"]')).not.toBeNull()
    expect(cell('s3', 'score')).toBe('未评价')
    w.unmount()
  })
})
