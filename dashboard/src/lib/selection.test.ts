import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '../api/client'
import { i18n } from '../i18n'
import type { ApplicationDoc, ApplicationRow, NoticeEntry, SelectionSummary } from '../api/types'
import { codeLabel } from './labels'
import {
  ageOn, applicationBody, applicationErrorPart, applicationProblems, atStage, chineseDate, departmentCells, emptyApplication, emptyStepDraft, formsFor,
  isStale, mayRefuse, missingDepartments, missingKit, noticeDays, noticeGroups, stageCounts, stageFilter, stageTag, stepAction, stepBody,
  stepErrorPart, stepProblems, summaryRows, summaryTotals, waitingForMe, waitingReason, type ApplicationDraft, type StepDraft,
} from './selection'

/** 3 December 2026, 10:00 in Shanghai. */
const NOW = Date.UTC(2026, 11, 3, 2)
/** 2 December 2026, 18:30 UTC: already the 3rd in Shanghai. */
const LATE_UTC = Date.UTC(2026, 11, 2, 18, 30)

afterEach(() => {
  i18n.global.locale.value = 'zh-CN'
})

const ZHOU: ApplicationDoc = {
  id: 'a5', compound_id: 'c1', community_id: 'k1', compound: '蜀汉美郡', community: '艺苑社区',
  applicant: { name: '周明', gender: 'male', birth_date: '1962-01-15', phone: '13800000000', address: '1栋1单元202', political_status: 'party_member', occupation: '退役军人', statement: '愿意为居民服务' },
  applied_on: '2026-10-14', stage: 'notice', stage_zh: '公示中', version: 12, created_at: NOW - 50 * 86_400_000, updated_at: NOW - 86_400_000,
  steps: [],
  departments: (['discipline', 'police', 'court', 'petitions', 'tax', 'market_regulation'] as const).map((department) => ({ department, date: '2026-11-21', clear: true, note: '' })),
  notice: { starts_on: '2026-11-26', ends_on: '2026-12-02', contact: '艺苑社区党群服务中心，0916-2210000' },
  objections: [{ received_on: '2026-11-29', text: '有居民反映其常年在外地带孙子。', upheld: false, finding: '经核实，反映不实。' }],
  refusal: null, steward_id: null, kit: { vest: null, handbook: null, bag: null },
  duty: 'community', duty_zh: '社区党组织', my_duty: 'community', offered: ['objection', 'appoint', 'refuse'], age: 64,
}
/** 赵建华: four departments of six have answered. */
const ZHAO: ApplicationDoc = {
  ...ZHOU, id: 'a3', stage: 'departments', stage_zh: '待部门意见', version: 8, notice: null, objections: [], offered: ['department', 'refuse'],
  departments: ZHOU.departments.slice(0, 4),
}

function row(id: string, stage: ApplicationRow['stage'], mine: boolean): ApplicationRow {
  return { id, compound_id: 'c1', compound: '蜀汉美郡', name: id, gender: 'female', age: 50, political_status: 'masses', applied_on: '2026-11-30', stage, stage_zh: '', duty: null, mine, updated_at: NOW }
}

