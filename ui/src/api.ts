// The one module that talks to the app's Rust side. Every command the UI may call is wrapped
// here with its types; components never call `invoke` directly.
import { invoke } from '@tauri-apps/api/core'
import { listen, type UnlistenFn } from '@tauri-apps/api/event'

export type Uuid = string
/** Milliseconds since the Unix epoch. */
export type Millis = number
/** "YYYY-MM" */
export type Month = string

export type VisitMethod = 'door_visit' | 'individual_talk' | 'group_discussion'
export type MustVisitTrigger = 'major_holiday' | 'illness_or_death' | 'disaster_or_accident' | 'hardship' | 'strong_emotions'
export type TimelyKind = 'follow_up_visit' | 'urgent_help' | 'dispute' | 'major_incident'
export type KeyServiceReason = 'elderly_alone' | 'illness' | 'disability' | 'hardship' | 'other'
export type OpinionCategory =
  | 'property_service' | 'sanitation' | 'safety' | 'facilities' | 'neighbourhood' | 'livelihood' | 'other'
/**
 * What an issue is about. The first seven are what a steward's scan of the compound finds (the
 * report form offers only these); the last four are residents' matters the property company
 * passes on (物业反馈), shown on the issues that have them.
 */
export type IssueCategory =
  | 'sanitation_dead_corner' | 'illegal_construction' | 'safety_hazard' | 'occupied_public_space'
  | 'ebike_parking' | 'flying_wire_charging' | 'other'
  | 'schooling' | 'medical_care' | 'employment' | 'living_hardship'
/** Where an issue came from: a steward's report, or a resident's matter the property company passed on. */
export type IssueOrigin = 'steward' | 'property_company'
export type IssueRoute = 'property_duty' | 'community_coordination'
export type IssueStatus = 'reported' | 'accepted' | 'in_progress' | 'resolved' | 'verified' | 'reopened'
export type PartyRole = 'steward' | 'property_company' | 'supervisor'
export type Timeliness = 'on_time' | 'late' | 'open' | 'overdue'
/** The parties of a joint meeting (联席会议): who attends and who is responsible for a decision. */
export type MeetingParty = 'community' | 'branch' | 'property_company' | 'owners_committee' | 'steward'
/** A decision (商定事项): being carried out, or done. Late (逾期) is an open one past its deadline. */
export type DecisionStatus = 'open' | 'done'
/** What help a household paired for assistance (结对帮扶) needs. */
export type PairingNeed = 'tuition' | 'employment' | 'medical' | 'hardship' | 'other'
/** How a pairing case ended. */
export type PairingOutcome = 'subsidy' | 'job' | 'treatment' | 'relieved' | 'unresolved'
/** What a campaign (专项任务) is for. */
export type CampaignKind = 'screening' | 'flood' | 'holiday' | 'clean_up' | 'other'
/** What one field of a campaign's household form takes. */
export type FieldKind = 'yes_no' | 'choice' | 'number' | 'text'
/** A team the steward leads: a volunteer team (志愿服务队) or a culture team (文化宣传队). */
export type TeamKind = 'volunteer' | 'culture'
/** What a team's activity was. */
export type ActivityKind = 'policy_talk' | 'clean_up' | 'safety_check' | 'performance' | 'other'
/** Who a team member is: a steward or a resident. */
export type MemberRole = 'steward' | 'resident'

/** One entry of a closed list, with both labels. */
export interface Term { code: string; zh: string; en: string }
export interface Vocabulary {
  VisitMethod: Term[]
  MustVisitTrigger: Term[]
  TimelyKind: Term[]
  KeyServiceReason: Term[]
  OpinionCategory: Term[]
  IssueCategory: Term[]
  IssueRoute: Term[]
  IssueStatus: Term[]
  PartyRole: Term[]
  MeetingParty: Term[]
  DecisionStatus: Term[]
  IssueOrigin: Term[]
  PairingNeed: Term[]
  PairingOutcome: Term[]
  CampaignKind: Term[]
  FieldKind: Term[]
  TeamKind: Term[]
  ActivityKind: Term[]
  MemberRole: Term[]
}

export interface Identity {
  server_url: string
  device_id: Uuid
  steward_id: Uuid
  steward_name: string
  compound_id: Uuid
  compound_name: string
}

export interface AppInfo {
  version: string
  identity: Identity | null
  /** IANA zone the program's dates are shown in, e.g. Asia/Shanghai. */
  zone: string
  month: Month
  now: Millis
  /** A phone: the enrolment QR code can be scanned. */
  mobile: boolean
}

