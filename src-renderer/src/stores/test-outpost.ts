import type { OrderSummary } from '../../../src-shared/contract'

/** A fake `window.outpost` for store tests: in-memory orders, scripted answers, manual events. */
export function fakeOutpost(orderCount: number) {
  const orders: OrderSummary[] = Array.from({ length: orderCount }, (_, i) => order(`o${orderCount - 1 - i}`))
  const listeners = { status: new Set<(p: unknown) => void>(), ordersChanged: new Set<(p: unknown) => void>() }
  const calls: { name: string; input: unknown }[] = []
  const answers: Record<string, (input: unknown) => unknown> = {
    listOrders: (input) => {
      const { offset: at, limit, after } = input as { offset?: number; limit: number; after?: { id: string } }
      // A keyset request starts after its cursor row, as main's does.
      const offset = after ? orders.findIndex((o) => o.id === after.id) + 1 : (at ?? 0)
      return { ok: true, value: { items: orders.slice(offset, offset + limit), total: orders.length, offset } }
    },
  }
  const api = new Proxy(
    {
      host: 'web',
      onStatus: (l: (p: unknown) => void) => {
        listeners.status.add(l)
        return () => listeners.status.delete(l)
      },
      onOrdersChanged: (l: (p: unknown) => void) => {
        listeners.ordersChanged.add(l)
        return () => listeners.ordersChanged.delete(l)
      },
    } as Record<string, unknown>,
    {
      get(target, prop: string) {
        if (prop in target) return target[prop]
        return async (input: unknown) => {
          calls.push({ name: prop, input })
          const answer = answers[prop]
          return answer ? answer(input) : { ok: false, error: { code: 'internal', message: `no fake for ${prop}` } }
        }
      },
    },
  )
  return {
    api,
    orders,
    calls,
    answers,
    emit: (name: 'status' | 'ordersChanged', payload: unknown) => {
      for (const l of listeners[name]) l(payload)
    },
  }
}

export function order(id: string, over: Partial<OrderSummary> = {}): OrderSummary {
  return {
    id,
    customer: `Customer ${id}`,
    currency: 'USD',
    totalMinor: 1000,
    createdAt: '2025-01-15T10:00:00.000Z',
    itemCount: 1,
    syncState: 'pending',
    syncedAt: null,
    syncError: null,
    discarded: false,
    version: 1,
    state: 'open',
    ...over,
  }
}
