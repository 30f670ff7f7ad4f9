import { afterEach, describe, expect, it } from 'vitest'
import { i18n } from '../i18n'
import type { EvaluationRow } from '../api/types'
import {
  currentHalf, evaluationBody, evaluationCells, evaluationDraft, evaluationErrorPart, evaluationExportUrl, evaluationFilters, evaluationProblems,
  evaluationQuery, evaluationRoute, halfLabel, halfMonths, halfOf, halfOptions, isEvaluated, isHalf, monthlyVisits, previousHalf, recentHalves,
  truncate,
} from './evaluation'

const PLACE = '0168ec11-3289-4890-b7a8-b949feb8be01'
/** 2 December 2026, 11:00 in Shanghai. */
const NOW = Date.UTC(2026, 11, 2, 3)

afterEach(() => {
  i18n.global.locale.value = 'zh-CN'
})

/** 王建国 in the demo, evaluated; and 李秀英, not yet. */
const WANG: EvaluationRow = {
  steward_id: 's2', steward: '王建国', compound_id: 'c1', compound: '蜀汉美郡', households: 15, visits: 63, households_visited: 15,
  monthly_visited: [8, 15, 7, 15, 8, 10], months_meeting_norm: 3, must_visits: 7, must_visits_answered: 2, must_visit_days: 8.8,
  timely: 0, timely_on_time: 0, party_member_known: 8, basic_profile_complete: 15, key_service_known: 12, issues_reported: 4,
  issues_verified: 1, meetings_held: 0, decisions: 0, decisions_followed: 0, score: 88,
  comment: '走访扎实，联席会议议定事项跟进及时；重点人员台账还需补全。', evaluated_at: NOW - 86_400_000,
}
const LI: EvaluationRow = {
  ...WANG, steward_id: 's1', steward: '李秀英', visits: 70, monthly_visited: [15, 7, 15, 8, 15, 10], months_meeting_norm: 4,
  must_visits: 2, must_visits_answered: 0, must_visit_days: null, timely: 4, timely_on_time: 2, party_member_known: 15,
  issues_reported: 3, meetings_held: 2, decisions: 6, decisions_followed: 3, score: null, comment: null, evaluated_at: null,
}

describe('the halves', () => {
  it('January–June is H1, July–December H2, in Shanghai time', () => {
    expect(halfOf(NOW)).toBe('2026-H2')
    expect(currentHalf(NOW)).toBe('2026-H2')
    expect(halfOf(Date.UTC(2026, 5, 30, 15, 59))).toBe('2026-H1') // 30 June 23:59 in Shanghai
    expect(halfOf(Date.UTC(2026, 5, 30, 16, 0))).toBe('2026-H2') // 1 July 00:00 in Shanghai
    expect(halfOf(Date.UTC(2026, 0, 1))).toBe('2026-H1')
  })

  it('steps back across the year', () => {
    expect(previousHalf('2026-H2')).toBe('2026-H1')
    expect(previousHalf('2026-H1')).toBe('2025-H2')
    expect(previousHalf('soon')).toBe('soon')
  })

  it('offers the half under way and the three before, newest first (and one from the URL)', () => {
    const four = ['2026-H2', '2026-H1', '2025-H2', '2025-H1']
    expect(recentHalves(4, NOW)).toEqual(four)
    expect(halfOptions('', NOW)).toEqual(four)
    expect(halfOptions('2026-H1', NOW)).toEqual(four)
    expect(halfOptions('2023-H2', NOW)).toEqual([...four, '2023-H2'])
    expect(halfOptions('2026-H3', NOW)).toEqual(four)
  })

  it('takes only YYYY-H1 and YYYY-H2', () => {
    expect(isHalf('2026-H2')).toBe(true)
    expect(isHalf('2026-H1')).toBe(true)
    for (const bad of ['2026-H3', '2026-H0', '2026-Q2', '26-H1', '2026-h1', '']) expect(isHalf(bad)).toBe(false)
  })

  it('names a half 2026年下半年 / 2026年上半年, in English too', () => {
    expect(halfLabel('2026-H2')).toBe('2026年下半年')
    expect(halfLabel('2026-H1')).toBe('2026年上半年')
    expect(halfLabel('nonsense')).toBe('nonsense')
    i18n.global.locale.value = 'en'
    expect(halfLabel('2026-H2')).toBe('H2 2026 (Jul–Dec)')
    expect(halfLabel('2026-H1')).toBe('H1 2026 (Jan–Jun)')
  })

  it('has six months, in the order of monthly_visited', () => {
    expect(halfMonths('2026-H1')).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'])
    expect(halfMonths('2026-H2')).toEqual(['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12'])
    expect(halfMonths('x')).toEqual([])
  })
})

describe('the screen: filters → query → export', () => {
  it('always has the half (the one under way by default), and the place when set', () => {
    expect(evaluationQuery(evaluationFilters({}, NOW))).toEqual({ half: '2026-H2' })
    expect(evaluationQuery(evaluationFilters({ half: '2026-H3' }, NOW))).toEqual({ half: '2026-H2' })
    const f = evaluationFilters({ half: '2026-H1', place: PLACE, other: 'x' }, NOW)
    expect(f).toEqual({ half: '2026-H1', place: PLACE })
    expect(evaluationQuery(f)).toEqual({ half: '2026-H1', place: PLACE })
    expect(evaluationFilters(evaluationRoute(f), NOW)).toEqual(f)
  })

  it('exports exactly the query plus format', () => {
    expect(evaluationExportUrl(evaluationFilters({}, NOW), 'xlsx')).toBe('/v1/reports/evaluation?half=2026-H2&format=xlsx')
    expect(evaluationExportUrl(evaluationFilters({ half: '2025-H2', place: PLACE }, NOW), 'csv')).toBe(`/v1/reports/evaluation?half=2025-H2&place=${PLACE}&format=csv`)
  })
})

