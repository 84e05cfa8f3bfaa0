import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  BLOCKED_CUSTOMER_MESSAGE,
  MAX_BODY_BYTES,
  PAYLOAD_NOT_OBJECT_MESSAGE,
  startReferenceApi,
  type ReferenceApi,
  type ReferenceApiOptions,
} from './server'

interface WireEvent {
  id: string
  type: string
  aggregateId: string
  occurredAt: string
  payload: unknown
}
interface ResultsBody {
  results: { id: string; status: string; error?: string; code?: string }[]
}

let dir: string
let dbFile: string
const running: ReferenceApi[] = []
let seq = 0

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'outpost-refapi-'))
  dbFile = join(dir, 'reference.db')
})

afterEach(async () => {
  await Promise.all(running.splice(0).map((api) => api.close()))
  rmSync(dir, { recursive: true, force: true })
})

async function start(opts: Partial<ReferenceApiOptions> = {}): Promise<ReferenceApi> {
  const api = await startReferenceApi({ port: 0, dbFile, ...opts })
  running.push(api)
  return api
}

function order(customer = 'Ann', overrides: Partial<WireEvent> = {}): WireEvent {
  seq++
  const orderId = `order-${seq}`
  return {
    id: `evt-${seq}`,
    type: 'OrderCreated',
    aggregateId: orderId,
    occurredAt: '2025-01-02T03:04:05.000Z',
    payload: {
      id: orderId,
      customer,
      note: null,
      currency: 'EUR',
      items: [{ name: 'Coffee', quantity: 2, unitPriceMinor: 250 }],
      totalMinor: 500,
      createdAt: '2025-01-02T03:04:05.000Z',
    },
    ...overrides,
  }
}

