import { create } from 'zustand'
import type { AppError, EventPayload, OrderFilter, OrderSummary, Result } from '../../../src-shared/contract'
import { useOrderDetail } from './order-detail-store'
import { call, on } from '../api'
import { toCreateOrderInput, type OrderDraft } from '../orders/order-draft'
import { throttle } from '../../../src-shared/throttle'
import { useLanguage } from './language-store'
import { useUi } from './ui-store'

/**
 * A page cache behind the virtualized list: the list asks for the rows it
 * shows, the store fetches whole pages of them (newest first) and keeps a
 * bounded number. With 100,000 orders only what was looked at is in memory.
 */
export const PAGE_SIZE = 100
/** Pages kept; the ones furthest from view are dropped first. */
const MAX_PAGES = 50
const RANGE_DEBOUNCE_MS = 60
const CHANGE_THROTTLE_MS = 300

type Pages = ReadonlyMap<number, readonly OrderSummary[]>

interface OrdersState {
  /** Null until the first page arrives. */
  total: number | null
  /** Every order, whatever the filter ("12 of 100,000"). */
  all: number | null
  /** The filtered count stopped at the server's cap ("10,000+"). */
  capped: boolean
  /** Search and filters; the pages hold only what matches. */
  filter: OrderFilter
  setFilter(filter: OrderFilter): void
  pages: Pages
  /** Why the last page request failed, until a page loads (the list shows it, with Retry). */
  loadError: AppError | null
  setVisibleRange(first: number, last: number): void
  /** Asks again for the pages in view, after a failed load. */
  retry(): void
  /** Shows a just-saved order at the top before main's ordersChanged arrives. */
  insertCreated(order: OrderSummary): void
  /**
   * Saves a draft: on success the order is shown at the top and a toast says
   * so; errors other than field errors are toasted. Field errors are the
   * caller's to show.
   */
  create(draft: OrderDraft): Promise<Result<OrderSummary>>
  /**
   * Saves an edit of `version` (the one the form was opened on); `previous`
   * is that version's content, which Undo puts back as the next version.
   */
  update(id: string, version: number, draft: OrderDraft, previous: OrderDraft): Promise<Result<OrderChangeResult>>
  /** Cancels (voids) `version` of an order, with an optional reason. */
  cancel(id: string, version: number, reason: string | null): Promise<Result<OrderChangeResult>>
  /** Subscribes to ordersChanged and loads the first page; returns the unsubscribe. */
  start(): () => void
}

export interface OrderChangeResult {
  id: string
  version: number
  eventId: string
}

/** Undo is offered this long after a save (issue 11). */
export const UNDO_MS = 10_000

/** Toasts an error the way every save does: not-saved, field errors left to the form, others in words. */
function toastSaveError(error: AppError): void {
  const ui = useUi.getState()
  if (error.code === 'host_unreachable') ui.toast({ key: 'form.notSaved' }, 'error')
  else if (!(error.code === 'validation_failed' && error.fields && error.fields.length > 0)) ui.toastError(error)
}

/** Undo is itself a change: it goes through main and the outbox like any other, against the version it undoes. */
async function runUndo(change: () => Promise<Result<unknown>>): Promise<void> {
  const r = await change()
  if (r.ok) {
    useUi.getState().toast({ key: 'undo.done' }, 'success')
    void useOrderDetail.getState().load()
  } else toastSaveError(r.error)
}

/** The form's draft as main expects it, with the UI locale its prices were typed in. */
const asInput = (draft: OrderDraft) => toCreateOrderInput(draft, useLanguage.getState().locale)

export function rowAt(pages: Pages, index: number): OrderSummary | undefined {
  return pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE]
}

