// Campaigns (专项任务) in the console end to end, against the demo's campaign 冬季人员摸排 over 艺苑社区
// (42 households with a task, 3 answered: 2 in 蜀汉美郡, 1 in 汉韵花园). The community supervisor
// opens it (totals, by compound and steward, each answer in words, 未完成, the CSV) and starts a
// campaign over 蜀汉美郡 through the form; 蜀汉美郡's supervisor sees the campaign counted within
// his compound, enrols a temporary steward (临时红色管家) through the dialog (the code, the QR, until
// when it is valid; the code enrols a phone), while the community's progress screen, open
// meanwhile, shows the new steward without a reload; he may not close a campaign of the whole
// community (the server's message shows); the community closes both (已结束), and the temporary
// steward's phone is refused from then on. The property company has no 专项任务 at all.
//
// The temporary steward's phone (device-sim) answers one of its tasks and syncs: the community's
// progress screen, still open, counts it within seconds, without a reload.
//
//   node --test tests/console-e2e/campaigns.test.mjs   (STEWARD_SERVER_BIN, DEVICE_SIM_BIN as for the others)
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import {
  USERS, api, apiGet, apiSignIn, contextCookie, deviceSim, goHash, launchBrowser, log, menuNames, newPage, screenshot, sel, settled, signIn, startServer,
  step, until,
} from './helpers.mjs'

const SHUHAN = '蜀汉美郡'
const HANYUN = '汉韵花园'
const DEMO = '冬季人员摸排'

/** An answer as the console shows it: 是/否, a number, the option or text. */
function answerText(v) {
  if (v === undefined || v === null) return ''
  if (typeof v === 'boolean') return v ? '是' : '否'
  if (typeof v === 'number') return new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 }).format(v)
  return String(v)
}

/**
 * Opens an el-select and clicks its option `data-test=option` in its own list (the lists are
 * teleported to <body>, one per select: the select's input names its list in `aria-controls`).
 */
async function pick(page, select, option, { open = true } = {}) {
  if (open) await select.click()
  const list = await select.locator('[aria-controls]').first().getAttribute('aria-controls')
  await page.locator(`[id="${list}"] ${sel(option)}`).click()
}