function post(api: ReferenceApi, body: unknown, token?: string): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (token) headers.Authorization = `Bearer ${token}`
  return fetch(`${api.url}/events`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

async function postEvents(api: ReferenceApi, events: WireEvent[], token?: string): Promise<ResultsBody['results']> {
  const res = await post(api, { events }, token)
  expect(res.status).toBe(200)
  return ((await res.json()) as ResultsBody).results
}

async function expectError(res: Response, status: number): Promise<string> {
  expect(res.status).toBe(status)
  const body = (await res.json()) as { error?: unknown }
  expect(typeof body.error).toBe('string')
  expect((body.error as string).length).toBeGreaterThan(0)
  return body.error as string
}

describe('reference API: events', () => {
  it('accepts new events and answers one result per event, in request order', async () => {
    const api = await start()
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const events = [order('Ann'), order('Bob'), order('Cy')]
    const results = await postEvents(api, events)
    expect(results).toEqual(events.map((e) => ({ id: e.id, status: 'accepted' })))
    expect(api.stats()).toMatchObject({ applied: 3, duplicates: 0, rejected: 0, requests: 1, distinctIds: 3, deliveries: 3 })
  })

  it('answers duplicate on a resend and does not apply it again', async () => {
    const api = await start()
    const events = [order(), order()]
    await postEvents(api, events)
    const again = await postEvents(api, events)
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'duplicate'])
    expect(api.orders()).toHaveLength(2)
    const s = api.stats()
    expect(s).toMatchObject({ applied: 2, duplicates: 2, deliveries: 4, distinctIds: 2, resends: 2, duplicateEffects: 0 })
    expect(api.eventStats(events[0]!.id)).toMatchObject({ deliveries: 2, applyCount: 1, duplicates: 1, lastStatus: 'duplicate' })
  })

  it('treats a repeated id inside one batch as a duplicate', async () => {
    const api = await start()
    const e = order()
    const results = await postEvents(api, [e, e])
    expect(results.map((r) => r.status)).toEqual(['accepted', 'duplicate'])
    expect(api.stats().applied).toBe(1)
  })

  it('keeps dedup durable across a restart on the same port and database', async () => {
    const first = await start()
    const e = order()
    await postEvents(first, [e])
    const port = first.port
    await first.close()
    await expect(fetch(`${first.url}/health`)).rejects.toThrow()

    const second = await start({ port })
    expect(second.url).toBe(first.url)
    const results = await postEvents(second, [e, order()])
    expect(results.map((r) => r.status)).toEqual(['duplicate', 'accepted'])
    expect(second.stats()).toMatchObject({ applied: 2, duplicates: 1, requests: 2, duplicateEffects: 0, applyCounts: { '1': 2 } })
  })

  it('rejects an OrderCreated for a blocked customer, does not store it, and rejects a retry again', async () => {
    const api = await start()
    const blocked = order('ACME REJECT Ltd')
    const lowercase = order('reject me not')
    const results = await postEvents(api, [blocked, lowercase])
    expect(results).toEqual([
      { id: blocked.id, status: 'rejected', error: BLOCKED_CUSTOMER_MESSAGE, code: 'invalid' },
      { id: lowercase.id, status: 'accepted' },
    ])
    const retry = await postEvents(api, [blocked])
    expect(retry).toEqual([{ id: blocked.id, status: 'rejected', error: 'Customer is on the blocked list', code: 'invalid' }])
    expect(api.orders().map((o) => o.eventId)).toEqual([lowercase.id])
    expect(api.stats()).toMatchObject({ applied: 1, rejected: 2, duplicates: 0 })
    expect(api.eventStats(blocked.id)).toMatchObject({ applyCount: 0, rejections: 2, deliveries: 2 })
  })

  it('rejects as invalid a payload that is not an object, an unknown type, or a payload that breaks its schema', async () => {
    const api = await start()
    const events = [
      order('x', { payload: 5 }),
      order('x', { payload: null }),
      order('x', { payload: ['a'], type: 'OrderUpdated' }),
      order('x', { payload: { anything: true }, type: 'OrderNoted' }),
      order('x', { payload: { ...(order().payload as object), items: [] } }),
    ]
    const results = await postEvents(api, events)
    expect(results.map((r) => [r.status, r.code, r.error])).toEqual([
      ['rejected', 'invalid', PAYLOAD_NOT_OBJECT_MESSAGE],
      ['rejected', 'invalid', PAYLOAD_NOT_OBJECT_MESSAGE],
      ['rejected', 'invalid', PAYLOAD_NOT_OBJECT_MESSAGE],
      ['rejected', 'invalid', 'Unknown event type "OrderNoted"'],
      ['rejected', 'invalid', expect.stringMatching(/^Invalid OrderCreated: items/)],
    ])
    expect(api.orders()).toEqual([])
    expect(api.stats().applied).toBe(0)
  })

  it('answers 400 with an error message for a body that is not the protocol shape', async () => {
    const api = await start()
    const { id: _id, ...withoutId } = order()
    const { payload: _payload, ...withoutPayload } = order()
    const bad: unknown[] = [
      'not json{',
      [],
      {},
      { events: [] },
      { events: 'nope' },
      { events: [withoutId] },
      { events: [withoutPayload] },
      { events: [{ ...order(), id: 42 }] },
      { events: [{ ...order(), id: '' }] },
    ]
    for (const body of bad) {
      const message = await expectError(await post(api, body), 400)
      expect(message).not.toMatch(/\n/)
    }
    expect(await expectError(await post(api, { events: [withoutPayload] }), 400)).toContain('payload')
    expect(api.stats()).toMatchObject({ applied: 0, requests: bad.length + 1, distinctIds: 0 })
  })

  it('answers 413 for more than 1000 events or a body over 1 MiB, applying nothing', async () => {
    const api = await start()
    const tooMany = Array.from({ length: 1001 }, () => order())
    expect(await expectError(await post(api, { events: tooMany }), 413)).toMatch(/1000/)

    const big = order('Big', { payload: { customer: 'Big', note: 'x'.repeat(MAX_BODY_BYTES) } })
    await expectError(await post(api, { events: [big] }), 413)
    expect(api.stats()).toMatchObject({ applied: 0, requests: 2 })

    // Exactly at the limit is fine, and the connection is still usable after a 413.
    const thousand = Array.from({ length: 1000 }, () => order())
    const results = await postEvents(api, thousand)
    expect(results).toHaveLength(1000)
    expect(results.every((r) => r.status === 'accepted')).toBe(true)
    expect(api.stats().applied).toBe(1000)
  })

  it('answers 413 for an oversized chunked body without a Content-Length', async () => {
    const api = await start()
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${api.url}/events`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      const chunk = Buffer.alloc(256 * 1024, 'a')
      for (let i = 0; i < 5; i++) req.write(chunk)
      req.end()
    })
    expect(status).toBe(413)
    expect(api.requestLog.at(-1)).toMatchObject({ status: 413, eventCount: 0 })
  })
})

describe('reference API: auth', () => {
  it('requires the bearer token on events, orders and stats, but not on health', async () => {
    const api = await start({ token: 'secret-1' })
    const e = order()
    expect(await expectError(await post(api, { events: [e] }), 401)).toMatch(/missing/i)
    const wrong = await post(api, { events: [e] }, 'secret-2')
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer')
    expect(await expectError(wrong, 401)).toMatch(/invalid/i)
    expect(api.stats().applied).toBe(0)

    expect((await fetch(`${api.url}/orders`)).status).toBe(401)
    expect((await fetch(`${api.url}/stats`)).status).toBe(401)
    const health = await fetch(`${api.url}/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ ok: true })

    expect(await postEvents(api, [e], 'secret-1')).toEqual([{ id: e.id, status: 'accepted' }])
    const orders = await fetch(`${api.url}/orders`, { headers: { Authorization: 'Bearer secret-1' } })
    expect(orders.status).toBe(200)
    expect(((await orders.json()) as unknown[]).length).toBe(1)
  })

  it('switches the required token at runtime with setToken', async () => {
    const api = await start({ token: 'old' })
    api.setToken('new')
    await expectError(await post(api, { events: [order()] }, 'old'), 401)
    expect((await postEvents(api, [order()], 'new'))[0]?.status).toBe('accepted')
    api.setToken(null)
    expect((await postEvents(api, [order()]))[0]?.status).toBe('accepted')
    expect(api.stats().applied).toBe(2)
  })
})

