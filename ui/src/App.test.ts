// Every screen, mounted in the real app shell against a fake Rust side: each renders its
// testids, the badge and tab bar show where they should, and Vue reports no warnings.
// Each test starts the app afresh (store loaded as main.ts does, route pushed, App mounted) from
// its own copy of the fake answers, so any test passes alone and in any order.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { closeDialog, closeToast } from 'vant'
import type { AppInfo, CampaignLine, CampaignRecord, EvaluationRecord, HouseholdDetail, IssueRecord, MeetingLine, MeetingRecord, My345, Overview, Scoring, SyncState, TeamLine, TeamRecord, UiPrefs, Vocabulary } from './api'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

import App from './App.vue'
import { i18n } from './i18n'
import { router } from './router'
import { loadInfo, loadPrefs, loadVocabulary, startSync, store } from './store'
import { vantComponents } from './vant'

const HH = '11111111-0000-4000-8000-000000000001'
const MV = '22222222-0000-4000-8000-000000000002'
const TL = '33333333-0000-4000-8000-000000000003'
const IS = '44444444-0000-4000-8000-000000000004'
const MT = '66666666-0000-4000-8000-000000000006'
const CP = '77777777-0000-4000-8000-000000000007'
const CH1 = '88888888-0000-4000-8000-000000000001'
const CH2 = '88888888-0000-4000-8000-000000000002'
const TM = 'aaaaaaaa-0000-4000-8000-000000000001'
const FQ = ['99999999-0000-4000-8000-000000000001', '99999999-0000-4000-8000-000000000002', '99999999-0000-4000-8000-000000000003', '99999999-0000-4000-8000-000000000004']
const NOW = Date.now()

const t = (code: string, zh: string) => ({ code, zh, en: code })
const vocab: Vocabulary = {
  VisitMethod: [t('door_visit', '上门走访'), t('individual_talk', '个别访谈'), t('group_discussion', '座谈')],
  MustVisitTrigger: [t('major_holiday', '重大节日期间'), t('hardship', '生活遇到困难')],
  TimelyKind: [t('follow_up_visit', '及时回访'), t('urgent_help', '及时相帮')],
  KeyServiceReason: [t('elderly_alone', '独居老人'), t('illness', '患病')],
  OpinionCategory: [t('safety', '安全')],
  IssueCategory: [t('flying_wire_charging', '飞线充电'), t('other', '其他')],
  IssueRoute: [t('property_duty', '物业职责范围内'), t('community_coordination', '社区协调')],
  IssueStatus: [t('reported', '已上报'), t('resolved', '已解决'), t('verified', '已核实'), t('reopened', '已重新打开')],
  PartyRole: [t('steward', '红色管家'), t('property_company', '物业')],
  MeetingParty: [
    t('community', '社区党组织'), t('branch', '小区党支部'), t('property_company', '物业服务企业'),
    t('owners_committee', '业主委员会'), t('steward', '红色管家'),
  ],
  DecisionStatus: [t('open', '落实中'), t('done', '已落实')],
  IssueOrigin: [t('steward', '红色管家上报'), t('property_company', '物业反馈')],
  PairingNeed: [t('tuition', '助学'), t('hardship', '生活困难')],
  PairingOutcome: [t('subsidy', '争取到补助资助'), t('unresolved', '未能解决')],
  CampaignKind: [t('screening', '人员摸排'), t('flood', '防汛救灾')],
  FieldKind: [t('yes_no', '是/否'), t('choice', '单选'), t('number', '数字'), t('text', '文字')],
  TeamKind: [t('volunteer', '志愿服务队'), t('culture', '文化宣传队')],
  ActivityKind: [t('policy_talk', '政策宣讲'), t('clean_up', '环境清洁'), t('safety_check', '安全巡查'), t('performance', '文艺演出'), t('other', '其他')],
  MemberRole: [t('steward', '红色管家'), t('resident', '居民')],
}
const overview: Overview = {
  month: '2025-03',
  now: NOW,
  progress: { planned: 12, planned_visited: 5, visits: 7, plan_out_of_range: false },
  households: [
    { id: HH, building: '3', unit: '2', room: '501', head_name: '李家根', planned: true, visits_this_month: 1, open_must_visits: 1, last_visit_at: NOW },
  ],
  must_visits: [{ id: MV, household_id: HH, head_name: '李家根', trigger: 'hardship', date: NOW - 86_400_000 }],
  timely: [{ id: TL, household_id: HH, kind: 'urgent_help', raised_at: NOW - 7_200_000, deadline: NOW - 3_600_000, resolved_at: null, timeliness: 'overdue' }],
}
const detail: HouseholdDetail = {
  record: {
    id: HH,
    compound_id: 'c',
    steward_id: null,
    profile: { address: { building: '3', unit: '2', room: '501' }, head_name: '李家根', member_count: 3, phone: null, party_member: true, key_service: ['elderly_alone'], notes: '' },
    visits: [{ id: 'v1', household_id: HH, at: NOW, recorded_at: NOW, method: 'door_visit', summary: '身体好', opinions: [{ category: 'safety', text: '灯坏了' }], hardships: '', answers: [], follow_up: true, by: null }],
    must_visits: [{ id: MV, household_id: HH, trigger: 'hardship', date: NOW, note: '', raised_by: null, raised_at: NOW, answered_by: null, answered_at: null }],
    timely: [{ id: TL, household_id: HH, kind: 'urgent_help', raised_at: NOW, note: '漏水', raised_by: null, resolved_at: null, resolved_by: null }],
    pairing: [{ id: 'p1', at: NOW, text: '送米', by: null }],
    pairing_cases: [
      {
        id: 'pc1', household_id: HH, helper: '王明', need: 'tuition', description: '孩子上学的学费', opened_at: NOW, opened_by: 's',
        actions: [{ id: 'pa1', case_id: 'pc1', at: NOW, text: '联系学校', by: 's' }],
        closed_at: null, outcome: null, amount_yuan: null, outcome_note: '',
      },
      {
        id: 'pc2', household_id: HH, helper: '王明', need: 'hardship', description: '生活困难', opened_at: NOW - 1, opened_by: 's',
        actions: [], closed_at: NOW, outcome: 'subsidy', amount_yuan: 5000, outcome_note: '',
      },
    ],
  },
  timely: overview.timely,
  missing: ['basic_profile'],
}
const issue: IssueRecord = {
  id: IS,
  compound_id: 'c',
  reporter_id: 's',
  origin: 'steward',
  raised_by: null,
  reported_at: NOW,
  category: 'flying_wire_charging',
  place: '5栋',
  description: '楼道飞线充电',
  route: 'property_duty',
  status: 'resolved',
  timeline: [
    { id: 'e1', at: NOW, by: null, role: 'steward', text: '上报', status: 'reported' },
    { id: 'e2', at: NOW, by: null, role: 'property_company', text: '已拆除', status: 'resolved' },
  ],
}
const meetingRecord: MeetingRecord = {
  id: MT,
  compound_id: 'c',
  convener_id: 's',
  held_at: NOW,
  place: '社区党群服务中心',
  topics: '电动车停放',
  attendees: [{ id: 'a1', party: 'property_company', name: '李经理' }],
  decisions: [
    { id: 'd1', text: '增设充电桩', party: 'property_company', deadline: NOW - 86_400_000, status: 'open', done_at: null, added_by: 's', added_at: NOW },
  ],
  follow_ups: [],
}
const meetingLines: MeetingLine[] = [
  { id: MT, held_at: NOW, place: '社区党群服务中心', attendees: 1, decisions: 1, open: 1, next_deadline: NOW - 86_400_000 },
]
const my345: My345 = {
  month: '2025-03',
  progress: overview.progress,
  clears: { households: 12, party_member_known: 6, basic_profile_complete: 9, key_service_known: 3 },
  clears_percent: [50, 75, 25],
  timely: { on_time: 4, late: 1, open: 2, overdue: 1 },
  must_visits: { answered_this_month: 3, open: 1 },
}

