import type { DeadEvent } from '../../../src-shared/contract'
import type { SqliteDatabase } from '../db/native-sqlite'
import { OutpostError } from '../errors'
import { uuidv7 } from '../ids'
import type { FixRow, OutboxRepo } from '../outbox/outbox-repo'
import { ORDER_UPDATED } from './order-changes'
import { ORDER_CREATED } from './orders-repo'
import { orderPayload, storedItems } from './order-payload'
import type { ValidOrder } from './validate-order'

export interface FixHooks {
  /** Test seam: runs inside the transaction after the orders row changed. */
  afterOrderWrite?: () => void
}

interface OrderRow {
  version: number
  state: 'open' | 'cancelled'
  created_at: string
}

/** A version's full state as order_versions keeps it (items as stored: thousandths). */
interface Snapshot {
  customer: string
  note: string | null
  currency: string
  /** An array, or the orders row's JSON text (edits snapshot the row as it is). */
  items: unknown
  totalMinor: number
  state: 'open' | 'cancelled'
  cancelReason: string | null
}

/** What a fix works on: the refused event, the changes waiting behind it, and versions. */
interface Located {
  dead: FixRow
  waiting: FixRow[]
  order: OrderRow
  /** The refused event's version: the one the server expects next. */
  refusedVersion: number
}

/**
 * Fixing a change the server refused (issue 11). The server never applied the
 * refused version, and it applies an order's versions strictly one after the
 * other (docs/sync-protocol.md §6.4), so:
 *
 * - **Edit and resend** writes the correction as the refused event's version
 *   (the server's version + 1): an OrderCreated when the refused event was the
 *   order's creation, else an OrderUpdated. The correction is the order's full
 *   state as the user corrected it, which already holds every change waiting
 *   behind the refused one, so those are replaced by it too.
 * - **Discard this change** puts the order back to the version the server
 *   accepted (refused version − 1), and the waiting changes go with the
 *   refused one. With no accepted version (a refused creation) the order stays
 *   on this device as its first version, marked "Not on the server".
 *
 * Replaced and discarded events leave the outbox for outbox_settled, so they
 * can never be sent; their versions stay in the history, marked discarded.
 * The waiting events were provably never handed to the network: the relay
 * never sends an event while an earlier one of its order is unsent or dead,
 * and a dead event was never sent. Each fix is one transaction.
 */
export class OrderFixes {
  private readonly stmts

  constructor(
    private readonly db: SqliteDatabase,
    private readonly outbox: OutboxRepo,
  ) {
    this.stmts = {
      order: db.prepare('SELECT version, state, created_at FROM orders WHERE id = ?'),
      versionOfEvent: db.prepare('SELECT version FROM order_versions WHERE event_id = ?').pluck(),
      snapshot: db.prepare('SELECT snapshot FROM order_versions WHERE order_id = ? AND version = ? AND discarded_at IS NULL').pluck(),
      discardFrom: db.prepare('UPDATE order_versions SET discarded_at = ? WHERE order_id = ? AND version >= ? AND discarded_at IS NULL'),
      write: db.prepare(
        `UPDATE orders SET customer = @customer, note = @note, currency = @currency, items = @items, total_minor = @totalMinor,
           version = @version, state = @state, cancel_reason = @cancelReason,
           cancelled_at = CASE WHEN @state = 'cancelled' THEN cancelled_at END, updated_at = @at
         WHERE id = @id`,
      ),
      insertVersion: db.prepare('INSERT INTO order_versions (order_id, version, kind, snapshot, event_id, at) VALUES (?, ?, ?, ?, ?, ?)'),
      row: db.prepare('SELECT customer, note, currency, items, total_minor AS totalMinor, state, cancel_reason AS cancelReason FROM orders WHERE id = ?'),
    }
  }

  /**
   * The attention list with what the card says and offers: how many changes
   * wait behind each refused one, and the order's version and state here.
   */
  describe(items: readonly DeadEvent[]): DeadEvent[] {
    if (items.length === 0) return []
    const waiting = this.outbox.waitingBehind(items.map((i) => i.eventId))
    return items.map((item) => {
      const order = this.stmts.order.get(item.orderId) as OrderRow | undefined
      const row = this.outbox.fixRow(item.eventId)
      const version = row ? ((this.stmts.versionOfEvent.get(row.id) as number | undefined) ?? payloadVersion(row.payload)) : undefined
      return {
        ...item,
        waiting: waiting.get(item.eventId) ?? 0,
        ...(row ? { type: row.type } : {}),
        ...(version !== undefined ? { eventVersion: version } : {}),
        ...(order ? { orderVersion: order.version, orderState: order.state } : {}),
      }
    })
  }

