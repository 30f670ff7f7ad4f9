import { describe, expect, it } from 'vitest'
import type { HouseholdLine, HouseholdProfile } from '../api'
import { formatAddress, keepUntouched, percent, sortHouseholds } from './households'
import { errorWords } from './errors'

function line(id: string, building: string, room: string, planned: boolean): HouseholdLine {
  return { id, building, unit: '1', room, head_name: id, planned, visits_this_month: 0, open_must_visits: 0, last_visit_at: null }
}

describe('household helpers', () => {
  it('formats 楼栋-单元-室', () => {
    expect(formatAddress({ building: '3', unit: '2', room: '501' })).toBe('3-2-501')
    expect(formatAddress({ building: '3', unit: '', room: '501' })).toBe('3-501')
  })
  it('puts planned households first, then in natural address order', () => {
    const sorted = sortHouseholds([line('a', '10', '101', false), line('b', '2', '1201', true), line('c', '2', '301', true), line('d', '9', '1', false)])
    expect(sorted.map((h) => h.id)).toEqual(['c', 'b', 'd', 'a'])
  })
  it('percent is safe for an empty plan', () => {
    expect(percent(3, 12)).toBe(25)
    expect(percent(0, 0)).toBe(0)
    expect(percent(15, 12)).toBe(100)
  })
})

describe('error words', () => {
  const t = (k: string, p?: Record<string, unknown>) => `${k}${p && 'n' in p ? `(${p.n})` : ''}`
  it('picks the words by code and keeps the message as detail where it adds something', () => {
    expect(errorWords({ code: 'invalid', message: 'a comment needs its text' }, t)).toEqual({
      code: 'invalid',
      title: 'errors.invalid(0)',
      detail: 'a comment needs its text',
    })
    // The words for "offline" say it all; the English message would only repeat them.
    expect(errorWords({ code: 'offline', message: 'cannot reach the server' }, t)).toEqual({
      code: 'offline',
      title: 'errors.offline(0)',
      detail: '',
    })
    expect(errorWords({ code: 'unsynced_changes', message: 'm', count: 4 }, t).title).toBe('errors.unsynced_changes(4)')
  })
  it('falls back for unknown codes and non-command errors', () => {
    expect(errorWords({ code: 'weird', message: 'm' }, t).title).toBe('errors.unknown(0)')
    expect(errorWords(new Error('boom'), t)).toMatchObject({ code: 'unknown', detail: 'boom' })
  })
})

describe('keepUntouched', () => {
  const base: HouseholdProfile = {
    address: { building: '3 ', unit: '2', room: '501' },
    head_name: '李家根 ',
    member_count: 3,
    phone: '',
    party_member: null,
    key_service: ['illness', 'elderly_alone'],
    notes: '腿脚不便\n',
  }

  it('leaves untouched fields exactly as in the base, so they are not written', () => {
    const tidied: HouseholdProfile = {
      address: { building: '3', unit: '2', room: '501' },
      head_name: '李家根',
      member_count: 3,
      phone: null,
      party_member: null,
      key_service: ['elderly_alone', 'illness'],
      notes: '腿脚不便',
    }
    expect(keepUntouched(base, tidied)).toEqual(base)
  })

  it('keeps what the steward changed', () => {
    const changed: HouseholdProfile = {
      ...base,
      address: { building: '3', unit: '2', room: '502' },
      head_name: '李家根',
      member_count: 4,
      phone: '13900000000',
      party_member: true,
      key_service: [],
      notes: '腿脚不便',
    }
    const out = keepUntouched(base, changed)
    expect(out).toEqual({ ...base, address: { building: '3 ', unit: '2', room: '502' }, member_count: 4, phone: '13900000000', party_member: true, key_service: [] })
  })
})