export interface SyncStatus {
  pending_changes: number
  last_success_at: Millis | null
  last_error: string | null
  /** The last error's code (one of CommandError's codes, e.g. offline, unauthorized): pick the words by it. */
  last_error_code: string | null
  /** Documents the server refused: [id, reason]. */
  rejected: [Uuid, string][]
}
/** The sync loop's state. `seq` grows with every change the loop makes: of two states, the one
 * with the higher `seq` is the newer (the pending count of equal ones may differ, read later). */
export interface SyncState { status: SyncStatus; syncing: boolean; offline: boolean; seq: number }

export interface MonthProgress { planned: number; planned_visited: number; visits: number; plan_out_of_range: boolean }
export interface HouseholdLine {
  id: Uuid
  building: string
  unit: string
  room: string
  head_name: string
  planned: boolean
  visits_this_month: number
  open_must_visits: number
  last_visit_at: Millis | null
}
export interface OpenMustVisit { id: Uuid; household_id: Uuid; head_name: string; trigger: MustVisitTrigger; date: Millis }
export interface TimelyLine {
  id: Uuid
  household_id: Uuid
  kind: TimelyKind
  raised_at: Millis
  deadline: Millis
  resolved_at: Millis | null
  timeliness: Timeliness
}
export interface Overview {
  month: Month
  now: Millis
  progress: MonthProgress
  households: HouseholdLine[]
  must_visits: OpenMustVisit[]
  /** Open timely responses (on time or overdue). */
  timely: TimelyLine[]
}

export interface Address { building: string; unit: string; room: string }
export interface HouseholdProfile {
  address: Address
  head_name: string
  member_count: number
  phone: string | null
  /** null: not yet known (a gap in the three clears). */
  party_member: boolean | null
  /** null: not yet checked; []: checked, not a key-service household. */
  key_service: KeyServiceReason[] | null
  notes: string
}
export interface Opinion { category: OpinionCategory; text: string }
export interface VisitRecord {
  id: Uuid
  household_id: Uuid
  at: Millis
  recorded_at: Millis
  method: VisitMethod
  summary: string
  opinions: Opinion[]
  hardships: string
  answers: Uuid[]
  follow_up: boolean
  by: Uuid | null
}
export interface MustVisitRecord {
  id: Uuid
  household_id: Uuid
  trigger: MustVisitTrigger
  date: Millis
  note: string
  raised_by: Uuid | null
  raised_at: Millis
  answered_by: Uuid | null
  answered_at: Millis | null
}
export interface TimelyRecord {
  id: Uuid
  household_id: Uuid
  kind: TimelyKind
  raised_at: Millis
  note: string
  raised_by: Uuid | null
  resolved_at: Millis | null
  resolved_by: Uuid | null
}
/** A free-text pairing note, as kept before pairing cases: shown, no longer added. */
export interface PairingNote { id: Uuid; at: Millis; text: string; by: Uuid | null }
/** One thing done for a pairing case. */
export interface PairingAction { id: Uuid; case_id: Uuid; at: Millis; text: string; by: Uuid | null }
/** A pairing assistance case (结对帮扶): open until closed with its outcome. */
export interface PairingCase {
  id: Uuid
  household_id: Uuid
  /** Who is paired with the household (结对人). */
  helper: string
  need: PairingNeed
  /** The help needed. */
  description: string
  opened_at: Millis
  opened_by: Uuid | null
  /** Oldest first. */
  actions: PairingAction[]
  /** null while open. */
  closed_at: Millis | null
  outcome: PairingOutcome | null
  /** A subsidy's or grant's amount in whole yuan, when there is one. */
  amount_yuan: number | null
  outcome_note: string
}
export interface HouseholdRecord {
  id: Uuid
  compound_id: Uuid
  steward_id: Uuid | null
  profile: HouseholdProfile
  visits: VisitRecord[]
  must_visits: MustVisitRecord[]
  timely: TimelyRecord[]
  pairing: PairingNote[]
  pairing_cases: PairingCase[]
}
export type ClearGap = 'party_member' | 'basic_profile' | 'key_service'
export interface HouseholdDetail { record: HouseholdRecord; timely: TimelyLine[]; missing: ClearGap[] }

