// The overview's figures as ECharts options (pure: data in, option out), and what a click on
// each leads to.
import type { EChartsCoreOption } from 'echarts/core'
import type { RouteLocationRaw } from 'vue-router'
import type { IssueCount, MustVisitRow, Steward, ThreeClearsRow, TimelyRow, TrendPoint, VisitsRow } from '../api/types'
import { BOARD_COLUMNS } from './issues'
import { CODES, codeLabel } from './labels'

type T = (key: string, params?: Record<string, unknown>) => string

const RED = '#c0262d'
const PALETTE = [RED, '#2563eb', '#16a34a', '#d97706', '#7c3aed', '#0891b2']
const base = { color: PALETTE, tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } }, legend: { top: 0 }, grid: { left: 40, right: 16, top: 40, bottom: 60, containLabel: true } }
const rotated = { axisLabel: { interval: 0, rotate: 30, fontSize: 13 } }

export function visitsOption(rows: VisitsRow[], t: T): EChartsCoreOption {
  return {
    ...base,
    xAxis: { type: 'category', data: rows.map((r) => r.steward), ...rotated },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('overview.planned'), type: 'bar', data: rows.map((r) => r.planned) },
      { name: t('overview.plannedVisited'), type: 'bar', data: rows.map((r) => r.planned_visited) },
      { name: t('overview.householdsVisited'), type: 'bar', data: rows.map((r) => r.households_visited) },
    ],
  }
}

/** Age buckets of an open must-visit, in days. */
export const AGE_BUCKETS = [
  { key: 'le7', min: 0, max: 7 },
  { key: 'le14', min: 8, max: 14 },
  { key: 'le30', min: 15, max: 30 },
  { key: 'gt30', min: 31, max: Infinity },
] as const

export function ageBucket(days: number): (typeof AGE_BUCKETS)[number] {
  return AGE_BUCKETS.find((b) => days >= b.min && days <= b.max) ?? AGE_BUCKETS[AGE_BUCKETS.length - 1]
}

export function mustVisitsOption(rows: MustVisitRow[], t: T): EChartsCoreOption {
  const triggers = CODES.trigger
  return {
    ...base,
    color: ['#16a34a', '#d97706', '#ea580c', RED],
    // Four buckets take two legend lines on a phone: room for both above the axis.
    grid: { ...base.grid, top: 60 },
    xAxis: { type: 'category', data: triggers.map((c) => codeLabel('trigger', c)), ...rotated },
    yAxis: { type: 'value', minInterval: 1 },
    series: AGE_BUCKETS.map((b) => ({
      name: t(`overview.age.${b.key}`),
      type: 'bar',
      stack: 'age',
      data: triggers.map((c) => ({ value: rows.filter((r) => r.trigger === c && ageBucket(r.age_days).key === b.key).length, code: c, bucket: b.key })),
    })),
  }
}

export function timelyOption(rows: TimelyRow[], t: T): EChartsCoreOption {
  const kinds = CODES.timelyKind
  const colors: Record<string, string> = { on_time: '#16a34a', late: '#d97706', open: '#2563eb', overdue: RED }
  return {
    ...base,
    color: CODES.timeliness.map((c) => colors[c]),
    xAxis: { type: 'category', data: kinds.map((k) => codeLabel('timelyKind', k)), ...rotated },
    yAxis: { type: 'value', minInterval: 1 },
    series: CODES.timeliness.map((tl) => ({
      name: codeLabel('timeliness', tl),
      type: 'bar',
      stack: 'timely',
      data: kinds.map((k) => ({ value: rows.filter((r) => r.kind === k && r.timeliness === tl).length, kind: k, timeliness: tl })),
    })),
    // t is kept for symmetry with the other builders.
    title: { show: false, text: t('overview.timely') },
  }
}

export function issuesOption(counts: IssueCount[]): EChartsCoreOption {
  return {
    ...base,
    xAxis: { type: 'category', data: BOARD_COLUMNS.map((s) => codeLabel('status', s)), ...rotated },
    yAxis: { type: 'value', minInterval: 1 },
    series: CODES.route.map((route) => ({
      name: codeLabel('route', route),
      type: 'bar',
      stack: 'route',
      data: BOARD_COLUMNS.map((status) => ({
        value: issueSum(counts, { status, route }),
        status,
        route,
      })),
    })),
  }
}

export function threeClearsOption(rows: ThreeClearsRow[], t: T): EChartsCoreOption {
  const names = [t('clears.party'), t('clears.basic'), t('clears.keyService')]
  return {
    ...base,
    // Three long names: on a phone the legend takes two lines, so it goes below the chart.
    legend: { bottom: 0 },
    grid: { ...base.grid, top: 20, bottom: 64 },
    xAxis: { type: 'category', data: rows.map((r) => r.steward), ...rotated },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: names.map((name, i) => ({ name, type: 'bar', data: rows.map((r) => r.percent[i] ?? 0) })),
  }
}

export function trendOption(points: TrendPoint[], t: T): EChartsCoreOption {
  return {
    ...base,
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: points.map((p) => p.month), boundaryGap: false },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('overview.visits'), type: 'line', smooth: true, data: points.map((p) => p.visits), areaStyle: { opacity: 0.08 } },
      { name: t('overview.householdsVisited'), type: 'line', smooth: true, data: points.map((p) => p.households_visited) },
    ],
  }
}

// -- the tables beside the charts -----------------------------------------------------------------

