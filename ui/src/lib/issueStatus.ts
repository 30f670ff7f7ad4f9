import type { IssueStatus } from '../api'

/** The tag colour for each issue status: new work blue, in hand orange, done green, reopened red. */
export const STATUS_COLOURS: Record<IssueStatus, string> = {
  reported: '#1565c0',
  accepted: '#6a1b9a',
  in_progress: '#d46b08',
  resolved: '#1b7a34',
  verified: '#4a4a4a',
  reopened: '#c8161d',
}

export function statusColour(s: string): string {
  return STATUS_COLOURS[s as IssueStatus] ?? '#4a4a4a'
}
