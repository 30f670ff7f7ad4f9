// Every call the console makes, one line each, through the typed openapi-fetch client over the
// generated schema (`paths`). Where the document describes an answer only as a free-form object
// (the reports' rows, the projections), the answer is given its shape from `types.ts`.
// `/v1/events` is an EventSource (src/lib/live.ts); downloads are plain fetches (`download`).
import { api, call } from './client'
import type { paths } from './schema'
import type {
  AccessEntry, CampaignBody, EvaluationBody, EvaluationRecord, EvaluationReport, CampaignReport, CampaignSummary, CompoundDoc, DecisionsReport, Device, EnrolmentCode, FiguresReport, HouseholdDoc, HouseholdPage, ImportAnswer, IssueDoc,
  IssueStatus, IssuesReport, MeAnswer, MeetingRecord, MeetingsReport, MustVisitRow, PairingReport, ReferralBody, ReportPage,
  ActivityBody, MemberBody, TeamBody, TeamRecord, TeamsReport,
  ApplicationBody, ApplicationDoc, ApplicationsAnswer, NoticeAnswer, SelectionStage, SelectionSummary, StepAnswer, StepBody,
  MustVisitTrigger, Place, PlaceKind, Schemas, PlanDoc, Role, RulesDoc, ScoresReport, StartedAnswer, Steward, TemporaryAnswer, TemporaryBody, ThreeClearsRow, TimelyKind, TimelyReport, TrendPoint, User, VisitsRow,
} from './types'
import type { IssuesQuery, MustVisitsQuery, TimelyQuery } from '../lib/reportQuery'
import type { DecisionsQuery, MeetingsQuery } from '../lib/meetings'
import type { PairingQuery } from '../lib/pairing'
import type { FiguresQuery } from '../lib/figures'
import type { RuleRow, ScoresQuery } from '../lib/scores'
import type { CampaignQuery } from '../lib/campaigns'
import type { EvaluationQuery } from '../lib/evaluation'
import type { TeamsQuery } from '../lib/teams'

export const HOUSEHOLDS_PATH = '/v1/households'
/** Server-Sent Events: `event: change` whenever something in the caller's scope changed. */
export const EVENTS_PATH = '/v1/events'

/** `place` and `steward_id`, which every report takes. */
export interface ReportScope {
  place?: string | null
  steward_id?: string | null
}

function scope(s: ReportScope): { place?: string; steward_id?: string } {
  const out: { place?: string; steward_id?: string } = {}
  if (s.place) out.place = s.place
  if (s.steward_id) out.steward_id = s.steward_id
  return out
}

// -- session --------------------------------------------------------------------------------------

export async function login(username: string, password: string): Promise<User> {
  const a = await call(api.POST('/v1/login', { body: { username, password, cookie: true } }), { noRedirect: true })
  return a.user
}

export const logout = () => call(api.POST('/v1/logout'), { noRedirect: true })

export const getMe = (opts: { noRedirect?: boolean } = {}) => call(api.GET('/v1/me'), opts) as Promise<MeAnswer>

export const changePassword = (current: string, next: string) =>
  call(api.POST('/v1/me/password', { body: { current_password: current, new_password: next } }))

// -- places, stewards, users --------------------------------------------------------------------------

/** The caller's place and everything below it (admins: all). */
export const getPlaces = () => call(api.GET('/v1/places')) as Promise<Place[]>

export const createPlace = (body: { kind: PlaceKind; name: string; parent_id: string | null }) =>
  call(api.POST('/v1/places', { body })) as Promise<Place>

export const getStewards = () => call(api.GET('/v1/stewards')) as Promise<Steward[]>

export const createSteward = (body: { compound_id: string; name: string }) => call(api.POST('/v1/stewards', { body })) as Promise<Steward>

export const listUsers = () => call(api.GET('/v1/users')) as Promise<User[]>

export const createUser = (body: { username: string; password: string; role: Role; place_id: string | null }) =>
  call(api.POST('/v1/users', { body })) as Promise<User>

// -- devices and enrolment ------------------------------------------------------------------------------

export const listDevices = (s: ReportScope = {}) => call(api.GET('/v1/devices', { params: { query: scope(s) } })) as Promise<Device[]>

export const revokeDevice = (id: string) => call(api.POST('/v1/devices/{id}/revoke', { params: { path: { id } } }))

export const issueEnrolmentCode = (stewardId: string, days?: number) =>
  call(api.POST('/v1/stewards/{id}/enrolment-codes', { params: { path: { id: stewardId } }, body: days ? { days } : {} })) as Promise<EnrolmentCode>

