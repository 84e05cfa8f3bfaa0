import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { acceptAll, startScriptedApi, waitFor, type ScriptedReply, type ScriptedRequest } from '../../testing/scripted-api'
import { tempDir } from '../../testing/temp-dir'
import { freeLoopbackPort } from '../../cli/free-port'
import { startReferenceApi } from '../../reference-api/server'
import type { Core, CoreOptions } from '../core-types'
import { createCore } from '../create-core'
import { openSqlite } from '../db/native-sqlite'
import { openDatabase } from '../db/open-database'
import { uuidv7 } from '../ids'
import { OutboxRepo } from '../outbox/outbox-repo'

interface OutboxRow {
  id: string
  aggregate_id: string
  status: string
  attempts: number
  next_attempt_at: number | null
  last_error: string | null
  last_http_status: number | null
  sent_at: string | null
  server_reply: string | null
}

// Backoff long enough (100 ms at random 0.5) for a test to observe the failed state.
const FAST = { backoffBaseMs: 200, backoffCapMs: 400, probeMinMs: 40, probeMaxMs: 200, kickDelayMs: 0 }

let dir: ReturnType<typeof tempDir>
const cores: Core[] = []
const closers: (() => Promise<void>)[] = []
beforeEach(() => {
  dir = tempDir()
})
afterEach(async () => {
  for (const c of cores.splice(0)) await c.shutdown()
  for (const close of closers.splice(0)) await close()
  dir.remove()
})

function start(apiUrl: string | undefined, opts: Partial<CoreOptions> = {}): Core {
  const core = createCore({
    dataDir: dir.path,
    flags: { apiUrl },
    random: () => 0.5,
    ...opts,
    relay: { ...FAST, ...opts.relay },
  })
  cores.push(core)
  return core
}
async function scripted(decide: (req: ScriptedRequest, i: number) => ScriptedReply | Promise<ScriptedReply>, opts?: { health?: () => number }) {
  const api = await startScriptedApi(decide, opts)
  closers.push(api.close)
  return api
}
async function order(core: Core, customer = 'Ada'): Promise<string> {
  const r = await core.handlers.createOrder({ customer, items: [{ name: 'Tea', quantity: '1', unitPrice: '2.00' }] })
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return r.value.id
}
function outbox(): OutboxRow[] {
  const db = openSqlite(join(dir.path, 'outpost.db'), { readonly: true })
  try {
    return db.prepare('SELECT * FROM outbox ORDER BY seq').all() as OutboxRow[]
  } finally {
    db.close()
  }
}
const statuses = () => outbox().map((r) => r.status)

