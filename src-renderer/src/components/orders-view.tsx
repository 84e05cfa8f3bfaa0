import type { ReactElement } from 'react'
import { OrderForm } from './order-form'
import { OrderList } from './order-list'

export function OrdersView(): ReactElement {
  return (
    <div className="orders-view">
      <section className="panel form-panel">
        <OrderForm />
      </section>
      <div className="panel list-panel">
        <OrderList />
      </div>
    </div>
  )
}
