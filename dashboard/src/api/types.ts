// The schema's types under short names, and the shapes the OpenAPI document describes only in
// words (report rows are `{type: object}` there, projections `additionalProperties: true`). Field lists follow the schema descriptions in
// openapi.json and docs/documents.md; names and codes are the server's.
import type { components } from './schema'

export type Schemas = components['schemas']
export type User = Schemas['User']
export type Role = User['role']
export type MeAnswer = Schemas['MeAnswer']
export type Steward = Schemas['Steward']
export type AccessEntry = Schemas['AccessEntryDoc']
export type IssueStatus = Schemas['StatusBody']['status']
export type MustVisitTrigger = Schemas['MustVisitBody']['trigger']
export type TimelyKind = keyof Schemas['DeadlinesBody']

export type Place = Schemas['Place']
export type PlaceKind = Place['kind']
export type Device = Schemas['Device']
export type HouseholdRow = Schemas['HouseholdRow']
export type HouseholdPage = Schemas['HouseholdPage']
/** A new one-time enrolment code (`CodeAnswer`). */
export type EnrolmentCode = Schemas['CodeAnswer']
export type ImportAnswer = Schemas['ImportAnswer']
export type BadRow = Schemas['BadRow']
export type ErrorBody = Schemas['ErrorBody']

export type IssueRoute = 'property_duty' | 'community_coordination'
/**
 * Who raised an issue: a steward (红色管家上报), or the property company passing on a resident's
 * matter outside its duty (物业反馈, 双向沟通; routed to the community's coordination).
 */
export type IssueOrigin = 'steward' | 'property_company'
export type Timeliness = 'on_time' | 'late' | 'open' | 'overdue'

/** `GET /v1/reports/visit-trend`: visits per month, oldest first. */
export interface TrendPoint {
  month: string
  visits: number
  households_visited: number
}

/** `GET /v1/reports/visits`: one row per steward and month. */
export interface VisitsRow {
  steward_id: string
  steward: string
  month: string
  planned: number
  planned_visited: number
  visits: number
  households_visited: number
  plan_out_of_range: boolean
}

/** `GET /v1/reports/must-visits`: open must-visits, longest waiting first. */
export interface MustVisitRow {
  id: string
  household_id: string
  address: string
  head_name: string
  steward: string | null
  trigger: MustVisitTrigger
  trigger_zh?: string
  date: number
  age_days: number
  server_seen_at: number | null
}

/** `GET /v1/reports/timely`. */
export interface TimelyRow {
  id: string
  household_id: string
  address: string
  steward: string | null
  kind: TimelyKind
  kind_zh?: string
  raised_at: number
  deadline: number
  resolved_at: number | null
  timeliness: Timeliness
  server_seen_at: number | null
}
export interface TimelyReport {
  summary: Record<Timeliness, number>
  rows: TimelyRow[]
  /** How many rows match in all (`rows` holds one page of them with `per_page`). */
  total?: number
}

/** A list report asked with `per_page` (must-visits, the visit ledger): one page and the total. */
export interface ReportPage<T> {
  total: number
  page: number
  per_page: number
  rows: T[]
}

/** `GET /v1/reports/issues`. */
export interface IssueRow {
  id: string
  compound_id: string
  reporter: string
  reported_at: number
  category: string
  category_zh?: string
  place: string
  description: string
  route: IssueRoute
  status: IssueStatus
  comments: number
  last_update_at: number
  /** `steward`, or `property_company` for a matter the property company passed on. */
  origin: IssueOrigin
}
/** Issues counted by status, route and origin (sum the rows for any one of them). */
export interface IssueCount {
  status: IssueStatus
  route: IssueRoute
  origin: IssueOrigin
  count: number
}
export interface IssuesReport {
  counts: IssueCount[]
  issues: IssueRow[]
  /** How many issues match in all (`issues` holds a page with `per_page`, none with `counts_only`). */
  total?: number
}

/** `GET /v1/reports/three-clears`: `percent` is [party members, basic profile, key service]. */
export interface ThreeClearsRow {
  steward_id: string
  steward: string
  households: number
  party_member_known: number
  basic_profile_complete: number
  key_service_known: number
  percent: [number, number, number]
}

// -- projections (docs/documents.md sections 3 to 6) ---------------------------------------------

