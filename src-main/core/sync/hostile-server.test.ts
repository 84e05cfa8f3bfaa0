/**
 * A hostile server (issue 9): a real HTTP server on 127.0.0.1 that answers
 * with huge, endless, malformed, redirecting, duplicate-id, token-echoing and
 * far-future-Retry-After responses. Shown for both HTTP paths (node:http and
 * a fetch, as Electron passes net.fetch): memory stays bounded, no hot loop,
 * nothing is marked sent that was not confirmed, and every event is delivered
 * once the server behaves.
 */
import type { ServerResponse } from 'node:http'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { acceptAll, startScriptedApi, waitFor, type ScriptedReply, type ScriptedRequest } from '../../testing/scripted-api'
import { tempDir } from '../../testing/temp-dir'
import type { Core, CoreOptions } from '../core-types'
import { createCore } from '../create-core'
import { openSqlite } from '../db/native-sqlite'
import { ApiClient } from './api-client'
import { createNodeHttpFetch } from './node-http-fetch'

const FAST = { backoffBaseMs: 200, backoffCapMs: 400, probeMinMs: 40, probeMaxMs: 200, kickDelayMs: 0, requestTimeoutMs: 2000 }
const TOKEN = 'tok-7f3a9c51e2b84d06'
const MB = 1024 * 1024

let dir: ReturnType<typeof tempDir>
const cores: Core[] = []
const closers: (() => Promise<void> | void)[] = []
const figures: Record<string, unknown> = {}
beforeEach(() => {
  dir = tempDir()
})
afterEach(async () => {
  for (const c of cores.splice(0)) await c.shutdown()
  for (const close of closers.splice(0)) await close()
  dir.remove()
})
afterAll(() => {
  console.log(`hostile-server figures: ${JSON.stringify(figures)}`)
})

const paths = [
  ['node:http', () => undefined],
  ['fetch', () => ((input: string, init: RequestInit) => fetch(input, init)) as CoreOptions['fetch']],
] as const

function start(apiUrl: string, opts: Partial<CoreOptions> = {}): Core {
  const core = createCore({ dataDir: dir.path, flags: { apiUrl, apiToken: TOKEN }, random: () => 0.5, ...opts, relay: { ...FAST, ...opts.relay } })
  cores.push(core)
  return core
}
async function scripted(decide: (req: ScriptedRequest, i: number) => ScriptedReply | Promise<ScriptedReply>, opts?: Parameters<typeof startScriptedApi>[1]) {
  const api = await startScriptedApi(decide, opts)
  closers.push(api.close)
  return api
}
async function order(core: Core, customer = 'Ada'): Promise<void> {
  const r = await core.handlers.createOrder({ customer, items: [{ name: 'Tea', quantity: '1', unitPrice: '2.00' }] })
  if (!r.ok) throw new Error(JSON.stringify(r.error))
}
function rows(): { id: string; status: string; last_error: string | null; next_attempt_at: number | null }[] {
  const db = openSqlite(join(dir.path, 'outpost.db'), { readonly: true })
  try {
    return db.prepare('SELECT id, status, last_error, next_attempt_at FROM outbox ORDER BY seq').all() as ReturnType<typeof rows>
  } finally {
    db.close()
  }
}
const statuses = () => rows().map((r) => r.status)

/** Samples rss and heap every 20 ms; returns the peaks above the starting point. */
function memoryWatch() {
  global.gc?.()
  const start = process.memoryUsage()
  let peakRss = start.rss
  let peakHeap = start.heapUsed
  const timer = setInterval(() => {
    const m = process.memoryUsage()
    peakRss = Math.max(peakRss, m.rss)
    peakHeap = Math.max(peakHeap, m.heapUsed)
  }, 20)
  return {
    stop() {
      clearInterval(timer)
      return { startRssMb: Math.round(start.rss / MB), peakRssMb: Math.round(peakRss / MB), rssGrowthMb: Math.round((peakRss - start.rss) / MB), heapGrowthMb: Math.round((peakHeap - start.heapUsed) / MB) }
    },
  }
}

/** Writes `totalMb` of JSON-ish bytes with backpressure, stopping as soon as the client goes away. */
function hugeBody(totalMb: number, declareLength: boolean) {
  return (res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'application/json', ...(declareLength ? { 'Content-Length': String(totalMb * MB) } : {}) })
    const chunk = Buffer.alloc(MB, 0x20)
    let sent = 0
    let gone = false
    res.on('close', () => (gone = true))
    const pump = () => {
      while (!gone && sent < totalMb) {
        sent++
        if (!res.write(chunk)) {
          res.once('drain', pump)
          return
        }
      }
      if (!gone) res.end()
    }
    pump()
  }
}

