/**
 * The fault proxy against real upstreams on 127.0.0.1: a small recording
 * node:http server (to see exactly what was forwarded) and the receiver on
 * PGlite (to see that "applied, then dropped" really applied).
 */
import { spawn, spawnSync } from 'node:child_process'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../src-main/cli/cli-support'
import { freeLoopbackPort } from '../src-main/cli/free-port'
import { seededRandom } from '../src-main/testing/seeded-random'
import { tempDir } from '../src-main/testing/temp-dir'
import { startFaultProxy, type FaultKind, type FaultProxy } from './fault-proxy'
import { openStore } from './open-store'
import { startServer } from './server'

interface Seen {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

let upstream: Server
let upstreamUrl = ''
const seen: Seen[] = []

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() })
      res.writeHead(201, { 'Content-Type': 'application/json', 'X-Upstream': 'yes' }).end(JSON.stringify({ echo: seen.length }))
    })
  })
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
})
afterAll(async () => {
  upstream.closeAllConnections()
  await new Promise<void>((r) => upstream.close(() => r()))
})

const proxies: FaultProxy[] = []
afterEach(async () => {
  for (const p of proxies.splice(0)) await p.close()
  seen.length = 0
})
const proxy = async (opts: Omit<Parameters<typeof startFaultProxy>[0], 'upstream'> & { upstream?: string }) => {
  const p = await startFaultProxy({ upstream: upstreamUrl, ...opts })
  proxies.push(p)
  return p
}
const post = (url: string, body = '{"events":[]}') =>
  fetch(`${url}/events?x=1`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t0k' }, body })

describe('fault proxy', () => {
  it('without faults forwards method, path, query, headers and body, and returns the upstream answer as it was', async () => {
    const p = await proxy({ failRate: 0 })
    const res = await post(p.url, '{"events":[1]}')
    expect(res.status).toBe(201)
    expect(res.headers.get('x-upstream')).toBe('yes')
    expect(await res.json()).toEqual({ echo: 1 })
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/events?x=1', body: '{"events":[1]}' })
    expect(seen[0]?.headers.authorization).toBe('Bearer t0k')
    expect(p.stats()).toEqual({ requests: 1, forwarded: 1, faults: { '503': 0, '429': 0, drop: 0, applyThenDrop: 0 } })
  })

  const only = async (kind: FaultKind) => proxy({ failRate: 1, kinds: [kind] })

  it('503 and 429 (with Retry-After) are answered by the proxy and never reach the upstream', async () => {
    const a = await only('503')
    const r1 = await post(a.url)
    expect(r1.status).toBe(503)
    await r1.text()
    const b = await proxy({ failRate: 1, kinds: ['429'], retryAfterSeconds: 3 })
    const r2 = await post(b.url)
    expect(r2.status).toBe(429)
    expect(r2.headers.get('retry-after')).toBe('3')
    await r2.text()
    expect(seen).toHaveLength(0)
    expect(a.stats().faults['503']).toBe(1)
    expect(b.stats().faults['429']).toBe(1)
  })

  it('drop cuts the connection before forwarding: the client sees a network error, the upstream nothing', async () => {
    const p = await only('drop')
    await expect(post(p.url)).rejects.toThrow()
    expect(seen).toHaveLength(0)
    expect(p.stats()).toMatchObject({ forwarded: 0, faults: { drop: 1 } })
  })

  it('applyThenDrop forwards, waits for the upstream answer, then cuts the connection: a network error, but the upstream got it', async () => {
    const p = await only('applyThenDrop')
    await expect(post(p.url, '{"events":["x"]}')).rejects.toThrow()
    expect(seen).toHaveLength(1)
    expect(seen[0]?.body).toBe('{"events":["x"]}')
    expect(p.stats()).toMatchObject({ forwarded: 1, faults: { applyThenDrop: 1 } })
  })

  it('reads and health probes never fault by default (only POSTs), whatever the rate', async () => {
    const p = await proxy({ failRate: 1 })
    for (let i = 0; i < 5; i++) expect((await fetch(`${p.url}/health`)).status).toBe(201)
    expect(p.stats().faults).toEqual({ '503': 0, '429': 0, drop: 0, applyThenDrop: 0 })
    p.setFailRate(0)
    expect((await post(p.url)).status).toBe(201)
  })

  it('a seeded random gives the same faults in the same order, at about the rate asked for, of every kind', async () => {
    const outcomes = async (seed: number) => {
      const p = await proxy({ failRate: 0.3, random: seededRandom(seed) })
      const out: string[] = []
      for (let i = 0; i < 200; i++) {
        try {
          const r = await post(p.url)
          await r.text()
          out.push(String(r.status))
        } catch {
          out.push('cut')
        }
      }
      return { out, stats: p.stats() }
    }
    const a = await outcomes(42)
    const b = await outcomes(42)
    expect(b.out).toEqual(a.out)
    const faults = Object.values(a.stats.faults).reduce((x, y) => x + y, 0)
    expect(faults).toBeGreaterThan(30)
    expect(faults).toBeLessThan(90)
    for (const n of Object.values(a.stats.faults)) expect(n).toBeGreaterThan(0)
    expect(a.out.filter((s) => s === '201')).toHaveLength(200 - faults)
  })

  it('adds the latency asked for before forwarding', async () => {
    const p = await proxy({ latencyMs: 150 })
    const t0 = Date.now()
    await (await post(p.url)).text()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140)
  })

  it('refuses an upstream that is not on loopback, and bad options, with a clear error', async () => {
    await expect(startFaultProxy({ upstream: 'http://10.0.0.1:80' })).rejects.toThrow(/loopback/)
    await expect(startFaultProxy({ upstream: 'https://127.0.0.1:1' })).rejects.toThrow(/loopback/)
    await expect(startFaultProxy({ upstream: upstreamUrl, failRate: 2 })).rejects.toThrow(/failRate/)
    await expect(startFaultProxy({ upstream: upstreamUrl, kinds: [] })).rejects.toThrow(/kinds/)
  })

  it('in front of the receiver on PGlite: an event applied then dropped is answered duplicate when resent, and applied once', async () => {
    const dir = tempDir('outpost-proxy-')
    const db = await openStore({ dataDir: join(dir.path, 'data') })
    const server = await startServer({ db, requireAuth: false })
    try {
      const p = await proxy({ upstream: server.url, failRate: 1, kinds: ['applyThenDrop'] })
      const event = {
        id: 'ev-1',
        type: 'OrderCreated',
        aggregateId: 'o-1',
        occurredAt: '2025-01-02T03:04:05.000Z',
        payload: { id: 'o-1', version: 1, customer: 'Ann', note: null, currency: 'EUR', items: [{ name: 'Tea', quantity: 1, unitPriceMinor: 250 }], totalMinor: 250, createdAt: '2025-01-02T03:04:05.000Z' },
      }
      const body = JSON.stringify({ events: [event] })
      await expect(post(p.url, body)).rejects.toThrow()
      p.setFailRate(0)
      const res = await post(p.url, body)
      expect(res.status).toBe(200)
      expect(((await res.json()) as { results: { status: string }[] }).results[0]?.status).toBe('duplicate')
      const order = await fetch(`${p.url}/orders/o-1`)
      expect(((await order.json()) as { version: number; customer: string })).toMatchObject({ version: 1, customer: 'Ann' })
      expect(await db.query('SELECT event_id FROM changes')).toHaveLength(1)
    } finally {
      await server.close()
      await db.close()
      dir.remove()
    }
  }, 30_000)

  it('npm run server -- --fail-rate 1 puts the proxy on the port: POSTs fault, /health does not; a bad rate is one clear line', async () => {
    const tsx = ['--import', 'tsx', join(REPO_ROOT, 'src-server/cli.ts')]
    const bad = spawnSync(process.execPath, [...tsx, '--fail-rate', '2'], { cwd: REPO_ROOT, encoding: 'utf8' })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('--fail-rate must be a number from 0 to 1, got "2"')
    const dir = tempDir('outpost-proxy-cli-')
    const port = await freeLoopbackPort()
    const child = spawn(process.execPath, [...tsx, '--port', String(port), '--data-dir', join(dir.path, 'data'), '--insecure-no-auth', '--fail-rate', '1', '--log-level', 'silent'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    try {
      await new Promise<void>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString()
          if (out.includes('listening on')) resolve()
        })
        child.once('exit', () => reject(new Error(`the server exited: ${stderr}`)))
      })
      expect(stderr).toContain('--fail-rate 1: 100% of POSTs get an injected fault')
      const url = `http://127.0.0.1:${port}`
      expect((await fetch(`${url}/health`)).status).toBe(200)
      for (let i = 0; i < 5; i++) {
        const status = await post(url).then(
          async (r) => (await r.text(), r.status),
          () => 'cut',
        )
        expect([503, 429, 'cut']).toContain(status)
      }
    } finally {
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      dir.remove()
    }
  }, 60_000)
})
