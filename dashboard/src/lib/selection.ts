// Selecting a steward (选任流程): self-application (自荐申请) → the grid worker's recommendation
// (网格员推荐) → the compound branch's first review (小区党支部初审) → the community's review
// (社区党组织审核) → the six departments' opinions (纪检监察、公安、法院、信访、税务、市场监管) → the
// public notice (公示, 5 to 30 days, objections recorded) → the appointment (任命: the steward's
// account and the red vest, handbook and bag, 红色三件套). Any open step can be refused (不通过).
// Here: the stages and codes in order; the staff's list (待我办理, the stage filter); which forms
// the page shows from the server's `offered` (and nothing else), their drafts, checks (the
// server's, so a refusal is rare; a phone's or an address's form is the server's to judge) and the
// bodies they become; where a refusal's `field` shows; why nothing is offered; the town's counts
// (no names); and the printed notice's entries, grouped by period.
import { ApiError } from '../api/client'
import type {
  ApplicationBody, ApplicationDoc, ApplicationRow, DepartmentOpinion, Gender, KitItem, NoticeEntry, PoliticalStatus, SelectionDepartment,
  SelectionKit, SelectionStage, SelectionStep, SelectionSummary, StepAction, StepBody,
} from '../api/types'
import { addDays, dayValue, today } from './campaigns'

export const SELECTION_STAGES: readonly SelectionStage[] = [
  'recommendation', 'branch_review', 'community_review', 'departments', 'to_notice', 'notice', 'appointed', 'refused',
]
export const DEPARTMENTS: readonly SelectionDepartment[] = ['discipline', 'police', 'court', 'petitions', 'tax', 'market_regulation']
export const GENDERS: readonly Gender[] = ['female', 'male']
export const POLITICAL_STATUSES: readonly PoliticalStatus[] = ['party_member', 'league_member', 'democratic_party', 'masses']
export const KIT_ITEMS: readonly KitItem[] = ['vest', 'handbook', 'bag']

/** The steps with a form, in the workflow's order (`refuse` is a button of its own). */
export type FormStep = Exclude<SelectionStep, 'refuse'>
export const STEP_FORMS: readonly FormStep[] = ['recommend', 'branch_review', 'community_review', 'department', 'notice', 'objection', 'appoint', 'kit']

/** The server's limits (sync-server/src/selection.rs, core/src/limits.rs). */
export const NOTICE_MIN_DAYS = 5
export const NOTICE_MAX_DAYS = 30
/** A step's date may be at most this many days ago. */
export const BACKDATE_DAYS = 90
export const NAME_MAX = 40
export const SHORT_MAX = 100
export const LONG_MAX = 2000
export const AGE_MIN = 18
export const AGE_MAX = 75

const DAY = 86_400_000
const chars = (s: string) => [...s].length

/** Days from the first to the last, both included (`2026-12-01`…`2026-12-05` is 5); null unless both are days in order. */
export function noticeDays(startsOn: string, endsOn: string): number | null {
  const a = dayValue(startsOn ?? '')
  const b = dayValue(endsOn ?? '')
  if (a === null || b === null || b < a) return null
  return Math.round((b - a) / DAY) + 1
}

/** Whole years from `birth` to `on` (both `YYYY-MM-DD`), as the server counts them; null for a bad day. */
export function ageOn(birth: string, on: string): number | null {
  if (dayValue(birth ?? '') === null || dayValue(on) === null) return null
  const [by, bm, bd] = birth.trim().split('-').map(Number)
  const [y, m, d] = on.split('-').map(Number)
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0)
}

// -- the list ------------------------------------------------------------------------------------

/** The applications whose next step is the caller's (待我办理), in the server's order. */
export function waitingForMe(rows: readonly ApplicationRow[]): ApplicationRow[] {
  return rows.filter((r) => r.mine)
}

/** The stage filter from the URL (`?stage=`): a stage, or '' for all. */
export function stageFilter(query: Record<string, unknown>): SelectionStage | '' {
  const v = query.stage
  return typeof v === 'string' && (SELECTION_STAGES as readonly string[]).includes(v) ? (v as SelectionStage) : ''
}

