// Live updates: the server's `GET /v1/events` stream says `change` whenever something in the
// caller's scope changed; the visible screen reloads its data once per burst (debounced), so a
// visit synced by a phone shows within seconds. EventSource reconnects by itself after a dropped
// connection; the server's `ready` on a reconnected stream reloads too (changes may have been
// missed meanwhile). When the server refuses the stream (it closes it), we try again later.
import { debounce } from './debounce'

/** Server-Sent Events: `event: change`, `data: {"cursor": "..."}`, for the caller's scope. */
export const EVENTS_PATH = '/v1/events'

/** Whether the stream is connected (`open`) or not (`closed`: not started, reconnecting, refused). */
export type LiveState = 'open' | 'closed'

export interface EventSourceLike {
  readyState: number
  addEventListener(type: string, listener: (e: Event) => void): void
  close(): void
}

export interface LiveOptions {
  /** Makes the stream (tests pass a fake). */
  open?: (url: string) => EventSourceLike
  /** Quiet time before reloading. */
  delay?: number
  /** Wait before opening again a stream the server closed. */
  retry?: number
}

const CLOSED = 2

export function createLive(o: LiveOptions = {}) {
  const open = o.open ?? ((url: string) => new EventSource(url))
  const delay = o.delay ?? 500
  const retry = o.retry ?? 30_000
  const listeners = new Set<() => void>()
  let source: EventSourceLike | null = null
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let running = false
  /** `ready` events seen since start: the first is the stream opening, later ones reconnections. */
  let readies = 0
  let state: LiveState = 'closed'
  const stateListeners = new Set<(s: LiveState) => void>()
  function setState(s: LiveState) {
    if (s === state) return
    state = s
    for (const f of [...stateListeners]) f(s)
  }

  const fire = debounce(() => {
    for (const f of [...listeners]) {
      try {
        f()
      } catch (e) {
        console.error('live reload failed', e)
      }
    }
  }, delay)

  function connect() {
    retryTimer = null
    if (!running) return
    if (!o.open && typeof EventSource === 'undefined') return
    const s = open(EVENTS_PATH)
    source = s
    s.addEventListener('open', () => source === s && setState('open'))
    s.addEventListener('change', () => fire())
    s.addEventListener('ready', () => {
      if (source === s) setState('open')
      if (readies++ > 0) fire()
    })
    s.addEventListener('error', () => {
      if (source === s) setState('closed')
      if (s.readyState === CLOSED && running && source === s && !retryTimer) {
        source = null
        retryTimer = setTimeout(connect, retry)
      }
    })
  }

  return {
    start() {
      if (running) return
      running = true
      readies = 0
      connect()
    },
    stop() {
      running = false
      fire.cancel()
      if (retryTimer) clearTimeout(retryTimer)
      retryTimer = null
      source?.close()
      source = null
      setState('closed')
    },
    /** Calls `f` after each burst of changes; returns the unsubscribe. */
    subscribe(f: () => void): () => void {
      listeners.add(f)
      return () => listeners.delete(f)
    },
    get running() {
      return running
    },
    get state(): LiveState {
      return state
    },
    /** Calls `f` whenever the stream opens or closes; returns the unsubscribe. */
    onState(f: (s: LiveState) => void): () => void {
      stateListeners.add(f)
      return () => stateListeners.delete(f)
    },
  }
}

export type Live = ReturnType<typeof createLive>

/** The console's one stream, started after sign-in. */
export const live: Live = createLive()
