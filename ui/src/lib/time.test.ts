import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { messages } from '../i18n'
import { due, formatClock, formatDate, formatDue, formatMonth, formatSpan, zonedParts, zonedToMillis } from './time'

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages })
const t = (k: string, p?: Record<string, unknown>) => i18n.global.t(k, p ?? {})
const enI18n = createI18n({ legacy: false, locale: 'en', messages })
const tEn = (k: string, p?: Record<string, unknown>) => enI18n.global.t(k, p ?? {})

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const NOW = Date.UTC(2025, 2, 5, 6, 0)

describe('due', () => {
  it('splits the time left', () => {
    expect(due(NOW + 2 * DAY + 3 * HOUR + 10 * MIN, NOW)).toEqual({ overdue: false, days: 2, hours: 3, minutes: 10 })
    expect(due(NOW + 59 * 1000, NOW)).toEqual({ overdue: false, days: 0, hours: 0, minutes: 0 })
  })
  it('says how late', () => {
    expect(due(NOW - 5 * HOUR - 30 * MIN, NOW)).toEqual({ overdue: true, days: 0, hours: 5, minutes: 30 })
  })
  it('the deadline itself is not late', () => {
    expect(due(NOW, NOW).overdue).toBe(false)
    expect(due(NOW, NOW + 1).overdue).toBe(true)
  })
})

describe('formatDue', () => {
  it('time left in days and hours', () => {
    expect(formatDue(NOW + 2 * DAY + 3 * HOUR + 10 * MIN, NOW, t)).toBe('还剩 2 天 3 小时')
    expect(formatDue(NOW + 2 * DAY + 10 * MIN, NOW, t)).toBe('还剩 2 天')
  })
  it('time left in hours and minutes', () => {
    expect(formatDue(NOW + 5 * HOUR + 10 * MIN, NOW, t)).toBe('还剩 5 小时 10 分钟')
    expect(formatDue(NOW + 5 * HOUR, NOW, t)).toBe('还剩 5 小时')
    expect(formatDue(NOW + 45 * MIN, NOW, t)).toBe('还剩 45 分钟')
    expect(formatDue(NOW + 20 * 1000, NOW, t)).toBe('还剩 不到 1 分钟')
  })
  it('how late', () => {
    expect(formatDue(NOW - 3 * DAY - 1 * HOUR, NOW, t)).toBe('已超时 3 天 1 小时')
    expect(formatDue(NOW - 90 * MIN, NOW, t)).toBe('已超时 1 小时 30 分钟')
  })
  it('in English', () => {
    expect(formatDue(NOW + 26 * HOUR, NOW, tEn)).toBe('1 d 2 h left')
    expect(formatDue(NOW - 15 * MIN, NOW, tEn)).toBe('15 min late')
    expect(formatSpan({ overdue: false, days: 0, hours: 0, minutes: 0 }, tEn)).toBe('under a minute')
  })
})

describe('dates in the program zone', () => {
  // 2025-03-04 17:30 UTC is already 5 March in Shanghai.
  const late = Date.UTC(2025, 2, 4, 17, 30)
  it('shows the zone’s wall clock, not the phone’s', () => {
    expect(zonedParts(late, 'Asia/Shanghai')).toEqual({ year: 2025, month: 3, day: 5, hour: 1, minute: 30 })
    expect(formatDate(late, 'Asia/Shanghai', 'zh-CN')).toBe('2025年3月5日')
    expect(formatDate(late, 'UTC', 'en')).toBe('2025-03-04')
    expect(formatClock(late, 'Asia/Shanghai')).toBe('01:30')
    expect(formatClock(Date.UTC(2025, 0, 1, 16, 0), 'Asia/Shanghai')).toBe('00:00')
  })
  it('turns a wall-clock time in the zone back into an instant', () => {
    expect(zonedToMillis({ year: 2025, month: 3, day: 5, hour: 1, minute: 30 }, 'Asia/Shanghai')).toBe(late)
    // Across a DST change: New York is UTC-4 in July and UTC-5 in January.
    expect(zonedToMillis({ year: 2025, month: 7, day: 1, hour: 9, minute: 0 }, 'America/New_York')).toBe(Date.UTC(2025, 6, 1, 13, 0))
    expect(zonedToMillis({ year: 2025, month: 1, day: 1, hour: 9, minute: 0 }, 'America/New_York')).toBe(Date.UTC(2025, 0, 1, 14, 0))
  })
  it('round-trips', () => {
    for (const ms of [late, NOW, Date.UTC(2024, 1, 29, 23, 59)]) {
      expect(zonedToMillis(zonedParts(ms, 'Asia/Shanghai'), 'Asia/Shanghai')).toBe(ms)
    }
  })
  it('names the month', () => {
    expect(formatMonth('2025-03', 'zh-CN')).toBe('2025年3月')
    expect(formatMonth('2025-12', 'en')).toBe('December 2025')
  })
})
