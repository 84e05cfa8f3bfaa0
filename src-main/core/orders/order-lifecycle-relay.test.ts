import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { waitFor } from '../../testing/scripted-api'
import { tempDir } from '../../testing/temp-dir'
import { startReferenceApi, type ReferenceApi } from '../../reference-api/server'
import type { Core } from '../core-types'
import { createCore } from '../create-core'

// Issue 11: several events per order, delivered in version order by the relay
// (it only ever sends the first unsent event of each order) to the real
// reference API, which refuses anything out of order with version_gap.
let dir: ReturnType<typeof tempDir>
let core: Core | undefined
let api: ReferenceApi | undefined
beforeEach(() => {
  dir = tempDir()
})
afterEach(async () => {
  await core?.shutdown()
  await api?.close()
  core = undefined
  api = undefined
  dir.remove()
})

const FAST = { backoffBaseMs: 50, backoffCapMs: 100, probeMinMs: 20, probeMaxMs: 100, kickDelayMs: 0 }
const ok = <T,>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return r.value
}
const items = (qty: string) => [{ name: 'Rice', quantity: qty, unitPrice: '2.50' }]

describe('order lifecycle through the relay', () => {
  it('create → update → update → cancel of 12 orders under parallel delivery arrive in version order, each applied once', async () => {
    api = await startReferenceApi({ dbFile: join(dir.path, 'server.db'), latencyMs: 5 })
    core = createCore({ dataDir: join(dir.path, 'client'), flags: { apiUrl: api.url }, random: () => 0.5, relay: { ...FAST, batchSize: 5, concurrency: 2 } })
    const c = core
    const ids: string[] = []
    for (let i = 0; i < 12; i++) ids.push(ok(await c.handlers.createOrder({ customer: `C${i}`, items: items('1') })).id)
    for (const id of ids) ok(await c.handlers.updateOrder({ id, version: 1, order: { customer: 'edited', items: items('1.5') } }))
    for (const id of ids) ok(await c.handlers.updateOrder({ id, version: 2, order: { customer: 'edited twice', items: items('0.125') } }))
    for (const id of ids) ok(await c.handlers.cancelOrder({ id, version: 3, reason: 'left' }))
    const server = api
    await waitFor(() => server.orders().filter((o) => o.version === 4).length === 12, 15_000)
    for (const id of ids) {
      const o = server.orders().find((x) => x.id === id)
      expect(o).toMatchObject({ version: 4, state: 'cancelled', customer: 'edited twice', cancelReason: 'left', items: [{ name: 'Rice', quantity: 0.125, unitPriceMinor: 250 }] })
      // 0.125 × 250 = 31.25 → 31, the same on both sides
      const mine = ok(await c.handlers.getOrder({ id }))
      expect(o?.totalMinor).toBe(mine.totalMinor)
      expect(mine.cancelReason).toBe('left')
      expect(mine.versions?.map((v) => v.kind)).toEqual(['created', 'updated', 'updated', 'cancelled'])
    }
    // nothing refused (a version gap would have been), and each event applied once
    expect(server.requestLog.reduce((n, r) => n + r.rejected, 0)).toBe(0)
    expect(server.stats()).toMatchObject({ applied: 48, appliedIds: 48 })
  })

  it('a refused update blocks only its own order; later changes of that order wait behind it', async () => {
    api = await startReferenceApi({ dbFile: join(dir.path, 'server.db') })
    core = createCore({ dataDir: join(dir.path, 'client'), flags: { apiUrl: api.url }, random: () => 0.5, relay: { ...FAST, concurrency: 2 } })
    const c = core
    const server = api
    const a = ok(await c.handlers.createOrder({ customer: 'A', items: items('1') })).id
    const b = ok(await c.handlers.createOrder({ customer: 'B', items: items('1') })).id
    await waitFor(() => server.orders().length === 2, 10_000)
    expect(server.markFulfilled(a)).toBe(true)
    ok(await c.handlers.updateOrder({ id: a, version: 1, order: { customer: 'A2', items: items('2') } }))
    ok(await c.handlers.updateOrder({ id: a, version: 2, order: { customer: 'A3', items: items('3') } }))
    ok(await c.handlers.updateOrder({ id: b, version: 1, order: { customer: 'B2', items: items('2') } }))
    await waitFor(() => server.orders().find((o) => o.id === b)?.version === 2, 10_000)
    await waitFor(async () => {
      const d = ok(await c.handlers.getOrder({ id: a }))
      return d.events.some((e) => e.status === 'dead')
    }, 10_000)
    const detail = ok(await c.handlers.getOrder({ id: a }))
    expect(detail.events.map((e) => [e.type, e.status])).toEqual([
      ['OrderCreated', 'sent'],
      ['OrderUpdated', 'dead'],
      ['OrderUpdated', 'pending'],
    ])
    expect(detail.events[1]?.lastError).toMatch(/fulfil/i)
    // The detail's history says the same per version (through getOrder, as the renderer reads it).
    expect(detail.versions?.map((v) => [v.version, v.kind, v.delivery])).toEqual([
      [1, 'created', 'sent'],
      [2, 'updated', 'dead'],
      [3, 'updated', 'pending'],
    ])
    expect(server.orders().find((o) => o.id === a)).toMatchObject({ version: 1, customer: 'A' })
  })

  it('edit and resend: the correction goes out as the refused version and the server ends with it; the waiting change never goes', async () => {
    api = await startReferenceApi({ dbFile: join(dir.path, 'server.db') })
    core = createCore({ dataDir: join(dir.path, 'client'), flags: { apiUrl: api.url }, random: () => 0.5, relay: { ...FAST, concurrency: 2 } })
    const c = core
    const server = api
    const a = ok(await c.handlers.createOrder({ customer: 'A', items: items('1') })).id
    await waitFor(() => server.orders().length === 1, 10_000)
    ok(await c.handlers.updateOrder({ id: a, version: 1, order: { customer: 'A REJECT', items: items('2') } }))
    const waiting = ok(await c.handlers.updateOrder({ id: a, version: 2, order: { customer: 'A REJECT', items: items('3') } }))
    await waitFor(async () => ok(await c.handlers.listDeadEvents(undefined)).length === 1, 10_000)
    const [card] = ok(await c.handlers.listDeadEvents(undefined))
    expect(card).toMatchObject({ orderId: a, waiting: 1, eventVersion: 2, orderVersion: 3 })
    // The waiting change is held back: the server never saw it.
    expect(server.eventStats(waiting.eventId)).toBeNull()

    // A stale version is refused in words and changes nothing.
    expect(await c.handlers.editAndResend({ eventId: card!.eventId, version: 2, order: { customer: 'A fixed', items: items('3') } })).toMatchObject({ ok: false, error: { code: 'stale_version' } })
    const r = ok(await c.handlers.editAndResend({ eventId: card!.eventId, version: 3, order: { customer: 'A fixed', items: items('3') } }))
    expect(r.version).toBe(2)
    await waitFor(() => server.orders().find((o) => o.id === a)?.customer === 'A fixed', 10_000)
    expect(server.orders().find((o) => o.id === a)).toMatchObject({ version: 2, customer: 'A fixed', items: [{ quantity: 3 }] })
    await waitFor(async () => ok(await c.handlers.getOrder({ id: a })).syncState === 'synced', 10_000)
    const detail = ok(await c.handlers.getOrder({ id: a }))
    expect(detail.version).toBe(2)
    expect(detail.events.map((e) => [e.type, e.status, e.settled ?? null])).toEqual([
      ['OrderCreated', 'sent', null],
      ['OrderUpdated', 'dead', 'replaced'],
      ['OrderUpdated', 'pending', 'replaced'],
      ['OrderUpdated', 'sent', null],
    ])
    expect(ok(await c.handlers.listDeadEvents(undefined))).toEqual([])
    // applied: the creation and the correction; the refused one was judged once, the waiting one never sent
    expect(server.stats()).toMatchObject({ applied: 2 })
    expect(server.eventStats(card!.eventId)).toMatchObject({ applyCount: 0, rejections: 1 })
    expect(server.eventStats(waiting.eventId)).toBeNull()
    // The replaced event can never be retried.
    expect(await c.handlers.retryEvent({ eventId: card!.eventId })).toMatchObject({ ok: false, error: { code: 'not_dead' } })
  })

  it('discard this change: back to the version the server has, synced; a never-accepted order is "not on the server"', async () => {
    api = await startReferenceApi({ dbFile: join(dir.path, 'server.db') })
    core = createCore({ dataDir: join(dir.path, 'client'), flags: { apiUrl: api.url }, random: () => 0.5, relay: { ...FAST, concurrency: 2 } })
    const c = core
    const server = api
    const b = ok(await c.handlers.createOrder({ customer: 'B', items: items('1') })).id
    await waitFor(() => server.orders().length === 1, 10_000)
    expect(server.markFulfilled(b)).toBe(true)
    ok(await c.handlers.updateOrder({ id: b, version: 1, order: { customer: 'B2', items: items('2') } }))
    ok(await c.handlers.updateOrder({ id: b, version: 2, order: { customer: 'B3', items: items('3') } }))
    const never = ok(await c.handlers.createOrder({ customer: 'REJECT never', items: items('1') })).id
    await waitFor(async () => ok(await c.handlers.listDeadEvents(undefined)).length === 2, 10_000)
    const cards = ok(await c.handlers.listDeadEvents(undefined))
    const cardB = cards.find((x) => x.orderId === b)!
    expect(cardB.waiting).toBe(1)
    expect(ok(await c.handlers.discardChange({ eventId: cardB.eventId, version: 3 }))).toEqual({ id: b, version: 1, notOnServer: false })
    const detail = ok(await c.handlers.getOrder({ id: b }))
    expect(detail).toMatchObject({ customer: 'B', version: 1, syncState: 'synced', discarded: false, notOnServer: false })
    expect(detail.versions?.map((v) => [v.version, v.delivery])).toEqual([
      [1, 'sent'],
      [2, 'discarded'],
      [3, 'discarded'],
    ])
    expect(server.orders().find((o) => o.id === b)).toMatchObject({ version: 1, customer: 'B' })

    const cardN = cards.find((x) => x.orderId === never)!
    expect(ok(await c.handlers.discardChange({ eventId: cardN.eventId, version: 1 }))).toEqual({ id: never, version: 1, notOnServer: true })
    expect(ok(await c.handlers.getOrder({ id: never }))).toMatchObject({ notOnServer: true, discarded: true })
    expect(server.orders().some((o) => o.id === never)).toBe(false)
    // A second discard of the same change is refused: it is no longer waiting for attention.
    expect(await c.handlers.discardChange({ eventId: cardB.eventId, version: 1 })).toMatchObject({ ok: false, error: { code: 'not_dead' } })
  })
})
