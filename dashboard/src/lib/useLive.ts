import { onBeforeUnmount, onMounted } from 'vue'
import { live } from './live'

/** Reloads the screen's data after each burst of server changes while the screen is shown. */
export function useLiveReload(reload: () => unknown) {
  let off: (() => void) | null = null
  onMounted(() => {
    off = live.subscribe(() => void reload())
  })
  onBeforeUnmount(() => off?.())
}