describe('outcomes', () => {
  it('accepted: the event is sent, with sent_at and the server reply recorded', async () => {
    const api = await scripted(acceptAll)
    const core = start(api.url)
    const id = await order(core)
    await waitFor(() => statuses()[0] === 'sent', 5000, 'sent')
    const [row] = outbox()
    expect(row).toMatchObject({ aggregate_id: id, status: 'sent', attempts: 1, last_http_status: 200, last_error: null })
    expect(Date.parse(row!.sent_at!)).not.toBeNaN()
    expect(JSON.parse(row!.server_reply!)).toEqual({ id: row!.id, status: 'accepted' })
    // The wire shape of docs/sync-protocol.md
    expect(api.requests[0]!.events[0]).toEqual({
      id: row!.id,
      type: 'OrderCreated',
      aggregateId: id,
      occurredAt: expect.any(String),
      payload: expect.objectContaining({ id, customer: 'Ada', totalMinor: 200, currency: 'USD' }),
    })
    expect(core.status()).toMatchObject({ api: 'reachable', connectivity: 'online', counts: { pending: 0, dead: 0, sentToday: 1 } })
  })

  it('duplicate: the event counts as sent', async () => {
    const api = await scripted((req) => ({ status: 200, body: { results: req.events.map((e) => ({ id: e.id, status: 'duplicate' })) } }))
    start(api.url)
    await order(cores[0]!)
    await waitFor(() => statuses()[0] === 'sent', 5000, 'sent')
    expect(JSON.parse(outbox()[0]!.server_reply!).status).toBe('duplicate')
  })

  it('rejected: the event is dead with the server message, never retried, and later orders keep flowing', async () => {
    const api = await startReferenceApi({ dbFile: join(dir.path, 'api.db') })
    closers.push(() => api.close())
    const core = start(api.url)
    await order(core, 'REJECT me')
    await order(core, 'Fine customer')
    await waitFor(() => statuses().join() === 'dead,sent', 5000, 'dead then sent')
    expect(outbox()[0]).toMatchObject({ status: 'dead', last_error: 'Customer is on the blocked list' })
    expect(core.status().counts).toMatchObject({ dead: 1, pending: 0 })
    const dead = await core.handlers.listDeadEvents(undefined)
    expect(dead.ok && dead.value).toEqual([expect.objectContaining({ customer: 'REJECT me', reason: 'Customer is on the blocked list', attempts: 1 })])
    const before = api.requestLog.length
    await order(core, 'Another')
    await waitFor(() => statuses()[2] === 'sent', 5000)
    // The dead event was not part of any later request.
    expect(api.requestLog.slice(before).every((r) => r.rejected === 0)).toBe(true)
  })

  it('an event missing from a 200 result list is retried; the others are sent', async () => {
    const api = await scripted((req, i) =>
      i === 0 ? { status: 200, body: { results: req.events.slice(0, -1).map((e) => ({ id: e.id, status: 'accepted' })) } } : acceptAll(req),
    )
    const core = start(api.url, { startRelay: false })
    await order(core, 'a')
    await order(core, 'b')
    const r = await core.handlers.syncNow(undefined)
    expect(r.ok).toBe(true)
    await waitFor(() => statuses().join() === 'sent,sent', 5000)
    expect(api.requests.map((q) => q.events.length)).toEqual([2, 1])
    expect(outbox()[1]!.attempts).toBe(2)
  })

  it('a 2xx whose body is not the expected JSON is retried', async () => {
    const api = await scripted((req, i) => (i === 0 ? { status: 200, body: '<html>proxy login</html>' } : acceptAll(req)))
    const core = start(api.url)
    await order(core)
    await waitFor(() => statuses()[0] === 'sent', 5000)
    expect(api.requests).toHaveLength(2)
    expect(outbox()[0]!.attempts).toBe(2)
  })

  for (const status of [408, 425, 429, 500, 502, 503]) {
    it(`${status}: retried with backoff, counting the attempt`, async () => {
      const api = await scripted((req, i) => (i === 0 ? { status, body: { error: 'busy' } } : acceptAll(req)))
      const core = start(api.url)
      await order(core)
      await waitFor(() => outbox()[0]!.attempts === 1, 5000)
      const failed = outbox()[0]!
      expect(failed).toMatchObject({ status: 'pending', last_http_status: status, last_error: `HTTP ${status}: busy` })
      expect(failed.next_attempt_at).toBeGreaterThan(Date.now() - 1000)
      await waitFor(() => statuses()[0] === 'sent', 5000)
      expect(api.requests).toHaveLength(2)
    })
  }

  it('connection errors are retried, and the status says the server is unreachable (never "offline") until the API answers', async () => {
    const api = await scripted((req, i) => (i < 2 ? 'drop' : acceptAll(req)))
    const core = start(api.url)
    await order(core)
    await waitFor(() => core.status().api === 'unreachable', 5000, 'unreachable')
    expect(core.status().connectivity).not.toBe('offline')
    await waitFor(() => statuses()[0] === 'sent', 5000)
    expect(core.status()).toMatchObject({ connectivity: 'online', api: 'reachable', lastError: null })
  })

  it('issue 10: connection refused (nothing listening) is "unreachable", never "offline"', async () => {
    const port = await freeLoopbackPort()
    const core = start(`http://127.0.0.1:${port}`)
    await order(core)
    await waitFor(() => core.status().lastError?.code === 'network', 3000, 'network error')
    expect(core.status()).toMatchObject({ api: 'unreachable', phase: 'backing-off' })
    expect(core.status().connectivity).not.toBe('offline')
    expect(core.status().nextRetryAt).not.toBeNull()
    core.setOsOnline(false)
    expect(core.status().connectivity).toBe('offline') // only the OS says so
  })

  it('a request that times out is retried with the same event id', async () => {
    let n = 0
    const api = await scripted(async (req) => {
      if (n++ === 0) await new Promise((r) => setTimeout(r, 1500))
      return acceptAll(req)
    })
    const core = start(api.url, { relay: { requestTimeoutMs: 300 } })
    await order(core)
    await waitFor(() => statuses()[0] === 'sent' && api.requests.length >= 2, 8000)
    expect(new Set(api.requests.map((r) => r.events[0]!.id)).size).toBe(1)
    expect(outbox()[0]!.attempts).toBeGreaterThanOrEqual(2)
  })
})

