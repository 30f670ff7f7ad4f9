// The issues list: a matter the property company passed on (物业反馈) is tagged so; a steward's
// own report, and a line from older data that carries no origin, are not.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { IssueLine, Vocabulary } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

import IssuesView from './IssuesView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

const term = (code: string, zh: string) => ({ code, zh, en: code })
const vocab: Vocabulary = {
  VisitMethod: [],
  MustVisitTrigger: [],
  TimelyKind: [],
  KeyServiceReason: [],
  OpinionCategory: [],
  IssueCategory: [term('flying_wire_charging', '飞线充电'), term('schooling', '上学难')],
  IssueRoute: [],
  IssueStatus: [term('reported', '已上报')],
  PartyRole: [],
  MeetingParty: [],
  DecisionStatus: [],
  IssueOrigin: [term('steward', '红色管家上报'), term('property_company', '物业反馈')],
  PairingNeed: [],
  PairingOutcome: [],
  CampaignKind: [],
  FieldKind: [],
  TeamKind: [],
  ActivityKind: [],
  MemberRole: [],
}

const lines: IssueLine[] = [
  { id: 'from-property', category: 'schooling', place: '3栋502', status: 'reported', reported_at: 3, origin: 'property_company' },
  { id: 'by-steward', category: 'flying_wire_charging', place: '5栋', status: 'reported', reported_at: 2, origin: 'steward' },
  // Older data: no origin at all.
  { id: 'old-line', category: 'flying_wire_charging', place: '6栋', status: 'reported', reported_at: 1 },
]

let wrapper: VueWrapper | null = null
async function mountIssues() {
  invoke.mockImplementation(async (cmd: string) => (cmd === 'issues' ? structuredClone(lines) : null))
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/issues', name: 'issues', component: IssuesView },
      { path: '/issues/new', name: 'issue-new', component: { template: '<div>new</div>' } },
      { path: '/issues/:id', name: 'issue', component: { template: '<div>issue</div>' } },
    ],
  })
  await router.push('/issues')
  wrapper = mount(IssuesView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('IssuesView', () => {
  beforeEach(() => {
    invoke.mockReset()
    document.body.innerHTML = ''
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.vocab = vocab
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2025-03', now: 0, mobile: false }
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
  })

  it('a matter passed on by the property company shows the 物业反馈 tag; a steward\'s report and an old line do not', async () => {
    const w = await mountIssues()
    const row = (id: string) => w.get(`[data-testid="issue-row"][data-id="${id}"]`)
    expect(row('from-property').get('[data-testid="issue-origin"]').text()).toBe('物业反馈')
    expect(row('from-property').attributes('data-origin')).toBe('property_company')
    expect(row('from-property').text()).toContain('上学难')
    expect(row('by-steward').find('[data-testid="issue-origin"]').exists()).toBe(false)
    expect(row('old-line').find('[data-testid="issue-origin"]').exists()).toBe(false)
    expect(row('old-line').attributes('data-origin')).toBe('steward')
    expect(w.findAll('[data-testid="issue-origin"]')).toHaveLength(1)
  })
})
