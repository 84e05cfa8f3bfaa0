import { OutpostError } from '../errors'
import { OrderFixes } from '../orders/order-fixes'
import type { HandlerDeps } from './handler-deps'
import type { HandlerMap } from './handler-types'

/** Delivery: status, sync now, and the events that need the user's attention. */
export function syncHandlers(deps: HandlerDeps) {
  const { outbox, relay, now } = deps
  return {
    getStatus: () => deps.status(),
    syncNow: async () => {
      const outcome = await relay.syncNow()
      deps.statusChanged()
      return { outcome, pending: outbox.counts().pending }
    },
    // With what the card needs to fix a refused change (orders/order-fixes.ts).
    listDeadEvents: () => new OrderFixes(deps.db, outbox).describe(outbox.listDead()),
    retryEvent: ({ eventId }) => {
      const orderId = outbox.retryDead(eventId)
      if (orderId === null) throw new OutpostError('not_dead', 'That event is not waiting for attention.')
      deps.ordersChanged([orderId], false)
      deps.statusChanged()
      relay.kick(true)
      return { eventId }
    },
    discardEvent: ({ eventId }) => {
      const orderId = outbox.discardDead(eventId, new Date(now()))
      if (orderId === null) throw new OutpostError('not_dead', 'That event is not waiting for attention.')
      deps.ordersChanged([orderId], false)
      deps.statusChanged()
      return { eventId }
    },
  } satisfies HandlerMap
}