const scoring: Scoring = {
  rules: {
    period: '2026-Q4',
    criteria: [
      { id: 'clean', name: '环境卫生', weight: 60, categories: ['other'] },
      { id: 'safe', name: '安全管理', weight: 40, categories: ['flying_wire_charging'] },
    ],
  },
  score: { id: 'sc', compound_id: 'c', steward_id: 's', period: '2026-Q4', submitted_at: null, scores: [{ criterion_id: 'clean', points: 9, comment: '有垃圾' }] },
}

const evaluations: EvaluationRecord[] = [
  {
    id: 'ev2', compound_id: 'c', steward_id: 's', half: '2026-H2', score: 88, comment: '走访扎实', evaluated_at: NOW, computed_at: NOW,
    indicators: {
      households: 15, visits: 64, households_visited: 15, monthly_visited: [12, 9, 11, 10, 6, 13], months_meeting_norm: 4,
      must_visits: 6, must_visits_answered: 5, must_visit_days: 1.5, timely: 8, timely_on_time: 7,
      party_member_known: 14, basic_profile_complete: 12, key_service_known: 15,
      issues_reported: 9, issues_verified: 6, meetings_held: 2, decisions: 5, decisions_followed: 4,
    },
  },
]

const campaignLines: CampaignLine[] = [
  { id: CP, campaign_id: 'x1', title: '冬季人员摸排', kind: 'screening', starts_on: '2026-12-01', ends_on: '2026-12-15', temporary: false, closed_at: null, tasks: 2, answered: 1 },
  { id: 'cp-old', campaign_id: 'x2', title: '汛期排查', kind: 'flood', starts_on: '2026-06-01', ends_on: '2026-06-10', temporary: false, closed_at: NOW - 86_400_000, tasks: 2, answered: 1 },
]
const campaignRecord: CampaignRecord = {
  id: CP,
  compound_id: 'c',
  steward_id: 's',
  temporary: false,
  closed_at: null,
  campaign: {
    id: 'x1', title: '冬季人员摸排', kind: 'screening', starts_on: '2026-12-01', ends_on: '2026-12-15',
    fields: [
      { id: FQ[0], label: '家中有无发热人员', kind: 'yes_no', options: [], required: true },
      { id: FQ[1], label: '常住人数', kind: 'number', options: [], required: true },
      { id: FQ[2], label: '疫苗接种情况', kind: 'choice', options: ['已接种', '未接种'], required: false },
      { id: FQ[3], label: '备注', kind: 'text', options: [], required: false },
    ],
  },
  tasks: [
    { household_id: CH1, name: '王大爷', address: '5栋1单元202室', handed_to: null, answers: { [FQ[0]]: false, [FQ[1]]: 2 }, answered_at: NOW, answered_by: 's' },
    { household_id: CH2, name: '李阿姨', address: '5栋1单元301室', handed_to: null, answers: {}, answered_at: null, answered_by: null },
  ],
}

