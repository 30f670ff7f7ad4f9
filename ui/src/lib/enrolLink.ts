// The enrolment QR code: redsteward://enrol?server=<url-encoded URL>&code=<code>

export interface EnrolLink { server: string; code: string }

const PREFIX = 'redsteward://enrol'

/** Reads an enrolment link; null when the text is not one (or lacks a usable server or code). */
export function parseEnrolLink(text: string): EnrolLink | null {
  const s = text.trim()
  if (s.slice(0, PREFIX.length).toLowerCase() !== PREFIX) return null
  let rest = s.slice(PREFIX.length)
  if (rest.startsWith('/')) rest = rest.slice(1)
  if (!rest.startsWith('?')) return null
  const q = new URLSearchParams(rest.slice(1).split('#')[0])
  const server = (q.get('server') ?? '').trim()
  const code = (q.get('code') ?? '').trim()
  if (!code || !/^https?:\/\/[^\s/]+/i.test(server)) return null
  return { server, code }
}

/**
 * What is wrong with a server address typed on the enrolment form, as an i18n key, or null when
 * it can be sent. Like the Rust side, the address (trimmed) must start with http:// or https://.
 */
export function serverAddressError(text: string): 'enrol.errors.server' | 'enrol.errors.serverScheme' | null {
  const s = text.trim()
  if (!s) return 'enrol.errors.server'
  if (!s.startsWith('http://') && !s.startsWith('https://')) return 'enrol.errors.serverScheme'
  return null
}