/** The rows at `stage` ('' : all). */
export function atStage(rows: readonly ApplicationRow[], stage: SelectionStage | ''): ApplicationRow[] {
  return stage ? rows.filter((r) => r.stage === stage) : [...rows]
}

/** How many rows stand at each stage (every stage, 0 for none). */
export function stageCounts(rows: readonly ApplicationRow[]): Record<SelectionStage, number> {
  const out = Object.fromEntries(SELECTION_STAGES.map((s) => [s, 0])) as Record<SelectionStage, number>
  for (const r of rows) if (r.stage in out) out[r.stage] += 1
  return out
}

/** An Element tag's type for a stage: ended well, ended refused, under notice, or on its way. */
export function stageTag(stage: SelectionStage): 'success' | 'danger' | 'warning' | 'info' | 'primary' {
  if (stage === 'appointed') return 'success'
  if (stage === 'refused') return 'danger'
  if (stage === 'notice' || stage === 'to_notice') return 'warning'
  return 'primary'
}

// -- the town's counts (no names) ------------------------------------------------------------------

export interface SummaryRow {
  compound_id: string
  compound: string
  community: string
  /** One count per stage of `stages`, in order. */
  counts: number[]
  total: number
}

/** The summary as a table: a row per compound (by community, then compound), a count per stage (0 for none). */
export function summaryRows(s: SelectionSummary | null | undefined): SummaryRow[] {
  if (!s) return []
  const stages = s.stages.map((x) => x.stage)
  return [...s.compounds]
    .sort((a, b) => a.community.localeCompare(b.community, 'zh-CN') || a.compound.localeCompare(b.compound, 'zh-CN'))
    .map((c) => ({
      compound_id: c.compound_id,
      compound: c.compound,
      community: c.community,
      counts: stages.map((st) => c.counts[st] ?? 0),
      total: c.total,
    }))
}

/** The totals over the rows, a count per stage and the whole. */
export function summaryTotals(rows: readonly SummaryRow[], stages: number): { counts: number[]; total: number } {
  const counts = Array.from({ length: stages }, (_, i) => rows.reduce((n, r) => n + (r.counts[i] ?? 0), 0))
  return { counts, total: rows.reduce((n, r) => n + r.total, 0) }
}

// -- what the page offers ---------------------------------------------------------------------------

/** The forms to show: exactly the offered steps that have a form, in the workflow's order. */
export function formsFor(offered: readonly string[] | null | undefined): FormStep[] {
  const set = new Set(offered ?? [])
  return STEP_FORMS.filter((s) => set.has(s))
}

/** Whether the refuse button shows (only when offered). */
export function mayRefuse(offered: readonly string[] | null | undefined): boolean {
  return (offered ?? []).includes('refuse')
}

/** The six departments, each with its opinion or null (待反馈). */
export function departmentCells(doc: Pick<ApplicationDoc, 'departments'>): { department: SelectionDepartment; opinion: DepartmentOpinion | null }[] {
  return DEPARTMENTS.map((department) => ({ department, opinion: doc.departments.find((d) => d.department === department) ?? null }))
}

/** The departments whose opinion is still missing, in order. */
export function missingDepartments(doc: Pick<ApplicationDoc, 'departments'>): SelectionDepartment[] {
  return departmentCells(doc)
    .filter((c) => !c.opinion)
    .map((c) => c.department)
}

/** The kit items not handed out yet, in order. */
export function missingKit(kit: SelectionKit | null | undefined): KitItem[] {
  return KIT_ITEMS.filter((k) => !kit?.[k])
}

/**
 * Why the caller has nothing (or less) to do, as an i18n key and its values: another staff's
 * step, a department objecting, the notice still running or an objection upheld, or all done.
 */
