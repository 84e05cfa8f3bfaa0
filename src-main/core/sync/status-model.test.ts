import { describe, expect, it } from 'vitest'
import { useTestStore } from '../../testing/test-store'
import { validateOrder } from '../orders/validate-order'
import type { RelayConfig } from './relay'
import { computeStatus, kindRules, runProgress, syncKind, type KindFacts, type StatusRelayInput } from './status-model'

const store = useTestStore()

const NOW = new Date('2026-11-27T12:00:00.000Z')
const idle: StatusRelayInput = {
  api: 'reachable',
  osOnline: true,
  authPaused: false,
  draining: false,
  sending: 0,
  progress: null,
  lastError: null,
  nextRetryAt: null,
  probing: false,
}
const configured: RelayConfig = { apiUrl: 'http://127.0.0.1:1', token: null, paused: false }
const add = (at: Date) => store.orders.create(validateOrder({ customer: 'a', items: [{ name: 'x', quantity: 1, unitPrice: '1' }] }, 'USD'), at)

describe('status model', () => {
  it('a new app with no orders is empty, not "all synced"', () => {
    expect(computeStatus(store.outbox, idle, configured, NOW)).toMatchObject({
      kind: 'empty',
      connectivity: 'online',
      api: 'reachable',
      phase: 'idle',
      counts: { pending: 0, sending: 0, dead: 0, discarded: 0, sentToday: 0 },
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
    store.outbox.applyOutcomes(
      [
        { id: sent.eventId, kind: 'sent', httpStatus: 200, outcome: 'accepted', reply: null },
        { id: dead.eventId, kind: 'dead', httpStatus: 200, error: 'no', reply: null },
      ],
      new Date('2026-11-27T11:00:00.000Z'),
    )
    const s = computeStatus(store.outbox, idle, configured, NOW)
    expect(s.counts).toEqual({ pending: 2, sending: 0, dead: 1, discarded: 0, sentToday: 1 })
    expect(s.oldestPendingAt).toBe(first.summary.createdAt)
    expect(s.lastSuccessAt).toBe('2026-11-27T11:00:00.000Z')
  })

  it('sent today counts from local midnight', () => {
    const e = add(new Date('2026-11-20T10:00:00.000Z'))
    store.outbox.applyOutcomes([{ id: e.eventId, kind: 'sent', httpStatus: 200, outcome: 'accepted', reply: null }], new Date('2026-11-20T11:00:00.000Z'))
    expect(computeStatus(store.outbox, idle, configured, NOW).counts.sentToday).toBe(0)
  })

  it('a refused connection is "unreachable", never "offline": only the OS says offline', () => {
    add(NOW)
    const refused = { ...idle, api: 'unreachable' as const, osOnline: null, probing: true, nextRetryAt: NOW.getTime() + 4000 }
    expect(computeStatus(store.outbox, refused, configured, NOW)).toMatchObject({
      kind: 'unreachable',
      connectivity: 'unknown',
      api: 'unreachable',
      phase: 'backing-off',
      nextRetryAt: '2026-11-27T12:00:04.000Z',
    })
    // The network interfaces are up and the server still refuses: unreachable too.
    expect(computeStatus(store.outbox, { ...refused, osOnline: true }, configured, NOW).kind).toBe('unreachable')
    // Only the OS saying there is no network makes it offline.
    expect(computeStatus(store.outbox, { ...refused, osOnline: false }, configured, NOW)).toMatchObject({ kind: 'offline', connectivity: 'offline' })
  })

  it('a server that answers 5xx is a server error, not unreachable', () => {
    add(NOW)
    const lastError = { code: 'health_failed' as const, message: 'Health check failed: HTTP 503', at: NOW.toISOString(), httpStatus: 503 }
    // Filed as "unreachable" by a relay that does not tell them apart, or as "server-error" by one that does.
    for (const api of ['unreachable', 'server-error'] as const) {
      expect(computeStatus(store.outbox, { ...idle, api, lastError, nextRetryAt: NOW.getTime() + 1000 }, configured, NOW)).toMatchObject({
        kind: 'server-error',
        api: 'server-error',
      })
    }
    const batch = { code: 'server_error' as const, message: 'HTTP 500', at: NOW.toISOString(), httpStatus: 500 }
    expect(computeStatus(store.outbox, { ...idle, lastError: batch, nextRetryAt: NOW.getTime() + 1000 }, configured, NOW).kind).toBe('server-error')
  })

  it('a discarded order is counted, so the header can say it was not sent', () => {
    const e = add(NOW)
    store.outbox.applyOutcomes([{ id: e.eventId, kind: 'dead', httpStatus: 422, error: 'no', reply: null }], NOW)
    expect(computeStatus(store.outbox, idle, configured, NOW)).toMatchObject({ kind: 'attention', counts: { dead: 1, discarded: 0 } })
    store.outbox.discardDead(e.eventId, NOW)
    expect(computeStatus(store.outbox, idle, configured, NOW)).toMatchObject({ kind: 'synced', counts: { dead: 0, discarded: 1 } })
  })

  it('unauthorized and user pause are both "paused", told apart by api and userPaused', () => {
    add(NOW)
    expect(computeStatus(store.outbox, { ...idle, api: 'unauthorized', authPaused: true }, configured, NOW)).toMatchObject({
      api: 'unauthorized',
      phase: 'paused',
      userPaused: false,
    })
    expect(computeStatus(store.outbox, idle, { ...configured, paused: true }, NOW)).toMatchObject({ phase: 'paused', userPaused: true })
  })

  it('syncing shows progress while a drain is sending', () => {
    add(NOW)
    const s = computeStatus(store.outbox, { ...idle, draining: true, sending: 1, progress: { done: 40, total: 120 } }, configured, NOW)
    expect(s).toMatchObject({ kind: 'syncing', phase: 'syncing', counts: { sending: 1 }, progress: { done: 40, total: 120 } })
  })

  it('progress adds up when orders arrive during a run: done never passes total', () => {
    for (let i = 0; i < 11; i++) add(NOW)
    // The relay counted 11 at the start and has since sent 77 (orders kept arriving).
    const s = computeStatus(store.outbox, { ...idle, draining: true, sending: 1, progress: { done: 77, total: 11 } }, configured, NOW)
    expect(s.progress).toEqual({ done: 77, total: 88 })
    expect(runProgress({ done: 5, total: 3 }, 0)).toEqual({ done: 5, total: 5 })
    expect(runProgress({ done: 0, total: 0 }, 0)).toBeNull()
    expect(runProgress({ done: 2, total: 10 }, 3)).toEqual({ done: 2, total: 10 })
  })

  it('no API URL: not-configured, whatever the relay thinks', () => {
    expect(computeStatus(store.outbox, idle, { ...configured, apiUrl: null }, NOW).api).toBe('not-configured')
  })

  it('stale errors do not linger: the relay clears lastError after a success, and the model shows what the relay holds', () => {
    const err = { code: 'server_error' as const, message: 'HTTP 503', at: NOW.toISOString(), httpStatus: 503 }
    expect(computeStatus(store.outbox, { ...idle, lastError: err }, configured, NOW).lastError).toEqual(err)
    expect(computeStatus(store.outbox, idle, configured, NOW).lastError).toBeNull()
  })
})

/** One row per rule, in rank order: the facts that make it win over every rule below it. */
const base: KindFacts = {
  configured: true,
  userPaused: false,
  unauthorized: false,
  osOffline: false,
  api: 'reachable',
  syncing: false,
  pending: 0,
  dead: 0,
  hasOrders: true,
}
const table: [KindFacts, ReturnType<typeof syncKind>][] = [
  [{ ...base, userPaused: true, unauthorized: true, configured: false, osOffline: true, pending: 3 }, 'paused'],
  [{ ...base, unauthorized: true, api: 'unauthorized', osOffline: true, pending: 3 }, 'unauthorized'],
  [{ ...base, configured: false, api: 'not-configured', pending: 3, hasOrders: true }, 'not-configured'],
  [{ ...base, configured: false, api: 'not-configured', hasOrders: false }, 'not-configured'],
  [{ ...base, osOffline: true, api: 'unreachable', pending: 3, dead: 1 }, 'offline'],
  [{ ...base, osOffline: true, api: 'unknown', pending: 0 }, 'offline'],
  // The OS says no network, yet the server just answered (it runs on this machine): not offline.
  [{ ...base, osOffline: true, api: 'reachable', pending: 2 }, 'waiting'],
  [{ ...base, syncing: true, pending: 5, dead: 1 }, 'syncing'],
  [{ ...base, osOffline: true, syncing: true, pending: 5 }, 'syncing'],
  [{ ...base, api: 'unreachable', pending: 3, dead: 1 }, 'unreachable'],
  [{ ...base, api: 'unreachable', pending: 0 }, 'unreachable'],
  [{ ...base, api: 'server-error', pending: 3, dead: 1 }, 'server-error'],
  [{ ...base, dead: 2, pending: 3 }, 'attention'],
  [{ ...base, pending: 3 }, 'waiting'],
  [{ ...base, api: 'unknown', pending: 3 }, 'waiting'],
  [{ ...base, hasOrders: false }, 'empty'],
  [{ ...base, api: 'unknown', hasOrders: false }, 'empty'],
  [base, 'synced'],
]

describe('sync kind table', () => {
  it.each(table)('%o → %s', (facts, kind) => {
    expect(syncKind(facts)).toBe(kind)
  })
  it('every kind is reachable from the table', () => {
    expect(new Set(table.map(([, k]) => k))).toEqual(new Set(kindRules.map((r) => r.kind)))
  })
})
