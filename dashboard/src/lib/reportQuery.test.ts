import { describe, expect, it } from 'vitest'
import {
  issueFilters, issuesQuery, ledgerQuery, mustVisitFilters, mustVisitsQuery, REPORT_PATHS, reportExportUrl, timelyFilters,
  timelyQuery, toRoute,
} from './reportQuery'

const PLACE = '0168ec11-3289-4890-b7a8-b949feb8be01'

describe('must-visits filters → query', () => {
  it('puts every set filter in the query under the server names, and leaves the rest out', () => {
    expect(mustVisitsQuery(mustVisitFilters({}))).toEqual({})
    const f = mustVisitFilters({ place: PLACE, trigger: 'illness_or_death', min_age_days: '15', steward_id: 's1' })
    expect(f).toEqual({ place: PLACE, steward_id: 's1', trigger: 'illness_or_death', min_age_days: 15 })
    expect(mustVisitsQuery(f)).toEqual({ place: PLACE, steward_id: 's1', trigger: 'illness_or_death', min_age_days: 15 })
  })

  it('drops what is not a trigger code or a whole number of days', () => {
    expect(mustVisitFilters({ trigger: 'birthday', min_age_days: '2.5' })).toEqual({ place: '', steward_id: '', trigger: '', min_age_days: 0 })
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
})

describe('issue board filters → query', () => {
  it('puts route, category, place, age and a status drill-down in the query', () => {
    expect(issuesQuery(issueFilters({}))).toEqual({})
    const f = issueFilters({ place: PLACE, route: 'property_duty', category: 'ebike_parking', min_age_days: '7', status: 'reported', issue: 'x' })
    expect(issuesQuery(f)).toEqual({ place: PLACE, status: 'reported', route: 'property_duty', category: 'ebike_parking', min_age_days: 7 })
  })

  it('drops unknown codes', () => {
    expect(issuesQuery(issueFilters({ route: 'mayor', category: 'noise', status: 'lost', min_age_days: 'soon' }))).toEqual({})
  })

  it('exports exactly what the board shows: its query plus format', () => {
    const q = issuesQuery(issueFilters({ route: 'community_coordination', category: 'other', min_age_days: '30', place: PLACE }))
    expect(reportExportUrl(REPORT_PATHS.issues, q, 'csv')).toBe(
      `/v1/reports/issues?place=${PLACE}&route=community_coordination&category=other&min_age_days=30&format=csv`,
    )
    expect(reportExportUrl(REPORT_PATHS.issues, q, 'xlsx')).toBe(
      `/v1/reports/issues?place=${PLACE}&route=community_coordination&category=other&min_age_days=30&format=xlsx`,
    )
  })
})

describe('the visit ledger', () => {
  it('is the month, the place and, for one steward, the steward', () => {
    expect(reportExportUrl(REPORT_PATHS.ledger, ledgerQuery('2026-12', PLACE), 'xlsx')).toBe(`/v1/reports/visit-ledger?month=2026-12&place=${PLACE}&format=xlsx`)
    expect(reportExportUrl(REPORT_PATHS.ledger, ledgerQuery('2026-12', '', 's1'), 'xlsx')).toBe('/v1/reports/visit-ledger?month=2026-12&steward_id=s1&format=xlsx')
  })
})
