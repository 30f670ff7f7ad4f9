import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { HouseholdDetail, Vocabulary } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))
// "Clear" asks first: the steward says yes.
vi.mock('vant', async (importOriginal) => ({
  ...(await importOriginal<typeof import('vant')>()),
  showConfirmDialog: vi.fn(async () => 'confirm'),
}))

import VisitView from './VisitView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

const HH = '11111111-0000-4000-8000-000000000001'
const MV = '22222222-0000-4000-8000-000000000002'

const vocab: Vocabulary = {
  VisitMethod: [
    { code: 'door_visit', zh: '上门走访', en: 'Door visit' },
    { code: 'individual_talk', zh: '个别访谈', en: 'Individual talk' },
    { code: 'group_discussion', zh: '座谈', en: 'Group discussion' },
  ],
  MustVisitTrigger: [{ code: 'hardship', zh: '生活遇到困难', en: 'Hardship in daily life' }],
  TimelyKind: [{ code: 'urgent_help', zh: '及时相帮', en: 'Urgent help' }],
  KeyServiceReason: [],
  OpinionCategory: [{ code: 'safety', zh: '安全', en: 'Safety' }],
  IssueCategory: [],
  IssueRoute: [],
  IssueStatus: [],
  PartyRole: [],
  MeetingParty: [],
  DecisionStatus: [],
  IssueOrigin: [],
  PairingNeed: [],
  PairingOutcome: [],
  CampaignKind: [],
  FieldKind: [],
  TeamKind: [],
  ActivityKind: [],
  MemberRole: [],
}

const detail: HouseholdDetail = {
  record: {
    id: HH,
    compound_id: 'c',
    steward_id: null,
    profile: {
      address: { building: '3', unit: '2', room: '501' },
      head_name: '李家根',
      member_count: 3,
      phone: null,
      party_member: null,
      key_service: null,
      notes: '',
    },
    visits: [],
    must_visits: [
      { id: MV, household_id: HH, trigger: 'hardship', date: Date.UTC(2025, 2, 1), note: '', raised_by: null, raised_at: 0, answered_by: null, answered_at: null },
    ],
    timely: [],
    pairing: [],
    pairing_cases: [],
  },
  timely: [],
  missing: ['party_member'],
}

function calls(cmd: string) {
  return invoke.mock.calls.filter(([c]) => c === cmd).map(([, args]) => args)
}

async function mountVisit(savedDraft: unknown = null) {
  invoke.mockImplementation(async (cmd: string) => {
    switch (cmd) {
      case 'household': return detail
      case 'load_draft': return savedDraft
      case 'record_visit': return 'new-visit-id'
      default: return null
    }
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/household/:id', name: 'household', component: { template: '<div>household</div>' } },
      { path: '/household/:id/visit', name: 'visit', component: VisitView },
    ],
  })
  await router.push(`/household/${HH}/visit`)
  const w = mount(VisitView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return { w, router }
}