export function waitingReason(doc: ApplicationDoc, now: number = Date.now()): { key: string; params?: Record<string, string> } | null {
  const offered = doc.offered ?? []
  if (doc.stage === 'refused') return null
  if (doc.stage === 'appointed') return offered.includes('kit') || missingKit(doc.kit).length ? null : { key: 'selection.reason.done' }
  if (doc.my_duty !== doc.duty) return { key: 'selection.reason.others', params: { duty: doc.duty_zh ?? '' } }
  if (doc.stage === 'departments' && doc.departments.some((d) => !d.clear)) return { key: 'selection.reason.departmentObjects' }
  if (doc.stage === 'notice' && !offered.includes('appoint')) {
    if (doc.objections.some((o) => o.upheld)) return { key: 'selection.reason.upheld' }
    if (doc.notice && doc.notice.ends_on >= today(now)) return { key: 'selection.reason.noticeRuns', params: { ends: doc.notice.ends_on } }
  }
  return null
}

// -- the step forms -------------------------------------------------------------------------------

/** Every form's fields (each form uses its own). */
export interface StepDraft {
  grid_worker: string
  opinion: string
  department: SelectionDepartment | ''
  date: string
  /** 无异议 (true) or 有异议 (false). */
  clear: boolean
  note: string
  starts_on: string
  ends_on: string
  contact: string
  received_on: string
  text: string
  /** 查实 (true), 不实 (false), or not chosen yet. */
  upheld: boolean | null
  finding: string
  vest: boolean
  handbook: boolean
  bag: boolean
  reason: string
}

/** A fresh form for `step` on `doc`: today's date, the first department missing, a 7-day notice from today, the kit all ticked at the appointment. */
export function emptyStepDraft(step: SelectionStep, doc: ApplicationDoc, now: number = Date.now()): StepDraft {
  const day = today(now)
  const notice = doc.notice
  const received = notice && notice.ends_on < day ? notice.ends_on : day
  const appoint = step === 'appoint'
  return {
    grid_worker: '',
    opinion: '',
    department: missingDepartments(doc)[0] ?? '',
    date: day,
    clear: true,
    note: '',
    starts_on: day,
    ends_on: addDays(day, 6),
    contact: '',
    received_on: received,
    text: '',
    upheld: null,
    finding: '',
    vest: appoint,
    handbook: appoint,
    bag: appoint,
    reason: '',
  }
}

/** A past day's problem (i18n key) or none: a day, not after today, not more than 90 days ago. */
function pastDayProblem(day: string, todayDay: string): string | null {
  const v = dayValue(day ?? '')
  const t = dayValue(todayDay)!
  if (v === null) return 'selection.problem.dateRequired'
  if (v > t) return 'selection.problem.dateFuture'
  if ((t - v) / DAY > BACKDATE_DAYS) return 'selection.problem.dateOld'
  return null
}

function textProblem(value: string, max: number, required: boolean): string | null {
  const v = (value ?? '').trim()
  if (required && !v) return 'selection.problem.required'
  if (chars(v) > max) return max === LONG_MAX ? 'selection.problem.longText' : 'selection.problem.shortText'
  return null
}

/**
 * Where a step's form is wrong, by part (the draft's field names, `dates` for the notice's period
 * and `kit` for the kit's items); each an i18n key (`selection.problem.*`). Empty: it may be sent.
 */
