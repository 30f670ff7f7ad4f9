import { afterEach, describe, expect, it } from 'vitest'
import type { Figure } from '../api/types'
import { i18n } from '../i18n'
import {
  FIGURE_KEYS, figureLabel, figureLink, figuresExportUrl, figuresFilters, figuresQuery, figuresRoute, figureUnit, partLabel, periodLabel,
  quarterOfMonth, thisYear,
} from './figures'

const PLACE = '0168ec11-3289-4890-b7a8-b949feb8be01'
/** 2026-12-02 11:00 in Shanghai. */
const NOW = Date.UTC(2026, 11, 2, 3)

afterEach(() => {
  i18n.global.locale.value = 'zh-CN'
})

describe('the figures period and place', () => {
  it('is this year so far by default, absent from the URL', () => {
    expect(thisYear(NOW)).toEqual({ from: '2026-01', to: '2026-12' })
    const f = figuresFilters({}, NOW)
    expect(f).toEqual({ from: '2026-01', to: '2026-12', place: '' })
    expect(figuresQuery(f)).toEqual({ from: '2026-01', to: '2026-12' })
    expect(figuresRoute(f, NOW)).toEqual({})
  })

  it('keeps another period and the place in the URL, and asks exactly that', () => {
    const f = figuresFilters({ from: '2025-07', to: '2026-06', place: PLACE }, NOW)
    expect(figuresQuery(f)).toEqual({ from: '2025-07', to: '2026-06', place: PLACE })
    expect(figuresRoute(f, NOW)).toEqual({ from: '2025-07', to: '2026-06', place: PLACE })
    expect(figuresFilters(figuresRoute(f, NOW), NOW)).toEqual(f)
    expect(figuresExportUrl(f, 'xlsx')).toBe(`/v1/reports/figures?from=2025-07&to=2026-06&place=${PLACE}&format=xlsx`)
  })

  it('drops what is not a month, and turns a backwards period round', () => {
    expect(figuresFilters({ from: '2026-13', to: 'x' }, NOW)).toEqual({ from: '2026-01', to: '2026-12', place: '' })
    expect(figuresFilters({ from: '2026-09', to: '2026-02' }, NOW)).toMatchObject({ from: '2026-02', to: '2026-09' })
    expect(periodLabel({ from: '2026-01', to: '2026-12' })).toBe('2026-01 至 2026-12')
    expect(periodLabel({ from: '2026-03', to: '2026-03' })).toBe('2026-03')
  })
})

describe('each figure', () => {
  const f = figuresFilters({ from: '2026-01', to: '2026-08', place: PLACE }, NOW)

  it('comes in the article\'s order and leads to its rows, with the period and place where the screen takes them', () => {
    expect(FIGURE_KEYS).toEqual(['visits', 'opinions', 'meetings', 'compound_problems_solved', 'referrals', 'pairing', 'teams'])
    expect(figureLink('visits', f)).toEqual({ name: 'households', query: { place: PLACE, sort: 'visits', order: 'desc' } })
    expect(figureLink('opinions', f)).toEqual({ name: 'overview', query: { month: '2026-08', place: PLACE } })
    expect(figureLink('meetings', f)).toEqual({ name: 'meetings', query: { quarter: '2026-Q3', place: PLACE } })
    expect(figureLink('compound_problems_solved', f)).toEqual({ name: 'issues', query: { origin: 'steward', max_age_days: '0', place: PLACE } })
    expect(figureLink('referrals', f)).toEqual({ name: 'issues', query: { origin: 'property_company', max_age_days: '0', place: PLACE } })
    expect(figureLink('pairing', f)).toEqual({ name: 'pairing', query: { from: '2026-01', to: '2026-08', place: PLACE } })
    expect(figureLink('teams', f)).toEqual({ name: 'teams', query: { from: '2026-01', to: '2026-08', place: PLACE } })
    expect(figureLink('nothing', f)).toBeNull()
    expect(figureLink('pairing', { ...f, place: '' })).toEqual({ name: 'pairing', query: { from: '2026-01', to: '2026-08' } })
    expect(['2026-01', '2026-03', '2026-04', '2026-12'].map(quarterOfMonth)).toEqual(['2026-Q1', '2026-Q1', '2026-Q2', '2026-Q4'])
  })

  const visits: Figure = { key: 'visits', label_zh: '走访群众', label_en: 'Household visits', value: 14000, unit_zh: '人次', breakdown: [{ key: 'households_visited', label_zh: '走访户数', value: 3500 }] }
  const pairing: Figure = {
    key: 'pairing', label_zh: '结对帮扶', label_en: 'Pairing assistance cases', value: 3, unit_zh: '户',
    breakdown: [{ key: 'open', label_zh: '帮扶中', value: 1 }, { key: 'subsidy', label_zh: '争取到补助资助', value: 1 }, { key: 'amount_yuan', label_zh: '争取资金（元）', value: 6000 }],
  }
  const referrals: Figure = { key: 'referrals', label_zh: '协调解决物业反馈的居民诉求', label_en: "Residents' problems passed on", value: 2, unit_zh: '件', breakdown: [{ key: 'schooling', label_zh: '上学难', value: 1 }] }

  it("is in the server's Chinese words in Chinese, and in English words in English", () => {
    expect([figureLabel(visits), figureUnit(visits), partLabel(visits, visits.breakdown[0])]).toEqual(['走访群众', '人次', '走访户数'])
    i18n.global.locale.value = 'en'
    expect([figureLabel(visits), figureUnit(visits), partLabel(visits, visits.breakdown[0])]).toEqual(['Household visits', 'visits', 'Households visited'])
    expect(pairing.breakdown.map((p) => partLabel(pairing, p))).toEqual(['Being helped', 'Subsidy secured', 'Secured (yuan)'])
    expect(partLabel(referrals, referrals.breakdown[0])).toBe('Schooling')
    expect(partLabel(visits, { key: 'new_part', label_zh: '新的', value: 1 })).toBe('新的')
    expect(periodLabel({ from: '2026-01', to: '2026-12' })).toBe('2026-01 to 2026-12')
  })
})
