import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react'
import type { AppError, OrderDetail, OutboxEventView } from '../../../src-preload/contract'
import { call, on } from '../api'
import { formatMoney } from '../format/money'
import { formatDateTime } from '../format/time'
import { errorMessage } from '../i18n/error-message'
import type { MessageKey } from '../i18n/translate'
import { useLocale, useT } from '../i18n/use-t'
import { useEscape } from '../hooks/use-escape'
import { useFocusOnMount } from '../hooks/use-focus-on-mount'
import { useStatus } from '../stores/status-store'
import { useUi } from '../stores/ui-store'
import { throttle } from '../util/throttle'
import { SyncBadge } from './sync-badge'

const outcomeKeys: Record<string, MessageKey> = {
  accepted: 'outcome.accepted',
  duplicate: 'outcome.duplicate',
  rejected: 'outcome.rejected',
  retry: 'outcome.retry',
  paused: 'outcome.paused',
}

export function OrderDetailView({ orderId }: { orderId: string }): ReactElement {
  const t = useT()
  const locale = useLocale()
  const back = useUi((s) => s.back)
  const [order, setOrder] = useState<OrderDetail | null>(null)
  const [error, setError] = useState<AppError | null>(null)
  const headingRef = useRef<HTMLHeadingElement>(null)
  useFocusOnMount(headingRef)
  useEscape(back)

  const load = useCallback(async () => {
    const r = await call('getOrder', { id: orderId })
    if (r.ok) {
      setOrder(r.value)
      setError(null)
    } else setError(r.error)
  }, [orderId])

  // Live: its sync state changes (ordersChanged) and retries add attempts (status).
  useEffect(() => {
    void load()
    const reload = throttle(() => void load(), 1000)
    const offChanged = on('ordersChanged', (c) => {
      if (c.orderIds.includes(orderId)) reload()
    })
    const offStatus = useStatus.subscribe((s, prev) => {
      if (s.status?.counts !== prev.status?.counts) reload()
    })
    return () => {
      offChanged()
      offStatus()
      reload.cancel()
    }
  }, [orderId, load])

  const money = (minor: number) => (order ? formatMoney(minor, order.currency, locale) : '')

  return (
    <section className="panel detail-view" data-testid="order-detail" aria-labelledby="order-detail-title">
      <div className="view-head">
        <button type="button" className="secondary" data-testid="detail-back" onClick={back}>
          <span aria-hidden="true">←</span> {t('detail.back')}
        </button>
        <h1 id="order-detail-title" ref={headingRef} tabIndex={-1}>
          {order ? order.customer : t('detail.title')}
        </h1>
      </div>

      {error ? (
        <p className="error-text" role="alert">
          {(() => {
            const m = errorMessage(error)
            return t(m.key, m.params)
          })()}
        </p>
      ) : null}
      {!order && !error ? <p className="muted">{t('detail.loading')}</p> : null}

      {order ? (
        <>
          <dl className="details summary">
            <dt>{t('detail.customer')}</dt>
            <dd data-testid="detail-customer">{order.customer}</dd>
            <dt>{t('detail.total')}</dt>
            <dd data-testid="detail-total">{money(order.totalMinor)}</dd>
            <dt>{t('detail.created')}</dt>
            <dd>
              <time dateTime={order.createdAt}>{formatDateTime(order.createdAt, locale)}</time>
            </dd>
            <dt>{t('detail.syncState')}</dt>
            <dd data-testid="detail-sync-state" data-sync-state={order.syncState}>
              <SyncBadge order={order} />
            </dd>
            <dt>{t('detail.id')}</dt>
            <dd className="mono">{order.id}</dd>
          </dl>

          <h2>{t('detail.items')}</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('detail.colItem')}</th>
                <th scope="col" className="num">
                  {t('detail.colQty')}
                </th>
                <th scope="col" className="num">
                  {t('detail.colPrice')}
                </th>
                <th scope="col" className="num">
                  {t('detail.colLineTotal')}
                </th>
              </tr>
            </thead>
            <tbody>
              {order.items.map((item, i) => (
                <tr key={i} data-testid="detail-item">
                  <td>{item.name}</td>
                  <td className="num">{new Intl.NumberFormat(locale).format(item.quantity)}</td>
                  <td className="num">{money(item.unitPriceMinor)}</td>
                  <td className="num">{money(item.lineTotalMinor)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>
                  {t('detail.total')}
                </th>
                <td className="num strong">{money(order.totalMinor)}</td>
              </tr>
            </tfoot>
          </table>

          <h2>{t('detail.note')}</h2>
          <p className={order.note ? 'note' : 'muted'}>{order.note ?? t('detail.noNote')}</p>

          <h2>{t('detail.history')}</h2>
          {order.events.length === 0 ? <p className="muted">{t('detail.noHistory')}</p> : null}
          {order.events.map((ev) => (
            <OutboxEventCard key={ev.id} event={ev} />
          ))}
        </>
      ) : null}
    </section>
  )
}

function OutboxEventCard({ event }: { event: OutboxEventView }): ReactElement {
  const t = useT()
  const locale = useLocale()
  const when = (iso: string | null) => (iso ? formatDateTime(iso, locale) : '—')
  return (
    <article className="card event-card" data-testid="outbox-event" data-event-id={event.id} data-status={event.status}>
      <dl className="details">
        <dt>{t('detail.status')}</dt>
        <dd>{t(`outbox.${event.status}`)}</dd>
        <dt>{t('detail.eventCreated')}</dt>
        <dd>{when(event.createdAt)}</dd>
        <dt>{t('detail.attempts')}</dt>
        <dd>{event.attempts}</dd>
        <dt>{t('detail.nextAttempt')}</dt>
        <dd>{when(event.nextAttemptAt)}</dd>
        <dt>{t('detail.lastError')}</dt>
        <dd className={event.lastError ? 'error-text' : undefined}>{event.lastError ?? '—'}</dd>
        <dt>{t('detail.httpStatus')}</dt>
        <dd>{event.lastHttpStatus ?? '—'}</dd>
        <dt>{t('detail.sentAt')}</dt>
        <dd>{when(event.sentAt)}</dd>
        {event.discardedAt ? (
          <>
            <dt>{t('detail.discardedAt')}</dt>
            <dd>{when(event.discardedAt)}</dd>
          </>
        ) : null}
      </dl>
      {event.history.length === 0 ? (
        <p className="muted">{t('detail.noAttempts')}</p>
      ) : (
        <table className="table compact">
          <caption className="visually-hidden">{t('detail.attemptsTable', { id: event.id })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('detail.attemptTime')}</th>
              <th scope="col">{t('detail.httpStatus')}</th>
              <th scope="col">{t('detail.outcome')}</th>
              <th scope="col">{t('detail.error')}</th>
            </tr>
          </thead>
          <tbody>
            {event.history.map((a, i) => {
              const key = outcomeKeys[a.outcome]
              return (
                <tr key={i} data-testid="delivery-attempt">
                  <td>{when(a.at)}</td>
                  <td>{a.httpStatus ?? '—'}</td>
                  <td>{key ? t(key) : a.outcome}</td>
                  <td className={a.error ? 'error-text' : undefined}>{a.error ?? '—'}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </article>
  )
}