/** An answer that never ends: a byte every 5 ms until the client hangs up (bounded at 60 s). */
function endlessBody(res: ServerResponse) {
  res.writeHead(200, { 'Content-Type': 'application/json' })
  res.write('{"results":[')
  const t = setInterval(() => res.write(' '), 5)
  const stop = setTimeout(() => res.destroy(), 60_000)
  res.on('close', () => {
    clearInterval(t)
    clearTimeout(stop)
  })
}

describe.each(paths)('hostile server over %s', (_name, fetchFor) => {
  it('a 500 MB answer (undeclared length) to /events is cut at 4 MiB: bad_response, memory bounded, delivered once the server behaves', async () => {
    const api = await scripted((req, i) => (i < 2 ? { raw: hugeBody(500, false) } : acceptAll(req)))
    const watch = memoryWatch()
    const core = start(api.url, { fetch: fetchFor() })
    await order(core)
    await waitFor(() => core.status().lastError?.code === 'bad_response', 8000, 'bad_response')
    expect(statuses()).toEqual(['pending'])
    await waitFor(() => statuses()[0] === 'sent', 8000, 'sent')
    const m = watch.stop()
    figures[`huge-${_name}`] = m
    expect(m.peakRssMb).toBeLessThan(300 + m.startRssMb)
    expect(m.rssGrowthMb).toBeLessThan(100)
    expect(api.requests.length).toBe(3)
  })

  it('a declared 500 MB Content-Length is refused before reading', async () => {
    const api = await scripted((req, i) => (i < 1 ? { raw: hugeBody(500, true) } : acceptAll(req)))
    const watch = memoryWatch()
    const core = start(api.url, { fetch: fetchFor() })
    await order(core)
    await waitFor(() => statuses()[0] === 'sent', 8000, 'sent')
    const m = watch.stop()
    expect(m.rssGrowthMb).toBeLessThan(100)
    expect(rows()[0]!.status).toBe('sent')
  })

  it('an endless /events answer ends at the request deadline; the event goes again and is delivered', async () => {
    const api = await scripted((req, i) => (i < 1 ? { raw: endlessBody } : acceptAll(req)))
    const core = start(api.url, { fetch: fetchFor(), relay: { requestTimeoutMs: 400 } })
    const t = Date.now()
    await order(core)
    await waitFor(() => statuses()[0] === 'sent', 8000, 'sent')
    expect(Date.now() - t).toBeLessThan(5000)
  })

  it('a huge or endless /health answer is cut at 64 KiB and counts as a server error', async () => {
    let healthy = false
    const api = await scripted(acceptAll, { health: () => (healthy ? 200 : { raw: hugeBody(200, false) }) })
    const watch = memoryWatch()
    const core = start(api.url, { fetch: fetchFor() })
    await waitFor(() => core.status().lastError?.code === 'bad_response', 5000, 'health bad_response')
    expect(core.status().connectivity).not.toBe('offline')
    await order(core)
    healthy = true
    await waitFor(() => statuses()[0] === 'sent', 5000, 'sent')
    const m = watch.stop()
    expect(m.rssGrowthMb).toBeLessThan(100)
  })

  it('a redirect is never followed: the token and the batch never reach the target', async () => {
    const target = await scripted(acceptAll)
    let redirect = true
    const api = await scripted((req) => (redirect ? { status: 307, headers: { Location: `${target.url}/events` } } : acceptAll(req)))
    const core = start(api.url, { fetch: fetchFor() })
    await order(core)
    await waitFor(() => core.status().lastError?.code === 'bad_response', 5000, 'bad_response')
    expect(core.status().lastError?.httpStatus).toBe(307)
    expect(statuses()).toEqual(['pending'])
    expect(target.requests).toHaveLength(0)
    redirect = false
    await waitFor(() => statuses()[0] === 'sent', 5000, 'sent')
    expect(target.requests).toHaveLength(0)
  })
})

