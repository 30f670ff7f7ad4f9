// Campaigns (专项任务): a supervisor starts one over a place within theirs (人员摸排, 防汛救灾,
// 节日走访, 创卫创文, 其他) with dates and a short form per household; each household's task reaches
// its steward's phone. Here: the start form's draft, its checks (the server's, so a refusal is
// rare: a title of at most 100 characters, valid dates in order and at most a year apart, 1 to 20
// fields each with a label, a choice with 2 to 20 distinct options and no other kind with any) and
// the body it becomes; where a refusal's `field` shows; the progress screen's filters (kept in the
// URL under the server's names, plus 全部/未完成, which the browser applies) and the requests they
// become; answers in words; a campaign's state; the households a temporary steward (临时红色管家)
// may take over, and what their enrolment QR code encodes.
import type { LocationQuery } from 'vue-router'
import type {
  Answer, CampaignBody, CampaignField, CampaignKind, CampaignReport, CampaignStewardRow, CampaignSummary, CampaignTaskRow, FieldKind,
} from '../api/types'
import { i18n } from '../i18n'
import { formatDate, formatNumber } from './format'
import { LIST_PER_PAGE, toRoute } from './reportQuery'

export const CAMPAIGNS_PATH = '/v1/campaigns'
export const CAMPAIGN_REPORT_PATH = '/v1/reports/campaign'

export const CAMPAIGN_KINDS: readonly CampaignKind[] = ['screening', 'flood', 'holiday', 'clean_up', 'other']
export const FIELD_KINDS: readonly FieldKind[] = ['yes_no', 'choice', 'number', 'text']

/** The server's limits (core/src/doc/campaign.rs, core/src/limits.rs). */
export const TITLE_MAX = 100
export const LABEL_MAX = 100
export const OPTION_MAX = 100
export const FIELDS_MAX = 20
export const OPTIONS_MAX = 20
/** A campaign lasts at most this many days from its first to its last. */
export const DAYS_MAX = 366
/** A temporary steward's name. */
export const NAME_MAX = 40
/** A temporary steward takes over at most this many households. */
export const HANDOVER_MAX = 500

const DAY = 86_400_000

// -- days -----------------------------------------------------------------------------------------

/** Today in the program's zone (Asia/Shanghai), `YYYY-MM-DD`. */
export function today(now: number = Date.now()): string {
  return formatDate(now)
}

/** `YYYY-MM-DD` that is a real day, as UTC midnight (null for anything else). */
export function dayValue(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim())
  if (!m) return null
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return formatUtcDay(ms) === s.trim() ? ms : null
}

function formatUtcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** The day `n` days after `day` (`YYYY-MM-DD`). */
export function addDays(day: string, n: number): string {
  const v = dayValue(day)
  return v === null ? day : formatUtcDay(v + n * DAY)
}

// -- the start form -------------------------------------------------------------------------------

/** A field as the form edits it: a choice's options as one comma list. */
export interface FieldDraft {
  label: string
  kind: FieldKind
  /** A choice's options, separated by commas (，, 、 or new lines work too). */
  options: string
  required: boolean
}

export interface CampaignDraft {
  title: string
  kind: CampaignKind
  starts_on: string
  ends_on: string
  place_id: string
  fields: FieldDraft[]
}

export function newField(kind: FieldKind = 'yes_no'): FieldDraft {
  return { label: '', kind, options: '', required: true }
}

/** A fresh form: 人员摸排 from today for a week, over `placeId`, one 是/否 field. */
export function emptyDraft(placeId = '', now: number = Date.now()): CampaignDraft {
  const from = today(now)
  return { title: '', kind: 'screening', starts_on: from, ends_on: addDays(from, 6), place_id: placeId, fields: [newField()] }
}

/** A comma list of options as the options, trimmed, blanks left out (duplicates kept: the check names them). */
export function splitOptions(text: string): string[] {
  return text
    .split(/[,，、;；\n]/)
    .map((o) => o.trim())
    .filter((o) => o !== '')
}

const chars = (s: string) => [...s].length

/**
 * Where the form is wrong, by part: `title`, `dates`, `place`, `fields` (the list as a whole) and
 * `fields.<i>.label` / `fields.<i>.options`; each an i18n key (`campaigns.problem.*`). Empty: it
 * may be sent.
 */
