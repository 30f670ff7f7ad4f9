import { describe, expect, it } from 'vitest'
import {
  BOARD_LIMIT, boardPages, issueFilters, issuesBoardQuery, issuesQuery, issuesRoute, ledgerQuery, LIST_PER_PAGE, mustVisitFilters,
  mustVisitsListQuery, mustVisitsQuery, mustVisitsRoute, REPORT_PAGE_MAX, REPORT_PATHS, reportExportUrl, timelyFilters, timelyListQuery,
  timelyQuery, timelyRoute, toRoute,
} from './reportQuery'

const PLACE = '0168ec11-3289-4890-b7a8-b949feb8be01'

describe('must-visits filters → query', () => {
  it('puts every set filter in the query under the server names, and leaves the rest out', () => {
    expect(mustVisitsQuery(mustVisitFilters({}))).toEqual({})
    const f = mustVisitFilters({ place: PLACE, trigger: 'illness_or_death', min_age_days: '15', steward_id: 's1' })
    expect(f).toEqual({ place: PLACE, steward_id: 's1', trigger: 'illness_or_death', min_age_days: 15, page: 1 })
    expect(mustVisitsQuery(f)).toEqual({ place: PLACE, steward_id: 's1', trigger: 'illness_or_death', min_age_days: 15 })
  })

  it('drops what is not a trigger code or a whole number of days', () => {
    expect(mustVisitFilters({ trigger: 'birthday', min_age_days: '2.5' })).toEqual({ place: '', steward_id: '', trigger: '', min_age_days: 0, page: 1 })
    expect(mustVisitFilters({ min_age_days: '-3' }).min_age_days).toBe(0)
    expect(mustVisitFilters({ min_age_days: '0' }).min_age_days).toBe(0)
  })

  it('exports exactly the list: its query plus format', () => {
    const q = mustVisitsQuery(mustVisitFilters({ place: PLACE, trigger: 'hardship', min_age_days: '7' }))
    expect(reportExportUrl(REPORT_PATHS.mustVisits, q, 'xlsx')).toBe(`/v1/reports/must-visits?place=${PLACE}&trigger=hardship&min_age_days=7&format=xlsx`)
    expect(reportExportUrl(REPORT_PATHS.mustVisits, q, 'csv')).toBe(`/v1/reports/must-visits?place=${PLACE}&trigger=hardship&min_age_days=7&format=csv`)
    expect(reportExportUrl(REPORT_PATHS.mustVisits, {}, 'csv')).toBe('/v1/reports/must-visits?format=csv')
  })

  it('keeps the filters in the URL and reads them back', () => {
    const f = mustVisitFilters({ trigger: 'strong_emotions', min_age_days: '31' })
    expect(mustVisitFilters(toRoute(mustVisitsQuery(f)))).toEqual(f)
    const p = mustVisitFilters({ trigger: 'hardship', page: '3' })
    expect(mustVisitsRoute(p)).toEqual({ trigger: 'hardship', page: '3' })
    expect(mustVisitFilters(mustVisitsRoute(p))).toEqual(p)
    expect(mustVisitsRoute(mustVisitFilters({ trigger: 'hardship', page: '1' }))).toEqual({ trigger: 'hardship' })
  })

  it('asks the list a page at a time; the export has no paging', () => {
    expect(LIST_PER_PAGE).toBe(50)
    expect(mustVisitsListQuery(mustVisitFilters({}))).toEqual({ page: 1, per_page: 50 })
    const f = mustVisitFilters({ place: PLACE, trigger: 'hardship', min_age_days: '7', page: '4' })
    expect(mustVisitsListQuery(f)).toEqual({ place: PLACE, trigger: 'hardship', min_age_days: 7, page: 4, per_page: 50 })
    expect(mustVisitFilters({ page: '0' }).page).toBe(1)
    expect(mustVisitFilters({ page: 'x' }).page).toBe(1)
    const url = reportExportUrl(REPORT_PATHS.mustVisits, mustVisitsQuery(f), 'xlsx')
    expect(url).toBe(`/v1/reports/must-visits?place=${PLACE}&trigger=hardship&min_age_days=7&format=xlsx`)
    expect(url).not.toMatch(/page/)
  })
})

