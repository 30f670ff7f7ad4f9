import { describe, expect, it } from 'vitest'
import type { PairingCase } from '../api'
import {
  MAX_AMOUNT_YUAN, caseState, emptyCaseDraft, emptyCloseDraft, outcomeWords, parseAmount, sortCases, toCaseForm,
  toPairingClose, validateAction, validateCase, validateClose,
} from './pairing'
import { i18n, messages } from '../i18n'

/** A key as the messages hold it, e.g. 'pairing.errors.helper'. */
function exists(key: string): boolean {
  let node: unknown = messages['zh-CN']
  for (const part of key.split('.')) node = (node as Record<string, unknown>)?.[part]
  return typeof node === 'string'
}
const allKeys = (errors: Record<string, string>) => Object.values(errors).every(exists)

describe('validateCase', () => {
  it('needs who is paired, the need and the help needed', () => {
    const errors = validateCase(emptyCaseDraft())
    expect(errors).toEqual({ helper: 'pairing.errors.helper', need: 'pairing.errors.need', description: 'pairing.errors.description' })
    expect(allKeys(errors)).toBe(true)
    expect(validateCase({ helper: '   ', need: 'tuition', description: ' \n ' })).toEqual({
      helper: 'pairing.errors.helper', description: 'pairing.errors.description',
    })
  })

  it('passes a filled case, and refuses texts over the limits (100 and 2000 characters, trimmed)', () => {
    expect(validateCase({ helper: '党员王明', need: 'tuition', description: '学费' })).toEqual({})
    expect(validateCase({ helper: ` ${'王'.repeat(100)} `, need: 'other', description: `${'难'.repeat(2000)}  ` })).toEqual({})
    const long = validateCase({ helper: '王'.repeat(101), need: 'other', description: '难'.repeat(2001) })
    expect(long).toEqual({ helper: 'pairing.errors.tooLong', description: 'pairing.errors.tooLong' })
    expect(allKeys(long)).toBe(true)
  })

  it('toCaseForm trims what was typed', () => {
    expect(toCaseForm({ helper: ' 党员王明 ', need: 'medical', description: ' 看病 ' })).toEqual({ helper: '党员王明', need: 'medical', description: '看病' })
  })
})

describe('validateAction', () => {
  it('needs words, at most 2000', () => {
    expect(validateAction('  ')).toBe('pairing.errors.action')
    expect(validateAction(' 送米 ')).toBe('')
    expect(validateAction('米'.repeat(2001))).toBe('pairing.errors.tooLong')
    expect(exists('pairing.errors.action')).toBe(true)
  })
})

describe('parseAmount', () => {
  it('reads whole yuan; empty is none', () => {
    expect(parseAmount('')).toEqual({ ok: true, yuan: null })
    expect(parseAmount('   ')).toEqual({ ok: true, yuan: null })
    expect(parseAmount('5000')).toEqual({ ok: true, yuan: 5000 })
    expect(parseAmount(' 0 ')).toEqual({ ok: true, yuan: 0 })
    expect(parseAmount(String(MAX_AMOUNT_YUAN))).toEqual({ ok: true, yuan: 10_000_000 })
  })

  it('reads full-width digits, thousands separators and a trailing 元', () => {
    expect(parseAmount('５０００')).toEqual({ ok: true, yuan: 5000 })
    expect(parseAmount('5,000')).toEqual({ ok: true, yuan: 5000 })
    expect(parseAmount('1，200 元')).toEqual({ ok: true, yuan: 1200 })
  })

  it('refuses what is not a whole number of yuan, and more than 10,000,000', () => {
    for (const bad of ['五千', 'abc', '12.5', '-3', '1e4', '0x10', '5000元元', '元']) {
      expect(parseAmount(bad), bad).toEqual({ ok: false, error: 'pairing.errors.amount' })
    }
    expect(parseAmount('10000001')).toEqual({ ok: false, error: 'pairing.errors.amountMax' })
    expect(parseAmount('99999999999999999999')).toEqual({ ok: false, error: 'pairing.errors.amountMax' })
    expect(exists('pairing.errors.amount') && exists('pairing.errors.amountMax')).toBe(true)
  })
})

describe('validateClose and toPairingClose', () => {
  it('needs an outcome; the amount and the note may be left empty', () => {
    expect(validateClose(emptyCloseDraft())).toEqual({ outcome: 'pairing.errors.outcome' })
    expect(validateClose({ outcome: 'relieved', amount: '', note: '' })).toEqual({})
    expect(exists('pairing.errors.outcome')).toBe(true)
  })

  it('refuses a bad amount and a note over 2000 characters', () => {
    const errors = validateClose({ outcome: 'subsidy', amount: '5千', note: '好'.repeat(2001) })
    expect(errors).toEqual({ amount: 'pairing.errors.amount', note: 'pairing.errors.tooLong' })
    expect(allKeys(errors)).toBe(true)
  })

  it('sends the amount as a number of yuan (or null) and the note trimmed; any outcome may carry an amount', () => {
    expect(toPairingClose({ outcome: 'subsidy', amount: ' 5,000 ', note: ' 助学金 ' })).toEqual({ outcome: 'subsidy', amount_yuan: 5000, note: '助学金' })
    expect(toPairingClose({ outcome: 'unresolved', amount: '', note: '' })).toEqual({ outcome: 'unresolved', amount_yuan: null, note: '' })
    expect(toPairingClose({ outcome: 'treatment', amount: '800', note: '' })).toEqual({ outcome: 'treatment', amount_yuan: 800, note: '' })
  })
})

describe('cases as shown', () => {
  const c = (id: string, opened_at: number, closed_at: number | null) => ({ id, opened_at, closed_at })

  it('a case is open until closed', () => {
    expect(caseState({ closed_at: null })).toBe('open')
    expect(caseState({ closed_at: 0 })).toBe('closed')
  })

  it('open cases first, newest first; then closed ones, the latest closed first', () => {
    const sorted = sortCases([c('closed-early', 9, 10), c('open-old', 1, null), c('closed-late', 2, 50), c('open-new', 5, null)])
    expect(sorted.map((x) => x.id)).toEqual(['open-new', 'open-old', 'closed-late', 'closed-early'])
  })

  it('the outcome in words, with its amount: "争取到补助资助 5000元" / "… 5000 yuan"', () => {
    const labels: Record<string, string> = { subsidy: '争取到补助资助', job: '实现就业' }
    const t = i18n.global.t as (k: string, p?: Record<string, unknown>) => string
    const words = (x: Pick<PairingCase, 'outcome' | 'amount_yuan'>) => outcomeWords(x, (code) => labels[code], t)
    i18n.global.locale.value = 'zh-CN'
    expect(words({ outcome: 'subsidy', amount_yuan: 5000 })).toBe('争取到补助资助 5000元')
    expect(words({ outcome: 'job', amount_yuan: null })).toBe('实现就业')
    expect(words({ outcome: 'job', amount_yuan: 0 })).toBe('实现就业 0元')
    expect(words({ outcome: null, amount_yuan: null })).toBe('')
    i18n.global.locale.value = 'en'
    expect(words({ outcome: 'subsidy', amount_yuan: 5000 })).toBe('争取到补助资助 5000 yuan')
    i18n.global.locale.value = 'zh-CN'
  })
})
