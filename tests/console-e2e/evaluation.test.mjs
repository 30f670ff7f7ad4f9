// The half-year steward evaluation (每半年考核评价) in the console end to end, against the demo: 3
// stewards (李秀英 and 王建国 in 蜀汉美郡, 陈淑华 in 汉韵花园); 王建国 is evaluated for the half under
// way (88, a comment starting 走访扎实). The community supervisor reads the table (every cell equal
// to the API's JSON), picks the last half, scores 李秀英 92 with a comment through the dialog (the
// PUT's body; the row and the API then say 92), is refused 101 in the form (nothing sent, nothing
// changed; the server, asked directly, names the field) and exports the XLSX (3 data rows, 李秀英's
// 92). 蜀汉美郡's supervisor sees only its two stewards; the property company has no 考核评价 and the
// server answers 403.
//
//   node --test tests/console-e2e/evaluation.test.mjs   (STEWARD_SERVER_BIN, DEVICE_SIM_BIN as for the others)
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import ExcelJS from 'exceljs'
import {
  USERS, api, apiGet, apiSignIn, contextCookie, goHash, launchBrowser, log, menuNames, newPage, screenshot, sel, settled, signIn, startServer, step,
  until,
} from './helpers.mjs'

const SHUHAN = '蜀汉美郡'
const HANYUN = '汉韵花园'
const COMMENT = '入户走访细致，必访对象台账清楚；下半年请加强四及时响应。'

/** `2026-H2` → `2026年下半年`. */
function halfLabel(h) {
  const [y, n] = h.split('-H')
  return `${y}年${n === '1' ? '上' : '下'}半年`
}
function previousHalf(h) {
  const [y, n] = h.split('-H').map(Number)
  return n === 2 ? `${y}-H1` : `${y - 1}-H2`
}

/** What each cell of a steward's row should say, from the API's row. */
function expectedCells(r) {
  return {
    compound: r.compound,
    steward: r.steward,
    visits: String(r.visits),
    households: `${r.households_visited}/${r.households}`,
    norm: `${r.months_meeting_norm}/6`,
    'must-visits': `${r.must_visits_answered}/${r.must_visits}`,
    timely: `${r.timely_on_time}/${r.timely}`,
    'clear-party': `${r.party_member_known}/${r.households}`,
    'clear-basic': `${r.basic_profile_complete}/${r.households}`,
    'clear-key-service': `${r.key_service_known}/${r.households}`,
    issues: `${r.issues_reported}/${r.issues_verified}`,
    meetings: `${r.meetings_held} 次`,
    decisions: `${r.decisions_followed}/${r.decisions}`,
    score: r.score === null ? '未评价' : String(r.score),
  }
}

/** The row's cells (`data-test="ind-<key>"`) as shown. */
async function shownCells(row) {
  const out = {}
  for (const k of Object.keys(expectedCells({ households: 0 }))) out[k] = (await row.locator(sel(`ind-${k}`)).innerText()).trim()
  return out
}

/** Opens an el-select and clicks its option `data-test=option` in its own (teleported) list. */
async function pick(page, select, option) {
  await select.click()
  const list = await select.locator('[aria-controls]').first().getAttribute('aria-controls')
  await page.locator(`[id="${list}"] ${sel(option)}`).click()
}