describe('which forms the application page shows', () => {
  it('exactly the offered steps that have a form, in the workflow order; refuse is a button of its own', () => {
    expect(formsFor(['refuse', 'appoint', 'objection'])).toEqual(['objection', 'appoint'])
    expect(formsFor(['department', 'refuse'])).toEqual(['department'])
    expect(formsFor(['kit'])).toEqual(['kit'])
    expect(formsFor(['branch_review', 'refuse'])).toEqual(['branch_review'])
    expect(formsFor(['refuse'])).toEqual([])
    expect(formsFor(['something_new', 'recommend'])).toEqual(['recommend'])
    expect(formsFor([])).toEqual([])
    expect(formsFor(undefined)).toEqual([])
    expect(mayRefuse(['objection', 'refuse'])).toBe(true)
    expect(mayRefuse(['kit'])).toBe(false)
    expect(mayRefuse(null)).toBe(false)
  })

  it('the six departments with their opinion or 待反馈, and those still missing', () => {
    const cells = departmentCells(ZHAO)
    expect(cells.map((c) => c.department)).toEqual(['discipline', 'police', 'court', 'petitions', 'tax', 'market_regulation'])
    expect(cells.map((c) => c.opinion?.date ?? null)).toEqual(['2026-11-21', '2026-11-21', '2026-11-21', '2026-11-21', null, null])
    expect(missingDepartments(ZHAO)).toEqual(['tax', 'market_regulation'])
    expect(missingDepartments(ZHOU)).toEqual([])
    // Recorded out of order: still missing by the list's order.
    expect(missingDepartments({ departments: [{ department: 'tax', date: '2026-11-21', clear: true, note: '' }] })).toEqual(['discipline', 'police', 'court', 'petitions', 'market_regulation'])
  })

  it('the kit items not handed out yet', () => {
    expect(missingKit({ vest: '2026-12-01', handbook: null, bag: null })).toEqual(['handbook', 'bag'])
    expect(missingKit({ vest: '2026-12-01', handbook: '2026-12-01', bag: '2026-12-02' })).toEqual([])
    expect(missingKit(null)).toEqual(['vest', 'handbook', 'bag'])
  })

  it('says why nothing (or less) is offered', () => {
    expect(waitingReason({ ...ZHOU, my_duty: 'branch', offered: [] }, NOW)).toEqual({ key: 'selection.reason.others', params: { duty: '社区党组织' } })
    expect(waitingReason(ZHOU, NOW)).toBeNull() // ready to appoint
    expect(waitingReason({ ...ZHOU, offered: ['objection', 'refuse'], notice: { ...ZHOU.notice!, ends_on: '2026-12-07' } }, NOW)).toEqual({
      key: 'selection.reason.noticeRuns', params: { ends: '2026-12-07' },
    })
    expect(waitingReason({ ...ZHOU, offered: ['objection', 'refuse'], objections: [{ ...ZHOU.objections[0], upheld: true }] }, NOW)).toEqual({ key: 'selection.reason.upheld' })
    // A notice that has ended is not said to run (whatever else keeps the appointment back).
    expect(waitingReason({ ...ZHOU, offered: ['objection', 'refuse'] }, NOW)).toBeNull()
    const objecting = { ...ZHAO, offered: ['refuse' as const], departments: [...ZHAO.departments, { department: 'tax' as const, date: '2026-11-30', clear: false, note: '有欠税' }] }
    expect(waitingReason(objecting, NOW)).toEqual({ key: 'selection.reason.departmentObjects' })
    expect(waitingReason(ZHAO, NOW)).toBeNull()
    const appointed = { ...ZHOU, stage: 'appointed' as const, offered: [], kit: { vest: '2026-12-03', handbook: '2026-12-03', bag: '2026-12-03' } }
    expect(waitingReason(appointed, NOW)).toEqual({ key: 'selection.reason.done' })
    expect(waitingReason({ ...appointed, offered: ['kit'], kit: { ...appointed.kit, bag: null } }, NOW)).toBeNull()
    expect(waitingReason({ ...ZHOU, stage: 'refused', duty: null, offered: [] }, NOW)).toBeNull()
  })
})

