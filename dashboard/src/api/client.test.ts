import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent } from 'vue'
import { api, ApiError, call, errorText, queryString, setUnauthorizedHandler, showError, toApiError } from './client'
import { i18n } from '../i18n'

const ElMessage = vi.hoisted(() => vi.fn())
vi.mock('element-plus', async (orig) => ({ ...(await orig<typeof import('element-plus')>()), ElMessage }))

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers },
  })
}

afterEach(() => {
  vi.unstubAllGlobals()
  setUnauthorizedHandler(() => {})
  i18n.global.locale.value = 'zh-CN'
  ElMessage.mockReset()
})

describe('errors in words', () => {
  it('names the field of a 4xx and keeps the detail', () => {
    const e = new ApiError(400, { code: 'bad_request', message: 'must be 10 to 200 characters', field: 'new_password' })
    expect(errorText(e)).toBe('填写的内容有误（新密码）：must be 10 to 200 characters')
    i18n.global.locale.value = 'en'
    expect(errorText(e)).toBe('Something in the form is not right (New password): must be 10 to 200 characters')
  })

  it('says how long to wait after too many attempts', () => {
    const e = toApiError(answer(429, {}, { 'Retry-After': '30' }), { code: 'too_many_attempts', message: 'too many sign-ins; wait 30 s and try again' })
    expect(errorText(e)).toBe('尝试次数太多，请 30 秒后再试')
    const noHeader = new ApiError(429, { code: 'too_many_attempts', message: 'too many sign-ins; wait 12 s and try again' })
    expect(errorText(noHeader)).toBe('尝试次数太多，请 12 秒后再试')
  })

  it('has words for refusals, missing records and answers without a body', () => {
    expect(errorText(new ApiError(403, { code: 'forbidden', message: 'only an admin reads the access log' }))).toBe(
      '没有权限做这件事：only an admin reads the access log',
    )
    expect(errorText(toApiError(answer(404, ''), ''))).toBe('不存在，或不在你负责的范围内')
    expect(errorText(toApiError(answer(502, 'Bad Gateway'), 'Bad Gateway'))).toBe('服务器出了问题，已记录，请稍后再试：Bad Gateway')
    expect(errorText(new Error('boom'))).toBe('出错了：boom')
  })

  it('shows a failure as a message, but not an expired session (that one redirects)', () => {
    showError(new ApiError(409, { code: 'conflict', message: '' }))
    expect(ElMessage).toHaveBeenCalledWith(expect.objectContaining({ type: 'error', message: '记录刚被别人改过，请刷新后再试' }))
    ElMessage.mockReset()
    showError(new ApiError(401, { code: 'unauthorized', message: 'missing or invalid token' }))
    expect(ElMessage).not.toHaveBeenCalled()
  })
})

describe('401 → sign-in', () => {
  it('calls the handler on a 401, except where the caller handles it (sign-in itself)', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    vi.stubGlobal('fetch', vi.fn(async () => answer(401, { code: 'unauthorized', message: 'missing or invalid token' })))
    await expect(call(api.GET('/v1/places'))).rejects.toMatchObject({ status: 401, code: 'unauthorized' })
    expect(handler).toHaveBeenCalledTimes(1)
    await expect(call(api.POST('/v1/login', { body: { username: 'x', password: 'y' } }), { noRedirect: true })).rejects.toBeInstanceOf(ApiError)
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it('turns a typed call into data or an error', async () => {
    await expect(call(Promise.resolve({ data: [1], response: answer(200, [1]) }))).resolves.toEqual([1])
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    await expect(
      call(Promise.resolve({ error: { code: 'unauthorized', message: 'x' }, response: answer(401, {}) })),
    ).rejects.toMatchObject({ status: 401 })
    expect(handler).toHaveBeenCalledTimes(1)
    await expect(call(Promise.reject(new TypeError('Failed to fetch')))).rejects.toMatchObject({ code: 'network' })
  })

  it('sends the user to the sign-in page, remembering where they were', async () => {
    const { installGuards } = await import('../router')
    const { session } = await import('../session')
    const Blank = defineComponent({ template: '<div />' })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/login', name: 'login', component: Blank, meta: { public: true } },
        { path: '/issues', name: 'issues', component: Blank },
      ],
    })
    installGuards(router)
    session.me = { principal: 'user', user: { id: 'u', username: 'demo-property', role: 'property', place_id: 'p' }, compound_ids: [] }
    await router.push('/issues?status=reported')
    expect(router.currentRoute.value.name).toBe('issues')

    vi.stubGlobal('fetch', vi.fn(async () => answer(401, { code: 'unauthorized', message: 'expired' })))
    await expect(call(api.GET('/v1/devices'))).rejects.toBeInstanceOf(ApiError)
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('login'))
    expect(router.currentRoute.value.query.next).toBe('/issues?status=reported')
    expect(session.me).toBeNull()
  })
})

describe('queries', () => {
  beforeEach(() => undefined)
  it('leaves unset values out, in the given order', () => {
    expect(queryString({ a: 'x y', b: undefined, c: '', d: null, e: 0, f: false })).toBe('?a=x+y&e=0&f=false')
    expect(queryString({})).toBe('')
  })
})
