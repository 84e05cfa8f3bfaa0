import { OutpostError } from '../errors'
import { OrderChanges } from '../orders/order-changes'
import { OrderFixes } from '../orders/order-fixes'
import { OrderHistory } from '../orders/order-history'
import { validateOrder } from '../orders/validate-order'
import type { HandlerDeps } from './handler-deps'
import type { HandlerMap } from './handler-types'

/** Writing and reading orders. New order methods (update, cancel, undo, search, export...) go here or in a sibling group. */
export function orderHandlers(deps: HandlerDeps) {
  const { orders, outbox, now, relay } = deps
  const changes = new OrderChanges(deps.db, outbox)
  const history = new OrderHistory(deps.db)
  const fixes = new OrderFixes(deps.db, outbox)
  const changed = (id: string) => {
    deps.ordersChanged([id], false)
    deps.statusChanged()
    relay.kick()
  }
  return {
    updateOrder: ({ id, version, order: input }) => {
      const order = validateOrder(input, deps.defaultCurrency())
      const r = changes.update(id, version, order, new Date(now()))
      changed(id)
      return { id, ...r }
    },
    cancelOrder: ({ id, version, reason }) => {
      const r = changes.cancel(id, version, reason ?? null, new Date(now()))
      changed(id)
      return { id, ...r }
    },
    // Fixing a refused change (issue 11): each is one transaction in order-fixes.ts.
    editAndResend: ({ eventId, version, order: input }) => {
      const order = validateOrder(input, deps.defaultCurrency())
      const r = fixes.resend(eventId, version, order, new Date(now()))
      changed(r.id)
      return r
    },
    discardChange: ({ eventId, version }) => {
      const r = fixes.discardChange(eventId, version, new Date(now()))
      changed(r.id)
      return r
    },
    createOrder: (input) => {
      // Shape is checked by the dispatcher; validateOrder adds the rules zod
      // cannot say (trimmed lengths, money in the currency's minor units).
      const order = validateOrder(input, deps.defaultCurrency())
      const { summary } = orders.create(order, new Date(now()))
      deps.ordersChanged([summary.id], true)
      deps.statusChanged()
      relay.kick()
      return summary
    },
    // listOrders is in find-handlers.ts (search, filters, keyset pages).
    getOrder: ({ id }) => {
      const order = orders.get(id)
      if (!order) throw new OutpostError('not_found', 'No such order.')
      // Settled events (replaced or discarded by a fix) left the outbox; the history still shows them.
      const events = [...outbox.eventsOf(id), ...outbox.settledOf(id)].sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      return { ...order, events, versions: history.versionsOf(id), cancelReason: history.cancelReasonOf(id) }
    },
  } satisfies HandlerMap
}