export function draftProblems(d: CampaignDraft): Record<string, string> {
  const out: Record<string, string> = {}
  const p = (k: string) => `campaigns.problem.${k}`
  const title = d.title.trim()
  if (!title) out.title = p('titleRequired')
  else if (chars(title) > TITLE_MAX) out.title = p('titleLong')
  if (!(CAMPAIGN_KINDS as readonly string[]).includes(d.kind)) out.kind = p('kindRequired')
  const from = dayValue(d.starts_on ?? '')
  const to = dayValue(d.ends_on ?? '')
  if (from === null || to === null) out.dates = p('datesRequired')
  else if (to < from) out.dates = p('datesOrder')
  else if ((to - from) / DAY > DAYS_MAX) out.dates = p('datesLong')
  if (!d.place_id) out.place = p('placeRequired')
  if (!d.fields.length) out.fields = p('fieldsNone')
  else if (d.fields.length > FIELDS_MAX) out.fields = p('fieldsMany')
  d.fields.forEach((f, i) => {
    const label = f.label.trim()
    if (!label) out[`fields.${i}.label`] = p('labelRequired')
    else if (chars(label) > LABEL_MAX) out[`fields.${i}.label`] = p('labelLong')
    if (f.kind !== 'choice') return
    const options = splitOptions(f.options)
    if (new Set(options).size !== options.length) out[`fields.${i}.options`] = p('optionsTwice')
    else if (options.length < 2) out[`fields.${i}.options`] = p('optionsFew')
    else if (options.length > OPTIONS_MAX) out[`fields.${i}.options`] = p('optionsMany')
    else if (options.some((o) => chars(o) > OPTION_MAX)) out[`fields.${i}.options`] = p('optionLong')
  })
  return out
}

/** The body of `POST /v1/campaigns`: trimmed; options only for a choice. */
export function campaignBody(d: CampaignDraft): CampaignBody {
  return {
    title: d.title.trim(),
    kind: d.kind,
    starts_on: d.starts_on.trim(),
    ends_on: d.ends_on.trim(),
    place_id: d.place_id,
    fields: d.fields.map((f) => ({
      label: f.label.trim(),
      kind: f.kind,
      required: f.required,
      ...(f.kind === 'choice' ? { options: splitOptions(f.options) } : {}),
    })),
  }
}

/** Where a refusal's `field` (`title`, `kind`, `starts_on`, `ends_on`, `place_id`, `fields…`) shows in the form. */
export function startErrorPart(field: string | null | undefined): 'title' | 'kind' | 'dates' | 'place' | 'fields' | '' {
  if (!field) return ''
  if (field === 'title' || field === 'kind') return field
  if (field === 'starts_on' || field === 'ends_on') return 'dates'
  if (field === 'place_id') return 'place'
  return field.startsWith('fields') ? 'fields' : ''
}

// -- a campaign's state ---------------------------------------------------------------------------

/** `open` (进行中), `closed` (closed early, 已结束) or `ended` (past its last day, 已结束). */
export type CampaignState = 'open' | 'closed' | 'ended'

export function campaignState(c: Pick<CampaignSummary, 'closed_at' | 'ends_on'>, now: number = Date.now()): CampaignState {
  if (c.closed_at) return 'closed'
  return c.ends_on < today(now) ? 'ended' : 'open'
}

/** Answered of households in whole percent, 0 to 100 (0 when there are none). */
export function progressPercent(answered: number, households: number): number {
  if (!households) return 0
  return Math.min(100, Math.round((answered / households) * 100))
}

// -- the progress screen --------------------------------------------------------------------------

/** 全部 or 未完成 (not yet answered). */
export type ProgressShow = 'all' | 'open'

export interface ProgressFilters {
  /** A compound (or a place below the caller's) of the campaign. */
  place: string
  steward_id: string
  show: ProgressShow
  /** The page of the households shown, from 1 (never in the export). */
  page: number
}

/** `GET /v1/reports/campaign`'s query. */
export type CampaignQuery = { campaign_id: string; place?: string; steward_id?: string; page?: number; per_page?: number }

function one(q: LocationQuery, k: string): string {
  const v = q[k]
  if (Array.isArray(v)) return v[0] ?? ''
  return v ?? ''
}

export function progressFilters(q: LocationQuery): ProgressFilters {
  const page = Number(one(q, 'page'))
  return {
    place: one(q, 'place'),
    steward_id: one(q, 'steward_id'),
    show: one(q, 'show') === 'open' ? 'open' : 'all',
    page: Number.isInteger(page) && page > 0 ? page : 1,
  }
}

/** The export's query: the campaign and the server's filters, every row. */
export function progressQuery(campaignId: string, f: ProgressFilters): CampaignQuery {
  const out: CampaignQuery = { campaign_id: campaignId }
  if (f.place) out.place = f.place
  if (f.steward_id) out.steward_id = f.steward_id
  return out
}

/**
 * The screen's request. 全部: one page of `LIST_PER_PAGE`, paged by the server. 未完成: the server
 * has no such filter, so every household (the browser keeps the unanswered and pages them).
 */
