import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { element } from '../element'
import type { IssueRow } from '../api/types'
import IssueMoveButtons from '../components/IssueMoveButtons.vue'
import { i18n } from '../i18n'
import {
  allowedMoves, BOARD_COLUMNS, emptyReferral, groupIssues, isPassedOn, REFERRAL_CATEGORIES, referralBody, referralProblem, stewardOptions,
} from './issues'

const DAY = 86_400_000
const NOW = Date.UTC(2026, 11, 20)

function issue(id: string, over: Partial<IssueRow> = {}): IssueRow {
  return {
    id, compound_id: 'c1', reporter: '李秀英', reported_at: NOW - DAY, category: 'safety_hazard', place: '4栋', description: '电梯故障',
    route: 'property_duty', status: 'reported', comments: 0, last_update_at: NOW - DAY, origin: 'steward', ...over,
  }
}

describe('the issue board', () => {
  const issues = [
    issue('a', { status: 'reported', reported_at: NOW - 2 * DAY }),
    issue('b', { status: 'reported', reported_at: NOW - 10 * DAY, route: 'community_coordination' }),
    issue('c', { status: 'accepted', category: 'ebike_parking', compound_id: 'c2' }),
    issue('d', { status: 'resolved' }),
    issue('e', { status: 'verified' }),
    issue('f', { status: 'reopened' }),
  ]

  it('has a column per status, in the order of the work', () => {
    expect(BOARD_COLUMNS).toEqual(['reported', 'accepted', 'in_progress', 'resolved', 'verified', 'reopened'])
    const g = groupIssues(issues, {}, NOW)
    expect(Object.keys(g)).toEqual([...BOARD_COLUMNS])
    expect(g.reported.map((i) => i.id)).toEqual(['b', 'a']) // oldest first
    expect(g.in_progress).toEqual([])
    expect(g.reopened.map((i) => i.id)).toEqual(['f'])
  })

  it('filters by route, category, compound, age and status', () => {
    expect(groupIssues(issues, { route: 'community_coordination' }, NOW).reported.map((i) => i.id)).toEqual(['b'])
    expect(groupIssues(issues, { category: 'ebike_parking' }, NOW).accepted.map((i) => i.id)).toEqual(['c'])
    expect(groupIssues(issues, { compound_id: 'c2' }, NOW).reported).toEqual([])
    expect(groupIssues(issues, { min_age_days: 7 }, NOW).reported.map((i) => i.id)).toEqual(['b'])
    const onlyResolved = groupIssues(issues, { status: 'resolved' }, NOW)
    expect(BOARD_COLUMNS.flatMap((s) => onlyResolved[s].map((i) => i.id))).toEqual(['d'])
  })

  it('offers each role only its moves', () => {
    expect(allowedMoves({ status: 'reported', route: 'property_duty' }, 'supervisor')).toEqual(['accepted', 'in_progress', 'resolved'])
    expect(allowedMoves({ status: 'accepted', route: 'property_duty' }, 'admin')).toEqual(['in_progress', 'resolved'])
    expect(allowedMoves({ status: 'in_progress', route: 'property_duty' }, 'property')).toEqual(['resolved'])
    expect(allowedMoves({ status: 'reopened', route: 'property_duty' }, 'property')).toEqual(['accepted', 'in_progress', 'resolved'])
    // Verifying and reopening are the steward's; verified is final.
    expect(allowedMoves({ status: 'resolved', route: 'property_duty' }, 'supervisor')).toEqual([])
    expect(allowedMoves({ status: 'verified', route: 'property_duty' }, 'supervisor')).toEqual([])
    // A property company moves only issues within its duty.
    expect(allowedMoves({ status: 'reported', route: 'community_coordination' }, 'property')).toEqual([])
    expect(allowedMoves({ status: 'reported', route: 'community_coordination' }, 'supervisor')).toEqual(['accepted', 'in_progress', 'resolved'])
    expect(allowedMoves({ status: 'reported', route: 'property_duty' }, null)).toEqual([])
  })

  it("offers a property company no move on a matter it passed on (the community's), but supervisors theirs", () => {
    const passedOn = { status: 'accepted', route: 'community_coordination', origin: 'property_company' } as const
    expect(isPassedOn(passedOn)).toBe(true)
    expect(isPassedOn({ origin: 'steward' })).toBe(false)
    expect(isPassedOn({})).toBe(false)
    expect(allowedMoves(passedOn, 'property')).toEqual([])
    // Even were it routed to the company's duty, the company does not move its own referral.
    expect(allowedMoves({ ...passedOn, route: 'property_duty' }, 'property')).toEqual([])
    expect(allowedMoves({ ...passedOn, route: 'property_duty', origin: 'steward' }, 'property')).toEqual(['in_progress', 'resolved'])
    expect(allowedMoves(passedOn, 'supervisor')).toEqual(['in_progress', 'resolved'])
    expect(allowedMoves({ ...passedOn, status: 'resolved' }, 'supervisor')).toEqual([])
  })

  it('shows the allowed moves as buttons and says why there are none', async () => {
    const w = mount(IssueMoveButtons, { props: { issue: { status: 'accepted', route: 'property_duty' }, role: 'property' }, global: { plugins: [element] } })
    expect(w.findAll('[data-test^="issue-move-"]').map((b) => b.attributes('data-test'))).toEqual(['issue-move-in_progress', 'issue-move-resolved'])
    expect(w.get('[data-test="issue-move-resolved"]').text()).toBe('改为“已解决”')
    await w.get('[data-test="issue-move-in_progress"]').trigger('click')
    expect(w.emitted('move')).toEqual([['in_progress']])

    await w.setProps({ issue: { status: 'reported', route: 'community_coordination' }, role: 'property' })
    expect(w.findAll('[data-test^="issue-move-"]')).toHaveLength(0)
    expect(w.get('[data-test="no-moves"]').text()).toBe('无可办理的操作')

    await w.setProps({ issue: { status: 'resolved', route: 'property_duty' }, role: 'supervisor' })
    expect(w.get('[data-test="no-moves"]').text()).toBe('等待管家核实或重新打开')

    await w.setProps({ issue: { status: 'accepted', route: 'community_coordination', origin: 'property_company' }, role: 'property' })
    expect(w.findAll('[data-test^="issue-move-"]')).toHaveLength(0)
    expect(w.get('[data-test="no-moves"]').text()).toContain('物业反馈的诉求由社区协调办理')
  })
})

