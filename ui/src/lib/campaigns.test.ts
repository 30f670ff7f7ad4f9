import { describe, expect, it } from 'vitest'
import type { CampaignField, CampaignTask } from '../api'
import {
  campaignsTodo, filterTasks, parseNumber, taskProgress, taskValues, temporaryOnly, toAnswers, validateTask,
} from './campaigns'

const FEVER = 'f0000000-0000-4000-8000-000000000001'
const COUNT = 'f0000000-0000-4000-8000-000000000002'
const VACC = 'f0000000-0000-4000-8000-000000000003'
const NOTE = 'f0000000-0000-4000-8000-000000000004'
const fields: CampaignField[] = [
  { id: FEVER, label: '家中有无发热人员', kind: 'yes_no', options: [], required: true },
  { id: COUNT, label: '常住人数', kind: 'number', options: [], required: true },
  { id: VACC, label: '疫苗接种情况', kind: 'choice', options: ['已接种', '未接种'], required: false },
  { id: NOTE, label: '备注', kind: 'text', options: [], required: false },
]

const line = (closed_at: number | null, tasks: number, answered: number, temporary = false) => ({ closed_at, tasks, answered, temporary })
const task = (household_id: string, answered_at: number | null, handed_to: string | null = null): CampaignTask => ({
  household_id, name: '', address: '', handed_to, answers: {}, answered_at, answered_by: null,
})

describe('campaigns', () => {
  it('counts the open campaigns with households still to do', () => {
    expect(campaignsTodo([line(null, 3, 1), line(null, 2, 2), line(5, 4, 0), line(null, 0, 0)])).toBe(1)
    expect(campaignsTodo([])).toBe(0)
  })

  it('a temporary steward’s phone has campaigns, all temporary, and no households', () => {
    expect(temporaryOnly([line(null, 3, 0, true)], 0)).toBe(true)
    expect(temporaryOnly([line(null, 3, 0, true)], 2)).toBe(false)
    expect(temporaryOnly([line(null, 3, 0, true), line(null, 3, 0, false)], 0)).toBe(false)
    expect(temporaryOnly([], 0)).toBe(false)
  })

  it('progress and 待完成 leave out tasks handed to a temporary steward', () => {
    const tasks = [task('a', 1), task('b', null), task('c', null, 'temp'), task('d', 2, 'temp')]
    expect(taskProgress(tasks)).toEqual({ done: 1, total: 2 })
    expect(filterTasks(tasks, 'todo').map((t) => t.household_id)).toEqual(['b'])
    expect(filterTasks(tasks, 'all').map((t) => t.household_id)).toEqual(['a', 'b', 'c', 'd'])
  })

  it('reads numbers as typed, and nothing else', () => {
    expect(parseNumber('3')).toBe(3)
    expect(parseNumber(' -2.5 ')).toBe(-2.5)
    expect(parseNumber('0')).toBe(0)
    for (const s of ['', ' ', '3个', '1e3', '-', '.', '1.2.3']) expect(parseNumber(s), s).toBeNull()
  })

  it('fills the form from the answers there are; sends only the fields with a value, each typed', () => {
    const v = taskValues(fields, { [FEVER]: false, [COUNT]: 4, [VACC]: '已接种' })
    expect(v).toEqual({ [FEVER]: false, [COUNT]: '4', [VACC]: '已接种', [NOTE]: '' })
    expect(toAnswers(fields, v)).toEqual({ [FEVER]: false, [COUNT]: 4, [VACC]: '已接种' })
    expect(toAnswers(fields, { ...v, [NOTE]: '  老人独居  ', [COUNT]: '2.5' })).toEqual({
      [FEVER]: false, [COUNT]: 2.5, [VACC]: '已接种', [NOTE]: '老人独居',
    })
    expect(toAnswers(fields, taskValues(fields, {}))).toEqual({})
    // An answer that no longer fits the form is not shown as chosen.
    expect(taskValues(fields, { [VACC]: '不清楚', [FEVER]: 'yes' })[VACC]).toBeNull()
  })

  it('a required field left empty, a bad number, or an answer emptied is refused', () => {
    const empty = taskValues(fields, {})
    expect(validateTask(fields, empty)).toEqual({
      [FEVER]: 'campaignTask.errors.chooseYesNo',
      [COUNT]: 'campaignTask.errors.required',
    })
    expect(validateTask(fields, { ...empty, [FEVER]: true, [COUNT]: '3' })).toEqual({})
    expect(validateTask(fields, { ...empty, [FEVER]: true, [COUNT]: '3个' })).toEqual({ [COUNT]: 'campaignTask.errors.number' })
    expect(validateTask(fields, { ...empty, [FEVER]: true, [COUNT]: '2000000000' })).toEqual({ [COUNT]: 'campaignTask.errors.numberMax' })
    expect(validateTask(fields, { ...empty, [FEVER]: true, [COUNT]: '3', [NOTE]: '   ' }, { [NOTE]: '旧的' })).toEqual({
      [NOTE]: 'campaignTask.errors.noClearing',
    })
  })
})
