// The issue report form, its checks, and the IssueForm the Rust side takes.
import type { IssueCategory, IssueForm, IssueRoute } from '../api'
import type { FormErrors } from './visitForm'
import { isCompoundScan } from './issues'

export interface IssueDraft { category: IssueCategory | null; place: string; description: string; route: IssueRoute }

export function emptyIssueDraft(): IssueDraft {
  return { category: null, place: '', description: '', route: 'property_duty' }
}

export function restoreIssueDraft(saved: unknown): IssueDraft {
  if (typeof saved !== 'object' || saved === null) return emptyIssueDraft()
  const d = { ...emptyIssueDraft(), ...(saved as Partial<IssueDraft>) }
  // The form offers only what a scan of the compound finds: any other category is chosen again.
  if (d.category && !isCompoundScan(d.category)) d.category = null
  return d
}

export function validateIssue(d: IssueDraft): FormErrors {
  const errors: FormErrors = {}
  if (!d.category || !isCompoundScan(d.category)) errors.category = 'issueNew.errors.category'
  if (!d.place.trim()) errors.place = 'issueNew.errors.place'
  if (!d.description.trim()) errors.description = 'issueNew.errors.description'
  return errors
}

export function toIssueForm(d: IssueDraft): IssueForm {
  return { category: d.category as IssueCategory, place: d.place.trim(), description: d.description.trim(), route: d.route }
}