export interface Address {
  building: string
  unit: string
  room: string
}
export interface Opinion {
  category: string
  text: string
}
export interface Visit {
  id: string
  at: number
  recorded_at?: number
  method: string
  summary: string
  opinions?: Opinion[]
  hardships?: string
  answers?: string[]
  follow_up?: boolean
  by?: string | null
}
export interface MustVisit {
  id: string
  trigger: MustVisitTrigger
  date: number
  note?: string
  raised_by?: string | null
  raised_at?: number
  answered_at?: number | null
  answered_by?: string | null
}
export interface TimelyResponse {
  id: string
  kind: TimelyKind
  raised_at: number
  note?: string
  raised_by?: string | null
  resolved_at?: number | null
  resolved_by?: string | null
}
export interface PairingNote {
  id: string
  at: number
  text: string
  by?: string | null
}
/** A pairing assistance case (结对帮扶) in the household's document (docs/documents.md section 3). */
export interface PairingActionDoc {
  id: string
  case_id?: string
  at: number
  text: string
  by?: string | null
}
export interface PairingCaseDoc {
  id: string
  helper: string
  need: PairingNeed
  description: string
  opened_at: number
  opened_by?: string | null
  /** Absent or null: open. */
  closed_at?: number | null
  outcome?: PairingOutcome | null
  amount_yuan?: number | null
  outcome_note?: string | null
  actions?: PairingActionDoc[] | null
}
export interface HouseholdDoc {
  kind: 'household'
  id: string
  compound_id: string
  steward_id: string | null
  profile: {
    address: Address
    head_name: string
    member_count: number
    phone?: string | null
    party_member: boolean | null
    key_service: string[] | null
    notes: string
  }
  visits: Visit[]
  must_visits: MustVisit[]
  timely: TimelyResponse[]
  pairing: PairingNote[]
  pairing_cases?: PairingCaseDoc[]
}
export interface TimelineEntry {
  id?: string
  at: number
  by: string
  role: 'steward' | 'property_company' | 'supervisor'
  text: string
  status?: IssueStatus | '' | null
}
export interface IssueDoc {
  kind: 'issue'
  id: string
  compound_id: string
  reporter_id: string
  reported_at: number
  category: string
  place: string
  description: string
  route: IssueRoute
  status: IssueStatus
  origin: IssueOrigin
  /** The property company's account that passed it on (origin `property_company`). */
  raised_by?: string | null
  timeline: TimelineEntry[]
}
export interface PlanDoc {
  kind: 'plan'
  id: string
  compound_id: string
  steward_id: string
  month: string
  households: string[]
}
export interface CompoundDoc {
  kind: 'compound'
  id: string
  name: string
  deadlines: { minutes: Partial<Record<TimelyKind, number>> }
}


// -- joint meetings (联席会议) ---------------------------------------------------------------------

/** The parties of a joint meeting; each decision has one responsible (责任方). */
export type MeetingParty = 'community' | 'branch' | 'property_company' | 'owners_committee' | 'steward'
/** A decision's status as stored: being carried out (落实中) or done (已落实). */
export type DecisionStatus = 'open' | 'done'
/** A decision as the console shows it: open, done, or late (逾期: open past its deadline). */
export type DecisionState = DecisionStatus | 'late'

/** `GET /v1/reports/meetings`: one row per compound of the place. */
export interface MeetingCompoundRow {
  compound_id: string
  compound: string
  meetings: number
  last_held_at: number | null
  decisions: number
  /** Being carried out, not late. */
  open: number
  done: number
  late: number
  /** No joint meeting this quarter (本季度未召开). */
  no_meeting: boolean
}
/** `GET /v1/reports/meetings`: one row per meeting held in the quarter, newest first. */
export interface MeetingRow {
  id: string
  compound_id: string
  compound: string
  convener_id: string
  convener: string
  held_at: number
  place: string
  topics: string
  attendees: number
  /** The parties that came (codes). */
  parties: string[]
  decisions: number
  open: number
  done: number
  late: number
}
export interface MeetingsReport {
  quarter: string
  from?: number
  to?: number
  compounds: MeetingCompoundRow[]
  meetings: MeetingRow[]
}

