import { useEffect, useRef, useState, type ReactElement } from 'react'
import type { DeadEvent, OrderDetail } from '../../../src-shared/contract'
import { call } from '../api'
import { on } from '../api'
import { draftFromOrder } from '../orders/order-draft'
import { formatCount } from '../format/count'
import { formatMoney } from '../format/money'
import { formatDateTime } from '../format/time'
import type { Translate } from '../i18n/translate'
import { useLocale, useT } from '../i18n/use-t'
import { useFocusOnMount } from '../hooks/use-focus-on-mount'
import { useAttention } from '../stores/attention-store'
import { useStatus } from '../stores/status-store'
import { useUi } from '../stores/ui-store'
import { throttle } from '../../../src-shared/throttle'
import { ConfirmDialog } from './confirm-dialog'
import { OrderForm } from './order-form'
import { Icon } from './icons'

export function AttentionView(): ReactElement {
  const t = useT()
  const items = useAttention((s) => s.items)
  const load = useAttention((s) => s.load)
  const dead = useStatus((s) => s.status?.counts.dead)
  const [confirming, setConfirming] = useState<DeadEvent | null>(null)
  const [discarding, setDiscarding] = useState<DeadEvent | null>(null)
  // Edit and resend: the refused change being corrected, with the order as it is on this device.
  const [fixing, setFixing] = useState<{ item: DeadEvent; order: OrderDetail } | null>(null)
  const locale = useLocale()
  const headingRef = useRef<HTMLHeadingElement>(null)
  useFocusOnMount(headingRef)

  // Fresh on open, whenever the dead count moves, and on order changes (throttled).
  useEffect(() => {
    void load()
  }, [dead, load])
  useEffect(() => {
    const reload = throttle(() => void load(), 500)
    const off = on('ordersChanged', reload)
    return () => {
      off()
      reload.cancel()
    }
  }, [load])

  return (
    <section className="panel attention-view" data-testid="attention-view" aria-labelledby="attention-title">
      <div className="view-head">
        <h1 id="attention-title" ref={headingRef} tabIndex={-1}>
          {t('attention.title')}
        </h1>
      </div>
      <p className="muted">{t('attention.intro')}</p>
      {items === null ? <p className="muted">{t('attention.loading')}</p> : null}
      {items !== null && items.length === 0 ? (
        <p className="empty" data-testid="attention-empty">
          <Icon name="check" /> {t('attention.empty')}
        </p>
      ) : null}
      {fixing ? (
        <div className="card resend-form" data-testid="resend-form">
          <p className="muted">
            {t('attention.reason')}: <span className="error-text">{fixing.item.reason ?? t('attention.noReason')}</span>
          </p>
          <OrderForm
            edit={{
              orderId: fixing.order.id,
              version: fixing.order.version,
              initial: draftFromOrder(fixing.order, locale),
              resend: fixing.item,
              onClose: () => {
                setFixing(null)
                requestAnimationFrame(() => headingRef.current?.focus())
              },
            }}
          />
        </div>
      ) : (
        <ul className="dead-list">
          {items?.map((item) => (
            <li key={item.eventId}>
              <DeadEventCard
                item={item}
                onDiscard={() => setConfirming(item)}
                onDiscardChange={() => setDiscarding(item)}
                onEditAndResend={async () => {
                  // The form opens on the order as it is here now (the refused change and any waiting behind it).
                  const r = await call('getOrder', { id: item.orderId })
                  if (r.ok) setFixing({ item, order: r.value })
                  else useUi.getState().toastError(r.error)
                }}
              />
            </li>
          ))}
        </ul>
      )}
      {discarding ? (
        <ConfirmDialog
          title={t('attention.discardChangeTitle')}
          confirmLabel={t('attention.discardChange')}
          cancelLabel={t('attention.discardChangeNo')}
          onCancel={() => setDiscarding(null)}
          onConfirm={() => {
            const item = discarding
            setDiscarding(null)
            void useAttention.getState().discardChange(item, item.orderVersion ?? 1)
          }}
          fallbackFocus={() => headingRef.current}
        >
          <p>
            {discarding.eventVersion === undefined || discarding.eventVersion <= 1
              ? t('attention.discardChangeBodyNew', { customer: discarding.customer })
              : t('attention.discardChangeBody', { customer: discarding.customer, version: discarding.eventVersion - 1 })}
          </p>
          {discarding.waiting ? <p>{t('attention.discardChangeWaiting', { count: discarding.waiting })}</p> : null}
        </ConfirmDialog>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={t('attention.confirmTitle')}
          confirmLabel={t('attention.confirmYes')}
          cancelLabel={t('attention.confirmNo')}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            const id = confirming.eventId
            setConfirming(null)
            void useAttention.getState().discard(id)
          }}
          fallbackFocus={() => headingRef.current}
        >
          <p>{t('attention.confirmBody', { customer: confirming.customer })}</p>
        </ConfirmDialog>
      ) : null}
    </section>
  )
}

