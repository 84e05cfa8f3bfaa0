import type { SqliteDatabase } from '../db/native-sqlite'
import { OutpostError } from '../errors'
import { uuidv7 } from '../ids'
import type { OutboxRepo } from '../outbox/outbox-repo'
import { orderPayload, storedItems } from './order-payload'
import type { ValidOrder } from './validate-order'

export const ORDER_UPDATED = 'OrderUpdated'
export const ORDER_CANCELLED = 'OrderCancelled'

export interface ChangeHooks {
  /** Test seam: runs inside the transaction after the orders row changed. */
  afterOrderWrite?: () => void
}

interface CurrentRow {
  version: number
  state: 'open' | 'cancelled'
  created_at: string
}

/**
 * Edits and cancellations. Each writes the orders row (version + 1), the
 * version's full state in `order_versions` and its outbox event in one
 * transaction: all three or none. The caller names the version it edited, so
 * two windows editing one order cannot silently overwrite each other.
 */
export class OrderChanges {
  private readonly stmts

  constructor(
    private readonly db: SqliteDatabase,
    private readonly outbox: OutboxRepo,
  ) {
    this.stmts = {
      current: db.prepare('SELECT version, state, created_at FROM orders WHERE id = ?'),
      update: db.prepare(
        `UPDATE orders SET customer = @customer, note = @note, currency = @currency, items = @items,
           total_minor = @totalMinor, version = @version, updated_at = @at WHERE id = @id AND version = @expected`,
      ),
      cancel: db.prepare(
        `UPDATE orders SET state = 'cancelled', version = @version, cancelled_at = @at, cancel_reason = @reason, updated_at = @at
         WHERE id = @id AND version = @expected AND state = 'open'`,
      ),
      version: db.prepare(`INSERT INTO order_versions (order_id, version, kind, snapshot, event_id, at) VALUES (?, ?, ?, ?, ?, ?)`),
      row: db.prepare('SELECT customer, note, currency, items, total_minor AS totalMinor, state, cancel_reason AS cancelReason FROM orders WHERE id = ?'),
    }
  }

  update(id: string, expectedVersion: number, order: ValidOrder, now: Date = new Date(), hooks: ChangeHooks = {}): { version: number; eventId: string } {
    const at = now.toISOString()
    const eventId = uuidv7(now.getTime())
    return this.db.transaction(() => {
      const cur = this.check(id, expectedVersion)
      const version = expectedVersion + 1
      const stored = storedItems(order)
      this.stmts.update.run({ id, expected: expectedVersion, version, at, customer: order.customer, note: order.note, currency: order.currency, items: JSON.stringify(stored), totalMinor: order.totalMinor })
      hooks.afterOrderWrite?.()
      const payload = orderPayload(id, version, order, stored, cur.created_at, at)
      this.record(id, version, 'updated', eventId, at, ORDER_UPDATED, payload)
      return { version, eventId }
    }).immediate()
  }

  cancel(id: string, expectedVersion: number, reason: string | null, now: Date = new Date(), hooks: ChangeHooks = {}): { version: number; eventId: string } {
    const at = now.toISOString()
    const eventId = uuidv7(now.getTime())
    const why = reason?.trim() ? reason.trim() : null
    return this.db.transaction(() => {
      this.check(id, expectedVersion)
      const version = expectedVersion + 1
      this.stmts.cancel.run({ id, expected: expectedVersion, version, at, reason: why })
      hooks.afterOrderWrite?.()
      this.record(id, version, 'cancelled', eventId, at, ORDER_CANCELLED, { id, version, reason: why, cancelledAt: at })
      return { version, eventId }
    }).immediate()
  }

  private check(id: string, expectedVersion: number): CurrentRow {
    const cur = this.stmts.current.get(id) as CurrentRow | undefined
    if (!cur) throw new OutpostError('not_found', 'No such order.')
    if (cur.state === 'cancelled') throw new OutpostError('order_cancelled', 'This order is cancelled and can no longer be changed.')
    if (cur.version !== expectedVersion) {
      throw new OutpostError('stale_version', 'This order was changed elsewhere since you opened it. Reopen it to see the latest version.', {
        params: { current: cur.version, edited: expectedVersion },
      })
    }
    return cur
  }

  private record(id: string, version: number, kind: string, eventId: string, at: string, type: string, payload: object): void {
    const row = this.stmts.row.get(id)
    this.stmts.version.run(id, version, kind, JSON.stringify(row), eventId, at)
    this.outbox.enqueue({ id: eventId, aggregateId: id, type, payload: JSON.stringify(payload), createdAt: at })
  }
}
