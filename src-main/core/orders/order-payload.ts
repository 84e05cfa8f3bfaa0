import type { ValidOrder } from './validate-order'

/**
 * An order's two shapes, made in one place for every writer (create, edit,
 * edit-and-resend): the row's items and the event payload the server gets.
 */

/** The order as it is sent to the server: the `OrderCreated` / `OrderUpdated` payload. */
export interface OrderPayload {
  id: string
  version: number
  customer: string
  note: string | null
  currency: string
  items: { name: string; quantity: number; unitPriceMinor: number }[]
  totalMinor: number
  createdAt: string
  updatedAt?: string
}

/** A line item as the orders row stores it: exact integer thousandths, never a float. */
export interface StoredItem {
  name: string
  quantityMilli: number
  unitPriceMinor: number
}

/** The row's items. Validation already refused more than 3 decimals, so rounding only removes float noise. */
export function storedItems(order: ValidOrder): StoredItem[] {
  return order.items.map(({ name, quantity, unitPriceMinor }) => ({ name, quantityMilli: Math.round(quantity * 1000), unitPriceMinor }))
}

/** The payload of version `version`; an `updatedAt` for every version after the first. */
export function orderPayload(
  id: string,
  version: number,
  order: ValidOrder,
  stored: readonly StoredItem[],
  createdAt: string,
  updatedAt?: string,
): OrderPayload {
  return {
    id,
    version,
    customer: order.customer,
    note: order.note,
    currency: order.currency,
    items: stored.map((it) => ({ name: it.name, quantity: it.quantityMilli / 1000, unitPriceMinor: it.unitPriceMinor })),
    totalMinor: order.totalMinor,
    createdAt,
    ...(version > 1 && updatedAt !== undefined ? { updatedAt } : {}),
  }
}
