import type { LineItem, OrderSummary, SyncState } from '../../../src-shared/contract'
import type { SqliteDatabase } from '../db/native-sqlite'
import { uuidv7 } from '../ids'
import type { OutboxRepo } from '../outbox/outbox-repo'
import { orderPayload, storedItems, type StoredItem } from './order-payload'
import type { ValidOrder } from './validate-order'

export type { OrderPayload } from './order-payload'
import { lineTotalMinor } from '../../../src-shared/protocol'

export const ORDER_CREATED = 'OrderCreated'

interface OrderRow {
  id: string
  customer: string
  note: string | null
  currency: string
  items: string
  total_minor: number
  created_at: string
  version: number
  state: 'open' | 'cancelled'
}

interface OrderSyncRow {
  aggregate_id: string
  type?: string
  status: 'pending' | 'sent' | 'dead'
  sent_at: string | null
  last_error: string | null
  discarded_at: string | null
}

export interface CreateOrderHooks {
  /** Test seam: runs inside the transaction after the order insert. */
  afterOrderInsert?: () => void
}

export class OrdersRepo {
  private readonly insertOrder
  private readonly insertVersion
  private readonly pageStmt
  private readonly countStmt
  private readonly getStmt
  private readonly syncRowsStmt

  constructor(
    private readonly db: SqliteDatabase,
    private readonly outbox: OutboxRepo,
  ) {
    this.insertOrder = db.prepare(
      `INSERT INTO orders (id, customer, note, currency, items, total_minor, created_at)
       VALUES (@id, @customer, @note, @currency, @items, @totalMinor, @createdAt)`,
    )
    this.pageStmt = db.prepare(
      `SELECT id, customer, note, currency, items, total_minor, created_at, version, state FROM orders
       ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
    )
    this.insertVersion = db.prepare(
      `INSERT INTO order_versions (order_id, version, kind, snapshot, event_id, at) VALUES (?, ?, ?, ?, ?, ?)`,
    )
    this.countStmt = db.prepare('SELECT count(*) FROM orders').pluck()
    this.getStmt = db.prepare('SELECT id, customer, note, currency, items, total_minor, created_at, version, state FROM orders WHERE id = ?')
    this.syncRowsStmt = db.prepare(
      `SELECT aggregate_id, type, status, sent_at, last_error, discarded_at FROM outbox
       WHERE aggregate_id IN (SELECT value FROM json_each(?)) ORDER BY seq`,
    )
  }

  /**
   * Record first: the order and its OrderCreated event are written in one
   * transaction, so both exist or neither does. Delivery happens later.
   */
  create(order: ValidOrder, now: Date = new Date(), hooks: CreateOrderHooks = {}): { summary: OrderSummary; eventId: string } {
    const id = uuidv7(now.getTime())
    const eventId = uuidv7(now.getTime())
    const createdAt = now.toISOString()
    const stored = storedItems(order)
    const payload = orderPayload(id, 1, order, stored, createdAt)
    this.db.transaction(() => {
      this.insertOrder.run({
        id,
        customer: order.customer,
        note: order.note,
        currency: order.currency,
        items: JSON.stringify(stored),
        totalMinor: order.totalMinor,
        createdAt,
      })
      this.insertVersion.run(
        id,
        1,
        'created',
        JSON.stringify({ customer: order.customer, note: order.note, currency: order.currency, items: stored, totalMinor: order.totalMinor, state: 'open', cancelReason: null }),
        eventId,
        createdAt,
      )
      hooks.afterOrderInsert?.()
      this.outbox.enqueue({ id: eventId, aggregateId: id, type: ORDER_CREATED, payload: JSON.stringify(payload), createdAt })
    }).immediate()
    return {
      eventId,
      summary: {
        id,
        customer: order.customer,
        currency: order.currency,
        totalMinor: order.totalMinor,
        createdAt,
        itemCount: order.items.length,
        syncState: 'pending',
        syncedAt: null,
        syncError: null,
        discarded: false,
        version: 1,
        state: 'open',
      },
    }
  }

  count(): number {
    return this.countStmt.get() as number
  }

  /** Newest first. Sync state comes from the order's outbox rows. */
  page(offset: number, limit: number): OrderSummary[] {
    const rows = this.pageStmt.all(limit, offset) as OrderRow[]
    return this.withSync(rows)
  }

  get(id: string): (OrderSummary & { note: string | null; items: LineItem[] }) | null {
    const row = this.getStmt.get(id) as OrderRow | undefined
    if (!row) return null
    const [summary] = this.withSync([row])
    if (!summary) return null
    const items = (JSON.parse(row.items) as StoredItem[]).map((it) => ({
      name: it.name,
      quantity: it.quantityMilli / 1000,
      unitPriceMinor: it.unitPriceMinor,
      lineTotalMinor: Number(lineTotalMinor(it.quantityMilli, it.unitPriceMinor)),
    }))
    return { ...summary, note: row.note, items }
  }

  summaries(ids: readonly string[]): OrderSummary[] {
    const rows = ids.map((id) => this.getStmt.get(id) as OrderRow | undefined).filter((r): r is OrderRow => !!r)
    return this.withSync(rows)
  }

  private withSync(rows: OrderRow[]): OrderSummary[] {
    if (rows.length === 0) return []
    const byOrder = new Map<string, OrderSyncRow[]>()
    for (const s of this.syncRowsStmt.all(JSON.stringify(rows.map((r) => r.id))) as OrderSyncRow[]) {
      const list = byOrder.get(s.aggregate_id) ?? []
      list.push(s)
      byOrder.set(s.aggregate_id, list)
    }
    return rows.map((r) => {
      const events = byOrder.get(r.id) ?? []
      const sync = deriveSyncState(events)
      return {
        id: r.id,
        customer: r.customer,
        currency: r.currency,
        totalMinor: r.total_minor,
        createdAt: r.created_at,
        itemCount: countItems(r.items),
        version: r.version,
        state: r.state,
        ...sync,
        // A refused creation: the server has no version of it at all (issue 11).
        notOnServer: events.some((e) => e.type === ORDER_CREATED && e.status === 'dead'),
      }
    })
  }
}

function countItems(itemsJson: string): number {
  const parsed: unknown = JSON.parse(itemsJson)
  return Array.isArray(parsed) ? parsed.length : 0
}

/**
 * An order is `failed` if any of its events is dead, `pending` while any is
 * unsent, and `synced` when all were confirmed (or pruned after confirmation).
 */
export function deriveSyncState(events: readonly OrderSyncRow[]): {
  syncState: SyncState
  syncedAt: string | null
  syncError: string | null
  discarded: boolean
} {
  const dead = events.find((e) => e.status === 'dead')
  if (dead) return { syncState: 'failed', syncedAt: null, syncError: dead.last_error, discarded: dead.discarded_at !== null }
  if (events.some((e) => e.status === 'pending')) return { syncState: 'pending', syncedAt: null, syncError: null, discarded: false }
  const last = events.at(-1)
  return { syncState: 'synced', syncedAt: last?.sent_at ?? null, syncError: null, discarded: false }
}
