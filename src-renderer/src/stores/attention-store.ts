import { create } from 'zustand'
import type { DeadEvent, Result } from '../../../src-shared/contract'
import { call } from '../api'
import { toCreateOrderInput, type OrderDraft } from '../orders/order-draft'
import { useLanguage } from './language-store'
import { useOrderDetail } from './order-detail-store'
import { useUi } from './ui-store'

interface AttentionState {
  items: DeadEvent[] | null
  /** Event ids with an action under way, to disable their buttons. */
  busy: ReadonlySet<string>
  load(): Promise<void>
  retry(eventId: string): Promise<void>
  discard(eventId: string): Promise<void>
  /**
   * Edit and resend: the corrected draft goes out as the refused version
   * (issue 11). `version` is the order's version the form was opened on.
   */
  resend(item: DeadEvent, version: number, draft: OrderDraft): Promise<Result<{ id: string; version: number; eventId: string }>>
  /** Discard this change: the order goes back to the server's version (or is "Not on the server"). */
  discardChange(item: DeadEvent, version: number): Promise<void>
}

/** An event the user sent again: its toast changes to the new outcome when there is one. */
interface Retrying {
  orderId: string
  customer: string
  attempts: number
}

export const useAttention = create<AttentionState>()((set, get) => {
  let loadSeq = 0
  const retrying = new Map<string, Retrying>()
  const topic = (eventId: string) => `retry:${eventId}`

  /** "Queued to send again" is only true until the retry has an outcome: then the toast says that outcome. */
  async function settleRetries(items: DeadEvent[]): Promise<void> {
    const ui = useUi.getState()
    for (const [eventId, r] of retrying) {
      const dead = items.find((i) => i.eventId === eventId && !i.discarded)
      if (dead && dead.attempts > r.attempts) {
        retrying.delete(eventId)
        ui.toast({ key: 'attention.refusedAgain', params: { customer: r.customer } }, 'error', { topic: topic(eventId) })
        continue
      }
      if (dead) continue
      const order = await call('getOrder', { id: r.orderId })
      const event = order.ok ? order.value.events.find((e) => e.id === eventId) : undefined
      if (event?.status === 'sent') {
        retrying.delete(eventId)
        ui.toast({ key: 'attention.sentAfterRetry', params: { customer: r.customer } }, 'success', { topic: topic(eventId) })
      }
    }
  }

  async function act(eventId: string, method: 'retryEvent' | 'discardEvent'): Promise<void> {
    set((s) => ({ busy: new Set(s.busy).add(eventId) }))
    const r = await call(method, { eventId })
    set((s) => {
      const busy = new Set(s.busy)
      busy.delete(eventId)
      return { busy }
    })
    const ui = useUi.getState()
    const item = get().items?.find((i) => i.eventId === eventId)
    if (r.ok && method === 'retryEvent' && item) {
      retrying.set(eventId, { orderId: item.orderId, customer: item.customer, attempts: item.attempts })
      // Info, not success: nothing has been delivered yet.
      ui.toast({ key: 'attention.retried', params: { customer: item.customer } }, 'info', { topic: topic(eventId) })
    } else if (r.ok) ui.toast({ key: 'attention.discardedToast' }, 'success')
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
      if (r.ok) {
        set({ items: r.value })
        if (retrying.size > 0) await settleRetries(r.value)
      }
      else useUi.getState().toastError(r.error)
    },
    resend: async (item, version, draft) => {
      const r = await call('editAndResend', { eventId: item.eventId, version, order: toCreateOrderInput(draft, useLanguage.getState().locale) })
      const ui = useUi.getState()
      if (r.ok) {
        ui.toast({ key: 'attention.resent', params: { customer: draft.customer.trim(), version: r.value.version } }, 'success')
        void useOrderDetail.getState().load()
        await get().load()
      } else if (!(r.error.code === 'validation_failed' && r.error.fields && r.error.fields.length > 0)) ui.toastError(r.error)
      return r
    },
    discardChange: async (item, version) => {
      set((s) => ({ busy: new Set(s.busy).add(item.eventId) }))
      const r = await call('discardChange', { eventId: item.eventId, version })
      set((s) => {
        const busy = new Set(s.busy)
        busy.delete(item.eventId)
        return { busy }
      })
      const ui = useUi.getState()
      if (r.ok) {
        ui.toast(
          r.value.notOnServer
            ? { key: 'attention.changeDiscardedNew', params: { customer: item.customer } }
            : { key: 'attention.changeDiscarded', params: { customer: item.customer, version: r.value.version } },
          'success',
        )
        void useOrderDetail.getState().load()
      } else ui.toastError(r.error)
      await get().load()
    },
    retry: (eventId) => act(eventId, 'retryEvent'),
    discard: (eventId) => act(eventId, 'discardEvent'),
  }
})
