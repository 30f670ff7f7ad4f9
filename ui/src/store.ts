// The app's small shared state: who is enrolled, the closed lists' labels, the sync badge's state
// and the steward's display preferences. Loaded once at start.
import { reactive } from 'vue'
import { Locale } from 'vant'
import enUS from 'vant/es/locale/lang/en-US'
import zhCN from 'vant/es/locale/lang/zh-CN'
import { api, type AppInfo, type SyncState, type UiPrefs, type Vocabulary } from './api'
import { currentLocale, i18n, type AppLocale } from './i18n'

export const DEFAULT_PREFS: UiPrefs = { locale: 'zh-CN', textScale: 1.25 }
export const TEXT_SCALES = [1, 1.25, 1.5] as const

export const store = reactive({
  info: null as AppInfo | null,
  vocab: null as Vocabulary | null,
  sync: null as SyncState | null,
  /** Counts sync-state events, so screens can refresh when one arrives. */
  syncTick: 0,
  prefs: { ...DEFAULT_PREFS } as UiPrefs,
})

/** The program's zone for every date shown. */
export function zone(): string {
  return store.info?.zone ?? 'Asia/Shanghai'
}

/** A closed-list label in the current language (the code itself if the list is not loaded). */
export function label(list: keyof Vocabulary, code: string | null | undefined): string {
  if (!code) return ''
  const term = store.vocab?.[list]?.find((x) => x.code === code)
  if (!term) return code
  return currentLocale() === 'en' ? term.en : term.zh
}

/** The terms of a closed list, for radio buttons and checkboxes. */
export function terms(list: keyof Vocabulary): { code: string; text: string }[] {
  const en = currentLocale() === 'en'
  return (store.vocab?.[list] ?? []).map((x) => ({ code: x.code, text: en ? x.en : x.zh }))
}

/** Puts preferences into effect: language (ours and Vant's) and text size. */
export function applyPrefs(p: UiPrefs) {
  const locale: AppLocale = p.locale === 'en' ? 'en' : 'zh-CN'
  const scale = TEXT_SCALES.includes(p.textScale as (typeof TEXT_SCALES)[number]) ? p.textScale : DEFAULT_PREFS.textScale
  store.prefs = { locale, textScale: scale }
  i18n.global.locale.value = locale
  if (locale === 'en') Locale.use('en-US', enUS)
  else Locale.use('zh-CN', zhCN)
  if (typeof document !== 'undefined') {
    document.documentElement.style.setProperty('--rs-scale', String(scale))
    document.documentElement.lang = locale
    document.title = i18n.global.t('app.title')
  }
}

export async function loadPrefs() {
  let p: UiPrefs | null = null
  try {
    p = await api.uiPrefs()
  } catch {
    // Defaults are fine: the steward can still use the app.
  }
  applyPrefs({ ...DEFAULT_PREFS, ...(p ?? {}) })
}

/** Changes a preference now and keeps it for next time. */
export async function setPrefs(change: Partial<UiPrefs>) {
  applyPrefs({ ...store.prefs, ...change })
  await api.setUiPrefs({ ...store.prefs })
}

export async function loadInfo() {
  store.info = await api.appInfo()
}

export async function loadVocabulary() {
  store.vocab = await api.vocabulary()
}

let listening = false

/**
 * Shows a sync state unless a newer one is already shown: a command's answer can arrive after
 * events the loop sent later, and must not put back an old "syncing" or an old count.
 */
export function showSyncState(s: SyncState) {
  if (!store.sync || s.seq >= store.sync.seq) store.sync = s
}

/** The badge's first state, then every change the Rust side pushes. */
export async function startSync() {
  if (!listening) {
    listening = true
    try {
      await api.onSyncState((s) => {
        showSyncState(s)
        store.syncTick++
      })
    } catch {
      listening = false
    }
  }
  try {
    showSyncState(await api.syncState())
  } catch {
    // The badge shows "unknown" until the first event.
  }
}

/** Asks for a sync at once; the badge follows from the state returned and the events after. */
export async function syncNow() {
  showSyncState(await api.syncNow())
}