describe('reference API: reads', () => {
  it('health answers {ok:true}, and unknown paths and methods get JSON errors', async () => {
    const api = await start({ failRate: 1 })
    const res = await fetch(`${api.url}/health`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/application\/json/)
    expect(await res.json()).toEqual({ ok: true })
    await expectError(await fetch(`${api.url}/nope`), 404)
    const getEvents = await fetch(`${api.url}/events`)
    expect(getEvents.headers.get('allow')).toBe('POST')
    await expectError(getEvents, 405)
  })

  it('lists applied orders newest last, with the payload, order id, event id and received_at', async () => {
    const api = await start()
    const a = order('Ann')
    const b = order('Bob')
    const rejected = order('REJECT')
    await postEvents(api, [a])
    await postEvents(api, [b, rejected, a])
    const res = await fetch(`${api.url}/orders`)
    expect(res.status).toBe(200)
    const list = (await res.json()) as Record<string, unknown>[]
    expect(list.map((o) => o.customer)).toEqual(['Ann', 'Bob'])
    expect(list[0]).toMatchObject({
      id: a.aggregateId,
      eventId: a.id,
      currency: 'EUR',
      totalMinor: 500,
      note: null,
      items: [{ name: 'Coffee', quantity: 2, unitPriceMinor: 250 }],
    })
    const receivedAt = list.map((o) => Date.parse(String(o.received_at)))
    expect(receivedAt.every((t) => Number.isFinite(t))).toBe(true)
    expect(receivedAt[0]).toBeLessThanOrEqual(receivedAt[1]!)
    expect(api.orders()).toEqual(list)
  })

  it('serves stats over HTTP matching stats()', async () => {
    const api = await start()
    const e = order()
    await postEvents(api, [e])
    await postEvents(api, [e])
    const res = await fetch(`${api.url}/stats`)
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toEqual(api.stats())
    expect(body).toMatchObject({ applied: 1, duplicates: 1, deliveries: 2, resends: 1, requests: 2, duplicateEffects: 0 })
  })

  it('mounts every endpoint under basePath', async () => {
    const api = await start({ basePath: '/api/v1/' })
    expect(api.url).toMatch(/:\d+\/api\/v1$/)
    expect((await postEvents(api, [order()]))[0]?.status).toBe('accepted')
    expect((await fetch(`${api.url}/health`)).status).toBe(200)
    expect((await fetch(`http://127.0.0.1:${api.port}/health`)).status).toBe(404)
  })
})

