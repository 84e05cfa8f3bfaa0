import { create } from 'zustand'
import type { DeadEvent } from '../../../src-preload/contract'
import { call } from '../api'
import { useUi } from './ui-store'

interface AttentionState {
  items: DeadEvent[] | null
  /** Event ids with an action under way, to disable their buttons. */
  busy: ReadonlySet<string>
  load(): Promise<void>
  retry(eventId: string): Promise<void>
  discard(eventId: string): Promise<void>
}

export const useAttention = create<AttentionState>()((set, get) => {
  let loadSeq = 0

  async function act(eventId: string, method: 'retryEvent' | 'discardEvent'): Promise<void> {
    set((s) => ({ busy: new Set(s.busy).add(eventId) }))
    const r = await call(method, { eventId })
    set((s) => {
      const busy = new Set(s.busy)
      busy.delete(eventId)
      return { busy }
    })
    const ui = useUi.getState()
    if (r.ok) ui.toast({ key: method === 'retryEvent' ? 'attention.retried' : 'attention.discardedToast' }, 'success')
    else ui.toastError(r.error)
    await get().load()
  }

  return {
    items: null,
    busy: new Set(),
    load: async () => {
      const seq = ++loadSeq
      const r = await call('listDeadEvents', undefined)
      if (seq !== loadSeq) return // a newer load started; its answer wins
      if (r.ok) set({ items: r.value })
      else useUi.getState().toastError(r.error)
    },
    retry: (eventId) => act(eventId, 'retryEvent'),
    discard: (eventId) => act(eventId, 'discardEvent'),
  }
})
