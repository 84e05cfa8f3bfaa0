import { create } from 'zustand'
import type { AppError, SyncKind } from '../../../src-shared/contract'
import { errorMessage } from '../i18n/error-message'
import type { Translatable } from '../i18n/translate'

export type MainView = 'orders' | 'attention' | 'settings'
export type View = { name: MainView } | { name: 'order'; orderId: string; back: MainView }

export type ToastTone = 'info' | 'success' | 'warning' | 'error'
export interface Toast {
  id: number
  tone: ToastTone
  /** Kept untranslated so a language switch re-renders open toasts too. */
  message: Translatable
  /** A toast about a sync state: it goes as soon as the state is no longer one of these. */
  whileKind?: readonly SyncKind[]
  /** A toast about one thing (an event being retried): a newer toast with the same topic replaces it. */
  topic?: string
  /** One button on the toast (Undo); pressing it runs `run` and closes the toast. */
  action?: ToastAction
}

export interface ToastAction {
  label: Translatable
  testId: string
  run(): void
}

export interface ToastOptions {
  whileKind?: readonly SyncKind[]
  topic?: string
  action?: ToastAction
  /** Overrides the tone's time on screen (Undo is offered for exactly 10 s). */
  durationMs?: number
}

interface UiState {
  view: View
  toasts: Toast[]
  /** A navigation held back because the current view has unsaved changes (settings). */
  pendingNav: MainView | null
  /** The current view's "I have unsaved changes" question, or null. */
  setLeaveGuard(guard: (() => boolean) | null): void
  /** Leave anyway (after the user confirmed), or stay. */
  resolvePendingNav(leave: boolean): void
  navigate(view: MainView): void
  openOrder(orderId: string): void
  back(): void
  toast(message: Translatable, tone?: ToastTone, options?: ToastOptions): void
  /** The sync state changed: toasts about a state it left are no longer true. */
  syncKindChanged(kind: SyncKind): void
  toastError(error: AppError): void
  dismissToast(id: number): void
  /** Holds auto-dismiss while a person is reading (pointer over, or focus in, the toasts). */
  pauseToasts(): void
  resumeToasts(): void
}

const MAX_TOASTS = 4
const TOAST_MS: Record<ToastTone, number> = { info: 6000, success: 5000, warning: 8000, error: 10_000 }
let nextToastId = 1

export const useUi = create<UiState>()((set, get) => {
  // Auto-dismiss clocks, per toast: time left, and the timer while running.
  const clocks = new Map<number, { left: number; startedAt: number; timer: ReturnType<typeof setTimeout> | null }>()
  let paused = false
  let leaveGuard: (() => boolean) | null = null

  function run(id: number): void {
    const clock = clocks.get(id)
    if (!clock || clock.timer !== null) return
    clock.startedAt = Date.now()
    clock.timer = setTimeout(() => get().dismissToast(id), clock.left)
  }
  function stop(id: number): void {
    const clock = clocks.get(id)
    if (!clock || clock.timer === null) return
    clearTimeout(clock.timer)
    clock.timer = null
    clock.left = Math.max(0, clock.left - (Date.now() - clock.startedAt))
  }
  /** Forgets the clocks of toasts no longer shown (replaced or pushed out). */
  function prune(): void {
    const shown = new Set(get().toasts.map((t) => t.id))
    for (const [id, clock] of clocks) {
      if (shown.has(id)) continue
      if (clock.timer !== null) clearTimeout(clock.timer)
      clocks.delete(id)
    }
  }

  return {
    view: { name: 'orders' },
    toasts: [],
    pendingNav: null,
    setLeaveGuard: (guard) => {
      leaveGuard = guard
    },
    resolvePendingNav: (leave) => {
      const target = get().pendingNav
      set({ pendingNav: null })
      if (leave && target) {
        leaveGuard = null
        set({ view: { name: target } })
      }
    },
    navigate: (name) => {
      if (get().view.name === name) return
      if (leaveGuard?.()) {
        set({ pendingNav: name })
        return
      }
      set({ view: { name } })
    },
    openOrder: (orderId) => {
      const current = get().view
      const back = current.name === 'order' ? current.back : current.name
      set({ view: { name: 'order', orderId, back } })
    },
    back: () => {
      const current = get().view
      if (current.name === 'order') set({ view: { name: current.back } })
    },
    toast: (message, tone = 'info', options = {}) => {
      const id = nextToastId++
      // The same message again replaces the old one rather than stacking
      // copies, and so does a newer word on the same topic.
      const same = (t: Toast) =>
        (options.topic !== undefined && t.topic === options.topic) ||
        (t.message.key === message.key && JSON.stringify(t.message.params) === JSON.stringify(message.params))
      const toast: Toast = { id, tone, message, ...(options.whileKind ? { whileKind: options.whileKind } : {}), ...(options.topic ? { topic: options.topic } : {}), ...(options.action ? { action: options.action } : {}) }
      set((s) => ({ toasts: [...s.toasts.filter((t) => !same(t)), toast].slice(-MAX_TOASTS) }))
      prune()
      clocks.set(id, { left: options.durationMs ?? TOAST_MS[tone], startedAt: Date.now(), timer: null })
      if (!paused) run(id)
    },
    // Only the code and params reach the screen: `message` is for logs, and a
    // stack never leaves main.
    toastError: (error) => get().toast(errorMessage(error), 'error'),
    syncKindChanged: (kind) => {
      const stale = get().toasts.filter((t) => t.whileKind && !t.whileKind.includes(kind))
      if (stale.length === 0) return
      set((s) => ({ toasts: s.toasts.filter((t) => !stale.includes(t)) }))
      prune()
    },
    dismissToast: (id) => {
      set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }))
      prune()
    },
    pauseToasts: () => {
      if (paused) return
      paused = true
      for (const id of clocks.keys()) stop(id)
    },
    resumeToasts: () => {
      if (!paused) return
      paused = false
      for (const id of clocks.keys()) run(id)
    },
  }
})
