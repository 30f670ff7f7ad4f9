// Small pure helpers for showing households.
import type { Address, HouseholdLine, HouseholdProfile } from '../api'

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

/**
 * Keeps untouched fields exactly as they were in `base`: the profile is saved as a change from
 * `base` (only differing fields are written), so tidying (trimming, '' for null) must not make a
 * field the steward did not change look changed and overwrite what a sync brought meanwhile.
 */
export function keepUntouched(base: HouseholdProfile, edited: HouseholdProfile): HouseholdProfile {
  const same = (a: string | null, b: string | null) => (a ?? '').trim() === (b ?? '').trim()
  const str = (was: string, now: string) => (same(was, now) ? was : now)
  const sameSet = (a: readonly string[] | null, b: readonly string[] | null) =>
    a != null && b != null && a.length === b.length && a.every((x) => b.includes(x))
  return {
    address: {
      building: str(base.address.building, edited.address.building),
      unit: str(base.address.unit, edited.address.unit),
      room: str(base.address.room, edited.address.room),
    },
    head_name: str(base.head_name, edited.head_name),
    member_count: edited.member_count,
    phone: same(base.phone, edited.phone) ? base.phone : edited.phone,
    party_member: edited.party_member,
    key_service: sameSet(base.key_service, edited.key_service) ? base.key_service : edited.key_service,
    notes: str(base.notes, edited.notes),
  }
}
