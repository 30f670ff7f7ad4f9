// Enrolling by QR code: a scanned enrolment link fills in the server address and the code and
// enrols with them at once; anything else is refused in words and enrols nothing. The scan button
// is only there on a phone (app_info.mobile).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import type { AppInfo, Identity } from '../api'

const invoke = vi.fn()
const scan = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))
// The camera, replaced: `scan` answers with what the test has it "see".
vi.mock('@tauri-apps/plugin-barcode-scanner', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@tauri-apps/plugin-barcode-scanner')>()),
  scan: (...args: unknown[]) => scan(...args),
}))

import EnrolView from './EnrolView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

const SERVER = 'https://steward.example.cn:8443/api'
const LINK = `redsteward://enrol?server=${encodeURIComponent(SERVER)}&code=ABCD-1234`
const identity: Identity = {
  server_url: SERVER,
  device_id: 'd',
  steward_id: 's',
  steward_name: '程运刚',
  compound_id: 'c',
  compound_name: '蜀汉美郡',
}
function appInfo(mobile: boolean, enrolled = false): AppInfo {
  return { version: '0.1.0', identity: enrolled ? identity : null, zone: 'Asia/Shanghai', month: '2025-03', now: 0, mobile }
}

const calls = (cmd: string) => invoke.mock.calls.filter(([c]) => c === cmd).map(([, args]) => args)
let mobile = true
let enrolled = false
let wrapper: VueWrapper | null = null
let router: Router

async function mountEnrol() {
  store.info = appInfo(mobile)
  invoke.mockImplementation(async (cmd: string) => {
    switch (cmd) {
      case 'app_info':
        return appInfo(mobile, enrolled)
      case 'enrol':
        enrolled = true
        return identity
      default:
        return null
    }
  })
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: { template: '<div data-testid="home">home</div>' } },
      { path: '/enrol', name: 'enrol', component: EnrolView },
    ],
  })
  await router.push('/enrol')
  wrapper = mount(EnrolView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

/** Taps "scan" and waits until the camera has been asked (the scanner plugin loads on first use). */
async function tapScan(w: VueWrapper) {
  const asked = scan.mock.calls.length
  await w.get('[data-testid="enrol-scan"]').trigger('click')
  await vi.waitFor(() => expect(scan).toHaveBeenCalledTimes(asked + 1))
  await flushPromises()
}
const value = (w: VueWrapper, id: string) => (w.get(`[data-testid="${id}"] input`).element as HTMLInputElement).value

describe('EnrolView: QR code', () => {
  beforeEach(() => {
    invoke.mockReset()
    scan.mockReset()
    mobile = true
    enrolled = false
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
  })

  it('on a phone, a scanned enrolment link fills in the server and code and enrols with them', async () => {
    scan.mockResolvedValue({ content: LINK, format: 'QR_CODE' })
    const w = await mountEnrol()
    await tapScan(w)

    expect(scan).toHaveBeenCalledTimes(1)
    expect(scan.mock.calls[0][0]).toMatchObject({ formats: ['QR_CODE'] })
    expect(value(w, 'enrol-server')).toBe(SERVER)
    expect(value(w, 'enrol-code')).toBe('ABCD-1234')
    expect(calls('enrol')).toEqual([{ serverUrl: SERVER, code: 'ABCD-1234', deviceName: '我的手机' }])
    // Enrolled: the app reads who it is now and opens the home screen.
    expect(calls('app_info')).toHaveLength(1)
    expect(store.info?.identity?.steward_name).toBe('程运刚')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('home'))
    expect(w.find('[data-testid="enrol-error"]').exists()).toBe(false)
  })

  it('a QR code that is not our enrolment link is refused in words and enrols nothing', async () => {
    const w = await mountEnrol()
    const before = value(w, 'enrol-server')
    for (const content of [
      'https://example.com/?server=http%3A%2F%2Fh&code=1', // someone else's link
      'redsteward://enrol?server=ftp%3A%2F%2Fh&code=1', // ours, but no usable server
      'WIFI:T:WPA;S:home;P:secret;;',
    ]) {
      scan.mockResolvedValueOnce({ content, format: 'QR_CODE' })
      await tapScan(w)
      expect(w.get('[data-testid="enrol-code"]').text(), content).toContain('这个二维码不是登记码')
      expect(value(w, 'enrol-server'), content).toBe(before)
      expect(value(w, 'enrol-code'), content).toBe('')
    }
    expect(scan).toHaveBeenCalledTimes(3)
    expect(calls('enrol')).toHaveLength(0)
    expect(router.currentRoute.value.name).toBe('enrol')
  })

  it('backing out of the camera changes nothing and says nothing', async () => {
    scan.mockRejectedValue('User cancelled the scan')
    const w = await mountEnrol()
    await w.get('[data-testid="enrol-code"] input').setValue('typed')
    await tapScan(w)
    expect(scan).toHaveBeenCalledTimes(1)
    expect(value(w, 'enrol-code')).toBe('typed')
    expect(w.find('[data-testid="enrol-error"]').exists()).toBe(false)
    expect(w.get('[data-testid="enrol-code"]').text()).not.toContain('这个二维码不是登记码')
    expect(calls('enrol')).toHaveLength(0)
  })

  it('a camera that cannot scan is named in words and enrols nothing', async () => {
    scan.mockRejectedValue(new Error('camera permission denied'))
    const w = await mountEnrol()
    await tapScan(w)
    const err = w.get('[data-testid="enrol-error"]')
    expect(err.attributes('data-code')).toBe('scan_failed')
    expect(err.text()).toContain('没能打开相机扫码')
    expect(calls('enrol')).toHaveLength(0)
  })

  it('on the desktop build there is no scan button; typing the address and code still enrols', async () => {
    mobile = false
    const w = await mountEnrol()
    expect(w.find('[data-testid="enrol-scan"]').exists()).toBe(false)
    expect(w.find('[data-testid="enrol-submit"]').exists()).toBe(true)

    await w.get('[data-testid="enrol-server"] input').setValue(SERVER)
    await w.get('[data-testid="enrol-code"] input').setValue('ABCD-1234')
    await w.get('[data-testid="enrol-submit"]').trigger('click')
    await flushPromises()
    expect(scan).not.toHaveBeenCalled()
    expect(calls('enrol')).toEqual([{ serverUrl: SERVER, code: 'ABCD-1234', deviceName: '我的手机' }])
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('home'))
  })
})
