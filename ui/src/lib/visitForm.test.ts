import { describe, expect, it } from 'vitest'
import { emptyVisitDraft, restoreVisitDraft, toVisitForm, validateVisit, type VisitDraft } from './visitForm'
import { emptyIssueDraft, restoreIssueDraft, toIssueForm, validateIssue } from './issueForm'

const HH = '5f8e1c1e-0000-4000-8000-000000000001'
const MV1 = 'aaaaaaaa-0000-4000-8000-000000000001'
const MV2 = 'aaaaaaaa-0000-4000-8000-000000000002'

function draft(change: Partial<VisitDraft> = {}): VisitDraft {
  return { ...emptyVisitDraft([MV1]), summary: '聊了家常，身体还好', ...change }
}

describe('visit form validation', () => {
  it('a summary is required (blank spaces do not count)', () => {
    expect(validateVisit(draft({ summary: '' }))).toEqual({ summary: 'visit.errors.summary' })
    expect(validateVisit(draft({ summary: '   \n ' }))).toEqual({ summary: 'visit.errors.summary' })
    expect(validateVisit(draft())).toEqual({})
  })

  it('an opinion with a category needs its text, and text needs a category', () => {
    const errors = validateVisit(
      draft({
        opinions: [
          { category: 'sanitation', text: '楼道堆放杂物' },
          { category: 'safety', text: '  ' },
          { category: null, text: '电梯太慢' },
          { category: null, text: '' },
        ],
      }),
    )
    expect(errors).toEqual({ 'opinion.1': 'visit.errors.opinionText', 'opinion.2': 'visit.errors.opinionCategory' })
  })

  it('a visit cannot be in the future', () => {
    const now = Date.UTC(2025, 2, 5, 6, 0)
    expect(validateVisit(draft({ at: now + 60 * 60_000 }), now)).toEqual({ at: 'visit.errors.future' })
    expect(validateVisit(draft({ at: now - 60 * 60_000 }), now)).toEqual({})
    expect(validateVisit(draft({ at: null }), now)).toEqual({})
  })

  it('a fresh form ticks the open must-visits and defaults to a door visit', () => {
    const d = emptyVisitDraft([MV1, MV2])
    expect(d.answers).toEqual([MV1, MV2])
    expect(d.method).toBe('door_visit')
    expect(d.at).toBeNull()
    expect(validateVisit(d)).toEqual({ summary: 'visit.errors.summary' })
  })
})

describe('visit form to the command', () => {
  it('trims, drops empty opinion rows and raises what was chosen', () => {
    const form = toVisitForm(
      HH,
      draft({
        summary: '  上门看望  ',
        method: 'individual_talk',
        opinions: [
          { category: 'property_service', text: ' 物业维修慢 ' },
          { category: null, text: '' },
        ],
        hardships: ' ',
        follow_up: true,
        mustTrigger: 'hardship',
        mustNote: ' 老伴住院 ',
        timelyKind: null,
      }),
    )
    expect(form).toEqual({
      household_id: HH,
      at: null,
      method: 'individual_talk',
      summary: '上门看望',
      opinions: [{ category: 'property_service', text: '物业维修慢' }],
      hardships: '',
      answers: [MV1],
      follow_up: true,
      must_visit: { trigger: 'hardship', note: '老伴住院' },
      timely: null,
    })
  })

  it('a timely response to raise', () => {
    expect(toVisitForm(HH, draft({ timelyKind: 'urgent_help', timelyNote: '' })).timely).toEqual({ kind: 'urgent_help', note: '' })
  })
})

describe('restoring a visit draft', () => {
  it('keeps what was typed and drops ticks for must-visits no longer open', () => {
    const saved = { ...draft({ answers: [MV1, MV2], summary: '半截' }), opinions: [{ category: 'safety', text: '灯坏了' }] }
    const d = restoreVisitDraft(JSON.parse(JSON.stringify(saved)), [MV2])
    expect(d.summary).toBe('半截')
    expect(d.answers).toEqual([MV2])
    expect(d.opinions).toEqual([{ category: 'safety', text: '灯坏了' }])
  })
  it('fills fields an older draft lacks', () => {
    const d = restoreVisitDraft({ summary: 'x' }, [MV1])
    expect(d).toMatchObject({ summary: 'x', method: 'door_visit', answers: [MV1], mustTrigger: null, timelyKind: null, opinions: [] })
    expect(restoreVisitDraft(null, [])).toEqual(emptyVisitDraft([]))
  })
})

describe('issue form', () => {
  it('category, place and description are required', () => {
    expect(validateIssue(emptyIssueDraft())).toEqual({
      category: 'issueNew.errors.category',
      place: 'issueNew.errors.place',
      description: 'issueNew.errors.description',
    })
    const ok = { ...emptyIssueDraft(), category: 'flying_wire_charging' as const, place: ' 5栋 ', description: ' 楼道飞线充电 ' }
    expect(validateIssue(ok)).toEqual({})
    expect(toIssueForm(ok)).toEqual({ category: 'flying_wire_charging', place: '5栋', description: '楼道飞线充电', route: 'property_duty' })
  })
  it('restores a draft over the defaults', () => {
    expect(restoreIssueDraft({ place: '车库' })).toEqual({ ...emptyIssueDraft(), place: '车库' })
  })
})
