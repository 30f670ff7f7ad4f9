// The campaign screens against a fake server: the list and the start form (its checks, its body,
// a refusal beside its field, the warning for households without a steward), the field editor,
// and the progress screen (totals, by compound and steward, a column per field in words, 全部 and
// 未完成, the exports, reloading on the server's events, enrolling a temporary steward, closing).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, nextTick, ref, type Component } from 'vue'
import { element } from '../element'
import type { CampaignReport, CampaignSummary, CampaignTaskRow } from '../api/types'
import type { FieldDraft } from '../lib/campaigns'
import { session } from '../session'

/** The screens' live reloads, called by the tests as the server's events would. */
const reloads: (() => unknown)[] = []
vi.mock('../lib/useLive', () => ({ useLiveReload: (f: () => unknown) => void reloads.push(f) }))

import CampaignFieldEditor from '../components/CampaignFieldEditor.vue'
import CampaignsView from './CampaignsView.vue'
import CampaignView from './CampaignView.vue'

const COMMUNITY = '72102a34-7c4d-424f-9980-efdc3763c237'
const SHUHAN = '689403f6-dbde-4f60-a08d-b369761ce479'
const HANYUN = '70df3e84-1ba8-4843-8fd7-f41edb39536c'
const NOW = Date.now()
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(NOW))

const FIELDS = [
  { id: 'f1', label: '家中有无发热人员', kind: 'yes_no' as const, options: [], required: true },
  { id: 'f2', label: '常住人数', kind: 'number' as const, options: [], required: true },
  { id: 'f3', label: '近期外出', kind: 'choice' as const, options: ['未外出', '省内', '省外'], required: false },
]
const CAMPAIGN: CampaignSummary = {
  id: 'k1', title: '冬季人员摸排', kind: 'screening', kind_zh: '人员摸排', starts_on: '2026-12-02', ends_on: '2099-12-15', place_id: COMMUNITY,
  place: '艺苑社区', fields: FIELDS, created_at: NOW - 3_600_000, closed_at: null, households: 4, answered: 2,
}
const OLD: CampaignSummary = { ...CAMPAIGN, id: 'k0', title: '国庆节日走访', kind: 'holiday', kind_zh: '节日走访', starts_on: '2026-10-01', ends_on: '2026-10-07', households: 10, answered: 10 }

const ROWS: CampaignTaskRow[] = [
  { household_id: 'h1', compound_id: HANYUN, compound: '汉韵花园', address: '1栋1单元101室', name: '陈淑华', steward_id: 's3', steward: '陈淑华', answered_at: NOW - 60_000, answered_by: 's3', answers: { f1: false, f2: 4, f3: '未外出' } },
  { household_id: 'h2', compound_id: HANYUN, compound: '汉韵花园', address: '1栋1单元201室', name: '邓光明', steward_id: 's3', steward: '陈淑华', answered_at: null, answered_by: null, answers: {} },
  { household_id: 'h3', compound_id: SHUHAN, compound: '蜀汉美郡', address: '1栋1单元101室', name: '张桂兰', steward_id: 's1', steward: '李秀英', answered_at: NOW - 120_000, answered_by: 's1', answers: { f1: true, f2: 2 } },
  { household_id: 'h4', compound_id: SHUHAN, compound: '蜀汉美郡', address: '1栋1单元202室', name: '王德明', steward_id: 't1', steward: '张志愿', answered_at: null, answered_by: null, answers: {} },
  { household_id: 'h5', compound_id: SHUHAN, compound: '蜀汉美郡', address: '1栋1单元301室', name: '李秀珍', steward_id: 's1', steward: '李秀英', answered_at: null, answered_by: null, answers: {} },
]

/** The fake server's state. */
let campaign: CampaignSummary
let list: CampaignSummary[]
let closeForbidden: boolean
let calls: { method: string; url: string; body: unknown }[] = []
const urls = () => calls.map((c) => c.url)