/** The text "Copy details" puts on the clipboard: everything a support person would ask for. */
export function deadEventText(item: DeadEvent, t: Translate, locale: string): string {
  const lines: [string, string][] = [
    [t('detail.customer'), item.customer],
    [t('attention.total'), formatMoney(item.totalMinor, item.currency, locale)],
    [t('attention.reason'), item.reason ?? t('attention.noReason')],
    [t('attention.attempts'), formatCount(item.attempts, locale)],
    [t('attention.lastStatus'), item.lastHttpStatus === null ? '—' : String(item.lastHttpStatus)],
    [t('attention.when'), item.failedAt ? formatDateTime(item.failedAt, locale) : '—'],
    [t('attention.orderId'), item.orderId],
    [t('attention.eventId'), item.eventId],
    [t('attention.lastResponse'), item.lastResponse ?? '—'],
  ]
  return lines.map(([k, v]) => `${k}: ${v}`).join('\n')
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    // No clipboard permission (or not a secure context): the old way may still work.
    const area = document.createElement('textarea')
    area.value = text
    area.setAttribute('readonly', '')
    area.className = 'offscreen'
    document.body.append(area)
    area.select()
    let ok = false
    try {
      ok = document.execCommand('copy')
    } catch {
      ok = false
    }
    area.remove()
    return ok
  }
}

function DeadEventCard({
  item,
  onDiscard,
  onDiscardChange,
  onEditAndResend,
}: {
  item: DeadEvent
  onDiscard: () => void
  onDiscardChange: () => void
  onEditAndResend: () => void
}): ReactElement {
  const t = useT()
  const locale = useLocale()
  const busy = useAttention((s) => s.busy.has(item.eventId))
  const retry = useAttention((s) => s.retry)
  const openOrder = useUi((s) => s.openOrder)
  const [manualCopy, setManualCopy] = useState<string | null>(null)
  const retryRef = useRef<HTMLButtonElement>(null)

  // Discarding removes the Discard button that had focus: keep the keyboard user on this card.
  useEffect(() => {
    if (item.discarded && (document.activeElement === document.body || document.activeElement === null)) {
      retryRef.current?.focus()
    }
  }, [item.discarded])

  const copy = async () => {
    const text = deadEventText(item, t, locale)
    const ok = await copyText(text)
    if (ok) {
      setManualCopy(null)
      useUi.getState().toast({ key: 'attention.copied' }, 'success')
    } else {
      setManualCopy(text)
      useUi.getState().toast({ key: 'attention.copyFailed' }, 'warning')
    }
  }

  return (
    <article
      className={`card dead-event${item.discarded ? ' discarded' : ''}`}
      data-testid="dead-event"
      data-event-id={item.eventId}
      data-discarded={item.discarded}
      aria-busy={busy}
    >
      <header className="dead-head">
        <h2>
          <button type="button" className="link" onClick={() => openOrder(item.orderId)}>
            {item.customer}
          </button>
        </h2>
        <span className="strong">{formatMoney(item.totalMinor, item.currency, locale)}</span>
        {item.discarded ? (
          <span className="sync-badge badge-discarded">
            <Icon name="ban" />
            <span>{t('attention.discarded')}</span>
          </span>
        ) : (
          <span className="sync-badge badge-failed">
            <Icon name="warning" />
            <span>{t('outbox.dead')}</span>
          </span>
        )}
      </header>
      <dl className="details">
        <dt>{t('attention.reason')}</dt>
        <dd className="error-text" data-testid="dead-reason">
          {item.reason ?? t('attention.noReason')}
        </dd>
        <dt>{t('attention.attempts')}</dt>
        <dd>{formatCount(item.attempts, locale)}</dd>
        <dt>{t('attention.when')}</dt>
        <dd>{item.failedAt ? formatDateTime(item.failedAt, locale) : '—'}</dd>
      </dl>
      {/* Later changes of this order are held back behind this one (never sent past it). */}
      {item.waiting ? (
        <p className="dead-waiting" data-testid="dead-waiting" data-count={item.waiting}>
          <Icon name="clock" /> {t('attention.waiting', { count: item.waiting })}
        </p>
      ) : null}
      {item.orderState === 'cancelled' ? <p className="muted">{t('attention.cancelledNoEdit')}</p> : null}
      {/* Status codes and raw bodies are for whoever runs the server, not the person at the till. */}
      <details className="technical" data-testid="technical-details">
        <summary>{t('attention.technical')}</summary>
        <dl className="details">
          <dt>{t('attention.lastStatus')}</dt>
          <dd data-testid="technical-http-status">{item.lastHttpStatus ?? '—'}</dd>
          {item.lastResponse ? (
            <>
              <dt>{t('attention.lastResponse')}</dt>
              <dd>
                <pre className="response">{item.lastResponse}</pre>
              </dd>
            </>
          ) : null}
        </dl>
      </details>
      <div className="actions">
        <button
          ref={retryRef}
          type="button"
          className="primary"
          data-testid="retry-event"
          disabled={busy}
          onClick={() => void retry(item.eventId)}
        >
          {t('attention.retry')}
        </button>
        {item.discarded ? null : (
          <button type="button" className="secondary danger-text" data-testid="discard-event" disabled={busy} onClick={onDiscard}>
            {t('attention.discard')}
          </button>
        )}
        {item.orderState === 'cancelled' ? null : (
          <button type="button" className="secondary" data-testid="edit-and-resend" disabled={busy} onClick={onEditAndResend}>
            {t('attention.editAndResend')}
          </button>
        )}
        <button type="button" className="secondary" data-testid="discard-change" disabled={busy} onClick={onDiscardChange}>
          {t('attention.discardChange')}
        </button>
        <button type="button" className="ghost" data-testid="copy-details" onClick={() => void copy()}>
          {t('attention.copy')}
        </button>
      </div>
      {manualCopy ? (
        <label className="field">
          <span>{t('attention.copyText')}</span>
          <textarea readOnly rows={6} value={manualCopy} onFocus={(e) => e.currentTarget.select()} />
        </label>
      ) : null}
    </article>
  )
}
