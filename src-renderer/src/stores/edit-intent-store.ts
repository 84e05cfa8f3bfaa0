import { create } from 'zustand'

/**
 * "Open this order in its edit form": the list's E key asks, the detail view
 * takes it once the order has loaded (so Back still returns to the list).
 */
interface EditIntentState {
  orderId: string | null
  request(orderId: string): void
  /** True once, for the order that was asked for. */
  take(orderId: string): boolean
}

export const useEditIntent = create<EditIntentState>()((set, get) => ({
  orderId: null,
  request: (orderId) => set({ orderId }),
  take: (orderId) => {
    if (get().orderId !== orderId) return false
    set({ orderId: null })
    return true
  },
}))