/** A row of a chart's table (src/components/DrillTable.vue). */
export interface DrillRow {
  key: string
  /** The row's `data-test`. */
  test: string
  /** More `data-*` attributes (keys without `data-`). */
  attrs?: Record<string, string>
  /** Where the row leads; `null`: nowhere. */
  to: RouteLocationRaw | null
  cells: (string | number)[]
}

type Place = { place?: string }

/** A steward's households list (with the overview's place). */
export function householdsOf(stewardId: string, scope: Place, extra: Record<string, string> = {}): RouteLocationRaw {
  return { name: 'households', query: { ...extra, steward_id: stewardId, ...(scope.place ? { place: scope.place } : {}) } }
}

function stewardRow(id: string | null, name: string, cells: (string | number)[], to: RouteLocationRaw | null): DrillRow {
  return id
    ? { key: id, test: 'overview-steward-row', attrs: { 'steward-id': id }, to, cells: [name, ...cells] }
    : { key: `name:${name}`, test: 'overview-row', to: null, cells: [name, ...cells] }
}

/** Stewards by name, for report rows that name a steward without the id (`null`: two share it). */
export function stewardIdsByName(stewards: readonly Steward[]): Map<string, string | null> {
  const m = new Map<string, string | null>()
  for (const s of stewards) m.set(s.name, m.has(s.name) ? null : s.id)
  return m
}

export function visitsTable(rows: VisitsRow[], scope: Place): DrillRow[] {
  return rows.map((r) => stewardRow(r.steward_id, r.steward, [r.planned, r.planned_visited, r.households_visited], householdsOf(r.steward_id, scope)))
}

export function clearsTable(rows: ThreeClearsRow[], scope: Place): DrillRow[] {
  return rows.map((r) =>
    stewardRow(r.steward_id, r.steward, [r.households, `${r.percent[0] ?? 0}%`, `${r.percent[1] ?? 0}%`, `${r.percent[2] ?? 0}%`], householdsOf(r.steward_id, scope)),
  )
}

/** Open must-visits per steward: all, and those waiting more than 14 days. */
export function mustVisitsTable(rows: MustVisitRow[], ids: Map<string, string | null>, scope: Place, unassigned: string): DrillRow[] {
  const by = new Map<string, { all: number; old: number }>()
  for (const r of rows) {
    const k = r.steward ?? ''
    const e = by.get(k) ?? { all: 0, old: 0 }
    e.all++
    if (r.age_days > 14) e.old++
    by.set(k, e)
  }
  return [...by.entries()]
    .sort((a, b) => b[1].all - a[1].all || a[0].localeCompare(b[0], 'zh-CN'))
    .map(([name, e]) => {
      const id = name ? ids.get(name) ?? null : null
      return stewardRow(id, name || unassigned, [e.all, e.old], id ? householdsOf(id, scope, { open_must_visit: 'true' }) : null)
    })
}

/** Timely responses per steward, by outcome (on time, late, open, overdue). */
export function timelyTable(rows: TimelyRow[], ids: Map<string, string | null>, scope: Place, unassigned: string): DrillRow[] {
  const by = new Map<string, Record<string, number>>()
  for (const r of rows) {
    const k = r.steward ?? ''
    const e = by.get(k) ?? { on_time: 0, late: 0, open: 0, overdue: 0 }
    e[r.timeliness] = (e[r.timeliness] ?? 0) + 1
    by.set(k, e)
  }
  return [...by.entries()]
    .sort((a, b) => a[0].localeCompare(b[0], 'zh-CN'))
    .map(([name, e]) => {
      const id = name ? ids.get(name) ?? null : null
      return stewardRow(id, name || unassigned, [e.on_time, e.late, e.open, e.overdue], id ? householdsOf(id, scope) : null)
    })
}

/** The issues counted by the rows that match (the rows split each status and route by origin). */
export function issueSum(counts: readonly IssueCount[], match: Partial<Pick<IssueCount, 'status' | 'route' | 'origin'>> = {}): number {
  return counts
    .filter((c) => (!match.status || c.status === match.status) && (!match.route || c.route === match.route) && (!match.origin || c.origin === match.origin))
    .reduce((n, c) => n + c.count, 0)
}

/** The matters the property company passed on (物业反馈), to the board with that origin. */
export function passedOnLink(scope: Place): RouteLocationRaw {
  return { name: 'issues', query: { origin: 'property_company', max_age_days: '0', ...(scope.place ? { place: scope.place } : {}) } }
}

/** Issues per status (both routes, and of them the ones passed on by the property company), each to the board's column. */
export function issuesTable(counts: IssueCount[], scope: Place): DrillRow[] {
  return BOARD_COLUMNS.map((status) => {
    const n = (route: IssueCount['route']) => issueSum(counts, { status, route })
    return {
      key: status,
      test: 'overview-status-row',
      attrs: { status },
      // Every issue, as the figure counts them (the board's own default is the last 90 days).
      to: { name: 'issues', query: { status, max_age_days: '0', ...(scope.place ? { place: scope.place } : {}) } },
      cells: [codeLabel('status', status), n('property_duty'), n('community_coordination'), issueSum(counts, { status, origin: 'property_company' })],
    }
  })
}

/** Visits per month, newest first; a row switches the overview to that month. */
export function trendTable(points: TrendPoint[], scope: Place): DrillRow[] {
  return [...points].reverse().map((p) => ({
    key: p.month,
    test: 'overview-month-row',
    attrs: { month: p.month },
    to: { name: 'overview', query: { month: p.month, ...(scope.place ? { place: scope.place } : {}) } },
    cells: [p.month, p.visits, p.households_visited],
  }))
}