describe('Retry-After', () => {
  it('in seconds', async () => {
    const api = await scripted((req, i) => (i === 0 ? { status: 429, headers: { 'Retry-After': '2' } } : acceptAll(req)))
    const core = start(api.url)
    await order(core)
    await waitFor(() => api.requests.length === 1 && outbox()[0]!.attempts === 1, 5000)
    const failedAt = api.requests[0]!.at
    expect(outbox()[0]!.next_attempt_at! - failedAt).toBeGreaterThanOrEqual(1900)
    await waitFor(() => statuses()[0] === 'sent', 6000)
    expect(api.requests[1]!.at - failedAt).toBeGreaterThanOrEqual(1900)
  })

  it('as an HTTP date', async () => {
    const api = await scripted((req, i) =>
      i === 0 ? { status: 503, headers: { 'Retry-After': new Date(Date.now() + 3000).toUTCString() } } : acceptAll(req),
    )
    const core = start(api.url)
    await order(core)
    await waitFor(() => outbox()[0]!.attempts === 1, 5000)
    // HTTP dates have 1 s resolution: at least 1.5 s out.
    expect(outbox()[0]!.next_attempt_at! - api.requests[0]!.at).toBeGreaterThan(1500)
    await waitFor(() => statuses()[0] === 'sent', 6000)
    expect(api.requests[1]!.at - api.requests[0]!.at).toBeGreaterThan(1500)
  })
})

describe('401 and 403', () => {
  it('pause delivery without using attempts, and resume when the token changes', async () => {
    const api = await scripted((req) => (req.authorization === 'Bearer good' ? acceptAll(req) : { status: 401, body: { error: 'bad token' } }))
    const core = start(api.url, { flags: { apiUrl: undefined }, relay: FAST })
    await core.handlers.updateSettings({ apiUrl: api.url, apiToken: 'wrong' })
    await order(core)
    await waitFor(() => core.status().api === 'unauthorized', 5000, 'unauthorized')
    expect(core.status()).toMatchObject({ phase: 'paused', lastError: { httpStatus: 401 } })
    const requests = api.requests.length
    await order(core)
    await new Promise((r) => setTimeout(r, 500))
    // no hammering: nothing more was sent, and no attempts were used up
    expect(api.requests.length).toBe(requests)
    expect(outbox().map((r) => r.attempts)).toEqual([0, 0])
    await core.handlers.updateSettings({ apiToken: 'good' })
    await waitFor(() => statuses().join() === 'sent,sent', 5000)
    expect(core.status().api).toBe('reachable')
  })

  it('403 pauses too, and Sync now tries again', async () => {
    let allowed = false
    const api = await scripted((req) => (allowed ? acceptAll(req) : { status: 403 }))
    const core = start(api.url)
    await order(core)
    await waitFor(() => core.status().api === 'unauthorized', 5000)
    allowed = true
    const r = await core.handlers.syncNow(undefined)
    expect(r.ok && r.value.outcome).toBe('synced')
    expect(statuses()).toEqual(['sent'])
  })
})

