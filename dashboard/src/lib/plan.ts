// The program's rule for a steward's month: 10 to 20 households (每月10—20户).
export const PLAN_MIN = 10
export const PLAN_MAX = 20

export type PlanFlag = 'low' | 'ok' | 'high'

/** Whether a plan of `n` households is within the program's 10–20. */
export function planFlag(n: number): PlanFlag {
  if (n < PLAN_MIN) return 'low'
  if (n > PLAN_MAX) return 'high'
  return 'ok'
}

/** The i18n key that explains a flag (`null` when the plan is within range). */
export function planFlagKey(n: number): string | null {
  const f = planFlag(n)
  return f === 'ok' ? null : f === 'low' ? 'plans.flagLow' : 'plans.flagHigh'
}
