import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useCallback, useEffect, useRef, useState, type FocusEvent, type KeyboardEvent, type ReactElement } from 'react'
import { formatMoney } from '../format/money'
import { dayHeading, formatDay, localDayOf } from '../format/local-day'
import { formatClock, formatDateTime } from '../format/time'
import { errorMessage } from '../i18n/error-message'
import { translateMessage } from '../i18n/translate'
import { useLocale, useT } from '../i18n/use-t'
import type { OrderSummary } from '../../../src-shared/contract'
import { useEditIntent } from '../stores/edit-intent-store'
import { rowAt, useOrders } from '../stores/orders-store'
import { useUi } from '../stores/ui-store'
import { ExportButton } from './export-button'
import { CancelOrderDialog, ORDER_KEYS } from './order-actions'
import { FilterBar } from './filter-bar'
import { SearchBar } from './search-bar'
import { TodaySummary } from './today-summary'
import { SyncBadge } from './sync-badge'

const ROW_HEIGHT = 48

/**
 * Where the list was, kept across unmounts: opening an order replaces the
 * list, and "Back" must return to the same scroll position with focus on
 * the row that was opened, not to the top.
 */
const memory = { scrollTop: 0, active: 0, refocus: false }

/** Called when a row opens its order: the list will give it focus back on return. */
function rememberOpened(index: number, scrollTop: number): void {
  memory.active = index
  memory.scrollTop = scrollTop
  memory.refocus = true
}

/**
 * Newest first, virtualized: only the rows in view (plus a few) exist in the
 * DOM, and the store fetches the pages they fall in, so 100,000 orders
 * scroll like 100.
 *
 * Keyboard: the list is one Tab stop (a roving tabindex: the row last
 * focused, or the first one in view); arrows, Page Up/Down, Home and End move
 * between rows, Enter opens one, E opens it in its edit form and Delete (or
 * Backspace) asks to cancel it (only rows, which are buttons: typing in an
 * input never reaches this). Each item carries its position in the whole
 * list (aria-posinset/-setsize), since most rows are not in the DOM.
 */
