import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent } from 'vue'
import { element } from '../element'
import HouseholdView from './HouseholdView.vue'

const ID = '8c910042-0b01-4482-a784-a44c40c63429'
const DOC = {
  kind: 'household', id: ID, compound_id: 'c1', steward_id: 's1',
  profile: { address: { building: '5', unit: '1', room: '202' }, head_name: '唐建平', member_count: 1, phone: '13900000000', party_member: false, key_service: ['elderly_alone'], notes: '' },
  visits: [{ id: 'v1', at: Date.UTC(2026, 11, 1, 2), method: 'door_visit', summary: '身体尚可', opinions: [{ category: 'facilities', text: '楼道灯不亮' }], hardships: '', follow_up: true, by: 's1' }],
  must_visits: [{ id: 'm1', trigger: 'illness_or_death', date: Date.UTC(2026, 10, 3), note: '住院', answered_at: null }],
  timely: [],
  pairing: [],
}

async function show(status: number, body: unknown) {
  const fetch = vi.fn(async (req: Request) => {
    expect(req.url).toMatch(new RegExp(`/v1/households/${ID}$`))
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  })
  vi.stubGlobal('fetch', fetch)
  const Blank = defineComponent({ template: '<div />' })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: Blank }] })
  const w = mount(HouseholdView, { props: { id: ID }, global: { plugins: [element, router] } })
  await flushPromises()
  expect(fetch).toHaveBeenCalledTimes(1)
  return w
}

afterEach(() => vi.unstubAllGlobals())

describe('the household page', () => {
  it('shows the whole ledger', async () => {
    const w = await show(200, DOC)
    expect(w.get('[data-test="household-title"]').text()).toBe('唐建平 · 5栋1单元202室')
    expect(w.get('[data-test="household-profile"]').text()).toContain('独居老人')
    expect(w.get('[data-test="visits-table"]').text()).toContain('楼道灯不亮')
    expect(w.get('[data-test="household-page"]').attributes('data-household-id')).toBe(ID)
    const visit = w.get('[data-test="household-visit"]')
    expect(visit.attributes('data-visit-id')).toBe('v1')
    expect(visit.text()).toContain('身体尚可')
    expect(w.find('[data-test="household-denied"]').exists()).toBe(false)
    expect(w.find('[data-test="household-assign"]').exists()).toBe(true)
    expect(w.find('[data-test="household-raise-must-visit"]').exists()).toBe(true)
  })

  it('says 无权查看 on a 403, and shows no data', async () => {
    const w = await show(403, { code: 'forbidden', message: 'not yours' })
    expect(w.get('[data-test="household-denied"] [data-test="error-forbidden"]').text()).toContain('无权查看')
    expect(w.find('[data-test="household-profile"]').exists()).toBe(false)
    expect(w.find('[data-test="household-assign"]').exists()).toBe(false)
  })

  it('says 不存在 on a 404, and shows no data', async () => {
    const w = await show(404, { code: 'not_found', message: 'no such household' })
    expect(w.get('[data-test="household-denied"] [data-test="error-notFound"]').text()).toContain('不存在')
    expect(w.find('[data-test="household-profile"]').exists()).toBe(false)
  })

  it('opens on its pairing assistance with ?tab=pairing: each case, its outcome and actions, then the older notes', async () => {
    const doc = {
      ...DOC,
      pairing: [{ id: 'n1', at: Date.UTC(2026, 5, 1), text: '代买药品', by: 's1' }],
      pairing_cases: [
        { id: 'pc1', helper: '李秀英', need: 'tuition', description: '孩子考上大学，学费有困难', opened_at: Date.UTC(2026, 9, 3), closed_at: Date.UTC(2026, 9, 13), outcome: 'subsidy', amount_yuan: 6000, outcome_note: '已回访，问题解决', actions: [{ id: 'a1', at: Date.UTC(2026, 9, 4), text: '联系社区和相关部门', by: 's1' }] },
        { id: 'pc2', helper: '李秀英', need: 'medical', description: '老人慢性病', opened_at: Date.UTC(2026, 10, 2), actions: [] },
      ],
    }
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(doc), { status: 200, headers: { 'Content-Type': 'application/json' } })))
    const Blank = defineComponent({ template: '<div />' })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: Blank }] })
    await router.push(`/households/${ID}?tab=pairing`)
    const w = mount(HouseholdView, { props: { id: ID }, global: { plugins: [element, router] } })
    await flushPromises()
    expect(w.get('[data-test="tab-pairing"]').text()).toBe('结对帮扶（3）')
    const cases = w.findAll('[data-test="household-pairing-case"]')
    expect(cases.map((c) => [c.attributes('data-case-id'), c.attributes('data-status')])).toEqual([['pc2', 'open'], ['pc1', 'closed']])
    expect(cases[0].isVisible()).toBe(true)
    expect(cases[1].get('[data-test="household-pairing-outcome"]').text()).toContain('争取到补助资助 · 争取资金（元） 6,000')
    expect(cases[1].text()).toContain('联系社区和相关部门')
    expect(w.get('[data-test="household-pairing"]').text()).toContain('代买药品')
  })
})
