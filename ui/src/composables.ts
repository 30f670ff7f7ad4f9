import { onMounted, onUnmounted, ref } from 'vue'

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
