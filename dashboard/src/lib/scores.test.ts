import { afterEach, describe, expect, it } from 'vitest'
import { i18n } from '../i18n'
import type { ScoreComment } from '../api/types'
import {
  categoriesOf, chosenCompound, commentsByCriterion, criterionIssuesLink, formatScore, lastQuarter, nextQuarter, rulesBody, rulesErrorPart,
  rulesPeriods, rulesProblem, rulesRows, scoreQuarters, scoresExportUrl, scoresFilters, scoresQuery, scoresRoute, trendOption, trendSeries,
  weightsSum,
} from './scores'

const PLACE = '0168ec11-3289-4890-b7a8-b949feb8be01'
const NOW = Date.UTC(2026, 11, 2, 3)

afterEach(() => {
  i18n.global.locale.value = 'zh-CN'
})

describe('the quarters', () => {
  it('step forward across the year; the last quarter is the one before this', () => {
    expect(nextQuarter('2026-Q3')).toBe('2026-Q4')
    expect(nextQuarter('2026-Q4')).toBe('2027-Q1')
    expect(nextQuarter('soon')).toBe('soon')
    expect(lastQuarter(NOW)).toBe('2026-Q3')
  })

  it('the scores: this one and the seven before, newest first; the rules also the next one', () => {
    const eight = ['2026-Q4', '2026-Q3', '2026-Q2', '2026-Q1', '2025-Q4', '2025-Q3', '2025-Q2', '2025-Q1']
    expect(scoreQuarters('', NOW)).toEqual(eight)
    expect(scoreQuarters('2023-Q1', NOW)).toEqual([...eight, '2023-Q1'])
    expect(rulesPeriods('', NOW)).toEqual(['2027-Q1', ...eight])
    expect(rulesPeriods('2027-Q1', NOW)).toEqual(['2027-Q1', ...eight])
  })
})

describe('the scores screen: filters → query → export', () => {
  it('always has the quarter (this one by default), and the place when set', () => {
    expect(scoresQuery(scoresFilters({}, NOW))).toEqual({ quarter: '2026-Q4' })
    expect(scoresQuery(scoresFilters({ quarter: '2026-Q5' }, NOW))).toEqual({ quarter: '2026-Q4' })
    const f = scoresFilters({ quarter: '2026-Q3', place: PLACE, compound: 'c1' }, NOW)
    expect(f).toEqual({ quarter: '2026-Q3', place: PLACE })
    expect(scoresQuery(f)).toEqual({ quarter: '2026-Q3', place: PLACE })
  })

  it('keeps the filters and the chosen compound in the URL and reads them back', () => {
    const f = scoresFilters({ quarter: '2026-Q3', place: PLACE }, NOW)
    expect(scoresRoute(f, 'c1')).toEqual({ quarter: '2026-Q3', place: PLACE, compound: 'c1' })
    expect(scoresRoute(f)).toEqual({ quarter: '2026-Q3', place: PLACE })
    expect(scoresFilters(scoresRoute(f, 'c1'), NOW)).toEqual(f)
  })

  it('exports exactly the query plus format (never the chosen compound)', () => {
    const f = scoresFilters({ quarter: '2026-Q3', place: PLACE, compound: 'c1' }, NOW)
    expect(scoresExportUrl(f, 'csv')).toBe(`/v1/reports/scores?quarter=2026-Q3&place=${PLACE}&format=csv`)
    expect(scoresExportUrl(scoresFilters({}, NOW), 'xlsx')).toBe('/v1/reports/scores?quarter=2026-Q4&format=xlsx')
  })

  it('writes a score to one decimal, none as a dash', () => {
    expect(formatScore(83.8)).toBe('83.8')
    expect(formatScore(9)).toBe('9.0')
    expect(formatScore(null)).toBe('—')
    expect(formatScore(undefined)).toBe('—')
  })

  it('shows the compound asked for, else the first (ranked best)', () => {
    const a = { compound_id: 'a' } as never
    const b = { compound_id: 'b' } as never
    expect(chosenCompound([a, b], 'b')).toBe(b)
    expect(chosenCompound([a, b], 'x')).toBe(a)
    expect(chosenCompound([], 'x')).toBeNull()
  })

  it("links a criterion's issues to the board: the compound, every report time, its one category", () => {
    expect(criterionIssuesLink('c1', ['sanitation_dead_corner'])).toEqual({ name: 'issues', query: { place: 'c1', max_age_days: '0', category: 'sanitation_dead_corner' } })
    expect(criterionIssuesLink('c1', ['safety_hazard', 'ebike_parking'])).toEqual({ name: 'issues', query: { place: 'c1', max_age_days: '0' } })
    expect(criterionIssuesLink('c1', [])).toEqual({ name: 'issues', query: { place: 'c1', max_age_days: '0' } })
    const rules = [{ id: 'k1', name: '环境卫生', weight: 30, categories: ['sanitation_dead_corner'] }]
    expect(categoriesOf(rules, 'k1')).toEqual(['sanitation_dead_corner'])
    expect(categoriesOf(rules, 'k2')).toEqual([])
  })
})