/** `GET /v1/reports/decisions`: per responsible party (`open` not late). */
export interface DecisionCount {
  party: string
  party_zh?: string
  open: number
  done: number
  late: number
}
/** `GET /v1/reports/decisions`: one decision with its latest follow-up. */
export interface DecisionRow {
  id: string
  meeting_id: string
  compound_id: string
  compound: string
  convener_id: string
  convener: string
  held_at: number
  text: string
  party: string
  party_zh?: string
  deadline: number | null
  status: DecisionStatus
  late: boolean
  done_at: number | null
  follow_ups: number
  last_follow_up: string | null
  last_follow_up_at: number | null
}
export interface DecisionsReport {
  counts: DecisionCount[]
  /** How many decisions match in all (`decisions` holds one page with `per_page`). */
  total: number
  decisions: DecisionRow[]
}

/** `GET /v1/meetings/{id}`: the meeting's record (a property company: its own decisions only, no attendees). */
export interface Attendee {
  id: string
  party: string
  name: string
}
export interface DecisionRecord {
  id: string
  text: string
  party: string
  deadline: number | null
  status: DecisionStatus
  done_at: number | null
  added_by?: string | null
  added_at?: number
}
export interface FollowUpRecord {
  id: string
  decision_id: string
  at: number
  by: string | null
  role: 'steward' | 'property_company' | 'supervisor'
  text: string
  /** The status the decision moved to, for a move. */
  status: DecisionStatus | null
}
export interface MeetingRecord {
  id: string
  compound_id: string
  convener_id: string
  held_at: number
  place: string
  topics: string
  attendees: Attendee[]
  decisions: DecisionRecord[]
  follow_ups: FollowUpRecord[]
}

// -- two-way feedback (双向沟通) ----------------------------------------------------------------------

/** The resident's categories a property company passes on (`POST /v1/issues`). */
export type ReferralCategory = 'schooling' | 'medical_care' | 'employment' | 'living_hardship' | 'other'
/** `POST /v1/issues` (a property company only). */
export type ReferralBody = Schemas['ReferralBody']

// -- pairing assistance (结对帮扶) -----------------------------------------------------------------

export type PairingNeed = 'tuition' | 'employment' | 'medical' | 'hardship' | 'other'
export type PairingOutcome = 'subsidy' | 'job' | 'treatment' | 'relieved' | 'unresolved'

/** `GET /v1/reports/pairing`: one row per need (every need listed). */
export interface PairingCount {
  need: PairingNeed
  need_zh?: string
  open: number
  closed: number
  /** Closed cases per outcome. */
  outcomes: Record<PairingOutcome, number>
  /** Amounts secured (元). */
  amount_yuan: number
}
/** `GET /v1/reports/pairing`: one case, newest first. */
export interface PairingCase {
  id: string
  household_id: string
  compound_id: string
  address: string
  head_name: string
  steward: string | null
  /** Who is paired with the household. */
  helper: string
  need: PairingNeed
  need_zh?: string
  description: string
  opened_at: number
  closed_at: number | null
  outcome: PairingOutcome | null
  outcome_zh?: string | null
  amount_yuan: number | null
  /** Actions taken (帮扶措施). */
  actions: number
  last_action_at: number | null
}
export interface PairingReport {
  counts: PairingCount[]
  /** How many cases match in all (`cases` holds one page with `per_page`). */
  total: number
  cases: PairingCase[]
}

// -- the district's figures (年度数据) ----------------------------------------------------------------

export type FigureKey = 'visits' | 'opinions' | 'meetings' | 'compound_problems_solved' | 'referrals' | 'pairing' | 'teams'
export interface FigurePart {
  key: string
  label_zh: string
  value: number
}
/** One headline figure (`走访群众 14000 人次`) and its parts. */
export interface Figure {
  key: FigureKey
  label_zh: string
  label_en: string
  value: number
  unit_zh: string
  breakdown: FigurePart[]
}
/** `GET /v1/reports/figures`: the months `from` to `to`, the figures in the article's order. */
export interface FiguresReport {
  from: string
  to: string
  figures: Figure[]
}

// -- volunteer and culture teams (志愿服务队、文化宣传队) ---------------------------------------------

