import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { element } from '../element'
import type { IssueRow } from '../api/types'
import IssueMoveButtons from '../components/IssueMoveButtons.vue'
import { allowedMoves, BOARD_COLUMNS, groupIssues } from './issues'

const DAY = 86_400_000
const NOW = Date.UTC(2026, 11, 20)

function issue(id: string, over: Partial<IssueRow> = {}): IssueRow {
  return {
    id, compound_id: 'c1', reporter: '李秀英', reported_at: NOW - DAY, category: 'safety_hazard', place: '4栋', description: '电梯故障',
    route: 'property_duty', status: 'reported', comments: 0, last_update_at: NOW - DAY, ...over,
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
  })
})