// -- reports ----------------------------------------------------------------------------------------

export const reportVisits = (month: string, s: ReportScope = {}) =>
  call(api.GET('/v1/reports/visits', { params: { query: { month, ...scope(s) } } })) as Promise<unknown> as Promise<VisitsRow[]>

// The filters beyond `place`/`steward_id` (trigger, min_age_days; kind, timeliness; status, route,
// category) are the server's contract; the query types below carry them.
export const reportMustVisits = (query: MustVisitsQuery = {}) =>
  call(api.GET('/v1/reports/must-visits', { params: { query } })) as Promise<unknown> as Promise<MustVisitRow[]>

/** One page of the open must-visits (`query` has `per_page`), with the total. */
export const reportMustVisitsPage = (query: MustVisitsQuery & { per_page: number }) =>
  call(api.GET('/v1/reports/must-visits', { params: { query } })) as Promise<unknown> as Promise<ReportPage<MustVisitRow>>

export const reportTimely = (query: TimelyQuery) =>
  call(api.GET('/v1/reports/timely', { params: { query } })) as Promise<unknown> as Promise<TimelyReport>

export const reportIssues = (query: IssuesQuery = {}) =>
  call(api.GET('/v1/reports/issues', { params: { query } })) as Promise<unknown> as Promise<IssuesReport>

export const reportThreeClears = (s: ReportScope = {}) =>
  call(api.GET('/v1/reports/three-clears', { params: { query: scope(s) } })) as Promise<unknown> as Promise<ThreeClearsRow[]>

/** Visits per month, oldest first. */
export const reportVisitTrend = (months: number, s: ReportScope = {}) =>
  call(api.GET('/v1/reports/visit-trend', { params: { query: { months, ...scope(s) } } })) as Promise<unknown> as Promise<TrendPoint[]>

// -- households ------------------------------------------------------------------------------------

export type HouseholdsQuery = NonNullable<paths['/v1/households']['get']['parameters']['query']>

export const listHouseholds = (query: HouseholdsQuery) => call(api.GET('/v1/households', { params: { query } })) as Promise<HouseholdPage>

export const getHousehold = (id: string) =>
  call(api.GET('/v1/households/{id}', { params: { path: { id } } })) as Promise<unknown> as Promise<HouseholdDoc>

export const assignHousehold = (id: string, steward_id: string | null) =>
  call(api.POST('/v1/households/{id}/assign', { params: { path: { id } }, body: { steward_id } }))

export const raiseMustVisit = (id: string, body: { trigger: MustVisitTrigger; date?: number | null; note?: string }) =>
  call(api.POST('/v1/households/{id}/must-visits', { params: { path: { id } }, body }))

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** The upload's content type, from the file's name (CSV or Excel), or null for anything else. */
export function importContentType(fileName: string): 'text/csv' | typeof XLSX_TYPE | null {
  const n = fileName.toLowerCase()
  if (n.endsWith('.csv')) return 'text/csv'
  if (n.endsWith('.xlsx')) return XLSX_TYPE
  return null
}

/** Imports households from the raw file, sent as it is; a 422 `bad_rows` carries every refused row. */
export const importHouseholds = (compoundId: string, file: Blob, contentType: string) =>
  call(
    api.POST('/v1/compounds/{id}/households/import', {
      params: { path: { id: compoundId } },
      // The body is the file's bytes, not JSON.
      body: file as unknown as string,
      bodySerializer: (b: unknown) => b as BodyInit,
      headers: { 'Content-Type': contentType },
    }),
  ) as Promise<ImportAnswer>

// -- issues ---------------------------------------------------------------------------------------

/** The issue's projection, with its timeline. */
export const getIssue = (id: string) => call(api.GET('/v1/issues/{id}', { params: { path: { id } } })) as Promise<unknown> as Promise<IssueDoc>

export const moveIssue = (id: string, status: IssueStatus, comment = '') =>
  call(api.POST('/v1/issues/{id}/status', { params: { path: { id } }, body: { status, comment } }))

export const commentIssue = (id: string, text: string) =>
  call(api.POST('/v1/issues/{id}/comments', { params: { path: { id } }, body: { text } }))

/**
 * A property company passes a resident's matter outside its duty on to a steward and the branch
 * (物业反馈, 双向沟通): a new issue of origin `property_company`, routed to the community. The new id.
 */
export const passOnIssue = (body: ReferralBody) => call(api.POST('/v1/issues', { body })) as Promise<{ id: string }>

// -- pairing assistance (结对帮扶) and the district's figures -------------------------------------