function reportOf(q: URLSearchParams): CampaignReport {
  const place = q.get('place')
  const rows = ROWS.filter((r) => !place || r.compound_id === place)
  const compounds = [
    { id: SHUHAN, name: '蜀汉美郡' },
    { id: HANYUN, name: '汉韵花园' },
  ]
    .filter((c) => !place || c.id === place)
    .map((c) => {
      const of = rows.filter((r) => r.compound_id === c.id)
      return { ...c, households: of.length, answered: of.filter((r) => r.answered_at).length }
    })
  const stewards = [
    { id: 's1', name: '李秀英', households: 2, answered: 1 },
    { id: 's3', name: '陈淑华', households: 2, answered: 1 },
    { id: 't1', name: '张志愿', temporary: true, households: 1, answered: 0 },
  ]
  const answered = rows.filter((r) => r.answered_at).length
  const perPage = Number(q.get('per_page') ?? 0)
  const page = Number(q.get('page') ?? 1)
  return {
    campaign: { ...campaign, households: rows.length, answered },
    households: rows.length,
    answered,
    compounds,
    stewards,
    rows: perPage ? rows.slice((page - 1) * perPage, page * perPage) : rows,
  }
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
  campaign = structuredClone(CAMPAIGN)
  list = [campaign, OLD]
  closeForbidden = false
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const { search, ...c } = await requestOf(input, init)
      calls.push(c)
      const path = c.url.split('?')[0]
      if (c.url.includes('format=')) return new Response('a,b\n', { status: 200, headers: { 'Content-Type': 'text/csv' } })
      if (c.method === 'GET' && path === '/v1/campaigns') return json(list)
      if (c.method === 'POST' && path === '/v1/campaigns') {
        const b = c.body as { title: string; kind: string }
        if (b.title === '重复的任务') return json({ code: 'invalid_field', field: 'title', message: 'a campaign needs a title of at most 100 characters' }, 400)
        const started: CampaignSummary = { ...campaign, id: 'k2', title: b.title, kind: 'flood', kind_zh: '防汛救灾', households: 30, answered: 0 }
        list = [started, ...list]
        return json({ campaign: started, documents: 2, unassigned: 2 }, 201)
      }
      if (path === '/v1/reports/campaign') return json(reportOf(search))
      if (c.method === 'POST' && path === '/v1/campaigns/k1/temporary-stewards') {
        const b = c.body as { compound_id: string; name: string; household_ids: string[] }
        return json({ steward: { id: 't2', compound_id: b.compound_id, name: b.name, campaign_id: 'k1', active_until: Date.UTC(2099, 11, 15, 16) }, code: 'K7QM2XHD9P', active_until: Date.UTC(2099, 11, 15, 16), tasks: b.household_ids.length }, 201)
      }
      if (c.method === 'POST' && path === '/v1/campaigns/k1/close') {
        if (closeForbidden) return json({ code: 'forbidden', message: 'the campaign covers more than your place: its supervisor closes it' }, 403)
        campaign = { ...campaign, closed_at: NOW }
        return json(campaign)
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

async function show(view: Component, path: string) {
  const Blank = defineComponent({ template: '<div />' })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/campaigns', name: 'campaigns', component: view },
      { path: '/campaigns/:id', name: 'campaign', component: view, props: true },
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
async function type(el: Element | null, value: string) {
  const input = el as HTMLInputElement
  input.value = value
  input.dispatchEvent(new Event('input'))
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
const texts = (s: string) => $$(s).map((e) => e.textContent!.trim())

describe('the campaigns list', () => {
  it('shows each campaign with its kind, place, dates, progress and state', async () => {
    const { w } = await show(CampaignsView, '/campaigns')
    expect(urls()).toEqual(['/v1/campaigns'])
    const rows = $$('[data-test="campaign-row"]')
    expect(rows.map((r) => [r.dataset.campaignId, r.dataset.state, r.dataset.households, r.dataset.answered])).toEqual([
      ['k1', 'open', '4', '2'],
      ['k0', 'ended', '10', '10'],
    ])
    expect(rows[0].textContent).toContain('冬季人员摸排')
    expect(rows[0].textContent).toContain('人员摸排')
    expect(rows[0].textContent).toContain('艺苑社区')
    expect(rows[0].textContent).toContain('2026-12-02 至 2099-12-15')
    expect(rows[0].querySelector('[data-test="campaign-progress"]')!.textContent!.trim()).toBe('2 / 4 户')
    expect(texts('[data-test="campaign-state"]')).toEqual(['进行中', '已结束'])
    w.unmount()
  })

  it('starts a campaign: checks the form, sends its body, warns of households without a steward', async () => {
    const { w } = await show(CampaignsView, '/campaigns')
    await click($('[data-test="campaign-new"]'))
    expect($('[data-test="campaign-start-dialog"]')).not.toBeNull()
    // The caller's own place by default.
    expect($('[data-test="campaign-place-item"]')!.textContent).toContain('艺苑社区')

    // Nothing typed: the form's own checks, nothing sent.
    calls = []
    await click($('[data-test="campaign-submit"]'))
    await errorsShown()
    expect(calls).toEqual([])
    expect($('[data-test="campaign-title-item"] .el-form-item__error')!.textContent!.trim()).toBe('请填写任务名称')
    expect(texts('[data-test="field-error"]')).toEqual(['请填写项目名称'])

    await type($('[data-test="campaign-title"]'), '  汛期住户排查 ')
    await click($('[data-test="campaign-kind-flood"] input') ?? $('[data-test="campaign-kind-flood"]'))
    await type($('[data-test="field-label"]'), '房屋是否进水')
    await errorsShown()
    expect($('[data-test="campaign-title-item"] .el-form-item__error')).toBeNull()
    await click($('[data-test="campaign-submit"]'))
    expect(calls.filter((c) => c.method === 'POST')).toEqual([
      {
        method: 'POST',
        url: '/v1/campaigns',
        body: {
          title: '汛期住户排查', kind: 'flood', starts_on: today, ends_on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), place_id: COMMUNITY,
          fields: [{ label: '房屋是否进水', kind: 'yes_no', required: true }],
        },
      },
    ])
    // The list again, with the new one first, and the households without a task named.
    expect(urls()).toContain('/v1/campaigns')
    expect($$('[data-test="campaign-row"]').map((r) => r.dataset.campaignId)).toEqual(['k2', 'k1', 'k0'])
    const warning = $('[data-test="campaign-unassigned"]')!
    expect(warning.dataset.unassigned).toBe('2')
    expect(warning.textContent).toContain('2 户还没有分配管家')
    w.unmount()
  })

  it("shows the server's refusal beside the field it names", async () => {
    const { w } = await show(CampaignsView, '/campaigns')
    await click($('[data-test="campaign-new"]'))
    await type($('[data-test="campaign-title"]'), '重复的任务')
    await type($('[data-test="field-label"]'), '有无')
    await click($('[data-test="campaign-submit"]'))
    await errorsShown()
    const error = $('[data-test="campaign-title-item"] .el-form-item__error')!.textContent!
    expect(error).toContain('任务名称')
    expect(error).toContain('a campaign needs a title of at most 100 characters')
    expect($('[data-test="campaign-start-dialog"]')).not.toBeNull()
    expect($('[data-test="campaign-error"]')).toBeNull()
    w.unmount()
  })

  it('reloads on the server\'s events', async () => {
    const { w } = await show(CampaignsView, '/campaigns')
    calls = []
    list = [{ ...campaign, answered: 3 }, OLD]
    for (const f of reloads) await f()
    await flushPromises()
    expect(urls()).toEqual(['/v1/campaigns'])
    expect($('[data-test="campaign-row"]')!.dataset.answered).toBe('3')
    w.unmount()
  })
})

describe('the field editor', () => {
  it('adds and removes fields; a choice takes its options as a comma list shown as tags; problems under their row', async () => {
    const fields = ref<FieldDraft[]>([{ label: '近期外出', kind: 'choice', options: '', required: false }])
    const problems = ref<Record<string, string>>({ 'fields.0.options': 'campaigns.problem.optionsFew' })
    const Host = defineComponent({
      components: { CampaignFieldEditor },
      setup: () => ({ fields, problems }),
      template: '<CampaignFieldEditor v-model="fields" :problems="problems" />',
    })
    const w = mount(Host, { global: { plugins: [element] }, attachTo: document.body })
    await flushPromises()
    expect($('[data-test="field-row"]')!.dataset.kind).toBe('choice')
    expect(texts('[data-test="field-error"]')).toEqual(['单选至少需要两个不同的选项'])
    await type($('[data-test="field-options"]'), '未外出，省内, 省外')
    expect(texts('[data-test="field-option-tag"]')).toEqual(['未外出', '省内', '省外'])
    expect(fields.value[0].options).toBe('未外出，省内, 省外')
    // One field cannot be removed; two can.
    expect(($('[data-test="field-remove"]') as HTMLButtonElement).disabled).toBe(true)
    await click($('[data-test="field-add"]'))
    expect(fields.value.map((f) => f.kind)).toEqual(['choice', 'yes_no'])
    expect(fields.value[1]).toEqual({ label: '', kind: 'yes_no', options: '', required: true })
    await click($$('[data-test="field-remove"]')[0])
    expect(fields.value.map((f) => f.kind)).toEqual(['yes_no'])
    await nextTick()
    expect($('[data-test="field-options"]')).toBeNull()
    w.unmount()
  })
})

describe('a campaign\'s progress', () => {
  it('shows the totals, by compound and by steward, and each household\'s answers in words', async () => {
    const { w } = await show(CampaignView, '/campaigns/k1')
    expect(urls()).toEqual(['/v1/reports/campaign?campaign_id=k1&page=1&per_page=50'])
    const totals = $('[data-test="campaign-totals"]')!
    expect([totals.dataset.answered, totals.dataset.households]).toEqual(['2', '5'])
    expect($('[data-test="campaign-totals-text"]')!.textContent!.trim()).toBe('已完成 2 / 5 户')
    expect($('[data-test="campaign-bar"]')!.dataset.percent).toBe('40')
    expect($('[data-test="campaign-state"]')!.textContent!.trim()).toBe('进行中')
    expect($$('[data-test="campaign-compound-row"]').map((r) => [r.dataset.compoundId, r.dataset.households, r.dataset.answered])).toEqual([
      [SHUHAN, '3', '1'],
      [HANYUN, '2', '1'],
    ])
    const stewards = $$('[data-test="campaign-steward-row"]')
    expect(stewards.map((r) => [r.querySelector('[data-test="steward-name"]')!.textContent, r.dataset.temporary ?? ''])).toEqual([
      ['李秀英', ''],
      ['陈淑华', ''],
      ['张志愿', 'true'],
    ])
    expect(stewards[2].querySelector('[data-test="temporary-tag"]')!.textContent!.trim()).toBe('临时')
    // A column per field, by its label; 是/否 for yes/no.
    const head = $('[data-test="campaign-households-table"] thead')!.textContent!
    for (const f of FIELDS) expect(head).toContain(f.label)
    const answers = (id: string) =>
      [...document.querySelectorAll(`[data-test="campaign-household-row"][data-household-id="${id}"] [data-test="answer"]`)].map((e) => [e.getAttribute('data-field-id'), e.textContent!.trim()])
    expect(answers('h1')).toEqual([['f1', '否'], ['f2', '4'], ['f3', '未外出']])
    expect(answers('h3')).toEqual([['f1', '是'], ['f2', '2'], ['f3', '']])
    expect(answers('h2')).toEqual([['f1', ''], ['f2', ''], ['f3', '']])
    const h2 = $('[data-test="campaign-household-row"][data-household-id="h2"]')!
    expect(h2.querySelector('[data-test="not-answered"]')!.textContent!.trim()).toBe('未填写')
    expect($('[data-test="campaign-household-row"][data-household-id="h4"]')!.textContent).toContain('临时')
    expect($('[data-test="campaign-households-total"]')!.dataset.total).toBe('5')
    w.unmount()
  })

  it('未完成 asks every household and shows only the unanswered; a compound row narrows to it; the exports are the query plus format', async () => {
    const { w, router } = await show(CampaignView, '/campaigns/k1')
    calls = []
    await click($('[data-test="show-open"] input') ?? $('[data-test="show-open"]'))
    expect(router.currentRoute.value.query).toEqual({ show: 'open' })
    expect(urls()).toEqual(['/v1/reports/campaign?campaign_id=k1'])
    expect($$('[data-test="campaign-household-row"]').map((r) => r.dataset.householdId)).toEqual(['h2', 'h4', 'h5'])
    expect($('[data-test="campaign-households-total"]')!.dataset.total).toBe('3')

    calls = []
    await click($(`[data-test="campaign-compound-row"][data-compound-id="${SHUHAN}"] td`))
    expect(router.currentRoute.value.query).toEqual({ place: SHUHAN, show: 'open' })
    expect(urls()).toEqual([`/v1/reports/campaign?campaign_id=k1&place=${SHUHAN}`])
    expect($('[data-test="campaign-narrowed"]')!.textContent).toContain('只看：蜀汉美郡')
    expect($$('[data-test="campaign-household-row"]').map((r) => r.dataset.householdId)).toEqual(['h4', 'h5'])

    calls = []
    await click($('[data-test="export-csv"]'))
    await click($('[data-test="export-xlsx"]'))
    expect(urls()).toEqual([`/v1/reports/campaign?campaign_id=k1&place=${SHUHAN}&format=csv`, `/v1/reports/campaign?campaign_id=k1&place=${SHUHAN}&format=xlsx`])
    w.unmount()
  })

  it('reloads on the server\'s events, so an answer synced from a phone shows', async () => {
    const { w } = await show(CampaignView, '/campaigns/k1')
    calls = []
    ROWS[1].answered_at = NOW
    ROWS[1].answers = { f1: true, f2: 1 }
    try {
      for (const f of reloads) await f()
      await flushPromises()
      expect(urls()).toEqual(['/v1/reports/campaign?campaign_id=k1&page=1&per_page=50'])
      expect($('[data-test="campaign-totals"]')!.dataset.answered).toBe('3')
      expect($('[data-test="campaign-household-row"][data-household-id="h2"] [data-test="answer"]')!.textContent).toBe('是')
    } finally {
      ROWS[1].answered_at = null
      ROWS[1].answers = {}
    }
    w.unmount()
  })

  it('enrols a temporary steward for unanswered households of a compound and shows the one-time code', async () => {
    const { w } = await show(CampaignView, `/campaigns/k1?place=${SHUHAN}`)
    calls = []
    await click($('[data-test="temporary-open"]'))
    await flushPromises()
    // The compound the screen is narrowed to; its households still with their regular steward and not answered.
    expect(urls()).toEqual([`/v1/reports/campaign?campaign_id=k1&place=${SHUHAN}`])
    expect($('[data-test="temporary-households"]')!.dataset.candidates).toBe('1')

    calls = []
    await click($('[data-test="temporary-submit"]'))
    await errorsShown()
    expect(calls).toEqual([])
    expect($('[data-test="temporary-name-item"] .el-form-item__error')!.textContent!.trim()).toBe('请填写临时管家的姓名')
    expect($('[data-test="temporary-households-item"] .el-form-item__error')!.textContent!.trim()).toBe('请至少选择一户')

    await type($('[data-test="temporary-name"]'), ' 赵志愿 ')
    await click($('[data-test="temporary-select-all"]'))
    expect($('[data-test="temporary-picked"]')!.dataset.picked).toBe('1')
    await click($('[data-test="temporary-submit"]'))
    await new Promise((r) => setTimeout(r, 0))
    await flushPromises()
    expect(calls.filter((c) => c.method === 'POST')).toEqual([
      { method: 'POST', url: '/v1/campaigns/k1/temporary-stewards', body: { compound_id: SHUHAN, name: '赵志愿', household_ids: ['h5'] } },
    ])
    const result = $('[data-test="temporary-result"]')!
    expect([result.dataset.stewardId, result.dataset.tasks]).toEqual(['t2', '1'])
    expect(result.textContent).toContain('赵志愿 已登记为临时红色管家，负责 1 户')
    expect($('[data-test="enrol-code"]')!.textContent).toBe('K7QM-2XHD-9P')
    expect($('[data-test="enrol-qr"]')!.dataset.uri).toBe(`redsteward://enrol?server=${encodeURIComponent(window.location.origin)}&code=K7QM2XHD9P`)
    expect($('[data-test="enrol-qr"] svg')).not.toBeNull()
    expect($('[data-test="temporary-valid-until"]')!.textContent).toContain('2099-12-16 00:00')
    // The progress reloads (its steward table gains them).
    expect(urls()).toContain(`/v1/reports/campaign?campaign_id=k1&place=${SHUHAN}&page=1&per_page=50`)
    w.unmount()
  })

  it('closes after a confirmation and shows 已结束; a refusal shows its message', async () => {
    closeForbidden = true
    const { w } = await show(CampaignView, '/campaigns/k1')
    await click($('[data-test="campaign-close"]'))
    expect($('[data-test="confirm-message"]')!.textContent).toContain('结束“冬季人员摸排”？')
    calls = []
    await click($('[data-test="confirm-ok"]'))
    expect(calls).toEqual([{ method: 'POST', url: '/v1/campaigns/k1/close', body: undefined }])
    expect($('[data-test="campaign-close-error"]')!.textContent).toContain('the campaign covers more than your place')
    expect($('[data-test="campaign-state"]')!.dataset.state).toBe('open')

    closeForbidden = false
    await click($('[data-test="campaign-close"]'))
    await click($('[data-test="confirm-ok"]'))
    expect(urls()).toContain('/v1/reports/campaign?campaign_id=k1&page=1&per_page=50')
    expect($('[data-test="campaign-state"]')!.dataset.state).toBe('closed')
    expect($('[data-test="campaign-state"]')!.textContent!.trim()).toBe('已结束')
    expect(($('[data-test="campaign-close"]') as HTMLButtonElement).disabled).toBe(true)
    expect(($('[data-test="temporary-open"]') as HTMLButtonElement).disabled).toBe(true)
    w.unmount()
  })
})
