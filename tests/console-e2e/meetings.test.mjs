// Joint meetings (联席会议) in the console end to end, against the demo's meetings: 蜀汉美郡 held
// one this quarter (4 decisions: the property company's open with a deadline in 7 days, the
// owners' committee's done, the steward's open and late, the branch's open without a deadline)
// and one last quarter (2 decisions, done); 汉韵花园 none. The community supervisor sees the
// quarter per compound (汉韵花园 flagged) and the meeting's drawer, and exports the table; the
// property company sees only its own decisions and marks one done with a note in the drawer; the
// supervisor's decisions screen, open meanwhile, shows it without a reload.
//
//   node --test tests/console-e2e/meetings.test.mjs   (STEWARD_SERVER_BIN, DEVICE_SIM_BIN as for the others)
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import {
  USERS, api, apiGet, apiSignIn, contextCookie, goHash, launchBrowser, log, menuNames, newPage, sel, signIn, startServer, step, until,
} from './helpers.mjs'

const SHUHAN = '蜀汉美郡'
const HANYUN = '汉韵花园'

/** This quarter in the program's time zone, `YYYY-Qn`. */
function currentQuarter() {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date()).split('-').map(Number)
  return `${y}-Q${Math.ceil(m / 3)}`
}

describe('joint meetings in the console', { timeout: 180_000 }, () => {
  let tmp, server, browser, url
  const open = new Set()
  const pages = () => [...open]
  const ids = {}
  const contexts = new Set()

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
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'console-meetings-'))
    await step('meetings-start: demo server and Chromium', [], async () => {
      ;[server, browser] = await Promise.all([startServer(tmp), launchBrowser()])
      url = server.url
      const places = await apiGet(url, await apiSignIn(url, USERS.community), '/v1/places')
      for (const p of places) if (p.kind === 'compound') ids[p.name] = p.id
      assert.ok(ids[SHUHAN] && ids[HANYUN], `both compounds in ${JSON.stringify(places)}`)
    })
  })

  after(async () => {
    await browser?.close().catch(() => {})
    await server?.stop()
    if (tmp && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true })
  })

  test('the community supervisor sees the quarter\'s meetings per compound, a meeting, and exports the table', async () => {
    const quarter = currentQuarter()
    await step(`meetings-quarter: demo-community opens 联席会议 for ${quarter}`, pages, async () => {
      const s = await consoleAs(USERS.community)
      const cookie = await contextCookie(s.context, url)
      const report = await apiGet(url, cookie, `/v1/reports/meetings?quarter=${quarter}`)
      assert.equal(report.quarter, quarter)
      assert.ok((await menuNames(s.page)).includes('meetings'), 'the menu has 联席会议')
      await s.page.locator(`${sel('menu')} ${sel('menu-meetings')}`).click()
      await s.page.waitForURL(/#\/meetings/)

      const shuhan = s.page.locator(sel('meeting-compound-row', { 'compound-id': ids[SHUHAN] }))
      const hanyun = s.page.locator(sel('meeting-compound-row', { 'compound-id': ids[HANYUN] }))
      await shuhan.waitFor()
      const label = quarter.replace(/-Q(\d)/, ' 年第 $1 季度')
      await until(async () => (await s.page.locator(sel('quarter-picker')).innerText()).includes(label), { what: `the quarter picker on ${label}` })
      assert.equal((await shuhan.locator('td').nth(1).innerText()).trim(), '1', `${SHUHAN}: 召开次数`)
      assert.equal((await shuhan.locator('td').nth(3).innerText()).trim(), '4', `${SHUHAN}: 商定事项`)
      assert.equal(await shuhan.locator(sel('no-meeting')).count(), 0, `${SHUHAN} is not flagged`)
      assert.equal((await hanyun.locator(sel('no-meeting')).innerText()).trim(), '本季度未召开', `${HANYUN} is flagged`)
      assert.equal(await hanyun.getAttribute('data-no-meeting'), 'true')
      assert.equal((await hanyun.locator('td').nth(1).innerText()).trim(), '0')
      // The page is the API's answer.
      const apiShuhan = report.compounds.find((c) => c.compound_id === ids[SHUHAN])
      const apiHanyun = report.compounds.find((c) => c.compound_id === ids[HANYUN])
      assert.deepEqual([apiShuhan.meetings, apiShuhan.decisions, apiShuhan.no_meeting, apiHanyun.no_meeting], [1, 4, false, true])
      assert.equal(await s.page.locator(sel('meetings-missing')).getAttribute('data-missing'), '1')

      const rows = s.page.locator(sel('meeting-row'))
      await until(async () => (await rows.count()) === report.meetings.length, { what: `${report.meetings.length} meeting rows` })
      assert.equal(report.meetings.length, 1)
      const m = report.meetings[0]
      const row = s.page.locator(sel('meeting-row', { 'meeting-id': m.id }))
      const text = await row.innerText()
      for (const w of [SHUHAN, m.convener, '社区党组织', '物业服务企业', '业主委员会', '逾期 1']) assert.ok(text.includes(w), `the meeting row shows ${w}: ${text}`)

      await row.click()
      const drawer = s.page.locator(sel('meeting-drawer'))
      const cards = drawer.locator(sel('decision-card'))
      await until(async () => (await cards.count()) === 4, { what: '4 decisions in the drawer' })
      const doc = await apiGet(url, cookie, `/v1/meetings/${m.id}`)
      const state = {}
      for (const d of doc.decisions) state[d.party] = await drawer.locator(sel('decision-card', { 'decision-id': d.id })).getAttribute('data-status')
      assert.deepEqual(state, { property_company: 'open', owners_committee: 'done', steward: 'late', branch: 'open' }, 'decision states in the drawer')
      const late = doc.decisions.find((d) => d.party === 'steward')
      assert.equal((await drawer.locator(`${sel('decision-card', { 'decision-id': late.id })} ${sel('decision-status')}`).innerText()).trim(), '逾期')
      const parties = await drawer.locator(sel('attendee-party')).evaluateAll((els) => els.map((e) => e.getAttribute('data-party')))
      assert.deepEqual(parties, ['community', 'branch', 'property_company', 'owners_committee', 'steward'], 'attendees by party')
      for (const a of doc.attendees) assert.ok((await drawer.locator(sel('meeting-attendees')).innerText()).includes(a.name), `attendee ${a.name}`)
      // A done decision: a supervisor may reopen it (with a reason) but not mark it done again.
      const done = drawer.locator(sel('decision-card', { status: 'done' }))
      assert.equal(await done.locator(sel('follow-up-reopen')).count(), 1)
      assert.equal(await done.locator(sel('follow-up-done')).count(), 0)
      assert.equal(await done.locator(sel('follow-up-reopen')).isDisabled(), true, 'reopening needs a reason')
      await s.page.keyboard.press('Escape')
      await drawer.locator(sel('decision-card')).first().waitFor({ state: 'hidden' })
    })

    await step('meetings-export: the compounds table as CSV is the screen\'s query plus format', pages, async () => {
      const s = await consoleAs(USERS.community)
      await goHash(s.page, `/meetings?quarter=${quarter}`)
      await s.page.locator(sel('meeting-compound-row')).first().waitFor()
      const [download, request] = await Promise.all([
        s.page.waitForEvent('download'),
        s.page.waitForRequest((r) => r.url().includes('/v1/reports/meetings') && r.url().includes('format=')),
        s.page.locator(sel('export-csv')).click(),
      ])
      const q = new URL(request.url()).searchParams
      assert.deepEqual(Object.fromEntries(q), { quarter, format: 'csv' })
      const file = path.join(tmp, download.suggestedFilename())
      await download.saveAs(file)
      const csv = fs.readFileSync(file, 'utf8')
      assert.ok(csv.includes('本季度未召开'), 'the header names 本季度未召开')
      const hanyunLine = csv.split(/\r?\n/).find((l) => l.includes(HANYUN))
      assert.ok(hanyunLine && hanyunLine.includes('是'), `${HANYUN} flagged in the file: ${hanyunLine}`)
      log(`  ${download.suggestedFilename()}: ${csv.trim().split(/\r?\n/).length} lines`)
    })
  })

  test('the property company marks its own decision done; the supervisor\'s open screen shows it live', async () => {
    const note = `充电棚已建成并验收 ${crypto.randomUUID().slice(0, 6)}`
    let watcher, decision

    await step('decisions-watch: demo-community opens 商定事项 (every quarter)', pages, async () => {
      watcher = await consoleAs(USERS.community)
      await goHash(watcher.page, '/decisions')
      const all = await apiGet(url, await contextCookie(watcher.context, url), '/v1/reports/decisions?party=property_company&status=open')
      assert.equal(all.decisions.length, 1, `one open property-company decision: ${JSON.stringify(all.decisions)}`)
      decision = all.decisions[0]
      const row = watcher.page.locator(sel('decision-row', { 'decision-id': decision.id }))
      await until(async () => (await row.getAttribute('data-status')) === 'open', { what: 'the decision open on the supervisor\'s screen' })
      await watcher.page.locator(sel('live-status', { state: 'open' })).waitFor()
      await watcher.page.evaluate(() => (window.__e2eNoReload = true))
    })

    await step('decisions-property: demo-property sees only its decisions and marks the open one done', pages, async () => {
      const s = await consoleAs(USERS.property)
      const cookie = await contextCookie(s.context, url)
      assert.deepEqual(await menuNames(s.page), ['issues', 'decisions', 'scores'], 'menu items')
      await s.page.locator(`${sel('menu')} ${sel('menu-decisions')}`).click()
      await s.page.waitForURL(/#\/decisions/)
      const own = await apiGet(url, cookie, '/v1/reports/decisions')
      assert.equal(own.total, 2, 'two decisions are the property company\'s')
      assert.ok(own.decisions.every((d) => d.party === 'property_company'), 'only its own')
      assert.deepEqual(own.decisions.map((d) => d.status).sort(), ['done', 'open'])
      assert.deepEqual(own.counts.map((c) => c.party), ['property_company'])
      const rows = s.page.locator(sel('decision-row'))
      await until(async () => (await rows.count()) === 2, { what: '2 decision rows' })
      const shown = await rows.evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-decision-id')} ${tr.getAttribute('data-party')}`))
      assert.deepEqual(new Set(shown), new Set(own.decisions.map((d) => `${d.id} property_company`)), 'the rows are its own decisions')
      assert.equal(await s.page.locator(sel('filter-party')).count(), 0, 'no party filter')
      assert.equal(await s.page.locator(sel('decision-count-row')).count(), 1, 'counts: its own party only')
      // The meetings themselves are the supervisors'.
      assert.equal((await api(url, cookie, '/v1/reports/meetings')).status, 403)
      await goHash(s.page, '/meetings', { wait: false })
      await s.page.waitForURL(/#\/issues/)
      await goHash(s.page, '/decisions')
      await rows.first().waitFor()

      await s.page.locator(sel('decision-row', { 'decision-id': decision.id })).click()
      const drawer = s.page.locator(sel('meeting-drawer'))
      const card = drawer.locator(sel('decision-card', { 'decision-id': decision.id }))
      await card.waitFor()
      assert.equal(await drawer.locator(sel('decision-card')).count(), 1, 'the drawer shows only its own decision')
      assert.equal(await drawer.locator(sel('meeting-attendees')).count(), 0, 'no attendees for the property company')
      assert.equal(await card.locator(sel('follow-up-reopen')).count(), 0, 'no reopening')
      await card.locator(`${sel('follow-up-text')} textarea, textarea${sel('follow-up-text')}`).first().fill(note)
      await card.locator(sel('follow-up-done')).click()
      await until(async () => (await card.getAttribute('data-status')) === 'done', { what: 'the decision done in the drawer' })
      await card.locator(sel('decision-follow-ups')).filter({ hasText: note }).waitFor()
      await until(async () => (await s.page.locator(sel('decision-row', { 'decision-id': decision.id })).getAttribute('data-status')) === 'done', { what: 'the row done' })

      const after = await apiGet(url, cookie, '/v1/reports/decisions')
      const d = after.decisions.find((x) => x.id === decision.id)
      assert.equal(d.status, 'done', 'done through the API')
      assert.equal(d.last_follow_up, note, 'the note is the latest follow-up')
      assert.ok(d.done_at > 0)
      assert.deepEqual(after.counts.map((c) => [c.party, c.open, c.done, c.late]), [['property_company', 0, 2, 0]])
    })

    await step('decisions-live: the supervisor\'s open screen shows it done without a reload', pages, async () => {
      const row = watcher.page.locator(sel('decision-row', { 'decision-id': decision.id }))
      const t0 = Date.now()
      await until(async () => (await row.getAttribute('data-status')) === 'done', { timeout: 10_000, interval: 100, what: 'the decision done on the supervisor\'s screen' })
      await row.locator(sel('decision-last-follow-up')).filter({ hasText: note }).waitFor()
      assert.equal(await watcher.page.evaluate(() => window.__e2eNoReload), true, 'the page was not reloaded')
      log(`  shown on the supervisor's screen within ${Date.now() - t0} ms of the check`)
    })
  })
})
