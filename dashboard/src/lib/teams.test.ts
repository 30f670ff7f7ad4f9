import { afterEach, describe, expect, it } from 'vitest'
import { i18n } from '../i18n'
import type { TeamRow } from '../api/types'
import { formatDateTime } from './format'
import {
  activityBody, activityDraft, activityProblems, byCommunity, heldAtOf, memberBody, memberDraft, memberProblems, splitNames, teamBody, teamDraft,
  teamProblems, teamsErrorPart, teamsExportUrl, teamsFilters, teamsQuery, teamsRoute, teamsTotals, type ActivityDraft,
} from './teams'

const PLACE = '0168ec11-3289-4890-b7a8-b949feb8be01'
const STEWARD = '7f557788-441e-4014-9e0f-a2a7d0099c00'
/** 2 December 2026, 11:00 in Shanghai. */
const NOW = Date.UTC(2026, 11, 2, 3)

afterEach(() => {
  i18n.global.locale.value = 'zh-CN'
})

/** The demo's team: 4 members, 3 activities (36, 12, 8 participants). */
const SHUHAN_TEAM: TeamRow = {
  id: 't1', name: '蜀汉美郡红色志愿服务队', kind: 'volunteer', kind_zh: '志愿服务队', compound_id: 'c1', compound: '蜀汉美郡', steward_id: STEWARD, steward: '李秀英',
  members: 4, steward_members: 2, resident_members: 2, activities: 3, participants: 56,
}
const CULTURE: TeamRow = { ...SHUHAN_TEAM, id: 't2', name: '汉韵花园文化宣传队', kind: 'culture', members: 1, steward_members: 1, resident_members: 0, activities: 0, participants: 0 }

describe('the screen\'s period and place', () => {
  it('is this year so far by default, always asked of the server, kept in the URL only when not the default', () => {
    const f = teamsFilters({}, NOW)
    expect(f).toEqual({ from: '2026-01', to: '2026-12', place: '' })
    expect(teamsQuery(f)).toEqual({ from: '2026-01', to: '2026-12' })
    expect(teamsRoute(f, NOW)).toEqual({})
    const g = teamsFilters({ from: '2026-09', to: '2026-03', place: PLACE }, NOW)
    expect(g).toEqual({ from: '2026-03', to: '2026-09', place: PLACE })
    expect(teamsQuery(g)).toEqual({ from: '2026-03', to: '2026-09', place: PLACE })
    expect(teamsRoute(g, NOW)).toEqual({ from: '2026-03', to: '2026-09', place: PLACE })
    expect(teamsFilters({ from: '2026-13' }, NOW).from).toBe('2026-01')
  })

  it('exports exactly the query plus format', () => {
    expect(teamsExportUrl(teamsFilters({ place: PLACE }, NOW), 'xlsx')).toBe(`/v1/reports/teams?from=2026-01&to=2026-12&place=${PLACE}&format=xlsx`)
    expect(teamsExportUrl(teamsFilters({}, NOW), 'csv')).toBe('/v1/reports/teams?from=2026-01&to=2026-12&format=csv')
  })
})

describe('the totals', () => {
  it('count the teams by kind and their members, with the server\'s activities and participants', () => {
    expect(teamsTotals([SHUHAN_TEAM, CULTURE], { total: 3, participants: 56 })).toEqual({
      teams: 2, volunteer: 1, culture: 1, members: 5, stewardMembers: 3, residentMembers: 2, activities: 3, participants: 56,
    })
    expect(teamsTotals([SHUHAN_TEAM])).toMatchObject({ activities: 3, participants: 56 })
    expect(teamsTotals([], null)).toMatchObject({ teams: 0, members: 0, activities: 0, participants: 0 })
  })

  it('tags what the community recorded', () => {
    expect(byCommunity({ role: 'supervisor' })).toBe(true)
    expect(byCommunity({ role: 'steward' })).toBe(false)
  })
})

describe('新建队伍', () => {
  it('needs a steward, a name of at most 100 characters and a kind', () => {
    expect(teamProblems(teamDraft())).toEqual({ steward_id: 'teams.problem.stewardRequired', name: 'teams.problem.nameRequired' })
    expect(teamProblems({ steward_id: STEWARD, name: '   ', kind: 'volunteer' })).toEqual({ name: 'teams.problem.nameRequired' })
    expect(teamProblems({ steward_id: STEWARD, name: '队'.repeat(100), kind: 'culture' })).toEqual({})
    expect(teamProblems({ steward_id: STEWARD, name: '队'.repeat(101), kind: 'culture' })).toEqual({ name: 'teams.problem.nameLong' })
    expect(teamProblems({ steward_id: STEWARD, name: '文化宣传队', kind: '' })).toEqual({ kind: 'teams.problem.kindRequired' })
  })

  it('sends the steward, the trimmed name and the kind', () => {
    expect(teamBody({ steward_id: STEWARD, name: '  汉韵花园文化宣传队 ', kind: 'culture' })).toEqual({ steward_id: STEWARD, name: '汉韵花园文化宣传队', kind: 'culture' })
  })
})