/** `POST /v1/teams`. */
export type TeamBody = Schemas['TeamBody']
/** `POST /v1/teams/{id}/members`. */
export type MemberBody = Schemas['MemberBody']
/** `POST /v1/teams/{id}/activities`. */
export type ActivityBody = Schemas['ActivityBody']
/** `GET /v1/reports/teams`: one team, by compound and name; `activities` and `participants` in the period. */
export interface TeamRow {
  id: string
  name: string
  kind: 'volunteer' | 'culture'
  kind_zh?: string
  compound_id: string
  compound: string
  steward_id: string
  /** Who leads it. */
  steward: string
  members: number
  steward_members: number
  resident_members: number
  activities: number
  participants: number
}
/** `GET /v1/reports/teams`: one activity in the period, newest first. */
export interface TeamActivityRow {
  id: string
  team_id: string
  team: string
  compound_id: string
  compound: string
  steward_id: string
  kind: 'policy_talk' | 'clean_up' | 'safety_check' | 'performance' | 'other'
  kind_zh?: string
  title: string
  held_at: number
  place: string
  participants: number
  /** Who recorded it: the team's steward (on the phone) or the community (`supervisor`, here). */
  role: 'steward' | 'supervisor'
}
export interface TeamsReport {
  from: string
  to: string
  teams: TeamRow[]
  /** Activities in the period (`activities` holds a page with `per_page`). */
  total: number
  participants: number
  activities: TeamActivityRow[]
}
/** The team's record (its projection) as `POST /v1/teams…` answer it. */
export interface TeamRecord {
  id: string
  name: string
  team_kind: string
  members: unknown[]
  activities: unknown[]
  [k: string]: unknown
}

// -- scoring the property companies (评价物业) -------------------------------------------------------

/** One criterion of a period's rules (考评细则): `weight` in percent, the issue categories behind it. */
export interface RuleCriterion {
  id: string
  name: string
  weight: number
  categories: string[]
}
/** `GET`/`PUT /v1/scoring-rules`: a period's rules, in the bureau's order. */
export interface RulesDoc {
  period: string
  criteria: RuleCriterion[]
}
/** A compound's criterion: the mean points (0–10, null: nobody scored), scorers marking it down, the quarter's issues in its categories. */
export interface ScoreCriterion {
  criterion_id: string
  name: string
  weight: number
  average: number | null
  marked_down: number
  issues: number
}
/** A steward's comment on a criterion, with no one's name. */
export interface ScoreComment {
  criterion_id: string
  points: number
  comment: string
}
export interface ScoreTrendPoint {
  quarter: string
  total: number | null
}
/** One compound of `GET /v1/reports/scores`: ranked first (1 best), then by name. */
export interface ScoreCompound {
  compound_id: string
  compound: string
  scorers: number
  total: number | null
  rank: number | null
  criteria: ScoreCriterion[]
  comments: ScoreComment[]
  /** The last four quarters' totals, oldest first. */
  trend: ScoreTrendPoint[]
}
/** `GET /v1/reports/scores`: a quarter's rules and its compounds (404: no rules published for it). */
export interface ScoresReport {
  quarter: string
  rules: RulesDoc
  compounds: ScoreCompound[]
}

// -- campaigns (专项任务) ----------------------------------------------------------------------------

/** A campaign's kind: 人员摸排, 防汛救灾, 节日走访, 创卫创文, 其他. */
export type CampaignKind = 'screening' | 'flood' | 'holiday' | 'clean_up' | 'other'
/** A form field's kind: 是/否, 单选, 数字, 文字. */
export type FieldKind = 'yes_no' | 'choice' | 'number' | 'text'
/** One field of a campaign's household form (the document describes `fields` only as an object). */
export interface CampaignField {
  id: string
  label: string
  kind: FieldKind
  /** A choice's options, in order (none for the other kinds). */
  options: string[]
  required: boolean
}
/** `GET /v1/campaigns`: a campaign with its households and answers counted within the caller's place. */
export type CampaignSummary = Omit<Schemas['CampaignSummary'], 'kind' | 'fields'> & { kind: CampaignKind; fields: CampaignField[] }
/** `POST /v1/campaigns`. */
export type CampaignBody = Schemas['CampaignBody']
export type FieldBody = Schemas['FieldBody']
/** What `POST /v1/campaigns` answers: the campaign, and the households left without a task (no steward). */
export type StartedAnswer = Omit<Schemas['StartedAnswer'], 'campaign'> & { campaign: CampaignSummary }
/** `POST /v1/campaigns/{id}/temporary-stewards`: the temporary steward (临时红色管家) and their one-time code. */
export type TemporaryAnswer = Schemas['TemporaryAnswer']
export type TemporaryBody = Schemas['TemporaryBody']
/** An answer as given: 是/否, a number, or a text (a choice's option). */
export type Answer = boolean | number | string

