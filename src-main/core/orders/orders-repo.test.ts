import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../testing/temp-dir'
import { openDatabase } from '../db/open-database'
import type { SqliteDatabase } from '../db/native-sqlite'
import { UUID_RE } from '../ids'
import { OutboxRepo } from '../outbox/outbox-repo'
import { ORDER_CREATED, OrdersRepo } from './orders-repo'
import { validateOrder } from './validate-order'

let dir: ReturnType<typeof tempDir>
let db: SqliteDatabase
let orders: OrdersRepo
beforeEach(() => {
  dir = tempDir()
  db = openDatabase(dir.path)
  orders = new OrdersRepo(db, new OutboxRepo(db))
})
afterEach(() => {
  db.close()
  dir.remove()
})

const order = () => validateOrder({ customer: 'Ada', items: [{ name: 'Tea', quantity: 3, unitPrice: '1.20' }] }, 'USD')
const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number

describe('creating an order', () => {
  it('writes the order and exactly one pending OrderCreated outbox row for it', () => {
    const { summary, eventId } = orders.create(order(), new Date('2026-11-27T10:00:00.000Z'))
    expect(summary.id).toMatch(UUID_RE)
    expect(eventId).toMatch(UUID_RE)
    const row = db.prepare('SELECT * FROM outbox').get() as Record<string, unknown>
    expect(row).toMatchObject({
      id: eventId,
      aggregate_id: summary.id,
      type: ORDER_CREATED,
      status: 'pending',
      attempts: 0,
      next_attempt_at: null,
      last_error: null,
      sent_at: null,
      created_at: '2026-11-27T10:00:00.000Z',
    })
    expect(JSON.parse(row.payload as string)).toEqual({
      id: summary.id,
      version: 1,
      customer: 'Ada',
      note: null,
      currency: 'USD',
      items: [{ name: 'Tea', quantity: 3, unitPriceMinor: 120 }],
      totalMinor: 360,
      createdAt: '2026-11-27T10:00:00.000Z',
    })
    expect(count('orders')).toBe(1)
  })

  it('is atomic: a failure after the order insert leaves neither row', () => {
    expect(() =>
      orders.create(order(), new Date(), {
        afterOrderInsert: () => {
          // The order row exists at this instant, inside the transaction…
          expect(count('orders')).toBe(1)
          throw new Error('power cut')
        },
      }),
    ).toThrow('power cut')
    // …and is gone with the rolled-back transaction.
    expect(count('orders')).toBe(0)
    expect(count('outbox')).toBe(0)
  })

  it('is atomic the other way: a failing outbox insert leaves no order', () => {
    db.exec(`CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
    expect(() => orders.create(order())).toThrow('disk full')
    expect(count('orders')).toBe(0)
  })
})

describe('listing orders', () => {
  it('pages newest first with a total, and each row carries its sync state', () => {
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push(orders.create(order(), new Date(Date.UTC(2026, 0, 1, 0, 0, i))).summary.id)
    expect(orders.count()).toBe(5)
    const page = orders.page(1, 2)
    expect(page.map((o) => o.id)).toEqual([ids[3], ids[2]])
    expect(page.every((o) => o.syncState === 'pending' && o.itemCount === 1 && o.totalMinor === 360)).toBe(true)

    db.prepare(`UPDATE outbox SET status = 'sent', sent_at = '2026-01-02T00:00:00.000Z' WHERE aggregate_id = ?`).run(ids[3])
    db.prepare(`UPDATE outbox SET status = 'dead', last_error = 'blocked' WHERE aggregate_id = ?`).run(ids[2])
    const [sent, dead] = orders.page(1, 2)
    expect(sent).toMatchObject({ syncState: 'synced', syncedAt: '2026-01-02T00:00:00.000Z' })
    expect(dead).toMatchObject({ syncState: 'failed', syncError: 'blocked', discarded: false })
  })

  it('get returns the items with line totals, or null', () => {
    const { summary } = orders.create(order())
    expect(orders.get(summary.id)?.items).toEqual([{ name: 'Tea', quantity: 3, unitPriceMinor: 120, lineTotalMinor: 360 }])
    // stored exactly, as thousandths, with its version 1 in the history table
    expect(JSON.parse(db.prepare('SELECT items FROM orders WHERE id = ?').pluck().get(summary.id) as string)).toEqual([
      { name: 'Tea', quantityMilli: 3000, unitPriceMinor: 120 },
    ])
    expect(db.prepare('SELECT version, kind FROM order_versions WHERE order_id = ?').all(summary.id)).toEqual([{ version: 1, kind: 'created' }])
    expect(orders.get('missing')).toBeNull()
  })
})