describe('batches', () => {
  it('another 4xx for a batch splits it to isolate the bad event, which becomes dead', async () => {
    const api = await scripted((req) =>
      req.events.some((e) => (e.payload as { customer: string }).customer === 'bad')
        ? { status: 422, body: { error: 'customer field malformed' } }
        : acceptAll(req),
    )
    const core = start(api.url, { startRelay: false })
    for (const c of ['a', 'b', 'bad', 'd', 'e']) await order(core, c)
    await core.handlers.syncNow(undefined)
    await waitFor(() => !statuses().includes('pending'), 5000)
    expect(statuses()).toEqual(['sent', 'sent', 'dead', 'sent', 'sent'])
    expect(outbox()[2]).toMatchObject({ last_error: 'HTTP 422: customer field malformed', last_http_status: 422 })
    // 5 → (3 → (2, 1 bad)) and 2: each accepted request holds only good events
    expect(api.requests[0]!.events).toHaveLength(5)
  })

  it('413 halves the batch size and retries', async () => {
    const api = await scripted((req) => (req.events.length > 3 ? { status: 413 } : acceptAll(req)))
    const core = start(api.url, { startRelay: false, relay: { batchSize: 10, concurrency: 1 } })
    for (let i = 0; i < 10; i++) await order(core, `c${i}`)
    await core.handlers.syncNow(undefined)
    await waitFor(() => statuses().every((s) => s === 'sent'), 5000)
    const sizes = api.requests.map((r) => r.events.length)
    // 10 → 413, halves of 5 → 413, then batches of at most 3 that go through.
    expect(sizes.slice(0, 2)).toEqual([10, 5])
    expect(sizes.filter((n) => n > 3)).toEqual([10, 5, 5])
    expect(sizes.filter((n) => n <= 3).reduce((a, b) => a + b, 0)).toBe(10)
    // A 413 is the batch's fault, not the events': each was accepted on its first counted attempt.
    expect(outbox().every((r) => r.attempts === 1)).toBe(true)
  })

  it('keeps each request under the body limit', async () => {
    const api = await scripted(acceptAll)
    const core = start(api.url, { startRelay: false, relay: { maxBodyBytes: 4096 } })
    const note = 'n'.repeat(1500)
    for (let i = 0; i < 6; i++) await core.handlers.createOrder({ customer: `c${i}`, note, items: [{ name: 'x', quantity: 1, unitPrice: '1' }] })
    await core.handlers.syncNow(undefined)
    await waitFor(() => statuses().every((s) => s === 'sent'), 5000)
    expect(api.requests.length).toBeGreaterThan(1)
    for (const r of api.requests) expect(Buffer.byteLength(JSON.stringify({ events: r.events }))).toBeLessThanOrEqual(4096)
  })
})

describe('ordering', () => {
  it('events of one order go in creation order, never before the earlier one is confirmed, under parallel delivery', async () => {
    // Seed 20 orders with 3 events each, interleaved, straight into the outbox.
    const db = openDatabase(dir.path)
    const repo = new OutboxRepo(db)
    const aggregates = Array.from({ length: 20 }, () => uuidv7())
    const expected = new Map<string, string[]>()
    db.transaction(() => {
      for (const a of aggregates) {
        db.prepare(`INSERT INTO orders (id, customer, note, currency, items, total_minor, created_at) VALUES (?, 'c', NULL, 'USD', '[]', 0, '2026-01-01T00:00:00.000Z')`).run(a)
      }
      for (let step = 0; step < 3; step++) {
        for (const a of aggregates) {
          const id = uuidv7()
          repo.enqueue({ id, aggregateId: a, type: step === 0 ? 'OrderCreated' : 'OrderUpdated', payload: JSON.stringify({ step }), createdAt: new Date().toISOString() })
          expected.set(a, [...(expected.get(a) ?? []), id])
        }
      }
    })()
    db.close()

    const confirmed = new Set<string>()
    const violations: string[] = []
    const api = await scripted(async (req) => {
      for (const e of req.events) {
        const list = expected.get(e.aggregateId)!
        const idx = list.indexOf(e.id)
        if (idx > 0 && !confirmed.has(list[idx - 1]!)) violations.push(`${e.id} before ${list[idx - 1]}`)
      }
      // Random latency so that two parallel requests finish in either order.
      await new Promise((r) => setTimeout(r, Math.random() * 30))
      for (const e of req.events) confirmed.add(e.id)
      return acceptAll(req)
    })
    const core = start(api.url, { relay: { batchSize: 7, concurrency: 2 } })
    await waitFor(() => statuses().every((s) => s === 'sent'), 10_000)
    expect(violations).toEqual([])
    // Each request carries at most one event per order.
    for (const r of api.requests) expect(new Set(r.events.map((e) => e.aggregateId)).size).toBe(r.events.length)
    // Arrival order per order is creation order.
    const arrival = new Map<string, string[]>()
    for (const r of api.requests) for (const e of r.events) arrival.set(e.aggregateId, [...(arrival.get(e.aggregateId) ?? []), e.id])
    for (const a of aggregates) expect(arrival.get(a)).toEqual(expected.get(a))
    // Two requests were in flight at once at least once.
    expect(api.requests.length).toBeGreaterThanOrEqual(9)
    void core
  })

  it('a dead event blocks only later events of its own order', async () => {
    const db = openDatabase(dir.path)
    const repo = new OutboxRepo(db)
    const [x, y] = [uuidv7(), uuidv7()]
    for (const a of [x, y]) db.prepare(`INSERT INTO orders (id, customer, note, currency, items, total_minor, created_at) VALUES (?, 'c', NULL, 'USD', '[]', 0, '2026-01-01T00:00:00.000Z')`).run(a)
    const ids = { x1: uuidv7(), x2: uuidv7(), y1: uuidv7() }
    repo.enqueue({ id: ids.x1, aggregateId: x, type: 'OrderCreated', payload: '{"bad":true}', createdAt: 't' })
    repo.enqueue({ id: ids.x2, aggregateId: x, type: 'OrderUpdated', payload: '{}', createdAt: 't' })
    repo.enqueue({ id: ids.y1, aggregateId: y, type: 'OrderCreated', payload: '{}', createdAt: 't' })
    db.close()
    const api = await scripted((req) => ({
      status: 200,
      body: { results: req.events.map((e) => ({ id: e.id, status: (e.payload as { bad?: boolean }).bad ? 'rejected' : 'accepted', error: 'no' })) },
    }))
    const core = start(api.url)
    await waitFor(() => statuses().join() === 'dead,pending,sent', 5000)
    await core.handlers.syncNow(undefined)
    expect(statuses()).toEqual(['dead', 'pending', 'sent'])
    expect(api.requests.flatMap((r) => r.events.map((e) => e.id))).not.toContain(ids.x2)
  })
})