describe('VisitView', () => {
  beforeEach(() => {
    invoke.mockReset()
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.vocab = vocab
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2025-03', now: 0, mobile: false }
  })

  it('pre-ticks the open must-visit, checks the summary inline and saves in one tap', async () => {
    const { w, router } = await mountVisit()
    expect(w.text()).toContain('李家根')
    const answer = w.get(`[data-testid="visit-answer-${MV}"]`)
    expect(answer.attributes('aria-checked')).toBe('true')
    expect(w.find('[data-testid="visit-method-door_visit"]').attributes('aria-checked')).toBe('true')

    // Nothing typed: the error is shown in words and nothing is sent.
    await w.get('[data-testid="visit-save"]').trigger('click')
    await flushPromises()
    expect(w.text()).toContain('请填写走访情况')
    expect(calls('record_visit')).toHaveLength(0)

    await w.get('[data-testid="visit-method-individual_talk"]').trigger('click')
    await w.get('[data-testid="visit-summary"] textarea').setValue('老人身体好，说楼道灯坏了')
    await w.get('[data-testid="visit-follow-up"]').trigger('click')
    await w.get('[data-testid="visit-save"]').trigger('click')
    await flushPromises()

    const [args] = calls('record_visit') as [{ form: Record<string, unknown>; draftKey: string }]
    expect(args.form).toMatchObject({
      household_id: HH,
      at: null,
      method: 'individual_talk',
      summary: '老人身体好，说楼道灯坏了',
      answers: [MV],
      follow_up: true,
      must_visit: null,
      timely: null,
    })
    // The command forgets the draft in the same step as it records the visit.
    expect(args.draftKey).toBe(`visit:${HH}`)
    expect(calls('save_draft')).toHaveLength(0)
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('household')
    w.unmount()
  })

  it('saves a draft on change and restores it on open', async () => {
    vi.useFakeTimers()
    try {
      const { w } = await mountVisit({ summary: '写了一半', method: 'group_discussion', answers: [] })
      expect(w.text()).toContain('已恢复上次没填完的内容')
      expect((w.get('[data-testid="visit-summary"] textarea').element as HTMLTextAreaElement).value).toBe('写了一半')
      expect(w.get(`[data-testid="visit-answer-${MV}"]`).attributes('aria-checked')).toBe('false')

      await w.get('[data-testid="visit-hardships"] textarea').setValue('老伴住院')
      expect(calls('save_draft')).toHaveLength(0)
      await vi.advanceTimersByTimeAsync(350)
      const saved = calls('save_draft') as { key: string; value: Record<string, unknown> }[]
      expect(saved).toHaveLength(1)
      expect(saved[0].key).toBe(`visit:${HH}`)
      expect(saved[0].value).toMatchObject({ summary: '写了一半', hardships: '老伴住院', method: 'group_discussion' })
      w.unmount()
    } finally {
      vi.useRealTimers()
    }
  })

  it('"clear" on a restored draft leaves no draft stored: no save_draft after clear_draft', async () => {
    vi.useFakeTimers()
    try {
      const { w } = await mountVisit({ summary: '写了一半', method: 'group_discussion', answers: [] })
      expect(w.find('[data-testid="visit-draft-restored"]').exists()).toBe(true)
      // A change just before "clear": its debounced save is pending when the steward clears.
      await w.get('[data-testid="visit-hardships"] textarea').setValue('老伴住院')

      await w.get('[data-testid="visit-clear"]').trigger('click')
      await flushPromises()
      await vi.advanceTimersByTimeAsync(2000)
      await flushPromises()

      expect(calls('clear_draft')).toEqual([{ key: `visit:${HH}` }])
      const cmds = invoke.mock.calls.map(([c]) => c)
      expect(cmds.lastIndexOf('save_draft')).toBeLessThan(cmds.indexOf('clear_draft'))
      expect(calls('save_draft')).toHaveLength(0)
      expect(w.find('[data-testid="visit-draft-restored"]').exists()).toBe(false)
      expect((w.get('[data-testid="visit-summary"] textarea').element as HTMLTextAreaElement).value).toBe('')

      // Leaving the screen does not save the empty form either.
      w.unmount()
      await vi.advanceTimersByTimeAsync(1000)
      expect(calls('save_draft')).toHaveLength(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('after "clear", what is typed next is kept as a draft again', async () => {
    vi.useFakeTimers()
    try {
      const { w } = await mountVisit({ summary: '写了一半', method: 'group_discussion', answers: [] })
      await w.get('[data-testid="visit-clear"]').trigger('click')
      await flushPromises()
      await vi.advanceTimersByTimeAsync(1000)
      await w.get('[data-testid="visit-summary"] textarea').setValue('重新写')
      await vi.advanceTimersByTimeAsync(350)
      const saved = calls('save_draft') as { key: string; value: Record<string, unknown> }[]
      expect(saved).toHaveLength(1)
      expect(saved[0].value).toMatchObject({ summary: '重新写' })
      const cmds = invoke.mock.calls.map(([c]) => c)
      expect(cmds.indexOf('clear_draft')).toBeLessThan(cmds.indexOf('save_draft'))
      w.unmount()
    } finally {
      vi.useRealTimers()
    }
  })
})
