import { useEffect, useRef, useState, type ReactElement } from 'react'
import type { DeliveryAttempt, OrderDetail, OutboxEventView } from '../../../src-shared/contract'
import { formatCount } from '../format/count'
import { formatMoney } from '../format/money'
import { formatQuantity } from '../format/quantity'
import { formatDateTime } from '../format/time'
import { errorMessage } from '../i18n/error-message'
import { translateMessage, type MessageKey, type Translate } from '../i18n/translate'
import { useLocale, useT } from '../i18n/use-t'
import { useEscape } from '../hooks/use-escape'
import { useFocusOnMount } from '../hooks/use-focus-on-mount'
import { useEditIntent } from '../stores/edit-intent-store'
import { useOrderDetail } from '../stores/order-detail-store'
import { useUi } from '../stores/ui-store'
import { draftFromOrder } from '../orders/order-draft'
import { OrderActions } from './order-actions'
import { OrderForm } from './order-form'
import { OrderVersionList } from './order-version-list'
import { SyncBadge } from './sync-badge'

const outcomeKeys: Record<string, MessageKey> = {
  accepted: 'outcome.accepted',
  duplicate: 'outcome.duplicate',
  rejected: 'outcome.rejected',
  retry: 'outcome.retry',
  paused: 'outcome.paused',
}

/** An attempt's outcome in words; one main does not know yet is "Other" (the raw value stays in the tooltip). */
export function outcomeText(outcome: DeliveryAttempt['outcome'], t: Translate): string {
  const key = outcomeKeys[outcome]
  return key ? t(key) : t('outcome.other')
}

export function OrderDetailView({ orderId }: { orderId: string }): ReactElement {
  const t = useT()
  const locale = useLocale()
  const back = useUi((s) => s.back)
  // Only what belongs to this order: the store may still hold the previous one for a render.
  const current = useOrderDetail((s) => s.orderId === orderId)
  const order = useOrderDetail((s) => s.order)
  const error = useOrderDetail((s) => s.error)
  const headingRef = useRef<HTMLHeadingElement>(null)
  useFocusOnMount(headingRef)
  // The version being edited, or null: the form stays on the version it was opened on.
  const [editing, setEditing] = useState<OrderDetail | null>(null)
  useEscape(back, editing === null)
  useEffect(() => setEditing(null), [orderId])

  // Live: its sync state changes (ordersChanged) and retries add attempts (status counts).
  useEffect(() => useOrderDetail.getState().watch(orderId), [orderId])

  const shown = current && order?.id === orderId ? order : null
  // The list's E key: open straight into the edit form, once the order is here.
  useEffect(() => {
    if (shown && shown.state === 'open' && useEditIntent.getState().take(shown.id)) setEditing(shown)
  }, [shown])
  const shownError = current ? error : null
  const money = (minor: number) => (shown ? formatMoney(minor, shown.currency, locale) : '')

  return (
    <section className="panel detail-view" data-testid="order-detail" aria-labelledby="order-detail-title">
      <div className="view-head">
        <button type="button" className="secondary" data-testid="detail-back" onClick={back}>
          <span aria-hidden="true">←</span> {t('detail.back')}
        </button>
        <h1 id="order-detail-title" ref={headingRef} tabIndex={-1}>
          {shown ? shown.customer : t('detail.title')}
        </h1>
      </div>

      {shownError ? (
        <p className="error-text" role="alert">
          {translateMessage(t, errorMessage(shownError))}
        </p>
      ) : null}
      {!shown && !shownError ? <p className="muted">{t('detail.loading')}</p> : null}

      {shown && editing ? (
        <OrderForm
          edit={{
            orderId: editing.id,
            version: editing.version,
            initial: draftFromOrder(editing, locale),
            onClose: () => {
              setEditing(null)
              requestAnimationFrame(() => headingRef.current?.focus())
            },
          }}
        />
      ) : null}
      {shown && !editing ? (
        <>
          <OrderActions order={shown} onEdit={() => setEditing(shown)} />
          {shown.notOnServer && shown.discarded ? (
            <p className="cancelled-note" data-testid="detail-not-on-server" role="status">
              {t('detail.notOnServer')}
            </p>
          ) : null}
          {shown.state === 'cancelled' ? (
            <p className="cancelled-note" data-testid="detail-cancelled" role="status">
              {shown.cancelReason ? t('detail.cancelledBecause', { reason: shown.cancelReason }) : t('detail.cancelled')}
            </p>
          ) : null}
          <dl className="details summary" data-order-state={shown.state} data-version={shown.version}>
            <dt>{t('detail.customer')}</dt>
            <dd data-testid="detail-customer">{shown.customer}</dd>
            <dt>{t('detail.total')}</dt>
            <dd data-testid="detail-total">{money(shown.totalMinor)}</dd>
            <dt>{t('detail.created')}</dt>
            <dd>
              <time dateTime={shown.createdAt}>{formatDateTime(shown.createdAt, locale)}</time>
            </dd>
            <dt>{t('detail.syncState')}</dt>
            <dd data-testid="detail-sync-state" data-sync-state={shown.syncState}>
              <SyncBadge order={shown} />
            </dd>
            <dt>{t('detail.id')}</dt>
            <dd className="mono">{shown.id}</dd>
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
              {shown.items.map((item, i) => (
                <tr key={i} data-testid="detail-item">
                  <td>{item.name}</td>
                  <td className="num">{formatQuantity(item.quantity, locale)}</td>
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
                <td className="num strong">{money(shown.totalMinor)}</td>
              </tr>
            </tfoot>
          </table>

          <h2>{t('detail.note')}</h2>
          <p className={shown.note ? 'note' : 'muted'}>{shown.note ?? t('detail.noNote')}</p>

          {shown.versions && shown.versions.length > 0 ? (
            <>
              <h2>{t('detail.versions')}</h2>
              <OrderVersionList versions={shown.versions} />
            </>
          ) : null}

          <h2>{t('detail.history')}</h2>
          {shown.events.length === 0 ? <p className="muted">{t('detail.noHistory')}</p> : null}
          {shown.events.map((ev) => (
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
    <article className="card event-card" data-testid="outbox-event" data-event-id={event.id} data-status={event.status} data-settled={event.settled}>
      <dl className="details">
        <dt>{t('detail.status')}</dt>
        <dd data-testid="event-status">
          {event.settled === 'replaced' ? t('detail.settledReplaced') : event.settled === 'discarded' ? t('detail.settledDiscarded') : t(`outbox.${event.status}`)}
        </dd>
        <dt>{t('detail.eventCreated')}</dt>
        <dd>{when(event.createdAt)}</dd>
        <dt>{t('detail.attempts')}</dt>
        <dd>{formatCount(event.attempts, locale)}</dd>
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
            {event.history.map((a, i) => (
              <tr key={i} data-testid="delivery-attempt" data-outcome={a.outcome}>
                <td>{when(a.at)}</td>
                <td>{a.httpStatus ?? '—'}</td>
                <td title={a.outcome in outcomeKeys ? undefined : a.outcome}>{outcomeText(a.outcome, t)}</td>
                <td className={a.error ? 'error-text' : undefined}>{a.error ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  )
}