export interface RaiseMustVisit { trigger: MustVisitTrigger; date?: Millis | null; note?: string }
export interface RaiseTimely { kind: TimelyKind; note?: string }
export interface VisitForm {
  household_id: Uuid
  /** When the visit happened; now if null. */
  at: Millis | null
  method: VisitMethod
  summary: string
  opinions: Opinion[]
  hardships: string
  answers: Uuid[]
  follow_up: boolean
  must_visit: RaiseMustVisit | null
  timely: RaiseTimely | null
}

export interface IssueLine {
  id: Uuid
  category: IssueCategory
  place: string
  status: IssueStatus
  reported_at: Millis
  /** Missing in lines from older data: a steward's report. */
  origin?: IssueOrigin
}
export interface IssueEvent { id: Uuid; at: Millis; by: Uuid | null; role: PartyRole; text: string; status: IssueStatus | null }
export interface IssueRecord {
  id: Uuid
  compound_id: Uuid
  reporter_id: Uuid
  origin: IssueOrigin
  /** For a matter passed on: the property company's account that raised it. */
  raised_by: Uuid | null
  reported_at: Millis
  category: IssueCategory
  place: string
  description: string
  route: IssueRoute
  status: IssueStatus
  timeline: IssueEvent[]
}
/** A pairing case as the form opens it. */
export interface PairingCaseForm { helper: string; need: PairingNeed; description: string }
/** How a pairing case is closed: its outcome, an amount in whole yuan (or null), a note. */
export interface PairingClose { outcome: PairingOutcome; amount_yuan: number | null; note: string }

export interface IssueForm { category: IssueCategory; place: string; description: string; route: IssueRoute }

/** A joint meeting (联席会议) in the steward's list. */
export interface MeetingLine {
  id: Uuid
  held_at: Millis
  place: string
  /** How many attended. */
  attendees: number
  /** How many decisions were taken. */
  decisions: number
  /** Decisions not yet done. */
  open: number
  /** The earliest deadline of the open decisions. */
  next_deadline: Millis | null
}
export interface Attendee { id: Uuid; party: MeetingParty; name: string }
export interface DecisionRecord {
  id: Uuid
  text: string
  party: MeetingParty
  deadline: Millis | null
  status: DecisionStatus
  done_at: Millis | null
  added_by: Uuid | null
  added_at: Millis
}
export interface FollowUpRecord {
  id: Uuid
  decision_id: Uuid
  at: Millis
  by: Uuid | null
  role: PartyRole
  text: string
  /** The status the follow-up set ('done' marked done, 'open' reopened); null for a note. */
  status: DecisionStatus | null
}
export interface MeetingRecord {
  id: Uuid
  compound_id: Uuid
  convener_id: Uuid
  held_at: Millis
  place: string
  topics: string
  attendees: Attendee[]
  decisions: DecisionRecord[]
  /** Oldest first. */
  follow_ups: FollowUpRecord[]
}
/** An attendee as a form sends it: a new one without an id (the app gives it one). */
export interface AttendeeForm { id?: Uuid; party: MeetingParty; name: string }
export interface DecisionForm { text: string; party: MeetingParty; deadline: Millis | null }
/** A meeting's date, place, topics and attendees, as recorded or corrected. */
export interface MeetingBasicsForm { held_at: Millis; place: string; topics: string; attendees: AttendeeForm[] }
export interface MeetingForm extends MeetingBasicsForm { decisions: DecisionForm[] }

export interface ThreeClears {
  households: number
  party_member_known: number
  basic_profile_complete: number
  key_service_known: number
}
export interface My345 {
  month: Month
  progress: MonthProgress
  clears: ThreeClears
  /** Percent known: party members, basic profile, key service. */
  clears_percent: [number, number, number]
  timely: { on_time: number; late: number; open: number; overdue: number }
  must_visits: { answered_this_month: number; open: number }
}

/** A quarter, "YYYY-Qn" (e.g. "2026-Q4"). */
export type Quarter = string
/** One criterion of the district housing bureau's rules for scoring the property company. */
export interface ScoringCriterion {
  id: string
  name: string
  /** Percent of the total; a rule's weights sum to 100. */
  weight: number
  /** The issue categories (IssueCategory codes) the criterion covers. */
  categories: string[]
}
/** The bureau's rules (区住建局制定物业服务企业考评细则) for a quarter, criteria in the bureau's order. */
export interface ScoringRules { period: Quarter; criteria: ScoringCriterion[] }
/** One criterion scored: 0–10 whole points (10 is full marks), and why it is marked down. */
export interface CriterionScore { criterion_id: string; points: number; comment: string }
export interface ScoreRecord {
  id: Uuid
  compound_id: Uuid
  steward_id: Uuid
  period: Quarter
  scores: CriterionScore[]
  /** null while a draft; once submitted nothing changes. */
  submitted_at: Millis | null
}
/** The quarter's scoring: rules null until they have reached the phone by sync; score null until one is begun. */
export interface Scoring { rules: ScoringRules | null; score: ScoreRecord | null }