describe('the half-year steward evaluation in the console', { timeout: 180_000 }, () => {
  let tmp, server, browser, url
  const open = new Set()
  const pages = () => [...open]
  const ids = {}
  const stewards = {}
  const contexts = new Set()
  let half

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
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'console-evaluation-'))
    await step('evaluation-start: demo server and Chromium', [], async () => {
      ;[server, browser] = await Promise.all([startServer(tmp), launchBrowser()])
      url = server.url
      const cookie = await apiSignIn(url, USERS.community)
      for (const p of await apiGet(url, cookie, '/v1/places')) if (p.kind === 'compound') ids[p.name] = p.id
      assert.ok(ids[SHUHAN] && ids[HANYUN], 'both compounds')
      const report = await apiGet(url, cookie, '/v1/reports/evaluation')
      half = report.half
      assert.match(half, /^\d{4}-H[12]$/)
      for (const r of report.stewards) stewards[r.steward] = r.steward_id
      assert.deepEqual(report.stewards.map((r) => [r.steward, r.compound]).sort(), [['李秀英', SHUHAN], ['王建国', SHUHAN], ['陈淑华', HANYUN]].sort(), 'the demo: 3 stewards')
      const wang = report.stewards.find((r) => r.steward === '王建国')
      assert.equal(wang.score, 88, '王建国 is evaluated: 88')
      assert.ok(wang.comment.startsWith('走访扎实'), wang.comment)
      assert.equal(report.stewards.find((r) => r.steward === '李秀英').score, null, '李秀英 is not evaluated yet')
    })
  })

  after(async () => {
    await browser?.close().catch(() => {})
    await server?.stop()
    if (tmp && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true })
  })

  test('the community supervisor reads the table, scores 李秀英 92, is refused 101, and exports the XLSX', async () => {
    let s, cookie
    await step('evaluation-table: demo-community opens 考核评价; 3 rows with the API\'s numbers, 王建国\'s 88', pages, async () => {
      s = await consoleAs(USERS.community)
      cookie = await contextCookie(s.context, url)
      assert.ok((await menuNames(s.page)).includes('evaluation'), 'the menu has 考核评价')
      const item = s.page.locator(`${sel('menu')} ${sel('menu-evaluation')}`)
      assert.equal((await item.innerText()).trim(), '考核评价')
      await item.click()
      await s.page.waitForURL(/#\/evaluation/)
      await s.page.locator(sel('evaluation', { half })).waitFor()
      const report = await apiGet(url, cookie, `/v1/reports/evaluation?half=${half}`)
      const rows = s.page.locator(sel('evaluation-row'))
      await until(async () => (await rows.count()) === 3, { what: '3 rows' })
      // The API's order (by compound and name), one row per steward.
      assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-steward-id'))), report.stewards.map((r) => r.steward_id))
      for (const r of report.stewards) {
        const row = s.page.locator(sel('evaluation-row', { 'steward-id': r.steward_id }))
        assert.deepEqual(await shownCells(row), expectedCells(r), `${r.steward}'s cells`)
        assert.equal(await row.getAttribute('data-compound-id'), r.compound_id)
        assert.equal(await row.getAttribute('data-score'), r.score === null ? '' : String(r.score))
        const days = row.locator(sel('ind-must-visit-days'))
        if (r.must_visit_days === null) assert.equal(await days.count(), 0, `${r.steward}: no mean days`)
        else assert.equal((await days.innerText()).trim(), `平均 ${r.must_visit_days.toFixed(1)} 天`)
      }
      const wang = s.page.locator(sel('evaluation-row', { 'steward-id': stewards['王建国'] }))
      assert.equal((await wang.locator(sel('ind-score')).innerText()).trim(), '88')
      assert.ok((await wang.locator(sel('ind-comment')).innerText()).startsWith('走访扎实'))
      assert.equal(await wang.locator(sel('ind-comment')).getAttribute('title'), report.stewards.find((r) => r.steward === '王建国').comment, 'the whole comment in the title')
      assert.equal((await wang.locator(sel('evaluate-open')).innerText()).trim(), '修改评分')
      const li = s.page.locator(sel('evaluation-row', { 'steward-id': stewards['李秀英'] }))
      assert.equal((await li.locator(sel('ind-score')).innerText()).trim(), '未评价')
      assert.equal((await li.locator(sel('evaluate-open')).innerText()).trim(), '评分')
      // The picker names the half under way.
      assert.equal((await s.page.locator(sel('half-picker')).innerText()).trim(), halfLabel(half))
      assert.deepEqual(
        [await s.page.locator(sel('evaluation-count')).getAttribute('data-stewards'), await s.page.locator(sel('evaluation-count')).getAttribute('data-evaluated')],
        ['3', '1'],
      )
      await screenshot(s.page, 'evaluation')
    })

    await step('evaluation-half: the picker has the half under way and the three before; the last half is the API\'s', pages, async () => {
      const last = previousHalf(half)
      await s.page.locator(sel('half-picker')).click()
      const list = await s.page.locator(sel('half-picker')).locator('[aria-controls]').first().getAttribute('aria-controls')
      const options = s.page.locator(`[id="${list}"] [data-test^="half-"]`)
      await options.first().waitFor()
      const want = [half, last, previousHalf(last), previousHalf(previousHalf(last))]
      assert.deepEqual(await options.evaluateAll((els) => els.map((e) => e.getAttribute('data-test'))), want.map((h) => `half-${h}`))
      assert.deepEqual((await options.allInnerTexts()).map((x) => x.trim()), want.map(halfLabel))
      const [request] = await Promise.all([
        s.page.waitForRequest((r) => r.url().includes('/v1/reports/evaluation') && r.url().includes(`half=${last}`)),
        s.page.locator(`[id="${list}"] ${sel(`half-${last}`)}`).click(),
      ])
      assert.deepEqual(Object.fromEntries(new URL(request.url()).searchParams), { half: last })
      await s.page.waitForURL(new RegExp(`half=${last}`))
      await s.page.locator(sel('evaluation', { half: last })).waitFor()
      const report = await apiGet(url, cookie, `/v1/reports/evaluation?half=${last}`)
      assert.equal(report.half, last)
      for (const r of report.stewards) {
        const row = s.page.locator(sel('evaluation-row', { 'steward-id': r.steward_id }))
        await until(async () => (await row.locator(sel('ind-visits')).innerText()).trim() === String(r.visits), { what: `${r.steward}'s visits in ${last}` })
        assert.deepEqual(await shownCells(row), expectedCells(r), `${r.steward} in ${last}`)
      }
      // Back to the half under way.
      await s.page.locator(sel('half-this')).click()
      await s.page.locator(sel('evaluation', { half })).waitFor()
      await s.page.locator(sel('evaluation-row', { 'steward-id': stewards['王建国'], score: 88 })).waitFor()
    })

    await step('evaluation-score: 李秀英 scored 92 with a comment through the dialog; the PUT, the row and the API say 92', pages, async () => {
      const li = s.page.locator(sel('evaluation-row', { 'steward-id': stewards['李秀英'] }))
      const before = (await apiGet(url, cookie, `/v1/reports/evaluation?half=${half}`)).stewards.find((r) => r.steward === '李秀英')
      await li.locator(sel('evaluate-open')).click()
      const dialog = s.page.locator(sel('evaluation-dialog', { 'steward-id': stewards['李秀英'] }))
      await dialog.locator(sel('evaluation-score')).waitFor()
      await settled(dialog)
      // The steward's indicators, summed up: the API's.
      assert.ok((await dialog.innerText()).includes(`李秀英（${SHUHAN}）· ${halfLabel(half)}`), 'the title names the steward and the half')
      assert.equal((await dialog.locator(sel('sum-visits')).innerText()).trim(), String(before.visits))
      assert.equal((await dialog.locator(sel('sum-households')).innerText()).trim(), `${before.households_visited}/${before.households}`)
      assert.equal((await dialog.locator(sel('sum-timely')).innerText()).trim(), `${before.timely_on_time}/${before.timely}`)
      assert.equal((await dialog.locator(sel('sum-meetings')).innerText()).trim(), `召开 ${before.meetings_held} 次，商定事项跟进 ${before.decisions_followed}/${before.decisions}`)
      const months = await dialog.locator(sel('evaluation-month')).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-visited'))))
      assert.deepEqual(months, before.monthly_visited, 'the six months')
      const met = await dialog.locator(sel('evaluation-month', { met: 'true' })).count()
      assert.equal(met, before.months_meeting_norm, 'the months at the norm highlighted')
      const score = dialog.locator(`${sel('evaluation-score')} input`)
      const comment = dialog.locator(sel('evaluation-comment'))
      assert.equal(await score.inputValue(), '', 'not evaluated: no score yet')
      assert.equal(await comment.getAttribute('maxlength'), '2000')
      await score.fill('92')
      await comment.fill(COMMENT)
      assert.ok((await dialog.locator(`${sel('evaluation-comment-item')} .el-input__count`).innerText()).includes(`${[...COMMENT].length} / 2000`), 'the count shows')
      await screenshot(s.page, 'evaluation-dialog', { fullPage: false })
      const [response] = await Promise.all([
        s.page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === `/v1/evaluations/${stewards['李秀英']}/${half}`),
        dialog.locator(sel('evaluation-save')).click(),
      ])
      assert.equal(response.status(), 200)
      assert.deepEqual(JSON.parse(response.request().postData()), { score: 92, comment: COMMENT }, 'the PUT body')
      const record = await response.json()
      assert.deepEqual([record.steward_id, record.half, record.score, record.comment], [stewards['李秀英'], half, 92, COMMENT])
      assert.equal(record.indicators.visits, before.visits, "the record carries the steward's indicators")
      await dialog.waitFor({ state: 'hidden' })
      // The row, reloaded.
      await s.page.locator(sel('evaluation-row', { 'steward-id': stewards['李秀英'], score: 92 })).waitFor()
      assert.equal((await li.locator(sel('ind-score')).innerText()).trim(), '92')
      assert.equal(await li.locator(sel('ind-comment')).getAttribute('title'), COMMENT)
      assert.equal((await li.locator(sel('ind-comment')).innerText()).trim(), `${[...COMMENT].slice(0, 24).join('')}…`)
      assert.equal((await li.locator(sel('evaluate-open')).innerText()).trim(), '修改评分')
      await until(async () => (await s.page.locator(sel('evaluation-count')).getAttribute('data-evaluated')) === '2', { what: '2 evaluated' })
      const after = (await apiGet(url, cookie, `/v1/reports/evaluation?half=${half}`)).stewards.find((r) => r.steward === '李秀英')
      assert.deepEqual([after.score, after.comment], [92, COMMENT], 'the API now says 92')
      assert.ok(after.evaluated_at > 0)
    })

    await step('evaluation-refused: 101 is refused in the form, nothing is sent, nothing changes; the server names the field', pages, async () => {
      const puts = []
      const onRequest = (r) => r.method() === 'PUT' && puts.push(r.url())
      s.page.on('request', onRequest)
      const li = s.page.locator(sel('evaluation-row', { 'steward-id': stewards['李秀英'] }))
      await li.locator(sel('evaluate-open')).click()
      const dialog = s.page.locator(sel('evaluation-dialog', { 'steward-id': stewards['李秀英'] }))
      const score = dialog.locator(`${sel('evaluation-score')} input`)
      await score.waitFor()
      await settled(dialog)
      assert.equal(await score.inputValue(), '92', 'the form starts from the score given')
      assert.equal(await dialog.locator(sel('evaluation-comment')).inputValue(), COMMENT)
      await score.fill('101')
      await dialog.locator(sel('evaluation-save')).click()
      const error = dialog.locator(`${sel('evaluation-score-item')} .el-form-item__error`)
      await error.waitFor()
      assert.equal((await error.innerText()).trim(), '评分须为 0 到 100 的整数')
      await s.page.waitForTimeout(300)
      assert.deepEqual(puts, [], 'no PUT sent')
      assert.ok(await dialog.isVisible(), 'the dialog stays open')
      await screenshot(s.page, 'evaluation-refused', { fullPage: false })
      await dialog.locator(sel('evaluation-cancel')).click()
      await dialog.waitFor({ state: 'hidden' })
      s.page.off('request', onRequest)
      assert.equal(await li.getAttribute('data-score'), '92', 'the row still says 92')
      // The server refuses it too, naming the field; nothing changed.
      const r = await api(url, cookie, `/v1/evaluations/${stewards['李秀英']}/${half}`, { method: 'PUT', body: { score: 101, comment: 'x' } })
      assert.deepEqual([r.status, r.body.code, r.body.field], [400, 'invalid_field', 'score'])
      const bad = await api(url, cookie, `/v1/reports/evaluation?half=${half.slice(0, 4)}-H3`)
      assert.deepEqual([bad.status, bad.body.field], [400, 'half'])
      const now = (await apiGet(url, cookie, `/v1/reports/evaluation?half=${half}`)).stewards.find((x) => x.steward === '李秀英')
      assert.deepEqual([now.score, now.comment], [92, COMMENT], 'still 92')
    })

    await step('evaluation-export: the XLSX is the query plus format: 3 data rows, 李秀英\'s 92, 王建国\'s 88', pages, async () => {
      const [download, request] = await Promise.all([
        s.page.waitForEvent('download'),
        s.page.waitForRequest((r) => r.url().includes('/v1/reports/evaluation') && r.url().includes('format=')),
        s.page.locator(sel('export-xlsx')).click(),
      ])
      assert.deepEqual(Object.fromEntries(new URL(request.url()).searchParams), { half, format: 'xlsx' })
      const file = path.join(tmp, download.suggestedFilename())
      await download.saveAs(file)
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.readFile(file)
      const ws = wb.worksheets[0]
      const cells = (n) => ws.getRow(n).values.slice(1).map((v) => (v && typeof v === 'object' && 'richText' in v ? v.richText.map((t) => t.text).join('') : v))
      const headerAt = [...Array(ws.rowCount).keys()].map((i) => i + 1).find((n) => cells(n).some((v) => String(v).startsWith('社区评分')))
      assert.ok(headerAt, 'a header row with 社区评分')
      const header = cells(headerAt).map(String)
      const col = (name) => header.findIndex((h) => h.startsWith(name))
      const data = []
      for (let n = headerAt + 1; n <= ws.rowCount; n++) if (cells(n).some((v) => v !== null && v !== undefined && v !== '')) data.push(cells(n))
      log(`  ${download.suggestedFilename()}: header row ${headerAt}, ${data.length} data rows`)
      assert.equal(data.length, 3, '3 data rows')
      const byName = Object.fromEntries(data.map((r) => [r[col('管家')], r]))
      assert.deepEqual(Object.keys(byName).sort(), ['李秀英', '王建国', '陈淑华'].sort())
      assert.equal(byName['李秀英'][col('社区评分')], 92)
      assert.equal(byName['李秀英'][col('评语')], COMMENT)
      assert.equal(byName['王建国'][col('社区评分')], 88)
      const json = await apiGet(url, cookie, `/v1/reports/evaluation?half=${half}`)
      for (const r of json.stewards) assert.equal(byName[r.steward][col('走访人次')], r.visits, `${r.steward}'s visits in the file`)
    })
  })

  test(`蜀汉美郡's supervisor sees only its two stewards`, async () => {
    await step('evaluation-supervisor: demo-supervisor sees 李秀英 and 王建国 only, as the API', pages, async () => {
      const s = await consoleAs(USERS.supervisor)
      const cookie = await contextCookie(s.context, url)
      assert.ok((await menuNames(s.page)).includes('evaluation'), 'the menu has 考核评价')
      await s.page.locator(`${sel('menu')} ${sel('menu-evaluation')}`).click()
      await s.page.waitForURL(/#\/evaluation/)
      const report = await apiGet(url, cookie, `/v1/reports/evaluation?half=${half}`)
      assert.deepEqual(report.stewards.map((r) => r.steward).sort(), ['李秀英', '王建国'].sort(), 'the API: 蜀汉美郡 only')
      const rows = s.page.locator(sel('evaluation-row'))
      await until(async () => (await rows.count()) === 2, { what: '2 rows' })
      assert.deepEqual(new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-compound-id')))), new Set([ids[SHUHAN]]))
      for (const r of report.stewards) {
        const row = s.page.locator(sel('evaluation-row', { 'steward-id': r.steward_id }))
        assert.deepEqual(await shownCells(row), expectedCells(r), `${r.steward}'s cells`)
      }
      assert.deepEqual(report.stewards.map((r) => [r.steward, r.score]).sort(), [['李秀英', 92], ['王建国', 88]].sort())
      const text = await s.page.locator(sel('evaluation-table')).innerText()
      assert.ok(!text.includes('陈淑华') && !text.includes(HANYUN), 'nobody of 汉韵花园')
      // 汉韵花园's steward is not his to score.
      const chen = await api(url, cookie, `/v1/evaluations/${stewards['陈淑华']}/${half}`, { method: 'PUT', body: { score: 80 } })
      assert.equal(chen.status, 404)
      await screenshot(s.page, 'evaluation-supervisor')
    })
  })

  test('the property company has no 考核评价 and the server says 403', async () => {
    await step('evaluation-property: no menu entry, the route goes back to the board, the API says 403', pages, async () => {
      const s = await consoleAs(USERS.property)
      const cookie = await contextCookie(s.context, url)
      assert.deepEqual(await menuNames(s.page), ['issues', 'decisions', 'scores'], 'menu items')
      assert.ok(!(await s.page.locator(sel('menu')).innerText()).includes('考核评价'))
      await goHash(s.page, '/evaluation', { wait: false })
      await s.page.waitForURL(/#\/issues/)
      assert.equal(await s.page.locator(sel('evaluation-table')).count(), 0)
      for (const q of [`?half=${half}`, `?half=${half}&format=xlsx`, `?half=${half}&format=csv`]) {
        assert.equal((await api(url, cookie, `/v1/reports/evaluation${q}`)).status, 403, `GET /v1/reports/evaluation${q}`)
      }
      const put = await api(url, cookie, `/v1/evaluations/${stewards['李秀英']}/${half}`, { method: 'PUT', body: { score: 10 } })
      assert.equal(put.status, 403)
      const community = await apiSignIn(url, USERS.community)
      const li = (await apiGet(url, community, `/v1/reports/evaluation?half=${half}`)).stewards.find((r) => r.steward === '李秀英')
      assert.equal(li.score, 92, 'unchanged')
    })
  })
})
