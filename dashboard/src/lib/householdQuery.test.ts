import { describe, expect, it } from 'vitest'
import { queryString } from '../api/client'
import { emptyFilters, filterQuery, filtersFromRoute, filtersToRoute, householdExportUrl, listQuery } from './householdQuery'

describe('households filters → query', () => {
  it('leaves unset filters out and adds the page', () => {
    expect(listQuery(emptyFilters())).toEqual({ page: 1, per_page: 50 })
  })

  it('puts every set filter in the query', () => {
    const f = { ...emptyFilters(), q: ' 唐建平 ', tag: 'elderly_alone', steward_id: 's1', place: 'p1', open_must_visit: true, sort: 'last_visit_at', order: 'desc' as const, page: 3 }
    expect(listQuery(f)).toEqual({
      q: '唐建平', tag: 'elderly_alone', steward_id: 's1', place: 'p1', open_must_visit: true, sort: 'last_visit_at', order: 'desc', page: 3, per_page: 50,
    })
  })

  it('exports exactly the filtered list: the same query plus format, every page', () => {
    const f = { ...emptyFilters(), q: '5栋', tag: 'party_member', open_must_visit: true, sort: 'address', order: 'asc' as const, page: 2 }
    const { page: _p, per_page: _pp, ...filters } = listQuery(f)
    expect(householdExportUrl(f, 'xlsx')).toBe('/v1/households' + queryString({ ...filters, format: 'xlsx' }))
    expect(householdExportUrl(f, 'csv')).toBe(
      '/v1/households?q=5%E6%A0%8B&tag=party_member&open_must_visit=true&sort=address&order=asc&format=csv',
    )
    expect(filterQuery(f)).toEqual(filters)
  })

  it('keeps the filters in the URL and reads them back', () => {
    const f = { ...emptyFilters(), q: '王', steward_id: 's2', open_must_visit: true, sort: 'head_name', order: 'desc' as const, page: 4, per_page: 100 }
    expect(filtersFromRoute(filtersToRoute(f))).toEqual(f)
  })

  it('ignores nonsense in the URL', () => {
    const f = filtersFromRoute({ sort: 'phone', order: 'sideways', page: '-2', per_page: '7', open_must_visit: 'yes' })
    expect(f.sort).toBe('')
    expect(f.order).toBe('')
    expect(f.page).toBe(1)
    expect(f.per_page).toBe(50)
    expect(f.open_must_visit).toBe(false)
  })
})
