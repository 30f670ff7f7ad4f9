// Scoring the property company (评价物业): what is sent to score_criterion as the steward taps and
// types, what is refused before anything is sent, the confirm before submit_scores, and the
// submitted score shown read-only.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Scoring, SyncState, Vocabulary } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))
// "Submit" asks first; each test says what the steward answers.
const confirm = vi.fn(async (_opts: { message?: string }) => 'confirm')
vi.mock('vant', async (importOriginal) => ({
  ...(await importOriginal<typeof import('vant')>()),
  showConfirmDialog: (opts: { message?: string }) => confirm(opts),
}))

import ScoringView from './ScoringView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

const SUBMITTED_AT = Date.UTC(2026, 11, 20, 2, 0) // 20 December 2026, 10:00 in Shanghai

const term = (code: string, zh: string) => ({ code, zh, en: code })
const vocab: Vocabulary = {
  VisitMethod: [], MustVisitTrigger: [], TimelyKind: [], KeyServiceReason: [], OpinionCategory: [],
  IssueCategory: [term('sanitation_dead_corner', '环境卫生死角'), term('flying_wire_charging', '飞线充电'), term('safety_hazard', '安全隐患')],
  IssueRoute: [], IssueStatus: [], PartyRole: [], MeetingParty: [], DecisionStatus: [], IssueOrigin: [], PairingNeed: [], PairingOutcome: [],
  CampaignKind: [], FieldKind: [],
  TeamKind: [],
  ActivityKind: [],
  MemberRole: [],
}

/** The quarter's rules, criteria in the bureau's order; a draft with two criteria scored. */
function scoring(): Scoring {
  return {
    rules: {
      period: '2026-Q4',
      criteria: [
        { id: 'clean', name: '环境卫生', weight: 30, categories: ['sanitation_dead_corner'] },
        { id: 'safe', name: '安全管理', weight: 25, categories: ['safety_hazard', 'flying_wire_charging'] },
        { id: 'fix', name: '设施维修', weight: 25, categories: [] },
        { id: 'reply', name: '诉求响应', weight: 20, categories: [] },
      ],
    },
    score: {
      id: 'sc1', compound_id: 'c', steward_id: 's', period: '2026-Q4', submitted_at: null,
      scores: [
        { criterion_id: 'clean', points: 9, comment: '楼道有垃圾' },
        { criterion_id: 'safe', points: 10, comment: '' },
      ],
    },
  }
}

const calls = (cmd: string) => invoke.mock.calls.filter(([c]) => c === cmd).map(([, args]) => args)
const cmds = () => invoke.mock.calls.map(([c]) => c as string)

/** The phone's store, faked as the Rust side behaves: saves change the draft, submitting is final. */
let current: Scoring
let refuseNextSave = false
let wrapper: VueWrapper | null = null

