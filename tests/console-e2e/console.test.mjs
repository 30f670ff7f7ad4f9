// The supervisors' console end to end: a demo server and a steward's phone (device-sim, the real
// client crate) started here in a temp directory, Debian's Chromium driven by playwright-core.
// Each step checks the data on the page against the API (scope by role, a refused household,
// drilling down, the holiday must-visit, an issue's move and comment, a synced visit shown live,
// the XLSX ledger, revoking the phone). A failed step leaves target/console-screens/failure-<step>.png.
//
//   npm --prefix tests/console-e2e ci && npm --prefix tests/console-e2e test
//
// Needs target/debug/steward-sync-server and target/debug/device-sim (cargo build -p
// steward-sync-server -p steward-tests), /usr/bin/chromium, Node >= 20.19; builds dashboard/dist
// when it is older than dashboard/src. KEEP_TMP=1 keeps the temp directory (server log, phone store).
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import ExcelJS from 'exceljs'
import {
  USERS, allHouseholds, api, apiGet, apiSignIn, clearFailures, contextCookie, deviceSim, goHash, launchBrowser, log, menuNames, newPage, sel, signIn,
  startServer, step, until,
} from './helpers.mjs'

const SHUHAN = '蜀汉美郡'
const HANYUN = '汉韵花园'
const STAFF_MENU = ['overview', 'stewards', 'households', 'plans', 'issues', 'meetings', 'decisions', 'scores', 'evaluation', 'pairing', 'campaigns', 'teams', 'selection', 'figures']
/** A town's or district's staff (and admins) see the year in figures right after the overview. */
const HIGH_MENU = ['overview', 'figures', 'stewards', 'households', 'plans', 'issues', 'meetings', 'decisions', 'scores', 'evaluation', 'pairing', 'campaigns', 'teams', 'selection']