/** The day after `YYYY-MM-DD`. */
function dayAfter(day) {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

describe('campaigns (专项任务) in the console', { timeout: 240_000 }, () => {
  let tmp, server, browser, url
  const open = new Set()
  const pages = () => [...open]
  const ids = {}
  const contexts = new Set()
  /** What the tests pass on: the demo campaign, the started one, the temporary steward. */
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

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'console-campaigns-'))
    await step('campaigns-start: demo server and Chromium', [], async () => {
      ;[server, browser] = await Promise.all([startServer(tmp), launchBrowser()])
      url = server.url
      const cookie = await apiSignIn(url, USERS.community)
      const places = await apiGet(url, cookie, '/v1/places')
      for (const p of places) if (p.kind === 'compound') ids[p.name] = p.id
      assert.ok(ids[SHUHAN] && ids[HANYUN], `both compounds in ${JSON.stringify(places)}`)
      const demo = (await apiGet(url, cookie, '/v1/campaigns')).find((c) => c.title === DEMO)
      assert.ok(demo, `the demo has ${DEMO}`)
      assert.deepEqual([demo.place, demo.households, demo.answered, demo.closed_at], ['艺苑社区', 42, 3, null], `${DEMO} in the demo`)
      state.demo = demo
    })
  })

  after(async () => {
    await browser?.close().catch(() => {})
    await server?.stop()
    if (tmp && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true })
  })

  test(`the community supervisor opens ${DEMO}: 3 of 42, by compound and steward, the answers, 未完成 and the CSV`, async () => {
    let s, cookie, report
    await step(`campaigns-list: demo-community opens 专项任务 and sees ${DEMO} 3 / 42`, pages, async () => {
      s = await consoleAs(USERS.community)
      cookie = await contextCookie(s.context, url)
      assert.ok((await menuNames(s.page)).includes('campaigns'), 'the menu has 专项任务')
      assert.equal((await s.page.locator(`${sel('menu')} ${sel('menu-campaigns')}`).innerText()).trim(), '专项任务')
      await s.page.locator(`${sel('menu')} ${sel('menu-campaigns')}`).click()
      await s.page.waitForURL(/#\/campaigns$/)
      const row = s.page.locator(sel('campaign-row', { 'campaign-id': state.demo.id }))
      await row.waitFor()
      assert.equal(await row.getAttribute('data-households'), '42')
      assert.equal(await row.getAttribute('data-answered'), '3')
      assert.equal(await row.getAttribute('data-state'), 'open')
      assert.equal((await row.locator(sel('campaign-progress')).innerText()).trim(), '3 / 42 户')
      assert.equal((await row.locator(sel('campaign-state')).innerText()).trim(), '进行中')
      const text = await row.innerText()
      for (const w of [DEMO, '人员摸排', '艺苑社区', `${state.demo.starts_on} 至 ${state.demo.ends_on}`]) assert.ok(text.includes(w), `the row shows ${w}: ${text}`)
      const list = await apiGet(url, cookie, '/v1/campaigns')
      assert.equal(await s.page.locator(sel('campaign-row')).count(), list.length, 'one row per campaign of the API')
      await screenshot(s.page, 'campaigns-list')
    })

    await step(`campaigns-progress: ${DEMO}'s totals, compounds and stewards are the API's`, pages, async () => {
      await s.page.locator(`${sel('campaign-row', { 'campaign-id': state.demo.id })} ${sel('campaign-open')}`).click()
      await s.page.waitForURL(new RegExp(`#/campaigns/${state.demo.id}`))
      report = await apiGet(url, cookie, `/v1/reports/campaign?campaign_id=${state.demo.id}`)
      const totals = s.page.locator(sel('campaign-totals'))
      await until(async () => (await totals.getAttribute('data-households')) === '42', { what: 'the totals' })
      assert.equal(await totals.getAttribute('data-answered'), '3')
      assert.equal((await s.page.locator(sel('campaign-totals-text')).innerText()).trim(), '已完成 3 / 42 户')
      assert.equal(await s.page.locator(sel('campaign-bar')).getAttribute('data-percent'), '7')
      assert.equal((await s.page.locator(`h1${sel('campaign-title')}`).innerText()).trim(), DEMO)
      assert.equal((await s.page.locator(sel('campaign-state')).innerText()).trim(), '进行中')

      // By compound: 蜀汉美郡 30 households (2 answered), 汉韵花园 12 (1), as the API says.
      const byCompound = Object.fromEntries(report.compounds.map((c) => [c.name, [c.households, c.answered]]))
      assert.deepEqual(byCompound, { [SHUHAN]: [30, 2], [HANYUN]: [12, 1] }, 'the API by compound')
      for (const c of report.compounds) {
        const tr = s.page.locator(sel('campaign-compound-row', { 'compound-id': c.id }))
        const cells = (await tr.locator('td').allInnerTexts()).map((x) => x.trim())
        assert.deepEqual(cells.slice(0, 3), [c.name, String(c.households), String(c.answered)], `${c.name}'s row`)
      }
      assert.equal(await s.page.locator(sel('campaign-compound-row')).count(), 2)
      // By steward: each steward's households and answers.
      assert.deepEqual(report.stewards.map((x) => x.households).reduce((a, b) => a + b, 0), 42)
      for (const st of report.stewards) {
        const tr = s.page.locator(sel('campaign-steward-row', { 'steward-id': st.id }))
        assert.equal((await tr.locator(sel('steward-name')).innerText()).trim(), st.name)
        assert.deepEqual([await tr.getAttribute('data-households'), await tr.getAttribute('data-answered')], [String(st.households), String(st.answered)], `${st.name}'s row`)
        assert.equal(await tr.locator(sel('temporary-tag')).count(), 0, `${st.name} is no temporary steward`)
      }
      assert.deepEqual(report.stewards.map((x) => x.name).sort(), ['李秀英', '王建国', '陈淑华'].sort())
    })

    await step('campaigns-answers: every household, a column per field, each answer in words', pages, async () => {
      const rows = s.page.locator(sel('campaign-household-row'))
      await until(async () => (await rows.count()) === 42, { what: '42 household rows' })
      assert.equal(await s.page.locator(sel('campaign-households-total')).getAttribute('data-total'), '42')
      const head = await s.page.locator(`${sel('campaign-households-table')} thead`).innerText()
      for (const f of report.campaign.fields) assert.ok(head.includes(f.label), `a column ${f.label}`)
      const answered = report.rows.filter((r) => r.answered_at)
      assert.equal(answered.length, 3)
      for (const r of answered) {
        const tr = s.page.locator(sel('campaign-household-row', { 'household-id': r.household_id }))
        assert.equal(await tr.getAttribute('data-answered'), 'true')
        const text = await tr.innerText()
        for (const w of [r.compound, r.address, r.name, r.steward]) assert.ok(text.includes(w), `${r.name}'s row shows ${w}: ${text}`)
        for (const f of report.campaign.fields) {
          const cell = (await tr.locator(sel('answer', { 'field-id': f.id })).innerText()).trim()
          assert.equal(cell, answerText(r.answers[f.id]), `${r.name}: ${f.label}`)
        }
        assert.match(await tr.locator(sel('answered-at')).innerText(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/)
      }
      // A yes/no shows as 是/否 (the demo's answers to 家中有无发热人员 are all 否).
      const yesNo = report.campaign.fields.find((f) => f.kind === 'yes_no')
      const shown = (await s.page.locator(sel('answer', { 'field-id': yesNo.id })).allInnerTexts()).map((x) => x.trim())
      assert.deepEqual(shown.filter(Boolean).sort(), answered.map((r) => answerText(r.answers[yesNo.id])).sort(), `${yesNo.label}: the answered households' 是/否`)
      assert.ok(shown.filter(Boolean).length === 3 && shown.every((x) => ['', '是', '否'].includes(x)), `yes/no cells: ${shown}`)
      const open = report.rows.find((r) => !r.answered_at)
      const tr = s.page.locator(sel('campaign-household-row', { 'household-id': open.household_id }))
      assert.equal((await tr.locator(sel('not-answered')).innerText()).trim(), '未填写')
      await screenshot(s.page, 'campaign-progress')
    })

    await step('campaigns-open: 未完成 shows the 39 households not yet answered', pages, async () => {
      await s.page.locator(sel('show-open')).click()
      await s.page.waitForURL(/show=open/)
      const rows = s.page.locator(sel('campaign-household-row'))
      await until(async () => (await rows.count()) === 39, { what: '39 unanswered rows' })
      assert.equal(await s.page.locator(sel('campaign-households-total')).getAttribute('data-total'), '39')
      const shown = new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-household-id'))))
      assert.deepEqual(shown, new Set(report.rows.filter((r) => !r.answered_at).map((r) => r.household_id)), 'the unanswered households of the API')
      assert.equal(await s.page.locator(`${sel('campaign-household-row', { answered: 'true' })}`).count(), 0)
    })

    await step('campaigns-export: the CSV is the screen\'s query plus format, every household with its answers', pages, async () => {
      const [download, request] = await Promise.all([
        s.page.waitForEvent('download'),
        s.page.waitForRequest((r) => r.url().includes('/v1/reports/campaign') && r.url().includes('format=')),
        s.page.locator(sel('export-csv')).click(),
      ])
      assert.deepEqual(Object.fromEntries(new URL(request.url()).searchParams), { campaign_id: state.demo.id, format: 'csv' })
      const file = path.join(tmp, download.suggestedFilename())
      await download.saveAs(file)
      const csv = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '')
      const lines = csv.trim().split(/\r?\n/)
      assert.equal(lines.length, 43, 'a header and 42 households')
      for (const f of report.campaign.fields) assert.ok(lines[0].includes(f.label), `the header names ${f.label}`)
      for (const r of report.rows.filter((x) => x.answered_at)) {
        const line = lines.find((l) => l.includes(r.name) && l.includes(r.address))
        assert.ok(line, `${r.name} in the file`)
        for (const v of Object.values(r.answers)) if (typeof v === 'string') assert.ok(line.includes(v), `${r.name}'s ${v} in the file: ${line}`)
      }
      log(`  ${download.suggestedFilename()}: ${lines.length} lines`)
    })
  })

  test('the community supervisor starts a campaign over 蜀汉美郡 through the form', async () => {
    const title = `汛期住户排查 ${crypto.randomUUID().slice(0, 6)}`
    await step('campaigns-new: the form checks a choice\'s options, then starts the campaign', pages, async () => {
      const s = await consoleAs(USERS.community)
      const cookie = await contextCookie(s.context, url)
      const households = await apiGet(url, cookie, `/v1/households?place=${ids[SHUHAN]}&per_page=1`)
      const unassigned = (await apiGet(url, cookie, `/v1/households?place=${ids[SHUHAN]}&per_page=200`)).rows.filter((h) => !h.steward_id).length
      await goHash(s.page, '/campaigns')
      await s.page.locator(sel('campaign-row')).first().waitFor()
      const posts = []
      s.page.on('request', (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/v1/campaigns' && posts.push(r))
      await s.page.locator(sel('campaign-new')).click()
      const dialog = s.page.locator(sel('campaign-start-dialog'))
      await dialog.locator(sel('campaign-title')).waitFor()
      await settled(dialog)

      await dialog.locator(sel('campaign-title')).fill(title)
      await dialog.locator(sel('campaign-kind-flood')).click()
      // The place: 蜀汉美郡 from the tree (the caller's community by default).
      assert.ok((await dialog.locator(sel('campaign-place-item')).innerText()).includes('艺苑社区'), 'the community by default')
      await dialog.locator(sel('place-picker')).click()
      await s.page.locator('.el-tree-node__content:visible').filter({ hasText: `${SHUHAN}（小区）` }).click()
      await until(async () => (await dialog.locator(sel('campaign-place-item')).innerText()).includes(SHUHAN), { what: `${SHUHAN} picked` })
      // Three fields: 是/否, 单选, 数字.
      const row = (i) => dialog.locator(sel('field-row', { index: i }))
      await row(0).locator(sel('field-label')).fill('房屋是否进水')
      await dialog.locator(sel('field-add')).click()
      await row(1).locator(sel('field-label')).fill('需要转移')
      await pick(s.page, row(1).locator(sel('field-kind')), 'field-kind-choice')
      await until(async () => (await row(1).getAttribute('data-kind')) === 'choice', { what: 'the second field a choice' })
      await row(1).locator(sel('field-options')).fill('需要，需要')
      await dialog.locator(sel('field-add')).click()
      await row(2).locator(sel('field-label')).fill('常住人数')
      await pick(s.page, row(2).locator(sel('field-kind')), 'field-kind-number')
      await until(async () => (await row(2).getAttribute('data-kind')) === 'number', { what: 'the third field a number' })
      await row(2).locator(sel('field-required')).click()

      // A choice with one option twice: refused here, nothing sent.
      await dialog.locator(sel('campaign-submit')).click()
      await row(1).locator(sel('field-error', { part: 'options' })).filter({ hasText: '选项不能重复' }).waitFor()
      assert.equal(posts.length, 0, 'nothing sent')
      await row(1).locator(sel('field-options')).fill('不需要，需要')
      assert.deepEqual((await row(1).locator(sel('field-option-tag')).allInnerTexts()).map((x) => x.trim()), ['不需要', '需要'])
      await until(async () => (await row(1).locator(sel('field-error')).count()) === 0, { what: 'the options accepted' })
      await settled(dialog)
      await screenshot(s.page, 'campaign-start', { fullPage: false })

      const [response] = await Promise.all([
        s.page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/v1/campaigns'),
        dialog.locator(sel('campaign-submit')).click(),
      ])
      assert.equal(response.status(), 201)
      const body = JSON.parse(response.request().postData())
      assert.deepEqual(
        { ...body, starts_on: undefined, ends_on: undefined },
        {
          title, kind: 'flood', place_id: ids[SHUHAN], starts_on: undefined, ends_on: undefined,
          fields: [
            { label: '房屋是否进水', kind: 'yes_no', required: true },
            { label: '需要转移', kind: 'choice', required: true, options: ['不需要', '需要'] },
            { label: '常住人数', kind: 'number', required: false },
          ],
        },
      )
      const answer = await response.json()
      await dialog.waitFor({ state: 'hidden' })

      // The list: the new campaign first, with 蜀汉美郡's households that have a steward.
      const list = await apiGet(url, cookie, '/v1/campaigns')
      assert.equal(list[0].title, title, 'newest first')
      assert.equal(list[0].households, households.total - unassigned, `${SHUHAN}'s households with a steward`)
      assert.equal(answer.unassigned, unassigned)
      assert.equal(list[0].households, 30)
      const newRow = s.page.locator(sel('campaign-row', { 'campaign-id': list[0].id }))
      await newRow.waitFor()
      assert.equal(await s.page.locator(sel('campaign-row')).first().getAttribute('data-campaign-id'), list[0].id, 'first in the list')
      assert.deepEqual([await newRow.getAttribute('data-households'), await newRow.getAttribute('data-answered'), await newRow.getAttribute('data-state')], ['30', '0', 'open'])
      assert.equal((await newRow.locator(sel('campaign-progress')).innerText()).trim(), '0 / 30 户')
      const text = await newRow.innerText()
      for (const w of [title, '防汛救灾', SHUHAN]) assert.ok(text.includes(w), `the row shows ${w}: ${text}`)
      assert.equal(await s.page.locator(sel('campaign-unassigned')).count(), unassigned > 0 ? 1 : 0, 'the warning only for households without a steward')
      state.started = list[0]
      log(`  ${title}: ${list[0].households} households, ${answer.documents} stewards' documents, ${answer.unassigned} unassigned`)
    })
  })

  test('蜀汉美郡\'s supervisor enrols a temporary steward; the community\'s open progress shows them live; the code enrols a phone', async () => {
    const name = `赵志愿${crypto.randomUUID().slice(0, 4)}`
    let watcher, s, enrolled
    const phone = path.join(tmp, 'temporary-phone.sqlite3')

    await step(`campaigns-watch: demo-community keeps ${DEMO}'s progress open`, pages, async () => {
      watcher = await consoleAs(USERS.community)
      await goHash(watcher.page, `/campaigns/${state.demo.id}`)
      await watcher.page.locator(sel('campaign-steward-row')).first().waitFor()
      assert.equal(await watcher.page.locator(sel('campaign-steward-row', { temporary: 'true' })).count(), 0, 'no temporary steward yet')
      await watcher.page.locator(sel('live-status', { state: 'open' })).waitFor()
      await watcher.page.evaluate(() => (window.__e2eNoReload = true))
    })

    await step(`campaigns-temporary: demo-supervisor (${SHUHAN}) hands two households to ${name} and gets the code`, pages, async () => {
      s = await consoleAs(USERS.supervisor)
      const cookie = await contextCookie(s.context, url)
      // Counted within his compound.
      await goHash(s.page, '/campaigns')
      const row = s.page.locator(sel('campaign-row', { 'campaign-id': state.demo.id }))
      await row.waitFor()
      assert.deepEqual([await row.getAttribute('data-households'), await row.getAttribute('data-answered')], ['30', '2'], `${DEMO} within ${SHUHAN}`)
      await row.locator(sel('campaign-open')).click()
      await s.page.locator(sel('campaign-compound-row')).first().waitFor()
      assert.equal(await s.page.locator(sel('campaign-compound-row')).count(), 1, 'his compound only')

      const before = await apiGet(url, cookie, `/v1/reports/campaign?campaign_id=${state.demo.id}`)
      const candidates = before.rows.filter((r) => !r.answered_at)
      assert.equal(candidates.length, 28)
      await s.page.locator(sel('temporary-open')).click()
      const dialog = s.page.locator(sel('temporary-dialog'))
      await dialog.locator(sel('temporary-name')).waitFor()
      // One compound: already chosen; the candidates are its unanswered households.
      await until(async () => (await dialog.locator(sel('temporary-households')).getAttribute('data-candidates')) === '28', { what: '28 households to hand over' })
      await dialog.locator(sel('temporary-name')).fill(name)
      const picked = candidates.slice(0, 2)
      const households = dialog.locator(sel('temporary-households'))
      await households.click()
      for (const h of picked) await pick(s.page, households, `temporary-household-${h.household_id}`, { open: false })
      await until(async () => (await dialog.locator(sel('temporary-picked')).getAttribute('data-picked')) === '2', { what: 'two households picked' })
      await dialog.locator(sel('temporary-name')).click() // closes the list
      const [response] = await Promise.all([
        s.page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/v1/campaigns/${state.demo.id}/temporary-stewards`)),
        dialog.locator(sel('temporary-submit')).click(),
      ])
      assert.equal(response.status(), 201)
      assert.deepEqual(JSON.parse(response.request().postData()), { compound_id: ids[SHUHAN], name, household_ids: picked.map((h) => h.household_id) })
      enrolled = await response.json()
      state.enrolledAt = Date.now()

      const result = dialog.locator(sel('temporary-result'))
      await result.waitFor()
      assert.equal(await result.getAttribute('data-tasks'), '2')
      assert.ok((await result.innerText()).includes(`${name} 已登记为临时红色管家，负责 2 户`))
      const code = (await dialog.locator(sel('enrol-code')).innerText()).trim()
      assert.equal(code.replace(/-/g, ''), enrolled.code, 'the one-time code on the sheet')
      assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}/)
      await dialog.locator(`${sel('enrol-qr')} svg`).waitFor()
      assert.equal(await dialog.locator(sel('enrol-qr')).getAttribute('data-uri'), `redsteward://enrol?server=${encodeURIComponent(url)}&code=${enrolled.code}`)
      const until_ = (await dialog.locator(sel('temporary-valid-until')).innerText()).trim()
      assert.ok(until_.includes(`${dayAfter(state.demo.ends_on)} 00:00`), `valid until the campaign's end: ${until_}`)
      assert.ok((await dialog.locator(sel('enrol-sheet')).innerText()).includes(`${name}（临时）`))
      await settled(dialog)
      await screenshot(s.page, 'campaign-temporary', { fullPage: false })

      // The API: the steward answers for those two now.
      const after = await apiGet(url, cookie, `/v1/reports/campaign?campaign_id=${state.demo.id}`)
      const temp = after.stewards.find((x) => x.id === enrolled.steward.id)
      assert.deepEqual(temp, { id: enrolled.steward.id, name, temporary: true, households: 2, answered: 0 })
      for (const h of picked) assert.equal(after.rows.find((r) => r.household_id === h.household_id).steward, name)
      // Once handed over, a household cannot be handed over again.
      const again = await api(url, cookie, `/v1/campaigns/${state.demo.id}/temporary-stewards`, { method: 'POST', body: { compound_id: ids[SHUHAN], name: '钱志愿', household_ids: [picked[0].household_id] } })
      assert.deepEqual([again.status, again.body.field], [400, 'household_ids'])
      await s.page.keyboard.press('Escape')
      await dialog.waitFor({ state: 'hidden' })
      // His own screen shows them too.
      await s.page.locator(sel('campaign-steward-row', { 'steward-id': enrolled.steward.id, temporary: 'true' })).waitFor()
    })

    await step('campaigns-live: the community\'s open progress shows the temporary steward without a reload', pages, async () => {
      const row = watcher.page.locator(sel('campaign-steward-row', { 'steward-id': enrolled.steward.id }))
      await until(async () => (await row.count()) === 1, { timeout: 10_000, interval: 100, what: 'the temporary steward on the community\'s screen' })
      log(`  on the community's screen at most ${Date.now() - state.enrolledAt} ms after the enrolment`)
      assert.equal(await row.getAttribute('data-temporary'), 'true')
      assert.deepEqual([await row.getAttribute('data-households'), await row.getAttribute('data-answered')], ['2', '0'])
      assert.equal((await row.locator(sel('steward-name')).innerText()).trim(), name)
      assert.equal((await row.locator(sel('temporary-tag')).innerText()).trim(), '临时')
      const theirs = await apiGet(url, await contextCookie(watcher.context, url), `/v1/reports/campaign?campaign_id=${state.demo.id}&steward_id=${enrolled.steward.id}`)
      assert.equal(theirs.rows.length, 2, 'two households answer to the temporary steward')
      for (const hid of theirs.rows.map((r) => r.household_id)) {
        const tr = watcher.page.locator(sel('campaign-household-row', { 'household-id': hid }))
        assert.equal(await tr.getAttribute('data-steward-id'), enrolled.steward.id)
        assert.ok((await tr.locator(sel('household-steward')).innerText()).includes(name))
      }
      // The totals are the same households.
      assert.equal(await watcher.page.locator(sel('campaign-totals')).getAttribute('data-households'), '42')
      assert.equal(await watcher.page.evaluate(() => window.__e2eNoReload), true, 'the page was not reloaded')
      await screenshot(watcher.page, 'campaign-live')
    })

    await step('campaigns-phone: the temporary steward\'s code enrols a phone, which gets the tasks', pages, async () => {
      let r = await deviceSim('enrol', phone, url, enrolled.code)
      assert.deepEqual(r.out, ['ok', enrolled.steward.id], `enrol: ${r.stdout}${r.stderr}`)
      r = await deviceSim('sync', phone)
      assert.equal(r.out[0], 'ok', `sync: ${r.stdout}${r.stderr}`)
      assert.ok(Number(r.out[2]) >= 1, `pulled the campaign's document: ${r.stdout}`)
      state.phone = phone
    })

    await step('campaigns-phone-live: the phone answers a task offline, syncs, and the open progress counts it', pages, async () => {
      let r = await deviceSim('answer', phone)
      assert.equal(r.out[0], 'ok', `answer: ${r.stdout}${r.stderr}`)
      const household = r.out[2]
      const synced = Date.now()
      r = await deviceSim('sync', phone)
      assert.equal(r.out[0], 'ok', `sync: ${r.stdout}${r.stderr}`)
      const row = watcher.page.locator(sel('campaign-steward-row', { 'steward-id': enrolled.steward.id }))
      await until(async () => (await row.getAttribute('data-answered')) === '1', { timeout: 10_000, interval: 100, what: 'the phone\'s answer on the community\'s screen' })
      log(`  the phone's answer on the community's screen ${Date.now() - synced} ms after its sync`)
      assert.equal(await row.getAttribute('data-households'), '2')
      assert.equal(await watcher.page.locator(sel('campaign-totals')).getAttribute('data-answered'), '4', 'the demo\'s 3 and the phone\'s')
      const tr = watcher.page.locator(sel('campaign-household-row', { 'household-id': household }))
      assert.equal(await tr.getAttribute('data-answered'), 'true')
      assert.equal(await watcher.page.locator(sel('campaign-totals')).getAttribute('data-households'), '42')
      assert.equal(await watcher.page.evaluate(() => window.__e2eNoReload), true, 'the page was not reloaded')
    })

    await step(`campaigns-close-refused: demo-supervisor may not close ${DEMO} of the whole community`, pages, async () => {
      await s.page.locator(sel('campaign-close')).click()
      const confirm = s.page.locator(sel('confirm-dialog'))
      await confirm.locator(sel('confirm-ok')).waitFor()
      assert.ok((await confirm.locator(sel('confirm-message')).innerText()).includes(`结束“${DEMO}”？`))
      const [response] = await Promise.all([
        s.page.waitForResponse((r) => r.url().endsWith(`/v1/campaigns/${state.demo.id}/close`)),
        confirm.locator(sel('confirm-ok')).click(),
      ])
      assert.equal(response.status(), 403)
      const message = (await response.json()).message
      const error = s.page.locator(sel('campaign-close-error'))
      await error.waitFor()
      const text = await error.innerText()
      assert.ok(text.includes('没有权限') && text.includes(message), `the refusal in words: ${text}`)
      assert.equal(await s.page.locator(sel('campaign-page')).getAttribute('data-state'), 'open', 'still under way')
    })
  })

  test('the community closes both campaigns: 已结束, and the temporary steward\'s phone is refused', async () => {
    await step('campaigns-close: demo-community closes the started campaign and then the demo\'s', pages, async () => {
      assert.ok(state.started && state.phone, 'the earlier tests ran')
      const s = await consoleAs(USERS.community)
      const cookie = await contextCookie(s.context, url)
      for (const c of [state.started, state.demo]) {
        await goHash(s.page, `/campaigns/${c.id}`)
        await s.page.locator(sel('campaign-page', { 'campaign-id': c.id, state: 'open' })).waitFor()
        await s.page.locator(sel('campaign-close')).click()
        const confirm = s.page.locator(sel('confirm-dialog'))
        await confirm.locator(sel('confirm-ok')).waitFor()
        assert.ok((await confirm.locator(sel('confirm-message')).innerText()).includes(c.title))
        const [response] = await Promise.all([
          s.page.waitForResponse((r) => r.url().endsWith(`/v1/campaigns/${c.id}/close`)),
          confirm.locator(sel('confirm-ok')).click(),
        ])
        assert.equal(response.status(), 200)
        await s.page.locator(sel('campaign-page', { 'campaign-id': c.id, state: 'closed' })).waitFor()
        assert.equal((await s.page.locator(sel('campaign-state')).innerText()).trim(), '已结束')
        assert.match(await s.page.locator(sel('campaign-closed-at')).innerText(), /已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 结束/)
        assert.equal(await s.page.locator(sel('campaign-close')).isDisabled(), true, 'closed once')
        assert.equal(await s.page.locator(sel('temporary-open')).isDisabled(), true, 'no temporary steward any more')
        const closed = (await apiGet(url, cookie, '/v1/campaigns')).find((x) => x.id === c.id)
        assert.ok(closed.closed_at > 0, `${c.title} closed through the API`)
      }
      await screenshot(s.page, 'campaign-closed')
      // 已结束 in the list too; the answers stay.
      await s.page.locator(sel('campaign-back')).click()
      await s.page.waitForURL(/#\/campaigns$/)
      for (const c of [state.started, state.demo]) {
        const row = s.page.locator(sel('campaign-row', { 'campaign-id': c.id }))
        await until(async () => (await row.getAttribute('data-state')) === 'closed', { what: `${c.title} closed in the list` })
        assert.equal((await row.locator(sel('campaign-state')).innerText()).trim(), '已结束')
      }
      assert.equal(await s.page.locator(`${sel('campaign-row', { 'campaign-id': state.demo.id })}`).getAttribute('data-answered'), '4', 'the demo\'s 3 and the phone\'s')
      // A closed campaign takes no temporary steward.
      const late = await api(url, cookie, `/v1/campaigns/${state.demo.id}/temporary-stewards`, { method: 'POST', body: { compound_id: ids[HANYUN], name: '孙志愿', household_ids: [crypto.randomUUID()] } })
      assert.equal(late.status, 409)
    })

    await step('campaigns-lapsed: the temporary steward\'s phone is refused once the campaign is closed', pages, async () => {
      const r = await deviceSim('sync', state.phone)
      assert.equal(r.out[0], 'error', `sync after the close: ${r.stdout}${r.stderr}`)
      log(`  the temporary steward's phone: ${r.out.join(' ')}`)
    })
  })

  test('the property company sees no 专项任务', async () => {
    await step('campaigns-property: no menu entry, the route goes back to the board, the API says 403', pages, async () => {
      const s = await consoleAs(USERS.property)
      const cookie = await contextCookie(s.context, url)
      const menu = await menuNames(s.page)
      assert.deepEqual(menu, ['issues', 'decisions', 'scores'], 'menu items')
      assert.ok(!(await s.page.locator(sel('menu')).innerText()).includes('专项任务'))
      for (const route of ['/campaigns', `/campaigns/${state.demo.id}`]) {
        await goHash(s.page, route, { wait: false })
        await s.page.waitForURL(/#\/issues/)
      }
      assert.ok(!(await s.page.locator('body').innerText()).includes(DEMO))
      assert.equal((await api(url, cookie, '/v1/campaigns')).status, 403)
      assert.equal((await api(url, cookie, `/v1/reports/campaign?campaign_id=${state.demo.id}`)).status, 403)
      assert.equal((await api(url, cookie, '/v1/campaigns', { method: 'POST', body: { title: 'x', kind: 'other', starts_on: '2026-12-01', ends_on: '2026-12-02', place_id: ids[SHUHAN], fields: [{ label: 'x', kind: 'text' }] } })).status, 403)
    })
  })
})
