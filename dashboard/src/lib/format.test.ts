import { describe, expect, it } from 'vitest'
import { currentMonth, daysSince, formatAddress, formatDate, formatDateTime, formatMinutes, isMonth, isStale, percent } from './format'

describe('format', () => {
  it('shows times in the program zone (Asia/Shanghai), whatever the browser', () => {
    // 2026-11-30 16:30 UTC is 2026-12-01 00:30 in Shanghai.
    const ms = Date.UTC(2026, 10, 30, 16, 30)
    expect(formatDateTime(ms)).toBe('2026-12-01 00:30')
    expect(formatDate(ms)).toBe('2026-12-01')
    expect(currentMonth(ms)).toBe('2026-12')
    expect(formatDateTime(null)).toBe('—')
    expect(formatDate(0)).toBe('—')
  })

  it('counts whole days and flags phones not synced for 7 days', () => {
    const now = Date.UTC(2026, 11, 10)
    expect(daysSince(now - 3 * 86_400_000 - 1000, now)).toBe(3)
    expect(daysSince(null, now)).toBeNull()
    expect(isStale(now - 7 * 86_400_000, now)).toBe(true)
    expect(isStale(now - 6 * 86_400_000, now)).toBe(false)
    expect(isStale(null, now)).toBe(true)
  })

  it('formats shares, durations, months and addresses', () => {
    expect(percent(2, 3)).toBe('67%')
    expect(percent(0, 0)).toBe('—')
    expect(formatMinutes(4320 + 90, { d: '天', h: '小时', m: '分钟' })).toBe('3 天 1 小时 30 分钟')
    expect(formatMinutes(60, { d: 'd', h: 'h', m: 'min' })).toBe('1 h')
    expect(isMonth('2026-12')).toBe(true)
    expect(isMonth('2026-13')).toBe(false)
    expect(isMonth('1999-01')).toBe(false)
    expect(formatAddress({ building: '5', unit: '1', room: '202' })).toBe('5栋1单元202室')
  })
})