export const useOrders = create<OrdersState>()((set, get) => {
  let visible = { first: 0, last: 0 }
  // Bumped whenever rows shift (an order was added): answers to older
  // requests describe the old positions and are dropped.
  let generation = 0
  let inflight = new Set<number>()
  let stale = new Set<number>()
  // In-flight pages that changed after their request went out: the answer on
  // its way may predate the change, so they are fetched once more.
  let refetch = new Set<number>()
  let rangeTimer: ReturnType<typeof setTimeout> | null = null

  const visiblePages = (): number[] => {
    const first = Math.floor(visible.first / PAGE_SIZE)
    const last = Math.floor(visible.last / PAGE_SIZE)
    const out: number[] = []
    for (let p = first; p <= last; p++) out.push(p)
    return out
  }

  async function fetchPage(page: number): Promise<void> {
    if (inflight.has(page)) return
    inflight.add(page)
    const gen = generation
    // Keyset: the previous page's last row is the cursor, when it is loaded.
    const prev = page > 0 ? get().pages.get(page - 1) : undefined
    const last = prev && prev.length === PAGE_SIZE ? prev[prev.length - 1] : undefined
    const filter = get().filter
    const r = await call('listOrders', {
      ...(last ? { after: { createdAt: last.createdAt, id: last.id } } : { offset: page * PAGE_SIZE }),
      limit: PAGE_SIZE,
      filter,
    })
    if (gen !== generation) return
    inflight.delete(page)
    const again = refetch.delete(page)
    if (!r.ok) {
      set({ loadError: r.error })
      return
    }
    stale.delete(page)
    set((s) => {
      const pages = new Map(s.pages)
      pages.set(page, r.value.items)
      // Pages past the end (the list shrank) would show ghosts.
      const lastPage = Math.max(0, Math.ceil(r.value.total / PAGE_SIZE) - 1)
      for (const p of pages.keys()) if (p > lastPage) pages.delete(p)
      evict(pages)
      return { pages, total: r.value.total, all: r.value.all ?? r.value.total, capped: r.value.capped ?? false, loadError: null }
    })
    if (again) {
      stale.add(page)
      ensureVisible()
    }
  }

  function evict(pages: Map<number, readonly OrderSummary[]>): void {
    if (pages.size <= MAX_PAGES) return
    const centre = Math.floor((visible.first + visible.last) / 2 / PAGE_SIZE)
    const byDistance = [...pages.keys()].sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre))
    for (const p of byDistance.slice(0, pages.size - MAX_PAGES)) pages.delete(p)
  }

  function ensureVisible(): void {
    const { total, pages } = get()
    if (total === null) {
      void fetchPage(0)
      return
    }
    for (const p of visiblePages()) {
      if (p * PAGE_SIZE >= total && p > 0) break
      if (!pages.has(p) || stale.has(p)) void fetchPage(p)
    }
  }

  /** Rows shifted: keep what is on screen as a stale picture until fresh pages arrive. */
  function invalidateAll(): void {
    generation++
    inflight = new Set()
    refetch = new Set()
    const keep = new Set(visiblePages())
    const pages = new Map(get().pages)
    for (const p of pages.keys()) if (!keep.has(p)) pages.delete(p)
    stale = new Set(pages.keys())
    set({ pages })
    void fetchPage(0) // the total lives on every page; page 0 also holds the new order
    ensureVisible()
  }

  function refreshOrders(ids: ReadonlySet<string>): void {
    // Which rows an in-flight page holds is not known yet: any of them may be
    // answered from before this change.
    for (const p of inflight) refetch.add(p)
    const keep = new Set(visiblePages())
    const pages = new Map(get().pages)
    let dropped = false
    for (const [p, rows] of pages) {
      if (!rows.some((o) => ids.has(o.id))) continue
      if (keep.has(p)) stale.add(p)
      else {
        pages.delete(p)
        dropped = true
      }
    }
    if (dropped) set({ pages })
    ensureVisible()
  }

  let changedIds = new Set<string>()
  let anyCreated = false
  const flushChanges = throttle(() => {
    const ids = changedIds
    const created = anyCreated
    changedIds = new Set()
    anyCreated = false
    if (created) invalidateAll()
    else if (ids.size > 0) refreshOrders(ids)
  }, CHANGE_THROTTLE_MS)

  function onChange(change: EventPayload<'ordersChanged'>): void {
    for (const id of change.orderIds) changedIds.add(id)
    anyCreated ||= change.created
    flushChanges()
  }

  return {
    total: null,
    all: null,
    capped: false,
    filter: {},
    setFilter: (filter) => {
      generation++
      inflight = new Set()
      refetch = new Set()
      stale = new Set()
      set({ filter, pages: new Map(), total: null })
      ensureVisible()
    },
    pages: new Map(),
    loadError: null,
    setVisibleRange: (first, last) => {
      if (first === visible.first && last === visible.last) return
      visible = { first, last }
      // Fetch once scrolling settles, not for every row flown past.
      if (rangeTimer !== null) clearTimeout(rangeTimer)
      rangeTimer = setTimeout(() => {
        rangeTimer = null
        ensureVisible()
      }, RANGE_DEBOUNCE_MS)
    },
    retry: () => {
      set({ loadError: null })
      ensureVisible()
    },
    insertCreated: (order) => {
      const { pages, total } = get()
      if (pages.get(0)?.some((o) => o.id === order.id)) return
      generation++
      inflight = new Set()
      refetch = new Set()
      // Shift the contiguous run of loaded pages from the top by one row;
      // pages after a gap are dropped and fetched again when seen.
      const next = new Map<number, readonly OrderSummary[]>()
      let carry: OrderSummary | undefined = order
      for (let p = 0; carry !== undefined && pages.has(p); p++) {
        const rows: OrderSummary[] = [carry, ...(pages.get(p) ?? [])]
        carry = rows.length > PAGE_SIZE ? rows.pop() : undefined
        next.set(p, rows)
      }
      stale = new Set([...stale].filter((p) => next.has(p)))
      if (!pages.has(0)) {
        // Only the new row is known: show it, fetch the rest of the page.
        next.set(0, [order])
        stale.add(0)
      }
      set({ pages: next, total: (total ?? 0) + 1 })
      ensureVisible()
    },
    create: async (draft) => {
      const r = await call('createOrder', asInput(draft))
      const ui = useUi.getState()
      if (r.ok) {
        get().insertCreated(r.value)
        const { id, version } = r.value
        // Undo of a new order cancels it (the order stays, marked cancelled).
        ui.toast({ key: 'form.saved' }, 'success', {
          durationMs: UNDO_MS,
          action: { label: { key: 'undo.label' }, testId: 'undo', run: () => void runUndo(() => call('cancelOrder', { id, version, reason: null })) },
        })
      } else {
        // Say plainly when nothing was saved; the form keeps what was typed.
        toastSaveError(r.error)
      }
      return r
    },
    update: async (id, version, draft, previous) => {
      const r = await call('updateOrder', { id, version, order: asInput(draft) })
      if (r.ok) {
        void useOrderDetail.getState().load()
        const next = r.value.version
        // Undo of an edit puts the previous content back, as the next version.
        useUi.getState().toast({ key: 'form.saved' }, 'success', {
          durationMs: UNDO_MS,
          action: {
            label: { key: 'undo.label' },
            testId: 'undo',
            run: () => void runUndo(() => call('updateOrder', { id, version: next, order: asInput(previous) })),
          },
        })
      } else toastSaveError(r.error)
      return r
    },
    cancel: async (id, version, reason) => {
      const r = await call('cancelOrder', { id, version, reason })
      if (r.ok) {
        void useOrderDetail.getState().load()
        useUi.getState().toast({ key: 'order.cancelled' }, 'success')
      } else toastSaveError(r.error)
      return r
    },
    start: () => {
      const off = on('ordersChanged', onChange)
      ensureVisible()
      return () => {
        off()
        flushChanges.cancel()
      }
    },
  }
})
