import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../testing/temp-dir'
import { openDatabase } from '../db/open-database'
import type { SqliteDatabase } from '../db/native-sqlite'
import { OutboxRepo } from '../outbox/outbox-repo'
import { OrderChanges } from './order-changes'
import { OrderFixes } from './order-fixes'
import { OrderHistory } from './order-history'
import { OrdersRepo } from './orders-repo'
import { validateOrder } from './validate-order'

let dir: ReturnType<typeof tempDir>
let db: SqliteDatabase
let outbox: OutboxRepo
let orders: OrdersRepo
let changes: OrderChanges
let fixes: OrderFixes
let history: OrderHistory
beforeEach(() => {
  dir = tempDir()
  db = openDatabase(dir.path)
  outbox = new OutboxRepo(db)
  orders = new OrdersRepo(db, outbox)
  changes = new OrderChanges(db, outbox)
  fixes = new OrderFixes(db, outbox)
  history = new OrderHistory(db)
})
afterEach(() => {
  db.close()
  dir.remove()
})

const input = (customer: string, qty = 1) => validateOrder({ customer, items: [{ name: 'Tea', quantity: qty, unitPrice: '2.00' }] }, 'USD')
const outboxOf = (id: string) =>
  (db.prepare('SELECT id, type, status, discarded_at, payload FROM outbox WHERE aggregate_id = ? ORDER BY seq').all(id) as {
    id: string
    type: string
    status: string
    discarded_at: string | null
    payload: string
  }[]).map((e) => ({ id: e.id, type: e.type, status: e.status, discarded: e.discarded_at !== null, version: (JSON.parse(e.payload) as { version: number }).version, payload: JSON.parse(e.payload) as Record<string, unknown> }))
const settledOf = (id: string) => db.prepare('SELECT type, status, settled_as, replaced_by FROM outbox_settled WHERE aggregate_id = ? ORDER BY seq').all(id)
const row = (id: string) => db.prepare('SELECT customer, version, state, total_minor FROM orders WHERE id = ?').get(id)
const facet = (id: string) => db.prepare('SELECT pending, dead, live_dead, sync FROM order_facets WHERE order_id = ?').get(id)
const versions = (id: string) => history.versionsOf(id).map((v) => [v.version, v.kind, v.delivery])

/** The relay's outcomes, written the way the relay writes them. */
const send = (eventId: string) => outbox.applyOutcomes([{ id: eventId, kind: 'sent', httpStatus: 200, outcome: 'accepted', reply: null }])
const refuse = (eventId: string) =>
  outbox.applyOutcomes([{ id: eventId, kind: 'dead', httpStatus: 200, error: 'The order was fulfilled on the server and can no longer be changed', reply: null }])

/** v1 sent, v2 refused, v3 and v4 waiting behind it: the order's local version is 4. */
function refusedWithTwoWaiting(): { id: string; dead: string } {
  const { summary, eventId } = orders.create(input('Ada'))
  send(eventId)
  const v2 = changes.update(summary.id, 1, input('Ada 2', 2))
  changes.update(summary.id, 2, input('Ada 3', 3))
  changes.update(summary.id, 3, input('Ada 4', 4))
  refuse(v2.eventId)
  return { id: summary.id, dead: v2.eventId }
}

const codeOf = (fn: () => unknown): unknown => {
  try {
    fn()
  } catch (err) {
    return (err as { code?: unknown }).code ?? (err as Error).message
  }
  return 'no error'
}

describe('the attention card', () => {
  it('says how many changes wait behind a refused one, and the versions involved', () => {
    const { id, dead } = refusedWithTwoWaiting()
    expect(fixes.describe(outbox.listDead())).toMatchObject([{ eventId: dead, orderId: id, waiting: 2, type: 'OrderUpdated', eventVersion: 2, orderVersion: 4, orderState: 'open' }])
    // the relay holds them: only the dead one and nothing of this order is deliverable
    expect(outbox.nextBatch({ now: Date.now(), limit: 10, afterSeq: 0, ignoreBackoff: true })).toEqual([])
  })
})

