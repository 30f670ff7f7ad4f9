// Whether the window is narrow (a phone): `(max-width: <px>px)`, kept up to date. Without
// `matchMedia` (jsdom) it is false, the desktop layout.
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

export function useNarrow(px = 768): Ref<boolean> {
  const narrow = ref(false)
  let mq: MediaQueryList | null = null
  const update = () => (narrow.value = !!mq?.matches)
  onMounted(() => {
    if (typeof window.matchMedia !== 'function') return
    mq = window.matchMedia(`(max-width: ${px}px)`)
    update()
    mq.addEventListener?.('change', update)
  })
  onBeforeUnmount(() => mq?.removeEventListener?.('change', update))
  return narrow
}
