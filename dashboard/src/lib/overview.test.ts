import { describe, expect, it } from 'vitest'
import { issueSum, issuesOption, issuesTable, mustVisitsTable, passedOnLink, stewardIdsByName, trendTable, visitsTable } from './overview'
import type { IssueCount, MustVisitRow } from '../api/types'

const P = { place: 'c1' }

describe("the overview's tables beside the charts", () => {
  it("link each steward's row to that steward's households", () => {
    const rows = visitsTable([{ steward_id: 's1', steward: '李秀英', month: '2026-12', planned: 12, planned_visited: 5, visits: 9, households_visited: 7, plan_out_of_range: false }], P)
    expect(rows).toEqual([
      { key: 's1', test: 'overview-steward-row', attrs: { 'steward-id': 's1' }, to: { name: 'households', query: { steward_id: 's1', place: 'c1' } }, cells: ['李秀英', 12, 5, 7] },
    ])
  })

  it('count open must-visits per steward, by name, and leave a shared or missing name unlinked', () => {
    const ids = stewardIdsByName([
      { id: 's1', compound_id: 'c1', name: '李秀英' },
      { id: 's2', compound_id: 'c1', name: '王建国' },
      { id: 's3', compound_id: 'c2', name: '王建国' },
    ])
    const mv = (steward: string | null, age_days: number) => ({ steward, age_days }) as MustVisitRow
    const rows = mustVisitsTable([mv('李秀英', 3), mv('李秀英', 20), mv('王建国', 1), mv(null, 40)], ids, {}, '未分配')
    expect(rows.map((r) => [r.test, r.attrs?.['steward-id'], r.cells])).toEqual([
      ['overview-steward-row', 's1', ['李秀英', 2, 1]],
      ['overview-row', undefined, ['未分配', 1, 1]],
      ['overview-row', undefined, ['王建国', 1, 0]],
    ])
    expect(rows[0].to).toEqual({ name: 'households', query: { open_must_visit: 'true', steward_id: 's1' } })
  })

  it('link issue statuses to the board and months to the overview', () => {
    const rows = issuesTable([{ status: 'reported', route: 'property_duty', origin: 'steward', count: 2 }, { status: 'reported', route: 'community_coordination', origin: 'steward', count: 1 }], {})
    // To every issue of that status, as the figure counts them, not the board's default 90 days.
    expect(rows[0]).toMatchObject({ test: 'overview-status-row', attrs: { status: 'reported' }, to: { name: 'issues', query: { status: 'reported', max_age_days: '0' } } })
    expect(rows[0].cells.slice(1)).toEqual([2, 1, 0])
    expect(trendTable([{ month: '2026-11', visits: 3, households_visited: 2 }, { month: '2026-12', visits: 5, households_visited: 4 }], {}).map((r) => r.key)).toEqual(['2026-12', '2026-11'])
  })

  it('add up the counts split by origin: both routes per status, and of them the matters passed on', () => {
    const counts: IssueCount[] = [
      { status: 'reported', route: 'property_duty', origin: 'steward', count: 4 },
      { status: 'reported', route: 'community_coordination', origin: 'steward', count: 2 },
      { status: 'reported', route: 'community_coordination', origin: 'property_company', count: 3 },
      { status: 'verified', route: 'community_coordination', origin: 'property_company', count: 1 },
      { status: 'verified', route: 'property_duty', origin: 'steward', count: 5 },
    ]
    const rows = issuesTable(counts, P)
    const byStatus = Object.fromEntries(rows.map((r) => [r.key, r.cells.slice(1)]))
    // 状态 | 物业职责 | 社区协调 | 其中物业反馈
    expect(byStatus.reported).toEqual([4, 5, 3])
    expect(byStatus.verified).toEqual([5, 1, 1])
    expect(byStatus.accepted).toEqual([0, 0, 0])
    // Every issue counted once: the table, the chart and the sum agree.
    const tableSum = rows.reduce((n, r) => n + Number(r.cells[1]) + Number(r.cells[2]), 0)
    expect(tableSum).toBe(15)
    expect(issueSum(counts)).toBe(15)
    const series = (issuesOption(counts) as { series: { data: { value: number }[] }[] }).series
    expect(series.flatMap((s) => s.data).reduce((n, d) => n + d.value, 0)).toBe(15)
    expect(issueSum(counts, { origin: 'property_company' })).toBe(4)
    expect(issueSum(counts, { status: 'reported', route: 'community_coordination' })).toBe(5)
    expect(passedOnLink(P)).toEqual({ name: 'issues', query: { origin: 'property_company', max_age_days: '0', place: 'c1' } })
  })
})
