import { afterEach, describe, expect, it } from 'vitest'
import { i18n } from '../i18n'
import type { Attendee, FollowUpRecord } from '../api/types'
import {
  attendeesByParty, currentQuarter, decisionFilters, decisionsExportUrl, decisionsListQuery, decisionsQuery, decisionsRoute, decisionState,
  followUpActions, followUpBody, followUpsOf, isQuarter, meetingFilters, meetingsExportUrl, meetingsQuery, meetingsRoute, needsText,
  previousQuarter, quarterLabel, quarterOf, quarterOptions, recentQuarters, stateLabel, stateTag,
} from './meetings'

const PLACE = '0168ec11-3289-4890-b7a8-b949feb8be01'
const DAY = 86_400_000
const NOW = Date.UTC(2026, 11, 2, 3)

afterEach(() => {
  i18n.global.locale.value = 'zh-CN'
})

describe('quarters', () => {
  it('are the program time zone\'s (Asia/Shanghai), whatever the browser\'s', () => {
    expect(quarterOf(NOW)).toBe('2026-Q4')
    expect(currentQuarter(NOW)).toBe('2026-Q4')
    // 31 March 17:00 UTC is already 1 April in Shanghai.
    expect(quarterOf(Date.UTC(2026, 2, 31, 17))).toBe('2026-Q2')
    expect(quarterOf(Date.UTC(2026, 2, 31, 15))).toBe('2026-Q1')
    expect(quarterOf(Date.UTC(2026, 5, 30, 12))).toBe('2026-Q2')
    expect(quarterOf(Date.UTC(2026, 6, 1, 12))).toBe('2026-Q3')
  })

  it('step back across the year', () => {
    expect(previousQuarter('2026-Q3')).toBe('2026-Q2')
    expect(previousQuarter('2026-Q1')).toBe('2025-Q4')
  })

  it('offered: this one and the seven before, newest first, and an older one from the URL', () => {
    const eight = ['2026-Q4', '2026-Q3', '2026-Q2', '2026-Q1', '2025-Q4', '2025-Q3', '2025-Q2', '2025-Q1']
    expect(recentQuarters(8, NOW)).toEqual(eight)
    expect(quarterOptions('', NOW)).toEqual(eight)
    expect(quarterOptions('2026-Q2', NOW)).toEqual(eight)
    expect(quarterOptions('2023-Q2', NOW)).toEqual([...eight, '2023-Q2'])
    expect(quarterOptions('2023-Q9', NOW)).toEqual(eight)
  })

  it('are YYYY-Qn, in words in both languages', () => {
    expect(isQuarter('2026-Q4')).toBe(true)
    for (const bad of ['2026-Q0', '2026-Q5', '2026-4', '1999-Q1', '2026-q4', '']) expect(isQuarter(bad), bad).toBe(false)
    expect(quarterLabel('2026-Q4')).toBe('2026 年第 4 季度')
    i18n.global.locale.value = 'en'
    expect(quarterLabel('2026-Q1')).toBe('Q1 2026')
    expect(quarterLabel('soon')).toBe('soon')
  })
})

describe('the meetings screen: filters → query → export', () => {
  it('always has the quarter (this one by default), and the place when set', () => {
    expect(meetingsQuery(meetingFilters({}, NOW))).toEqual({ quarter: '2026-Q4' })
    expect(meetingsQuery(meetingFilters({ quarter: '2026-Q7' }, NOW))).toEqual({ quarter: '2026-Q4' })
    const f = meetingFilters({ quarter: '2026-Q3', place: PLACE, meeting: 'm1' }, NOW)
    expect(f).toEqual({ quarter: '2026-Q3', place: PLACE })
    expect(meetingsQuery(f)).toEqual({ quarter: '2026-Q3', place: PLACE })
    expect(meetingFilters(meetingsRoute(f), NOW)).toEqual(f)
  })

  it('exports exactly the compounds table: its query plus format', () => {
    const f = meetingFilters({ quarter: '2026-Q3', place: PLACE }, NOW)
    expect(meetingsExportUrl(f, 'csv')).toBe(`/v1/reports/meetings?quarter=2026-Q3&place=${PLACE}&format=csv`)
    expect(meetingsExportUrl(meetingFilters({}, NOW), 'xlsx')).toBe('/v1/reports/meetings?quarter=2026-Q4&format=xlsx')
  })
})