export function OrderList(): ReactElement {
  const t = useT()
  const locale = useLocale()
  const total = useOrders((s) => s.total)
  const all = useOrders((s) => s.all)
  const capped = useOrders((s) => s.capped)
  const filtered = useOrders((s) => Object.keys(s.filter).length > 0)
  const loadError = useOrders((s) => s.loadError)
  const retry = useOrders((s) => s.retry)
  const setVisibleRange = useOrders((s) => s.setVisibleRange)
  const [active, setActive] = useState(memory.active)
  const [cancelling, setCancelling] = useState<OrderSummary | null>(null)
  const scrollRef = useRef<HTMLDivElement>(null)
  const count = total ?? 0

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    // A slot is taller when a date heading opens it: slots are measured, by their own attribute
    // (data-index is the row's, which focus code looks up).
    indexAttribute: 'data-slot',
    overscan: 12,
    initialOffset: () => memory.scrollTop,
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? 0

  useEffect(() => {
    setVisibleRange(first, last)
  }, [first, last, setVisibleRange])

  // The Tab stop: the active row if it is rendered, else the first rendered one, so Tab never skips the list.
  const tabStop = items.some((vi) => vi.index === active) ? active : (items[0]?.index ?? -1)

  const onFocus = (e: FocusEvent<HTMLDivElement>) => {
    const index = Number((e.target as HTMLElement).dataset.index)
    if (!Number.isNaN(index)) {
      setActive(index)
      memory.active = index
    }
  }

  // Arrow keys move between rows; the target may need scrolling into the DOM first.
  const focusRow = useCallback(
    (index: number) => {
      const target = Math.max(0, Math.min(count - 1, index))
      virtualizer.scrollToIndex(target, { align: 'auto' })
      let tries = 0
      const attempt = () => {
        const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${target}"]`)
        if (el) el.focus({ preventScroll: true })
        else if (tries++ < 10) requestAnimationFrame(attempt)
      }
      requestAnimationFrame(attempt)
    },
    [count, virtualizer],
  )

  // Back from an order: the same place, and focus on the row that was opened.
  useEffect(() => {
    if (!memory.refocus || count === 0) return
    memory.refocus = false
    const el = scrollRef.current
    if (el && el.scrollTop !== memory.scrollTop) el.scrollTop = memory.scrollTop
    let tries = 0
    const attempt = () => {
      const row = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${memory.active}"]`)
      if (row) row.focus({ preventScroll: true })
      else if (tries++ < 20) requestAnimationFrame(attempt)
    }
    requestAnimationFrame(attempt)
  }, [count])

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const index = Number((e.target as HTMLElement).dataset.index)
    if (Number.isNaN(index)) return
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1)
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: count - 1,
    }
    const plain = !e.ctrlKey && !e.metaKey && !e.altKey
    const order = rowAt(useOrders.getState().pages, index)
    if (plain && order && order.state === 'open' && (e.key === 'e' || e.key === 'E')) {
      e.preventDefault()
      rememberOpened(index, scrollRef.current?.scrollTop ?? 0)
      useEditIntent.getState().request(order.id)
      useUi.getState().openOrder(order.id)
      return
    }
    if (plain && order && order.state === 'open' && (e.key === 'Delete' || e.key === 'Backspace')) {
      e.preventDefault()
      setCancelling(order)
      return
    }
    const to = moves[e.key]
    if (to === undefined) return
    e.preventDefault()
    focusRow(to)
  }

  return (
    <section className="order-list-panel" aria-labelledby="order-list-title">
      <div className="list-head">
        <h2 id="order-list-title">{t('list.title')}</h2>
        <TodaySummary />
        <SearchBar />
        <FilterBar />
        <ExportButton />
        <span className="muted" data-testid="order-count">
          {total !== null ? t('list.count', { count: total }) : loadError ? null : t('app.loading')}
        </span>
        {total !== null && total > 0 ? (
          <span className="muted keys-hint" data-testid="list-keys-hint">
            {t('list.keysHint')}
          </span>
        ) : null}
        {filtered && total !== null && all !== null ? (
          <span className="muted" data-testid="order-list-count">
            {t(capped ? 'find.countOfCapped' : 'find.countOf', { count: total.toLocaleString(locale), all: all.toLocaleString(locale) })}
          </span>
        ) : null}
      </div>
      {loadError ? (
        <div className="list-error" data-testid="order-list-error" role="alert">
          <p className="error-text">
            {t('list.loadFailed')} {translateMessage(t, errorMessage(loadError))}
          </p>
          <button type="button" className="secondary" data-testid="order-list-retry" onClick={retry}>
            {t('list.retry')}
          </button>
        </div>
      ) : null}
      <div
        ref={scrollRef}
        className="order-list"
        data-testid="order-list"
        role="region"
        aria-label={t('list.label')}
        onKeyDown={onKeyDown}
        onFocus={onFocus}
        onScroll={(e) => {
          memory.scrollTop = e.currentTarget.scrollTop
        }}
      >
        {total === 0 ? <p className="empty">{t('list.empty')}</p> : null}
        {total !== null && total > 0 ? (
          <div className="order-columns" aria-hidden="true">
            <span>{t('list.colCustomer')}</span>
            <span>{t('list.colItems')}</span>
            <span className="col-total">{t('list.colTotal')}</span>
            <span>{t('list.colTime')}</span>
            <span>{t('list.colSync')}</span>
          </div>
        ) : null}
        <div role="list" className="order-list-inner" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((vi) => (
            <div
              key={vi.key}
              ref={virtualizer.measureElement}
              data-slot={vi.index}
              role="listitem"
              aria-setsize={count}
              aria-posinset={vi.index + 1}
              className="order-slot"
              style={{ transform: `translateY(${vi.start}px)` }}
            >
              <DateHeading index={vi.index} />
              <OrderRow index={vi.index} tabbable={vi.index === tabStop} />
            </div>
          ))}
        </div>
      </div>
      {cancelling ? (
        <CancelOrderDialog
          order={cancelling}
          onClose={() => setCancelling(null)}
          fallbackFocus={() => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${memory.active}"]`) ?? null}
        />
      ) : null}
    </section>
  )
}

