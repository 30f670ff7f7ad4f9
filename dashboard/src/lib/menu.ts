// Which screens each role sees. A property company works only on the issues in its duty (and the
// residents' matters it passed on), on the joint meetings' decisions that are its own, and reads
// the stewards' scores of it (物业评价, never who gave which); the campaigns (专项任务) are household
// work, the supervisors' and admins' only, as is the half-year steward evaluation (考核评价: indicators
// drawn from household records), as are the volunteer and culture teams (志愿服务队) and the
// selection of stewards (选任: its staff work the applications, a town, a district or an admin
// reads only the counts); admins publish the scoring rules
// (考评细则, from the scores screen), manage places and accounts and read the access log. The year in figures (年度数据) is the
// town's and district's: for them (and admins) it comes right after the overview, for a
// community or a compound after the work screens.
import type { PlaceKind, Role } from '../api/types'

export interface MenuItem {
  /** The route name, also the `data-test` suffix (`menu-<name>`). */
  name: string
  path: string
  /** i18n key. */
  label: string
  icon: string
  roles: readonly Role[]
}

const ALL: readonly Role[] = ['admin', 'supervisor', 'property']
const STAFF: readonly Role[] = ['admin', 'supervisor']
const ADMIN: readonly Role[] = ['admin']

export const MENU: readonly MenuItem[] = [
  { name: 'overview', path: '/overview', label: 'menu.overview', icon: 'DataAnalysis', roles: STAFF },
  { name: 'stewards', path: '/stewards', label: 'menu.stewards', icon: 'User', roles: STAFF },
  { name: 'households', path: '/households', label: 'menu.households', icon: 'House', roles: STAFF },
  { name: 'plans', path: '/plans', label: 'menu.plans', icon: 'Calendar', roles: STAFF },
  { name: 'issues', path: '/issues', label: 'menu.issues', icon: 'Warning', roles: ALL },
  { name: 'meetings', path: '/meetings', label: 'menu.meetings', icon: 'ChatDotRound', roles: STAFF },
  { name: 'decisions', path: '/decisions', label: 'menu.decisions', icon: 'Finished', roles: ALL },
  { name: 'scores', path: '/scores', label: 'menu.scores', icon: 'Star', roles: ALL },
  { name: 'evaluation', path: '/evaluation', label: 'menu.evaluation', icon: 'Medal', roles: STAFF },
  { name: 'pairing', path: '/pairing', label: 'menu.pairing', icon: 'Connection', roles: STAFF },
  { name: 'campaigns', path: '/campaigns', label: 'menu.campaigns', icon: 'Flag', roles: STAFF },
  { name: 'teams', path: '/teams', label: 'menu.teams', icon: 'Promotion', roles: STAFF },
  { name: 'selection', path: '/selection', label: 'menu.selection', icon: 'Stamp', roles: STAFF },
  { name: 'figures', path: '/figures', label: 'menu.figures', icon: 'Histogram', roles: STAFF },
  { name: 'admin', path: '/admin', label: 'menu.admin', icon: 'Setting', roles: ADMIN },
  { name: 'access-log', path: '/access-log', label: 'menu.accessLog', icon: 'Document', roles: ADMIN },
]

/** Whose work the year's figures sum up: a town's or district's staff, and admins (everywhere). */
export function figuresHigh(role: Role | null | undefined, placeKind: PlaceKind | null | undefined): boolean {
  return role === 'admin' || placeKind === 'town' || placeKind === 'district'
}

/** The role's menu; `placeKind` (the kind of the user's place) puts the figures high for a town or district. */
export function menuFor(role: Role | null | undefined, placeKind?: PlaceKind | null): MenuItem[] {
  if (!role) return []
  const items = MENU.filter((m) => m.roles.includes(role))
  if (!figuresHigh(role, placeKind)) return items
  const figures = items.find((m) => m.name === 'figures')
  if (!figures) return items
  const rest = items.filter((m) => m !== figures)
  const at = rest[0]?.name === 'overview' ? 1 : 0
  return [...rest.slice(0, at), figures, ...rest.slice(at)]
}

/** Routes reached by drilling down, and who may open them. */
const EXTRA: Record<string, readonly Role[]> = {
  household: STAFF,
  'must-visits': STAFF,
  timely: STAFF,
  'enrol-print': STAFF,
  campaign: STAFF,
  'selection-application': STAFF,
  'selection-notice': STAFF,
  'scoring-rules': ADMIN,
}

/** Whether `role` may open the route called `name` (routes not listed are open to everyone). */
export function mayOpen(role: Role | null | undefined, name: string): boolean {
  const item = MENU.find((m) => m.name === name)
  const roles = item?.roles ?? EXTRA[name]
  if (!roles) return true
  return !!role && roles.includes(role)
}

/** Where a role lands after signing in. */
export function homeFor(role: Role | null | undefined): string {
  return menuFor(role)[0]?.path ?? '/login'
}