/** A half year, "YYYY-H1" or "YYYY-H2" (e.g. "2026-H2"). */
export type HalfYear = string
/** A steward's indicators for a half year, computed by the server from the data. */
export interface EvaluationIndicators {
  /** The steward's households now. */
  households: number
  /** Visits made in the half, and the distinct households they reached. */
  visits: number
  households_visited: number
  /** Households visited in each of the half's six months, in order. */
  monthly_visited: number[]
  /** Months with at least the norm visited (10 households, or every one when there are fewer). */
  months_meeting_norm: number
  /** Must-visits (五必访) dated in the half, those answered, and the mean days to the answering visit. */
  must_visits: number
  must_visits_answered: number
  must_visit_days: number | null
  /** Timely responses raised in the half, and those resolved within their deadline. */
  timely: number
  timely_on_time: number
  /** The three clears (三清) over the steward's households now. */
  party_member_known: number
  basic_profile_complete: number
  key_service_known: number
  /** Issues reported in the half, and of those verified after being resolved. */
  issues_reported: number
  issues_verified: number
  /** Joint meetings called in the half, their decisions, and those followed up. */
  meetings_held: number
  decisions: number
  decisions_followed: number
}
/** The steward's half-year evaluation (每半年考核评价), as the community wrote it: read only. */
export interface EvaluationRecord {
  id: Uuid
  compound_id: Uuid
  steward_id: Uuid
  half: HalfYear
  /** The community's score, 0–100; null before it has scored. */
  score: number | null
  comment: string
  /** When the community entered its score and comment. */
  evaluated_at: Millis | null
  /** When the indicators were computed. */
  computed_at: Millis
  indicators: EvaluationIndicators
}

/** A campaign (专项任务) in the steward's list: open ones first. */
export interface CampaignLine {
  /** The steward's campaign document's id (what `campaign` and `answer_campaign_task` take). */
  id: Uuid
  campaign_id: Uuid
  title: string
  kind: CampaignKind
  /** "YYYY-MM-DD" */
  starts_on: string
  /** "YYYY-MM-DD", the last day. */
  ends_on: string
  /** This phone is a temporary steward's (临时红色管家) of the campaign. */
  temporary: boolean
  closed_at: Millis | null
  /** Households this steward answers for (not handed over), and of those the answered ones. */
  tasks: number
  answered: number
}
/** One field of a campaign's household form. */
export interface CampaignField {
  id: Uuid
  /** e.g. 家中有无发热人员, 房屋是否进水, 常住人数. */
  label: string
  kind: FieldKind
  /** A choice's options, in order; empty for the other kinds. */
  options: string[]
  /** A task is done only with every required field answered. */
  required: boolean
}
export interface CampaignSpec {
  id: Uuid
  title: string
  kind: CampaignKind
  starts_on: string
  ends_on: string
  fields: CampaignField[]
}
/** One answer: yes/no a boolean, a number a number, a choice (one of its options) or a text a string. */
export type CampaignAnswer = boolean | number | string
/** A household's task in a campaign. */
export interface CampaignTask {
  household_id: Uuid
  name: string
  /** e.g. 5栋1单元202室 */
  address: string
  /** Handed to a temporary steward: still answerable, no longer counted as this steward's. */
  handed_to: Uuid | null
  /** By field id. */
  answers: Record<Uuid, CampaignAnswer>
  /** When it was last answered; null while to do. */
  answered_at: Millis | null
  answered_by: Uuid | null
}
export interface CampaignRecord {
  id: Uuid
  compound_id: Uuid
  steward_id: Uuid
  campaign: CampaignSpec
  temporary: boolean
  closed_at: Millis | null
  /** In address order. */
  tasks: CampaignTask[]
}

