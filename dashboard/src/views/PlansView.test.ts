// The plans page reads one plan (`GET /v1/plans/{steward_id}/{month}`) and one compound's
// deadlines (`GET /v1/compounds/{id}`), never the whole pull.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent } from 'vue'
import { element } from '../element'
import { session } from '../session'
import PlacePicker from '../components/PlacePicker.vue'
import PlansView from './PlansView.vue'

const COMPOUND = '0168ec11-3289-4890-b7a8-b949feb8be01'
const STEWARD = '13af86f3-99b9-4b06-a013-b56e4d7ced22'

function household(i: number) {
  return {
    id: `h${i}`, compound_id: COMPOUND, compound: '蜀汉美郡', steward_id: STEWARD, steward: '李秀英', head_name: `户主${i}`,
    address: `${i}栋1单元101室`, party_member: null, key_service: null, open_must_visits: 0, visits: 0, last_visit_at: null,
  }
}
const ALL = Array.from({ length: 230 }, (_, i) => household(i + 1))

let calls: { method: string; path: string; body: string }[] = []
let plan: unknown
let compound: unknown

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

beforeEach(() => {
  calls = []
  plan = { kind: 'plan', id: 'p1', steward_id: STEWARD, compound_id: COMPOUND, month: '2026-12', households: ['h2', 'h205'] }
  compound = { kind: 'compound', id: COMPOUND, name: '蜀汉美郡', deadlines: { minutes: { follow_up_visit: 2880, urgent_help: 720, dispute: 1440, major_incident: 30 } } }
  vi.stubGlobal(
    'fetch',
    vi.fn(async (req: Request) => {
      const u = new URL(req.url)
      calls.push({ method: req.method, path: u.pathname + u.search, body: req.method === 'GET' ? '' : await req.text() })
      if (u.pathname === '/v1/households') {
        const page = Number(u.searchParams.get('page') ?? 1)
        const per = Number(u.searchParams.get('per_page') ?? 50)
        return json({ total: ALL.length, page, per_page: per, rows: ALL.slice((page - 1) * per, page * per) })
      }
      if (u.pathname === `/v1/plans/${STEWARD}/2026-12`) return json(plan)
      if (u.pathname === `/v1/compounds/${COMPOUND}`) return json(compound)
      if (u.pathname === `/v1/compounds/${COMPOUND}/holiday-must-visits`) return json({ raised: 42 })
      return json({ code: 'not_found', message: 'no such route' }, 404)
    }),
  )
  session.places = [{ id: COMPOUND, kind: 'compound', name: '蜀汉美郡', parent_id: null }]
  session.stewards = [{ id: STEWARD, compound_id: COMPOUND, name: '李秀英' }]
})

afterEach(() => {
  vi.unstubAllGlobals()
  session.places = []
  session.stewards = []
  document.body.innerHTML = ''
})

async function show(path: string) {
  const Blank = defineComponent({ template: '<div />' })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/plans', name: 'plans', component: PlansView },
      { path: '/:p(.*)*', component: Blank },
    ],
  })
  await router.push(path)
  await router.isReady()
  const w = mount(PlansView, { global: { plugins: [element, router] }, attachTo: document.body })
  await flushPromises()
  return w
}

function picker(w: ReturnType<typeof mount>, test: string) {
  const p = w.findAllComponents(PlacePicker).find((c) => c.attributes('data-test') === test)
  if (!p) throw new Error(`no ${test}`)
  return p
}

describe('the plans page', () => {
  it("loads the steward's plan for the month from /v1/plans, and every household 200 a page", async () => {
    const w = await show(`/plans?steward_id=${STEWARD}&month=2026-12`)
    const paths = calls.map((c) => c.path)
    expect(paths).toContain(`/v1/plans/${STEWARD}/2026-12`)
    expect(paths).toContain(`/v1/households?steward_id=${STEWARD}&per_page=200&page=1`)
    expect(paths).toContain(`/v1/households?steward_id=${STEWARD}&per_page=200&page=2`)
    expect(paths.some((p) => p.startsWith('/v1/pull'))).toBe(false)

    const rows = w.findAll('[data-test="plan-row"]')
    expect(rows).toHaveLength(230)
    const chosen = rows.filter((r) => r.attributes('data-chosen') === 'true').map((r) => r.attributes('data-household-id'))
    expect(chosen).toEqual(['h2', 'h205'])
    expect(w.get('[data-test="plan-pick-h2"]').classes()).toContain('is-checked')
    expect(w.get('[data-test="plan-pick-h3"]').classes()).not.toContain('is-checked')
    expect(w.get('[data-test="plan-count"]').text()).toContain('2')
    w.unmount()
  })

  it('starts from an empty plan when none was made', async () => {
    plan = { kind: 'plan', id: 'p2', steward_id: STEWARD, compound_id: COMPOUND, month: '2026-12', households: [] }
    const w = await show(`/plans?steward_id=${STEWARD}&month=2026-12`)
    expect(w.findAll('[data-test="plan-row"][data-chosen="true"]')).toHaveLength(0)
    expect(w.find('[data-test="plan-error"]').exists()).toBe(false)
    w.unmount()
  })

  it("fills the deadlines form with the compound's deadlines from /v1/compounds", async () => {
    const w = await show('/plans')
    picker(w, 'deadline-compound').vm.$emit('update:modelValue', COMPOUND)
    await flushPromises()
    expect(calls.map((c) => c.path)).toEqual([`/v1/compounds/${COMPOUND}`])
    const hours = (k: string) => (w.get(`[data-test="deadline-${k}"] input`).element as HTMLInputElement).value
    expect(hours('follow_up_visit')).toBe('48.00')
    expect(hours('urgent_help')).toBe('12.00')
    expect(hours('dispute')).toBe('24.00')
    expect(hours('major_incident')).toBe('0.50')
    w.unmount()
  })

  it('raises the holiday must-visit after the confirmation, and says for how many households', async () => {
    const w = await show('/plans')
    picker(w, 'holiday-compound').vm.$emit('update:modelValue', COMPOUND)
    await flushPromises()
    await w.get('[data-test="holiday-submit"]').trigger('click')
    await flushPromises()
    expect(calls).toEqual([])
    ;(document.querySelector('[data-test="confirm-ok"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(calls.map((c) => [c.method, c.path])).toEqual([['POST', `/v1/compounds/${COMPOUND}/holiday-must-visits`]])
    expect(w.get('[data-test="holiday-result"]').text()).toContain('42')
    expect(w.get('[data-test="holiday-result"]').attributes('data-raised')).toBe('42')
    w.unmount()
  })
})