/** Pairing cases counted by need and outcome, and one page of them (supervisors and admins). */
export const reportPairing = (query: PairingQuery) =>
  call(api.GET('/v1/reports/pairing', { params: { query } })) as Promise<unknown> as Promise<PairingReport>

/** The program's headline figures for months and a place (supervisors and admins). */
export const reportFigures = (query: FiguresQuery) =>
  call(api.GET('/v1/reports/figures', { params: { query } })) as Promise<unknown> as Promise<FiguresReport>

// -- joint meetings (联席会议) ---------------------------------------------------------------------

/** A quarter's meetings per compound (supervisors and admins; a property company gets 403). */
export const reportMeetings = (query: MeetingsQuery) =>
  call(api.GET('/v1/reports/meetings', { params: { query } })) as Promise<unknown> as Promise<MeetingsReport>

/** The decisions with counts by responsible party; one page with `per_page` (a property company: its own). */
export const reportDecisions = (query: DecisionsQuery = {}) =>
  call(api.GET('/v1/reports/decisions', { params: { query } })) as Promise<unknown> as Promise<DecisionsReport>

/** A meeting's record, as the caller may see it. */
export const getMeeting = (id: string) =>
  call(api.GET('/v1/meetings/{id}', { params: { path: { id } } })) as Promise<unknown> as Promise<MeetingRecord>

/** A follow-up on a decision (a note; `done` marks it done, `open` reopens it); the meeting as the caller sees it. */
export const followUpDecision = (id: string, decisionId: string, body: { text: string; status?: 'done' | 'open' }) =>
  call(
    api.POST('/v1/meetings/{id}/decisions/{decision_id}/follow-ups', { params: { path: { id, decision_id: decisionId } }, body }),
  ) as Promise<unknown> as Promise<MeetingRecord>

// -- scoring the property companies (评价物业) ------------------------------------------------------

/** A quarter's scores by compound (a property company: its own, never who gave which); 404 without rules. */
export const reportScores = (query: ScoresQuery) =>
  call(api.GET('/v1/reports/scores', { params: { query } })) as Promise<unknown> as Promise<ScoresReport>

/** A period's scoring rules (考评细则); 404 when none were published. */
export const getScoringRules = (quarter: string) =>
  call(api.GET('/v1/scoring-rules', { params: { query: { quarter } } })) as Promise<unknown> as Promise<RulesDoc>

/** Publishes a period's rules (admins); the weights add up to 100, else 400 with `field`. */
export const publishScoringRules = (body: { period: string; criteria: RuleRow[] }) =>
  call(api.PUT('/v1/scoring-rules', { body })) as Promise<unknown> as Promise<RulesDoc>

// -- campaigns (专项任务) ------------------------------------------------------------------------------

/** The campaigns that reach the caller's place, newest first, counted within it (a property company: 403). */
export const listCampaigns = () => call(api.GET('/v1/campaigns')) as Promise<unknown> as Promise<CampaignSummary[]>

/** Starts a campaign over a place: a task per household with a steward (`unassigned`: those without). */
export const startCampaign = (body: CampaignBody) => call(api.POST('/v1/campaigns', { body })) as Promise<unknown> as Promise<StartedAnswer>

/** A campaign's progress by compound and steward, and its households' answers (a page with `per_page`). */
export const reportCampaign = (query: CampaignQuery) =>
  call(api.GET('/v1/reports/campaign', { params: { query } })) as Promise<unknown> as Promise<CampaignReport>

/** Enrols a temporary steward (临时红色管家) for some households of a compound; their one-time code. */
export const enrolTemporarySteward = (campaignId: string, body: TemporaryBody) =>
  call(api.POST('/v1/campaigns/{id}/temporary-stewards', { params: { path: { id: campaignId } }, body })) as Promise<TemporaryAnswer>

/** Closes a campaign (its temporary stewards lose access now); the campaign, closed. */
export const closeCampaign = (id: string) =>
  call(api.POST('/v1/campaigns/{id}/close', { params: { path: { id } } })) as Promise<unknown> as Promise<CampaignSummary>

// -- the half-year steward evaluation (每半年考核评价) --------------------------------------------------

/** Each steward's indicators for a half year beside the community's score and comment (a property company: 403). */
export const reportEvaluation = (query: EvaluationQuery) =>
  call(api.GET('/v1/reports/evaluation', { params: { query } })) as Promise<unknown> as Promise<EvaluationReport>