describe('restarts and leases', () => {
  it('backoff persists across a restart', async () => {
    let healthy = false
    const api = await scripted((req) => (healthy ? acceptAll(req) : { status: 503 }))
    const slow = { backoffBaseMs: 3000, backoffCapMs: 3000 }
    let core = start(api.url, { relay: slow, random: () => 0.99 })
    await order(core)
    await waitFor(() => outbox()[0]!.attempts === 1, 5000)
    const due = outbox()[0]!.next_attempt_at!
    expect(due - Date.now()).toBeGreaterThan(2000)
    await core.shutdown()
    cores.length = 0

    healthy = true
    const before = api.requests.length
    core = start(api.url, { relay: slow })
    await new Promise((r) => setTimeout(r, 800))
    // Restarted, API healthy, but the stored backoff still holds.
    expect(api.requests.length).toBe(before)
    expect(outbox()[0]).toMatchObject({ status: 'pending', next_attempt_at: due })
    await waitFor(() => statuses()[0] === 'sent', 6000)
    expect(api.requests.at(-1)!.at).toBeGreaterThanOrEqual(due)
  })

  it('the lease keeps a second relay off the same database while the first is sending', async () => {
    let slow = true
    const api = await scripted(async (req) => {
      if (slow) await new Promise((r) => setTimeout(r, 800))
      return acceptAll(req)
    })
    const first = start(api.url, { startRelay: false })
    await order(first)
    const firstSync = first.handlers.syncNow(undefined) // holds the lease while its request is in flight
    await waitFor(() => api.requests.length === 1, 3000)
    slow = false
    const second = start(api.url, { startRelay: false })
    await order(second)
    const r = await second.handlers.syncNow(undefined)
    expect(r.ok && r.value.outcome).toBe('partial')
    expect(api.requests).toHaveLength(1)
    await firstSync
    // The first relay released the lease when it went idle: the second's lease retry delivers within 1 s.
    const idleAt = Date.now()
    await waitFor(() => statuses().join() === 'sent,sent', 2000, 'second delivered')
    expect(Date.now() - idleAt).toBeLessThan(1000)
  })

  it('issue 9 bug 8: an idle relay holds no lease, so a second process on the same folder delivers within 1 s', async () => {
    const api = await scripted(acceptAll)
    const first = start(api.url)
    await order(first)
    await waitFor(() => statuses().join() === 'sent', 3000)
    const second = start(api.url)
    await new Promise((r) => setTimeout(r, 200))
    const t = Date.now()
    await order(second)
    await waitFor(() => statuses().join() === 'sent,sent', 3000, 'second process delivered')
    expect(Date.now() - t).toBeLessThan(1000)
  })
})