/** `GET /v1/reports/campaign`: one compound's progress. */
export interface CampaignCompoundRow {
  id: string
  name: string
  households: number
  answered: number
}
/** `GET /v1/reports/campaign`: what one steward answers for now (a temporary one: `temporary`). */
export interface CampaignStewardRow {
  id: string
  name: string
  temporary?: boolean
  households: number
  answered: number
}
/** `GET /v1/reports/campaign`: one household's task (its answers by field id). */
export interface CampaignTaskRow {
  household_id: string
  compound_id: string
  compound: string
  address: string
  name: string
  /** Who answers for it now: a temporary steward once it is handed over. */
  steward_id: string
  steward: string
  answered_at: number | null
  answered_by: string | null
  answers: Record<string, Answer>
}
export interface CampaignReport {
  campaign: CampaignSummary
  /** Households with a task (within the report's place or steward). */
  households: number
  answered: number
  compounds: CampaignCompoundRow[]
  stewards: CampaignStewardRow[]
  /** Every household; with `per_page` one page of them (a bare list, or `{total, page, per_page, rows}`). */
  rows: CampaignTaskRow[] | ReportPage<CampaignTaskRow>
}

// -- the half-year steward evaluation (每半年考核评价) --------------------------------------------------

/** A steward's indicators for a half year, as the server computes them (the evaluation's row and record). */
export interface EvaluationIndicators {
  households: number
  visits: number
  households_visited: number
  /** Households visited each month of the half, oldest first (six). */
  monthly_visited: number[]
  /** Months with at least `norm` (10) households visited. */
  months_meeting_norm: number
  must_visits: number
  must_visits_answered: number
  /** The mean days to answer a must-visit; null when none was answered. */
  must_visit_days: number | null
  timely: number
  timely_on_time: number
  party_member_known: number
  basic_profile_complete: number
  key_service_known: number
  issues_reported: number
  issues_verified: number
  meetings_held: number
  decisions: number
  decisions_followed: number
}
/** `GET /v1/reports/evaluation`: one per steward (temporary ones left out), by compound and name. */
export interface EvaluationRow extends EvaluationIndicators {
  steward_id: string
  steward: string
  compound_id: string
  compound: string
  /** The community's score (0–100); null while not evaluated. */
  score: number | null
  comment: string | null
  evaluated_at: number | null
}
export interface EvaluationReport {
  half: string
  /** Households a month the program asks for at least (10). */
  norm: number
  stewards: EvaluationRow[]
}
/** `PUT /v1/evaluations/{steward_id}/{half}`. */
export type EvaluationBody = Schemas['EvaluationBody']
/** The steward's evaluation document, as their app shows it (the PUT's answer). */
export interface EvaluationRecord {
  id: string
  steward_id: string
  compound_id?: string
  half: string
  score: number
  comment: string
  evaluated_at: number
  computed_at?: number
  indicators: EvaluationIndicators
}

// -- selecting a steward (选任流程) ------------------------------------------------------------------

/** Where an application stands: the step it waits for, or how it ended. */
export type SelectionStage = 'recommendation' | 'branch_review' | 'community_review' | 'departments' | 'to_notice' | 'notice' | 'appointed' | 'refused'
/** Who takes a step: the compound's party branch (小区党支部) or the community's staff (社区党组织). */
export type SelectionDuty = 'branch' | 'community'
/** The six departments whose opinion an applicant needs (联审). */
export type SelectionDepartment = 'discipline' | 'police' | 'court' | 'petitions' | 'tax' | 'market_regulation'
export type Gender = 'male' | 'female'
/** 政治面貌. */
export type PoliticalStatus = 'party_member' | 'league_member' | 'democratic_party' | 'masses'
/** A step the caller may take (`offered`), as `action.step`. */
export type SelectionStep = 'recommend' | 'branch_review' | 'community_review' | 'department' | 'notice' | 'objection' | 'appoint' | 'kit' | 'refuse'

