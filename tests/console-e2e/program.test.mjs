// The program's newer parts in the console end to end, against the demo: the two-way feedback
// (双向沟通: the property company passes a resident's schooling matter on to 王建国 through its form;
// the community supervisor sees it tagged 物业反馈 on the board and filters by origin; the company
// only comments on it), pairing assistance (结对帮扶: the demo's three cases of 蜀汉美郡, tuition
// closed with a 6000-yuan subsidy, employment closed with a job, medical open) and the year in
// figures (年度数据: the API's figures on the page, a figure leads to its rows, one A4 page printed).
//
//   node --test tests/console-e2e/program.test.mjs   (STEWARD_SERVER_BIN, DEVICE_SIM_BIN as for the others)
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import {
  SCREENS, USERS, api, apiGet, apiSignIn, contextCookie, goHash, launchBrowser, log, menuNames, newPage, sel, signIn, startServer, step, until,
} from './helpers.mjs'

const SHUHAN = '蜀汉美郡'

/** Pages of a PDF: its `/Type /Page` objects (not the `/Pages` tree). */
function pdfPages(buffer) {
  return (buffer.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length
}

describe('two-way feedback, pairing assistance and the year in figures in the console', { timeout: 240_000 }, () => {
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
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'console-program-'))
    await step('program-start: demo server and Chromium', [], async () => {
      ;[server, browser] = await Promise.all([startServer(tmp), launchBrowser()])
      url = server.url
      const places = await apiGet(url, await apiSignIn(url, USERS.community), '/v1/places')
      for (const p of places) if (p.kind === 'compound') ids[p.name] = p.id
      assert.ok(ids[SHUHAN], `${SHUHAN} in ${JSON.stringify(places)}`)
    })
  })

  after(async () => {
    await browser?.close().catch(() => {})
    await server?.stop()
    if (tmp && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true })
  })

  test('the property company passes a schooling matter on to 王建国; the community sees it as 物业反馈; the company only comments', async () => {
    const text = `住户孩子随迁入学材料不全，家长多次来物业求助 ${crypto.randomUUID().slice(0, 6)}`
    const note = `物业已协助家长准备材料 ${crypto.randomUUID().slice(0, 6)}`
    let issueId, wang

    await step('referral-form: demo-property fills 反馈居民诉求 (王建国, 上学难, 2栋1单元)', pages, async () => {
      const s = await consoleAs(USERS.property)
      const cookie = await contextCookie(s.context, url)
      const stewards = await apiGet(url, cookie, '/v1/stewards')
      wang = stewards.find((x) => x.name === '王建国')
      assert.ok(wang, `王建国 among the company's stewards: ${JSON.stringify(stewards)}`)
      assert.ok(stewards.every((x) => x.compound_id === ids[SHUHAN]), 'only the stewards of its compound')
      await s.page.locator(sel('issue-card')).first().waitFor()

      await s.page.locator(sel('referral-new')).click()
      const dialog = s.page.locator(sel('referral-dialog'))
      await dialog.locator(sel('referral-submit')).waitFor()
      const cats = await dialog.locator('[data-test^="referral-category-"]').evaluateAll((els) => els.map((e) => e.textContent.trim()))
      assert.deepEqual(cats, ['上学难', '看病就医难', '就业困难', '生活困难', '其他'], 'the five categories')
      // Nothing is sent before the form is whole.
      await dialog.locator(sel('referral-submit')).click()
      await dialog.locator(sel('referral-error')).filter({ hasText: '请选择红色管家' }).waitFor()

      await dialog.locator(sel('referral-steward')).click()
      await s.page.locator(sel(`referral-steward-${wang.id}`)).click()
      await dialog.locator(sel('referral-category-schooling')).click()
      await dialog.locator(sel('referral-place')).fill('2栋1单元')
      await dialog.locator(sel('referral-description')).fill(text)
      const [posted] = await Promise.all([
        s.page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/issues' && r.request().method() === 'POST'),
        dialog.locator(sel('referral-submit')).click(),
      ])
      assert.equal(posted.status(), 200)
      issueId = (await posted.json()).id
      assert.match(issueId, /^[0-9a-f-]{36}$/)

      // The board then shows it, open in the drawer, tagged 物业反馈.
      await s.page.waitForURL((u) => u.hash.includes(`issue=${issueId}`))
      const drawer = s.page.locator(sel('issue-drawer'))
      await drawer.locator(sel('issue-description')).filter({ hasText: text }).waitFor()
      assert.equal((await drawer.locator(sel('issue-origin-tag')).innerText()).trim(), '物业反馈')
      const card = s.page.locator(sel('issue-card', { 'issue-id': issueId }))
      assert.equal((await card.locator(sel('origin-tag')).innerText()).trim(), '物业反馈')

      const doc = await apiGet(url, cookie, `/v1/issues/${issueId}`)
      assert.deepEqual(
        [doc.origin, doc.category, doc.place, doc.description, doc.route, doc.status, doc.reporter_id],
        ['property_company', 'schooling', '2栋1单元', text, 'community_coordination', 'reported', wang.id],
        'the issue as stored',
      )

      // Comments only: no move, not even the move note; the server agrees (422).
      assert.equal(await drawer.locator('[data-test^="issue-move-"]').count(), 0, 'no status move offered')
      assert.equal(await drawer.locator(sel('move-comment')).count(), 0, 'no move note')
      await drawer.locator(sel('referral-hint')).waitFor()
      await drawer.locator(sel('issue-comment')).fill(note)
      await drawer.locator(sel('issue-comment-submit')).click()
      await drawer.locator(sel('issue-timeline')).filter({ hasText: note }).waitFor()
      const after = await apiGet(url, cookie, `/v1/issues/${issueId}`)
      assert.ok(after.timeline.some((e) => e.text === note && e.role === 'property_company'), 'the comment, as the property company\'s')
      const move = await api(url, cookie, `/v1/issues/${issueId}/status`, { method: 'POST', body: { status: 'accepted', comment: '' } })
      assert.equal(move.status, 422, 'the property company may not move it')
    })

    await step('referral-board: demo-community sees it tagged 物业反馈 and filters the board by origin', pages, async () => {
      const s = await consoleAs(USERS.community)
      const cookie = await contextCookie(s.context, url)
      await goHash(s.page, '/issues')
      const card = s.page.locator(sel('issue-card', { 'issue-id': issueId }))
      await card.waitFor()
      assert.equal(await card.getAttribute('data-origin'), 'property_company')
      assert.equal((await card.locator(sel('origin-tag')).innerText()).trim(), '物业反馈')
      assert.equal(await card.getAttribute('data-status'), 'reported')
      assert.equal(await s.page.locator(sel('referral-new')).count(), 0, 'supervisors do not pass matters on')

      await s.page.locator(sel('filter-origin')).click()
      await s.page.locator(sel('origin-property_company')).click()
      await s.page.waitForURL((u) => u.hash.includes('origin=property_company'))
      const want = await apiGet(url, cookie, '/v1/reports/issues?origin=property_company&max_age_days=90&per_page=500')
      assert.ok(want.issues.some((i) => i.id === issueId), 'the API lists it under origin=property_company')
      const cards = s.page.locator(sel('issue-card'))
      await until(async () => (await cards.count()) === want.issues.length, { what: `${want.issues.length} cards` })
      const origins = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-origin')))
      assert.ok(origins.every((o) => o === 'property_company'), `only matters passed on: ${origins}`)
      assert.equal(await s.page.locator(`${sel('issue-card')} ${sel('origin-tag')}`).count(), want.issues.length, 'each tagged')

      // The community coordinates it: its moves are there.
      await card.click()
      const drawer = s.page.locator(sel('issue-drawer'))
      await drawer.locator(sel('issue-origin-tag')).waitFor()
      await drawer.locator(sel('issue-timeline')).filter({ hasText: note }).waitFor()
      await drawer.locator(sel('issue-move-accepted')).waitFor()
      assert.equal(await drawer.locator(sel('referral-hint')).count(), 0)
      await s.page.keyboard.press('Escape')

      // The overview's issue figure counts the matters passed on apart.
      await goHash(s.page, '/overview')
      const counts = (await apiGet(url, cookie, '/v1/reports/issues?counts_only=true')).counts
      const passedOn = counts.filter((c) => c.origin === 'property_company').reduce((n, c) => n + c.count, 0)
      assert.ok(passedOn >= 1)
      await until(async () => (await s.page.locator(sel('overview-passed-on')).getAttribute('data-count')) === String(passedOn), { what: `${passedOn} passed on` })
      const total = counts.reduce((n, c) => n + c.count, 0)
      const rows = s.page.locator(sel('overview-status-row'))
      await until(async () => (await rows.count()) === 6, { what: 'six status rows' })
      const shown = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1, 3).reduce((n, td) => n + Number(td.textContent.trim()), 0)))
      assert.equal(shown.reduce((a, b) => a + b, 0), total, 'the status rows add up to every issue')
    })
  })

  test('the community\'s 结对帮扶 page: three cases, tuition closed with a 6000-yuan subsidy', async () => {
    await step('pairing-page: demo-community opens 结对帮扶', pages, async () => {
      const s = await consoleAs(USERS.community)
      const cookie = await contextCookie(s.context, url)
      assert.ok((await menuNames(s.page)).includes('pairing'), 'the menu has 结对帮扶')
      await s.page.locator(`${sel('menu')} ${sel('menu-pairing')}`).click()
      await s.page.waitForURL(/#\/pairing/)
      const report = await apiGet(url, cookie, '/v1/reports/pairing')
      assert.equal(report.total, 3)
      const rows = s.page.locator(sel('pairing-case-row'))
      await until(async () => (await rows.count()) === 3, { what: '3 case rows' })
      const shown = await rows.evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-case-id')} ${tr.getAttribute('data-need')} ${tr.getAttribute('data-status')}`))
      assert.deepEqual(new Set(shown), new Set(report.cases.map((c) => `${c.id} ${c.need} ${c.closed_at ? 'closed' : 'open'}`)), 'the rows are the API\'s')
      assert.equal(await s.page.locator(sel('pairing-total')).getAttribute('data-total'), '3')

      const tuition = s.page.locator(sel('pairing-count-row', { need: 'tuition' }))
      assert.equal(await tuition.locator(sel('count-subsidy')).getAttribute('data-value'), '1', 'tuition: one subsidy')
      assert.equal(await tuition.locator(sel('count-amount')).getAttribute('data-value'), '6000', 'tuition: 6000 yuan')
      assert.equal((await tuition.locator(sel('count-amount')).innerText()).trim(), '6,000')
      assert.equal(await s.page.locator(sel('pairing-count-row', { need: 'employment' })).locator(sel('count-job')).getAttribute('data-value'), '1')
      assert.equal(await s.page.locator(sel('pairing-count-row', { need: 'medical' })).locator(sel('count-open')).getAttribute('data-value'), '1')
      assert.ok((await s.page.locator(`${sel('pairing-counts')} .el-table__footer`).innerText()).includes('6,000'), 'the sums row')

      // A closed-with-subsidy filter is the server's, and a case leads to its household.
      await goHash(s.page, '/pairing?outcome=subsidy')
      await until(async () => (await rows.count()) === 1, { what: 'one subsidy case' })
      const c = report.cases.find((x) => x.outcome === 'subsidy')
      assert.equal(await rows.first().getAttribute('data-case-id'), c.id)
      await rows.first().locator(sel('pairing-household')).click()
      await s.page.locator(sel('household-page', { 'household-id': c.household_id })).waitFor()
      // On its 结对帮扶 tab: the case, closed with its subsidy.
      const onPage = s.page.locator(sel('household-pairing-case', { 'case-id': c.id }))
      await onPage.waitFor()
      assert.equal(await onPage.getAttribute('data-status'), 'closed')
      assert.ok((await onPage.locator(sel('household-pairing-outcome')).innerText()).includes('6,000'), 'the amount on the household page')
    })

    await step('pairing-property: the property company has no 结对帮扶 (403, sent back)', pages, async () => {
      const s = await consoleAs(USERS.property)
      const cookie = await contextCookie(s.context, url)
      assert.equal((await api(url, cookie, '/v1/reports/pairing')).status, 403)
      assert.equal((await api(url, cookie, '/v1/reports/figures')).status, 403)
      for (const r of ['/pairing', '/figures']) {
        await goHash(s.page, r, { wait: false })
        await s.page.waitForURL(/#\/issues/)
      }
    })
  })

  test('the town\'s year in figures: the API\'s figures, each to its rows, one A4 page in print', async () => {
    await step('figures-page: demo-town opens 年度数据 (high in its menu)', pages, async () => {
      const s = await consoleAs(USERS.town)
      const cookie = await contextCookie(s.context, url)
      const menu = await menuNames(s.page)
      assert.deepEqual(menu.slice(0, 2), ['overview', 'figures'], `figures right after the overview for the town: ${menu}`)
      await s.page.locator(`${sel('menu')} ${sel('menu-figures')}`).click()
      await s.page.waitForURL(/#\/figures/)
      const report = await apiGet(url, cookie, '/v1/reports/figures')
      const figures = s.page.locator(sel('figure'))
      await until(async () => (await figures.count()) === report.figures.length, { what: `${report.figures.length} figures` })
      assert.deepEqual(report.figures.map((f) => f.key), ['visits', 'opinions', 'meetings', 'compound_problems_solved', 'referrals', 'pairing', 'teams'])
      const shown = await figures.evaluateAll((els) =>
        els.map((e) => ({
          key: e.getAttribute('data-key'),
          value: Number(e.getAttribute('data-value')),
          parts: [...e.querySelectorAll('[data-test="figure-part"]')].map((p) => [p.getAttribute('data-key'), Number(p.getAttribute('data-value'))]),
          text: e.innerText,
        })),
      )
      for (const [i, f] of report.figures.entries()) {
        assert.equal(shown[i].key, f.key)
        assert.equal(shown[i].value, f.value, `${f.key}: the value`)
        assert.deepEqual(shown[i].parts, f.breakdown.map((p) => [p.key, p.value]), `${f.key}: the parts`)
        for (const w of [f.label_zh, f.unit_zh]) assert.ok(shown[i].text.includes(w), `${f.key} shows ${w}: ${shown[i].text}`)
      }
      assert.ok((await s.page.locator(sel('figures-period')).innerText()).includes(`${report.from} 至 ${report.to}`), 'the period')
      log(`  ${report.figures.map((f) => `${f.label_zh} ${f.value} ${f.unit_zh}`).join('，')}`)

      // 协调解决物业反馈的居民诉求 → the board's matters passed on.
      await s.page.locator(sel('figure', { key: 'referrals' })).click()
      await s.page.waitForURL((u) => u.hash.startsWith('#/issues') && u.hash.includes('origin=property_company'))
      await s.page.locator(sel('issue-card', { origin: 'property_company' })).first().waitFor()
      assert.equal(await s.page.locator(sel('issue-card', { origin: 'steward' })).count(), 0)

      // 结对帮扶 → the cases of the same period.
      await s.page.goBack()
      await s.page.locator(sel('figure', { key: 'pairing' })).click()
      await s.page.waitForURL((u) => u.hash.startsWith('#/pairing') && u.hash.includes(`from=${report.from}`) && u.hash.includes(`to=${report.to}`))
      const pairing = report.figures.find((f) => f.key === 'pairing')
      await until(async () => (await s.page.locator(sel('pairing-total')).getAttribute('data-total')) === String(pairing.value), { what: `${pairing.value} cases` })
    })

    await step('figures-print: the print stylesheet hides the menu and buttons; the page is one A4 page', pages, async () => {
      const s = await consoleAs(USERS.town)
      await goHash(s.page, '/figures')
      await s.page.locator(sel('figure')).nth(5).waitFor()
      await s.page.waitForFunction(() => !document.querySelector('.el-loading-mask'))
      await s.page.emulateMedia({ media: 'print' })
      for (const hidden of [sel('menu'), sel('user-menu'), sel('figures-filters'), sel('figures-print')]) {
        assert.equal(await s.page.locator(hidden).isVisible(), false, `${hidden} hidden in print`)
      }
      assert.equal(await s.page.locator(sel('figure')).first().isVisible(), true, 'the figures print')
      const pdf = await s.page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '12mm', right: '12mm' } })
      fs.mkdirSync(SCREENS, { recursive: true })
      fs.writeFileSync(path.join(SCREENS, 'figures-print.pdf'), pdf)
      assert.equal(pdfPages(pdf), 1, 'one A4 page')
      await s.page.emulateMedia({ media: 'screen' })
      assert.equal(await s.page.locator(sel('figures-filters')).isVisible(), true)
    })
  })
})
