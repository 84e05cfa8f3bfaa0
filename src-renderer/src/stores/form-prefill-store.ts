import { create } from 'zustand'
import type { OrderDraft } from '../orders/order-draft'

/**
 * A draft handed to the new-order form from elsewhere (Duplicate in the
 * detail view). The form takes it once and clears it, so going back to the
 * orders view later does not bring it back.
 */
interface FormPrefillState {
  draft: OrderDraft | null
  offer(draft: OrderDraft): void
  take(): OrderDraft | null
}

export const useFormPrefill = create<FormPrefillState>()((set, get) => ({
  draft: null,
  offer: (draft) => set({ draft }),
  take: () => {
    const d = get().draft
    if (d) set({ draft: null })
    return d
  },
}))
