// The volunteer and culture teams (志愿服务队、文化宣传队) in the console end to end, against the demo:
// one team, 蜀汉美郡红色志愿服务队 led by 李秀英, 4 members (2 stewards, 2 residents) and 3
// activities this year (36, 12 and 8 participants; the 8-participant 冬季消防安全巡查 recorded by the
// community). The community supervisor reads both tables (every row equal to the API's JSON),
// is refused an empty activity in the form (nothing sent), records an activity through the dialog
// (the POST's body; the new row, tagged 社区, and the API), adds a member, and sets up a team for
// 陈淑华 (汉韵花园) through the dialog. 汉韵花园's supervisor sees only that team; the property
// company has no 志愿服务队 and the server answers 403.
//
//   node --test tests/console-e2e/teams.test.mjs   (STEWARD_SERVER_BIN, DEVICE_SIM_BIN as for the others)
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import {
  USERS, api, apiGet, apiSignIn, contextCookie, goHash, launchBrowser, menuNames, newPage, screenshot, sel, settled, signIn, startServer, step, until,
} from './helpers.mjs'

const SHUHAN = '蜀汉美郡'
const HANYUN = '汉韵花园'
const TEAM = '蜀汉美郡红色志愿服务队'
const NEW_TEAM = '汉韵花园文化宣传队'
const TITLE = '迎新春文艺演出'
const NAMES = ['李秀英', '张大爷', '王阿姨']

/** `2026-12-02`, in the program's zone. */
function day(ms) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]),
  )
  return `${p.year}-${p.month}-${p.day}`
}

/** What a team's row should say, from the API's team. */
function teamCells(t) {
  return {
    name: t.name,
    kind: t.kind_zh,
    compound: t.compound,
    leader: t.steward,
    members: `${t.members} 人`,
    'members-split': `管家 ${t.steward_members} · 居民 ${t.resident_members}`,
    activities: String(t.activities),
    participants: String(t.participants),
  }
}
async function shownTeam(row) {
  const out = {}
  for (const k of Object.keys(teamCells({}))) out[k] = (await row.locator(sel(`team-${k}`)).innerText()).trim()
  return out
}

/** What an activity's row should say, from the API's activity. */
function activityCells(a) {
  return {
    date: day(a.held_at),
    compound: a.compound,
    team: a.team,
    kind: a.kind_zh,
    title: a.title,
    place: a.place,
    participants: String(a.participants),
    community: a.role === 'supervisor',
  }
}
async function shownActivity(row) {
  const out = {}
  for (const k of Object.keys(activityCells({ held_at: 0 }))) {
    if (k === 'community') out[k] = (await row.locator(sel('activity-community')).count()) === 1
    else out[k] = (await row.locator(sel(`activity-${k}`)).innerText()).trim()
  }
  return out
}

