// Pure date/time helpers. Every date a steward sees is shown in the program's zone
// (appInfo().zone), whatever zone the phone itself is set to.
import type { Millis } from '../api'

export interface ZonedParts { year: number; month: number; day: number; hour: number; minute: number }

const partsFormatters = new Map<string, Intl.DateTimeFormat>()

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    partsFormatters.set(zone, f)
  }
  return f
}

/** The wall-clock date and time of `ms` in `zone`. */
export function zonedParts(ms: Millis, zone: string): ZonedParts {
  const out: Record<string, number> = {}
  for (const p of partsFormatter(zone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value)
  }
  return { year: out.year, month: out.month, day: out.day, hour: out.hour % 24, minute: out.minute }
}

/** The zone's offset from UTC at instant `ms`, in milliseconds (east positive). */
function offsetAt(ms: Millis, zone: string): number {
  const p = zonedParts(ms, zone)
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute)
  const floored = ms - (((ms % 60000) + 60000) % 60000)
  return asUtc - floored
}

/** The instant at which the wall clock in `zone` shows `p`. */
export function zonedToMillis(p: ZonedParts, zone: string): Millis {
  const naive = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute)
  let guess = naive - offsetAt(naive, zone)
  // A second pass settles the guess when the offset differs across a DST change.
  guess = naive - offsetAt(guess, zone)
  return guess
}

const pad = (n: number) => String(n).padStart(2, '0')

/** "14:05" in the zone. */
export function formatClock(ms: Millis, zone: string): string {
  const p = zonedParts(ms, zone)
  return `${pad(p.hour)}:${pad(p.minute)}`
}

/** "2025年3月5日" (zh) or "2025-03-05" (en) in the zone. */
export function formatDate(ms: Millis, zone: string, locale: string): string {
  const p = zonedParts(ms, zone)
  return locale.startsWith('zh') ? `${p.year}年${p.month}月${p.day}日` : `${p.year}-${pad(p.month)}-${pad(p.day)}`
}

/** Date and clock time in the zone. */
export function formatDateTime(ms: Millis, zone: string, locale: string): string {
  return `${formatDate(ms, zone, locale)} ${formatClock(ms, zone)}`
}

/** "2025年3月" / "March 2025" for a "YYYY-MM" month. */
export function formatMonth(month: string, locale: string): string {
  const [y, m] = month.split('-').map(Number)
  if (!y || !m) return month
  if (locale.startsWith('zh')) return `${y}年${m}月`
  const names = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
  return `${names[m - 1]} ${y}`
}

/** How far a deadline is from now, split for display. */
export interface Due {
  /** The deadline has passed. */
  overdue: boolean
  days: number
  hours: number
  minutes: number
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Time left until `deadline` (or how late, when it has passed), in whole days/hours/minutes. */
export function due(deadline: Millis, now: Millis): Due {
  const overdue = now > deadline
  const span = Math.abs(deadline - now)
  return {
    overdue,
    days: Math.floor(span / DAY),
    hours: Math.floor((span % DAY) / HOUR),
    minutes: Math.floor((span % HOUR) / MINUTE),
  }
}

type Translate = (key: string, params?: Record<string, unknown>) => string

/** The span part of a Due: "2 天 3 小时", "5 小时 10 分钟", "45 分钟", "不到 1 分钟". */
export function formatSpan(d: Due, t: Translate): string {
  if (d.days > 0) {
    return d.hours > 0 ? t('due.daysHours', { d: d.days, h: d.hours }) : t('due.days', { d: d.days })
  }
  if (d.hours > 0) {
    return d.minutes > 0 ? t('due.hoursMinutes', { h: d.hours, m: d.minutes }) : t('due.hours', { h: d.hours })
  }
  if (d.minutes > 0) return t('due.minutes', { m: d.minutes })
  return t('due.underMinute')
}

/** "还剩 2 天 3 小时" or "已超时 5 小时". */
export function formatDue(deadline: Millis, now: Millis, t: Translate): string {
  const d = due(deadline, now)
  return t(d.overdue ? 'due.late' : 'due.left', { span: formatSpan(d, t) })
}

/** A calendar day in the zone, "YYYY-MM-DD" (as date pickers and drafts hold it). */
export type Day = string

/** The day `ms` falls on in the zone. */
export function dayOf(ms: Millis, zone: string): Day {
  const p = zonedParts(ms, zone)
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`
}

/** The parts of a "YYYY-MM-DD" day, or null when it is not one. */
export function parseDay(day: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!m) return null
  const [year, month, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const check = new Date(Date.UTC(year, month - 1, d))
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== d) return null
  return { year, month, day: d }
}

/** The instant the zone's clock shows `hour:minute` on `day`. */
export function dayAt(day: Day, zone: string, hour = 0, minute = 0): Millis {
  const p = parseDay(day)
  if (!p) return NaN
  return zonedToMillis({ ...p, hour, minute }, zone)
}

/** The last millisecond of `day` in the zone: a deadline on a day holds the whole day. */
export function endOfDay(day: Day, zone: string): Millis {
  const p = parseDay(day)
  if (!p) return NaN
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1))
  return zonedToMillis({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0, minute: 0 }, zone) - 1
}

/** The quarter `ms` falls in, in the zone: "2025-Q2". */
export function quarterOf(ms: Millis, zone: string): string {
  const p = zonedParts(ms, zone)
  return `${p.year}-Q${Math.floor((p.month - 1) / 3) + 1}`
}

/** "2025年3月5日" (zh) or "2025-03-05" (en) for a "YYYY-MM-DD" day. */
export function formatDay(day: Day, locale: string): string {
  const p = parseDay(day)
  if (!p) return day
  return locale.startsWith('zh') ? `${p.year}年${p.month}月${p.day}日` : `${p.year}-${pad(p.month)}-${pad(p.day)}`
}
