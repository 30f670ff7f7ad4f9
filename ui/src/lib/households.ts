// Small pure helpers for showing households.
import type { Address, HouseholdLine } from '../api'

/** "3-2-501" (楼栋-单元-室); empty parts are left out. */
export function formatAddress(a: Pick<Address, 'building' | 'unit' | 'room'>): string {
  return [a.building, a.unit, a.room].map((s) => s.trim()).filter(Boolean).join('-')
}

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'zh-CN', { numeric: true })
}

/** Planned households first, then by building, unit and room in natural order. */
export function sortHouseholds(lines: HouseholdLine[]): HouseholdLine[] {
  return [...lines].sort(
    (a, b) =>
      Number(b.planned) - Number(a.planned) ||
      naturalCompare(a.building, b.building) ||
      naturalCompare(a.unit, b.unit) ||
      naturalCompare(a.room, b.room) ||
      naturalCompare(a.head_name, b.head_name),
  )
}

/** Percent for a progress bar, 0–100, safe for an empty plan. */
export function percent(done: number, total: number): number {
  if (total <= 0) return 0
  return Math.max(0, Math.min(100, Math.round((done / total) * 100)))
}
