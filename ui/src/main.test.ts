// The real start-up (main.ts): the steward's saved language and text size are in effect when the
// app opens.
import { expect, it, vi } from 'vitest'
import type { AppInfo, UiPrefs } from './api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))

const info: AppInfo = { version: '0.1.0', identity: null, zone: 'Asia/Shanghai', month: '2025-03', now: 0, mobile: false }
const saved: UiPrefs = { locale: 'en', textScale: 1.5 }

it('starting the app puts back the saved text size and language', async () => {
  invoke.mockImplementation(async (cmd: string) => {
    switch (cmd) {
      case 'ui_prefs':
        return saved
      case 'app_info':
        return info
      default:
        return null
    }
  })
  document.body.innerHTML = '<div id="app"></div>'
  document.documentElement.style.removeProperty('--rs-scale')

  await import('./main')
  // Not enrolled: the app opens on the enrolment screen.
  await vi.waitFor(() => expect(document.querySelector('[data-testid="enrol-server"]')).not.toBeNull())

  expect(invoke.mock.calls.filter(([c]) => c === 'ui_prefs')).toHaveLength(1)
  expect(document.documentElement.style.getPropertyValue('--rs-scale')).toBe('1.5')
  expect(document.documentElement.lang).toBe('en')
  expect(document.querySelector('[data-testid="enrol-submit"]')!.textContent).toContain('Enrol')
  // Reading the preferences writes nothing back.
  expect(invoke.mock.calls.filter(([c]) => c === 'set_ui_prefs')).toHaveLength(0)
})
