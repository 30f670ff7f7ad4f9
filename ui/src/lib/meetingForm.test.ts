import { describe, expect, it } from 'vitest'
import type { MeetingRecord } from '../api'
import {
  basicsDraftOf, emptyMeetingDraft, restoreMeetingDraft, splitNames, toAttendees, toDecisionForm, toMeetingBasics,
  toMeetingForm, validateBasics, validateDecision, validateMeeting, type MeetingDraft,
} from './meetingForm'
import { messages } from '../i18n'

const Z = 'Asia/Shanghai'
// 2025-04-10 10:00 in Shanghai.
const NOW = Date.UTC(2025, 3, 10, 2, 0)

function filled(): MeetingDraft {
  const d = emptyMeetingDraft(Z, NOW)
  d.place = ' 社区党群服务中心 '
  d.topics = ' 电动车停放 '
  d.attendees.community = '王书记'
  d.attendees.property_company = '李经理、 赵主管，孙师傅,'
  d.decisions = [{ text: ' 增设充电桩 ', party: 'property_company', deadline: '2025-04-30' }]
  return d
}

/** A key as the messages hold it, e.g. 'meetingForm.errors.place'. */
function exists(key: string): boolean {
  let node: unknown = messages['zh-CN']
  for (const part of key.split('.')) node = (node as Record<string, unknown>)?.[part]
  return typeof node === 'string'
}

describe('emptyMeetingDraft', () => {
  it('is held today in the program zone, with one empty decision row', () => {
    // 23:30 UTC on 9 April is already 10 April in Shanghai.
    const d = emptyMeetingDraft(Z, Date.UTC(2025, 3, 9, 23, 30))
    expect(d.date).toBe('2025-04-10')
    expect(d.decisions).toEqual([{ text: '', party: null, deadline: null }])
    expect(Object.values(d.attendees)).toEqual(['', '', '', '', ''])
  })
})

describe('restoreMeetingDraft', () => {
  it('keeps what was typed', () => {
    expect(restoreMeetingDraft(JSON.parse(JSON.stringify(filled())), Z, NOW)).toEqual(filled())
  })
  it('fills what a saved draft lacks and drops what is of the wrong shape', () => {
    const d = restoreMeetingDraft(
      { place: '5栋', date: '2025-02-30', attendees: { branch: '刘委员', bogus: 'x' }, decisions: [{ text: '修灯', party: 'mayor', deadline: 'soon' }, null] },
      Z,
      NOW,
    )
    expect(d.place).toBe('5栋')
    expect(d.date).toBe('2025-04-10') // 30 February is no day: today instead
    expect(d.topics).toBe('')
    expect(d.attendees).toEqual({ community: '', branch: '刘委员', property_company: '', owners_committee: '', steward: '' })
    expect(d.decisions).toEqual([
      { text: '修灯', party: null, deadline: null },
      { text: '', party: null, deadline: null },
    ])
  })
  it('a saved non-object gives an empty form', () => {
    expect(restoreMeetingDraft(null, Z, NOW)).toEqual(emptyMeetingDraft(Z, NOW))
    expect(restoreMeetingDraft('x', Z, NOW)).toEqual(emptyMeetingDraft(Z, NOW))
  })
})

describe('splitNames', () => {
  it('splits at 、 ， , ； ; and new lines, trims, drops blanks and repeats', () => {
    expect(splitNames(' 李经理、赵主管，孙师傅,周工；吴工;郑工\n冯工 、、 ')).toEqual(['李经理', '赵主管', '孙师傅', '周工', '吴工', '郑工', '冯工'])
    expect(splitNames('李经理、李经理')).toEqual(['李经理'])
    expect(splitNames('   ')).toEqual([])
  })
  it('keeps a name with a space in it whole', () => {
    expect(splitNames('John Smith, Mary Lee')).toEqual(['John Smith', 'Mary Lee'])
  })
})

describe('validateMeeting', () => {
  it('a filled form passes', () => {
    expect(validateMeeting(filled(), Z, NOW)).toEqual({})
  })
  it('needs a place', () => {
    const d = filled()
    d.place = '  '
    expect(validateMeeting(d, Z, NOW)).toEqual({ place: 'meetingForm.errors.place' })
  })
  it('a meeting cannot be later than today, nor outside 2000–2099', () => {
    const d = filled()
    d.date = '2025-04-11'
    expect(validateMeeting(d, Z, NOW).date).toBe('meetingForm.errors.future')
    d.date = '1999-12-31'
    expect(validateMeeting(d, Z, NOW).date).toBe('meetingForm.errors.date')
    d.date = '2025-04-10'
    expect(validateMeeting(d, Z, NOW).date).toBeUndefined()
  })
  it('a name longer than 100 characters is refused on its party', () => {
    const d = filled()
    d.attendees.owners_committee = `陈主任、${'长'.repeat(101)}`
    expect(validateMeeting(d, Z, NOW)).toEqual({ 'attendees.owners_committee': 'meetingForm.errors.nameLong' })
  })
  it('at most 100 attendees in all', () => {
    const d = filled()
    d.attendees.steward = Array.from({ length: 96 }, (_, i) => `管家${i}`).join('、')
    expect(validateMeeting(d, Z, NOW)).toEqual({}) // 1 + 3 + 96 = 100
    d.attendees.steward += '、又一位'
    expect(validateMeeting(d, Z, NOW)).toEqual({ attendees: 'meetingForm.errors.tooManyAttendees' })
  })
  it('a decision row needs its text and its party; an untouched row passes', () => {
    const d = filled()
    d.decisions.push({ text: '', party: null, deadline: null })
    d.decisions.push({ text: '', party: 'branch', deadline: null })
    d.decisions.push({ text: '清理楼道', party: null, deadline: null })
    expect(validateMeeting(d, Z, NOW)).toEqual({
      'decision.2.text': 'meetingForm.errors.decisionText',
      'decision.3.party': 'meetingForm.errors.decisionParty',
    })
  })
  it('a deadline cannot be before the meeting', () => {
    const d = filled()
    d.date = '2025-04-08'
    d.decisions[0].deadline = '2025-04-07'
    expect(validateMeeting(d, Z, NOW)).toEqual({ 'decision.0.deadline': 'meetingForm.errors.deadlineBefore' })
    d.decisions[0].deadline = '2025-04-08' // the same day is fine
    expect(validateMeeting(d, Z, NOW)).toEqual({})
  })
  it('every error is a message the screens have', () => {
    const d = filled()
    d.place = ''
    d.date = '2025-05-01'
    d.attendees.branch = '长'.repeat(101)
    d.decisions = [{ text: '', party: null, deadline: '2025-04-01' }]
    const errors = Object.values(validateMeeting(d, Z, NOW))
    expect(errors.length).toBe(6) // place, date, name, and the decision's text, party and deadline
    for (const k of errors) expect(exists(k), k).toBe(true)
  })
})