describe('reference API: forced responses', () => {
  it('drop destroys the connection without applying; a resend is then accepted', async () => {
    const api = await start()
    const e = order()
    api.setNextResponses([{ drop: true }])
    await expect(post(api, { events: [e] })).rejects.toThrow()
    expect(api.stats()).toMatchObject({ applied: 0, distinctIds: 0, requests: 1, eventsReceived: 1 })
    expect(api.requestLog.at(-1)).toMatchObject({ status: null, eventCount: 1, fault: 'forced:drop' })
    expect(await postEvents(api, [e])).toEqual([{ id: e.id, status: 'accepted' }])
  })

  it('applyThenDrop commits, then drops; the resend is a duplicate and the id is applied once', async () => {
    const api = await start()
    const e = order()
    api.setNextResponses([{ applyThenDrop: true }])
    await expect(post(api, { events: [e] })).rejects.toThrow()
    expect(api.stats().applied).toBe(1)
    expect(await postEvents(api, [e])).toEqual([{ id: e.id, status: 'duplicate' }])
    expect(api.stats()).toMatchObject({ applied: 1, duplicates: 1, deliveries: 2, resends: 1, duplicateEffects: 0, applyCounts: { '1': 1 } })
  })

  it('forces statuses, Retry-After, error bodies and non-JSON bodies, one per POST, in order', async () => {
    const api = await start()
    const date = new Date(Date.now() + 60_000).toUTCString()
    api.setNextResponses([
      { status: 429, retryAfter: '2' },
      { status: 503, retryAfter: date },
      { status: 500 },
      { status: 401 },
      { status: 413 },
      { status: 400, error: 'bad' },
      { status: 200, body: 'not json' },
    ])
    expect(api.pendingForcedResponses()).toBe(7)
    const e = order()

    const r429 = await post(api, { events: [e] })
    expect(r429.headers.get('retry-after')).toBe('2')
    await expectError(r429, 429)
    const r503 = await post(api, { events: [e] })
    expect(r503.headers.get('retry-after')).toBe(date)
    await expectError(r503, 503)
    await expectError(await post(api, { events: [e] }), 500)
    await expectError(await post(api, { events: [e] }), 401)
    await expectError(await post(api, { events: [e] }), 413)
    expect(await expectError(await post(api, { events: [e] }), 400)).toBe('bad')
    const text = await post(api, { events: [e] })
    expect(text.status).toBe(200)
    expect(await text.text()).toBe('not json')

    // None of the forced answers applied anything; the queue is now empty.
    expect(api.stats()).toMatchObject({ applied: 0, requests: 7 })
    expect(api.pendingForcedResponses()).toBe(0)
    expect(await postEvents(api, [e])).toEqual([{ id: e.id, status: 'accepted' }])
    expect(api.requestLog.map((l) => l.status)).toEqual([429, 503, 500, 401, 413, 400, 200, 200])
  })

  it('omitIds applies the batch but leaves the last result out', async () => {
    const api = await start()
    const events = [order(), order(), order()]
    api.setNextResponses([{ omitIds: true }])
    const results = await postEvents(api, events)
    expect(results.map((r) => r.id)).toEqual([events[0]!.id, events[1]!.id])
    expect(api.stats().applied).toBe(3)
    const resend = await postEvents(api, [events[2]!])
    expect(resend).toEqual([{ id: events[2]!.id, status: 'duplicate' }])
  })

  it('delayMs holds the answer back (so a client timeout can trip)', async () => {
    const api = await start()
    api.setNextResponses([{ status: 503, delayMs: 300 }])
    const t0 = Date.now()
    await expectError(await post(api, { events: [order()] }), 503)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280)
  })
})