describe('the step forms', () => {
  const draft = (step: Parameters<typeof emptyStepDraft>[0], doc: ApplicationDoc, patch: Partial<StepDraft> = {}): StepDraft => ({ ...emptyStepDraft(step, doc, NOW), ...patch })

  it('start from today in Shanghai, the first department missing, a 7-day notice, the kit ticked only at the appointment', () => {
    const d = emptyStepDraft('department', ZHAO, LATE_UTC)
    expect(d.date).toBe('2026-12-03')
    expect(d.department).toBe('tax')
    expect(d.clear).toBe(true)
    const n = emptyStepDraft('notice', ZHOU, LATE_UTC)
    expect([n.starts_on, n.ends_on]).toEqual(['2026-12-03', '2026-12-09'])
    expect(noticeDays(n.starts_on, n.ends_on)).toBe(7)
    // An objection received on the notice's last day at the latest.
    expect(emptyStepDraft('objection', ZHOU, NOW).received_on).toBe('2026-12-02')
    expect(emptyStepDraft('objection', ZHOU, NOW).upheld).toBeNull()
    expect([emptyStepDraft('appoint', ZHOU, NOW).vest, emptyStepDraft('appoint', ZHOU, NOW).bag]).toEqual([true, true])
    expect([emptyStepDraft('kit', ZHOU, NOW).vest, emptyStepDraft('kit', ZHOU, NOW).handbook]).toEqual([false, false])
  })

  it('check what must be filled in', () => {
    expect(stepProblems('recommend', draft('recommend', ZHOU), ZHOU, NOW)).toEqual({ grid_worker: 'selection.problem.required', opinion: 'selection.problem.required' })
    expect(stepProblems('recommend', draft('recommend', ZHOU, { grid_worker: ' 刘芳 ', opinion: '推荐' }), ZHOU, NOW)).toEqual({})
    expect(stepProblems('recommend', draft('recommend', ZHOU, { grid_worker: '刘'.repeat(41), opinion: '推荐' }), ZHOU, NOW)).toEqual({ grid_worker: 'selection.problem.shortText' })
    expect(stepProblems('branch_review', draft('branch_review', ZHOU, { opinion: '   ' }), ZHOU, NOW)).toEqual({ opinion: 'selection.problem.required' })
    expect(stepProblems('community_review', draft('community_review', ZHOU, { opinion: 'x'.repeat(2001) }), ZHOU, NOW)).toEqual({ opinion: 'selection.problem.longText' })
    expect(stepProblems('refuse', draft('refuse', ZHOU), ZHOU, NOW)).toEqual({ reason: 'selection.problem.required' })
    expect(stepProblems('refuse', draft('refuse', ZHOU, { reason: '不符合条件' }), ZHOU, NOW)).toEqual({})
    expect(stepProblems('appoint', draft('appoint', ZHOU, { vest: false, handbook: false, bag: false }), ZHOU, NOW)).toEqual({})
  })

  it('a department: one still missing, a day not in the future nor before the application, a note when it objects', () => {
    expect(stepProblems('department', draft('department', ZHAO), ZHAO, NOW)).toEqual({})
    expect(stepProblems('department', draft('department', ZHAO, { clear: false }), ZHAO, NOW)).toEqual({ note: 'selection.problem.required' })
    expect(stepProblems('department', draft('department', ZHAO, { clear: false, note: '有欠税记录' }), ZHAO, NOW)).toEqual({})
    expect(stepProblems('department', draft('department', ZHAO, { department: 'police' }), ZHAO, NOW)).toEqual({ department: 'selection.problem.departmentRequired' })
    expect(stepProblems('department', draft('department', ZHAO, { date: '2026-12-04' }), ZHAO, NOW)).toEqual({ date: 'selection.problem.dateFuture' })
    expect(stepProblems('department', draft('department', ZHAO, { date: '2026-10-13' }), ZHAO, NOW)).toEqual({ date: 'selection.problem.beforeApplied' })
    expect(stepProblems('department', draft('department', ZHAO, { date: '2026-02-30' }), ZHAO, NOW)).toEqual({ date: 'selection.problem.dateRequired' })
  })

  it('a notice runs 5 to 30 days, first and last included, with a contact', () => {
    const n = (starts_on: string, ends_on: string, contact = '社区') => stepProblems('notice', draft('notice', ZHOU, { starts_on, ends_on, contact }), ZHOU, NOW)
    expect(n('2026-12-03', '2026-12-06')).toEqual({ dates: 'selection.problem.noticeDays' })
    expect(n('2026-12-03', '2026-12-07')).toEqual({})
    expect(n('2026-12-03', '2027-01-01')).toEqual({})
    expect(n('2026-12-03', '2027-01-02')).toEqual({ dates: 'selection.problem.noticeDays' })
    expect(n('2026-12-07', '2026-12-03')).toEqual({ dates: 'selection.problem.datesRequired' })
    expect(n('2026-11-23', '2026-11-29')).toEqual({}) // in the past: paper notices reach the console late
    expect(n('2027-03-01', '2027-03-10')).toEqual({ dates: 'selection.problem.noticeFar' })
    expect(n('2026-12-03', '2026-12-09', ' ')).toEqual({ contact: 'selection.problem.required' })
    expect(noticeDays('2026-11-23', '2026-11-29')).toBe(7)
    expect(noticeDays('2026-12-31', '2027-01-01')).toBe(2)
    expect(noticeDays('2026-12-02', '2026-12-01')).toBeNull()
  })

  it('an objection: received within the notice, what was raised, 查实 or 不实 chosen, and the finding', () => {
    const o = (patch: Partial<StepDraft>) => stepProblems('objection', draft('objection', ZHOU, { text: '反映', finding: '核实', upheld: false, ...patch }), ZHOU, NOW)
    expect(o({})).toEqual({})
    expect(o({ upheld: null })).toEqual({ upheld: 'selection.problem.upheldRequired' })
    expect(o({ upheld: true })).toEqual({})
    expect(o({ received_on: '2026-11-25' })).toEqual({ received_on: 'selection.problem.outsideNotice' })
    expect(o({ received_on: '2026-12-03' })).toEqual({ received_on: 'selection.problem.outsideNotice' })
    expect(o({ finding: '' })).toEqual({ finding: 'selection.problem.required' })
    expect(o({ text: '' })).toEqual({ text: 'selection.problem.required' })
  })

  it('the kit: at least one item still missing', () => {
    const doc = { ...ZHOU, stage: 'appointed' as const, kit: { vest: '2026-12-03', handbook: null, bag: null } }
    expect(stepProblems('kit', draft('kit', doc), doc, NOW)).toEqual({ kit: 'selection.problem.kitRequired' })
    expect(stepProblems('kit', draft('kit', doc, { vest: true }), doc, NOW)).toEqual({ kit: 'selection.problem.kitRequired' })
    expect(stepProblems('kit', draft('kit', doc, { bag: true }), doc, NOW)).toEqual({})
  })

  it('become the action of their own step, trimmed, on the version as read', () => {
    expect(stepBody(ZHOU, 'recommend', draft('recommend', ZHOU, { grid_worker: ' 刘芳 ', opinion: ' 推荐 ', reason: 'x' }))).toEqual({
      version: 12, action: { step: 'recommend', grid_worker: '刘芳', opinion: '推荐' },
    })
    expect(stepAction('branch_review', draft('branch_review', ZHOU, { opinion: '同意 ' }))).toEqual({ step: 'branch_review', opinion: '同意' })
    expect(stepAction('community_review', draft('community_review', ZHOU, { opinion: '同意' }))).toEqual({ step: 'community_review', opinion: '同意' })
    expect(stepBody(ZHAO, 'department', draft('department', ZHAO, { date: '2026-11-30', clear: false, note: ' 有欠税 ' }))).toEqual({
      version: 8, action: { step: 'department', department: 'tax', date: '2026-11-30', clear: false, note: '有欠税' },
    })
    expect(stepAction('notice', draft('notice', ZHOU, { starts_on: '2026-11-23', ends_on: '2026-11-29', contact: ' 社区 ' }))).toEqual({
      step: 'notice', starts_on: '2026-11-23', ends_on: '2026-11-29', contact: '社区',
    })
    expect(stepAction('objection', draft('objection', ZHOU, { received_on: '2026-11-29', text: ' 反映 ', upheld: false, finding: ' 不实 ' }))).toEqual({
      step: 'objection', received_on: '2026-11-29', text: '反映', upheld: false, finding: '不实',
    })
    expect(stepAction('appoint', draft('appoint', ZHOU, { handbook: false }))).toEqual({ step: 'appoint', vest: true, handbook: false, bag: true })
    expect(stepAction('refuse', draft('refuse', ZHOU, { reason: ' 不符合条件 ' }))).toEqual({ step: 'refuse', reason: '不符合条件' })
  })

  it('a kit item already handed out is not sent again', () => {
    const kit = { vest: '2026-12-03', handbook: null, bag: null }
    expect(stepBody({ version: 14, kit }, 'kit', { ...emptyStepDraft('kit', ZHOU, NOW), vest: true, handbook: true })).toEqual({
      version: 14, action: { step: 'kit', vest: false, handbook: true, bag: false },
    })
  })

  it("show a refusal's field at its part of the form", () => {
    expect(stepErrorPart('department', 'note')).toBe('note')
    expect(stepErrorPart('department', 'date')).toBe('date')
    expect(stepErrorPart('notice', 'ends_on')).toBe('dates')
    expect(stepErrorPart('notice', 'starts_on')).toBe('dates')
    expect(stepErrorPart('notice', 'contact')).toBe('contact')
    expect(stepErrorPart('objection', 'received_on')).toBe('received_on')
    expect(stepErrorPart('recommend', 'grid_worker')).toBe('grid_worker')
    expect(stepErrorPart('kit', 'vest')).toBe('kit')
    expect(stepErrorPart('refuse', 'reason')).toBe('reason')
    expect(stepErrorPart('recommend', 'note')).toBe('')
    expect(stepErrorPart('appoint', null)).toBe('')
  })

  it("knows the server's 409 stale from other refusals", () => {
    expect(isStale(new ApiError(409, { code: 'stale', message: 'moved on' }))).toBe(true)
    expect(isStale(new ApiError(409, { code: 'wrong_step', message: 'not now' }))).toBe(false)
    expect(isStale(new ApiError(400, { code: 'stale', message: '' }))).toBe(false)
    expect(isStale(new Error('stale'))).toBe(false)
  })
})

