// Runs before every Vitest file (jsdom).
import { config } from '@vue/test-utils'
import { i18n } from './i18n'

i18n.global.locale.value = 'zh-CN'
config.global.plugins = [i18n]

// Element Plus measures and observes; jsdom has neither.
if (!('ResizeObserver' in globalThis)) {
  ;(globalThis as unknown as { ResizeObserver: unknown }).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
}
if (!window.matchMedia) {
  window.matchMedia = ((q: string) => ({
    matches: false, media: q, onchange: null,
    addEventListener() {}, removeEventListener() {}, addListener() {}, removeListener() {}, dispatchEvent: () => false,
  })) as unknown as typeof window.matchMedia
}

// The console calls same-origin paths (`/v1/…`); Node's Request wants absolute URLs, so resolve
// them against the test page's origin, as a browser does. (openapi-fetch takes Request when the
// client is made, so this must run before any test file imports the client.)
const NodeRequest = globalThis.Request
class PageRequest extends NodeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === 'string' && input.startsWith('/') ? new URL(input, window.location.origin).href : input, init)
  }
}
globalThis.Request = PageRequest as typeof Request
