import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))
// "Clear" asks first: the steward says yes.
vi.mock('vant', async (importOriginal) => ({
  ...(await importOriginal<typeof import('vant')>()),
  showConfirmDialog: vi.fn(async () => 'confirm'),
}))

import IssueNewView from './IssueNewView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import type { Vocabulary } from '../api'
import { vantComponents } from '../vant'

const calls = (cmd: string) => invoke.mock.calls.filter(([c]) => c === cmd).map(([, args]) => args)

async function mountIssueNew(savedDraft: unknown) {
  invoke.mockImplementation(async (cmd: string) => (cmd === 'load_draft' ? savedDraft : null))
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/issues', name: 'issues', component: { template: '<div>issues</div>' } },
      { path: '/issues/new', name: 'issue-new', component: IssueNewView },
    ],
  })
  await router.push('/issues/new')
  const w = mount(IssueNewView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return w
}

describe('IssueNewView', () => {
  beforeEach(() => {
    invoke.mockReset()
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
  })

  it('"clear" on a restored draft leaves no draft stored: no save_draft after clear_draft', async () => {
    vi.useFakeTimers()
    try {
      const w = await mountIssueNew({ category: null, place: '5栋', description: '楼道飞线', route: 'property_duty' })
      expect(w.find('[data-testid="issue-draft-restored"]').exists()).toBe(true)
      await w.get('[data-testid="issue-place"] input').setValue('5栋楼道')

      await w.get('[data-testid="issue-clear"]').trigger('click')
      await flushPromises()
      await vi.advanceTimersByTimeAsync(2000)

      expect(calls('clear_draft')).toEqual([{ key: 'issue:new' }])
      expect(calls('save_draft')).toHaveLength(0)
      expect((w.get('[data-testid="issue-place"] input').element as HTMLInputElement).value).toBe('')
      w.unmount()
      await vi.advanceTimersByTimeAsync(1000)
      expect(calls('save_draft')).toHaveLength(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('offers only what a scan of the compound finds: not the residents\' matters (上学难 …) the property company passes on', async () => {
    const term = (code: string, zh: string) => ({ code, zh, en: code })
    const none: Vocabulary = {
      VisitMethod: [], MustVisitTrigger: [], TimelyKind: [], KeyServiceReason: [], OpinionCategory: [], IssueCategory: [],
      IssueRoute: [], IssueStatus: [], PartyRole: [], MeetingParty: [], DecisionStatus: [], IssueOrigin: [], PairingNeed: [],
      PairingOutcome: [],
      CampaignKind: [],
      FieldKind: [],
      TeamKind: [],
      ActivityKind: [],
      MemberRole: [],
    }
    store.vocab = {
      ...none,
      IssueCategory: [
        term('sanitation_dead_corner', '卫生死角'), term('flying_wire_charging', '飞线充电'), term('other', '其他'),
        term('schooling', '上学难'), term('medical_care', '看病就医难'), term('employment', '就业困难'), term('living_hardship', '生活困难'),
      ],
      IssueRoute: [term('property_duty', '物业职责范围内')],
    }
    try {
      const w = await mountIssueNew(null)
      for (const c of ['sanitation_dead_corner', 'flying_wire_charging', 'other']) {
        expect(w.find(`[data-testid="issue-category-${c}"]`).exists(), c).toBe(true)
      }
      for (const c of ['schooling', 'medical_care', 'employment', 'living_hardship']) {
        expect(w.find(`[data-testid="issue-category-${c}"]`).exists(), c).toBe(false)
      }
      expect(w.text()).not.toContain('上学难')
      w.unmount()
    } finally {
      store.vocab = null
    }
  })
})
