import { CreateOrderInput, LIMITS, type FieldError } from '../../../src-shared/contract'
import { OutpostError } from '../errors'
import { parseQuantityMilliText, readPrice } from '../../../src-shared/money'
import { lineTotalMinor, quantityToThousandths } from '../../../src-shared/protocol'
import { isCurrency } from './currency'
import { zodIssuesToFieldErrors } from '../validation'

export interface ValidLineItem {
  name: string
  quantity: number
  unitPriceMinor: number
  lineTotalMinor: number
}

export interface ValidOrder {
  customer: string
  note: string | null
  currency: string
  items: ValidLineItem[]
  totalMinor: number
}

/**
 * Validates the renderer's order input (`unknown` until here) and computes the
 * money in main. Every problem is reported at once, each against its field, so
 * the form can mark them all. Throws `OutpostError('validation_failed')`.
 */
export function validateOrder(raw: unknown, defaultCurrency: string): ValidOrder {
  const shape = CreateOrderInput.safeParse(raw)
  if (!shape.success) {
    throw validationError(zodIssuesToFieldErrors(shape.error.issues))
  }
  const input = shape.data
  const errors: FieldError[] = []
  const fail = (field: string, code: FieldError['code'], message: string, params?: Record<string, number | string>) =>
    errors.push(params ? { field, code, message, params } : { field, code, message })

  const customer = input.customer.trim()
  if (customer.length === 0) fail('customer', 'required', 'Customer name is required.')
  else if (customer.length > LIMITS.customerMax)
    fail('customer', 'too_long', `Customer name is at most ${LIMITS.customerMax} characters.`, { max: LIMITS.customerMax })

  const note = input.note?.trim() ?? ''
  if (note.length > LIMITS.noteMax) fail('note', 'too_long', `Note is at most ${LIMITS.noteMax} characters.`, { max: LIMITS.noteMax })

  const currency = (input.currency ?? defaultCurrency).trim().toUpperCase()
  const currencyOk = isCurrency(currency)
  if (!currencyOk) fail('currency', 'invalid_currency', `"${currency.slice(0, 10)}" is not an ISO 4217 currency code.`)

  if (input.items.length < LIMITS.itemsMin) fail('items', 'too_short', 'Add at least one line item.', { min: LIMITS.itemsMin })
  if (input.items.length > LIMITS.itemsMax)
    fail('items', 'too_long', `An order has at most ${LIMITS.itemsMax} line items.`, { max: LIMITS.itemsMax })

  const items: ValidLineItem[] = []
  input.items.slice(0, LIMITS.itemsMax).forEach((item, i) => {
    const at = `items.${i}`
    const name = item.name.trim()
    if (name.length === 0) fail(`${at}.name`, 'required', 'Item name is required.')
    else if (name.length > LIMITS.itemNameMax)
      fail(`${at}.name`, 'too_long', `Item name is at most ${LIMITS.itemNameMax} characters.`, { max: LIMITS.itemNameMax })

    const milli = parseQuantityMilli(item.quantity)
    const quantity = milli === null ? null : milli / 1000
    if (milli === null || quantity === null) fail(`${at}.quantity`, 'too_many_decimals', 'Enter a quantity such as 2 or 1.5 (at most 3 decimals).')
    else if (milli < 1)
      fail(`${at}.quantity`, 'too_small', 'Quantity must be more than 0.', { min: 0 })
    else if (quantity > LIMITS.quantityMax)
      fail(`${at}.quantity`, 'too_big', `Quantity is at most ${LIMITS.quantityMax}.`, { max: LIMITS.quantityMax })

    let unitPriceMinor: number | null = null
    if (currencyOk) {
      // The form's locale ("12,50" in de-DE), the same reading as its preview.
      const price = readPrice(item.unitPrice, currency, input.locale)
      if (!price.ok) {
        const message =
          price.code === 'too_many_decimals'
            ? `Too many decimals for ${currency}.`
            : price.code === 'ambiguous_number'
              ? 'This price can be read two ways; type it without a thousands separator.'
              : 'Enter a price such as 12.50.'
        fail(`${at}.unitPrice`, price.code, message, { currency })
      } else if (price.minor > LIMITS.unitPriceMinorMax) {
        fail(`${at}.unitPrice`, 'too_big', 'That price is too large.', { max: LIMITS.unitPriceMinorMax })
      } else {
        unitPriceMinor = price.minor
      }
    }
    if (milli !== null && quantity !== null && unitPriceMinor !== null) {
      items.push({ name, quantity, unitPriceMinor, lineTotalMinor: Number(lineTotalMinor(milli, unitPriceMinor)) })
    }
  })

  if (errors.length > 0) throw validationError(errors)
  // 200 items × 10^6 × 10^10 exceeds 2^53: refuse rather than round.
  const totalMinor = items.reduce((sum, it) => sum + it.lineTotalMinor, 0)
  if (!Number.isSafeInteger(totalMinor) || items.some((it) => !Number.isSafeInteger(it.lineTotalMinor))) {
    throw validationError([{ field: 'items', code: 'too_big', message: 'The order total is too large.' }])
  }
  return { customer, note: note === '' ? null : note, currency, items, totalMinor }
}

/**
 * Exact integer thousandths (1.5 → 1500), read from the text digit by digit so
 * no float error enters; "1,5" is read as 1.5 for comma locales. Null when it
 * is not a non-negative number with at most 3 decimals.
 */
export function parseQuantityMilli(q: number | string): number | null {
  if (typeof q === 'number') return q === 0 ? 0 : quantityToThousandths(q)
  // The same reading as the form's preview (src-shared/money.ts).
  return parseQuantityMilliText(q)
}

function validationError(fields: FieldError[]): OutpostError {
  return new OutpostError('validation_failed', 'The order has invalid fields.', { fields })
}