describe('validateDecision (adding one to a meeting)', () => {
  it('an empty decision is refused', () => {
    expect(validateDecision({ text: ' ', party: null, deadline: null }, '2025-04-01')).toEqual({
      text: 'meetingForm.errors.decisionText',
      party: 'meetingForm.errors.decisionParty',
    })
  })
})

describe('toMeetingForm', () => {
  it('names split per party, trimmed texts, the day at noon in the zone, deadlines at the end of their day', () => {
    expect(toMeetingForm(filled(), Z)).toEqual({
      held_at: Date.UTC(2025, 3, 10, 4, 0), // 12:00 in Shanghai
      place: '社区党群服务中心',
      topics: '电动车停放',
      attendees: [
        { party: 'community', name: '王书记' },
        { party: 'property_company', name: '李经理' },
        { party: 'property_company', name: '赵主管' },
        { party: 'property_company', name: '孙师傅' },
      ],
      decisions: [
        // The whole of 30 April in Shanghai: up to 23:59:59.999 there.
        { text: '增设充电桩', party: 'property_company', deadline: Date.UTC(2025, 3, 30, 16, 0) - 1 },
      ],
    })
  })
  it('drops untouched decision rows and sends a decision without a deadline as null', () => {
    const d = filled()
    d.decisions = [{ text: '', party: null, deadline: null }, { text: '清理楼道', party: 'steward', deadline: null }]
    expect(toMeetingForm(d, Z).decisions).toEqual([{ text: '清理楼道', party: 'steward', deadline: null }])
  })
  it('toDecisionForm: a deadline at the end of its day, the day after it is late', () => {
    const f = toDecisionForm({ text: 'x', party: 'branch', deadline: '2025-12-31' }, Z)
    expect(f.deadline).toBe(Date.UTC(2025, 11, 31, 16, 0) - 1)
  })
})

describe('correcting a meeting', () => {
  const record: MeetingRecord = {
    id: 'm',
    compound_id: 'c',
    convener_id: 's',
    held_at: Date.UTC(2025, 3, 1, 1, 30), // 09:30 on 1 April in Shanghai
    place: '会议室',
    topics: '停车',
    attendees: [
      { id: 'a1', party: 'community', name: '王书记' },
      { id: 'a2', party: 'property_company', name: '李经理' },
      { id: 'a3', party: 'property_company', name: '赵主管' },
    ],
    decisions: [],
    follow_ups: [],
  }
  it('starts from the meeting: its day, and each party names joined by 、', () => {
    const b = basicsDraftOf(record, Z)
    expect(b.date).toBe('2025-04-01')
    expect(b.attendees.property_company).toBe('李经理、赵主管')
    expect(b.attendees.branch).toBe('')
    expect(validateBasics(b, Z, NOW)).toEqual({})
  })
  it('attendees still named keep their ids, new ones have none, the removed are gone; the time stays', () => {
    const b = basicsDraftOf(record, Z)
    b.attendees.property_company = '赵主管、孙师傅'
    b.place = '新会议室'
    expect(toMeetingBasics(b, Z, record)).toEqual({
      held_at: record.held_at,
      place: '新会议室',
      topics: '停车',
      attendees: [
        { id: 'a1', party: 'community', name: '王书记' },
        { id: 'a3', party: 'property_company', name: '赵主管' },
        { party: 'property_company', name: '孙师傅' },
      ],
    })
  })
  it('a name moved to another party is a new attendee there', () => {
    expect(toAttendees({ community: '', branch: '王书记', property_company: '', owners_committee: '', steward: '' }, record.attendees)).toEqual([
      { party: 'branch', name: '王书记' },
    ])
  })
  it('a changed day is stored at noon of the new day', () => {
    const b = basicsDraftOf(record, Z)
    b.date = '2025-03-28'
    expect(toMeetingBasics(b, Z, record).held_at).toBe(Date.UTC(2025, 2, 28, 4, 0))
  })
})
