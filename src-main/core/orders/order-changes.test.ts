import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../testing/temp-dir'
import { openDatabase } from '../db/open-database'
import type { SqliteDatabase } from '../db/native-sqlite'
import { OutboxRepo } from '../outbox/outbox-repo'
import { OrdersRepo } from './orders-repo'
import { OrderChanges } from './order-changes'
import { validateOrder } from './validate-order'

let dir: ReturnType<typeof tempDir>
let db: SqliteDatabase
let orders: OrdersRepo
let changes: OrderChanges
beforeEach(() => {
  dir = tempDir()
  db = openDatabase(dir.path)
  const outbox = new OutboxRepo(db)
  orders = new OrdersRepo(db, outbox)
  changes = new OrderChanges(db, outbox)
})
afterEach(() => {
  db.close()
  dir.remove()
})

const input = (customer: string, qty = 3) => validateOrder({ customer, items: [{ name: 'Tea', quantity: qty, unitPrice: '1.20' }] }, 'USD')
const events = (id: string) =>
  (db.prepare('SELECT type, payload FROM outbox WHERE aggregate_id = ? ORDER BY seq').all(id) as { type: string; payload: string }[]).map((e) => ({
    type: e.type,
    payload: JSON.parse(e.payload) as Record<string, unknown>,
  }))
const state = (id: string) => db.prepare('SELECT customer, version, state, cancel_reason FROM orders WHERE id = ?').get(id)
const versions = (id: string) => db.prepare('SELECT version, kind FROM order_versions WHERE order_id = ? ORDER BY id').all(id)

describe('editing an order', () => {
  it('writes the new state, version 2 and one OrderUpdated event with the full state', () => {
    const { summary } = orders.create(input('Ada'), new Date('2026-11-27T10:00:00.000Z'))
    const r = changes.update(summary.id, 1, input('Ada Lovelace', 4), new Date('2026-11-27T11:00:00.000Z'))
    expect(r.version).toBe(2)
    expect(state(summary.id)).toEqual({ customer: 'Ada Lovelace', version: 2, state: 'open', cancel_reason: null })
    expect(events(summary.id).map((e) => [e.type, e.payload.version])).toEqual([
      ['OrderCreated', 1],
      ['OrderUpdated', 2],
    ])
    expect(events(summary.id)[1]!.payload).toEqual({
      id: summary.id,
      version: 2,
      customer: 'Ada Lovelace',
      note: null,
      currency: 'USD',
      items: [{ name: 'Tea', quantity: 4, unitPriceMinor: 120 }],
      totalMinor: 480,
      createdAt: '2026-11-27T10:00:00.000Z',
      updatedAt: '2026-11-27T11:00:00.000Z',
    })
    expect(versions(summary.id)).toEqual([
      { version: 1, kind: 'created' },
      { version: 2, kind: 'updated' },
    ])
  })

  it('refuses a stale version with a clear error and writes nothing (two windows, one order)', () => {
    const { summary } = orders.create(input('Ada'))
    changes.update(summary.id, 1, input('From window A'))
    let caught: unknown
    try {
      changes.update(summary.id, 1, input('From window B'))
    } catch (err) {
      caught = err
    }
    expect(caught).toMatchObject({ code: 'stale_version', params: { current: 2, edited: 1 } })
    expect(state(summary.id)).toMatchObject({ customer: 'From window A', version: 2 })
    expect(events(summary.id)).toHaveLength(2)
  })

  it('an injected failure inside the transaction leaves neither the new state nor its event nor its version', () => {
    const { summary } = orders.create(input('Ada'))
    expect(() =>
      changes.update(summary.id, 1, input('Lost'), new Date(), {
        afterOrderWrite: () => {
          throw new Error('disk full')
        },
      }),
    ).toThrow('disk full')
    expect(state(summary.id)).toMatchObject({ customer: 'Ada', version: 1 })
    expect(events(summary.id)).toHaveLength(1)
    expect(versions(summary.id)).toHaveLength(1)
  })

  it('an unknown order is not_found', () => {
    expect(() => changes.update('nope', 1, input('x'))).toThrow(expect.objectContaining({ code: 'not_found' }))
  })

  it('stores decimal quantities exactly as thousandths and sends them as 3-decimal numbers', () => {
    const { summary } = orders.create(input('Ada'))
    changes.update(summary.id, 1, validateOrder({ customer: 'Ada', items: [{ name: 'Rice', quantity: '1.5', unitPrice: '2.00' }] }, 'USD'))
    const items = JSON.parse(db.prepare('SELECT items FROM orders WHERE id = ?').pluck().get(summary.id) as string) as unknown
    // if decimal quantities are not yet accepted by validation, this test fails here, which is the point
    expect(items).toEqual([{ name: 'Rice', quantityMilli: 1500, unitPriceMinor: 200 }])
  })
})

describe('cancelling an order', () => {
  it('marks it cancelled with its reason, as the next version, and refuses later edits', () => {
    const { summary } = orders.create(input('Ada'))
    changes.update(summary.id, 1, input('Ada 2'))
    const r = changes.cancel(summary.id, 2, '  customer left  ', new Date('2026-11-27T12:00:00.000Z'))
    expect(r.version).toBe(3)
    expect(state(summary.id)).toEqual({ customer: 'Ada 2', version: 3, state: 'cancelled', cancel_reason: 'customer left' })
    expect(events(summary.id).at(-1)).toEqual({
      type: 'OrderCancelled',
      payload: { id: summary.id, version: 3, reason: 'customer left', cancelledAt: '2026-11-27T12:00:00.000Z' },
    })
    expect(() => changes.update(summary.id, 3, input('again'))).toThrow(expect.objectContaining({ code: 'order_cancelled' }))
    expect(() => changes.cancel(summary.id, 3, null)).toThrow(expect.objectContaining({ code: 'order_cancelled' }))
    expect(events(summary.id)).toHaveLength(3)
  })

  it('an empty reason is stored as none; a failure leaves the order open', () => {
    const { summary } = orders.create(input('Ada'))
    expect(() =>
      changes.cancel(summary.id, 1, 'x', new Date(), {
        afterOrderWrite: () => {
          throw new Error('boom')
        },
      }),
    ).toThrow('boom')
    expect(state(summary.id)).toMatchObject({ state: 'open', version: 1 })
    changes.cancel(summary.id, 1, '   ')
    expect(state(summary.id)).toMatchObject({ state: 'cancelled', cancel_reason: null })
  })
})

describe('summaries', () => {
  it('carry the version and state the list marks rows with', () => {
    const { summary } = orders.create(input('Ada'))
    expect(summary).toMatchObject({ version: 1, state: 'open' })
    changes.update(summary.id, 1, input('Ada 2'))
    changes.cancel(summary.id, 2, null)
    expect(orders.summaries([summary.id])[0]).toMatchObject({ version: 3, state: 'cancelled', customer: 'Ada 2' })
    expect(orders.get(summary.id)).toMatchObject({ version: 3, state: 'cancelled' })
  })
})
