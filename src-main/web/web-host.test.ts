import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../cli/cli-support'
import { createCore } from '../core/create-core'
import type { Core } from '../core/core-types'
import { tempDir } from '../testing/temp-dir'
import { waitFor } from '../testing/scripted-api'
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

const invoke = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${host.url}/api/invoke/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) })

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
    const text = await fetch(`${host.url}/api/invoke/getStatus`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' })
    expect(text.status).toBe(415)
    const broken = await fetch(`${host.url}/api/invoke/getStatus`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' })
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
    const res = await fetch(`${host.url}/api/events`, { signal: ac.signal })
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
