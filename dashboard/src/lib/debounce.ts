/** A call that waits for `ms` of quiet; `flush` runs a pending call at once, `cancel` drops it. */
export function debounce<A extends unknown[]>(f: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | null = null
  let last: A | null = null
  const run = (...args: A) => {
    last = args
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      const a = last
      last = null
      if (a) f(...a)
    }, ms)
  }
  run.flush = () => {
    if (timer) clearTimeout(timer)
    timer = null
    const a = last
    last = null
    if (a) f(...a)
  }
  run.cancel = () => {
    if (timer) clearTimeout(timer)
    timer = null
    last = null
  }
  run.pending = () => timer !== null
  return run
}