describe('a row in words', () => {
  it('writes each indicator as the table shows it: a/b, the months of six, the mean days', () => {
    expect(evaluationCells(WANG)).toEqual({
      compound: '蜀汉美郡',
      steward: '王建国',
      visits: '63',
      households: '15/15',
      norm: '3/6',
      'must-visits': '2/7',
      'must-visit-days': '平均 8.8 天',
      timely: '0/0',
      'clear-party': '8/15',
      'clear-basic': '15/15',
      'clear-key-service': '12/15',
      issues: '4/1',
      meetings: '0 次',
      decisions: '0/0',
      score: '88',
      // 29 characters: cut to 24.
      comment: '走访扎实，联席会议议定事项跟进及时；重点人员台账…',
    })
  })

  it('says 未评价 with no score, and no mean days when no must-visit was answered', () => {
    const c = evaluationCells(LI)
    expect(c.score).toBe('未评价')
    expect(c.comment).toBe('—')
    expect(c['must-visits']).toBe('0/2')
    expect(c['must-visit-days']).toBe('')
    expect([c.timely, c.meetings, c.decisions, c.norm]).toEqual(['2/4', '2 次', '3/6', '4/6'])
    expect(isEvaluated(LI)).toBe(false)
    expect(isEvaluated(WANG)).toBe(true)
    expect(isEvaluated({ score: 0 })).toBe(true)
    expect(evaluationCells({ ...LI, score: 0 }).score).toBe('0')
    i18n.global.locale.value = 'en'
    expect(evaluationCells(LI).score).toBe('Not evaluated')
  })

  it('cuts a long comment to 24 characters with …', () => {
    const long = '走访扎实，联席会议议定事项跟进及时；重点人员台账还需补全，下半年继续加强。'
    expect(truncate(long)).toBe(`${[...long].slice(0, 24).join('')}…`)
    expect([...truncate(long)].length).toBe(25)
    expect(truncate('  好  ')).toBe('好')
    expect(truncate(null)).toBe('—')
    expect(truncate('   ')).toBe('—')
    expect(truncate('😀'.repeat(30), 3)).toBe('😀😀😀…')
  })

  it('gives each month of the half its households visited and whether it reached the norm', () => {
    expect(monthlyVisits(WANG, '2026-H2', 10)).toEqual([
      { month: '2026-07', visited: 8, met: false },
      { month: '2026-08', visited: 15, met: true },
      { month: '2026-09', visited: 7, met: false },
      { month: '2026-10', visited: 15, met: true },
      { month: '2026-11', visited: 8, met: false },
      { month: '2026-12', visited: 10, met: true },
    ])
  })
})

describe('the score dialog', () => {
  it('starts from the score and comment given, or empty', () => {
    expect(evaluationDraft(WANG)).toEqual({ score: 88, comment: WANG.comment })
    expect(evaluationDraft(LI)).toEqual({ score: null, comment: '' })
    expect(evaluationDraft(null)).toEqual({ score: null, comment: '' })
  })

  it('takes a whole score from 0 to 100 and a comment of at most 2000 characters', () => {
    expect(evaluationProblems({ score: 92, comment: '好' })).toEqual({})
    expect(evaluationProblems({ score: 0, comment: '' })).toEqual({})
    expect(evaluationProblems({ score: 100, comment: 'x'.repeat(2000) })).toEqual({})
    expect(evaluationProblems({ score: null, comment: '' })).toEqual({ score: 'evaluation.problem.scoreRequired' })
    expect(evaluationProblems({ score: Number.NaN, comment: '' })).toEqual({ score: 'evaluation.problem.scoreRequired' })
    expect(evaluationProblems({ score: 101, comment: '' })).toEqual({ score: 'evaluation.problem.scoreRange' })
    expect(evaluationProblems({ score: -1, comment: '' })).toEqual({ score: 'evaluation.problem.scoreRange' })
    expect(evaluationProblems({ score: 92.5, comment: '' })).toEqual({ score: 'evaluation.problem.scoreRange' })
    expect(evaluationProblems({ score: 90, comment: '评'.repeat(2001) })).toEqual({ comment: 'evaluation.problem.commentLong' })
    // Surrounding spaces do not count; characters are code points, as the server counts them.
    expect(evaluationProblems({ score: 90, comment: ` ${'x'.repeat(2000)} ` })).toEqual({})
    expect(evaluationProblems({ score: 90, comment: '😀'.repeat(2000) })).toEqual({})
  })

  it('sends the score and the trimmed comment (empty clears it)', () => {
    expect(evaluationBody({ score: 92, comment: '  入户走访细致。 ' })).toEqual({ score: 92, comment: '入户走访细致。' })
    expect(evaluationBody({ score: 60, comment: '' })).toEqual({ score: 60, comment: '' })
  })

  it("shows the server's refusal beside the score or the comment, else above the buttons", () => {
    expect(evaluationErrorPart('score')).toBe('score')
    expect(evaluationErrorPart('comment')).toBe('comment')
    expect(evaluationErrorPart('half')).toBe('')
    expect(evaluationErrorPart(undefined)).toBe('')
  })
})
