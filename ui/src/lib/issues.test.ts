import { describe, expect, it } from 'vitest'
import { RESIDENT_MATTERS, fromPropertyCompany, isCompoundScan, originOf } from './issues'
import { emptyIssueDraft, restoreIssueDraft, validateIssue } from './issueForm'

describe('where an issue came from', () => {
  it('a line without an origin (older data) is a steward\'s report', () => {
    expect(originOf({})).toBe('steward')
    expect(originOf({ origin: null })).toBe('steward')
    expect(originOf({ origin: 'steward' })).toBe('steward')
    expect(originOf({ origin: 'property_company' })).toBe('property_company')
    expect(fromPropertyCompany({})).toBe(false)
    expect(fromPropertyCompany({ origin: 'property_company' })).toBe(true)
  })
})

describe('what a steward\'s scan may report', () => {
  it('the compound-scan categories, not the residents\' matters the property company passes on', () => {
    for (const c of ['sanitation_dead_corner', 'illegal_construction', 'safety_hazard', 'occupied_public_space', 'ebike_parking', 'flying_wire_charging', 'other']) {
      expect(isCompoundScan(c), c).toBe(true)
    }
    expect([...RESIDENT_MATTERS]).toEqual(['schooling', 'medical_care', 'employment', 'living_hardship'])
    for (const c of RESIDENT_MATTERS) expect(isCompoundScan(c), c).toBe(false)
  })

  it('the report form refuses a resident\'s matter, and a restored draft holding one chooses again', () => {
    const filled = { ...emptyIssueDraft(), place: '3栋', description: '孩子上学' }
    expect(validateIssue({ ...filled, category: 'schooling' })).toEqual({ category: 'issueNew.errors.category' })
    expect(validateIssue({ ...filled, category: 'safety_hazard' })).toEqual({})
    expect(restoreIssueDraft({ ...filled, category: 'medical_care' }).category).toBeNull()
    expect(restoreIssueDraft({ ...filled, category: 'ebike_parking' }).category).toBe('ebike_parking')
  })
})
