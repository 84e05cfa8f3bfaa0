import type { OrderSummary } from '../../../src-shared/contract'
import { itemsSummary } from '../orders/items-summary'
import { OrderQuery } from '../orders/order-query'
import type { HandlerDeps } from './handler-deps'
import type { HandlerMap } from './handler-types'

/** Finding orders: the filtered, keyset-paged list, the day summary and the form's suggestions. */
export function findHandlers(deps: HandlerDeps) {
  const query = new OrderQuery(deps.db)
  return {
    listOrders: ({ offset, limit, after, filter = {} }) => {
      const ids = after ? query.pageIds(filter, after, limit) : offset === 0 ? query.pageIds(filter, null, limit) : query.pageIdsAt(filter, offset, limit)
      const items = deps.orders.summaries(ids)
      const parts = query.itemsOf(ids)
      const withItems: OrderSummary[] = items.map((o) => ({ ...o, itemsSummary: itemsSummary(parts.get(o.id) ?? []) }))
      const { n, capped } = query.count(filter)
      const last = items.at(-1)
      return {
        items: withItems,
        total: n,
        capped,
        all: query.total(),
        offset,
        next: items.length === limit && last ? { createdAt: last.createdAt, id: last.id } : null,
      }
    },
    summarizeDay: ({ from, to }) => query.summary(from, to),
    suggestCustomers: ({ prefix, limit }) => query.customers(prefix, limit),
    suggestItems: ({ prefix, limit }) => query.items(prefix, limit),
  } satisfies HandlerMap
}