describe('the decisions screen: filters → query → export', () => {
  it('every meeting\'s decisions by default; quarter, place, party and status under the server\'s names', () => {
    expect(decisionsQuery(decisionFilters({}))).toEqual({})
    const f = decisionFilters({ quarter: '2026-Q4', place: PLACE, party: 'property_company', status: 'late', meeting: 'm', decision: 'd' })
    expect(f).toEqual({ quarter: '2026-Q4', place: PLACE, party: 'property_company', status: 'late', page: 1 })
    expect(decisionsQuery(f)).toEqual({ quarter: '2026-Q4', place: PLACE, party: 'property_company', status: 'late' })
  })

  it('drops what is not a quarter, a party or a status', () => {
    expect(decisionFilters({ quarter: '2026-Q5', party: 'mayor', status: 'soon', page: '0' })).toEqual({ quarter: '', place: '', party: '', status: '', page: 1 })
    for (const s of ['open', 'done', 'late']) expect(decisionFilters({ status: s }).status).toBe(s)
    for (const p of ['community', 'branch', 'property_company', 'owners_committee', 'steward']) expect(decisionFilters({ party: p }).party).toBe(p)
  })

  it('gives a property company no party filter (it has only its own)', () => {
    expect(decisionFilters({ party: 'branch', status: 'open' }, 'property')).toMatchObject({ party: '', status: 'open' })
    expect(decisionFilters({ party: 'branch' }, 'supervisor').party).toBe('branch')
  })

  it('asks the list a page at a time and keeps the page in the URL; the export has every row', () => {
    const f = decisionFilters({ quarter: '2026-Q3', status: 'open', page: '2' })
    expect(decisionsListQuery(f)).toEqual({ quarter: '2026-Q3', status: 'open', page: 2, per_page: 50 })
    expect(decisionsRoute(f)).toEqual({ quarter: '2026-Q3', status: 'open', page: '2' })
    expect(decisionFilters(decisionsRoute(f))).toEqual(f)
    expect(decisionsRoute(decisionFilters({ party: 'steward', page: '1' }))).toEqual({ party: 'steward' })
    const url = decisionsExportUrl(f, 'xlsx')
    expect(url).toBe('/v1/reports/decisions?quarter=2026-Q3&status=open&format=xlsx')
    expect(url).not.toMatch(/page/)
    expect(decisionsExportUrl(decisionFilters({}), 'csv')).toBe('/v1/reports/decisions?format=csv')
  })
})

describe('a decision', () => {
  it('is late when open past its deadline: the report says so, a record is compared with now', () => {
    expect(decisionState({ status: 'open', late: true })).toBe('late')
    expect(decisionState({ status: 'open', late: false, deadline: NOW - DAY }, NOW)).toBe('open')
    expect(decisionState({ status: 'open', deadline: NOW - DAY }, NOW)).toBe('late')
    expect(decisionState({ status: 'open', deadline: NOW + DAY }, NOW)).toBe('open')
    expect(decisionState({ status: 'open', deadline: null }, NOW)).toBe('open')
    expect(decisionState({ status: 'done', deadline: NOW - DAY, late: true }, NOW)).toBe('done')
  })

  it('shows its state in words and colour', () => {
    expect(['open', 'done', 'late'].map((s) => stateLabel(s as 'open'))).toEqual(['落实中', '已落实', '逾期'])
    expect(stateTag('late')).toBe('danger')
    expect(stateTag('done')).toBe('success')
    expect(stateTag('open')).toBe('warning')
    i18n.global.locale.value = 'en'
    expect(stateLabel('late')).toBe('Late')
  })

  it('has its own follow-ups, oldest first', () => {
    const f = (id: string, decision_id: string, at: number): FollowUpRecord => ({ id, decision_id, at, by: null, role: 'supervisor', text: id, status: null })
    const m = { follow_ups: [f('c', 'd1', 30), f('a', 'd2', 10), f('b', 'd1', 20)] }
    expect(followUpsOf(m, 'd1').map((x) => x.id)).toEqual(['b', 'c'])
    expect(followUpsOf(null, 'd1')).toEqual([])
  })
})

describe('attendees by party', () => {
  it('in the order of the parties, each party\'s names as given, empty parties left out', () => {
    const a = (name: string, party: string): Attendee => ({ id: name, party, name })
    const groups = attendeesByParty([a('李秀英', 'steward'), a('王书记', 'community'), a('张经理', 'property_company'), a('刘主任', 'owners_committee'), a('赵支书', 'branch'), a('钱委员', 'owners_committee'), a('外宾', 'guest')])
    expect(groups).toEqual([
      { party: 'community', names: ['王书记'] },
      { party: 'branch', names: ['赵支书'] },
      { party: 'property_company', names: ['张经理'] },
      { party: 'owners_committee', names: ['刘主任', '钱委员'] },
      { party: 'steward', names: ['李秀英'] },
      { party: 'guest', names: ['外宾'] },
    ])
    expect(attendeesByParty([])).toEqual([])
  })
})

describe('which follow-ups a role may write', () => {
  const open = { status: 'open' as const, party: 'property_company' }
  const done = { status: 'done' as const, party: 'property_company' }

  it('supervisors and admins: note and mark an open one done, note and reopen a done one', () => {
    for (const r of ['supervisor', 'admin'] as const) {
      expect(followUpActions(r, open)).toEqual(['note', 'done'])
      expect(followUpActions(r, done)).toEqual(['note', 'reopen'])
      expect(followUpActions(r, { status: 'open', party: 'branch' })).toEqual(['note', 'done'])
    }
  })

  it('a property company: only its own decisions, and it never reopens', () => {
    expect(followUpActions('property', open)).toEqual(['note', 'done'])
    expect(followUpActions('property', done)).toEqual(['note'])
    expect(followUpActions('property', { status: 'open', party: 'steward' })).toEqual([])
    expect(followUpActions(null, open)).toEqual([])
  })

  it('a note and a reopening need their text; marking done does not', () => {
    expect(needsText('note')).toBe(true)
    expect(needsText('reopen')).toBe(true)
    expect(needsText('done')).toBe(false)
    expect(followUpBody('note', ' 已督促 ')).toEqual({ text: '已督促' })
    expect(followUpBody('done', '充电棚已建成')).toEqual({ text: '充电棚已建成', status: 'done' })
    expect(followUpBody('done', '')).toEqual({ text: '', status: 'done' })
    expect(followUpBody('reopen', '棚顶漏雨')).toEqual({ text: '棚顶漏雨', status: 'open' })
  })
})