/** A team (志愿服务队、文化宣传队) in the steward's list, by name. */
export interface TeamLine {
  id: Uuid
  name: string
  kind: TeamKind
  /** How many members, and activities recorded. */
  members: number
  activities: number
  /** When the latest activity was held; null before the first. */
  last_activity_at: Millis | null
}
export interface TeamMember { id: Uuid; name: string; role: MemberRole; joined_at: Millis }
/** A team's activity as recorded: by the steward on the phone, or by the community (supervisor) in the console. */
export interface TeamActivity {
  id: Uuid
  kind: ActivityKind
  title: string
  held_at: Millis
  place: string
  /** How many took part. */
  participants: number
  /** Who took part, as far as recorded. */
  names: string[]
  recorded_by: Uuid | null
  role: PartyRole
  recorded_at: Millis
}
export interface TeamRecord {
  id: Uuid
  compound_id: Uuid
  steward_id: Uuid
  name: string
  /** The team's kind (`kind` of a projection is the document's). */
  team_kind: TeamKind
  /** By name. */
  members: TeamMember[]
  /** Oldest first. */
  activities: TeamActivity[]
}
/** An activity as the form sends it. */
export interface TeamActivityForm {
  kind: ActivityKind
  title: string
  held_at: Millis
  place: string
  participants: number
  names: string[]
}

export interface UiPrefs { locale: 'zh-CN' | 'en'; textScale: number }

/** What a failed command rejects with. `code` picks the words shown; `message` is the detail. */
export interface CommandError { code: string; message: string; count?: number }

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args)
  } catch (e) {
    if (isCommandError(e)) throw e
    // The IPC itself failed (not a command's refusal): keep the shape the UI expects.
    throw { code: 'ipc', message: String(e) } satisfies CommandError
  }
}

