import { describe, expect, it } from 'vitest'
import type { TeamActivity } from '../api'
import {
  activityNames, addTypedNames, byCommunity, emptyActivityDraft, newestFirst, restoreActivityDraft, toActivityForm, toggleName,
  validateActivity, validateMember, validateTeam, type ActivityDraft,
} from './teams'
import { messages } from '../i18n'

const Z = 'Asia/Shanghai'
// 2025-04-10 10:00 in Shanghai.
const NOW = Date.UTC(2025, 3, 10, 2, 0)

function filled(): ActivityDraft {
  return { ...emptyActivityDraft(Z, NOW), kind: 'clean_up', title: ' 清理楼道 ', place: ' 5栋 ', participants: 4 }
}

/** A key as the messages hold it, e.g. 'teamActivity.errors.place'. */
function exists(key: string): boolean {
  let node: unknown = messages['zh-CN']
  for (const part of key.split('.')) node = (node as Record<string, unknown>)?.[part]
  return typeof node === 'string'
}

describe('validateTeam and validateMember', () => {
  it('a team needs a name and a kind', () => {
    expect(validateTeam({ name: ' ', kind: null })).toEqual({ name: 'teams.errors.name', kind: 'teams.errors.kind' })
    expect(validateTeam({ name: 'x'.repeat(101), kind: 'volunteer' })).toEqual({ name: 'teams.errors.tooLong' })
    expect(validateTeam({ name: '志愿服务队', kind: 'culture' })).toEqual({})
  })

  it('a member needs a name, and a team holds at most 200', () => {
    expect(validateMember({ name: '  ', role: 'resident' }, 0)).toEqual({ name: 'team.errors.memberName' })
    expect(validateMember({ name: '王阿姨', role: 'resident' }, 199)).toEqual({})
    expect(validateMember({ name: '王阿姨', role: 'resident' }, 200)).toEqual({ name: 'team.errors.full' })
  })
})

describe('the activity form', () => {
  it('starts today, with nobody counted and no names', () => {
    expect(emptyActivityDraft(Z, NOW)).toEqual({ kind: null, title: '', date: '2025-04-10', place: '', participants: 0, names: [], nameInput: '' })
  })

  it('names come from the list and the box: split at 、，, and new lines, trimmed, each once', () => {
    const d = { ...filled(), names: ['王阿姨'], nameInput: '张三、李四，王阿姨\n 赵五 ,' }
    expect(activityNames(d)).toEqual(['王阿姨', '张三', '李四', '赵五'])
    addTypedNames(d)
    expect(d.names).toEqual(['王阿姨', '张三', '李四', '赵五'])
    expect(d.nameInput).toBe('')
    toggleName(d, '张三')
    expect(d.names).toEqual(['王阿姨', '李四', '赵五'])
    toggleName(d, '张三')
    expect(d.names).toEqual(['王阿姨', '李四', '赵五', '张三'])
  })

  it('checks kind, title, day, place, the count and the names against it', () => {
    expect(validateActivity(filled(), Z, NOW)).toEqual({})
    expect(validateActivity(emptyActivityDraft(Z, NOW), Z, NOW)).toEqual({
      kind: 'teamActivity.errors.kind',
      title: 'teamActivity.errors.title',
      place: 'teamActivity.errors.place',
      participants: 'teamActivity.errors.participants',
    })
    expect(validateActivity({ ...filled(), date: '2025-04-11' }, Z, NOW)).toEqual({ date: 'teamActivity.errors.future' })
    expect(validateActivity({ ...filled(), date: '1999-12-31' }, Z, NOW)).toEqual({ date: 'teamActivity.errors.date' })
    expect(validateActivity({ ...filled(), participants: 2, names: ['甲'], nameInput: '乙、丙' }, Z, NOW)).toEqual({
      participants: 'teamActivity.errors.moreNames',
    })
    expect(validateActivity({ ...filled(), participants: 3, names: ['甲'], nameInput: '乙、丙' }, Z, NOW)).toEqual({})
    expect(validateActivity({ ...filled(), participants: 100_001 }, Z, NOW)).toEqual({ participants: 'teamActivity.errors.tooManyParticipants' })
    expect(validateActivity({ ...filled(), title: 'x'.repeat(101) }, Z, NOW)).toEqual({ title: 'teamActivity.errors.tooLong' })
    expect(validateActivity({ ...filled(), names: ['x'.repeat(101)] }, Z, NOW)).toEqual({ names: 'teamActivity.errors.nameLong' })
  })

  it('every error it gives has its words', () => {
    const keys = new Set<string>()
    for (const d of [emptyActivityDraft(Z, NOW), { ...filled(), date: '1999-01-01', participants: 100_001, names: ['x'.repeat(101)] }]) {
      for (const k of Object.values(validateActivity(d, Z, NOW))) keys.add(k)
    }
    for (const k of Object.values(validateTeam({ name: '', kind: null }))) keys.add(k)
    for (const k of Object.values(validateMember({ name: '', role: 'resident' }, 200))) keys.add(k)
    expect([...keys].filter((k) => !exists(k))).toEqual([])
  })

  it('is sent trimmed, at noon of its day in the zone, with the count as a number', () => {
    const d = { ...filled(), date: '2025-04-08', participants: 6, names: ['王阿姨'], nameInput: '张三' }
    expect(toActivityForm(d, Z)).toEqual({
      kind: 'clean_up', title: '清理楼道', held_at: Date.UTC(2025, 3, 8, 4, 0), place: '5栋', participants: 6, names: ['王阿姨', '张三'],
    })
  })

  it('a draft is restored whole, whatever it lacks', () => {
    expect(restoreActivityDraft(null, Z, NOW)).toEqual(emptyActivityDraft(Z, NOW))
    expect(restoreActivityDraft({ kind: 'dance', title: 3, date: 'soon', participants: -1, names: ['甲', 7, ' '] }, Z, NOW)).toEqual({
      ...emptyActivityDraft(Z, NOW), names: ['甲'],
    })
    const saved = { ...filled(), names: ['甲'], nameInput: '乙' }
    expect(restoreActivityDraft(JSON.parse(JSON.stringify(saved)), Z, NOW)).toEqual(saved)
  })
})

describe('showing a team', () => {
  const a = (id: string, held_at: number, recorded_at: number, role: TeamActivity['role'] = 'steward'): TeamActivity => ({
    id, kind: 'other', title: id, held_at, place: 'p', participants: 1, names: [], recorded_by: null, role, recorded_at,
  })

  it('activities newest first, the later recorded first on the same day', () => {
    expect(newestFirst([a('old', 1, 1), a('new', 3, 3), a('same-early', 2, 2), a('same-late', 2, 5)]).map((x) => x.id)).toEqual([
      'new', 'same-late', 'same-early', 'old',
    ])
  })

  it('an activity a supervisor recorded is the community’s', () => {
    expect(byCommunity(a('x', 1, 1, 'supervisor'))).toBe(true)
    expect(byCommunity(a('x', 1, 1, 'steward'))).toBe(false)
  })
})
