import { describe, expect, it } from 'vitest'
import { planFlag, planFlagKey } from './plan'

describe('the 10–20 households flag', () => {
  it('flags plans outside 10–20, inclusive bounds', () => {
    expect(planFlag(0)).toBe('low')
    expect(planFlag(9)).toBe('low')
    expect(planFlag(10)).toBe('ok')
    expect(planFlag(15)).toBe('ok')
    expect(planFlag(20)).toBe('ok')
    expect(planFlag(21)).toBe('high')
  })

  it('explains a flag, and says nothing within range', () => {
    expect(planFlagKey(9)).toBe('plans.flagLow')
    expect(planFlagKey(21)).toBe('plans.flagHigh')
    expect(planFlagKey(12)).toBeNull()
  })
})