describe('the new application', () => {
  const ok: ApplicationDraft = {
    compound_id: 'c1', applied_on: '2026-11-20', name: ' 林秀梅 ', gender: 'female', birth_date: '1970-06-01', phone: ' 139 0000 1111 ', address: '6栋1单元402',
    political_status: 'party_member', occupation: '', statement: ' 热心社区事务 ',
  }

  it('starts applied today (Shanghai) in the only compound given', () => {
    expect(emptyApplication('c1', LATE_UTC)).toMatchObject({ compound_id: 'c1', applied_on: '2026-12-03', name: '', gender: '', political_status: '' })
  })

  it('checks what must be filled in and the age (18 to 75), leaving the phone\'s form to the server', () => {
    expect(applicationProblems(ok, NOW)).toEqual({})
    expect(applicationProblems({ ...ok, phone: 'call me' }, NOW)).toEqual({})
    expect(Object.keys(applicationProblems(emptyApplication('', NOW), NOW)).sort()).toEqual(
      ['address', 'birth_date', 'compound_id', 'gender', 'name', 'phone', 'political_status', 'statement'].sort(),
    )
    expect(applicationProblems({ ...ok, birth_date: '2008-12-04' }, NOW)).toEqual({ birth_date: 'selection.problem.age' })
    expect(applicationProblems({ ...ok, birth_date: '2008-12-03' }, NOW)).toEqual({})
    expect(applicationProblems({ ...ok, birth_date: '1950-12-03' }, NOW)).toEqual({ birth_date: 'selection.problem.age' })
    expect(applicationProblems({ ...ok, birth_date: '1950-12-04' }, NOW)).toEqual({})
    expect(applicationProblems({ ...ok, applied_on: '2026-12-04' }, NOW)).toEqual({ applied_on: 'selection.problem.dateFuture' })
    expect(applicationProblems({ ...ok, applied_on: '2026-09-03' }, NOW)).toEqual({ applied_on: 'selection.problem.dateOld' })
    expect(applicationProblems({ ...ok, applied_on: '2026-09-04' }, NOW)).toEqual({})
    expect(ageOn('1962-01-15', '2026-12-03')).toBe(64)
    expect(ageOn('1962-12-04', '2026-12-03')).toBe(63)
    expect(ageOn('1962-12-03', '2026-12-03')).toBe(64)
  })

  it('becomes the body, trimmed, and a refusal shows at its field', () => {
    expect(applicationBody(ok)).toEqual({
      compound_id: 'c1', applied_on: '2026-11-20',
      applicant: { name: '林秀梅', gender: 'female', birth_date: '1970-06-01', phone: '139 0000 1111', address: '6栋1单元402', political_status: 'party_member', occupation: '', statement: '热心社区事务' },
    })
    for (const f of ['applied_on', 'name', 'birth_date', 'phone', 'address', 'occupation', 'statement']) expect(applicationErrorPart(f)).toBe(f)
    expect(applicationErrorPart('applicant.phone')).toBe('phone')
    expect(applicationErrorPart('compound_id')).toBe('compound_id')
    expect(applicationErrorPart('stage')).toBe('')
    expect(applicationErrorPart(undefined)).toBe('')
  })
})

