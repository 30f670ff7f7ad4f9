// The org tree (district > town > community > compound > building) from `GET /v1/places`.
import type { Place, PlaceKind } from '../api/types'

export interface PlaceNode extends Place {
  children: PlaceNode[]
}

export const KIND_ORDER: readonly PlaceKind[] = ['district', 'town', 'community', 'compound', 'building']

/** The kind a child of `kind` has (`null` below a building). */
export function childKind(kind: PlaceKind | null): PlaceKind | null {
  if (kind === null) return 'district'
  const i = KIND_ORDER.indexOf(kind)
  return i >= 0 && i < KIND_ORDER.length - 1 ? KIND_ORDER[i + 1] : null
}

/** The places as a forest: roots are places whose parent is not in the list. */
export function buildTree(places: Place[], opts: { maxKind?: PlaceKind } = {}): PlaceNode[] {
  const max = opts.maxKind ? KIND_ORDER.indexOf(opts.maxKind) : KIND_ORDER.length
  const kept = places.filter((p) => KIND_ORDER.indexOf(p.kind) <= max)
  const nodes = new Map<string, PlaceNode>(kept.map((p) => [p.id, { ...p, children: [] }]))
  const roots: PlaceNode[] = []
  for (const n of nodes.values()) {
    const parent = n.parent_id ? nodes.get(n.parent_id) : undefined
    if (parent) parent.children.push(n)
    else roots.push(n)
  }
  const sort = (list: PlaceNode[]) => {
    list.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))
    list.forEach((c) => sort(c.children))
  }
  sort(roots)
  return roots
}

/** Every compound at or below `placeId` (all compounds when no place is given). */
export function compoundsUnder(places: Place[], placeId: string | null | undefined): Place[] {
  const compounds = places.filter((p) => p.kind === 'compound')
  if (!placeId) return compounds
  const parent = new Map(places.map((p) => [p.id, p.parent_id]))
  return compounds.filter((c) => {
    for (let id: string | null | undefined = c.id; id; id = parent.get(id)) if (id === placeId) return true
    return false
  })
}

/** The path of names from the root down to the place: `大河坎镇 / 艺苑社区 / 蜀汉美郡`. */
export function placePath(places: Place[], id: string | null | undefined): string {
  const byId = new Map(places.map((p) => [p.id, p]))
  const names: string[] = []
  for (let p = id ? byId.get(id) : undefined; p; p = p.parent_id ? byId.get(p.parent_id) : undefined) names.unshift(p.name)
  return names.join(' / ')
}
