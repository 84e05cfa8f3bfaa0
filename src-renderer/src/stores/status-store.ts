import { create } from 'zustand'
import type { SyncKind, SyncNowResult, SyncStatus } from '../../../src-shared/contract'
import { call, on, onHostState } from '../api'
import type { Translatable } from '../i18n/translate'
import { useUi, type ToastOptions, type ToastTone } from './ui-store'

interface StatusState {
  status: SyncStatus | null
  /** status.at minus the local clock when it arrived: ages are measured on main's clock. */
  skewMs: number
  syncing: boolean
  /** The browser host went away: the last status is no longer news. */
  hostStopped: boolean
  syncNow(): Promise<void>
  /** Snapshot plus live events; returns the unsubscribe. */
  start(): () => void
}

/**
 * The toast for a Sync now. The relay's "offline" outcome only means no
 * server answered; whether the device itself is offline is the status
 * model's word (kind), so the toast says which. Toasts about a state carry
 * it, and go when the state does (ui-store syncKindChanged).
 */
export function syncNowMessage(
  result: SyncNowResult,
  kind: SyncKind | null = null,
): { message: Translatable; tone: ToastTone; options?: ToastOptions } {
  switch (result.outcome) {
    case 'synced':
      return { message: { key: 'syncNow.synced' }, tone: 'success' }
    case 'offline':
      return kind === 'offline'
        ? { message: { key: 'syncNow.offline', params: { count: result.pending } }, tone: 'warning', options: { whileKind: ['offline'] } }
        : {
            message: { key: 'syncNow.unreachable', params: { count: result.pending } },
            tone: 'warning',
            options: { whileKind: ['unreachable', 'server-error', 'waiting', 'offline'] },
          }
    case 'unauthorized':
      return { message: { key: 'syncNow.unauthorized' }, tone: 'error', options: { whileKind: ['unauthorized'] } }
    case 'not-configured':
      return { message: { key: 'syncNow.notConfigured' }, tone: 'warning' }
    case 'paused':
      return { message: { key: 'syncNow.paused' }, tone: 'info' }
    case 'partial':
      return {
        message: { key: 'syncNow.partial', params: { count: result.pending } },
        tone: 'warning',
        options: { whileKind: ['waiting', 'syncing', 'unreachable', 'server-error', 'offline', 'attention'] },
      }
  }
}

export const useStatus = create<StatusState>()((set, get) => {
  function accept(next: SyncStatus): void {
    const current = get().status
    // A snapshot can land after a newer pushed event: keep the newest.
    if (current && Date.parse(next.at) < Date.parse(current.at)) return
    const at = Date.parse(next.at)
    set({ status: next, skewMs: Number.isNaN(at) ? 0 : at - Date.now(), hostStopped: false })
    if (current?.kind !== next.kind) useUi.getState().syncKindChanged(next.kind)
  }

  return {
    status: null,
    skewMs: 0,
    syncing: false,
    hostStopped: false,
    syncNow: async () => {
      if (get().syncing) return
      set({ syncing: true })
      try {
        const r = await call('syncNow', undefined)
        if (r.ok) {
          const { message, tone, options } = syncNowMessage(r.value, get().status?.kind ?? null)
          // The state may have moved on while Sync now ran: a toast about a state already left is not shown.
          const kind = get().status?.kind
          if (options?.whileKind && kind && !options.whileKind.includes(kind)) return
          useUi.getState().toast(message, tone, options)
        } else {
          useUi.getState().toastError(r.error)
        }
      } finally {
        set({ syncing: false })
      }
    },
    start: () => {
      const offHost = onHostState((state) => set({ hostStopped: state === 'stopped' }))
      const offStatus = on('status', accept)
      const off = () => {
        offHost()
        offStatus()
      }
      void call('getStatus', undefined).then((r) => {
        if (r.ok) accept(r.value)
        else useUi.getState().toastError(r.error)
      })
      return off
    },
  }
})
