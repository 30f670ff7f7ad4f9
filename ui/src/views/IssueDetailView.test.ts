// Verifying and reopening a resolved issue: what is sent to the Rust side, what is refused before
// anything is sent, and that the screen then shows the status the phone's store answers with.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { IssueRecord, Vocabulary } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

import IssueDetailView from './IssueDetailView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

const IS = '44444444-0000-4000-8000-000000000004'

const term = (code: string, zh: string) => ({ code, zh, en: code })
const vocab: Vocabulary = {
  VisitMethod: [],
  MustVisitTrigger: [],
  TimelyKind: [],
  KeyServiceReason: [],
  OpinionCategory: [],
  IssueCategory: [term('flying_wire_charging', '飞线充电'), term('medical_care', '看病就医难')],
  IssueRoute: [term('property_duty', '物业职责范围内')],
  IssueStatus: [term('reported', '已上报'), term('resolved', '已解决'), term('verified', '已核实'), term('reopened', '已重新打开')],
  PartyRole: [term('steward', '红色管家'), term('property_company', '物业')],
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

function resolvedIssue(): IssueRecord {
  return {
    id: IS,
    compound_id: 'c',
    reporter_id: 's',
    origin: 'steward',
    raised_by: null,
    reported_at: 1,
    category: 'flying_wire_charging',
    place: '5栋',
    description: '楼道飞线充电',
    route: 'property_duty',
    status: 'resolved',
    timeline: [
      { id: 'e1', at: 1, by: null, role: 'steward', text: '上报', status: 'reported' },
      { id: 'e2', at: 2, by: null, role: 'property_company', text: '已拆除', status: 'resolved' },
    ],
  }
}

const calls = (cmd: string) => invoke.mock.calls.filter(([c]) => c === cmd).map(([, args]) => args)
const el = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null

/** The phone's store, faked: `set_issue_status` changes the issue that `issue` answers with. */
let current: IssueRecord
let refuseStatus: unknown = null
let wrapper: VueWrapper | null = null

async function mountIssue() {
  invoke.mockImplementation(async (cmd: string, args?: { id: string; status: string; comment: string }) => {
    switch (cmd) {
      case 'issue':
        return structuredClone(current)
      case 'set_issue_status':
        if (refuseStatus) throw refuseStatus
        current.status = args!.status as IssueRecord['status']
        current.timeline.push({ id: 'e3', at: 3, by: null, role: 'steward', text: args!.comment, status: current.status })
        return null
      default:
        return null
    }
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/issues/:id', name: 'issue', component: IssueDetailView }],
  })
  await router.push(`/issues/${IS}`)
  wrapper = mount(IssueDetailView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const status = (w: VueWrapper) => w.get('[data-testid="issue-status"]')
const popupShown = () => {
  const p = el('reopen-popup')
  return !!p && p.style.display !== 'none'
}

async function openReopen(w: VueWrapper) {
  await w.get('[data-testid="issue-reopen"]').trigger('click')
  await flushPromises()
  await vi.waitFor(() => expect(popupShown()).toBe(true))
}
async function typeReason(text: string) {
  const box = el('issue-reopen-reason')!.querySelector('textarea')!
  box.value = text
  box.dispatchEvent(new Event('input'))
  await flushPromises()
}

describe('IssueDetailView: verify and reopen', () => {
  beforeEach(() => {
    invoke.mockReset()
    document.body.innerHTML = ''
    current = resolvedIssue()
    refuseStatus = null
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.vocab = vocab
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2025-03', now: 0, mobile: false }
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
  })

  it('verify sends set_issue_status "verified" for this issue, then shows the verified status', async () => {
    const w = await mountIssue()
    expect(status(w).attributes('data-status')).toBe('resolved')
    expect(status(w).text()).toBe('已解决')

    await w.get('[data-testid="issue-verify"]').trigger('click')
    await flushPromises()

    expect(calls('set_issue_status')).toEqual([{ id: IS, status: 'verified', comment: '' }])
    // The screen reads the issue again and shows what the store now says.
    expect(calls('issue')).toEqual([{ id: IS }, { id: IS }])
    expect(status(w).attributes('data-status')).toBe('verified')
    expect(status(w).text()).toBe('已核实')
    // No longer resolved: nothing left to verify or reopen.
    expect(w.find('[data-testid="issue-verify"]').exists()).toBe(false)
    expect(w.find('[data-testid="issue-reopen"]').exists()).toBe(false)
  })

  it('a refused verify says why and keeps the issue as it was', async () => {
    refuseStatus = { code: 'invalid', message: 'only a resolved issue can be verified' }
    const w = await mountIssue()
    await w.get('[data-testid="issue-verify"]').trigger('click')
    await flushPromises()
    expect(calls('set_issue_status')).toHaveLength(1)
    const note = w.get('[role="alert"]')
    expect(note.attributes('data-code')).toBe('invalid')
    expect(note.text()).toContain('only a resolved issue can be verified')
    expect(status(w).attributes('data-status')).toBe('resolved')
    expect(w.find('[data-testid="issue-verify"]').exists()).toBe(true)
  })

  it('reopening without a reason sends nothing and says a reason is needed', async () => {
    const w = await mountIssue()
    await openReopen(w)

    el('issue-reopen-confirm')!.click()
    await flushPromises()
    expect(calls('set_issue_status')).toHaveLength(0)
    expect(el('issue-reopen-reason')!.textContent).toContain('请写下原因')
    expect(popupShown()).toBe(true)

    // Spaces are no reason either.
    await typeReason('   ')
    el('issue-reopen-confirm')!.click()
    await flushPromises()
    expect(calls('set_issue_status')).toHaveLength(0)
    expect(el('issue-reopen-reason')!.textContent).toContain('请写下原因')
    expect(popupShown()).toBe(true)
    expect(status(w).attributes('data-status')).toBe('resolved')
  })

  it('reopening with a reason sends status "reopened" and the reason, then shows the reopened status', async () => {
    const w = await mountIssue()
    await openReopen(w)
    await typeReason('  楼道里又有人飞线充电 ')

    el('issue-reopen-confirm')!.click()
    await flushPromises()

    expect(calls('set_issue_status')).toEqual([{ id: IS, status: 'reopened', comment: '楼道里又有人飞线充电' }])
    expect(el('issue-reopen-reason')!.textContent).not.toContain('请写下原因')
    await vi.waitFor(() => expect(popupShown()).toBe(false))
    expect(status(w).attributes('data-status')).toBe('reopened')
    expect(status(w).text()).toBe('已重新打开')
    // The reason is on the timeline the store answered with.
    const events = w.findAll('[data-testid="issue-event"]')
    const last = events[events.length - 1]
    expect(last.attributes('data-status')).toBe('reopened')
    expect(last.text()).toContain('楼道里又有人飞线充电')
  })

  it('a refused reopen keeps the popup open with the reason as typed, and says why inside it', async () => {
    refuseStatus = { code: 'storage', message: 'disk full' }
    const w = await mountIssue()
    await openReopen(w)
    await typeReason('还没修好')
    el('issue-reopen-confirm')!.click()
    await flushPromises()

    expect(calls('set_issue_status')).toEqual([{ id: IS, status: 'reopened', comment: '还没修好' }])
    expect(popupShown()).toBe(true)
    const note = el('reopen-popup')!.querySelector('[role="alert"]') as HTMLElement
    expect(note.getAttribute('data-code')).toBe('storage')
    expect((el('issue-reopen-reason')!.querySelector('textarea') as HTMLTextAreaElement).value).toBe('还没修好')
    expect(status(w).attributes('data-status')).toBe('resolved')
  })
})

describe('IssueDetailView: matters passed on by the property company (物业反馈)', () => {
  beforeEach(() => {
    invoke.mockReset()
    document.body.innerHTML = ''
    current = resolvedIssue()
    refuseStatus = null
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.vocab = vocab
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2025-03', now: 0, mobile: false }
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
  })

  it('shows the 物业反馈 tag, the line explaining it, and a resident\'s-matter category by its label', async () => {
    current = { ...resolvedIssue(), origin: 'property_company', raised_by: 'p', category: 'medical_care', route: 'community_coordination' }
    const w = await mountIssue()
    const origin = w.get('[data-testid="issue-origin"]')
    expect(origin.text()).toContain('物业反馈')
    expect(w.get('[data-testid="issue-origin-note"]').text()).toBe('物业服务企业反馈的居民诉求，由社区协调解决')
    expect(w.text()).toContain('看病就医难')

    applyPrefs({ locale: 'en', textScale: 1.25 })
    await flushPromises()
    expect(w.get('[data-testid="issue-origin-note"]').text()).toBe("A resident's matter passed on by the property company; the community coordinates it")
  })

  it('a steward\'s own report shows no such tag', async () => {
    const w = await mountIssue()
    expect(w.find('[data-testid="issue-origin"]').exists()).toBe(false)
    expect(w.text()).not.toContain('物业反馈')
  })
})