async function mountScoring() {
  invoke.mockImplementation(async (cmd: string, args?: Record<string, unknown>) => {
    switch (cmd) {
      case 'scoring':
        return structuredClone(current)
      case 'score_criterion': {
        if (refuseNextSave) {
          refuseNextSave = false
          throw { code: 'storage', message: 'disk full' }
        }
        const { criterionId, points, comment } = args as { criterionId: string; points: number; comment: string }
        const score = current.score!
        if (score.submitted_at != null) throw { code: 'invalid', message: 'already submitted' }
        score.scores = [...score.scores.filter((s) => s.criterion_id !== criterionId), { criterion_id: criterionId, points, comment }]
        return null
      }
      case 'submit_scores': {
        const score = current.score!
        const complete = current.rules!.criteria.every((c) => {
          const s = score.scores.find((x) => x.criterion_id === c.id)
          return s && (s.points === 10 || s.comment.trim())
        })
        if (!complete) throw { code: 'invalid', message: 'incomplete' }
        score.submitted_at = SUBMITTED_AT
        return null
      }
      default:
        return null
    }
  })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/scoring', name: 'scoring', component: ScoringView }] })
  await router.push('/scoring')
  wrapper = mount(ScoringView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const card = (w: VueWrapper, id: string) => w.get(`[data-testid="score-criterion"][data-id="${id}"]`)
const pressed = (w: VueWrapper, id: string) =>
  w.findAll(`[data-testid^="score-point-${id}-"]`).filter((b) => b.attributes('aria-pressed') === 'true').map((b) => b.attributes('data-testid'))
async function tap(w: VueWrapper, id: string, n: number) {
  await w.get(`[data-testid="score-point-${id}-${n}"]`).trigger('click')
  await flushPromises()
}
const commentBox = (w: VueWrapper, id: string) => w.find(`[data-testid="score-comment-${id}"] textarea`)
async function type(w: VueWrapper, id: string, text: string) {
  await commentBox(w, id).setValue(text)
}
function syncFinished() {
  const s: SyncState = {
    syncing: false, offline: false, seq: 0,
    status: { pending_changes: 0, last_success_at: 1, last_error: null, last_error_code: null, rejected: [] },
  }
  store.sync = s
  store.syncTick++
}

describe('ScoringView', () => {
  beforeEach(() => {
    invoke.mockReset()
    confirm.mockReset()
    confirm.mockImplementation(async () => 'confirm')
    refuseNextSave = false
    document.body.innerHTML = ''
    current = scoring()
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.vocab = vocab
    store.sync = null
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2026-12', now: SUBMITTED_AT, mobile: false }
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
    vi.useRealTimers()
  })

  it('shows the quarter, each criterion in the bureau’s order with its weight, the draft as saved, and the total so far', async () => {
    const w = await mountScoring()
    expect(calls('scoring')).toEqual([undefined])
    expect(w.get('[data-testid="scoring-period"]').text()).toContain('2026年第4季度')
    expect(w.findAll('[data-testid="score-criterion"]').map((c) => c.attributes('data-id'))).toEqual(['clean', 'safe', 'fix', 'reply'])
    expect(card(w, 'clean').text()).toContain('环境卫生')
    expect(card(w, 'clean').text()).toContain('权重 30%')
    expect(card(w, 'safe').text()).toContain('权重 25%')
    expect(card(w, 'safe').text()).toContain('安全隐患、飞线充电')

    // Eleven big buttons, 0 to 10; the saved points are the pressed one.
    expect(w.findAll('[data-testid^="score-point-clean-"]')).toHaveLength(11)
    expect(pressed(w, 'clean')).toEqual(['score-point-clean-9'])
    expect(pressed(w, 'safe')).toEqual(['score-point-safe-10'])
    expect(pressed(w, 'fix')).toEqual([])
    // Below 10 asks why; full marks and not yet scored do not.
    expect((commentBox(w, 'clean').element as HTMLTextAreaElement).value).toBe('楼道有垃圾')
    expect(commentBox(w, 'safe').exists()).toBe(false)
    expect(commentBox(w, 'fix').exists()).toBe(false)
    // 30×9/10 + 25×10/10 = 52
    expect(w.get('[data-testid="scoring-total"]').text()).toContain('综合得分 52.0')
    expect(w.get('[data-testid="scoring-total"]').text()).toContain('已评 2 / 4 项')
    expect(w.find('[data-testid="scoring-submitted"]').exists()).toBe(false)
    expect(w.find('[data-testid="scoring-submit"]').exists()).toBe(true)
  })

  it('a tapped point is sent to score_criterion at once, with the comment as it stands; the total follows', async () => {
    const w = await mountScoring()
    await tap(w, 'fix', 7)
    expect(calls('score_criterion')).toEqual([{ criterionId: 'fix', points: 7, comment: '' }])
    expect(pressed(w, 'fix')).toEqual(['score-point-fix-7'])
    // 52 + 25×7/10
    expect(w.get('[data-testid="scoring-total"]').attributes('data-total')).toBe('69.5')
    expect(w.get('[data-testid="scoring-total"]').text()).toContain('综合得分 69.5')
    expect(commentBox(w, 'fix').exists()).toBe(true)
    expect(card(w, 'fix').get('[data-testid="score-state-fix"]').text()).toBe('已保存')

    // The same point again sends nothing.
    await tap(w, 'fix', 7)
    expect(calls('score_criterion')).toHaveLength(1)

    await tap(w, 'clean', 10)
    expect(calls('score_criterion')).toEqual([
      { criterionId: 'fix', points: 7, comment: '' },
      { criterionId: 'clean', points: 10, comment: '楼道有垃圾' },
    ])
    expect(w.get('[data-testid="scoring-total"]').attributes('data-total')).toBe('72.5')
    expect(current.score!.scores.find((s) => s.criterion_id === 'clean')).toEqual({ criterion_id: 'clean', points: 10, comment: '楼道有垃圾' })
  })

  it('a comment is saved once typing pauses, and at once when the screen closes before the pause', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const w = await mountScoring()
    await tap(w, 'fix', 6)
    invoke.mockClear()

    await type(w, 'fix', '电梯坏了')
    await vi.advanceTimersByTimeAsync(300)
    expect(calls('score_criterion')).toHaveLength(0)
    expect(card(w, 'fix').get('[data-testid="score-state-fix"]').text()).toBe('正在保存…')
    await vi.advanceTimersByTimeAsync(400)
    expect(calls('score_criterion')).toEqual([{ criterionId: 'fix', points: 6, comment: '电梯坏了' }])

    await type(w, 'fix', '电梯坏了三天')
    w.unmount()
    wrapper = null
    await flushPromises()
    expect(calls('score_criterion')).toEqual([
      { criterionId: 'fix', points: 6, comment: '电梯坏了' },
      { criterionId: 'fix', points: 6, comment: '电梯坏了三天' },
    ])
  })

  it('a reload after a sync keeps what is typed but not yet saved', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const w = await mountScoring()
    await type(w, 'clean', '楼道有垃圾，三天没人扫')
    syncFinished()
    await vi.advanceTimersByTimeAsync(160)
    expect(calls('scoring')).toHaveLength(2)
    expect((commentBox(w, 'clean').element as HTMLTextAreaElement).value).toBe('楼道有垃圾，三天没人扫')
    await vi.advanceTimersByTimeAsync(1000)
    expect(calls('score_criterion')).toEqual([{ criterionId: 'clean', points: 9, comment: '楼道有垃圾，三天没人扫' }])
  })

  it('submitting with a criterion not scored and one below 10 without a reason sends nothing and names them', async () => {
    const w = await mountScoring()
    await tap(w, 'fix', 6)
    invoke.mockClear()

    await w.get('[data-testid="scoring-submit"]').trigger('click')
    await flushPromises()
    expect(confirm).not.toHaveBeenCalled()
    expect(cmds()).toEqual([])
    const problems = w.get('[data-testid="scoring-problems"]').text()
    expect(problems).toContain('这些项还没打分：诉求响应')
    expect(problems).toContain('这些项不满 10 分，请写下扣分原因：设施维修')
    expect(problems).not.toContain('环境卫生') // 9 points, with its reason
    expect(card(w, 'fix').text()).toContain('不满 10 分，请写下扣分原因')
    expect(card(w, 'reply').classes()).toContain('score--missing')
    expect(card(w, 'clean').classes()).not.toContain('score--missing')

    // Blanks are no reason.
    await type(w, 'fix', '   ')
    await w.get('[data-testid="scoring-submit"]').trigger('click')
    await flushPromises()
    expect(confirm).not.toHaveBeenCalled()
    expect(calls('submit_scores')).toHaveLength(0)
    expect(w.get('[data-testid="scoring-problems"]').text()).toContain('设施维修')

    // Fixed one by one, the words go away.
    await type(w, 'fix', '电梯坏了三天')
    expect(w.get('[data-testid="scoring-problems"]').text()).not.toContain('设施维修')
    await tap(w, 'reply', 10)
    expect(w.find('[data-testid="scoring-problems"]').exists()).toBe(false)
    expect(card(w, 'fix').text()).not.toContain('不满 10 分，请写下扣分原因')
  })

  it('confirmed, it saves what is typed, then sends submit_scores and shows the score read-only with 已提交 and the date', async () => {
    const w = await mountScoring()
    await tap(w, 'fix', 8)
    await type(w, 'fix', '维修要等一周')
    await tap(w, 'reply', 10)
    await w.get('[data-testid="scoring-submit"]').trigger('click')
    await flushPromises()

    expect(confirm).toHaveBeenCalledTimes(1)
    expect(confirm.mock.calls[0][0].message).toContain('提交后不能修改')
    expect(confirm.mock.calls[0][0].message).toContain('综合得分 92.0')
    expect(calls('submit_scores')).toEqual([undefined])
    // The comment typed was saved before submitting.
    const sent = cmds().filter((c) => c === 'score_criterion' || c === 'submit_scores')
    expect(sent[sent.length - 1]).toBe('submit_scores')
    expect(calls('score_criterion')).toContainEqual({ criterionId: 'fix', points: 8, comment: '维修要等一周' })
    expect(calls('scoring')).toHaveLength(2)

    const done = w.get('[data-testid="scoring-submitted"]').text()
    expect(done).toContain('已提交')
    expect(done).toContain('2026年12月20日')
    expect(w.find('[data-testid="scoring-submit"]').exists()).toBe(false)
    expect(w.findAll('[data-testid^="score-point-"]')).toHaveLength(0)
    expect(w.findAll('textarea')).toHaveLength(0)
    expect(w.get('[data-testid="score-points-fix"]').text()).toBe('8 分')
    expect(w.get('[data-testid="score-comment-fix"]').text()).toBe('维修要等一周')
    expect(w.get('[data-testid="score-comment-clean"]').text()).toBe('楼道有垃圾')
    expect(w.get('[data-testid="scoring-total"]').text()).toContain('综合得分 92.0')
  })

  it('cancelling the confirm sends nothing and the score stays open', async () => {
    confirm.mockImplementation(async () => {
      throw 'cancel'
    })
    const w = await mountScoring()
    await tap(w, 'fix', 10)
    await tap(w, 'reply', 10)
    await w.get('[data-testid="scoring-submit"]').trigger('click')
    await flushPromises()
    expect(confirm).toHaveBeenCalledTimes(1)
    expect(calls('submit_scores')).toHaveLength(0)
    expect(w.find('[data-testid="scoring-submitted"]').exists()).toBe(false)
    expect(w.find('[data-testid="score-point-fix-9"]').exists()).toBe(true)
  })

  it('a score already submitted opens read-only: nothing to tap, nothing sent', async () => {
    current.score!.scores.push({ criterion_id: 'fix', points: 7, comment: '修得慢' }, { criterion_id: 'reply', points: 10, comment: '' })
    current.score!.submitted_at = SUBMITTED_AT
    const w = await mountScoring()
    expect(w.get('[data-testid="scoring-submitted"]').text()).toContain('2026年12月20日 已提交')
    expect(w.findAll('[data-testid="score-criterion"]').map((c) => c.attributes('data-points'))).toEqual(['9', '10', '7', '10'])
    expect(w.get('[data-testid="score-points-clean"]').text()).toBe('9 分')
    expect(w.get('[data-testid="score-comment-fix"]').text()).toBe('修得慢')
    expect(w.find('[data-testid="score-comment-safe"]').exists()).toBe(false)
    expect(w.findAll('button')).toHaveLength(0)
    expect(w.findAll('textarea')).toHaveLength(0)
    // 27 + 25 + 17.5 + 20
    expect(w.get('[data-testid="scoring-total"]').attributes('data-total')).toBe('89.5')
    expect(cmds()).toEqual(['scoring'])
  })

  it('a score kept from another quarter is not this quarter’s: all to do again', async () => {
    current.score!.period = '2026-Q3'
    current.score!.submitted_at = SUBMITTED_AT
    const w = await mountScoring()
    expect(w.find('[data-testid="scoring-submitted"]').exists()).toBe(false)
    expect(pressed(w, 'clean')).toEqual([])
    expect(w.get('[data-testid="scoring-total"]').text()).toContain('已评 0 / 4 项')
  })

  it('no rules on the phone yet: says so and offers a sync; nothing to score', async () => {
    current = { rules: null, score: null }
    const w = await mountScoring()
    expect(w.get('[data-testid="scoring-no-rules"]').text()).toBe('考评细则尚未下发，请同步后再试')
    expect(w.find('[data-testid="score-criterion"]').exists()).toBe(false)
    expect(w.find('[data-testid="scoring-submit"]').exists()).toBe(false)

    current = scoring()
    await w.get('[data-testid="scoring-sync"]').trigger('click')
    await flushPromises()
    expect(calls('sync_now')).toHaveLength(1)
    expect(w.findAll('[data-testid="score-criterion"]')).toHaveLength(4)
  })

  it('a refused save says why in its card, keeps the words, and retrying sends them again', async () => {
    const w = await mountScoring()
    refuseNextSave = true
    await tap(w, 'fix', 5)
    expect(card(w, 'fix').get('[role="alert"]').attributes('data-code')).toBe('storage')
    expect(pressed(w, 'fix')).toEqual(['score-point-fix-5'])

    // Submitting now would lose it: the save is tried again first, and stops the submit if refused again.
    await type(w, 'fix', '路灯不亮')
    await tap(w, 'reply', 10)
    refuseNextSave = false
    await card(w, 'fix').get('[role="alert"] button').trigger('click')
    await flushPromises()
    expect(calls('score_criterion')).toContainEqual({ criterionId: 'fix', points: 5, comment: '路灯不亮' })
    expect(card(w, 'fix').find('[role="alert"]').exists()).toBe(false)
    expect((commentBox(w, 'fix').element as HTMLTextAreaElement).value).toBe('路灯不亮')
  })

  it('a save refused while submitting stops the submit and says why', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const w = await mountScoring()
    await tap(w, 'fix', 10)
    await tap(w, 'reply', 10)
    await type(w, 'clean', '楼道有垃圾没扫')
    refuseNextSave = true
    await w.get('[data-testid="scoring-submit"]').trigger('click')
    await flushPromises()
    expect(calls('score_criterion').slice(-1)[0]).toEqual({ criterionId: 'clean', points: 9, comment: '楼道有垃圾没扫' })
    expect(calls('submit_scores')).toHaveLength(0)
    expect(card(w, 'clean').get('[role="alert"]').attributes('data-code')).toBe('storage')
    expect(w.find('[data-testid="scoring-submit"]').exists()).toBe(true)
  })
})
