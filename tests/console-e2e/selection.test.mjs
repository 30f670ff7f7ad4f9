// Selecting a steward (选任流程) in the console end to end, against the demo's six applications in
// 艺苑社区: 黄淑芬 (蜀汉美郡, waits for the grid worker), 陈晓燕 (蜀汉美郡, waits for the branch),
// 赵建华 (汉韵花园, 4 departments of 6), 孙丽 (蜀汉美郡, under notice for 4 more days), 周明 (蜀汉美郡,
// notice ended yesterday) and 吴刚 (汉韵花园, refused at the branch's review).
//
// The community's staff enter a new application through the form (a bad phone is refused by the
// server and shown at the phone; fixed, it goes) and recommend it; 蜀汉美郡's branch sees no form
// for the community's steps and does the first review; the community reviews it, records the six
// departments (the department picker offers only those missing; a department recorded meanwhile
// through the API makes the page say so and read it again), starts a notice that ran from 10 to 4
// days ago (Asia/Shanghai), records an objection found unfounded, appoints with the vest and
// handbook (the one-time code shows once with its QR; it enrols a phone) and hands out the bag
// afterwards: the API then has that steward in 蜀汉美郡 exactly once. 黄淑芬 is refused with a
// reason (the page shows it and offers nothing more). The printable notice lists 孙丽, not 周明
// (whose notice ended) nor the appointed one, and prints without the menu and buttons. The town
// sees only the counts per compound and stage, and no applicant's name anywhere; the property
// company has no 选任 at all.
//
//   node --test tests/console-e2e/selection.test.mjs   (STEWARD_SERVER_BIN as for the others)
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import {
  SCREENS, USERS, api, apiGet, apiSignIn, clearFailures, contextCookie, goHash, launchBrowser, log, menuNames, newPage, screenshot, sel, settled, signIn, startServer,
  step, until,
} from './helpers.mjs'

const SHUHAN = '蜀汉美郡'
const HANYUN = '汉韵花园'
const DEMO_NAMES = ['黄淑芬', '陈晓燕', '赵建华', '孙丽', '周明', '吴刚']
/** The applicant the test enters. */
const NAME = '林秀梅'
const DEPARTMENTS = ['discipline', 'police', 'court', 'petitions', 'tax', 'market_regulation']
const DEPARTMENT_ZH = { discipline: '纪检监察', police: '公安', court: '法院', petitions: '信访', tax: '税务', market_regulation: '市场监管' }
const CONTACT = '艺苑社区党群服务中心，0916-2210000'

