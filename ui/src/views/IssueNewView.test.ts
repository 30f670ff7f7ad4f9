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
import { applyPrefs } from '../store'
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
})