describe('edit and resend', () => {
  it('sends the correction as the refused version; the refused and waiting changes are replaced, never sent', () => {
    const { id, dead } = refusedWithTwoWaiting()
    const r = fixes.resend(dead, 4, input('Ada fixed', 5), new Date('2026-12-01T10:00:00.000Z'))
    expect(r).toMatchObject({ id, version: 2 })
    expect(row(id)).toEqual({ customer: 'Ada fixed', version: 2, state: 'open', total_minor: 1000 })
    expect(outboxOf(id).map((e) => [e.type, e.status, e.version])).toEqual([
      ['OrderCreated', 'sent', 1],
      ['OrderUpdated', 'pending', 2],
    ])
    expect(outboxOf(id)[1]).toMatchObject({ id: r.eventId, payload: { customer: 'Ada fixed', version: 2, items: [{ name: 'Tea', quantity: 5, unitPriceMinor: 200 }], totalMinor: 1000 } })
    expect(settledOf(id)).toEqual([
      { type: 'OrderUpdated', status: 'dead', settled_as: 'replaced', replaced_by: r.eventId },
      { type: 'OrderUpdated', status: 'pending', settled_as: 'replaced', replaced_by: r.eventId },
      { type: 'OrderUpdated', status: 'pending', settled_as: 'replaced', replaced_by: r.eventId },
    ])
    // The correction is deliverable now; the order is waiting, not failed.
    expect(outbox.nextBatch({ now: Date.now(), limit: 10, afterSeq: 0, ignoreBackoff: true }).map((e) => e.id)).toEqual([r.eventId])
    expect(orders.summaries([id])[0]).toMatchObject({ syncState: 'pending', discarded: false, version: 2, notOnServer: false })
    expect(facet(id)).toEqual({ pending: 1, dead: 0, live_dead: 0, sync: 'waiting' })
    expect(versions(id)).toEqual([
      [1, 'created', 'sent'],
      [2, 'updated', 'discarded'],
      [3, 'updated', 'discarded'],
      [4, 'updated', 'discarded'],
      [2, 'updated', 'pending'],
    ])
    // the refused event is on record with its reason, marked replaced; it left the attention list
    expect(outbox.settledOf(id)[0]).toMatchObject({ id: dead, status: 'dead', settled: 'replaced', lastError: expect.stringMatching(/fulfilled/), history: [{ outcome: 'rejected' }] })
    expect(outbox.listDead()).toEqual([])
    // and can never be retried
    expect(outbox.retryDead(dead)).toBeNull()
  })

  it('a refused creation is resent as a new OrderCreated, version 1', () => {
    const { summary, eventId } = orders.create(input('REJECT me'))
    refuse(eventId)
    expect(orders.summaries([summary.id])[0]).toMatchObject({ notOnServer: true })
    const r = fixes.resend(eventId, 1, input('Accepted name'))
    expect(r.version).toBe(1)
    expect(outboxOf(summary.id).map((e) => [e.type, e.status, e.version, e.payload.customer])).toEqual([['OrderCreated', 'pending', 1, 'Accepted name']])
    expect(outboxOf(summary.id)[0]?.payload).not.toHaveProperty('updatedAt')
    expect(orders.summaries([summary.id])[0]).toMatchObject({ notOnServer: false, syncState: 'pending' })
    expect(versions(summary.id)).toEqual([
      [1, 'created', 'discarded'],
      [1, 'created', 'pending'],
    ])
  })

  it('refuses a stale version, an event that is not dead and a cancelled order, in words, writing nothing', () => {
    const { id, dead } = refusedWithTwoWaiting()
    const before = { outbox: outboxOf(id), row: row(id), versions: versions(id) }
    expect(codeOf(() => fixes.resend(dead, 3, input('x')))).toBe('stale_version')
    expect(codeOf(() => fixes.resend('no-such-event', 4, input('x')))).toBe('not_dead')
    const sentOne = outboxOf(id)[0]!.id
    expect(codeOf(() => fixes.resend(sentOne, 4, input('x')))).toBe('not_dead')
    changes.cancel(id, 4, 'gone')
    expect(codeOf(() => fixes.resend(dead, 5, input('x')))).toBe('order_cancelled')
    expect(outboxOf(id)).toHaveLength(before.outbox.length + 1)
    expect(settledOf(id)).toEqual([])
  })

  it('an injected failure inside the transaction leaves everything as it was', () => {
    const { id, dead } = refusedWithTwoWaiting()
    const before = { outbox: outboxOf(id), row: row(id), versions: versions(id), facet: facet(id) }
    expect(() =>
      fixes.resend(dead, 4, input('Lost'), new Date(), {
        afterOrderWrite: () => {
          throw new Error('disk full')
        },
      }),
    ).toThrow('disk full')
    expect({ outbox: outboxOf(id), row: row(id), versions: versions(id), facet: facet(id) }).toEqual(before)
    expect(settledOf(id)).toEqual([])
  })

  it('refuses to replace a waiting event that was ever handed to the network', () => {
    const { id, dead } = refusedWithTwoWaiting()
    const waiting = outboxOf(id)[2]!.id
    db.prepare(`INSERT INTO outbox_attempts (event_id, at, http_status, outcome, error) VALUES (?, ?, NULL, 'retry', 'timeout')`).run(waiting, new Date().toISOString())
    expect(codeOf(() => fixes.resend(dead, 4, input('x')))).toMatch(/already handed to the network/)
    expect(settledOf(id)).toEqual([])
  })
})

