import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zh from './zh-CN'
import en from './en'

type Tree = { [k: string]: string | Tree }

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv)
  }
  return out
}

const zhLeaves = leaves(zh as Tree)
const enLeaves = leaves(en as Tree)

// Every source file's text, to find the message keys the code uses.
const sources = import.meta.glob(['../**/*.vue', '../**/*.ts', '!../**/*.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>

const NAMESPACES = Object.keys(zh).join('|')
// Keys appear in the code as single-quoted or template literals ('visit.save', `titles.home`);
// double quotes are left out because Vue template attributes use them around expressions.
const KEY_LITERAL = new RegExp(`['\`]((?:${NAMESPACES})\\.[A-Za-z0-9_.]+)['\`]`, 'g')

describe('i18n messages', () => {
  it('zh-CN and en have exactly the same keys', () => {
    const onlyZh = [...zhLeaves.keys()].filter((k) => !enLeaves.has(k))
    const onlyEn = [...enLeaves.keys()].filter((k) => !zhLeaves.has(k))
    expect(onlyZh).toEqual([])
    expect(onlyEn).toEqual([])
    expect(zhLeaves.size).toBeGreaterThan(100)
  })

  it('uses the same placeholders in both languages, and no message is empty', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    for (const [k, z] of zhLeaves) {
      expect(z.trim(), k).not.toBe('')
      expect(names(enLeaves.get(k) ?? ''), k).toEqual(names(z))
    }
  })

  it('every message compiles and fills its placeholders', () => {
    const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh, en } })
    for (const locale of ['zh-CN', 'en'] as const) {
      i18n.global.locale.value = locale
      for (const [k, raw] of locale === 'en' ? enLeaves : zhLeaves) {
        const params = Object.fromEntries([...raw.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], 7]))
        const out = i18n.global.t(k, params)
        expect(out, `${locale} ${k}`).not.toBe(k)
        expect(out, `${locale} ${k}`).not.toMatch(/[{}]/)
        if (Object.keys(params).length) expect(out, `${locale} ${k}`).toContain('7')
      }
    }
  })

  it('every key named in the code exists', () => {
    const used = new Set<string>()
    for (const text of Object.values(sources)) {
      for (const m of text.matchAll(KEY_LITERAL)) used.add(m[1])
    }
    expect(used.size).toBeGreaterThan(50)
    const missing = [...used].filter((k) => !zhLeaves.has(k))
    expect(missing).toEqual([])
  })

  it('keys built at run time exist for every value they can take', () => {
    for (const gap of ['party_member', 'basic_profile', 'key_service']) expect(zhLeaves.has(`household.missing.${gap}`)).toBe(true)
    for (const code of [
      'invalid', 'not_found', 'not_enrolled', 'unsynced_changes', 'offline', 'bad_enrolment_code', 'unauthorized',
      'rejected', 'server_error', 'storage', 'corrupt', 'protocol', 'ipc', 'already_enrolled', 'scan_failed',
      'unknown',
    ]) {
      expect(zhLeaves.has(`errors.${code}`), code).toBe(true)
    }
  })

  it('uses the programme wording for the enrolment errors', () => {
    expect(zh.errors.bad_enrolment_code).toBe('登记码不对或已过期，请核对或向社区要新的')
    expect(zh.errors.offline).toBe('连不上服务器，请检查地址和网络')
    expect(zh.errors.already_enrolled).toBe('这部手机已经登记过了，如需换人请先在“设置”里退出登录')
  })
})