describe('the list', () => {
  const rows = [row('a', 'refused', false), row('b', 'notice', true), row('c', 'branch_review', false), row('d', 'recommendation', true), row('e', 'notice', true)]

  it('waiting for me: the rows whose next step is mine, in the server\'s order', () => {
    expect(waitingForMe(rows).map((r) => r.id)).toEqual(['b', 'd', 'e'])
  })

  it('the stage filter from the URL, the rows at a stage and the counts of every stage', () => {
    expect(stageFilter({ stage: 'notice' })).toBe('notice')
    expect(stageFilter({ stage: 'nonsense' })).toBe('')
    expect(stageFilter({ stage: ['notice'] })).toBe('')
    expect(stageFilter({})).toBe('')
    expect(atStage(rows, 'notice').map((r) => r.id)).toEqual(['b', 'e'])
    expect(atStage(rows, '').map((r) => r.id)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(stageCounts(rows)).toEqual({ recommendation: 1, branch_review: 1, community_review: 0, departments: 0, to_notice: 0, notice: 2, appointed: 0, refused: 1 })
  })

  it('tags ended, refused, noticed and open stages apart', () => {
    expect(stageTag('appointed')).toBe('success')
    expect(stageTag('refused')).toBe('danger')
    expect(stageTag('notice')).toBe('warning')
    expect(stageTag('recommendation')).toBe('primary')
  })

  it('names the stages, steps, departments and kit in Chinese (the server\'s words first) and English', () => {
    expect(codeLabel('selectionStage', 'branch_review')).toBe('待小区党支部初审')
    expect(codeLabel('selectionStage', 'notice', '公示中（服务器）')).toBe('公示中（服务器）')
    expect(codeLabel('department', 'market_regulation')).toBe('市场监管')
    expect(codeLabel('department', 'discipline')).toBe('纪检监察')
    expect(codeLabel('politicalStatus', 'league_member')).toBe('共青团员')
    expect(codeLabel('kitItem', 'vest')).toBe('红马甲')
    expect(codeLabel('selectionStep', 'apply')).toBe('自荐申请')
    i18n.global.locale.value = 'en'
    expect(codeLabel('selectionStage', 'notice', '公示中')).toBe('Under notice')
    expect(codeLabel('department', 'petitions')).toBe('Petitions')
    expect(codeLabel('kitItem', 'handbook')).toBe('Handbook')
  })
})

describe("the town's counts", () => {
  const summary: SelectionSummary = {
    stages: (['recommendation', 'branch_review', 'community_review', 'departments', 'to_notice', 'notice', 'appointed', 'refused'] as const).map((stage) => ({ stage, stage_zh: stage })),
    compounds: [
      { compound_id: 'c2', compound: '汉韵花园', community_id: 'k1', community: '艺苑社区', counts: { departments: 1, refused: 1 }, total: 2 },
      { compound_id: 'c1', compound: '蜀汉美郡', community_id: 'k1', community: '艺苑社区', counts: { recommendation: 1, branch_review: 1, notice: 2 }, total: 4 },
    ],
    total: 6,
  }

  it('a row per compound with a count per stage, 0 for none, and the totals', () => {
    const rows = summaryRows(summary)
    expect(rows.map((r) => r.compound)).toEqual(['汉韵花园', '蜀汉美郡'])
    expect(rows[1].counts).toEqual([1, 1, 0, 0, 0, 2, 0, 0])
    expect(rows[0].counts).toEqual([0, 0, 0, 1, 0, 0, 0, 1])
    expect(summaryTotals(rows, 8)).toEqual({ counts: [1, 1, 0, 1, 0, 2, 0, 1], total: 6 })
    expect(summaryRows(null)).toEqual([])
  })
})

describe('the printed public notice', () => {
  const entry = (id: string, compound: string, starts_on: string, ends_on: string, contact = '艺苑社区党群服务中心'): NoticeEntry => ({
    id, name: id, gender_zh: '女', age: 47, political_status_zh: '群众', occupation: '', compound, community: '艺苑社区', starts_on, ends_on, contact,
  })

  it('lists only the notices not ended, grouped by period and contact, the earliest first, by compound within', () => {
    const groups = noticeGroups(
      [
        entry('周明', '蜀汉美郡', '2026-11-26', '2026-12-02'), // ended yesterday
        entry('孙丽', '蜀汉美郡', '2026-12-01', '2026-12-07'),
        entry('郑芳', '汉韵花园', '2026-12-01', '2026-12-07'),
        entry('钱进', '蜀汉美郡', '2026-12-03', '2026-12-09'),
        entry('冯敏', '蜀汉美郡', '2026-12-01', '2026-12-07', '0916-2210000'),
        entry('今天', '蜀汉美郡', '2026-11-27', '2026-12-03'), // its last day is today
      ],
      NOW,
    )
    expect(groups.map((g) => [g.starts_on, g.ends_on, g.entries.map((e) => e.id)])).toEqual([
      ['2026-11-27', '2026-12-03', ['今天']],
      ['2026-12-01', '2026-12-07', ['冯敏']],
      ['2026-12-01', '2026-12-07', ['郑芳', '孙丽']],
      ['2026-12-03', '2026-12-09', ['钱进']],
    ])
    expect(groups[1].contact).toBe('0916-2210000')
    expect(noticeGroups([entry('周明', '蜀汉美郡', '2026-11-26', '2026-12-02')], NOW)).toEqual([])
    // "Today" is Shanghai's: late on the 2nd in UTC is already the 3rd.
    expect(noticeGroups([entry('周明', '蜀汉美郡', '2026-11-26', '2026-12-02')], LATE_UTC)).toEqual([])
    expect(noticeGroups([entry('周明', '蜀汉美郡', '2026-11-26', '2026-12-02')], Date.UTC(2026, 11, 2, 15, 59)).length).toBe(1)
  })

  it('dates the notice as a Chinese document does', () => {
    expect(chineseDate('2026-12-03')).toBe('2026年12月3日')
    expect(chineseDate('2027-01-20')).toBe('2027年1月20日')
    expect(chineseDate('soon')).toBe('soon')
  })
})