describe('discard this change', () => {
  it('puts the order back to the version the server accepted, shown as such', () => {
    const { id, dead } = refusedWithTwoWaiting()
    const r = fixes.discardChange(dead, 4, new Date('2026-12-01T10:00:00.000Z'))
    expect(r).toEqual({ id, version: 1, notOnServer: false })
    expect(row(id)).toEqual({ customer: 'Ada', version: 1, state: 'open', total_minor: 200 })
    expect(orders.get(id)).toMatchObject({ customer: 'Ada', items: [{ name: 'Tea', quantity: 1, unitPriceMinor: 200 }] })
    expect(outboxOf(id).map((e) => [e.type, e.status])).toEqual([['OrderCreated', 'sent']])
    expect(settledOf(id)).toEqual([
      { type: 'OrderUpdated', status: 'dead', settled_as: 'discarded', replaced_by: null },
      { type: 'OrderUpdated', status: 'pending', settled_as: 'discarded', replaced_by: null },
      { type: 'OrderUpdated', status: 'pending', settled_as: 'discarded', replaced_by: null },
    ])
    expect(orders.summaries([id])[0]).toMatchObject({ syncState: 'synced', discarded: false, version: 1, notOnServer: false })
    expect(facet(id)).toEqual({ pending: 0, dead: 0, live_dead: 0, sync: 'sent' })
    expect(versions(id)).toEqual([
      [1, 'created', 'sent'],
      [2, 'updated', 'discarded'],
      [3, 'updated', 'discarded'],
      [4, 'updated', 'discarded'],
    ])
    // the next edit is version 2 again: what the server expects
    expect(changes.update(id, 1, input('Ada again')).version).toBe(2)
    expect(outboxOf(id).map((e) => e.version)).toEqual([1, 2])
  })

  it('a refused cancellation discarded: the order is open again at the server\'s version', () => {
    const { summary, eventId } = orders.create(input('Bo'))
    send(eventId)
    const c = changes.cancel(summary.id, 1, 'left')
    refuse(c.eventId)
    expect(codeOf(() => fixes.resend(c.eventId, 2, input('x')))).toBe('order_cancelled')
    fixes.discardChange(c.eventId, 2)
    expect(row(summary.id)).toMatchObject({ version: 1, state: 'open' })
    expect(db.prepare('SELECT cancel_reason FROM orders WHERE id = ?').pluck().get(summary.id)).toBeNull()
  })

  it('with no accepted version the order stays here as its first version, "Not on the server"', () => {
    const { summary, eventId } = orders.create(input('REJECT'))
    changes.update(summary.id, 1, input('REJECT 2'))
    refuse(eventId)
    expect(fixes.describe(outbox.listDead())[0]).toMatchObject({ waiting: 1 })
    const r = fixes.discardChange(eventId, 2)
    expect(r).toEqual({ id: summary.id, version: 1, notOnServer: true })
    expect(row(summary.id)).toMatchObject({ customer: 'REJECT', version: 1 })
    expect(outboxOf(summary.id).map((e) => [e.type, e.status, e.discarded])).toEqual([['OrderCreated', 'dead', true]])
    expect(orders.summaries([summary.id])[0]).toMatchObject({ notOnServer: true, discarded: true, syncState: 'failed' })
    expect(versions(summary.id)).toEqual([
      [1, 'created', 'discarded'],
      [2, 'updated', 'discarded'],
    ])
    // still fixable: edit and resend it as a new creation
    const fixed = fixes.resend(eventId, 1, input('Fine'))
    expect(outboxOf(summary.id).map((e) => [e.type, e.status, e.version])).toEqual([['OrderCreated', 'pending', 1]])
    expect(fixed.version).toBe(1)
  })

  it('refuses a stale version and writes nothing', () => {
    const { id, dead } = refusedWithTwoWaiting()
    expect(codeOf(() => fixes.discardChange(dead, 2))).toBe('stale_version')
    expect(row(id)).toMatchObject({ version: 4, customer: 'Ada 4' })
    expect(settledOf(id)).toEqual([])
  })

  it('an injected failure leaves everything as it was', () => {
    const { id, dead } = refusedWithTwoWaiting()
    const before = { outbox: outboxOf(id), row: row(id), versions: versions(id) }
    expect(() =>
      fixes.discardChange(dead, 4, new Date(), {
        afterOrderWrite: () => {
          throw new Error('boom')
        },
      }),
    ).toThrow('boom')
    expect({ outbox: outboxOf(id), row: row(id), versions: versions(id) }).toEqual(before)
  })
})