/** Enters (or replaces) the community's score (0–100) and comment of a steward for a half; their evaluation document. */
export const setEvaluation = (stewardId: string, half: string, body: EvaluationBody) =>
  call(api.PUT('/v1/evaluations/{steward_id}/{half}', { params: { path: { steward_id: stewardId, half } }, body })) as Promise<unknown> as Promise<EvaluationRecord>

// -- plans and compounds ----------------------------------------------------------------------------

/** A steward's plan for a month (an empty plan when none was made). */
export const getPlan = (stewardId: string, month: string) =>
  call(api.GET('/v1/plans/{steward_id}/{month}', { params: { path: { steward_id: stewardId, month } } })) as Promise<unknown> as Promise<PlanDoc>

export const setPlan = (stewardId: string, month: string, households: string[]) =>
  call(api.PUT('/v1/plans/{steward_id}/{month}', { params: { path: { steward_id: stewardId, month } }, body: { households } }))

/** A compound's projection: its name and deadlines. */
export const getCompound = (id: string) =>
  call(api.GET('/v1/compounds/{id}', { params: { path: { id } } })) as Promise<unknown> as Promise<CompoundDoc>

export const holidayMustVisits = (compoundId: string, body: { date?: number | null; note?: string }) =>
  call(api.POST('/v1/compounds/{id}/holiday-must-visits', { params: { path: { id: compoundId } }, body }))

export const setDeadlines = (compoundId: string, body: Partial<Record<TimelyKind, number>>) =>
  call(api.PUT('/v1/compounds/{id}/deadlines', { params: { path: { id: compoundId } }, body }))

// -- access log -------------------------------------------------------------------------------------

export const accessLog = (before?: number, limit = 50) =>
  call(api.GET('/v1/access-log', { params: { query: { before, limit } } })) as Promise<AccessEntry[]>

// -- volunteer and culture teams (志愿服务队、文化宣传队) ---------------------------------------------

/** The place's teams and the period's activities, newest first (supervisors and admins). */
export const reportTeams = (query: TeamsQuery) =>
  call(api.GET('/v1/reports/teams', { params: { query } })) as Promise<unknown> as Promise<TeamsReport>

/** Sets up a team for a steward of the place to lead (201: the team's record; 404: no such steward in your place). */
export const createTeam = (body: TeamBody) => call(api.POST('/v1/teams', { body })) as Promise<unknown> as Promise<TeamRecord>

/** Adds a member (a steward or a resident) to a team. */
export const addTeamMember = (teamId: string, body: MemberBody) =>
  call(api.POST('/v1/teams/{id}/members', { params: { path: { id: teamId } }, body })) as Promise<unknown> as Promise<TeamRecord>

/** Records a team's activity from the console (the community's record). */
export const recordTeamActivity = (teamId: string, body: ActivityBody) =>
  call(api.POST('/v1/teams/{id}/activities', { params: { path: { id: teamId } }, body })) as Promise<unknown> as Promise<TeamRecord>

// -- selecting a steward (选任流程) ------------------------------------------------------------------

/** How many applications stand at each stage, by compound, without names (any supervisor, admins). */
export const selectionSummary = () =>
  call(api.GET('/v1/selection/summary')) as Promise<unknown> as Promise<SelectionSummary>

/** The applications of the caller's compound or community, latest change first (403 for anyone but the staff of the steps). */
export const listApplications = (stage?: SelectionStage | '') =>
  call(api.GET('/v1/selection/applications', { params: { query: stage ? { stage } : {} } })) as Promise<unknown> as Promise<ApplicationsAnswer>

/** Enters a self-application (自荐申请) for a compound of the caller's; the application (201). */
export const createApplication = (body: ApplicationBody) =>
  call(api.POST('/v1/selection/applications', { body: body as unknown as Schemas['ApplicationBody'] })) as Promise<unknown> as Promise<ApplicationDoc>

/** One application, whole, with `version` and the steps the caller may take (`offered`). */
export const getApplication = (id: string) =>
  call(api.GET('/v1/selection/applications/{id}', { params: { path: { id } } })) as Promise<unknown> as Promise<ApplicationDoc>

/** Takes a step on the version last read (409 `stale` when it moved on meanwhile); after the appointment, the steward's code. */
export const takeStep = (id: string, body: StepBody) =>
  call(api.POST('/v1/selection/applications/{id}/steps', { params: { path: { id } }, body: body as unknown as Schemas['StepBody'] })) as Promise<unknown> as Promise<StepAnswer>

/** The applicants under public notice (公示) in the caller's compound or community, to print. */
export const selectionNotice = () => call(api.GET('/v1/selection/notice')) as Promise<unknown> as Promise<NoticeAnswer>