describe('添加队员', () => {
  it('needs a name and a role (a resident by default)', () => {
    expect(memberDraft()).toEqual({ name: '', role: 'resident' })
    expect(memberProblems(memberDraft())).toEqual({ name: 'teams.problem.memberRequired' })
    expect(memberProblems({ name: '张大爷', role: '' })).toEqual({ role: 'teams.problem.roleRequired' })
    expect(memberProblems({ name: '张大爷', role: 'steward' })).toEqual({})
    expect(memberBody({ name: ' 张大爷 ', role: 'resident' })).toEqual({ name: '张大爷', role: 'resident' })
  })
})

describe('记录活动', () => {
  const good: ActivityDraft = { kind: 'performance', title: ' 迎新春文艺演出 ', day: '2026-12-01', place: ' 小区广场 ', participants: 40, names: '李秀英，张大爷、王阿姨, 李秀英,,' }

  it('starts on today, a policy talk, nobody named', () => {
    expect(activityDraft(NOW)).toEqual({ kind: 'policy_talk', title: '', day: '2026-12-02', place: '', participants: null, names: '' })
  })

  it('holds the day at noon in Shanghai', () => {
    expect(heldAtOf('2026-12-01')).toBe(Date.UTC(2026, 11, 1, 4))
    expect(formatDateTime(heldAtOf('2026-12-01'))).toBe('2026-12-01 12:00')
    expect(heldAtOf('2026-02-30')).toBeNull()
    expect(heldAtOf('')).toBeNull()
  })

  it('splits the names on any comma, without empty ones or repeats', () => {
    expect(splitNames(good.names)).toEqual(['李秀英', '张大爷', '王阿姨'])
    expect(splitNames(' ,，')).toEqual([])
  })

  it('needs a kind, a title, a day, a place and 1 or more participants, no more names than participants', () => {
    expect(activityProblems(good)).toEqual({})
    expect(activityProblems(activityDraft(NOW))).toEqual({
      title: 'teams.problem.titleRequired', place: 'teams.problem.placeRequired', participants: 'teams.problem.participantsRequired',
    })
    expect(activityProblems({ ...good, kind: '' })).toEqual({ kind: 'teams.problem.kindRequired' })
    expect(activityProblems({ ...good, day: '2026-13-01' })).toEqual({ day: 'teams.problem.dayRequired' })
    expect(activityProblems({ ...good, participants: 0 })).toEqual({ participants: 'teams.problem.participantsRange' })
    expect(activityProblems({ ...good, participants: 2.5 })).toEqual({ participants: 'teams.problem.participantsRange' })
    expect(activityProblems({ ...good, participants: 2 })).toEqual({ names: 'teams.problem.tooManyNames' })
    expect(activityProblems({ ...good, participants: 3 })).toEqual({})
    expect(activityProblems({ ...good, title: '题'.repeat(201) })).toEqual({ title: 'teams.problem.textLong' })
  })

  it('sends the kind, the trimmed words, the instant, the participants and the names when given', () => {
    expect(activityBody(good)).toEqual({
      kind: 'performance', title: '迎新春文艺演出', held_at: Date.UTC(2026, 11, 1, 4), place: '小区广场', participants: 40, names: ['李秀英', '张大爷', '王阿姨'],
    })
    expect(activityBody({ ...good, names: ' ' })).not.toHaveProperty('names')
  })
})

describe('a refusal', () => {
  const ACTIVITY = ['kind', 'title', 'day', 'place', 'participants', 'names'] as const
  it('shows beside the part its field names, else the part its words name, else above the buttons', () => {
    expect(teamsErrorPart(['steward_id', 'name', 'kind'], 'name', 'a team needs a name of at most 100 characters')).toBe('name')
    expect(teamsErrorPart(ACTIVITY, 'participants', 'invalid value: integer `-1`')).toBe('participants')
    expect(teamsErrorPart(ACTIVITY, null, 'an activity needs a title')).toBe('title')
    expect(teamsErrorPart(ACTIVITY, undefined, 'an activity needs its place')).toBe('place')
    expect(teamsErrorPart(ACTIVITY, null, 'more names than participants')).toBe('names')
    expect(teamsErrorPart(ACTIVITY, null, "the activity's date is not a date between the years 2000 and 2100")).toBe('day')
    expect(teamsErrorPart(ACTIVITY, 'held_at')).toBe('day')
    expect(teamsErrorPart(ACTIVITY, null, 'document not found')).toBe('')
    expect(teamsErrorPart(['name', 'role'], 'role', 'unknown variant')).toBe('role')
  })
})