const teamLines: TeamLine[] = [
  { id: TM, name: '蜀汉美郡红色志愿服务队', kind: 'volunteer', members: 2, activities: 1, last_activity_at: NOW - 86_400_000 },
]
const teamRecord: TeamRecord = {
  id: TM,
  compound_id: 'c',
  steward_id: 's',
  name: '蜀汉美郡红色志愿服务队',
  team_kind: 'volunteer',
  members: [
    { id: 'm1', name: '程运刚', role: 'steward', joined_at: NOW - 5 * 86_400_000 },
    { id: 'm2', name: '王阿姨', role: 'resident', joined_at: NOW - 5 * 86_400_000 },
  ],
  activities: [
    { id: 'ta1', kind: 'clean_up', title: '清理楼道杂物', held_at: NOW - 86_400_000, place: '5栋', participants: 6, names: ['王阿姨'], recorded_by: 's', role: 'steward', recorded_at: NOW },
  ],
}

const sync: SyncState = { syncing: false, offline: true, seq: 0, status: { pending_changes: 2, last_success_at: null, last_error: null, last_error_code: null, rejected: [] } }
const info: AppInfo = {
  version: '0.1.0',
  identity: { server_url: 'http://127.0.0.1:8787', device_id: 'd', steward_id: 's', steward_name: '程运刚', compound_id: 'c', compound_name: '蜀汉美郡' },
  zone: 'Asia/Shanghai',
  month: '2025-03',
  now: NOW,
  mobile: false,
}
const notEnrolled: AppInfo = { ...info, identity: null }

/** What each command answers: a value, or a function of the command's arguments (it may throw). */
type Answer = unknown
/** A fresh copy of the default answers; a test changes its own copy before `open`. */
function defaultAnswers(): Record<string, Answer> {
  return structuredClone({
    app_info: info,
    vocabulary: vocab,
    sync_state: sync,
    month_overview: overview,
    household: detail,
    issues: [{ id: IS, category: 'flying_wire_charging', place: '5栋', status: 'resolved', reported_at: NOW }],
    issue,
    meetings: meetingLines,
    meeting: meetingRecord,
    my_345: my345,
    scoring,
    evaluations,
    campaigns: campaignLines,
    campaign: campaignRecord,
    teams: teamLines,
    team: teamRecord,
    load_draft: null,
    ui_prefs: null,
  })
}

let answers: Record<string, Answer> = defaultAnswers()
let wrapper: VueWrapper | null = null
const warn = vi.spyOn(console, 'warn')
// The app's own stylesheet, put in the test document so the page's text size can be read back.
const styles = document.createElement('style')

beforeAll(() => {
  styles.textContent = readFileSync(join(import.meta.dirname, 'styles.css'), 'utf8')
  document.head.appendChild(styles)
})
afterAll(() => styles.remove())

beforeEach(() => {
  answers = defaultAnswers()
  invoke.mockReset()
  invoke.mockImplementation(async (cmd: string, args?: unknown) => {
    const a = answers[cmd]
    return typeof a === 'function' ? a(args) : (a ?? null)
  })
  warn.mockClear()
  // What the last test left behind: the store is a module singleton, the text size sits on <html>.
  store.info = null
  store.vocab = null
  store.sync = null
  document.documentElement.style.removeProperty('--rs-scale')
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  closeDialog()
  closeToast(true)
  const vueWarnings = warn.mock.calls.filter((c) => String(c[0]).includes('[Vue warn]'))
  expect(vueWarnings).toEqual([])
})