describe('timely filters → query', () => {
  const now = Date.UTC(2026, 11, 2, 3)

  it('always has the month (this month by default), and every set filter', () => {
    expect(timelyQuery(timelyFilters({}, now))).toEqual({ month: '2026-12' })
    expect(timelyQuery(timelyFilters({ month: '2026-13' }, now))).toEqual({ month: '2026-12' })
    const f = timelyFilters({ month: '2026-11', place: PLACE, kind: 'urgent_help', timeliness: 'overdue' }, now)
    expect(timelyQuery(f)).toEqual({ month: '2026-11', place: PLACE, kind: 'urgent_help', timeliness: 'overdue' })
  })

  it('drops unknown kinds and outcomes', () => {
    expect(timelyQuery(timelyFilters({ kind: 'fire', timeliness: 'soon' }, now))).toEqual({ month: '2026-12' })
    for (const tl of ['on_time', 'late', 'open', 'overdue']) expect(timelyFilters({ timeliness: tl }, now).timeliness).toBe(tl)
  })

  it('exports exactly the list: its query plus format', () => {
    const q = timelyQuery(timelyFilters({ month: '2026-11', kind: 'dispute', timeliness: 'late' }, now))
    expect(reportExportUrl(REPORT_PATHS.timely, q, 'xlsx')).toBe('/v1/reports/timely?month=2026-11&kind=dispute&timeliness=late&format=xlsx')
    expect(reportExportUrl(REPORT_PATHS.timely, q, 'csv')).toBe('/v1/reports/timely?month=2026-11&kind=dispute&timeliness=late&format=csv')
  })

  it('asks the list a page at a time, keeps the page in the URL; the export has no paging', () => {
    const f = timelyFilters({ month: '2026-11', kind: 'dispute', page: '2' }, now)
    expect(timelyListQuery(f)).toEqual({ month: '2026-11', kind: 'dispute', page: 2, per_page: 50 })
    expect(timelyListQuery(timelyFilters({}, now))).toEqual({ month: '2026-12', page: 1, per_page: 50 })
    expect(timelyRoute(f)).toEqual({ month: '2026-11', kind: 'dispute', page: '2' })
    expect(timelyFilters(timelyRoute(f), now)).toEqual(f)
    const url = reportExportUrl(REPORT_PATHS.timely, timelyQuery(f), 'csv')
    expect(url).toBe('/v1/reports/timely?month=2026-11&kind=dispute&format=csv')
    expect(url).not.toMatch(/page/)
  })
})

