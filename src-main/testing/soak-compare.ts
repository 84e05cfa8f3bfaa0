/**
 * The soak's final check, pure: every order's state on the server against the
 * app's final state of it, field by field, plus what the server is missing
 * (versions the app has that the server never applied).
 */
import type { ServerOrder } from '../../src-shared/apply-rules'

/**
 * One order as both sides are compared: the server's order shape (quantities
 * as exact thousandths) without its own bookkeeping; `state` is any string
 * because the app has no 'fulfilled'.
 */
export type ComparableOrder = Omit<ServerOrder, 'updatedAt' | 'state'> & { state: string }

export interface OrderComparison {
  /** Orders on both sides whose version, state or content differ. */
  mismatched: number
  /** Up to `exampleLimit` of them, as "id: field client=… server=…". */
  examples: string[]
  /** On the server only / in the app only. */
  serverOnly: number
  clientOnly: number
  /** Σ over the app's orders of versions the server never applied (a missing order counts all its versions). */
  lostVersions: number
}

const FIELDS = ['version', 'state', 'customer', 'note', 'currency', 'items', 'totalMinor', 'createdAt', 'cancelledAt', 'cancelReason'] as const

export function compareOrders(client: readonly ComparableOrder[], server: readonly ComparableOrder[], exampleLimit = 5): OrderComparison {
  const onServer = new Map(server.map((o) => [o.id, o]))
  const inClient = new Set(client.map((o) => o.id))
  const examples: string[] = []
  let mismatched = 0
  let clientOnly = 0
  let lostVersions = 0
  for (const c of client) {
    const s = onServer.get(c.id)
    if (!s) {
      clientOnly++
      lostVersions += c.version
      continue
    }
    lostVersions += Math.max(0, c.version - s.version)
    const diff = FIELDS.find((f) => JSON.stringify(c[f]) !== JSON.stringify(s[f]))
    if (diff) {
      mismatched++
      if (examples.length < exampleLimit) examples.push(`${c.id}: ${diff} client=${JSON.stringify(c[diff])} server=${JSON.stringify(s[diff])}`)
    }
  }
  const serverOnly = server.filter((o) => !inClient.has(o.id)).length
  return { mismatched, examples, serverOnly, clientOnly, lostVersions }
}

/** The wire's order view (quantities as JSON numbers) → comparable. */
export function fromOrderView(o: Omit<ComparableOrder, 'items'> & { items: { name: string; quantity: number; unitPriceMinor: number }[] }): ComparableOrder {
  return {
    id: o.id,
    version: o.version,
    state: o.state,
    customer: o.customer,
    note: o.note,
    currency: o.currency,
    items: o.items.map((i) => ({ name: i.name, quantityMilli: Math.round(i.quantity * 1000), unitPriceMinor: i.unitPriceMinor })),
    totalMinor: o.totalMinor,
    createdAt: o.createdAt,
    cancelledAt: o.cancelledAt,
    cancelReason: o.cancelReason,
  }
}