/** Starts the app as main.ts does, on `path`, against the current `answers`. */
async function open(path: string) {
  await Promise.all([loadPrefs(), loadInfo(), loadVocabulary()])
  await startSync()
  // force: the guard runs even when the last test left the router on this very path.
  await router.replace({ path, force: true })
  await router.isReady()
  wrapper = mount(App, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

/** Moves within the open app. */
async function go(path: string) {
  await router.push(path)
  await flushPromises()
  return wrapper!
}
const has = (w: VueWrapper, id: string) => w.find(`[data-testid="${id}"]`).exists()
const calls = (cmd: string) => invoke.mock.calls.filter(([c]) => c === cmd).map(([, args]) => args)

/** The page's root font size in px, as the app's stylesheet computes it from --rs-scale. */
function rootFontPx(): number {
  const size = getComputedStyle(document.documentElement).fontSize
  const m = /^calc\(\s*([\d.]+)px\s*\*\s*([\d.]+)\s*\)$/.exec(size) ?? /^([\d.]+)px$/.exec(size)
  if (!m) throw new Error(`unreadable root font size: ${size}`)
  return Number(m[1]) * (m[2] === undefined ? 1 : Number(m[2]))
}
function pressedSize(w: VueWrapper): string[] {
  return ['1', '1.25', '1.5'].filter((s) => w.get(`[data-testid="text-size-${s}"]`).attributes('aria-pressed') === 'true')
}

describe('the app', () => {
  it('home: progress, must-visits, timely and households, with badge and tabs', async () => {
    const w = await open('/')
    expect(w.get('[data-testid="sync-badge"]').attributes()).toMatchObject({ 'data-state': 'offline', 'data-pending': '2' })
    expect(has(w, 'sync-now')).toBe(true)
    for (const id of ['tab-home', 'tab-issues', 'tab-meetings', 'tab-345', 'tab-settings']) expect(has(w, id), id).toBe(true)
    expect(w.get('[data-testid="home-progress"]').text()).toContain('已走访 5 / 12 户')
    expect(w.get('[data-testid="must-visit-row"]').text()).toContain('生活遇到困难')
    expect(w.get('[data-testid="timely-row"]').text()).toContain('已超时')
    expect(w.get('[data-testid="household-row"]').attributes('data-id')).toBe(HH)
    expect(w.get('[data-testid="household-row"]').text()).toContain('3-2-501')
  })

  it('not enrolled: any screen opens the enrolment screen', async () => {
    answers.app_info = notEnrolled
    const w = await open('/settings')
    expect(router.currentRoute.value.name).toBe('enrol')
    expect(has(w, 'enrol-server')).toBe(true)
    expect(has(w, 'sign-out')).toBe(false)
  })

  it('household: name, tags, gaps, history and actions; no tab bar', async () => {
    const w = await open(`/household/${HH}`)
    expect(w.get('[data-testid="household-name"]').text()).toBe('李家根')
    expect(w.text()).toContain('党员')
    expect(w.text()).toContain('独居老人')
    expect(w.get('[data-testid="clears-missing"]').text()).toContain('基本情况清')
    expect(w.findAll('[data-testid="visit-row"]')).toHaveLength(1)
    for (const id of ['record-visit', 'raise-must-visit', 'raise-timely', 'sync-badge']) expect(has(w, id), id).toBe(true)
    expect(has(w, 'tab-home')).toBe(false)
    // Pairing assistance: the open case first, then the closed one with its outcome; old notes kept.
    const cases = w.findAll('[data-testid="pairing-case"]')
    expect(cases.map((c) => [c.attributes('data-id'), c.attributes('data-state')])).toEqual([['pc1', 'open'], ['pc2', 'closed']])
    expect(cases[0].text()).toContain('助学')
    expect(cases[0].text()).toContain('联系学校')
    expect(cases[1].get('[data-testid="pairing-outcome"]').text()).toContain('争取到补助资助 5000元')
    for (const id of ['pairing-open', 'pairing-action-text', 'pairing-action-add', 'pairing-close']) expect(has(w, id), id).toBe(true)
    expect(w.get('[data-testid="pairing-row"]').text()).toContain('送米')

    await w.get('[data-testid="raise-must-visit"]').trigger('click')
    await flushPromises()
    expect(document.querySelector('[data-testid="trigger-hardship"]')).not.toBeNull()
    ;(document.querySelector('[data-testid="trigger-hardship"]') as HTMLElement).click()
    ;(document.querySelector('[data-testid="must-visit-save"]') as HTMLElement).click()
    await flushPromises()
    expect(invoke).toHaveBeenCalledWith('raise_must_visit', { householdId: HH, mustVisit: { trigger: 'hardship', note: '' } })
  })

  it('visit form has every testid', async () => {
    const w = await open(`/household/${HH}/visit`)
    for (const id of ['visit-method-door_visit', 'visit-summary', 'visit-hardships', 'visit-follow-up', 'visit-save', `visit-answer-${MV}`]) {
      expect(has(w, id), id).toBe(true)
    }
  })

  it('issues: list, then the new-issue form', async () => {
    let w = await open('/issues')
    expect(w.get('[data-testid="issue-row"]').attributes()).toMatchObject({ 'data-id': IS, 'data-status': 'resolved' })
    expect(has(w, 'report-issue')).toBe(true)
    w = await go('/issues/new')
    for (const id of ['issue-category-flying_wire_charging', 'issue-place', 'issue-description', 'issue-route-property_duty', 'issue-submit']) {
      expect(has(w, id), id).toBe(true)
    }
  })

  it('issue detail: status, verify and reopen, comment, roles', async () => {
    const w = await open(`/issues/${IS}`)
    expect(w.get('[data-testid="issue-status"]').attributes('data-status')).toBe('resolved')
    for (const id of ['issue-verify', 'issue-reopen', 'issue-comment', 'issue-comment-send']) expect(has(w, id), id).toBe(true)
    expect(w.text()).toContain('物业')
  })

  it('meetings: the tab, this quarter, the list, the new-meeting form and a meeting', async () => {
    let w = await open('/')
    await w.get('[data-testid="tab-meetings"]').trigger('click')
    await flushPromises()
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('meetings'))
    await vi.waitFor(() => expect(has(w, 'meeting-row')).toBe(true))
    expect(w.get('[data-testid="meeting-quarter"]').text()).toContain('本季度已召开 1 次')
    const row = w.get('[data-testid="meeting-row"]')
    expect(row.attributes('data-id')).toBe(MT)
    expect(row.text()).toContain('商定事项 1 项，落实中 1 项')
    expect(row.text()).toContain('逾期')
    for (const id of ['record-meeting', 'tab-meetings']) expect(has(w, id), id).toBe(true)

    w = await go('/meetings/new')
    for (const id of [
      'meeting-date', 'meeting-place', 'meeting-topics', 'meeting-attendees-community', 'meeting-attendees-branch',
      'meeting-attendees-property_company', 'meeting-attendees-owners_committee', 'meeting-attendees-steward',
      'decision-text-0', 'decision-party-0-property_company', 'decision-deadline-0', 'add-decision', 'meeting-submit',
    ]) {
      expect(has(w, id), id).toBe(true)
    }
    expect(has(w, 'tab-meetings')).toBe(false)

    w = await go(`/meetings/${MT}`)
    const card = w.get('[data-testid="decision-card"]')
    expect(card.attributes()).toMatchObject({ 'data-id': 'd1', 'data-status': 'open' })
    expect(card.text()).toContain('逾期')
    for (const id of ['follow-up-text', 'follow-up-note', 'follow-up-done', 'add-decision-open', 'meeting-edit']) expect(has(w, id), id).toBe(true)
  })

  it('meetings: none this quarter says so', async () => {
    answers.meetings = [{ ...meetingLines[0], held_at: NOW - 200 * 86_400_000, next_deadline: null }]
    const w = await open('/meetings')
    expect(w.get('[data-testid="meeting-quarter"]').text()).toContain('本季度尚未召开联席会议')
    expect(w.get('[data-testid="meeting-row"]').text()).not.toContain('逾期')
  })

  it('my345: clears, timely and must-visits', async () => {
    const w = await open('/my345')
    expect(w.get('[data-testid="my345-clears"]').text()).toContain('75%')
    expect(has(w, 'my345-timely')).toBe(true)
    expect(has(w, 'my345-must-visits')).toBe(true)
  })

  it('my345: the big 评价物业 entry shows the quarter and where it stands, and opens the scoring screen', async () => {
    const w = await open('/my345')
    const entry = w.get('[data-testid="open-scoring"]')
    expect(entry.attributes()).toMatchObject({ 'data-submitted': 'false', 'data-period': '2026-Q4' })
    expect(entry.text()).toContain('评价物业')
    expect(entry.text()).toContain('2026年第4季度 · 已评 1 / 2 项，还没提交')

    await entry.trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('scoring'))
    await flushPromises()
    await vi.waitFor(() => expect(has(w, 'score-criterion')).toBe(true))
    expect(w.text()).toContain('评价物业')
    expect(has(w, 'tab-345')).toBe(false)
    expect(w.get('[data-testid="scoring-period"]').text()).toContain('2026年第4季度')
    for (const id of ['score-points-clean', 'score-point-clean-0', 'score-point-clean-10', 'score-comment-clean', 'score-points-safe', 'scoring-total', 'scoring-submit']) {
      expect(has(w, id), id).toBe(true)
    }
    expect(w.get('[data-testid="scoring-total"]').text()).toContain('综合得分 54.0')
    expect(w.get('[data-testid="score-criterion"][data-id="safe"]').text()).toContain('权重 40%')
  })

  it('my345: a submitted score says 已提交; no rules yet says so', async () => {
    answers.scoring = { ...scoring, score: { ...scoring.score!, submitted_at: NOW } }
    let w = await open('/my345')
    expect(w.get('[data-testid="open-scoring"]').attributes('data-submitted')).toBe('true')
    expect(w.get('[data-testid="open-scoring"]').text()).toContain('2026年第4季度 · 已提交')
    wrapper?.unmount()

    answers.scoring = { rules: null, score: null }
    w = await open('/my345')
    expect(w.get('[data-testid="open-scoring"]').text()).toContain('考评细则尚未下发')
    w = await go('/scoring')
    expect(w.get('[data-testid="scoring-no-rules"]').text()).toBe('考评细则尚未下发，请同步后再试')
  })

  it('my345: the 考核评价 entry shows the newest score and opens the half-year evaluation', async () => {
    const w = await open('/my345')
    const entry = w.get('[data-testid="open-evaluation"]')
    expect(entry.text()).toContain('考核评价')
    expect(entry.text()).toContain('2026年下半年 88分')

    await entry.trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('evaluation'))
    await vi.waitFor(() => expect(has(w, 'evaluation-score')).toBe(true))
    expect(w.text()).toContain('半年考核评价')
    expect(has(w, 'tab-345')).toBe(false)
    expect(w.get('[data-testid="evaluation-score"]').text()).toBe('88')
    expect(w.get('[data-testid="evaluation-comment"]').text()).toBe('走访扎实')
    expect(w.get('[data-testid="indicator-households_visited"]').text()).toContain('15/15')
    expect(w.get('[data-testid="indicator-months_meeting_norm"]').text()).toContain('4/6')
  })

  it('evaluation: none yet says so', async () => {
    answers.evaluations = []
    let w = await open('/my345')
    expect(w.get('[data-testid="open-evaluation"]').text()).toContain('暂无考核结果')
    w = await go('/evaluation')
    expect(w.get('[data-testid="evaluation-none"]').text()).toBe('暂无考核结果，社区评价后会同步到这里')
  })

  it('campaigns: the home entry counts the open ones to do and leads to the list, a campaign and a household’s form', async () => {
    const w = await open('/')
    const entry = w.get('[data-testid="campaigns-entry"]')
    expect(entry.attributes('data-open')).toBe('1')
    expect(entry.text()).toContain('专项任务')
    expect(entry.get('[data-testid="campaigns-entry-state"]').text()).toBe('1 项任务待完成')
    expect(entry.get('[data-testid="campaigns-entry-count"]').text()).toBe('1')
    // A regular steward's month is still there.
    expect(has(w, 'home-progress')).toBe(true)
    expect(has(w, 'home-temporary')).toBe(false)

    await entry.trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('campaigns'))
    await vi.waitFor(() => expect(has(w, 'campaign-line')).toBe(true))
    expect(w.text()).toContain('专项任务')
    expect(has(w, 'tab-home')).toBe(false)
    const lines = w.findAll('[data-testid="campaign-line"]')
    expect(lines.map((l) => l.attributes('data-id'))).toEqual([CP, 'cp-old'])
    expect(lines[0].text()).toContain('人员摸排')
    expect(lines[0].text()).toContain('已完成 1/2')
    expect(lines[1].text()).toContain('已结束')

    await lines[0].trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('campaign'))
    await vi.waitFor(() => expect(has(w, 'campaign-task')).toBe(true))
    const tasks = w.findAll('[data-testid="campaign-task"]')
    expect(tasks.map((t) => [t.attributes('data-id'), t.get('[data-testid="campaign-task-status"]').text()])).toEqual([
      [CH1, '✓ 已完成'],
      [CH2, '待完成'],
    ])
    for (const id of ['campaign-filter-all', 'campaign-filter-todo', 'campaign-progress']) expect(has(w, id), id).toBe(true)

    await tasks[1].trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('campaign-task'))
    await vi.waitFor(() => expect(has(w, 'campaign-save')).toBe(true))
    for (const id of ['campaign-field-yes_no', 'campaign-yes', 'campaign-no', 'campaign-field-number', 'campaign-field-choice', 'campaign-option', 'campaign-field-text']) {
      expect(has(w, id), id).toBe(true)
    }
    await w.get('[data-testid="campaign-yes"]').trigger('click')
    await w.get('[data-testid="campaign-field-number"] input').setValue('3')
    await w.get('[data-testid="campaign-save"]').trigger('click')
    await flushPromises()
    expect(calls('answer_campaign_task')).toEqual([{ id: CP, householdId: CH2, answers: { [FQ[0]]: true, [FQ[1]]: 3 } }])
    // Back where the steward came from: the campaign.
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('campaign'))
    expect(window.history.state.forward).toBe(`/campaigns/${CP}/households/${CH2}`) // went back, not a new entry
    await vi.waitFor(() => expect(has(w, 'campaign-task')).toBe(true))
    await vi.waitFor(() => expect(document.body.textContent).toContain('已保存'))
  })

  it('campaigns: none says 暂无专项任务 on the home entry; none to do says so', async () => {
    answers.campaigns = []
    let w = await open('/')
    expect(w.get('[data-testid="campaigns-entry"]').attributes('data-open')).toBe('0')
    expect(w.get('[data-testid="campaigns-entry-state"]').text()).toBe('暂无专项任务')
    expect(has(w, 'campaigns-entry-count')).toBe(false)
    wrapper?.unmount()

    answers.campaigns = [{ ...campaignLines[0], answered: 2 }]
    w = await open('/')
    expect(w.get('[data-testid="campaigns-entry-state"]').text()).toBe('进行中的任务都已完成')
    expect(has(w, 'campaigns-entry-count')).toBe(false)
  })

  it('a temporary steward’s home leads with the campaign, one tap from its households, and no month to visit', async () => {
    answers.month_overview = { ...overview, progress: { planned: 0, planned_visited: 0, visits: 0, plan_out_of_range: false }, households: [], must_visits: [], timely: [] }
    answers.campaigns = [{ ...campaignLines[0], temporary: true }]
    const w = await open('/')
    expect(w.get('[data-testid="campaigns-entry"]').attributes('data-open')).toBe('1')
    expect(w.get('[data-testid="home-temporary"]').text()).toContain('临时红色管家')
    expect(has(w, 'home-progress')).toBe(false)
    expect(has(w, 'household-row')).toBe(false)
    const line = w.get('[data-testid="home-campaign"]')
    expect(line.text()).toContain('冬季人员摸排')
    await line.trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('campaign'))
    expect(router.currentRoute.value.params.id).toBe(CP)
  })

  it('teams: the 我的345 entry counts them and leads to the list, a team and the activity form', async () => {
    const w = await open('/my345')
    const entry = w.get('[data-testid="open-teams"]')
    expect(entry.text()).toContain('志愿服务队、文化宣传队')
    expect(entry.attributes('data-count')).toBe('1')
    expect(entry.get('[data-testid="teams-entry-state"]').text()).toBe('共 1 支队伍')

    await entry.trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('teams'))
    await vi.waitFor(() => expect(has(w, 'team-line')).toBe(true))
    expect(w.text()).toContain('我的队伍')
    expect(has(w, 'tab-345')).toBe(false)
    const line = w.get('[data-testid="team-line"]')
    expect(line.attributes('data-id')).toBe(TM)
    expect(line.text()).toContain('志愿服务队')
    expect(line.text()).toContain('队员 2 人 · 活动 1 次')
    expect(has(w, 'team-new')).toBe(true)

    await line.trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('team'))
    await vi.waitFor(() => expect(has(w, 'team-member')).toBe(true))
    expect(w.findAll('[data-testid="team-member"]')).toHaveLength(2)
    expect(w.get('[data-testid="team-activity"]').text()).toContain('环境清洁')
    for (const id of ['member-name', 'member-role-steward', 'member-role-resident', 'member-save', 'activity-new']) expect(has(w, id), id).toBe(true)

    await w.get('[data-testid="activity-new"]').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('team-activity'))
    await vi.waitFor(() => expect(has(w, 'activity-save')).toBe(true))
    for (const id of [
      'activity-kind-policy_talk', 'activity-kind-clean_up', 'activity-kind-safety_check', 'activity-kind-performance', 'activity-kind-other',
      'activity-title', 'activity-date', 'activity-place', 'activity-participants', 'activity-names', 'activity-member-m1',
    ]) {
      expect(has(w, id), id).toBe(true)
    }
    expect(w.text()).toContain('政策宣讲')
  })

  it('settings: every choice, the version, and English chosen at once', async () => {
    const w = await open('/settings')
    for (const id of ['settings-locale-zh', 'settings-locale-en', 'text-size-1', 'text-size-1.25', 'text-size-1.5', 'sign-out']) {
      expect(has(w, id), id).toBe(true)
    }
    expect(w.get('[data-testid="app-version"]').text()).toBe('0.1.0')

    await w.get('[data-testid="settings-locale-en"]').trigger('click')
    await flushPromises()
    expect(invoke).toHaveBeenCalledWith('set_ui_prefs', { prefs: { locale: 'en', textScale: 1.25 } })
    expect(w.get('[data-testid="tab-settings"]').text()).toBe('Settings')
    expect(w.get('[data-testid="sync-badge"]').text()).toContain('Offline · 2 waiting')
  })

  it('text size: choosing one saves it with set_ui_prefs and scales the page at once', async () => {
    const w = await open('/settings')
    expect(rootFontPx()).toBe(20) // 16px × the default 1.25
    expect(pressedSize(w)).toEqual(['1.25'])

    await w.get('[data-testid="text-size-1.5"]').trigger('click')
    await flushPromises()
    expect(calls('set_ui_prefs')).toEqual([{ prefs: { locale: 'zh-CN', textScale: 1.5 } }])
    expect(document.documentElement.style.getPropertyValue('--rs-scale')).toBe('1.5')
    expect(rootFontPx()).toBe(24)
    expect(pressedSize(w)).toEqual(['1.5'])

    await w.get('[data-testid="text-size-1"]').trigger('click')
    await flushPromises()
    expect(calls('set_ui_prefs')).toEqual([
      { prefs: { locale: 'zh-CN', textScale: 1.5 } },
      { prefs: { locale: 'zh-CN', textScale: 1 } },
    ])
    expect(rootFontPx()).toBe(16)
    expect(pressedSize(w)).toEqual(['1'])
  })

  it('text size: the saved size (and language) is put back when the app starts', async () => {
    answers.ui_prefs = { locale: 'en', textScale: 1.5 } satisfies UiPrefs
    const w = await open('/settings')
    expect(calls('ui_prefs')).toHaveLength(1)
    expect(document.documentElement.style.getPropertyValue('--rs-scale')).toBe('1.5')
    expect(rootFontPx()).toBe(24)
    expect(pressedSize(w)).toEqual(['1.5'])
    expect(w.get('[data-testid="tab-settings"]').text()).toBe('Settings')
    // Starting only reads the preferences; nothing is written back.
    expect(calls('set_ui_prefs')).toHaveLength(0)
  })

  it('text size: a saved size the app does not offer starts at the default', async () => {
    answers.ui_prefs = { locale: 'zh-CN', textScale: 3 } satisfies UiPrefs
    const w = await open('/settings')
    expect(rootFontPx()).toBe(20)
    expect(pressedSize(w)).toEqual(['1.25'])
  })

  it('signing out with unsynced changes asks first, then goes to enrolment', async () => {
    answers.sign_out = (args?: { discard?: boolean }) => {
      if (!args?.discard) throw { code: 'unsynced_changes', message: '2 changes', count: 2 }
      return null
    }
    const w = await open('/settings')
    await w.get('[data-testid="sign-out"]').trigger('click')
    await flushPromises()
    await vi.waitFor(() => expect(document.body.textContent).toContain('还有 2 条记录没有同步到服务器，退出会丢失它们。确定退出吗？'))
    expect(calls('sign_out')).toEqual([{ discard: false }])
    ;(document.querySelector('.van-dialog__confirm') as HTMLElement).click()
    await flushPromises()
    await vi.waitFor(() => expect(calls('sign_out')).toEqual([{ discard: false }, { discard: true }]))
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('enrol'))
    await vi.waitFor(() => expect(has(w, 'enrol-server')).toBe(true))
    expect((w.get('[data-testid="enrol-server"] input').element as HTMLInputElement).value).toBe('http://127.0.0.1:8787')
    expect(store.info?.identity).toBeNull()
  })

  it('signing out with unsynced changes and saying no keeps the steward signed in', async () => {
    answers.sign_out = (args?: { discard?: boolean }) => {
      if (!args?.discard) throw { code: 'unsynced_changes', message: '2 changes', count: 2 }
      return null
    }
    const w = await open('/settings')
    await w.get('[data-testid="sign-out"]').trigger('click')
    await flushPromises()
    await vi.waitFor(() => expect(document.querySelector('.van-dialog__cancel')).not.toBeNull())
    ;(document.querySelector('.van-dialog__cancel') as HTMLElement).click()
    await flushPromises()
    await vi.waitFor(() => expect(w.get('[data-testid="sign-out"]').classes()).not.toContain('van-button--loading'))
    expect(calls('sign_out')).toEqual([{ discard: false }])
    expect(router.currentRoute.value.name).toBe('settings')
    expect(store.info?.identity?.steward_name).toBe('程运刚')
  })

  it('enrolment shows the words for a bad code', async () => {
    answers.app_info = notEnrolled
    answers.enrol = () => {
      throw { code: 'bad_enrolment_code', message: 'the enrolment code is wrong' }
    }
    const w = await open('/enrol')
    await w.get('[data-testid="enrol-code"] input').setValue('WRONG')
    await w.get('[data-testid="enrol-submit"]').trigger('click')
    await flushPromises()
    expect(calls('enrol')).toHaveLength(1)
    const err = w.get('[data-testid="enrol-error"]')
    expect(err.text()).toContain('登记码不对或已过期，请核对或向社区要新的')
    expect(err.text()).not.toContain('the enrolment code is wrong') // the words say it all, no English detail
    expect(err.attributes('data-code')).toBe('bad_enrolment_code')
  })

  it('enrolment names an already enrolled phone, with its code on the error', async () => {
    answers.app_info = notEnrolled
    answers.enrol = () => {
      throw { code: 'already_enrolled', message: 'this phone is already enrolled' }
    }
    const w = await open('/enrol')
    await w.get('[data-testid="enrol-code"] input').setValue('ABCD')
    await w.get('[data-testid="enrol-submit"]').trigger('click')
    await flushPromises()
    const err = w.get('[data-testid="enrol-error"]')
    expect(err.attributes('data-code')).toBe('already_enrolled')
    expect(err.text()).toContain('这部手机已经登记过了，如需换人请先在“设置”里退出登录')
  })

  it('enrolment refuses a server address without http:// or https:// and sends nothing', async () => {
    answers.app_info = notEnrolled
    const w = await open('/enrol')
    await w.get('[data-testid="enrol-server"] input').setValue('  192.168.1.5:8787 ')
    await w.get('[data-testid="enrol-code"] input').setValue('ABCD')
    await w.get('[data-testid="enrol-submit"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="enrol-server"]').text()).toContain('服务器地址要以 http:// 或 https:// 开头')
    expect(calls('enrol')).toHaveLength(0)
    expect(has(w, 'enrol-error')).toBe(false)

    await w.get('[data-testid="enrol-server"] input').setValue(' https://steward.example.cn ')
    await w.get('[data-testid="enrol-submit"]').trigger('click')
    await flushPromises()
    expect(invoke).toHaveBeenCalledWith('enrol', { serverUrl: 'https://steward.example.cn', code: 'ABCD', deviceName: '我的手机' })
  })

  it('enrolling opens the home screen as the new steward', async () => {
    answers.app_info = notEnrolled
    answers.enrol = () => {
      answers.app_info = info // from now on the phone is enrolled
      return info.identity
    }
    const w = await open('/enrol')
    await w.get('[data-testid="enrol-code"] input').setValue('ABCD')
    await w.get('[data-testid="enrol-submit"]').trigger('click')
    await flushPromises()
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('home'))
    await vi.waitFor(() => expect(has(w, 'home-progress')).toBe(true))
    expect(store.info?.identity?.steward_name).toBe('程运刚')
  })
})
