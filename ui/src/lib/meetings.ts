// Joint meetings (联席会议) as the screens show them: a decision's state (逾期 is an open decision
// past its deadline, not a status of its own), and the meetings held this quarter.
import type { DecisionRecord, MeetingLine, Millis } from '../api'
import { quarterOf } from './time'

export type DecisionState = 'open' | 'late' | 'done'

export function decisionState(d: Pick<DecisionRecord, 'status' | 'deadline'>, now: Millis): DecisionState {
  if (d.status === 'done') return 'done'
  return d.deadline != null && d.deadline < now ? 'late' : 'open'
}

/** A meeting in the list has an open decision past its deadline. */
export function meetingLate(m: Pick<MeetingLine, 'next_deadline'>, now: Millis): boolean {
  return m.next_deadline != null && m.next_deadline < now
}

/** The tag colour of each state: being carried out orange, late red, done green. */
export const DECISION_COLOURS: Record<DecisionState, string> = { open: '#d46b08', late: '#c8161d', done: '#1b7a34' }

/** How many of the meetings were held in the quarter `now` falls in, in the program's zone. */
export function meetingsThisQuarter(lines: Pick<MeetingLine, 'held_at'>[], zone: string, now: Millis): number {
  const q = quarterOf(now, zone)
  return lines.filter((m) => quarterOf(m.held_at, zone) === q).length
}
