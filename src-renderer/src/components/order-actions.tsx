import { useState, type ReactElement } from 'react'
import type { OrderDetail } from '../../../src-shared/contract'
import { useT } from '../i18n/use-t'
import { draftFromOrder } from '../orders/order-draft'
import { useFormPrefill } from '../stores/form-prefill-store'
import { useOrders } from '../stores/orders-store'
import { useUi } from '../stores/ui-store'
import { ConfirmDialog } from './confirm-dialog'

/** Edit, Cancel (void) and Duplicate for one order in the detail view. A cancelled order can only be duplicated. */
export function OrderActions({ order, onEdit }: { order: OrderDetail; onEdit(): void }): ReactElement {
  const t = useT()
  const [confirming, setConfirming] = useState(false)
  const [reason, setReason] = useState('')
  const open = order.state === 'open'

  const duplicate = () => {
    useFormPrefill.getState().offer(draftFromOrder(order))
    useUi.getState().navigate('orders')
  }
  const confirmCancel = () => {
    setConfirming(false)
    const r = reason.trim()
    // The version shown is the one being cancelled: a newer one elsewhere is refused as stale.
    void useOrders.getState().cancel(order.id, order.version, r === '' ? null : r)
    setReason('')
  }

  return (
    <div className="order-actions" role="group" aria-label={t('actions.label')}>
      {open ? (
        <>
          <button type="button" className="secondary" data-testid="edit-order" onClick={onEdit}>
            {t('actions.edit')}
          </button>
          <button type="button" className="secondary" data-testid="cancel-order" onClick={() => setConfirming(true)}>
            {t('actions.cancel')}
          </button>
        </>
      ) : null}
      <button type="button" className="secondary" data-testid="duplicate-order" onClick={duplicate}>
        {t('actions.duplicate')}
      </button>
      {confirming ? (
        <ConfirmDialog
          title={t('cancelOrder.title')}
          confirmLabel={t('cancelOrder.yes')}
          cancelLabel={t('cancelOrder.no')}
          onConfirm={confirmCancel}
          onCancel={() => setConfirming(false)}
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
      ) : null}
    </div>
  )
}
