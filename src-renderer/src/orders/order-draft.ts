import type { CreateOrderInput, OrderDetail } from '../../../src-shared/contract'
import { lineTotalMinor } from '../../../src-shared/protocol'
import { formatMinorForInput, readPrice } from '../../../src-shared/money'
import { minorDigits, minorToDecimalString, parseQuantityMilli } from '../format/money'

export interface LineDraft {
  /** React key only; never sent. */
  key: number
  name: string
  quantity: string
  unitPrice: string
}

export interface OrderDraft {
  customer: string
  currency: string
  note: string
  items: LineDraft[]
}

/** A currency code as typed ("usd ") in the form main expects ("USD"); empty stays empty. */
export function normalizeCurrency(code: string): string {
  return code.trim().toUpperCase()
}

let nextKey = 1
export function emptyLine(): LineDraft {
  return { key: nextKey++, name: '', quantity: '1', unitPrice: '' }
}

export function emptyDraft(currency: string): OrderDraft {
  return { customer: '', currency, note: '', items: [emptyLine()] }
}

/**
 * The form as main expects it: text exactly as typed, so main (not the
 * renderer) decides what a quantity or a price means, with the UI locale the
 * prices were typed in ("12,50" in de-DE).
 */
export function toCreateOrderInput(draft: OrderDraft, locale?: string): CreateOrderInput {
  const input: CreateOrderInput = {
    customer: draft.customer,
    note: draft.note,
    items: draft.items.map((i) => ({ name: i.name, quantity: i.quantity, unitPrice: i.unitPrice })),
  }
  if (locale !== undefined) input.locale = locale
  // An emptied currency field means "the default", which main applies.
  const currency = normalizeCurrency(draft.currency)
  if (currency !== '') input.currency = currency
  return input
}

/**
 * A preview of the total in minor units from the lines that parse so far
 * (half-typed lines count as nothing). Null when the sum would be unsafe.
 */
export function previewTotalMinor(draft: Pick<OrderDraft, 'currency' | 'items'>, locale?: string): number | null {
  const currency = normalizeCurrency(draft.currency)
  let total = 0
  for (const item of draft.items) {
    const q = parseQuantityMilli(item.quantity)
    // The same reading main applies (src-shared/money.ts readPrice).
    const p = readPrice(item.unitPrice, currency, locale)
    if (q === null || q === 0 || !p.ok) continue
    // Half up per line, exactly as main and the server total it.
    total += Number(lineTotalMinor(q, p.minor))
    if (!Number.isSafeInteger(total)) return null
  }
  return total
}

/** Whether the person has typed anything worth saving (a default quantity of 1 is not content). */
export function draftHasContent(draft: OrderDraft): boolean {
  if (draft.customer.trim() !== '' || draft.note.trim() !== '') return true
  return draft.items.some((i) => i.name.trim() !== '' || i.unitPrice.trim() !== '' || (i.quantity.trim() !== '' && i.quantity.trim() !== '1'))
}

/**
 * A saved order back in the form's terms (edit, duplicate, undo): prices as
 * plain decimals in the currency's digits ("12.50", or "12,50" in a comma
 * locale), so what goes back to main parses to exactly the same minor units.
 */
export function draftFromOrder(order: Pick<OrderDetail, 'customer' | 'currency' | 'note' | 'items'>, locale?: string): OrderDraft {
  const digits = minorDigits(order.currency)
  return {
    customer: order.customer,
    currency: order.currency,
    note: order.note ?? '',
    items: order.items.map((i) => ({
      key: nextKey++,
      name: i.name,
      quantity: String(i.quantity),
      unitPrice: locale === undefined ? minorToDecimalString(i.unitPriceMinor, digits) : formatMinorForInput(i.unitPriceMinor, order.currency, locale),
    })),
  }
}