describe('issue board filters → query', () => {
  it('puts route, category, place, age and a status drill-down in the query', () => {
    expect(issuesQuery(issueFilters({}))).toEqual({ max_age_days: 90 })
    const f = issueFilters({ place: PLACE, route: 'property_duty', category: 'ebike_parking', min_age_days: '7', status: 'reported', issue: 'x', max_age_days: '0' })
    expect(issuesQuery(f)).toEqual({ place: PLACE, status: 'reported', route: 'property_duty', category: 'ebike_parking', min_age_days: 7 })
  })

  it('drops unknown codes', () => {
    expect(issuesQuery(issueFilters({ route: 'mayor', category: 'noise', status: 'lost', min_age_days: 'soon', max_age_days: 'x', origin: 'mayor' }))).toEqual({ max_age_days: 90 })
  })

  it("filters by origin: a steward's report or a matter the property company passed on (物业反馈), kept in the URL", () => {
    const f = issueFilters({ origin: 'property_company', category: 'schooling', max_age_days: '0' })
    expect(f.origin).toBe('property_company')
    expect(issuesQuery(f)).toEqual({ category: 'schooling', origin: 'property_company' })
    expect(issuesRoute(f)).toEqual({ category: 'schooling', origin: 'property_company', max_age_days: '0' })
    expect(issueFilters(issuesRoute(f))).toEqual(f)
    expect(issuesQuery(issueFilters({ origin: 'steward' }))).toEqual({ origin: 'steward', max_age_days: 90 })
    expect(reportExportUrl(REPORT_PATHS.issues, issuesQuery(f), 'xlsx')).toBe('/v1/reports/issues?category=schooling&origin=property_company&format=xlsx')
  })

  it('exports exactly what the board shows: its query plus format', () => {
    const q = issuesQuery(issueFilters({ route: 'community_coordination', category: 'other', min_age_days: '30', place: PLACE, max_age_days: '0' }))
    expect(reportExportUrl(REPORT_PATHS.issues, q, 'csv')).toBe(
      `/v1/reports/issues?place=${PLACE}&route=community_coordination&category=other&min_age_days=30&format=csv`,
    )
    expect(reportExportUrl(REPORT_PATHS.issues, q, 'xlsx')).toBe(
      `/v1/reports/issues?place=${PLACE}&route=community_coordination&category=other&min_age_days=30&format=xlsx`,
    )
  })

  it('has a report-time window: 近90天 by default, 近30天, 近一年 or 全部 (left out), in the URL', () => {
    expect(issueFilters({}).max_age_days).toBe(90)
    expect(issuesQuery(issueFilters({ max_age_days: '30' }))).toEqual({ max_age_days: 30 })
    expect(issuesQuery(issueFilters({ max_age_days: '365' }))).toEqual({ max_age_days: 365 })
    expect(issuesQuery(issueFilters({ max_age_days: '0' }))).toEqual({})
    for (const d of [30, 90, 365, 0]) {
      const f = issueFilters({ category: 'other', max_age_days: String(d) })
      expect(issueFilters(issuesRoute(f))).toEqual(f)
    }
    expect(issuesRoute(issueFilters({}))).toEqual({})
    expect(issuesRoute(issueFilters({ max_age_days: '0' }))).toEqual({ max_age_days: '0' })
  })

  it('sends the window to the board and to its export; only the board pages', () => {
    const f = issueFilters({ route: 'property_duty', max_age_days: '30' })
    expect(issuesBoardQuery(f)).toEqual({ route: 'property_duty', max_age_days: 30, page: 1, per_page: REPORT_PAGE_MAX })
    expect(issuesBoardQuery(issueFilters({}), 2)).toEqual({ max_age_days: 90, page: 2, per_page: 500 })
    const url = reportExportUrl(REPORT_PATHS.issues, issuesQuery(f), 'xlsx')
    expect(url).toBe('/v1/reports/issues?route=property_duty&max_age_days=30&format=xlsx')
    expect(reportExportUrl(REPORT_PATHS.issues, issuesQuery(issueFilters({})), 'csv')).toBe('/v1/reports/issues?max_age_days=90&format=csv')
  })

  it('asks for enough pages to show the newest 1000 and no more', () => {
    expect(BOARD_LIMIT).toBe(1000)
    expect(boardPages(0)).toBe(1)
    expect(boardPages(500)).toBe(1)
    expect(boardPages(501)).toBe(2)
    expect(boardPages(1000)).toBe(2)
    expect(boardPages(21_600)).toBe(2)
  })
})

describe('the visit ledger', () => {
  it('is the month, the place and, for one steward, the steward', () => {
    expect(reportExportUrl(REPORT_PATHS.ledger, ledgerQuery('2026-12', PLACE), 'xlsx')).toBe(`/v1/reports/visit-ledger?month=2026-12&place=${PLACE}&format=xlsx`)
    expect(reportExportUrl(REPORT_PATHS.ledger, ledgerQuery('2026-12', '', 's1'), 'xlsx')).toBe('/v1/reports/visit-ledger?month=2026-12&steward_id=s1&format=xlsx')
  })
})
