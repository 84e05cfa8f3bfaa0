import type { OrderVersionView } from '../../../src-shared/contract'
import type { SqliteDatabase } from '../db/native-sqlite'

interface VersionRow {
  version: number
  kind: OrderVersionView['kind']
  at: string
  event_id: string | null
  discarded_at: string | null
  status: 'pending' | 'sent' | 'dead' | null
  event_discarded_at: string | null
}

/**
 * An order's history for the detail view: every version recorded in
 * order_versions (created, each edit, the cancellation), oldest first, each
 * with the delivery state of the outbox event that carries it.
 */
export class OrderHistory {
  private readonly versionsStmt
  private readonly reasonStmt
  constructor(db: SqliteDatabase) {
    this.versionsStmt = db.prepare(
      `SELECT v.version, v.kind, v.at, v.event_id, v.discarded_at, o.status, o.discarded_at AS event_discarded_at
       FROM order_versions v LEFT JOIN outbox o ON o.id = v.event_id
       WHERE v.order_id = ? ORDER BY v.id`,
    )
    this.reasonStmt = db.prepare('SELECT cancel_reason FROM orders WHERE id = ?').pluck()
  }

  versionsOf(orderId: string): OrderVersionView[] {
    return (this.versionsStmt.all(orderId) as VersionRow[]).map((r) => ({ version: r.version, kind: r.kind, at: r.at, delivery: delivery(r) }))
  }

  cancelReasonOf(orderId: string): string | null {
    return (this.reasonStmt.get(orderId) as string | null | undefined) ?? null
  }
}

function delivery(r: VersionRow): OrderVersionView['delivery'] {
  if (r.discarded_at !== null || r.event_discarded_at !== null) return 'discarded'
  if (r.status !== null) return r.status
  // Only sent events are ever pruned from the outbox; a version with no event at all is not known to have gone.
  return r.event_id !== null ? 'sent' : 'unknown'
}