export const api = {
  appInfo: () => call<AppInfo>('app_info'),
  vocabulary: () => call<Vocabulary>('vocabulary'),
  /** Refuses with 'already_enrolled' when this phone is enrolled (sign out first). */
  enrol: (serverUrl: string, code: string, deviceName: string) =>
    call<Identity>('enrol', { serverUrl, code, deviceName }),
  syncState: () => call<SyncState>('sync_state'),
  syncNow: () => call<SyncState>('sync_now'),
  monthOverview: (month?: Month) => call<Overview>('month_overview', { month: month ?? null }),
  household: (id: Uuid) => call<HouseholdDetail>('household', { id }),
  /**
   * Saves what the steward changed: only fields where `profile` differs from `base` (the profile
   * as it was when editing began) are written, so changes that arrived by sync meanwhile are kept.
   */
  updateProfile: (id: Uuid, base: HouseholdProfile, profile: HouseholdProfile) =>
    call<void>('update_profile', { id, base, profile }),
  /** Opens a pairing case (结对帮扶) on the household; answers the case's id. */
  openPairingCase: (householdId: Uuid, form: PairingCaseForm) => call<Uuid>('open_pairing_case', { householdId, form }),
  addPairingAction: (householdId: Uuid, caseId: Uuid, text: string) =>
    call<void>('add_pairing_action', { householdId, caseId, text }),
  closePairingCase: (householdId: Uuid, caseId: Uuid, close: PairingClose) =>
    call<void>('close_pairing_case', { householdId, caseId, close }),
  /** Records the visit and, with it, forgets the form's draft saved under `draftKey`. */
  recordVisit: (form: VisitForm, draftKey?: string) => call<Uuid>('record_visit', { form, draftKey: draftKey ?? null }),
  raiseMustVisit: (householdId: Uuid, mustVisit: RaiseMustVisit) =>
    call<void>('raise_must_visit', { householdId, mustVisit }),
  raiseTimely: (householdId: Uuid, timely: RaiseTimely) => call<void>('raise_timely', { householdId, timely }),
  resolveTimely: (householdId: Uuid, eventId: Uuid) => call<void>('resolve_timely', { householdId, eventId }),
  issues: () => call<IssueLine[]>('issues'),
  issue: (id: Uuid) => call<IssueRecord>('issue', { id }),
  /** Reports the issue and, with it, forgets the form's draft saved under `draftKey`. */
  reportIssue: (form: IssueForm, draftKey?: string) => call<Uuid>('report_issue', { form, draftKey: draftKey ?? null }),
  commentIssue: (id: Uuid, text: string) => call<void>('comment_issue', { id, text }),
  /** Verify ('verified') or reopen ('reopened', with a reason) a resolved issue. */
  setIssueStatus: (id: Uuid, status: 'verified' | 'reopened', comment: string) =>
    call<void>('set_issue_status', { id, status, comment }),
  meetings: () => call<MeetingLine[]>('meetings'),
  meeting: (id: Uuid) => call<MeetingRecord>('meeting', { id }),
  /** Records the meeting and, with it, forgets the form's draft saved under `draftKey`. */
  recordMeeting: (form: MeetingForm, draftKey?: string) => call<Uuid>('record_meeting', { form, draftKey: draftKey ?? null }),
  /** Corrects the date, place, topics and attendees (existing attendees are sent with their ids). */
  editMeeting: (id: Uuid, form: MeetingBasicsForm) => call<void>('edit_meeting', { id, form }),
  addDecision: (id: Uuid, form: DecisionForm) => call<void>('add_decision', { id, form }),
  /**
   * Follows a decision up: a note (status null, text required), marks an open one done ('done',
   * text optional), or reopens a done one ('open', with the reason as text).
   */
  followUpDecision: (id: Uuid, decisionId: Uuid, text: string, status: DecisionStatus | null) =>
    call<void>('follow_up_decision', { id, decisionId, text, status }),
  my345: (month?: Month) => call<My345>('my_345', { month: month ?? null }),
  /** The quarter's rules for scoring the property company (评价物业), and the steward's score. */
  scoring: () => call<Scoring>('scoring'),
  /** Saves one criterion's points (0–10) and comment, as a draft until submitted; refused after. */
  scoreCriterion: (criterionId: string, points: number, comment: string) =>
    call<void>('score_criterion', { criterionId, points, comment }),
  /** Refused unless every criterion is scored and each one below 10 has a comment; final. */
  submitScores: () => call<void>('submit_scores'),
  /** The steward's half-year evaluations (每半年考核评价), newest first: the half under way and up to three before. */
  evaluations: () => call<EvaluationRecord[]>('evaluations'),
  /** The steward's campaigns (专项任务), open ones first. */
  campaigns: () => call<CampaignLine[]>('campaigns'),
  /** A campaign's form and its households' tasks (`id`: the campaign document's). */
  campaign: (id: Uuid) => call<CampaignRecord>('campaign', { id }),
  /**
   * Answers a household's task: only the fields given are written (merged with the answers
   * already there). Refused when an answer does not fit the form, a required field is left
   * unanswered, or the campaign is closed.
   */
  answerCampaignTask: (id: Uuid, householdId: Uuid, answers: Record<Uuid, CampaignAnswer>) =>
    call<void>('answer_campaign_task', { id, householdId, answers }),
  /** The teams the steward leads (志愿服务队、文化宣传队), by name. */
  teams: () => call<TeamLine[]>('teams'),
  team: (id: Uuid) => call<TeamRecord>('team', { id }),
  /** Sets up a team; answers its id. */
  createTeam: (name: string, kind: TeamKind) => call<Uuid>('create_team', { name, kind }),
  /** Adds a member to the team; answers the member's id. */
  addTeamMember: (team: Uuid, name: string, role: MemberRole) => call<Uuid>('add_team_member', { team, name, role }),
  /**
   * Records an activity of the team; answers its id. Refused with an empty title or place, more
   * names than participants, or a date outside 2000–2099.
   */
  recordTeamActivity: (team: Uuid, form: TeamActivityForm) =>
    call<Uuid>('record_team_activity', {
      team,
      kind: form.kind,
      title: form.title,
      heldAt: form.held_at,
      place: form.place,
      participants: form.participants,
      names: form.names,
    }),
  saveDraft: (key: string, value: unknown) => call<void>('save_draft', { key, value }),
  loadDraft: <T>(key: string) => call<T | null>('load_draft', { key }),
  clearDraft: (key: string) => call<void>('clear_draft', { key }),
  uiPrefs: () => call<UiPrefs | null>('ui_prefs'),
  setUiPrefs: (prefs: UiPrefs) => call<void>('set_ui_prefs', { prefs }),
  /** Refuses with code 'unsynced_changes' (and `count`) unless `discard` is true. */
  signOut: (discard: boolean) => call<void>('sign_out', { discard }),
  /**
   * Scans a QR code with the phone's camera (phones only) and returns its text, or null when the
   * steward backs out. A camera that cannot be used is a `scan_failed` error.
   */
  scanQrCode: async (): Promise<string | null> => {
    try {
      const { scan, Format } = await import('@tauri-apps/plugin-barcode-scanner')
      return (await scan({ windowed: false, formats: [Format.QRCode] })).content
    } catch (e) {
      if (/cancel/i.test(String(e))) return null
      throw { code: 'scan_failed', message: String(e) } satisfies CommandError
    }
  },
  /** The sync badge's state, pushed by the Rust side whenever it changes. */
  onSyncState: (f: (s: SyncState) => void): Promise<UnlistenFn> => listen<SyncState>('sync-state', (e) => f(e.payload)),
}
