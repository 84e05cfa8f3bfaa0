import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { request } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../cli/cli-support'
import { createCore } from '../core/create-core'
import type { Core } from '../core/core-types'
import { tempDir } from '../testing/temp-dir'
import { waitFor } from '../testing/scripted-api'
import { createHttpBridge, readSessionSecret, type DocumentLike } from '../../src-renderer/src/bridge/http-bridge'
import { CONTENT_SECURITY_POLICY, startWebHost, type WebHost } from './web-host'

let dir: ReturnType<typeof tempDir>
let core: Core
let host: WebHost
beforeEach(async () => {
  dir = tempDir()
  const staticDir = join(dir.path, 'renderer')
  mkdirSync(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Outpost</title>')
  writeFileSync(join(dir.path, 'secret.txt'), 'do not serve')
  core = createCore({ dataDir: join(dir.path, 'data'), startRelay: false })
  host = await startWebHost({ core, port: 0, staticDir })
})
afterEach(async () => {
  await host.close()
  await core.shutdown()
  dir.remove()
})

/** The per-run secret, read from the page the host serves, as the renderer does. */
async function sessionSecret(): Promise<string> {
  const html = await (await fetch(`${host.url}/`)).text()
  const secret = /<meta name="outpost-session" content="([^"]+)">/.exec(html)?.[1]
  if (!secret) throw new Error(`no session meta in ${html}`)
  return secret
}

const invoke = async (method: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${host.url}/api/invoke/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Outpost-Session': await sessionSecret(), ...headers },
    body: JSON.stringify(body),
  })

/** Raw request, for headers fetch will not let us forge (Host). */
function raw(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('browser host', () => {
  it('binds to 127.0.0.1 and serves the renderer with a strict CSP header', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const res = await fetch(`${host.url}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe')
    expect(await res.text()).toContain('<title>Outpost</title>')
  })

  it('the renderer’s meta CSP is the same policy (frame-ancestors only works as a header)', () => {
    const html = readFileSync(join(REPO_ROOT, 'src-renderer', 'index.html'), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    const norm = (p: string) => p.split(';').map((d) => d.trim()).filter((d) => d && !d.startsWith('frame-ancestors')).sort()
    expect(meta).toBeDefined()
    expect(norm(meta!)).toEqual(norm(CONTENT_SECURITY_POLICY))
  })

  it('does not serve files outside the renderer folder', async () => {
    expect(await raw('/../secret.txt', { Host: `127.0.0.1:${host.port}` })).toBe(404)
    expect(await raw('/%2e%2e/secret.txt', { Host: `127.0.0.1:${host.port}` })).toBe(404)
  })

  it('invokes contract methods over HTTP with the same results as the core', async () => {
    const created = await (await invoke('createOrder', { customer: 'Web', items: [{ name: 'x', quantity: '1', unitPrice: '2' }] })).json()
    expect(created).toMatchObject({ ok: true, value: { customer: 'Web', totalMinor: 200 } })
    const bad = await (await invoke('createOrder', { customer: '', items: [{ name: 'x', quantity: '1', unitPrice: '2' }] })).json()
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed', fields: [{ field: 'customer' }] } })
    const page = await (await invoke('listOrders', { offset: 0, limit: 10 })).json()
    expect(page).toMatchObject({ ok: true, value: { total: 1 } })
    const status = await (await invoke('getStatus', null)).json()
    expect(status).toMatchObject({ ok: true, value: { api: 'not-configured' } })
  })

  it('refuses unknown methods, non-JSON, oversized bodies, other origins and other Host headers', async () => {
    expect(await (await invoke('nope', {})).json()).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const session = await sessionSecret()
    const text = await fetch(`${host.url}/api/invoke/getStatus`, { method: 'POST', headers: { 'Content-Type': 'text/plain', 'X-Outpost-Session': session }, body: '{}' })
    expect(text.status).toBe(415)
    const broken = await fetch(`${host.url}/api/invoke/getStatus`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Outpost-Session': session }, body: '{' })
    expect(broken.status).toBe(400)
    const huge = await invoke('createOrder', { customer: 'x'.repeat(2 * 1024 * 1024), items: [] })
    expect(huge.status).toBe(413)
    expect((await invoke('getStatus', null, { Origin: 'https://evil.example' })).status).toBe(403)
    expect(await raw('/api/events', { Host: 'evil.example' })).toBe(421)
    // nothing was written by any of these
    expect(core.status().counts.pending).toBe(0)
  })

  it('streams status and ordersChanged events over SSE', async () => {
    const ac = new AbortController()
    const res = await fetch(`${host.url}/api/events?session=${encodeURIComponent(await sessionSecret())}`, { signal: ac.signal })
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = res.body!.getReader()
    let text = ''
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        text += new TextDecoder().decode(value)
      }
    })().catch(() => undefined)
    await waitFor(() => text.includes('event: status'), 3000, 'initial status')
    await invoke('createOrder', { customer: 'Live', items: [{ name: 'x', quantity: '1', unitPrice: '2' }] })
    await waitFor(() => text.includes('event: ordersChanged'), 3000, 'ordersChanged')
    const line = text.split('\n').find((l, i, all) => all[i - 1] === 'event: ordersChanged')!
    expect(JSON.parse(line.slice('data: '.length))).toMatchObject({ created: true, orderIds: [expect.any(String)] })
    ac.abort()
    await pump
  })
})

describe('browser host: the per-run session secret (issue 9 bug 5)', () => {
  it('hands a fresh random secret to the page it serves, and never writes it to disk', async () => {
    const secret = await sessionSecret()
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const other = await startWebHost({ core, port: 0, staticDir: join(dir.path, 'renderer') })
    try {
      const html = await (await fetch(`${other.url}/`)).text()
      expect(html).not.toContain(secret)
      expect(html).toContain('<title>Outpost</title>')
    } finally {
      await other.close()
    }
    expect(grepTree(dir.path, secret)).toEqual([])
  })

  it('refuses every /api/* request without it, or with a wrong one, with 401 JSON, and writes nothing', async () => {
    const body = JSON.stringify({ customer: 'x', items: [{ name: 'x', quantity: 1, unitPrice: '1' }] })
    const post = (headers: Record<string, string>) =>
      fetch(`${host.url}/api/invoke/createOrder`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body })
    for (const res of [
      await post({}),
      await post({ 'X-Outpost-Session': 'wrong' }),
      await post({ 'X-Outpost-Session': (await sessionSecret()).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) }),
      await fetch(`${host.url}/api/events`),
      await fetch(`${host.url}/api/events?session=wrong`),
      await fetch(`${host.url}/api/nothing-here`),
    ]) {
      expect(res.status).toBe(401)
      expect(res.headers.get('content-type')).toContain('application/json')
      expect(await res.json()).toEqual({ error: expect.stringMatching(/session/i) })
    }
    expect(core.status().counts.pending).toBe(0)
    expect((await post({ 'X-Outpost-Session': await sessionSecret() })).status).toBe(200)
    expect(core.status().counts.pending).toBe(1)
  })
})

function grepTree(root: string, needle: string): string[] {
  const hits: string[] = []
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const file = join(entry.parentPath, entry.name)
    if (readFileSync(file).includes(needle)) hits.push(file)
  }
  return hits
}

describe('browser host with the real HTTP bridge', () => {
  it('the bridge, given the page’s secret, drives the host (and without it is refused)', async () => {
    const html = await (await fetch(`${host.url}/`)).text()
    const doc = { querySelector: (sel: string) => ({ getAttribute: () => new RegExp(`<meta name="${sel.slice(11, -2)}" content="([^"]+)">`).exec(html)?.[1] ?? null }) }
    const secret = readSessionSecret(doc as DocumentLike)
    const api = createHttpBridge({ fetch: (url, init) => fetch(url, init), baseUrl: host.url, sessionSecret: secret })
    expect(await api.getStatus(undefined)).toMatchObject({ ok: true, value: { api: 'not-configured' } })
    const refused = createHttpBridge({ fetch: (url, init) => fetch(url, init), baseUrl: host.url, sessionSecret: null })
    expect(await refused.getStatus(undefined)).toMatchObject({ ok: false, error: { code: 'internal' } })
  })
})