describe('pipelined delivery', () => {
  it('never more than `concurrency` requests at once, and an order is reported changed only after its event is recorded sent', async () => {
    let open = 0
    let maxOpen = 0
    const api = await scripted(async (req) => {
      open++
      maxOpen = Math.max(maxOpen, open)
      await new Promise((r) => setTimeout(r, Math.random() * 15))
      open--
      return acceptAll(req)
    })
    const core = start(api.url, { startRelay: false, relay: { batchSize: 10, concurrency: 2 } })
    const ids = new Set<string>()
    for (let i = 0; i < 60; i++) ids.add(await order(core, `c${i}`))
    // A second connection sees only what was committed.
    const reader = openSqlite(join(dir.path, 'outpost.db'), { readonly: true })
    closers.push(async () => {
      reader.close()
    })
    const statusOf = reader.prepare('SELECT status FROM outbox WHERE aggregate_id = ?').pluck()
    const reported = new Set<string>()
    const early: string[] = []
    const off = core.on('ordersChanged', ({ orderIds, created }) => {
      if (created) return
      for (const id of orderIds) {
        reported.add(id)
        if (statusOf.get(id) !== 'sent') early.push(id)
      }
    })
    const r = await core.handlers.syncNow(undefined)
    off()
    expect(r.ok && r.value.outcome).toBe('synced')
    expect(early).toEqual([])
    expect(reported).toEqual(ids)
    expect(maxOpen).toBe(2)
    // Each event went exactly once: nothing was sent twice by the overlapping slots.
    const sent = api.requests.flatMap((q) => q.events.map((e) => e.id))
    expect(sent.length).toBe(60)
    expect(new Set(sent).size).toBe(60)
  })
})

describe('a failed commit in one slot', () => {
  it('halts the pass, and the pass ends only after the other slot has recorded its answer and left', async () => {
    const core = start(undefined, { startRelay: false, relay: { batchSize: 10, concurrency: 2 } })
    for (let i = 0; i < 40; i++) await order(core, `c${i}`)
    const [first] = outbox()
    // A real SQLite failure, from a second connection: recording the first event's attempt aborts.
    const writer = openSqlite(join(dir.path, 'outpost.db'))
    writer.exec(`CREATE TRIGGER fail_record BEFORE INSERT ON outbox_attempts WHEN new.event_id = '${first!.id}' BEGIN SELECT RAISE(ABORT, 'injected'); END`)
    writer.close()
    // The first batch is answered at once, so its slot commits alone (and fails) before the second batch's slow answer.
    const api = await scripted(async (req) => {
      if (!req.events.some((e) => e.id === first!.id)) await new Promise((r) => setTimeout(r, 400))
      return acceptAll(req)
    })
    const set = await core.handlers.updateSettings({ apiUrl: api.url })
    expect(set.ok).toBe(true)
    await core.handlers.syncNow(undefined)
    const requestsAtEnd = api.requests.length
    const rows = outbox()
    // The other slot's batch was recorded before the pass ended; the failed one stays pending (sent again later, same ids).
    expect(rows.slice(10, 20).map((r) => r.status)).toEqual(Array(10).fill('sent'))
    expect(rows.slice(0, 10).every((r) => r.status === 'pending')).toBe(true)
    // Three requests: both slots' first batches, and the batch the fast slot sent before recording its answer.
    // None after the failure while the pass lasted: the slow slot claimed nothing more (a later drain may send again).
    expect(requestsAtEnd).toBe(3)
  })
})

describe('progress', () => {
  it('issue 10: orders created during a run extend the total, so done never exceeds total', async () => {
    const api = await scripted(async (req) => {
      await new Promise((r) => setTimeout(r, 40))
      return acceptAll(req)
    })
    const core = start(api.url, { startRelay: false, relay: { batchSize: 2, concurrency: 1 } })
    for (let i = 0; i < 4; i++) await order(core, `seed${i}`)
    const samples: { done: number; total: number }[] = []
    const off = core.on('status', (s) => {
      if (s.progress) samples.push(s.progress)
    })
    const sync = core.handlers.syncNow(undefined)
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 25))
      await order(core, `during${i}`)
      const p = core.status().progress
      if (p) samples.push(p)
    }
    await sync
    await waitFor(() => statuses().every((x) => x === 'sent'), 5000)
    off()
    expect(samples.length).toBeGreaterThan(3)
    for (const p of samples) expect(p.done).toBeLessThanOrEqual(p.total)
    expect(Math.max(...samples.map((p) => p.total))).toBeGreaterThan(4)
  })
})

