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

  it('names the residents\' matters a property company passes on, and where an issue came from', () => {
    expect(['schooling', 'medical_care', 'employment', 'living_hardship', 'other'].map((c) => codeLabel('issueCategory', c))).toEqual([
      '上学难', '看病就医难', '就业困难', '生活困难', '其他',
    ])
    expect(codeLabel('origin', 'steward')).toBe('红色管家上报')
    expect(codeLabel('origin', 'property_company')).toBe('物业反馈')
    i18n.global.locale.value = 'en'
    expect(codeLabel('issueCategory', 'medical_care')).toBe('Medical care')
    expect(codeLabel('origin', 'property_company')).toBe('Passed on by the property company')
  })

  it('names pairing needs, outcomes and states', () => {
    expect(codeOptions('pairingNeed').map((o) => o.label)).toEqual(['助学', '就业', '看病就医', '生活困难', '其他'])
    expect(codeOptions('pairingOutcome').map((o) => o.label)).toEqual(['争取到补助资助', '实现就业', '得到医疗帮扶', '困难得到缓解', '未能解决'])
    expect(codeOptions('pairingStatus').map((o) => o.label)).toEqual(['帮扶中', '已结案'])
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
    expect(actionLabel('pull')).toBe('同步拉取')
    expect(actionLabel('something_new')).toBe('something_new')
  })

  // Every action the server writes (sync-server/src/api/exports.rs, households.rs, reads.rs, audit.rs).
  const ACTIONS: [string, string, string][] = [
    ['household', '查看住户台账', 'Household page'],
    ['pull', '同步拉取', 'Pull'],
    ['selection: applications', '查看选任申请列表', 'Selection: applications'],
    ['selection: application', '查看选任申请', 'Selection: an application'],
    ['selection: application entered', '录入选任申请', 'Selection: application entered'],
    ['selection: public notice', '查看选任公示', 'Selection: public notice'],
    ['households:csv', '导出：住户（CSV）', 'Export: Households (CSV)'],
    ['households:xlsx', '导出：住户（XLSX）', 'Export: Households (XLSX)'],
    ['report:open-must-visits:json', '报表：未完成必访（JSON）', 'Report: Open must-visits (JSON)'],
    ['report:open-must-visits:csv', '报表：未完成必访（CSV）', 'Report: Open must-visits (CSV)'],
    ['report:timely-responses:xlsx', '报表：四及时（XLSX）', 'Report: Timely responses (XLSX)'],
    ['report:issues:json', '报表：问题（JSON）', 'Report: Issues (JSON)'],
    ['report:three-clears:csv', '报表：三清（CSV）', 'Report: Three clears (CSV)'],
    ['report:visits-2026-12:json', '报表：走访进度 2026-12（JSON）', 'Report: Visits planned and done, 2026-12 (JSON)'],
    ['report:visit-ledger-2026-01:xlsx', '报表：遍访纪实台账 2026-01（XLSX）', 'Report: Visit ledger, 2026-01 (XLSX)'],
    ['report:visit-trend-2026-12:json', '报表：走访趋势 2026-12（JSON）', 'Report: Visit trend, 2026-12 (JSON)'],
    ['report:pairing:json', '报表：结对帮扶（JSON）', 'Report: Pairing assistance (JSON)'],
    ['report:pairing:xlsx', '报表：结对帮扶（XLSX）', 'Report: Pairing assistance (XLSX)'],
  ]

  it.each(ACTIONS)('names %s in Chinese and English', (action, zh, en) => {
    expect(actionLabel(action)).toBe(zh)
    i18n.global.locale.value = 'en'
    expect(actionLabel(action)).toBe(en)
  })

  it('keeps an unknown report name, with its month, rather than hiding it', () => {
    expect(actionLabel('report:new-table-2026-03:csv')).toBe('报表：new-table 2026-03（CSV）')
    expect(actionLabel('report:new-table:json')).toBe('报表：new-table（JSON）')
  })
})