describe('reference API: injected faults', () => {
  it('with failRate 1 picks 503, 429, drop and applyThenDrop uniformly from random()', async () => {
    // random() is called twice per faulted request: once for "fault?", once for the kind.
    const values = [0, 0.1, 0, 0.3, 0, 0.6, 0, 0.9]
    const api = await start({ failRate: 1, random: () => values.shift() ?? 0 })
    const [a, b, c, d] = [order(), order(), order(), order()]

    const r1 = await post(api, { events: [a] })
    expect(await expectError(r1, 503)).toBe('injected')
    const r2 = await post(api, { events: [b] })
    expect(r2.headers.get('retry-after')).toBe('1')
    await expectError(r2, 429)
    await expect(post(api, { events: [c] })).rejects.toThrow()
    await expect(post(api, { events: [d] })).rejects.toThrow()
    expect(api.requestLog.map((l) => l.fault)).toEqual(['injected:503', 'injected:429', 'injected:drop', 'injected:applyThenDrop'])
    // Only the applyThenDrop batch was applied.
    expect(api.orders().map((o) => o.eventId)).toEqual([d.id])
    // Health is never faulted.
    expect((await fetch(`${api.url}/health`)).status).toBe(200)

    api.setFailRate(0)
    const results = await postEvents(api, [a, b, c, d])
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted', 'duplicate'])
    expect(() => api.setFailRate(1.5)).toThrow(RangeError)
  })

  it('adds latencyMs to each POST /events', async () => {
    const api = await start({ latencyMs: 150 })
    const t0 = Date.now()
    await postEvents(api, [order()])
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140)
  })
})

describe('reference API: exactly-once accounting', () => {
  it('applies each id exactly once under faults, concurrent overlapping resends and a restart', async () => {
    // A small deterministic PRNG, so the run is reproducible.
    let state = 42
    const random = () => {
      // mulberry32
      state = (state + 0x6d2b79f5) | 0
      let t = Math.imul(state ^ (state >>> 15), 1 | state)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
    let api = await start({ failRate: 0.4, random })
    const all = Array.from({ length: 60 }, () => order())
    const confirmed = new Set<string>()
    let sent = 0

    const sendUntilConfirmed = async (batch: WireEvent[]) => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const pending = batch.filter((e) => !confirmed.has(e.id))
        if (pending.length === 0) return
        sent += pending.length
        try {
          const res = await post(api, { events: pending })
          if (res.status !== 200) {
            await res.arrayBuffer()
            continue
          }
          for (const r of ((await res.json()) as ResultsBody).results) {
            if (r.status === 'accepted' || r.status === 'duplicate') confirmed.add(r.id)
          }
        } catch {
          // dropped: resend
        }
      }
      throw new Error('never confirmed')
    }

    // Two concurrent senders with overlapping ranges (ids 0..39 and 20..59), 5 events per batch.
    const worker = async (events: WireEvent[]) => {
      for (let i = 0; i < events.length; i += 5) await sendUntilConfirmed(events.slice(i, i + 5))
    }
    await Promise.all([worker(all.slice(0, 40)), worker(all.slice(20))])
    // Restart and resend everything once more: all duplicates.
    const port = api.port
    await api.close()
    running.splice(running.indexOf(api), 1)
    api = await start({ port })
    const final = await postEvents(api, all)
    sent += all.length

    expect(final.every((r) => r.status === 'duplicate')).toBe(true)
    expect(confirmed.size).toBe(60)
    const s = api.stats()
    expect(s.applied).toBe(60)
    expect(s.appliedIds).toBe(60)
    expect(s.duplicateEffects).toBe(0)
    expect(s.applyCounts).toEqual({ '1': 60 })
    expect(s.distinctIds).toBe(60)
    expect(s.resends).toBe(s.deliveries - s.distinctIds)
    expect(s.duplicates).toBe(s.deliveries - 60)
    expect(s.eventsReceived).toBe(sent)
    expect(s.deliveries).toBeLessThanOrEqual(sent)
    // The faults really happened: some arrivals never reached the idempotency check, some were resends.
    expect(s.eventsReceived).toBeGreaterThan(s.deliveries)
    expect(s.resends).toBeGreaterThan(60)
    expect(api.orders()).toHaveLength(60)
  })
})

