import { describe, expect, it } from 'vitest'
import type { EvaluationIndicators, EvaluationRecord } from '../api'
import { formatDays, halfLabel, halfMonths, indicatorGroups, monthBars, monthLabel, monthlyNorm, newestScored } from './evaluation'

const ind = (over: Partial<EvaluationIndicators> = {}): EvaluationIndicators => ({
  households: 15, visits: 64, households_visited: 15, monthly_visited: [12, 9, 11, 10, 6, 13], months_meeting_norm: 4,
  must_visits: 6, must_visits_answered: 5, must_visit_days: 1.25, timely: 8, timely_on_time: 7,
  party_member_known: 14, basic_profile_complete: 12, key_service_known: 15,
  issues_reported: 9, issues_verified: 6, meetings_held: 2, decisions: 5, decisions_followed: 4,
  ...over,
})
const record = (half: string, score: number | null): EvaluationRecord => ({
  id: half, compound_id: 'c', steward_id: 's', half, score, comment: '', evaluated_at: null, computed_at: 0, indicators: ind(),
})

describe('halfLabel', () => {
  it('reads "YYYY-H1/H2" as 上半年/下半年 in Chinese and H1/H2 in English', () => {
    expect(halfLabel('2026-H2', 'zh-CN')).toBe('2026年下半年')
    expect(halfLabel('2026-H1', 'zh-CN')).toBe('2026年上半年')
    expect(halfLabel('2026-H2', 'en')).toBe('H2 2026')
  })
  it('leaves anything else as it is', () => {
    expect(halfLabel('2026-H3', 'zh-CN')).toBe('2026-H3')
    expect(halfLabel('2026-Q4', 'en')).toBe('2026-Q4')
  })
})

describe('months', () => {
  it('a half’s six months, and their labels', () => {
    expect(halfMonths('2026-H1')).toEqual([1, 2, 3, 4, 5, 6])
    expect(halfMonths('2026-H2')).toEqual([7, 8, 9, 10, 11, 12])
    expect(halfMonths('bad')).toEqual([])
    expect(monthLabel(7, 'zh-CN')).toBe('7月')
    expect(monthLabel(12, 'en')).toBe('Dec')
  })
  it('bars: the norm is 10, or every household when there are fewer; heights against the busiest month', () => {
    expect(monthlyNorm(15)).toBe(10)
    expect(monthlyNorm(6)).toBe(6)
    expect(monthlyNorm(0)).toBe(10)
    const bars = monthBars('2026-H2', ind({ monthly_visited: [20, 9, 10, 0, 5, 10] }))
    expect(bars.map((b) => [b.month, b.n, b.met, b.pct])).toEqual([
      [7, 20, true, 100], [8, 9, false, 45], [9, 10, true, 50], [10, 0, false, 0], [11, 5, false, 25], [12, 10, true, 50],
    ])
    expect(monthBars('2026-H1', ind({ households: 4, monthly_visited: [4, 3] })).map((b) => [b.month, b.n, b.met])).toEqual([
      [1, 4, true], [2, 3, false], [3, 0, false], [4, 0, false], [5, 0, false], [6, 0, false],
    ])
  })
})

describe('the rest', () => {
  it('newestScored skips halves the community has not scored', () => {
    expect(newestScored([record('2026-H2', null), record('2026-H1', 80), record('2025-H2', 90)])?.half).toBe('2026-H1')
    expect(newestScored([record('2026-H2', 0)])?.score).toBe(0)
    expect(newestScored([record('2026-H2', null)])).toBeNull()
    expect(newestScored(null)).toBeNull()
  })
  it('formatDays: one decimal, none when whole', () => {
    expect(formatDays(1.25)).toBe('1.3')
    expect(formatDays(3)).toBe('3')
    expect(formatDays(2.04)).toBe('2')
  })
  it('every indicator key appears once, b of the three clears is the households', () => {
    const groups = indicatorGroups(ind())
    const keys = groups.flatMap((g) => g.rows.map((r) => r.key))
    expect(new Set(keys).size).toBe(keys.length)
    expect(keys.sort()).toEqual(Object.keys(ind()).filter((k) => k !== 'households').sort())
    const clears = groups.find((g) => g.key === 'clears')!.rows
    expect(clears.map((r) => r.value?.params)).toEqual([{ n: 14, total: 15 }, { n: 12, total: 15 }, { n: 15, total: 15 }])
  })
})