export function stepProblems(step: SelectionStep, d: StepDraft, doc: ApplicationDoc, now: number = Date.now()): Record<string, string> {
  const out: Record<string, string> = {}
  const day = today(now)
  const put = (part: string, p: string | null) => {
    if (p) out[part] = p
  }
  switch (step) {
    case 'recommend':
      put('grid_worker', textProblem(d.grid_worker, NAME_MAX, true))
      put('opinion', textProblem(d.opinion, LONG_MAX, true))
      break
    case 'branch_review':
    case 'community_review':
      put('opinion', textProblem(d.opinion, LONG_MAX, true))
      break
    case 'department':
      if (!d.department || !missingDepartments(doc).includes(d.department)) out.department = 'selection.problem.departmentRequired'
      put('date', pastDayProblem(d.date, day))
      if (!out.date && d.date < doc.applied_on) out.date = 'selection.problem.beforeApplied'
      put('note', textProblem(d.note, LONG_MAX, !d.clear))
      break
    case 'notice': {
      const n = noticeDays(d.starts_on, d.ends_on)
      if (n === null) out.dates = 'selection.problem.datesRequired'
      else if (n < NOTICE_MIN_DAYS || n > NOTICE_MAX_DAYS) out.dates = 'selection.problem.noticeDays'
      else {
        const gap = (dayValue(d.starts_on)! - dayValue(day)!) / DAY
        if (gap < -BACKDATE_DAYS || gap > NOTICE_MAX_DAYS) out.dates = 'selection.problem.noticeFar'
      }
      put('contact', textProblem(d.contact, SHORT_MAX, true))
      break
    }
    case 'objection': {
      put('received_on', pastDayProblem(d.received_on, day))
      const n = doc.notice
      if (!out.received_on && n && (d.received_on < n.starts_on || d.received_on > n.ends_on)) out.received_on = 'selection.problem.outsideNotice'
      put('text', textProblem(d.text, LONG_MAX, true))
      if (d.upheld === null) out.upheld = 'selection.problem.upheldRequired'
      put('finding', textProblem(d.finding, LONG_MAX, true))
      break
    }
    case 'kit':
      if (!missingKit(doc.kit).some((k) => d[k])) out.kit = 'selection.problem.kitRequired'
      break
    case 'refuse':
      put('reason', textProblem(d.reason, LONG_MAX, true))
      break
    case 'appoint':
      break
  }
  return out
}

/** The action a form becomes: its own fields only, trimmed (a kit item already handed out is not sent as handed out again). */
export function stepAction(step: SelectionStep, d: StepDraft, kit?: SelectionKit | null): StepAction {
  switch (step) {
    case 'recommend':
      return { step, grid_worker: d.grid_worker.trim(), opinion: d.opinion.trim() }
    case 'branch_review':
    case 'community_review':
      return { step, opinion: d.opinion.trim() }
    case 'department':
      return { step, department: d.department as SelectionDepartment, date: d.date.trim(), clear: d.clear, note: d.note.trim() }
    case 'notice':
      return { step, starts_on: d.starts_on.trim(), ends_on: d.ends_on.trim(), contact: d.contact.trim() }
    case 'objection':
      return { step, received_on: d.received_on.trim(), text: d.text.trim(), upheld: d.upheld === true, finding: d.finding.trim() }
    case 'appoint':
      return { step, vest: d.vest, handbook: d.handbook, bag: d.bag }
    case 'kit': {
      const missing = new Set(missingKit(kit))
      return { step, vest: d.vest && missing.has('vest'), handbook: d.handbook && missing.has('handbook'), bag: d.bag && missing.has('bag') }
    }
    case 'refuse':
      return { step, reason: d.reason.trim() }
  }
}

/** The body of a step: the action, on the version of the application as last read. */
export function stepBody(doc: Pick<ApplicationDoc, 'version' | 'kit'>, step: SelectionStep, d: StepDraft): StepBody {
  return { version: doc.version, action: stepAction(step, d, doc.kit) }
}

/** Where a refusal's `field` shows in a step's form ('' : above the button). */
export function stepErrorPart(step: SelectionStep, field: string | null | undefined): string {
  if (!field) return ''
  const parts: Record<SelectionStep, Record<string, string>> = {
    recommend: { grid_worker: 'grid_worker', opinion: 'opinion' },
    branch_review: { opinion: 'opinion' },
    community_review: { opinion: 'opinion' },
    department: { department: 'department', date: 'date', applied_on: 'date', note: 'note' },
    notice: { starts_on: 'dates', ends_on: 'dates', contact: 'contact' },
    objection: { received_on: 'received_on', starts_on: 'received_on', ends_on: 'received_on', text: 'text', finding: 'finding' },
    appoint: {},
    kit: { vest: 'kit', handbook: 'kit', bag: 'kit' },
    refuse: { reason: 'reason' },
  }
  return parts[step][field] ?? ''
}

/** The server's 409 `stale`: someone took a step meanwhile; read the application again. */
export function isStale(e: unknown): boolean {
  return e instanceof ApiError && e.status === 409 && e.code === 'stale'
}

// -- the new application's form ------------------------------------------------------------------

export interface ApplicationDraft {
  compound_id: string
  applied_on: string
  name: string
  gender: Gender | ''
  birth_date: string
  phone: string
  address: string
  political_status: PoliticalStatus | ''
  occupation: string
  statement: string
}

