import { create } from 'zustand'
import type { AppError, EventPayload, OrderDetail, SyncStatus } from '../../../src-shared/contract'
import { call, on } from '../api'
import { throttle } from '../../../src-shared/throttle'
import { useStatus } from './status-store'

const RELOAD_THROTTLE_MS = 1000

interface OrderDetailState {
  /** The order being watched; null when no detail view is open. */
  orderId: string | null
  order: OrderDetail | null
  error: AppError | null
  /**
   * Loads an order and keeps it fresh while watched: when main says it
   * changed, and when the outbox counts move (a retry adds an attempt).
   * Returns the unwatch.
   */
  watch(orderId: string): () => void
  load(): Promise<void>
}

type Counts = SyncStatus['counts']

function sameCounts(a: Counts | undefined, b: Counts | undefined): boolean {
  if (a === b) return true
  if (!a || !b) return false
  return a.pending === b.pending && a.sending === b.sending && a.dead === b.dead && a.sentToday === b.sentToday
}

/** Whether an ordersChanged event concerns this order (or is the bridge's "reload everything" after a reconnect). */
export function concernsOrder(change: EventPayload<'ordersChanged'>, orderId: string): boolean {
  if (change.created && change.orderIds.length === 0) return true
  return change.orderIds.includes(orderId)
}

export const useOrderDetail = create<OrderDetailState>()((set, get) => {
  let loadSeq = 0

  return {
    orderId: null,
    order: null,
    error: null,
    load: async () => {
      const orderId = get().orderId
      if (orderId === null) return
      const seq = ++loadSeq
      const r = await call('getOrder', { id: orderId })
      if (seq !== loadSeq) return // a newer load (or another order) started; its answer wins
      if (r.ok) set({ order: r.value, error: null })
      else set({ error: r.error })
    },
    watch: (orderId) => {
      // Another order's details must not show, even for a moment.
      if (get().orderId !== orderId) set({ orderId, order: null, error: null })
      void get().load()
      const reload = throttle(() => void get().load(), RELOAD_THROTTLE_MS)
      const offChanged = on('ordersChanged', (change) => {
        if (concernsOrder(change, orderId)) reload()
      })
      const offStatus = useStatus.subscribe((s, prev) => {
        if (!sameCounts(s.status?.counts, prev.status?.counts)) reload()
      })
      return () => {
        offChanged()
        offStatus()
        reload.cancel()
        // Answers still on their way are for a view that is gone.
        loadSeq++
      }
    },
  }
})
