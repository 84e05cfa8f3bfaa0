import { create } from 'zustand'
import type { SyncNowResult, SyncStatus } from '../../../src-preload/contract'
import { call, on } from '../api'
import type { Translatable } from '../i18n/translate'
import { useUi, type ToastTone } from './ui-store'

interface StatusState {
  status: SyncStatus | null
  /** status.at minus the local clock when it arrived: ages are measured on main's clock. */
  skewMs: number
  syncing: boolean
  syncNow(): Promise<void>
  /** Snapshot plus live events; returns the unsubscribe. */
  start(): () => void
}

export function syncNowMessage(result: SyncNowResult): { message: Translatable; tone: ToastTone } {
  switch (result.outcome) {
    case 'synced':
      return { message: { key: 'syncNow.synced' }, tone: 'success' }
    case 'offline':
      return { message: { key: 'syncNow.offline', params: { count: result.pending } }, tone: 'warning' }
    case 'unauthorized':
      return { message: { key: 'syncNow.unauthorized' }, tone: 'error' }
    case 'not-configured':
      return { message: { key: 'syncNow.notConfigured' }, tone: 'warning' }
    case 'paused':
      return { message: { key: 'syncNow.paused' }, tone: 'info' }
    case 'partial':
      return { message: { key: 'syncNow.partial', params: { count: result.pending } }, tone: 'warning' }
  }
}

export const useStatus = create<StatusState>()((set, get) => {
  function accept(next: SyncStatus): void {
    const current = get().status
    // A snapshot can land after a newer pushed event: keep the newest.
    if (current && Date.parse(next.at) < Date.parse(current.at)) return
    const at = Date.parse(next.at)
    set({ status: next, skewMs: Number.isNaN(at) ? 0 : at - Date.now() })
  }

  return {
    status: null,
    skewMs: 0,
    syncing: false,
    syncNow: async () => {
      if (get().syncing) return
      set({ syncing: true })
      try {
        const r = await call('syncNow', undefined)
        if (r.ok) {
          const { message, tone } = syncNowMessage(r.value)
          useUi.getState().toast(message, tone)
        } else {
          useUi.getState().toastError(r.error)
        }
      } finally {
        set({ syncing: false })
      }
    },
    start: () => {
      const off = on('status', accept)
      void call('getStatus', undefined).then((r) => {
        if (r.ok) accept(r.value)
        else useUi.getState().toastError(r.error)
      })
      return off
    },
  }
})
