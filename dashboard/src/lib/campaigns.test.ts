import { describe, expect, it } from 'vitest'
import type { CampaignReport, CampaignTaskRow } from '../api/types'
import {
  addDays, answerOf, campaignBody, campaignState, dayValue, draftProblems, emptyDraft, enrolUri, formatAnswer, handoverCandidates, newField,
  progressFilters, progressListQuery, progressPercent, progressQuery, progressRoute, reportRows, shownRows, splitOptions, startErrorPart,
  temporaryErrorPart, temporaryIds, temporaryProblems, today, type CampaignDraft,
} from './campaigns'

const NOW = Date.UTC(2026, 11, 2, 2) // 2026-12-02 10:00 in Shanghai

function draft(patch: Partial<CampaignDraft> = {}): CampaignDraft {
  return {
    title: '冬季人员摸排',
    kind: 'screening',
    starts_on: '2026-12-02',
    ends_on: '2026-12-15',
    place_id: 'p1',
    fields: [{ label: '家中有无发热人员', kind: 'yes_no', options: '', required: true }],
    ...patch,
  }
}

describe('the start form', () => {
  it('starts on today for a week, over the place given, with one required yes/no field', () => {
    expect(today(NOW)).toBe('2026-12-02')
    // Shanghai is ahead of UTC: 17:00 UTC is already the next day there.
    expect(today(Date.UTC(2026, 11, 2, 17))).toBe('2026-12-03')
    expect(emptyDraft('p9', NOW)).toEqual({
      title: '', kind: 'screening', starts_on: '2026-12-02', ends_on: '2026-12-08', place_id: 'p9',
      fields: [{ label: '', kind: 'yes_no', options: '', required: true }],
    })
    expect(addDays('2026-12-28', 6)).toBe('2027-01-03')
    expect(dayValue('2026-02-30')).toBeNull()
    expect(dayValue('2026-12-1')).toBeNull()
  })

  it('is sendable when the server would take it', () => {
    expect(draftProblems(draft())).toEqual({})
  })

  it('needs a title of at most 100 characters', () => {
    expect(draftProblems(draft({ title: '   ' }))).toEqual({ title: 'campaigns.problem.titleRequired' })
    expect(draftProblems(draft({ title: '摸'.repeat(100) }))).toEqual({})
    expect(draftProblems(draft({ title: '摸'.repeat(101) }))).toEqual({ title: 'campaigns.problem.titleLong' })
  })

  it('needs both days, in order, at most a year apart, and a place', () => {
    expect(draftProblems(draft({ ends_on: '' })).dates).toBe('campaigns.problem.datesRequired')
    expect(draftProblems(draft({ ends_on: '2026-12-01' })).dates).toBe('campaigns.problem.datesOrder')
    expect(draftProblems(draft({ ends_on: '2026-12-02' }))).toEqual({})
    // At most 366 days from the first to the last (the server's rule).
    expect(draftProblems(draft({ ends_on: '2027-12-03' }))).toEqual({})
    expect(draftProblems(draft({ ends_on: '2027-12-04' })).dates).toBe('campaigns.problem.datesLong')
    expect(draftProblems(draft({ place_id: '' }))).toEqual({ place: 'campaigns.problem.placeRequired' })
  })

  it('needs 1 to 20 fields, each with a label', () => {
    expect(draftProblems(draft({ fields: [] }))).toEqual({ fields: 'campaigns.problem.fieldsNone' })
    const many = Array.from({ length: 21 }, (_, i) => ({ ...newField('number'), label: `第${i}项` }))
    expect(draftProblems(draft({ fields: many }))).toEqual({ fields: 'campaigns.problem.fieldsMany' })
    expect(draftProblems(draft({ fields: many.slice(0, 20) }))).toEqual({})
    expect(draftProblems(draft({ fields: [newField('text'), { ...newField(), label: '有无' }] }))).toEqual({ 'fields.0.label': 'campaigns.problem.labelRequired' })
  })

  it('needs a choice to have at least two different options (a comma list, blanks left out)', () => {
    const choice = (options: string) => draft({ fields: [{ label: '近期外出', kind: 'choice', options, required: false }] })
    expect(draftProblems(choice(''))).toEqual({ 'fields.0.options': 'campaigns.problem.optionsFew' })
    expect(draftProblems(choice('未外出, ,'))).toEqual({ 'fields.0.options': 'campaigns.problem.optionsFew' })
    expect(draftProblems(choice('省内，省内'))).toEqual({ 'fields.0.options': 'campaigns.problem.optionsTwice' })
    expect(draftProblems(choice(' 省内 , 省内'))).toEqual({ 'fields.0.options': 'campaigns.problem.optionsTwice' })
    expect(draftProblems(choice('未外出，省内、省外'))).toEqual({})
    expect(draftProblems(choice(Array.from({ length: 21 }, (_, i) => `选项${i}`).join(',')))).toEqual({ 'fields.0.options': 'campaigns.problem.optionsMany' })
    // Options typed for another kind are not its problem: they are not sent.
    expect(draftProblems(draft({ fields: [{ label: '人数', kind: 'number', options: '一', required: true }] }))).toEqual({})
  })

  it('splits options on commas (half- and full-width), 、, semicolons and new lines', () => {
    expect(splitOptions(' 未外出，省内,省外、 国外;港澳；\n其他 ')).toEqual(['未外出', '省内', '省外', '国外', '港澳', '其他'])
    expect(splitOptions(' , ，')).toEqual([])
  })

  it('sends the body the server takes: trimmed, options only for a choice', () => {
    const d = draft({
      title: '  防汛排查 ',
      kind: 'flood',
      fields: [
        { label: ' 房屋是否进水 ', kind: 'yes_no', options: '', required: true },
        { label: '需要转移', kind: 'choice', options: '不需要，需要', required: false },
        { label: '常住人数', kind: 'number', options: 'left over', required: true },
        { label: '备注', kind: 'text', options: '', required: false },
      ],
    })
    expect(campaignBody(d)).toEqual({
      title: '防汛排查',
      kind: 'flood',
      starts_on: '2026-12-02',
      ends_on: '2026-12-15',
      place_id: 'p1',
      fields: [
        { label: '房屋是否进水', kind: 'yes_no', required: true },
        { label: '需要转移', kind: 'choice', required: false, options: ['不需要', '需要'] },
        { label: '常住人数', kind: 'number', required: true },
        { label: '备注', kind: 'text', required: false },
      ],
    })
  })

  it("shows a refusal beside the part its field names", () => {
    expect(['title', 'kind', 'starts_on', 'ends_on', 'place_id', 'fields', 'fields[1].options', 'other', null].map(startErrorPart)).toEqual([
      'title', 'kind', 'dates', 'dates', 'place', 'fields', 'fields', '', '',
    ])
    expect(['name', 'household_ids', 'compound_id', 'x', undefined].map(temporaryErrorPart)).toEqual(['name', 'households', 'compound', '', ''])
  })
})

