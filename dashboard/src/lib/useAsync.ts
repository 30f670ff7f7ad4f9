import { ref, shallowRef } from 'vue'

/** A reload-able load: the latest answer wins; data stays shown while a reload runs. */
export function useAsync<T>(fn: () => Promise<T>) {
  const data = shallowRef<T | null>(null)
  const error = shallowRef<unknown>(null)
  const loading = ref(false)
  let seq = 0
  async function run(): Promise<void> {
    const mine = ++seq
    loading.value = true
    try {
      const d = await fn()
      if (mine === seq) {
        data.value = d
        error.value = null
      }
    } catch (e) {
      if (mine === seq) error.value = e
    } finally {
      if (mine === seq) loading.value = false
    }
  }
  return { data, error, loading, run }
}
