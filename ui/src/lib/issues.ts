// Issues as the screens show them: where one came from (a steward's report, or a resident's
// matter the property company passed on, 物业反馈), and which categories a steward's own scan
// of the compound may report.
import type { IssueCategory, IssueOrigin } from '../api'

/** Residents' matters the property company passes on: never offered on the steward's report form. */
export const RESIDENT_MATTERS: readonly IssueCategory[] = ['schooling', 'medical_care', 'employment', 'living_hardship']

/** A category a steward's scan of the compound finds (the report form offers these). */
export function isCompoundScan(category: string): boolean {
  return !RESIDENT_MATTERS.includes(category as IssueCategory)
}

/** Where an issue came from; lines from older data carry no origin and are a steward's report. */
export function originOf(issue: { origin?: IssueOrigin | null }): IssueOrigin {
  return issue.origin ?? 'steward'
}

/** Passed on by the property company (物业反馈). */
export function fromPropertyCompany(issue: { origin?: IssueOrigin | null }): boolean {
  return originOf(issue) === 'property_company'
}
