import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { HouseholdDetail, HouseholdProfile, PairingCase, SyncState, Vocabulary } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

import HouseholdView from './HouseholdView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

const HH = '11111111-0000-4000-8000-000000000001'
const TL = '33333333-0000-4000-8000-000000000003'

const term = (code: string, zh: string) => ({ code, zh, en: code })
const vocab: Vocabulary = {
  VisitMethod: [],
  MustVisitTrigger: [term('hardship', '生活遇到困难')],
  TimelyKind: [term('urgent_help', '及时相帮')],
  KeyServiceReason: [term('elderly_alone', '独居老人')],
  OpinionCategory: [],
  IssueCategory: [],
  IssueRoute: [],
  IssueStatus: [],
  PartyRole: [],
  MeetingParty: [],
  DecisionStatus: [],
  IssueOrigin: [],
  PairingNeed: [term('tuition', '助学'), term('employment', '就业'), term('hardship', '生活困难')],
  PairingOutcome: [term('subsidy', '争取到补助资助'), term('job', '实现就业'), term('unresolved', '未能解决')],
  CampaignKind: [],
  FieldKind: [],
  TeamKind: [],
  ActivityKind: [],
  MemberRole: [],
}

const PROFILE: HouseholdProfile = {
  address: { building: '3', unit: '2', room: '501' },
  head_name: '李家根',
  member_count: 3,
  phone: null,
  party_member: null,
  key_service: ['elderly_alone'],
  notes: '',
}

const OPEN_CASE = '55555555-0000-4000-8000-000000000005'
const CLOSED_CASE = '55555555-0000-4000-8000-000000000006'

function openCase(): PairingCase {
  return {
    id: OPEN_CASE,
    household_id: HH,
    helper: '党员王明',
    need: 'tuition',
    description: '孩子上高中的学费',
    opened_at: 10,
    opened_by: null,
    actions: [{ id: 'a1', case_id: OPEN_CASE, at: 11, text: '联系了学校', by: null }],
    closed_at: null,
    outcome: null,
    amount_yuan: null,
    outcome_note: '',
  }
}
function closedCase(): PairingCase {
  return {
    ...openCase(),
    id: CLOSED_CASE,
    helper: '志愿者李芳',
    need: 'employment',
    description: '儿子找工作',
    opened_at: 5,
    actions: [],
    closed_at: 9,
    outcome: 'job',
    amount_yuan: null,
    outcome_note: '在超市上班了',
  }
}

function detail(profile: HouseholdProfile = PROFILE, cases: PairingCase[] = []): HouseholdDetail {
  return {
    record: {
      id: HH,
      compound_id: 'c',
      steward_id: null,
      profile: JSON.parse(JSON.stringify(profile)),
      visits: [],
      must_visits: [],
      timely: [{ id: TL, household_id: HH, kind: 'urgent_help', raised_at: 0, note: '', raised_by: null, resolved_at: null, resolved_by: null }],
      pairing: [],
      pairing_cases: cases,
    },
    timely: [{ id: TL, household_id: HH, kind: 'urgent_help', raised_at: 0, deadline: 1, resolved_at: null, timeliness: 'overdue' }],
    missing: [],
  }
}

const calls = (cmd: string) => invoke.mock.calls.filter(([c]) => c === cmd).map(([, args]) => args)
const el = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null

function syncFinished() {
  const s: SyncState = {
    syncing: false,
    offline: false,
    seq: 0,
    status: { pending_changes: 0, last_success_at: 1, last_error: null, last_error_code: null, rejected: [] },
  }
  store.sync = s
  store.syncTick++
}

async function mountHousehold(answer: (cmd: string, args: unknown) => unknown) {
  invoke.mockImplementation(async (cmd: string, args: unknown) => answer(cmd, args))
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/household/:id', name: 'household', component: HouseholdView },
      { path: '/household/:id/visit', name: 'visit', component: { template: '<div>visit</div>' } },
    ],
  })
  await router.push(`/household/${HH}`)
  const w = mount(HouseholdView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return w
}

/** Types into the input or textarea of the field with this testid. */
async function typeIn(id: string, text: string) {
  const box = el(id)!.querySelector('input, textarea') as HTMLInputElement | HTMLTextAreaElement
  box.value = text
  box.dispatchEvent(new Event('input'))
  await flushPromises()
}
const shown = (id: string) => {
  const p = el(id)
  return !!p && p.style.display !== 'none'
}

