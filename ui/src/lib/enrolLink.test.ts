import { describe, expect, it } from 'vitest'
import { parseEnrolLink, serverAddressError } from './enrolLink'

describe('parseEnrolLink', () => {
  it('reads server and code', () => {
    expect(parseEnrolLink('redsteward://enrol?server=http%3A%2F%2F10.0.0.5%3A8787&code=ABCD-1234')).toEqual({
      server: 'http://10.0.0.5:8787',
      code: 'ABCD-1234',
    })
  })
  it('keeps a path and query inside the server URL', () => {
    const server = 'https://steward.example.cn/api?x=1&y=2'
    expect(parseEnrolLink(`redsteward://enrol?code=Q7&server=${encodeURIComponent(server)}`)).toEqual({ server, code: 'Q7' })
  })
  it('tolerates surrounding spaces, case in the scheme and a trailing slash', () => {
    expect(parseEnrolLink('  RedSteward://enrol/?server=http%3A%2F%2Fh%3A1&code=x1 \n')).toEqual({ server: 'http://h:1', code: 'x1' })
  })
  it('decodes an encoded code', () => {
    expect(parseEnrolLink('redsteward://enrol?server=http%3A%2F%2Fh&code=%E7%BA%A2%2012')).toEqual({ server: 'http://h', code: '红 12' })
  })
  it('refuses anything else', () => {
    expect(parseEnrolLink('')).toBeNull()
    expect(parseEnrolLink('https://example.com/?server=http%3A%2F%2Fh&code=1')).toBeNull()
    expect(parseEnrolLink('redsteward://other?server=http%3A%2F%2Fh&code=1')).toBeNull()
    expect(parseEnrolLink('redsteward://enrolx?server=http%3A%2F%2Fh&code=1')).toBeNull()
    expect(parseEnrolLink('redsteward://enrol?server=http%3A%2F%2Fh')).toBeNull()
    expect(parseEnrolLink('redsteward://enrol?code=1')).toBeNull()
    expect(parseEnrolLink('redsteward://enrol?server=ftp%3A%2F%2Fh&code=1')).toBeNull()
    expect(parseEnrolLink('redsteward://enrol?server=http%3A%2F%2Fh&code=%20%20')).toBeNull()
  })
})

describe('serverAddressError', () => {
  it('accepts http:// and https:// addresses, spaces around them allowed', () => {
    expect(serverAddressError('http://127.0.0.1:8787')).toBeNull()
    expect(serverAddressError('https://steward.example.cn')).toBeNull()
    expect(serverAddressError('  https://steward.example.cn/api/  ')).toBeNull()
  })
  it('asks for an address when there is none', () => {
    expect(serverAddressError('')).toBe('enrol.errors.server')
    expect(serverAddressError('   ')).toBe('enrol.errors.server')
  })
  it('refuses an address without http:// or https:// at the start', () => {
    for (const s of ['127.0.0.1:8787', 'steward.example.cn', 'ftp://h', 'http:/h', 'httpx://h', 'www.http://h']) {
      expect(serverAddressError(s), s).toBe('enrol.errors.serverScheme')
    }
  })
})