describe('the comments and the trend', () => {
  const criteria = [
    { criterion_id: 'k1', name: '环境卫生' },
    { criterion_id: 'k2', name: '绿化养护' },
    { criterion_id: 'k3', name: '安全秩序' },
  ]

  it('groups the comments under their criteria in the rules order, lowest points first, and leaves out the empty', () => {
    const comments: ScoreComment[] = [
      { criterion_id: 'k3', points: 7, comment: '夜间巡逻不够' },
      { criterion_id: 'k1', points: 9, comment: '垃圾桶周边有异味' },
      { criterion_id: 'k3', points: 6, comment: ' 电瓶车乱停 ' },
      { criterion_id: 'k1', points: 8, comment: '楼道偶有垃圾' },
      { criterion_id: 'k2', points: 9, comment: '  ' },
      { criterion_id: 'gone', points: 1, comment: '旧项目' },
    ]
    expect(commentsByCriterion(criteria, comments)).toEqual([
      { criterion_id: 'k1', name: '环境卫生', comments: [{ points: 8, comment: '楼道偶有垃圾' }, { points: 9, comment: '垃圾桶周边有异味' }] },
      { criterion_id: 'k3', name: '安全秩序', comments: [{ points: 6, comment: '电瓶车乱停' }, { points: 7, comment: '夜间巡逻不够' }] },
    ])
    expect(commentsByCriterion(criteria, [])).toEqual([])
  })

  it('is four quarters oldest first, a quarter without scores a gap (null, not 0)', () => {
    const trend = [
      { quarter: '2026-Q3', total: 83.8 },
      { quarter: '2025-Q4', total: null },
      { quarter: '2026-Q1', total: 71.5 },
      { quarter: '2026-Q2', total: null },
    ]
    const s = trendSeries(trend)
    expect(s.quarters).toEqual(['2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3'])
    expect(s.totals).toEqual([null, 71.5, null, 83.8])
    expect(s.labels[3]).toBe('2026 年第 3 季度')
    const o = trendOption(trend, '综合得分') as { series: { type: string; data: unknown[]; connectNulls: boolean }[]; yAxis: { max: number }; xAxis: { data: string[] } }
    expect(o.xAxis.data).toEqual(['2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3'])
    expect(o.series[0]).toMatchObject({ type: 'line', data: [null, 71.5, null, 83.8], connectNulls: false })
    expect(o.yAxis.max).toBe(100)
  })
})

describe('the rules form', () => {
  const rows = [
    { name: '环境卫生', weight: 30, categories: ['sanitation_dead_corner'] },
    { name: '绿化养护', weight: 15, categories: [] },
    { name: '安全秩序', weight: 25, categories: ['safety_hazard', 'ebike_parking'] },
    { name: '设施维护', weight: 15, categories: [] },
    { name: '报修及问题处理', weight: 15, categories: [] },
  ]

  it('sums the weights, a blank one as 0', () => {
    expect(weightsSum(rows)).toBe(100)
    expect(weightsSum([{ weight: 20 }, { weight: NaN }])).toBe(20)
    expect(weightsSum([])).toBe(0)
  })

  it('publishes only when the weights add up to 100, every name is given and every weight a whole number', () => {
    expect(rulesProblem(rows)).toBeNull()
    expect(rulesProblem(rows.map((r, i) => (i === 0 ? { ...r, weight: 20 } : r)))).toBe('sum')
    expect(rulesProblem(rows.map((r, i) => (i === 0 ? { ...r, weight: 40 } : r)))).toBe('sum')
    expect(rulesProblem(rows.map((r, i) => (i === 1 ? { ...r, name: ' ' } : r)))).toBe('name')
    expect(rulesProblem(rows.map((r, i) => (i === 1 ? { ...r, weight: 7.5 } : i === 2 ? { ...r, weight: 32.5 } : r)))).toBe('weight')
    expect(rulesProblem(rows.map((r, i) => (i === 1 ? { ...r, weight: NaN } : r)))).toBe('weight')
    expect(rulesProblem([{ name: 'a', weight: 100, categories: [] }])).toBeNull()
    expect(rulesProblem([])).toBe('empty')
  })

  it('is filled from published rules (without ids) and sends period and criteria, names trimmed', () => {
    const published = [{ id: 'k1', name: '环境卫生', weight: 100, categories: ['sanitation_dead_corner'] }]
    expect(rulesRows(published)).toEqual([{ name: '环境卫生', weight: 100, categories: ['sanitation_dead_corner'] }])
    expect(rulesRows(undefined)).toEqual([])
    expect(rulesBody('2027-Q1', [{ name: ' 环境卫生 ', weight: 100, categories: ['other'] }])).toEqual({
      period: '2027-Q1',
      criteria: [{ name: '环境卫生', weight: 100, categories: ['other'] }],
    })
  })

  it("puts the server's refusal under the part its field names", () => {
    expect(rulesErrorPart('period')).toBe('period')
    expect(rulesErrorPart('criteria')).toBe('criteria')
    expect(rulesErrorPart('criteria[0].categories[0]')).toBe('criteria')
    expect(rulesErrorPart(undefined)).toBe('')
    expect(rulesErrorPart('body')).toBe('')
  })
})
