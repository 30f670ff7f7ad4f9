// The one way the console talks to the server: a typed openapi-fetch client over the generated
// schema (every call is in src/api/endpoints.ts), and a plain fetch for downloads (an export is
// the list's own URL plus `format`). Every failure becomes an `ApiError`; `errorText` puts it in words, and a 401
// anywhere but the sign-in itself sends the user to the sign-in page.
import createClient from 'openapi-fetch'
import { ElMessage } from 'element-plus'
import type { paths } from './schema'
import type { ErrorBody } from './types'
import { i18n } from '../i18n'

export const api = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
  // Looked up at call time, so tests can stub the global.
  fetch: (req: Request) => globalThis.fetch(req),
})

/** The error body every failure carries (`ErrorBody`: `code`, `message`, and for some `field`, `rows`, `docs`). */
export type ErrorBodyLike = ErrorBody

export class ApiError extends Error {
  readonly status: number
  readonly body: ErrorBodyLike
  /** Seconds to wait, from `Retry-After` (429 and 503). */
  readonly retryAfter: number | null

  constructor(status: number, body: ErrorBodyLike, retryAfter: number | null = null) {
    super(body.message || `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.body = body
    this.retryAfter = retryAfter
  }

  get code(): string {
    return this.body.code
  }
}

let unauthorizedHandler: () => void = () => {}

/** What to do on a 401 (set once by the router setup: go to the sign-in page). */
export function setUnauthorizedHandler(f: () => void) {
  unauthorizedHandler = f
}

export interface CallOptions {
  /** The sign-in form handles its own 401 (a wrong password is not an expired session). */
  noRedirect?: boolean
}

function isErrorBody(v: unknown): v is ErrorBodyLike {
  return typeof v === 'object' && v !== null && typeof (v as ErrorBodyLike).code === 'string'
}

/** Builds the error for a failed answer; `body` is its parsed JSON (or text), if any. */
export function toApiError(response: Response, body: unknown, opts: CallOptions = {}): ApiError {
  const retry = response.headers.get('Retry-After')
  const retryAfter = retry !== null && retry !== '' && Number.isFinite(Number(retry)) ? Number(retry) : null
  const err = new ApiError(
    response.status,
    isErrorBody(body) ? body : { code: `http_${response.status}`, message: typeof body === 'string' ? body.slice(0, 200) : '' },
    retryAfter,
  )
  if (response.status === 401 && !opts.noRedirect) unauthorizedHandler()
  return err
}

interface FetchResult<T> {
  data?: T
  error?: unknown
  response: Response
}

/** Awaits an openapi-fetch call: its data, or a thrown `ApiError`. */
export async function call<T>(p: Promise<FetchResult<T>>, opts: CallOptions = {}): Promise<T> {
  let r: FetchResult<T>
  try {
    r = await p
  } catch (e) {
    throw networkError(e)
  }
  if (!r.response.ok) throw toApiError(r.response, r.error, opts)
  return r.data as T
}

function networkError(e: unknown): ApiError {
  return new ApiError(0, { code: 'network', message: e instanceof Error ? e.message : String(e) })
}

export type QueryValue = string | number | boolean | null | undefined
/** A query: any object of plain values (the typed clients' query types are ones). */
export type Query = { readonly [k: string]: QueryValue } | object

/** A query string from the set values, in the order given (`''` when nothing is set). */
export function queryString(q: Query = {}): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q) as [string, QueryValue][]) {
    if (v === undefined || v === null || v === '') continue
    p.append(k, String(v))
  }
  const s = p.toString()
  return s ? `?${s}` : ''
}

export type ExportFormat = 'csv' | 'xlsx'

/** The URL of a list's export: exactly the list's query plus `format`. */
export function exportUrl(path: string, query: Query, format: ExportFormat): string {
  return path + queryString({ ...query, format })
}

function filenameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      /* fall through */
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition)
  return plain ? plain[1] : fallback
}

/** Downloads a list as CSV or Excel (the same query plus `format`) and saves it as a file. */
export async function download(path: string, query: Query, format: ExportFormat, name: string): Promise<void> {
  const url = exportUrl(path, query, format)
  let response: Response
  try {
    response = await globalThis.fetch(url, { credentials: 'same-origin' })
  } catch (e) {
    throw networkError(e)
  }
  if (!response.ok) {
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      /* not JSON */
    }
    throw toApiError(response, parsed)
  }
  const blob = await response.blob()
  const href = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = href
  a.download = filenameOf(response.headers.get('Content-Disposition'), `${name}.${format}`)
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(href), 10_000)
}

type T = (key: string, params?: Record<string, unknown>) => string

/** Error codes with words of their own in `errors.codes`. */
const CODES = new Set([
  'unauthorized', 'forbidden', 'forbidden_document', 'not_found', 'bad_request', 'invalid_document', 'conflict',
  'payload_too_large', 'too_many_attempts', 'busy', 'shutting_down', 'internal', 'network', 'bad_rows', 'invalid_field',
  'stale', 'wrong_step',
])

/** A failure in the user's words: what happened, which field, and the server's detail. */
export function errorText(e: unknown, t: T = i18n.global.t as unknown as T): string {
  if (!(e instanceof ApiError)) return t('errors.unknown', { detail: e instanceof Error ? e.message : String(e) })
  const { code, message, field } = e.body
  if (e.status === 429 || code === 'too_many_attempts') {
    const n = e.retryAfter ?? Number(/wait (\d+)/.exec(message)?.[1] ?? NaN)
    return Number.isFinite(n) ? t('errors.waitSeconds', { n }) : t('errors.codes.too_many_attempts')
  }
  let words: string
  if (CODES.has(code)) words = t(`errors.codes.${code}`)
  else if (e.status === 404) words = t('errors.codes.not_found')
  else if (e.status === 403) words = t('errors.codes.forbidden')
  else if (e.status >= 500) words = t('errors.codes.internal')
  else words = t('errors.http', { status: e.status })
  if (field) words += t('errors.field', { field: fieldLabel(field, t) })
  if (message && code !== 'unauthorized' && code !== 'network') words += t('errors.detail', { detail: message })
  return words
}

/** A field's name in words (`fields.<name>`), or the name itself. */
export function fieldLabel(field: string, t: T): string {
  const key = `fields.${field}`
  const s = t(key)
  return s === key ? field : s
}

/** Shows a failure as a message at the top of the page. A 401 has already redirected. */
export function showError(e: unknown) {
  if (e instanceof ApiError && e.status === 401 && e.code === 'unauthorized') return
  ElMessage({ type: 'error', message: errorText(e), duration: 6000, showClose: true, grouping: true })
}
