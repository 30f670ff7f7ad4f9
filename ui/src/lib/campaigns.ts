// Campaigns (专项任务) as the screens show them: what is still to do, a household's task's state,
// the form as the screen holds it, its checks, and the answers `answer_campaign_task` takes.
import type { CampaignAnswer, CampaignField, CampaignLine, CampaignTask, Uuid } from '../api'
import type { FormErrors } from './visitForm'
import { LONG_TEXT, MAX_CAMPAIGN_NUMBER } from './limits'

/** Open, with households of the steward's own still to do. */
export function campaignTodo(l: Pick<CampaignLine, 'closed_at' | 'tasks' | 'answered'>): boolean {
  return l.closed_at == null && l.answered < l.tasks
}

/** How many open campaigns have households still to do: the home entry's count. */
export function campaignsTodo(lines: Pick<CampaignLine, 'closed_at' | 'tasks' | 'answered'>[]): number {
  return lines.filter(campaignTodo).length
}

/**
 * The phone is a temporary steward's (临时红色管家): it holds campaigns, all of them its own as a
 * temporary steward, and no households. Its home screen is the campaigns.
 */
export function temporaryOnly(lines: Pick<CampaignLine, 'temporary'>[], households: number): boolean {
  return lines.length > 0 && lines.every((l) => l.temporary) && households === 0
}

/** A task is done once answered (the phone and the server take no answer without every required field). */
export function taskDone(t: Pick<CampaignTask, 'answered_at'>): boolean {
  return t.answered_at != null
}

/** Handed to a temporary steward: still answerable, but not this steward's to do. */
export function taskHanded(t: Pick<CampaignTask, 'handed_to'>): boolean {
  return t.handed_to != null
}

/** The steward's own tasks (not handed over), and of those the done ones: "已完成 a/b". */
export function taskProgress(tasks: Pick<CampaignTask, 'answered_at' | 'handed_to'>[]): { done: number; total: number } {
  const mine = tasks.filter((t) => !taskHanded(t))
  return { done: mine.filter(taskDone).length, total: mine.length }
}

export type TaskFilter = 'all' | 'todo'

/** The tasks a filter shows, in their order: 待完成 is the steward's own not yet answered. */
export function filterTasks<T extends Pick<CampaignTask, 'answered_at' | 'handed_to'>>(tasks: T[], filter: TaskFilter): T[] {
  return filter === 'todo' ? tasks.filter((t) => !taskDone(t) && !taskHanded(t)) : tasks
}

// The filter chosen on each campaign's screen, kept while the app runs: opening a household's
// form and coming back shows the same list.
const chosenFilters = new Map<Uuid, TaskFilter>()
export function chosenFilter(id: Uuid): TaskFilter {
  return chosenFilters.get(id) ?? 'all'
}
export function chooseFilter(id: Uuid, filter: TaskFilter) {
  chosenFilters.set(id, filter)
}
/** Forgets the filters chosen (tests start afresh). */
export function forgetFilters() {
  chosenFilters.clear()
}

/**
 * One field as the form holds it: yes/no true, false or null (not answered); a choice its option
 * or null; a number the text typed ('' for none); a text its text.
 */
export type FieldValue = boolean | string | null
export type TaskValues = Record<Uuid, FieldValue>

/** The form for a task, filled with the answers it already has. */
export function taskValues(fields: CampaignField[], answers: Record<Uuid, CampaignAnswer>): TaskValues {
  const out: TaskValues = {}
  for (const f of fields) {
    const a = answers[f.id]
    switch (f.kind) {
      case 'yes_no':
        out[f.id] = typeof a === 'boolean' ? a : null
        break
      case 'choice':
        out[f.id] = typeof a === 'string' && f.options.includes(a) ? a : null
        break
      case 'number':
        out[f.id] = typeof a === 'number' && Number.isFinite(a) ? String(a) : ''
        break
      default:
        out[f.id] = typeof a === 'string' ? a : ''
    }
  }
  return out
}

/** A number as typed, or null when it is not one ("3", "-2", "1.5"; not "", "1e3", "3个"). */
export function parseNumber(s: string): number | null {
  const text = s.trim()
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(text)) return null
  const n = Number(text)
  return Number.isFinite(n) ? n : null
}

/** The field has a value to send (blank text and an empty number have none). */
export function hasValue(f: Pick<CampaignField, 'kind'>, v: FieldValue | undefined): boolean {
  if (v == null) return false
  if (f.kind === 'yes_no') return typeof v === 'boolean'
  return typeof v === 'string' && v.trim() !== ''
}

/** The i18n key of what a required field says when it is left empty. */
function requiredKey(f: CampaignField): string {
  switch (f.kind) {
    case 'yes_no':
      return 'campaignTask.errors.chooseYesNo'
    case 'choice':
      return 'campaignTask.errors.chooseOne'
    default:
      return 'campaignTask.errors.required'
  }
}

/**
 * What is wrong with the form, by field id (i18n keys): a required field left empty, a number
 * that is not one or is too large, a choice not among its options. A field answered before
 * cannot be emptied: only fields with a value are sent, so the old answer would stay.
 */
export function validateTask(fields: CampaignField[], values: TaskValues, before: Record<Uuid, CampaignAnswer> = {}): FormErrors {
  const errors: FormErrors = {}
  for (const f of fields) {
    const v = values[f.id]
    if (!hasValue(f, v)) {
      if (f.required) errors[f.id] = requiredKey(f)
      else if (f.id in before) errors[f.id] = 'campaignTask.errors.noClearing'
      continue
    }
    if (f.kind === 'number') {
      const n = parseNumber(String(v))
      if (n == null) errors[f.id] = 'campaignTask.errors.number'
      else if (Math.abs(n) > MAX_CAMPAIGN_NUMBER) errors[f.id] = 'campaignTask.errors.numberMax'
    } else if (f.kind === 'choice' && !f.options.includes(String(v))) {
      errors[f.id] = requiredKey(f)
    } else if (f.kind === 'text' && String(v).length > LONG_TEXT) {
      errors[f.id] = 'campaignTask.errors.tooLong'
    }
  }
  return errors
}

/** The answers to send: only fields with a value, each as its kind takes it (a number as a number). */
export function toAnswers(fields: CampaignField[], values: TaskValues): Record<Uuid, CampaignAnswer> {
  const out: Record<Uuid, CampaignAnswer> = {}
  for (const f of fields) {
    const v = values[f.id]
    if (!hasValue(f, v)) continue
    switch (f.kind) {
      case 'yes_no':
        out[f.id] = v as boolean
        break
      case 'number': {
        const n = parseNumber(String(v))
        if (n != null) out[f.id] = n
        break
      }
      case 'choice':
        out[f.id] = String(v)
        break
      default:
        out[f.id] = String(v).trim()
    }
  }
  return out
}