/** Today in Asia/Shanghai (the server's day), moved by `n` days: `YYYY-MM-DD`. */
function shanghaiDay(n = 0) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
  const d = new Date(`${today}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

/** Opens an el-select and clicks its option `data-test=option` in its own (teleported) list. */
async function pick(page, select, option) {
  await select.click()
  const list = await select.locator('[aria-controls]').first().getAttribute('aria-controls')
  await page.locator(`[id="${list}"] ${sel(option)}`).click()
  await page.locator(`[id="${list}"]`).waitFor({ state: 'hidden' }).catch(() => {})
}

/** Types a day into the el-date-picker inside `scope` (`nth` of several) and confirms it. */
async function fillDate(scope, day, nth = 0) {
  const input = scope.locator('.el-date-editor input').nth(nth)
  await input.fill(day)
  await input.press('Enter')
  await until(async () => (await input.inputValue()) === day, { what: `the date ${day}` })
}

/** Waits for the toasts of the steps just taken to fade (before a screenshot). */
async function quiet(page) {
  await until(async () => (await page.locator('.el-message').count()) === 0, { timeout: 10_000, what: 'the messages to fade' })
}

/** The `data-offered` of the page's actions and the forms it shows. */
async function offeredOf(page) {
  const actions = page.locator(sel('actions'))
  await actions.waitFor()
  const forms = await page.locator('[data-test^="step-form-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))
  return { offered: (await actions.getAttribute('data-offered')).split(' ').filter(Boolean), forms, refuse: (await page.locator(sel('refuse-open')).count()) > 0 }
}

describe('selecting a steward (选任) in the console', { timeout: 300_000 }, () => {
  let tmp, server, browser, url
  const open = new Set()
  const pages = () => [...open]
  const contexts = new Set()
  const ids = {}
  /** The demo's applications' ids by name, and the one entered here. */
  const apps = {}
  const state = {}

  async function consoleAs(user, opts) {
    const s = await newPage(browser, opts)
    contexts.add(s.context)
    open.add(s.page)
    s.page.on('close', () => open.delete(s.page))
    await signIn(s.page, url, user)
    return s
  }
  afterEach(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    contexts.clear()
  })

  /** Takes a step through the page's form and waits for the answer; gives `{request body, answer}`. */
  async function submitStep(page, stepName) {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/selection/applications/${state.id}/steps`),
      page.locator(sel(`step-submit-${stepName}`)).click(),
    ])
    const body = JSON.parse(response.request().postData())
    return { status: response.status(), body, answer: await response.json() }
  }

  /** The application as the API gives it now. */
  const read = (cookie, id = state.id) => apiGet(url, cookie, `/v1/selection/applications/${id}`)

  before(async () => {
    clearFailures((f) => !f.startsWith('failure-selection')) // the other files' are their own
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'console-selection-'))
    await step('selection-start: demo server and Chromium', [], async () => {
      ;[server, browser] = await Promise.all([startServer(tmp), launchBrowser()])
      url = server.url
      const cookie = await apiSignIn(url, USERS.community)
      for (const p of await apiGet(url, cookie, '/v1/places')) if (p.kind === 'compound') ids[p.name] = p.id
      assert.ok(ids[SHUHAN] && ids[HANYUN], 'both compounds')
      const list = await apiGet(url, cookie, '/v1/selection/applications')
      for (const a of list.applications) apps[a.name] = a
      assert.deepEqual(
        DEMO_NAMES.map((n) => [n, apps[n]?.compound, apps[n]?.stage]),
        [
          ['黄淑芬', SHUHAN, 'recommendation'], ['陈晓燕', SHUHAN, 'branch_review'], ['赵建华', HANYUN, 'departments'],
          ['孙丽', SHUHAN, 'notice'], ['周明', SHUHAN, 'notice'], ['吴刚', HANYUN, 'refused'],
        ],
        'the demo seeds six applications',
      )
      const stewards = await apiGet(url, cookie, '/v1/stewards')
      assert.equal(stewards.filter((s) => s.name === NAME).length, 0, `no steward ${NAME} yet`)
    })
  })

  after(async () => {
    await browser?.close().catch(() => {})
    await server?.stop()
    if (tmp && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true })
  })

  test(`the community enters ${NAME}'s application (a bad phone shown at the phone) and recommends it`, async () => {
    let s, cookie
    await step('selection-list: demo-community opens 选任: 待我办理 first, then every application, as the API says', pages, async () => {
      s = await consoleAs(USERS.community)
      cookie = await contextCookie(s.context, url)
      assert.ok((await menuNames(s.page)).includes('selection'), 'the menu has 选任')
      const item = s.page.locator(`${sel('menu')} ${sel('menu-selection')}`)
      assert.equal((await item.innerText()).trim(), '选任')
      await item.click()
      await s.page.waitForURL(/#\/selection$/)
      await s.page.locator(sel('selection', { mode: 'staff' })).waitFor()
      const list = (await apiGet(url, cookie, '/v1/selection/applications')).applications
      const waiting = s.page.locator(`${sel('selection-waiting-table')} ${sel('application-row')}`)
      const all = s.page.locator(`${sel('selection-table')} ${sel('application-row')}`)
      await until(async () => (await all.count()) === list.length, { what: `${list.length} rows` })
      assert.deepEqual(await waiting.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-application-id'))), list.filter((a) => a.mine).map((a) => a.id), '待我办理: mine, in order')
      assert.deepEqual(
        (await waiting.locator(sel('row-open')).allInnerTexts()).map((x) => x.trim()).sort(),
        ['黄淑芬', '赵建华', '孙丽', '周明'].sort(),
        'the community waits on 黄淑芬, 赵建华, 孙丽 and 周明',
      )
      assert.deepEqual(await all.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-application-id'))), list.map((a) => a.id), 'every application')
      // 待我办理 is first on the page.
      const [w, a] = await Promise.all([s.page.locator(sel('selection-waiting-table')).boundingBox(), s.page.locator(sel('selection-table')).boundingBox()])
      assert.ok(w.y < a.y, '待我办理 above the whole list')
      // A row: name, compound, age, gender, political status, applied on, stage.
      const zhou = s.page.locator(`${sel('selection-table')} ${sel('application-row', { 'application-id': apps['周明'].id })}`)
      const cells = (await zhou.locator('td').allInnerTexts()).map((x) => x.trim())
      assert.deepEqual(cells.slice(0, 7), ['周明', SHUHAN, String(apps['周明'].age), '男', '中共党员', apps['周明'].applied_on, '公示中'])
      assert.equal(await zhou.getAttribute('data-stage'), 'notice')
      // The stage filter.
      await pick(s.page, s.page.locator(sel('stage-filter')), 'stage-notice')
      await s.page.waitForURL(/stage=notice/)
      await until(async () => (await all.count()) === 2, { what: 'two under notice' })
      assert.deepEqual((await all.locator(sel('row-open')).allInnerTexts()).map((x) => x.trim()).sort(), ['周明', '孙丽'].sort())
      assert.equal(await waiting.count(), 4, '待我办理 is not filtered')
      await pick(s.page, s.page.locator(sel('stage-filter')), 'stage-all')
      await until(async () => (await all.count()) === list.length, { what: 'every row again' })
      await quiet(s.page)
      await screenshot(s.page, 'selection-list')
    })

    await step(`selection-new: the form refuses a bad phone at the phone (the server's word); fixed, ${NAME}'s application is entered`, pages, async () => {
      await s.page.locator(sel('selection-new')).click()
      const dialog = s.page.locator(sel('application-dialog'))
      await dialog.locator(sel('application-name')).waitFor()
      await settled(dialog)
      // The compounds offered are the community's two.
      await dialog.locator(sel('application-compound')).click()
      const listId = await dialog.locator(sel('application-compound')).locator('[aria-controls]').first().getAttribute('aria-controls')
      const options = s.page.locator(`[id="${listId}"] [data-test^="application-compound-"]`)
      await options.first().waitFor()
      assert.deepEqual((await options.allInnerTexts()).map((x) => x.trim()).sort(), [SHUHAN, HANYUN].sort())
      await s.page.locator(`[id="${listId}"] ${sel(`application-compound-${ids[SHUHAN]}`)}`).click()
      // Applied today by default.
      assert.equal(await dialog.locator(`${sel('application-applied-on-item')} input`).inputValue(), shanghaiDay(0), 'applied today by default')
      await fillDate(dialog.locator(sel('application-applied-on-item')), shanghaiDay(-20))
      await dialog.locator(sel('application-name')).fill(NAME)
      await dialog.locator(sel('application-gender-female')).click()
      await fillDate(dialog.locator(sel('application-birth-date-item')), '1970-06-01')
      await dialog.locator(sel('application-phone')).fill('请打电话给我')
      await dialog.locator(sel('application-political-status-party_member')).click()
      await dialog.locator(sel('application-address')).fill('6栋1单元402')
      await dialog.locator(sel('application-occupation')).fill('退休会计')
      await dialog.locator(sel('application-statement')).fill('在小区住了二十年，邻居都熟悉，愿意为大家跑腿办事。')

      const posts = []
      const onRequest = (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/v1/selection/applications' && posts.push(r)
      s.page.on('request', onRequest)
      const [refused] = await Promise.all([
        s.page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/v1/selection/applications'),
        dialog.locator(sel('application-submit')).click(),
      ])
      assert.equal(refused.status(), 400)
      const why = await refused.json()
      assert.deepEqual([why.code, why.field], ['invalid_field', 'phone'])
      const error = dialog.locator(`${sel('application-phone-item')} .el-form-item__error`)
      await error.waitFor()
      assert.ok((await error.innerText()).includes(why.message), `the server's message at the phone: ${await error.innerText()}`)
      assert.equal(await dialog.locator('.el-form-item__error').count(), 1, 'only the phone is wrong')
      assert.equal((await apiGet(url, cookie, '/v1/selection/applications')).total, 6, 'nothing entered')
      await quiet(s.page)
      await screenshot(s.page, 'selection-new-refused', { fullPage: false })

      await dialog.locator(sel('application-phone')).fill('139 0916 2288')
      await until(async () => (await error.count()) === 0, { what: 'the phone message gone once changed' })
      const [response] = await Promise.all([
        s.page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/v1/selection/applications'),
        dialog.locator(sel('application-submit')).click(),
      ])
      s.page.off('request', onRequest)
      assert.equal(posts.length, 2, 'sent twice: refused, then entered')
      assert.equal(response.status(), 201)
      assert.deepEqual(JSON.parse(response.request().postData()), {
        compound_id: ids[SHUHAN],
        applied_on: shanghaiDay(-20),
        applicant: {
          name: NAME, gender: 'female', birth_date: '1970-06-01', phone: '139 0916 2288', address: '6栋1单元402', political_status: 'party_member',
          occupation: '退休会计', statement: '在小区住了二十年，邻居都熟悉，愿意为大家跑腿办事。',
        },
      })
      const created = await response.json()
      state.id = created.id
      await dialog.waitFor({ state: 'hidden' })
      await s.page.waitForURL(new RegExp(`#/selection/${state.id}$`))
      await s.page.locator(sel('application-page', { stage: 'recommendation' })).waitFor()
      assert.equal((await s.page.locator(sel('applicant-name')).innerText()).trim(), NAME)
      assert.equal((await s.page.locator(sel('applicant-phone')).innerText()).trim(), '139 0916 2288')
      assert.equal(await s.page.locator(sel('applicant-age')).getAttribute('data-age'), String(created.age))
      assert.equal((await s.page.locator(sel('application-stage')).innerText()).trim(), '待网格员推荐')
      const o = await offeredOf(s.page)
      assert.deepEqual(o, { offered: ['recommend', 'refuse'], forms: ['recommend'], refuse: true }, 'only the recommendation, and 不通过')
      assert.deepEqual(await s.page.locator(sel('department')).evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))), Array(6).fill('pending'))
      assert.deepEqual((await s.page.locator(sel('department-result')).allInnerTexts()).map((x) => x.trim()), Array(6).fill('待反馈'))
      assert.deepEqual(await s.page.locator(sel('step')).evaluateAll((els) => els.map((e) => e.getAttribute('data-step'))), ['apply'])
      await quiet(s.page)
      await screenshot(s.page, 'selection-application-new')
    })

    await step('selection-recommend: the grid worker\'s recommendation, on the version read; it waits for the branch now', pages, async () => {
      const form = s.page.locator(sel('step-form-recommend'))
      // Nothing filled in: refused in the form, nothing sent.
      await form.locator(sel('step-submit-recommend')).click()
      await form.locator(`${sel('step-opinion-item')} .el-form-item__error`).waitFor()
      await form.locator(sel('step-grid-worker')).fill('刘芳')
      await form.locator(sel('step-opinion')).fill('该同志热心公益，群众基础好，推荐为红色管家人选。')
      const version = Number(await s.page.locator(sel('application-page')).getAttribute('data-version'))
      const { status, body, answer } = await submitStep(s.page, 'recommend')
      assert.equal(status, 200)
      assert.deepEqual(body, { version, action: { step: 'recommend', grid_worker: '刘芳', opinion: '该同志热心公益，群众基础好，推荐为红色管家人选。' } })
      assert.equal(answer.application.stage, 'branch_review')
      await s.page.locator(sel('application-page', { stage: 'branch_review' })).waitFor()
      const o = await offeredOf(s.page)
      assert.deepEqual(o, { offered: [], forms: [], refuse: false }, 'the branch\'s step: nothing for the community')
      assert.equal(await s.page.locator(sel('waiting-reason')).getAttribute('data-reason'), 'others')
      assert.ok((await s.page.locator(sel('waiting-reason')).innerText()).includes('小区党支部'))
      const steps = s.page.locator(sel('step'))
      assert.equal(await steps.count(), 2)
      assert.ok((await steps.nth(1).innerText()).includes('网格员刘芳：该同志热心公益'), 'the recommendation on the timeline')
      assert.ok((await steps.nth(1).innerText()).includes('demo-community'), 'by whom')
    })
  })

  test('蜀汉美郡\'s branch sees no form for the community\'s steps and does the first review', async () => {
    await step('selection-branch: demo-supervisor waits on 陈晓燕 and the new one; 周明 (the community\'s) offers nothing', pages, async () => {
      const s = await consoleAs(USERS.supervisor)
      const cookie = await contextCookie(s.context, url)
      await goHash(s.page, '/selection')
      const waiting = s.page.locator(`${sel('selection-waiting-table')} ${sel('application-row')}`)
      await until(async () => (await waiting.count()) === 2, { what: 'two waiting for the branch' })
      assert.deepEqual((await waiting.locator(sel('row-open')).allInnerTexts()).map((x) => x.trim()).sort(), [NAME, '陈晓燕'].sort())
      const all = s.page.locator(`${sel('selection-table')} ${sel('application-row')}`)
      assert.deepEqual(
        [...new Set(await all.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-compound-id'))))],
        [ids[SHUHAN]],
        'only 蜀汉美郡\'s applications',
      )

      // The community's steps: no form, no 不通过, and why.
      for (const name of ['周明', '孙丽', '黄淑芬']) {
        await goHash(s.page, `/selection/${apps[name].id}`)
        await s.page.locator(sel('application-page', { 'application-id': apps[name].id })).locator(sel('applicant-name')).waitFor()
        const o = await offeredOf(s.page)
        assert.deepEqual(o, { offered: [], forms: [], refuse: false }, `${name}: nothing for the branch`)
        assert.equal(await s.page.locator(sel('waiting-reason')).getAttribute('data-reason'), 'others')
        assert.ok((await s.page.locator(sel('waiting-reason')).innerText()).includes('社区党组织'))
      }
      // And the server refuses the branch the community's step.
      const zhou = await read(cookie, apps['周明'].id)
      const r = await api(url, cookie, `/v1/selection/applications/${zhou.id}/steps`, { method: 'POST', body: { version: zhou.version, action: { step: 'appoint', vest: true, handbook: true, bag: true } } })
      assert.equal(r.status, 403)

      await goHash(s.page, `/selection/${state.id}`)
      await s.page.locator(sel('application-page', { 'application-id': state.id, stage: 'branch_review' })).waitFor()
      assert.deepEqual(await offeredOf(s.page), { offered: ['branch_review', 'refuse'], forms: ['branch_review'], refuse: true })
      await s.page.locator(sel('step-form-branch_review')).locator(sel('step-opinion')).fill('经支部委员会研究，同意推荐。')
      await quiet(s.page)
      await screenshot(s.page, 'selection-branch-review')
      const { status, body } = await submitStep(s.page, 'branch_review')
      assert.equal(status, 200)
      assert.equal(body.action.step, 'branch_review')
      await s.page.locator(sel('application-page', { stage: 'community_review' })).waitFor()
      assert.deepEqual(await offeredOf(s.page), { offered: [], forms: [], refuse: false }, 'the community\'s review next: nothing for the branch')
      assert.equal((await read(cookie)).stage, 'community_review')
    })
  })

  test(`the community reviews, records the six departments, runs the notice, appoints ${NAME} and hands out the kit`, async () => {
    let s, cookie
    await step('selection-review: the community\'s review', pages, async () => {
      s = await consoleAs(USERS.community)
      cookie = await contextCookie(s.context, url)
      await goHash(s.page, `/selection/${state.id}`)
      await s.page.locator(sel('application-page', { stage: 'community_review' })).waitFor()
      assert.deepEqual(await offeredOf(s.page), { offered: ['community_review', 'refuse'], forms: ['community_review'], refuse: true })
      await s.page.locator(sel('step-form-community_review')).locator(sel('step-opinion')).fill('经社区党组织审核，符合条件，同意报送联审。')
      const { status } = await submitStep(s.page, 'community_review')
      assert.equal(status, 200)
      await s.page.locator(sel('application-page', { stage: 'departments' })).waitFor()
    })

    await step('selection-departments: the picker offers only the departments missing; the grid fills in; a department recorded meanwhile is caught', pages, async () => {
      const day = shanghaiDay(-12)
      for (const [i, d] of DEPARTMENTS.entries()) {
        const form = s.page.locator(sel('step-form-department'))
        await form.waitFor()
        assert.equal((await form.locator(sel('departments-answered')).innerText()).trim(), `已反馈 ${i} / 6`)
        const select = form.locator(sel('step-department'))
        await select.click()
        const listId = await select.locator('[aria-controls]').first().getAttribute('aria-controls')
        const options = s.page.locator(`[id="${listId}"] [data-test^="step-department-"]`)
        await until(async () => (await options.count()) === 6 - i, { what: `${6 - i} departments offered` })
        assert.deepEqual(
          await options.evaluateAll((els) => els.map((e) => e.getAttribute('data-test').replace('step-department-', ''))),
          DEPARTMENTS.slice(i),
          'only the departments still missing',
        )
        await s.page.locator(`[id="${listId}"] ${sel(`step-department-${d}`)}`).click()
        await fillDate(form.locator(sel('step-date-item')), day)
        if (d === 'police') {
          // Meanwhile a colleague records 公安 through the API: the page's version is stale.
          const now = await read(cookie)
          const r = await api(url, cookie, `/v1/selection/applications/${state.id}/steps`, {
            method: 'POST', body: { version: now.version, action: { step: 'department', department: 'police', date: day, clear: true, note: '' } },
          })
          assert.equal(r.status, 200)
          const [response] = await Promise.all([
            s.page.waitForResponse((x) => x.request().method() === 'POST' && new URL(x.url()).pathname.endsWith('/steps')),
            form.locator(sel('step-submit-department')).click(),
          ])
          assert.equal(response.status(), 409)
          assert.equal((await response.json()).code, 'stale')
          await s.page.locator('.el-message--warning').filter({ hasText: '刚刚被别人办理过' }).waitFor()
          // Read again: 公安 shows as recorded, and is no longer offered.
          await s.page.locator(sel('department', { department: 'police', state: 'clear' })).waitFor()
          assert.equal(Number(await s.page.locator(sel('application-page')).getAttribute('data-version')), now.version + 1)
          continue
        }
        if (d === 'market_regulation') await screenshot(s.page, 'selection-departments')
        const { status, body } = await submitStep(s.page, 'department')
        assert.equal(status, 200)
        assert.deepEqual(body.action, { step: 'department', department: d, date: day, clear: true, note: '' })
        await s.page.locator(sel('department', { department: d, state: 'clear' })).waitFor()
      }
      await s.page.locator(sel('application-page', { stage: 'to_notice' })).waitFor()
      assert.deepEqual((await s.page.locator(sel('department-result')).allInnerTexts()).map((x) => x.trim()), Array(6).fill('无异议'))
      assert.deepEqual((await s.page.locator(sel('department-date')).allInnerTexts()).map((x) => x.trim()), Array(6).fill(day))
      const doc = await read(cookie)
      assert.deepEqual(doc.departments.map((x) => [x.department, x.clear]).sort(), DEPARTMENTS.map((x) => [x, true]).sort())
      assert.deepEqual(await offeredOf(s.page), { offered: ['notice', 'refuse'], forms: ['notice'], refuse: true })
      const steps = await s.page.locator(sel('step-text')).allInnerTexts()
      for (const d of DEPARTMENTS) assert.ok(steps.some((x) => x.includes(`${DEPARTMENT_ZH[d]}（${day}）：无异议`)), `${d} on the timeline`)
    })

    await step('selection-notice: a 4-day period is refused in the form; the notice from 10 to 4 days ago (Shanghai) starts', pages, async () => {
      const form = s.page.locator(sel('step-form-notice'))
      const dates = form.locator(sel('step-dates-item'))
      await fillDate(dates, shanghaiDay(-10), 0)
      await fillDate(dates, shanghaiDay(-7), 1)
      await form.locator(sel('step-contact')).fill(CONTACT)
      assert.equal(await form.locator(sel('step-days')).getAttribute('data-days'), '4')
      const posts = []
      const onRequest = (r) => r.method() === 'POST' && posts.push(r.url())
      s.page.on('request', onRequest)
      await form.locator(sel('step-submit-notice')).click()
      await dates.locator('.el-form-item__error').filter({ hasText: '5 到 30 天' }).waitFor()
      s.page.off('request', onRequest)
      assert.equal(posts.length, 0, 'nothing sent')
      await fillDate(dates, shanghaiDay(-4), 1)
      assert.equal(await form.locator(sel('step-days')).getAttribute('data-days'), '7')
      await until(async () => (await dates.locator('.el-form-item__error').count()) === 0, { what: 'the period accepted' })
      const { status, body } = await submitStep(s.page, 'notice')
      assert.equal(status, 200)
      assert.deepEqual(body.action, { step: 'notice', starts_on: shanghaiDay(-10), ends_on: shanghaiDay(-4), contact: CONTACT })
      await s.page.locator(sel('application-page', { stage: 'notice' })).waitFor()
      assert.equal((await s.page.locator(sel('notice-period')).innerText()).trim(), `${shanghaiDay(-10)} 至 ${shanghaiDay(-4)}（共 7 天）`)
      assert.equal((await s.page.locator(sel('notice-contact')).innerText()).trim(), CONTACT)
      // The notice has ended: the appointment is offered, beside the objection.
      assert.deepEqual(await offeredOf(s.page), { offered: ['objection', 'appoint', 'refuse'], forms: ['objection', 'appoint'], refuse: true })
    })

    await step('selection-objection: an objection found unfounded (不实) is recorded', pages, async () => {
      const form = s.page.locator(sel('step-form-objection'))
      assert.equal(await form.locator(`${sel('step-received-on-item')} input`).inputValue(), shanghaiDay(-4), 'received on the last day at the latest, by default')
      await fillDate(form.locator(sel('step-received-on-item')), shanghaiDay(-6))
      await form.locator(sel('step-text')).fill('有居民反映其在外地另有住房，不常住小区。')
      await form.locator(sel('step-finding')).fill('经网格员入户核实，本人常住本小区，反映不实。')
      // 查实/不实 must be chosen.
      await form.locator(sel('step-submit-objection')).click()
      await form.locator(`${sel('step-upheld-item')} .el-form-item__error`).waitFor()
      await form.locator(sel('step-upheld-no')).click()
      const { status, body } = await submitStep(s.page, 'objection')
      assert.equal(status, 200)
      assert.deepEqual(body.action, {
        step: 'objection', received_on: shanghaiDay(-6), text: '有居民反映其在外地另有住房，不常住小区。', upheld: false, finding: '经网格员入户核实，本人常住本小区，反映不实。',
      })
      const objection = s.page.locator(sel('objection', { upheld: 'false' }))
      await objection.waitFor()
      assert.equal((await objection.locator(sel('objection-finding-tag')).innerText()).trim(), '不实')
      assert.deepEqual((await offeredOf(s.page)).forms, ['objection', 'appoint'], 'an unfounded objection leaves the appointment open')
      await quiet(s.page)
      await screenshot(s.page, 'selection-notice-ended')
    })

    await step(`selection-appoint: ${NAME} appointed with the vest and handbook; the code shows once, with its QR, and enrols a phone`, pages, async () => {
      const form = s.page.locator(sel('step-form-appoint'))
      // The three items ticked by default; the bag is handed out later.
      for (const k of ['vest', 'handbook', 'bag']) assert.ok(await form.locator(`${sel(`step-kit-${k}`)}`).evaluate((e) => e.classList.contains('is-checked')), `${k} ticked`)
      await form.locator(sel('step-kit-bag')).click()
      const { status, body, answer } = await submitStep(s.page, 'appoint')
      assert.equal(status, 200)
      assert.deepEqual(body.action, { step: 'appoint', vest: true, handbook: true, bag: false })
      assert.ok(answer.enrolment?.code, 'the answer carries the code')
      const dialog = s.page.locator(sel('appointed-dialog'))
      await dialog.locator(sel('enrol-code')).waitFor()
      await settled(dialog)
      const shown = (await dialog.locator(sel('enrol-code')).innerText()).trim()
      const code = shown.replace(/-/g, '')
      assert.equal(code, answer.enrolment.code, 'the code shown is the answer\'s')
      assert.match(shown, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/, 'in groups to read aloud')
      const uri = await dialog.locator(sel('enrol-qr')).getAttribute('data-uri')
      assert.equal(uri, `redsteward://enrol?server=${encodeURIComponent(url)}&code=${code}`)
      assert.ok(await dialog.locator(`${sel('enrol-qr')} svg`).count(), 'the QR code')
      assert.ok((await dialog.locator(sel('appointed-note')).innerText()).includes('扫码登记'), 'the note says the phone can enrol now')
      assert.ok((await dialog.innerText()).includes(`${NAME} · ${SHUHAN}`))
      await quiet(s.page)
      await screenshot(s.page, 'selection-appointed-code', { fullPage: false })
      await dialog.locator(sel('appointed-close')).click()
      await dialog.waitFor({ state: 'hidden' })
      await s.page.locator(sel('application-page', { stage: 'appointed' })).waitFor()
      const stewardId = await s.page.locator(sel('application-appointed')).getAttribute('data-steward-id')
      assert.equal(stewardId, answer.enrolment.steward_id)
      // Shown once: the code is nowhere on the page any more.
      assert.ok(!(await s.page.locator('body').innerText()).includes(shown), 'the code is gone once the dialog is closed')

      // The API: one steward of that name, in 蜀汉美郡.
      const stewards = (await apiGet(url, cookie, '/v1/stewards')).filter((x) => x.name === NAME)
      assert.equal(stewards.length, 1, `exactly one steward ${NAME}`)
      assert.deepEqual([stewards[0].id, stewards[0].compound_id], [stewardId, ids[SHUHAN]])
      // The code enrols the steward's phone.
      const r = await fetch(`${url}/v1/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: shown, device_name: 'e2e' }) })
      assert.equal(r.status, 200, 'the code enrols a phone')
      const enrolled = await r.json()
      assert.deepEqual([enrolled.steward_id, enrolled.steward_name, enrolled.compound_name], [stewardId, NAME, SHUHAN])
      state.stewardId = stewardId
    })

    await step('selection-kit: only the bag is left to hand out; once it is, nothing is offered', pages, async () => {
      assert.deepEqual(await offeredOf(s.page), { offered: ['kit'], forms: ['kit'], refuse: false })
      const given = await s.page.locator(sel('kit-item')).evaluateAll((els) => els.map((e) => [e.getAttribute('data-item'), e.getAttribute('data-given')]))
      assert.deepEqual(given, [['vest', shanghaiDay(0)], ['handbook', shanghaiDay(0)], ['bag', '']])
      const form = s.page.locator(sel('step-form-kit'))
      assert.deepEqual(await form.locator('[data-test^="step-kit-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-test')).filter((t) => t !== 'step-kit-item')), ['step-kit-bag'], 'only the bag offered')
      await form.locator(sel('step-kit-bag')).click()
      const { status, body } = await submitStep(s.page, 'kit')
      assert.equal(status, 200)
      assert.deepEqual(body.action, { step: 'kit', vest: false, handbook: false, bag: true })
      await s.page.locator(sel('kit-item', { item: 'bag', given: shanghaiDay(0) })).waitFor()
      assert.deepEqual(await offeredOf(s.page), { offered: [], forms: [], refuse: false })
      assert.equal(await s.page.locator(sel('waiting-reason')).getAttribute('data-reason'), 'done')
      const doc = await read(cookie)
      assert.deepEqual(doc.kit, { vest: shanghaiDay(0), handbook: shanghaiDay(0), bag: shanghaiDay(0) })
      assert.deepEqual(doc.steps.map((x) => x.step), ['apply', 'recommend', 'branch_review', 'community_review', ...Array(6).fill('department'), 'notice', 'objection', 'appoint', 'kit'])
      await quiet(s.page)
      await screenshot(s.page, 'selection-appointed')
    })
  })

  test('the community refuses 黄淑芬 with a reason; the page shows it and offers nothing more', async () => {
    await step('selection-refuse: 不通过 asks for the reason, then ends the application', pages, async () => {
      const s = await consoleAs(USERS.community)
      const cookie = await contextCookie(s.context, url)
      const id = apps['黄淑芬'].id
      await goHash(s.page, `/selection/${id}`)
      await s.page.locator(sel('application-page', { 'application-id': id, stage: 'recommendation' })).waitFor()
      await s.page.locator(sel('refuse-open')).click()
      const dialog = s.page.locator(sel('refuse-dialog'))
      await dialog.locator(sel('refuse-reason')).waitFor()
      await settled(dialog)
      // No reason: refused in the form.
      await dialog.locator(sel('refuse-ok')).click()
      await dialog.locator(`${sel('refuse-reason-item')} .el-form-item__error`).waitFor()
      assert.equal((await read(cookie, id)).stage, 'recommendation', 'nothing sent')
      const reason = '经网格员了解，本人近期将随子女迁居外地，不能长期在小区服务。'
      await dialog.locator(sel('refuse-reason')).fill(reason)
      await quiet(s.page)
      await screenshot(s.page, 'selection-refuse-dialog', { fullPage: false })
      const [response] = await Promise.all([
        s.page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/selection/applications/${id}/steps`),
        dialog.locator(sel('refuse-ok')).click(),
      ])
      assert.equal(response.status(), 200)
      assert.deepEqual(JSON.parse(response.request().postData()).action, { step: 'refuse', reason })
      await dialog.waitFor({ state: 'hidden' })
      await s.page.locator(sel('application-page', { stage: 'refused' })).waitFor()
      const refusal = s.page.locator(sel('application-refusal', { stage: 'recommendation' }))
      await refusal.waitFor()
      assert.equal((await refusal.locator(sel('refusal-reason')).innerText()).trim(), reason)
      assert.ok((await refusal.innerText()).includes('未通过（待网格员推荐）'))
      assert.deepEqual(await offeredOf(s.page), { offered: [], forms: [], refuse: false }, 'nothing more')
      assert.equal(await s.page.locator(sel('application-stage')).getAttribute('data-stage'), 'refused')
      const doc = await read(cookie, id)
      assert.deepEqual([doc.stage, doc.refusal?.reason, doc.offered], ['refused', reason, []])
      await quiet(s.page)
      await screenshot(s.page, 'selection-refused')
    })
  })

  test('the printable notice lists 孙丽, not 周明 (ended) nor the appointed; it prints without the menu and buttons', async () => {
    await step('selection-print: the notice from the list; the entries; print media', pages, async () => {
      const s = await consoleAs(USERS.community)
      const cookie = await contextCookie(s.context, url)
      await goHash(s.page, '/selection')
      await s.page.locator(sel('selection-notice-link')).click()
      await s.page.waitForURL(/#\/selection\/notice$/)
      const sheet = s.page.locator(sel('notice-sheet'))
      await sheet.waitFor()
      // The API still lists 周明 (not appointed yet, his notice ended yesterday): the notice leaves him out.
      const listed = await apiGet(url, cookie, '/v1/selection/notice')
      assert.deepEqual(listed.entries.map((e) => e.name).sort(), ['周明', '孙丽'].sort(), 'the API: both applications at the notice stage')
      const names = (await sheet.locator(sel('notice-name')).allInnerTexts()).map((x) => x.trim())
      assert.deepEqual(names, ['孙丽'], 'only the notice still running')
      const text = await sheet.innerText()
      for (const n of ['周明', NAME, '黄淑芬']) assert.ok(!text.includes(n), `${n} not on the notice`)
      assert.equal((await sheet.locator(sel('notice-title')).innerText()).trim(), '红色管家拟任人选公示')
      assert.ok((await sheet.locator(sel('notice-intro')).innerText()).startsWith('经个人自荐、网格员推荐、小区党支部初审、社区党组织审核及相关部门联审'))
      const sun = listed.entries.find((e) => e.name === '孙丽')
      const row = (await sheet.locator(`${sel('notice-entry', { id: sun.id })} td`).allInnerTexts()).map((x) => x.trim())
      assert.deepEqual(row, ['1', '孙丽', '女', String(sun.age), '共青团员', '个体经营', SHUHAN])
      const zh = (d) => d.replace(/^(\d{4})-(\d{2})-(\d{2})$/, (_, y, m, dd) => `${y}年${Number(m)}月${Number(dd)}日`)
      assert.equal((await sheet.locator(sel('notice-period')).innerText()).trim(), `公示时间：${zh(sun.starts_on)} 至 ${zh(sun.ends_on)}（共 7 天）。`)
      assert.ok((await sheet.locator(sel('notice-contact')).innerText()).includes(`如有意见，请向社区反映。联系方式：${sun.contact}`))
      assert.equal((await sheet.locator(sel('notice-community')).innerText()).trim(), '艺苑社区')
      assert.equal((await sheet.locator(sel('notice-date')).innerText()).trim(), zh(shanghaiDay(0)))

      await s.page.emulateMedia({ media: 'print' })
      for (const hidden of [sel('menu'), sel('user-menu'), sel('notice-print'), sel('notice-back')]) {
        assert.equal(await s.page.locator(hidden).isVisible(), false, `${hidden} hidden in print`)
      }
      assert.equal(await sheet.isVisible(), true, 'the notice prints')
      await quiet(s.page)
      await screenshot(s.page, 'selection-notice-print')
      const pdf = await s.page.pdf({ format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '15mm', right: '15mm' } })
      fs.mkdirSync(SCREENS, { recursive: true })
      fs.writeFileSync(path.join(SCREENS, 'selection-notice.pdf'), pdf)
      assert.equal((pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length, 1, 'one A4 page')
      await s.page.emulateMedia({ media: 'screen' })
      assert.equal(await s.page.locator(sel('notice-print')).isVisible(), true, 'the 打印 button on screen')
    })
  })

  test('the town sees only the counts per compound and stage, and no applicant\'s name; the property company sees no 选任', async () => {
    await step('selection-town: demo-town\'s 选任 is the summary, as the API counts; no name anywhere', pages, async () => {
      const s = await consoleAs(USERS.town)
      const cookie = await contextCookie(s.context, url)
      const answers = []
      s.page.on('response', (r) => new URL(r.url()).pathname.startsWith('/v1/selection/') && answers.push([new URL(r.url()).pathname, r.status()]))
      assert.ok((await menuNames(s.page)).includes('selection'), 'the town has 选任')
      await s.page.locator(`${sel('menu')} ${sel('menu-selection')}`).click()
      await s.page.locator(sel('selection', { mode: 'summary' })).waitFor()
      const summary = await apiGet(url, cookie, '/v1/selection/summary')
      assert.equal(summary.total, 7, 'six of the demo and the one entered')
      for (const c of summary.compounds) {
        const tr = s.page.locator(sel('summary-row', { 'compound-id': c.compound_id }))
        await tr.waitFor()
        assert.equal(await tr.getAttribute('data-total'), String(c.total))
        const counts = await tr.locator(sel('summary-count')).evaluateAll((els) => els.map((e) => [e.getAttribute('data-stage'), Number(e.getAttribute('data-n'))]))
        assert.deepEqual(counts, summary.stages.map((st) => [st.stage, c.counts[st.stage] ?? 0]), `${c.compound}'s counts`)
      }
      const shuhan = summary.compounds.find((c) => c.compound === SHUHAN)
      assert.deepEqual(shuhan.counts, { branch_review: 1, notice: 2, appointed: 1, refused: 1 }, `${SHUHAN} now`)
      assert.equal((await s.page.locator(sel('summary-total')).innerText()).trim(), '共 7 份申请')
      assert.ok((await s.page.locator(sel('selection-privacy')).innerText()).includes('只有负责各环节的小区党支部和社区工作人员能看到'))
      const text = await s.page.locator('body').innerText()
      for (const n of [...DEMO_NAMES, NAME]) assert.ok(!text.includes(n), `${n} nowhere on the town's page`)
      assert.deepEqual(answers.filter(([p]) => p === '/v1/selection/applications'), [['/v1/selection/applications', 403]], 'the list refused by the server')
      assert.equal(await s.page.locator(sel('selection-new')).count(), 0, 'no 新增申请')
      await quiet(s.page)
      await screenshot(s.page, 'selection-town')
      // Nor does an application's page or the notice show a name.
      await goHash(s.page, `/selection/${apps['孙丽'].id}`)
      await s.page.locator(sel('error-forbidden')).waitFor()
      await goHash(s.page, '/selection/notice')
      await s.page.locator(sel('error-forbidden')).waitFor()
      const after = await s.page.locator('body').innerText()
      for (const n of [...DEMO_NAMES, NAME]) assert.ok(!after.includes(n), `${n} not shown to the town`)
    })

    await step('selection-property: no menu entry, the routes go back to the board, the API says 403', pages, async () => {
      const s = await consoleAs(USERS.property)
      const cookie = await contextCookie(s.context, url)
      assert.ok(!(await menuNames(s.page)).includes('selection'))
      for (const route of ['/selection', `/selection/${state.id}`, '/selection/notice']) {
        await goHash(s.page, route, { wait: false })
        await s.page.waitForURL(/#\/issues/)
      }
      for (const p of ['/v1/selection/summary', '/v1/selection/applications', `/v1/selection/applications/${state.id}`, '/v1/selection/notice']) {
        assert.equal((await api(url, cookie, p)).status, 403, p)
      }
      log(`  ${NAME}: steward ${state.stewardId}`)
    })
  })
})