export function progressListQuery(campaignId: string, f: ProgressFilters): CampaignQuery {
  const q = progressQuery(campaignId, f)
  return f.show === 'open' ? q : { ...q, page: f.page, per_page: LIST_PER_PAGE }
}

/** The screen's URL: the filters, 未完成, and the page when not the first. */
export function progressRoute(f: ProgressFilters): Record<string, string> {
  return {
    ...toRoute({ place: f.place, steward_id: f.steward_id }),
    ...(f.show === 'open' ? { show: 'open' } : {}),
    ...(f.page > 1 ? { page: String(f.page) } : {}),
  }
}

/** The report's households: a bare list, or a page of them (`{total, page, per_page, rows}`). */
export function reportRows(r: Pick<CampaignReport, 'rows'> | null | undefined): CampaignTaskRow[] {
  const rows = r?.rows
  if (!rows) return []
  return Array.isArray(rows) ? rows : (rows.rows ?? [])
}

/** The households shown now and how many there are in all (for the pager). */
export function shownRows(r: CampaignReport | null | undefined, f: ProgressFilters): { rows: CampaignTaskRow[]; total: number } {
  if (!r) return { rows: [], total: 0 }
  const rows = reportRows(r)
  if (f.show === 'open') {
    const open = rows.filter((x) => !x.answered_at)
    const from = (f.page - 1) * LIST_PER_PAGE
    return { rows: open.slice(from, from + LIST_PER_PAGE), total: open.length }
  }
  const total = !Array.isArray(r.rows) && r.rows && typeof r.rows.total === 'number' ? r.rows.total : r.households
  return { rows, total }
}

/** An answer in words: 是/否 for a yes/no, a number as a number, a choice or text as given; `''` when none. */
export function formatAnswer(value: Answer | null | undefined, words: { yes: string; no: string } = yesNoWords()): string {
  if (value === null || value === undefined || value === '') return ''
  if (typeof value === 'boolean') return value ? words.yes : words.no
  if (typeof value === 'number') return formatNumber(value)
  return String(value)
}

function yesNoWords(): { yes: string; no: string } {
  return { yes: i18n.global.t('common.yes'), no: i18n.global.t('common.no') }
}

/** A household's answer to a field, in words. */
export function answerOf(row: Pick<CampaignTaskRow, 'answers'>, field: Pick<CampaignField, 'id'>): string {
  return formatAnswer(row.answers?.[field.id])
}

/** The temporary stewards' ids (the report's stewards marked `temporary`). */
export function temporaryIds(stewards: readonly CampaignStewardRow[] | undefined): Set<string> {
  return new Set((stewards ?? []).filter((s) => s.temporary).map((s) => s.id))
}

// -- temporary stewards (临时红色管家) -------------------------------------------------------------

/**
 * The households of `compoundId` a temporary steward may take over: not answered, and still with
 * their regular steward (one handed over already answers to a temporary steward).
 */
export function handoverCandidates(rows: readonly CampaignTaskRow[], compoundId: string, temporary: ReadonlySet<string>): CampaignTaskRow[] {
  return rows.filter((r) => r.compound_id === compoundId && !r.answered_at && !temporary.has(r.steward_id))
}

export interface TemporaryDraft {
  compound_id: string
  name: string
  household_ids: string[]
}

/** Why the temporary steward may not be sent yet, by part (`compound`, `name`, `households`): i18n keys. */
export function temporaryProblems(d: TemporaryDraft): Record<string, string> {
  const out: Record<string, string> = {}
  const p = (k: string) => `campaigns.problem.${k}`
  if (!d.compound_id) out.compound = p('compoundRequired')
  const name = d.name.trim()
  if (!name) out.name = p('nameRequired')
  else if (chars(name) > NAME_MAX) out.name = p('nameLong')
  if (!d.household_ids.length) out.households = p('householdsNone')
  else if (d.household_ids.length > HANDOVER_MAX) out.households = p('householdsMany')
  return out
}

/** Where a refusal's `field` (`name`, `household_ids`, `compound_id`) shows in the dialog. */
export function temporaryErrorPart(field: string | null | undefined): 'compound' | 'name' | 'households' | '' {
  if (field === 'name') return 'name'
  if (field === 'household_ids') return 'households'
  if (field === 'compound_id') return 'compound'
  return ''
}

/**
 * What a temporary steward's QR code encodes: the phone's enrolment link with this server's address
 * as the browser reached it (the answer gives the code only; a regular code's `enrol_uri` is the same shape).
 */
export function enrolUri(origin: string, code: string): string {
  return `redsteward://enrol?server=${encodeURIComponent(origin)}&code=${encodeURIComponent(code)}`
}
