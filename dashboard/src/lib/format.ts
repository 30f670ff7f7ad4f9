// Dates and numbers as the console shows them. Months and days are the program's (Asia/Shanghai,
// like the server's default STEWARD_TIME_ZONE), whatever the browser's zone.
export const TIME_ZONE = 'Asia/Shanghai'
const DAY = 86_400_000

function parts(ms: number): Record<string, string> {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  })
  const out: Record<string, string> = {}
  for (const p of f.formatToParts(new Date(ms))) out[p.type] = p.value
  return out
}

/** `2026-12-02 10:12`, or `—` for none. */
export function formatDateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms <= 0) return '—'
  const p = parts(ms)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

/** `2026-12-02`, or `—` for none. */
export function formatDate(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms <= 0) return '—'
  const p = parts(ms)
  return `${p.year}-${p.month}-${p.day}`
}

/** The month (`YYYY-MM`) an instant falls in. */
export function monthOf(ms: number): string {
  const p = parts(ms)
  return `${p.year}-${p.month}`
}

export function currentMonth(now: number = Date.now()): string {
  return monthOf(now)
}

/** Whole days from `ms` to `now` (0 for the future), or null for none. */
export function daysSince(ms: number | null | undefined, now: number = Date.now()): number | null {
  if (ms === null || ms === undefined || ms <= 0) return null
  return Math.max(0, Math.floor((now - ms) / DAY))
}

/** A device is stale when it has not synced for `days` days (never synced counts as stale). */
export function isStale(lastSyncAt: number | null, now: number = Date.now(), days = 7): boolean {
  return lastSyncAt === null || now - lastSyncAt >= days * DAY
}

/** A share in whole percent; `—` when there is nothing to share. */
export function percent(part: number, whole: number): string {
  if (!whole) return '—'
  return `${Math.round((part / whole) * 100)}%`
}

/** Minutes as days, hours and minutes in the given words (`{d: '天', h: '小时', m: '分钟'}`). */
export function formatMinutes(total: number, words: { d: string; h: string; m: string }): string {
  if (!Number.isFinite(total) || total <= 0) return '—'
  const d = Math.floor(total / 1440)
  const h = Math.floor((total % 1440) / 60)
  const m = total % 60
  const out: string[] = []
  if (d) out.push(`${d} ${words.d}`)
  if (h) out.push(`${h} ${words.h}`)
  if (m) out.push(`${m} ${words.m}`)
  return out.join(' ')
}

/** `YYYY-MM` is a month the server takes (2000–2099). */
export function isMonth(s: string): boolean {
  return /^(20\d\d)-(0[1-9]|1[0-2])$/.test(s)
}

/** A household address map as one line: `5栋1单元202室`. */
export function formatAddress(a: { building?: string; unit?: string; room?: string } | null | undefined): string {
  if (!a) return ''
  return `${a.building ? a.building + '栋' : ''}${a.unit ? a.unit + '单元' : ''}${a.room ? a.room + '室' : ''}`
}

/** A count or an amount with thousands separators (`14,000`), or `—` for none. */
export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  return new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 }).format(n)
}
