import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../testing/temp-dir'
import { openDatabase } from '../db/open-database'
import type { SqliteDatabase } from '../db/native-sqlite'
import { OutboxRepo } from '../outbox/outbox-repo'
import { OrderChanges } from './order-changes'
import { OrderHistory } from './order-history'
import { OrdersRepo } from './orders-repo'
import { validateOrder } from './validate-order'

let dir: ReturnType<typeof tempDir>
let db: SqliteDatabase
beforeEach(() => {
  dir = tempDir()
  db = openDatabase(dir.path)
})
afterEach(() => {
  db.close()
  dir.remove()
})

const input = (customer: string) => validateOrder({ customer, items: [{ name: 'Tea', quantity: 1, unitPrice: '1.20' }] }, 'USD')

describe('OrderHistory', () => {
  it('lists created, each edit and the cancellation, oldest first, with each event’s delivery state', () => {
    const outbox = new OutboxRepo(db)
    const orders = new OrdersRepo(db, outbox)
    const changes = new OrderChanges(db, outbox)
    const history = new OrderHistory(db)
    const { summary } = orders.create(input('Ada'), new Date('2026-11-27T10:00:00.000Z'))
    changes.update(summary.id, 1, input('Ada L'), new Date('2026-11-27T11:00:00.000Z'))
    changes.cancel(summary.id, 2, 'Changed her mind', new Date('2026-11-27T12:00:00.000Z'))
    // The first event reached the server; the second is dead; the third waits.
    const ids = db.prepare('SELECT id FROM outbox WHERE aggregate_id = ? ORDER BY seq').pluck().all(summary.id) as string[]
    db.prepare(`UPDATE outbox SET status = 'sent', sent_at = '2026-11-27T10:00:01.000Z' WHERE id = ?`).run(ids[0])
    db.prepare(`UPDATE outbox SET status = 'dead' WHERE id = ?`).run(ids[1])
    expect(history.versionsOf(summary.id)).toEqual([
      { version: 1, kind: 'created', at: '2026-11-27T10:00:00.000Z', delivery: 'sent' },
      { version: 2, kind: 'updated', at: '2026-11-27T11:00:00.000Z', delivery: 'dead' },
      { version: 3, kind: 'cancelled', at: '2026-11-27T12:00:00.000Z', delivery: 'pending' },
    ])
    expect(history.cancelReasonOf(summary.id)).toBe('Changed her mind')
    // A sent event pruned from the outbox is still a sent version.
    db.prepare('DELETE FROM outbox WHERE id = ?').run(ids[0])
    expect(history.versionsOf(summary.id)[0]!.delivery).toBe('sent')
    expect(history.versionsOf('no-such-order')).toEqual([])
    expect(history.cancelReasonOf('no-such-order')).toBeNull()
  })
})
