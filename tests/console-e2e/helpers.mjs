// Helpers for the console's end-to-end test: a demo server in a temp directory, the steward's
// phone (`device-sim`, the real client crate), the HTTP API with a session cookie, Debian's
// Chromium through playwright-core, and steps that print one line each and leave a screenshot
// when they fail.
import { execFile, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const SERVER_BIN = process.env.STEWARD_SERVER_BIN ?? path.join(ROOT, 'target/debug/steward-sync-server')
export const DEVICE_SIM = process.env.DEVICE_SIM_BIN ?? path.join(ROOT, 'target/debug/device-sim')
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
export const SCREENS = path.join(ROOT, 'target/console-screens')
const DASHBOARD = path.join(ROOT, 'dashboard')

export const USERS = {
  supervisor: { username: 'demo-supervisor', password: 'hongse-guanjia' },
  supervisor2: { username: 'demo-supervisor-2', password: 'hanyun-huayuan' },
  community: { username: 'demo-community', password: 'yiyuan-shequ' },
  town: { username: 'demo-town', password: 'dahekan-zhen' },
  property: { username: 'demo-property', password: 'jiayuan-wuye' },
  admin: { username: 'demo-admin', password: 'hongse-admin-2026' },
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const T0 = Date.now()
/** One line of progress, with the seconds since the file started. */
export function log(msg) {
  console.log(`[${((Date.now() - T0) / 1000).toFixed(1).padStart(5)}s] ${msg}`)
}

/** Polls `fn` until it returns something truthy (returned) or the deadline passes (throws with the last value). */
export async function until(fn, { timeout = 5000, interval = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeout
  let last
  for (;;) {
    try {
      last = await fn()
      if (last) return last
    } catch (e) {
      last = e
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`)
    await sleep(interval)
  }
}

// -- binaries that another build may be replacing ------------------------------------------------

/** Waits (30 s at a time, up to 3 times) for a binary that a concurrent cargo build may have removed. */
async function waitForBinary(bin) {
  for (let i = 0; i < 3 && !fs.existsSync(bin); i++) {
    log(`${path.basename(bin)} is missing (being rebuilt?); waiting 30 s`)
    await sleep(30_000)
  }
  if (!fs.existsSync(bin)) throw new Error(`${bin} does not exist (build it with cargo build -p steward-sync-server -p steward-tests)`)
}

function run(bin, args, opts = {}) {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: 60_000, ...opts }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, errno: error && typeof error.code === 'string' ? error.code : null, stdout, stderr })
    })
  })
}

/**
 * `device-sim ARGS…` → `{ code, out: [words of stdout's last line], stdout, stderr }`. A binary
 * missing or busy being replaced, or a crash without an answer, is retried after 30 s.
 */
export async function deviceSim(...args) {
  for (let attempt = 1; ; attempt++) {
    await waitForBinary(DEVICE_SIM)
    const r = await run(DEVICE_SIM, args)
    const line = r.stdout.trim().split('\n').pop() ?? ''
    const answered = /^(ok|error)\b/.test(line)
    if (answered || attempt >= 3) return { ...r, out: line.split(/\s+/) }
    log(`device-sim ${args[0]} gave no answer (${r.errno ?? 'exit ' + r.code}: ${r.stderr.trim().split('\n').pop() ?? ''}); retrying in 30 s`)
    await sleep(30_000)
  }
}

// -- the console's build ------------------------------------------------------------------------

function newestMtime(p, skip = null) {
  if (skip?.test(p)) return 0
  let st
  try {
    st = fs.statSync(p)
  } catch {
    return 0
  }
  if (!st.isDirectory()) return st.mtimeMs
  let m = 0
  for (const e of fs.readdirSync(p)) m = Math.max(m, newestMtime(path.join(p, e), skip))
  return m
}

function distIsFresh() {
  const built = newestMtime(path.join(DASHBOARD, 'dist/index.html'))
  // src/api/schema.d.ts is generated from openapi.json by every `npm test` too: it does not count.
  const src = Math.max(newestMtime(path.join(DASHBOARD, 'src'), /schema\.d\.ts$/), newestMtime(path.join(DASHBOARD, 'index.html')), newestMtime(path.join(DASHBOARD, 'openapi.json')))
  return built > 0 && built >= src
}

/** Builds dashboard/dist when it is missing or older than dashboard/src (one test file at a time). */
export async function ensureDashboard() {
  if (distIsFresh()) return
  const lock = path.join(os.tmpdir(), 'red-steward-console-e2e-build.lock')
  for (;;) {
    try {
      fs.mkdirSync(lock)
      break
    } catch {
      // Someone else builds; a lock older than 10 minutes is a leftover.
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 600_000) fs.rmSync(lock, { recursive: true, force: true })
      } catch {}
      await sleep(500)
    }
  }
  try {
    if (distIsFresh()) return
    log('dashboard/dist is missing or older than dashboard/src: npm run build')
    const r = spawnSync('npm', ['--prefix', DASHBOARD, 'run', 'build'], { encoding: 'utf8', timeout: 300_000 })
    if (r.status !== 0) throw new Error(`the console's build failed:\n${r.stdout}\n${r.stderr}`)
  } finally {
    fs.rmSync(lock, { recursive: true, force: true })
  }
}

// -- the server ---------------------------------------------------------------------------------

export async function freePort() {
  const srv = net.createServer()
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const { port } = srv.address()
  await new Promise((r) => srv.close(r))
  return port
}

/**
 * `steward-sync-server demo --data TMP/server --listen 127.0.0.1:PORT --serve`, waited for until
 * `/healthz` answers `ok`. Gives `{ url, codes: [{name, code, stewardId}], stop(), tmp }`.
 */
export async function startServer(tmp) {
  await ensureDashboard()
  for (let attempt = 1; ; attempt++) {
    await waitForBinary(SERVER_BIN)
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const logFile = path.join(tmp, `server-${attempt}.log`)
    const out = fs.createWriteStream(logFile)
    const proc = spawn(SERVER_BIN, ['demo', '--data', path.join(tmp, `server-${attempt}`), '--listen', `127.0.0.1:${port}`, '--serve'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
    })
    let text = ''
    proc.stdout.on('data', (d) => {
      text += d
      out.write(d)
    })
    proc.stderr.on('data', (d) => out.write(d))
    let exited = null
    proc.on('exit', (code, signal) => (exited = { code, signal }))
    proc.on('error', (e) => (exited = { error: e }))
    const kill = () => {
      if (!exited) proc.kill('SIGKILL')
    }
    process.on('exit', kill)
    const stop = async () => {
      process.off('exit', kill)
      if (exited) return
      proc.kill('SIGTERM')
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000)
      await once(proc, 'exit').catch(() => {})
      clearTimeout(t)
      out.end()
    }
    try {
      await until(
        async () => {
          if (exited) throw Object.assign(new Error(`the server exited (${JSON.stringify(exited)}); see ${logFile}`), { fatal: true })
          const r = await fetch(`${url}/healthz`).catch(() => null)
          return r && r.ok && (await r.text()).trim() === 'ok'
        },
        { timeout: 30_000, interval: 100, what: `${url}/healthz` },
      )
    } catch (e) {
      await stop()
      if (attempt < 3 && exited) {
        log(`the server did not start (${e.message}); retrying in 30 s`)
        await sleep(30_000)
        continue
      }
      throw e
    }
    // `  李秀英  code RQWF9X543D  (steward <uuid>)`
    const codes = [...text.matchAll(/^\s*(\S+)\s+code\s+([0-9A-Z]+)\s+\(steward ([0-9a-f-]{36})\)/gm)].map((m) => ({ name: m[1], code: m[2], stewardId: m[3] }))
    if (!codes.length) throw new Error(`no enrolment code in the server's output:\n${text}`)
    return { url, codes, stop, logFile }
  }
}

// -- the HTTP API ---------------------------------------------------------------------------------

/** Signs in over HTTP with `cookie: true`; gives the `Cookie` header value. */
export async function apiSignIn(url, { username, password }) {
  const r = await fetch(`${url}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, cookie: true }),
  })
  if (!r.ok) throw new Error(`sign-in of ${username}: HTTP ${r.status} ${await r.text()}`)
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  if (!cookie) throw new Error(`sign-in of ${username} set no cookie`)
  return cookie
}

/** The session cookie the browser context holds, as a `Cookie` header value. */
export async function contextCookie(context, url) {
  const cs = await context.cookies(url)
  if (!cs.length) throw new Error('the browser holds no session cookie')
  return cs.map((c) => `${c.name}=${c.value}`).join('; ')
}

/** `GET`/`POST` with the cookie; gives `{ status, body }` (JSON when it is JSON). */
export async function api(url, cookie, p, { method = 'GET', body } = {}) {
  const r = await fetch(url + p, {
    method,
    headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await r.text()
  let parsed = text
  try {
    parsed = JSON.parse(text)
  } catch {}
  return { status: r.status, body: parsed }
}

/** `GET` that must answer 200; gives the JSON. */
export async function apiGet(url, cookie, p) {
  const r = await api(url, cookie, p)
  if (r.status !== 200) throw new Error(`GET ${p}: HTTP ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

/** Every household the cookie may read (all pages). */
export async function allHouseholds(url, cookie, query = '') {
  const rows = []
  for (let page = 1; page < 100; page++) {
    const p = await apiGet(url, cookie, `/v1/households?per_page=200&page=${page}${query ? '&' + query : ''}`)
    rows.push(...p.rows)
    if (rows.length >= p.total || !p.rows.length) return { total: p.total, rows }
  }
  throw new Error('too many pages')
}

// -- the browser ----------------------------------------------------------------------------------

export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`)
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

export const DESKTOP = { width: 1366, height: 768 }
export const PHONE = { width: 390, height: 844 }

/** A fresh browser context (own cookies) with one page; page errors are collected in `page.errors`. */
export async function newPage(browser, { viewport = DESKTOP, phone = false } = {}) {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    ...(phone ? { deviceScaleFactor: 1, isMobile: true, hasTouch: true } : {}),
  })
  context.setDefaultTimeout(10_000)
  const page = await context.newPage()
  page.errors = []
  page.on('pageerror', (e) => page.errors.push(String(e)))
  return { context, page }
}

export const sel = (test, attrs = {}) =>
  `[data-test="${test}"]` + Object.entries(attrs).map(([k, v]) => `[data-${k}="${v}"]`).join('')

/** Signs in through the sign-in page and waits for the role's home screen (its menu). */
export async function signIn(page, url, { username, password }) {
  await page.goto(`${url}/#/login`)
  await page.locator(sel('login-username')).fill(username) // el-input puts data-test on the <input>
  await page.locator(sel('login-password')).fill(password)
  await page.locator(sel('login-submit')).click()
  await page.waitForURL((u) => !u.hash.startsWith('#/login'))
  await page.locator(sel('user-menu')).filter({ hasText: username }).waitFor()
}

/** Goes to a hash route of the signed-in console without reloading the page (`wait: false`: a redirect may follow). */
export async function goHash(page, route, { wait = true } = {}) {
  await page.evaluate((r) => {
    window.location.hash = r
  }, route)
  if (wait) await page.waitForFunction((r) => window.location.hash.startsWith('#' + r), route)
}

/** The `data-test` suffixes of the desktop menu (`menu-<name>`). */
export async function menuNames(page) {
  const m = page.locator(`${sel('menu')} [data-test^="menu-"]`)
  await m.first().waitFor()
  return (await m.evaluateAll((els) => els.map((e) => e.getAttribute('data-test')))).map((s) => s.replace(/^menu-/, ''))
}

/** Removes the failure screenshots a previous run of this file left (`failure-<prefix>…png`). */
export function clearFailures(keep = () => false) {
  fs.mkdirSync(SCREENS, { recursive: true })
  for (const f of fs.readdirSync(SCREENS)) if (/^failure-.*\.png$/.test(f) && !keep(f)) fs.rmSync(path.join(SCREENS, f), { force: true })
}

/** Waits until the element has stopped moving (a drawer or dialog at the end of its transition). */
export async function settled(locator, { timeout = 5000 } = {}) {
  let last = ''
  await until(
    async () => {
      const b = await locator.boundingBox()
      const now = b ? `${Math.round(b.x)},${Math.round(b.y)},${Math.round(b.width)},${Math.round(b.height)}` : ''
      const same = now !== '' && now === last
      last = now
      return same
    },
    { timeout, interval: 120, what: 'the element to settle' },
  )
}

/** `target/console-screens/<name>.png`: the whole page, or (`fullPage: false`) what the window shows, for overlays. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  fs.mkdirSync(SCREENS, { recursive: true })
  const file = path.join(SCREENS, `${name}.png`)
  // Not while a list is still loading: Element Plus's loading mask fades out after the data shows.
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask'), null, { timeout: 10_000 }).catch(() => {})
  await page.screenshot({ path: file, fullPage, animations: 'disabled' })
  return file
}

/**
 * Runs one step: a progress line, and on failure a screenshot `failure-<step>.png` of the page
 * (`pages()` gives the pages to shoot) before the error goes on.
 */
export async function step(name, pages, fn) {
  log(`▶ ${name}`)
  const slug = name.split(':')[0].trim().replace(/[^\w-]+/g, '-')
  const t = Date.now()
  try {
    const r = await fn()
    log(`✔ ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`)
    return r
  } catch (e) {
    log(`✘ ${name}: ${e.message.split('\n')[0]}`)
    const list = (typeof pages === 'function' ? pages() : pages).filter(Boolean)
    for (const [i, p] of list.entries()) {
      try {
        if (!p.isClosed()) {
          const f = await screenshot(p, `failure-${slug}${list.length > 1 ? '-' + i : ''}`)
          log(`  screenshot: ${f}${p.errors?.length ? `; page errors: ${p.errors.join(' | ')}` : ''}`)
        }
      } catch {}
    }
    throw e
  }
}