/** A promise the test settles by hand, to hold a command in flight. */
function held<T = void>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('HouseholdView', () => {
  beforeEach(() => {
    invoke.mockReset()
    document.body.innerHTML = ''
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.vocab = vocab
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2025-03', now: 0, mobile: false }
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('saves the profile against the base taken when the edit began; no reload under the open popup', async () => {
    vi.useFakeTimers()
    let current = detail()
    const w = await mountHousehold((cmd) => (cmd === 'household' ? current : null))
    expect(calls('household')).toHaveLength(1)

    await w.get('[data-testid="edit-profile"]').trigger('click')
    await flushPromises()
    // Someone else's change arrives by sync while the popup is open: not reloaded now, nor
    // well after the reload's wait (150 ms after the last sync) has passed.
    current = detail({ ...PROFILE, phone: '13900000000' })
    syncFinished()
    await vi.advanceTimersByTimeAsync(1000)
    expect(calls('household')).toHaveLength(1)

    const head = el('profile-head-name')!.querySelector('input')!
    head.value = '李家根（户主）'
    head.dispatchEvent(new Event('input'))
    await flushPromises()
    el('profile-save')!.click()
    await flushPromises()

    const [args] = calls('update_profile') as [{ id: string; base: HouseholdProfile; profile: HouseholdProfile }]
    expect(args.id).toBe(HH)
    expect(args.base).toEqual(PROFILE)
    expect(args.profile).toEqual({ ...PROFILE, head_name: '李家根（户主）' })
    // Saved: reloaded, and the change that came by sync shows.
    expect(calls('household').length).toBeGreaterThanOrEqual(2)
    expect(w.text()).toContain('13900000000')
    w.unmount()
  })

  it('reloads after a finished sync when no edit is open', async () => {
    vi.useFakeTimers()
    const w = await mountHousehold((cmd) => (cmd === 'household' ? detail() : null))
    syncFinished()
    await vi.advanceTimersByTimeAsync(100)
    expect(calls('household')).toHaveLength(1) // waits for the syncs to settle
    await vi.advanceTimersByTimeAsync(60)
    expect(calls('household')).toHaveLength(2)
    w.unmount()
  })

  it('several syncs finishing in a row reload once, 150 ms after the last', async () => {
    vi.useFakeTimers()
    const w = await mountHousehold((cmd) => (cmd === 'household' ? detail() : null))
    for (let i = 0; i < 3; i++) {
      syncFinished()
      await vi.advanceTimersByTimeAsync(100)
    }
    expect(calls('household')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(60)
    expect(calls('household')).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1000)
    expect(calls('household')).toHaveLength(2)
    w.unmount()
  })

  it('a failed profile save keeps the popup open with what was typed, and says why inside it', async () => {
    const w = await mountHousehold((cmd) => {
      if (cmd === 'update_profile') throw { code: 'storage', message: 'disk full' }
      return cmd === 'household' ? detail() : null
    })
    await w.get('[data-testid="edit-profile"]').trigger('click')
    await flushPromises()
    const head = el('profile-head-name')!.querySelector('input')!
    head.value = '王秀英'
    head.dispatchEvent(new Event('input'))
    el('profile-save')!.click()
    await flushPromises()
    const popup = el('profile-popup')!
    expect(popup.style.display).not.toBe('none')
    const note = popup.querySelector('[role="alert"]') as HTMLElement
    expect(note.getAttribute('data-code')).toBe('storage')
    expect(note.textContent).toContain('手机上保存数据时出错')
    expect((el('profile-head-name')!.querySelector('input') as HTMLInputElement).value).toBe('王秀英')
    w.unmount()
  })

  it('a double tap raises one must-visit, one timely response, opens one case, notes and closes it once, and resolves once', async () => {
    const gate = held()
    const w = await mountHousehold(async (cmd) => {
      if (['raise_must_visit', 'raise_timely', 'open_pairing_case', 'add_pairing_action', 'close_pairing_case', 'resolve_timely'].includes(cmd)) await gate.promise
      return cmd === 'household' ? detail(PROFILE, [openCase()]) : null
    })

    await w.get('[data-testid="raise-must-visit"]').trigger('click')
    await flushPromises()
    el('trigger-hardship')!.click()
    await flushPromises()
    el('must-visit-save')!.click()
    el('must-visit-save')!.click()
    await flushPromises()
    expect(calls('raise_must_visit')).toHaveLength(1)

    await w.get('[data-testid="raise-timely"]').trigger('click')
    await flushPromises()
    el('timely-kind-urgent_help')!.click()
    await flushPromises()
    el('timely-save')!.click()
    el('timely-save')!.click()
    await flushPromises()
    expect(calls('raise_timely')).toHaveLength(1)

    await w.get('[data-testid="pairing-open"]').trigger('click')
    await flushPromises()
    await typeIn('pairing-helper', '党员王明')
    el('pairing-need-tuition')!.click()
    await typeIn('pairing-description', '学费')
    el('pairing-save')!.click()
    el('pairing-save')!.click()
    await flushPromises()
    expect(calls('open_pairing_case')).toHaveLength(1)

    await w.get('[data-testid="pairing-action-text"] textarea').setValue('送米')
    el('pairing-action-add')!.click()
    el('pairing-action-add')!.click()
    await flushPromises()
    expect(calls('add_pairing_action')).toHaveLength(1)

    el('pairing-close')!.click()
    await flushPromises()
    el('pairing-outcome-job')!.click()
    await flushPromises()
    el('pairing-close-save')!.click()
    el('pairing-close-save')!.click()
    await flushPromises()
    expect(calls('close_pairing_case')).toHaveLength(1)

    await w.get('[data-testid="resolve-timely"]').trigger('click')
    await w.get('[data-testid="resolve-timely"]').trigger('click')
    await flushPromises()
    expect(calls('resolve_timely')).toHaveLength(1)

    gate.resolve()
    await flushPromises()
    expect(calls('raise_must_visit')).toHaveLength(1)
    expect(calls('raise_timely')).toHaveLength(1)
    expect(calls('open_pairing_case')).toHaveLength(1)
    expect(calls('add_pairing_action')).toHaveLength(1)
    expect(calls('close_pairing_case')).toHaveLength(1)
    expect(calls('resolve_timely')).toHaveLength(1)
    w.unmount()
  })
})

describe('HouseholdView: pairing assistance (结对帮扶) cases', () => {
  /** The phone's store, faked: the pairing commands change the household `household` answers with. */
  let current: HouseholdDetail
  let refuse: Record<string, unknown> = {}

  beforeEach(() => {
    invoke.mockReset()
    document.body.innerHTML = ''
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.vocab = vocab
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2025-03', now: 0, mobile: false }
    current = detail(PROFILE, [closedCase(), openCase()])
    current.record.pairing = [{ id: 'n1', at: 1, text: '以前送过米', by: null }]
    refuse = {}
  })

  function mountFaked() {
    return mountHousehold((cmd, args) => {
      if (refuse[cmd]) throw refuse[cmd]
      const a = args as { caseId: string; text: string; form: { helper: string; need: 'tuition'; description: string }; close: { outcome: 'subsidy'; amount_yuan: number | null; note: string } }
      const found = () => current.record.pairing_cases.find((c) => c.id === a.caseId)!
      switch (cmd) {
        case 'household':
          return structuredClone(current)
        case 'open_pairing_case':
          current.record.pairing_cases.push({ ...openCase(), id: 'new-case', ...a.form, opened_at: 20, actions: [] })
          return 'new-case'
        case 'add_pairing_action':
          found().actions.push({ id: 'a-new', case_id: a.caseId, at: 30, text: a.text, by: null })
          return null
        case 'close_pairing_case':
          Object.assign(found(), { closed_at: 40, outcome: a.close.outcome, amount_yuan: a.close.amount_yuan, outcome_note: a.close.note })
          return null
        default:
          return null
      }
    })
  }
  const caseCard = (id: string) => document.querySelector(`[data-testid="pairing-case"][data-id="${id}"]`) as HTMLElement
  const inCard = (id: string, testid: string) => caseCard(id).querySelector(`[data-testid="${testid}"]`) as HTMLElement | null

  async function startClose() {
    inCard(OPEN_CASE, 'pairing-close')!.click()
    await flushPromises()
    await vi.waitFor(() => expect(shown('pairing-close-popup')).toBe(true))
    // The popup says which case is being closed.
    expect(el('pairing-closing')!.textContent).toContain('助学 · 结对人：党员王明')
  }

  it('lists open cases first, with need, helper, what was done, and the outcome of closed ones; old notes stay shown', async () => {
    const w = await mountFaked()
    const cards = w.findAll('[data-testid="pairing-case"]')
    expect(cards.map((c) => [c.attributes('data-id'), c.attributes('data-state')])).toEqual([[OPEN_CASE, 'open'], [CLOSED_CASE, 'closed']])
    expect(cards[0].get('[data-testid="pairing-need"]').text()).toBe('助学')
    expect(cards[0].text()).toContain('结对人：党员王明')
    expect(cards[0].text()).toContain('孩子上高中的学费')
    expect(cards[0].get('[data-testid="pairing-action"]').text()).toContain('联系了学校')
    expect(cards[1].get('[data-testid="pairing-outcome"]').text()).toContain('结果：实现就业')
    expect(cards[1].get('[data-testid="pairing-outcome"]').text()).toContain('在超市上班了')
    // A closed case is not offered more actions, nor closing again.
    expect(cards[1].find('[data-testid="pairing-action-text"]').exists()).toBe(false)
    expect(cards[1].find('[data-testid="pairing-action-add"]').exists()).toBe(false)
    expect(cards[1].find('[data-testid="pairing-close"]').exists()).toBe(false)
    expect(cards[0].find('[data-testid="pairing-close"]').exists()).toBe(true)
    // The free-text notes of before are read-only: shown, with nothing to add to them.
    expect(w.get('[data-testid="pairing-row"]').text()).toContain('以前送过米')
    expect(w.find('[data-testid="pairing-note"]').exists()).toBe(false)
    w.unmount()
  })

  it('opening a case sends who is paired, the need and the help needed, trimmed; then shows the new case', async () => {
    const w = await mountFaked()
    await w.get('[data-testid="pairing-open"]').trigger('click')
    await flushPromises()
    await vi.waitFor(() => expect(shown('pairing-open-popup')).toBe(true))
    await typeIn('pairing-helper', '  社区志愿者张强 ')
    el('pairing-need-hardship')!.click()
    await typeIn('pairing-description', ' 老人独居，冬天缺取暖 ')
    el('pairing-save')!.click()
    await flushPromises()

    expect(calls('open_pairing_case')).toEqual([
      { householdId: HH, form: { helper: '社区志愿者张强', need: 'hardship', description: '老人独居，冬天缺取暖' } },
    ])
    await vi.waitFor(() => expect(shown('pairing-open-popup')).toBe(false))
    expect(calls('household')).toHaveLength(2)
    const card = caseCard('new-case')
    expect(card.getAttribute('data-state')).toBe('open')
    expect(card.textContent).toContain('社区志愿者张强')
    expect(card.textContent).toContain('生活困难')
    w.unmount()
  })

  it('a case without who is paired, or without its need, is refused before anything is sent', async () => {
    const w = await mountFaked()
    await w.get('[data-testid="pairing-open"]').trigger('click')
    await flushPromises()
    await typeIn('pairing-helper', '   ')
    el('pairing-need-tuition')!.click()
    await typeIn('pairing-description', '学费')
    el('pairing-save')!.click()
    await flushPromises()
    expect(calls('open_pairing_case')).toHaveLength(0)
    expect(el('pairing-helper')!.textContent).toContain('请填写结对人')
    expect(shown('pairing-open-popup')).toBe(true)

    // A helper, but the need not chosen (a fresh form).
    el('pairing-open-popup')!.querySelector<HTMLElement>('.van-popup__close-icon')!.click()
    await flushPromises()
    await w.get('[data-testid="pairing-open"]').trigger('click')
    await flushPromises()
    await typeIn('pairing-helper', '党员王明')
    await typeIn('pairing-description', '学费')
    el('pairing-save')!.click()
    await flushPromises()
    expect(calls('open_pairing_case')).toHaveLength(0)
    expect(el('pairing-open-popup')!.textContent).toContain('请选择需要什么帮助')
    expect(el('pairing-helper')!.textContent).not.toContain('请填写结对人')
    w.unmount()
  })

  it('a refused case keeps the popup open with what was typed, and says why inside it', async () => {
    refuse.open_pairing_case = { code: 'invalid', message: 'a pairing case names who is paired with the household' }
    const w = await mountFaked()
    await w.get('[data-testid="pairing-open"]').trigger('click')
    await flushPromises()
    await typeIn('pairing-helper', '党员王明')
    el('pairing-need-tuition')!.click()
    await typeIn('pairing-description', '学费')
    el('pairing-save')!.click()
    await flushPromises()
    expect(calls('open_pairing_case')).toHaveLength(1)
    expect(shown('pairing-open-popup')).toBe(true)
    const note = el('pairing-open-popup')!.querySelector('[role="alert"]') as HTMLElement
    expect(note.getAttribute('data-code')).toBe('invalid')
    expect((el('pairing-helper')!.querySelector('input') as HTMLInputElement).value).toBe('党员王明')
    w.unmount()
  })

  it('noting what was done sends it for that case and shows it; an empty note is refused', async () => {
    const w = await mountFaked()
    inCard(OPEN_CASE, 'pairing-action-add')!.click()
    await flushPromises()
    expect(calls('add_pairing_action')).toHaveLength(0)
    expect(inCard(OPEN_CASE, 'pairing-action-text')!.textContent).toContain('请先写下做了什么')

    await typeIn('pairing-action-text', ' 帮忙递交了助学金申请 ')
    inCard(OPEN_CASE, 'pairing-action-add')!.click()
    await flushPromises()
    expect(calls('add_pairing_action')).toEqual([{ householdId: HH, caseId: OPEN_CASE, text: '帮忙递交了助学金申请' }])
    const actions = [...caseCard(OPEN_CASE).querySelectorAll('[data-testid="pairing-action"]')].map((a) => a.textContent)
    expect(actions).toHaveLength(2)
    expect(actions[1]).toContain('帮忙递交了助学金申请')
    expect((inCard(OPEN_CASE, 'pairing-action-text')!.querySelector('textarea') as HTMLTextAreaElement).value).toBe('')
    w.unmount()
  })

  it('closing sends the outcome, the amount in whole yuan and the note; then shows "争取到补助资助 5000元"', async () => {
    const w = await mountFaked()
    await startClose()
    el('pairing-outcome-subsidy')!.click()
    await typeIn('pairing-amount', ' 5000 ')
    await typeIn('pairing-outcome-note', ' 申请到助学金 ')
    el('pairing-close-save')!.click()
    await flushPromises()

    expect(calls('close_pairing_case')).toEqual([
      { householdId: HH, caseId: OPEN_CASE, close: { outcome: 'subsidy', amount_yuan: 5000, note: '申请到助学金' } },
    ])
    await vi.waitFor(() => expect(shown('pairing-close-popup')).toBe(false))
    expect(caseCard(OPEN_CASE).getAttribute('data-state')).toBe('closed')
    expect(inCard(OPEN_CASE, 'pairing-outcome')!.textContent).toContain('争取到补助资助 5000元')
    expect(inCard(OPEN_CASE, 'pairing-close')).toBeNull()
    w.unmount()
  })

  it('an amount left empty is sent as none', async () => {
    const w = await mountFaked()
    await startClose()
    el('pairing-outcome-unresolved')!.click()
    el('pairing-close-save')!.click()
    await flushPromises()
    expect(calls('close_pairing_case')).toEqual([
      { householdId: HH, caseId: OPEN_CASE, close: { outcome: 'unresolved', amount_yuan: null, note: '' } },
    ])
    expect(inCard(OPEN_CASE, 'pairing-outcome')!.textContent).not.toContain('元')
    w.unmount()
  })

  it('a non-number amount, or no outcome, is refused before anything is sent', async () => {
    const w = await mountFaked()
    await startClose()
    el('pairing-outcome-subsidy')!.click()
    for (const bad of ['五千', '12.5', '-3']) {
      await typeIn('pairing-amount', bad)
      el('pairing-close-save')!.click()
      await flushPromises()
      expect(calls('close_pairing_case'), bad).toHaveLength(0)
      expect(el('pairing-amount')!.textContent, bad).toContain('金额请填整数')
    }
    expect(shown('pairing-close-popup')).toBe(true)
    expect(caseCard(OPEN_CASE).getAttribute('data-state')).toBe('open')

    // No outcome chosen (a fresh form), a good amount.
    el('pairing-close-popup')!.querySelector<HTMLElement>('.van-popup__close-icon')!.click()
    await flushPromises()
    await startClose()
    await typeIn('pairing-amount', '5000')
    el('pairing-close-save')!.click()
    await flushPromises()
    expect(calls('close_pairing_case')).toHaveLength(0)
    expect(el('pairing-close-popup')!.textContent).toContain('请选择帮扶结果')
    expect(el('pairing-amount')!.textContent).not.toContain('金额请填整数')
    w.unmount()
  })
})
