// Screenshots of every screen of the console at 1366×768 and on a phone (390×844), into
// target/console-screens/<screen>-<width>.png, against its own demo server. Each screen is shot
// once its data is on it; the text of each is checked for untranslated i18n keys.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import {
  DESKTOP, PHONE, SCREENS, USERS, apiGet, apiSignIn, clearFailures, goHash, launchBrowser, log, newPage, screenshot, sel, settled, signIn, startServer, step, until,
} from './helpers.mjs'

/** An i18n key shown as it is (`nav.overview`, `common.total`): the console's own namespaces. */
const RAW_KEY = /\b(app|menu|nav|common|layout|login|overview|stewards|devices|enrol|households|household|plans|issues|meetings|decisions|pairing|figures|admin|accessLog|fields|clears|password|codes|scores|rules|campaigns|evaluation|teams|selection)\.[a-zA-Z][\w.]*/g

/** Waits until the page's ECharts canvases stop changing (their animations have ended). */
async function chartsSettled(page) {
  let last = ''
  let same = 0
  await until(
    async () => {
      const now = await page.evaluate(() =>
        [...document.querySelectorAll('canvas')].map((c) => {
          const d = c.toDataURL()
          let h = 0
          for (let i = 0; i < d.length; i += 7) h = (h * 31 + d.charCodeAt(i)) | 0
          return `${c.width}x${c.height}:${h}`
        }).join(','),
      )
      same = now && now === last ? same + 1 : 0
      last = now
      return same >= 2
    },
    { timeout: 8000, interval: 200, what: 'the charts to settle' },
  )
}