describe('browser host: oversized bodies over a real socket (issue 9 bug 9)', () => {
  /** Sends the head, then up to `maxBytes` of body in 64 KiB chunks until the server answers or closes. */
  async function upload(headers: string[], maxBytes: number) {
    const session = await sessionSecret()
    const socket = connect(host.port, '127.0.0.1')
    await once(socket, 'connect')
    let reply = ''
    let closed = false
    socket.on('data', (b: Buffer) => (reply += b.toString('latin1')))
    socket.on('close', () => (closed = true))
    socket.on('error', () => (closed = true))
    const started = Date.now()
    socket.write([`POST /api/invoke/createOrder HTTP/1.1`, `Host: 127.0.0.1:${host.port}`, 'Content-Type: application/json', `X-Outpost-Session: ${session}`, ...headers, '', ''].join('\r\n'))
    const chunked = headers.includes('Transfer-Encoding: chunked')
    const piece = Buffer.alloc(64 * 1024, 'a')
    let sent = 0
    while (sent < maxBytes && !closed && !reply.includes('\r\n\r\n')) {
      const frame = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece
      if (!socket.write(frame)) await new Promise((r) => {
        socket.once('drain', r)
        socket.once('close', r)
        setTimeout(r, 200)
      })
      sent += piece.length
    }
    await waitFor(() => reply.includes('\r\n\r\n') || closed, 5000, 'a reply')
    await waitFor(() => closed, 5000, 'the server to close the connection')
    socket.destroy()
    return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(reply)?.[1]), sent, ms: Date.now() - started, reply }
  }

  it('refuses a declared Content-Length over the limit at once, without reading the body', async () => {
    // 200 MB declared, 1 MiB actually sent: the answer must not wait for the rest.
    const r = await upload([`Content-Length: ${200 * 1024 * 1024}`], 1024 * 1024)
    expect(r.status).toBe(413)
    expect(r.reply).toContain('"too_big"')
    expect(r.ms).toBeLessThan(3000)
    expect(core.status().counts.pending).toBe(0)
  })

  it('stops reading a chunked body once it passes the limit, and closes the connection', async () => {
    const r = await upload(['Transfer-Encoding: chunked'], 200 * 1024 * 1024)
    expect(r.status).toBe(413)
    // The limit is 1 MiB; socket buffers account for the rest, never the 200 MB.
    expect(r.sent).toBeLessThan(16 * 1024 * 1024)
    expect(core.status().counts.pending).toBe(0)
  })
})
