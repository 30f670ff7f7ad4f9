import { describe, expect, it } from 'vitest'
import type { PairingCount } from '../api/types'
import { caseStatus, pairingExportUrl, pairingFilters, pairingListQuery, pairingQuery, pairingRoute, pairingSums } from './pairing'

const PLACE = '0168ec11-3289-4890-b7a8-b949feb8be01'

describe('pairing filters → query', () => {
  it('asks every case by default, and puts each set filter under the server names', () => {
    expect(pairingQuery(pairingFilters({}))).toEqual({})
    const f = pairingFilters({ from: '2026-01', to: '2026-06', need: 'tuition', outcome: 'subsidy', status: 'closed', place: PLACE, steward_id: 's1' })
    expect(pairingQuery(f)).toEqual({ from: '2026-01', to: '2026-06', need: 'tuition', outcome: 'subsidy', status: 'closed', place: PLACE, steward_id: 's1' })
  })

  it('drops unknown codes and months, and turns a backwards period round', () => {
    expect(pairingQuery(pairingFilters({ from: '2026-13', to: 'soon', need: 'money', outcome: 'rich', status: 'lost' }))).toEqual({})
    expect(pairingQuery(pairingFilters({ from: '2026-09', to: '2026-03' }))).toEqual({ from: '2026-03', to: '2026-09' })
    expect(pairingQuery(pairingFilters({ to: '2026-03' }))).toEqual({ to: '2026-03' })
  })

  it('asks the list a page at a time and exports every row: the same query plus format', () => {
    const f = pairingFilters({ need: 'medical', status: 'open', page: '3' })
    expect(pairingListQuery(f)).toEqual({ need: 'medical', status: 'open', page: 3, per_page: 50 })
    expect(pairingExportUrl(f, 'xlsx')).toBe('/v1/reports/pairing?need=medical&status=open&format=xlsx')
    expect(pairingRoute(f)).toEqual({ need: 'medical', status: 'open', page: '3' })
    expect(pairingFilters(pairingRoute(f))).toEqual(f)
    expect(pairingRoute({ ...f, page: 1 })).toEqual({ need: 'medical', status: 'open' })
  })
})

describe('the counts by need', () => {
  const none = { subsidy: 0, job: 0, treatment: 0, relieved: 0, unresolved: 0 }
  const counts: PairingCount[] = [
    { need: 'tuition', need_zh: '助学', open: 0, closed: 1, outcomes: { ...none, subsidy: 1 }, amount_yuan: 6000 },
    { need: 'employment', need_zh: '就业', open: 2, closed: 1, outcomes: { ...none, job: 1 }, amount_yuan: 0 },
    { need: 'medical', need_zh: '看病就医', open: 1, closed: 2, outcomes: { ...none, treatment: 1, unresolved: 1 }, amount_yuan: 1500.5 },
  ]

  it('add up over every need, outcome by outcome', () => {
    expect(pairingSums(counts)).toEqual({ open: 3, closed: 4, outcomes: { subsidy: 1, job: 1, treatment: 1, relieved: 0, unresolved: 1 }, amount_yuan: 7500.5 })
    expect(pairingSums([])).toEqual({ open: 0, closed: 0, outcomes: none, amount_yuan: 0 })
  })

  it('call a case open until it is closed', () => {
    expect(caseStatus({ closed_at: null })).toBe('open')
    expect(caseStatus({ closed_at: 1791871690902 })).toBe('closed')
  })
})
