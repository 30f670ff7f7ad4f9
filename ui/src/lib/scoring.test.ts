import { describe, expect, it } from 'vitest'
import type { Scoring, ScoringCriterion } from '../api'
import {
  POINTS, checkScores, draftsOf, formatTotal, joinNames, needsComment, periodLabel, scoreOf, scoredCount, validPoints,
  weightedTotal, type ScoreDrafts,
} from './scoring'

const criteria: ScoringCriterion[] = [
  { id: 'clean', name: '环境卫生', weight: 30, categories: ['sanitation_dead_corner'] },
  { id: 'safe', name: '安全管理', weight: 25, categories: ['safety_hazard', 'flying_wire_charging'] },
  { id: 'fix', name: '设施维修', weight: 25, categories: [] },
  { id: 'reply', name: '诉求响应', weight: 20, categories: [] },
]
const drafts = (points: (number | null)[], comments: string[] = []): ScoreDrafts =>
  Object.fromEntries(criteria.map((c, i) => [c.id, { points: points[i] ?? null, comment: comments[i] ?? '' }]))

describe('periodLabel', () => {
  it('reads "YYYY-Qn" as 2026年第4季度 in Chinese and Q4 2026 in English', () => {
    expect(periodLabel('2026-Q4', 'zh-CN')).toBe('2026年第4季度')
    expect(periodLabel('2025-Q1', 'zh-CN')).toBe('2025年第1季度')
    expect(periodLabel('2026-Q4', 'en')).toBe('Q4 2026')
  })
  it('leaves anything else as it is', () => {
    expect(periodLabel('2026-Q5', 'zh-CN')).toBe('2026-Q5')
    expect(periodLabel('2026-04', 'zh-CN')).toBe('2026-04')
    expect(periodLabel('', 'en')).toBe('')
  })
})

describe('points', () => {
  it('are the whole numbers 0 to 10', () => {
    expect(POINTS).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect([0, 5, 10].every(validPoints)).toBe(true)
    expect([-1, 11, 7.5, NaN, null, '8'].some(validPoints)).toBe(false)
  })
  it('below 10 needs a comment; 10 and not yet scored do not', () => {
    expect(needsComment(9)).toBe(true)
    expect(needsComment(0)).toBe(true)
    expect(needsComment(10)).toBe(false)
    expect(needsComment(null)).toBe(false)
  })
})

describe('weightedTotal', () => {
  it('sums weight × points / 10 over the criteria, to one decimal', () => {
    // 30×9/10 + 25×8/10 + 25×10/10 + 20×7/10 = 27 + 20 + 25 + 14 = 86
    expect(weightedTotal(criteria, drafts([9, 8, 10, 7]))).toBe(86)
    // 30×9/10 + 25×9/10 + 25×8/10 + 20×9/10 = 27 + 22.5 + 20 + 18 = 87.5
    expect(weightedTotal(criteria, drafts([9, 9, 8, 9]))).toBe(87.5)
    expect(formatTotal(weightedTotal(criteria, drafts([9, 9, 8, 9])))).toBe('87.5')
    expect(weightedTotal(criteria, drafts([10, 10, 10, 10]))).toBe(100)
    expect(weightedTotal(criteria, drafts([0, 0, 0, 0]))).toBe(0)
  })
  it('counts only the criteria scored so far', () => {
    expect(weightedTotal(criteria, drafts([10, null, 5, null]))).toBe(42.5)
    expect(weightedTotal(criteria, drafts([]))).toBe(0)
    expect(scoredCount(criteria, drafts([10, null, 5, null]))).toBe(2)
  })
  it('rounds to one decimal and always shows it', () => {
    const odd: ScoringCriterion[] = [
      { id: 'a', name: 'A', weight: 33.33, categories: [] },
      { id: 'b', name: 'B', weight: 66.67, categories: [] },
    ]
    expect(weightedTotal(odd, { a: { points: 7, comment: '' }, b: { points: 9, comment: '' } })).toBe(83.3)
    expect(formatTotal(86)).toBe('86.0')
  })
})

describe('checkScores', () => {
  it('nothing is missing when every criterion is scored and each one below 10 says why', () => {
    expect(checkScores(criteria, drafts([10, 8, 10, 0], ['', '楼道灯坏了一周', '', '电话没人接']))).toEqual([])
  })
  it('names the criteria not yet scored, in the bureau’s order', () => {
    expect(checkScores(criteria, drafts([10, null, 10, null]))).toEqual([
      { key: 'scoring.errors.unscored', ids: ['safe', 'reply'], names: ['安全管理', '诉求响应'] },
    ])
  })
  it('names the criteria below 10 without a comment; blanks are no comment; 10 needs none', () => {
    expect(checkScores(criteria, drafts([9, 10, 0, 7], ['', '', '  \n ', '回复慢']))).toEqual([
      { key: 'scoring.errors.noComment', ids: ['clean', 'fix'], names: ['环境卫生', '设施维修'] },
    ])
  })
  it('gives both at once, unscored first', () => {
    expect(checkScores(criteria, drafts([null, 6, 10, 10])).map((p) => [p.key, p.ids])).toEqual([
      ['scoring.errors.unscored', ['clean']],
      ['scoring.errors.noComment', ['safe']],
    ])
  })
  it('a criterion the screen holds no entry for is not scored', () => {
    expect(checkScores(criteria, {})[0].ids).toEqual(['clean', 'safe', 'fix', 'reply'])
  })
})

describe('draftsOf and scoreOf', () => {
  const scoring = (period: string): Scoring => ({
    rules: { period: '2026-Q4', criteria },
    score: {
      id: 's1', compound_id: 'c', steward_id: 'st', period, submitted_at: null,
      scores: [
        { criterion_id: 'safe', points: 8, comment: '飞线充电没管' },
        { criterion_id: 'clean', points: 10, comment: '' },
        { criterion_id: 'gone', points: 3, comment: '不在细则里' },
      ],
    },
  })
  it('one entry per criterion of the rules: saved ones with their points and comment, the rest unscored', () => {
    expect(draftsOf(scoring('2026-Q4'))).toEqual({
      clean: { points: 10, comment: '' },
      safe: { points: 8, comment: '飞线充电没管' },
      fix: { points: null, comment: '' },
      reply: { points: null, comment: '' },
    })
  })
  it('a score kept from another quarter is not this quarter’s', () => {
    expect(scoreOf(scoring('2026-Q3'))).toBeNull()
    expect(Object.values(draftsOf(scoring('2026-Q3'))).every((d) => d.points == null && d.comment === '')).toBe(true)
    expect(scoreOf(scoring('2026-Q4'))?.id).toBe('s1')
  })
  it('no rules: nothing to score', () => {
    expect(draftsOf({ rules: null, score: null })).toEqual({})
    expect(draftsOf(null)).toEqual({})
    expect(scoreOf({ rules: null, score: scoring('2026-Q4').score })).toBeNull()
  })
})

describe('joinNames', () => {
  it('joins with 、 in Chinese and commas in English', () => {
    expect(joinNames(['环境卫生', '安全管理'], 'zh-CN')).toBe('环境卫生、安全管理')
    expect(joinNames(['Cleaning', 'Safety'], 'en')).toBe('Cleaning, Safety')
  })
})
