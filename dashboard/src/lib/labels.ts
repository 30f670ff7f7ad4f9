// Words for the program's codes (statuses, routes, categories, triggers, kinds, reasons…). One
// place: the `codes` section of the i18n messages, keyed by list and code. Where the server sends
// its own Chinese label (`trigger_zh`, `kind_zh`, `category_zh`) the Chinese UI shows that one.
import { i18n } from '../i18n'

export const CODES = {
  status: ['reported', 'accepted', 'in_progress', 'resolved', 'verified', 'reopened'],
  route: ['property_duty', 'community_coordination'],
  issueCategory: [
    'sanitation_dead_corner', 'illegal_construction', 'safety_hazard', 'occupied_public_space', 'ebike_parking',
    'flying_wire_charging',
    // A resident's matter the property company passes on (物业反馈).
    'schooling', 'medical_care', 'employment', 'living_hardship', 'other',
  ],
  /** Who raised an issue: a steward (红色管家上报) or the property company (物业反馈). */
  origin: ['steward', 'property_company'],
  /** A pairing assistance case's need (结对帮扶). */
  pairingNeed: ['tuition', 'employment', 'medical', 'hardship', 'other'],
  /** How a closed pairing case ended. */
  pairingOutcome: ['subsidy', 'job', 'treatment', 'relieved', 'unresolved'],
  /** A pairing case: being helped (帮扶中) or closed (已结案). */
  pairingStatus: ['open', 'closed'],
  trigger: ['major_holiday', 'illness_or_death', 'disaster_or_accident', 'hardship', 'strong_emotions'],
  timelyKind: ['follow_up_visit', 'urgent_help', 'dispute', 'major_incident'],
  keyService: ['elderly_alone', 'illness', 'disability', 'hardship', 'other'],
  visitMethod: ['door_visit', 'individual_talk', 'group_discussion'],
  opinionCategory: ['property_service', 'sanitation', 'safety', 'facilities', 'neighbourhood', 'livelihood', 'other'],
  partyRole: ['steward', 'property_company', 'supervisor'],
  timeliness: ['on_time', 'late', 'open', 'overdue'],
  role: ['admin', 'supervisor', 'property'],
  placeKind: ['district', 'town', 'community', 'compound', 'building'],
  /** A joint meeting's parties, the responsible party of each decision (责任方). */
  meetingParty: ['community', 'branch', 'property_company', 'owners_committee', 'steward'],
  /** A decision as shown: `late` is an open one past its deadline (逾期). */
  decisionStatus: ['open', 'done', 'late'],
  /** A campaign's kind (专项任务类别). */
  campaignKind: ['screening', 'flood', 'holiday', 'clean_up', 'other'],
  /** A campaign form field's kind. */
  fieldKind: ['yes_no', 'choice', 'number', 'text'],
  /** A campaign as shown: 进行中, or 已结束 (closed, or past its last day). */
  campaignState: ['open', 'closed', 'ended'],
  /** A team's kind (志愿服务队, 文化宣传队). */
  teamKind: ['volunteer', 'culture'],
  /** A team activity's kind. */
  activityKind: ['policy_talk', 'clean_up', 'safety_check', 'performance', 'other'],
  /** A team member: a steward or a resident. */
  memberRole: ['steward', 'resident'],
  /** Where an application for the steward's post stands (选任流程). */
  selectionStage: ['recommendation', 'branch_review', 'community_review', 'departments', 'to_notice', 'notice', 'appointed', 'refused'],
  /** A step taken on an application (`apply`: the self-application entered). */
  selectionStep: ['apply', 'recommend', 'branch_review', 'community_review', 'department', 'notice', 'objection', 'appoint', 'kit', 'refuse'],
  /** The six departments of the joint review (联审). */
  department: ['discipline', 'police', 'court', 'petitions', 'tax', 'market_regulation'],
  gender: ['male', 'female'],
  /** 政治面貌. */
  politicalStatus: ['party_member', 'league_member', 'democratic_party', 'masses'],
  /** Who takes a step: the compound's party branch or the community's staff. */
  selectionDuty: ['branch', 'community'],
  /** The red vest, handbook and bag (红色三件套). */
  kitItem: ['vest', 'handbook', 'bag'],
} as const

export type CodeList = keyof typeof CODES

/** The words for `code` in `list`; the server's Chinese label when given and the UI is Chinese. */
export function codeLabel(list: CodeList, code: string | null | undefined, serverZh?: string | null): string {
  if (code === null || code === undefined || code === '') return '—'
  const g = i18n.global
  if (serverZh && g.locale.value === 'zh-CN') return serverZh
  const key = `codes.${list}.${code}`
  return g.te(key) ? g.t(key) : code
}

/** The list's codes with their words, for selects and filters. */
export function codeOptions(list: CodeList): { value: string; label: string }[] {
  return CODES[list].map((value) => ({ value, label: codeLabel(list, value) }))
}

/** `<name>-YYYY-MM` → `[name, month]`; a name without a month → `[name, null]`. */
function splitMonth(name: string): [string, string | null] {
  const m = /^(.+)-(\d{4}-\d{2})$/.exec(name)
  return m ? [m[1], m[2]] : [name, null]
}

/**
 * An access-log action in words. The server writes `household` (a household's page), `pull`
 * (a phone's pull), `households:<format>` (the households list exported) and
 * `report:<table>:<format>` and the selection's `selection: <what>`, the table being `open-must-visits`, `timely-responses`, `issues`,
 * `three-clears`, `pairing` (结对帮扶) or a month's `visits-YYYY-MM`, `visit-ledger-YYYY-MM`, `visit-trend-YYYY-MM`.
 */
export function actionLabel(action: string): string {
  const g = i18n.global
  const tableName = (name: string) => {
    const key = `codes.report.${name}`
    return g.te(key) ? g.t(key) : name
  }
  const report = /^report:([^:]+):([^:]+)$/.exec(action)
  if (report) {
    const [name, month] = splitMonth(report[1])
    const format = report[2].toUpperCase()
    return month
      ? g.t('accessLog.reportMonth', { name: tableName(name), month, format })
      : g.t('accessLog.report', { name: tableName(report[1]), format })
  }
  const list = /^households:([^:]+)$/.exec(action)
  if (list) return g.t('accessLog.export', { name: tableName('households'), format: list[1].toUpperCase() })
  // The selection's reads of personal data (选任): `selection: applications`, `selection: application`,
  // `selection: application entered`, `selection: public notice`.
  const selection = /^selection: (.+)$/.exec(action)
  if (selection) {
    const key = `codes.action.selection.${selection[1].replace(/\s+/g, '_')}`
    return g.te(key) ? g.t(key) : action
  }
  const key = `codes.action.${action}`
  return g.te(key) ? g.t(key) : action
}
