// A household's task form in a campaign (专项任务): the controls for each kind of field, what is
// sent to answer_campaign_task (field ids to typed values, only the fields filled in), what is
// refused before anything is sent, and a closed campaign's task read-only.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { CampaignAnswer, CampaignRecord, Vocabulary } from '../api'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn(async () => () => {}) }))
const toast = vi.fn()
const successToast = vi.fn()
vi.mock('vant', async (importOriginal) => ({
  ...(await importOriginal<typeof import('vant')>()),
  showToast: (m: string) => toast(m),
  showSuccessToast: (m: string) => successToast(m),
}))

import CampaignTaskView from './CampaignTaskView.vue'
import { i18n } from '../i18n'
import { applyPrefs, store } from '../store'
import { vantComponents } from '../vant'

const term = (code: string, zh: string) => ({ code, zh, en: code })
const vocab: Vocabulary = {
  VisitMethod: [], MustVisitTrigger: [], TimelyKind: [], KeyServiceReason: [], OpinionCategory: [], IssueCategory: [],
  IssueRoute: [], IssueStatus: [], PartyRole: [], MeetingParty: [], DecisionStatus: [], IssueOrigin: [], PairingNeed: [],
  PairingOutcome: [],
  CampaignKind: [term('screening', '人员摸排')],
  FieldKind: [term('yes_no', '是/否'), term('choice', '单选'), term('number', '数字'), term('text', '文字')],
  TeamKind: [],
  ActivityKind: [],
  MemberRole: [],
}

const C = 'c0000000-0000-4000-8000-000000000001'
const H = 'h0000000-0000-4000-8000-000000000001'
const FEVER = 'f0000000-0000-4000-8000-000000000001'
const COUNT = 'f0000000-0000-4000-8000-000000000002'
const VACC = 'f0000000-0000-4000-8000-000000000003'
const NOTE = 'f0000000-0000-4000-8000-000000000004'
const TRAVEL = 'f0000000-0000-4000-8000-000000000005'
const AT = Date.UTC(2026, 11, 3, 2, 0)

function record(): CampaignRecord {
  return {
    id: C, compound_id: 'c', steward_id: 's', temporary: false, closed_at: null,
    campaign: {
      id: 'x1', title: '冬季人员摸排', kind: 'screening', starts_on: '2026-12-01', ends_on: '2026-12-15',
      fields: [
        { id: FEVER, label: '家中有无发热人员', kind: 'yes_no', options: [], required: true },
        { id: COUNT, label: '常住人数', kind: 'number', options: [], required: true },
        { id: VACC, label: '疫苗接种情况', kind: 'choice', options: ['已接种', '未接种', '不清楚'], required: false },
        { id: NOTE, label: '备注', kind: 'text', options: [], required: false },
        { id: TRAVEL, label: '近期是否外出', kind: 'yes_no', options: [], required: false },
      ],
    },
    tasks: [{ household_id: H, name: '王大爷', address: '5栋1单元202室', handed_to: null, answers: {}, answered_at: null, answered_by: null }],
  }
}

const calls = (cmd: string) => invoke.mock.calls.filter(([c]) => c === cmd).map(([, args]) => args)
const cmds = () => invoke.mock.calls.map(([c]) => c as string)

/** The phone's store, faked as the Rust side behaves: answers merge into the task; closed refuses. */
let current: CampaignRecord
let wrapper: VueWrapper | null = null
async function mountTask() {
  invoke.mockImplementation(async (cmd: string, args?: Record<string, unknown>) => {
    switch (cmd) {
      case 'campaign':
        return structuredClone(current)
      case 'answer_campaign_task': {
        if (current.closed_at != null) throw { code: 'invalid', message: 'this campaign is closed' }
        const { householdId, answers } = args as { householdId: string; answers: Record<string, CampaignAnswer> }
        const t = current.tasks.find((x) => x.household_id === householdId)!
        Object.assign(t.answers, answers)
        t.answered_at = AT
        return null
      }
      default:
        return null
    }
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/campaigns/:id', name: 'campaign', component: { template: '<div>campaign</div>' } },
      { path: '/campaigns/:id/households/:householdId', name: 'campaign-task', component: CampaignTaskView },
    ],
  })
  await router.push(`/campaigns/${C}/households/${H}`)
  wrapper = mount(CampaignTaskView, { global: { plugins: [i18n, router, ...vantComponents] }, attachTo: document.body })
  await flushPromises()
  return { w: wrapper, router }
}

const field = (w: VueWrapper, id: string) => w.get(`[data-id="${id}"][data-testid^="campaign-field-"]`)
async function tap(w: VueWrapper, id: string, testid: string) {
  await field(w, id).get(`[data-testid="${testid}"]`).trigger('click')
}
async function choose(w: VueWrapper, id: string, option: string) {
  await field(w, id).get(`[data-testid="campaign-option"][data-value="${option}"]`).trigger('click')
}
async function type(w: VueWrapper, id: string, text: string) {
  await field(w, id).get('input, textarea').setValue(text)
}
async function save(w: VueWrapper) {
  await w.get('[data-testid="campaign-save"]').trigger('click')
  await flushPromises()
}