describe('reference API: lifecycle', () => {
  it('close() is prompt even with an open keep-alive connection, and the port can be reused', async () => {
    const api = await start()
    await postEvents(api, [order()])
    // An idle keep-alive socket from fetch's pool is still open here.
    const t0 = Date.now()
    await api.close()
    expect(Date.now() - t0).toBeLessThan(1000)
    await api.close() // idempotent
    const again = await start({ port: api.port })
    expect((await fetch(`${again.url}/health`)).status).toBe(200)
    expect(again.stats().applied).toBe(1)
  })

  it('refuses a second server on a port that is in use', async () => {
    const api = await start()
    await expect(startReferenceApi({ port: api.port, dbFile: join(dir, 'other.db') })).rejects.toThrow(/EADDRINUSE/)
  })

  it('bounds requestLog (10,000 by default) to the most recent POSTs', async () => {
    const api = await start({ requestLogLimit: 5 })
    for (let i = 0; i < 7; i++) await (await post(api, i % 2 ? '{}' : { events: [order()] })).arrayBuffer()
    expect(api.requestLog.map((l) => l.status)).toEqual([200, 400, 200, 400, 200])
    expect(api.stats().requests).toBe(7)
  })
})

describe('reference API: order lifecycle (the shared rules)', () => {
  const content = (customer: string, quantity = 2) => ({
    customer,
    note: null,
    currency: 'EUR',
    items: [{ name: 'Coffee', quantity, unitPriceMinor: 250 }],
    totalMinor: Math.round(quantity * 250),
    createdAt: '2025-01-02T03:04:05.000Z',
  })
  const updated = (created: WireEvent, version: number, customer: string, quantity = 2): WireEvent => {
    seq++
    return {
      id: `evt-${seq}`,
      type: 'OrderUpdated',
      aggregateId: created.aggregateId,
      occurredAt: '2025-01-02T04:00:00.000Z',
      payload: { id: created.aggregateId, version, ...content(customer, quantity), updatedAt: '2025-01-02T04:00:00.000Z' },
    }
  }
  const cancelled = (created: WireEvent, version: number, reason: string | null = 'Changed mind'): WireEvent => {
    seq++
    return {
      id: `evt-${seq}`,
      type: 'OrderCancelled',
      aggregateId: created.aggregateId,
      occurredAt: '2025-01-02T05:00:00.000Z',
      payload: { id: created.aggregateId, version, reason, cancelledAt: '2025-01-02T05:00:00.000Z' },
    }
  }

  it('applies create → update → cancel in version order and GET /orders shows the current state and version', async () => {
    const api = await start()
    const c = order('Ann')
    const u = updated(c, 2, 'Ann B', 1.5)
    const x = cancelled(c, 3)
    expect((await postEvents(api, [c, u, x])).map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted'])
    const list = (await (await fetch(`${api.url}/orders`)).json()) as Record<string, unknown>[]
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({
      id: c.aggregateId,
      version: 3,
      state: 'cancelled',
      customer: 'Ann B',
      items: [{ name: 'Coffee', quantity: 1.5, unitPriceMinor: 250 }],
      totalMinor: 375,
      cancelReason: 'Changed mind',
      eventId: c.id,
      lastEventId: x.id,
    })
  })

  it('refuses a stale version (conflict), a gap (version_gap), an unknown order (not_found) and changes after cancel (conflict)', async () => {
    const api = await start()
    const c = order('Ann')
    await postEvents(api, [c])
    const gap = updated(c, 3, 'Gap')
    const stale = updated(c, 1 + 1, 'First')
    const staleAgain = updated(c, 2, 'Second, also from v1')
    const unknown = updated(order('Nobody'), 2, 'Ghost')
    const results = await postEvents(api, [gap, stale, staleAgain, unknown])
    expect(results.map((r) => [r.status, r.code])).toEqual([
      ['rejected', 'version_gap'],
      ['accepted', undefined],
      ['rejected', 'conflict'],
      ['rejected', 'not_found'],
    ])
    // The refused gap is judged again on resend: now version 3 follows 2.
    expect((await postEvents(api, [gap]))[0]).toEqual({ id: gap.id, status: 'accepted' })
    await postEvents(api, [cancelled(c, 4)])
    const after = await postEvents(api, [updated(c, 5, 'Too late'), cancelled(c, 5)])
    expect(after.map((r) => r.code)).toEqual(['conflict', 'conflict'])
    expect(after[0]?.error).toMatch(/cancelled/)
    expect(api.orders()[0]).toMatchObject({ version: 4, state: 'cancelled', customer: 'Gap' })
  })

  it('a second OrderCreated for the same order id with a new event id is a conflict; a missing version counts as 1', async () => {
    const api = await start()
    const c = order('Ann')
    const again = { ...c, id: 'evt-other-create' }
    expect((await postEvents(api, [c, again])).map((r) => r.code ?? r.status)).toEqual(['accepted', 'conflict'])
    expect(api.orders()[0]).toMatchObject({ version: 1, state: 'open' })
  })

  it('the fulfil switch makes updates and cancellation of that order conflict', async () => {
    const api = await start({ token: 't' })
    const c = order('Ann')
    await postEvents(api, [c], 't')
    expect((await fetch(`${api.url}/orders/${c.aggregateId}/fulfil`, { method: 'POST' })).status).toBe(401)
    const res = await fetch(`${api.url}/orders/${c.aggregateId}/fulfil`, { method: 'POST', headers: { Authorization: 'Bearer t' } })
    expect(res.status).toBe(200)
    expect((await fetch(`${api.url}/orders/nope/fulfil`, { method: 'POST', headers: { Authorization: 'Bearer t' } })).status).toBe(404)
    const results = await postEvents(api, [updated(c, 2, 'Late'), cancelled(c, 2)], 't')
    expect(results.map((r) => [r.status, r.code])).toEqual([
      ['rejected', 'conflict'],
      ['rejected', 'conflict'],
    ])
    expect(results[0]?.error).toMatch(/fulfilled/)
    expect(api.orders()[0]).toMatchObject({ version: 1, state: 'fulfilled', customer: 'Ann' })
    expect(api.markFulfilled('unknown')).toBe(false)
  })

  it('refuses an update to a blocked customer, and quantities with more than 3 decimals or a wrong total', async () => {
    const api = await start()
    const c = order('Ann')
    await postEvents(api, [c])
    const blocked = updated(c, 2, 'REJECT now')
    const tooFine = updated(c, 2, 'Ann', 1.0005)
    const wrongTotal = { ...updated(c, 2, 'Ann'), payload: { ...(updated(c, 2, 'Ann').payload as object), totalMinor: 1 } }
    const results = await postEvents(api, [blocked, tooFine, wrongTotal])
    expect(results.map((r) => r.code)).toEqual(['invalid', 'invalid', 'invalid'])
    expect(results[0]?.error).toBe(BLOCKED_CUSTOMER_MESSAGE)
    expect(results[1]?.error).toMatch(/items\.0\.quantity/)
    expect(results[2]?.error).toMatch(/totalMinor/)
  })
})
