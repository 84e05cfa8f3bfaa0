import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../testing/temp-dir'
import { openDatabase } from '../db/open-database'
import type { SqliteDatabase } from '../db/native-sqlite'
import { OutboxRepo } from '../outbox/outbox-repo'
import { OrdersRepo } from '../orders/orders-repo'
import { validateOrder } from '../orders/validate-order'
import type { RelayConfig, RelaySnapshot } from './relay'
import { computeStatus, Throttle } from './status-model'

let dir: ReturnType<typeof tempDir>
let db: SqliteDatabase
let outbox: OutboxRepo
let orders: OrdersRepo
beforeEach(() => {
  dir = tempDir()
  db = openDatabase(dir.path)
  outbox = new OutboxRepo(db)
  orders = new OrdersRepo(db, outbox)
})
afterEach(() => {
  db.close()
  dir.remove()
})

const NOW = new Date('2026-11-27T12:00:00.000Z')
const idle: RelaySnapshot = {
  api: 'reachable',
  osOnline: null,
  authPaused: false,
  draining: false,
  sending: 0,
  progress: null,
  lastError: null,
  nextRetryAt: null,
  probing: false,
}
const configured: RelayConfig = { apiUrl: 'http://127.0.0.1:1', token: null, paused: false }
const add = (at: Date) => orders.create(validateOrder({ customer: 'a', items: [{ name: 'x', quantity: 1, unitPrice: '1' }] }, 'USD'), at)

describe('status model', () => {
  it('idle and all synced', () => {
    expect(computeStatus(outbox, idle, configured, NOW)).toMatchObject({
      connectivity: 'online',
      api: 'reachable',
      phase: 'idle',
      counts: { pending: 0, sending: 0, dead: 0, sentToday: 0 },
      lastSuccessAt: null,
      oldestPendingAt: null,
      nextRetryAt: null,
    })
  })

  it('derives counts and ages from SQLite, so it is right after a restart', () => {
    const first = add(new Date('2026-11-27T08:00:00.000Z'))
    add(new Date('2026-11-27T09:00:00.000Z'))
    const sent = add(new Date('2026-11-27T10:00:00.000Z'))
    const dead = add(new Date('2026-11-27T10:30:00.000Z'))
    outbox.applyOutcomes(
      [
        { id: sent.eventId, kind: 'sent', httpStatus: 200, outcome: 'accepted', reply: null },
        { id: dead.eventId, kind: 'dead', httpStatus: 200, error: 'no', reply: null },
      ],
      new Date('2026-11-27T11:00:00.000Z'),
    )
    const s = computeStatus(outbox, idle, configured, NOW)
    expect(s.counts).toEqual({ pending: 2, sending: 0, dead: 1, sentToday: 1 })
    expect(s.oldestPendingAt).toBe(first.summary.createdAt)
    expect(s.lastSuccessAt).toBe('2026-11-27T11:00:00.000Z')
  })

  it('sent today counts from local midnight', () => {
    const e = add(new Date('2026-11-20T10:00:00.000Z'))
    outbox.applyOutcomes([{ id: e.eventId, kind: 'sent', httpStatus: 200, outcome: 'accepted', reply: null }], new Date('2026-11-20T11:00:00.000Z'))
    expect(computeStatus(outbox, idle, configured, NOW).counts.sentToday).toBe(0)
  })

  it('offline is not a server failure', () => {
    add(NOW)
    const offline = computeStatus(outbox, { ...idle, api: 'unreachable', osOnline: false, probing: true, nextRetryAt: NOW.getTime() + 4000 }, configured, NOW)
    expect(offline).toMatchObject({ connectivity: 'offline', api: 'unreachable', phase: 'backing-off', nextRetryAt: '2026-11-27T12:00:04.000Z' })
    const failing = computeStatus(outbox, { ...idle, api: 'unreachable', nextRetryAt: NOW.getTime() + 30_000 }, configured, NOW)
    expect(failing).toMatchObject({ connectivity: 'online', api: 'unreachable', phase: 'backing-off' })
  })

  it('unauthorized and user pause are both "paused", told apart by api and userPaused', () => {
    add(NOW)
    expect(computeStatus(outbox, { ...idle, api: 'unauthorized', authPaused: true }, configured, NOW)).toMatchObject({
      api: 'unauthorized',
      phase: 'paused',
      userPaused: false,
    })
    expect(computeStatus(outbox, idle, { ...configured, paused: true }, NOW)).toMatchObject({ phase: 'paused', userPaused: true })
  })

  it('syncing shows progress while a drain is sending', () => {
    add(NOW)
    const s = computeStatus(outbox, { ...idle, draining: true, sending: 1, progress: { done: 40, total: 120 } }, configured, NOW)
    expect(s).toMatchObject({ phase: 'syncing', counts: { sending: 1 }, progress: { done: 40, total: 120 } })
  })

  it('no API URL: not-configured, whatever the relay thinks', () => {
    expect(computeStatus(outbox, idle, { ...configured, apiUrl: null }, NOW).api).toBe('not-configured')
  })

  it('stale errors do not linger: the relay clears lastError after a success, and the model shows what the relay holds', () => {
    const err = { code: 'server_error' as const, message: 'HTTP 503', at: NOW.toISOString(), httpStatus: 503 }
    expect(computeStatus(outbox, { ...idle, lastError: err }, configured, NOW).lastError).toEqual(err)
    expect(computeStatus(outbox, idle, configured, NOW).lastError).toBeNull()
  })
})

describe('throttle', () => {
  it('fires at once, then folds a burst into one trailing call per interval', async () => {
    let calls = 0
    const t = new Throttle(100, () => calls++)
    t.request()
    expect(calls).toBe(1)
    for (let i = 0; i < 50; i++) t.request()
    expect(calls).toBe(1)
    await new Promise((r) => setTimeout(r, 150))
    expect(calls).toBe(2)
    t.cancel()
  })

  it('caps a stream of changes at about 10 per second', async () => {
    let calls = 0
    const t = new Throttle(100, () => calls++)
    const start = Date.now()
    while (Date.now() - start < 1000) {
      t.request()
      await new Promise((r) => setTimeout(r, 2))
    }
    t.cancel()
    expect(calls).toBeGreaterThanOrEqual(5) // a loaded machine delays timers; the cap is the point
    expect(calls).toBeLessThanOrEqual(12)
  })
})