describe('CampaignTaskView', () => {
  beforeEach(() => {
    invoke.mockReset()
    toast.mockReset()
    successToast.mockReset()
    current = record()
    document.body.innerHTML = ''
    applyPrefs({ locale: 'zh-CN', textScale: 1.25 })
    store.vocab = vocab
    store.info = { version: '0', identity: null, zone: 'Asia/Shanghai', month: '2026-12', now: 0, mobile: false }
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
  })

  it('shows the household and one control per field, required ones marked *', async () => {
    const { w } = await mountTask()
    expect(calls('campaign')).toEqual([{ id: C }])
    const head = w.get('[data-testid="campaign-task-head"]')
    expect(head.text()).toContain('5栋1单元202室')
    expect(head.text()).toContain('王大爷')
    expect(w.findAll('[data-testid^="campaign-field-"]').map((f) => [f.attributes('data-testid'), f.attributes('data-id')])).toEqual([
      ['campaign-field-yes_no', FEVER],
      ['campaign-field-number', COUNT],
      ['campaign-field-choice', VACC],
      ['campaign-field-text', NOTE],
      ['campaign-field-yes_no', TRAVEL],
    ])
    expect(field(w, FEVER).get('.field__label').text()).toBe('家中有无发热人员*')
    expect(field(w, COUNT).get('.field__label').text()).toBe('常住人数*')
    expect(field(w, VACC).get('.field__label').text()).toBe('疫苗接种情况')
    expect(field(w, FEVER).get('[data-testid="campaign-yes"]').text()).toBe('是')
    expect(field(w, FEVER).get('[data-testid="campaign-no"]').text()).toBe('否')
    expect(field(w, VACC).findAll('[data-testid="campaign-option"]').map((o) => o.text())).toEqual(['已接种', '未接种', '不清楚'])
    expect(field(w, COUNT).find('input').exists()).toBe(true)
    expect(field(w, NOTE).find('textarea').exists()).toBe(true)
    expect(w.get('[data-testid="campaign-save"]').text()).toBe('保存')
    expect(w.find('[data-testid="campaign-task-closed"]').exists()).toBe(false)
  })

  it('sends field ids with typed values, only the fields filled in; then back to the campaign with a toast', async () => {
    const { w, router } = await mountTask()
    await tap(w, FEVER, 'campaign-yes')
    await tap(w, FEVER, 'campaign-no')
    expect(field(w, FEVER).get('[data-testid="campaign-no"]').attributes('aria-pressed')).toBe('true')
    expect(field(w, FEVER).get('[data-testid="campaign-yes"]').attributes('aria-pressed')).toBe('false')
    await type(w, COUNT, '3')
    await choose(w, VACC, '未接种')
    // The text left empty and the second yes/no not answered: not sent.
    await save(w)

    expect(calls('answer_campaign_task')).toEqual([{ id: C, householdId: H, answers: { [FEVER]: false, [COUNT]: 3, [VACC]: '未接种' } }])
    const sent = (calls('answer_campaign_task')[0] as { answers: Record<string, unknown> }).answers
    expect(typeof sent[COUNT]).toBe('number')
    expect(Object.keys(sent)).not.toContain(NOTE)
    expect(Object.keys(sent)).not.toContain(TRAVEL)
    expect(successToast).toHaveBeenCalledWith('已保存')
    expect(router.currentRoute.value.name).toBe('campaign')
    expect(router.currentRoute.value.params.id).toBe(C)
  })

  it('every kind filled: yes true, a decimal number, a trimmed text', async () => {
    const { w } = await mountTask()
    await tap(w, FEVER, 'campaign-yes')
    await type(w, COUNT, '2.5')
    await type(w, NOTE, '  老人独居，子女在外地  ')
    await tap(w, TRAVEL, 'campaign-yes')
    await save(w)
    expect(calls('answer_campaign_task')).toEqual([
      { id: C, householdId: H, answers: { [FEVER]: true, [COUNT]: 2.5, [NOTE]: '老人独居，子女在外地', [TRAVEL]: true } },
    ])
  })

  it('a required field left empty blocks saving: nothing sent, the fields and a message say what is missing', async () => {
    const { w, router } = await mountTask()
    await choose(w, VACC, '已接种')
    await save(w)
    expect(cmds()).toEqual(['campaign'])
    expect(toast).toHaveBeenCalledWith('还有内容没填好，请看红字提示')
    expect(w.get('[data-testid="campaign-form-problems"]').text()).toBe('还有必填项没填：家中有无发热人员、常住人数')
    expect(field(w, FEVER).get('[data-testid="campaign-field-error"]').text()).toBe('请选择“是”或“否”')
    expect(field(w, COUNT).get('[data-testid="campaign-field-error"]').text()).toBe('这一项必须填写')
    expect(field(w, FEVER).classes()).toContain('field--missing')
    expect(field(w, VACC).find('[data-testid="campaign-field-error"]').exists()).toBe(false)
    expect(router.currentRoute.value.name).toBe('campaign-task')

    // Fixed one by one, the words go away; then it saves.
    await tap(w, FEVER, 'campaign-yes')
    expect(field(w, FEVER).find('[data-testid="campaign-field-error"]').exists()).toBe(false)
    expect(w.get('[data-testid="campaign-form-problems"]').text()).toBe('还有必填项没填：常住人数')
    await type(w, COUNT, '   ')
    await save(w)
    expect(calls('answer_campaign_task')).toHaveLength(0)
    await type(w, COUNT, '4')
    expect(w.find('[data-testid="campaign-form-problems"]').exists()).toBe(false)
    await save(w)
    expect(calls('answer_campaign_task')).toEqual([{ id: C, householdId: H, answers: { [FEVER]: true, [COUNT]: 4, [VACC]: '已接种' } }])
  })

  it('opens with the answers there are, and an answer given before cannot be emptied', async () => {
    current.tasks[0].answers = { [FEVER]: true, [COUNT]: 5, [VACC]: '不清楚', [NOTE]: '低保户' }
    current.tasks[0].answered_at = AT
    const { w } = await mountTask()
    expect(field(w, FEVER).get('[data-testid="campaign-yes"]').attributes('aria-pressed')).toBe('true')
    expect((field(w, COUNT).get('input').element as HTMLInputElement).value).toBe('5')
    expect((field(w, NOTE).get('textarea').element as HTMLTextAreaElement).value).toBe('低保户')
    expect(w.get('[data-testid="campaign-task-head"]').text()).toContain('2026年12月3日 10:00 已填写')

    await type(w, NOTE, '')
    await save(w)
    expect(calls('answer_campaign_task')).toHaveLength(0)
    expect(field(w, NOTE).get('[data-testid="campaign-field-error"]').text()).toContain('不能清空')

    await type(w, NOTE, '低保户，独居')
    await type(w, COUNT, '6')
    await save(w)
    expect(calls('answer_campaign_task')).toEqual([
      { id: C, householdId: H, answers: { [FEVER]: true, [COUNT]: 6, [VACC]: '不清楚', [NOTE]: '低保户，独居' } },
    ])
  })

  it('a closed campaign’s task is read-only: 本次任务已结束, the answers as words, nothing to tap or send', async () => {
    current.closed_at = AT
    current.tasks[0].answers = { [FEVER]: false, [COUNT]: 3, [VACC]: '已接种' }
    current.tasks[0].answered_at = AT
    const { w } = await mountTask()
    expect(w.get('[data-testid="campaign-task-closed"]').text()).toContain('本次任务已结束')
    expect(w.find('[data-testid="campaign-save"]').exists()).toBe(false)
    expect(w.findAll('button')).toHaveLength(0)
    expect(w.findAll('input')).toHaveLength(0)
    expect(w.findAll('textarea')).toHaveLength(0)
    expect(w.find('[data-testid="campaign-option"]').exists()).toBe(false)
    const value = (id: string) => field(w, id).get('[data-testid="campaign-value"]').text()
    expect(value(FEVER)).toBe('否')
    expect(value(COUNT)).toBe('3')
    expect(value(VACC)).toBe('已接种')
    expect(value(NOTE)).toBe('未填写')
    expect(value(TRAVEL)).toBe('未填写')
    expect(cmds()).toEqual(['campaign'])
  })

  it('a refusal from the phone’s store says why and keeps the form', async () => {
    const { w, router } = await mountTask()
    await tap(w, FEVER, 'campaign-no')
    await type(w, COUNT, '2')
    current.closed_at = AT // closed by a sync meanwhile
    await save(w)
    expect(calls('answer_campaign_task')).toHaveLength(1)
    expect(w.get('[role="alert"]').attributes('data-code')).toBe('invalid')
    expect(w.get('[role="alert"]').text()).toContain('this campaign is closed')
    expect(successToast).not.toHaveBeenCalled()
    expect(router.currentRoute.value.name).toBe('campaign-task')
    expect((field(w, COUNT).get('input').element as HTMLInputElement).value).toBe('2')
  })

  it('a task handed to a temporary steward says so and can still be answered', async () => {
    current.tasks[0].handed_to = 't0000000-0000-4000-8000-000000000001'
    const { w } = await mountTask()
    expect(w.get('[data-testid="campaign-task-handed"]').text()).toBe('这户已移交临时管家，您仍可填写')
    await tap(w, FEVER, 'campaign-yes')
    await type(w, COUNT, '1')
    await save(w)
    expect(calls('answer_campaign_task')).toHaveLength(1)
  })
})