describe('screens of the console', { timeout: 180_000 }, () => {
  let tmp, server, browser, url
  const contexts = new Set()
  const open = () => [...contexts].flatMap((c) => c.pages())
  const shot = []
  const rawKeys = new Map()
  const untranslatedActions = new Set()

  async function as(user, viewport) {
    const s = await newPage(browser, { viewport, phone: viewport.width < 768 })
    contexts.add(s.context)
    await signIn(s.page, url, user)
    return s
  }
  const overflow = new Map()
  async function take(page, screen, width, { overlay = false } = {}) {
    const file = await screenshot(page, `${screen}-${width}`, { fullPage: !overlay })
    shot.push(path.basename(file))
    const text = await page.locator('body').innerText()
    const keys = [...new Set(text.match(RAW_KEY) ?? [])]
    if (keys.length) rawKeys.set(`${screen}-${width}`, keys)
    // Wider than the window: the page scrolls sideways (a phone zooms it out).
    const wide = await page.evaluate((w) => {
      const sw = document.documentElement.scrollWidth
      if (sw <= w + 1) return null
      const out = []
      for (const e of document.querySelectorAll('body *')) {
        const r = e.getBoundingClientRect()
        const pr = e.parentElement?.getBoundingClientRect()
        if (r.width > 0 && r.right > w + 1 && pr && pr.right <= w + 1 && getComputedStyle(e.parentElement).overflowX === 'visible')
          out.push(`${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/)[0] : ''}${e.dataset.test ? `[data-test=${e.dataset.test}]` : ''} to ${Math.round(r.right)} px`)
      }
      return `${sw} px wide: ${[...new Set(out)].slice(0, 3).join(', ')}`
    }, width)
    if (wide) {
      overflow.set(`${screen}-${width}`, wide)
      log(`  ${screen}-${width}: ${wide}`)
    }
  }

  before(async () => {
    clearFailures((f) => !f.startsWith('failure-screen'))
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'console-screens-'))
    await step('screens-start: demo server and Chromium', [], async () => {
      ;[server, browser] = await Promise.all([startServer(tmp), launchBrowser()])
      url = server.url
      fs.mkdirSync(SCREENS, { recursive: true })
    })
  })
  afterEach(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    contexts.clear()
  })
  after(async () => {
    await browser?.close().catch(() => {})
    await server?.stop()
    if (shot.length) log(`${shot.length} screenshots in ${SCREENS}`)
    if (tmp && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true })
  })

  for (const viewport of [DESKTOP, PHONE]) {
    const w = viewport.width
    test(`every screen at ${w}×${viewport.height}`, async () => {
      const cookie = await apiSignIn(url, USERS.community)
      const households = await apiGet(url, cookie, '/v1/households?per_page=50&sort=visits&order=desc')
      const household = households.rows[0]
      const stewards = await apiGet(url, cookie, '/v1/stewards')

      await step(`screen-login-${w}: the sign-in page`, open, async () => {
        const s = await newPage(browser, { viewport, phone: w < 768 })
        contexts.add(s.context)
        await s.page.goto(`${url}/#/login`)
        await s.page.locator(sel('login-submit')).waitFor()
        await take(s.page, 'login', w)
        // A wrong password is refused in words.
        await s.page.locator(sel('login-username')).fill('demo-supervisor')
        await s.page.locator(sel('login-password')).fill('wrong-password')
        await s.page.locator(sel('login-submit')).click()
        await s.page.locator(sel('login-error')).waitFor()
        await take(s.page, 'login-error', w)
      })

      const { page } = await as(USERS.community, viewport)

      await step(`screen-overview-${w}: overview`, open, async () => {
        await page.waitForURL(/#\/overview/)
        for (const c of ['chart-visits', 'chart-must-visits', 'chart-timely', 'chart-issues', 'chart-clears', 'chart-trend']) await page.locator(`${sel(c)} canvas`).first().waitFor()
        await page.locator(sel('overview-steward-row')).first().waitFor()
        await page.locator(sel('live-status', { state: 'open' })).waitFor()
        await chartsSettled(page)
        await take(page, 'overview', w)
      })

      if (w < 768) {
        await step(`screen-menu-${w}: the phone menu`, open, async () => {
          await page.locator(sel('menu-toggle')).click()
          const drawer = page.locator(sel('menu-drawer'))
          await drawer.locator(sel('menu-stewards')).waitFor()
          assert.equal(await page.locator(sel('menu')).count(), 0, 'no side menu on a phone')
          await settled(page.locator('.el-drawer').filter({ has: drawer }))
          await take(page, 'menu', w, { overlay: true })
          await drawer.locator(sel('menu-stewards')).click()
          await page.waitForURL(/#\/stewards/)
          await drawer.waitFor({ state: 'hidden' })
        })
      }

      await step(`screen-stewards-${w}: stewards, and the enrolment code's QR dialog`, open, async () => {
        await goHash(page, '/stewards')
        const rows = page.locator(sel('steward-row'))
        await until(async () => (await rows.count()) === stewards.length, { what: `${stewards.length} steward rows` })
        await page.locator(`${sel('steward-row')} td`).filter({ hasText: '%' }).first().waitFor()
        await take(page, 'stewards', w)
        await rows.first().locator(sel('issue-enrolment')).click()
        const dialog = page.locator(sel('enrol-dialog'))
        await dialog.locator(`${sel('enrol-qr')} svg`).waitFor()
        assert.match(await dialog.locator(sel('enrol-code')).innerText(), /[0-9A-Z]{4}/)
        assert.match(await dialog.locator(sel('enrol-qr')).getAttribute('data-uri'), /^redsteward:\/\/enrol\?server=/)
        await settled(dialog)
        await take(page, 'enrol', w, { overlay: true })
        await page.keyboard.press('Escape')
        await dialog.waitFor({ state: 'hidden' })
      })

      await step(`screen-households-${w}: households`, open, async () => {
        await goHash(page, '/households')
        await until(async () => (await page.locator(sel('households-total')).getAttribute('data-total')) === String(households.total), { what: 'the total' })
        await page.locator(sel('household-row')).first().waitFor()
        await take(page, 'households', w)
      })

      await step(`screen-household-${w}: a household's page`, open, async () => {
        await goHash(page, `/households/${household.id}`)
        await page.locator(sel('household-title')).filter({ hasText: household.head_name }).waitFor()
        await page.locator(sel('household-visit')).first().waitFor()
        await take(page, 'household', w)
      })

      await step(`screen-plans-${w}: plans (a steward's month)`, open, async () => {
        await goHash(page, `/plans?steward_id=${stewards[0].id}`)
        await page.locator(sel('plan-row')).first().waitFor()
        await page.locator(sel('plan-count')).waitFor()
        await take(page, 'plans', w)
        await page.locator('#tab-holiday').click()
        await page.locator(sel('holiday-submit')).waitFor()
        await take(page, 'plans-holiday', w)
      })

      await step(`screen-issues-${w}: the issue board with the drawer open`, open, async () => {
        await goHash(page, '/issues')
        const card = page.locator(sel('issue-card')).first()
        await card.waitFor()
        await take(page, 'issues', w)
        await card.click()
        const drawer = page.locator(sel('issue-drawer'))
        await drawer.locator(sel('issue-description')).waitFor()
        await drawer.locator(`${sel('issue-timeline')} .el-timeline-item`).first().waitFor()
        await settled(drawer)
        await take(page, 'issue-drawer', w, { overlay: true })
      })

      await step(`screen-meetings-${w}: joint meetings of the quarter, with a meeting's drawer`, open, async () => {
        await goHash(page, '/meetings')
        await page.locator(sel('meeting-compound-row')).first().waitFor()
        await page.locator(sel('no-meeting')).first().waitFor()
        const row = page.locator(sel('meeting-row')).first()
        await row.waitFor()
        await take(page, 'meetings', w)
        await row.click()
        const drawer = page.locator(sel('meeting-drawer'))
        await drawer.locator(sel('decision-card')).first().waitFor()
        await drawer.locator(sel('attendee-party')).first().waitFor()
        await settled(drawer)
        await take(page, 'meeting-drawer', w, { overlay: true })
        await page.keyboard.press('Escape')
        await drawer.locator(sel('decision-card')).first().waitFor({ state: 'hidden' })
      })

      await step(`screen-decisions-${w}: the decisions by party`, open, async () => {
        await goHash(page, '/decisions')
        await page.locator(sel('decision-count-row')).first().waitFor()
        await page.locator(sel('decision-row')).first().waitFor()
        await take(page, 'decisions', w)
      })

      await step(`screen-pairing-${w}: pairing assistance by need and outcome, and the cases`, open, async () => {
        await goHash(page, '/pairing')
        await page.locator(sel('pairing-count-row', { need: 'tuition' })).waitFor()
        await until(async () => (await page.locator(sel('pairing-case-row')).count()) === 3, { what: '3 pairing cases' })
        await take(page, 'pairing', w)
      })

      await step(`screen-figures-${w}: the year in figures`, open, async () => {
        await goHash(page, '/figures')
        await until(async () => (await page.locator(sel('figure')).count()) === 7, { what: 'seven figures' })
        await take(page, 'figures', w)
      })

      await step(`screen-scores-${w}: the property scores of last quarter, ranked, with 蜀汉美郡's detail`, open, async () => {
        await goHash(page, '/scores')
        await page.locator(sel('quarter-last')).click()
        await page.locator(sel('score-row', { rank: 1 })).waitFor()
        const detail = page.locator(sel('score-detail'))
        await detail.locator(sel('score-comment')).first().waitFor()
        await detail.locator(`${sel('chart-score-trend')} canvas`).first().waitFor()
        await chartsSettled(page)
        await take(page, 'scores', w)
      })

      await step(`screen-campaigns-${w}: the campaigns, the start form, and a campaign's progress`, open, async () => {
        await goHash(page, '/campaigns')
        const row = page.locator(sel('campaign-row')).first()
        await row.waitFor()
        await take(page, 'campaigns', w)
        await page.locator(sel('campaign-new')).click()
        const dialog = page.locator(sel('campaign-start-dialog'))
        await dialog.locator(sel('field-row')).first().waitFor()
        await settled(dialog)
        await take(page, 'campaign-start', w, { overlay: true })
        await page.keyboard.press('Escape')
        await dialog.locator(sel('campaign-submit')).waitFor({ state: 'hidden' })
        await row.locator(sel('campaign-open')).click()
        await page.locator(sel('campaign-compound-row')).first().waitFor()
        await page.locator(sel('campaign-household-row')).first().waitFor()
        await take(page, 'campaign', w)
      })

      await step(`screen-evaluation-${w}: the half-year steward evaluation, and the score dialog`, open, async () => {
        await goHash(page, '/evaluation')
        const rows = page.locator(sel('evaluation-row'))
        await until(async () => (await rows.count()) === stewards.length, { what: `${stewards.length} evaluation rows` })
        await page.locator(sel('evaluation-row', { evaluated: 'true' })).locator(sel('ind-score')).waitFor()
        await take(page, 'evaluation', w)
        await page.locator(sel('evaluation-row', { evaluated: 'true' })).locator(sel('evaluate-open')).click()
        const dialog = page.locator(sel('evaluation-dialog'))
        await dialog.locator(sel('evaluation-month')).first().waitFor()
        await settled(dialog)
        await take(page, 'evaluation-dialog', w, { overlay: true })
        await page.keyboard.press('Escape')
        await dialog.locator(sel('evaluation-save')).waitFor({ state: 'hidden' })
      })

      await step(`screen-teams-${w}: the volunteer and culture teams, and the record-activity dialog`, open, async () => {
        await goHash(page, '/teams')
        await page.locator(sel('team-row')).first().waitFor()
        await page.locator(sel('activity-row')).first().waitFor()
        await page.locator(sel('teams-totals')).waitFor()
        await take(page, 'teams', w)
        await page.locator(sel('team-row')).first().locator(sel('activity-open')).click()
        const dialog = page.locator(sel('activity-dialog'))
        await dialog.locator(sel('activity-title')).waitFor()
        await settled(dialog)
        await take(page, 'teams-activity', w, { overlay: true })
        await page.keyboard.press('Escape')
        await dialog.locator(sel('activity-save')).waitFor({ state: 'hidden' })
      })

      await step(`screen-selection-${w}: the selection of stewards (选任), an application, the new-application form and the printable notice`, open, async () => {
        await goHash(page, '/selection')
        await page.locator(sel('selection', { mode: 'staff' })).waitFor()
        await page.locator(`${sel('selection-waiting-table')} ${sel('application-row')}`).first().waitFor()
        await page.locator(`${sel('selection-table')} ${sel('application-row')}`).first().waitFor()
        await take(page, 'selection', w)
        await page.locator(sel('selection-new')).click()
        const dialog = page.locator(sel('application-dialog'))
        await dialog.locator(sel('application-name')).waitFor()
        await settled(dialog)
        await take(page, 'selection-new', w, { overlay: true })
        await page.keyboard.press('Escape')
        await dialog.locator(sel('application-submit')).waitFor({ state: 'hidden' })
        const zhou = page.locator(`${sel('selection-table')} ${sel('row-open')}`).filter({ hasText: '周明' })
        await zhou.click()
        await page.locator(sel('step-form-appoint')).waitFor()
        await page.locator(sel('department')).first().waitFor()
        await take(page, 'selection-application', w)
        await goHash(page, '/selection/notice')
        await page.locator(sel('notice-sheet')).waitFor()
        await take(page, 'selection-notice', w)
      })

      const property = await as(USERS.property, viewport)
      await step(`screen-referral-${w}: the property company's form to pass a resident's matter on`, open, async () => {
        await goHash(property.page, '/issues')
        await property.page.locator(sel('origin-tag')).first().waitFor()
        await property.page.locator(sel('referral-new')).click()
        const dialog = property.page.locator(sel('referral-dialog'))
        await dialog.locator(sel('referral-category-schooling')).waitFor()
        await settled(dialog)
        await take(property.page, 'referral', w, { overlay: true })
        await property.page.keyboard.press('Escape')
        await dialog.locator(sel('referral-submit')).waitFor({ state: 'hidden' })
      })
      await step(`screen-decisions-property-${w}: the property company's own decisions, with the drawer`, open, async () => {
        await goHash(property.page, '/decisions')
        const row = property.page.locator(sel('decision-row', { status: 'open' })).first()
        await row.waitFor()
        await take(property.page, 'decisions-property', w)
        await row.click()
        const drawer = property.page.locator(sel('meeting-drawer'))
        await drawer.locator(sel('follow-up-done')).first().waitFor()
        await settled(drawer)
        await take(property.page, 'decision-drawer-property', w, { overlay: true })
      })

      const admin = await as(USERS.admin, viewport)
      await step(`screen-admin-${w}: places and accounts`, open, async () => {
        await goHash(admin.page, '/admin')
        await admin.page.locator(sel('place-tree')).getByText('蜀汉美郡').first().waitFor()
        await take(admin.page, 'admin', w)
        // The tabs have no data-test of their own: Element Plus names them #tab-<name>.
        await admin.page.locator('#tab-users').click()
        await admin.page.locator(`${sel('users-table')} tbody tr`).filter({ hasText: 'demo-property' }).waitFor()
        await take(admin.page, 'admin-users', w)
      })
      await step(`screen-scoring-rules-${w}: the rules form for the next quarter, filled in from this one's`, open, async () => {
        await goHash(admin.page, '/scoring-rules')
        await admin.page.locator(sel('rules-state', { state: 'prefilled' })).waitFor()
        await admin.page.locator(sel('rules-sum', { sum: 100 })).waitFor()
        await take(admin.page, 'scoring-rules', w)
      })
      await step(`screen-selection-summary-${w}: an admin reads only the selection's counts`, open, async () => {
        await goHash(admin.page, '/selection')
        await admin.page.locator(sel('selection', { mode: 'summary' })).waitFor()
        await admin.page.locator(sel('summary-row')).first().waitFor()
        await take(admin.page, 'selection-summary', w)
      })
      await step(`screen-access-log-${w}: the access log`, open, async () => {
        await goHash(admin.page, '/access-log')
        await admin.page.locator(`${sel('access-log-table')} tbody tr`).first().waitFor()
        await take(admin.page, 'access-log', w)
        // The action column in words: only the format may be in Latin letters.
        const actions = await admin.page.locator(`${sel('access-log-table')} tbody tr td:nth-child(4)`).allInnerTexts()
        for (const a of actions) if (/[a-z]{3,}/.test(a.replace(/JSON|CSV|XLSX/g, ''))) untranslatedActions.add(a.trim())
      })
    })
  }

  test('no screen shows an untranslated i18n key', () => {
    assert.deepEqual(Object.fromEntries(rawKeys), {}, 'raw i18n keys on the screens')
  })

  test('the access log names every action in Chinese', () => {
    assert.deepEqual([...untranslatedActions], [])
  })
  test('no screen is wider than the window', () => {
    assert.deepEqual(Object.fromEntries(overflow), {})
  })
})