/**
 * One row. Loaded or not, it is the same <button>, so a row focused while
 * its page loads keeps focus when the data arrives.
 */
const OrderRow = memo(function OrderRow({ index, tabbable }: { index: number; tabbable: boolean }): ReactElement {
  const t = useT()
  const locale = useLocale()
  const order = useOrders((s) => rowAt(s.pages, index))
  const openOrder = useUi((s) => s.openOrder)

  if (!order) {
    return (
      <button type="button" className="order-row placeholder" data-index={index} aria-busy="true" tabIndex={tabbable ? 0 : -1}>
        <span className="skeleton" />
        <span className="visually-hidden">{t('list.loadingRow')}</span>
      </button>
    )
  }
  return (
    <button
      type="button"
      className={`order-row state-${order.discarded ? 'discarded' : order.syncState}`}
      data-testid="order-row"
      data-index={index}
      data-order-id={order.id}
      data-sync-state={order.discarded ? 'discarded' : order.syncState}
      data-order-state={order.state}
      data-version={order.version}
      data-not-on-server={order.notOnServer && order.discarded ? 'true' : undefined}
      aria-keyshortcuts={order.state === 'open' ? `Enter ${ORDER_KEYS.edit} ${ORDER_KEYS.cancel} Backspace` : 'Enter'}
      tabIndex={tabbable ? 0 : -1}
      onClick={(e) => {
        rememberOpened(index, e.currentTarget.closest('.order-list')?.scrollTop ?? 0)
        openOrder(order.id)
      }}
    >
      <span className="row-customer">
        {order.customer}
        {order.state === 'cancelled' ? <span className="row-cancelled"> {t('order.stateCancelled')}</span> : null}
        {order.notOnServer && order.discarded ? (
          <span className="row-cancelled" data-testid="row-not-on-server">
            {' '}
            {t('order.notOnServer')}
          </span>
        ) : null}
      </span>
      <span className="row-items muted" data-testid="row-items" title={order.itemsSummary}>
        {order.itemsSummary ?? ''}
      </span>
      <span className="row-total">{formatMoney(order.totalMinor, order.currency, locale)}</span>
      {/* The date is in the heading above: one time per row. */}
      <time className="row-time" dateTime={order.createdAt} title={formatDateTime(order.createdAt, locale)}>
        {formatClock(order.createdAt, locale)}
      </time>
      <SyncBadge order={order} />
    </button>
  )
})

/** "Today", "Yesterday", then the date: above the first row of each local day. */
const DateHeading = memo(function DateHeading({ index }: { index: number }): ReactElement | null {
  const t = useT()
  const locale = useLocale()
  const day = useOrders((s) => {
    const row = rowAt(s.pages, index)
    return row ? localDayOf(row.createdAt) : ''
  })
  const previous = useOrders((s) => {
    if (index === 0) return null
    const row = rowAt(s.pages, index - 1)
    return row ? localDayOf(row.createdAt) : ''
  })
  // previous === '' : the row above is not loaded yet, so whether a day starts here is not known.
  if (day === '' || previous === '' || previous === day) return null
  const h = dayHeading(day)
  const label = h.kind === 'today' ? t('list.today') : h.kind === 'yesterday' ? t('list.yesterday') : formatDay(h.day, locale)
  return (
    <div className="date-heading" data-testid="date-heading" role="heading" aria-level={3}>
      {label}
    </div>
  )
})