describe('a campaign', () => {
  it('is under way until its last day is over, or closed', () => {
    expect(campaignState({ closed_at: null, ends_on: '2026-12-02' }, NOW)).toBe('open')
    expect(campaignState({ closed_at: null, ends_on: '2026-12-01' }, NOW)).toBe('ended')
    expect(campaignState({ closed_at: NOW - 1000, ends_on: '2026-12-15' }, NOW)).toBe('closed')
  })

  it('shows progress in whole percent', () => {
    expect([progressPercent(3, 42), progressPercent(0, 0), progressPercent(42, 42), progressPercent(1, 3), progressPercent(2, 3), progressPercent(41, 42)]).toEqual([7, 0, 100, 33, 67, 98])
  })
})

const row = (id: string, patch: Partial<CampaignTaskRow> = {}): CampaignTaskRow => ({
  household_id: id, compound_id: 'c1', compound: '蜀汉美郡', address: `1栋1单元${id}室`, name: `户主${id}`, steward_id: 's1', steward: '李秀英',
  answered_at: null, answered_by: null, answers: {}, ...patch,
})

function report(rows: CampaignReport['rows'], households = 3): CampaignReport {
  return {
    campaign: {
      id: 'k1', title: '冬季人员摸排', kind: 'screening', kind_zh: '人员摸排', starts_on: '2026-12-02', ends_on: '2026-12-15', place_id: 'p1', place: '艺苑社区',
      fields: [], created_at: NOW, closed_at: null, households, answered: 1,
    },
    households,
    answered: 1,
    compounds: [],
    stewards: [],
    rows,
  }
}