  /** Edit and resend: the correction goes out as the version the server expects next. */
  resend(eventId: string, expectedVersion: number, order: ValidOrder, now: Date = new Date(), hooks: FixHooks = {}): { id: string; version: number; eventId: string } {
    const at = now.toISOString()
    const newEventId = uuidv7(now.getTime())
    return this.db.transaction(() => {
      const { dead, waiting, order: cur, refusedVersion } = this.locate(eventId, expectedVersion)
      const id = dead.aggregate_id
      if (cur.state === 'cancelled') {
        throw new OutpostError('order_cancelled', 'This order is cancelled on this device, so it cannot be edited. Discard this change to go back to the version the server has.')
      }
      const version = refusedVersion
      const stored = storedItems(order)
      this.stmts.discardFrom.run(at, id, version)
      this.stmts.write.run({
        id,
        version,
        at,
        customer: order.customer,
        note: order.note,
        currency: order.currency,
        items: JSON.stringify(stored),
        totalMinor: order.totalMinor,
        state: 'open',
        cancelReason: null,
      })
      hooks.afterOrderWrite?.()
      const created = version === 1
      const payload = orderPayload(id, version, order, stored, cur.created_at, at)
      for (const e of [dead, ...waiting]) this.outbox.settle(e.id, 'replaced', now, newEventId)
      this.stmts.insertVersion.run(id, version, created ? 'created' : 'updated', JSON.stringify(this.stmts.row.get(id)), newEventId, at)
      this.outbox.enqueue({ id: newEventId, aggregateId: id, type: created ? ORDER_CREATED : ORDER_UPDATED, payload: JSON.stringify(payload), createdAt: at })
      return { id, version, eventId: newEventId }
    }).immediate()
  }

  /** Discard this change: back to the version the server accepted, or "Not on the server". */
  discardChange(eventId: string, expectedVersion: number, now: Date = new Date(), hooks: FixHooks = {}): { id: string; version: number; notOnServer: boolean } {
    const at = now.toISOString()
    return this.db.transaction(() => {
      const { dead, waiting, refusedVersion } = this.locate(eventId, expectedVersion)
      const id = dead.aggregate_id
      // A refused creation: nothing on the server; the order stays here as its first version.
      const notOnServer = refusedVersion === 1
      const backTo = notOnServer ? 1 : refusedVersion - 1
      const raw = this.stmts.snapshot.get(id, backTo) as string | undefined
      if (raw === undefined) throw new Error(`Order ${id} has no recorded version ${backTo} to go back to`)
      const snap = JSON.parse(raw) as Snapshot
      this.stmts.discardFrom.run(at, id, backTo + 1)
      this.stmts.write.run({
        id,
        version: backTo,
        at,
        customer: snap.customer,
        note: snap.note,
        currency: snap.currency,
        items: typeof snap.items === 'string' ? snap.items : JSON.stringify(snap.items),
        totalMinor: snap.totalMinor,
        state: snap.state,
        cancelReason: snap.cancelReason,
      })
      hooks.afterOrderWrite?.()
      for (const e of waiting) this.outbox.settle(e.id, 'discarded', now)
      // The refused creation stays in the outbox, dead and discarded: it is what
      // "not on the server" is read from, and Retry / Edit and resend stay possible.
      if (notOnServer) this.outbox.markDiscarded(dead.id, now)
      else this.outbox.settle(dead.id, 'discarded', now)
      return { id, version: backTo, notOnServer }
    }).immediate()
  }

  private locate(eventId: string, expectedVersion: number): Located {
    const dead = this.outbox.fixRow(eventId)
    if (!dead || dead.status !== 'dead') throw new OutpostError('not_dead', 'That change is not waiting for attention (it was sent, fixed or retried meanwhile).')
    const order = this.stmts.order.get(dead.aggregate_id) as OrderRow | undefined
    if (!order) throw new OutpostError('not_found', 'No such order.')
    if (order.version !== expectedVersion) {
      throw new OutpostError('stale_version', 'This order was changed elsewhere since you opened it. Reopen it to see the latest version.', {
        params: { current: order.version, edited: expectedVersion },
      })
    }
    const waiting = this.outbox.eventsBehind(dead.aggregate_id, dead.seq)
    // Behind a dead event nothing can have been sent: if anything was, the
    // server may hold it, and dropping it would make this device disagree.
    const touched = waiting.find((w) => w.status !== 'pending' || w.attempts > 0 || w.tries > 0)
    if (touched) throw new Error(`Event ${touched.id} behind refused event ${dead.id} was already handed to the network; refusing to replace it`)
    const recorded = this.stmts.versionOfEvent.get(dead.id) as number | undefined
    const refusedVersion = recorded ?? payloadVersion(dead.payload)
    return { dead, waiting, order, refusedVersion }
  }
}

/** The version an event carries (OrderCreated from before versions: 1). */
function payloadVersion(payload: string): number {
  const v = (JSON.parse(payload) as { version?: unknown }).version
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : 1
}
