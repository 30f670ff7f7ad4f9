import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import QRCode from 'qrcode'
import { element } from '../element'

const ENROL_URI = 'redsteward://enrol?server=https%3A%2F%2Fnz.example.cn&code=K7QM2XHD9P'

vi.mock('../api/endpoints', () => ({
  issueEnrolmentCode: vi.fn(async (steward_id: string) => ({
    code: 'K7QM2XHD9P',
    steward_id,
    expires_at: Date.UTC(2026, 11, 9, 2),
    enrol_uri: ENROL_URI,
  })),
}))

import { issueEnrolmentCode } from '../api/endpoints'
import EnrolmentDialog from './EnrolmentDialog.vue'

afterEach(() => {
  document.body.innerHTML = ''
})

describe('the enrolment dialog', () => {
  it('issues a code for the steward and shows the QR code of its enrol_uri', async () => {
    const w = mount(EnrolmentDialog, {
      props: { modelValue: true, steward: { id: 'st-1', compound_id: 'c1', name: '李秀英' } },
      global: { plugins: [element] },
      attachTo: document.body,
    })
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
    await flushPromises()

    expect(issueEnrolmentCode).toHaveBeenCalledWith('st-1', 7)
    const qr = document.querySelector('[data-test="enrol-qr"]')!
    expect(qr).not.toBeNull()
    expect(qr.getAttribute('data-uri')).toBe(ENROL_URI)
    // The drawn code is exactly the QR code of enrol_uri (not of the bare code, not of anything else).
    const expected = await QRCode.toString(ENROL_URI, { type: 'svg', margin: 1, errorCorrectionLevel: 'M', width: 240 })
    const same = document.createElement('div')
    same.innerHTML = expected
    expect(qr.innerHTML).toBe(same.innerHTML)
    const other = document.createElement('div')
    other.innerHTML = await QRCode.toString('K7QM2XHD9P', { type: 'svg', margin: 1, errorCorrectionLevel: 'M', width: 240 })
    expect(qr.innerHTML).not.toBe(other.innerHTML)
    expect(qr.querySelector('svg')).not.toBeNull()
    expect(document.querySelector('[data-test="enrol-code"]')!.textContent).toBe('K7QM-2XHD-9P')
    expect(document.querySelector('.print-area [data-test="enrol-sheet"]')).not.toBeNull()
    w.unmount()
  })
})
