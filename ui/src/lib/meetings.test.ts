import { describe, expect, it } from 'vitest'
import { decisionState, meetingLate, meetingsThisQuarter } from './meetings'
import { endOfDay, quarterOf } from './time'

const Z = 'Asia/Shanghai'
const NOW = Date.UTC(2025, 3, 10, 2, 0) // 2025-04-10 10:00 in Shanghai

describe('decisionState', () => {
  it('an open decision past its deadline is late (逾期); on its deadline it is not yet', () => {
    expect(decisionState({ status: 'open', deadline: NOW - 1 }, NOW)).toBe('late')
    expect(decisionState({ status: 'open', deadline: NOW }, NOW)).toBe('open')
    expect(decisionState({ status: 'open', deadline: null }, NOW)).toBe('open')
  })
  it('a done decision is done whatever its deadline', () => {
    expect(decisionState({ status: 'done', deadline: NOW - 1 }, NOW)).toBe('done')
  })
  it('a deadline day holds the whole day in the zone', () => {
    const deadline = endOfDay('2025-04-10', Z)
    expect(decisionState({ status: 'open', deadline }, Date.UTC(2025, 3, 10, 15, 59))).toBe('open') // 23:59 there
    expect(decisionState({ status: 'open', deadline }, Date.UTC(2025, 3, 10, 16, 0))).toBe('late') // 00:00 next day
  })
})

describe('meetingLate', () => {
  it('only when the earliest open deadline has passed', () => {
    expect(meetingLate({ next_deadline: NOW - 1 }, NOW)).toBe(true)
    expect(meetingLate({ next_deadline: NOW + 1 }, NOW)).toBe(false)
    expect(meetingLate({ next_deadline: null }, NOW)).toBe(false)
  })
})

describe('quarters in the program zone', () => {
  it('quarterOf reads the quarter in the zone, not in UTC', () => {
    expect(quarterOf(Date.UTC(2025, 2, 31, 16, 30), Z)).toBe('2025-Q2') // 1 April 00:30 in Shanghai
    expect(quarterOf(Date.UTC(2025, 2, 31, 15, 30), Z)).toBe('2025-Q1')
    expect(quarterOf(Date.UTC(2025, 11, 31, 15, 0), Z)).toBe('2025-Q4')
  })
  it('meetingsThisQuarter counts only this quarter (of this year)', () => {
    const lines = [
      { held_at: Date.UTC(2025, 3, 1, 4) }, // 1 April: this quarter
      { held_at: Date.UTC(2025, 2, 31, 16, 30) }, // 1 April 00:30 there: this quarter
      { held_at: Date.UTC(2025, 2, 31, 4) }, // 31 March: last quarter
      { held_at: Date.UTC(2024, 3, 10, 4) }, // a year ago
    ]
    expect(meetingsThisQuarter(lines, Z, NOW)).toBe(2)
    expect(meetingsThisQuarter([], Z, NOW)).toBe(0)
  })
})
