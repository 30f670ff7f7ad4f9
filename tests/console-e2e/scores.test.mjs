// Scoring the property companies (评价物业) in the console end to end, against the demo: rules are
// published for this quarter and the last; last quarter 蜀汉美郡 has two stewards' scores (total
// 83.8, rank 1), this quarter none yet. The community supervisor reads last quarter's ranking and
// 蜀汉美郡's detail (equal to the API's), a quarter without rules says so; the property company sees
// its compound and no steward's name; the admin publishes next quarter's rules (a sum of 90 keeps
// publishing disabled, 100 publishes, and the API then has those criteria).
//
//   node --test tests/console-e2e/scores.test.mjs   (STEWARD_SERVER_BIN, DEVICE_SIM_BIN as for the others)
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { USERS, api, apiGet, apiSignIn, contextCookie, goHash, launchBrowser, menuNames, newPage, sel, signIn, startServer, step, until } from './helpers.mjs'

const SHUHAN = '蜀汉美郡'
const STEWARDS = ['李秀英', '王建国']

function shift(q, by) {
  const [y, n] = q.split('-Q').map(Number)
  const i = y * 4 + (n - 1) + by
  return `${Math.floor(i / 4)}-Q${(i % 4) + 1}`
}

describe('scoring the property companies in the console', { timeout: 180_000 }, () => {
  let tmp, server, browser, url
  const open = new Set()
  const pages = () => [...open]
  const ids = {}
  const contexts = new Set()
  let thisQ, lastQ, nextQ

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
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'console-scores-'))
    await step('scores-start: demo server and Chromium', [], async () => {
      ;[server, browser] = await Promise.all([startServer(tmp), launchBrowser()])
      url = server.url
      const cookie = await apiSignIn(url, USERS.community)
      for (const p of await apiGet(url, cookie, '/v1/places')) if (p.kind === 'compound') ids[p.name] = p.id
      assert.ok(ids[SHUHAN], SHUHAN)
      // The server's current quarter (its default).
      thisQ = (await apiGet(url, cookie, '/v1/reports/scores')).quarter
      lastQ = shift(thisQ, -1)
      nextQ = shift(thisQ, 1)
    })
  })

  after(async () => {
    await browser?.close().catch(() => {})
    await server?.stop()
    if (tmp && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true })
  })

  test("the community supervisor reads last quarter's ranking: 蜀汉美郡 first, 2 scorers, 83.8, as the API", async () => {
    await step('scores-ranking: demo-community opens 物业评价, last quarter', pages, async () => {
      const s = await consoleAs(USERS.community)
      const cookie = await contextCookie(s.context, url)
      assert.ok((await menuNames(s.page)).includes('scores'), 'the menu has 物业评价')
      await s.page.locator(`${sel('menu')} ${sel('menu-scores')}`).click()
      await s.page.waitForURL(/#\/scores/)
      // This quarter by default: the rules are out, nobody has scored yet.
      await s.page.locator(sel('score-row', { 'compound-id': ids[SHUHAN] })).waitFor()
      assert.equal(await s.page.locator(sel('score-row', { 'compound-id': ids[SHUHAN] })).getAttribute('data-total'), '', 'no total this quarter')

      await s.page.locator(sel('quarter-last')).click()
      await s.page.waitForURL(new RegExp(`quarter=${lastQ}`))
      const report = await apiGet(url, cookie, `/v1/reports/scores?quarter=${lastQ}`)
      const mine = report.compounds.find((c) => c.compound_id === ids[SHUHAN])
      assert.deepEqual([mine.rank, mine.scorers, mine.total], [1, 2, 83.8], 'the demo: 蜀汉美郡 ranked 1 by 2 stewards, 83.8')
      const row = s.page.locator(sel('score-row', { 'compound-id': ids[SHUHAN], rank: mine.rank }))
      await row.waitFor()
      assert.equal(await row.getAttribute('data-scorers'), String(mine.scorers))
      assert.equal(await row.getAttribute('data-total'), String(mine.total))
      assert.equal((await row.locator(sel('score-rank')).innerText()).trim(), '1')
      assert.equal((await row.locator(sel('score-scorers')).innerText()).trim(), '2')
      assert.equal((await row.locator(sel('score-total')).innerText()).trim(), '83.8')
      // The ranking is the API's order; each criterion's mean beside it.
      const order = await s.page.locator(sel('score-row')).evaluateAll((els) => els.map((e) => e.getAttribute('data-compound-id')))
      assert.deepEqual(order, report.compounds.map((c) => c.compound_id))
      const means = await row.locator(sel('score-average')).allInnerTexts()
      assert.deepEqual(means, mine.criteria.map((c) => c.average.toFixed(1)))

      // The detail: 蜀汉美郡 (ranked first), each criterion with its issues link, the comments by criterion, the trend.
      await row.click()
      const detail = s.page.locator(sel('score-detail', { 'compound-id': ids[SHUHAN] }))
      await detail.waitFor()
      const marked = await detail.locator(sel('score-marked-down')).allInnerTexts()
      assert.deepEqual(marked.map(Number), mine.criteria.map((c) => c.marked_down))
      const links = detail.locator(sel('score-issues'))
      assert.equal(await links.count(), mine.criteria.length)
      const href = await links.first().getAttribute('href')
      assert.match(href, new RegExp(`#/issues\\?.*place=${ids[SHUHAN]}`), `to the board of the compound: ${href}`)
      assert.match(href, /category=sanitation_dead_corner/, "环境卫生's one category")
      assert.equal(await detail.locator(sel('score-comment')).count(), mine.comments.length, 'every comment')
      const groups = await detail.locator(sel('score-comment-group')).evaluateAll((els) => els.map((e) => e.getAttribute('data-criterion-id')))
      assert.deepEqual(groups, mine.criteria.filter((c) => mine.comments.some((x) => x.criterion_id === c.criterion_id)).map((c) => c.criterion_id), 'grouped in the rules order')
      await detail.locator(`${sel('chart-score-trend')} canvas`).first().waitFor()

      // The issues link opens the board filtered by the compound.
      await links.first().click()
      await s.page.waitForURL(new RegExp(`#/issues\\?.*place=${ids[SHUHAN]}`))
    })

    await step('scores-no-rules: a quarter without published rules says so', pages, async () => {
      const s = await consoleAs(USERS.community)
      const before = shift(thisQ, -2)
      const cookie = await contextCookie(s.context, url)
      assert.equal((await api(url, cookie, `/v1/reports/scores?quarter=${before}`)).status, 404)
      await goHash(s.page, `/scores?quarter=${before}`)
      await s.page.locator(sel('scores-no-rules')).filter({ hasText: '该季度尚未发布考评细则' }).waitFor()
      assert.equal(await s.page.locator(sel('scores-table')).count(), 0)
    })
  })

  test('the property company sees its own compound and no steward by name', async () => {
    await step('scores-property: demo-property opens 物业评价, last quarter', pages, async () => {
      const s = await consoleAs(USERS.property)
      const cookie = await contextCookie(s.context, url)
      assert.deepEqual(await menuNames(s.page), ['issues', 'decisions', 'scores'], 'menu items')
      await s.page.locator(`${sel('menu')} ${sel('menu-scores')}`).click()
      await s.page.waitForURL(/#\/scores/)
      await s.page.locator(sel('quarter-last')).click()
      const report = await apiGet(url, cookie, `/v1/reports/scores?quarter=${lastQ}`)
      assert.deepEqual(report.compounds.map((c) => c.compound_id), [ids[SHUHAN]], 'the API: its compound only')
      await s.page.locator(sel('score-row', { 'compound-id': ids[SHUHAN], total: '83.8' })).waitFor()
      assert.equal(await s.page.locator(sel('score-row')).count(), 1)
      assert.equal(await s.page.locator(sel('place-picker')).count(), 0, 'no place picker')
      await s.page.locator(sel('score-detail', { 'compound-id': ids[SHUHAN] })).locator(sel('score-comment')).first().waitFor()
      const text = await s.page.locator('body').innerText()
      for (const name of STEWARDS) {
        assert.ok(!text.includes(name), `the page names ${name}`)
        assert.ok(!JSON.stringify(report).includes(name), `the API names ${name}`)
      }
    })
  })

  test("the admin publishes next quarter's rules: 90 keeps publishing disabled, 100 publishes", async () => {
    await step('rules-publish: demo-admin opens 考评细则 for the next quarter', pages, async () => {
      const s = await consoleAs(USERS.admin)
      const cookie = await contextCookie(s.context, url)
      assert.equal((await api(url, cookie, `/v1/scoring-rules?quarter=${nextQ}`)).status, 404, 'not published yet')
      const current = await apiGet(url, cookie, `/v1/scoring-rules?quarter=${thisQ}`)
      await goHash(s.page, `/scores?quarter=${nextQ}`)
      await s.page.locator(sel('scores-no-rules')).waitFor()
      await s.page.locator(sel('open-rules')).click()
      await s.page.waitForURL(new RegExp(`#/scoring-rules\\?period=${nextQ}`))
      // Filled in from this quarter's rules.
      await s.page.locator(sel('rules-state', { state: 'prefilled' })).waitFor()
      const rows = s.page.locator(sel('rules-row'))
      assert.equal(await rows.count(), current.criteria.length)
      assert.deepEqual(await s.page.locator(sel('rules-name')).evaluateAll((els) => els.map((e) => e.value)), current.criteria.map((c) => c.name))
      const publish = s.page.locator(sel('rules-publish'))
      await s.page.locator(sel('rules-sum', { sum: 100 })).waitFor()

      // 环境卫生 30 → 20: the weights add up to 90, publishing waits.
      await rows.nth(0).locator(sel('rules-weight')).fill('20')
      await s.page.locator(sel('rules-sum', { sum: 90 })).waitFor()
      await s.page.locator(sel('rules-problem', { problem: 'sum' })).waitFor()
      assert.ok(await publish.isDisabled(), 'publish disabled at 90')

      // A new criterion of 10 makes 100.
      await s.page.locator(sel('rules-add')).click()
      const added = rows.nth(current.criteria.length)
      await added.locator(sel('rules-name')).fill('居民满意度')
      await added.locator(sel('rules-weight')).fill('10')
      await s.page.locator(sel('rules-sum', { sum: 100 })).waitFor()
      await until(async () => !(await publish.isDisabled()), { what: 'publish enabled at 100' })
      await publish.click()
      await s.page.locator(sel('rules-state', { state: 'published' })).waitFor()

      const published = await apiGet(url, cookie, `/v1/scoring-rules?quarter=${nextQ}`)
      assert.equal(published.period, nextQ)
      const want = [...current.criteria.map((c, i) => ({ name: c.name, weight: i === 0 ? 20 : c.weight, categories: c.categories })), { name: '居民满意度', weight: 10, categories: [] }]
      assert.deepEqual(published.criteria.map(({ name, weight, categories }) => ({ name, weight, categories })), want)
    })
  })
})
