import { afterEach, describe, expect, it } from 'vitest'
import { i18n } from '../i18n'
import { actionLabel, CODES, codeLabel, codeOptions } from './labels'

afterEach(() => {
  i18n.global.locale.value = 'zh-CN'
})

describe('labels', () => {
  it('gives Chinese words for codes by default', () => {
    expect(codeLabel('status', 'in_progress')).toBe('处理中')
    expect(codeLabel('route', 'property_duty')).toBe('物业职责')
    expect(codeLabel('trigger', 'major_holiday')).toBe('重大节日期间')
    expect(codeLabel('timelyKind', 'urgent_help')).toBe('及时相帮')
    expect(codeLabel('keyService', 'elderly_alone')).toBe('独居老人')
    expect(codeLabel('issueCategory', 'flying_wire_charging')).toBe('飞线充电')
  })

  it("prefers the server's Chinese label in Chinese, and its own words in English", () => {
    expect(codeLabel('trigger', 'hardship', '生活遇到困难（服务器）')).toBe('生活遇到困难（服务器）')
    i18n.global.locale.value = 'en'
    expect(codeLabel('trigger', 'hardship', '生活遇到困难（服务器）')).toBe('Hardship in daily life')
    expect(codeLabel('status', 'verified')).toBe('Verified')
  })

  it('shows an unknown code as it is, and nothing as a dash', () => {
    expect(codeLabel('status', 'teleported')).toBe('teleported')
    expect(codeLabel('status', null)).toBe('—')
  })

  it('has words for every code of every list in both languages', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      i18n.global.locale.value = locale
      for (const list of Object.keys(CODES) as (keyof typeof CODES)[]) {
        for (const o of codeOptions(list)) expect(o.label, `${locale} ${list}.${o.value}`).not.toBe(o.value)
      }
    }
  })

  it('names access-log actions', () => {
    expect(actionLabel('household')).toBe('查看住户台账')
    expect(actionLabel('report:must-visits:csv')).toBe('报表：未完成必访（CSV）')
    expect(actionLabel('something_new')).toBe('something_new')
  })
})