describe("passing a resident's matter on (物业反馈)", () => {
  it('offers the four resident categories and other', () => {
    expect(REFERRAL_CATEGORIES).toEqual(['schooling', 'medical_care', 'employment', 'living_hardship', 'other'])
  })

  it('says what is missing, in order, and sends the texts trimmed', () => {
    const f = emptyReferral()
    expect(referralProblem(f)).toBe('issues.pickSteward')
    f.steward_id = 's2'
    expect(referralProblem(f)).toBe('issues.pickCategory')
    f.category = 'schooling'
    f.place = '   '
    expect(referralProblem(f)).toBe('issues.placeRequired')
    f.place = ' 2栋1单元 '
    expect(referralProblem(f)).toBe('issues.descriptionRequired')
    f.description = '\n孩子入学材料不全 '
    expect(referralProblem(f)).toBeNull()
    expect(referralBody(f)).toEqual({ steward_id: 's2', category: 'schooling', place: '2栋1单元', description: '孩子入学材料不全' })
    for (const k of ['issues.pickSteward', 'issues.pickCategory', 'issues.placeRequired', 'issues.descriptionRequired']) expect(i18n.global.te(k)).toBe(true)
  })

  it("lists the company's stewards by name, with the compound only when it has several", () => {
    const names: Record<string, string> = { c1: '蜀汉美郡', c2: '汉韵花园' }
    const one = [
      { id: 's2', compound_id: 'c1', name: '王建国' },
      { id: 's1', compound_id: 'c1', name: '李秀英' },
    ]
    expect(stewardOptions(one, (id) => names[id])).toEqual([
      { value: 's1', label: '李秀英' },
      { value: 's2', label: '王建国' },
    ])
    expect(stewardOptions([...one, { id: 's3', compound_id: 'c2', name: '张华' }], (id) => names[id]).map((o) => o.label)).toEqual([
      '李秀英（蜀汉美郡）', '王建国（蜀汉美郡）', '张华（汉韵花园）',
    ])
  })
})