describe('volunteer and culture teams in the console', { timeout: 180_000 }, () => {
  let tmp, server, browser, url
  const open = new Set()
  const pages = () => [...open]
  const ids = {}
  const stewards = {}
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
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'console-teams-'))
    await step('teams-start: demo server and Chromium; the demo has one team with 4 members and 3 activities', [], async () => {
      ;[server, browser] = await Promise.all([startServer(tmp), launchBrowser()])
      url = server.url
      const cookie = await apiSignIn(url, USERS.community)
      for (const p of await apiGet(url, cookie, '/v1/places')) if (p.kind === 'compound') ids[p.name] = p.id
      assert.ok(ids[SHUHAN] && ids[HANYUN], 'both compounds')
      for (const s of await apiGet(url, cookie, '/v1/stewards')) stewards[s.name] = s.id
      assert.ok(stewards['李秀英'] && stewards['陈淑华'], 'the demo stewards')
      const report = await apiGet(url, cookie, '/v1/reports/teams')
      assert.deepEqual(report.teams.map((t) => [t.name, t.steward, t.compound, t.members, t.steward_members, t.resident_members]), [[TEAM, '李秀英', SHUHAN, 4, 2, 2]])
      assert.deepEqual(report.activities.map((a) => a.participants), [8, 12, 36], 'newest first: 8, 12, 36')
      assert.deepEqual([report.activities[0].title, report.activities[0].role], ['冬季消防安全巡查', 'supervisor'])
      assert.deepEqual([report.total, report.participants], [3, 56])
    })
  })

  after(async () => {
    await browser?.close().catch(() => {})
    await server?.stop()
    if (tmp && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true })
  })

  test('the community supervisor reads the tables, records an activity, adds a member and sets up a team', async () => {
    let s, cookie, teamId
    const team = () => s.page.locator(sel('team-row', { 'team-id': teamId }))

    await step("teams-table: demo-community opens 志愿服务队; both tables are the API's", pages, async () => {
      s = await consoleAs(USERS.community)
      cookie = await contextCookie(s.context, url)
      assert.ok((await menuNames(s.page)).includes('teams'), 'the menu has 志愿服务队')
      const item = s.page.locator(`${sel('menu')} ${sel('menu-teams')}`)
      assert.equal((await item.innerText()).trim(), '志愿服务队')
      await item.click()
      await s.page.waitForURL(/#\/teams/)
      const report = await apiGet(url, cookie, '/v1/reports/teams')
      await s.page.locator(sel('teams', { from: report.from, to: report.to })).waitFor()
      teamId = report.teams[0].id
      const rows = s.page.locator(sel('team-row'))
      await until(async () => (await rows.count()) === report.teams.length, { what: `${report.teams.length} team rows` })
      for (const t of report.teams) assert.deepEqual(await shownTeam(s.page.locator(sel('team-row', { 'team-id': t.id }))), teamCells(t), `${t.name}'s cells`)
      const acts = s.page.locator(sel('activity-row'))
      await until(async () => (await acts.count()) === report.activities.length, { what: `${report.activities.length} activity rows` })
      assert.deepEqual(await acts.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-activity-id'))), report.activities.map((a) => a.id), 'newest first, as the API')
      for (const a of report.activities) assert.deepEqual(await shownActivity(s.page.locator(sel('activity-row', { 'activity-id': a.id }))), activityCells(a), a.title)
      const fire = s.page.locator(sel('activity-row', { role: 'supervisor' }))
      assert.equal(await fire.count(), 1, 'one recorded by the community')
      assert.equal((await fire.locator(sel('activity-community')).innerText()).trim(), '社区')
      assert.equal((await fire.locator(sel('activity-title')).innerText()).trim().startsWith('冬季消防安全巡查'), true)
      const totals = s.page.locator(sel('teams-totals'))
      assert.deepEqual(
        await totals.evaluate((e) => [e.dataset.teams, e.dataset.members, e.dataset.activities, e.dataset.participants]),
        ['1', '4', String(report.total), String(report.participants)],
      )
      assert.ok((await totals.innerText()).includes('1 支队伍'), await totals.innerText())
      await screenshot(s.page, 'teams')
    })

    await step('teams-refused: an empty activity is refused in the form, nothing is sent; the server names what is wrong', pages, async () => {
      const posts = []
      const onRequest = (r) => r.method() === 'POST' && posts.push(r.url())
      s.page.on('request', onRequest)
      await team().locator(sel('activity-open')).click()
      const dialog = s.page.locator(sel('activity-dialog', { 'team-id': teamId }))
      await dialog.locator(sel('activity-title')).waitFor()
      await settled(dialog)
      await dialog.locator(sel('activity-save')).click()
      const error = (part) => dialog.locator(`${sel(`activity-${part}-item`)} .el-form-item__error`)
      await error('title').waitFor()
      assert.equal((await error('title').innerText()).trim(), '请填写活动名称')
      assert.equal((await error('place').innerText()).trim(), '请填写活动地点')
      assert.equal((await error('participants').innerText()).trim(), '请填写参与人数')
      await s.page.waitForTimeout(300)
      assert.deepEqual(posts, [], 'no POST sent')
      await screenshot(s.page, 'teams-refused', { fullPage: false })
      await dialog.locator(sel('activity-cancel')).click()
      await dialog.waitFor({ state: 'hidden' })
      s.page.off('request', onRequest)
      const r = await api(url, cookie, `/v1/teams/${teamId}/activities`, { method: 'POST', body: { kind: 'other', title: 'x', held_at: Date.now(), place: 'x', participants: 1, names: ['a', 'b'] } })
      assert.equal(r.status, 400)
      assert.match(r.body.message, /names/)
      assert.equal((await apiGet(url, cookie, '/v1/reports/teams')).total, 3, 'nothing recorded')
    })

    await step('teams-activity: 迎新春文艺演出 (40 participants, 3 names) through the dialog; the POST, the new row tagged 社区, and the API', pages, async () => {
      await team().locator(sel('activity-open')).click()
      const dialog = s.page.locator(sel('activity-dialog', { 'team-id': teamId }))
      await dialog.locator(sel('activity-title')).waitFor()
      await settled(dialog)
      assert.ok((await dialog.innerText()).includes(`记录活动 · ${TEAM}`), 'the title names the team')
      const shownDay = await dialog.locator(`${sel('activity-day-item')} input`).first().inputValue()
      assert.equal(shownDay, day(Date.now()), 'today by default')
      await dialog.locator(sel('activity-kind-performance')).click()
      await dialog.locator(sel('activity-title')).fill(TITLE)
      await dialog.locator(sel('activity-place')).fill('小区中心广场')
      await dialog.locator(`${sel('activity-participants')} input`).fill('40')
      await dialog.locator(sel('activity-names')).fill(NAMES.join('，'))
      await dialog.locator(sel('activity-names-count', { count: 3 })).waitFor()
      await screenshot(s.page, 'teams-activity', { fullPage: false })
      const [response] = await Promise.all([
        s.page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/teams/${teamId}/activities`),
        dialog.locator(sel('activity-save')).click(),
      ])
      assert.equal(response.status(), 200)
      const [y, m, d] = shownDay.split('-').map(Number)
      assert.deepEqual(JSON.parse(response.request().postData()), {
        kind: 'performance', title: TITLE, held_at: Date.UTC(y, m - 1, d, 4), place: '小区中心广场', participants: 40, names: NAMES,
      }, 'the POST body: noon in Shanghai')
      const record = await response.json()
      assert.equal(record.id, teamId)
      await dialog.waitFor({ state: 'hidden' })
      const report = await apiGet(url, cookie, '/v1/reports/teams')
      assert.deepEqual([report.total, report.participants], [4, 96])
      const added = report.activities.find((a) => a.title === TITLE)
      assert.ok(added, 'the API has it')
      assert.deepEqual([added.kind, added.role, added.participants, added.team], ['performance', 'supervisor', 40, TEAM])
      assert.equal(report.activities[0].id, added.id, 'newest first')
      const row = s.page.locator(sel('activity-row', { 'activity-id': added.id }))
      await row.waitFor()
      assert.deepEqual(await shownActivity(row), activityCells(added))
      assert.equal(await row.getAttribute('data-role'), 'supervisor')
      assert.equal((await row.locator(sel('activity-kind')).innerText()).trim(), '文艺演出')
      assert.equal(await s.page.locator(sel('activity-row')).first().getAttribute('data-activity-id'), added.id, 'first in the table')
      await until(async () => (await team().getAttribute('data-activities')) === '4', { what: 'the team: 4 activities' })
      assert.deepEqual(await shownTeam(team()), teamCells(report.teams[0]))
      await until(async () => (await s.page.locator(sel('teams-totals')).getAttribute('data-participants')) === '96', { what: 'totals: 96 participants' })
    })

    await step('teams-member: 张大爷 joins as a resident through 添加队员; 5 members', pages, async () => {
      await team().locator(sel('member-open')).click()
      const dialog = s.page.locator(sel('member-dialog', { 'team-id': teamId }))
      await dialog.locator(sel('member-name')).waitFor()
      await settled(dialog)
      await dialog.locator(sel('member-name')).fill('张大爷')
      await dialog.locator(sel('member-role-resident')).click()
      const [response] = await Promise.all([
        s.page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/teams/${teamId}/members`),
        dialog.locator(sel('member-save')).click(),
      ])
      assert.equal(response.status(), 200)
      assert.deepEqual(JSON.parse(response.request().postData()), { name: '张大爷', role: 'resident' })
      await dialog.waitFor({ state: 'hidden' })
      await until(async () => (await team().getAttribute('data-members')) === '5', { what: 'the team: 5 members' })
      assert.equal((await team().locator(sel('team-members-split')).innerText()).trim(), '管家 2 · 居民 3')
      const t = (await apiGet(url, cookie, '/v1/reports/teams')).teams.find((x) => x.id === teamId)
      assert.deepEqual([t.members, t.steward_members, t.resident_members], [5, 2, 3])
    })

    await step(`teams-create: 新建队伍 for 陈淑华 (${HANYUN}): ${NEW_TEAM}, a culture team; the row and the API`, pages, async () => {
      await s.page.locator(sel('team-create-open')).click()
      const dialog = s.page.locator(sel('team-create-dialog'))
      await dialog.locator(sel('team-name')).waitFor()
      await settled(dialog)
      // Nothing filled in: refused in the form.
      await dialog.locator(sel('team-name')).fill('')
      await dialog.locator(sel('team-create-save')).click()
      await dialog.locator(`${sel('team-steward-item')} .el-form-item__error`).waitFor()
      assert.equal((await dialog.locator(`${sel('team-steward-item')} .el-form-item__error`).innerText()).trim(), '请选择牵头管家')
      assert.equal((await dialog.locator(`${sel('team-name-item')} .el-form-item__error`).innerText()).trim(), '请填写队伍名称')
      // 陈淑华 from the steward picker (its list is teleported to <body>).
      const select = dialog.locator(sel('steward-select'))
      await select.click()
      const list = await select.locator('[aria-controls]').first().getAttribute('aria-controls')
      await s.page.locator(`[id="${list}"] li`).filter({ hasText: `陈淑华（${HANYUN}）` }).click()
      await dialog.locator(sel('team-name')).fill(NEW_TEAM)
      await dialog.locator(sel('team-kind-culture')).click()
      await screenshot(s.page, 'teams-create', { fullPage: false })
      const [response] = await Promise.all([
        s.page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/v1/teams'),
        dialog.locator(sel('team-create-save')).click(),
      ])
      assert.equal(response.status(), 201)
      assert.deepEqual(JSON.parse(response.request().postData()), { steward_id: stewards['陈淑华'], name: NEW_TEAM, kind: 'culture' })
      const record = await response.json()
      assert.equal(record.name, NEW_TEAM)
      await dialog.waitFor({ state: 'hidden' })
      const row = s.page.locator(sel('team-row', { 'team-id': record.id }))
      await row.waitFor()
      const t = (await apiGet(url, cookie, '/v1/reports/teams')).teams.find((x) => x.id === record.id)
      assert.ok(t, 'the API lists it')
      assert.deepEqual([t.name, t.kind, t.steward, t.compound], [NEW_TEAM, 'culture', '陈淑华', HANYUN])
      assert.deepEqual(await shownTeam(row), teamCells(t))
      assert.equal((await row.locator(sel('team-kind')).innerText()).trim(), '文化宣传队')
      await until(async () => (await s.page.locator(sel('team-row')).count()) === 2, { what: '2 teams' })
      await until(async () => (await s.page.locator(sel('teams-totals')).getAttribute('data-culture')) === '1', { what: 'totals: 1 culture team' })
      await screenshot(s.page, 'teams-created')
    })
  })

  test(`${HANYUN}'s supervisor sees only its compound's team`, async () => {
    await step(`teams-supervisor: demo-supervisor-2 sees ${NEW_TEAM} only, as the API`, pages, async () => {
      const s = await consoleAs(USERS.supervisor2)
      const cookie = await contextCookie(s.context, url)
      assert.ok((await menuNames(s.page)).includes('teams'), 'the menu has 志愿服务队')
      await s.page.locator(`${sel('menu')} ${sel('menu-teams')}`).click()
      await s.page.waitForURL(/#\/teams/)
      const report = await apiGet(url, cookie, '/v1/reports/teams')
      assert.deepEqual(report.teams.map((t) => [t.name, t.compound, t.steward]), [[NEW_TEAM, HANYUN, '陈淑华']], 'the API: 汉韵花园 only')
      assert.deepEqual(report.activities, [])
      const rows = s.page.locator(sel('team-row'))
      await until(async () => (await rows.count()) === 1, { what: '1 team row' })
      assert.equal(await rows.first().getAttribute('data-compound-id'), ids[HANYUN])
      assert.deepEqual(await shownTeam(rows.first()), teamCells(report.teams[0]))
      await s.page.locator(sel('teams-totals', { teams: 1, activities: 0 })).waitFor()
      assert.equal(await s.page.locator(sel('activity-row')).count(), 0)
      const text = await s.page.locator(sel('teams')).innerText()
      assert.ok(!text.includes(TEAM) && !text.includes(SHUHAN), 'nothing of 蜀汉美郡')
      // 蜀汉美郡's steward is not his to set a team up for.
      const li = await api(url, cookie, '/v1/teams', { method: 'POST', body: { steward_id: stewards['李秀英'], name: '越界的队伍', kind: 'volunteer' } })
      assert.equal(li.status, 404)
      await screenshot(s.page, 'teams-supervisor')
    })
  })

  test('the property company has no 志愿服务队 and the server says 403', async () => {
    await step('teams-property: no menu entry, the route goes back to the board, the API says 403', pages, async () => {
      const s = await consoleAs(USERS.property)
      const cookie = await contextCookie(s.context, url)
      assert.deepEqual(await menuNames(s.page), ['issues', 'decisions', 'scores'], 'menu items')
      assert.ok(!(await s.page.locator(sel('menu')).innerText()).includes('志愿服务队'))
      await goHash(s.page, '/teams', { wait: false })
      await s.page.waitForURL(/#\/issues/)
      assert.equal(await s.page.locator(sel('teams-table')).count(), 0)
      for (const q of ['', '?format=xlsx', '?format=csv']) assert.equal((await api(url, cookie, `/v1/reports/teams${q}`)).status, 403, `GET /v1/reports/teams${q}`)
      const post = await api(url, cookie, '/v1/teams', { method: 'POST', body: { steward_id: stewards['李秀英'], name: '物业的队伍', kind: 'volunteer' } })
      assert.equal(post.status, 403)
      const community = await apiSignIn(url, USERS.community)
      assert.equal((await apiGet(url, community, '/v1/reports/teams')).teams.length, 2, 'unchanged')
    })
  })
})