describe('supervisors\' console', { timeout: 180_000 }, () => {
  let tmp, server, browser, url
  /** Pages open now, shot on failure. */
  const open = new Set()
  const pages = () => [...open]
  /** The compounds' ids by name. */
  const ids = {}
  const timings = {}

  const contexts = new Set()
  async function consoleAs(user, opts) {
    const s = await newPage(browser, opts)
    contexts.add(s.context)
    s.context.on('page', (p) => {
      open.add(p)
      p.on('close', () => open.delete(p))
    })
    open.add(s.page)
    s.page.on('close', () => open.delete(s.page))
    await signIn(s.page, url, user)
    return s
  }
  async function close(s) {
    contexts.delete(s.context)
    await s.context.close()
  }
  // A failed step leaves its pages open for the screenshot; close them before the next test.
  afterEach(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    contexts.clear()
  })

  before(async () => {
    clearFailures((f) => f.startsWith('failure-screen')) // screens.test.mjs's are its own
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'console-e2e-'))
    await step('start: demo server and Chromium', [], async () => {
      ;[server, browser] = await Promise.all([startServer(tmp), launchBrowser()])
      url = server.url
      log(`server ${url}, data in ${tmp}, enrolment codes: ${server.codes.map((c) => `${c.name} ${c.code}`).join(', ')}`)
      const places = await apiGet(url, await apiSignIn(url, USERS.community), '/v1/places')
      for (const p of places) if (p.kind === 'compound') ids[p.name] = p.id
      assert.ok(ids[SHUHAN] && ids[HANYUN], `both compounds in ${JSON.stringify(places)}`)
    })
  })

  after(async () => {
    await browser?.close().catch(() => {})
    await server?.stop()
    const s = Object.entries(timings).map(([k, v]) => `${k} ${v} ms`).join(', ')
    if (s) log(`timings: ${s}`)
    if (tmp && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true })
  })

  test('each role sees exactly its menu and scope', async () => {
    const expect = {
      supervisor: { menu: STAFF_MENU, total: 30, compounds: [SHUHAN] },
      supervisor2: { menu: STAFF_MENU, total: 12, compounds: [HANYUN] },
      community: { menu: STAFF_MENU, total: 42, compounds: [SHUHAN, HANYUN] },
      town: { menu: HIGH_MENU, total: 42, compounds: [SHUHAN, HANYUN] },
      admin: { menu: [...HIGH_MENU, 'admin', 'access-log'], total: 42, compounds: [SHUHAN, HANYUN] },
    }
    for (const [who, want] of Object.entries(expect)) {
      await step(`scope-${who}: ${USERS[who].username} sees ${want.total} households of ${want.compounds.join('+')}`, pages, async () => {
        const s = await consoleAs(USERS[who])
        assert.deepEqual(await menuNames(s.page), want.menu, 'menu items')
        await goHash(s.page, '/households?per_page=50')
        const total = s.page.locator(sel('households-total'))
        await until(async () => (await total.getAttribute('data-total')) !== '', { what: 'the households total' })
        assert.equal(Number(await total.getAttribute('data-total')), want.total, 'households-total on the page')
        // The rows on the page are exactly the API's (same cookie), and every one is in the scope.
        const cookie = await contextCookie(s.context, url)
        const all = await allHouseholds(url, cookie)
        assert.equal(all.total, want.total, '/v1/households total')
        assert.deepEqual([...new Set(all.rows.map((r) => r.compound))].sort(), [...want.compounds].sort(), 'compounds of the rows')
        const rows = s.page.locator(sel('household-row'))
        await until(async () => (await rows.count()) === want.total, { what: `${want.total} rows` })
        const shown = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-household-id')))
        assert.deepEqual(new Set(shown), new Set(all.rows.map((r) => r.id)), 'rows on the page are the API\'s')
        const text = await s.page.locator(sel('households-table')).innerText()
        const names = all.rows.map((r) => r.head_name)
        for (const n of names) assert.ok(text.includes(n), `${n} on the page`)
        if (want.compounds.length > 1) for (const c of want.compounds) assert.ok(text.includes(c), `the compound column shows ${c}`)
        await close(s)
      })
    }

    await step('scope-property: the property company has Issues and Decisions only and no household', pages, async () => {
      const s = await consoleAs(USERS.property)
      const householdCalls = []
      s.page.on('response', (r) => {
        if (new URL(r.url()).pathname.startsWith('/v1/households')) householdCalls.push(`${r.status()} ${r.url()}`)
      })
      assert.deepEqual(await menuNames(s.page), ['issues', 'decisions', 'scores'], 'menu items')
      await s.page.locator(sel('issue-card')).first().waitFor()
      const supervisor = await apiSignIn(url, USERS.supervisor)
      const one = (await apiGet(url, supervisor, '/v1/households?per_page=1')).rows[0]
      for (const route of ['/households', `/households/${one.id}`]) {
        await goHash(s.page, route, { wait: false })
        // Sent back to the board (or shown a refusal): never a household.
        await until(async () => s.page.url().includes('#/issues') || (await s.page.locator(sel('household-denied')).count()) > 0, { what: `${route} refused` })
        if (s.page.url().includes('#/issues')) await s.page.locator(sel('issue-card')).first().waitFor()
        assert.equal(await s.page.locator(`${sel('household-row')}, ${sel('household-title')}, ${sel('household-visit')}`).count(), 0, `no household data at ${route}`)
        assert.ok(!(await s.page.locator('body').innerText()).includes(one.head_name), `${one.head_name} not on the page at ${route}`)
      }
      for (const call of householdCalls) assert.match(call, /^403 /, 'the console\'s household calls are refused')
      const cookie = await contextCookie(s.context, url)
      assert.equal((await api(url, cookie, '/v1/households')).status, 403, 'GET /v1/households')
      assert.equal((await api(url, cookie, `/v1/households/${one.id}`)).status, 403, 'GET /v1/households/{id}')
      await close(s)
    })
  })

  test('a compound supervisor cannot open another compound\'s household by its URL', async () => {
    await step('denial: demo-supervisor types the URL of a 汉韵花园 household', pages, async () => {
      const other = (await apiGet(url, await apiSignIn(url, USERS.supervisor2), '/v1/households?per_page=1')).rows[0]
      assert.equal(other.compound, HANYUN)
      const s = await consoleAs(USERS.supervisor)
      const own = (await apiGet(url, await contextCookie(s.context, url), '/v1/households?per_page=1')).rows[0]
      // The same route works for one of its own, so the refusal below is about the place.
      await goHash(s.page, `/households/${own.id}`)
      await s.page.locator(sel('household-title')).filter({ hasText: own.head_name }).waitFor()
      await goHash(s.page, `/households/${other.id}`)
      await s.page.locator(`${sel('household-page', { 'household-id': other.id })} ${sel('household-denied')}`).waitFor()
      assert.equal(await s.page.locator(`${sel('household-title')}, ${sel('household-visit')}, ${sel('household-profile')}`).count(), 0, 'no household data')
      const text = await s.page.locator('body').innerText()
      assert.ok(!text.includes(other.head_name), `the head's name ${other.head_name} is not on the page`)
      const r = await api(url, await contextCookie(s.context, url), `/v1/households/${other.id}`)
      assert.ok([403, 404].includes(r.status), `GET /v1/households/{other}: ${r.status}`)
      await close(s)
    })
  })

  test('drill down from the overview to a household\'s visits', async () => {
    await step('drill: demo-community overview → steward → households → household', pages, async () => {
      const s = await consoleAs(USERS.community)
      const cookie = await contextCookie(s.context, url)
      await s.page.waitForURL(/#\/overview/)
      const row = s.page.locator(`[data-test="card-visits"] ${sel('overview-steward-row')}`).first()
      await row.waitFor()
      const stewardId = await row.getAttribute('data-steward-id')
      const name = (await row.locator('td').first().innerText()).trim()
      await row.locator('a').click()
      await s.page.waitForURL((u) => u.hash.startsWith('#/households') && u.hash.includes(`steward_id=${stewardId}`))
      const theirs = await allHouseholds(url, cookie, `steward_id=${stewardId}`)
      assert.ok(theirs.total > 0, `${name} has households`)
      await until(async () => Number(await s.page.locator(sel('households-total')).getAttribute('data-total')) === theirs.total, { what: `total ${theirs.total}` })
      const first = s.page.locator(sel('household-row')).first()
      const hid = await first.getAttribute('data-household-id')
      assert.ok(theirs.rows.some((r) => r.id === hid), 'the row is one of the steward\'s')
      assert.ok((await first.innerText()).includes(name), 'the row names the steward')
      await first.locator('a').first().click()
      const pageSel = sel('household-page', { 'household-id': hid })
      await s.page.locator(`${pageSel} ${sel('household-title')}`).waitFor()
      const doc = await apiGet(url, cookie, `/v1/households/${hid}`)
      assert.ok(doc.visits.length > 0, 'the household has visits')
      const visits = s.page.locator(`${pageSel} ${sel('household-visit')}`)
      await until(async () => (await visits.count()) === doc.visits.length, { what: `${doc.visits.length} visits` })
      const shown = new Set(await visits.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-visit-id'))))
      assert.deepEqual(shown, new Set(doc.visits.map((v) => v.id)), 'the visits are the household\'s')
      const text = await s.page.locator(pageSel).innerText()
      assert.ok(text.includes(doc.visits[0].summary), 'a visit\'s summary is shown')
      assert.ok(text.includes(doc.profile.head_name), 'the head is shown')
      log(`  ${name} → ${doc.profile.head_name}: ${doc.visits.length} visits`)
      await close(s)
    })
  })

  test('holiday must-visit for a whole compound', async () => {
    await step('holiday: raise it for 蜀汉美郡 on the plans screen', pages, async () => {
      const s = await consoleAs(USERS.community)
      const cookie = await contextCookie(s.context, url)
      const openMust = async () => (await apiGet(url, cookie, `/v1/reports/must-visits?place=${ids[SHUHAN]}`)).length
      const households = (await allHouseholds(url, cookie, `place=${ids[SHUHAN]}`)).total
      assert.equal(households, 30)
      const beforeCount = await openMust()
      await goHash(s.page, '/plans')
      await s.page.locator('#tab-holiday').click()
      await s.page.locator(`${sel('holiday-form')} ${sel('holiday-compound')}`).click()
      await s.page.locator('.el-tree-node__content:visible').filter({ hasText: SHUHAN }).click()
      await s.page.locator(sel('holiday-submit')).click()
      const dialog = s.page.locator(sel('confirm-dialog')).filter({ hasText: SHUHAN })
      await dialog.waitFor()
      await dialog.locator(sel('confirm-ok')).click()
      const result = s.page.locator(sel('holiday-result'))
      await result.waitFor()
      assert.equal(Number(await result.getAttribute('data-raised')), households, 'data-raised')
      assert.ok((await result.innerText()).includes(SHUHAN), 'the result names the compound')
      const afterCount = await openMust()
      log(`  open must-visits in ${SHUHAN}: ${beforeCount} → ${afterCount}`)
      assert.equal(afterCount - beforeCount, households, 'open must-visits grew by the compound\'s households')
      await close(s)
    })
  })

  test('move an issue and comment on it', async () => {
    await step('issue: move a reported issue and comment on the board', pages, async () => {
      const s = await consoleAs(USERS.supervisor)
      const cookie = await contextCookie(s.context, url)
      await goHash(s.page, '/issues')
      const card = s.page.locator(sel('issue-card', { status: 'reported' })).first()
      await card.waitFor()
      const id = await card.getAttribute('data-issue-id')
      const theCard = s.page.locator(sel('issue-card', { 'issue-id': id }))
      await card.click()
      const drawer = s.page.locator(sel('issue-drawer'))
      await drawer.locator(sel('issue-move-accepted')).click()
      await until(async () => (await theCard.getAttribute('data-status')) === 'accepted', { what: 'the card in 已受理' })
      assert.equal(await s.page.locator(`${sel('column-accepted')} ${sel('issue-card', { 'issue-id': id })}`).count(), 1, 'the card is in the accepted column')
      const comment = `端到端测试评论 ${crypto.randomUUID().slice(0, 8)}`
      await drawer.locator(sel('issue-comment')).fill(comment)
      await drawer.locator(sel('issue-comment-submit')).click()
      await drawer.locator(sel('issue-timeline')).filter({ hasText: comment }).waitFor()
      const doc = await apiGet(url, cookie, `/v1/issues/${id}`)
      assert.equal(doc.status, 'accepted', 'status through the API')
      assert.ok(doc.timeline.some((e) => e.text === comment), 'the comment is in the timeline')
      assert.ok(doc.timeline.some((e) => e.status === 'accepted'), 'the move is in the timeline')
      await close(s)
    })
  })

  test('a visit a phone syncs shows in the open console, then the ledger, then revoking the phone', async () => {
    const phone = path.join(tmp, 'phone.sqlite3')
    const summary = `端到端测试走访 ${crypto.randomUUID().slice(0, 8)}`
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7)
    const first = server.codes[0]
    let s, overview, hid, vid

    await step(`live: enrol ${first.name}'s phone, record a visit, sync; the console shows it`, pages, async () => {
      let r = await deviceSim('enrol', phone, url, first.code)
      assert.deepEqual(r.out, ['ok', first.stewardId], `enrol: ${r.stdout}${r.stderr}`)
      r = await deviceSim('sync', phone)
      assert.equal(r.out[0], 'ok', `first sync: ${r.stdout}${r.stderr}`)
      r = await deviceSim('visit', phone, summary)
      assert.equal(r.out[0], 'ok', `visit: ${r.stdout}${r.stderr}`)
      ;[, hid, vid] = r.out

      // The console open on that household's page and, beside it, on the overview.
      s = await consoleAs(USERS.supervisor)
      await goHash(s.page, `/households/${hid}`)
      await s.page.locator(sel('household-title')).waitFor()
      overview = await s.context.newPage()
      await overview.goto(`${url}/#/overview`)
      const monthRow = overview.locator(sel('overview-month-row', { month }))
      await monthRow.waitFor()
      const visitsThisMonth = async () => Number((await monthRow.locator('td').nth(1).innerText()).trim())
      const before = await visitsThisMonth()
      for (const p of [s.page, overview]) {
        await p.locator(sel('live-status', { state: 'open' })).waitFor()
        await p.evaluate(() => (window.__e2eNoReload = true))
      }
      assert.equal(await s.page.locator(sel('household-visit', { 'visit-id': vid })).count(), 0, 'not there before the sync')
      assert.ok(!(await s.page.locator('body').innerText()).includes(summary))

      r = await deviceSim('sync', phone)
      const synced = Date.now()
      assert.equal(r.out[0], 'ok', `sync: ${r.stdout}${r.stderr}`)
      assert.ok(Number(r.out[1]) >= 1, `pushed the visit: ${r.stdout}`)
      const row = s.page.locator(sel('household-visit', { 'visit-id': vid }))
      await Promise.all([
        until(async () => (await row.count()) > 0 && (await row.innerText()).includes(summary), { timeout: 5000, interval: 50, what: 'the visit on the household page' }).then(
          () => (timings['live: household page'] = Date.now() - synced),
        ),
        until(async () => (await visitsThisMonth()) === before + 1, { timeout: 5000, interval: 50, what: `the overview's ${month} visits ${before} → ${before + 1}` }).then(
          () => (timings['live: overview'] = Date.now() - synced),
        ),
      ])
      for (const p of [s.page, overview]) assert.equal(await p.evaluate(() => window.__e2eNoReload), true, 'the page was not reloaded')
      log(`  shown ${timings['live: household page']} ms (household page) and ${timings['live: overview']} ms (overview) after the sync`)
    })

    await step('ledger: export the visit ledger from the overview and read the XLSX back', pages, async () => {
      assert.ok(overview, 'the live step opened the overview')
      const [download, request] = await Promise.all([
        overview.waitForEvent('download'),
        overview.waitForRequest((r) => r.url().includes('/v1/reports/visit-ledger')),
        overview.locator(sel('ledger-export')).click(),
      ])
      const file = path.join(tmp, download.suggestedFilename())
      await download.saveAs(file)
      const q = new URL(request.url()).searchParams
      assert.equal(q.get('format'), 'xlsx')
      assert.equal(q.get('month'), month)
      q.delete('format')
      const json = await apiGet(url, await contextCookie(s.context, url), `/v1/reports/visit-ledger?${q}`)
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.readFile(file)
      const ws = wb.worksheets[0]
      const cells = (n) => ws.getRow(n).values.slice(1).map((v) => (v && typeof v === 'object' && 'richText' in v ? v.richText.map((t) => t.text).join('') : v))
      assert.ok(cells(1).some((v) => String(v).includes('遍访纪实台账')), `title row: ${cells(1)}`)
      const header = cells(3).map(String)
      const col = header.findIndex((h) => h.startsWith('情况'))
      assert.ok(header.some((h) => h.startsWith('走访时间')) && col >= 0, `header row 3: ${header}`)
      const data = []
      for (let n = 4; n <= ws.rowCount; n++) if (cells(n).some((v) => v !== null && v !== undefined && v !== '')) data.push(cells(n))
      log(`  ${download.suggestedFilename()}: ${data.length} data rows; JSON ${json.length} rows`)
      assert.equal(data.length, json.length, 'XLSX data rows = JSON rows')
      assert.ok(data.some((r) => r[col] === summary), 'the live visit is in the ledger')
      assert.ok(json.some((r) => r.summary === summary && r.visit_id === vid), 'and in the JSON')
    })

    await step('revoke: revoke the phone on the stewards screen; its sync is refused', pages, async () => {
      assert.ok(s, 'the live step opened the console')
      await overview?.close()
      const cookie = await contextCookie(s.context, url)
      const devices = (await apiGet(url, cookie, '/v1/devices')).filter((d) => d.steward_id === first.stewardId && !d.revoked_at)
      assert.equal(devices.length, 1, `one live device of ${first.name}: ${JSON.stringify(devices)}`)
      const device = devices[0].id
      await goHash(s.page, '/stewards')
      const row = s.page.locator(sel('device-row', { 'device-id': device }))
      await until(async () => (await row.getAttribute('data-revoked')) === 'false', { what: 'the device row, not revoked' })
      await row.locator(sel('device-revoke')).click()
      const dialog = s.page.locator(sel('confirm-dialog')).filter({ hasText: first.name })
      await dialog.locator(sel('confirm-ok')).click()
      await until(async () => (await row.getAttribute('data-revoked')) === 'true', { what: 'data-revoked="true"' })
      assert.equal(await row.locator(sel('device-revoke')).count(), 0, 'no revoke button on a revoked phone')
      const d = (await apiGet(url, cookie, '/v1/devices')).find((x) => x.id === device)
      assert.ok(d.revoked_at, 'revoked through the API')
      const r = await deviceSim('sync', phone)
      assert.equal(r.code, 3, `device-sim sync exit status (${r.stdout}${r.stderr})`)
      assert.deepEqual(r.out, ['error', 'unauthorized'])
      await close(s)
    })
  })
})
