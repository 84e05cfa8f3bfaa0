import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HIDDEN_REDIRECT_STATUS, noRedirectFetch, type NetFetch } from './net-fetch'

// net.fetch is the Electron API here; Node's own fetch stands in for it and
// talks to a real server on 127.0.0.1 that redirects.
const seen: Array<{ path: string; authorization: string | undefined; body: string }> = []
let server: Server
let base = ''
const readBody = async (req: IncomingMessage) => {
  let body = ''
  for await (const chunk of req) body += String(chunk)
  return body
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization, body })
      if (req.url?.startsWith('/redirect/')) {
        const status = Number(req.url.slice('/redirect/'.length))
        res.writeHead(status, { location: '/stolen' }).end('a body nobody should read')
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"results":[]}')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const netFetch: NetFetch = (input, init) => fetch(input, init)
const post = (path: string, redirect: NonNullable<RequestInit['redirect']>) =>
  noRedirectFetch(netFetch)(`${base}${path}`, {
    method: 'POST',
    redirect,
    headers: { authorization: 'Bearer secret-token', 'content-type': 'application/json' },
    body: '{"events":[]}',
  })

describe('noRedirectFetch (the Electron fetch adapter)', () => {
  it.each([301, 302, 303, 307, 308])('hands a %d back unfollowed, even when the caller asked to follow', async (status) => {
    seen.length = 0
    for (const redirect of ['follow', 'manual', 'error'] as const) {
      const res = await post(`/redirect/${status}`, redirect)
      expect(res.status).toBe(status)
      expect(await res.text()).toBe('')
    }
    // Neither the batch nor the token went to the redirect target.
    expect(seen.map((s) => s.path)).toEqual([`/redirect/${status}`, `/redirect/${status}`, `/redirect/${status}`])
  })

  it('passes ordinary answers through untouched, and forwards method, headers and body', async () => {
    seen.length = 0
    const res = await post('/events', 'follow')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ results: [] })
    expect(seen).toEqual([{ path: '/events', authorization: 'Bearer secret-token', body: '{"events":[]}' }])
  })

  it('always asks net.fetch for redirect: manual', async () => {
    const asked: Array<RequestInit['redirect']> = []
    const spy: NetFetch = (input, init) => {
      asked.push(init.redirect)
      return fetch(input, init)
    }
    for (const redirect of ['follow', 'error', 'manual', undefined] as const) {
      await noRedirectFetch(spy)(`${base}/events`, redirect ? { redirect } : {})
    }
    expect(asked).toEqual(['manual', 'manual', 'manual', 'manual'])
  })

  it('turns an opaque redirect (status 0) into a 3xx the API client refuses', async () => {
    // What a spec-following fetch returns for redirect: 'manual'.
    const opaque = { type: 'opaqueredirect', status: 0, headers: new Headers(), body: null } as unknown as Response
    const res = await noRedirectFetch(() => Promise.resolve(opaque))(`${base}/events`, {})
    expect(res.status).toBe(HIDDEN_REDIRECT_STATUS)
  })
})
