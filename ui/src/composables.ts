import { nextTick, onBeforeUnmount, onMounted, onUnmounted, ref, watch, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { showConfirmDialog, showToast } from 'vant'
import { api } from './api'
import { store } from './store'
import { debounce } from './lib/debounce'
import type { FormErrors } from './lib/visitForm'

/** The current time, ticking every `ms` so "time left" words stay true on an open screen. */
export function useNow(ms = 30_000) {
  const now = ref(Date.now())
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    timer = setInterval(() => (now.value = Date.now()), ms)
  })
  onUnmounted(() => clearInterval(timer))
  return now
}

/**
 * What a screen shows, read from the phone's store when it opens and again after each finished
 * sync: other people's changes (a supervisor's comment, a reassigned household) arrive with it.
 * While `holdWhile` is true (an open edit whose base must stay as taken, an action under way) the
 * reload waits and happens once it turns false.
 */
export function useLoaded<T>(fetch: () => Promise<T>, opts: { holdWhile?: Ref<boolean> } = {}) {
  const data = ref(null) as Ref<T | null>
  const error = ref<unknown>(null)
  async function load() {
    try {
      data.value = await fetch()
      error.value = null
    } catch (e) {
      error.value = e
    }
  }
  onMounted(load)

  // A sync may finish several times in a row (push, then pull): reload once they settle.
  let timer: ReturnType<typeof setTimeout> | undefined
  let missed = false
  function reloadAfterSync() {
    if (opts.holdWhile?.value) missed = true
    else void load()
  }
  watch(
    () => store.syncTick,
    () => {
      if (!store.sync || store.sync.syncing) return
      clearTimeout(timer)
      timer = setTimeout(reloadAfterSync, 150)
    },
  )
  if (opts.holdWhile) {
    watch(opts.holdWhile, (held) => {
      if (!held && missed) {
        missed = false
        void load()
      }
    })
  }
  onBeforeUnmount(() => clearTimeout(timer))
  return { data, error, load }
}

/**
 * A form that survives the app being killed: every change is kept as a draft under `key` (300 ms
 * after the last one), restored when the screen opens again, and dropped once the form is saved
 * or the steward clears it.
 */
export function useDraftForm<D extends object>(key: string, validate: (d: D) => FormErrors) {
  const { t } = useI18n()
  const draft = ref(null) as Ref<D | null>
  const restored = ref(false)
  const errors = ref<FormErrors>({})
  const saving = ref(false)
  const saveError = ref<unknown>(null)

  const saveDraft = debounce((d: D) => {
    api.saveDraft(key, d).catch((e) => console.warn('draft not saved', e))
  }, 300)
  let stopWatch: (() => void) | null = null
  /** Set while "clear" empties the form: that change is not a draft to keep. */
  let resetting = false

  /** The draft kept from last time, if any. */
  const loadSaved = () => api.loadDraft<D>(key).catch(() => null)

  /** Shows `form` (restored from a draft or new) and keeps every later change as a draft. */
  function start(form: D, wasRestored: boolean) {
    draft.value = form
    restored.value = wasRestored
    stopWatch?.()
    stopWatch = watch(
      draft,
      (d) => {
        if (d && !saving.value && !resetting) saveDraft(JSON.parse(JSON.stringify(d)))
        // Errors go away as the steward fixes them.
        if (d && Object.keys(errors.value).length) errors.value = validate(d)
      },
      { deep: true },
    )
  }

  onBeforeUnmount(() => {
    stopWatch?.()
    saveDraft.flush()
  })

  /** Asks, then empties the form and drops its draft. */
  async function clearAll(empty: () => D) {
    try {
      await showConfirmDialog({ message: t('visit.clearConfirm'), confirmButtonText: t('common.clear'), cancelButtonText: t('common.cancel') })
    } catch {
      return
    }
    // Emptying the form fires the deep watcher on the next flush (after this function has gone on
    // to clear the stored draft): it must not save the empty form as a new draft, or the next
    // open would say "draft restored" over nothing.
    saveDraft.cancel()
    resetting = true
    try {
      draft.value = empty()
      errors.value = {}
      restored.value = false
      await nextTick()
    } finally {
      resetting = false
    }
    saveDraft.cancel()
    await api.clearDraft(key).catch(() => undefined)
  }

  /**
   * Checks the form (what is missing is marked) and hands it to `save` with the draft's key, for
   * the command to forget the draft in the same step as it saves the form. Returns `true` once
   * saved. A second tap while saving does nothing; a failure stays on screen as `saveError`, with
   * the form as it was.
   */
  async function submit(save: (d: D, draftKey: string) => Promise<unknown>): Promise<boolean> {
    const d = draft.value
    if (!d || saving.value) return false
    saveError.value = null
    errors.value = validate(d)
    if (Object.keys(errors.value).length) {
      showToast(t('visit.fixErrors'))
      return false
    }
    saving.value = true
    // A draft save still waiting must not land after the save has forgotten the draft.
    saveDraft.cancel()
    try {
      await save(d, key)
      stopWatch?.()
      stopWatch = null
      return true
    } catch (e) {
      saveError.value = e
      return false
    } finally {
      saving.value = false
    }
  }

  return { draft, restored, errors, saving, saveError, loadSaved, start, clearAll, submit }
}
