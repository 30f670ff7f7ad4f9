// Who is signed in, and the places and stewards the screens filter by.
import { computed, reactive } from 'vue'
import { ApiError } from './api/client'
import { getMe, getPlaces, getStewards, logout } from './api/endpoints'
import type { MeAnswer, Place, Role, Steward } from './api/types'
import { i18n } from './i18n'
import { live } from './lib/live'

export const session = reactive({
  me: null as MeAnswer | null,
  places: [] as Place[],
  stewards: [] as Steward[],
  scopeLoaded: false,
})

export const role = computed<Role | null>(() => session.me?.user?.role ?? null)
export const isStaff = computed(() => role.value === 'admin' || role.value === 'supervisor')

/** Asks the server who we are; false when not signed in. */
export async function loadMe(): Promise<boolean> {
  try {
    const me = await getMe({ noRedirect: true })
    if (me.principal !== 'user' || !me.user) {
      session.me = null
      return false
    }
    session.me = me
    return true
  } catch (e) {
    session.me = null
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return false
    throw e
  }
}

/** The places and stewards in the caller's scope (for pickers and names). */
export async function loadScope(force = false): Promise<void> {
  if (session.scopeLoaded && !force) return
  if (!session.me) return
  session.places = await getPlaces()
  if (role.value !== 'property') session.stewards = await getStewards()
  session.scopeLoaded = true
}

export function compoundName(id: string | null | undefined): string {
  if (!id) return '—'
  return session.places.find((p) => p.id === id)?.name ?? id.slice(0, 8)
}

export function stewardName(id: string | null | undefined): string {
  if (!id) return i18n.global.t('common.unassigned')
  return session.stewards.find((s) => s.id === id)?.name ?? id.slice(0, 8)
}

/** Forgets everything of the signed-in user. */
export function clearSession() {
  live.stop()
  session.me = null
  session.places = []
  session.stewards = []
  session.scopeLoaded = false
}

export async function signOut() {
  try {
    await logout()
  } finally {
    clearSession()
  }
}