describe('connectivity', () => {
  it('with the API down, orders are created at once and stay pending; when it comes up, all are delivered within 2 s of the first good probe', async () => {
    let up = false
    const api = await scripted((req) => (up ? acceptAll(req) : 'drop'), { health: () => (up ? 200 : 503) })
    const core = start(api.url, { relay: { probeMinMs: 100, probeMaxMs: 300 } })
    const t0 = performance.now()
    for (let i = 0; i < 20; i++) await order(core, `c${i}`)
    expect(performance.now() - t0).toBeLessThan(2000)
    // The first send fails at the network level (or the failed probe makes it wait); everything stays pending.
    await waitFor(() => core.status().api === 'unreachable' && core.status().nextRetryAt !== null, 3000, 'down')
    await new Promise((r) => setTimeout(r, 500))
    expect(statuses().every((s) => s === 'pending')).toBe(true)
    expect(api.healthChecks).toBeGreaterThan(1) // the probe keeps trying
    up = true
    const upAt = Date.now()
    await waitFor(() => statuses().every((s) => s === 'sent'), 5000)
    // Probe period is at most 300 ms here; delivery follows the good probe at once.
    expect(Date.now() - upAt).toBeLessThan(2000 + 300)
    expect(core.status()).toMatchObject({ connectivity: 'online', counts: { pending: 0 } })
  })

  it('the OS reporting online again re-probes at once', async () => {
    let up = false
    const api = await scripted((req) => (up ? acceptAll(req) : 'drop'), { health: () => (up ? 200 : 503) })
    // The probe would next run in 5 s; only the OS signal can explain a faster delivery.
    const core = start(api.url, { relay: { probeMinMs: 5000, probeMaxMs: 5000 } })
    await order(core)
    // Down either way: the send was dropped, or the failed probe made the order wait for the next one (5 s away).
    await waitFor(() => api.healthChecks >= 1 && statuses()[0] === 'pending' && core.status().api !== 'reachable' && core.status().nextRetryAt !== null, 3000)
    core.setOsOnline(false)
    up = true
    const checks = api.healthChecks
    const t = Date.now()
    core.setOsOnline(true)
    await waitFor(() => statuses()[0] === 'sent', 2000)
    expect(Date.now() - t).toBeLessThan(1000)
    expect(api.healthChecks).toBe(checks + 1)
  })
})

describe('shutdown and retention', () => {
  it('a graceful quit gives in-flight requests up to 2 s, then closes; the unconfirmed event stays pending', async () => {
    const api = await scripted(async (req) => {
      await new Promise((r) => setTimeout(r, 5000))
      return acceptAll(req)
    })
    const core = start(api.url)
    await order(core)
    await waitFor(() => api.requests.length === 1, 3000)
    const t = Date.now()
    await core.shutdown()
    cores.length = 0
    const took = Date.now() - t
    expect(took).toBeGreaterThanOrEqual(1900)
    expect(took).toBeLessThan(3500)
    expect(statuses()).toEqual(['pending'])
  })

  it('sent events older than the retention window are pruned at start; orders are kept', async () => {
    const api = await scripted(acceptAll)
    let core = start(api.url)
    await order(core, 'old')
    await order(core, 'new')
    await waitFor(() => statuses().join() === 'sent,sent', 5000)
    await core.shutdown()
    cores.length = 0
    const db = openDatabase(dir.path)
    db.prepare(`UPDATE outbox SET sent_at = ? WHERE seq = (SELECT min(seq) FROM outbox)`).run(new Date(Date.now() - 31 * 86_400_000).toISOString())
    db.close()
    core = start(api.url, { relay: { retentionDays: 30 } })
    expect(outbox()).toHaveLength(1)
    const page = await core.handlers.listOrders({ offset: 0, limit: 10 })
    expect(page.ok && page.value.items.map((o) => [o.customer, o.syncState])).toEqual([
      ['new', 'synced'],
      ['old', 'synced'],
    ])
  })
})

describe('with a fetch-based client (as Electron passes net.fetch)', () => {
  it('delivers, retries a dropped connection and honours a timeout through fetch too', async () => {
    let n = 0
    const api = await scripted(async (req) => {
      n++
      if (n === 1) return 'drop'
      if (n === 2) await new Promise((r) => setTimeout(r, 1500))
      return acceptAll(req)
    })
    const core = start(api.url, { fetch: (input, init) => fetch(input, init), relay: { requestTimeoutMs: 400 } })
    await order(core)
    await waitFor(() => statuses()[0] === 'sent', 8000)
    expect(api.requests.length).toBeGreaterThanOrEqual(3)
    expect(new Set(api.requests.map((r) => r.events[0]!.id)).size).toBe(1)
  })
})