/** The applicant, as the self-application form gives them (personal data: staff of the steps only). */
export interface Applicant {
  name: string
  gender: Gender
  /** YYYY-MM-DD (18 to 75 years old). */
  birth_date: string
  phone: string
  address: string
  political_status: PoliticalStatus
  /** Work or former work (工作单位及职务), may be empty. */
  occupation: string
  /** Why they apply (自荐理由). */
  statement: string
}
/** `POST /v1/selection/applications` (the document describes `applicant` only as an object). */
export interface ApplicationBody {
  compound_id: string
  applied_on: string
  applicant: Applicant
}
/** `GET /v1/selection/applications`: one line of the staff's list. */
export interface ApplicationRow {
  id: string
  compound_id: string
  compound: string
  name: string
  gender: Gender
  age: number | null
  political_status: PoliticalStatus
  applied_on: string
  stage: SelectionStage
  stage_zh: string
  /** Whose step it is; null once ended. */
  duty: SelectionDuty | null
  /** The next step is the caller's. */
  mine: boolean
  updated_at: number
}
export interface ApplicationsAnswer {
  total: number
  applications: ApplicationRow[]
}
/** A step taken: who, when, and what they wrote (`step`: `apply` or an action's code). */
export interface SelectionStepRecord {
  step: 'apply' | SelectionStep
  /** The stage it was taken at. */
  stage: SelectionStage
  at: number
  by: string
  by_name: string
  text: string
}
/** A department's opinion (部门意见): `clear` is 无异议, else 有异议 with the note. */
export interface DepartmentOpinion {
  department: SelectionDepartment
  date: string
  clear: boolean
  note: string
}
/** The public notice (公示): its first and last day (included) and where objections go. */
export interface SelectionNotice {
  starts_on: string
  ends_on: string
  contact: string
}
/** An objection raised during the notice: `upheld` is 查实, else 不实. */
export interface SelectionObjection {
  received_on: string
  text: string
  upheld: boolean
  finding: string
}
/** The red vest, handbook and bag (红色三件套): the day each was handed out. */
export interface SelectionKit {
  vest: string | null
  handbook: string | null
  bag: string | null
}
export type KitItem = keyof SelectionKit
export interface SelectionRefusal {
  stage: SelectionStage
  reason: string
  at: number
  by_name: string
}
/** `GET /v1/selection/applications/{id}`: the application, whole, and what the caller may do now. */
export interface ApplicationDoc {
  id: string
  compound_id: string
  community_id: string
  compound: string
  community: string
  applicant: Applicant
  applied_on: string
  stage: SelectionStage
  stage_zh: string
  /** Send it with the next step (a step on an older one is refused: 409 `stale`). */
  version: number
  created_at: number
  updated_at: number
  steps: SelectionStepRecord[]
  departments: DepartmentOpinion[]
  notice: SelectionNotice | null
  objections: SelectionObjection[]
  refusal: SelectionRefusal | null
  /** The steward account the appointment created. */
  steward_id: string | null
  kit: SelectionKit
  duty: SelectionDuty | null
  duty_zh: string | null
  /** The caller's own duty for it. */
  my_duty: SelectionDuty | null
  /** The steps the caller may take now. */
  offered: SelectionStep[]
  /** The applicant's age today. */
  age: number | null
}
/** `POST /v1/selection/applications/{id}/steps`: the step, by `step`. */
export type StepAction =
  | { step: 'recommend'; grid_worker: string; opinion: string }
  | { step: 'branch_review'; opinion: string }
  | { step: 'community_review'; opinion: string }
  | { step: 'department'; department: SelectionDepartment; date: string; clear: boolean; note: string }
  | { step: 'notice'; starts_on: string; ends_on: string; contact: string }
  | { step: 'objection'; received_on: string; text: string; upheld: boolean; finding: string }
  | { step: 'appoint'; vest: boolean; handbook: boolean; bag: boolean }
  | { step: 'kit'; vest: boolean; handbook: boolean; bag: boolean }
  | { step: 'refuse'; reason: string }
export interface StepBody {
  version: number
  action: StepAction
}
/** What a step answers: the application now, and after the appointment the new steward's first code (shown once). */
export interface StepAnswer {
  application: ApplicationDoc
  enrolment?: { steward_id: string; code: string; expires_at: number }
}
/** `GET /v1/selection/summary`: how many applications stand at each stage, by compound; no names. */
export interface SelectionSummary {
  stages: { stage: SelectionStage; stage_zh: string }[]
  compounds: {
    compound_id: string
    compound: string
    community_id: string | null
    community: string
    counts: Partial<Record<SelectionStage, number>>
    total: number
  }[]
  total: number
}
/** `GET /v1/selection/notice`: one applicant under notice, as the printed notice lists them. */
export interface NoticeEntry {
  id: string
  name: string
  gender_zh: string
  age: number | null
  political_status_zh: string
  occupation: string
  compound: string
  community: string
  starts_on: string
  ends_on: string
  contact: string
}
export interface NoticeAnswer {
  /** The caller's community's name. */
  community: string | null
  entries: NoticeEntry[]
}