describe('hostile server: protocol and timers', () => {
  it('bug 7: [rejected, accepted] for one id marks nothing; the batch goes again; bad_response', async () => {
    let hostile = true
    const api = await scripted((req) =>
      hostile
        ? { status: 200, body: { results: req.events.flatMap((e) => [{ id: e.id, status: 'rejected', error: 'x' }, { id: e.id, status: 'accepted' }]) } }
        : acceptAll(req),
    )
    const core = start(api.url, { startRelay: false })
    await order(core, 'a')
    await order(core, 'b')
    await core.handlers.syncNow(undefined)
    expect(statuses()).toEqual(['pending', 'pending'])
    expect(core.status().lastError).toMatchObject({ code: 'bad_response' })
    hostile = false
    await waitFor(() => statuses().join() === 'sent,sent', 5000, 'sent after the server behaves')
  })

  it('bug 7: an id that was not in the batch is a protocol violation too', async () => {
    let hostile = true
    const api = await scripted((req) =>
      hostile ? { status: 200, body: { results: [...req.events.map((e) => ({ id: e.id, status: 'accepted' })), { id: 'stranger', status: 'accepted' }] } } : acceptAll(req),
    )
    const core = start(api.url, { startRelay: false })
    await order(core)
    await core.handlers.syncNow(undefined)
    expect(statuses()).toEqual(['pending'])
    expect(core.status().lastError?.code).toBe('bad_response')
    hostile = false
    await waitFor(() => statuses()[0] === 'sent', 5000)
  })

  for (const header of ['0', '-5']) {
    it(`bug 1: one 503 with Retry-After: ${header} is retried with no other trigger, and the status shows when`, async () => {
      const api = await scripted((req, i) => (i === 0 ? { status: 503, headers: { 'Retry-After': header } } : acceptAll(req)))
      // Backoff base 2 s: the floor (500 ms) leaves time to see the status say when.
      const core = start(api.url, { relay: { backoffBaseMs: 2000, backoffCapMs: 2000 } })
      await order(core)
      await waitFor(() => core.status().nextRetryAt !== null, 2000, 'the status shows the next retry')
      expect(core.status()).toMatchObject({ phase: 'backing-off', lastError: { code: 'server_error', httpStatus: 503 } })
      await waitFor(() => statuses()[0] === 'sent', 3000, 'sent without any trigger')
      expect(core.status()).toMatchObject({ nextRetryAt: null, counts: { pending: 0 } })
    })
  }

  it('bug 1: a server answering 503 + Retry-After: 0 forever is not hammered (backoff floor), and a wake-up is always armed', async () => {
    const api = await scripted(() => ({ status: 503, headers: { 'Retry-After': '0' } }))
    const core = start(api.url)
    await order(core)
    await new Promise((r) => setTimeout(r, 2000))
    // Floor 50 ms, then the doubling backoff: a handful of requests, not thousands.
    expect(api.requests.length).toBeLessThan(40)
    expect(core.status().nextRetryAt).not.toBeNull()
  })

  it('bug 3: a far-future Retry-After date is capped at a day: no hot loop, delivered once the day has passed', async () => {
    const api = await scripted(() => ({ status: 503, headers: { 'Retry-After': new Date('2100-01-01T00:00:00Z').toUTCString() } }))
    const warnings: string[] = []
    const onWarning = (w: Error) => warnings.push(w.name)
    process.on('warning', onWarning)
    try {
      const core = start(api.url)
      await order(core)
      await waitFor(() => rows()[0]!.next_attempt_at !== null, 3000, 'backoff stored')
      const cpu0 = process.cpuUsage()
      const t0 = performance.now()
      await new Promise((r) => setTimeout(r, 1500))
      const cpu = process.cpuUsage(cpu0)
      const share = (cpu.user + cpu.system) / 1000 / (performance.now() - t0)
      figures.farFutureCpuShare = Math.round(share * 1000) / 1000
      expect(share).toBeLessThan(0.2)
      expect(warnings.filter((w) => w === 'TimeoutOverflowWarning')).toEqual([])
      expect(api.requests).toHaveLength(1)
      const due = rows()[0]!.next_attempt_at!
      expect(due - Date.now()).toBeLessThanOrEqual(24 * 3_600_000)
      expect(Date.parse(core.status().nextRetryAt!)).toBeLessThanOrEqual(Date.now() + 24 * 3_600_000 + 1000)
      // Next day (a restart with the clock a day on): delivered with no user action.
      await core.shutdown()
      cores.length = 0
      const good = await scripted(acceptAll)
      start(good.url, { now: () => Date.now() + 24 * 3_600_000 + 60_000 })
      await waitFor(() => statuses()[0] === 'sent', 5000, 'delivered next day')
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('the token never reaches lastError, even when the server echoes the Authorization header', async () => {
    const api = await scripted((req, i) => (i < 1 ? { status: 500, body: { error: `bad header ${req.authorization}` } } : acceptAll(req)))
    const core = start(api.url)
    await order(core)
    await waitFor(() => core.status().lastError !== null, 5000)
    expect(JSON.stringify(core.status())).not.toContain(TOKEN)
    expect(rows()[0]!.last_error).not.toContain(TOKEN)
    await waitFor(() => statuses()[0] === 'sent', 5000)
  })

  it('a fetch error echoing a bad token (CR/LF in it) is redacted by the client, on both paths', async () => {
    const api = await scripted(acceptAll)
    const bad = 'abc\r\nsecretpart-991'
    const nodeFetch = createNodeHttpFetch()
    closers.push(() => nodeFetch.close())
    for (const f of [nodeFetch, (input: string, init: RequestInit) => fetch(input, init)]) {
      const client = new ApiClient({ apiUrl: api.url, token: bad, fetch: f })
      const r = await client.postEvents('{"events":[]}')
      expect(r.kind).toBe('network')
      expect(JSON.stringify(r)).not.toContain('secretpart-991')
    }
  })
})