/** A fresh form: applied today, in `compoundId` (the caller's only compound, or none yet). */
export function emptyApplication(compoundId = '', now: number = Date.now()): ApplicationDraft {
  return {
    compound_id: compoundId, applied_on: today(now), name: '', gender: '', birth_date: '', phone: '', address: '', political_status: '', occupation: '', statement: '',
  }
}

/** Where the form is wrong, by field; each an i18n key. A phone's form is the server's to judge. */
export function applicationProblems(d: ApplicationDraft, now: number = Date.now()): Record<string, string> {
  const out: Record<string, string> = {}
  const day = today(now)
  const put = (part: string, p: string | null) => {
    if (p) out[part] = p
  }
  if (!d.compound_id) out.compound_id = 'selection.problem.compoundRequired'
  put('applied_on', pastDayProblem(d.applied_on, day))
  put('name', textProblem(d.name, NAME_MAX, true))
  if (!d.gender) out.gender = 'selection.problem.choose'
  if (dayValue(d.birth_date ?? '') === null) out.birth_date = 'selection.problem.dateRequired'
  else {
    const age = ageOn(d.birth_date, day)!
    if (age < AGE_MIN || age > AGE_MAX) out.birth_date = 'selection.problem.age'
  }
  if (!d.phone.trim()) out.phone = 'selection.problem.required'
  put('address', textProblem(d.address, SHORT_MAX, true))
  if (!d.political_status) out.political_status = 'selection.problem.choose'
  put('occupation', textProblem(d.occupation, SHORT_MAX, false))
  put('statement', textProblem(d.statement, LONG_MAX, true))
  return out
}

export function applicationBody(d: ApplicationDraft): ApplicationBody {
  return {
    compound_id: d.compound_id,
    applied_on: d.applied_on.trim(),
    applicant: {
      name: d.name.trim(),
      gender: d.gender as Gender,
      birth_date: d.birth_date.trim(),
      phone: d.phone.trim(),
      address: d.address.trim(),
      political_status: d.political_status as PoliticalStatus,
      occupation: d.occupation.trim(),
      statement: d.statement.trim(),
    },
  }
}

const APPLICATION_FIELDS = new Set(['compound_id', 'applied_on', 'name', 'gender', 'birth_date', 'phone', 'address', 'political_status', 'occupation', 'statement'])

/** Where a refusal's `field` shows in the new application's form ('' : above the buttons). */
export function applicationErrorPart(field: string | null | undefined): string {
  if (!field) return ''
  const f = field.replace(/^applicant\./, '')
  return APPLICATION_FIELDS.has(f) ? f : ''
}

// -- the printed public notice ------------------------------------------------------------------------

export interface NoticeGroup {
  starts_on: string
  ends_on: string
  contact: string
  entries: NoticeEntry[]
}

/**
 * The entries to print: those whose notice has not ended by `now` (a notice past its last day is
 * no longer public, though the applicant waits for the appointment), grouped by period and
 * contact, the earliest first; within a group by compound, in the server's order.
 */
export function noticeGroups(entries: readonly NoticeEntry[], now: number = Date.now()): NoticeGroup[] {
  const day = today(now)
  const groups = new Map<string, NoticeGroup>()
  for (const e of entries) {
    if (e.ends_on < day) continue
    const key = `${e.starts_on}|${e.ends_on}|${e.contact}`
    let g = groups.get(key)
    if (!g) groups.set(key, (g = { starts_on: e.starts_on, ends_on: e.ends_on, contact: e.contact, entries: [] }))
    g.entries.push(e)
  }
  const out = [...groups.values()].sort((a, b) => a.starts_on.localeCompare(b.starts_on) || a.ends_on.localeCompare(b.ends_on) || a.contact.localeCompare(b.contact))
  for (const g of out) g.entries.sort((a, b) => a.compound.localeCompare(b.compound, 'zh-CN'))
  return out
}

/** `2026-12-03` as a Chinese document dates it: `2026年12月3日` (anything else as it is). */
export function chineseDate(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : day
}
