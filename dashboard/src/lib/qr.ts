// The enrolment QR code, drawn in the browser as SVG (sharp on paper, no canvas needed).
import QRCode from 'qrcode'

export const QR_OPTIONS = { type: 'svg', margin: 1, errorCorrectionLevel: 'M', width: 240 } as const

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, QR_OPTIONS)
}

/** An enrolment code in groups for reading aloud: `K7QM-2XHD-9P`. */
export function groupCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase().replace(/(.{4})(?=.)/g, '$1-')
}
