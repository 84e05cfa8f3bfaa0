import { useState, type ReactElement } from 'react'
import type { OrderDetail, OrderSummary } from '../../../src-shared/contract'
import { useLocale, useT } from '../i18n/use-t'
import { draftFromOrder } from '../orders/order-draft'
import { useFormPrefill } from '../stores/form-prefill-store'
import { useOrders } from '../stores/orders-store'
import { useUi } from '../stores/ui-store'
import { ConfirmDialog } from './confirm-dialog'

/** The keys the list offers for a focused row (order-list.tsx), shown on the buttons they stand for. */
export const ORDER_KEYS = { edit: 'E', cancel: 'Delete' } as const

/** Edit, Cancel (void) and Duplicate for one order in the detail view. A cancelled order can only be duplicated. */
export function OrderActions({ order, onEdit }: { order: OrderDetail; onEdit(): void }): ReactElement {
  const t = useT()
  const locale = useLocale()
  const [confirming, setConfirming] = useState(false)
  const open = order.state === 'open'

  const duplicate = () => {
    useFormPrefill.getState().offer(draftFromOrder(order, locale))
    useUi.getState().navigate('orders')
  }

  return (
    <div className="order-actions" role="group" aria-label={t('actions.label')}>
      {open ? (
        <>
          <button type="button" className="secondary" data-testid="edit-order" title={t('actions.editHint')} onClick={onEdit}>
            {t('actions.edit')}
          </button>
          <button type="button" className="secondary" data-testid="cancel-order" title={t('actions.cancelHint')} onClick={() => setConfirming(true)}>
            {t('actions.cancel')}
          </button>
        </>
      ) : null}
      <button type="button" className="secondary" data-testid="duplicate-order" onClick={duplicate}>
        {t('actions.duplicate')}
      </button>
      {confirming ? <CancelOrderDialog order={order} onClose={() => setConfirming(false)} /> : null}
    </div>
  )
}

/**
 * "Cancel this order?" with an optional reason, from the detail or from the
 * list's Delete key. The version shown is the one cancelled: a newer one
 * saved elsewhere is refused as stale.
 */
export function CancelOrderDialog({
  order,
  onClose,
  fallbackFocus,
}: {
  order: Pick<OrderSummary, 'id' | 'version' | 'customer'>
  onClose(): void
  fallbackFocus?: () => HTMLElement | null
}): ReactElement {
  const t = useT()
  const [reason, setReason] = useState('')
  const confirm = () => {
    onClose()
    const r = reason.trim()
    void useOrders.getState().cancel(order.id, order.version, r === '' ? null : r)
  }
  return (
    <ConfirmDialog
      title={t('cancelOrder.title')}
      confirmLabel={t('cancelOrder.yes')}
      cancelLabel={t('cancelOrder.no')}
      onConfirm={confirm}
      onCancel={onClose}
      {...(fallbackFocus ? { fallbackFocus } : {})}
    >
      <p>{t('cancelOrder.body', { customer: order.customer })}</p>
      <div className="field">
        <label htmlFor="cancel-reason">{t('cancelOrder.reason')}</label>
        <input
          id="cancel-reason"
          data-testid="cancel-reason"
          type="text"
          autoComplete="off"
          maxLength={2000}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
    </ConfirmDialog>
  )
}
