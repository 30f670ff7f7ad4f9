import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLive, type EventSourceLike } from './live'

class FakeSource implements EventSourceLike {
  readyState = 1
  closed = false
  listeners: Record<string, ((e: Event) => void)[]> = {}
  constructor(public url: string) {}
  addEventListener(type: string, f: (e: Event) => void) {
    ;(this.listeners[type] ??= []).push(f)
  }
  emit(type: string) {
    for (const f of this.listeners[type] ?? []) f(new Event(type))
  }
  close() {
    this.closed = true
    this.readyState = 2
  }
}

describe('live updates', () => {
  let sources: FakeSource[]
  const open = (url: string) => {
    const s = new FakeSource(url)
    sources.push(s)
    return s
  }
  beforeEach(() => {
    sources = []
    vi.useFakeTimers()
  })
  afterEach(() => vi.useRealTimers())

  it('opens /v1/events and reloads once per burst of changes, 500 ms after the last', () => {
    const live = createLive({ open })
    const reload = vi.fn()
    live.subscribe(reload)
    live.start()
    expect(sources.map((s) => s.url)).toEqual(['/v1/events'])

    for (let i = 0; i < 5; i++) {
      sources[0].emit('change')
      vi.advanceTimersByTime(200)
    }
    expect(reload).not.toHaveBeenCalled()
    vi.advanceTimersByTime(299)
    expect(reload).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(reload).toHaveBeenCalledTimes(1)

    sources[0].emit('change')
    vi.advanceTimersByTime(500)
    expect(reload).toHaveBeenCalledTimes(2)
  })

  it('stops calling a screen that went away, and drops a pending reload on stop', () => {
    const live = createLive({ open })
    const a = vi.fn()
    const b = vi.fn()
    const offA = live.subscribe(a)
    live.subscribe(b)
    live.start()
    offA()
    sources[0].emit('change')
    vi.advanceTimersByTime(500)
    expect(a).not.toHaveBeenCalled()
    expect(b).toHaveBeenCalledTimes(1)

    sources[0].emit('change')
    live.stop()
    vi.advanceTimersByTime(1000)
    expect(b).toHaveBeenCalledTimes(1)
    expect(sources[0].closed).toBe(true)
  })

  it('reloads after a reconnection (changes may have been missed), not on the first ready', () => {
    const live = createLive({ open })
    const reload = vi.fn()
    live.subscribe(reload)
    live.start()
    sources[0].emit('ready')
    vi.advanceTimersByTime(1000)
    expect(reload).not.toHaveBeenCalled()
    sources[0].emit('ready')
    vi.advanceTimersByTime(500)
    expect(reload).toHaveBeenCalledTimes(1)
    live.stop()
  })

  it('opens the stream again later when the server closed it', () => {
    const live = createLive({ open, retry: 30_000 })
    live.start()
    sources[0].readyState = 2
    sources[0].emit('error')
    expect(sources).toHaveLength(1)
    vi.advanceTimersByTime(30_000)
    expect(sources).toHaveLength(2)
    // A dropped connection EventSource retries itself (still CONNECTING): no second stream.
    sources[1].readyState = 0
    sources[1].emit('error')
    vi.advanceTimersByTime(60_000)
    expect(sources).toHaveLength(2)
    live.stop()
  })

  it('says whether the stream is open (the live-status indicator)', () => {
    const live = createLive({ open, retry: 30_000 })
    const states: string[] = []
    live.onState((s) => states.push(s))
    expect(live.state).toBe('closed')
    live.start()
    expect(live.state).toBe('closed')
    sources[0].emit('open')
    expect(live.state).toBe('open')
    sources[0].readyState = 0
    sources[0].emit('error')
    expect(live.state).toBe('closed')
    sources[0].readyState = 1
    sources[0].emit('ready')
    expect(live.state).toBe('open')
    live.stop()
    expect(live.state).toBe('closed')
    expect(states).toEqual(['open', 'closed', 'open', 'closed'])
  })
})