describe('the progress screen', () => {
  it('keeps its filters in the URL and asks a page of 全部, every household for 未完成', () => {
    const f = progressFilters({ place: 'c1', show: 'open', page: '2', other: 'x' })
    expect(f).toEqual({ place: 'c1', steward_id: '', show: 'open', page: 2 })
    expect(progressFilters({ show: 'nonsense', page: '-1' })).toEqual({ place: '', steward_id: '', show: 'all', page: 1 })
    expect(progressQuery('k1', f)).toEqual({ campaign_id: 'k1', place: 'c1' })
    expect(progressListQuery('k1', f)).toEqual({ campaign_id: 'k1', place: 'c1' })
    expect(progressListQuery('k1', { ...f, show: 'all' })).toEqual({ campaign_id: 'k1', place: 'c1', page: 2, per_page: 50 })
    expect(progressRoute(f)).toEqual({ place: 'c1', show: 'open', page: '2' })
    expect(progressRoute({ place: '', steward_id: 's1', show: 'all', page: 1 })).toEqual({ steward_id: 's1' })
  })

  it('reads the households as a bare list or a page of them', () => {
    const rows = [row('101'), row('102')]
    expect(reportRows(report(rows))).toEqual(rows)
    expect(reportRows(report({ total: 60, page: 2, per_page: 50, rows }))).toEqual(rows)
    expect(reportRows(null)).toEqual([])
    expect(shownRows(report({ total: 60, page: 2, per_page: 50, rows }), { place: '', steward_id: '', show: 'all', page: 2 })).toEqual({ rows, total: 60 })
    expect(shownRows(report(rows, 42), { place: '', steward_id: '', show: 'all', page: 1 })).toEqual({ rows, total: 42 })
  })

  it('未完成: only the unanswered, paged here', () => {
    const rows = Array.from({ length: 60 }, (_, i) => row(String(100 + i), i % 4 === 0 ? { answered_at: NOW } : {}))
    const first = shownRows(report(rows, 60), { place: '', steward_id: '', show: 'open', page: 1 })
    expect(first.total).toBe(45)
    expect(first.rows).toHaveLength(45)
    expect(first.rows.every((r) => !r.answered_at)).toBe(true)
    expect(first.rows[0].household_id).toBe('101')
    expect(shownRows(report(rows, 60), { place: '', steward_id: '', show: 'open', page: 2 }).rows).toEqual([])
  })

  it('shows answers in words: 是/否, numbers, the option or text; nothing for none', () => {
    expect(formatAnswer(true)).toBe('是')
    expect(formatAnswer(false)).toBe('否')
    expect(formatAnswer(4)).toBe('4')
    expect(formatAnswer(2.5)).toBe('2.5')
    expect(formatAnswer(1200)).toBe('1,200')
    expect(formatAnswer(0)).toBe('0')
    expect(formatAnswer('省外')).toBe('省外')
    expect(formatAnswer(undefined)).toBe('')
    expect(formatAnswer(null)).toBe('')
    expect(formatAnswer(false, { yes: 'Yes', no: 'No' })).toBe('No')
    const r = row('101', { answers: { f1: false, f2: 4, f3: '未外出' } })
    expect(['f1', 'f2', 'f3', 'f4'].map((id) => answerOf(r, { id }))).toEqual(['否', '4', '未外出', ''])
  })
})

describe('temporary stewards', () => {
  it('may take over the unanswered households of the compound still with their regular steward', () => {
    const rows = [
      row('101', { answered_at: NOW }),
      row('102'),
      row('103', { steward_id: 't1', steward: '张志愿' }),
      row('104', { compound_id: 'c2' }),
      row('105'),
    ]
    const temporary = temporaryIds([
      { id: 's1', name: '李秀英', households: 4, answered: 1 },
      { id: 't1', name: '张志愿', temporary: true, households: 1, answered: 0 },
    ])
    expect([...temporary]).toEqual(['t1'])
    expect(handoverCandidates(rows, 'c1', temporary).map((r) => r.household_id)).toEqual(['102', '105'])
    expect(handoverCandidates(rows, 'c2', temporary).map((r) => r.household_id)).toEqual(['104'])
  })

  it('need a compound, a name of at most 40 characters and 1 to 500 households', () => {
    expect(temporaryProblems({ compound_id: 'c1', name: ' 张志愿 ', household_ids: ['h1'] })).toEqual({})
    expect(temporaryProblems({ compound_id: '', name: ' ', household_ids: [] })).toEqual({
      compound: 'campaigns.problem.compoundRequired', name: 'campaigns.problem.nameRequired', households: 'campaigns.problem.householdsNone',
    })
    expect(temporaryProblems({ compound_id: 'c1', name: '张'.repeat(41), household_ids: Array.from({ length: 501 }, (_, i) => `h${i}`) })).toEqual({
      name: 'campaigns.problem.nameLong', households: 'campaigns.problem.householdsMany',
    })
  })

  it("enrol with the same link a regular code's QR code encodes", () => {
    expect(enrolUri('http://127.0.0.1:8911', 'RQWF9X543D')).toBe('redsteward://enrol?server=http%3A%2F%2F127.0.0.1%3A8911&code=RQWF9X543D')
  })
})
